//! Piped input: every line of standard input is a command, as if typed, with nothing
//! interactive echoed. A password that a command asks for is the next line. The run stops at
//! the first failing line (unless `--keep-going`) and exits with that line's code.

use super::{Flow, Shell, is_broken_pipe};
use crate::ui::prompter::{SharedInput, read_line};

pub(super) fn run(shell: &mut Shell, input: &SharedInput, keep_going: bool) -> u8 {
    let mut first_failure = 0;
    loop {
        let line = match read_line(input) {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(err) => return shell.fail(&err, None),
        };
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        match shell.execute(trimmed) {
            Ok(Flow::Exit) => break,
            Ok(Flow::Continue) => {}
            Err(err) if is_broken_pipe(&err) => return first_failure,
            Err(err) => {
                let code = shell.fail(&err, None);
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
