//! What the plan checker reads from a statement's text: the names its FROM and JOIN clauses
//! bind, and the outer query's ORDER BY, LIMIT and shape. Parentheses set subqueries apart
//! (their LIMIT is not the outer query's) and string literals are opaque (a search for
//! "LIMIT 25" is not a LIMIT).

use std::collections::HashMap;
use std::iter::Peekable;
use std::str::Chars;

/// What the checker needs to know about a statement's text.
#[derive(Debug, Default)]
pub(super) struct Statement {
    /// Every name a FROM, JOIN or UPDATE binds (aliases and bare table names) → its table.
    pub aliases: HashMap<String, String>,
    /// The outer query's ORDER BY terms, as (alias, column).
    pub order_by: Vec<(String, String)>,
    /// The outer query's LIMIT, when it is a number.
    pub limit: Option<i64>,
    /// The outer query is `SELECT COUNT(*) …`.
    pub count: bool,
    /// The outer query is `SELECT COUNT(*) FROM table [alias]` and nothing else.
    pub whole_table_count: bool,
    /// The statement is an unfiltered capped count, `SELECT COUNT(*) FROM (SELECT 1 FROM
    /// table [alias] LIMIT n)`: it reads at most n + 1 rows, whatever the table's size.
    pub capped_count: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Punct(char),
    Literal,
}

/// `SELECT COUNT(*) FROM (SELECT 1 FROM table [alias] LIMIT n)`, n a number: how
/// `Conditions::count_at_most` counts an unfiltered list up to n. Without a condition every
/// row counts, so it reads at most n + 1 rows; with one, the rows read until n match are
/// unbounded (a rare match walks the whole table), and the plan must search an index.
fn is_capped_count(sql: &str) -> bool {
    let sql = sql.trim();
    let Some(inner) = sql
        .strip_prefix("SELECT COUNT(*) FROM (SELECT 1 ")
        .and_then(|s| s.strip_suffix(')'))
    else {
        return false;
    };
    let Some((from, n)) = inner.rsplit_once("LIMIT ") else {
        return false;
    };
    let words: Vec<&str> = from.split_whitespace().collect();
    matches!(words.as_slice(), ["FROM", _] | ["FROM", _, _])
        && !n.trim().is_empty()
        && n.trim().bytes().all(|b| b.is_ascii_digit())
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || "_:$@".contains(c)
}

/// The rest of a quoted string or identifier whose opening `quote` was just read.
fn quoted(chars: &mut Peekable<Chars<'_>>, quote: char) -> String {
    let mut text = String::new();
    while let Some(c) = chars.next() {
        if c == quote && chars.next_if_eq(&quote).is_none() {
            break;
        }
        text.push(c);
    }
    text
}

/// The tokens of `sql` with the depth of parentheses each sits at. A dotted name
/// (`c.id`, `'main'.'clients_search_config'`) is one word; a string literal is one opaque
/// token, so nothing a user typed can look like SQL here.
fn tokens(sql: &str) -> Vec<(Token, usize)> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        let mut name = match c {
            c if c.is_whitespace() => continue,
            '-' if chars.peek() == Some(&'-') => {
                chars.by_ref().find(|c| *c == '\n');
                continue;
            }
            '\'' | '"' => quoted(&mut chars, c),
            c if is_name_char(c) => {
                let mut word = String::from(c);
                while let Some(c) = chars.next_if(|c| is_name_char(*c)) {
                    word.push(c);
                }
                word
            }
            '(' => {
                out.push((Token::Punct('('), depth));
                depth += 1;
                continue;
            }
            ')' => {
                depth = depth.saturating_sub(1);
                out.push((Token::Punct(')'), depth));
                continue;
            }
            c => {
                out.push((Token::Punct(c), depth));
                continue;
            }
        };
        // Only a single-quoted string that no dot follows is a value.
        let mut value = c == '\'';
        while chars.next_if_eq(&'.').is_some() {
            value = false;
            name.push('.');
            match chars.next_if(|c| *c == '\'' || *c == '"') {
                Some(quote) => name.push_str(&quoted(&mut chars, quote)),
                None => {
                    while let Some(c) = chars.next_if(|c| is_name_char(*c)) {
                        name.push(c);
                    }
                }
            }
        }
        out.push((
            if value {
                Token::Literal
            } else {
                Token::Word(name)
            },
            depth,
        ));
    }
    out
}

