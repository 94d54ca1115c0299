//! Contracts and their payments.

use crate::db::Db;
use rusqlite::{OptionalExtension, Row, named_params};

use super::{Conditions, Doing as _, Total, Window};
use crate::domain::{Contract, ContractSort, Money, NewContract, Payment, Sort};
use crate::error::{Error, Result};

const SELECT: &str = r"
    SELECT ct.id, ct.client_id, c.full_name AS client_name, c.sales_contact_id, ct.total_cents,
           ct.remaining_cents, ct.signed_at, ct.created_at
    FROM contracts ct JOIN clients c ON c.id = ct.client_id";

/// A contract from a row of `SELECT`, read by column name.
fn from_row(row: &Row<'_>) -> rusqlite::Result<Contract> {
    let signed_at: Option<String> = row.get("signed_at")?;
    Ok(Contract {
        id: row.get("id")?,
        client_id: row.get("client_id")?,
        client_name: row.get("client_name")?,
        sales_contact_id: row.get("sales_contact_id")?,
        total_amount: Money::from_cents(row.get("total_cents")?),
        remaining_amount: Money::from_cents(row.get("remaining_cents")?),
        signed: signed_at.is_some(),
        signed_at,
        created_at: row.get("created_at")?,
    })
}

/// Filters of the contract lists; all given ones apply.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(default)]
pub struct Filter {
    pub client_id: Option<i64>,
    /// Only the contracts of this sales collaborator's clients.
    pub sales_contact_id: Option<i64>,
    pub unsigned: bool,
    pub signed: bool,
    /// Only the contracts with something left to pay.
    pub unpaid: bool,
    /// Only the ids in this range (completion, never on the wire).
    #[serde(skip)]
    pub id_range: Option<(i64, i64)>,
    /// The order of the rows.
    #[schema(schema_with = crate::domain::sort_schema::<ContractSort>)]
    pub sort: Sort<ContractSort>,
}

/// The ORDER BY of each sort: fixed SQL chosen by key, never built from input. Each reads an
/// index in its order (V5), forwards or backwards; the id breaks ties.
fn order(sort: Sort<ContractSort>) -> &'static str {
    match (sort.key, sort.descending) {
        // Ids are given in the order contracts are created and never reused (V3).
        (ContractSort::Created, false) => "ct.id",
        (ContractSort::Created, true) => "ct.id DESC",
        (ContractSort::Signed, false) => "ct.signed_at, ct.id",
        (ContractSort::Signed, true) => "ct.signed_at DESC, ct.id DESC",
        (ContractSort::Total, false) => "ct.total_cents, ct.id",
        (ContractSort::Total, true) => "ct.total_cents DESC, ct.id DESC",
        (ContractSort::Remaining, false) => "ct.remaining_cents, ct.id",
        (ContractSort::Remaining, true) => "ct.remaining_cents DESC, ct.id DESC",
        // Clients in name order (clients_name), each client's contracts in id order
        // (contracts_client): the client's id keeps two clients of one name apart.
        (ContractSort::Client, false) => "c.full_name COLLATE NOCASE, c.id, ct.id",
        (ContractSort::Client, true) => "c.full_name COLLATE NOCASE DESC, c.id DESC, ct.id DESC",
    }
}

impl Filter {
    /// The WHERE clause; `page` for a page's read, which walks its order and must not be
    /// drawn to another index by a condition that most contracts meet.
    fn conditions(&self, walk_in_order: bool, page: bool) -> Conditions {
        let mut conditions = Conditions::default();
        if let Some(id) = self.client_id {
            conditions.bind("ct.client_id = :client", ":client", id);
        }
        if let Some(id) = self.sales_contact_id {
            // The unary + keeps the planner off the sales-contact index (see
            // `walk_in_order_for`).
            let fragment = if walk_in_order {
                "+c.sales_contact_id = :sales"
            } else {
                "c.sales_contact_id = :sales"
            };
            conditions.bind(fragment, ":sales", id);
        }
        if self.unsigned {
            conditions.add("ct.signed_at IS NULL");
        }
        if self.signed {
            // Most contracts are signed: a page walks its own order and skips the others,
            // where the planner could gather every signed contract through contracts_signed
            // and sort them. The unary + keeps it off that index, except when the list is in
            // signing order, which is that index's own; counts read it.
            if page && self.sort.key != ContractSort::Signed {
                conditions.add("+ct.signed_at IS NOT NULL");
            } else {
                conditions.add("ct.signed_at IS NOT NULL");
            }
        }
        if self.unpaid {
            conditions.add("ct.remaining_cents > 0");
        }
        if let Some(range) = self.id_range {
            conditions.id_range("ct.id BETWEEN :id_lo AND :id_hi", range);
        }
        conditions
    }
}

