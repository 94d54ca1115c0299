//! Completion of commands, flags, values and ids, as each department is offered them.

use super::*;

/// Answers every id question with the kind it was asked for, so tests see the slot.
fn echo_kind(kind: IdKind, prefix: &str) -> Vec<(i64, String)> {
    vec![(7, format!("{kind:?} {prefix}"))]
}

fn names(line: &str, menu: Option<Menu>) -> Vec<String> {
    complete(line, line.len(), menu, None, &echo_kind)
        .1
        .into_iter()
        .map(|c| c.display)
        .collect()
}

/// An argument that takes an id completes to ids: each has its kind of record (a new id
/// argument without one fails here). `audit list --id` is any record's id, so none.
#[test]
fn every_id_argument_has_a_completion_kind() {
    let root = grammar::grammar();
    for menu in root.get_subcommands() {
        for command in menu.get_subcommands() {
            for arg in command.get_arguments() {
                let id = arg.get_id().as_str();
                let names_an_id = id == "id"
                    || id.ends_with("_id")
                    || arg
                        .get_value_names()
                        .is_some_and(|names| names.iter().any(|n| n.as_str() == "ID"));
                let path = (menu.get_name(), command.get_name(), id);
                if names_an_id && path != ("audit", "list", "id") {
                    assert!(
                        id_kind(path.0, path.1, path.2).is_some(),
                        "{path:?} has no completion kind in id_kind"
                    );
                }
            }
        }
    }
}

#[test]
fn first_words_complete_to_menu_and_top_level_commands() {
    assert_eq!(names("lo", None), ["login", "logout"]);
    assert_eq!(names("us", None), ["users"]);
    let in_users = names("", Some(Menu::Users));
    assert!(in_users.starts_with(&["list".to_owned(), "show".to_owned()]));
    assert!(in_users.contains(&"whoami".to_owned()));
}

#[test]
fn menu_words_complete_to_their_commands() {
    assert_eq!(names("users cr", None), ["create"]);
    assert_eq!(names("events no", None), ["no-support"]);
    assert_eq!(
        names("users ", None),
        [
            "list",
            "show",
            "create",
            "update",
            "delete",
            "unlock",
            "reset-password"
        ]
    );
}

#[test]
fn flags_and_their_values_complete() {
    assert!(names("users create --full", None).contains(&"--full-name".to_owned()));
    assert_eq!(names("create --dep", Some(Menu::Users)), ["--department"]);
    assert_eq!(names("update 1 --ven", Some(Menu::Events)), ["--venue"]);
    assert_eq!(
        names("users list --department s", None),
        ["sales", "support"]
    );
    assert_eq!(names("contracts list --format j", None), ["json"]);
}

#[test]
fn ids_are_asked_for_the_slot_under_the_cursor() {
    assert_eq!(names("contracts sign ", None), ["7  SignableContract "]);
    assert_eq!(
        names("sign 1", Some(Menu::Contracts)),
        ["7  SignableContract 1"]
    );
    assert_eq!(names("events assign 7 ", None), ["7  SupportCollaborator "]);
    assert_eq!(
        names("clients reassign 3 ", None),
        ["7  SalesCollaborator "]
    );
    assert_eq!(
        names("events create --name Party --contract ", None),
        ["7  EventableContract "]
    );
    assert_eq!(names("contracts list --client 2", None), ["7  Client 2"]);
    assert_eq!(names("events update ", None), ["7  UpdatableEvent "]);
}

#[test]
fn arguments_that_are_not_ids_offer_nothing() {
    assert!(names("contracts pay 3 ", None).is_empty(), "the amount");
    assert!(names("events create --name ", None).is_empty());
    assert!(
        names("contracts sign 3 ", None).is_empty(),
        "sign takes one id"
    );
}

#[test]
fn each_department_is_offered_only_what_it_may_do() {
    let offered = |line: &str, department| -> Vec<String> {
        complete(line, line.len(), None, Some(department), &echo_kind)
            .1
            .into_iter()
            .map(|c| c.display)
            .collect()
    };
    let sales = offered("events ", Department::Sales);
    assert!(sales.contains(&"create".to_owned()) && !sales.contains(&"assign".to_owned()));
    assert!(!offered("users ", Department::Sales).contains(&"create".to_owned()));
    assert!(!offered("", Department::Support).contains(&"audit".to_owned()));
    assert!(offered("", Department::Management).contains(&"audit".to_owned()));
    assert!(offered("events ", Department::Management).contains(&"assign".to_owned()));
}

#[test]
fn the_word_start_is_reported() {
    assert_eq!(complete("users cr", 8, None, None, &echo_kind).0, 6);
}
