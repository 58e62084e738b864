//! The wheel (zip) writer.
//!
//! Streams each entry into the archive while computing its sha256 in the same
//! pass, collects RECORD as it goes and writes RECORD last. The archive is
//! written to a temporary file in the output directory and renamed into place
//! only when complete, so a failed build leaves nothing behind.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use base64::Engine;
use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::{finish_temp, Entry, Source};
use crate::error::{Error, Result};

/// Entries larger than this are written with ZIP64 headers.
const ZIP64_THRESHOLD: u64 = 0xFFFF_0000;
const CHUNK: usize = 256 * 1024;

/// A wheel being written. Drop without [`WheelWriter::finish`] discards it.
pub struct WheelWriter {
    zip: ZipWriter<BufWriter<File>>,
    tmp: NamedTempFile,
    target: PathBuf,
    time: DateTime,
    level: Option<u32>,
    record: Vec<(String, String, u64)>,
    buf: Vec<u8>,
}

impl WheelWriter {
    /// Start writing `target` (the final path). `level`: deflate level 0–9, None for the default.
    pub fn create(target: &Path, epoch: i64, level: Option<u32>) -> Result<Self> {
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
        Ok(WheelWriter {
            zip: ZipWriter::new(BufWriter::with_capacity(CHUNK, file)),
            tmp,
            target: target.to_path_buf(),
            time: dos_datetime(epoch),
            level,
            record: Vec::new(),
            buf: vec![0; CHUNK],
        })
    }

