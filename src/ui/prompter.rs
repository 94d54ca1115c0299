//! Forms, behind a trait: the terminal ([`super::terminal`]), plain lines from standard input
//! otherwise, a scripted queue in tests.

use std::collections::VecDeque;

use super::lines::{Line, MAX_LINE_TEXT, SharedInput};
use crate::error::{Error, Result};

/// Checks an answer; `Err` holds the sentence to show before asking again.
pub type Validator<'a> = &'a dyn Fn(&str) -> std::result::Result<(), String>;

/// Accepts any answer.
pub fn any_answer(_: &str) -> std::result::Result<(), String> {
    Ok(())
}

/// One question of a form.
pub struct Question<'a> {
    pub label: &'a str,
    pub default: Option<&'a str>,
    pub help: Option<&'a str>,
    pub validate: Validator<'a>,
}

/// Asks the user for values. Every method returns `Error::Cancelled` when the user cancels
/// (Ctrl-C or Esc on a terminal).
pub trait Prompter {
    /// Whether a person is there to answer forms. When not, missing fields are errors.
    fn is_interactive(&self) -> bool;
    fn text(&mut self, question: &Question<'_>) -> Result<String>;
    /// A password: masked on a terminal (asked twice when `confirm`), one line otherwise.
    /// `validate` checks the first entry, before it is asked again.
    fn password(&mut self, label: &str, confirm: bool, validate: Validator<'_>) -> Result<String>;
    /// One of `options`; returns its index.
    fn select(&mut self, label: &str, options: &[String]) -> Result<usize>;
    /// Some of `options`; returns their indexes.
    fn multi_select(&mut self, label: &str, options: &[String]) -> Result<Vec<usize>>;
    fn confirm(&mut self, label: &str, default: bool) -> Result<bool>;
}

/// Answers from standard input when it is not a terminal: each answer is the next line, and
/// nothing is echoed.
pub struct LinePrompter {
    input: SharedInput,
}

impl LinePrompter {
    pub fn new(input: SharedInput) -> Self {
        LinePrompter { input }
    }

    /// The next line, through the same bounded reader as the script's command lines. An
    /// answer that cannot be used is refused without being shown (it may be a password).
    fn next(&mut self, what: &'static str) -> Result<String> {
        match self.input.borrow_mut().next_line()? {
            Some(Line::Text(answer)) => Ok(answer),
            Some(Line::TooLong) => Err(Error::invalid(
                what,
                format!("the line is longer than {MAX_LINE_TEXT}"),
            )),
            Some(Line::NotUtf8) => Err(Error::invalid(what, "the line is not valid UTF-8")),
            None => Err(Error::invalid(
                what,
                "expected on the next line of standard input, which has ended",
            )),
        }
    }
}

impl Prompter for LinePrompter {
    fn is_interactive(&self) -> bool {
        false
    }

    fn text(&mut self, question: &Question<'_>) -> Result<String> {
        let answer = self.next("answer")?;
        (question.validate)(&answer)
            .map_err(|reason| Error::Usage(format!("{}: {reason}", question.label)))?;
        Ok(answer)
    }

    fn password(
        &mut self,
        _label: &str,
        _confirm: bool,
        validate: Validator<'_>,
    ) -> Result<String> {
        let password = self.next("password")?;
        // Never quoted back: the reason only.
        validate(&password).map_err(|reason| Error::invalid("password", reason))?;
        Ok(password)
    }

    fn select(&mut self, label: &str, options: &[String]) -> Result<usize> {
        let answer = self.next("choice")?;
        choose(&answer, options)
            .ok_or_else(|| Error::Usage(format!("{label} {answer:?} is not one of the choices")))
    }

    fn multi_select(&mut self, label: &str, options: &[String]) -> Result<Vec<usize>> {
        let answer = self.next("choice")?;
        answer
            .split(',')
            .map(|part| {
                choose(part.trim(), options).ok_or_else(|| {
                    Error::Usage(format!("{label} {part:?} is not one of the choices"))
                })
            })
            .collect()
    }

    fn confirm(&mut self, _label: &str, default: bool) -> Result<bool> {
        let answer = self.next("confirmation")?;
        Ok(match answer.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" => true,
            "n" | "no" => false,
            _ => default,
        })
    }
}

/// An option by its text or its 1-based position.
fn choose(answer: &str, options: &[String]) -> Option<usize> {
    options.iter().position(|o| o == answer).or_else(|| {
        answer
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=options.len()).contains(n))
            .map(|n| n - 1)
    })
}

