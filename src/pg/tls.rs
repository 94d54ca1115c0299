//! TLS to the database server, with rustls (the library `serve` and Sentry's transport
//! already use). The URL's `sslmode` and `sslrootcert` mean what they mean to libpq,
//! PostgreSQL's own client, so that the URL a team already uses with `psql` works here:
//!
//! | `sslmode` | TLS | the server's certificate |
//! |---|---|---|
//! | `disable` | never | — |
//! | `prefer` (the default) | when the server offers it | not checked |
//! | `require` | always | not checked, unless `sslrootcert` is given (then as `verify-ca`) |
//! | `verify-ca` | always | signed by a trusted authority |
//! | `verify-full` | always | signed by a trusted authority, for the URL's host |
//!
//! The trusted authorities are the certificates of `sslrootcert` (a PEM file), or the
//! system's when it is absent or `system`. (libpq would read `~/.postgresql/root.crt`; one
//! trust store for every program on the machine is simpler to run.) Channel binding is not
//! offered: SCRAM authenticates without it, as libpq's `channel_binding=prefer` allows.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use postgres::config::SslMode;
use postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect, TlsStream};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ClientConfig, WebPkiServerVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Where to connect, and how: the URL as the driver reads it (without the two settings it
/// does not know) and the TLS it asks for.
#[derive(Clone)]
pub struct Target {
    pub config: postgres::Config,
    pub tls: Tls,
}

/// How long a connection waits for the server's machine to answer, unless the URL says
/// (`connect_timeout`, in seconds): a wrong address or a firewall that drops the packets is
/// one line after this, rather than the system's two minutes or more.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How much a connection checks of the server it reaches (`sslmode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// Reads `url`: its `sslmode` and `sslrootcert`, then the rest as the driver does, with a
/// [`CONNECT_TIMEOUT`] unless it sets one. The error is the reason, in words, that the URL
/// cannot be used.
pub fn target(url: &str) -> Result<Target, String> {
    let (rest, settings) = split_settings(url);
    let mode = match settings.mode.as_deref() {
        None | Some("prefer") => Mode::Prefer,
        Some("disable") => Mode::Disable,
        Some("require") => Mode::Require,
        Some("verify-ca") => Mode::VerifyCa,
        Some("verify-full") => Mode::VerifyFull,
        Some(_) => {
            return Err(
                "sslmode must be disable, prefer, require, verify-ca or verify-full".to_owned(),
            );
        }
    };
    let mut config: postgres::Config = rest
        .parse()
        .map_err(|_| "the URL is not valid".to_owned())?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    config.ssl_mode(match mode {
        Mode::Disable => SslMode::Disable,
        Mode::Prefer => SslMode::Prefer,
        Mode::Require | Mode::VerifyCa | Mode::VerifyFull => SslMode::Require,
    });
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = settings
        .root_cert
        .as_deref()
        .filter(|path| *path != "system");
    let verifier: Arc<dyn ServerCertVerifier> = match (mode, settings.root_cert.is_some()) {
        (Mode::VerifyFull, _) => trusted(roots, &provider)?,
        (Mode::Disable | Mode::Prefer | Mode::Require, false) => Arc::new(Lenient {
            chain: None,
            algorithms: provider.signature_verification_algorithms,
        }),
        (_, _) => Arc::new(Lenient {
            chain: Some(trusted(roots, &provider)?),
            algorithms: provider.signature_verification_algorithms,
        }),
    };
    let client = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|err| format!("TLS cannot be set up ({err})"))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(Target {
        config,
        tls: Tls(Arc::new(client)),
    })
}

/// Why a connection that failed in its TLS handshake failed, in words; `None` for a failure
/// of another kind.
pub fn refusal(err: &postgres::Error) -> Option<&'static str> {
    let source = std::error::Error::source(err)?;
    let rustls = source
        .downcast_ref::<io::Error>()
        .and_then(|io| io.get_ref())
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    Some(match rustls {
        Some(rustls::Error::InvalidCertificate(refused)) => match refused {
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "the server's certificate is not for this host name (sslmode=verify-full checks it)"
            }
            CertificateError::UnknownIssuer => {
                "the server's certificate is not signed by a trusted authority (sslrootcert names the one to trust)"
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "the server's certificate has expired"
            }
            _ => "the server's certificate was refused",
        },
        Some(_) => "the TLS handshake with the server failed",
        None if source.to_string().contains("does not support TLS") => {
            "the server does not offer TLS, which the URL's sslmode requires"
        }
        None => return None,
    })
}

