//! The sdist (`.tar.gz`) writer.
//!
//! Writes ordered entries as a POSIX pax archive (PEP 625 / the sdist spec),
//! gzip-compressed with a fixed header, so the same entries and timestamp
//! always give the same bytes. Every member is a regular file owned by uid/gid
//! 0 with empty owner names, mode 0o644 or 0o755, and one mtime; a path that
//! does not fit a ustar header (or is not ASCII) gets a pax `path` record
//! instead of a GNU long-name entry. Like the wheel writer it writes to a
//! temporary file in the output directory and renames it into place only when
//! complete. It knows nothing about projects, ignore rules or metadata.

use std::fs::File;
use std::io::{self, BufWriter, Read};
use std::path::{Path, PathBuf};

use ::tar::{Builder, EntryType, Header};
use flate2::write::GzEncoder;
use flate2::{Compression, GzBuilder};
use tempfile::NamedTempFile;

use super::{finish_temp, start_temp, Entry, Source};
use crate::error::{Error, Result};

const CHUNK: usize = 256 * 1024;
/// The largest value a 12-byte octal ustar field (size, mtime) can hold.
const USTAR_MAX: u64 = 0o777_7777_7777;
/// gzip's "unknown" operating system: the same byte on every build machine.
const GZIP_OS_UNKNOWN: u8 = 255;
/// Name of a pax extended header member, as Python's `tarfile` writes it.
const PAX_HEADER_NAME: &str = "././@PaxHeader";

/// A `.tar.gz` being written. Drop without [`TarGzWriter::finish`] discards it.
pub struct TarGzWriter {
    tar: Builder<GzEncoder<BufWriter<File>>>,
    tmp: NamedTempFile,
    target: PathBuf,
    mtime: u64,
}

impl TarGzWriter {
    /// Start writing `target` (the final path); every member gets mtime
    /// `epoch` (seconds since 1970), clamped to what ustar can store.
    pub fn create(target: &Path, epoch: i64) -> Result<Self> {
        let (tmp, file) = start_temp(target)?;
        // No file name, mtime 0 and a fixed OS byte: the gzip header carries
        // nothing about the machine or the moment of the build.
        let gz = GzBuilder::new()
            .mtime(0)
            .operating_system(GZIP_OS_UNKNOWN)
            .write(BufWriter::with_capacity(CHUNK, file), Compression::best());
        Ok(TarGzWriter {
            tar: Builder::new(gz),
            tmp,
            target: target.to_path_buf(),
            mtime: clamp_mtime(epoch),
        })
    }

    /// Append one entry as a regular file.
    pub fn add(&mut self, entry: &Entry) -> Result<()> {
        match &entry.source {
            Source::Bytes(data) => {
                let header = self.header(entry, data.len() as u64)?;
                self.tar
                    .append(&header, data.as_slice())
                    .map_err(|e| self.write_error(&entry.path, e))
            }
            Source::File(path) => {
                let file = File::open(path).map_err(|e| Error::io("cannot read", path, e))?;
                let len = file
                    .metadata()
                    .map_err(|e| Error::io("cannot read", path, e))?
                    .len();
                let header = self.header(entry, len)?;
                let mut reader = Counting {
                    inner: file.take(len),
                    count: 0,
                };
                self.tar
                    .append(&header, &mut reader)
                    .map_err(|e| self.write_error(&entry.path, e))?;
                if reader.count != len {
                    return Err(Error::new(format!(
                        "{} changed while it was being read ({len} bytes expected, {} read)\n  help: build again once nothing writes to the source tree",
                        path.display(),
                        reader.count
                    )));
                }
                Ok(())
            }
        }
    }

