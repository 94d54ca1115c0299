//! Team mode's client: the shell's operations sent to `epicevents serve` over HTTPS.
//!
//! The shell keeps only its session token (in the data directory, as in the embedded mode);
//! the database and the signing secret stay on the server. An operation's id fields go in its
//! path, the rest in the query string (GET, DELETE) or a JSON body; the answer is the
//! operation's output, or an error in the stable shape of [`crate::error::wire`], rebuilt
//! here with the same sentence and exit code as the embedded mode would give.

use std::io::{BufRead, BufReader};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use ureq::Agent;
use ureq::http::Response;
use ureq::tls::{PemItem, RootCerts, TlsConfig};

use super::{Listed, Operation, Page};
use crate::config::Config;
use crate::error::wire::Body;
use crate::error::{Error, Fault, Result};
use crate::repo::Window;
use crate::service::session;

/// Where the API lives on a server.
pub const API: &str = "/api/v1";

/// The answer's header that carries a session token a login (or password change) issued.
pub const TOKEN_HEADER: &str = "x-epicevents-token";

/// How long the shell waits for a server that is down or slow before saying so.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// How long Tab waits for ids before offering none: the prompt never freezes.
pub const COMPLETION_TIMEOUT: Duration = Duration::from_millis(1500);

/// The most an answer other than an export may weigh (a page of 1,001 rows is far less).
const MAX_ANSWER_BYTES: u64 = 32 * 1024 * 1024;

/// How an error begins when a request may have reached the server but its answer did not
/// come back.
const ANSWER_LOST: &str = "no answer";

/// The file of the data directory that remembers `login --server URL`.
const REMEMBERED: &str = "server";

/// A server, and where this shell keeps its session token.
#[derive(Clone)]
pub struct Remote {
    url: String,
    agent: Agent,
    timeout: Duration,
    session: PathBuf,
}

impl Remote {
    /// The server of `EPICEVENTS_SERVER`, or the one `login --server` remembered; `None`
    /// means the embedded database.
    pub fn configured(config: &Config) -> Result<Option<Remote>> {
        let url = match &config.server {
            Some(url) => Some(url.clone()),
            None => remembered(&config.home),
        };
        url.map(|url| Remote::connect(&url, config)).transpose()
    }

    /// A client of the server at `url` (checked before anything is sent: `https://`, or
    /// `http://` on a loopback address only).
    pub fn connect(url: &str, config: &Config) -> Result<Remote> {
        let url = checked_url(url)?;
        let roots = match &config.ca {
            Some(path) => RootCerts::new_with_certs(&certificates(path)?),
            None => RootCerts::PlatformVerifier,
        };
        let agent: Agent = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(concat!("epicevents/", env!("CARGO_PKG_VERSION")))
            .tls_config(TlsConfig::builder().root_certs(roots).build())
            .build()
            .into();
        Ok(Remote {
            url,
            agent,
            timeout: TIMEOUT,
            session: config.session_path(),
        })
    }

    /// The same server, waiting at most `timeout` for each answer.
    pub fn with_timeout(&self, timeout: Duration) -> Remote {
        Remote {
            timeout,
            ..self.clone()
        }
    }

    /// The server's address, as given.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Remembers this server for the next commands of this data directory (`login
    /// --server`), or forgets any (`None`).
    pub fn remember(home: &Path, url: Option<&str>) -> Result<()> {
        let path = home.join(REMEMBERED);
        match url {
            Some(url) => crate::private_files::ensure_dir(home)
                .and_then(|()| crate::private_files::write_atomic(&path, url.as_bytes()))
                .map_err(|err| {
                    Error::internal(anyhow::Error::new(err).context("remembering the server"))
                }),
            None => match std::fs::remove_file(&path) {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(Error::internal(err)),
                _ => Ok(()),
            },
        }
    }