impl super::List for Filter {
    type Row = Contract;

    fn count(&self, db: &Db) -> Result<Total> {
        let conn = sqlite_or!(db, pg => super::postgres::contracts::count(self, pg));
        let filter = self;
        let from = if filter.sales_contact_id.is_some() {
            "FROM contracts ct JOIN clients c ON c.id = ct.client_id"
        } else {
            "FROM contracts ct"
        };
        filter.conditions(false, false).count_at_most(
            conn,
            from,
            super::COUNT_CAP,
            "counting contracts",
        )
    }

    fn for_each(
        &self,
        db: &Db,
        window: Option<Window>,
        f: &mut dyn FnMut(Contract) -> Result<()>,
    ) -> Result<()> {
        let conn = sqlite_or!(db, pg => super::postgres::contracts::for_each(self, pg, window, f));
        let filter = self;
        const LISTING: &str = "listing contracts";
        // Only a page walks: an export reads every row of theirs anyway.
        let walk = match filter.sales_contact_id {
            Some(id) if window.is_some() && filter.client_id.is_none() => {
                super::walk_in_order_for(conn, id).doing(LISTING)?
            }
            _ => false,
        };
        filter.conditions(walk, window.is_some()).visit(
            conn,
            LISTING,
            SELECT,
            order(filter.sort),
            window,
            from_row,
            f,
        )
    }
}

pub fn find(db: &Db, id: i64) -> Result<Option<Contract>> {
    let conn = sqlite_or!(db, pg => super::postgres::contracts::find(pg, id));
    let sql = format!("{SELECT} WHERE ct.id = ?1");
    conn.prepare_cached(&sql)
        .and_then(|mut stmt| stmt.query_row([id], from_row).optional())
        .doing("reading a contract")
}

pub fn get(db: &Db, id: i64) -> Result<Contract> {
    find(db, id)?.ok_or(Error::not_found("contract", id))
}

pub fn insert(db: &Db, new: &NewContract, now: &str) -> Result<i64> {
    let conn = sqlite_or!(db, pg => super::postgres::contracts::insert(pg, new, now));
    conn.prepare_cached(
        r"INSERT INTO contracts (client_id, total_cents, remaining_cents, created_at, signed_at)
          VALUES (:client, :total, :total, :now, CASE WHEN :signed THEN :now END)",
    )
    .and_then(|mut stmt| stmt.execute(named_params! { ":client": new.client_id, ":total": new.total.cents(), ":now": now, ":signed": new.signed }))
    .doing("inserting a contract")?;
    Ok(conn.last_insert_rowid())
}

/// Sets the client and total of contract `id`; what remains follows the total.
pub fn update(db: &Db, id: i64, client_id: i64, total: Money) -> Result<()> {
    let conn = sqlite_or!(db, pg => super::postgres::contracts::update(pg, id, client_id, total));
    conn.prepare_cached(
        r"UPDATE contracts SET client_id = :client,
              remaining_cents = :total - (total_cents - remaining_cents), total_cents = :total
          WHERE id = :id",
    )
    .and_then(|mut stmt| {
        stmt.execute(named_params! { ":id": id, ":client": client_id, ":total": total.cents() })
    })
    .doing("updating a contract")?;
    Ok(())
}

pub fn sign(db: &Db, id: i64, now: &str) -> Result<()> {
    let conn = sqlite_or!(db, pg => super::postgres::contracts::sign(pg, id, now));
    conn.prepare_cached("UPDATE contracts SET signed_at = ?2 WHERE id = ?1 AND signed_at IS NULL")
        .and_then(|mut stmt| stmt.execute(rusqlite::params![id, now]))
        .doing("signing a contract")?;
    Ok(())
}

