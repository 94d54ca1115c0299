//! The events menu.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::operation;
use crate::backend::Given;
use crate::domain::{Event, EventPatch};
use crate::service::{Updated, events};

/// `events show`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct EventsShow {
    pub id: i64,
}

operation!(
    EventsShow => Event,
    Get "/events/{id}", "events_show", "An event",
    |op, ctx, me| events::get(ctx, op.id)
);

/// `events create`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct EventsCreate {
    #[schema(schema_with = crate::backend::given::schema::<EventPatch>)]
    pub fields: Given<EventPatch>,
}

operation!(
    EventsCreate => Event,
    Post "/events", "events_create", "Creates an event for a signed contract (its sales contact)",
    |op, ctx, me| events::create(ctx, &me, &op.fields.parse()?.into_new()?)
);

/// `events update`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct EventsUpdate {
    pub id: i64,
    #[schema(schema_with = crate::backend::given::schema::<EventPatch>)]
    pub fields: Given<EventPatch>,
}

operation!(
    EventsUpdate => Updated<Event>,
    Patch "/events/{id}", "events_update", "Changes the fields given of an event",
    |op, ctx, me| events::update(ctx, &me, op.id, &op.fields.parse()?)
);

/// `events assign`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct EventsAssign {
    pub id: i64,
    pub support_id: i64,
}

operation!(
    EventsAssign => Event,
    Post "/events/{id}/assign", "events_assign", "Gives an event a support contact (management)",
    |op, ctx, me| events::assign(ctx, &me, op.id, op.support_id)
);

/// `events unassign`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct EventsUnassign {
    pub id: i64,
}

operation!(
    EventsUnassign => Event,
    Post "/events/{id}/unassign", "events_unassign", "Leaves an event without support contact (management)",
    |op, ctx, me| events::unassign(ctx, &me, op.id)
);

/// `events delete`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct EventsDelete {
    pub id: i64,
}

operation!(
    EventsDelete => Event,
    Delete "/events/{id}", "events_delete", "Deletes an event (management)",
    |op, ctx, me| events::delete(ctx, &me, op.id)
);