    pub fn run<O: Operation>(&mut self, op: O) -> Result<O::Output> {
        let (path, rest) = fill_path(O::ROUTE.path, &op)?;
        let mut url = format!("{}{API}{path}", self.url);
        let reads_query = O::ROUTE.method.reads_query();
        if reads_query {
            let query = query_string(&rest)?;
            if !query.is_empty() {
                url = format!("{url}?{query}");
            }
        }
        let body = (!reads_query).then_some(Value::Object(rest));
        let sent = self.send(O::ROUTE.method, &url, body, Wait::Answer);
        // A write sent without an answer may have been made: say so, rather than let the
        // user run it again blindly.
        let uncertain = |err| match err {
            Error::Fault(Fault::Unreachable { url, why })
                if !reads_query && why.starts_with(ANSWER_LOST) =>
            {
                Error::Fault(Fault::Unreachable {
                    url,
                    why: format!(
                        "{why}; the change may have been made: check it (`show`, `list`) before running the command again"
                    ),
                })
            }
            other => other,
        };
        let mut response = self.answered(sent).map_err(uncertain)?;
        let output: O::Output = self.read(&mut response).map_err(uncertain)?;
        if let Some(token) = response
            .headers()
            .get(TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
        {
            session::store(&self.session, token)?;
        }
        if O::ENDS_SESSION {
            session::forget(&self.session)?;
        }
        Ok(output)
    }

    pub fn page<L: Listed>(&mut self, filter: &L, window: Window) -> Result<Page<L::Item>> {
        let query = format!(
            "{}&limit={}&offset={}",
            list_query(filter)?,
            window.limit,
            window.offset
        );
        let url = format!("{}{API}{}?{query}", self.url, L::PATH);
        let sent = self.send(super::Method::Get, &url, None, Wait::Answer);
        let mut response = self.answered(sent)?;
        self.read(&mut response)
    }

    /// Every row of `filter`, read as the server streams them (one JSON object per line, then
    /// a line that says the export ended, or why it stopped).
    pub fn export<L: Listed>(
        &mut self,
        filter: &L,
        f: &mut dyn FnMut(L::Item) -> Result<()>,
    ) -> Result<()> {
        let url = format!(
            "{}{API}{}/export?{}",
            self.url,
            L::PATH,
            list_query(filter)?
        );
        let sent = self.send(super::Method::Get, &url, None, Wait::FirstByte);
        let mut response = self.answered(sent)?;
        let reader = BufReader::new(response.body_mut().as_reader());
        for line in reader.lines() {
            let line = line.map_err(|err| self.lost(&err.to_string()))?;
            match serde_json::from_str::<ExportLine<L::Item>>(&line) {
                Ok(ExportLine::Row(row)) => f(row)?,
                Ok(ExportLine::End { .. }) => return Ok(()),
                Ok(ExportLine::Error(wire)) => return Err(Error::from(wire)),
                Err(_) => return Err(self.incompatible(200)),
            }
        }
        // The stream stopped before its last line: the server went away mid-export.
        Err(self.lost("the export stopped before its end"))
    }

    /// The stored token, if it can travel in a header at all (a damaged file's cannot: the
    /// server then answers as to anyone without a session, as the embedded mode would).
    /// Sends one request, with the session token if there is one, waiting as `wait` says.
    fn send(
        &self,
        method: super::Method,
        url: &str,
        body: Option<Value>,
        wait: Wait,
    ) -> std::result::Result<Response<ureq::Body>, ureq::Error> {
        let mut request = ureq::http::Request::builder()
            .method(method.as_str())
            .uri(url);
        if let Some(token) = self.token() {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        // Debug builds only: a test's clock goes to the server with the request.
        #[cfg(debug_assertions)]
        if let Ok(now) = std::env::var("EPICEVENTS_TEST_NOW") {
            request = request.header(crate::clock::TEST_NOW_HEADER, now);
        }
        let bytes = match body {
            Some(json) => {
                request = request.header("content-type", "application/json");
                serde_json::to_vec(&json).map_err(|e| ureq::Error::Io(e.into()))?
            }
            None => Vec::new(),
        };
        let request = request.body(bytes).map_err(ureq::Error::Http)?;
        let configured = self.agent.configure_request(request);
        let request = match wait {
            Wait::Answer => configured.timeout_global(Some(self.timeout)).build(),
            // An export streams for as long as it has rows: only its start is bounded.
            Wait::FirstByte => configured
                .timeout_connect(Some(self.timeout))
                .timeout_recv_response(Some(self.timeout))
                .build(),
        };
        self.agent.run(request)
    }

    fn token(&self) -> Option<String> {
        session::load(&self.session)
            .ok()
            .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_graphic()))
    }

