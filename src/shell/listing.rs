//! Printing lists: a page of a table with a footer, or every row as JSON or CSV, streamed.

use serde::Serialize;

use super::Shell;
use super::grammar::ListArgs;
use crate::error::Result;

use crate::backend::Listed;
use crate::repo::{Total, Window};
use crate::ui::output::{self, Format, Stream};
use crate::ui::progress::ExportCount;
use crate::ui::table::{self, Column};

/// How one kind of record is listed.
pub struct Listing<T> {
    /// Nouns for the footer: one, and more than one (e.g. "collaborator", "collaborators").
    pub noun: (&'static str, &'static str),
    /// JSON/CSV keys, in order (PRODUCT.md §2).
    pub keys: &'static [&'static str],
    /// Table columns.
    pub columns: &'static [Column],
    /// Table cells of one record.
    pub cells: fn(&T) -> Vec<String>,
}

/// Where the page shown sits: how many rows come before it, how many it shows, and whether
/// any come after it.
#[derive(Debug, Clone, Copy)]
struct Page {
    offset: u64,
    shown: u64,
    next_page: bool,
}

impl Shell {
    pub(super) fn print_list<L: Listed>(
        &mut self,
        listing: &Listing<L::Item>,
        args: &ListArgs,
        filter: &L,
    ) -> Result<()> {
        if args.format != Format::Table {
            let mut stream = Stream::begin(
                &mut self.out,
                args.format == Format::Csv,
                listing.keys,
                self.stdout_terminal,
            )?;
            // A large export counts its rows on standard error (src/ui/progress.rs).
            let mut count = ExportCount::new(listing.noun.1, self.stdout_terminal);
            // Ctrl-C stops a long export between rows.
            self.backend.export(filter, &mut |record| {
                crate::interrupt::check()?;
                stream.push(&record)?;
                count.row();
                Ok(())
            })?;
            drop(count);
            stream.finish()?;
            return Ok(());
        }
        let size = args.page_size;
        let offset = u64::from(args.page - 1) * u64::from(size);
        // One row more than the page shows says whether a next page exists, which a capped
        // count cannot.
        let window = Window {
            limit: size.saturating_add(1),
            offset,
        };
        let page = self.backend.page(filter, window)?;
        let total = page.total();
        let mut rows: Vec<Vec<String>> = page.rows.iter().map(listing.cells).collect();
        let next_page = rows.len() > size as usize;
        rows.truncate(size as usize);
        let shown = rows.len() as u64;
        if shown > 0 {
            self.say(table::list(listing.columns, rows, self.width))?;
        }
        let page = Page {
            offset,
            shown,
            next_page,
        };
        let footer = self.footer(listing.noun, page, total, args);
        self.say(footer)
    }

    /// One record: a field-by-field table, a JSON object, or a CSV header and row.
    pub(super) fn print_record<T: Serialize, N: AsRef<str>>(
        &mut self,
        format: Format,
        keys: &'static [&'static str],
        record: &T,
        fields: &[(N, String)],
    ) -> Result<()> {
        match format {
            Format::Json => Ok(output::json_object(&mut self.out, record)?),
            Format::Csv => {
                let mut stream = Stream::begin(&mut self.out, true, keys, self.stdout_terminal)?;
                stream.push(record)?;
                Ok(stream.finish()?)
            }
            Format::Table => {
                let fields: Vec<(&str, String)> = fields
                    .iter()
                    .map(|(name, value)| (name.as_ref(), value.clone()))
                    .collect();
                self.say(table::record(&fields, self.width))
            }
        }
    }

    /// A titled table of related records under a `show` view (nothing when there are none).
    pub(super) fn print_related(
        &mut self,
        title: &str,
        columns: &[Column],
        rows: Vec<Vec<String>>,
        more_hint: Option<String>,
    ) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        self.say(title)?;
        self.say(table::list(columns, rows, self.width))?;
        if let Some(hint) = more_hint {
            self.say(hint)?;
        }
        Ok(())
    }

    fn footer(
        &self,
        (one, many): (&str, &str),
        Page {
            offset,
            shown,
            next_page,
        }: Page,
        total: Total,
        args: &ListArgs,
    ) -> String {
        let page = args.page;
        match total {
            Total::Exact(0) => format!("No {many} match."),
            Total::Exact(total) if shown == 0 => {
                let pages = total.div_ceil(u64::from(args.page_size));
                let pages = if pages == 1 {
                    "1 page".to_owned()
                } else {
                    format!("{pages} pages")
                };
                let (verb, noun) = if total == 1 {
                    ("is", one)
                } else {
                    ("are", many)
                };
                format!("Page {page} is empty: there {verb} {total} {noun} ({pages}).")
            }
            Total::AtLeast(counted) if shown == 0 => {
                format!("Page {page} is empty: the first {counted} {many} end before it.")
            }
            Total::Exact(total) => {
                let (first, last) = (offset + 1, offset + shown);
                let noun = if total == 1 { one } else { many };
                match total - last {
                    0 => format!("{first}–{last} of {total} {noun}."),
                    more => format!(
                        "{first}–{last} of {total} {noun}; {more} more: `{}`.",
                        self.next_page_line(page + 1)
                    ),
                }
            }
            // A page past the count with nothing after it is the last one: its end is the
            // exact total.
            Total::AtLeast(_) if !next_page => {
                let (first, last) = (offset + 1, offset + shown);
                format!("{first}–{last} of {last} {many}.")
            }
            Total::AtLeast(counted) => {
                let (first, last) = (offset + 1, offset + shown);
                // The rows shown are counted too: never "12476–12500 of more than 10000".
                let at_least = counted.max(last);
                let narrow = if self.words.iter().any(|w| w.starts_with("--search")) {
                    ", or narrow the search"
                } else {
                    ""
                };
                format!(
                    "{first}–{last} of more than {at_least} {many}; more: `{}`{narrow}.",
                    self.next_page_line(page + 1)
                )
            }
        }
    }

    /// The current line with `--page` set to `page`, quoted so it can be typed again.
    fn next_page_line(&self, page: u32) -> String {
        let mut words = Vec::with_capacity(self.words.len() + 2);
        let mut iter = self.words.iter();
        while let Some(word) = iter.next() {
            if word == "--page" {
                iter.next();
            } else if !word.starts_with("--page=") {
                words.push(word.clone());
            }
        }
        words.push("--page".into());
        words.push(page.to_string());
        shlex::try_join(words.iter().map(String::as_str)).unwrap_or_else(|_| words.join(" "))
    }
}
