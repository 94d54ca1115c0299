//! The boundary under the shell: what it asks of epicevents, whoever answers.
//!
//! Every command of the grammar that reads or writes records is an [`Operation`]: a value
//! holding what the command gives (ids, fields as typed, a password), with the route it has
//! in the HTTP API and what it answers. Lists are [`Listed`] filters, read a page at a time
//! or exported row by row. A [`Backend`] runs them: in this process on the database
//! ([`Backend::Local`], the embedded mode), or on an `epicevents serve` over HTTPS
//! ([`Backend::Remote`], team mode), where the server runs the very same
//! [`Operation::run`]. The shell never knows which one it talks to; only `setup`, `demo` and
//! `backup`, which belong to the machine that holds the database, ask for the local one.

pub mod given;
pub mod ops;
pub mod remote;

use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::repo::{List, Total, Window};
use crate::service::{Context, auth};
pub use given::Given;
pub use remote::Remote;

/// The HTTP method of an operation's route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
    Delete,
}

impl Method {
    /// Whether the operation's input travels in the query string (otherwise a JSON body).
    pub fn reads_query(self) -> bool {
        matches!(self, Method::Get | Method::Delete)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// Where an operation lives in the API, under `/api/v1`.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub method: Method,
    /// The path, with its id parameters in braces: `/clients/{id}`.
    pub path: &'static str,
    /// The OpenAPI operation id, e.g. `clients_update`.
    pub name: &'static str,
    /// One line for the OpenAPI document.
    pub summary: &'static str,
}

/// One command's request: what it gives, where it goes, what it answers.
pub trait Operation: Wire {
    type Output: Wire;

    const ROUTE: Route;

    /// Whether a success ends the caller's session (logout): the client forgets its token.
    const ENDS_SESSION: bool = false;

    /// Whether it may be asked without a session token (login, logout); every other route
    /// refuses a request without one before reading it.
    const PUBLIC: bool = false;

    /// Runs the operation on the database of `ctx`, as whoever `ctx`'s token names.
    fn run(self, ctx: &mut Context) -> Result<Self::Output>;
}

/// What crosses the wire: an operation's input or output, a list's filter or row.
pub trait Wire: Serialize + DeserializeOwned + ToSchema + Send + 'static {}

impl<T: Serialize + DeserializeOwned + ToSchema + Send + 'static> Wire for T {}

/// A list's filter: the rows it keeps can be read a page at a time or all of them, by any
/// collaborator logged in unless [`Listed::check`] says otherwise.
pub trait Listed: List<Row = Self::Item> + Wire + Clone {
    /// The list's row (the repository's `List::Row`, which must cross the wire).
    type Item: Wire;

    /// The list's path under `/api/v1` (its export is `{PATH}/export`).
    const PATH: &'static str;
    /// The OpenAPI operation id of the page (the export's adds `_export`).
    const NAME: &'static str;
    const SUMMARY: &'static str;

    /// Refuses a reader who may not read this list.
    fn check(&self, ctx: &Context) -> Result<()> {
        auth::actor(ctx).map(drop)
    }
}

/// A window of a list and how many rows the whole list has.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Page<R> {
    pub rows: Vec<R>,
    /// The rows counted: all of them when `exact`, at least this many otherwise.
    pub total: u64,
    pub exact: bool,
}

impl<R> Page<R> {
    pub fn total(&self) -> Total {
        if self.exact {
            Total::Exact(self.total)
        } else {
            Total::AtLeast(self.total)
        }
    }
}

/// The most rows one page may ask for: the shell's largest page (`--page-size 1000`) and one
/// more, which says whether another page follows. An export has no window.
pub const MAX_PAGE_ROWS: u32 = 1_001;

/// Reads `window` of `filter`'s rows, and their count, on a local database.
pub fn page<L: Listed>(ctx: &Context, filter: &L, window: Window) -> Result<Page<L::Item>> {
    filter.check(ctx)?;
    if i64::try_from(window.offset).is_err() {
        return Err(Error::invalid(
            "offset",
            "expected a number of rows to skip",
        ));
    }
    if window.limit > MAX_PAGE_ROWS {
        return Err(Error::invalid(
            "limit",
            format!("expected at most {MAX_PAGE_ROWS} rows in a page"),
        ));
    }
    let mut rows = Vec::with_capacity(window.limit as usize);
    filter.for_each(ctx.db(), Some(window), &mut |row| {
        rows.push(row);
        Ok(())
    })?;
    let total = filter.count(ctx.db())?;
    let (total, exact) = match total {
        Total::Exact(n) => (n, true),
        Total::AtLeast(n) => (n, false),
    };
    Ok(Page { rows, total, exact })
}

/// Calls `f` with every row of `filter` on a local database.
pub fn export<L: Listed>(
    ctx: &Context,
    filter: &L,
    f: &mut dyn FnMut(L::Item) -> Result<()>,
) -> Result<()> {
    filter.check(ctx)?;
    filter.for_each(ctx.db(), None, f)
}

/// Who answers the shell: this process on its database, or a server.
pub enum Backend {
    Local(Box<Context>),
    Remote(Remote),
}

impl Backend {
    /// Opens the backend the configuration names: the server of `EPICEVENTS_SERVER` (or the
    /// one `login --server` remembered), otherwise the local database through `open`.
    pub fn open(config: &Config, open: impl FnOnce() -> Result<Context>) -> Result<Backend> {
        match Remote::configured(config)? {
            Some(remote) => Ok(Backend::Remote(remote)),
            None => open().map(|ctx| Backend::Local(Box::new(ctx))),
        }
    }

    pub fn run<O: Operation>(&mut self, op: O) -> Result<O::Output> {
        match self {
            Backend::Local(ctx) => op.run(ctx),
            Backend::Remote(remote) => remote.run(op),
        }
    }

    /// A page of `filter`'s rows and how many there are.
    pub fn page<L: Listed>(&mut self, filter: &L, window: Window) -> Result<Page<L::Item>> {
        match self {
            Backend::Local(ctx) => page(ctx, filter, window),
            Backend::Remote(remote) => remote.page(filter, window),
        }
    }

    /// Every row of `filter`, one at a time, as they come.
    pub fn export<L: Listed>(
        &mut self,
        filter: &L,
        f: &mut dyn FnMut(L::Item) -> Result<()>,
    ) -> Result<()> {
        match self {
            Backend::Local(ctx) => export(ctx, filter, f),
            Backend::Remote(remote) => remote.export(filter, f),
        }
    }

    /// The local database, for what only its own machine may do (`what`: "setup", "demo",
    /// "backup").
    pub fn local(&mut self, what: &str) -> Result<&mut Context> {
        match self {
            Backend::Local(ctx) => Ok(ctx),
            Backend::Remote(remote) => Err(Error::refused(format!(
                "`{what}` runs on the server's machine, not through {}: run `epicevents {what}` there",
                remote.url()
            ))),
        }
    }

    /// The server this shell talks to, if any.
    pub fn remote(&self) -> Option<&Remote> {
        match self {
            Backend::Local(_) => None,
            Backend::Remote(remote) => Some(remote),
        }
    }
}
