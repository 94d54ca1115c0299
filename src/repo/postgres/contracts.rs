//! Contracts and their payments, on PostgreSQL: the statements of `repo::contracts`.

use postgres::Row;

use super::{Conditions, Conn};
use crate::domain::{Contract, ContractSort, Money, NewContract, Payment, Sort};
use crate::error::Result;
use crate::repo::contracts::Filter;
use crate::repo::{COUNT_CAP, Total, Window};

const SELECT: &str = r"
    SELECT ct.id, ct.client_id, c.full_name AS client_name, c.sales_contact_id, ct.total_cents,
           ct.remaining_cents, ct.signed_at, ct.created_at
    FROM contracts ct JOIN clients c ON c.id = ct.client_id";

/// A contract from a row of `SELECT`, read by column name.
fn from_row(row: &Row) -> std::result::Result<Contract, postgres::Error> {
    let signed_at: Option<String> = row.try_get("signed_at")?;
    Ok(Contract {
        id: row.try_get("id")?,
        client_id: row.try_get("client_id")?,
        client_name: row.try_get("client_name")?,
        sales_contact_id: row.try_get("sales_contact_id")?,
        total_amount: Money::from_cents(row.try_get("total_cents")?),
        remaining_amount: Money::from_cents(row.try_get("remaining_cents")?),
        signed: signed_at.is_some(),
        signed_at,
        created_at: row.try_get("created_at")?,
    })
}

/// The ORDER BY of each sort, as SQLite's: fixed SQL chosen by key, the id breaking ties.
/// SQLite puts NULLs first in an ascending order and PostgreSQL last, so the signing order
/// says where the unsigned contracts go: first, and last when descending.
fn order(sort: Sort<ContractSort>) -> &'static str {
    match (sort.key, sort.descending) {
        (ContractSort::Created, false) => "ct.id",
        (ContractSort::Created, true) => "ct.id DESC",
        (ContractSort::Signed, false) => "ct.signed_at NULLS FIRST, ct.id",
        (ContractSort::Signed, true) => "ct.signed_at DESC NULLS LAST, ct.id DESC",
        (ContractSort::Total, false) => "ct.total_cents, ct.id",
        (ContractSort::Total, true) => "ct.total_cents DESC, ct.id DESC",
        (ContractSort::Remaining, false) => "ct.remaining_cents, ct.id",
        (ContractSort::Remaining, true) => "ct.remaining_cents DESC, ct.id DESC",
        // Clients in name order whatever the case (clients_name), each client's contracts
        // in id order: the client's id keeps two clients of one name apart.
        (ContractSort::Client, false) => "lower(c.full_name), c.id, ct.id",
        (ContractSort::Client, true) => "lower(c.full_name) DESC, c.id DESC, ct.id DESC",
    }
}

/// The WHERE clause of `filter`: the same conditions as SQLite's, without its planner hints.
fn conditions(filter: &Filter) -> Conditions {
    let mut conditions = Conditions::default();
    if let Some(id) = filter.client_id {
        conditions.bind("ct.client_id = ?", id);
    }
    if let Some(id) = filter.sales_contact_id {
        conditions.bind("c.sales_contact_id = ?", id);
    }
    if filter.unsigned {
        conditions.add("ct.signed_at IS NULL");
    }
    if filter.signed {
        conditions.add("ct.signed_at IS NOT NULL");
    }
    if filter.unpaid {
        conditions.add("ct.remaining_cents > 0");
    }
    if let Some(range) = filter.id_range {
        conditions.id_range("ct.id", range);
    }
    conditions
}

/// How many contracts `filter` keeps (at most [`COUNT_CAP`]).
pub fn count(filter: &Filter, pg: &Conn) -> Result<Total> {
    let from = if filter.sales_contact_id.is_some() {
        "FROM contracts ct JOIN clients c ON c.id = ct.client_id"
    } else {
        "FROM contracts ct"
    };
    conditions(filter).count_at_most(pg, from, COUNT_CAP, "counting contracts")
}

/// Calls `f` with each contract `filter` keeps within `window`, in the filter's sort.
pub fn for_each(
    filter: &Filter,
    pg: &Conn,
    window: Option<Window>,
    f: &mut dyn FnMut(Contract) -> Result<()>,
) -> Result<()> {
    conditions(filter).visit(
        pg,
        "listing contracts",
        |clause| format!("{SELECT} {clause} ORDER BY {}", order(filter.sort)),
        window,
        from_row,
        f,
    )
}

