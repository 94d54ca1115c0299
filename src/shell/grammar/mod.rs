//! The line grammar, shared by the shell and one-shot use.
//!
//! A line is split like a POSIX shell splits words (`shlex`), then parsed by one clap
//! `multicall` command whose subcommands are the top-level commands and menus. The doc
//! comments below are the help text. Inside a menu, a menu command may be typed alone
//! (`list`): [`resolve`] puts the menu's name in front before parsing.

use std::sync::LazyLock;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use super::field_args::{All, FieldArgs, FieldSet};
use crate::domain::{
    ClientField, ClientSort, CollaboratorField, ContractField, ContractSort, Department,
    EventField, EventSort, Period,
};
use crate::error::{Error, Result};
use crate::service::permissions::{Action, Grant, grant};
use crate::ui::output::Format;

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
    /// owner-only, checked for integrity. See docs/operations.md to restore it.
    Backup {
        /// The new file to write (it must not exist yet).
        file: String,
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
            | Command::Backup { .. } => false,
        }
    }
}

/// A collaborator's fields, as flags.
pub type UserFields = FieldArgs<All<CollaboratorField>>;

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

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// List collaborators.
    List {
        /// Only this department: management, sales or support.
        #[arg(long)]
        department: Option<String>,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Show one collaborator.
    Show {
        /// Collaborator id.
        id: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Create a collaborator (management). Missing fields are asked for; the password always is.
    Create(UserFields),
    /// Change a collaborator's fields (management). A department change ends their sessions.
    Update {
        /// Collaborator id.
        id: String,
        #[command(flatten)]
        fields: UserFields,
    },
    /// Delete a collaborator (management): their clients and events lose them as contact.
    Delete {
        /// Collaborator id.
        id: String,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
    },
    /// End a collaborator's lock-out after too many failed logins (management).
    Unlock {
        /// Collaborator id.
        id: String,
    },
    /// Give a collaborator a temporary password (management): asks for it, ends their
    /// sessions, and their next login asks them to choose a new one.
    ResetPassword {
        /// Collaborator id.
        id: String,
    },
}

/// A record id, as typed (checked by the domain, so a bad one is a field error).
type IdArg = String;

#[derive(Debug, Subcommand)]
pub enum ClientsCommand {
    /// List clients.
    List {
        /// Only your clients (sales).
        #[arg(long)]
        mine: bool,
        /// Only the clients without a sales contact.
        #[arg(long)]
        unassigned: bool,
        /// Only the clients of this sales collaborator.
        #[arg(long, value_name = "ID", conflicts_with_all = ["mine", "unassigned"])]
        sales: Option<IdArg>,
        /// Only the clients whose name, email or company contains TEXT (% and _ match themselves).
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        /// Order by KEY (ties by id) instead of first contact.
        #[arg(long, value_enum, value_name = "KEY")]
        sort: Option<ClientSort>,
        /// Reverse the order of --sort.
        #[arg(long, requires = "sort")]
        desc: bool,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Show a client, with its contracts and events.
    Show {
        /// Client id.
        id: IdArg,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Record a new client (sales): you become its sales contact.
    Create(ClientFields),
    /// Change a client's details (sales, your own clients).
    Update {
        /// Client id.
        id: IdArg,
        #[command(flatten)]
        fields: ClientFields,
    },
    /// Give a client another sales contact (management).
    Reassign {
        /// Client id.
        id: IdArg,
        /// The new sales contact's collaborator id.
        sales_id: IdArg,
    },
    /// Delete a client that has no contracts (management).
    Delete {
        /// Client id.
        id: IdArg,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
    },
}

/// Every client field, as flags.
pub type ClientFields = FieldArgs<All<ClientField>>;

#[derive(Debug, Subcommand)]
pub enum ContractsCommand {
    /// List contracts.
    List {
        /// Only the contracts of this client.
        #[arg(long, value_name = "ID")]
        client: Option<IdArg>,
        /// Only your clients' contracts (sales).
        #[arg(long)]
        mine: bool,
        /// Only signed contracts.
        #[arg(long)]
        signed: bool,
        /// Order by KEY (ties by id) instead of creation.
        #[arg(long, value_enum, value_name = "KEY")]
        sort: Option<ContractSort>,
        /// Reverse the order of --sort.
        #[arg(long, requires = "sort")]
        desc: bool,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Contracts not signed yet.
    Unsigned {
        /// Only your clients' contracts (sales).
        #[arg(long)]
        mine: bool,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Contracts with something left to pay.
    Unpaid {
        /// Only your clients' contracts (sales).
        #[arg(long)]
        mine: bool,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Show a contract, with its payments and events.
    Show {
        /// Contract id.
        id: IdArg,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Create a contract for a client (management, or the client's sales contact).
    Create {
        #[command(flatten)]
        fields: ContractFields,
        /// The contract is already signed.
        #[arg(long)]
        signed: bool,
    },
    /// Change a contract's client or total (a signed contract's total: management only).
    Update {
        /// Contract id.
        id: IdArg,
        #[command(flatten)]
        fields: ContractFields,
    },
    /// Record that a contract was signed.
    Sign {
        /// Contract id.
        id: IdArg,
    },
    /// Record a payment on a signed contract (at most what remains).
    Pay {
        /// Contract id.
        id: IdArg,
        /// The amount paid, e.g. 500 or 499,99.
        amount: String,
    },
    /// Delete a contract without events or payments (management).
    Delete {
        /// Contract id.
        id: IdArg,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// List events, in the order they happen.
    List {
        /// Only the events of this client.
        #[arg(long, value_name = "ID")]
        client: Option<IdArg>,
        /// Only the events of this support collaborator.
        #[arg(long, value_name = "ID")]
        support: Option<IdArg>,
        /// Only the events starting on or after DATE (2026-06-04 or 2026-06-04 13:00).
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Only the events starting on or before DATE (a bare date includes that day).
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Only the events starting today, this week (ISO, Monday to Sunday) or this month,
        /// in local time.
        #[arg(long, value_enum, value_name = "PERIOD", conflicts_with_all = ["from", "to"])]
        period: Option<Period>,
        /// Order by KEY (ties by id) instead of start.
        #[arg(long, value_enum, value_name = "KEY")]
        sort: Option<EventSort>,
        /// Reverse the order of --sort.
        #[arg(long, requires = "sort")]
        desc: bool,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Events that have no support contact yet.
    NoSupport {
        #[command(flatten)]
        list: ListArgs,
    },
    /// Your events: assigned to you (support), or your clients' (sales).
    #[command(alias = "my-events")]
    Mine {
        #[command(flatten)]
        list: ListArgs,
    },
    /// Show an event, with its client's contact details.
    Show {
        /// Event id.
        id: IdArg,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Create an event for a signed contract of one of your clients (sales).
    Create(EventFields),
    /// Change an event (sales until support is assigned; then its support contact).
    Update {
        /// Event id.
        id: IdArg,
        #[command(flatten)]
        fields: EventFields,
    },
    /// Assign a support collaborator to an event (management); without SUPPORT_ID, choose one.
    Assign {
        /// Event id.
        id: IdArg,
        /// The support collaborator's id.
        support_id: Option<IdArg>,
    },
    /// Remove an event's support contact (management).
    Unassign {
        /// Event id.
        id: IdArg,
    },
    /// Delete an event (management).
    Delete {
        /// Event id.
        id: IdArg,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
    },
}

/// Every event field, as flags.
pub type EventFields = FieldArgs<All<EventField>>;

/// Every contract field, as flags.
pub type ContractFields = FieldArgs<All<ContractField>>;

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

/// What the permission table says of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Open to everyone: reading, one's own session, the shell's own commands, and the
    /// commands that check their own conditions (`setup`, `demo`).
    Anyone,
    /// A write the permission table decides.
    Needs(Action),
}

/// The permission cell of a command, by its path (`None` for the top level). Every command
/// of the grammar has one: a test walks the grammar and fails on a command without.
pub fn permission_of(menu: Option<&str>, command: &str) -> Option<Permission> {
    use Action::*;
    use Permission::{Anyone, Needs};
    Some(match (menu, command) {
        (None, "backup") => Needs(Backup),
        (None, "audit") | (Some("audit"), "list") => Needs(ReadAudit),
        (Some("clients"), "create") => Needs(CreateClient),
        (Some("clients"), "update") => Needs(UpdateClient),
        (Some("clients"), "reassign") => Needs(ReassignClient),
        (Some("clients"), "delete") => Needs(DeleteClient),
        (Some("contracts"), "create") => Needs(CreateContract),
        (Some("contracts"), "update") => Needs(UpdateContract),
        (Some("contracts"), "sign") => Needs(SignContract),
        (Some("contracts"), "pay") => Needs(RecordPayment),
        (Some("contracts"), "delete") => Needs(DeleteContract),
        (Some("events"), "create") => Needs(CreateEvent),
        (Some("events"), "update") => Needs(UpdateEvent),
        (Some("events"), "assign" | "unassign") => Needs(AssignSupport),
        (Some("events"), "delete") => Needs(DeleteEvent),
        (Some("users"), "create") => Needs(CreateCollaborator),
        (Some("users"), "update") => Needs(UpdateCollaborator),
        (Some("users"), "delete") => Needs(DeleteCollaborator),
        (Some("users"), "unlock") => Needs(UnlockCollaborator),
        (Some("users"), "reset-password") => Needs(ResetPassword),
        (None, "password") => Needs(ChangeOwnPassword),
        (
            None,
            "login" | "logout" | "whoami" | "setup" | "demo" | "help" | "back" | "exit" | "clients"
            | "contracts" | "events" | "users",
        ) => Anyone,
        (Some("clients" | "contracts" | "events" | "users"), "list" | "show") => Anyone,
        (Some("contracts"), "unsigned" | "unpaid") => Anyone,
        (Some("events"), "no-support" | "mine") => Anyone,
        _ => return None,
    })
}

/// The write a command performs, by its path (`None` for the top level): what the permission
/// table decides for it. Commands open to everyone have none.
pub fn action_of(menu: Option<&str>, command: &str) -> Option<Action> {
    match permission_of(menu, command)? {
        Permission::Needs(action) => Some(action),
        Permission::Anyone => None,
    }
}

/// Whether menus, `help` and Tab offer `command` (of `menu`, or of the top level) to someone
/// of `department`: not when their department may never perform it. Nobody logged in is
/// offered everything. A command not offered can still be typed, and is refused with a reason.
pub fn offered(department: Option<Department>, menu: Option<&str>, command: &str) -> bool {
    // `back` does nothing at the top level.
    if menu.is_none() && command == "back" {
        return false;
    }
    match (department, action_of(menu, command)) {
        (Some(department), Some(action)) => grant(department, action) != Grant::No,
        _ => true,
    }
}

/// The Examples section that ends each command's help (as gh's does), by command path.
const EXAMPLES: &[(&str, &[&str])] = &[
    ("login", &["login alice.manager@epic.com", "login"]),
    ("logout", &["logout"]),
    ("whoami", &["whoami", "whoami --format json"]),
    ("password", &["password"]),
    (
        "setup",
        &[
            "epicevents setup",
            "epicevents setup --email alice@epic.com --full-name 'Alice Manager'",
        ],
    ),
    (
        "demo",
        &["epicevents demo", "epicevents demo --scale 1000000"],
    ),
    ("backup", &["backup /backups/crm-2026-12-03.db"]),
    ("help", &["help", "help contracts", "help contracts pay"]),
    ("back", &["back"]),
    ("exit", &["exit"]),
    (
        "clients list",
        &[
            "clients list",
            "clients list --mine",
            "clients list --unassigned",
            "clients list --search casey --format csv",
            "clients list --sales 3 --sort name",
            "clients list --sort updated --desc",
        ],
    ),
    (
        "clients show",
        &["clients show 1", "clients show 1 --format json"],
    ),
    (
        "clients create",
        &[
            "clients create",
            "clients create --full-name 'Kevin Casey' --email kevin@startup.io",
            "clients create --phone '+678 123 456 78' --company-name 'Cool Startup LLC'",
        ],
    ),
    (
        "clients update",
        &[
            "clients update 1 --phone '+678 123 456 79'",
            "clients update 1",
        ],
    ),
    ("clients reassign", &["clients reassign 5 3"]),
    (
        "clients delete",
        &["clients delete 5", "clients delete 5 --yes"],
    ),
    (
        "contracts list",
        &[
            "contracts list",
            "contracts list --client 1",
            "contracts list --mine --format csv",
            "contracts list --signed --sort remaining --desc",
            "contracts list --sort client --format json",
        ],
    ),
    (
        "contracts unsigned",
        &["contracts unsigned", "contracts unsigned --mine"],
    ),
    (
        "contracts unpaid",
        &["contracts unpaid", "contracts unpaid --mine --format json"],
    ),
    ("contracts show", &["contracts show 2"]),
    (
        "contracts create",
        &[
            "contracts create --client 1 --total 3000",
            "contracts create --client 1 --total 1500,50 --signed",
        ],
    ),
    (
        "contracts update",
        &[
            "contracts update 2 --total 30000",
            "contracts update 5 --client 2",
        ],
    ),
    ("contracts sign", &["contracts sign 5"]),
    (
        "contracts pay",
        &["contracts pay 2 5000", "contracts pay 2 499,99"],
    ),
    ("contracts delete", &["contracts delete 5 --yes"]),
    (
        "events list",
        &[
            "events list",
            "events list --client 2",
            "events list --support 4",
            "events list --from 2027-06-01 --to 2027-06-30",
            "events list --period week",
            "events list --period month --support 4 --sort attendees --desc",
        ],
    ),
    ("events no-support", &["events no-support"]),
    (
        "events mine",
        &["events mine", "events my-events --format csv"],
    ),
    ("events show", &["events show 1"]),
    (
        "events create",
        &[
            "events create",
            "events create --contract 2 --name 'John Ouick Wedding'",
            "events create --start '2027-06-04 13:00' --end '2027-06-05 02:00'",
        ],
    ),
    (
        "events update",
        &[
            "events update 1 --attendees 80 --notes 'DJ at 11PM'",
            "events update 1",
        ],
    ),
    ("events assign", &["events assign 2 4", "events assign 2"]),
    ("events unassign", &["events unassign 2"]),
    ("events delete", &["events delete 3 --yes"]),
    (
        "audit list",
        &[
            "audit list",
            "audit list --entity contract --id 2",
            "audit list --actor 1 --since 2026-12-01",
        ],
    ),
    (
        "users list",
        &["users list", "users list --department support"],
    ),
    ("users show", &["users show 4"]),
    (
        "users create",
        &[
            "users create",
            "users create --department sales --email nina@epic.com",
        ],
    ),
    (
        "users update",
        &["users update 4 --department support", "users update 4"],
    ),
    ("users delete", &["users delete 4", "users delete 4 --yes"]),
    ("users unlock", &["users unlock 4"]),
    ("users reset-password", &["users reset-password 4"]),
];

/// "Examples:" and each example on its own line.
fn examples_section(lines: &[&str]) -> String {
    let mut section = String::from("Examples:");
    for line in lines {
        section.push_str("\n  ");
        section.push_str(line);
    }
    section
}

/// Adds each command's Examples section.
fn with_examples(mut command: clap::Command) -> clap::Command {
    for (path, lines) in EXAMPLES {
        let text = examples_section(lines);
        command = match path.split_once(' ') {
            Some((menu, leaf)) => command.mut_subcommand(menu, |m| {
                m.mut_subcommand(leaf, |c| c.after_long_help(text))
            }),
            None => command.mut_subcommand(path, |c| c.after_long_help(text)),
        };
    }
    command
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
                (Some(ContextValue::Strings(valid)), _) => {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        shlex::split(line).unwrap()
    }

    #[test]
    fn the_grammar_is_consistent() {
        command().debug_assert();
    }

    /// Every command path of the grammar: `(None, top)` and `(Some(menu), command)`.
    pub(crate) fn paths() -> Vec<(Option<String>, String)> {
        let root = grammar();
        let mut paths = Vec::new();
        for top in root.get_subcommands() {
            paths.push((None, top.get_name().to_owned()));
            for command in top.get_subcommands() {
                paths.push((
                    Some(top.get_name().to_owned()),
                    command.get_name().to_owned(),
                ));
            }
        }
        paths
    }

    /// A new command is either open to everyone or a write of the permission table: never
    /// forgotten (menus, `help` and Tab offer what this says).
    #[test]
    fn every_command_has_a_permission_cell() {
        for (menu, command) in paths() {
            assert!(
                permission_of(menu.as_deref(), &command).is_some(),
                "`{} {command}` has no cell in permission_of",
                menu.as_deref().unwrap_or("")
            );
        }
        // And every cell names a command that exists.
        let every_action: Vec<Action> = paths()
            .iter()
            .filter_map(|(menu, command)| action_of(menu.as_deref(), command))
            .collect();
        for action in Action::ALL {
            // Checked inside other commands: a signed contract's total (`contracts update`)
            // and the demo data on a database in use (`demo`).
            let inside = matches!(action, Action::ChangeSignedTotal | Action::LoadDemoData);
            assert!(
                inside || every_action.contains(&action),
                "{action:?} is no command's permission"
            );
        }
    }

    /// The menus are the grammar's commands that have commands of their own.
    #[test]
    fn the_menus_are_the_grammars() {
        let grammar_menus: Vec<String> = grammar()
            .get_subcommands()
            .filter(|c| c.has_subcommands())
            .map(|c| c.get_name().to_owned())
            .collect();
        let mut menus: Vec<String> = Menu::ALL.iter().map(|m| m.name().to_owned()).collect();
        menus.sort();
        let mut sorted = grammar_menus.clone();
        sorted.sort();
        assert_eq!(menus, sorted);
    }

    /// Every command a user runs ends its help with examples; a new command without them
    /// fails here.
    #[test]
    fn every_command_has_examples() {
        let root = grammar();
        for top in root.get_subcommands() {
            let leaves: Vec<(String, &clap::Command)> = if top.has_subcommands() {
                top.get_subcommands()
                    .map(|c| (format!("{} {}", top.get_name(), c.get_name()), c))
                    .collect()
            } else {
                vec![(top.get_name().to_owned(), top)]
            };
            for (path, command) in leaves {
                let help = command.get_after_long_help().map(ToString::to_string);
                assert!(
                    help.is_some_and(|h| h.starts_with("Examples:")),
                    "`{path}` has no Examples section: add it to EXAMPLES"
                );
            }
        }
    }

    /// An example that no longer parses would teach a mistake.
    #[test]
    fn every_example_parses() {
        for (path, lines) in EXAMPLES {
            for line in *lines {
                let line = line.strip_prefix("epicevents ").unwrap_or(line);
                let parsed = resolve(words(line), None).and_then(|w| parse(&w));
                assert!(
                    matches!(parsed, Ok(Parsed::Command(_))),
                    "`{path}` example `{line}`: {:?}",
                    parsed.err()
                );
            }
        }
    }

    #[test]
    fn sort_keys_are_a_closed_list_and_desc_needs_one() {
        let err = parse(&words("clients list --sort email")).err().unwrap();
        assert_eq!(
            err.to_string(),
            "invalid --sort: expected created, updated, name or company, got 'email'; see `help clients list`"
        );
        let err = parse(&words("events list --desc")).err().unwrap();
        assert!(err.to_string().contains("--sort"), "{err}");
        assert_eq!(err.exit_code(), 2);
        let err = parse(&words("events list --period week --from 2027-06-01"))
            .err()
            .unwrap();
        assert!(err.to_string().contains("cannot be used with"), "{err}");
    }

    #[test]
    fn menus_offer_each_department_what_it_may_do() {
        let sales = Some(Department::Sales);
        assert!(!offered(sales, Some("users"), "create"));
        assert!(!offered(sales, None, "audit"));
        assert!(!offered(sales, Some("events"), "assign"));
        assert!(offered(sales, Some("events"), "create"));
        assert!(offered(sales, Some("users"), "list"), "reading stays open");
        assert!(!offered(
            Some(Department::Support),
            Some("contracts"),
            "sign"
        ));
        assert!(offered(Some(Department::Management), None, "backup"));
        assert!(
            offered(None, Some("users"), "create"),
            "nobody logged in: everything"
        );
        assert!(!offered(None, None, "back"));
    }

    #[test]
    fn menu_commands_typed_alone_get_their_menu() {
        assert_eq!(
            resolve(words("list --department sales"), Some(Menu::Users)).unwrap(),
            words("users list --department sales")
        );
        assert_eq!(
            resolve(words("whoami"), Some(Menu::Users)).unwrap(),
            words("whoami")
        );
        assert_eq!(
            resolve(words("users show 3"), None).unwrap(),
            words("users show 3")
        );
    }

    #[test]
    fn unknown_commands_suggest_the_nearest() {
        let err = resolve(words("lgoin"), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown command 'lgoin': did you mean 'login'?"
        );
        let err = resolve(words("users lsit"), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown command 'lsit' in users: did you mean 'list'?"
        );
        let err = resolve(words("xyzzy"), None).unwrap_err();
        assert!(err.to_string().contains("type `help`"));
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn hidden_unknown_commands_show_no_letter_of_them() {
        let err = resolve_as(words("lgoin hunter2"), None, Unknown::Hidden).unwrap_err();
        assert_eq!(
            err.to_string(),
            "not a command (not shown, as it may be a password); see `help`"
        );
        assert_eq!(err.exit_code(), 2);
        let err = resolve_as(words("users lsit"), None, Unknown::Hidden).unwrap_err();
        assert_eq!(
            err.to_string(),
            "not a command in users (not shown, as it may be a password); see `help users`"
        );
        assert_eq!(
            resolve_as(words("list"), Some(Menu::Users), Unknown::Hidden).unwrap(),
            words("users list")
        );
    }

    #[test]
    fn flags_parse_in_kebab_case() {
        let Parsed::Command(Command::Users {
            command: Some(UsersCommand::Create(fields)),
        }) = parse(&words(
            "users create --full-name 'Bill Boquet' --department sales",
        ))
        .unwrap()
        else {
            panic!("not a users create");
        };
        assert_eq!(fields.get(CollaboratorField::FullName), Some("Bill Boquet"));
        assert_eq!(fields.get(CollaboratorField::Department), Some("sales"));
    }

    #[test]
    fn bad_flags_are_one_line_usage_errors() {
        let err = parse(&words("users create --emial x")).err().unwrap();
        assert_eq!(
            err.to_string(),
            "unknown flag '--emial': did you mean '--email'?; see `help users create`"
        );
        let err = parse(&words("users show")).err().unwrap();
        assert_eq!(err.to_string(), "missing <ID>; see `help users show`");
        assert_eq!(err.exit_code(), 2);
    }
}
