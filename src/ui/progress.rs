//! Progress of long commands on standard error: `demo --scale` and large exports.
//!
//! Drawn only when standard error is a terminal; piped or redirected, nothing extra is
//! printed, so scripts and logs see exactly what they saw before. The services report how far
//! they have come through a callback and print nothing; the drawing happens here. Bars are
//! drawn from the thread that does the work (no ticker thread), between rows, which is also
//! where Ctrl-C is checked: a cancelled command's bar is cleared as it is dropped, before the
//! shell says `cancelled`.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};

use crate::service::scale::{Progress, Stage};

/// Whether progress may be drawn at all.
fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

fn bar(len: Option<u64>, template: &str) -> ProgressBar {
    let style = ProgressStyle::with_template(template)
        .expect("the templates are fixed and valid")
        .progress_chars("=> ");
    ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr())
        .with_style(style)
        .with_finish(ProgressFinish::AndClear)
}

/// The bar of `demo --scale`: rows loaded, their rate and the time left, per stage.
pub struct LoadBar {
    bar: Option<ProgressBar>,
    stage: Option<Stage>,
}

impl LoadBar {
    /// A bar on standard error when it is a terminal; otherwise one that draws nothing.
    pub fn new() -> Self {
        LoadBar {
            bar: stderr_is_terminal().then(|| bar(None, "{msg}")),
            stage: None,
        }
    }

    /// Shows where the load is.
    pub fn show(&mut self, progress: Progress) {
        let Some(bar) = &self.bar else { return };
        if self.stage != Some(progress.stage) {
            self.stage = Some(progress.stage);
            let (what, template) = match progress.stage {
                Stage::Clients => (
                    "clients and contracts",
                    "{msg:22} [{bar:30}] {human_pos}/{human_len} ({per_sec}, {eta} left)",
                ),
                Stage::Events => (
                    "events",
                    "{msg:22} [{bar:30}] {human_pos}/{human_len} ({per_sec}, {eta} left)",
                ),
                Stage::Indexes => ("indexes", "{msg:22} [{bar:30}] {pos}/{len} ({elapsed})"),
            };
            let style = ProgressStyle::with_template(template)
                .expect("the templates are fixed and valid")
                .progress_chars("=> ");
            bar.set_style(style);
            bar.set_message(what);
            bar.set_length(progress.total);
            bar.reset();
        }
        bar.set_position(progress.done);
    }
}

impl Default for LoadBar {
    fn default() -> Self {
        Self::new()
    }
}

/// An export (`--format json|csv`) counts this many rows before it shows a spinner: small
/// exports end before anyone would wonder.
pub const EXPORT_THRESHOLD: u64 = 10_000;

/// The rows an export has written, shown once it is large, on standard error when that is a
/// terminal and standard output is not (the rows go to a file or a pipe: on one terminal, the
/// spinner would write between the rows).
pub struct ExportCount {
    noun: &'static str,
    allowed: bool,
    rows: u64,
    bar: Option<ProgressBar>,
}

impl ExportCount {
    /// `stdout_terminal`: whether the rows themselves go to a terminal.
    pub fn new(noun: &'static str, stdout_terminal: bool) -> Self {
        ExportCount {
            noun,
            allowed: !stdout_terminal && stderr_is_terminal(),
            rows: 0,
            bar: None,
        }
    }

    /// Counts one more row written.
    pub fn row(&mut self) {
        self.rows += 1;
        if !self.rows.is_multiple_of(256) {
            return;
        }
        match &self.bar {
            Some(bar) => bar.set_position(self.rows),
            None if self.allowed && self.rows >= EXPORT_THRESHOLD => {
                let bar = bar(
                    None,
                    "{spinner} {human_pos} {msg} exported ({per_sec}, {elapsed})",
                )
                .with_position(self.rows)
                .with_message(self.noun);
                bar.tick();
                self.bar = Some(bar);
            }
            None => {}
        }
    }
}
