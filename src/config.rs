//! Configuration from the environment (and a `.env` file, PRODUCT.md §7).
//!
//! Nothing is read again later: the rest of the program receives a [`Config`].
//!
//! `.env` is read from the current directory only, never from a parent: a `/tmp/.env`
//! planted by another user must not redirect the database, the data directory or Sentry. For
//! the same reason a `.env` that another user owns or may write to is ignored, with a warning.

use std::env;
use std::fs;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Where epicevents keeps its files and how it reports.
#[derive(Debug, Clone)]
pub struct Config {
    /// The data directory: session token, history, default database.
    pub home: PathBuf,
    /// The SQLite database file.
    pub db_path: PathBuf,
    /// `EPICEVENTS_SECRET`, when set; otherwise a key file beside the database is used.
    pub secret: Option<String>,
    /// Where to report errors; no reporting at all when unset.
    pub sentry_dsn: Option<String>,
    pub sentry_environment: Option<String>,
    /// What the shell should warn about (an ignored `.env`).
    pub warnings: Vec<String>,
    /// `EPICEVENTS_SERVER`: the server of team mode, instead of the embedded database.
    pub server: Option<String>,
    /// `EPICEVENTS_CA`: the certificate (PEM) to trust for the server, instead of the system's.
    pub ca: Option<PathBuf>,
}

impl Config {
    /// Reads `./.env` (if any, and if it is safe to) then the environment.
    pub fn from_env() -> Config {
        let warnings = load_dotenv(Path::new(".env")).into_iter().collect();
        let var = |name: &str| env::var(name).ok().filter(|v| !v.is_empty());
        let home = var("EPICEVENTS_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(default_home);
        let db_path = var("EPICEVENTS_DB")
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join("epicevents.db"));
        Config {
            home,
            db_path,
            secret: var("EPICEVENTS_SECRET"),
            sentry_dsn: var("SENTRY_DSN"),
            sentry_environment: var("SENTRY_ENVIRONMENT"),
            warnings,
            server: var("EPICEVENTS_SERVER"),
            ca: var("EPICEVENTS_CA").map(PathBuf::from),
        }
    }

    /// Everything inside `dir`, nothing from the environment (tests).
    #[cfg(test)]
    pub(crate) fn in_dir(dir: &std::path::Path) -> Config {
        Config {
            home: dir.join("home"),
            db_path: dir.join("crm.db"),
            secret: None,
            sentry_dsn: None,
            sentry_environment: None,
            warnings: Vec::new(),
            server: None,
            ca: None,
        }
    }

    /// The PostgreSQL URL `EPICEVENTS_DB` gives, if it names a PostgreSQL database rather
    /// than a file.
    pub fn postgres_url(&self) -> Option<&str> {
        self.db_path.to_str().filter(|db| crate::pg::is_url(db))
    }

    /// The key file that signs session tokens: beside the database file, or, for a database
    /// on a PostgreSQL server, in this machine's home directory (tokens are issued and
    /// checked on the machine that keeps them).
    pub fn key_path(&self) -> PathBuf {
        match self.postgres_url() {
            Some(_) => self.home.join("postgres.key"),
            None => crate::secret::key_path(&self.db_path),
        }
    }

    /// The stored session token.
    pub fn session_path(&self) -> PathBuf {
        self.home.join("session")
    }

    /// The shell history of one collaborator.
    pub fn history_path(&self, collaborator_id: i64) -> PathBuf {
        self.home
            .join("history")
            .join(format!("{collaborator_id}.txt"))
    }
}

/// Loads `path` into the environment (variables already set win) when it is a regular file
/// of this user's that nobody else may write; otherwise returns why it was ignored.
fn load_dotenv(path: &Path) -> Option<String> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return None,
        Err(_) => return Some(ignored(path, "it cannot be read")),
    };
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    let refusal = if !meta.file_type().is_file() {
        Some("it is not a regular file")
    } else if meta.uid() != me {
        Some("it belongs to another user")
    } else if meta.mode() & 0o022 != 0 {
        Some("other users can write to it (`chmod go-w .env`)")
    } else {
        None
    };
    if let Some(why) = refusal {
        return Some(ignored(path, why));
    }
    dotenvy::from_path(path)
        .err()
        .map(|_| ignored(path, "it is not a valid .env file"))
}

fn ignored(path: &Path, why: &str) -> String {
    format!("ignoring {}: {why}", path.display())
}

/// `$XDG_DATA_HOME/epicevents`, else `~/.local/share/epicevents`, else `./.epicevents`.
fn default_home() -> PathBuf {
    if let Some(xdg) = env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(xdg).join("epicevents");
    }
    match env::var_os("HOME").filter(|v| !v.is_empty()) {
        Some(home) => PathBuf::from(home).join(".local/share/epicevents"),
        None => PathBuf::from(".epicevents"),
    }
}
