//! Tab completion and hints for the REPL.
//!
//! Completion walks the same clap command as the parser: the commands of the current menu
//! and the top level, the subcommands of a menu, the flags of a command, and the values of
//! flags that have a fixed set of them.

use std::borrow::Cow;

use clap::CommandFactory;
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use super::grammar::{self, Cli, Menu};
use crate::ui::style;

pub struct ShellHelper {
    pub menu: Option<Menu>,
    hinter: HistoryHinter,
    color: bool,
}

impl ShellHelper {
    pub fn new(color: bool) -> Self {
        ShellHelper {
            menu: None,
            hinter: HistoryHinter::new(),
            color,
        }
    }
}

/// The candidates for the word that ends at `pos`, and where that word starts.
pub fn complete(line: &str, pos: usize, menu: Option<Menu>) -> (usize, Vec<String>) {
    let before = &line[..pos];
    let start = before.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let word = &before[start..];
    let previous: Vec<String> = before[..start]
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let top = grammar::top_level_names();
    let mut candidates: Vec<String> = Vec::new();
    if previous.is_empty() {
        if let Some(menu) = menu {
            candidates.extend(grammar::menu_command_names(menu.name()));
        }
        candidates.extend(top.iter().filter(|n| *n != "quit").cloned());
    } else {
        let previous = grammar::in_menu(previous, menu);
        let root = Cli::command();
        let mut command = &root;
        for w in previous.iter().filter(|w| !w.starts_with('-')) {
            match command.find_subcommand(w) {
                Some(sub) => command = sub,
                None => break,
            }
        }
        let last = previous.last().map(String::as_str).unwrap_or_default();
        if let Some(values) = flag_values(command, last) {
            candidates = values;
        } else if word.starts_with('-') {
            candidates = command
                .get_arguments()
                .filter_map(|a| a.get_long())
                .map(|l| format!("--{l}"))
                .collect();
            candidates.push("--help".to_owned());
        } else if command.has_subcommands() && command.get_name() != "help" {
            candidates = command
                .get_subcommands()
                .map(|c| c.get_name().to_owned())
                .collect();
        }
    }
    let mut matching: Vec<String> = candidates
        .into_iter()
        .filter(|c| c.starts_with(word))
        .collect();
    matching.dedup();
    (start, matching)
}

/// The fixed values of `flag` on `command`, if it takes one of a known set.
fn flag_values(command: &clap::Command, flag: &str) -> Option<Vec<String>> {
    let long = flag.strip_prefix("--")?;
    if long == "department" {
        return Some(
            crate::domain::Department::ALL
                .iter()
                .map(|d| d.as_str().to_owned())
                .collect(),
        );
    }
    let arg = command
        .get_arguments()
        .find(|a| a.get_long() == Some(long))?;
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .map(|v| v.get_name().to_owned())
        .collect();
    (!values.is_empty()).then_some(values)
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, candidates) = complete(line, pos, self.menu);
        let single = candidates.len() == 1;
        let pairs = candidates
            .into_iter()
            .map(|c| Pair {
                replacement: if single { format!("{c} ") } else { c.clone() },
                display: c,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for ShellHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
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
mod tests {
    use super::*;

    fn names(line: &str, menu: Option<Menu>) -> Vec<String> {
        complete(line, line.len(), menu).1
    }

    #[test]
    fn first_words_complete_to_menu_and_top_level_commands() {
        assert_eq!(names("lo", None), ["login", "logout"]);
        assert_eq!(names("us", None), ["users"]);
        let in_users = names("", Some(Menu::Users));
        assert!(in_users.starts_with(&["list".to_owned(), "show".to_owned()]));
        assert!(in_users.contains(&"whoami".to_owned()));
    }

    #[test]
    fn menu_words_complete_to_their_commands() {
        assert_eq!(names("users cr", None), ["create"]);
        assert_eq!(
            names("users ", None),
            ["list", "show", "create", "update", "delete"]
        );
    }

    #[test]
    fn flags_and_their_values_complete() {
        assert!(names("users create --full", None).contains(&"--full-name".to_owned()));
        assert_eq!(names("create --dep", Some(Menu::Users)), ["--department"]);
        assert_eq!(
            names("users list --department s", None),
            ["sales", "support"]
        );
        assert_eq!(names("users list --format j", None), ["json"]);
    }

    #[test]
    fn the_word_start_is_reported() {
        assert_eq!(complete("users cr", 8, None).0, 6);
    }
}
