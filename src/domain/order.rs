//! How lists are ordered and which calendar period an event list covers: the values of
//! `--sort` and `--period`. Each sort key is a closed set of names; the repositories map each
//! one to a fixed ORDER BY (`src/repo`), so what a user types never becomes SQL.

use clap::ValueEnum;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Duration};

use super::DateBound;

/// `clients list --sort`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ClientSort {
    /// First contact, oldest first (the default order).
    #[default]
    Created,
    /// Last contact or update.
    Updated,
    /// The contact's full name.
    Name,
    /// The company's name.
    Company,
}

/// `contracts list --sort`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ContractSort {
    /// When the contract was created, oldest first (the default order).
    #[default]
    Created,
    /// When it was signed; unsigned contracts come first (last with --desc).
    Signed,
    /// The total amount.
    Total,
    /// The amount left to pay.
    Remaining,
    /// The client's name.
    Client,
}

/// `events list --sort`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum EventSort {
    /// When the event starts (the default order).
    #[default]
    Start,
    /// The event's name.
    Name,
    /// How many people are expected.
    Attendees,
}

/// A key and its direction. Ties are always broken by id, in the same direction, so that
/// pages never overlap or skip a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sort<K> {
    pub key: K,
    pub descending: bool,
}

impl<K> Sort<K> {
    pub fn new(key: K, descending: bool) -> Self {
        Sort { key, descending }
    }
}

/// On the wire (team mode's query strings) a sort is one word, as REST APIs commonly write
/// it: the key's name, after a `-` when descending (`name`, `-name`).
impl<K: ValueEnum> Serialize for Sort<K> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let name = self
            .key
            .to_possible_value()
            .map(|v| v.get_name().to_owned())
            .unwrap_or_default();
        let sign = if self.descending { "-" } else { "" };
        s.collect_str(&format_args!("{sign}{name}"))
    }
}

impl<'de, K: ValueEnum> Deserialize<'de> for Sort<K> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let word = String::deserialize(d)?;
        let (descending, name) = match word.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, word.as_str()),
        };
        let key = K::from_str(name, true).map_err(|_| {
            serde::de::Error::custom(format!(
                "sort: expected one of {}, each after a - for the reverse order",
                Self::names().join(", ")
            ))
        })?;
        Ok(Sort { key, descending })
    }
}

impl<K: ValueEnum> Sort<K> {
    /// Every key's name, then every key's name after a `-`.
    fn names() -> Vec<String> {
        let keys: Vec<String> = K::value_variants()
            .iter()
            .filter_map(|k| k.to_possible_value().map(|v| v.get_name().to_owned()))
            .collect();
        let reversed = keys.iter().map(|k| format!("-{k}"));
        keys.iter().cloned().chain(reversed).collect()
    }
}

/// The OpenAPI schema of a `Sort<K>` (a filter's `sort`).
pub fn sort_schema<K: ValueEnum>() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(Sort::<K>::names()))
        .description(Some("The order: a key, after a `-` for the reverse order"))
        .build()
}

/// `events list --period`: a calendar period of local time around today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Period {
    /// Today, from midnight to midnight.
    Today,
    /// This ISO week, Monday to Sunday.
    Week,
    /// This calendar month.
    Month,
}

impl Period {
    /// The events of this period start at or after the first bound and before the second,
    /// `today` being the local date.
    pub fn bounds(self, today: Date) -> (DateBound, DateBound) {
        let (first, next) = match self {
            Period::Today => (today, today.next_day()),
            Period::Week => {
                let monday =
                    today - Duration::days(i64::from(today.weekday().number_days_from_monday()));
                (monday, Some(monday + Duration::days(7)))
            }
            Period::Month => {
                let first = today.replace_day(1).expect("every month has a first day");
                let next = match first.month() {
                    time::Month::December => {
                        Date::from_calendar_date(first.year() + 1, time::Month::January, 1)
                    }
                    month => Date::from_calendar_date(first.year(), month.next(), 1),
                };
                (first, next.ok())
            }
        };
        // Only the last day time can represent has no next day; its period ends with it.
        let next = next.unwrap_or(Date::MAX);
        (DateBound::day_start(first), DateBound::day_start(next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn bounds(period: Period, today: Date) -> (String, String) {
        let (from, to) = period.bounds(today);
        (from.to_sql(), to.to_sql())
    }

    #[test]
    fn today_is_midnight_to_midnight() {
        assert_eq!(
            bounds(Period::Today, date!(2027 - 06 - 04)),
            ("2027-06-04T00:00".into(), "2027-06-05T00:00".into())
        );
        assert_eq!(
            bounds(Period::Today, date!(2027 - 12 - 31)),
            ("2027-12-31T00:00".into(), "2028-01-01T00:00".into())
        );
    }

    #[test]
    fn a_week_is_the_iso_week_monday_to_monday() {
        // 2027-06-04 is a Friday; its ISO week runs from Monday 31 May.
        let week = ("2027-05-31T00:00".into(), "2027-06-07T00:00".into());
        assert_eq!(bounds(Period::Week, date!(2027 - 06 - 04)), week);
        assert_eq!(bounds(Period::Week, date!(2027 - 05 - 31)), week, "Monday");
        assert_eq!(bounds(Period::Week, date!(2027 - 06 - 06)), week, "Sunday");
        // A week across a new year.
        assert_eq!(
            bounds(Period::Week, date!(2027 - 01 - 01)),
            ("2026-12-28T00:00".into(), "2027-01-04T00:00".into())
        );
    }

    #[test]
    fn a_month_is_the_calendar_month() {
        assert_eq!(
            bounds(Period::Month, date!(2027 - 06 - 04)),
            ("2027-06-01T00:00".into(), "2027-07-01T00:00".into())
        );
        assert_eq!(
            bounds(Period::Month, date!(2027 - 12 - 15)),
            ("2027-12-01T00:00".into(), "2028-01-01T00:00".into())
        );
        assert_eq!(
            bounds(Period::Month, date!(2028 - 02 - 29)),
            ("2028-02-01T00:00".into(), "2028-03-01T00:00".into())
        );
    }
}
