//! The Examples section that ends each command's help (a test parses every example).

/// The Examples section that ends each command's help (as gh's does), by command path.
pub(super) const EXAMPLES: &[(&str, &[&str])] = &[
    (
        "login",
        &[
            "login alice.manager@epic.com",
            "login",
            "login --server https://crm.epic-events.com:8470 alice.manager@epic.com",
        ],
    ),
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
    ("copy", &["copy --to postgres://crm@db.example.com/crm"]),
    (
        "serve",
        &[
            "serve --listen 0.0.0.0:8470 --tls-cert /etc/epicevents/cert.pem --tls-key /etc/epicevents/key.pem",
            "serve --listen 127.0.0.1:8470 --plain-http",
        ],
    ),
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
            "events update 1 --venue 'Château de Candé'",
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
pub(super) fn with_examples(mut command: clap::Command) -> clap::Command {
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
