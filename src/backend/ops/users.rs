//! The users menu (management, but for `users show`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Done, operation};
use crate::backend::Given;
use crate::domain::{Collaborator, CollaboratorPatch, Email, EmployeeNumber, Password};
use crate::service::users::{self, UpdateOutcome};

/// `users show`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct UsersShow {
    pub id: i64,
}

operation!(
    UsersShow => Collaborator,
    Get "/users/{id}", "users_show", "A collaborator",
    |op, ctx, me| users::get(ctx, op.id)
);

/// A form's check of a collaborator's email.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct UsersEmailFree {
    pub email: String,
    pub except: Option<i64>,
}

operation!(
    UsersEmailFree => Done,
    Get "/users/email-free", "users_email_free", "Whether no other collaborator has this email",
    |op, ctx, me| {
        users::email_free(ctx, &Email::parse(&op.email)?, op.except)?;
        Ok(Done {})
    }
);

/// A form's check of an employee number.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct UsersNumberFree {
    pub employee_number: String,
    pub except: Option<i64>,
}

operation!(
    UsersNumberFree => Done,
    Get "/users/number-free", "users_number_free", "Whether no other collaborator has this employee number",
    |op, ctx, me| {
        users::employee_number_free(ctx, &EmployeeNumber::parse(&op.employee_number)?, op.except)?;
        Ok(Done {})
    }
);

/// `users create`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct UsersCreate {
    #[schema(schema_with = crate::backend::given::schema::<CollaboratorPatch>)]
    pub fields: Given<CollaboratorPatch>,
    pub password: String,
}

operation!(
    UsersCreate => Collaborator,
    Post "/users", "users_create", "Creates a collaborator (management)",
    |op, ctx, me| {
        let new = op.fields.parse()?.into_new()?;
        users::create(ctx, &me, &new, &Password::parse(op.password)?)
    }
);

/// `users update`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct UsersUpdate {
    pub id: i64,
    #[schema(schema_with = crate::backend::given::schema::<CollaboratorPatch>)]
    pub fields: Given<CollaboratorPatch>,
}

operation!(
    UsersUpdate => UpdateOutcome,
    Patch "/users/{id}", "users_update", "Changes a collaborator (management); a department change ends their sessions",
    |op, ctx, me| users::update(ctx, &me, op.id, &op.fields.parse()?)
);

/// Before `users delete` asks "are you sure?".
#[derive(Serialize, Deserialize, ToSchema)]
pub struct UsersDeletable {
    pub id: i64,
}

operation!(
    UsersDeletable => Collaborator,
    Get "/users/{id}/deletable", "users_deletable", "The collaborator, if deleting them would succeed now (nothing is written)",
    |op, ctx, me| users::deletable(ctx, &me, op.id)
);

/// `users delete`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct UsersDelete {
    pub id: i64,
}

operation!(
    UsersDelete => Collaborator,
    Delete "/users/{id}", "users_delete", "Deletes a collaborator (management; never the last manager)",
    |op, ctx, me| users::delete(ctx, &me, op.id)
);

/// `users unlock`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct UsersUnlock {
    pub id: i64,
}

/// The collaborator, and whether they were locked out (nothing is written otherwise).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Unlocked {
    pub collaborator: Collaborator,
    pub was_locked: bool,
}

operation!(
    UsersUnlock => Unlocked,
    Post "/users/{id}/unlock", "users_unlock", "Ends a lock-out after failed logins (management)",
    |op, ctx, me| {
        let (collaborator, was_locked) = users::unlock(ctx, &me, op.id)?;
        Ok(Unlocked { collaborator, was_locked })
    }
);

/// `users reset-password`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct UsersResetPassword {
    pub id: i64,
    pub temporary: String,
}

operation!(
    UsersResetPassword => Collaborator,
    Post "/users/{id}/reset-password", "users_reset_password", "Gives a collaborator a temporary password (management)",
    |op, ctx, me| users::reset_password(ctx, &me, op.id, &Password::parse(op.temporary)?)
);
