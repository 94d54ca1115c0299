//! Top-level commands about the session and the database: login, logout, whoami, password,
//! setup, demo.

use std::io::Write;

use super::Shell;
use super::fields::Field;
use super::grammar::SetupArgs;
use crate::backend::ops::account::{ChangePassword, Login, Logout};
use crate::backend::{Backend, Remote};
use crate::domain::{Collaborator, CollaboratorPatch, Department, Email};
use crate::error::{Error, Result};
use crate::service::Context;
use crate::service::{auth, demo as demo_data};
use crate::ui::output::{self, Format};
use crate::ui::prompter::any_answer;

pub(super) fn login(
    shell: &mut Shell,
    email: Option<String>,
    server: Option<String>,
    local: bool,
) -> Result<()> {
    // Where to log in is settled first: a server refused (plain http to another machine, an
    // unreadable EPICEVENTS_CA) is said before any password is asked.
    let switch = match (&server, local) {
        (Some(url), _) => Some(Backend::Remote(Remote::connect(url, &shell.config)?)),
        (None, true) => Some(Backend::Local(Box::new(Context::open(
            shell.config.clone(),
        )?))),
        (None, false) => None,
    };
    if let Some(backend) = switch {
        if let Backend::Local(ctx) = &backend {
            crate::interrupt::install(Some(ctx.interrupter()));
        }
        shell.backend = backend;
    }
    let field = Field {
        flag: "EMAIL (login EMAIL)",
        label: "Email:",
        help: None,
    };
    let email = shell.required(email, &field, Email::parse)?;
    shell.out.flush()?;
    let password = shell.prompter.password("Password:", false, &any_answer)?;
    let login = |new_password: Option<String>| Login {
        email: email.as_ref().to_owned(),
        password: password.clone(),
        new_password,
    };
    let me = match shell.backend.run(login(None)) {
        Err(Error::PasswordChangeRequired) => {
            shell.say("Your password was reset by management: choose a new one.")?;
            let new = shell.new_password("New password:")?;
            shell.backend.run(login(Some(new.expose().to_owned())))?
        }
        other => other?,
    };
    // Remembered once the server proved itself by logging the user in.
    match (&shell.backend, server.is_some(), local) {
        (Backend::Remote(remote), true, _) => {
            Remote::remember(&shell.config.home, Some(remote.url()))?
        }
        (Backend::Local(_), _, true) => Remote::remember(&shell.config.home, None)?,
        _ => {}
    }
    // Output is the same in both modes; only a server just chosen is named.
    let place = match (&shell.backend, &server) {
        (Backend::Remote(remote), Some(_)) => format!(" on {}", remote.url()),
        _ => String::new(),
    };
    shell.say(format!(
        "Logged in as {} ({}){place}.",
        me.full_name, me.department
    ))
}

pub(super) fn logout(shell: &mut Shell) -> Result<()> {
    match shell.backend.run(Logout {})?.who {
        Some(me) => shell.say(format!(
            "Logged out {}. Your sessions everywhere have ended.",
            me.full_name
        )),
        None => shell.say("You were not logged in."),
    }
}

pub(super) fn whoami(shell: &mut Shell, format: Format) -> Result<()> {
    let me = shell.actor()?;
    match format {
        Format::Json => Ok(output::json_object(&mut shell.out, &me)?),
        _ => shell.say(describe(&me)),
    }
}

/// "Alice Manager <alice.manager@epic.com>, management (collaborator 1)".
pub(super) fn describe(c: &Collaborator) -> String {
    format!(
        "{} <{}>, {} (collaborator {})",
        c.full_name, c.email, c.department, c.id
    )
}

pub(super) fn password(shell: &mut Shell) -> Result<()> {
    // Refused (not logged in) before asking anything.
    shell.actor()?;
    let current = shell
        .prompter
        .password("Current password:", false, &any_answer)?;
    let new = shell.new_password("New password:")?;
    shell.backend.run(ChangePassword {
        current,
        new: new.expose().to_owned(),
    })?;
    shell.say("Password changed. Your other sessions have ended.")
}

