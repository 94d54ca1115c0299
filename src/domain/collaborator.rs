//! A collaborator of Epic Events: what is stored, what a creation needs, what an update may
//! change.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::field::{self, Field, Fielded, Spec, Values};
use super::{Department, Email, EmployeeNumber, Name, Phone};
use crate::error::Result;

/// A collaborator as stored (without the password hash, which never leaves the repository).
/// The field names are the keys of the JSON and CSV output (PRODUCT.md §2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Collaborator {
    pub id: i64,
    pub employee_number: String,
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub department: Department,
    pub created_at: String,
    pub updated_at: String,
}

/// Everything needed to create a collaborator, already validated. The password is hashed by
/// the service before it reaches the repository.
#[derive(Debug, Clone)]
pub struct NewCollaborator {
    pub employee_number: EmployeeNumber,
    pub full_name: Name,
    pub email: Email,
    pub phone: Phone,
    pub department: Department,
}

/// The fields of a collaborator that management sets, in form order (the department first:
/// it decides what the collaborator is for).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CollaboratorField {
    Department,
    EmployeeNumber,
    FullName,
    Email,
    Phone,
}

impl Field for CollaboratorField {
    const ALL: &'static [Self] = &[
        Self::Department,
        Self::EmployeeNumber,
        Self::FullName,
        Self::Email,
        Self::Phone,
    ];

    fn spec(self) -> &'static Spec {
        match self {
            Self::EmployeeNumber => &Spec {
                key: "employee_number",
                flag: "--employee-number",
                value_name: "NUMBER",
                label: "Employee number",
                help: "Staff number, e.g. EMP-0042",
                hint: Some("e.g. EMP-0042"),
            },
            Self::FullName => &Spec {
                key: "full_name",
                flag: "--full-name",
                value_name: "NAME",
                label: "Full name",
                help: "Full name, e.g. \"Alice Manager\"",
                hint: None,
            },
            Self::Email => &Spec {
                key: "email",
                flag: "--email",
                value_name: "EMAIL",
                label: "Email",
                help: "Email address: the login, e.g. name@epic.com",
                hint: Some("the login, e.g. name@epic.com"),
            },
            Self::Phone => &Spec {
                key: "phone",
                flag: "--phone",
                value_name: "PHONE",
                label: "Phone",
                help: "Phone number, e.g. \"+33 1 23 45 67 89\"",
                hint: Some("e.g. +33 1 23 45 67 89"),
            },
            Self::Department => &Spec {
                key: "department",
                flag: "--department",
                value_name: "DEPARTMENT",
                label: "Department",
                help: "Department: management, sales or support",
                hint: None,
            },
        }
    }
}

impl Fielded for Collaborator {
    type Field = CollaboratorField;

    fn value(&self, field: CollaboratorField) -> Value {
        match field {
            CollaboratorField::EmployeeNumber => self.employee_number.as_str().into(),
            CollaboratorField::FullName => self.full_name.as_str().into(),
            CollaboratorField::Email => self.email.as_str().into(),
            CollaboratorField::Phone => self.phone.as_str().into(),
            CollaboratorField::Department => self.department.as_str().into(),
        }
    }
}

/// A collaborator's fields as given (flags or a form), parsed: an update's patch (`None`
/// leaves a field as it is), or a creation's input once complete ([`Self::into_new`]).
#[derive(Debug, Clone, Default)]
pub struct CollaboratorPatch {
    pub employee_number: Option<EmployeeNumber>,
    pub full_name: Option<Name>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub department: Option<Department>,
}

impl Values for CollaboratorPatch {
    type Field = CollaboratorField;

    fn set(&mut self, field: CollaboratorField, input: &str) -> Result<()> {
        match field {
            CollaboratorField::EmployeeNumber => {
                self.employee_number = Some(EmployeeNumber::parse(input)?)
            }
            CollaboratorField::FullName => self.full_name = Some(Name::parse("full name", input)?),
            CollaboratorField::Email => self.email = Some(Email::parse(input)?),
            CollaboratorField::Phone => self.phone = Some(Phone::parse(input)?),
            CollaboratorField::Department => self.department = Some(Department::parse(input)?),
        }
        Ok(())
    }

    fn value(&self, field: CollaboratorField) -> Option<Value> {
        match field {
            CollaboratorField::EmployeeNumber => {
                self.employee_number.as_ref().map(|v| v.as_ref().into())
            }
            CollaboratorField::FullName => self.full_name.as_ref().map(|v| v.as_ref().into()),
            CollaboratorField::Email => self.email.as_ref().map(|v| v.as_ref().into()),
            CollaboratorField::Phone => self.phone.as_ref().map(|v| v.as_ref().into()),
            CollaboratorField::Department => self.department.map(|d| d.as_str().into()),
        }
    }
}

impl CollaboratorPatch {
    /// Whether nothing was given.
    pub fn is_empty(&self) -> bool {
        Values::is_empty(self)
    }

    /// What a creation needs, or the first missing field's error.
    pub fn into_new(self) -> Result<NewCollaborator> {
        use CollaboratorField as F;
        Ok(NewCollaborator {
            employee_number: field::required(self.employee_number, F::EmployeeNumber)?,
            full_name: field::required(self.full_name, F::FullName)?,
            email: field::required(self.email, F::Email)?,
            phone: field::required(self.phone, F::Phone)?,
            department: field::required(self.department, F::Department)?,
        })
    }
}

impl From<&NewCollaborator> for CollaboratorPatch {
    fn from(new: &NewCollaborator) -> Self {
        CollaboratorPatch {
            employee_number: Some(new.employee_number.clone()),
            full_name: Some(new.full_name.clone()),
            email: Some(new.email.clone()),
            phone: Some(new.phone.clone()),
            department: Some(new.department),
        }
    }
}

/// What a session token names: a collaborator by id and by their random identity (which no
/// other collaborator, present or future, ever has), and the token version it was issued for.
/// It holds only while all three match the stored collaborator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub collaborator_id: i64,
    pub identity: String,
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::field::checks;

    fn alice() -> Collaborator {
        Collaborator {
            id: 1,
            employee_number: "EMP-0001".into(),
            full_name: "Alice Manager".into(),
            email: "alice@epic.com".into(),
            phone: "+33 1 00 00 00 01".into(),
            department: Department::Management,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    /// A new field that the diff forgot would be a change nobody audits.
    #[test]
    fn the_audit_diff_has_one_entry_per_field_changed() {
        let before = alice();
        let after = Collaborator {
            employee_number: "EMP-0002".into(),
            full_name: "Alice Director".into(),
            email: "alice.director@epic.com".into(),
            phone: "+33 1 00 00 00 02".into(),
            department: Department::Sales,
            ..alice()
        };
        checks::diff_is_complete(&before, &after);
    }

    #[test]
    fn every_field_can_be_given_and_read_back() {
        let patch = checks::every_field_given::<CollaboratorPatch>(&[
            "sales",
            "EMP-0042",
            "Nina Martin",
            "nina@epic.com",
            "+33 6 12 34 56 78",
        ]);
        let new = patch.into_new().unwrap();
        assert_eq!(new.department, Department::Sales);
    }
}
