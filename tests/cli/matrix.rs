//! The authorization matrix of PRODUCT.md §4, generated from the permission table.
//!
//! Every department × every write command × {a record of the actor's own, another
//! collaborator's record}. The expected outcome of a case is never written by hand: it is what
//! [`check`] answers for the actor and for the facts of the record acted on, as stored in the
//! database the case runs against. An allowed case must exit 0 and change the database; a
//! refused one must exit 1 with one line, `error: permission denied: <the table's reason>`, and
//! leave every table exactly as it was.
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
//! Records are picked so that every case the table allows succeeds for real (an unsigned
//! contract to sign, a signed one with something left to pay, a contract without events or
//! payments to delete…): a state refusal would hide the permission answer. The demo lacks two
//! such records, so the template adds them through the binary: clients 6 (Bill's) and 7
//! (Sophie's) without contracts, and event 4 on Bill's contract 1 without support.
//!
//! Loading the demo and logging in cost bcrypt hashes, so the demo, the three sessions and the
//! fixtures are built once per run and kept in memory; each case writes that copy into a fresh
//! directory (sessions stay valid: they are bound to the database's instance id and key file,
//! both copied).

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use epicevents::domain::{Collaborator, Department};
use epicevents::service::permissions::{Action, Target, check};
use rusqlite::Connection;
use rusqlite::types::ValueRef;

use crate::helpers::{ALICE, BILL, KATE, TestEnv};

/// How many cases each department runs: a guard against a matrix that silently shrinks.
const MANAGEMENT_CASES: usize = 36;
const SALES_CASES: usize = 37;
const SUPPORT_CASES: usize = 36;

#[test]
fn management_gets_exactly_what_the_permission_table_grants() {
    run_matrix(Department::Management, MANAGEMENT_CASES);
}

#[test]
fn sales_gets_exactly_what_the_permission_table_grants() {
    run_matrix(Department::Sales, SALES_CASES);
}

#[test]
fn support_gets_exactly_what_the_permission_table_grants() {
    run_matrix(Department::Support, SUPPORT_CASES);
}

/// The matrix itself: every write action of the table is exercised by some command, and every
/// command acting on a record runs on both sides.
#[test]
fn the_matrix_covers_every_write_action_and_both_sides() {
    for department in Department::ALL {
        let cases = cases(department);
        let covered: HashSet<Action> = cases
            .iter()
            .flat_map(|c| c.actions.iter().copied())
            .collect();
        // Reading the audit trail is not a write, and no command does it yet.
        let missing: Vec<Action> = Action::ALL
            .into_iter()
            .filter(|a| *a != Action::ReadAudit && !covered.contains(a))
            .collect();
        assert!(missing.is_empty(), "{department}: no case for {missing:?}");
        let commands: HashSet<&str> = cases.iter().map(|c| c.command).collect();
        for command in commands {
            let sides: Vec<Side> = cases
                .iter()
                .filter(|c| c.command == command)
                .map(|c| c.side)
                .collect();
            let once = sides == [Side::NoRecord];
            let both = sides.contains(&Side::Own) && sides.contains(&Side::Other);
            assert!(once || both, "{department} {command}: sides {sides:?}");
        }
    }
}

/// Which record of a command's pair a case acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// The command acts on no record: it runs once.
    NoRecord,
    Own,
    Other,
    /// A third record that exercises a conditional cell of the table.
    Extra,
}

/// The record a command acts on, whose facts make the permission [`Target`].
#[derive(Debug, Clone, Copy)]
enum Record {
    None,
    Client(i64),
    Contract(i64),
    Event(i64),
    Collaborator(i64),
}

impl Record {
    fn describe(self) -> String {
        match self {
            Record::None => "—".to_owned(),
            Record::Client(id) => format!("client {id}"),
            Record::Contract(id) => format!("contract {id}"),
            Record::Event(id) => format!("event {id}"),
            Record::Collaborator(id) => format!("collaborator {id}"),
        }
    }
}

struct Case {
    department: Department,
    command: &'static str,
    side: Side,
    record: Record,
    /// The command line after `epicevents`, split like a shell.
    line: String,
    stdin: &'static str,
    /// Every check the command must pass, in the order the table is consulted.
    actions: &'static [Action],
}

