//! Tables that fit the terminal.
//!
//! Ids, dates and amounts are never cut: a list that is too wide first shortens its free-text
//! columns (widest first, with `…`) down to a readable width, then leaves out the columns that
//! matter least (each list says which), then shortens text further; when even its essential
//! columns do not fit, it is shown as records, one field per line, as psql's `\x auto` does.
//! Numbers are right-aligned. Records (`show`) wrap long values instead, so nothing is ever cut
//! there. Every cell is escaped first (see [`super::text`]).

use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::peaker::PriorityMax;
use tabled::settings::{Alignment, Modify, Style, Width};
use unicode_width::UnicodeWidthStr;

use super::text;

/// How a column's values may be fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text: shortened with `…` to fit.
    Text,
    /// Kept whole (ids, dates, states).
    Fixed,
    /// Kept whole and right-aligned (amounts, counts, ids).
    Number,
}

/// A column of a list: its header, how it fits, and when it is left out of a narrow table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
    /// `None` for a column every row needs; otherwise the column is left out of a table too
    /// wide for the terminal, the highest rank first.
    pub drop_rank: Option<u8>,
}

impl Column {
    /// The same column, left out (rank 1 first, then 2…) when the table does not fit.
    pub const fn optional(self, rank: u8) -> Column {
        Column {
            drop_rank: Some(rank),
            ..self
        }
    }

    fn shrinks(self) -> bool {
        self.kind == Kind::Text
    }
}

/// A column that keeps its values whole (dates, states).
pub const fn fixed(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Fixed,
        drop_rank: None,
    }
}

/// A numeric column (ids, amounts, counts): whole and right-aligned.
pub const fn number(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Number,
        drop_rank: None,
    }
}

/// A free-text column, shortened first when the table is too wide.
pub const fn text(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Text,
        drop_rank: None,
    }
}

/// The narrowest a shortened column gets: a few letters and the `…`.
const MIN_COLUMN: usize = 4;

/// How narrow text gets before a column is left out instead: still readable.
const READABLE: usize = 12;

/// The width to fit: the terminal's, else `$COLUMNS`, else 100. Read at each command, so a
/// resized window is followed.
pub fn terminal_width() -> usize {
    if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
        return usize::from(w).max(20);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w| *w >= 20)
        .unwrap_or(100)
}

/// The terminal's height, if standard output is one.
pub fn terminal_height() -> Option<usize> {
    terminal_size::terminal_size().map(|(_, terminal_size::Height(h))| usize::from(h))
}

/// Each column adds a border and a space on each side; the table closes with a border.
fn overhead(columns: usize) -> usize {
    3 * columns + 1
}