/// The libpq settings the driver does not read, taken out of a URL's query.
#[derive(Debug, Default, PartialEq, Eq)]
struct Settings {
    mode: Option<String>,
    root_cert: Option<String>,
}

/// `url` without its `sslmode` and `sslrootcert` parameters, and their (percent-decoded)
/// values.
fn split_settings(url: &str) -> (String, Settings) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_owned(), Settings::default());
    };
    let mut settings = Settings::default();
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "sslmode" => settings.mode = Some(percent_decoded(value)),
            "sslrootcert" => settings.root_cert = Some(percent_decoded(value)),
            _ => kept.push(pair),
        }
    }
    let rest = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    (rest, settings)
}

/// `value` with its `%XX` escapes decoded (a path given as `%2Fetc%2Fssl%2Fca.pem`).
fn percent_decoded(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| value.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The verifier of certificates signed by the authorities of the PEM file `roots`, or by
/// the system's.
fn trusted(
    roots: Option<&str>,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<dyn ServerCertVerifier>, String> {
    let Some(path) = roots else {
        let system = rustls_platform_verifier::Verifier::new(provider.clone())
            .map_err(|err| format!("the system's trusted certificates cannot be read ({err})"))?;
        return Ok(Arc::new(system));
    };
    let unreadable = || format!("sslrootcert {path} is not a readable PEM certificate file");
    let mut store = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(path).map_err(|_| unreadable())? {
        store
            .add(cert.map_err(|_| unreadable())?)
            .map_err(|_| unreadable())?;
    }
    if store.is_empty() {
        return Err(unreadable());
    }
    WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider.clone())
        .build()
        .map(|verifier| verifier as Arc<dyn ServerCertVerifier>)
        .map_err(|_| unreadable())
}

/// The modes short of `verify-full`: `prefer` and `require` without `sslrootcert` check no
/// certificate (the traffic is encrypted, libpq's meaning), `verify-ca` checks it is signed
/// by a trusted authority (`chain`) for whatever host. Either way the handshake's signatures
/// are verified, with the key the certificate holds.
#[derive(Debug)]
struct Lenient {
    chain: Option<Arc<dyn ServerCertVerifier>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Lenient {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(chain) = &self.chain else {
            return Ok(ServerCertVerified::assertion());
        };
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            verified => verified,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// What the driver calls to wrap a connection in TLS (connections and cancel requests).
#[derive(Clone)]
pub struct Tls(Arc<ClientConfig>);

impl<S> MakeTlsConnect<S> for Tls
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = Stream<S>;
    type TlsConnect = Handshake;
    type Error = io::Error;

    /// `host` is empty for a Unix socket, where the server answers that it has no TLS and
    /// the driver goes on without (or stops, for `require`): only a handshake needs a name.
    fn make_tls_connect(&mut self, host: &str) -> io::Result<Handshake> {
        Ok(Handshake {
            connector: tokio_rustls::TlsConnector::from(self.0.clone()),
            name: ServerName::try_from(host.to_owned()).ok(),
        })
    }
}

/// The TLS handshake with one server.
pub struct Handshake {
    connector: tokio_rustls::TlsConnector,
    name: Option<ServerName<'static>>,
}

impl<S> TlsConnect<S> for Handshake
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = Stream<S>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<Stream<S>>> + Send>>;

    fn connect(self, stream: S) -> Self::Future {
        Box::pin(async move {
            let name = self.name.ok_or_else(|| {
                io::Error::new(io::ErrorKind::InvalidInput, "no host name to check")
            })?;
            let tls = self.connector.connect(name, stream).await?;
            Ok(Stream(Box::new(tls)))
        })
    }
}

/// A connection in TLS.
pub struct Stream<S>(Box<tokio_rustls::client::TlsStream<S>>);

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for Stream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_read(cx, buf)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for Stream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_shutdown(cx)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> TlsStream for Stream<S> {
    fn channel_binding(&self) -> ChannelBinding {
        ChannelBinding::none()
    }
}

#[cfg(test)]
mod tests;
