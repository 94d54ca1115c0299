//! Which ids make sense where: the candidates Tab offers for an id, limited to the records
//! the command accepts and the collaborator may act on, each with a short label.

use super::Context;
use crate::domain::{Collaborator, Department};
use crate::error::Result;
use crate::repo::{Window, clients, collaborators, contracts, events};

/// The records an id argument refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    /// Any client (show, filters).
    Client,
    /// Clients whose details the actor may change.
    UpdatableClient,
    /// Clients the actor may create a contract for.
    ContractableClient,
    /// Clients management may reassign or delete.
    ManagedClient,
    Contract,
    /// Contracts the actor may update.
    UpdatableContract,
    /// Unsigned contracts the actor may sign.
    SignableContract,
    /// Signed contracts with something left to pay, that the actor may record a payment on.
    PayableContract,
    /// Signed contracts the actor may create an event for.
    EventableContract,
    /// Contracts management may delete.
    ManagedContract,
    Event,
    /// Events the actor may update.
    UpdatableEvent,
    /// Events management may assign or delete.
    ManagedEvent,
    /// Events that have a support contact, for management to unassign.
    AssignedEvent,
    Collaborator,
    /// Collaborators management may update or delete.
    ManagedCollaborator,
    SalesCollaborator,
    SupportCollaborator,
}

/// How many candidates Tab lists at most.
const LIMIT: u32 = 20;