struct Cases {
    department: Department,
    list: Vec<Case>,
}

impl Cases {
    fn add(
        &mut self,
        command: &'static str,
        side: Side,
        record: Record,
        line: String,
        stdin: &'static str,
        actions: &'static [Action],
    ) {
        self.list.push(Case {
            department: self.department,
            command,
            side,
            record,
            line,
            stdin,
            actions,
        });
    }
}

/// (own, other), in the order the cases run.
fn pair<T>(own: T, other: T) -> [(Side, T); 2] {
    [(Side::Own, own), (Side::Other, other)]
}

/// Every write command for `department`, with the records it acts on.
fn cases(department: Department) -> Vec<Case> {
    use Action::*;
    use Record::{Client, Collaborator, Contract, Event};
    let management = department == Department::Management;
    let sales = department == Department::Sales;
    let support = department == Department::Support;
    let mut c = Cases {
        department,
        list: Vec::new(),
    };

    // Clients.
    c.add(
        "clients create",
        Side::NoRecord,
        Record::None,
        "clients create --full-name 'Mia Matrix' --email mia@matrix.test \
         --phone '+33 6 11 22 33 44' --company-name 'Matrix SAS'"
            .to_owned(),
        "",
        &[CreateClient],
    );
    for (side, id) in pair(1, 3) {
        c.add(
            "clients update",
            side,
            Client(id),
            format!("clients update {id} --phone '+33 6 99 99 99 99'"),
            "",
            &[UpdateClient],
        );
    }
    // To another sales collaborator, as reassigning requires.
    for (side, (id, to)) in pair((1, 3), (3, 2)) {
        c.add(
            "clients reassign",
            side,
            Client(id),
            format!("clients reassign {id} {to}"),
            "",
            &[ReassignClient],
        );
    }
    // Clients 6 and 7 have no contracts, so they can be deleted.
    for (side, id) in pair(6, 7) {
        c.add(
            "clients delete",
            side,
            Client(id),
            format!("clients delete {id} --yes"),
            "",
            &[DeleteClient],
        );
    }

    // Contracts.
    for (side, id) in pair(1, 3) {
        c.add(
            "contracts create",
            side,
            Client(id),
            format!("contracts create --client {id} --total 1000"),
            "",
            &[CreateContract],
        );
    }
    // Client 5 has no sales contact: management may not create its contracts either.
    c.add(
        "contracts create",
        Side::Extra,
        Client(5),
        "contracts create --client 5 --total 1000".to_owned(),
        "",
        &[CreateContract],
    );
    // Contracts 5 and 4 are unsigned.
    for (side, id) in pair(5, 4) {
        c.add(
            "contracts update --total (unsigned)",
            side,
            Contract(id),
            format!("contracts update {id} --total 6000"),
            "",
            &[UpdateContract],
        );
    }
    // Contracts 2 and 3 are signed; the new totals stay above what was paid.
    for (side, (id, total)) in pair((2, 30000), (3, 9000)) {
        c.add(
            "contracts update --total (signed)",
            side,
            Contract(id),
            format!("contracts update {id} --total {total}"),
            "",
            &[UpdateContract, ChangeSignedTotal],
        );
    }
    for (side, id) in pair(5, 4) {
        c.add(
            "contracts sign",
            side,
            Contract(id),
            format!("contracts sign {id}"),
            "",
            &[SignContract],
        );
    }
    // Signed, with 15000.00 and 8000.00 left to pay.
    for (side, id) in pair(2, 3) {
        c.add(
            "contracts pay",
            side,
            Contract(id),
            format!("contracts pay {id} 100"),
            "",
            &[RecordPayment],
        );
    }
    // Neither events nor payments.
    for (side, id) in pair(5, 4) {
        c.add(
            "contracts delete",
            side,
            Contract(id),
            format!("contracts delete {id} --yes"),
            "",
            &[DeleteContract],
        );
    }

    // Events.
    // Signed contracts; the permission is checked on the contract's client.
    for (side, id) in pair(1, 3) {
        c.add(
            "events create",
            side,
            Contract(id),
            format!(
                "events create --contract {id} --name 'Matrix Gala' \
                 --start '2027-10-01 19:00' --end '2027-10-01 23:00' \
                 --location 'Lyon' --attendees 50"
            ),
            "",
            &[CreateEvent],
        );
    }
    // Sales: events 4 (Bill's) and 2 (Sophie's) have no support yet.
    let (own_event, other_event) = if support { (1, 3) } else { (4, 2) };
    for (side, id) in pair(own_event, other_event) {
        c.add(
            "events update",
            side,
            Event(id),
            format!("events update {id} --notes 'Checked by the matrix'"),
            "",
            &[UpdateEvent],
        );
    }
    if sales {
        // Bill's client's event, but Kate supports it now.
        c.add(
            "events update",
            Side::Extra,
            Event(1),
            "events update 1 --notes 'Checked by the matrix'".to_owned(),
            "",
            &[UpdateEvent],
        );
    }
    let assignments = if support {
        pair((1, 5), (3, 4))
    } else {
        pair((4, 4), (2, 5))
    };
    for (side, (id, to)) in assignments {
        c.add(
            "events assign",
            side,
            Event(id),
            format!("events assign {id} {to}"),
            "",
            &[AssignSupport],
        );
    }
    // Management unassigns two events that have a support; sales has none of Sophie's.
    let unassigned = if sales { pair(1, 2) } else { pair(1, 3) };
    for (side, id) in unassigned {
        c.add(
            "events unassign",
            side,
            Event(id),
            format!("events unassign {id}"),
            "",
            &[AssignSupport],
        );
    }
    for (side, id) in pair(own_event, other_event) {
        c.add(
            "events delete",
            side,
            Event(id),
            format!("events delete {id} --yes"),
            "",
            &[DeleteEvent],
        );
    }

    // Collaborators.
    c.add(
        "users create",
        Side::NoRecord,
        Record::None,
        "users create --employee-number EMP-0099 --full-name 'Nina Matrix' \
         --email nina.matrix@epic.com --phone '+33 6 12 34 56 78' --department sales"
            .to_owned(),
        "a long enough password\n",
        &[CreateCollaborator],
    );
    let (me, colleague) = match department {
        Department::Management => (1, 3),
        Department::Sales => (2, 3),
        Department::Support => (4, 5),
    };
    for (side, id) in pair(me, colleague) {
        c.add(
            "users update",
            side,
            Collaborator(id),
            format!("users update {id} --phone '+33 6 98 76 54 32'"),
            "",
            &[UpdateCollaborator],
        );
    }
    // Management may not delete itself (a state rule): it deletes Bill instead.
    let own_account = if management { 2 } else { me };
    for (side, id) in pair(own_account, colleague) {
        c.add(
            "users delete",
            side,
            Collaborator(id),
            format!("users delete {id} --yes"),
            "",
            &[DeleteCollaborator],
        );
    }
    c.add(
        "password",
        Side::NoRecord,
        Record::None,
        "password".to_owned(),
        "epicevents-demo\nmatrix-password-2027\n",
        &[ChangeOwnPassword],
    );
    c.list
}