/// Contract `id`, if there is one.
pub fn find(pg: &Conn, id: i64) -> Result<Option<Contract>> {
    let sql = format!("{SELECT} WHERE ct.id = $1");
    pg.run("reading a contract", |client| {
        client
            .query_opt(&sql, &[&id])?
            .map(|row| from_row(&row))
            .transpose()
    })
}

/// Inserts `new`, signed now if it says so, nothing paid yet; its id.
pub fn insert(pg: &Conn, new: &NewContract, now: &str) -> Result<i64> {
    pg.run("inserting a contract", |client| {
        client
            .query_one(
                r"INSERT INTO contracts (client_id, total_cents, remaining_cents, created_at, signed_at)
                  VALUES ($1, $2, $2, $3, CASE WHEN $4 THEN $3 END)
                  RETURNING id",
                &[&new.client_id, &new.total.cents(), &now, &new.signed],
            )?
            .try_get("id")
    })
}

/// Sets the client and total of contract `id`; what remains follows the total.
pub fn update(pg: &Conn, id: i64, client_id: i64, total: Money) -> Result<()> {
    pg.run("updating a contract", |client| {
        client.execute(
            r"UPDATE contracts SET client_id = $2,
                  remaining_cents = $3 - (total_cents - remaining_cents), total_cents = $3
              WHERE id = $1",
            &[&id, &client_id, &total.cents()],
        )
    })?;
    Ok(())
}

/// Signs contract `id` now, unless it already is.
pub fn sign(pg: &Conn, id: i64, now: &str) -> Result<()> {
    pg.run("signing a contract", |client| {
        client.execute(
            "UPDATE contracts SET signed_at = $2 WHERE id = $1 AND signed_at IS NULL",
            &[&id, &now],
        )
    })?;
    Ok(())
}

/// Deletes contract `id` (the schema refuses while events or payments name it).
pub fn delete(pg: &Conn, id: i64) -> Result<()> {
    pg.run("deleting a contract", |client| {
        client.execute("DELETE FROM contracts WHERE id = $1", &[&id])
    })?;
    Ok(())
}

/// How many events and payments depend on contract `id`.
pub fn dependents(pg: &Conn, id: i64) -> Result<(u64, u64)> {
    let (events, payments): (i64, i64) =
        pg.run("counting a contract's events and payments", |client| {
            let row = client.query_one(
                r"SELECT (SELECT COUNT(*) FROM events WHERE contract_id = $1) AS events,
                         (SELECT COUNT(*) FROM payments WHERE contract_id = $1) AS payments",
                &[&id],
            )?;
            Ok((row.try_get("events")?, row.try_get("payments")?))
        })?;
    Ok((
        u64::try_from(events).unwrap_or(0),
        u64::try_from(payments).unwrap_or(0),
    ))
}

/// Records a payment; the schema lowers what remains and refuses more than that.
pub fn insert_payment(
    pg: &Conn,
    contract_id: i64,
    amount: Money,
    recorded_by: i64,
    now: &str,
) -> Result<i64> {
    pg.run("inserting a payment", |client| {
        client
            .query_one(
                r"INSERT INTO payments (contract_id, amount_cents, paid_at, recorded_by)
                  VALUES ($1, $2, $3, $4)
                  RETURNING id",
                &[&contract_id, &amount.cents(), &now, &recorded_by],
            )?
            .try_get("id")
    })
}

/// The payments of contract `contract_id`, in the order they were recorded.
pub fn payments(pg: &Conn, contract_id: i64) -> Result<Vec<Payment>> {
    pg.run("listing a contract's payments", |client| {
        client
            .query(
                r"SELECT id, contract_id, amount_cents, paid_at, recorded_by FROM payments
                  WHERE contract_id = $1 ORDER BY id",
                &[&contract_id],
            )?
            .iter()
            .map(|row| {
                Ok(Payment {
                    id: row.try_get("id")?,
                    contract_id: row.try_get("contract_id")?,
                    amount: Money::from_cents(row.try_get("amount_cents")?),
                    paid_at: row.try_get("paid_at")?,
                    recorded_by: row.try_get("recorded_by")?,
                })
            })
            .collect()
    })
}
