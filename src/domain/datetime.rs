//! Times: record-keeping timestamps (UTC) and event times (the event's local time).

use std::fmt;

use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use super::id::shorten;
use crate::error::{Error, Result};

/// When something was recorded: UTC, to the second, stored as `YYYY-MM-DDTHH:MM:SSZ`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    pub fn new(at: OffsetDateTime) -> Self {
        Timestamp(
            at.to_offset(UtcOffset::UTC)
                .replace_nanosecond(0)
                .expect("0 is a valid nanosecond"),
        )
    }

    pub fn unix(self) -> i64 {
        self.0.unix_timestamp()
    }

    pub fn plus(self, duration: Duration) -> Self {
        Timestamp(self.0 + duration)
    }

    /// A stored timestamp; `None` when it is not one.
    pub fn from_sql(stored: &str) -> Option<Self> {
        let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
        PrimitiveDateTime::parse(stored, &format)
            .ok()
            .map(|at| Timestamp(at.assume_utc()))
    }

    /// Whole minutes from `self` to `later`, rounded up (0 when `later` is not later).
    pub fn minutes_until(self, later: Timestamp) -> i64 {
        let seconds = (later.0 - self.0).whole_seconds().max(0);
        (seconds + 59) / 60
    }

    /// The stored form, which sorts as time does.
    pub fn to_sql(self) -> String {
        let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
        self.0
            .format(&format)
            .expect("a UTC date-time always formats")
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_sql())
    }
}

const EVENT_EXPECTED: &str = "expected a date and time like 2026-06-04 13:00";

/// An event's start or end, in the event's local time, to the minute. Typed as
/// `YYYY-MM-DD HH:MM` (a `T` is accepted too); stored as ISO-8601 `YYYY-MM-DDTHH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventTime(PrimitiveDateTime);

impl EventTime {
    pub fn parse(field: &'static str, input: &str) -> Result<Self> {
        let value = input.trim().replacen('T', " ", 1);
        let format = format_description!("[year]-[month]-[day] [hour]:[minute]");
        PrimitiveDateTime::parse(&value, &format)
            .map(EventTime)
            .map_err(|_| {
                Error::invalid(field, format!("{EVENT_EXPECTED}, got {:?}", shorten(input)))
            })
    }

    /// Reads the stored form back.
    pub fn from_sql(stored: &str) -> Option<Self> {
        let format = format_description!("[year]-[month]-[day]T[hour]:[minute]");
        PrimitiveDateTime::parse(stored, &format)
            .ok()
            .map(EventTime)
    }

    pub fn to_sql(self) -> String {
        let format = format_description!("[year]-[month]-[day]T[hour]:[minute]");
        self.0.format(&format).expect("a date-time always formats")
    }
}

impl fmt::Display for EventTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let format = format_description!("[year]-[month]-[day] [hour]:[minute]");
        f.write_str(&self.0.format(&format).expect("a date-time always formats"))
    }
}

/// A bound of a date filter (`--from`, `--to`): a date, or a date and time. A bare date
/// means the start of that day for `--from` and the whole of that day for `--to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateBound(EventTime);

impl DateBound {
    /// The inclusive lower bound `--from`.
    pub fn parse_from(field: &'static str, input: &str) -> Result<Self> {
        Self::parse(field, input, false)
    }

    /// The exclusive upper bound for `--to`: a bare date includes that whole day.
    pub fn parse_to(field: &'static str, input: &str) -> Result<Self> {
        Self::parse(field, input, true)
    }

    fn parse(field: &'static str, input: &str, end_of_day: bool) -> Result<Self> {
        let format = format_description!("[year]-[month]-[day]");
        match Date::parse(input.trim(), &format) {
            Ok(date) => {
                let day = if end_of_day {
                    date.next_day().unwrap_or(date)
                } else {
                    date
                };
                Ok(DateBound(EventTime(day.midnight())))
            }
            Err(_) => EventTime::parse(field, input)
                .map(|t| {
                    DateBound(if end_of_day {
                        EventTime(t.0 + Duration::minutes(1))
                    } else {
                        t
                    })
                })
                .map_err(|_| {
                    Error::invalid(
                        field,
                        format!(
                            "expected a date like 2026-06-04 or 2026-06-04 13:00, got {:?}",
                            shorten(input)
                        ),
                    )
                }),
        }
    }

    /// The start of `day` (midnight): a bound computed rather than typed (`--period`).
    pub fn day_start(day: Date) -> Self {
        DateBound(EventTime(day.midnight()))
    }

    pub fn to_sql(self) -> String {
        self.0.to_sql()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn timestamps_are_utc_to_the_second() {
        let at = Timestamp::new(datetime!(2026-06-04 13:00:05.123 +02:00));
        assert_eq!(at.to_sql(), "2026-06-04T11:00:05Z");
    }

    #[test]
    fn event_times_accept_space_or_t_and_store_iso() {
        let t = EventTime::parse("start", "2026-06-04 13:00").unwrap();
        assert_eq!(t.to_sql(), "2026-06-04T13:00");
        assert_eq!(t.to_string(), "2026-06-04 13:00");
        assert_eq!(EventTime::parse("start", "2026-06-04T13:00").unwrap(), t);
        assert_eq!(EventTime::from_sql("2026-06-04T13:00"), Some(t));
    }

    #[test]
    fn impossible_or_malformed_event_times_are_rejected() {
        for bad in [
            "2026-02-30 10:00",
            "2026-13-01 10:00",
            "2026-06-04 25:00",
            "2026-06-04",
            "04/06/2026 13:00",
            "",
            "now",
        ] {
            let err = EventTime::parse("start", bad).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("invalid start: expected a date and time like 2026-06-04 13:00"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn date_filters_cover_whole_days() {
        assert_eq!(
            DateBound::parse_from("from", "2026-06-04")
                .unwrap()
                .to_sql(),
            "2026-06-04T00:00"
        );
        assert_eq!(
            DateBound::parse_to("to", "2026-06-04").unwrap().to_sql(),
            "2026-06-05T00:00"
        );
        assert_eq!(
            DateBound::parse_from("from", "2026-06-04 13:00")
                .unwrap()
                .to_sql(),
            "2026-06-04T13:00"
        );
        assert_eq!(
            DateBound::parse_to("to", "2026-06-04 13:00")
                .unwrap()
                .to_sql(),
            "2026-06-04T13:01"
        );
        let err = DateBound::parse_from("from", "2026-02-30").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid from: expected a date like 2026-06-04")
        );
    }
}
