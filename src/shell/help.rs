//! `help`: the commands of the current menu, or the full help of one command. The text is
//! the grammar's own doc comments, so it cannot drift from what the parser accepts.

use super::Shell;
use super::grammar;
use crate::error::Result;

pub(super) fn show(shell: &mut Shell, words: &[String]) -> Result<()> {
    let path = if words.is_empty() {
        shell
            .menu
            .map(|m| vec![m.name().to_owned()])
            .unwrap_or_default()
    } else {
        grammar::resolve_as(words.to_vec(), shell.menu, shell.unknown())?
    };
    let mut root = grammar::command();
    root.build();
    let mut command = &root;
    for word in &path {
        match command.find_subcommand(word) {
            Some(sub) => command = sub,
            None => break,
        }
    }
    if path.is_empty() {
        return overview(shell, &root, None);
    }
    if command.has_subcommands() {
        return overview(shell, command, Some(command.get_name()));
    }
    let text = command
        .clone()
        .term_width(shell.width)
        .render_long_help()
        .to_string();
    shell.say(text.trim_end())
}

/// The commands of a menu (or of the top level) that the user's department may use, one per
/// line with their summary.
fn overview(shell: &mut Shell, command: &clap::Command, menu: Option<&str>) -> Result<()> {
    let department = shell.actor().ok().map(|s| s.department);
    let entries: Vec<(String, String)> = command
        .get_subcommands()
        .filter(|sub| grammar::offered(department, menu, sub.get_name()))
        .map(|sub| {
            let args: Vec<String> = sub
                .get_positionals()
                .map(|a| {
                    let name = a
                        .get_value_names()
                        .and_then(|n| n.first())
                        .map_or(a.get_id().as_str().to_uppercase(), |n| n.to_string());
                    if a.is_required_set() {
                        name
                    } else {
                        format!("[{name}]")
                    }
                })
                .collect();
            let usage = std::iter::once(sub.get_name().to_owned())
                .chain(args)
                .collect::<Vec<_>>()
                .join(" ");
            (
                usage,
                sub.get_about().map(|a| a.to_string()).unwrap_or_default(),
            )
        })
        .collect();
    let width = entries
        .iter()
        .map(|(u, _)| u.chars().count())
        .max()
        .unwrap_or(0);
    let heading = match menu {
        Some(menu) => format!("Commands of the {menu} menu (`help COMMAND` for its flags):"),
        None => {
            "epicevents — the Epic Events CRM. Commands (`help COMMAND` for details):".to_owned()
        }
    };
    for line in crate::ui::table::wrap_words(&heading, shell.width.max(20)) {
        shell.say(line)?;
    }
    // The summaries wrap at the terminal's width, under themselves.
    let room = shell.width.saturating_sub(width + 4).max(20);
    for (usage, about) in entries {
        let mut lines = crate::ui::table::wrap_words(&about, room).into_iter();
        shell.say(format!(
            "  {usage:<width$}  {}",
            lines.next().unwrap_or_default()
        ))?;
        for line in lines {
            shell.say(format!("  {:<width$}  {line}", ""))?;
        }
    }
    let closing = match menu {
        Some(menu) => format!(
            "Run them here, or from anywhere as `{menu} COMMAND`. `back` leaves the menu; login, logout, whoami, help and exit work everywhere."
        ),
        None => "Type a menu's name to enter it, or run one of its commands from anywhere, e.g. `users list`.".to_owned(),
    };
    for line in crate::ui::table::wrap_words(&closing, shell.width.max(20)) {
        shell.say(line)?;
    }
    Ok(())
}
