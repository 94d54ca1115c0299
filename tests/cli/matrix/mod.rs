//! The authorization matrix of PRODUCT.md §4, end to end.
//!
//! Every department × every write command × {a record of the actor's own, another
//! collaborator's record}, through the real binary. What each case must do is written by hand
//! in [`expected::EXPECTED`], a transcription of §4's table; nothing in this module asks the
//! code under test what the answer should be, so a wrong cell in the product's permission
//! table fails here instead of being copied. An allowed case must exit 0 and change the
//! database; a refused one must exit 1 with one line, `error: permission denied: <the reason
//! written in the table>`, and leave every table exactly as it was.
//!
//! The actors are the demo logins: Alice (management, 1), Bill (sales, 2) and Kate (support,
//! 4). "Own" and "other" records:
//! - sales acts on Bill's records (his clients 1 and 6, their contracts, events 1, 3 and 4) and
//!   on Sophie's (her clients 3 and 7, contracts 3 and 4, event 2);
//! - support acts on event 1 (assigned to Kate) and event 3 (assigned to Aliénor); support
//!   never owns a client or a contract, so on those it gets the same two records as sales;
//! - management, for which ownership never matters, gets two different records;
//! - on collaborators, "own" is the actor themself (except that management deletes another
//!   collaborator: deleting oneself is a state refusal), "other" another collaborator;
//! - `clients create`, `users create` and `password` act on no record and run once.
//!
//! The cases ([`cases`]) run on copies of one template ([`template`]) built once per run.

mod cases;
mod expected;
mod template;

use std::collections::HashSet;

use crate::helpers::{ALICE, BILL, KATE, Run, TestEnv};
use cases::{Case, OTHERS_ONLY, Record, WRITE_COMMANDS, cases, command_of};
use expected::{DEPARTURES, EXPECTED, Outcome, by_the_table, expected};
use template::{Template, rows, template};

/// How many cases each department runs: every entry of the table, for a guard against a
/// matrix that silently shrinks.
const CASES_PER_DEPARTMENT: usize = 39;

#[test]
fn management_gets_exactly_what_section_4_grants() {
    run_matrix(Department::Management);
}

#[test]
fn sales_gets_exactly_what_section_4_grants() {
    run_matrix(Department::Sales);
}

#[test]
fn support_gets_exactly_what_section_4_grants() {
    run_matrix(Department::Support);
}

/// The table names every write command, each once with no record or on both sides, and every
/// department runs exactly the table's cases.
#[test]
fn the_matrix_covers_every_write_command_on_both_sides() {
    for command in WRITE_COMMANDS {
        assert!(
            EXPECTED
                .iter()
                .any(|(what, _, _)| command_of(what) == *command),
            "no entry of EXPECTED runs {command}"
        );
    }
    let mut entries = HashSet::new();
    for (what, side, _) in EXPECTED {
        assert!(
            WRITE_COMMANDS.contains(&command_of(what)),
            "{what}: not a write command"
        );
        assert!(entries.insert((*what, *side)), "{what} {side:?} twice");
        let sides: Vec<Side> = EXPECTED
            .iter()
            .filter(|(w, _, _)| w == what)
            .map(|(_, s, _)| *s)
            .collect();
        let once = sides == [Side::NoRecord];
        let both = sides.contains(&Side::Own)
            && sides.contains(&Side::Other)
            && !sides.contains(&Side::NoRecord);
        let others_only = sides == [Side::Other] && OTHERS_ONLY.contains(&command_of(what));
        assert!(once || both || others_only, "{what}: sides {sides:?}");
    }
    assert_eq!(EXPECTED.len(), CASES_PER_DEPARTMENT, "entries of EXPECTED");
    for department in Department::ALL {
        let mut run: Vec<(&str, Side)> =
            cases(department).iter().map(|c| (c.what, c.side)).collect();
        let mut table: Vec<(&str, Side)> = EXPECTED.iter().map(|(w, s, _)| (*w, *s)).collect();
        run.sort();
        table.sort();
        assert_eq!(
            run, table,
            "{department}: the cases are the table's entries"
        );
        assert_eq!(
            run.len(),
            CASES_PER_DEPARTMENT,
            "{department}: number of cases"
        );
    }
}