    fn options(&self, mode: u32, size: u64) -> SimpleFileOptions {
        let method = if self.level == Some(0) {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        SimpleFileOptions::default()
            .compression_method(method)
            .compression_level(self.level.filter(|l| *l > 0).map(i64::from))
            .last_modified_time(self.time)
            .unix_permissions(mode)
            .system(zip::System::Unix)
            .large_file(size >= ZIP64_THRESHOLD)
    }

    /// Write one entry, hashing it on the way.
    pub fn add(&mut self, entry: &Entry) -> Result<()> {
        let (hash, size) = match &entry.source {
            Source::Bytes(data) => {
                let options = self.options(entry.mode(), data.len() as u64);
                self.start(&entry.path, options)?;
                self.zip
                    .write_all(data)
                    .map_err(|e| self.write_error(&entry.path, e))?;
                (Sha256::digest(data), data.len() as u64)
            }
            Source::File(path) => {
                let mut file = File::open(path).map_err(|e| Error::io("cannot read", path, e))?;
                let len = file
                    .metadata()
                    .map_err(|e| Error::io("cannot read", path, e))?
                    .len();
                let options = self.options(entry.mode(), len);
                self.start(&entry.path, options)?;
                let mut hasher = Sha256::new();
                let mut size = 0u64;
                loop {
                    let n = match file.read(&mut self.buf) {
                        Ok(0) => break,
                        Ok(n) => n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(Error::io("cannot read", path, e)),
                    };
                    hasher.update(&self.buf[..n]);
                    self.zip
                        .write_all(&self.buf[..n])
                        .map_err(|e| Error::io("cannot write", self.tmp.path(), e))?;
                    size += n as u64;
                }
                (hasher.finalize(), size)
            }
        };
        self.record
            .push((entry.path.clone(), record_hash(&hash), size));
        Ok(())
    }

    fn start(&mut self, name: &str, options: SimpleFileOptions) -> Result<()> {
        self.zip.start_file(name, options).map_err(|e| {
            Error::new(format!(
                "cannot add {name} to {}: {e}",
                self.target.display()
            ))
        })
    }

    fn write_error(&self, name: &str, e: io::Error) -> Error {
        Error::new(format!(
            "cannot write {name} into {}: {e}",
            self.target.display()
        ))
    }

    /// Write RECORD at `record_path` (in .dist-info) and move the wheel into place.
    pub fn finish(mut self, record_path: &str) -> Result<PathBuf> {
        let mut record = String::new();
        for (path, hash, size) in &self.record {
            record.push_str(&format!("{},sha256={hash},{size}\n", csv_field(path)));
        }
        record.push_str(&format!("{},,\n", csv_field(record_path)));
        let options = self.options(0o644, record.len() as u64);
        self.start(record_path, options)?;
        self.zip
            .write_all(record.as_bytes())
            .map_err(|e| self.write_error(record_path, e))?;
        let tmp_path = self.tmp.path().to_path_buf();
        let writer = self
            .zip
            .finish()
            .map_err(|e| Error::new(format!("cannot finish {}: {e}", tmp_path.display())))?;
        let file = writer
            .into_inner()
            .map_err(|e| Error::io("cannot write", &tmp_path, e.into_error()))?;
        file.sync_all()
            .map_err(|e| Error::io("cannot write", &tmp_path, e))?;
        drop(file);
        finish_temp(self.tmp, &self.target)
    }
}

/// `sha256=` value for RECORD: urlsafe base64 without padding.
pub fn record_hash(digest: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

/// Quote a RECORD path if it needs CSV quoting.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Seconds since the epoch → zip (MS-DOS) time, clamped to what zip can hold:
/// 1980-01-01 00:00:00 to 2107-12-31 23:59:58, with 2-second resolution.
pub fn dos_datetime(epoch: i64) -> DateTime {
    const MIN: i64 = 315_532_800; // 1980-01-01
    const MAX: i64 = 4_354_819_198; // 2107-12-31T23:59:58
    let t = epoch.clamp(MIN, MAX);
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    DateTime::from_date_and_time(
        y as u16,
        m as u8,
        d as u8,
        (secs / 3600) as u8,
        ((secs % 3600) / 60) as u8,
        (secs % 60) as u8,
    )
    .unwrap_or_default()
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(3652), (1980, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn dos_time_is_clamped() {
        let t = dos_datetime(0);
        assert_eq!((t.year(), t.month(), t.day(), t.hour()), (1980, 1, 1, 0));
        let t = dos_datetime(1_700_000_000); // 2023-11-14T22:13:20Z
        assert_eq!(
            (
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            ),
            (2023, 11, 14, 22, 13, 20)
        );
        let t = dos_datetime(i64::MAX);
        assert_eq!((t.year(), t.month(), t.day()), (2107, 12, 31));
    }

    #[test]
    fn writes_record_last_and_leaves_nothing_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("x-1-py3-none-any.whl");
        let bin = dir.path().join("bin");
        std::fs::write(&bin, b"\x7fELF fake").unwrap();
        let mut w = WheelWriter::create(&target, 0, None).unwrap();
        w.add(&Entry::bytes("x/__init__.py", "")).unwrap();
        w.add(&Entry::file("x/_bin/x", bin, true)).unwrap();
        w.finish("x-1.dist-info/RECORD").unwrap();
        let mut archive = zip::ZipArchive::new(File::open(&target).unwrap()).unwrap();
        let names: Vec<String> = archive
            .file_names()
            .map(|n| n.unwrap().to_string())
            .collect();
        assert_eq!(names.last().unwrap(), "x-1.dist-info/RECORD");
        assert_eq!(
            archive.by_name("x/_bin/x").unwrap().unix_mode(),
            Some(0o100755)
        );
        assert_eq!(
            archive.by_name("x/__init__.py").unwrap().unix_mode(),
            Some(0o100644)
        );
        let mut record = String::new();
        archive
            .by_name("x-1.dist-info/RECORD")
            .unwrap()
            .read_to_string(&mut record)
            .unwrap();
        assert_eq!(
            record,
            "x/__init__.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\nx/_bin/x,sha256="
                .to_string()
                + &record_hash(&Sha256::digest(b"\x7fELF fake"))
                + ",9\nx-1.dist-info/RECORD,,\n"
        );

        let target2 = dir.path().join("y.whl");
        let mut w = WheelWriter::create(&target2, 0, None).unwrap();
        w.add(&Entry::bytes("a", "b")).unwrap();
        drop(w);
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(
            !left
                .iter()
                .any(|n| n.starts_with(".binwheel-") || n == "y.whl"),
            "{left:?}"
        );
    }
}
