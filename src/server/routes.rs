//! The API's routes: one per operation and two per list, each served by one generic handler
//! that decodes the operation, runs it on a pooled database connection off the async
//! threads, and answers its output or its error as JSON.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, RawPathParams, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use axum::{Json, Router};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::App;
use crate::backend::remote::{API, ExportLine, TOKEN_HEADER};
use crate::backend::{self, Listed, Method, Operation, ops};
use crate::error::Error;
use crate::repo::Window;

/// The largest request body: a form's fields are a few kilobytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How long a client may take to send its body once its headers arrived.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// Who acted in a request, for the access log (set by the handler on its response).
#[derive(Debug, Clone, Copy)]
pub struct Actor(pub i64);

/// Every route of the API, under `/api/v1`.
pub fn router(app: App) -> Router {
    let mut routes = Routes::default();
    crate::backend::ops::visit(&mut routes);
    let api = routes.0.into_iter().fold(
        Router::new()
            .route("/health", get(health))
            .route("/openapi.json", get(openapi)),
        |api, (path, methods)| api.route(&path, methods),
    );
    Router::new()
        .nest(API, api)
        .fallback(not_found)
        .with_state(app)
}

/// The method routers of each path, as the operations name them.
#[derive(Default)]
struct Routes(std::collections::BTreeMap<String, MethodRouter<App>>);

impl Routes {
    fn add(&mut self, path: String, methods: MethodRouter<App>) {
        let merged = match self.0.remove(&path) {
            Some(existing) => existing.merge(methods),
            None => methods,
        };
        self.0.insert(path, merged);
    }
}

impl crate::backend::ops::Visitor for Routes {
    fn operation<O: Operation>(&mut self) {
        let handler = |state: State<App>, request: Request| handle::<O>(state, request);
        let methods = match O::ROUTE.method {
            Method::Get => axum::routing::get(handler),
            Method::Post => axum::routing::post(handler),
            Method::Patch => axum::routing::patch(handler),
            Method::Delete => axum::routing::delete(handler),
        };
        self.add(O::ROUTE.path.to_owned(), methods);
    }

    fn list<L: Listed>(&mut self) {
        self.add(L::PATH.to_owned(), get(page::<L>));
        self.add(format!("{}/export", L::PATH), get(export::<L>));
    }
}

