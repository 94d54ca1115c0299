//! The shell: one grammar, three ways in.
//!
//! `epicevents` on a terminal opens the REPL ([`repl`]); with standard input piped it runs
//! the lines as a script ([`script`]); with arguments it runs them as one line and exits.
//! All three go through [`Shell::execute`], which parses a line ([`grammar`]) and dispatches
//! it to the handler of its menu. Handlers call services and print; nothing else prints.

mod account;
mod completion;
mod fields;
mod grammar;
mod help;
mod listing;
mod repl;
mod script;
mod users;

use std::cell::RefCell;
use std::io::{self, IsTerminal, Write};
use std::rc::Rc;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::service::{Context, auth};
use crate::ui::prompter::{InquirePrompter, LinePrompter, Prompter, SharedInput};
use crate::ui::{style, table};

pub use grammar::{Cli, Menu};
use grammar::{Command, Parsed};

/// How the shell was started, which decides what "entering a menu" means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Repl,
    Script,
    OneShot,
}

/// What to do after a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Exit,
}

/// The state that lives from one line to the next.
pub struct Shell {
    ctx: Context,
    prompter: Box<dyn Prompter>,
    out: Box<dyn Write>,
    mode: Mode,
    menu: Option<Menu>,
    /// The words of the line being run, to suggest its next page.
    words: Vec<String>,
    width: usize,
}

/// Runs epicevents with the process arguments (without the program name); returns the exit
/// code.
pub fn main(args: Vec<String>) -> u8 {
    let mut args = args;
    let keep_going = take_flag(&mut args, "--keep-going");
    match args.first().map(String::as_str) {
        Some("--help" | "-h") => args = vec!["help".to_owned()],
        Some("--version" | "-V") => {
            println!("epicevents {}", env!("CARGO_PKG_VERSION"));
            return 0;
        }
        _ => {}
    }
    let interactive = io::stdin().is_terminal();
    let input: SharedInput = Rc::new(RefCell::new(io::BufReader::new(io::stdin())));
    let prompter: Box<dyn Prompter> = if interactive {
        Box::new(InquirePrompter)
    } else {
        Box::new(LinePrompter::new(input.clone()))
    };
    let mode = match (args.is_empty(), interactive) {
        (false, _) => Mode::OneShot,
        (true, true) => Mode::Repl,
        (true, false) => Mode::Script,
    };
    let ctx = match Context::open(Config::from_env()) {
        Ok(ctx) => ctx,
        Err(err) => {
            report(&err, None);
            return err.exit_code();
        }
    };
    let mut shell = Shell {
        ctx,
        prompter,
        out: Box::new(io::BufWriter::new(io::stdout())),
        mode,
        menu: None,
        words: Vec::new(),
        width: table::terminal_width(),
    };
    let code = match mode {
        Mode::OneShot => shell.run_one(args),
        Mode::Repl => repl::run(&mut shell),
        Mode::Script => script::run(&mut shell, &input, keep_going),
    };
    let _ = shell.out.flush();
    code
}

fn take_flag(args: &mut Vec<String>, flag: &str) -> bool {
    let before = args.len();
    args.retain(|a| a != flag);
    args.len() != before
}

impl Shell {
    /// Runs one line given as words (one-shot use); returns the exit code.
    fn run_one(&mut self, words: Vec<String>) -> u8 {
        match self.execute_words(words) {
            Ok(_) => 0,
            Err(err) => self.fail(&err, None),
        }
    }

    /// Runs one line of text.
    pub fn execute(&mut self, line: &str) -> Result<Flow> {
        let words = shlex::split(line)
            .ok_or_else(|| Error::Usage("unbalanced quotes: close every quote you open".into()))?;
        if words.is_empty() {
            return Ok(Flow::Continue);
        }
        self.execute_words(words)
    }

    fn execute_words(&mut self, words: Vec<String>) -> Result<Flow> {
        let words = grammar::resolve(words, self.menu)?;
        let flow = match grammar::parse(&words)? {
            Parsed::Help(text) => {
                write!(self.out, "{text}")?;
                Flow::Continue
            }
            Parsed::Command(command) => {
                self.words = words;
                self.dispatch(command)?
            }
        };
        self.out.flush()?;
        Ok(flow)
    }

    fn dispatch(&mut self, command: Command) -> Result<Flow> {
        match command {
            Command::Login { email } => account::login(self, email)?,
            Command::Logout => account::logout(self)?,
            Command::Whoami { format } => account::whoami(self, format)?,
            Command::Password => account::password(self)?,
            Command::Setup(args) => account::setup(self, args)?,
            Command::Demo => account::demo(self)?,
            Command::Users {
                command: Some(command),
            } => users::run(self, command)?,
            Command::Users { command: None } => self.enter(Menu::Users)?,
            Command::Help { command } => help::show(self, &command)?,
            Command::Back => self.menu = None,
            Command::Exit => return Ok(Flow::Exit),
        }
        Ok(Flow::Continue)
    }

    /// Enters a menu; in one-shot use there is no next line, so its help is shown instead.
    fn enter(&mut self, menu: Menu) -> Result<()> {
        if self.mode == Mode::OneShot {
            return help::show(self, &[menu.name().to_owned()]);
        }
        self.menu = Some(menu);
        Ok(())
    }

    /// The collaborator logged in now, as stored now.
    fn actor(&self) -> Result<crate::domain::Collaborator> {
        auth::current(&self.ctx)
    }

    fn say(&mut self, line: impl AsRef<str>) -> Result<()> {
        writeln!(self.out, "{}", line.as_ref())?;
        Ok(())
    }

    /// Reports a failed line and returns its exit code.
    fn fail(&mut self, err: &Error, line_number: Option<usize>) -> u8 {
        if is_broken_pipe(err) {
            return 0;
        }
        let _ = self.out.flush();
        report(err, line_number);
        err.exit_code()
    }
}

/// Prints one line for a failure on standard error: the user-facing sentence, never the
/// internal cause (unless `EPICEVENTS_DEBUG` asks for it).
fn report(err: &Error, line_number: Option<usize>) {
    let color = style::stderr_enabled();
    let at = line_number
        .map(|n| format!("line {n}: "))
        .unwrap_or_default();
    let message = match err {
        Error::Cancelled => format!("{at}cancelled"),
        _ => format!("{at}{} {err}", style::red("error:", color)),
    };
    let mut stderr = io::stderr().lock();
    let _ = writeln!(stderr, "{message}");
    if let Some(cause) = err
        .diagnostic()
        .filter(|_| std::env::var_os("EPICEVENTS_DEBUG").is_some())
    {
        let _ = writeln!(stderr, "  cause: {cause}");
    }
}

/// Whether `err` only says that standard output was closed early (e.g. piped into `head`).
fn is_broken_pipe(err: &Error) -> bool {
    match err {
        Error::Internal(cause) => cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe),
        _ => false,
    }
}
