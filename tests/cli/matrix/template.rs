//! The demo, logged in once per department, with the matrix's fixtures, kept in memory.
//!
//! Loading the demo and logging in cost bcrypt hashes, so this is built once per run and each
//! case writes a copy of it into a fresh directory (sessions stay valid: they are bound to the
//! database's instance id and key file, both copied). The demo lacks records the matrix needs,
//! so they are added through the binary: clients 6 (Bill's) and 7 (Sophie's) without
//! contracts, and event 4 on Bill's contract 1 without support.

use std::path::Path;
use std::sync::OnceLock;

use super::{Department, run};
use crate::helpers::{Snapshot, TestEnv};

pub struct Template {
    files: Snapshot,
    /// Every collaborator's first name, by id.
    names: Vec<(i64, String)>,
}

impl Template {
    pub fn name(&self, id: i64) -> &str {
        self.names
            .iter()
            .find(|(i, _)| *i == id)
            .map_or("?", |(_, name)| name.as_str())
    }

    /// A fresh copy of the template in its own directory.
    pub fn copy(&self) -> TestEnv {
        self.files.copy()
    }
}

pub fn template() -> &'static Template {
    static TEMPLATE: OnceLock<Template> = OnceLock::new();
    TEMPLATE.get_or_init(build)
}

fn build() -> Template {
    let env = TestEnv::demo();
    for department in Department::ALL {
        env.login_as(department.home(), department.login());
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

    // Sophie (3) and Aliénor (5), the "other" collaborators of sales and support, are locked
    // out after failed logins, so that unlocking them changes something.
    let until = crate::helpers::utc_in(10);
    env.execute(&format!(
        "UPDATE collaborators SET failed_logins = 5, locked_until = '{until}' WHERE id IN (3, 5)"
    ));

    assert_facts(&env);
    let names: Vec<(i64, String)> = env
        .rows("SELECT id, full_name FROM collaborators ORDER BY id")
        .into_iter()
        .map(|row| {
            let id = row[0].as_deref().unwrap().parse().unwrap();
            let full = row[1].clone().unwrap_or_default();
            (id, full.split(' ').next().unwrap_or("").to_owned())
        })
        .collect();
    // Every connection closed: SQLite folded the WAL into the database file.

    let files = Snapshot::of(&env);
    if !crate::POSTGRES {
        for needed in ["crm.db", "crm.db.key"] {
            assert!(files.holds(Path::new(needed)), "{needed} in the template");
        }
    }
    for department in Department::ALL {
        let session = Path::new("home").join(department.home()).join("session");
        assert!(files.holds(&session), "{session:?} in the template");
    }
    Template { files, names }
}

/// The facts the case list relies on: if the demo changes, the records must be picked again.
/// They also pin the actors' ids ([`Department::actor_id`]).
fn assert_facts(env: &TestEnv) {
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
            "SELECT id, client_id, CASE WHEN signed_at IS NULL THEN 0 ELSE 1 END, total_cents, remaining_cents, \
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
        assert_eq!(rows(env, sql), expected, "{sql}");
    }
    for department in Department::ALL {
        let sql = format!(
            "SELECT c.id FROM collaborators c JOIN departments d ON d.id = c.department_id \
             WHERE c.email = '{}' AND d.name = '{}'",
            department.login(),
            department.as_str()
        );
        assert_eq!(rows(env, &sql), department.actor_id().to_string(), "{sql}");
    }
}

/// The rows of a query, cells joined by `:`, rows by spaces, NULL as `-`.
pub fn rows(env: &TestEnv, sql: &str) -> String {
    env.rows(sql)
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|cell| cell.unwrap_or_else(|| "-".to_owned()))
                .collect::<Vec<_>>()
                .join(":")
        })
        .collect::<Vec<_>>()
        .join(" ")
}
