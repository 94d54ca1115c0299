//! Tables that fit the terminal.
//!
//! Lists keep their fixed columns (ids, dates, amounts) whole and shorten the free-text
//! columns, widest first, with `…`; records (`show`) wrap long values instead, so nothing is
//! ever cut there. Every cell is escaped first (see [`super::text`]).

use tabled::builder::Builder;
use tabled::settings::Style;
use tabled::settings::Width;
use tabled::settings::peaker::PriorityMax;
use unicode_width::UnicodeWidthStr;

use super::text;

/// A column of a list: its header, and whether it may be shortened to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub shrinks: bool,
}

/// A column that keeps its values whole (ids, dates, amounts).
pub const fn fixed(name: &'static str) -> Column {
    Column {
        name,
        shrinks: false,
    }
}

/// A free-text column, shortened first when the table is too wide.
pub const fn text(name: &'static str) -> Column {
    Column {
        name,
        shrinks: true,
    }
}

/// The narrowest a shortened column gets: a few letters and the `…`.
const MIN_COLUMN: usize = 4;

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

/// A list: one row per record, fitted to `width`.
pub fn list(columns: &[Column], rows: Vec<Vec<String>>, width: usize) -> String {
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|row| row.iter().map(|cell| text::cell(cell)).collect())
        .collect();
    let mut widths: Vec<usize> = columns.iter().map(|c| c.name.width()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    fit(&mut widths, columns, width);
    let mut builder = Builder::default();
    builder.push_record(
        columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| shorten(c.name, *w)),
    );
    for row in rows {
        builder.push_record(row.iter().zip(&widths).map(|(cell, w)| shorten(cell, *w)));
    }
    builder.build().with(Style::sharp()).to_string()
}

/// Narrows `widths` until the table fits `width`: text columns first, widest first; fixed
/// columns only if that is not enough.
fn fit(widths: &mut [usize], columns: &[Column], width: usize) {
    // Each column adds a border and a space on each side; the table closes with a border.
    let overhead = 3 * widths.len() + 1;
    let mut excess = (widths.iter().sum::<usize>() + overhead).saturating_sub(width);
    for shrink_fixed in [false, true] {
        while excess > 0 {
            let widest = (0..widths.len())
                .filter(|&i| (columns[i].shrinks || shrink_fixed) && widths[i] > MIN_COLUMN)
                .max_by_key(|&i| widths[i]);
            let Some(i) = widest else { break };
            widths[i] -= 1;
            excess -= 1;
        }
    }
}

/// `cell` cut to `width` columns, ending with `…` when cut.
fn shorten(cell: &str, width: usize) -> String {
    if cell.width() <= width {
        return cell.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in cell.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// A list whose long cells wrap instead of being shortened (under a `show` view, where
/// nothing is cut).
pub fn wrapped_list(columns: &[Column], rows: Vec<Vec<String>>, width: usize) -> String {
    let mut builder = Builder::default();
    builder.push_record(columns.iter().map(|c| c.name));
    for row in rows {
        builder.push_record(row.iter().map(|cell| text::escape(cell, true).into_owned()));
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
        table.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
    }

    #[test]
    fn lists_fit_the_width_by_shortening_text_columns() {
        let rows = vec![vec![
            "1".to_owned(),
            "2027-06-04 13:00".to_owned(),
            "x".repeat(300),
        ]];
        let table = list(&[fixed("id"), fixed("start"), text("notes")], rows, 60);
        assert!(widest_line(&table) <= 60, "{table}");
        assert!(
            table.contains("2027-06-04 13:00"),
            "fixed columns stay whole: {table}"
        );
        assert!(table.contains('…'));
    }

    #[test]
    fn wide_characters_are_measured_by_display_width() {
        let rows = vec![vec!["🎉".repeat(50)]];
        let table = list(&[text("name")], rows, 40);
        assert!(widest_line(&table) <= 40, "{table}");
    }

    #[test]
    fn narrow_tables_are_left_alone() {
        let table = list(
            &[fixed("id"), text("name")],
            vec![vec!["1".into(), "Kevin".into()]],
            80,
        );
        assert!(table.contains("Kevin") && !table.contains('…'));
    }

    #[test]
    fn records_wrap_instead_of_truncating() {
        let long = "word ".repeat(40);
        let table = record(&[("notes", long.clone())], 50);
        assert!(widest_line(&table) <= 50, "{table}");
        assert_eq!(table.matches("word").count(), 40, "nothing was cut");
    }

    #[test]
    fn cells_never_carry_raw_escape_sequences() {
        let table = list(&[text("name")], vec![vec!["\u{1b}[2J".to_owned()]], 80);
        assert!(!table.contains('\u{1b}'));
        assert!(table.contains("\\u{1b}[2J"));
    }
}
