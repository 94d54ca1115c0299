//! The shell's history file: one per collaborator, owner-only, appended as each command is
//! accepted (as zsh and atuin do), so a killed shell or a closed terminal loses nothing.
//!
//! The file is opened without following symbolic links: nobody can point a collaborator's
//! history at a file of their choosing. Lines that are not commands never reach it (the REPL
//! decides), so a password typed at the prompt by mistake is not kept. One entry per line,
//! with `\` and line breaks escaped.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use crate::private_files;

/// How many entries are kept; older ones are dropped when the file is loaded.
pub const MAX_ENTRIES: usize = 2000;

/// The most of a history file that is read (a file larger than this is not ours).
const MAX_BYTES: u64 = 4 * 1024 * 1024;

/// The entries of the history file at `path`, oldest first (none when it does not exist or
/// cannot be read safely). When it holds more than [`MAX_ENTRIES`], it is rewritten with the
/// newest ones.
pub fn load(path: &Path) -> Vec<String> {
    let Ok(file) = open(path, OpenOptions::new().read(true)) else {
        return Vec::new();
    };
    let mut entries: Vec<String> = BufReader::new(file.take(MAX_BYTES))
        .lines()
        .map_while(io::Result::ok)
        .filter(|line| !line.is_empty())
        .map(|line| unescape(&line))
        .collect();
    if entries.len() > MAX_ENTRIES {
        entries.drain(..entries.len() - MAX_ENTRIES);
        let mut content = String::new();
        for entry in &entries {
            content.push_str(&escape(entry));
            content.push('\n');
        }
        // Best effort: a history that cannot be trimmed is still a history.
        let _ = private_files::write_atomic(path, content.as_bytes());
    }
    entries
}

/// Appends `entry` to the history file at `path`, creating it (and its directory)
/// owner-only.
pub fn append(path: &Path, entry: &str) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        private_files::ensure_dir(dir)?;
    }
    let mut file = open(path, OpenOptions::new().append(true).create(true))?;
    file.write_all(format!("{}\n", escape(entry)).as_bytes())
}

/// Opens `path` owner-only (when created) and refuses a symbolic link.
fn open(path: &Path, options: &mut OpenOptions) -> io::Result<File> {
    options
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

fn escape(entry: &str) -> String {
    entry
        .replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

fn unescape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_survive_a_round_trip_escapes_included() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h").join("1.txt");
        for entry in ["clients list", "x\\y", "two\nlines"] {
            append(&path, entry).unwrap();
        }
        assert_eq!(load(&path), ["clients list", "x\\y", "two\nlines"]);
        assert!(!private_files::readable_by_others(&path));
    }

    #[test]
    fn a_symbolic_link_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        std::fs::write(&target, "untouched\n").unwrap();
        let path = dir.path().join("1.txt");
        std::os::unix::fs::symlink(&target, &path).unwrap();
        assert!(append(&path, "clients list").is_err());
        assert!(load(&path).is_empty());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "untouched\n");
    }

    #[test]
    fn only_the_newest_entries_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("1.txt");
        let content: String = (0..MAX_ENTRIES + 5)
            .map(|i| format!("line {i}\n"))
            .collect();
        std::fs::write(&path, content).unwrap();
        let entries = load(&path);
        assert_eq!(entries.len(), MAX_ENTRIES);
        assert_eq!(entries[0], "line 5");
        assert_eq!(load(&path).len(), MAX_ENTRIES);
    }
}
