//! Tab completion and hints for the REPL.
//!
//! Completion walks the same clap command as the parser: the commands of the current menu
//! and the top level, the subcommands of a menu, the flags of a command, the values of flags
//! with a fixed set of them, and the ids an argument expects (asked of the completion
//! service, so only the records the command accepts and the user may act on are offered).

use std::borrow::Cow;

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::Validator;
use rustyline::{Context as LineContext, Helper};

use super::grammar::{self, Menu};
use std::cell::RefCell;

use crate::backend::Backend;
use crate::backend::ops::account::Complete;
use crate::domain::{Collaborator, Department};
use crate::service::completion::IdKind;
use crate::ui::style;

pub struct ShellHelper {
    pub menu: Option<Menu>,
    /// Who is logged in now, to offer the ids they may act on.
    pub actor: Option<Collaborator>,
    /// A backend of the completer's own (its own connection, or a short timeout in team
    /// mode), so completing never disturbs the shell's nor freezes the prompt.
    ids: RefCell<Option<Backend>>,
    hinter: HistoryHinter,
    color: bool,
}

impl ShellHelper {
    pub fn new(ids: Option<Backend>, color: bool) -> Self {
        ShellHelper {
            menu: None,
            actor: None,
            ids: RefCell::new(ids),
            hinter: HistoryHinter::new(),
            color,
        }
    }

    fn ids(&self, kind: IdKind, prefix: &str) -> Vec<(i64, String)> {
        if self.actor.is_none() {
            return Vec::new();
        }
        let mut ids = self.ids.borrow_mut();
        let Some(backend) = ids.as_mut() else {
            return Vec::new();
        };
        let op = Complete {
            kind,
            prefix: prefix.to_owned(),
        };
        match backend.run(op) {
            Ok(found) => found
                .candidates
                .into_iter()
                .map(|c| (c.id, c.label))
                .collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// Answers "which ids of this kind start with these digits?" with ids and labels.
pub type IdLookup<'a> = &'a dyn Fn(IdKind, &str) -> Vec<(i64, String)>;

/// One completion: what is inserted, and what the list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub replacement: String,
    pub display: String,
}

impl Candidate {
    fn word(word: String) -> Self {
        Candidate {
            display: word.clone(),
            replacement: word,
        }
    }
}

/// The candidates for the word that ends at `pos`, and where that word starts. `ids` answers
/// for id arguments.
pub fn complete(
    line: &str,
    pos: usize,
    menu: Option<Menu>,
    department: Option<Department>,
    ids: IdLookup<'_>,
) -> (usize, Vec<Candidate>) {
    let before = &line[..pos];
    let start = before.rfind(is_separator).map_or(0, |i| i + 1);
    let word = &before[start..];
    let previous: Vec<String> = before[..start]
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let words = |candidates: Vec<String>| {
        candidates
            .into_iter()
            .filter(|c| c.starts_with(word))
            .map(Candidate::word)
            .collect()
    };
    if previous.is_empty() {
        let mut candidates: Vec<String> = menu
            .map(|m| {
                grammar::menu_command_names(m.name())
                    .into_iter()
                    .filter(|c| grammar::offered(department, Some(m.name()), c))
                    .collect()
            })
            .unwrap_or_default();
        candidates.extend(
            grammar::top_level_names()
                .into_iter()
                .filter(|n| n != "quit" && grammar::offered(department, None, n)),
        );
        candidates.dedup();
        return (start, words(candidates));
    }
    let previous = grammar::in_menu(previous, menu);
    let mut command = grammar::grammar();
    let mut path = Vec::new();
    let mut rest = previous.as_slice();
    while let Some((first, tail)) = rest.split_first() {
        match command.find_subcommand(first) {
            Some(sub) => {
                command = sub;
                path.push(first.as_str());
                rest = tail;
            }
            None => break,
        }
    }
    if word.starts_with('-') {
        let mut flags: Vec<String> = command
            .get_arguments()
            .filter_map(|a| a.get_long())
            .map(|l| format!("--{l}"))
            .collect();
        flags.push("--help".to_owned());
        return (start, words(flags));
    }
    if command.has_subcommands() && rest.is_empty() && command.get_name() != "help" {
        let menu = command.get_name();
        return (
            start,
            words(
                command
                    .get_subcommands()
                    .map(|c| c.get_name().to_owned())
                    .filter(|c| grammar::offered(department, Some(menu), c))
                    .collect(),
            ),
        );
    }
    let Some(arg) = argument_at(command, rest) else {
        return (start, Vec::new());
    };
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .map(|v| v.get_name().to_owned())
        .collect();
    if !values.is_empty() {
        return (start, words(values));
    }
    if arg.get_id() == "department" {
        return (
            start,
            words(
                crate::domain::Department::ALL
                    .iter()
                    .map(|d| d.as_str().to_owned())
                    .collect(),
            ),
        );
    }
    let kind = match path.as_slice() {
        [menu, command] => id_kind(menu, command, arg.get_id().as_str()),
        _ => None,
    };
    let Some(kind) = kind else {
        return (start, Vec::new());
    };
    let found = ids(kind, word)
        .into_iter()
        .map(|(id, label)| Candidate {
            replacement: id.to_string(),
            display: format!("{id}  {label}"),
        })
        .collect();
    (start, found)
}

/// What separates words: what shlex splits on, so completion sees the parser's words. All
/// three are one byte long, so the byte after one is a character boundary.
fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n')
}

/// The argument the next word fills, given the words typed after the command: the value of
/// a flag just typed, or the next positional argument.
fn argument_at<'c>(command: &'c clap::Command, typed: &[String]) -> Option<&'c clap::Arg> {
    let takes_value = |a: &clap::Arg| {
        a.get_num_args().is_none_or(|n| n.takes_values())
            && !matches!(
                a.get_action(),
                clap::ArgAction::SetTrue | clap::ArgAction::Help
            )
    };
    let mut positionals = 0;
    let mut typed = typed.iter();
    while let Some(word) = typed.next() {
        if let Some(long) = word.strip_prefix("--") {
            if long.contains('=') {
                continue;
            }
            let flag = command.get_arguments().find(|a| a.get_long() == Some(long));
            if flag.is_some_and(takes_value) && typed.next().is_none() {
                return flag;
            }
        } else if !word.starts_with('-') {
            positionals += 1;
        }
    }
    command.get_positionals().nth(positionals)
}

