//! Writers: ordered entries in, deterministic archives out.
//!
//! A writer takes entries (archive path, mode, where the bytes come from) in
//! the order it is given, hashes while it writes, and never knows about
//! configuration, metadata rules or tags. Reproducibility lives here: fixed
//! modes and one timestamp for every entry.

pub mod deflate;
pub mod tar;
pub mod zip;

use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// Where an entry's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file on disk, streamed (never read whole into memory).
    File(PathBuf),
    /// Generated content.
    Bytes(Vec<u8>),
}

/// One file in an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Forward-slash path inside the archive.
    pub path: String,
    /// 0o755 when true, else 0o644.
    pub executable: bool,
    pub source: Source,
}

impl Entry {
    pub fn bytes(path: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        Entry {
            path: path.into(),
            executable: false,
            source: Source::Bytes(data.into()),
        }
    }

    pub fn file(path: impl Into<String>, file: PathBuf, executable: bool) -> Self {
        Entry {
            path: path.into(),
            executable,
            source: Source::File(file),
        }
    }

    pub fn mode(&self) -> u32 {
        if self.executable {
            0o755
        } else {
            0o644
        }
    }
}

/// The timestamp every entry carries, in seconds since the Unix epoch.
///
/// `SOURCE_DATE_EPOCH` when set (an integer); otherwise 1980-01-01T00:00:00Z,
/// the earliest time a zip file can store. Values outside what zip can store
/// are clamped (see [`zip::dos_datetime`]).
pub fn timestamp(source_date_epoch: Option<&str>) -> Result<i64> {
    const DEFAULT: i64 = 315_532_800; // 1980-01-01T00:00:00Z
    match source_date_epoch.map(str::trim) {
        None | Some("") => Ok(DEFAULT),
        Some(s) => s.parse::<i64>().map_err(|_| {
            Error::new(format!(
                "SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01, found {s:?}\n  help: unset it, or set it to e.g. $(git log -1 --format=%ct)"
            ))
        }),
    }
}

/// A temporary file beside `target` (same directory, so the final rename is
/// atomic), and a second handle to write through. Dropped unfinished, it is
/// deleted; see [`finish_temp`].
pub(crate) fn start_temp(target: &Path) -> Result<(NamedTempFile, std::fs::File)> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let tmp = tempfile::Builder::new()
        .prefix(".binwheel-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io("cannot create a file in", dir, e))?;
    let file = tmp
        .as_file()
        .try_clone()
        .map_err(|e| Error::io("cannot open", tmp.path(), e))?;
    Ok((tmp, file))
}

/// Give a finished temporary file normal permissions and rename it to `target`.
pub(crate) fn finish_temp(tmp: NamedTempFile, target: &Path) -> Result<PathBuf> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::io("cannot set permissions of", tmp.path(), e))?;
    }
    tmp.persist(target)
        .map_err(|e| Error::io("cannot move the finished file to", target, e.error))?;
    Ok(target.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_rules() {
        assert_eq!(timestamp(None).unwrap(), 315_532_800);
        assert_eq!(timestamp(Some("")).unwrap(), 315_532_800);
        assert_eq!(timestamp(Some("1700000000")).unwrap(), 1_700_000_000);
        assert_eq!(timestamp(Some("0")).unwrap(), 0);
        let err = timestamp(Some("yesterday")).unwrap_err();
        assert!(
            err.message()
                .contains("SOURCE_DATE_EPOCH must be a whole number"),
            "{err}"
        );
    }
}
