//! The clients menu.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Done, operation};
use crate::backend::Given;
use crate::domain::{Client, ClientPatch, Email};
use crate::service::Updated;
use crate::service::clients::{self, ClientDetail};

/// `clients show`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ClientsShow {
    pub id: i64,
}

operation!(
    ClientsShow => ClientDetail,
    Get "/clients/{id}", "clients_show", "A client, with their first contracts and events",
    |op, ctx, me| clients::detail(ctx, op.id)
);

/// A form's check of a client's email: refused when another client than `except` has it.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ClientsEmailFree {
    pub email: String,
    pub except: Option<i64>,
}

operation!(
    ClientsEmailFree => Done,
    Get "/clients/email-free", "clients_email_free", "Whether no other client has this email",
    |op, ctx, me| {
        clients::email_free(ctx, &Email::parse(&op.email)?, op.except)?;
        Ok(Done {})
    }
);

/// `clients create`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ClientsCreate {
    #[schema(schema_with = crate::backend::given::schema::<ClientPatch>)]
    pub fields: Given<ClientPatch>,
}

operation!(
    ClientsCreate => Client,
    Post "/clients", "clients_create", "Creates a client (sales): its sales contact is its creator",
    |op, ctx, me| clients::create(ctx, &me, &op.fields.parse()?.into_new()?)
);

/// `clients update`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ClientsUpdate {
    pub id: i64,
    #[schema(schema_with = crate::backend::given::schema::<ClientPatch>)]
    pub fields: Given<ClientPatch>,
}

operation!(
    ClientsUpdate => Updated<Client>,
    Patch "/clients/{id}", "clients_update", "Changes the fields given of a client",
    |op, ctx, me| clients::update(ctx, &me, op.id, &op.fields.parse()?)
);

/// `clients reassign`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ClientsReassign {
    pub id: i64,
    pub sales_id: i64,
}

operation!(
    ClientsReassign => Client,
    Post "/clients/{id}/reassign", "clients_reassign", "Gives a client another sales contact (management)",
    |op, ctx, me| clients::reassign(ctx, &me, op.id, op.sales_id)
);

/// Before `clients delete` asks "are you sure?": the client, if the deletion would succeed.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ClientsDeletable {
    pub id: i64,
}

operation!(
    ClientsDeletable => Client,
    Get "/clients/{id}/deletable", "clients_deletable", "The client, if deleting it would succeed now (nothing is written)",
    |op, ctx, me| clients::deletable(ctx, &me, op.id)
);

/// `clients delete`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ClientsDelete {
    pub id: i64,
}

operation!(
    ClientsDelete => Client,
    Delete "/clients/{id}", "clients_delete", "Deletes a client without contracts (management)",
    |op, ctx, me| clients::delete(ctx, &me, op.id)
);