/// The demo, logged in once per department, with the fixtures, as files.
struct Template {
    dirs: Vec<(PathBuf, fs::Permissions)>,
    files: Vec<(PathBuf, Vec<u8>, fs::Permissions)>,
    actors: Vec<Collaborator>,
    /// Every collaborator's first name, by id.
    names: Vec<(i64, String)>,
}

impl Template {
    fn actor(&self, department: Department) -> &Collaborator {
        self.actors
            .iter()
            .find(|a| a.department == department)
            .expect("an actor per department")
    }

    fn name(&self, id: i64) -> &str {
        self.names
            .iter()
            .find(|(i, _)| *i == id)
            .map_or("?", |(_, name)| name.as_str())
    }

    /// A fresh copy of the template in its own directory.
    fn copy(&self) -> TestEnv {
        let env = TestEnv::new();
        for (path, permissions) in &self.dirs {
            let path = env.root().join(path);
            fs::create_dir_all(&path).unwrap();
            fs::set_permissions(&path, permissions.clone()).unwrap();
        }
        for (path, bytes, permissions) in &self.files {
            let path = env.root().join(path);
            fs::write(&path, bytes).unwrap();
            fs::set_permissions(&path, permissions.clone()).unwrap();
        }
        env
    }
}

fn template() -> &'static Template {
    static TEMPLATE: OnceLock<Template> = OnceLock::new();
    TEMPLATE.get_or_init(build_template)
}

