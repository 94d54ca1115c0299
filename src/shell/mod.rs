//! The shell: one grammar, three ways in.
//!
//! `epicevents` on a terminal opens the REPL ([`repl`]); with standard input piped it runs
//! the lines as a script ([`script`]); with arguments it runs them as one line and exits.
//! All three go through [`Shell::execute`], which parses a line ([`grammar`]) and dispatches
//! it to the handler of its menu. Handlers run operations on a [`Backend`] (this machine's
//! database, or a server in team mode) and print; nothing else prints.

mod account;
mod audit;
mod clients;
pub(crate) mod completion;
mod contracts;
mod events;
mod field_args;
mod fields;
pub(crate) mod grammar;
mod help;
mod history;
mod listing;
mod repl;
mod script;
mod users;

use std::io::{self, IsTerminal, Write};

use crate::backend::Backend;
use crate::backend::ops::account::Whoami;
use crate::config::Config;
use crate::domain::Collaborator;
use crate::error::{Error, Fault, Result};
use crate::service::Context;
use crate::telemetry;
use crate::ui::lines::{Lines, SharedInput};
use crate::ui::pager::{self, Output};
use crate::ui::prompter::{LinePrompter, Prompter};
use crate::ui::terminal::TerminalPrompter;
use crate::ui::{style, table, text};

pub use grammar::{Cli, Menu};
use grammar::{Command, Parsed, Unknown};

/// The most a one-shot command line may hold, all its words together: 1 MiB. Every Unix
/// passes at least this much (Linux 2 MiB, macOS 1 MiB), so the bound is the same wherever
/// epicevents runs, and what the grammar builds from the words stays small. A longer value
/// fits in a script line (see [`crate::ui::lines::MAX_LINE_BYTES`]).
pub const MAX_ARGS_BYTES: usize = 1024 * 1024;

/// The most words a command may have, however it comes. No command takes more than a few
/// dozen, and each word costs the grammar far more memory than its bytes: a line of a million
/// one-letter words would otherwise cost hundreds of megabytes before being refused.
pub const MAX_WORDS: usize = 1_000;

fn too_many_words() -> Error {
    Error::Usage(format!(
        "more than {MAX_WORDS} words in one command; nothing was run"
    ))
}

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
    backend: Backend,
    config: Config,
    prompter: Box<dyn Prompter>,
    out: Output,
    /// The pager for output taller than the terminal, when standard output is one (and
    /// `--no-pager` was not given).
    pager: Option<Vec<String>>,
    mode: Mode,
    menu: Option<Menu>,
    /// The words of the line being run, to suggest its next page.
    words: Vec<String>,
    width: usize,
    /// Whether standard output is a terminal (CSV then escapes control characters).
    stdout_terminal: bool,
    /// Whether the last line run was a command of the grammar (only those enter history).
    was_command: bool,
}

/// Runs epicevents with the process arguments (without the program name); returns the exit
/// code.
pub fn main(args: Vec<String>) -> u8 {
    // Before anything reads the words: nothing else about them is looked at.
    if args.iter().map(String::len).sum::<usize>() > MAX_ARGS_BYTES {
        report(
            &Error::Usage(
                "the command line is longer than 1 MiB; nothing was run (a longer value fits in a script line: `epicevents < script`)"
                    .into(),
            ),
            None,
        );
        return 2;
    }
    if args.len() > MAX_WORDS {
        report(&too_many_words(), None);
        return 2;
    }
    let mut args = args;
    let keep_going = take_flag(&mut args, "--keep-going");
    let no_pager = take_flag(&mut args, "--no-pager");
    match args.first().map(String::as_str) {
        Some("--help" | "-h") => args = vec!["help".to_owned()],
        Some("--version" | "-V") => {
            println!("epicevents {}", env!("CARGO_PKG_VERSION"));
            return 0;
        }
        _ => {}
    }
    let interactive = io::stdin().is_terminal();
    let input: SharedInput = Lines::shared(io::BufReader::new(io::stdin()));
    let prompter: Box<dyn Prompter> = if interactive {
        Box::new(TerminalPrompter::new())
    } else {
        Box::new(LinePrompter::new(input.clone()))
    };
    let mode = match (args.is_empty(), interactive) {
        (false, _) => Mode::OneShot,
        (true, true) => Mode::Repl,
        (true, false) => Mode::Script,
    };
    let config = Config::from_env();
    // Reporting lasts until this guard drops, after the last command, when it flushes.
    let _sentry = telemetry::init(&config);
    warn_if_exposed(&config);
    if mode == Mode::OneShot && args.first().map(String::as_str) == Some("serve") {
        return serve(&args, config);
    }
    let backend = match Backend::open(&config, || open_for(mode, &args, config.clone())) {
        Ok(backend) => backend,
        Err(err) => {
            telemetry::report(&err);
            report(&err, None);
            return err.exit_code();
        }
    };
    crate::interrupt::install(match &backend {
        Backend::Local(ctx) => Some(ctx.interrupter()),
        Backend::Remote(_) => None,
    });
    let mut shell = Shell {
        backend,
        config,
        prompter,
        out: Output::new(Box::new(io::BufWriter::new(io::stdout()))),
        pager: if no_pager || !io::stdout().is_terminal() {
            None
        } else {
            pager::configured()
        },
        mode,
        menu: None,
        words: Vec::new(),
        width: table::terminal_width(),
        stdout_terminal: io::stdout().is_terminal(),
        was_command: false,
    };
    let code = match mode {
        Mode::OneShot => shell.run_one(args),
        Mode::Repl => repl::run(&mut shell),
        Mode::Script => script::run(&mut shell, &input, keep_going),
    };
    let _ = shell.out.flush();
    code
}

