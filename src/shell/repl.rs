//! The interactive shell: prompt, line editing, completion, hints and per-user history.

use std::io::Write;
use std::path::PathBuf;

use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{CompletionType, Config, Editor};

use super::completion::ShellHelper;
use super::{Flow, Menu, Shell, history, report};
use crate::backend::Backend;
use crate::domain::Collaborator;
use crate::error::{Error, Result};
use crate::service::Context;
use crate::ui::{style, text};

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
    let ids = match &shell.backend {
        Backend::Local(_) => Context::open(shell.config.clone())
            .ok()
            .map(|ctx| Backend::Local(Box::new(ctx))),
        Backend::Remote(remote) => Some(Backend::Remote(
            remote.with_timeout(crate::backend::remote::COMPLETION_TIMEOUT),
        )),
    };
    editor.set_helper(Some(ShellHelper::new(ids, style::stdout_enabled())));
    greet(shell)?;
    let mut me = shell.actor().ok();
    let mut owner = me.as_ref().map(|s| s.id);
    load_history(shell, &mut editor, owner);
    loop {
        if let Some(helper) = editor.helper_mut() {
            helper.menu = shell.menu;
            helper.actor = me.clone();
        }
        // Forgotten only here, while nothing runs: a Ctrl-C pressed after Enter, before the
        // command starts (while the session is checked, say), still cancels that command.
        crate::interrupt::reset();
        let line = match editor.readline(&prompt(shell.menu, me.as_ref())) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(err) => return Err(Error::internal(err)),
        };
        // The stored session is shared with the other windows of this user: a login there
        // changes who this shell acts as. Say so before acting, rather than run a line typed
        // for someone else.
        let current = match shell.session_if_any() {
            Ok(current) => current,
            // Ctrl-C right after Enter interrupted the lookup: the line is not run, and the
            // session is not taken for ended.
            Err(err) => {
                shell.fail(&err, None);
                continue;
            }
        };
        if current.as_ref().map(|s| s.id) != owner && !line.trim().is_empty() {
            let notice = match &current {
                Some(now) => format!(
                    "The session changed in another window: you are now {} ({}). The line was not run; run it again to act as them.",
                    now.full_name, now.department
                ),
                None => "The session ended in another window: you are no longer logged in. The line was not run.".to_owned(),
            };
            shell.say(notice)?;
            shell.out.flush()?;
            me = current;
            owner = me.as_ref().map(|s| s.id);
            let _ = editor.clear_history();
            load_history(shell, &mut editor, owner);
            continue;
        }
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
        // A lookup that did not finish (Ctrl-C as the command ended) tells nothing: the
        // check before the next line will.
        if let Ok(now) = shell.session_if_any() {
            me = now;
            let now = me.as_ref().map(|s| s.id);
            if now != owner {
                let _ = editor.clear_history();
                load_history(shell, &mut editor, now);
                owner = now;
            }
        }
    }
    Ok(())
}

/// `bill.boquet@epicevents contracts> `: who is logged in (the login's name part) and where.
fn prompt(menu: Option<Menu>, me: Option<&Collaborator>) -> String {
    let who = me
        .map(|s| {
            let name = s.email.split('@').next().unwrap_or_default();
            format!("{}@", text::escape(name, false))
        })
        .unwrap_or_default();
    match menu {
        Some(menu) => format!("{who}epicevents {}> ", menu.name()),
        None => format!("{who}epicevents> "),
    }
}

/// The first lines: who is logged in, or how to start on an empty database.
fn greet(shell: &mut Shell) -> Result<()> {
    shell.say(format!(
        "epicevents {} — type `help` for the commands, `exit` to leave.",
        env!("CARGO_PKG_VERSION")
    ))?;
    if shell.needs_setup()? {
        shell.say("This database is empty: `setup` creates the first management account, `demo` loads sample data.")?;
        shell.out.flush()?;
        let choices = [
            "Create the first management account (setup)",
            "Load the demo data (demo)",
            "Neither for now",
        ]
        .map(str::to_owned);
        let chosen = shell
            .prompter
            .select("What would you like to do?", &choices);
        let line = match chosen {
            Ok(0) => "setup",
            Ok(1) => "demo",
            _ => return Ok(()),
        };
        if let Err(err) = shell.execute(line) {
            report(&err, None);
        }
        return Ok(());
    }
    match shell.actor() {
        Ok(me) => shell.say(format!(
            "Logged in as {} ({}).",
            me.full_name, me.department
        ))?,
        Err(Error::SessionExpired) => {
            shell.say("Your session expired: `login EMAIL` to start again.")?
        }
        Err(_) => shell.say("Not logged in: `login EMAIL` to start.")?,
    }
    shell.out.flush()?;
    Ok(())
}

fn history_path(shell: &Shell, owner: Option<i64>) -> Option<PathBuf> {
    owner.map(|id| shell.config.history_path(id))
}

/// History is per collaborator; before anyone logs in it stays in memory only.
fn load_history(shell: &Shell, editor: &mut LineEditor, owner: Option<i64>) {
    if let Some(path) = history_path(shell, owner) {
        for entry in history::load(&path) {
            let _ = editor.add_history_entry(entry);
        }
    }
}