/// Where each department's actor keeps their session.
fn home(department: Department) -> &'static str {
    department.as_str()
}

fn login(department: Department) -> &'static str {
    match department {
        Department::Management => ALICE,
        Department::Sales => BILL,
        Department::Support => KATE,
    }
}

fn run(env: &TestEnv, department: Department, line: &str, stdin: &str) -> crate::helpers::Run {
    let args = shlex::split(line).unwrap_or_else(|| panic!("bad command line {line:?}"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    env.run_as(home(department), &args, stdin)
}

fn build_template() -> Template {
    let env = TestEnv::demo();
    for department in Department::ALL {
        env.login_as(home(department), login(department));
    }
    let sales = Department::Sales;
    run(
        &env,
        sales,
        "clients create --full-name 'Nora Six' --email nora@six.test \
         --phone '+33 6 00 00 00 06' --company-name 'Six SARL'",
        "",
    )
    .ok();
    run(
        &env,
        sales,
        "clients create --full-name 'Oscar Seven' --email oscar@seven.test \
         --phone '+33 6 00 00 00 07' --company-name 'Seven SA'",
        "",
    )
    .ok();
    run(&env, Department::Management, "clients reassign 7 3", "").ok();
    run(
        &env,
        sales,
        "events create --contract 1 --name 'Kevin Casey Dinner' \
         --start '2027-09-01 19:00' --end '2027-09-01 23:00' --location Paris --attendees 40",
        "",
    )
    .ok();

    let (actors, names) = {
        let db = env.db();
        assert_facts(&db);
        let actors = Department::ALL.map(|d| actor(&db, login(d)));
        for (department, actor) in Department::ALL.into_iter().zip(&actors) {
            assert_eq!(actor.department, department, "{}", actor.email);
        }
        let mut stmt = db
            .prepare("SELECT id, full_name FROM collaborators ORDER BY id")
            .unwrap();
        let names = stmt
            .query_map([], |row| {
                let full: String = row.get(1)?;
                Ok((row.get(0)?, full.split(' ').next().unwrap_or("").to_owned()))
            })
            .unwrap()
            .collect::<Result<Vec<(i64, String)>, _>>()
            .unwrap();
        (actors.into(), names)
        // Every connection closes here: SQLite folds the WAL into the database file.
    };

    let (dirs, files) = snapshot(env.root());
    let paths: Vec<&Path> = files.iter().map(|(p, _, _)| p.as_path()).collect();
    for needed in ["crm.db", "crm.db.key"] {
        assert!(paths.contains(&Path::new(needed)), "{needed} in {paths:?}");
    }
    for department in Department::ALL {
        let session = Path::new("home").join(home(department)).join("session");
        assert!(
            paths.contains(&session.as_path()),
            "{session:?} in {paths:?}"
        );
    }
    Template {
        dirs,
        files,
        actors,
        names,
    }
}

/// Every directory and file under `root`, parents first.
#[allow(clippy::type_complexity)]
fn snapshot(
    root: &Path,
) -> (
    Vec<(PathBuf, fs::Permissions)>,
    Vec<(PathBuf, Vec<u8>, fs::Permissions)>,
) {
    let (mut dirs, mut files) = (Vec::new(), Vec::new());
    let mut pending = vec![PathBuf::new()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(root.join(&dir)).unwrap() {
            let entry = entry.unwrap();
            let path = dir.join(entry.file_name());
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                dirs.push((path.clone(), meta.permissions()));
                pending.push(path);
            } else {
                files.push((path, fs::read(entry.path()).unwrap(), meta.permissions()));
            }
        }
    }
    (dirs, files)
}

/// The facts the case list relies on: if the demo changes, the records must be picked again.
fn assert_facts(db: &Connection) {
    let facts = [
        (
            "SELECT c.id, c.email, d.name FROM collaborators c \
             JOIN departments d ON d.id = c.department_id ORDER BY c.id",
            "1:alice.manager@epic.com:management 2:bill.boquet@epic.com:sales \
             3:sophie.vendeur@epic.com:sales 4:kate.hastroff@epic.com:support \
             5:alienor.vichum@epic.com:support",
        ),
        // id:sales contact
        (
            "SELECT id, sales_contact_id FROM clients ORDER BY id",
            "1:2 2:2 3:3 4:3 5:- 6:2 7:3",
        ),
        // id:client:signed:total:remaining:events:payments
        (
            "SELECT id, client_id, signed_at IS NOT NULL, total_cents, remaining_cents, \
             (SELECT count(*) FROM events e WHERE e.contract_id = c.id), \
             (SELECT count(*) FROM payments p WHERE p.contract_id = c.id) \
             FROM contracts c ORDER BY id",
            "1:1:1:1200000:0:2:2 2:2:1:2500000:1500000:1:1 3:3:1:800000:800000:1:0 \
             4:4:0:500000:500000:0:0 5:1:0:300050:300050:0:0",
        ),
        // id:contract:support contact
        (
            "SELECT id, contract_id, support_contact_id FROM events ORDER BY id",
            "1:2:4 2:3:- 3:1:5 4:1:-",
        ),
    ];
    for (sql, expected) in facts {
        assert_eq!(rows(db, sql), expected, "{sql}");
    }
}

/// The rows of a query, cells joined by `:`, rows by spaces, NULL as `-`.
fn rows(db: &Connection, sql: &str) -> String {
    let mut stmt = db.prepare(sql).expect(sql);
    let columns = stmt.column_count();
    let mut rows = stmt.query([]).unwrap();
    let mut out = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        let cells: Vec<String> = (0..columns)
            .map(|i| match row.get_ref(i).unwrap() {
                ValueRef::Null => "-".to_owned(),
                ValueRef::Integer(n) => n.to_string(),
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                other => format!("{other:?}"),
            })
            .collect();
        out.push(cells.join(":"));
    }
    out.join(" ")
}

