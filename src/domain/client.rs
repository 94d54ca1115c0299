//! A client company's contact person, followed by a sales collaborator.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::field::{self, Field, Fielded, Spec, Values};
use super::{Email, Name, Phone};
use crate::error::Result;

/// A client as stored and shown. The keys are those of PRODUCT.md §2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
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

/// The fields of a client that sales sets, in form order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ClientField {
    FullName,
    Email,
    Phone,
    CompanyName,
}

impl Field for ClientField {
    const ALL: &'static [Self] = &[Self::FullName, Self::Email, Self::Phone, Self::CompanyName];

    fn spec(self) -> &'static Spec {
        match self {
            Self::FullName => &Spec {
                key: "full_name",
                flag: "--full-name",
                value_name: "FULL_NAME",
                label: "Full name",
                help: "The contact's full name, e.g. \"Kevin Casey\"",
                hint: None,
            },
            Self::Email => &Spec {
                key: "email",
                flag: "--email",
                value_name: "EMAIL",
                label: "Email",
                help: "The contact's email address",
                hint: Some("the client's address, e.g. kevin@startup.io"),
            },
            Self::Phone => &Spec {
                key: "phone",
                flag: "--phone",
                value_name: "PHONE",
                label: "Phone",
                help: "The contact's phone number",
                hint: Some("e.g. +33 1 23 45 67 89"),
            },
            Self::CompanyName => &Spec {
                key: "company_name",
                flag: "--company-name",
                value_name: "COMPANY_NAME",
                label: "Company name",
                help: "The company, e.g. \"Cool Startup LLC\"",
                hint: None,
            },
        }
    }
}

impl Fielded for Client {
    type Field = ClientField;

    fn value(&self, field: ClientField) -> Value {
        match field {
            ClientField::FullName => self.full_name.as_str().into(),
            ClientField::Email => self.email.as_str().into(),
            ClientField::Phone => self.phone.as_str().into(),
            ClientField::CompanyName => self.company_name.as_str().into(),
        }
    }
}

/// A client's fields as given (flags or a form), parsed: an update's patch (`None` leaves a
/// field as it is), or a creation's input once complete ([`Self::into_new`]).
#[derive(Debug, Clone, Default)]
pub struct ClientPatch {
    pub full_name: Option<Name>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub company_name: Option<Name>,
}

impl Values for ClientPatch {
    type Field = ClientField;

    fn set(&mut self, field: ClientField, input: &str) -> Result<()> {
        match field {
            ClientField::FullName => self.full_name = Some(Name::parse("full name", input)?),
            ClientField::Email => self.email = Some(Email::parse(input)?),
            ClientField::Phone => self.phone = Some(Phone::parse(input)?),
            ClientField::CompanyName => {
                self.company_name = Some(Name::parse("company name", input)?)
            }
        }
        Ok(())
    }

    fn value(&self, field: ClientField) -> Option<Value> {
        match field {
            ClientField::FullName => self.full_name.as_ref().map(|v| v.as_ref().into()),
            ClientField::Email => self.email.as_ref().map(|v| v.as_ref().into()),
            ClientField::Phone => self.phone.as_ref().map(|v| v.as_ref().into()),
            ClientField::CompanyName => self.company_name.as_ref().map(|v| v.as_ref().into()),
        }
    }
}

impl ClientPatch {
    /// Whether nothing was given.
    pub fn is_empty(&self) -> bool {
        Values::is_empty(self)
    }

    /// What a creation needs, or the first missing field's error.
    pub fn into_new(self) -> Result<NewClient> {
        Ok(NewClient {
            full_name: field::required(self.full_name, ClientField::FullName)?,
            email: field::required(self.email, ClientField::Email)?,
            phone: field::required(self.phone, ClientField::Phone)?,
            company_name: field::required(self.company_name, ClientField::CompanyName)?,
        })
    }
}

impl From<&NewClient> for ClientPatch {
    fn from(new: &NewClient) -> Self {
        ClientPatch {
            full_name: Some(new.full_name.clone()),
            email: Some(new.email.clone()),
            phone: Some(new.phone.clone()),
            company_name: Some(new.company_name.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::field::checks;

    fn kevin() -> Client {
        Client {
            id: 1,
            full_name: "Kevin Casey".into(),
            email: "kevin@startup.io".into(),
            phone: "+678 123 456 78".into(),
            company_name: "Cool Startup LLC".into(),
            sales_contact_id: Some(2),
            sales_contact: Some("Bill Boquet".into()),
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    /// A new field that the diff forgot would be a change nobody audits.
    #[test]
    fn the_audit_diff_has_one_entry_per_field_changed() {
        let before = kevin();
        let after = Client {
            full_name: "Kevin Casey Jr".into(),
            email: "kevin.jr@startup.io".into(),
            phone: "+678 123 456 79".into(),
            company_name: "Cooler Startup LLC".into(),
            ..kevin()
        };
        checks::diff_is_complete(&before, &after);
    }

    #[test]
    fn every_field_can_be_given_and_read_back() {
        checks::every_field_given::<ClientPatch>(&[
            "Nina Martin",
            "nina@startup.io",
            "+33 6 12 34 56 78",
            "Nina SARL",
        ]);
    }
}
