//! The users menu: collaborators.

use super::Shell;
use super::account;
use super::fields::{Field, shown_fields};
use super::grammar::{UserFields, UsersCommand};
use super::listing::Listing;
use crate::backend::Given;
use crate::backend::ops::users::*;
use crate::domain::field::{Field as _, Fielded as _};
use crate::domain::{
    Collaborator, CollaboratorField, CollaboratorPatch, Department, Email, EmployeeNumber, Id,
};
use crate::error::Result;
use crate::service::permissions::{self, Action};
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
    let c = shell.backend.run(UsersShow { id: id.get() })?;
    let mut fields = vec![("id".to_owned(), c.id.to_string())];
    fields.extend(shown_fields(&c));
    fields.push(("created".to_owned(), time::local(&c.created_at)));
    fields.push(("updated".to_owned(), time::local(&c.updated_at)));
    shell.print_record(format, KEYS, &c, &fields)
}

fn create(shell: &mut Shell, me: &Collaborator, fields: UserFields) -> Result<()> {
    // Refuse before asking anything: a form that cannot be submitted wastes the user's time.
    permissions::check_department(me, Action::CreateCollaborator)?;
    let mut values = CollaboratorPatch::default();
    shell.fill(&fields, &mut values, |shell, values, field, _| {
        ask(shell, values, field, None, Taken::Checked)
    })?;
    values.clone().into_new()?;
    let password = shell.new_password("Password for the new collaborator:")?;
    let created = shell.backend.run(UsersCreate {
        fields: Given::of(&values),
        password: password.expose().to_owned(),
    })?;
    shell.say(format!("Created {}.", account::describe(&created)))
}

fn update(shell: &mut Shell, me: &Collaborator, id: &str, fields: UserFields) -> Result<()> {
    permissions::check_department(me, Action::UpdateCollaborator)?;
    let id = Id::parse("id", id)?;
    let current = shell.backend.run(UsersShow { id: id.get() })?;
    let patch: CollaboratorPatch = shell.patch(&fields, |shell, values, field, _| {
        ask(shell, values, field, Some(&current), Taken::Checked)
    })?;
    if patch.is_empty() {
        return shell.say("Nothing changed: no field was chosen.");
    }
    let outcome = shell.backend.run(UsersUpdate {
        id: id.get(),
        fields: Given::of(&patch),
    })?;
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

/// Whether a form checks at the field that an email or number is free: not in `setup`, on a
/// database without collaborators, where none is taken and nobody is logged in to ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Taken {
    Checked,
    NoneYet,
}

/// Asks for `field` of a collaborator (a form): the department from its list, numbers and
/// logins checked at the field against everyone else's (but `current`'s own, in an update).
pub(super) fn ask(
    shell: &mut Shell,
    values: &mut CollaboratorPatch,
    field: CollaboratorField,
    current: Option<&Collaborator>,
    taken: Taken,
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
                Some(
                    shell.ask_checked(&question, default.as_deref(), |backend, v| {
                        let number = EmployeeNumber::parse(v)?;
                        if taken == Taken::Checked {
                            backend.run(UsersNumberFree {
                                employee_number: number.as_ref().to_owned(),
                                except,
                            })?;
                        }
                        Ok(number)
                    })?,
                );
        }
        CollaboratorField::Email => {
            values.email =
                Some(
                    shell.ask_checked(&question, default.as_deref(), |backend, v| {
                        let email = Email::parse(v)?;
                        if taken == Taken::Checked {
                            backend.run(UsersEmailFree {
                                email: email.as_ref().to_owned(),
                                except,
                            })?;
                        }
                        Ok(email)
                    })?,
                );
        }
        CollaboratorField::FullName | CollaboratorField::Phone => {
            shell.ask_field(values, field, default.as_deref())?;
        }
    }
    Ok(())
}

fn delete(shell: &mut Shell, me: &Collaborator, id: &str, yes: bool) -> Result<()> {
    permissions::check_department(me, Action::DeleteCollaborator)?;
    let id = Id::parse("id", id)?;
    // Refused now rather than after "are you sure?".
    let target = shell.backend.run(UsersDeletable { id: id.get() })?;
    shell.confirm(&format!("Delete {}?", account::describe(&target)), yes)?;
    let deleted = shell.backend.run(UsersDelete { id: id.get() })?;
    shell.say(format!(
        "Deleted {}. Their clients and events have no contact until reassigned.",
        account::describe(&deleted)
    ))
}

fn unlock(shell: &mut Shell, me: &Collaborator, id: &str) -> Result<()> {
    permissions::check_department(me, Action::UnlockCollaborator)?;
    let id = Id::parse("id", id)?;
    let Unlocked {
        collaborator: target,
        was_locked,
    } = shell.backend.run(UsersUnlock { id: id.get() })?;
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

fn reset_password(shell: &mut Shell, me: &Collaborator, id: &str) -> Result<()> {
    permissions::check_department(me, Action::ResetPassword)?;
    let id = Id::parse("id", id)?;
    // Refuse before asking for a password that could not be used.
    let target = shell.backend.run(UsersShow { id: id.get() })?;
    if target.id == me.id {
        return Err(crate::error::Error::refused(
            "use `password` to change your own password",
        ));
    }
    let temporary = shell.new_password("Temporary password:")?;
    let target = shell.backend.run(UsersResetPassword {
        id: id.get(),
        temporary: temporary.expose().to_owned(),
    })?;
    shell.say(format!(
        "Reset the password of {}: their sessions have ended, and their next login asks them to choose a new password.",
        account::describe(&target)
    ))
}
