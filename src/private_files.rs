//! Files only their owner may read: the data directory (0700), the session token, the key
//! file, the database and history (0600).
//!
//! Writes that replace a file go through a temporary file and a rename, so a reader sees the
//! old content or the new one, never half of it. Reads refuse symbolic links, so nobody can
//! point epicevents at a file of their choosing.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Creates `dir` (and its parents) owner-only if it does not exist yet.
pub fn ensure_dir(dir: &Path) -> io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

/// Creates `path` empty and owner-only if it does not exist; leaves it alone otherwise.
pub fn touch(path: &Path) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        ensure_dir(dir)?;
    }
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .map(drop)
}

/// Replaces the content of `path` atomically with an owner-only file.
pub fn write_atomic(path: &Path, content: &[u8]) -> io::Result<()> {
    let temp = write_temp(path, content)?;
    fs::rename(&temp, path).inspect_err(|_| {
        let _ = fs::remove_file(&temp);
    })
}

/// Creates `path` with `content` unless it already exists, atomically: concurrent callers
/// all end up reading the same complete file. Returns whether this call created it.
pub fn create_once(path: &Path, content: &[u8]) -> io::Result<bool> {
    let temp = write_temp(path, content)?;
    let linked = fs::hard_link(&temp, path);
    fs::remove_file(&temp)?;
    match linked {
        Ok(()) => Ok(true),
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(err) => Err(err),
    }
}

/// Reads at most `limit` bytes of `path`. `Ok(None)` when it does not exist; an error when
/// it is a symbolic link, not a regular file, or larger than `limit`.
pub fn read_small(path: &Path, limit: u64) -> io::Result<Option<Vec<u8>>> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err),
    };
    if !meta.file_type().is_file() {
        return Err(io::Error::other(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    let mut content = Vec::new();
    File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut content)?;
    if content.len() as u64 > limit {
        return Err(io::Error::other(format!(
            "{} is larger than expected",
            path.display()
        )));
    }
    Ok(Some(content))
}

/// Creates an empty owner-only file beside `path`, under a name of its own, for content that
/// takes `path`'s name only once complete ([`link_new`]).
pub fn create_temp_beside(path: &Path) -> io::Result<PathBuf> {
    write_temp(path, &[])
}

/// Gives the complete file `temp` the name `path`, unless `path` exists (no file is ever
/// replaced); `temp` is removed either way.
pub fn link_new(temp: &Path, path: &Path) -> io::Result<()> {
    let linked = fs::hard_link(temp, path);
    fs::remove_file(temp)?;
    linked
}

/// Whether people other than the owner may read `path` (group or other permission bits).
pub fn readable_by_others(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|meta| meta.permissions().mode() & 0o077 != 0)
}

fn write_temp(path: &Path, content: &[u8]) -> io::Result<PathBuf> {
    let dir = path.parent().unwrap_or(Path::new("."));
    ensure_dir(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce).map_err(io::Error::other)?;
    let temp = dir.join(format!(
        ".{name}.{}.{:016x}",
        std::process::id(),
        u64::from_ne_bytes(nonce)
    ));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)?;
    let written = file.write_all(content).and_then(|()| file.sync_all());
    if let Err(err) = written {
        let _ = fs::remove_file(&temp);
        return Err(err);
    }
    Ok(temp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn directories_and_files_are_created_owner_only() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        let file = dir.join("token");
        write_atomic(&file, b"secret").unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&file), 0o600);
        assert_eq!(fs::read(&file).unwrap(), b"secret");
        write_atomic(&file, b"again").unwrap();
        assert_eq!(fs::read(&file).unwrap(), b"again");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            1,
            "no temporary file is left behind"
        );
    }

    #[test]
    fn create_once_keeps_the_first_content() {
        let root = tempfile::tempdir().unwrap();
        let key = root.path().join("key");
        assert!(create_once(&key, b"first").unwrap());
        assert!(!create_once(&key, b"second").unwrap());
        assert_eq!(fs::read(&key).unwrap(), b"first");
        assert_eq!(mode(&key), 0o600);
    }

    #[test]
    fn reads_refuse_symlinks_and_oversized_files() {
        let root = tempfile::tempdir().unwrap();
        let real = root.path().join("real");
        fs::write(&real, b"0123456789").unwrap();
        let link = root.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(read_small(&link, 100).is_err());
        assert!(read_small(&real, 5).is_err());
        assert_eq!(read_small(&real, 10).unwrap().unwrap(), b"0123456789");
        assert!(
            read_small(&root.path().join("missing"), 10)
                .unwrap()
                .is_none()
        );
    }
}
