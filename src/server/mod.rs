//! `epicevents serve`: team mode's server.
//!
//! One process holds the database and the signing secret; collaborators' shells send it the
//! operations of the grammar over HTTPS ([`crate::backend::remote`]) and hold only their
//! session token. Each request runs the same [`crate::backend::Operation::run`] as the
//! embedded mode, on a pooled connection, off the async threads (SQLite is blocking). The
//! accept loop is our own so that every connection is bounded: a TLS handshake and a
//! request's headers must arrive in time, the number of connections is capped, and a stop
//! (SIGTERM, Ctrl-C) lets requests in flight finish before the process exits.

mod limits;
pub mod openapi;
mod routes;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::service::Context;
pub use limits::LoginLimit;

/// The address `serve` listens on without `--listen`.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8470";

/// How many connections are served at once; more wait in the kernel's backlog briefly, then
/// are answered 503.
pub const MAX_CONNECTIONS: usize = 256;

/// How many requests use the database at once (one connection each). SQLite writes one at a
/// time whatever this is; readers proceed in parallel under WAL.
const DATABASE_WORKERS: usize = 8;

/// How long a client has for its TLS handshake, and for each request's headers (also how long
/// an idle kept-alive connection stays open).
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// `limit`, or in debug builds the `EPICEVENTS_TEST_SERVER_TIMEOUT_MS` the tests set, so that
/// a slow client is shown to be cut off without a test waiting seconds. Release builds do not
/// contain the override.
fn timeout(limit: Duration) -> Duration {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("EPICEVENTS_TEST_SERVER_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return Duration::from_millis(ms);
    }
    limit
}

/// How long a stop waits for requests in flight.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// How `serve` was asked to run.
#[derive(Debug, Clone)]
pub struct Options {
    pub listen: String,
    pub tls: Option<(PathBuf, PathBuf)>,
    pub plain_http: bool,
}

/// The peer address of a request's connection.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

/// What every request shares.
#[derive(Clone)]
pub struct App {
    config: Arc<Config>,
    idle: Arc<Mutex<Vec<Context>>>,
    workers: Arc<Semaphore>,
    pub(crate) logins: Arc<LoginLimit>,
    pub(crate) openapi: Arc<String>,
}

/// What running a request's job gave: its result, the token it issued (a login), and who
/// acted (for the access log).
pub(crate) struct Answer<T> {
    pub result: Result<T>,
    pub issued: Option<String>,
    pub actor: Option<i64>,
}

impl App {
    fn new(config: Config) -> Result<App> {
        // Opens (creating and migrating) the database once before serving: a server that
        // cannot open it says so at once rather than at the first request.
        let first = serving(Context::open(config.clone())?);
        Ok(App {
            config: Arc::new(config),
            idle: Arc::new(Mutex::new(vec![first])),
            workers: Arc::new(Semaphore::new(DATABASE_WORKERS)),
            logins: Arc::new(LoginLimit::default()),
            openapi: Arc::new(openapi::document().to_string()),
        })
    }