/// A departure is a case where the product and §4 disagree: one that agrees with §4 is stale.
#[test]
fn every_departure_contradicts_section_4() {
    for (department, what, side, outcome, _) in DEPARTURES {
        let table = by_the_table(*department, what, *side)
            .unwrap_or_else(|| panic!("{department} {what} {side:?}: no entry of EXPECTED"));
        assert_ne!(
            table, *outcome,
            "{department} {what} {side:?}: agrees with §4, remove it from DEPARTURES"
        );
    }
}

/// A department, and the demo collaborator who plays it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Department {
    Management,
    Sales,
    Support,
}

impl Department {
    /// In the order of §4's columns.
    pub const ALL: [Department; 3] = [
        Department::Management,
        Department::Sales,
        Department::Support,
    ];

    /// The column of §4's table.
    pub fn column(self) -> usize {
        match self {
            Department::Management => 0,
            Department::Sales => 1,
            Department::Support => 2,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Department::Management => "management",
            Department::Sales => "sales",
            Department::Support => "support",
        }
    }

    pub fn login(self) -> &'static str {
        match self {
            Department::Management => ALICE,
            Department::Sales => BILL,
            Department::Support => KATE,
        }
    }

    /// The actor's id, as the template's facts pin it.
    pub fn actor_id(self) -> i64 {
        match self {
            Department::Management => 1,
            Department::Sales => 2,
            Department::Support => 4,
        }
    }

    /// Where the actor keeps their session.
    pub fn home(self) -> &'static str {
        self.as_str()
    }
}

impl std::fmt::Display for Department {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which record of a command's pair a case acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// The command acts on no record: it runs once.
    NoRecord,
    Own,
    Other,
    /// A third record that exercises a conditional cell of the table.
    Extra,
}