/// Opens the database for this run. Only what is meant to create one does: `setup`, `demo`
/// and the shell (interactive, or running a script, which may start with `setup`), so that a
/// mistyped `EPICEVENTS_DB` never leaves an empty database behind a one-shot command. A
/// one-shot line that does not parse fails before any database is touched, and one that reads
/// no data (help, a menu's command list) runs on an empty database in memory when there is
/// none.
fn open_for(mode: Mode, args: &[String], config: Config) -> Result<Context> {
    if mode != Mode::OneShot {
        return Context::open(config);
    }
    let words = grammar::resolve_as(args.to_vec(), None, grammar::Unknown::Quoted)?;
    let parsed = grammar::parse(&words)?;
    if let Parsed::Command(Command::Setup(_) | Command::Demo { .. }) = parsed {
        return Context::open(config);
    }
    let reads_no_data = match parsed {
        Parsed::Help(_) => true,
        Parsed::Command(command) => command.reads_no_data(),
    };
    match Context::open_existing(config.clone()) {
        Err(Error::Fault(Fault::NoDatabase(_))) if reads_no_data => Context::in_memory(config),
        other => other,
    }
}

/// `epicevents serve`: the grammar checks its flags, then the server runs until stopped.
fn serve(args: &[String], config: Config) -> u8 {
    let parsed = grammar::resolve_as(args.to_vec(), None, Unknown::Quoted)
        .and_then(|words| grammar::parse(&words));
    match parsed {
        Ok(Parsed::Command(Command::Serve {
            listen,
            tls_cert,
            tls_key,
            plain_http,
        })) => crate::server::main(
            config,
            crate::server::Options {
                listen,
                tls: tls_cert.zip(tls_key).map(|(c, k)| (c.into(), k.into())),
                plain_http,
            },
        ),
        Ok(Parsed::Help(text)) => {
            print!("{text}");
            0
        }
        Ok(Parsed::Command(_)) => 2,
        Err(err) => {
            report(&err, None);
            err.exit_code()
        }
    }
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
        self.was_command = false;
        // Split lazily, so that a line of too many words is refused before they all exist.
        let mut lexer = shlex::Shlex::new(line);
        let words: Vec<String> = lexer.by_ref().take(MAX_WORDS + 1).collect();
        if words.len() > MAX_WORDS {
            return Err(too_many_words());
        }
        if lexer.had_error {
            return Err(Error::Usage(
                "unbalanced quotes: close every quote you open".into(),
            ));
        }
        if words.is_empty() {
            return Ok(Flow::Continue);
        }
        self.execute_words(words)
    }

    fn execute_words(&mut self, words: Vec<String>) -> Result<Flow> {
        // Read at each command: a window resized since the last one is followed.
        self.width = table::terminal_width();
        let words = grammar::resolve_as(words, self.menu, self.unknown())?;
        let parsed = grammar::parse(&words)?;
        self.was_command = true;
        // Output taller than the terminal goes through the pager (never when not a terminal).
        if let (Some(pager), Some(height)) = (&self.pager, table::terminal_height()) {
            self.out.begin(pager.clone(), height);
        }
        let result = match parsed {
            Parsed::Help(text) => write!(self.out, "{text}")
                .map(|()| Flow::Continue)
                .map_err(Error::from),
            Parsed::Command(command) => {
                self.words = words;
                self.dispatch(command)
            }
        };
        let ended = self.out.end();
        let flow = result?;
        ended?;
        Ok(flow)
    }

    fn dispatch(&mut self, command: Command) -> Result<Flow> {
        // Debug builds only: lets the tests prove that a panic reaches Sentry, scrubbed, and
        // that the user still sees one sentence. Release builds do not contain this.
        #[cfg(debug_assertions)]
        if std::env::var_os("EPICEVENTS_TEST_PANIC").is_some() {
            panic!("test panic while running {:?}", self.words);
        }
        match command {
            Command::Login {
                email,
                server,
                local,
            } => account::login(self, email, server, local)?,
            Command::Serve { .. } => {
                return Err(Error::refused(
                    "`serve` runs on its own: start it as `epicevents serve` from a terminal or a service manager",
                ));
            }
            Command::Logout => account::logout(self)?,
            Command::Whoami { format } => account::whoami(self, format)?,
            Command::Password => account::password(self)?,
            Command::Setup(args) => account::setup(self, args)?,
            Command::Demo { scale } => account::demo(self, scale)?,
            Command::Backup { file } => account::backup(self, &file)?,
            Command::Copy { to } => account::copy(self, &to)?,
            Command::Audit {
                command: Some(command),
            } => audit::run(self, command)?,
            Command::Audit { command: None } => self.enter(Menu::Audit)?,
            Command::Clients {
                command: Some(command),
            } => clients::run(self, command)?,
            Command::Clients { command: None } => self.enter(Menu::Clients)?,
            Command::Contracts {
                command: Some(command),
            } => contracts::run(self, command)?,
            Command::Contracts { command: None } => self.enter(Menu::Contracts)?,
            Command::Events {
                command: Some(command),
            } => events::run(self, command)?,
            Command::Events { command: None } => self.enter(Menu::Events)?,
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

    /// How to report a word that is not a command. A script's line may be a password left
    /// over after a failed command (under `--keep-going`): it is never quoted back, nor
    /// compared with the commands, which would hint at its letters.
    fn unknown(&self) -> Unknown {
        match self.mode {
            Mode::Script => Unknown::Hidden,
            Mode::Repl | Mode::OneShot => Unknown::Quoted,
        }
    }

    /// Enters a menu; in one-shot use there is no next line, so its help is shown instead.
    fn enter(&mut self, menu: Menu) -> Result<()> {
        if self.mode == Mode::OneShot {
            return help::show(self, &[menu.name().to_owned()]);
        }
        self.menu = Some(menu);
        Ok(())
    }

    /// The collaborator logged in now, as stored now (on a database nobody was set up on
    /// yet, what to do instead of `login`).
    fn actor(&mut self) -> Result<Collaborator> {
        self.backend.run(Whoami {})
    }

    /// Whether the database has nobody yet (`setup` needed). A server's database is set up on
    /// its own machine: its shells never offer to.
    fn needs_setup(&mut self) -> Result<bool> {
        match &self.backend {
            Backend::Local(ctx) => crate::service::auth::needs_setup(ctx),
            Backend::Remote(_) => Ok(false),
        }
    }

    /// Who is logged in, if anyone: `None` when nobody is (no session, an expired or ended
    /// one, a database nobody was set up on). A lookup that did not finish is an error rather
    /// than "nobody": Ctrl-C interrupting it (just after Enter), or a fault of the database.
    fn session_if_any(&mut self) -> Result<Option<Collaborator>> {
        match self.actor() {
            Ok(session) => Ok(Some(session)),
            Err(err @ (Error::Cancelled | Error::Fault(_) | Error::Internal(_))) => Err(err),
            Err(_) => Ok(None),
        }
    }

    /// Prints a message or a table. Stored text reaches it (names in "Created …", the command
    /// line in a footer), so control characters are escaped here, once for every message;
    /// tables arrive already escaped and pass unchanged.
    fn say(&mut self, line: impl AsRef<str>) -> Result<()> {
        writeln!(self.out, "{}", text::escape(line.as_ref(), true))?;
        Ok(())
    }

    /// Reports a failed line and returns its exit code.
    fn fail(&mut self, err: &Error, line_number: Option<usize>) -> u8 {
        if is_broken_pipe(err) {
            return 0;
        }
        let _ = self.out.flush();
        telemetry::report(err);
        report(err, line_number);
        err.exit_code()
    }
}

/// Warns when the database or the key file can be read by other users: whoever can read
/// them is past every check epicevents makes (README, security model).
fn warn_if_exposed(config: &Config) {
    for warning in &config.warnings {
        eprintln!("warning: {warning}");
    }
    let key = config.key_path();
    let database = config
        .postgres_url()
        .is_none()
        .then_some(("database", &config.db_path));
    for (what, path) in database.into_iter().chain([("key file", &key)]) {
        if crate::private_files::readable_by_others(path) {
            eprintln!(
                "warning: the {what} {} can be read by other users; `chmod 600` it unless they are meant to",
                path.display()
            );
        }
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
        // Errors quote stored text too (a collaborator's name); they are one line.
        _ => format!(
            "{at}{} {}",
            style::red("error:", color),
            text::escape(&err.to_string(), false)
        ),
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

#[cfg(test)]
mod tests;