    /// A connection from the pool, or a new one.
    fn take(&self) -> Result<Context> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match idle {
            Some(ctx) => Ok(ctx),
            None => Ok(serving(Context::open_existing((*self.config).clone())?)),
        }
    }

    fn give_back(&self, ctx: Context) {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(ctx);
    }

    /// Runs `job` on a pooled connection, as the collaborator `caller`'s token names.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        caller: routes::Caller,
        job: impl FnOnce(&mut Context) -> Result<T> + Send + 'static,
    ) -> Answer<T> {
        let app = self.clone();
        let Ok(_permit) = self.workers.clone().acquire_owned().await else {
            return Answer {
                result: Err(Error::internal(anyhow::anyhow!("the worker pool closed"))),
                issued: None,
                actor: None,
            };
        };
        let joined = tokio::task::spawn_blocking(move || {
            let routes::Caller { token, test_now } = caller;
            crate::clock::with_test_now(test_now.as_deref(), || {
                let mut ctx = match app.take() {
                    Ok(ctx) => ctx,
                    Err(err) => {
                        return Answer {
                            result: Err(err),
                            issued: None,
                            actor: None,
                        };
                    }
                };
                ctx.present(token);
                let result = job(&mut ctx);
                let issued = ctx.take_issued();
                let actor = ctx.take_acting();
                ctx.present(None);
                app.give_back(ctx);
                Answer {
                    result,
                    issued,
                    actor,
                }
            })
        })
        .await;
        joined.unwrap_or_else(|err| Answer {
            result: Err(Error::internal(anyhow::anyhow!(
                "a request's job failed: {err}"
            ))),
            issued: None,
            actor: None,
        })
    }

    /// Starts `job` on a pooled connection without waiting for it (an export streams while it
    /// runs); the handle says how it ended.
    pub(crate) fn spawn(
        &self,
        caller: routes::Caller,
        job: impl FnOnce(&mut Context) -> Result<()> + Send + 'static,
    ) -> impl Future<Output = Result<()>> {
        let app = self.clone();
        let handle = tokio::spawn(async move { app.run(caller, job).await.result });
        async move {
            handle.await.unwrap_or_else(|err| {
                Err(Error::internal(anyhow::anyhow!("an export failed: {err}")))
            })
        }
    }
}

/// A context set up to serve requests: sessions from bearer tokens, the database mapped.
fn serving(ctx: Context) -> Context {
    // A connection that cannot map the file still serves, reading as a command does.
    if let Some(conn) = ctx.db().sqlite() {
        let _ = crate::db::use_server_settings(conn);
    }
    ctx.with_bearer_tokens()
}

/// Logs an internal error's cause (the client only reads the fixed sentence) and reports it.
pub(crate) fn log_internal(err: &Error) {
    if let Some(cause) = err.diagnostic() {
        tracing::error!(kind = "internal", "{cause}");
        crate::telemetry::report(err);
    }
}

/// Runs `epicevents serve` until SIGTERM or Ctrl-C; returns the exit code.
pub fn main(config: Config, options: Options) -> u8 {
    let _ = tracing_subscriber::fmt()
        .with_target(false)
        .with_ansi(false)
        .with_writer(std::io::stderr)
        .try_init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: the server could not start: {err}");
            return 3;
        }
    };
    match runtime.block_on(serve(config, options)) {
        Ok(()) => 0,
        Err(err) => {
            crate::telemetry::report(&err);
            eprintln!("error: {err}");
            err.exit_code()
        }
    }
}

