//! A collaborator of Epic Events: what is stored, what a creation needs, what an update may
//! change.

use serde::Serialize;

use super::{Department, Email, EmployeeNumber, Name, Phone};

/// A collaborator as stored (without the password hash, which never leaves the repository).
/// The field names are the keys of the JSON and CSV output (PRODUCT.md §2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Collaborator {
    pub id: i64,
    pub employee_number: String,
    pub full_name: String,
    pub email: String,
    pub phone: String,
    #[serde(serialize_with = "serialize_department")]
    pub department: Department,
    pub created_at: String,
    pub updated_at: String,
}

fn serialize_department<S: serde::Serializer>(d: &Department, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(d.as_str())
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

/// The fields an update may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct CollaboratorPatch {
    pub employee_number: Option<EmployeeNumber>,
    pub full_name: Option<Name>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub department: Option<Department>,
}

impl CollaboratorPatch {
    pub fn is_empty(&self) -> bool {
        self.employee_number.is_none()
            && self.full_name.is_none()
            && self.email.is_none()
            && self.phone.is_none()
            && self.department.is_none()
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
