//! The line grammar, shared by the shell and one-shot use.
//!
//! A line is split like a POSIX shell splits words (`shlex`), then parsed by one clap
//! `multicall` command whose subcommands are the top-level commands and menus. The doc
//! comments of the command enums, here and in each menu's file, are the help text; each
//! command's help ends with its [`examples`]. Inside a menu, a menu command may be typed alone
//! (`list`): [`names`] puts the menu's name in front before parsing. [`permissions`] says
//! which commands each department is offered.

mod clients;
mod contracts;
mod events;
mod examples;
mod names;
mod permissions;
#[cfg(test)]
mod tests;
mod users;

use std::sync::LazyLock;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

pub use clients::{ClientFields, ClientsCommand};
pub use contracts::{ContractFields, ContractsCommand};
pub use events::{EventFields, EventsCommand};
#[cfg(test)]
pub use names::resolve;
pub use names::{Unknown, in_menu, is_menu, menu_command_names, resolve_as, top_level_names};
pub use permissions::offered;
pub use users::{UserFields, UsersCommand};

use super::field_args::{FieldArgs, FieldSet};
use crate::domain::CollaboratorField;
use crate::error::{Error, Result};
use crate::ui::output::Format;
use examples::with_examples;

#[derive(Debug, Parser)]
#[command(name = "epicevents", multicall = true, disable_help_subcommand = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The top level of the grammar.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Log in: asks for the password (and the email when it is not given).
    Login {
        /// Your email address.
        email: Option<String>,
        /// Log in to the team server at URL (https://host:port), and send every later command
        /// there; remembered in your data directory.
        #[arg(long, value_name = "URL", conflicts_with = "local")]
        server: Option<String>,
        /// Forget the remembered server: work on this machine's database again.
        #[arg(long)]
        local: bool,
    },
    /// End your session, here and on every other machine.
    Logout,
    /// Show who is logged in.
    Whoami {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Change your own password (asks for the current one, then the new one twice).
    Password,
    /// Create the first management collaborator on an empty database.
    Setup(SetupArgs),
    /// Load the demo data set (documented logins) into an empty database.
    Demo {
        /// Instead, add N clients, N contracts and N events (and the collaborators they need)
        /// to a database without clients, for benchmarks.
        #[arg(long, value_name = "N")]
        scale: Option<String>,
    },
    /// Copy the live database to FILE (management): consistent while others write,
    /// owner-only, checked for integrity. See docs/operations.md to restore it. A database on
    /// PostgreSQL is backed up with pg_dump instead.
    Backup {
        /// The new file to write (it must not exist yet).
        file: String,
    },
    /// Copy this database into an empty PostgreSQL database (management, on the machine that
    /// holds it): every row with its id, in one transaction, each table's count and checksum
    /// verified.
    Copy {
        /// The PostgreSQL database, e.g. postgres://crm@db.example.com/crm.
        #[arg(long, value_name = "URL")]
        to: String,
    },
    /// Serve the team API on the machine that holds the database: collaborators' shells
    /// point EPICEVENTS_SERVER (or `login --server`) at it. Stops on SIGTERM or Ctrl-C.
    Serve {
        /// The address and port to listen on.
        #[arg(long, value_name = "ADDR", default_value = crate::server::DEFAULT_LISTEN)]
        listen: String,
        /// The certificate chain (PEM) for HTTPS.
        #[arg(long, value_name = "FILE", requires = "tls_key")]
        tls_cert: Option<String>,
        /// The private key (PEM) for HTTPS.
        #[arg(long, value_name = "FILE", requires = "tls_cert")]
        tls_key: Option<String>,
        /// Listen without TLS on an address other machines reach (behind a reverse proxy
        /// that does TLS).
        #[arg(long)]
        plain_http: bool,
    },
    /// Clients: sales records and follows them, management reassigns and deletes them.
    Clients {
        #[command(subcommand)]
        command: Option<ClientsCommand>,
    },
    /// Contracts and payments: management and the client's sales contact handle them.
    Contracts {
        #[command(subcommand)]
        command: Option<ContractsCommand>,
    },
    /// Events: sales creates them, management assigns support, support runs them.
    Events {
        #[command(subcommand)]
        command: Option<EventsCommand>,
    },
    /// The audit trail (management): who changed what, and when.
    Audit {
        #[command(subcommand)]
        command: Option<AuditCommand>,
    },
    /// Collaborators: everyone may read them, management administers them.
    Users {
        #[command(subcommand)]
        command: Option<UsersCommand>,
    },
    /// Help for the current menu, or for one command (`help create`, `help users list`).
    Help {
        /// The command to explain.
        command: Vec<String>,
    },
    /// Go up one menu level.
    Back,
    /// Leave the shell (also `quit` or Ctrl-D).
    #[command(alias = "quit")]
    Exit,
}