async fn serve(config: Config, options: Options) -> Result<()> {
    let address: SocketAddr = options.listen.parse().map_err(|_| {
        Error::invalid(
            "--listen",
            format!("expected an address and port like {DEFAULT_LISTEN}"),
        )
    })?;
    if options.tls.is_none() && !address.ip().is_loopback() && !options.plain_http {
        return Err(Error::refused(format!(
            "{address} is reachable from other machines: give --tls-cert and --tls-key, or --plain-http if a reverse proxy in front of it does TLS"
        )));
    }
    let tls = options
        .tls
        .as_ref()
        .map(|(cert, key)| limits::tls_acceptor(cert, key))
        .transpose()?;
    // Opening a database may block (PostgreSQL's client runs its own small runtime, which
    // cannot start on a thread that drives this one).
    let app = tokio::task::spawn_blocking(move || App::new(config))
        .await
        .map_err(|err| Error::internal(anyhow::anyhow!("opening the database: {err}")))??;
    let pool = Arc::clone(&app.idle);
    let router = routes::router(app).layer(middleware::from_fn(access_log));
    let listener = TcpListener::bind(address)
        .await
        .map_err(|err| Error::refused(format!("cannot listen on {address}: {err}")))?;
    let bound = listener.local_addr().map_err(Error::internal)?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    // Tests and scripts read this line to learn the port of `--listen 127.0.0.1:0`.
    eprintln!("epicevents serve: listening on {scheme}://{bound}");
    tracing::info!(%bound, scheme, "listening");
    let (stop_tx, stop_rx) = watch::channel(false);
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let overflow = Arc::new(Semaphore::new(MAX_CONNECTIONS / 4));
    let mut tasks = tokio::task::JoinSet::new();
    let mut stop = std::pin::pin!(shutdown_signal());
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // A failed accept (too many open files, a reset) never stops the server.
                Err(err) => {
                    tracing::warn!("accept failed: {err}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            // Over the cap: answered 503 within the same time limits, up to a point; beyond
            // it the connection is closed at once.
            if let Ok(permit) = overflow.clone().try_acquire_owned() {
                let (tls, stop) = (tls.clone(), stop_rx.clone());
                tasks.spawn(async move {
                    let _permit = permit;
                    connection(stream, peer, tls, limits::busy_router(), stop).await;
                });
            }
            continue;
        };
        let router = router.clone();
        let tls = tls.clone();
        let stop = stop_rx.clone();
        tasks.spawn(async move {
            let _permit = permit;
            connection(stream, peer, tls, router, stop).await;
        });
        // Finished connections are collected as we go.
        while tasks.try_join_next().is_some() {}
    }
    tracing::info!("stopping: waiting for requests in flight");
    let _ = stop_tx.send(true);
    let drained = tokio::time::timeout(DRAIN_TIMEOUT, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!("stopped with connections still open after {DRAIN_TIMEOUT:?}");
    }
    // The pooled connections close where closing may block, as they were opened.
    let _ = tokio::task::spawn_blocking(move || {
        drop(std::mem::take(
            &mut *pool.lock().unwrap_or_else(PoisonError::into_inner),
        ));
    })
    .await;
    tracing::info!("stopped");
    Ok(())
}

/// Serves one connection (TLS first, if any) until it closes or the server stops.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    tls: Option<tokio_rustls::TlsAcceptor>,
    router: axum::Router,
    stop: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    match tls {
        Some(acceptor) => {
            match tokio::time::timeout(timeout(HANDSHAKE_TIMEOUT), acceptor.accept(stream)).await {
                Ok(Ok(stream)) => http(TokioIo::new(stream), peer, router, stop).await,
                Ok(Err(err)) => tracing::debug!(%peer, "TLS handshake failed: {err}"),
                Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
            }
        }
        None => http(TokioIo::new(stream), peer, router, stop).await,
    }
}

async fn http<I>(io: I, peer: SocketAddr, router: axum::Router, mut stop: watch::Receiver<bool>)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let service = router.map_request(move |mut request: hyper::Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(Peer(peer));
        request
    });
    let service = TowerToHyperService::new(service);
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(timeout(HEADER_TIMEOUT))
        .max_buf_size(64 * 1024)
        .serve_connection(io, service);
    let mut conn = std::pin::pin!(conn);
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(err) = result {
                    tracing::debug!(%peer, "connection ended: {err}");
                }
                return;
            }
            changed = stop.changed() => {
                // Stopping: the request in flight finishes, then the connection closes.
                if changed.is_err() || *stop.borrow() {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.as_mut().await;
                    return;
                }
            }
        }
    }
}

/// SIGTERM (systemd's stop) or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// One line per request: method, route (its template: ids and query strings, which may hold
/// an email, stay out), status, duration and the collaborator who acted. Never a body, a
/// header, a token or a password.
async fn access_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(no route)".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let actor = response.extensions().get::<routes::Actor>().map(|a| a.0);
    tracing::info!(
        method = %method,
        route = %route,
        status = response.status().as_u16(),
        ms = format!("{:.1}", started.elapsed().as_secs_f64() * 1000.0),
        collaborator = actor.map_or_else(|| "-".to_owned(), |id| id.to_string()),
        "request"
    );
    response
}
