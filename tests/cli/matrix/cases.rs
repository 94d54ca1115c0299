//! The command lines of the matrix: for each department, every entry of
//! [`EXPECTED`](super::expected::EXPECTED) as a real command on a real record of the template.
//!
//! Records are picked so that every case §4 allows succeeds for real (an unsigned contract to
//! sign, a signed one with something left to pay, a contract without events or payments to
//! delete…): a state refusal would hide the permission answer. Which records they are is
//! pinned by `assert_facts` in the template.

use super::{Department, Side};

/// Every write command of PRODUCT.md §2, listed here rather than taken from the product so
/// that a command the product forgets still has to be accounted for.
pub const WRITE_COMMANDS: &[&str] = &[
    "clients create",
    "clients update",
    "clients reassign",
    "clients delete",
    "contracts create",
    "contracts update",
    "contracts sign",
    "contracts pay",
    "contracts delete",
    "events create",
    "events update",
    "events assign",
    "events unassign",
    "events delete",
    "users create",
    "users update",
    "users delete",
    "users unlock",
    "users reset-password",
    "password",
];

/// Commands that act on another collaborator's account only: nobody unlocks themself (a
/// locked account cannot log in) or resets their own password (`password` does that).
pub const OTHERS_ONLY: &[&str] = &["users unlock", "users reset-password"];

/// The command an entry of the table runs: "contracts update (signed, new total)" runs
/// "contracts update".
pub fn command_of(what: &str) -> &str {
    what.split(" (").next().unwrap_or(what)
}

/// The record a case acts on.
#[derive(Debug, Clone, Copy)]
pub enum Record {
    None,
    Client(i64),
    Contract(i64),
    Event(i64),
    Collaborator(i64),
}

impl Record {
    pub fn describe(self) -> String {
        match self {
            Record::None => "—".to_owned(),
            Record::Client(id) => format!("client {id}"),
            Record::Contract(id) => format!("contract {id}"),
            Record::Event(id) => format!("event {id}"),
            Record::Collaborator(id) => format!("collaborator {id}"),
        }
    }
}

pub struct Case {
    pub department: Department,
    /// The entry of the table: a command, with the situation in parentheses when needed.
    pub what: &'static str,
    pub side: Side,
    pub record: Record,
    /// The command line after `epicevents`, split like a shell.
    pub line: String,
    pub stdin: &'static str,
    /// When the case is allowed, a query whose rows (as `rows` prints them) must then read as
    /// given: what §4 says the write does besides changing something.
    pub effect: Option<(&'static str, String)>,
}

struct Cases {
    department: Department,
    list: Vec<Case>,
}

impl Cases {
    fn add(&mut self, what: &'static str, side: Side, record: Record, line: String) {
        self.list.push(Case {
            department: self.department,
            what,
            side,
            record,
            line,
            stdin: "",
            effect: None,
        });
    }

