//! The names of the grammar's commands: a menu command typed alone gets its menu's name in
//! front, and an unknown command is refused (with the nearest name, unless it may be a
//! password) before clap parses the line.

use super::{Menu, grammar};
use crate::error::{Error, Result};

/// The names of the top-level commands (with aliases).
pub fn top_level_names() -> Vec<String> {
    grammar()
        .get_subcommands()
        .flat_map(|c| {
            std::iter::once(c.get_name().to_owned()).chain(c.get_all_aliases().map(str::to_owned))
        })
        .collect()
}

/// The names of the commands of `menu` (with aliases, such as `my-events`).
pub fn menu_command_names(menu: &str) -> Vec<String> {
    grammar()
        .find_subcommand(menu)
        .map(|m| {
            m.get_subcommands()
                .flat_map(|c| {
                    std::iter::once(c.get_name().to_owned())
                        .chain(c.get_all_aliases().map(str::to_owned))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Whether `name` is a menu (a top-level command with commands of its own).
pub fn is_menu(name: &str) -> bool {
    grammar()
        .find_subcommand(name)
        .is_some_and(|c| c.has_subcommands())
}

/// Puts the current menu's name in front of a menu command typed alone (`list` in the users
/// menu is `users list`).
pub fn in_menu(mut words: Vec<String>, menu: Option<Menu>) -> Vec<String> {
    if let (Some(menu), Some(first)) = (menu, words.first())
        && !top_level_names().contains(first)
        && menu_command_names(menu.name()).contains(first)
    {
        words.insert(0, menu.name().to_owned());
    }
    words
}

/// How an unknown command is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unknown {
    /// Quoted back, with the nearest known command (the REPL, one-shot use).
    Quoted,
    /// Neither quoted nor compared with the commands (scripts: the line may be a password).
    Hidden,
}

/// [`in_menu`], then refuses unknown commands with the nearest known one (the tests' way
/// to call [`resolve_as`]).
#[cfg(test)]
pub fn resolve(words: Vec<String>, menu: Option<Menu>) -> Result<Vec<String>> {
    resolve_as(words, menu, Unknown::Quoted)
}

/// [`in_menu`], then refuses unknown commands, reported as `unknown` says.
pub fn resolve_as(words: Vec<String>, menu: Option<Menu>, unknown: Unknown) -> Result<Vec<String>> {
    let words = in_menu(words, menu);
    let Some(first) = words.first() else {
        return Ok(words);
    };
    let top = top_level_names();
    if !top.contains(first) {
        if unknown == Unknown::Hidden {
            return Err(hidden_command(None));
        }
        let mut known = top;
        if let Some(menu) = menu {
            known.extend(menu_command_names(menu.name()));
        }
        return Err(unknown_command(first, None, &known));
    }
    if is_menu(first)
        && let Some(second) = words.get(1).filter(|w| !w.starts_with('-'))
    {
        let known = menu_command_names(first);
        if !known.contains(second) {
            if unknown == Unknown::Hidden {
                return Err(hidden_command(Some(first)));
            }
            return Err(unknown_command(second, Some(first), &known));
        }
    }
    Ok(words)
}

fn unknown_command(word: &str, menu: Option<&str>, known: &[String]) -> Error {
    let place = menu.map(|m| format!(" in {m}")).unwrap_or_default();
    // A word much longer or shorter than a name cannot be a typo of it: skip the comparison
    // (which costs the product of the lengths).
    let nearest = known
        .iter()
        .filter(|k| word.len().abs_diff(k.len()) <= 3)
        .map(|k| (strsim::damerau_levenshtein(word, k), k))
        .filter(|(distance, k)| *distance <= 2.max(k.len() / 3))
        .min_by_key(|(distance, _)| *distance);
    let shown = crate::ui::text::cell(&crate::domain::shorten(word));
    match nearest {
        Some((_, k)) => Error::Usage(format!(
            "unknown command '{shown}'{place}: did you mean '{k}'?"
        )),
        None => Error::Usage(format!(
            "unknown command '{shown}'{place}: type `help` to see the commands"
        )),
    }
}

fn hidden_command(menu: Option<&str>) -> Error {
    let (place, help) = match menu {
        Some(menu) => (format!(" in {menu}"), format!("help {menu}")),
        None => (String::new(), "help".to_owned()),
    };
    Error::Usage(format!(
        "not a command{place} (not shown, as it may be a password); see `{help}`"
    ))
}
