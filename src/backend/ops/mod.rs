//! The operations of the grammar, one per command that reads or writes records, grouped by
//! menu. Each names its route in the API and runs the service it stands for as the
//! collaborator whose token the context holds.

pub mod account;
pub mod audit;
pub mod clients;
pub mod contracts;
pub mod events;
pub mod users;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Listed, Operation};

/// What is done with every operation and list: the server's routes and the OpenAPI document
/// are built by visiting them, so neither can forget one.
pub trait Visitor {
    fn operation<O: Operation>(&mut self);
    fn list<L: Listed>(&mut self);
}

/// Visits every operation and list of the API.
pub fn visit(v: &mut impl Visitor) {
    use account::*;
    use audit::*;
    use clients::*;
    use contracts::*;
    use events::*;
    use users::*;
    v.operation::<Login>();
    v.operation::<Logout>();
    v.operation::<Whoami>();
    v.operation::<ChangePassword>();
    v.operation::<Complete>();
    v.operation::<AuditHistory>();
    v.list::<crate::repo::audit::Filter>();
    v.list::<crate::repo::clients::Filter>();
    v.operation::<ClientsShow>();
    v.operation::<ClientsEmailFree>();
    v.operation::<ClientsCreate>();
    v.operation::<ClientsUpdate>();
    v.operation::<ClientsReassign>();
    v.operation::<ClientsDeletable>();
    v.operation::<ClientsDelete>();
    v.list::<crate::repo::contracts::Filter>();
    v.operation::<ContractsShow>();
    v.operation::<ContractsCreate>();
    v.operation::<ContractsUpdate>();
    v.operation::<ContractsSign>();
    v.operation::<ContractsPay>();
    v.operation::<ContractsDeletable>();
    v.operation::<ContractsDelete>();
    v.operation::<ContractsEventable>();
    v.list::<crate::repo::events::Filter>();
    v.operation::<EventsShow>();
    v.operation::<EventsCreate>();
    v.operation::<EventsUpdate>();
    v.operation::<EventsAssign>();
    v.operation::<EventsUnassign>();
    v.operation::<EventsDelete>();
    v.list::<crate::repo::collaborators::Filter>();
    v.operation::<UsersShow>();
    v.operation::<UsersEmailFree>();
    v.operation::<UsersNumberFree>();
    v.operation::<UsersCreate>();
    v.operation::<UsersUpdate>();
    v.operation::<UsersDeletable>();
    v.operation::<UsersDelete>();
    v.operation::<UsersUnlock>();
    v.operation::<UsersResetPassword>();
}

/// The answer of an operation that has nothing to say but that it succeeded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Done {}

/// Implements [`super::Operation`] for an operation that needs a session: `$me` is the
/// collaborator acting ([`crate::service::auth::acting`]; refused without a session), `$op`
/// the operation and `$ctx` the context.
macro_rules! operation {
    (
        $op:ty => $out:ty,
        $method:ident $path:literal, $name:literal, $summary:literal,
        |$this:ident, $ctx:ident, $me:ident| $body:expr
    ) => {
        impl $crate::backend::Operation for $op {
            type Output = $out;

            const ROUTE: $crate::backend::Route = $crate::backend::Route {
                method: $crate::backend::Method::$method,
                path: $path,
                name: $name,
                summary: $summary,
            };

            fn run(
                self,
                $ctx: &mut $crate::service::Context,
            ) -> $crate::error::Result<Self::Output> {
                let $this = self;
                #[allow(unused_variables)]
                let $me = $crate::service::auth::acting($ctx)?;
                $body
            }
        }
    };
}
pub(crate) use operation;

/// Implements [`super::Listed`] for a list's filter.
macro_rules! listed {
    ($filter:ty => $item:ty, $path:literal, $name:literal, $summary:literal) => {
        impl $crate::backend::Listed for $filter {
            type Item = $item;
            const PATH: &'static str = $path;
            const NAME: &'static str = $name;
            const SUMMARY: &'static str = $summary;
        }
    };
}

/// Clients: a search is checked as `--search` is (a server trusts no client's checks).
impl super::Listed for crate::repo::clients::Filter {
    type Item = crate::domain::Client;
    const PATH: &'static str = "/clients";
    const NAME: &'static str = "clients_list";
    const SUMMARY: &'static str = "Clients, filtered and sorted as `clients list`";

    fn check(&self, ctx: &crate::service::Context) -> crate::error::Result<()> {
        if let Some(search) = &self.search {
            crate::domain::SearchText::parse(search)?;
        }
        crate::service::auth::actor(ctx).map(drop)
    }
}
listed!(
    crate::repo::contracts::Filter => crate::domain::Contract,
    "/contracts",
    "contracts_list",
    "Contracts, filtered and sorted as `contracts list`, `unsigned` and `unpaid`"
);
/// Events: `from` and `to` are stored times (`2027-06-04T13:00`), checked as such.
impl super::Listed for crate::repo::events::Filter {
    type Item = crate::domain::Event;
    const PATH: &'static str = "/events";
    const NAME: &'static str = "events_list";
    const SUMMARY: &'static str =
        "Events, filtered and sorted as `events list`, `mine` and `no-support`";

    fn check(&self, ctx: &crate::service::Context) -> crate::error::Result<()> {
        for (name, bound) in [("from", &self.from), ("to", &self.to)] {
            if bound
                .as_deref()
                .is_some_and(|b| crate::domain::EventTime::from_sql(b).is_none())
            {
                return Err(crate::error::Error::invalid(
                    name,
                    "expected a stored time like 2027-06-04T13:00",
                ));
            }
        }
        crate::service::auth::actor(ctx).map(drop)
    }
}
listed!(
    crate::repo::collaborators::Filter => crate::domain::Collaborator,
    "/users",
    "users_list",
    "Collaborators, as `users list`"
);

/// The audit trail: management only.
impl super::Listed for crate::repo::audit::Filter {
    type Item = crate::repo::audit::AuditEntry;
    const PATH: &'static str = "/audit";
    const NAME: &'static str = "audit_list";
    const SUMMARY: &'static str = "The audit trail, as `audit list` (management)";

    fn check(&self, ctx: &crate::service::Context) -> crate::error::Result<()> {
        if self
            .since
            .as_deref()
            .is_some_and(|b| crate::domain::EventTime::from_sql(b).is_none())
        {
            return Err(crate::error::Error::invalid(
                "since",
                "expected a stored time like 2027-06-04T00:00",
            ));
        }
        crate::service::audit::may_read(&crate::service::auth::actor(ctx)?.who)
    }
}
