//! What may leave the machine: collaborator and record ids, stable tags, and error text with
//! every personal or secret value taken out.
//!
//! The scrubber works by allowlist where it can (which tags, which extra keys, which event
//! fields survive) and by pattern where it must (free text such as an error chain or a panic
//! message): email addresses, phone numbers and other long digit runs, JWTs, bcrypt hashes,
//! long hex runs (the key file's secret), the configured secret, and anything quoted (Debug
//! output quotes strings, and names travel in strings).

use sentry::protocol::{Breadcrumb, Event, Value};

/// Tags our own events carry; anything else is dropped.
pub const ALLOWED_TAGS: &[&str] = &["action", "entity", "kind", "actor_id", "record_id"];

/// Removes what must not leave the machine from an event.
pub fn event(mut event: Event<'static>, secrets: &[String]) -> Event<'static> {
    event.user = None;
    event.server_name = None;
    event.request = None;
    event.modules.clear();
    event.contexts.clear();
    event.culprit = None;
    event.transaction = None;
    event.fingerprint = Default::default();
    event
        .tags
        .retain(|key, value| ALLOWED_TAGS.contains(&key.as_str()) && is_safe_tag(value));
    event.extra.clear();
    event.message = event.message.map(|m| text(&m, secrets));
    if let Some(entry) = &mut event.logentry {
        entry.message = text(&entry.message, secrets);
        entry.params.clear();
    }
    for exception in &mut event.exception.values {
        exception.value = exception.value.as_deref().map(|v| text(v, secrets));
        for trace in [&mut exception.stacktrace, &mut exception.raw_stacktrace]
            .into_iter()
            .flatten()
        {
            for frame in &mut trace.frames {
                // Absolute paths name the user's home; variables hold values.
                frame.abs_path = None;
                frame.vars.clear();
                frame.pre_context.clear();
                frame.context_line = None;
                frame.post_context.clear();
            }
        }
    }
    for thread in &mut event.threads.values {
        thread.name = None;
        if let Some(trace) = &mut thread.stacktrace {
            for frame in &mut trace.frames {
                frame.abs_path = None;
                frame.vars.clear();
            }
        }
    }
    event.breadcrumbs.values = std::mem::take(&mut event.breadcrumbs.values)
        .into_iter()
        .map(|b| breadcrumb(b, secrets))
        .collect();
    event
}

/// Keeps a breadcrumb's category and level, its message scrubbed, and only numeric data.
pub fn breadcrumb(mut crumb: Breadcrumb, secrets: &[String]) -> Breadcrumb {
    crumb.message = crumb.message.map(|m| text(&m, secrets));
    crumb
        .data
        .retain(|_, value| matches!(value, Value::Number(_) | Value::Bool(_)));
    crumb
}

/// A tag value is an id, a count or a dotted word such as `contract.signed`.
fn is_safe_tag(value: &str) -> bool {
    value.len() <= 64
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Free text with personal and secret values replaced by placeholders.
pub fn text(input: &str, secrets: &[String]) -> String {
    let mut out = input.to_owned();
    for secret in secrets.iter().filter(|s| s.len() >= 8) {
        out = out.replace(secret.as_str(), "[secret]");
    }
    let out = user_paths(&out, std::env::var("HOME").ok().as_deref());
    let out = quoted(&out);
    let out = words(&out);
    digit_runs(&out)
}

/// Paths without the OS user's name: the home directory becomes `~`, and the name after any
/// `/home/` or `/Users/` becomes `[user]` (another user's home, a home set elsewhere).
fn user_paths(input: &str, home: Option<&str>) -> String {
    let mut out = match home.map(|h| h.trim_end_matches('/')) {
        Some(home) if home.len() > 1 => input.replace(home, "~"),
        _ => input.to_owned(),
    };
    for root in ["/home/", "/Users/"] {
        let mut rest = out.as_str();
        let mut scrubbed = String::with_capacity(out.len());
        while let Some(at) = rest.find(root) {
            let (before, after) = rest.split_at(at + root.len());
            scrubbed.push_str(before);
            let name_end = after
                .find(['/', ' ', '"', '\'', ')'])
                .unwrap_or(after.len());
            if name_end > 0 {
                scrubbed.push_str("[user]");
            }
            rest = &after[name_end..];
        }
        scrubbed.push_str(rest);
        out = scrubbed;
    }
    out
}

/// Replaces the content of every "…" or '…' quotation.
fn quoted(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        if (c == '"' || c == '\'') && chars.peek().is_some() {
            let rest: String = chars.clone().collect();
            if let Some(end) = rest.find(c) {
                out.push(c);
                out.push_str("[text]");
                out.push(c);
                for _ in 0..=rest[..end].chars().count() {
                    chars.next();
                }
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Replaces whole words that are emails, JWTs, bcrypt hashes or long hex runs.
fn words(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(classify(word).unwrap_or(word));
        word.clear();
    };
    for c in input.chars() {
        if c.is_whitespace()
            || matches!(
                c,
                ',' | ';' | '(' | ')' | '[' | ']' | '<' | '>' | '"' | '\'' | '`'
            )
        {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn classify(word: &str) -> Option<&'static str> {
    let trimmed = word.trim_end_matches(['.', ':']);
    if trimmed.contains('@') {
        return Some("[email]");
    }
    if trimmed.contains("$2") && trimmed.matches('$').count() >= 3 {
        return Some("[hash]");
    }
    let base64url = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    let parts: Vec<&str> = trimmed.split('.').collect();
    if parts.len() == 3 && parts.iter().all(|p| base64url(p)) && trimmed.len() >= 24 {
        return Some("[token]");
    }
    let hex_run = trimmed.chars().filter(char::is_ascii_hexdigit).count();
    if hex_run >= 32 && trimmed.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Some("[secret]");
    }
    if trimmed.len() >= 40 && base64url(trimmed) {
        return Some("[token]");
    }
    None
}

/// Replaces runs of digits and phone separators that hold six digits or more (phone numbers,
/// and any other long number).
fn digit_runs(input: &str) -> String {
    let chars: Vec<char> = input.chars().collect();
    let part_of_number =
        |c: char| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '.' | '(' | ')');
    let mut out = String::with_capacity(input.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() || chars[i] == '+' {
            let mut end = i;
            while end < chars.len() && part_of_number(chars[end]) {
                end += 1;
            }
            // Do not swallow the separators that follow the last digit.
            while end > i && !chars[end - 1].is_ascii_digit() {
                end -= 1;
            }
            let digits = chars[i..end].iter().filter(|c| c.is_ascii_digit()).count();
            if digits >= 6 {
                out.push_str("[number]");
                i = end;
                continue;
            }
            out.extend(&chars[i..end.max(i + 1)]);
            i = end.max(i + 1);
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentry::protocol::{Exception, User};

    const SECRET: &str = "a-configured-secret-of-32-bytes!!";

    fn secrets() -> Vec<String> {
        vec![SECRET.to_owned()]
    }

    #[test]
    fn personal_and_secret_values_are_replaced_in_text() {
        let input = format!(
            "failed for kevin@startup.io (+678 123 456 78) with \"Kevin Casey\", token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ, \
             hash $2b$12$ArGLiBpmfJLdNdi83mM08.q9ZtTcxvWj.OLMS.7/YiO6IADNaUtfa, key 0123456789abcdef0123456789abcdef0123456789abcdef, secret {SECRET}"
        );
        let out = text(&input, &secrets());
        for leaked in [
            "kevin",
            "678",
            "Kevin Casey",
            "eyJ",
            "$2b$",
            "ArGLi",
            "0123456789abcdef",
            SECRET,
        ] {
            assert!(!out.contains(leaked), "{leaked} leaked: {out}");
        }
        assert!(out.contains("[email]") && out.contains("[number]") && out.contains("[text]"));
        assert!(out.contains("[token]") && out.contains("[hash]") && out.contains("[secret]"));
    }

    #[test]
    fn paths_never_carry_the_os_user_name() {
        let out = user_paths(
            "opening /home/jdoe/.local/share/epicevents/crm.db, then /Users/ann/x and /srv/db",
            Some("/home/jdoe"),
        );
        assert_eq!(
            out,
            "opening ~/.local/share/epicevents/crm.db, then /Users/[user]/x and /srv/db"
        );
        let out = user_paths("key /opt/alice-data/crm.db.key", Some("/opt/alice-data/"));
        assert_eq!(out, "key ~/crm.db.key");
        let out = text("reading /home/jdoe/crm.db", &[]);
        assert!(!out.contains("jdoe"), "{out}");
    }

    #[test]
    fn ordinary_diagnostics_survive() {
        let out = text(
            "UNIQUE constraint failed: clients.email (code 2067) in contract 42",
            &[],
        );
        assert_eq!(
            out,
            "UNIQUE constraint failed: clients.email (code 2067) in contract 42"
        );
    }

    #[test]
    fn events_lose_the_user_server_and_everything_not_allowed() {
        let mut raw = Event {
            user: Some(User {
                email: Some("alice@epic.com".into()),
                ..Default::default()
            }),
            server_name: Some("alice-laptop".into()),
            ..Default::default()
        };
        raw.tags.insert("action".into(), "contract.signed".into());
        raw.tags.insert("actor_id".into(), "1".into());
        raw.tags.insert("name".into(), "Alice".into());
        raw.tags
            .insert("kind".into(), "Alice Manager <alice@epic.com>".into());
        raw.extra
            .insert("argv".into(), "epicevents login alice@epic.com".into());
        raw.message = Some("signed by alice@epic.com".into());
        raw.exception.values.push(Exception {
            ty: "panic".into(),
            value: Some("called with \"Alice\"".into()),
            ..Default::default()
        });
        let mut crumb = Breadcrumb {
            message: Some("login alice@epic.com".into()),
            ..Default::default()
        };
        crumb.data.insert("email".into(), "alice@epic.com".into());
        crumb.data.insert("rows".into(), 3.into());
        raw.breadcrumbs.values.push(crumb);
        let clean = event(raw, &[]);
        let json = serde_json::to_string(&clean).unwrap();
        for leaked in ["alice", "Alice", "laptop", "argv"] {
            assert!(!json.contains(leaked), "{leaked} leaked: {json}");
        }
        assert_eq!(
            clean.tags.get("action").map(String::as_str),
            Some("contract.signed")
        );
        assert_eq!(clean.tags.get("actor_id").map(String::as_str), Some("1"));
        assert!(
            !clean.tags.contains_key("kind"),
            "a tag value that is not an identifier is dropped"
        );
        assert_eq!(
            clean.breadcrumbs.values[0].data.get("rows"),
            Some(&Value::from(3))
        );
    }
}
