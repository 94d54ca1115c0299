//! Which ids make sense where: the candidates Tab offers for an id, limited to the records
//! the command accepts and the collaborator may act on, each with a short label.

use super::Context;
use crate::domain::{Collaborator, Department};
use crate::error::Result;
use crate::repo::List as _;
use crate::repo::{Window, clients, collaborators, contracts, events, prefix_ranges};

/// The records an id argument refers to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
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

/// How many candidates Tab (or a form's list) offers at most.
pub const LIMIT: u32 = 20;

/// Ids of `kind` starting with `prefix`, for `actor`, with their labels, in numeric order.
pub fn candidates(
    ctx: &Context,
    actor: &Collaborator,
    kind: IdKind,
    prefix: &str,
) -> Result<Vec<(i64, String)>> {
    let conn = ctx.db();
    // No prefix: the first ids. A prefix: the id ranges it stands for, smallest first.
    let ranges: Vec<Option<(i64, i64)>> = match prefix {
        "" => vec![None],
        digits => prefix_ranges(digits).into_iter().map(Some).collect(),
    };
    let mut out: Vec<(i64, String)> = Vec::new();
    let mut read = |visit: &mut Visit<'_>| -> Result<()> {
        for range in &ranges {
            let left = LIMIT.saturating_sub(out.len() as u32);
            if left == 0 {
                break;
            }
            visit(
                *range,
                Window {
                    limit: left,
                    offset: 0,
                },
                &mut out,
            )?;
        }
        Ok(())
    };
    match Records::of(kind, actor) {
        Records::Clients(filter) => read(&mut |id_range, window, out| {
            let filter = clients::Filter {
                id_range,
                ..filter.clone()
            };
            filter.for_each(conn, Some(window), &mut |c| {
                out.push((c.id, format!("{} ({})", c.full_name, c.company_name)));
                Ok(())
            })
        })?,
        Records::Contracts(filter) => read(&mut |id_range, window, out| {
            let filter = contracts::Filter {
                id_range,
                ..filter.clone()
            };
            filter.for_each(conn, Some(window), &mut |c| {
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
            })
        })?,
        Records::Events(filter) => read(&mut |id_range, window, out| {
            let filter = events::Filter {
                id_range,
                ..filter.clone()
            };
            filter.for_each(conn, Some(window), &mut |e| {
                out.push((e.id, format!("{}, {}", e.name, e.start.replace('T', " "))));
                Ok(())
            })
        })?,
        Records::Collaborators(department) => {
            // Collaborators are few: filter the prefix here rather than in SQL.
            collaborators::Filter { department }.for_each(conn, None, &mut |c| {
                if out.len() < LIMIT as usize && c.id.to_string().starts_with(prefix) {
                    out.push((c.id, format!("{} ({})", c.full_name, c.department)));
                }
                Ok(())
            })?;
        }
        Records::Nothing => {}
    }
    Ok(out)
}

/// Reads the candidates within one id range (or none) and one window into the list.
type Visit<'a> = dyn FnMut(Option<(i64, i64)>, Window, &mut Vec<(i64, String)>) -> Result<()> + 'a;

/// Which records an id kind means for one collaborator: those the command accepts and the
/// collaborator may act on.
enum Records {
    Clients(clients::Filter),
    Contracts(contracts::Filter),
    Events(events::Filter),
    Collaborators(Option<Department>),
    Nothing,
}

impl Records {
    fn of(kind: IdKind, actor: &Collaborator) -> Records {
        use Department::{Management, Sales, Support};
        use IdKind::*;
        let mine = Some(actor.id);
        let own = if actor.department == Sales {
            mine
        } else {
            None
        };
        match (kind, actor.department) {
            (Client, _) | (ManagedClient | ContractableClient, Management) => {
                Records::Clients(clients::Filter::default())
            }
            (UpdatableClient | ContractableClient, Sales) => Records::Clients(clients::Filter {
                sales_contact_id: mine,
                ..Default::default()
            }),
            (Contract, _) | (ManagedContract, Management) => {
                Records::Contracts(contracts::Filter::default())
            }
            (UpdatableContract, Management | Sales) => Records::Contracts(contracts::Filter {
                sales_contact_id: own,
                ..Default::default()
            }),
            (SignableContract, Management | Sales) => Records::Contracts(contracts::Filter {
                unsigned: true,
                sales_contact_id: own,
                ..Default::default()
            }),
            (PayableContract, Management | Sales) => Records::Contracts(contracts::Filter {
                signed: true,
                unpaid: true,
                sales_contact_id: own,
                ..Default::default()
            }),
            (EventableContract, Sales) => Records::Contracts(contracts::Filter {
                signed: true,
                sales_contact_id: mine,
                ..Default::default()
            }),
            (Event, _) | (ManagedEvent, Management) => Records::Events(events::Filter::default()),
            (AssignedEvent, Management) => Records::Events(events::Filter {
                has_support: true,
                ..Default::default()
            }),
            (UpdatableEvent, Sales) => Records::Events(events::Filter {
                sales_contact_id: mine,
                no_support: true,
                ..Default::default()
            }),
            (UpdatableEvent, Support) => Records::Events(events::Filter {
                support_contact_id: mine,
                ..Default::default()
            }),
            (Collaborator, _) | (ManagedCollaborator, Management) => Records::Collaborators(None),
            (SalesCollaborator, _) => Records::Collaborators(Some(Sales)),
            (SupportCollaborator, _) => Records::Collaborators(Some(Support)),
            _ => Records::Nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::service::{demo, users};

    fn demo_context(dir: &tempfile::TempDir) -> Context {
        let config = Config::in_dir(dir.path());
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
    fn a_prefix_lists_matching_ids_in_numeric_order_across_magnitudes() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::in_dir(dir.path());
        let mut ctx = Context::open(config).unwrap();
        crate::service::scale::load(&mut ctx, 150).unwrap();
        let expected: Vec<i64> = [1].into_iter().chain(10..=19).chain(100..=108).collect();
        assert_eq!(ids(&ctx, 1, IdKind::Client, "1"), expected);
        assert_eq!(
            ids(&ctx, 1, IdKind::Client, "14"),
            [14, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149]
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
