//! Standard output, through a pager when a command's output is taller than the terminal (as
//! git and psql do).
//!
//! While a command runs on a terminal, what it prints is held back until it either ends (and
//! is written as is) or passes the terminal's height: then a pager starts (`$EPICEVENTS_PAGER`,
//! else `$PAGER`, else `less -FRX`), receives what was held back, and everything after it. A
//! long export streams into the pager; nothing is kept in memory beyond one screen. Output
//! that is not a terminal is never paged. Before a form asks a question, what is held back is
//! written out ([`Output::flush`]), so a message never waits behind its prompt.

use std::io::{self, Write};
use std::process::{Child, ChildStdin, Command, Stdio};

/// The pager used when neither `EPICEVENTS_PAGER` nor `PAGER` says otherwise: quits at once
/// when the text fits (`-F`), keeps colours (`-R`), leaves the text on screen (`-X`).
pub const DEFAULT_PAGER: &str = "less -FRX";

/// The pager command to use, if any: `EPICEVENTS_PAGER`, else `PAGER`, else [`DEFAULT_PAGER`];
/// an empty value or `cat` means none.
pub fn configured() -> Option<Vec<String>> {
    let chosen = std::env::var("EPICEVENTS_PAGER")
        .or_else(|_| std::env::var("PAGER"))
        .unwrap_or_else(|_| DEFAULT_PAGER.to_owned());
    let words = shlex::split(&chosen)?;
    match words.first().map(String::as_str) {
        None | Some("cat") => None,
        Some(_) => Some(words),
    }
}

/// Where a command's output goes.
pub struct Output {
    base: Box<dyn Write>,
    page: Option<Page>,
}

/// One command's output on a terminal: held back until it passes `height` lines.
struct Page {
    command: Vec<String>,
    height: usize,
    lines: usize,
    held: Vec<u8>,
    pager: Option<(Child, ChildStdin)>,
}

impl Output {
    pub fn new(base: Box<dyn Write>) -> Self {
        Output { base, page: None }
    }

    /// Starts a command whose output may be paged through `command` on a terminal of
    /// `height` lines.
    pub fn begin(&mut self, command: Vec<String>, height: usize) {
        self.page = Some(Page {
            command,
            height: height.max(2),
            lines: 0,
            held: Vec::new(),
            pager: None,
        });
    }

    /// Ends the command: what is held back is written out, or the pager is closed and waited
    /// for (the prompt comes back when the user leaves it).
    pub fn end(&mut self) -> io::Result<()> {
        let Some(page) = self.page.take() else {
            return self.base.flush();
        };
        match page.pager {
            Some((mut child, stdin)) => {
                drop(stdin);
                child.wait()?;
                Ok(())
            }
            None => {
                self.base.write_all(&page.held)?;
                self.base.flush()
            }
        }
    }

    /// Starts the pager with what was held back; if it cannot start, the output goes to the
    /// terminal as it would have without one.
    fn start_pager(base: &mut dyn Write, page: &mut Page) -> io::Result<()> {
        let spawned = Command::new(&page.command[0])
            .args(&page.command[1..])
            .stdin(Stdio::piped())
            .spawn();
        match spawned {
            Ok(mut child) => {
                let mut stdin = child.stdin.take().expect("stdin is piped");
                stdin.write_all(&page.held)?;
                page.held.clear();
                page.pager = Some((child, stdin));
            }
            Err(_) => {
                base.write_all(&page.held)?;
                page.held.clear();
                // No pager: from now on, straight through.
                page.height = usize::MAX;
            }
        }
        Ok(())
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some(page) = self.page.as_mut() else {
            return self.base.write(buf);
        };
        if let Some((_, stdin)) = page.pager.as_mut() {
            return stdin.write(buf);
        }
        if page.height == usize::MAX {
            return self.base.write(buf);
        }
        page.held.extend_from_slice(buf);
        page.lines += buf.iter().filter(|b| **b == b'\n').count();
        // The prompt needs the last line of the screen.
        if page.lines >= page.height - 1 {
            Self::start_pager(&mut self.base, page)?;
        }
        Ok(buf.len())
    }

    /// Writes out what is held back (before a form asks something); lines already written
    /// still count toward the screen.
    fn flush(&mut self) -> io::Result<()> {
        match self.page.as_mut() {
            Some(page) => match page.pager.as_mut() {
                Some((_, stdin)) => stdin.flush(),
                None => {
                    self.base.write_all(&page.held)?;
                    page.held.clear();
                    self.base.flush()
                }
            },
            None => self.base.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use super::*;

    #[derive(Clone, Default)]
    struct Screen(Rc<RefCell<Vec<u8>>>);

    impl Write for Screen {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().write(buf)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn text(screen: &Screen) -> String {
        String::from_utf8(screen.0.borrow().clone()).unwrap()
    }

    #[test]
    fn output_that_fits_goes_to_the_terminal_when_the_command_ends() {
        let screen = Screen::default();
        let mut out = Output::new(Box::new(screen.clone()));
        out.begin(vec!["false".into()], 10);
        writeln!(out, "one\ntwo").unwrap();
        assert_eq!(text(&screen), "", "held back until the command ends");
        out.end().unwrap();
        assert_eq!(text(&screen), "one\ntwo\n");
    }

    #[test]
    fn taller_output_goes_through_the_pager() {
        let dir = tempfile::tempdir().unwrap();
        let paged = dir.path().join("paged");
        let screen = Screen::default();
        let mut out = Output::new(Box::new(screen.clone()));
        let command = format!("cat > {}", paged.display());
        out.begin(vec!["sh".into(), "-c".into(), command], 5);
        for n in 0..20 {
            writeln!(out, "line {n}").unwrap();
        }
        out.end().unwrap();
        assert_eq!(text(&screen), "", "nothing reached the terminal directly");
        let through = std::fs::read_to_string(&paged).unwrap();
        assert_eq!(through.lines().count(), 20);
        assert!(through.starts_with("line 0\n"));
    }

    #[test]
    fn a_pager_that_cannot_start_leaves_the_output_on_the_terminal() {
        let screen = Screen::default();
        let mut out = Output::new(Box::new(screen.clone()));
        out.begin(vec!["/nonexistent/pager".into()], 3);
        for n in 0..5 {
            writeln!(out, "line {n}").unwrap();
        }
        out.end().unwrap();
        assert_eq!(text(&screen).lines().count(), 5);
    }
}