impl Command {
    /// Whether the command reads nothing from the database (help, entering a menu, leaving).
    pub fn reads_no_data(&self) -> bool {
        match self {
            Command::Help { .. } | Command::Back | Command::Exit => true,
            Command::Clients { command } => command.is_none(),
            Command::Contracts { command } => command.is_none(),
            Command::Events { command } => command.is_none(),
            Command::Audit { command } => command.is_none(),
            Command::Users { command } => command.is_none(),
            Command::Login { .. }
            | Command::Logout
            | Command::Whoami { .. }
            | Command::Password
            | Command::Setup(_)
            | Command::Demo { .. }
            | Command::Backup { .. }
            | Command::Copy { .. }
            | Command::Serve { .. } => false,
        }
    }
}

/// The collaborator fields of `setup`: all but the department (always management).
#[derive(Debug, Clone)]
pub struct SetupFields;

impl FieldSet for SetupFields {
    type Field = CollaboratorField;

    fn includes(field: CollaboratorField) -> bool {
        field != CollaboratorField::Department
    }
}

pub type SetupArgs = FieldArgs<SetupFields>;

/// What `show` takes: the record and the format.
#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    /// The record's id.
    pub id: IdArg,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// How a list is ordered: `--sort KEY [--desc]`, else the list's own order.
#[derive(Debug, Clone, Args)]
pub struct SortArgs<K: clap::ValueEnum + Clone + Send + Sync + 'static> {
    /// Order by KEY (ties by id) instead of the list's own order.
    #[arg(long, value_enum, value_name = "KEY")]
    pub sort: Option<K>,
    /// Reverse the order of --sort.
    #[arg(long, requires = "sort")]
    pub desc: bool,
}

impl<K: clap::ValueEnum + Clone + Send + Sync + Default + 'static> SortArgs<K> {
    /// The order asked for: the key's default (the list's own order) without `--sort`.
    pub fn into_sort(self) -> crate::domain::Sort<K> {
        crate::domain::Sort::new(self.sort.unwrap_or_default(), self.desc)
    }
}

/// Paging and format of a list.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Output format: a paged table, or every row as JSON or CSV.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Which page of the table to show.
    #[arg(long, default_value_t = 1, value_parser = page_number)]
    pub page: u32,
    /// Rows per page of the table (1 to 1000).
    #[arg(long, default_value_t = 25, value_parser = page_size)]
    pub page_size: u32,
}

/// `--page`: a page number, said in words rather than as a Rust range.
fn page_number(input: &str) -> std::result::Result<u32, String> {
    input
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| "expected a page number, 1 or more".to_owned())
}

/// `--page-size`: how many rows a page shows.
fn page_size(input: &str) -> std::result::Result<u32, String> {
    input
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=1000).contains(n))
        .ok_or_else(|| "expected a number of rows from 1 to 1000".to_owned())
}

/// A record id, as typed (checked by the domain, so a bad one is a field error).
type IdArg = String;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// List changes, newest first.
    List {
        /// Only changes of this kind of record: client, collaborator, contract or event.
        #[arg(long, value_name = "E")]
        entity: Option<String>,
        /// Only changes of the record with this id (with --entity).
        #[arg(long, value_name = "N")]
        id: Option<IdArg>,
        /// Only changes made by this collaborator.
        #[arg(long, value_name = "ID")]
        actor: Option<IdArg>,
        /// Only changes made on or after DATE (2026-06-04 or 2026-06-04 13:00, UTC).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        #[command(flatten)]
        list: ListArgs,
    },
}

/// The menus of the shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Menu {
    Audit,
    Clients,
    Contracts,
    Events,
    Users,
}