/// A list: one row per record, fitted to `width` (or shown as records when it cannot be).
pub fn list(columns: &[Column], rows: Vec<Vec<String>>, width: usize) -> String {
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|row| row.iter().map(|cell| text::cell(cell)).collect())
        .collect();
    let natural: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            rows.iter()
                .map(|row| row[i].width())
                .chain([c.name.width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let Some((kept, widths)) = layout(columns, &natural, width) else {
        return records(columns, &rows, width);
    };
    let mut builder = Builder::default();
    builder.push_record(
        kept.iter()
            .zip(&widths)
            .map(|(&i, w)| shorten(columns[i].name, *w)),
    );
    for row in &rows {
        builder.push_record(kept.iter().zip(&widths).map(|(&i, w)| shorten(&row[i], *w)));
    }
    let mut table = builder.build();
    table.with(Style::sharp());
    for (position, &i) in kept.iter().enumerate() {
        if columns[i].kind == Kind::Number {
            table.with(Modify::new(Columns::one(position)).with(Alignment::right()));
        }
    }
    table.to_string()
}

/// Which columns to show and at what widths, or `None` when even the essential ones, at
/// their narrowest, do not fit.
fn layout(columns: &[Column], natural: &[usize], width: usize) -> Option<(Vec<usize>, Vec<usize>)> {
    let mut kept: Vec<usize> = (0..columns.len()).collect();
    loop {
        let mut widths: Vec<usize> = kept.iter().map(|&i| natural[i]).collect();
        let cols: Vec<Column> = kept.iter().map(|&i| columns[i]).collect();
        let budget = width.saturating_sub(overhead(kept.len()));
        // Text down to a readable width first.
        shrink(&mut widths, &cols, budget, READABLE);
        if widths.iter().sum::<usize>() <= budget {
            return Some((kept, widths));
        }
        // Then leave out the column that matters least, and try again.
        let least = kept
            .iter()
            .enumerate()
            .filter_map(|(at, &i)| columns[i].drop_rank.map(|rank| (rank, at)))
            .max();
        if let Some((_, at)) = least {
            kept.remove(at);
            continue;
        }
        // Only essential columns left: text as narrow as it gets.
        shrink(&mut widths, &cols, budget, MIN_COLUMN);
        return (widths.iter().sum::<usize>() <= budget).then_some((kept, widths));
    }
}

/// Narrows text columns, widest first, until the total fits `budget` or none is wider than
/// `floor`.
fn shrink(widths: &mut [usize], columns: &[Column], budget: usize, floor: usize) {
    let mut excess = widths.iter().sum::<usize>().saturating_sub(budget);
    while excess > 0 {
        let widest = (0..widths.len())
            .filter(|&i| columns[i].shrinks() && widths[i] > floor.max(MIN_COLUMN))
            .max_by_key(|&i| widths[i]);
        let Some(i) = widest else { break };
        widths[i] -= 1;
        excess -= 1;
    }
}

/// Rows as records, one field per line (`-[ RECORD 1 ]-`), values wrapped, never cut: what a
/// list becomes on a terminal too narrow for its columns.
fn records(columns: &[Column], rows: &[Vec<String>], width: usize) -> String {
    let mut out = Vec::with_capacity(rows.len());
    for (n, row) in rows.iter().enumerate() {
        let title = format!("-[ RECORD {} ]", n + 1);
        let rule = "-".repeat(width.saturating_sub(title.width()).min(40));
        let fields: Vec<(&str, String)> = columns
            .iter()
            .zip(row)
            .map(|(c, cell)| (c.name, cell.clone()))
            .collect();
        out.push(format!("{title}{rule}\n{}", record_lines(&fields, width)));
    }
    out.join("\n")
}

/// `name | value` lines, the values wrapped at `width`.
fn record_lines(fields: &[(&str, String)], width: usize) -> String {
    let name_width = fields.iter().map(|(n, _)| n.width()).max().unwrap_or(0);
    let room = width.saturating_sub(name_width + 3).max(MIN_COLUMN);
    let mut lines = Vec::new();
    for (name, value) in fields {
        let mut pieces = wrap(value, room).into_iter();
        let first = pieces.next().unwrap_or_default();
        lines.push(format!("{name:<name_width$} | {first}"));
        for piece in pieces {
            lines.push(format!("{:<name_width$} | {piece}", ""));
        }
    }
    lines.join("\n")
}

/// `value` in pieces of at most `room` columns, breaking between words where it can.
pub fn wrap_words(value: &str, room: usize) -> Vec<String> {
    wrap(value, room)
}

fn wrap(value: &str, room: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for c in value.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > room {
            // Move the last partial word down when there is an earlier space.
            match line.rfind(' ').filter(|at| *at > 0) {
                Some(at) => {
                    let rest = line.split_off(at + 1);
                    pieces.push(line.trim_end().to_owned());
                    used = rest.width();
                    line = rest;
                }
                None => {
                    pieces.push(std::mem::take(&mut line));
                    used = 0;
                }
            }
        }
        line.push(c);
        used += w;
    }
    pieces.push(line);
    pieces
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
mod tests;