/// Words that may follow a table name and are not its alias.
const NOT_ALIASES: [&str; 22] = [
    "WHERE",
    "ON",
    "JOIN",
    "LEFT",
    "RIGHT",
    "FULL",
    "INNER",
    "OUTER",
    "CROSS",
    "NATURAL",
    "ORDER",
    "GROUP",
    "HAVING",
    "WINDOW",
    "LIMIT",
    "USING",
    "INDEXED",
    "NOT",
    "UNION",
    "SET",
    "EXCEPT",
    "INTERSECT",
];

fn is_word(token: Option<&(Token, usize)>, word: &str) -> bool {
    matches!(token, Some((Token::Word(w), _)) if w.eq_ignore_ascii_case(word))
}

impl Statement {
    pub fn parse(sql: &str) -> Self {
        let tokens = tokens(sql);
        let mut statement = Statement {
            capped_count: is_capped_count(sql),
            ..Statement::default()
        };
        for (i, (token, _)) in tokens.iter().enumerate() {
            let Token::Word(word) = token else { continue };
            if !["FROM", "JOIN", "UPDATE"]
                .iter()
                .any(|k| word.eq_ignore_ascii_case(k))
            {
                continue;
            }
            let mut at = i + 1;
            // `FROM a x, b y`: each comma names one more table.
            while let Some((Token::Word(name), _)) = tokens.get(at) {
                // A plan names a table as the statement does: `main.x` when it says `main.x`.
                let name = name.to_ascii_lowercase();
                let table = name.rsplit('.').next().unwrap_or_default().to_owned();
                statement.aliases.insert(name, table.clone());
                statement.aliases.insert(table.clone(), table.clone());
                at += 1;
                if is_word(tokens.get(at), "AS") {
                    at += 1;
                }
                if let Some((Token::Word(alias), _)) = tokens.get(at)
                    && !NOT_ALIASES.iter().any(|k| alias.eq_ignore_ascii_case(k))
                {
                    statement.aliases.insert(alias.to_ascii_lowercase(), table);
                    at += 1;
                }
                if tokens.get(at).map(|t| &t.0) != Some(&Token::Punct(',')) {
                    break;
                }
                at += 1;
            }
        }
        let outer: Vec<&Token> = tokens
            .iter()
            .filter(|(_, depth)| *depth == 0)
            .map(|(t, _)| t)
            .collect();
        let word = |i: usize, w: &str| matches!(outer.get(i), Some(Token::Word(x)) if x.eq_ignore_ascii_case(w));
        statement.count = word(0, "SELECT") && word(1, "COUNT");
        // SELECT COUNT ( ) FROM table [alias]: the star sits inside the parentheses.
        let alias_only = match outer.get(6..) {
            Some([]) => true,
            Some([Token::Word(alias)]) => {
                !NOT_ALIASES.iter().any(|k| alias.eq_ignore_ascii_case(k))
            }
            _ => false,
        };
        statement.whole_table_count = statement.count
            && word(4, "FROM")
            && matches!(outer.get(5), Some(Token::Word(_)))
            && alias_only;
        for i in 0..outer.len() {
            if word(i, "ORDER") && word(i + 1, "BY") {
                let mut term = true;
                for token in &outer[i + 2..] {
                    match token {
                        Token::Word(w) if w.eq_ignore_ascii_case("LIMIT") => break,
                        Token::Word(w) if term => {
                            let (alias, column) = w.rsplit_once('.').unwrap_or(("", w));
                            statement
                                .order_by
                                .push((alias.to_ascii_lowercase(), column.to_ascii_lowercase()));
                            term = false;
                        }
                        Token::Punct(',') => term = true,
                        _ => {}
                    }
                }
            }
            if word(i, "LIMIT") {
                statement.limit = match (outer.get(i + 1), outer.get(i + 2)) {
                    (Some(Token::Word(n)), _) => n.parse().ok(),
                    (Some(Token::Punct('-')), Some(Token::Word(n))) => {
                        n.parse::<i64>().ok().map(|n| -n)
                    }
                    _ => None,
                };
            }
        }
        statement
    }
}
