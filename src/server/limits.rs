//! What keeps one client from taking the server: a per-address limit on login attempts, the
//! answer to connections over the cap, and TLS set-up.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::error::{Error, Result};

/// The window of the per-address login limit.
pub const LOGIN_WINDOW: Duration = Duration::from_secs(60);

/// Login attempts one address may make per window. The account lock-out (5 failures) guards
/// each account; this guards the server against one address trying many accounts.
pub const LOGINS_PER_WINDOW: u32 = 20;

/// Login attempts per address in the current window.
#[derive(Default)]
pub struct LoginLimit {
    attempts: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl LoginLimit {
    /// Counts an attempt from `ip`; false once it made [`LOGINS_PER_WINDOW`] in the window.
    pub fn allow(&self, ip: IpAddr) -> bool {
        self.allow_at(ip, Instant::now())
    }

    fn allow_at(&self, ip: IpAddr, now: Instant) -> bool {
        let mut attempts = self.attempts.lock().unwrap_or_else(PoisonError::into_inner);
        // Forgets finished windows now and then, so the map stays small.
        if attempts.len() > 10_000 {
            attempts.retain(|_, (start, _)| now.duration_since(*start) < LOGIN_WINDOW);
        }
        let entry = attempts.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= LOGIN_WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= LOGINS_PER_WINDOW
    }
}

/// Every request of a connection over the cap: 503, try again shortly.
pub fn busy_router() -> Router {
    Router::new().fallback(|| async {
        let mut response = super::routes::failure(&Error::Fault(crate::error::Fault::Busy));
        *response.status_mut() = axum::http::StatusCode::SERVICE_UNAVAILABLE;
        response.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from_static("1"),
        );
        response
    })
}

/// The TLS acceptor of `--tls-cert` (a PEM chain) and `--tls-key` (a PEM private key).
pub fn tls_acceptor(cert: &Path, key: &Path) -> Result<tokio_rustls::TlsAcceptor> {
    let unusable = |flag: &str, path: &Path, why: &str| {
        Error::invalid(flag.to_owned(), format!("{}: {why}", path.display()))
    };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|_| unusable("--tls-cert", cert, "cannot be read as PEM"))?
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| unusable("--tls-cert", cert, "holds a damaged certificate"))?;
    if chain.is_empty() {
        return Err(unusable("--tls-cert", cert, "holds no certificate"));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|_| unusable("--tls-key", key, "holds no PEM private key"))?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(Error::internal)?
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .map_err(|err| Error::invalid("--tls-key", format!("does not fit the certificate: {err}")))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_logins_per_window_then_waits() {
        let limit = LoginLimit::default();
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let other: IpAddr = "192.0.2.8".parse().unwrap();
        let start = Instant::now();
        for _ in 0..LOGINS_PER_WINDOW {
            assert!(limit.allow_at(ip, start));
        }
        assert!(!limit.allow_at(ip, start));
        assert!(
            limit.allow_at(other, start),
            "another address is not limited"
        );
        assert!(
            limit.allow_at(ip, start + LOGIN_WINDOW),
            "a new window starts afresh"
        );
    }
}