/// Which records an argument of a menu command refers to.
fn id_kind(menu: &str, command: &str, arg: &str) -> Option<IdKind> {
    use IdKind::*;
    Some(match (menu, command, arg) {
        ("clients", "show", "id") => Client,
        ("clients", "update", "id") => UpdatableClient,
        ("clients", "reassign" | "delete", "id") => ManagedClient,
        ("clients", "reassign", "sales_id") => SalesCollaborator,
        ("contracts", "show", "id") => Contract,
        ("contracts", "update", "id") => UpdatableContract,
        ("contracts", "sign", "id") => SignableContract,
        ("contracts", "pay", "id") => PayableContract,
        ("contracts", "delete", "id") => ManagedContract,
        ("contracts", "list", "client") | ("events", "list", "client") => Client,
        ("clients", "list", "sales") => SalesCollaborator,
        ("audit", "list", "actor") => Collaborator,
        ("contracts", "create" | "update", "client_id") => ContractableClient,
        ("events", "show", "id") => Event,
        ("events", "update", "id") => UpdatableEvent,
        ("events", "assign" | "delete", "id") => ManagedEvent,
        ("events", "unassign", "id") => AssignedEvent,
        ("events", "assign", "support_id") | ("events", "list", "support") => SupportCollaborator,
        ("events", "create" | "update", "contract_id") => EventableContract,
        ("users", "show", "id") => Collaborator,
        ("users", "update" | "delete" | "unlock" | "reset-password", "id") => ManagedCollaborator,
        _ => return None,
    })
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &LineContext<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let department = self.actor.as_ref().map(|a| a.department);
        let (start, candidates) = complete(line, pos, self.menu, department, &|kind, prefix| {
            self.ids(kind, prefix)
        });
        let single = candidates.len() == 1;
        let pairs = candidates
            .into_iter()
            .map(|c| Pair {
                replacement: if single {
                    format!("{} ", c.replacement)
                } else {
                    c.replacement
                },
                display: c.display,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for ShellHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, ctx: &LineContext<'_>) -> Option<String> {
        self.hinter.hint(line, pos, ctx)
    }
}

impl Highlighter for ShellHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(style::dim(hint, true))
        } else {
            Cow::Borrowed(hint)
        }
    }
}

impl Validator for ShellHelper {}

impl Helper for ShellHelper {}

#[cfg(test)]
mod tests;