pub(super) fn setup(shell: &mut Shell, args: SetupArgs) -> Result<()> {
    if !auth::needs_setup(shell.backend.local("setup")?)? {
        return Err(Error::refused(
            "set-up is only for an empty database: log in and use `users create` instead",
        ));
    }
    let mut values = CollaboratorPatch {
        department: Some(Department::Management),
        ..Default::default()
    };
    shell.fill(&args, &mut values, |shell, values, field, _| {
        super::users::ask(shell, values, field, None, super::users::Taken::NoneYet)
    })?;
    let new = values.into_new()?;
    let password = shell.new_password("Password:")?;
    let created = auth::setup(shell.backend.local("setup")?, new, &password)?;
    shell.say(format!(
        "Created {}. You are logged in: `users create` adds your colleagues.",
        describe(&created)
    ))
}

pub(super) fn demo(shell: &mut Shell, scale: Option<String>) -> Result<()> {
    if let Some(n) = scale {
        let n = n
            .trim()
            .parse::<u64>()
            .map_err(|_| Error::invalid("scale", "expected a whole number of clients"))?;
        let ctx = shell.backend.local("demo")?;
        let session = auth::current_if_any(ctx)?;
        // Drawn on standard error when it is a terminal; dropped (and cleared) before any
        // message, `cancelled` included.
        let mut bar = crate::ui::progress::LoadBar::new();
        let added = crate::service::scale::load_as(ctx, n, session.as_ref(), &mut |p| bar.show(p));
        drop(bar);
        let added = added?;
        shell.say(format!(
            "Added {} collaborators, {} clients, {} contracts with {} payments, and {} events.",
            added.collaborators, added.clients, added.contracts, added.payments, added.events
        ))?;
        return if added.password == demo_data::DEMO_PASSWORD {
            shell.say(format!(
                "Logins: management1@scale.epic.com, sales1@scale.epic.com, support1@scale.epic.com, password {:?}.",
                demo_data::DEMO_PASSWORD
            ))
        } else {
            shell.say(format!(
                "Logins: sales1@scale.epic.com, support1@scale.epic.com and the others added, password {:?} (shown only now).",
                added.password
            ))
        };
    }
    let ctx = shell.backend.local("demo")?;
    let session = auth::current_if_any(ctx)?;
    let summary = demo_data::load_as(ctx, session.as_ref())?;
    shell.say(format!(
        "Loaded the demo data: {} collaborators, {} clients, {} contracts, {} events.",
        summary.collaborators, summary.clients, summary.contracts, summary.events
    ))?;
    shell.say(format!(
        "Every demo account has the password {:?}:",
        demo_data::DEMO_PASSWORD
    ))?;
    for (_, name, email, _, department) in demo_data::DEMO_COLLABORATORS {
        shell.say(format!("  {email:<28} {name} ({department})"))?;
    }
    Ok(())
}

pub(super) fn backup(shell: &mut Shell, file: &str) -> Result<()> {
    let ctx = shell.backend.local("backup")?;
    let me = auth::actor(ctx)?;
    let path = std::path::Path::new(file);
    let report = crate::service::backup::backup(ctx, &me, path)?;
    shell.say(format!(
        "Backed up the database to {} ({} KiB: {} collaborators, {} clients, {} contracts, {} events). It passed its integrity check.",
        path.display(),
        report.bytes.div_ceil(1024),
        report.collaborators,
        report.clients,
        report.contracts,
        report.events
    ))
}

pub(super) fn copy(shell: &mut Shell, to: &str) -> Result<()> {
    let ctx = shell.backend.local("copy")?;
    let me = auth::actor(ctx)?;
    let report = crate::service::copy::to_postgres(ctx, &me, to)?;
    shell.say(format!(
        "Copied the database to {}: {} collaborators, {} clients, {} contracts with {} payments, {} events and {} audit entries, each table's count and checksum verified.",
        crate::pg::redact(to),
        report.rows("collaborators"),
        report.rows("clients"),
        report.rows("contracts"),
        report.rows("payments"),
        report.rows("events"),
        report.rows("audit_log"),
    ))
}