/// Ids of `kind` starting with `prefix`, for `actor`, with their labels.
pub fn candidates(
    ctx: &Context,
    actor: &Collaborator,
    kind: IdKind,
    prefix: &str,
) -> Result<Vec<(i64, String)>> {
    use Department::{Management, Sales, Support};
    use IdKind::*;
    let conn = ctx.conn();
    let window = Some(Window {
        limit: LIMIT,
        offset: 0,
    });
    let mine = Some(actor.id);
    let id_prefix = Some(prefix.to_owned()).filter(|p| !p.is_empty());
    let mut out = Vec::new();
    let department = actor.department;
    let client_filter = match (kind, department) {
        (Client, _) | (ManagedClient, Management) | (ContractableClient, Management) => {
            Some(clients::Filter::default())
        }
        (UpdatableClient | ContractableClient, Sales) => Some(clients::Filter {
            sales_contact_id: mine,
            ..Default::default()
        }),
        _ => None,
    };
    if let Some(filter) = client_filter {
        let filter = clients::Filter {
            id_prefix,
            ..filter
        };
        clients::for_each(conn, &filter, window, &mut |c| {
            out.push((c.id, format!("{} ({})", c.full_name, c.company_name)));
            Ok(())
        })?;
        return Ok(out);
    }
    let own = |d: Department| if d == Sales { mine } else { None };
    let contract_filter = match (kind, department) {
        (Contract, _) | (ManagedContract, Management) => Some(contracts::Filter::default()),
        (UpdatableContract, Management | Sales) => Some(contracts::Filter {
            sales_contact_id: own(department),
            ..Default::default()
        }),
        (SignableContract, Management | Sales) => Some(contracts::Filter {
            unsigned: true,
            sales_contact_id: own(department),
            ..Default::default()
        }),
        (PayableContract, Management | Sales) => Some(contracts::Filter {
            signed: true,
            unpaid: true,
            sales_contact_id: own(department),
            ..Default::default()
        }),
        (EventableContract, Sales) => Some(contracts::Filter {
            signed: true,
            sales_contact_id: mine,
            ..Default::default()
        }),
        _ => None,
    };
    if let Some(filter) = contract_filter {
        let filter = contracts::Filter {
            id_prefix,
            ..filter
        };
        contracts::for_each(conn, &filter, window, &mut |c| {
            let state = if c.signed {
                format!("{} left", c.remaining_amount)
            } else {
                "unsigned".to_owned()
            };
            out.push((
                c.id,
                format!("{}, {}, {state}", c.client_name, c.total_amount),
            ));
            Ok(())
        })?;
        return Ok(out);
    }
    let event_filter = match (kind, department) {
        (Event, _) | (ManagedEvent, Management) => Some(events::Filter::default()),
        (AssignedEvent, Management) => Some(events::Filter {
            has_support: true,
            ..Default::default()
        }),
        (UpdatableEvent, Sales) => Some(events::Filter {
            sales_contact_id: mine,
            no_support: true,
            ..Default::default()
        }),
        (UpdatableEvent, Support) => Some(events::Filter {
            support_contact_id: mine,
            ..Default::default()
        }),
        _ => None,
    };
    if let Some(filter) = event_filter {
        let filter = events::Filter {
            id_prefix,
            ..filter
        };
        events::for_each(conn, &filter, window, &mut |e| {
            out.push((e.id, format!("{}, {}", e.name, e.start.replace('T', " "))));
            Ok(())
        })?;
        return Ok(out);
    }
    let collaborator_department = match (kind, department) {
        (Collaborator, _) | (ManagedCollaborator, Management) => Some(None),
        (SalesCollaborator, _) => Some(Some(Sales)),
        (SupportCollaborator, _) => Some(Some(Support)),
        _ => None,
    };
    if let Some(only) = collaborator_department {
        // Collaborators are few: filter the prefix here rather than in SQL.
        collaborators::for_each(conn, only, None, &mut |c| {
            if out.len() < LIMIT as usize && c.id.to_string().starts_with(prefix) {
                out.push((c.id, format!("{} ({})", c.full_name, c.department)));
            }
            Ok(())
        })?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::service::{demo, users};

    fn demo_context(dir: &tempfile::TempDir) -> Context {
        let config = Config {
            home: dir.path().join("home"),
            db_path: dir.path().join("crm.db"),
            secret: None,
            sentry_dsn: None,
            sentry_environment: None,
        };
        let mut ctx = Context::open(config).unwrap();
        demo::load(&mut ctx).unwrap();
        ctx
    }

    fn ids(ctx: &Context, who: i64, kind: IdKind, prefix: &str) -> Vec<i64> {
        let actor = users::get(ctx, who).unwrap();
        candidates(ctx, &actor, kind, prefix)
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect()
    }

    #[test]
    fn sales_may_sign_only_their_own_unsigned_contracts() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = demo_context(&dir);
        assert_eq!(ids(&ctx, 2, IdKind::SignableContract, ""), [5]);
        assert_eq!(ids(&ctx, 3, IdKind::SignableContract, ""), [4]);
        assert_eq!(ids(&ctx, 1, IdKind::SignableContract, ""), [4, 5]);
        assert!(
            ids(&ctx, 4, IdKind::SignableContract, "").is_empty(),
            "support signs nothing"
        );
    }

    #[test]
    fn payable_contracts_are_signed_with_something_left() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = demo_context(&dir);
        assert_eq!(ids(&ctx, 1, IdKind::PayableContract, ""), [2, 3]);
        assert_eq!(ids(&ctx, 2, IdKind::PayableContract, ""), [2]);
    }

    #[test]
    fn support_candidates_are_support_collaborators_with_labels() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = demo_context(&dir);
        let alice = users::get(&ctx, 1).unwrap();
        let found = candidates(&ctx, &alice, IdKind::SupportCollaborator, "").unwrap();
        assert_eq!(
            found,
            [
                (4, "Kate Hastroff (support)".to_owned()),
                (5, "Aliénor Vichum (support)".to_owned())
            ]
        );
    }

    #[test]
    fn updatable_events_follow_the_permission_table() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = demo_context(&dir);
        assert_eq!(
            ids(&ctx, 4, IdKind::UpdatableEvent, ""),
            [1],
            "Kate's assigned event"
        );
        assert_eq!(
            ids(&ctx, 3, IdKind::UpdatableEvent, ""),
            [2],
            "Sophie's client's event without support"
        );
        assert!(
            ids(&ctx, 2, IdKind::UpdatableEvent, "").is_empty(),
            "Bill's events all have support"
        );
        assert!(
            ids(&ctx, 1, IdKind::UpdatableEvent, "").is_empty(),
            "management does not update events"
        );
    }

    #[test]
    fn the_typed_prefix_narrows_the_ids() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = demo_context(&dir);
        assert_eq!(ids(&ctx, 1, IdKind::Client, "3"), [3]);
        assert_eq!(ids(&ctx, 1, IdKind::Collaborator, "2"), [2]);
        assert!(ids(&ctx, 1, IdKind::Contract, "9").is_empty());
    }
}