/// The collaborator who logs in with `email`, as stored.
fn actor(db: &Connection, email: &str) -> Collaborator {
    db.query_row(
        "SELECT c.id, c.employee_number, c.full_name, c.email, c.phone, d.name, \
         c.created_at, c.updated_at \
         FROM collaborators c JOIN departments d ON d.id = c.department_id WHERE c.email = ?1",
        [email],
        |row| {
            let department: String = row.get(5)?;
            Ok(Collaborator {
                id: row.get(0)?,
                employee_number: row.get(1)?,
                full_name: row.get(2)?,
                email: row.get(3)?,
                phone: row.get(4)?,
                department: Department::parse(&department).expect("a stored department"),
                created_at: row.get(6)?,
                updated_at: row.get(7)?,
            })
        },
    )
    .unwrap_or_else(|e| panic!("{email}: {e}"))
}

/// The facts of `record` the permission table looks at, read from the database now.
fn target(db: &Connection, record: Record) -> Target {
    let one = |sql: &str, id: i64| -> Option<i64> {
        db.query_row(sql, [id], |row| row.get(0))
            .unwrap_or_else(|e| panic!("{record:?}: {e}"))
    };
    let client_sales = "SELECT sales_contact_id FROM clients WHERE id = ?1";
    let contract_sales = "SELECT cl.sales_contact_id FROM contracts c \
                          JOIN clients cl ON cl.id = c.client_id WHERE c.id = ?1";
    let event_sales = "SELECT cl.sales_contact_id FROM events e \
                       JOIN contracts c ON c.id = e.contract_id \
                       JOIN clients cl ON cl.id = c.client_id WHERE e.id = ?1";
    let event_support = "SELECT support_contact_id FROM events WHERE id = ?1";
    match record {
        Record::None | Record::Collaborator(_) => Target::none(),
        Record::Client(id) => Target::client(one(client_sales, id)),
        Record::Contract(id) => Target::client(one(contract_sales, id)),
        Record::Event(id) => Target::event(one(event_sales, id), one(event_support, id)),
    }
}