async fn health() -> Json<Value> {
    Json(serde_json::json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

async fn openapi(State(app): State<App>) -> Response {
    let mut response = app.openapi.as_ref().clone().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

async fn not_found() -> Response {
    failure(&Error::Usage(
        "no such route: see /api/v1/openapi.json for the API".into(),
    ))
}

/// Runs operation `O` from `request`.
async fn handle<O: Operation>(State(app): State<App>, request: Request) -> Response {
    let (mut parts, body) = request.into_parts();
    let params: Vec<(String, String)> = RawPathParams::from_request_parts(&mut parts, &())
        .await
        .map(|p| {
            p.iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        })
        .unwrap_or_default();
    let caller = Caller::of(&parts.headers);
    if caller.token.is_none() && !O::PUBLIC {
        return failure(&Error::NotLoggedIn);
    }
    let peer = parts.extensions.get::<super::Peer>().copied();
    let op: O = if O::ROUTE.method.reads_query() {
        match decode_query(&params, parts.uri.query().unwrap_or_default()) {
            Ok(op) => op,
            Err(err) => return failure(&err),
        }
    } else {
        let bytes = match read_body(body).await {
            Ok(bytes) => bytes,
            Err(response) => return response,
        };
        match decode_body(&params, &bytes) {
            Ok(op) => op,
            Err(err) => return failure(&err),
        }
    };
    if O::ROUTE.name == ops::account::Login::ROUTE.name
        && let Some(peer) = peer
        && !app.logins.allow(peer.0.ip())
    {
        return too_many_logins();
    }
    let answer = app.run(caller, move |ctx| op.run(ctx)).await;
    match answer.result {
        Ok(output) => {
            let mut response = Json(output).into_response();
            if let Some(token) = answer.issued.and_then(|t| HeaderValue::from_str(&t).ok()) {
                response.headers_mut().insert(TOKEN_HEADER, token);
            }
            with_actor(response, answer.actor)
        }
        Err(err) => with_actor(failure(&err), answer.actor),
    }
}

/// A page of list `L`: its filter and `limit`/`offset` in the query string.
async fn page<L: Listed>(State(app): State<App>, request: Request) -> Response {
    let (caller, query) = match list_request(&request) {
        Ok(parts) => parts,
        Err(err) => return failure(&err),
    };
    let (filter, window) = match decode_list::<L>(&query) {
        Ok(decoded) => decoded,
        Err(err) => return failure(&err),
    };
    let answer = app
        .run(caller, move |ctx| backend::page(ctx, &filter, window))
        .await;
    let response = match answer.result {
        Ok(page) => Json(page).into_response(),
        Err(err) => failure(&err),
    };
    with_actor(response, answer.actor)
}

/// Every row of list `L`, streamed as lines of JSON as they are read: the rows, then
/// `{"end": {"rows": n}}`, or `{"error": …}` if the export failed midway.
async fn export<L: Listed>(State(app): State<App>, request: Request) -> Response {
    let (caller, query) = match list_request(&request) {
        Ok(parts) => parts,
        Err(err) => return failure(&err),
    };
    let filter = match serde_urlencoded::from_str::<L>(&query) {
        Ok(filter) => filter,
        Err(err) => return failure(&query_error(&err)),
    };
    let (lines, rx) = tokio::sync::mpsc::channel::<Bytes>(64);
    let (first, first_rx) = tokio::sync::oneshot::channel::<Result<(), Error>>();
    let job = app.spawn(caller, move |ctx| {
        // Refused before any row: the answer is an error status, not a stream.
        if let Err(err) = filter.check(ctx) {
            let _ = first.send(Err(err));
            return Ok(());
        }
        let _ = first.send(Ok(()));
        let mut rows = 0u64;
        let line = |value: &ExportLine<L::Item>| {
            let mut text = serde_json::to_vec(value).unwrap_or_default();
            text.push(b'\n');
            Bytes::from(text)
        };
        let result = filter.for_each(ctx.db(), None, &mut |row| {
            rows += 1;
            // A client that went away stops the export between rows.
            lines
                .blocking_send(line(&ExportLine::Row(row)))
                .map_err(|_| Error::Cancelled)
        });
        let last = match result {
            Ok(()) => ExportLine::End { rows },
            Err(Error::Cancelled) => return Ok(()),
            Err(err) => {
                super::log_internal(&err);
                ExportLine::Error(err.to_wire())
            }
        };
        let _ = lines.blocking_send(line(&last));
        Ok(())
    });
    match first_rx.await {
        Ok(Ok(())) => {}
        Ok(Err(err)) => return failure(&err),
        Err(_) => {
            let err = job.await.err().unwrap_or_else(|| {
                Error::internal(anyhow::anyhow!("an export ended before it started"))
            });
            return failure(&err);
        }
    }
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, Infallible>(b), rx))
    });
    let mut response = Response::new(Body::from_stream(stream));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    response
}

/// A list request's caller (refused without a token, as on every route but login's) and
/// query.
fn list_request(request: &Request) -> Result<(Caller, String), Error> {
    let caller = Caller::of(request.headers());
    if caller.token.is_none() {
        return Err(Error::NotLoggedIn);
    }
    let query = request.uri().query().unwrap_or_default().to_owned();
    Ok((caller, query))
}

/// Who asks: the bearer token, and in debug builds the test clock a request may carry
/// (`x-epicevents-test-now`, from a test's `EPICEVENTS_TEST_NOW`: src/clock.rs). Release
/// builds never read that header.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub token: Option<String>,
    pub test_now: Option<String>,
}