pub fn delete(db: &Db, id: i64) -> Result<()> {
    let conn = sqlite_or!(db, pg => super::postgres::contracts::delete(pg, id));
    conn.prepare_cached("DELETE FROM contracts WHERE id = ?1")
        .and_then(|mut stmt| stmt.execute([id]))
        .doing("deleting a contract")?;
    Ok(())
}

/// How many events and payments depend on contract `id`.
pub fn dependents(db: &Db, id: i64) -> Result<(u64, u64)> {
    let conn = sqlite_or!(db, pg => super::postgres::contracts::dependents(pg, id));
    let (events, payments): (i64, i64) = conn
        .prepare_cached(
            r"SELECT (SELECT COUNT(*) FROM events WHERE contract_id = ?1),
                     (SELECT COUNT(*) FROM payments WHERE contract_id = ?1)",
        )
        .and_then(|mut stmt| stmt.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))))
        .doing("counting a contract's events and payments")?;
    Ok((
        u64::try_from(events).unwrap_or(0),
        u64::try_from(payments).unwrap_or(0),
    ))
}

/// Records a payment; the schema lowers what remains and refuses more than that.
pub fn insert_payment(
    db: &Db,
    contract_id: i64,
    amount: Money,
    recorded_by: i64,
    now: &str,
) -> Result<i64> {
    let conn = sqlite_or!(db, pg => super::postgres::contracts::insert_payment(pg, contract_id, amount, recorded_by, now));
    conn.prepare_cached("INSERT INTO payments (contract_id, amount_cents, paid_at, recorded_by) VALUES (?1, ?2, ?3, ?4)")
        .and_then(|mut stmt| stmt.execute(rusqlite::params![contract_id, amount.cents(), now, recorded_by]))
        .doing("inserting a payment")?;
    Ok(conn.last_insert_rowid())
}

pub fn payments(db: &Db, contract_id: i64) -> Result<Vec<Payment>> {
    let conn = sqlite_or!(db, pg => super::postgres::contracts::payments(pg, contract_id));
    let read = || {
        let mut stmt = conn.prepare_cached(
            "SELECT id, contract_id, amount_cents, paid_at, recorded_by FROM payments WHERE contract_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([contract_id], |row| {
            Ok(Payment {
                id: row.get("id")?,
                contract_id: row.get("contract_id")?,
                amount: Money::from_cents(row.get("amount_cents")?),
                paid_at: row.get("paid_at")?,
                recorded_by: row.get("recorded_by")?,
            })
        })?;
        rows.collect::<rusqlite::Result<_>>()
    };
    read().doing("listing a contract's payments")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_insert_names_its_operation_and_keeps_the_sqlite_message() {
        let (_dir, db) = crate::repo::testing::scratch();
        let conn = db.sqlite().unwrap();
        conn.execute_batch(
            "CREATE TRIGGER refuse_payments BEFORE INSERT ON payments
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
        )
        .unwrap();
        let amount = Money::parse("amount", "10").unwrap();
        let err = insert_payment(&db, 1, amount, 1, "now").unwrap_err();
        let diagnostic = err.diagnostic().expect("an internal error").to_string();
        assert!(
            diagnostic.starts_with("inserting a payment: ")
                && diagnostic.contains("injected failure"),
            "{diagnostic}"
        );
        let shown = err.to_string();
        assert!(
            !shown.contains("inserting") && !shown.contains("injected"),
            "{shown}"
        );
    }

    #[test]
    fn a_failed_list_names_its_operation() {
        let (_dir, db) = crate::repo::testing::scratch();
        let conn = db.sqlite().unwrap();
        conn.execute_batch("DROP TABLE payments").unwrap();
        let err = payments(&db, 1).unwrap_err();
        let diagnostic = err.diagnostic().expect("an internal error").to_string();
        assert!(
            diagnostic.starts_with("listing a contract's payments: ")
                && diagnostic.contains("no such table: payments"),
            "{diagnostic}"
        );
    }
}
