//! The properties: no line or word list panics the grammar or completion, every grammar error
//! is one line with a user exit code, and a parsed line formatted back parses the same.

use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::TestCaseError;

use super::lines::{any_line, grammar_words, mutated_line, text};
use super::{boundaries, config, contexts};
use crate::error::Error;
use crate::shell::completion;
use crate::shell::grammar::{self, Menu, Parsed};

/// A grammar error is one line, and the user's to fix.
pub(super) fn check_error(err: &Error) -> Result<(), TestCaseError> {
    let text = err.to_string();
    prop_assert!(
        !text.contains(['\n', '\r']),
        "the error is not one line: {text:?}"
    );
    prop_assert!(
        !text.chars().any(char::is_control),
        "the error shows a control character: {text:?}"
    );
    prop_assert!(
        matches!(err.exit_code(), 1 | 2),
        "exit code {} for {err:?}",
        err.exit_code()
    );
    Ok(())
}

/// Resolves and parses words as `Shell::execute_words` does; an error must be a good one.
pub(super) fn check_words(words: Vec<String>, menu: Option<Menu>) -> Result<(), TestCaseError> {
    if let Err(err) = grammar::resolve(words, menu).and_then(|words| grammar::parse(&words)) {
        check_error(&err)?;
    }
    Ok(())
}

/// Runs a line as `Shell::execute` does, up to the dispatch, in every menu.
pub(super) fn check_line(line: &str) -> Result<(), TestCaseError> {
    // Unbalanced quotes and empty lines stop in `execute`, before the grammar.
    let Some(words) = shlex::split(line).filter(|w| !w.is_empty()) else {
        return Ok(());
    };
    for menu in contexts() {
        check_words(words.clone(), menu)?;
    }
    Ok(())
}

/// Completes at `pos` in `menu`: the word start is a char boundary at or before `pos`.
pub(super) fn check_completion(
    line: &str,
    pos: usize,
    menu: Option<Menu>,
) -> Result<(), TestCaseError> {
    let (start, _) = completion::complete(line, pos, menu, None, &|_, _| Vec::new());
    prop_assert!(start <= pos, "start {start} after pos {pos} in {line:?}");
    prop_assert!(
        line.is_char_boundary(start),
        "start {start} is not a char boundary of {line:?}"
    );
    Ok(())
}

/// What a parse gives, comparable: the command's `Debug` form, or the help text.
fn describe(parsed: &Parsed) -> String {
    match parsed {
        Parsed::Command(command) => format!("{command:?}"),
        Parsed::Help(text) => format!("help: {text}"),
    }
}

/// The canonical line of resolved words: each word quoted by shlex. `None` for words shlex
/// cannot quote (NUL bytes).
fn format_words(words: &[String]) -> Option<String> {
    shlex::try_join(words.iter().map(String::as_str)).ok()
}

/// Resolving is idempotent, and a parsed line formatted back parses to the same command, in
/// the menu it was typed in and at the top level (a resolved line starts with a top-level
/// command, so the menu no longer matters).
fn check_round_trip(line: &str, menu: Option<Menu>) -> Result<(), TestCaseError> {
    let Some(words) = shlex::split(line).filter(|w| !w.is_empty()) else {
        return Ok(());
    };
    let Ok(resolved) = grammar::resolve(words, menu) else {
        return Ok(());
    };
    for again in [menu, None] {
        let twice = grammar::resolve(resolved.clone(), again).map_err(|e| e.to_string());
        prop_assert_eq!(
            twice,
            Ok(resolved.clone()),
            "resolving again in {:?}",
            again
        );
    }
    let Ok(parsed) = grammar::parse(&resolved) else {
        return Ok(());
    };
    let Some(formatted) = format_words(&resolved) else {
        return Ok(());
    };
    let words = shlex::split(&formatted);
    prop_assert_eq!(
        words.as_ref(),
        Some(&resolved),
        "shlex does not split its own quoting: {}",
        formatted
    );
    let expected = describe(&parsed);
    for again in [menu, None] {
        let reparsed = grammar::resolve(resolved.clone(), again)
            .and_then(|words| grammar::parse(&words))
            .map(|parsed| describe(&parsed))
            .map_err(|e| e.to_string());
        prop_assert_eq!(
            reparsed,
            Ok(expected.clone()),
            "{} parsed in {:?}",
            formatted,
            again
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    /// Property 1, on lines: the grammar never panics, and its errors are one line with a
    /// user exit code (each line is tried at the top level and in every menu).
    #[test]
    fn lines_never_panic_the_grammar(line in any_line()) {
        check_line(&line)?;
    }

    /// Property 3: a line that parses, formatted back into a line, parses to the same
    /// command; and resolving a resolved line changes nothing.
    #[test]
    fn parsed_lines_round_trip(
        line in prop_oneof![
            3 => mutated_line(1, 0),
            1 => mutated_line(3, 1),
        ],
        menu in select(contexts()),
    ) {
        check_round_trip(&line, menu)?;
    }
}

proptest! {
    #![proptest_config(config(512))]

    /// Property 1, on words given as process arguments (one-shot use, no shlex): the same,
    /// NUL bytes and empty words included.
    #[test]
    fn words_never_panic_the_grammar(
        words in prop_oneof![
            2 => grammar_words(4),
            1 => proptest::collection::vec(text(12), 1..6),
        ],
        menu in select(contexts()),
    ) {
        if !words.is_empty() {
            check_words(words, menu)?;
        }
    }

    /// Property 2: completion never panics at any char boundary, and the word it completes
    /// starts at a char boundary at or before the cursor.
    #[test]
    fn completion_never_panics(
        line in any_line(),
        positions in proptest::collection::vec(any::<Index>(), 1..4),
        menu in select(contexts()),
    ) {
        let boundaries = boundaries(&line);
        check_completion(&line, line.len(), menu)?;
        for pos in positions {
            check_completion(&line, *pos.get(&boundaries), menu)?;
        }
    }
}