impl Caller {
    fn of(headers: &HeaderMap) -> Caller {
        #[cfg(debug_assertions)]
        let test_now = headers
            .get(crate::clock::TEST_NOW_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        #[cfg(not(debug_assertions))]
        let test_now = None;
        Caller {
            token: bearer(headers),
            test_now,
        }
    }
}

/// The token of `authorization: Bearer …`.
fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))?
        .trim();
    (!token.is_empty()).then(|| token.to_owned())
}

async fn read_body(body: Body) -> Result<Bytes, Response> {
    match tokio::time::timeout(
        super::timeout(BODY_TIMEOUT),
        axum::body::to_bytes(body, MAX_BODY_BYTES),
    )
    .await
    {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(_)) => Err(status_failure(
            StatusCode::PAYLOAD_TOO_LARGE,
            &Error::Usage(format!(
                "the request body is larger than {} KiB",
                MAX_BODY_BYTES / 1024
            )),
        )),
        Err(_) => Err(status_failure(
            StatusCode::REQUEST_TIMEOUT,
            &Error::Usage("the request body did not arrive in time".into()),
        )),
    }
}

/// An operation from its path parameters and query string (GET, DELETE).
fn decode_query<O: DeserializeOwned>(params: &[(String, String)], query: &str) -> Result<O, Error> {
    let mut pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query).map_err(|e| query_error(&e))?;
    pairs.retain(|(k, _)| !params.iter().any(|(p, _)| p == k));
    pairs.extend(params.iter().cloned());
    let text = serde_urlencoded::to_string(&pairs).map_err(|e| query_error(&e))?;
    serde_urlencoded::from_str(&text).map_err(|e| query_error(&e))
}

/// An operation from its path parameters and JSON body (POST, PATCH).
fn decode_body<O: DeserializeOwned>(params: &[(String, String)], body: &[u8]) -> Result<O, Error> {
    let mut fields: Map<String, Value> = if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        serde_json::from_slice(body).map_err(|e| {
            Error::Usage(format!(
                "the request body is not the JSON object expected: {e}"
            ))
        })?
    };
    for (name, value) in params {
        // Every path parameter is a record id.
        let id: i64 = value
            .parse()
            .map_err(|_| Error::invalid(name.clone(), "expected a whole number"))?;
        fields.insert(name.clone(), id.into());
    }
    serde_json::from_value(Value::Object(fields))
        .map_err(|e| Error::Usage(format!("the request is not what this route expects: {e}")))
}

/// A list's filter and window from its query string.
fn decode_list<L: DeserializeOwned>(query: &str) -> Result<(L, Window), Error> {
    #[derive(serde::Deserialize)]
    struct Paging {
        limit: Option<u32>,
        offset: Option<u64>,
    }
    let filter: L = serde_urlencoded::from_str(query).map_err(|e| query_error(&e))?;
    let paging: Paging = serde_urlencoded::from_str(query).map_err(|e| query_error(&e))?;
    Ok((
        filter,
        Window {
            limit: paging.limit.unwrap_or(25),
            offset: paging.offset.unwrap_or(0),
        },
    ))
}

fn query_error(err: &impl std::fmt::Display) -> Error {
    Error::Usage(format!(
        "the query string is not what this route expects: {err}"
    ))
}

/// The JSON answer of a failure, with its status.
pub fn failure(err: &Error) -> Response {
    let status =
        StatusCode::from_u16(err.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    status_failure(status, err)
}

fn status_failure(status: StatusCode, err: &Error) -> Response {
    super::log_internal(err);
    (
        status,
        Json(crate::error::wire::Body {
            error: err.to_wire(),
        }),
    )
        .into_response()
}

fn too_many_logins() -> Response {
    status_failure(
        StatusCode::TOO_MANY_REQUESTS,
        &Error::refused(format!(
            "too many login attempts from this address: wait {} seconds and try again",
            super::limits::LOGIN_WINDOW.as_secs()
        )),
    )
}

fn with_actor(mut response: Response, actor: Option<i64>) -> Response {
    if let Some(id) = actor {
        response.extensions_mut().insert(Actor(id));
    }
    response
}
