//! The `epicevents` binary: runs the shell and turns its outcome into an exit code.

use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;

fn main() -> ExitCode {
    // A panic is a defect: the user gets one sentence (exit code 3), never a stack trace.
    // Unwinding rolls back any open transaction on the way out.
    panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error: epicevents stopped unexpectedly and changed nothing");
        // The operator's choice, as for other internal errors (README, Configuration).
        if std::env::var_os("EPICEVENTS_DEBUG").is_some() {
            eprintln!("  cause: {info}");
        }
    }));
    let args = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let code = panic::catch_unwind(AssertUnwindSafe(|| epicevents::shell::main(args))).unwrap_or(3);
    ExitCode::from(code)
}