pub fn run(env: &TestEnv, department: Department, line: &str, stdin: &str) -> Run {
    let args = shlex::split(line).unwrap_or_else(|| panic!("bad command line {line:?}"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    env.run_as(department.home(), &args, stdin)
}

/// Whose `record` is, seen from `department`, read from the database: the support contact of
/// an event for support, the client's sales contact otherwise, the collaborator themself.
fn owner(env: &TestEnv, department: Department, record: Record) -> Option<i64> {
    let one = |sql: &str, id: i64| -> Option<i64> {
        let rows = env.rows(&sql.replace("?1", &id.to_string()));
        let cell = rows.first().unwrap_or_else(|| panic!("{record:?}: no row"))[0].clone();
        cell.map(|id| id.parse().unwrap())
    };
    match record {
        Record::None => None,
        Record::Collaborator(id) => Some(id),
        Record::Client(id) => one("SELECT sales_contact_id FROM clients WHERE id = ?1", id),
        Record::Contract(id) => one(
            "SELECT cl.sales_contact_id FROM contracts c \
             JOIN clients cl ON cl.id = c.client_id WHERE c.id = ?1",
            id,
        ),
        Record::Event(id) if department == Department::Support => {
            one("SELECT support_contact_id FROM events WHERE id = ?1", id)
        }
        Record::Event(id) => one(
            "SELECT cl.sales_contact_id FROM events e \
             JOIN contracts c ON c.id = e.contract_id \
             JOIN clients cl ON cl.id = c.client_id WHERE e.id = ?1",
            id,
        ),
    }
}

fn whose(template: &Template, case: &Case, owner: Option<i64>) -> String {
    let me = case.department.actor_id();
    match (case.record, owner) {
        (Record::None, _) => "no record".to_owned(),
        (Record::Collaborator(_), Some(id)) if id == me => "self".to_owned(),
        (Record::Collaborator(_), Some(id)) => template.name(id).to_owned(),
        (_, Some(id)) if id == me => "own".to_owned(),
        (_, Some(id)) => format!("{}'s", template.name(id)),
        (_, None) => "nobody's".to_owned(),
    }
}

/// "Own" and "other" must mean what they say wherever the department owns records: a wrong
/// pick is a mistake of this file, not of the product.
fn assert_sides(case: &Case, owner: Option<i64>) {
    let owns_it = matches!(
        (case.department, case.record),
        (
            Department::Sales,
            Record::Client(_) | Record::Contract(_) | Record::Event(_) | Record::Collaborator(_)
        ) | (
            Department::Support,
            Record::Event(_) | Record::Collaborator(_)
        )
    );
    if !owns_it {
        return;
    }
    let me = case.department.actor_id();
    let what = format!("{} {} {:?}", case.department, case.what, case.record);
    match case.side {
        Side::Own => assert_eq!(owner, Some(me), "{what}"),
        Side::Other => assert!(owner.is_some_and(|o| o != me), "{what}: owner {owner:?}"),
        Side::NoRecord | Side::Extra => {}
    }
}

/// What went wrong in one case, compared with `outcome`; empty when nothing did.
fn problems(case: &Case, outcome: Outcome, run: &Run, changed: bool, env: &TestEnv) -> Vec<String> {
    let mut problems = Vec::new();
    match outcome {
        Outcome::Allowed => {
            if run.code != 0 {
                problems.push("expected exit code 0".to_owned());
            } else if !changed {
                problems.push("exit code 0 but the database did not change".to_owned());
            } else if let Some((sql, want)) = &case.effect {
                let got = rows(env, sql);
                if got != *want {
                    problems.push(format!("{sql} gives {got:?}, expected {want:?}"));
                }
            }
        }
        Outcome::Denied(reason) => {
            if run.code != 1 {
                problems.push("expected exit code 1".to_owned());
            }
            if run.stderr.lines().count() != 1 {
                problems.push("expected exactly one line on standard error".to_owned());
            }
            let wanted = format!("error: permission denied: {reason}");
            if !run.stderr.starts_with("error: permission denied: ") {
                problems.push("standard error does not say permission denied".to_owned());
            } else if run.stderr.trim_end() != wanted {
                problems.push(format!("expected the reason {reason:?}"));
            }
            if changed {
                problems.push("the database changed".to_owned());
            }
        }
    }
    problems
}

/// Runs every case of `department`, then fails with the list of every mismatch.
fn run_matrix(department: Department) {
    let template = template();
    let cases = cases(department);
    let (mut allowed, mut refused) = (0, 0);
    let mut mismatches = Vec::new();
    for case in &cases {
        let env = template.copy();
        let owner = owner(&env, department, case.record);
        assert_sides(case, owner);
        let (outcome, departure) = expected(department, case.what, case.side);
        let before = env.digest();
        let run = run(&env, department, &case.line, case.stdin);
        let changed = env.digest() != before;
        let problems = problems(case, outcome, &run, changed, &env);
        let mut expectation = match outcome {
            Outcome::Allowed => {
                allowed += 1;
                "allowed".to_owned()
            }
            Outcome::Denied(reason) => {
                refused += 1;
                format!("refused ({reason})")
            }
        };
        if let Some(why) = departure {
            expectation.push_str(&format!(" [departs from §4: {why}]"));
        }
        let label = format!(
            "{department} | {} | {:?}: {} ({}) | `epicevents {}`",
            case.what,
            case.side,
            case.record.describe(),
            whose(template, case, owner),
            case.line.split_whitespace().collect::<Vec<_>>().join(" "),
        );
        println!("{label} → {expectation}");
        if !problems.is_empty() {
            mismatches.push(format!(
                "{label}\n    expected: {expectation}\n    problems: {}\n    actual: exit {}, \
                 database {}, stdout {:?}, stderr {:?}",
                problems.join("; "),
                run.code,
                if changed { "changed" } else { "unchanged" },
                run.stdout.trim_end(),
                run.stderr.trim_end(),
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} {department} cases disagree with PRODUCT.md §4:\n\n{}",
        mismatches.len(),
        cases.len(),
        mismatches.join("\n\n")
    );
    assert_eq!(
        cases.len(),
        CASES_PER_DEPARTMENT,
        "{department}: number of cases"
    );
    assert_eq!(allowed + refused, cases.len());
    assert!(
        allowed > 0 && refused > 0,
        "{department}: {allowed} allowed and {refused} refused: both outcomes must occur"
    );
}
