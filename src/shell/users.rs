//! The users menu: collaborators.

use super::Shell;
use super::account;
use super::fields::{Field, shown_fields};
use super::grammar::{UserFields, UsersCommand};
use super::listing::Listing;
use crate::domain::field::{Field as _, Fielded as _};
use crate::domain::{
    Collaborator, CollaboratorField, CollaboratorPatch, Department, Email, EmployeeNumber, Id,
};
use crate::error::Result;
use crate::service::permissions::{self, Action};
use crate::service::session::Session;
use crate::service::users;
use crate::ui::output::Format;
use crate::ui::table::{fixed, number, text};
use crate::ui::time;

const DEPARTMENTS: [(&str, Department); 3] = [
    ("management", Department::Management),
    ("sales", Department::Sales),
    ("support", Department::Support),
];

pub(super) const KEYS: &[&str] = &[
    "id",
    "employee_number",
    "full_name",
    "email",
    "phone",
    "department",
    "created_at",
    "updated_at",
];

const LISTING: Listing<Collaborator> = Listing {
    noun: ("collaborator", "collaborators"),
    keys: KEYS,
    columns: &[
        number("id"),
        fixed("number").optional(2),
        text("name"),
        text("email"),
        fixed("phone").optional(3),
        fixed("department").optional(1),
    ],
    cells: |c| {
        let department = c.department.to_string();
        vec![
            c.id.to_string(),
            c.employee_number.clone(),
            c.full_name.clone(),
            c.email.clone(),
            c.phone.clone(),
            department,
        ]
    },
};

pub(super) fn run(shell: &mut Shell, command: UsersCommand) -> Result<()> {
    // Everybody may read, but only once logged in; writes check the table too.
    let me = shell.actor()?;
    match command {
        UsersCommand::List { department, list } => {
            let filter = users::Filter {
                department: department.as_deref().map(Department::parse).transpose()?,
            };
            shell.print_list(&LISTING, &list, &filter)
        }
        UsersCommand::Show(args) => show(shell, &args.id, args.format),
        UsersCommand::Create(fields) => create(shell, &me, fields),
        UsersCommand::Update { id, fields } => update(shell, &me, &id, fields),
        UsersCommand::Delete { id, yes } => delete(shell, &me, &id, yes),
        UsersCommand::Unlock { id } => unlock(shell, &me, &id),
        UsersCommand::ResetPassword { id } => reset_password(shell, &me, &id),
    }
}

fn show(shell: &mut Shell, id: &str, format: Format) -> Result<()> {
    let id = Id::parse("id", id)?;
    let c = users::get(&shell.ctx, id.get())?;
    let mut fields = vec![("id".to_owned(), c.id.to_string())];
    fields.extend(shown_fields(&c));
    fields.push(("created".to_owned(), time::local(&c.created_at)));
    fields.push(("updated".to_owned(), time::local(&c.updated_at)));
    shell.print_record(format, KEYS, &c, &fields)
}

fn create(shell: &mut Shell, me: &Session, fields: UserFields) -> Result<()> {
    // Refuse before asking anything: a form that cannot be submitted wastes the user's time.
    permissions::check_department(&me.who, Action::CreateCollaborator)?;
    let mut values = CollaboratorPatch::default();
    shell.fill(&fields, &mut values, |shell, values, field, _| {
        ask(shell, values, field, None)
    })?;
    let new = values.into_new()?;
    let password = shell.new_password("Password for the new collaborator:")?;
    let created = users::create(&mut shell.ctx, me, &new, &password)?;
    shell.say(format!("Created {}.", account::describe(&created)))
}

