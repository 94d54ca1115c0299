//! What PRODUCT.md §4 says each case must do, written by hand.
//!
//! [`EXPECTED`] is a transcription of §4's table: the same rows in the same order, the same
//! columns (management, sales, support), one entry per case of the matrix. Nothing here asks
//! the code under test for an answer, so a wrong cell in the product's permission table
//! makes the matrix fail instead of agreeing with it. The refusal reasons are the product's
//! sentences (§4 gives "you can only update your own clients" as its example), written out so
//! that a refusal for the wrong reason fails too.
//!
//! Where the product answers otherwise than §4, the case is listed in [`DEPARTURES`] with
//! why: the difference stays visible in one place until §4 or the product changes.

use super::{Department, Side};

/// What a case must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0 and a changed database.
    Allowed,
    /// Exit 1, `error: permission denied: <reason>` and nothing changed.
    Denied(&'static str),
}

const YES: Outcome = Outcome::Allowed;

const fn no(reason: &'static str) -> Outcome {
    Outcome::Denied(reason)
}

/// One entry of [`EXPECTED`]: what is done (a command, with the situation in parentheses when
/// one command has several), on which record, and the outcome for management, sales and
/// support, in §4's column order.
pub type Row = (&'static str, Side, [Outcome; 3]);

/// PRODUCT.md §4, case by case. The comment above each group quotes the §4 row it transcribes.
///
/// "Own" is a record of the actor's own (a client whose sales contact they are, the contracts
/// and events of such a client; for support, an event assigned to them; for collaborators,
/// themself), "Other" the same kind of record of another collaborator. Management owns no
/// record: for it the two sides are simply two different records. `Extra` is a third record
/// where a cell has a condition: see each group.
///
/// §4 "read any client, contract, event, collaborator: yes | yes | yes" is not a write and is
/// not part of this matrix.
#[rustfmt::skip]
pub const EXPECTED: &[Row] = &[
    // §4 "create client: – | yes (becomes its sales contact) | –".
    ("clients create", Side::NoRecord, [
        no("only sales can create clients"),
        YES,
        no("only sales can create clients"),
    ]),

    // §4 "update client fields: – | own clients | –".
    ("clients update", Side::Own, [
        no("only sales can update clients"),
        YES,
        no("only sales can update clients"),
    ]),
    ("clients update", Side::Other, [
        no("only sales can update clients"),
        no("you can only update your own clients"),
        no("only sales can update clients"),
    ]),

    // §4 "reassign a client's sales contact: yes | – | –".
    ("clients reassign", Side::Own, [
        YES,
        no("only management can reassign clients"),
        no("only management can reassign clients"),
    ]),
    ("clients reassign", Side::Other, [
        YES,
        no("only management can reassign clients"),
        no("only management can reassign clients"),
    ]),

    // §4 "create contract: any client that has a sales contact | own clients | –".
    // Extra: a client with no sales contact (the demo's client 5).
    ("contracts create", Side::Own, [
        YES,
        YES,
        no("only management or sales can create contracts"),
    ]),
    ("contracts create", Side::Other, [
        YES,
        no("you can only create contracts for your own clients"),
        no("only management or sales can create contracts"),
    ]),
    ("contracts create", Side::Extra, [
        no("this client has no sales contact: reassign it before you create a contract"),
        no("you can only create contracts for your own clients"),
        no("only management or sales can create contracts"),
    ]),

    // §4 "update contract, sign it, record a payment: any | own clients' | –".
    // Updating is tried on an unsigned contract and on a signed one: §4 makes no difference.
    ("contracts update (unsigned, new total)", Side::Own, [
        YES,
        YES,
        no("only management or sales can update contracts"),
    ]),
    ("contracts update (unsigned, new total)", Side::Other, [
        YES,
        no("you can only update your own clients' contracts"),
        no("only management or sales can update contracts"),
    ]),
    ("contracts update (signed, new total)", Side::Own, [
        YES,
        YES, // The product refuses: see DEPARTURES.
        no("only management or sales can update contracts"),
    ]),
    ("contracts update (signed, new total)", Side::Other, [
        YES,
        no("you can only update your own clients' contracts"),
        no("only management or sales can update contracts"),
    ]),
    ("contracts sign", Side::Own, [
        YES,
        YES,
        no("only management or sales can sign contracts"),
    ]),
    ("contracts sign", Side::Other, [
        YES,
        no("you can only sign your own clients' contracts"),
        no("only management or sales can sign contracts"),
    ]),
    ("contracts pay", Side::Own, [
        YES,
        YES,
        no("only management or sales can record payments"),
    ]),
    ("contracts pay", Side::Other, [
        YES,
        no("you can only record payments on your own clients' contracts"),
        no("only management or sales can record payments"),
    ]),

    // §4 "create event: – | own clients' signed contracts | –".
    ("events create", Side::Own, [
        no("only sales can create events"),
        YES,
        no("only sales can create events"),
    ]),
    ("events create", Side::Other, [
        no("only sales can create events"),
        no("you can only create events for your own clients' contracts"),
        no("only sales can create events"),
    ]),

    // §4 "update event details: – | own clients' events until a support is assigned |
    // events assigned to them".
    // Extra: for sales and management, an event of one of the sales actor's own clients that a
    // support collaborator has taken over; for support, an event nobody supports yet.
    ("events update", Side::Own, [
        no("only sales or support can update events"),
        YES,
        YES,
    ]),
    ("events update", Side::Other, [
        no("only sales or support can update events"),
        no("you can only update your own clients' events"),
        no("you can only update events assigned to you"),
    ]),
    ("events update", Side::Extra, [
        no("only sales or support can update events"),
        no("this event has a support contact now: only they can update it"),
        no("you can only update events assigned to you"),
    ]),

    // §4 "assign or unassign an event's support: yes | – | –".
    ("events assign", Side::Own, [
        YES,
        no("only management can assign support to events"),
        no("only management can assign support to events"),
    ]),
    ("events assign", Side::Other, [
        YES,
        no("only management can assign support to events"),
        no("only management can assign support to events"),
    ]),
    ("events unassign", Side::Own, [
        YES,
        no("only management can assign support to events"),
        no("only management can assign support to events"),
    ]),
    ("events unassign", Side::Other, [
        YES,
        no("only management can assign support to events"),
        no("only management can assign support to events"),
    ]),

    // §4 "delete client, contract or event: yes, when nothing depends on it | – | –".
    // The records deleted have nothing that depends on them.
    ("clients delete", Side::Own, [
        YES,
        no("only management can delete clients"),
        no("only management can delete clients"),
    ]),
    ("clients delete", Side::Other, [
        YES,
        no("only management can delete clients"),
        no("only management can delete clients"),
    ]),
    ("contracts delete", Side::Own, [
        YES,
        no("only management can delete contracts"),
        no("only management can delete contracts"),
    ]),
    ("contracts delete", Side::Other, [
        YES,
        no("only management can delete contracts"),
        no("only management can delete contracts"),
    ]),
    ("events delete", Side::Own, [
        YES,
        no("only management can delete events"),
        no("only management can delete events"),
    ]),
    ("events delete", Side::Other, [
        YES,
        no("only management can delete events"),
        no("only management can delete events"),
    ]),

    // §4 "create, update, delete collaborators: yes | – | –".
    ("users create", Side::NoRecord, [
        YES,
        no("only management can create collaborators"),
        no("only management can create collaborators"),
    ]),
    ("users update", Side::Own, [
        YES,
        no("only management can update collaborators"),
        no("only management can update collaborators"),
    ]),
    ("users update", Side::Other, [
        YES,
        no("only management can update collaborators"),
        no("only management can update collaborators"),
    ]),
    ("users delete", Side::Own, [
        YES,
        no("only management can delete collaborators"),
        no("only management can delete collaborators"),
    ]),
    ("users delete", Side::Other, [
        YES,
        no("only management can delete collaborators"),
        no("only management can delete collaborators"),
    ]),

    // §4 "create, update, delete collaborators: yes | – | –": administering another
    // collaborator's account (the trust issue's unlock and reset) is the same row.
    ("users unlock", Side::Other, [
        YES,
        no("only management can unlock collaborators"),
        no("only management can unlock collaborators"),
    ]),
    ("users reset-password", Side::Other, [
        YES,
        no("only management can reset collaborators' passwords"),
        no("only management can reset collaborators' passwords"),
    ]),

    // §4 "change own password: yes | yes | yes".
    ("password", Side::NoRecord, [YES, YES, YES]),
];

/// A case where the product answers otherwise than §4: (department, what is done, side, the
/// product's answer, why). Each must contradict its cell of [`EXPECTED`]; a test checks it,
/// so an entry goes away when the product or §4 comes into line.
pub type Departure = (Department, &'static str, Side, Outcome, &'static str);

pub const DEPARTURES: &[Departure] = &[(
    Department::Sales,
    "contracts update (signed, new total)",
    Side::Own,
    no("only management can change the total of a signed contract"),
    "§4 lets sales update their own clients' contracts with no exception, but the product \
     keeps the total of a signed contract for management (Action::ChangeSignedTotal); no row \
     of §4 states that rule",
)];

/// What `department` must get for `what` on `side`, and why it is not what §4 says when the
/// case is a departure.
pub fn expected(department: Department, what: &str, side: Side) -> (Outcome, Option<&'static str>) {
    let cells = EXPECTED
        .iter()
        .find(|(w, s, _)| *w == what && *s == side)
        .map(|(_, _, cells)| cells)
        .unwrap_or_else(|| panic!("no row of EXPECTED for {what} {side:?}"));
    let departure = DEPARTURES
        .iter()
        .find(|(d, w, s, _, _)| *d == department && *w == what && *s == side);
    match departure {
        Some((_, _, _, outcome, why)) => (*outcome, Some(*why)),
        None => (cells[department.column()], None),
    }
}

/// The outcome §4 gives, ignoring [`DEPARTURES`].
pub fn by_the_table(department: Department, what: &str, side: Side) -> Option<Outcome> {
    EXPECTED
        .iter()
        .find(|(w, s, _)| *w == what && *s == side)
        .map(|(_, _, cells)| cells[department.column()])
}
