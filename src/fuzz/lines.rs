//! The lines the properties try: arbitrary text, and lines built from the grammar's walk then
//! mutated word by word and character by character.

use proptest::prelude::*;
use proptest::sample::{Index, select};

use super::{Flag, Kind, SPECS, Slot, Spec, boundaries};

/// Characters that split, quote, escape, end or hide text: shlex's, clap's and the
/// terminal's special cases.
const SPECIAL_CHARS: &[char] = &[
    ' ', '\t', '\n', '\r', '\0', '"', '\'', '\\', '#', '=', '-', '$', '`', '~', '*', '{', '}',
    '\u{7}', '\u{8}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9b}', '\u{a0}', '\u{200b}', '\u{200e}',
    '\u{2003}', '\u{2028}', '\u{202e}', '\u{3000}', '\u{feff}', 'é', 'ß', '€', '😀', '🎉',
];

fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('a', 'z'),
        2 => proptest::char::range(' ', '~'),
        3 => select(SPECIAL_CHARS),
        2 => any::<char>(),
    ]
}

pub(super) fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any_char(), 0..max).prop_map(|chars| chars.into_iter().collect())
}

/// One token of thousands of characters.
fn long_token() -> impl Strategy<Value = String> {
    (
        select(&['a', '9', '-', 'é', '"', '\\', ' ', '😀'][..]),
        1_000..20_000usize,
    )
        .prop_map(|(c, n)| std::iter::repeat_n(c, n).collect())
}

/// Arbitrary lines: random characters, random words, or a very long token.
fn arbitrary_line() -> impl Strategy<Value = String> {
    let separator = select(&[" ", "  ", "\t", "\u{a0}", "\u{3000}", " \\ ", "\n"][..]);
    prop_oneof![
        4 => text(80),
        4 => (proptest::collection::vec(text(12), 0..8), separator)
            .prop_map(|(words, sep)| words.join(sep)),
        1 => (text(12), long_token(), text(6)).prop_map(|(a, b, c)| format!("{a} {b}{c}")),
    ]
}

/// Words that are interesting anywhere in a line.
const SPECIAL_WORDS: &[&str] = &[
    "",
    "--",
    "-",
    "=",
    "--=",
    "---",
    "-y",
    "-yy",
    "-h",
    "--help",
    "-V",
    "--version",
    "help",
    "--format=json",
    "--format=",
    "--page=0",
    "-5",
    "-1e3",
    "--no-such-flag",
    "users",
    "list",
    "show",
    "quit",
    "é",
    "🎉",
    "\u{202e}",
    "\u{a0}",
    "\t",
    "\n",
    "'",
    "\"",
    "\\",
    "#",
    "\0",
];

/// A plausible value for `slot`, sometimes a wrong one.
fn value(slot: &Slot) -> BoxedStrategy<String> {
    let pool: &'static [&'static str] = match slot.kind {
        Kind::Id => &[
            "1",
            "2",
            "7",
            "42",
            "0",
            "-1",
            "+3",
            " 7 ",
            "007",
            "1.5",
            "abc",
            "٣",
            "99999999999999999999",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
        ],
        Kind::Date => &[
            "2026-06-04",
            "2026-06-04 13:00",
            "2026-06-04T13:00",
            "2026-06-04 13:00:59",
            "2026-13-45",
            "2026-02-30 25:61",
            "04/06/2026",
            "now",
            "-2026-06-04",
            "99999-01-01",
        ],
        Kind::Amount => &[
            "1500",
            "1500.5",
            "1500,50",
            "499,99",
            "-5",
            "0",
            "0.001",
            "1e9",
            "NaN",
            "inf",
            "1 500",
            "1_500",
            "€1500",
            "99999999999999999999999.99",
        ],
        Kind::Count => &[
            "0",
            "1",
            "25",
            "1000",
            "1001",
            "4294967295",
            "4294967296",
            "-1",
            "+1",
            "ten",
            "١",
        ],
        Kind::Email => &[
            "alice.manager@epic.com",
            "nina@epic.com",
            "@",
            "a@b",
            "zoë@exämple.com",
            "not an email",
        ],
        Kind::Department => &["management", "sales", "support", "Sales", "marketing"],
        Kind::Entity => &["client", "collaborator", "contract", "event", "clients"],
        Kind::Text => &[
            "Kevin Casey",
            "Cool Startup LLC",
            "53 Rue du Château, 41120 Candé-sur-Beuvron",
            "Zoë 🎉",
            "+33 1 23 45 67 89",
            "EMP-0001",
            "users",
            "create",
            "list",
        ],
    };
    let plausible = select(pool).prop_map(str::to_owned);
    let numbers = prop_oneof![
        any::<u32>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| n.to_string()),
    ];
    let base = prop_oneof![
        5 => plausible,
        2 => numbers,
        2 => text(16),
        1 => select(SPECIAL_WORDS).prop_map(str::to_owned),
    ];
    if slot.choices.is_empty() {
        base.boxed()
    } else {
        let choices = select(slot.choices.clone());
        prop_oneof![
            3 => choices.clone(),
            1 => choices.prop_map(|c| c.to_uppercase()),
            2 => base,
        ]
        .boxed()
    }
}

/// The words of a flag: `--long VALUE`, `--long=VALUE`, `--long` or `-s`.
fn flag_words(flag: &Flag) -> BoxedStrategy<Vec<String>> {
    let long = format!("--{}", flag.long);
    match &flag.value {
        None => {
            let mut forms = vec![vec![long]];
            forms.extend(flag.short.map(|s| vec![format!("-{s}")]));
            select(forms).boxed()
        }
        Some(slot) => (value(slot), any::<bool>())
            .prop_map(move |(v, glued)| {
                if glued {
                    vec![format!("{long}={v}")]
                } else {
                    vec![long.clone(), v]
                }
            })
            .boxed(),
    }
}