    /// The ustar header for `entry`, writing a pax extended header before it
    /// when the path or size does not fit.
    fn header(&mut self, entry: &Entry, size: u64) -> Result<Header> {
        let mut header = Header::new_ustar();
        header.set_entry_type(EntryType::Regular);
        header.set_mode(entry.mode());
        header.set_uid(0);
        header.set_gid(0);
        header.set_mtime(self.mtime);
        header.set_size(size);
        let mut records = Vec::new();
        let fits = entry.path.is_ascii() && header.set_path(&entry.path).is_ok();
        if !fits {
            records.push(("path", entry.path.as_str().to_owned()));
            set_fallback_name(&mut header, &entry.path);
        }
        if size > USTAR_MAX {
            records.push(("size", size.to_string()));
        }
        if !records.is_empty() {
            let data = pax_records(&records);
            let mut pax = Header::new_ustar();
            pax.set_entry_type(EntryType::XHeader);
            pax.set_mode(0o644);
            pax.set_uid(0);
            pax.set_gid(0);
            pax.set_mtime(self.mtime);
            pax.set_size(data.len() as u64);
            // Raw bytes: `set_path` would drop the leading `./` components.
            set_raw_name(&mut pax, PAX_HEADER_NAME.as_bytes());
            pax.set_cksum();
            self.tar
                .append(&pax, data.as_slice())
                .map_err(|e| self.write_error(&entry.path, e))?;
        }
        header.set_cksum();
        Ok(header)
    }

    fn write_error(&self, name: &str, e: io::Error) -> Error {
        Error::new(format!(
            "cannot write {name} into {}: {e}",
            self.target.display()
        ))
    }

    /// End the archive, flush the gzip stream and move the file into place.
    pub fn finish(self) -> Result<PathBuf> {
        let tmp_path = self.tmp.path().to_path_buf();
        let gz = self
            .tar
            .into_inner()
            .map_err(|e| Error::io("cannot write", &tmp_path, e))?;
        let buffered = gz
            .finish()
            .map_err(|e| Error::io("cannot write", &tmp_path, e))?;
        let file = buffered
            .into_inner()
            .map_err(|e| Error::io("cannot write", &tmp_path, e.into_error()))?;
        file.sync_all()
            .map_err(|e| Error::io("cannot write", &tmp_path, e))?;
        drop(file);
        finish_temp(self.tmp, &self.target)
    }
}

/// Seconds since the epoch → ustar mtime: negative becomes 0, and the far
/// future stops at the largest 11-digit octal number (year 2242).
pub fn clamp_mtime(epoch: i64) -> u64 {
    u64::try_from(epoch).unwrap_or(0).min(USTAR_MAX)
}

