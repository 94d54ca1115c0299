//! Lines of standard input, read with a bound on their length.
//!
//! Piped input is read line by line by two readers that share it: the script runner (command
//! lines) and the line prompter (the passwords and answers that follow a command). Both read
//! through [`Lines`], which never holds more than [`MAX_LINE_BYTES`] of one line: a longer line
//! is skipped up to its end without being kept, so 300 MB without a line break costs no more
//! memory than a short line. It also counts the lines it has read, so that an error can name
//! the line of the input it comes from, whichever reader consumed the lines before it.

use std::cell::RefCell;
use std::io::{self, BufRead};
use std::rc::Rc;

/// The longest line accepted, line ending excluded: 2 MiB. A value of a megabyte, quoted for
/// the shell (which can add a fifth to its length), still fits; a line longer than this is
/// never a command anyone typed.
pub const MAX_LINE_BYTES: usize = 2 * 1024 * 1024;

/// [`MAX_LINE_BYTES`] for messages.
pub const MAX_LINE_TEXT: &str = "2 MiB";

/// What one physical line of input holds.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// The line, without its line ending.
    Text(String),
    /// More than [`MAX_LINE_BYTES`]: skipped, and not kept.
    TooLong,
    /// Bytes that are not UTF-8: not kept either, since they cannot be shown safely.
    NotUtf8,
}

/// Standard input as numbered, bounded lines.
pub struct Lines {
    input: Box<dyn BufRead>,
    /// How many lines have been read so far: the number of the last one.
    number: usize,
}

/// The input shared by the script runner and the line prompter.
pub type SharedInput = Rc<RefCell<Lines>>;

impl Lines {
    pub fn new(input: impl BufRead + 'static) -> Self {
        Lines {
            input: Box::new(input),
            number: 0,
        }
    }

    /// Wraps `input` to be shared.
    pub fn shared(input: impl BufRead + 'static) -> SharedInput {
        Rc::new(RefCell::new(Lines::new(input)))
    }

    /// The number (from 1) of the last line read; 0 before the first.
    pub fn number(&self) -> usize {
        self.number
    }

    /// Reads the next line; `None` at the end of input. Only I/O failures are errors.
    pub fn next_line(&mut self) -> io::Result<Option<Line>> {
        let mut kept = Vec::new();
        let mut too_long = false;
        let mut read_any = false;
        loop {
            // Waiting for input is where Ctrl-C finds a script or a one-shot command idle.
            let chunk = match crate::interrupt::while_waiting(|| self.input.fill_buf()) {
                Ok(chunk) => chunk,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            };
            if chunk.is_empty() {
                break;
            }
            read_any = true;
            let (used, ends) = match chunk.iter().position(|&b| b == b'\n') {
                Some(at) => (at + 1, true),
                None => (chunk.len(), false),
            };
            // Room for the text and a `\r\n`: checked before copying, so that the buffer
            // never grows past the bound.
            if !too_long && kept.len() + used > MAX_LINE_BYTES + 2 {
                too_long = true;
                kept = Vec::new();
            }
            if !too_long {
                kept.extend_from_slice(&chunk[..used]);
            }
            self.input.consume(used);
            if ends {
                break;
            }
        }
        if !read_any {
            return Ok(None);
        }
        self.number += 1;
        while kept.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
            kept.pop();
        }
        if too_long || kept.len() > MAX_LINE_BYTES {
            return Ok(Some(Line::TooLong));
        }
        Ok(Some(match String::from_utf8(kept) {
            Ok(text) => Line::Text(text),
            Err(_) => Line::NotUtf8,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Cursor, Read};

    fn lines(bytes: Vec<u8>) -> Lines {
        Lines::new(Cursor::new(bytes))
    }

    #[test]
    fn the_bound_is_named_as_it_is() {
        assert_eq!(MAX_LINE_TEXT, format!("{} MiB", MAX_LINE_BYTES >> 20));
    }

    #[test]
    fn lines_lose_their_endings_and_are_counted() {
        let mut input = lines(b"one\r\n\ntwo\nlast".to_vec());
        assert_eq!(input.next_line().unwrap(), Some(Line::Text("one".into())));
        assert_eq!(input.next_line().unwrap(), Some(Line::Text(String::new())));
        assert_eq!(input.next_line().unwrap(), Some(Line::Text("two".into())));
        assert_eq!(input.number(), 3);
        assert_eq!(input.next_line().unwrap(), Some(Line::Text("last".into())));
        assert_eq!(input.next_line().unwrap(), None);
        assert_eq!(input.number(), 4);
    }

    #[test]
    fn a_line_of_exactly_the_bound_is_kept_and_one_byte_more_is_not() {
        let mut bytes = vec![b'a'; MAX_LINE_BYTES];
        bytes.extend_from_slice(b"\r\n");
        bytes.extend(vec![b'b'; MAX_LINE_BYTES + 1]);
        bytes.extend_from_slice(b"\nafter\n");
        let mut input = lines(bytes);
        let Some(Line::Text(first)) = input.next_line().unwrap() else {
            panic!("the first line is kept");
        };
        assert_eq!(first.len(), MAX_LINE_BYTES);
        assert_eq!(input.next_line().unwrap(), Some(Line::TooLong));
        assert_eq!(input.next_line().unwrap(), Some(Line::Text("after".into())));
        assert_eq!(input.number(), 3);
    }

    /// Endless input without a line break, counting what was read: the reader must go
    /// through it to the end without keeping it.
    struct Endless {
        left: usize,
    }

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.left);
            buf[..n].fill(b'x');
            self.left -= n;
            Ok(n)
        }
    }

    #[test]
    fn an_overlong_line_is_skipped_to_its_end() {
        let input = Endless {
            left: 5 * MAX_LINE_BYTES,
        }
        .chain(Cursor::new(b"\nnext\n".to_vec()));
        let mut input = Lines::new(BufReader::new(input));
        assert_eq!(input.next_line().unwrap(), Some(Line::TooLong));
        assert_eq!(input.next_line().unwrap(), Some(Line::Text("next".into())));
        assert_eq!(input.next_line().unwrap(), None);
    }

    #[test]
    fn invalid_utf8_is_reported_not_kept() {
        let mut input = lines(b"ok\n\xff\xfe bad\nok again\n".to_vec());
        assert_eq!(input.next_line().unwrap(), Some(Line::Text("ok".into())));
        assert_eq!(input.next_line().unwrap(), Some(Line::NotUtf8));
        assert_eq!(
            input.next_line().unwrap(),
            Some(Line::Text("ok again".into()))
        );
    }
}
