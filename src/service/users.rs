//! Collaborators: listing for everyone; creation, update and deletion for management.

use serde_json::Value;

use super::Context;
use super::auth::hash_password;
use super::permissions::{self, Action, Target};
use super::session::Session;
use crate::domain::field::{self, Values};
use crate::domain::{
    Collaborator, CollaboratorPatch, Department, Email, EmployeeNumber, NewCollaborator, Password,
};
use crate::error::{Error, Result};
use crate::repo::audit::{self, Changes, Entry};
use crate::repo::collaborators::{self, Unique};
use crate::telemetry::{self, Sensitive};

pub use crate::repo::collaborators::Filter;

pub fn get(ctx: &Context, id: i64) -> Result<Collaborator> {
    collaborators::get(ctx.db(), id)
}

/// Refuses an email another collaborator than `except` already logs in with: a form checks it
/// at the field, before the rest is asked (the database's UNIQUE constraint has the last word).
pub fn email_free(ctx: &Context, email: &Email, except: Option<i64>) -> Result<()> {
    if collaborators::taken(ctx.db(), Unique::Email, email.as_ref(), except)? {
        return Err(Error::invalid(
            "email",
            "another collaborator already uses this address",
        ));
    }
    Ok(())
}

/// Refuses an employee number another collaborator than `except` already has.
pub fn employee_number_free(
    ctx: &Context,
    number: &EmployeeNumber,
    except: Option<i64>,
) -> Result<()> {
    if collaborators::taken(ctx.db(), Unique::EmployeeNumber, number.as_ref(), except)? {
        return Err(Error::invalid(
            "employee number",
            "another collaborator already has this number",
        ));
    }
    Ok(())
}

pub fn create(
    ctx: &mut Context,
    session: &Session,
    new: &NewCollaborator,
    password: &Password,
) -> Result<Collaborator> {
    // Refused before the (slow) hash when the session already says no; checked again below.
    permissions::check(&session.who, Action::CreateCollaborator, Target::none())?;
    let hash = hash_password(password)?;
    let now = ctx.now().to_sql();
    let (tx, actor) = ctx.write_as(session)?;
    permissions::check(&actor, Action::CreateCollaborator, Target::none())?;
    let id = collaborators::insert(&tx, new, &hash, &now)?;
    let entry = Entry {
        actor_id: Some(actor.id),
        action: "create",
        entity: "collaborator",
        entity_id: Some(id),
        changes: creation_changes(new),
    };
    audit::record(&tx, &now, &entry)?;
    let created = collaborators::get(&tx, id)?;
    crate::db::commit(tx)?;
    telemetry::sensitive(Sensitive::CollaboratorCreated, actor.id, id);
    Ok(created)
}

/// The audit changes of a creation: every field, from nothing.
pub(crate) fn creation_changes(new: &NewCollaborator) -> Changes {
    CollaboratorPatch::from(new).created()
}

/// The updated collaborator, and what the update did besides changing fields.
#[derive(Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct UpdateOutcome {
    pub updated: Collaborator,
    /// False when every field already had its value: nothing was written.
    pub changed: bool,
    /// Clients left without a sales contact because their contact left sales.
    pub released_clients: usize,
    /// Events left without support because their contact left support.
    pub released_events: usize,
}

/// Applies `patch`. A department change ends the collaborator's sessions and releases the
/// clients (leaving sales) or events (leaving support) that name them, in the same
/// transaction; it is refused when it would leave no management collaborator.
pub fn update(
    ctx: &mut Context,
    session: &Session,
    id: i64,
    patch: &CollaboratorPatch,
) -> Result<UpdateOutcome> {
    if patch.is_empty() {
        return Err(super::nothing_to_update());
    }
    let now = ctx.now().to_sql();
    let (tx, actor) = ctx.write_as(session)?;
    permissions::check(&actor, Action::UpdateCollaborator, Target::none())?;
    let before = collaborators::get(&tx, id)?;
    let (mut released_clients, mut released_events) = (0, 0);
    if patch.department.is_some_and(|d| d != before.department) {
        keeps_management(&tx, &before, "leave management")?;
        if before.department == Department::Sales {
            released_clients = collaborators::release_clients(&tx, id, &now)?;
        }
        if before.department == Department::Support {
            released_events = collaborators::release_events(&tx, id, &now)?;
        }
        collaborators::bump_token_version(&tx, id)?;
    }
    collaborators::update(&tx, id, patch, &now)?;
    let after = collaborators::get(&tx, id)?;
    let mut changes = field::diff(&before, &after);
    if released_clients > 0 {
        changes = changes.field("released_clients", Value::Null, released_clients);
    }
    if released_events > 0 {
        changes = changes.field("released_events", Value::Null, released_events);
    }
    if changes.is_empty() {
        // Dropping the transaction rolls back the new `updated_at` too.
        return Ok(UpdateOutcome {
            updated: before,
            changed: false,
            released_clients: 0,
            released_events: 0,
        });
    }
    let entry = Entry {
        actor_id: Some(actor.id),
        action: "update",
        entity: "collaborator",
        entity_id: Some(id),
        changes,
    };
    audit::record(&tx, &now, &entry)?;
    crate::db::commit(tx)?;
    telemetry::sensitive(Sensitive::CollaboratorUpdated, actor.id, id);
    Ok(UpdateOutcome {
        updated: after,
        changed: true,
        released_clients,
        released_events,
    })
}