/// Pax records `"<len> <key>=<value>\n"`, where `<len>` counts the whole
/// record including its own digits.
fn pax_records(records: &[(&str, String)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (key, value) in records {
        let body = key.len() + value.len() + 3; // ' ', '=', '\n'
        let mut len = body + body.to_string().len();
        if len.to_string().len() + body != len {
            len = body + len.to_string().len();
        }
        out.extend_from_slice(format!("{len} {key}={value}\n").as_bytes());
    }
    out
}

/// What a reader without pax support sees as the name: the path with
/// non-ASCII bytes replaced, cut to the 100-byte ustar name field.
fn set_fallback_name(header: &mut Header, path: &str) {
    let ascii: Vec<u8> = path
        .bytes()
        .map(|b| if b.is_ascii() && b != 0 { b } else { b'_' })
        .collect();
    set_raw_name(header, &ascii);
}

/// Put `name` (cut to 100 bytes) into the ustar name field, with no prefix.
fn set_raw_name(header: &mut Header, name: &[u8]) {
    if let Some(ustar) = header.as_ustar_mut() {
        ustar.prefix = [0; 155];
        ustar.name = [0; 100];
        let n = name.len().min(ustar.name.len());
        ustar.name[..n].copy_from_slice(&name[..n]);
    }
}

/// A reader that counts the bytes it hands out.
struct Counting<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::GzDecoder;

    fn write(dir: &Path, name: &str, entries: &[Entry], epoch: i64) -> Vec<u8> {
        let target = dir.join(name);
        let mut w = TarGzWriter::create(&target, epoch).unwrap();
        for e in entries {
            w.add(e).unwrap();
        }
        assert_eq!(w.finish().unwrap(), target);
        std::fs::read(&target).unwrap()
    }

    fn members(gz: &[u8]) -> Vec<(String, u32, u64, Vec<u8>)> {
        let mut archive = ::tar::Archive::new(GzDecoder::new(gz));
        archive
            .entries()
            .unwrap()
            .map(|e| {
                let mut e = e.unwrap();
                let path = e.path().unwrap().to_str().unwrap().to_string();
                let header = e.header().clone();
                assert_eq!(header.entry_type(), EntryType::Regular);
                assert_eq!((header.uid().unwrap(), header.gid().unwrap()), (0, 0));
                assert_eq!(header.username_bytes(), Some(&b""[..]));
                assert_eq!(header.groupname_bytes(), Some(&b""[..]));
                let mut data = Vec::new();
                e.read_to_end(&mut data).unwrap();
                (path, header.mode().unwrap(), header.mtime().unwrap(), data)
            })
            .collect()
    }

    #[test]
    fn pax_record_lengths_count_themselves() {
        let one = pax_records(&[("path", "a".into())]);
        assert_eq!(one, b"9 path=a\n");
        // 99 + 3 digits would be 102: the length must re-settle at 3 digits.
        let value = "x".repeat(92);
        let rec = pax_records(&[("path", value.clone())]);
        assert_eq!(rec.len(), 102);
        assert!(rec.starts_with(b"102 path="));
        for n in 0..300 {
            let rec = pax_records(&[("k", "v".repeat(n))]);
            let digits = rec.iter().position(|&b| b == b' ').unwrap();
            let declared: usize = std::str::from_utf8(&rec[..digits])
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(declared, rec.len(), "value of {n} bytes");
        }
    }

    #[test]
    fn mtime_is_clamped() {
        assert_eq!(clamp_mtime(-5), 0);
        assert_eq!(clamp_mtime(1_700_000_000), 1_700_000_000);
        assert_eq!(clamp_mtime(i64::MAX), USTAR_MAX);
    }

    #[test]
    fn writes_modes_owners_mtime_and_long_paths() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("run.sh");
        std::fs::write(&script, b"#!/bin/sh\n").unwrap();
        let long = format!("p-1/{}/{}.txt", "d".repeat(120), "f".repeat(120));
        let unicode = "p-1/données/ñ.txt".to_string();
        let entries = vec![
            Entry::bytes("p-1/PKG-INFO", "Metadata-Version: 2.4\n"),
            Entry::file("p-1/run.sh", script, true),
            Entry::bytes(long.clone(), "long"),
            Entry::bytes(unicode.clone(), "unicode"),
        ];
        let gz = write(dir.path(), "p-1.tar.gz", &entries, 1_700_000_000);
        // Fixed gzip header: magic, deflate, no flags (no name), mtime 0, OS 255.
        assert_eq!(&gz[..8], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);
        assert_eq!(gz[9], 255);
        let got = members(&gz);
        let names: Vec<&str> = got.iter().map(|m| m.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "p-1/PKG-INFO",
                "p-1/run.sh",
                long.as_str(),
                unicode.as_str()
            ]
        );
        assert_eq!(got[0].1, 0o644);
        assert_eq!(got[1].1, 0o755);
        assert!(got.iter().all(|m| m.2 == 1_700_000_000));
        assert_eq!(got[1].3, b"#!/bin/sh\n");
        assert_eq!(got[2].3, b"long");
        // No GNU long-name members: the raw stream has pax headers only.
        let mut raw = Vec::new();
        GzDecoder::new(gz.as_slice()).read_to_end(&mut raw).unwrap();
        assert!(!raw.windows(13).any(|w| w == b"././@LongLink"));
        assert_eq!(
            raw.windows(14).filter(|w| *w == b"././@PaxHeader").count(),
            2
        );
    }

    #[test]
    fn same_input_same_bytes_and_nothing_left_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let entries = vec![Entry::bytes("a-1/x", "x"), Entry::bytes("a-1/y", "y")];
        let first = write(dir.path(), "one.tar.gz", &entries, 0);
        let second = write(dir.path(), "two.tar.gz", &entries, 0);
        assert_eq!(first, second);
        let other = write(dir.path(), "three.tar.gz", &entries, 86_400);
        assert_ne!(first, other);

        let mut w = TarGzWriter::create(&dir.path().join("gone.tar.gz"), 0).unwrap();
        w.add(&Entry::bytes("a", "b")).unwrap();
        drop(w);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, ["one.tar.gz", "three.tar.gz", "two.tar.gz"]);
    }

    #[test]
    fn missing_source_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = TarGzWriter::create(&dir.path().join("a.tar.gz"), 0).unwrap();
        let missing = dir.path().join("nope.txt");
        let err = w
            .add(&Entry::file("a/nope.txt", missing, false))
            .unwrap_err();
        assert!(err.message().starts_with("cannot read "), "{err}");
        assert!(err.message().contains("nope.txt"), "{err}");
    }
}