    fn last(&mut self) -> &mut Case {
        self.list.last_mut().expect("a case was added")
    }
}

/// (own, other), in the order the cases run.
fn pair<T>(own: T, other: T) -> [(Side, T); 2] {
    [(Side::Own, own), (Side::Other, other)]
}

/// Every case for `department`, with the records it acts on.
pub fn cases(department: Department) -> Vec<Case> {
    let mut c = Cases {
        department,
        list: Vec::new(),
    };
    clients(&mut c);
    contracts(&mut c);
    events(&mut c);
    users(&mut c);
    c.list
}

fn clients(c: &mut Cases) {
    use Record::Client;
    c.add(
        "clients create",
        Side::NoRecord,
        Record::None,
        "clients create --full-name 'Mia Matrix' --email mia@matrix.test \
         --phone '+33 6 11 22 33 44' --company-name 'Matrix SAS'"
            .to_owned(),
    );
    // §4: the sales collaborator who creates a client becomes its sales contact.
    c.last().effect = Some((
        "SELECT sales_contact_id FROM clients WHERE email = 'mia@matrix.test'",
        c.department.actor_id().to_string(),
    ));
    for (side, id) in pair(1, 3) {
        let line = format!("clients update {id} --phone '+33 6 99 99 99 99'");
        c.add("clients update", side, Client(id), line);
    }
    // To another sales collaborator, as reassigning requires.
    for (side, (id, to)) in pair((1, 3), (3, 2)) {
        let line = format!("clients reassign {id} {to}");
        c.add("clients reassign", side, Client(id), line);
    }
    // Clients 6 and 7 have no contracts, so they can be deleted.
    for (side, id) in pair(6, 7) {
        let line = format!("clients delete {id} --yes");
        c.add("clients delete", side, Client(id), line);
    }
}

fn contracts(c: &mut Cases) {
    use Record::{Client, Contract};
    for (side, id) in pair(1, 3) {
        let line = format!("contracts create --client {id} --total 1000");
        c.add("contracts create", side, Client(id), line);
    }
    // Client 5 has no sales contact.
    let line = "contracts create --client 5 --total 1000".to_owned();
    c.add("contracts create", Side::Extra, Client(5), line);
    // Contracts 5 and 4 are unsigned.
    for (side, id) in pair(5, 4) {
        let line = format!("contracts update {id} --total 6000");
        c.add(
            "contracts update (unsigned, new total)",
            side,
            Contract(id),
            line,
        );
    }
    // Contracts 2 and 3 are signed; the new totals stay above what was paid.
    for (side, (id, total)) in pair((2, 30000), (3, 9000)) {
        let line = format!("contracts update {id} --total {total}");
        c.add(
            "contracts update (signed, new total)",
            side,
            Contract(id),
            line,
        );
    }
    for (side, id) in pair(5, 4) {
        let line = format!("contracts sign {id}");
        c.add("contracts sign", side, Contract(id), line);
    }
    // Signed, with 15000.00 and 8000.00 left to pay.
    for (side, id) in pair(2, 3) {
        let line = format!("contracts pay {id} 100");
        c.add("contracts pay", side, Contract(id), line);
    }
    // Neither events nor payments.
    for (side, id) in pair(5, 4) {
        let line = format!("contracts delete {id} --yes");
        c.add("contracts delete", side, Contract(id), line);
    }
}

fn events(c: &mut Cases) {
    use Record::{Contract, Event};
    let support = c.department == Department::Support;
    let sales = c.department == Department::Sales;
    // Signed contracts; the permission is checked on the contract's client.
    for (side, id) in pair(1, 3) {
        let line = format!(
            "events create --contract {id} --name 'Matrix Gala' \
             --start '2027-10-01 19:00' --end '2027-10-01 23:00' \
             --location 'Lyon' --attendees 50"
        );
        c.add("events create", side, Contract(id), line);
    }
    // Support: events 1 (Kate's) and 3 (Aliénor's). Everybody else: events 4 (Bill's) and 2
    // (Sophie's), which have no support yet.
    let (own_event, other_event) = if support { (1, 3) } else { (4, 2) };
    for (side, id) in pair(own_event, other_event) {
        let line = format!("events update {id} --notes 'Checked by the matrix'");
        c.add("events update", side, Event(id), line);
    }
    // Support: event 4, which nobody supports. Everybody else: event 1, one of Bill's clients'
    // events that Kate supports now.
    let extra = if support { 4 } else { 1 };
    let line = format!("events update {extra} --notes 'Checked by the matrix'");
    c.add("events update", Side::Extra, Event(extra), line);
    let assignments = if support {
        pair((1, 5), (3, 4))
    } else {
        pair((4, 4), (2, 5))
    };
    for (side, (id, to)) in assignments {
        let line = format!("events assign {id} {to}");
        c.add("events assign", side, Event(id), line);
    }
    // Events that have a support to remove; none of Sophie's has one, so sales (refused before
    // the state is looked at) gets her event 2.
    let unassigned = if sales { pair(1, 2) } else { pair(1, 3) };
    for (side, id) in unassigned {
        let line = format!("events unassign {id}");
        c.add("events unassign", side, Event(id), line);
    }
    for (side, id) in pair(own_event, other_event) {
        let line = format!("events delete {id} --yes");
        c.add("events delete", side, Event(id), line);
    }
}

fn users(c: &mut Cases) {
    use Record::Collaborator;
    c.add(
        "users create",
        Side::NoRecord,
        Record::None,
        "users create --employee-number EMP-0099 --full-name 'Nina Matrix' \
         --email nina.matrix@epic.com --phone '+33 6 12 34 56 78' --department sales"
            .to_owned(),
    );
    c.last().stdin = "a long enough password\n";
    let (me, colleague) = match c.department {
        Department::Management => (1, 3),
        Department::Sales => (2, 3),
        Department::Support => (4, 5),
    };
    for (side, id) in pair(me, colleague) {
        let line = format!("users update {id} --phone '+33 6 98 76 54 32'");
        c.add("users update", side, Collaborator(id), line);
    }
    // Management may not delete itself (a state rule): it deletes Bill instead.
    let own_account = if c.department == Department::Management {
        2
    } else {
        me
    };
    for (side, id) in pair(own_account, colleague) {
        let line = format!("users delete {id} --yes");
        c.add("users delete", side, Collaborator(id), line);
    }
    // The template locks Sophie and Aliénor out; management unlocks Sophie.
    let locked = if c.department == Department::Support {
        5
    } else {
        3
    };
    c.add(
        "users unlock",
        Side::Other,
        Collaborator(locked),
        format!("users unlock {locked}"),
    );
    c.add(
        "users reset-password",
        Side::Other,
        Collaborator(colleague),
        format!("users reset-password {colleague}"),
    );
    c.last().stdin = "a temporary password\n";
    c.add(
        "password",
        Side::NoRecord,
        Record::None,
        "password".to_owned(),
    );
    c.last().stdin = "epicevents-demo\nmatrix-password-2027\n";
}