/// Answers from a queue, for unit tests: `None` in the queue cancels that question.
#[derive(Debug, Default)]
pub struct ScriptedPrompter {
    answers: VecDeque<Option<String>>,
}

impl ScriptedPrompter {
    pub fn new<I: IntoIterator<Item = Option<&'static str>>>(answers: I) -> Self {
        ScriptedPrompter {
            answers: answers.into_iter().map(|a| a.map(str::to_owned)).collect(),
        }
    }

    fn next(&mut self) -> Result<String> {
        self.answers.pop_front().flatten().ok_or(Error::Cancelled)
    }

    /// Whether every scripted answer was used.
    pub fn is_exhausted(&self) -> bool {
        self.answers.is_empty()
    }
}

impl Prompter for ScriptedPrompter {
    fn is_interactive(&self) -> bool {
        true
    }

    fn text(&mut self, question: &Question<'_>) -> Result<String> {
        let answer = self.next()?;
        let answer = if answer.is_empty() {
            question.default.unwrap_or_default().to_owned()
        } else {
            answer
        };
        (question.validate)(&answer).map_err(Error::Usage)?;
        Ok(answer)
    }

    fn password(
        &mut self,
        _label: &str,
        _confirm: bool,
        validate: Validator<'_>,
    ) -> Result<String> {
        let password = self.next()?;
        validate(&password).map_err(|reason| Error::invalid("password", reason))?;
        Ok(password)
    }

    fn select(&mut self, label: &str, options: &[String]) -> Result<usize> {
        let answer = self.next()?;
        choose(&answer, options)
            .ok_or_else(|| Error::Usage(format!("{label}: no option {answer:?}")))
    }

    fn multi_select(&mut self, label: &str, options: &[String]) -> Result<Vec<usize>> {
        let answer = self.next()?;
        answer
            .split(',')
            .map(|a| {
                choose(a.trim(), options)
                    .ok_or_else(|| Error::Usage(format!("{label}: no option {a:?}")))
            })
            .collect()
    }

    fn confirm(&mut self, _label: &str, default: bool) -> Result<bool> {
        let answer = self.next()?;
        Ok(if answer.is_empty() {
            default
        } else {
            answer.starts_with(['y', 'Y'])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::lines::Lines;
    use std::io::Cursor;

    fn input(bytes: &[u8]) -> SharedInput {
        Lines::shared(Cursor::new(bytes.to_vec()))
    }

    #[test]
    fn line_prompter_reads_passwords_as_the_next_line() {
        let shared = input(b"first secret\r\nsecond\n");
        let mut prompter = LinePrompter::new(shared.clone());
        assert_eq!(
            prompter.password("Password:", true, &any_answer).unwrap(),
            "first secret"
        );
        assert_eq!(
            shared.borrow_mut().next_line().unwrap(),
            Some(Line::Text("second".into()))
        );
        let err = prompter
            .password("Password:", false, &any_answer)
            .unwrap_err();
        assert!(err.to_string().contains("standard input"));
    }

    #[test]
    fn unusable_answer_lines_are_field_errors_that_do_not_show_them() {
        let mut long = vec![b's'; crate::ui::lines::MAX_LINE_BYTES + 1];
        long.extend_from_slice(b"\nsecr\xffet\nnext\n");
        let shared = input(&long);
        let mut prompter = LinePrompter::new(shared.clone());
        let err = prompter
            .password("Password:", false, &any_answer)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid password: the line is longer than 2 MiB"
        );
        let err = prompter
            .password("Password:", false, &any_answer)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid password: the line is not valid UTF-8"
        );
        assert_eq!(
            prompter.password("Password:", false, &any_answer).unwrap(),
            "next"
        );
        assert_eq!(shared.borrow().number(), 3);
    }

    #[test]
    fn choices_match_by_text_or_position() {
        let options = vec!["sales".to_owned(), "support".to_owned()];
        assert_eq!(choose("support", &options), Some(1));
        assert_eq!(choose("1", &options), Some(0));
        assert_eq!(choose("3", &options), None);
    }

    #[test]
    fn scripted_answers_can_cancel_and_use_defaults() {
        let mut prompter = ScriptedPrompter::new([Some(""), None]);
        let accept = |_: &str| Ok(());
        let question = Question {
            label: "Name",
            default: Some("Kevin"),
            help: None,
            validate: &accept,
        };
        assert_eq!(prompter.text(&question).unwrap(), "Kevin");
        assert!(matches!(prompter.text(&question), Err(Error::Cancelled)));
        assert!(prompter.is_exhausted());
    }
}
