//! How times read on screen (README, "Times").
//!
//! Record-keeping timestamps are stored in UTC (`2026-12-03T12:28:49Z`, also what JSON and CSV
//! print: ISO-8601 with its offset) and shown in tables and `show` views in the local time of
//! the machine, to the minute (`2026-12-03 13:28`). Event times are the event's own local time
//! (the venue's wall clock), stored and printed as ISO-8601 without an offset in JSON and CSV
//! (`2027-06-04T13:00`) and as `2027-06-04 13:00` everywhere on screen: they are never
//! converted.

use std::mem::MaybeUninit;

use time::macros::format_description;
use time::{Date, Month, OffsetDateTime, UtcOffset};

use crate::domain::Timestamp;

/// A stored UTC timestamp in this machine's local time, `YYYY-MM-DD HH:MM` (the stored text
/// itself when it is not a timestamp).
pub fn local(stored: &str) -> String {
    let Some(at) = Timestamp::from_sql(stored) else {
        return stored.to_owned();
    };
    let Ok(utc) = OffsetDateTime::from_unix_timestamp(at.unix()) else {
        return stored.to_owned();
    };
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]");
    utc.to_offset(local_offset(at.unix()))
        .format(&format)
        .unwrap_or_else(|_| stored.to_owned())
}

/// Only the day of [`local`] (`2026-12-03`), for narrow columns.
pub fn local_day(stored: &str) -> String {
    local(stored)
        .split(' ')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The offset of local time at `unix`, from the C library (which reads `TZ` and the system's
/// zone files). `time`'s own lookup refuses to run once a process has several threads, and the
/// Ctrl-C handler is one.
fn local_offset(unix: i64) -> UtcOffset {
    local_tm(unix)
        .and_then(|tm| i32::try_from(tm.tm_gmtoff).ok())
        .and_then(|seconds| UtcOffset::from_whole_seconds(seconds).ok())
        .unwrap_or(UtcOffset::UTC)
}

/// The local calendar fields at `unix`, from `localtime_r`.
fn local_tm(unix: i64) -> Option<libc::tm> {
    // 64 bits on every platform epicevents builds for.
    let at = unix as libc::time_t;
    let mut tm = MaybeUninit::<libc::tm>::zeroed();
    // SAFETY: localtime_r is the thread-safe form; it writes only into `tm`, which lives here.
    let filled = unsafe { libc::localtime_r(&at, tm.as_mut_ptr()) };
    if filled.is_null() {
        return None;
    }
    // SAFETY: localtime_r returned non-null, so it initialised `tm`.
    Some(unsafe { tm.assume_init() })
}

/// Today's date in this machine's local time (what `events list --period` counts from).
pub fn today() -> Date {
    let now = crate::clock::now();
    local_tm(now.unix_timestamp())
        .and_then(|tm| {
            let month = Month::try_from(u8::try_from(tm.tm_mon + 1).ok()?).ok()?;
            let day = u8::try_from(tm.tm_mday).ok()?;
            Date::from_calendar_date(tm.tm_year + 1900, month, day).ok()
        })
        .unwrap_or_else(|| now.date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_timestamps_read_in_local_time_to_the_minute() {
        // The test process's zone is whatever the machine's is: compare with the C library.
        let shown = local("2026-12-03T12:28:49Z");
        assert_eq!(shown.len(), "2026-12-03 12:28".len(), "{shown}");
        assert!(shown.ends_with(":28") || shown.ends_with(":58"), "{shown}");
        assert_eq!(local_day("2026-12-03T12:28:49Z"), shown[..10]);
        assert_eq!(local("not a time"), "not a time");
    }
}
