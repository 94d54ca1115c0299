//! Forms on a terminal.
//!
//! Text and passwords are typed in the same line editor as the shell's prompt (rustyline), so
//! a form takes the same editing keys: Ctrl-U clears, Ctrl-A and Ctrl-E move to either end,
//! Ctrl-W deletes a word. (inquire's text fields insert those keys as letters: a client was
//! once saved as `bad-emailupaul@form.co`.) A field's current value is pre-filled and
//! editable; a value that does not pass its check is explained and offered again for
//! correction, keeping what was typed. Passwords are masked with `*`. Choices among a few
//! options (a department, the fields to change, yes or no) stay inquire's lists, without their
//! filter, whose text input would take editing keys as letters too.

use std::borrow::Cow;
use std::io::{self, Write};

use inquire::InquireError;
use rustyline::config::Configurer;
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::history::DefaultHistory;
use rustyline::{ColorMode, Editor};

use super::prompter::{Prompter, Question, Validator};
use super::style;
use crate::error::{Error, Result};

/// Forms on a terminal.
pub struct TerminalPrompter {
    color: bool,
}

impl TerminalPrompter {
    pub fn new() -> Self {
        TerminalPrompter {
            color: style::stdout_enabled(),
        }
    }

    /// Explains why an answer was refused, under it.
    fn refuse(&self, reason: &str) {
        let mut out = io::stdout().lock();
        let _ = writeln!(out, "  {} {reason}", style::red("✗", self.color));
        let _ = out.flush();
    }
}

impl Default for TerminalPrompter {
    fn default() -> Self {
        Self::new()
    }
}

/// Hides what is typed behind `*` (one per column, so the cursor stays where it is).
#[derive(Default)]
struct Masked;

impl Highlighter for Masked {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        use unicode_width::UnicodeWidthStr as _;
        Cow::Owned("*".repeat(line.width()))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        kind != CmdKind::MoveCursor
    }
}

impl rustyline::completion::Completer for Masked {
    type Candidate = String;
}
impl rustyline::hint::Hinter for Masked {
    type Hint = String;
}
impl rustyline::validate::Validator for Masked {}
impl rustyline::Helper for Masked {}

/// A question as shown: `Full name:`, whether or not its label ends with the colon.
fn labelled(label: &str) -> String {
    if label.ends_with([':', '?']) {
        label.to_owned()
    } else {
        format!("{label}:")
    }
}

fn from_readline(err: ReadlineError) -> Error {
    match err {
        // Ctrl-C, or Ctrl-D on an empty field: the form is cancelled.
        ReadlineError::Interrupted | ReadlineError::Eof => Error::Cancelled,
        other => Error::internal(anyhow::anyhow!("terminal form failed: {other}")),
    }
}

fn from_inquire(err: InquireError) -> Error {
    match err {
        InquireError::OperationCanceled | InquireError::OperationInterrupted => Error::Cancelled,
        other => Error::internal(anyhow::anyhow!("terminal form failed: {other}")),
    }
}

/// A line editor for one field: no history (answers are not commands), no completion.
fn editor<H: rustyline::Helper>() -> Result<Editor<H, DefaultHistory>> {
    let mut editor = Editor::<H, DefaultHistory>::new().map_err(from_readline)?;
    editor.set_auto_add_history(false);
    Ok(editor)
}

/// Reads a masked line; `None` when the terminal cannot mask (a `dumb` one), where the caller
/// falls back to a prompt that hides input without editing.
fn masked(label: &str) -> Result<Option<String>> {
    if matches!(
        std::env::var("TERM").as_deref(),
        Ok("dumb" | "cons25" | "emacs")
    ) {
        return Ok(None);
    }
    let mut editor = editor::<Masked>()?;
    editor.set_helper(Some(Masked));
    editor.set_color_mode(ColorMode::Forced);
    editor
        .readline(&format!("{label} "))
        .map(Some)
        .map_err(from_readline)
}

fn hidden(label: &str) -> Result<String> {
    match masked(label)? {
        Some(line) => Ok(line),
        None => inquire::Password::new(label)
            .without_confirmation()
            .with_display_mode(inquire::PasswordDisplayMode::Hidden)
            .prompt()
            .map_err(from_inquire),
    }
}

impl Prompter for TerminalPrompter {
    fn is_interactive(&self) -> bool {
        true
    }

    fn text(&mut self, question: &Question<'_>) -> Result<String> {
        if let Some(help) = question.help {
            println!("  {}", style::dim(help, self.color));
        }
        let mut editor = editor::<()>()?;
        let prompt = format!("{} ", labelled(question.label));
        let mut typed = question.default.unwrap_or_default().to_owned();
        loop {
            crate::interrupt::check()?;
            let answer = editor
                .readline_with_initial(&prompt, (&typed, ""))
                .map_err(from_readline)?;
            match (question.validate)(&answer) {
                Ok(()) => return Ok(answer),
                Err(reason) => {
                    self.refuse(&reason);
                    typed = answer;
                }
            }
        }
    }

    fn password(&mut self, label: &str, confirm: bool, validate: Validator<'_>) -> Result<String> {
        loop {
            crate::interrupt::check()?;
            let first = hidden(label)?;
            // Checked at once: a short password is said before it is typed a second time.
            if let Err(reason) = validate(&first) {
                self.refuse(&reason);
                continue;
            }
            if !confirm {
                return Ok(first);
            }
            if hidden("Repeat it:")? == first {
                return Ok(first);
            }
            self.refuse("the two passwords differ: type it again");
        }
    }

    fn select(&mut self, label: &str, options: &[String]) -> Result<usize> {
        crate::interrupt::check()?;
        let label = labelled(label);
        let chosen = inquire::Select::new(&label, options.to_vec())
            .without_filtering()
            // inquire's own help offers "type to filter", which is off here.
            .with_help_message("↑↓ to move, enter to choose")
            .raw_prompt()
            .map_err(from_inquire)?;
        Ok(chosen.index)
    }

    fn multi_select(&mut self, label: &str, options: &[String]) -> Result<Vec<usize>> {
        crate::interrupt::check()?;
        let label = labelled(label);
        let chosen = inquire::MultiSelect::new(&label, options.to_vec())
            .without_filtering()
            .with_help_message(
                "↑↓ to move, space to pick one, → to all, ← to none, enter to confirm",
            )
            .raw_prompt()
            .map_err(from_inquire)?;
        Ok(chosen.into_iter().map(|o| o.index).collect())
    }

    fn confirm(&mut self, label: &str, default: bool) -> Result<bool> {
        crate::interrupt::check()?;
        inquire::Confirm::new(label)
            .with_default(default)
            .prompt()
            .map_err(from_inquire)
    }
}
