//! The interactive shell: prompt, line editing, completion, hints and per-user history.

use std::path::PathBuf;

use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{CompletionType, Config, Editor};

use super::completion::ShellHelper;
use super::{Flow, Menu, Shell, history, report};
use crate::error::{Error, Result};
use crate::service::{Context, auth};
use crate::ui::style;

type LineEditor = Editor<ShellHelper, FileHistory>;

pub(super) fn run(shell: &mut Shell) -> u8 {
    match repl(shell) {
        Ok(()) => 0,
        Err(err) => shell.fail(&err, None),
    }
}

fn repl(shell: &mut Shell) -> Result<()> {
    let config = Config::builder()
        .auto_add_history(false)
        .history_ignore_space(true)
        .max_history_size(history::MAX_ENTRIES)
        .map_err(Error::internal)?
        .completion_type(CompletionType::List)
        .build();
    let mut editor: LineEditor = Editor::with_config(config).map_err(Error::internal)?;
    // Completion reads ids through a connection of its own; without one it still completes
    // commands and flags.
    let ids = Context::open(shell.ctx.config.clone()).ok();
    editor.set_helper(Some(ShellHelper::new(ids, style::stdout_enabled())));
    greet(shell)?;
    let mut me = shell.actor().ok();
    let mut owner = me.as_ref().map(|s| s.who.id);
    load_history(shell, &mut editor, owner);
    loop {
        if let Some(helper) = editor.helper_mut() {
            helper.menu = shell.menu;
            helper.actor = me.as_ref().map(|s| s.who.clone());
        }
        let line = match editor.readline(&prompt(shell.menu)) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(err) => return Err(Error::internal(err)),
        };
        let result = shell.execute(&line);
        // A line that was not a command (e.g. a password typed at the prompt by mistake, or a
        // `#` comment) never enters the history; nor does one typed after a space, as in bash.
        if shell.was_command && !line.starts_with(' ') {
            let _ = editor.add_history_entry(line.as_str());
            if let Some(path) = history_path(shell, owner) {
                // Appended at once, so that a killed shell loses nothing; a history that
                // cannot be written never stops the shell.
                let _ = history::append(&path, &line);
            }
        }
        match result {
            Ok(Flow::Exit) => break,
            Ok(Flow::Continue) => {}
            Err(err) => {
                shell.fail(&err, None);
            }
        }
        me = shell.actor().ok();
        let now = me.as_ref().map(|s| s.who.id);
        if now != owner {
            let _ = editor.clear_history();
            load_history(shell, &mut editor, now);
            owner = now;
        }
    }
    Ok(())
}

fn prompt(menu: Option<Menu>) -> String {
    match menu {
        Some(menu) => format!("epicevents {}> ", menu.name()),
        None => "epicevents> ".to_owned(),
    }
}

/// The first lines: who is logged in, or how to start on an empty database.
fn greet(shell: &mut Shell) -> Result<()> {
    shell.say(format!(
        "epicevents {} — type `help` for the commands, `exit` to leave.",
        env!("CARGO_PKG_VERSION")
    ))?;
    if auth::needs_setup(&shell.ctx)? {
        shell.say("This database is empty: `setup` creates the first management account, `demo` loads sample data.")?;
        shell.out.flush()?;
        if shell
            .prompter
            .confirm("Create the first management account now?", true)
            .unwrap_or(false)
            && let Err(err) = shell.execute("setup")
        {
            report(&err, None);
        }
        return Ok(());
    }
    match shell.actor() {
        Ok(me) => shell.say(format!(
            "Logged in as {} ({}).",
            me.who.full_name, me.who.department
        ))?,
        Err(_) => shell.say("Not logged in: `login EMAIL` to start.")?,
    }
    shell.out.flush()?;
    Ok(())
}

fn history_path(shell: &Shell, owner: Option<i64>) -> Option<PathBuf> {
    owner.map(|id| shell.ctx.config.history_path(id))
}

/// History is per collaborator; before anyone logs in it stays in memory only.
fn load_history(shell: &Shell, editor: &mut LineEditor, owner: Option<i64>) {
    if let Some(path) = history_path(shell, owner) {
        for entry in history::load(&path) {
            let _ = editor.add_history_entry(entry);
        }
    }
}