fn update(shell: &mut Shell, me: &Session, id: &str, fields: UserFields) -> Result<()> {
    permissions::check_department(&me.who, Action::UpdateCollaborator)?;
    let id = Id::parse("id", id)?;
    let current = users::get(&shell.ctx, id.get())?;
    let patch: CollaboratorPatch = shell.patch(&fields, |shell, values, field, _| {
        ask(shell, values, field, Some(&current))
    })?;
    if patch.is_empty() {
        return shell.say("Nothing changed: no field was chosen.");
    }
    let outcome = users::update(&mut shell.ctx, me, id.get(), &patch)?;
    let updated = &outcome.updated;
    if !outcome.changed {
        return shell.say(format!(
            "Nothing changed: collaborator {} already has these values.",
            updated.id
        ));
    }
    shell.say(format!("Updated {}.", account::describe(updated)))?;
    if updated.department != current.department {
        shell.say(format!(
            "{} moved from {} to {}: their sessions have ended.",
            updated.full_name, current.department, updated.department
        ))?;
    }
    if outcome.released_clients > 0 {
        shell.say(format!(
            "{} clients have no sales contact now: reassign them with `clients reassign`.",
            outcome.released_clients
        ))?;
    }
    if outcome.released_events > 0 {
        shell.say(format!(
            "{} events have no support now: see `events no-support`.",
            outcome.released_events
        ))?;
    }
    Ok(())
}

/// Asks for `field` of a collaborator (a form): the department from its list, numbers and
/// logins checked at the field against everyone else's (but `current`'s own, in an update).
pub(super) fn ask(
    shell: &mut Shell,
    values: &mut CollaboratorPatch,
    field: CollaboratorField,
    current: Option<&Collaborator>,
) -> Result<()> {
    let default = current.map(|c| c.display(field));
    let except = current.map(|c| c.id);
    let question = Field::of(field.spec());
    match field {
        CollaboratorField::Department => {
            values.department =
                Some(shell.choose(None, &question, &DEPARTMENTS, Department::parse)?);
        }
        CollaboratorField::EmployeeNumber => {
            values.employee_number =
                Some(shell.ask_checked(&question, default.as_deref(), |ctx, v| {
                    let number = EmployeeNumber::parse(v)?;
                    users::employee_number_free(ctx, &number, except)?;
                    Ok(number)
                })?);
        }
        CollaboratorField::Email => {
            values.email = Some(shell.ask_checked(&question, default.as_deref(), |ctx, v| {
                let email = Email::parse(v)?;
                users::email_free(ctx, &email, except)?;
                Ok(email)
            })?);
        }
        CollaboratorField::FullName | CollaboratorField::Phone => {
            shell.ask_field(values, field, default.as_deref())?;
        }
    }
    Ok(())
}

fn delete(shell: &mut Shell, me: &Session, id: &str, yes: bool) -> Result<()> {
    permissions::check_department(&me.who, Action::DeleteCollaborator)?;
    let id = Id::parse("id", id)?;
    // Refused now rather than after "are you sure?".
    let target = users::deletable(&shell.ctx, me, id.get())?;
    shell.confirm(&format!("Delete {}?", account::describe(&target)), yes)?;
    let deleted = users::delete(&mut shell.ctx, me, id.get())?;
    shell.say(format!(
        "Deleted {}. Their clients and events have no contact until reassigned.",
        account::describe(&deleted)
    ))
}

fn unlock(shell: &mut Shell, me: &Session, id: &str) -> Result<()> {
    permissions::check_department(&me.who, Action::UnlockCollaborator)?;
    let id = Id::parse("id", id)?;
    let (target, was_locked) = users::unlock(&mut shell.ctx, me, id.get())?;
    if was_locked {
        shell.say(format!(
            "Unlocked {}: they can log in again.",
            account::describe(&target)
        ))
    } else {
        shell.say(format!(
            "{} was not locked out. Nothing changed.",
            account::describe(&target)
        ))
    }
}

fn reset_password(shell: &mut Shell, me: &Session, id: &str) -> Result<()> {
    permissions::check_department(&me.who, Action::ResetPassword)?;
    let id = Id::parse("id", id)?;
    // Refuse before asking for a password that could not be used.
    let target = users::get(&shell.ctx, id.get())?;
    if target.id == me.who.id {
        return Err(crate::error::Error::refused(
            "use `password` to change your own password",
        ));
    }
    let temporary = shell.new_password("Temporary password:")?;
    let target = users::reset_password(&mut shell.ctx, me, id.get(), &temporary)?;
    shell.say(format!(
        "Reset the password of {}: their sessions have ended, and their next login asks them to choose a new password.",
        account::describe(&target)
    ))
}
