//! Sessions: login, logout, whoami, password, and id completion.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Done, operation};
use crate::backend::{Method, Operation, Route};
use crate::domain::{Collaborator, Email, Password};
use crate::error::Result;
use crate::service::completion::{self, IdKind};
use crate::service::{Context, auth};

/// `login`: the server checks the password and issues the session token (the
/// `x-epicevents-token` header of the answer, which the shell keeps as it keeps a local one).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Login {
    pub email: String,
    pub password: String,
    /// The new password, after a reset by management (refused without one then).
    pub new_password: Option<String>,
}

impl Operation for Login {
    type Output = Collaborator;

    const ROUTE: Route = Route {
        method: Method::Post,
        path: "/login",
        name: "login",
        summary: "Logs in: checks the password, counts failures, issues a session token",
    };

    const PUBLIC: bool = true;

    fn run(self, ctx: &mut Context) -> Result<Collaborator> {
        let email = Email::parse(&self.email)?;
        let new = self.new_password.map(Password::parse).transpose()?;
        auth::login(ctx, &email, &self.password, new.as_ref())
    }
}

/// `logout`: ends the session everywhere.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Logout {}

/// Who was logged out, if anyone was.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct LoggedOut {
    pub who: Option<Collaborator>,
}

impl Operation for Logout {
    type Output = LoggedOut;

    const ROUTE: Route = Route {
        method: Method::Post,
        path: "/logout",
        name: "logout",
        summary: "Logs out: every session of the collaborator ends",
    };

    const ENDS_SESSION: bool = true;

    const PUBLIC: bool = true;

    fn run(self, ctx: &mut Context) -> Result<LoggedOut> {
        Ok(LoggedOut {
            who: auth::logout(ctx)?,
        })
    }
}

/// `whoami`: the collaborator logged in, as stored now.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Whoami {}

impl Operation for Whoami {
    type Output = Collaborator;

    const ROUTE: Route = Route {
        method: Method::Get,
        path: "/whoami",
        name: "whoami",
        summary: "The collaborator logged in, as stored now",
    };

    fn run(self, ctx: &mut Context) -> Result<Collaborator> {
        Ok(auth::actor(ctx)?.who)
    }
}

/// `password`: changes one's own password; this session goes on with a new token.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ChangePassword {
    pub current: String,
    pub new: String,
}

operation!(
    ChangePassword => Done,
    Post "/password", "password", "Changes one's own password; other sessions end",
    |op, ctx, me| {
        let new = Password::parse(op.new)?;
        auth::change_password(ctx, &me, &op.current, &new)?;
        Ok(Done {})
    }
);

/// Tab on an id: the ids of `kind` starting with `prefix` that the collaborator may use.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Complete {
    pub kind: IdKind,
    #[serde(default)]
    pub prefix: String,
}

/// An id Tab offers, with its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Candidate {
    pub id: i64,
    pub label: String,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct Candidates {
    pub candidates: Vec<Candidate>,
}

operation!(
    Complete => Candidates,
    Get "/complete", "complete", "Id completion: the ids of a kind that start with a prefix",
    |op, ctx, me| {
        let candidates = completion::candidates(ctx, &me.who, op.kind, &op.prefix)?
            .into_iter()
            .map(|(id, label)| Candidate { id, label })
            .collect();
        Ok(Candidates { candidates })
    }
);