impl Menu {
    /// Every menu; a test checks it against the grammar's commands that have commands.
    pub const ALL: [Menu; 5] = [
        Menu::Audit,
        Menu::Clients,
        Menu::Contracts,
        Menu::Events,
        Menu::Users,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Menu::Audit => "audit",
            Menu::Clients => "clients",
            Menu::Contracts => "contracts",
            Menu::Events => "events",
            Menu::Users => "users",
        }
    }
}

/// The grammar as a clap command, built once per process: a line consults it several times
/// (menus, names, parsing). Negative numbers are values everywhere, so that `pay 3 -5` is a
/// bad amount (a field error) rather than an unknown flag.
pub fn grammar() -> &'static clap::Command {
    static GRAMMAR: LazyLock<clap::Command> = LazyLock::new(|| {
        fn numbers_are_values(command: clap::Command) -> clap::Command {
            command
                .allow_negative_numbers(true)
                .mut_subcommands(numbers_are_values)
        }
        let mut command = with_examples(numbers_are_values(Cli::command()));
        command.build();
        command
    });
    &GRAMMAR
}

/// An owned copy of [`grammar`], for what consumes or changes it (parsing, help).
pub fn command() -> clap::Command {
    grammar().clone()
}

/// What a successful parse gives: a command, or text clap wants shown (`--help`).
pub enum Parsed {
    Command(Command),
    Help(String),
}

/// Parses resolved words.
pub fn parse(words: &[String]) -> Result<Parsed> {
    let parsed = command()
        .try_get_matches_from(words)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    match parsed {
        Ok(cli) => Ok(Parsed::Command(cli.command)),
        Err(err)
            if matches!(
                err.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            ) =>
        {
            Ok(Parsed::Help(err.render().to_string()))
        }
        Err(err) => Err(usage_error(&err, words)),
    }
}

/// "table, json or csv".
fn one_of(values: &[String]) -> String {
    match values {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// One line for a clap error: what is wrong, and where to read more.
fn usage_error(err: &clap::Error, words: &[String]) -> Error {
    // Only known command names go into the hint: the other words are the user's values,
    // which could hold anything, line breaks and escape sequences included.
    let mut path: Vec<&str> = words.first().map(String::as_str).into_iter().collect();
    if let (Some(menu), Some(second)) = (words.first(), words.get(1))
        && is_menu(menu)
        && menu_command_names(menu).contains(second)
    {
        path.push(second);
    }
    let see = format!("see `help {}`", path.join(" "));
    // Values echoed back are shortened and escaped like every other user text.
    let echo = |value: String| crate::ui::text::cell(&crate::domain::shorten(&value));
    let context = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(s)) => Some(s.join(", ")),
        _ => None,
    };
    let message = match err.kind() {
        ErrorKind::MissingRequiredArgument => format!(
            "missing {}",
            context(ContextKind::InvalidArg).unwrap_or_default()
        ),
        ErrorKind::UnknownArgument => {
            let arg = context(ContextKind::InvalidArg).unwrap_or_default();
            let what = if arg.starts_with('-') {
                "unknown flag"
            } else {
                "unexpected argument"
            };
            match context(ContextKind::SuggestedArg) {
                Some(suggested) => format!("{what} '{}': did you mean '{suggested}'?", echo(arg)),
                None => format!("{what} '{}'", echo(arg)),
            }
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            // `--format <FORMAT>` reads as the flag alone.
            let arg = context(ContextKind::InvalidArg).unwrap_or_default();
            let flag = arg.split_whitespace().next().unwrap_or_default().to_owned();
            let expected = match (err.get(ContextKind::ValidValue), err.kind()) {
                (Some(ContextValue::Strings(valid)), _) if !valid.is_empty() => {
                    format!("expected {}", one_of(valid))
                }
                (_, ErrorKind::ValueValidation) => std::error::Error::source(err)
                    .map(|reason| reason.to_string())
                    .unwrap_or_else(|| "not a valid value".to_owned()),
                _ => "a value is needed".to_owned(),
            };
            match context(ContextKind::InvalidValue).filter(|v| !v.is_empty()) {
                Some(value) => format!("invalid {flag}: {expected}, got '{}'", echo(value)),
                None => format!("invalid {flag}: {expected}"),
            }
        }
        _ => {
            let rendered = err.render().to_string();
            let first = rendered
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("error: ");
            crate::ui::text::cell(&crate::domain::shorten_to(first, 200))
        }
    };
    Error::Usage(format!("{message}; {see}"))
}
