//! The history section of `show` views (the trail itself is a list).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::operation;
use crate::repo::audit::AuditEntry;
use crate::service::audit;

/// The last changes of one record.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct AuditHistory {
    /// client, collaborator, contract or event.
    pub entity: String,
    pub id: i64,
}

/// The last changes, or none for a collaborator who may not read the trail.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct History {
    pub entries: Option<Vec<AuditEntry>>,
}

operation!(
    AuditHistory => History,
    Get "/audit/history", "audit_history", "The last changes of one record (management; nothing for others)",
    |op, ctx, me| {
        let entity = audit::entity(&op.entity)?;
        Ok(History {
            entries: audit::history(ctx, &me.who, entity, op.id)?,
        })
    }
);