    /// The answer, or the error a failed answer stands for.
    fn answered(
        &self,
        sent: std::result::Result<Response<ureq::Body>, ureq::Error>,
    ) -> Result<Response<ureq::Body>> {
        let mut response = sent.map_err(|err| self.unreachable(&err))?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status().as_u16();
        match response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .read_json::<Body>()
        {
            Ok(body) => Err(Error::from(body.error)),
            Err(_) => Err(self.incompatible(status)),
        }
    }

    fn read<T: DeserializeOwned>(&self, response: &mut Response<ureq::Body>) -> Result<T> {
        let status = response.status().as_u16();
        response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .read_json::<T>()
            .map_err(|err| match err {
                ureq::Error::Timeout(_) | ureq::Error::Io(_) => self.unreachable(&err),
                _ => self.incompatible(status),
            })
    }

    fn unreachable(&self, err: &ureq::Error) -> Error {
        let why = match err {
            ureq::Error::Timeout(_) => self.no_answer(),
            ureq::Error::HostNotFound => "no such host".to_owned(),
            ureq::Error::ConnectionFailed => "the connection was refused".to_owned(),
            ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => {
                "its TLS certificate is not trusted here (set EPICEVENTS_CA to the certificate of the CA that signed it)".to_owned()
            }
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => self.no_answer(),
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                "the connection was refused".to_owned()
            }
            ureq::Error::Io(io) if is_tls_refusal(io) => {
                "its TLS certificate is not trusted here (set EPICEVENTS_CA to the certificate of the CA that signed it)".to_owned()
            }
            ureq::Error::Io(_) => format!("{ANSWER_LOST}: the connection broke"),
            _ => "the request could not be sent".to_owned(),
        };
        Error::Fault(Fault::Unreachable {
            url: self.url.clone(),
            why,
        })
    }

    fn no_answer(&self) -> String {
        format!("{ANSWER_LOST} within {} s", self.timeout.as_secs_f32())
    }

    fn lost(&self, why: &str) -> Error {
        Error::Fault(Fault::Unreachable {
            url: self.url.clone(),
            why: why.to_owned(),
        })
    }

    fn incompatible(&self, status: u16) -> Error {
        Error::Fault(Fault::Incompatible {
            url: self.url.clone(),
            status,
        })
    }
}

/// A certificate rustls refused surfaces as an I/O error wrapping the rustls one.
fn is_tls_refusal(err: &std::io::Error) -> bool {
    err.get_ref()
        .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
}

/// How long a request may take.
#[derive(Debug, Clone, Copy)]
enum Wait {
    /// The whole answer within the timeout.
    Answer,
    /// The first byte of the answer within the timeout, then as long as it streams.
    FirstByte,
}

/// One line of an export.
#[derive(serde::Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportLine<R> {
    Row(R),
    End { rows: u64 },
    Error(crate::error::wire::Wire),
}

/// `url` without its trailing slash, if the shell may send a password to it: `https://`,
/// or `http://` to this machine only (a loopback address), where nothing crosses a network.
pub fn checked_url(url: &str) -> Result<String> {
    let url = url.trim().trim_end_matches('/');
    let invalid = |why: &str| Error::invalid("server", why.to_owned());
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| invalid("expected an address like https://crm.example.com:8470"))?;
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() || rest.len() != authority.len() {
        return Err(invalid(
            "expected an address like https://crm.example.com:8470, without a path",
        ));
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(url.to_owned()),
        "http" if is_loopback(authority) => Ok(url.to_owned()),
        "http" => Err(invalid(
            "plain http:// is only for this machine (127.0.0.1, ::1, localhost): passwords and tokens would cross the network unencrypted; use https://",
        )),
        _ => Err(invalid("expected an https:// address")),
    }
}

