//! Machine-readable output: JSON and CSV, streamed one record at a time.
//!
//! The keys are a stable interface (PRODUCT.md §2): each listed type names them in order,
//! and both formats use the same names and values (amounts as two-decimal strings,
//! timestamps as ISO-8601 strings, absent relations as `null` or an empty CSV cell).

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

/// How a list or a `show` is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// A table that fits the terminal, one page at a time.
    #[default]
    Table,
    /// A JSON array of objects (one object for `show`).
    Json,
    /// Comma-separated values with a header line.
    Csv,
}

/// Writes records as a JSON array or CSV rows, one at a time, never holding the list.
pub struct Stream<'w> {
    out: &'w mut dyn Write,
    csv: bool,
    /// Escape control characters in CSV cells: standard output is a terminal, where raw ones
    /// would act (piped CSV stays byte-exact).
    on_terminal: bool,
    keys: &'static [&'static str],
    written: u64,
}

impl<'w> Stream<'w> {
    /// Starts a JSON (`csv == false`) or CSV stream of records with `keys`.
    pub fn begin(
        out: &'w mut dyn Write,
        csv: bool,
        keys: &'static [&'static str],
        on_terminal: bool,
    ) -> io::Result<Self> {
        if csv {
            writeln!(out, "{}", keys.join(","))?;
        } else {
            write!(out, "[")?;
        }
        Ok(Stream {
            out,
            csv,
            on_terminal,
            keys,
            written: 0,
        })
    }

    pub fn push<T: Serialize>(&mut self, record: &T) -> io::Result<()> {
        if self.csv {
            let value = serde_json::to_value(record).map_err(io::Error::other)?;
            let cells: Vec<String> = self
                .keys
                .iter()
                .map(|key| csv_cell(value.get(*key).unwrap_or(&Value::Null), self.on_terminal))
                .collect();
            writeln!(self.out, "{}", cells.join(","))?;
        } else {
            let separator = if self.written == 0 { "\n  " } else { ",\n  " };
            // Serialised directly, so the keys keep the documented order.
            let text = json_safe(serde_json::to_string(record).map_err(io::Error::other)?);
            write!(self.out, "{separator}{text}")?;
        }
        self.written += 1;
        Ok(())
    }

    pub fn finish(self) -> io::Result<()> {
        if !self.csv {
            let end = if self.written == 0 { "]" } else { "\n]" };
            writeln!(self.out, "{end}")?;
        }
        self.out.flush()
    }
}

/// One record as a JSON object (for `show --format json`).
pub fn json_object<T: Serialize>(out: &mut dyn Write, record: &T) -> io::Result<()> {
    let text = json_safe(serde_json::to_string_pretty(record).map_err(io::Error::other)?);
    writeln!(out, "{text}")
}

/// serde_json escapes C0 controls but prints C1 controls (U+009B can start an escape
/// sequence) and bidirectional overrides as they are. Those can only stand inside strings,
/// where `\uXXXX` is the same JSON value.
fn json_safe(json: String) -> String {
    let unsafe_char =
        |c: char| ('\u{80}'..='\u{9f}').contains(&c) || crate::domain::is_bidi_control(c);
    if !json.chars().any(unsafe_char) {
        return json;
    }
    json.chars()
        .map(|c| {
            if unsafe_char(c) {
                format!("\\u{:04x}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A CSV cell (RFC 4180): quoted when it holds a comma, quote or line break.
fn csv_cell(value: &Value, on_terminal: bool) -> String {
    let text = match value {
        Value::Null => return String::new(),
        Value::String(s) if on_terminal => super::text::escape(s, true).into_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    // A spreadsheet runs a cell that starts with =, +, - or @ as a formula. Numbers and phone
    // numbers (digits and separators only) cannot carry a harmful one and stay exact.
    let numeric = |c: char| c.is_ascii_digit() || " .,()+-".contains(c);
    let text = if text.starts_with(['=', '+', '-', '@']) && !text.chars().all(numeric) {
        format!("'{text}")
    } else {
        text
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stream(csv: bool, records: &[Value]) -> String {
        let mut out = Vec::new();
        let mut stream = Stream::begin(&mut out, csv, &["id", "name", "note"], false).unwrap();
        for record in records {
            stream.push(record).unwrap();
        }
        stream.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_streams_are_valid_arrays_even_when_empty() {
        assert_eq!(
            serde_json::from_str::<Value>(&stream(false, &[])).unwrap(),
            json!([])
        );
        let records = [
            json!({"id": 1, "name": "A", "note": null}),
            json!({"id": 2, "name": "B", "note": "x"}),
        ];
        let parsed: Value = serde_json::from_str(&stream(false, &records)).unwrap();
        assert_eq!(parsed, json!(records));
    }

    #[test]
    fn json_escapes_c1_controls_and_bidi_overrides_as_the_same_value() {
        let mut out = Vec::new();
        json_object(&mut out, &json!({"name": "a\u{9b}31m\u{202E}b"})).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            !text.contains('\u{9b}') && !text.contains('\u{202E}'),
            "{text}"
        );
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap()["name"],
            "a\u{9b}31m\u{202E}b"
        );
    }

    #[test]
    fn csv_escapes_controls_only_for_a_terminal() {
        assert_eq!(csv_cell(&json!("a\u{1b}[2Jb"), true), "a\\u{1b}[2Jb");
        assert_eq!(csv_cell(&json!("a\u{1b}[2Jb"), false), "a\u{1b}[2Jb");
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_defuses_formulas() {
        let records = [
            json!({"id": 1, "name": "Casey, Kevin", "note": "say \"hi\""}),
            json!({"id": 2, "name": "=SUM(A1)", "note": null}),
            json!({"id": 3, "name": "-2+3+cmd|' /C calc'!A0", "note": "+33 1 00 00 00 01"}),
        ];
        assert_eq!(
            stream(true, &records),
            "id,name,note\n1,\"Casey, Kevin\",\"say \"\"hi\"\"\"\n2,'=SUM(A1),\n3,'-2+3+cmd|' /C calc'!A0,+33 1 00 00 00 01\n"
        );
    }
}
