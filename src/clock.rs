//! "Now", for every rule that reads the time: sessions and their eight hours, lockouts and
//! their fifteen minutes, the audit trail's timestamps, `events list --period`.
//!
//! Debug builds read `EPICEVENTS_TEST_NOW` first, a local date and time such as
//! `2027-06-04T10:00:00`, so that end-to-end tests put the clock where a rule needs it (the
//! end of a lockout, a session's ninth hour, this week's events) instead of waiting for it or
//! depending on the day they run. Release builds do not contain that code.

use time::OffsetDateTime;

/// The header by which a debug build of the shell passes its `EPICEVENTS_TEST_NOW` to a
/// server (team mode's tests), and a debug build of the server reads it.
#[cfg(debug_assertions)]
pub const TEST_NOW_HEADER: &str = "x-epicevents-test-now";

#[cfg(debug_assertions)]
thread_local! {
    /// The test clock of the request this thread serves, if it carries one.
    static REQUEST_NOW: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// The current instant.
pub fn now() -> OffsetDateTime {
    #[cfg(debug_assertions)]
    if let Some(now) = test_now() {
        return now;
    }
    OffsetDateTime::now_utc()
}

/// Runs `f` with "now" at `test_now` (debug builds: a server serving a test's request, see
/// [`TEST_NOW_HEADER`]). Release builds run `f` as it is.
pub fn with_test_now<T>(test_now: Option<&str>, f: impl FnOnce() -> T) -> T {
    #[cfg(debug_assertions)]
    {
        REQUEST_NOW.with(|now| *now.borrow_mut() = test_now.map(str::to_owned));
        let result = f();
        REQUEST_NOW.with(|now| *now.borrow_mut() = None);
        result
    }
    #[cfg(not(debug_assertions))]
    {
        let _ = test_now;
        f()
    }
}

/// The test clock a debug build runs on: the request's, else `EPICEVENTS_TEST_NOW`.
#[cfg(debug_assertions)]
fn test_now_text() -> Option<String> {
    REQUEST_NOW
        .with(|now| now.borrow().clone())
        .or_else(|| std::env::var("EPICEVENTS_TEST_NOW").ok())
}

/// `EPICEVENTS_TEST_NOW`, read as this machine's local time (by the C library's rules, as
/// the rest of the product reads local time).
#[cfg(debug_assertions)]
fn test_now() -> Option<OffsetDateTime> {
    use time::PrimitiveDateTime;
    use time::macros::format_description;

    let text = test_now_text()?;
    let local = PrimitiveDateTime::parse(
        &text,
        &format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
    )
    .ok()?;
    // SAFETY: an all-zero `tm` is a valid value of this plain C struct.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    tm.tm_year = local.year() - 1900;
    tm.tm_mon = i32::from(u8::from(local.month())) - 1;
    tm.tm_mday = i32::from(local.day());
    tm.tm_hour = i32::from(local.hour());
    tm.tm_min = i32::from(local.minute());
    tm.tm_sec = i32::from(local.second());
    // Whether daylight saving time applies is for the zone rules to say.
    tm.tm_isdst = -1;
    // SAFETY: mktime reads and normalises only the `tm` it is given, which lives here.
    let unix = unsafe { libc::mktime(&mut tm) };
    if unix == -1 {
        return None;
    }
    OffsetDateTime::from_unix_timestamp(unix).ok()
}
