//! Demo data on a database in use (PRODUCT.md §5): demo logins have a published password, so
//! `demo --scale` on a database that has collaborators needs its manager, and the logins it
//! adds get a password of their own, shown once.

use super::{BAD_CREDENTIALS, NOT_LOGGED_IN, fails_with, hire};
use crate::helpers::{DEMO_PASSWORD, TestEnv};
use crate::shell::MIA_PASSWORD;

#[test]
fn scale_data_on_a_database_in_use_needs_its_manager_and_gets_its_own_password() {
    // Mia set up the database and is logged in as `default`.
    let env = crate::shell::mia("default");
    let before = env.digest();
    fails_with(
        &env.run_as("nobody", &["demo", "--scale", "20"], ""),
        NOT_LOGGED_IN,
    );
    env.run_as(
        "mia",
        &["login", "mia@epic.com"],
        &format!("{MIA_PASSWORD}\n"),
    )
    .ok();
    hire(&env, "mia", "Sol Sales", "sol@epic.com", "sales");
    env.login_as("sol", "sol@epic.com");
    let with_sol = env.digest();
    let denied = env.run_as("sol", &["demo", "--scale", "20"], "");
    assert!(
        denied.fails(1).starts_with("error: permission denied"),
        "{}",
        denied.stderr
    );
    assert_eq!(env.digest(), with_sol);
    assert_ne!(before, with_sol);

    let out = env
        .run_as("mia", &["demo", "--scale", "20"], "")
        .ok()
        .to_owned();
    let password = out
        .split('"')
        .nth(1)
        .unwrap_or_else(|| panic!("no quoted password in {out:?}"));
    assert_ne!(password, DEMO_PASSWORD, "{out}");
    assert!(password.len() >= 12, "{out}");
    assert_eq!(env.count("SELECT COUNT(*) FROM clients"), 20);

    let scale = "sales1@scale.epic.com";
    fails_with(
        &env.run_as("scale", &["login", scale], &format!("{DEMO_PASSWORD}\n")),
        BAD_CREDENTIALS,
    );
    env.run_as("scale", &["login", scale], &format!("{password}\n"))
        .ok();
}

#[test]
fn scale_data_on_a_new_database_needs_no_login_and_uses_the_demo_password() {
    let env = TestEnv::new();
    let out = env.run(&["demo", "--scale", "5"], "").ok().to_owned();
    assert!(
        out.contains(&format!("password \"{DEMO_PASSWORD}\"")),
        "{out}"
    );
    env.login("sales1@scale.epic.com");
}