/// Whose record it is, seen from `actor`: the support contact of an event for support, the
/// client's sales contact otherwise; "own" when it is the actor.
fn owner(actor: &Collaborator, record: Record, target: Target) -> Option<i64> {
    match record {
        Record::None => None,
        Record::Collaborator(id) => Some(id),
        Record::Event(_) if actor.department == Department::Support => target.support_contact_id,
        _ => target.sales_contact_id,
    }
}

fn whose(template: &Template, actor: &Collaborator, record: Record, target: Target) -> String {
    match (record, owner(actor, record, target)) {
        (Record::None, _) => "no record".to_owned(),
        (Record::Collaborator(_), Some(id)) if id == actor.id => "self".to_owned(),
        (Record::Collaborator(_), Some(id)) => template.name(id).to_owned(),
        (_, Some(id)) if id == actor.id => "own".to_owned(),
        (_, Some(id)) => format!("{}'s", template.name(id)),
        (_, None) => "nobody's".to_owned(),
    }
}

/// "Own" and "other" must mean what they say wherever the department owns records: a wrong
/// pick is a mistake of this file, not of the product.
fn assert_sides(case: &Case, actor: &Collaborator, target: Target) {
    let owns_it = match (actor.department, case.record) {
        (Department::Sales, Record::Client(_) | Record::Contract(_) | Record::Event(_))
        | (Department::Support, Record::Event(_)) => true,
        (Department::Sales | Department::Support, Record::Collaborator(_)) => {
            case.command == "users update" || case.command == "users delete"
        }
        _ => false,
    };
    if !owns_it {
        return;
    }
    let owner = owner(actor, case.record, target);
    match case.side {
        Side::Own => assert_eq!(owner, Some(actor.id), "{} {:?}", case.command, case.record),
        Side::Other => assert!(
            owner.is_some_and(|o| o != actor.id),
            "{} {:?}: owner {owner:?}",
            case.command,
            case.record
        ),
        Side::NoRecord | Side::Extra => {}
    }
}

/// Runs every case of `department`, then fails with the list of every mismatch.
fn run_matrix(department: Department, expected_cases: usize) {
    let template = template();
    let actor = template.actor(department);
    let cases = cases(department);
    let (mut allowed, mut refused) = (0, 0);
    let mut mismatches = Vec::new();
    for case in &cases {
        let env = template.copy();
        let target = target(&env.db(), case.record);
        assert_sides(case, actor, target);
        let expected = case
            .actions
            .iter()
            .try_for_each(|action| check(actor, *action, target));
        let before = env.digest();
        let run = run(&env, department, &case.line, case.stdin);
        let changed = env.digest() != before;
        let mut problems = Vec::new();
        let expectation = match &expected {
            Ok(()) => {
                allowed += 1;
                if run.code != 0 {
                    problems.push("expected exit code 0".to_owned());
                } else if !changed {
                    problems.push("exit code 0 but the database did not change".to_owned());
                }
                "allowed".to_owned()
            }
            Err(error) => {
                refused += 1;
                let wanted = format!("error: {error}");
                if run.code != 1 {
                    problems.push("expected exit code 1".to_owned());
                }
                if run.stderr.lines().count() != 1 {
                    problems.push("expected exactly one line on standard error".to_owned());
                }
                if !run.stderr.starts_with("error: permission denied: ") {
                    problems.push("standard error does not say permission denied".to_owned());
                } else if run.stderr.trim_end() != wanted {
                    problems.push(format!("expected the table's reason: {wanted:?}"));
                }
                if changed {
                    problems.push("the database changed".to_owned());
                }
                format!("refused ({wanted})")
            }
        };
        let label = format!(
            "{} | {} | {:?}: {} ({}) | `epicevents {}`",
            case.department,
            case.command,
            case.side,
            case.record.describe(),
            whose(template, actor, case.record, target),
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
        "{} of {} {department} cases disagree with the permission table:\n\n{}",
        mismatches.len(),
        cases.len(),
        mismatches.join("\n\n")
    );
    assert_eq!(cases.len(), expected_cases, "{department}: number of cases");
    assert_eq!(allowed + refused, cases.len());
    assert!(
        allowed > 0 && refused > 0,
        "{department}: {allowed} allowed and {refused} refused: both outcomes must occur"
    );
}