/// The words of a well-formed-looking use of `spec`: its path (without the menu name half
/// the time, as typed inside the menu), its positionals, and some of its flags in any order.
fn spec_words(spec: &Spec) -> impl Strategy<Value = Vec<String>> + use<> {
    let path = spec.path.clone();
    let positionals: Vec<_> = spec.positionals.iter().map(value).collect();
    let flags: Vec<_> = spec
        .flags
        .iter()
        .map(|f| proptest::option::weighted(0.4, flag_words(f)))
        .collect();
    (
        any::<bool>(),
        positionals,
        flags.prop_shuffle(),
        any::<bool>(),
    )
        .prop_map(move |(with_menu, positionals, flags, flags_first)| {
            let mut words = path.clone();
            if !with_menu && words.len() == 2 {
                words.remove(0);
            }
            let flags = flags.into_iter().flatten().flatten();
            if flags_first {
                words.extend(flags);
                words.extend(positionals);
            } else {
                words.extend(positionals);
                words.extend(flags);
            }
            words
        })
}

/// A change to the words of a line.
#[derive(Clone, Debug)]
enum WordEdit {
    Drop(Index),
    Duplicate(Index),
    Swap(Index, Index),
    Insert(Index, String),
    Replace(Index, String),
    /// `--flag value` becomes `--flag=value`.
    Glue(Index),
    /// Cuts one word short.
    Cut(Index, Index),
    /// Drops every word from there on.
    Truncate(Index),
}

fn word_edit() -> impl Strategy<Value = WordEdit> {
    let word = || {
        prop_oneof![
            3 => select(SPECIAL_WORDS).prop_map(str::to_owned),
            1 => text(10),
        ]
    };
    prop_oneof![
        any::<Index>().prop_map(WordEdit::Drop),
        any::<Index>().prop_map(WordEdit::Duplicate),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| WordEdit::Swap(a, b)),
        (any::<Index>(), word()).prop_map(|(i, w)| WordEdit::Insert(i, w)),
        (any::<Index>(), word()).prop_map(|(i, w)| WordEdit::Replace(i, w)),
        any::<Index>().prop_map(WordEdit::Glue),
        (any::<Index>(), any::<Index>()).prop_map(|(i, at)| WordEdit::Cut(i, at)),
        any::<Index>().prop_map(WordEdit::Truncate),
    ]
}

fn apply_word_edit(words: &mut Vec<String>, edit: &WordEdit) {
    let len = words.len();
    match edit {
        WordEdit::Insert(i, word) => words.insert(i.index(len + 1), word.clone()),
        WordEdit::Truncate(i) => words.truncate(i.index(len + 1)),
        _ if len == 0 => {}
        WordEdit::Drop(i) => {
            words.remove(i.index(len));
        }
        WordEdit::Duplicate(i) => {
            let i = i.index(len);
            words.insert(i, words[i].clone());
        }
        WordEdit::Swap(a, b) => words.swap(a.index(len), b.index(len)),
        WordEdit::Replace(i, word) => words[i.index(len)] = word.clone(),
        WordEdit::Glue(i) => {
            let i = i.index(len);
            if i + 1 < len {
                let next = words.remove(i + 1);
                words[i] = format!("{}={next}", words[i]);
            }
        }
        WordEdit::Cut(i, at) => {
            let word = &mut words[i.index(len)];
            let at = *at.get(&boundaries(word));
            word.truncate(at);
        }
    }
}

/// A change to the characters of a line.
#[derive(Clone, Debug)]
enum CharEdit {
    Insert(Index, char),
    Truncate(Index),
}

fn char_edit() -> impl Strategy<Value = CharEdit> {
    prop_oneof![
        3 => (any::<Index>(), prop_oneof![select(SPECIAL_CHARS), any_char()])
            .prop_map(|(i, c)| CharEdit::Insert(i, c)),
        1 => any::<Index>().prop_map(CharEdit::Truncate),
    ]
}

fn apply_char_edit(line: &mut String, edit: &CharEdit) {
    match edit {
        CharEdit::Insert(i, c) => line.insert(*i.get(&boundaries(line)), *c),
        CharEdit::Truncate(i) => line.truncate(*i.get(&boundaries(line))),
    }
}

/// Words built from the grammar, then changed by up to `edits` word edits.
pub(super) fn grammar_words(edits: usize) -> impl Strategy<Value = Vec<String>> {
    (
        select(SPECS.as_slice()).prop_flat_map(|spec| spec_words(&spec)),
        proptest::collection::vec(word_edit(), 0..=edits),
    )
        .prop_map(|(mut words, edits)| {
            for edit in &edits {
                apply_word_edit(&mut words, edit);
            }
            words
        })
}

/// Lines built from the grammar and mutated: word edits, then quoting (shlex's, or none:
/// the words joined by a separator), then character edits.
pub(super) fn mutated_line(word_edits: usize, char_edits: usize) -> impl Strategy<Value = String> {
    let separator = select(&[" ", " ", "  ", "\t", "\u{a0}", " -- "][..]);
    (
        grammar_words(word_edits),
        any::<bool>(),
        separator,
        proptest::collection::vec(char_edit(), 0..=char_edits),
    )
        .prop_map(|(words, quoted, separator, edits)| {
            let mut line = match shlex::try_join(words.iter().map(String::as_str)) {
                Ok(line) if quoted => line,
                _ => words.join(separator),
            };
            for edit in &edits {
                apply_char_edit(&mut line, edit);
            }
            line
        })
}

/// Any line: arbitrary or mutated.
pub(super) fn any_line() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => arbitrary_line(),
        2 => mutated_line(4, 3),
    ]
}
