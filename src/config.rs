//! Configuration from the environment (and a `.env` file, PRODUCT.md §7).
//!
//! Nothing is read again later: the rest of the program receives a [`Config`].

use std::env;
use std::path::PathBuf;

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
}

impl Config {
    /// Reads `.env` (if any) then the environment.
    pub fn from_env() -> Config {
        // A missing or unreadable .env is not an error: the environment alone is enough.
        let _ = dotenvy::dotenv();
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
