//! A client company's contact person, followed by a sales collaborator.

use serde::Serialize;

use super::{Email, Name, Phone};

/// A client as stored and shown. The keys are those of PRODUCT.md §2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Client {
    pub id: i64,
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub company_name: String,
    pub sales_contact_id: Option<i64>,
    /// The sales contact's name.
    pub sales_contact: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone)]
pub struct NewClient {
    pub full_name: Name,
    pub email: Email,
    pub phone: Phone,
    pub company_name: Name,
}

/// The fields an update may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ClientPatch {
    pub full_name: Option<Name>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub company_name: Option<Name>,
}

impl ClientPatch {
    pub fn is_empty(&self) -> bool {
        self.full_name.is_none()
            && self.email.is_none()
            && self.phone.is_none()
            && self.company_name.is_none()
    }
}
