//! The grammar checked against itself: every command has a permission cell and examples
//! that parse; resolving, suggestions and one-line usage errors.

use super::examples::EXAMPLES;
use super::permissions::{action_of, permission_of};
use super::*;
use crate::domain::Department;
use crate::service::permissions::Action;

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

/// A flag typed without its value says a value is needed (it once read "expected ;").
#[test]
fn a_flag_without_its_value_says_one_is_needed() {
    for (line, flag, see) in [
        ("clients list --search", "--search", "clients list"),
        ("events update 1 --venue", "--venue", "events update"),
        ("users list --department", "--department", "users list"),
        ("events list --from", "--from", "events list"),
    ] {
        let err = parse(&words(line)).err().unwrap();
        assert_eq!(
            err.to_string(),
            format!("invalid {flag}: a value is needed; see `help {see}`"),
            "{line}"
        );
    }
}
