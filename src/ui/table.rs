//! Tables that fit the terminal.

use tabled::builder::Builder;
use tabled::settings::peaker::PriorityMax;
use tabled::settings::{Style, Width};

use super::text;

/// The width to fit: the terminal's, else `$COLUMNS`, else 100.
pub fn terminal_width() -> usize {
    if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
        return usize::from(w).max(40);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w| *w >= 40)
        .unwrap_or(100)
}

/// A list: one row per record, long cells truncated with `…` so the table fits `width`.
pub fn list(headers: &[&str], rows: Vec<Vec<String>>, width: usize) -> String {
    let mut builder = Builder::default();
    builder.push_record(headers.iter().copied());
    for row in rows {
        builder.push_record(row.iter().map(|cell| text::cell(cell)));
    }
    builder
        .build()
        .with(Style::sharp())
        .with(
            Width::truncate(width)
                .suffix("…")
                .priority(PriorityMax::right()),
        )
        .to_string()
}

/// One record, field by field, with long values wrapped (never truncated) to fit `width`.
pub fn record(fields: &[(&str, String)], width: usize) -> String {
    let mut builder = Builder::default();
    for (name, value) in fields {
        builder.push_record([(*name).to_owned(), text::escape(value, true).into_owned()]);
    }
    builder
        .build()
        .with(Style::sharp())
        .with(
            Width::wrap(width)
                .keep_words(true)
                .priority(PriorityMax::right()),
        )
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widest_line(table: &str) -> usize {
        table.lines().map(|l| l.chars().count()).max().unwrap_or(0)
    }

    #[test]
    fn lists_fit_the_width_by_truncating() {
        let rows = vec![vec!["1".to_owned(), "x".repeat(300)]];
        let table = list(&["id", "notes"], rows, 60);
        assert!(widest_line(&table) <= 60, "{table}");
        assert!(table.contains('…'));
    }

    #[test]
    fn records_wrap_instead_of_truncating() {
        let long = "word ".repeat(40);
        let table = record(&[("notes", long.clone())], 50);
        assert!(widest_line(&table) <= 50, "{table}");
        let letters: usize = table.matches("word").count();
        assert_eq!(letters, 40, "nothing was cut");
    }

    #[test]
    fn cells_never_carry_raw_escape_sequences() {
        let table = list(&["name"], vec![vec!["\u{1b}[2J".to_owned()]], 80);
        assert!(!table.contains('\u{1b}'));
        assert!(table.contains("\\u{1b}[2J"));
    }
}
