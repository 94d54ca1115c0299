//! Parser fuzzing (point 5 of the issue): random and mutated lines never panic the grammar
//! or the completion code, grammar errors are one line with a user exit code, and a parsed
//! command formatted back into a line parses to the same command.
//!
//! Lines come from two strategies ([`lines`]): arbitrary text (any unicode, control
//! characters, quotes, backslashes, unicode spaces, very long tokens), and lines built from the
//! real grammar (`grammar::command()` walked for its commands, flags and positionals, below)
//! filled with plausible ids, dates, amounts and names, then mutated word by word and
//! character by character. [`properties`] states what every line must do; [`regressions`]
//! checks that the generators reach the grammar and keeps deterministic cases. Failing cases
//! are not persisted to files: a defect found here becomes a regression test there.

mod lines;
mod properties;
mod regressions;

use std::sync::LazyLock;

use proptest::test_runner::Config;

use crate::shell::grammar::{self, Menu};

/// Every place a line can be typed in: the top level, then each menu of the grammar.
fn contexts() -> Vec<Option<Menu>> {
    std::iter::once(None)
        .chain(Menu::ALL.into_iter().map(Some))
        .collect()
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Every char boundary of `text`, its end included.
fn boundaries(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect()
}

// ---------------------------------------------------------------------------------------
// The grammar, walked once.

/// What a value slot expects, guessed from its id and value name.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Id,
    Date,
    Amount,
    Count,
    Email,
    Department,
    Entity,
    Text,
}

/// A value: a positional argument or the value of a flag.
#[derive(Clone, Debug)]
struct Slot {
    kind: Kind,
    /// The values clap accepts, when it has a fixed set (`--format`).
    choices: Vec<String>,
}

#[derive(Clone, Debug)]
struct Flag {
    long: String,
    short: Option<char>,
    value: Option<Slot>,
}

/// One command of the grammar: its path from the top (`["users", "list"]`), positionals and
/// flags.
#[derive(Clone, Debug)]
struct Spec {
    path: Vec<String>,
    positionals: Vec<Slot>,
    flags: Vec<Flag>,
}

static SPECS: LazyLock<Vec<Spec>> = LazyLock::new(|| {
    let mut specs = Vec::new();
    walk(&grammar::command(), &mut Vec::new(), &mut specs);
    specs
});

fn walk(command: &clap::Command, path: &mut Vec<String>, out: &mut Vec<Spec>) {
    for sub in command.get_subcommands() {
        let names = std::iter::once(sub.get_name()).chain(sub.get_all_aliases());
        for name in names.map(str::to_owned).collect::<Vec<_>>() {
            path.push(name);
            out.push(spec(sub, path));
            path.pop();
        }
        path.push(sub.get_name().to_owned());
        walk(sub, path, out);
        path.pop();
    }
}

fn spec(command: &clap::Command, path: &[String]) -> Spec {
    let takes_value = |a: &clap::Arg| {
        matches!(
            a.get_action(),
            clap::ArgAction::Set | clap::ArgAction::Append
        )
    };
    Spec {
        path: path.to_vec(),
        positionals: command.get_positionals().map(slot).collect(),
        flags: command
            .get_arguments()
            .filter(|a| !a.is_positional())
            .filter_map(|a| {
                Some(Flag {
                    long: a.get_long()?.to_owned(),
                    short: a.get_short(),
                    value: takes_value(a).then(|| slot(a)),
                })
            })
            .collect(),
    }
}

fn slot(arg: &clap::Arg) -> Slot {
    let id = arg.get_id().as_str();
    let value_name = arg
        .get_value_names()
        .and_then(|names| names.first())
        .map_or("", |name| name.as_str());
    let kind = match (id, value_name) {
        (_, "ID" | "N") | ("id" | "sales_id" | "support_id", _) => Kind::Id,
        (_, "DATE" | "DATE TIME") => Kind::Date,
        (_, "AMOUNT") | ("amount", _) => Kind::Amount,
        (_, "COUNT") | ("page" | "page_size" | "scale", _) => Kind::Count,
        ("email", _) => Kind::Email,
        ("department", _) => Kind::Department,
        ("entity", _) => Kind::Entity,
        _ => Kind::Text,
    };
    Slot {
        kind,
        choices: arg
            .get_possible_values()
            .iter()
            .map(|v| v.get_name().to_owned())
            .collect(),
    }
}
