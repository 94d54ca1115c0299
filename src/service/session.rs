//! Session tokens: JWT HS256, 8 hours, no leeway (PRODUCT.md §5).
//!
//! A token names the collaborator by id *and* by their random identity (which no other
//! collaborator, present or future, ever has), the token version it was issued for and the
//! database it belongs to. Identity and version are compared with the database on every
//! command, and again inside every write's transaction, so logout, password and department
//! changes and deletion end sessions at once, and a token can never come back as someone else.
//! Every way a token can be wrong (forged, expired, issued in the future, for another
//! database, unreadable) ends in the same `NotLoggedIn`.

use std::path::Path;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use time::Duration;

use crate::domain::{Claim, Collaborator, Timestamp};
use crate::error::{Error, Result};
use crate::private_files;
use crate::secret::Secret;

pub const LIFETIME: Duration = Duration::hours(8);

/// How far ahead of this machine's clock a token's issue time may be (clocks of machines
/// sharing a database drift a little). A token issued further in the future was issued by a
/// clock that was wrong, and would otherwise live far beyond its 8 hours.
pub const MAX_CLOCK_SKEW: Duration = Duration::minutes(1);

/// A token file is a few hundred bytes; anything much larger is not ours.
const MAX_TOKEN_BYTES: u64 = 4096;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    /// The collaborator id.
    sub: String,
    /// The collaborator's random identity.
    uid: String,
    /// The token version it was issued for.
    ver: i64,
    /// The database it is valid for.
    db: String,
    iat: i64,
    exp: i64,
}

/// A logged-in collaborator: whom their token names, and the collaborator as stored when
/// the command started. Reads and early refusals use [`Session::who`]; every write reloads
/// the collaborator from the claim inside its own transaction (`Context::write_as`), so a
/// collaborator demoted, deleted or logged out while a command waits writes nothing.
#[derive(Debug, Clone)]
pub struct Session {
    pub who: Collaborator,
    claim: Claim,
}

impl Session {
    pub(crate) fn new(who: Collaborator, claim: Claim) -> Session {
        Session { who, claim }
    }

    pub(crate) fn claim(&self) -> &Claim {
        &self.claim
    }
}

pub fn issue(secret: &Secret, instance: &str, claimed: &Claim, now: Timestamp) -> Result<String> {
    let claims = Claims {
        sub: claimed.collaborator_id.to_string(),
        uid: claimed.identity.clone(),
        ver: claimed.version,
        db: instance.to_owned(),
        iat: now.unix(),
        exp: now.plus(LIFETIME).unix(),
    };
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.bytes()),
    )
    .map_err(Error::internal)
}

/// Checks signature, algorithm, database, issue time and expiry (against `now`, without
/// leeway).
pub fn verify(secret: &Secret, instance: &str, token: &str, now: Timestamp) -> Result<Claim> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    // Expiry is checked below against the injected clock rather than the system's.
    validation.validate_exp = false;
    validation.set_required_spec_claims(&["exp", "sub", "iat"]);
    let data = jsonwebtoken::decode::<Claims>(
        token.trim(),
        &DecodingKey::from_secret(secret.bytes()),
        &validation,
    )
    .map_err(|_| Error::NotLoggedIn)?;
    let claims = data.claims;
    let issued_in_the_future = claims.iat > now.plus(MAX_CLOCK_SKEW).unix();
    if issued_in_the_future || claims.db != instance {
        return Err(Error::NotLoggedIn);
    }
    // Genuine, for this database, and over: worth saying so rather than "not logged in".
    if now.unix() >= claims.exp {
        return Err(Error::SessionExpired);
    }
    let collaborator_id = claims.sub.parse().map_err(|_| Error::NotLoggedIn)?;
    Ok(Claim {
        collaborator_id,
        identity: claims.uid,
        version: claims.ver,
    })
}

/// Stores the token owner-only, atomically.
pub fn store(path: &Path, token: &str) -> Result<()> {
    private_files::write_atomic(path, token.as_bytes())?;
    Ok(())
}

/// The stored token; `NotLoggedIn` when there is none or it cannot be read as one.
pub fn load(path: &Path) -> Result<String> {
    match private_files::read_small(path, MAX_TOKEN_BYTES) {
        Ok(Some(bytes)) => String::from_utf8(bytes).map_err(|_| Error::NotLoggedIn),
        _ => Err(Error::NotLoggedIn),
    }
}

/// Removes the stored token, if any.
pub fn forget(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err.into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn secret() -> Secret {
        Secret::load(
            Some("0123456789abcdef0123456789abcdef"),
            Path::new("unused"),
        )
        .unwrap()
    }

    fn noon() -> Timestamp {
        Timestamp::new(datetime!(2026-06-04 12:00 UTC))
    }

    fn me() -> Claim {
        Claim {
            collaborator_id: 7,
            identity: "0123456789abcdef0123456789abcdef".into(),
            version: 3,
        }
    }

    #[test]
    fn a_fresh_token_is_accepted() {
        let token = issue(&secret(), "db1", &me(), noon()).unwrap();
        assert_eq!(verify(&secret(), "db1", &token, noon()).unwrap(), me());
    }

    #[test]
    fn a_token_is_refused_one_second_after_expiry_and_not_before() {
        let token = issue(&secret(), "db1", &me(), noon()).unwrap();
        let last_valid = noon().plus(LIFETIME - Duration::seconds(1));
        assert!(verify(&secret(), "db1", &token, last_valid).is_ok());
        assert!(matches!(
            verify(&secret(), "db1", &token, noon().plus(LIFETIME)),
            Err(Error::SessionExpired)
        ));
        let after = noon().plus(LIFETIME + Duration::seconds(1));
        assert!(matches!(
            verify(&secret(), "db1", &token, after),
            Err(Error::SessionExpired)
        ));
    }

    #[test]
    fn a_token_issued_in_the_future_is_refused_beyond_a_minute_of_skew() {
        let ahead = issue(&secret(), "db1", &me(), noon().plus(Duration::hours(3))).unwrap();
        assert!(matches!(
            verify(&secret(), "db1", &ahead, noon()),
            Err(Error::NotLoggedIn)
        ));
        let skewed = issue(&secret(), "db1", &me(), noon().plus(Duration::seconds(50))).unwrap();
        assert!(verify(&secret(), "db1", &skewed, noon()).is_ok());
    }

    #[test]
    fn a_token_for_another_database_or_key_is_refused() {
        let token = issue(&secret(), "db1", &me(), noon()).unwrap();
        assert!(verify(&secret(), "db2", &token, noon()).is_err());
        let other =
            Secret::load(Some("another secret of at least 32 bytes"), Path::new("x")).unwrap();
        assert!(verify(&other, "db1", &token, noon()).is_err());
    }

    #[test]
    fn a_flipped_signature_is_refused() {
        let token = issue(&secret(), "db1", &me(), noon()).unwrap();
        let mut bytes = token.into_bytes();
        let last = bytes.len() - 2;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        let forged = String::from_utf8(bytes).unwrap();
        assert!(verify(&secret(), "db1", &forged, noon()).is_err());
    }

    #[test]
    fn a_missing_token_file_means_not_logged_in() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            load(&dir.path().join("session")),
            Err(Error::NotLoggedIn)
        ));
        store(&dir.path().join("session"), "abc").unwrap();
        assert_eq!(load(&dir.path().join("session")).unwrap(), "abc");
        forget(&dir.path().join("session")).unwrap();
        forget(&dir.path().join("session")).unwrap();
    }
}
