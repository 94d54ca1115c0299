//! Piped input: every line of standard input is a command, as if typed, with nothing
//! interactive echoed. A password that a command asks for is the next line. The run stops at
//! the first failing line (unless `--keep-going`) and exits with that line's code.
//!
//! Every error names its line (`line 7: …`), counted in the input as it is: blank lines,
//! comments and the lines that prompts consumed included. A line that is not a command is
//! never quoted back: after a failed command, the line that follows may be the password it
//! would have read. Lines are read with a bound on their length ([`crate::ui::lines`]).

use super::{Flow, Shell, is_broken_pipe};
use crate::error::Error;
use crate::ui::lines::{Line, MAX_LINE_TEXT, SharedInput};

pub(super) fn run(shell: &mut Shell, input: &SharedInput, keep_going: bool) -> u8 {
    let mut first_failure = 0;
    loop {
        // A Ctrl-C while the previous line ran is forgotten before the next is read (a
        // Ctrl-C while waiting for it ends the run, see `crate::interrupt`).
        crate::interrupt::reset();
        let next = input.borrow_mut().next_line();
        let number = input.borrow().number();
        let result = match next {
            Ok(None) => break,
            Ok(Some(Line::Text(line))) => {
                let trimmed = line.trim();
                if trimmed.is_empty() || trimmed.starts_with('#') {
                    continue;
                }
                shell.execute(trimmed)
            }
            Ok(Some(Line::TooLong)) => Err(Error::Usage(format!(
                "the line is longer than {MAX_LINE_TEXT}; nothing was run"
            ))),
            Ok(Some(Line::NotUtf8)) => {
                Err(Error::Usage("not valid UTF-8; nothing was run".to_owned()))
            }
            // Standard input itself failed: there is no next line to go on with.
            Err(err) => return shell.fail(&err.into(), Some(number + 1)),
        };
        match result {
            Ok(Flow::Exit) => break,
            Ok(Flow::Continue) => {}
            Err(err) if is_broken_pipe(&err) => return first_failure,
            Err(err) => {
                let code = shell.fail(&err, Some(number));
                if first_failure == 0 {
                    first_failure = code;
                }
                if !keep_going {
                    break;
                }
            }
        }
    }
    first_failure
}
