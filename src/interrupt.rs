//! Ctrl-C while a command runs (PRODUCT.md §2): the command is cancelled, never the shell.
//!
//! While the line editor or a form reads keys, the terminal is in raw mode and Ctrl-C arrives
//! as a key, which they turn into "cancel this line or form". Between them, while a command
//! runs, it arrives as SIGINT. [`install`] replaces the default action (ending the process)
//! with a handler thread that raises a flag and interrupts the SQLite statement in progress;
//! the statement fails with `SQLITE_INTERRUPT`, which is [`Error::Cancelled`], so the write
//! transaction rolls back on its way out. Loops that run many statements or print many rows
//! call [`check`] between them, since SQLite only interrupts what is running.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use crate::error::{Error, Result};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// Set while the process waits for piped input, where nothing is in progress to cancel.
static WAITING: AtomicBool = AtomicBool::new(false);
static DATABASE: Mutex<Option<Interrupter>> = Mutex::new(None);

/// What stops the statement a store is running: SQLite's interrupt, or a PostgreSQL cancel
/// request (sent on a connection of its own).
pub enum Interrupter {
    Sqlite(rusqlite::InterruptHandle),
    Postgres(crate::pg::Canceller),
}

impl Interrupter {
    fn interrupt(&self) {
        match self {
            Interrupter::Sqlite(handle) => handle.interrupt(),
            Interrupter::Postgres(canceller) => canceller.cancel(),
        }
    }
}

/// Handles Ctrl-C from now on: flags the running command and interrupts `database`'s
/// statement in progress (none in team mode, where the server's statements are its own). A
/// second call only changes the database.
pub fn install(database: Option<Interrupter>) {
    *DATABASE.lock().unwrap_or_else(PoisonError::into_inner) = database;
    // Only the first call sets the handler; later ones report that one exists, which is fine.
    let _ = ctrlc::try_set_handler(|| {
        if WAITING.load(Ordering::SeqCst) {
            // A script or a one-shot command waiting for its next line (or a password): there
            // is no transaction open, so the process ends at once, as a shell command would.
            eprintln!("cancelled");
            std::process::exit(130);
        }
        // The flag is raised with the database held, and the database let go once the
        // statement's interruption is sent: [`reset`] waits for that, so that a PostgreSQL
        // cancel request still travelling never reaches the next command's statement.
        let database = DATABASE.lock().unwrap_or_else(PoisonError::into_inner);
        INTERRUPTED.store(true, Ordering::SeqCst);
        if let Some(database) = database.as_ref() {
            database.interrupt();
        }
    });
}

/// Runs `wait`, a blocking read of piped input, during which Ctrl-C ends the process.
pub fn while_waiting<T>(wait: impl FnOnce() -> T) -> T {
    WAITING.store(true, Ordering::SeqCst);
    let result = wait();
    WAITING.store(false, Ordering::SeqCst);
    result
}

/// Forgets an earlier Ctrl-C: called before the next command is read, never as a command
/// starts, which would lose a Ctrl-C pressed between Enter and that moment. A one-shot command
/// never calls it: a Ctrl-C from the moment the handler is installed cancels it.
///
/// A Ctrl-C whose interruption is still being sent (a PostgreSQL cancel request goes on a
/// connection of its own, and cancels whatever statement runs when it arrives) is waited
/// for first: once it has arrived, the server ignores it while the connection is idle.
pub fn reset() {
    let _sent = DATABASE.lock().unwrap_or_else(PoisonError::into_inner);
    INTERRUPTED.store(false, Ordering::SeqCst);
}

/// Whether Ctrl-C was pressed since the command started.
pub fn requested() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// `Err(Cancelled)` once Ctrl-C was pressed since the command started.
pub fn check() -> Result<()> {
    if requested() {
        Err(Error::Cancelled)
    } else {
        Ok(())
    }
}