/// Refuses a change that would take `who` out of management when they are its last member.
/// Run inside the write transaction, so two managers removing each other at once cannot both
/// succeed (the schema's triggers say the same, for any other path).
fn keeps_management(db: &crate::db::Db, who: &Collaborator, change: &str) -> Result<()> {
    if who.department == Department::Management && collaborators::count_management(db)? <= 1 {
        return Err(Error::refused(format!(
            "{} is the last management collaborator and cannot {change}: there must always be one",
            who.full_name
        )));
    }
    Ok(())
}

/// Collaborator `id`, when `actor` may delete them now: management only, never oneself, never
/// the last management collaborator. Run before asking for confirmation, and again inside the
/// deletion.
fn deletion(db: &crate::db::Db, actor: &Collaborator, id: i64) -> Result<Collaborator> {
    permissions::check(actor, Action::DeleteCollaborator, Target::none())?;
    if id == actor.id {
        return Err(Error::refused(
            "you cannot delete your own account: ask another management collaborator",
        ));
    }
    let target = collaborators::get(db, id)?;
    keeps_management(db, &target, "be deleted")?;
    Ok(target)
}

/// Collaborator `id`, if the deletion would succeed now (nothing is written).
pub fn deletable(ctx: &Context, session: &Session, id: i64) -> Result<Collaborator> {
    deletion(ctx.db(), &session.who, id)
}

/// Deletes collaborator `id`: their clients and events lose them as contact (the schema does
/// it) and their sessions end (the token names a collaborator that no longer exists, whose id
/// and identity are never given to anyone else).
pub fn delete(ctx: &mut Context, session: &Session, id: i64) -> Result<Collaborator> {
    let now = ctx.now().to_sql();
    let (tx, actor) = ctx.write_as(session)?;
    let before = deletion(&tx, &actor, id)?;
    collaborators::delete(&tx, id)?;
    let changes = field::deleted(&before);
    let entry = Entry {
        actor_id: Some(actor.id),
        action: "delete",
        entity: "collaborator",
        entity_id: Some(id),
        changes,
    };
    audit::record(&tx, &now, &entry)?;
    crate::db::commit(tx)?;
    telemetry::sensitive(Sensitive::CollaboratorDeleted, actor.id, id);
    Ok(before)
}

/// Ends collaborator `id`'s lock-out after failed logins (management). Returns them, and
/// whether they were locked out; when they were not, nothing is written.
pub fn unlock(ctx: &mut Context, session: &Session, id: i64) -> Result<(Collaborator, bool)> {
    let now = ctx.now().to_sql();
    let (tx, actor) = ctx.write_as(session)?;
    permissions::check(&actor, Action::UnlockCollaborator, Target::none())?;
    let target = collaborators::get(&tx, id)?;
    if !collaborators::unlock(&tx, id, &now)? {
        return Ok((target, false));
    }
    let entry = Entry {
        actor_id: Some(actor.id),
        action: "unlock",
        entity: "collaborator",
        entity_id: Some(id),
        changes: Changes::new(),
    };
    audit::record(&tx, &now, &entry)?;
    crate::db::commit(tx)?;
    Ok((target, true))
}