/// Whether `authority` (`host[:port]`) names this machine.
fn is_loopback(authority: &str) -> bool {
    let host = match authority.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The certificates of the PEM file `path` (`EPICEVENTS_CA`).
fn certificates(path: &Path) -> Result<Vec<ureq::tls::Certificate<'static>>> {
    let unreadable = |why: &str| Error::refused(format!("EPICEVENTS_CA: {} {why}", path.display()));
    let pem = std::fs::read(path).map_err(|_| unreadable("cannot be read"))?;
    let certs: Vec<_> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(PemItem::Certificate(cert)) => Some(cert.to_owned()),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(unreadable("holds no PEM certificate"));
    }
    Ok(certs)
}

/// The server `login --server` remembered in the data directory `home`, if any.
fn remembered(home: &Path) -> Option<String> {
    let text = std::fs::read_to_string(home.join(REMEMBERED)).ok()?;
    Some(text.trim().to_owned()).filter(|url| !url.is_empty())
}

/// The route's path with its `{name}` parameters taken from `op`, and `op`'s other fields.
fn fill_path<T: Serialize>(template: &str, op: &T) -> Result<(String, Map<String, Value>)> {
    let Value::Object(mut fields) = serde_json::to_value(op).map_err(Error::internal)? else {
        return Err(Error::internal(anyhow::anyhow!(
            "an operation is not a JSON object"
        )));
    };
    let mut path = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
        path.push_str(&rest[..start]);
        let name = &rest[start + 1..end];
        let value = fields.remove(name).unwrap_or(Value::Null);
        path.push_str(&percent(&scalar(&value).unwrap_or_default()));
        rest = &rest[(end + 1).min(rest.len())..];
    }
    path.push_str(rest);
    Ok((path, fields))
}

/// A value of a query string (none for a missing one).
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

fn query_string(fields: &Map<String, Value>) -> Result<String> {
    let pairs: Vec<(&str, String)> = fields
        .iter()
        .filter_map(|(k, v)| scalar(v).map(|v| (k.as_str(), v)))
        .collect();
    serde_urlencoded::to_string(pairs).map_err(Error::internal)
}

/// A list's filter as a query string (its default values left out).
fn list_query<L: Serialize>(filter: &L) -> Result<String> {
    let Value::Object(fields) = serde_json::to_value(filter).map_err(Error::internal)? else {
        return Ok(String::new());
    };
    let fields = fields
        .into_iter()
        .filter(|(_, v)| !matches!(v, Value::Bool(false)))
        .collect();
    query_string(&fields)
}

/// Escapes a path segment.
fn percent(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_only_go_to_https_or_to_this_machine() {
        assert_eq!(
            checked_url("https://crm.example.com:8470/").unwrap(),
            "https://crm.example.com:8470"
        );
        for local in [
            "http://127.0.0.1:8470",
            "http://localhost:1",
            "http://[::1]:8470",
        ] {
            assert!(checked_url(local).is_ok(), "{local}");
        }
        for refused in [
            "http://crm.example.com:8470",
            "http://10.0.0.5:8470",
            "http://127.0.0.1.example.com",
            "ftp://crm.example.com",
            "crm.example.com",
            "https://crm.example.com/api",
        ] {
            assert!(checked_url(refused).is_err(), "{refused}");
        }
        let err = checked_url("http://10.0.0.5:8470").unwrap_err().to_string();
        assert!(err.starts_with("invalid server: plain http://"), "{err}");
    }

    #[test]
    fn ids_go_in_the_path_and_the_rest_stays() {
        #[derive(Serialize)]
        struct Pay {
            id: i64,
            amount: String,
        }
        let (path, rest) = fill_path(
            "/contracts/{id}/payments",
            &Pay {
                id: 7,
                amount: "1.00".into(),
            },
        )
        .unwrap();
        assert_eq!(path, "/contracts/7/payments");
        assert_eq!(rest.len(), 1);
        assert_eq!(rest["amount"], "1.00");
    }
}
