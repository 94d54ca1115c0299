//! The secret that signs session tokens.
//!
//! It comes from `EPICEVENTS_SECRET` (at least 32 bytes), or else from a key file beside the
//! database, created owner-only with 32 random bytes the first time it is needed.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::error::{Error, Result};
use crate::private_files;

pub const MIN_BYTES: usize = 32;

/// Signing key bytes. `Debug` never shows them.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// From the configured value, else from (or into) the key file at `key_path`
    /// ([`crate::config::Config::key_path`]).
    pub fn load(configured: Option<&str>, key_path: &Path) -> Result<Secret> {
        match configured {
            Some(value) if value.len() < MIN_BYTES => Err(Error::refused(format!(
                "EPICEVENTS_SECRET is too short: it must be at least {MIN_BYTES} bytes"
            ))),
            Some(value) => Ok(Secret(value.as_bytes().to_vec())),
            None => Self::from_key_file(key_path),
        }
    }

    fn from_key_file(path: &Path) -> Result<Secret> {
        // The usual case, on every command: the key exists.
        if let Some(stored) =
            private_files::read_small(path, 4096).context("reading the key file")?
        {
            return Self::from_stored(path, &stored);
        }
        let mut random = [0u8; MIN_BYTES];
        getrandom::fill(&mut random)
            .map_err(|e| Error::internal(anyhow::anyhow!("no randomness: {e}")))?;
        let fresh: String = random.iter().map(|b| format!("{b:02x}")).collect();
        private_files::create_once(path, fresh.as_bytes()).context("creating the key file")?;
        let stored = private_files::read_small(path, 4096)
            .context("reading the key file")?
            .unwrap_or_default();
        Self::from_stored(path, &stored)
    }

    fn from_stored(path: &Path, stored: &[u8]) -> Result<Secret> {
        let key = String::from_utf8_lossy(stored).trim().as_bytes().to_vec();
        if key.len() < MIN_BYTES {
            return Err(Error::refused(format!(
                "the key file {} is damaged: delete it to create a new one (everyone will have to log in again)",
                path.display()
            )));
        }
        Ok(Secret(key))
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// The key file that belongs to the database at `db_path`.
pub fn key_path(db_path: &Path) -> PathBuf {
    let mut name = db_path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".key");
    db_path.with_file_name(name)
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_configured_secret_is_refused() {
        let err = Secret::load(Some("too short"), Path::new("/nonexistent/db")).unwrap_err();
        assert!(err.to_string().contains("at least 32 bytes"));
    }

    #[test]
    fn the_key_file_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let key = key_path(&dir.path().join("crm.db"));
        let first = Secret::load(None, &key).unwrap();
        let second = Secret::load(None, &key).unwrap();
        assert_eq!(first.bytes(), second.bytes());
        assert_eq!(first.bytes().len(), 64);
        assert!(dir.path().join("crm.db.key").exists());
        assert!(!private_files::readable_by_others(
            &dir.path().join("crm.db.key")
        ));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let secret = Secret::load(Some(&"s".repeat(40)), Path::new("x")).unwrap();
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
    }
}