/// Gives collaborator `id` a temporary password chosen by management: their sessions end,
/// any lock-out ends, and their next login asks them to choose a new password. One's own
/// password is changed with `password` instead.
pub fn reset_password(
    ctx: &mut Context,
    session: &Session,
    id: i64,
    temporary: &Password,
) -> Result<Collaborator> {
    permissions::check(&session.who, Action::ResetPassword, Target::none())?;
    let hash = hash_password(temporary)?;
    let now = ctx.now().to_sql();
    let (tx, actor) = ctx.write_as(session)?;
    permissions::check(&actor, Action::ResetPassword, Target::none())?;
    if id == actor.id {
        return Err(Error::refused("use `password` to change your own password"));
    }
    let target = collaborators::get(&tx, id)?;
    collaborators::reset_password(&tx, id, &hash, &now)?;
    collaborators::bump_token_version(&tx, id)?;
    let entry = Entry {
        actor_id: Some(actor.id),
        action: "password_reset",
        entity: "collaborator",
        entity_id: Some(id),
        changes: Changes::new(),
    };
    audit::record(&tx, &now, &entry)?;
    crate::db::commit(tx)?;
    telemetry::sensitive(Sensitive::CollaboratorUpdated, actor.id, id);
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::domain::{Name, Phone};
    use crate::service::{auth, demo};

    fn demo_context(dir: &tempfile::TempDir) -> Context {
        let mut ctx = Context::open(Config::in_dir(dir.path())).unwrap();
        demo::load(&mut ctx).unwrap();
        ctx
    }

    fn manager(ctx: &mut Context, alice: &Session, email: &str) -> Collaborator {
        let new = NewCollaborator {
            employee_number: EmployeeNumber::parse(&format!("M-{}", &email[..3])).unwrap(),
            full_name: Name::parse("full name", "Max Manager").unwrap(),
            email: Email::parse(email).unwrap(),
            phone: Phone::parse("+33 6 00 00 00 00").unwrap(),
            department: Department::Management,
        };
        let password = Password::parse("a long enough password".into()).unwrap();
        create(ctx, alice, &new, &password).unwrap()
    }

    fn managers(ctx: &Context) -> u64 {
        collaborators::count_management(ctx.db()).unwrap()
    }

    #[test]
    fn a_session_read_before_a_demotion_writes_nothing_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut ctx = demo_context(&dir);
        let alice = auth::session_for(&ctx, 1).unwrap();
        let max = manager(&mut ctx, &alice, "max@epic.com");
        // Alice's command read her session (above); Max demotes her before she writes.
        let max_session = auth::session_for(&ctx, max.id).unwrap();
        let demote = CollaboratorPatch {
            department: Some(Department::Sales),
            ..Default::default()
        };
        update(&mut ctx, &max_session, 1, &demote).unwrap();
        let backdoor = NewCollaborator {
            employee_number: EmployeeNumber::parse("E-BACKDOOR").unwrap(),
            full_name: Name::parse("full name", "Back Door").unwrap(),
            email: Email::parse("backdoor@epic.com").unwrap(),
            phone: Phone::parse("+33 6 11 22 33 44").unwrap(),
            department: Department::Management,
        };
        let password = Password::parse("a long enough password".into()).unwrap();
        let err = create(&mut ctx, &alice, &backdoor, &password).unwrap_err();
        assert!(matches!(err, Error::SessionEnded), "{err:?}");
        assert_eq!(err.to_string(), "your session has ended: log in again");
        assert_eq!(
            super::super::count(&ctx, &Filter::default())
                .unwrap()
                .counted(),
            6
        );
    }

    #[test]
    fn two_managers_removing_each_other_leave_one() {
        let dir = tempfile::tempdir().unwrap();
        let mut ctx = demo_context(&dir);
        let alice = auth::session_for(&ctx, 1).unwrap();
        let max = manager(&mut ctx, &alice, "max@epic.com");
        let max_session = auth::session_for(&ctx, max.id).unwrap();
        // Both read their sessions; Alice deletes Max first, then Max's delete arrives.
        delete(&mut ctx, &alice, max.id).unwrap();
        let err = delete(&mut ctx, &max_session, 1).unwrap_err();
        assert!(matches!(err, Error::SessionEnded), "{err:?}");
        assert_eq!(managers(&ctx), 1);

        // The same with demotions.
        let mia = manager(&mut ctx, &alice, "mia@epic.com");
        let mia_session = auth::session_for(&ctx, mia.id).unwrap();
        let to_sales = CollaboratorPatch {
            department: Some(Department::Sales),
            ..Default::default()
        };
        update(&mut ctx, &mia_session, 1, &to_sales).unwrap();
        let err = update(&mut ctx, &alice, mia.id, &to_sales).unwrap_err();
        assert!(matches!(err, Error::SessionEnded), "{err:?}");
        assert_eq!(managers(&ctx), 1);
    }

    #[test]
    fn the_last_manager_can_neither_leave_management_nor_be_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let mut ctx = demo_context(&dir);
        let alice = auth::session_for(&ctx, 1).unwrap();
        let to_sales = CollaboratorPatch {
            department: Some(Department::Sales),
            ..Default::default()
        };
        let err = update(&mut ctx, &alice, 1, &to_sales).unwrap_err();
        assert!(
            err.to_string().contains("last management collaborator"),
            "{err}"
        );
        let max = manager(&mut ctx, &alice, "max@epic.com");
        let max_session = auth::session_for(&ctx, max.id).unwrap();
        delete(&mut ctx, &max_session, 1).unwrap();
        let err = update(&mut ctx, &max_session, max.id, &to_sales).unwrap_err();
        assert!(
            err.to_string().contains("last management collaborator"),
            "{err}"
        );
        assert_eq!(managers(&ctx), 1);
    }
}
