//! The wheel (zip) writer.
//!
//! A small, deterministic zip writer of our own: the `zip` crate cannot take
//! pre-compressed data as a stream, and streaming is what lets a 200 MB
//! binary be compressed on every core (see `deflate`) with bounded memory
//! and hashed in the same pass. Each entry's local header is written first
//! and patched with its CRC and sizes once the data is out. RECORD is
//! collected as entries are written and goes last. ZIP64 records appear only
//! when a size or offset needs them. The archive is written to a temporary
//! file in the output directory and renamed into place only when complete,
//! so a failed build leaves nothing behind.

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use base64::Engine;
use tempfile::NamedTempFile;

use super::deflate;
use super::{finish_temp, start_temp, Entry, Source};
use crate::error::{Error, Result};

/// Entries at least this large get ZIP64 local headers (decided before the
/// data is written; deflate never grows data past 4 GiB from below this).
const ZIP64_THRESHOLD: u64 = 0xFFFF_0000;
const U32_MAX: u64 = 0xFFFF_FFFF;
/// Deflate level when the project sets none.
pub const DEFAULT_LEVEL: u32 = 6;
/// "Made by" Unix (3), spec version 2.0 / 4.5 (ZIP64).
const MADE_BY_UNIX: u16 = 3 << 8;

struct CentralEntry {
    name: String,
    method: u16,
    crc32: u32,
    compressed_size: u64,
    size: u64,
    offset: u64,
    mode: u32,
}

/// A wheel being written. Drop without [`WheelWriter::finish`] discards it.
pub struct WheelWriter {
    out: BufWriter<File>,
    tmp: NamedTempFile,
    target: PathBuf,
    time: DosTime,
    level: u32,
    threads: usize,
    entries: Vec<CentralEntry>,
    record: Vec<(String, String, u64)>,
}

impl WheelWriter {
    /// Start writing `target` (the final path). `level`: deflate level 0–9,
    /// None for [`DEFAULT_LEVEL`]; 0 stores entries uncompressed.
    pub fn create(target: &Path, epoch: i64, level: Option<u32>) -> Result<Self> {
        let (tmp, file) = start_temp(target)?;
        Ok(WheelWriter {
            out: BufWriter::with_capacity(1 << 20, file),
            tmp,
            target: target.to_path_buf(),
            time: dos_datetime(epoch),
            level: level.unwrap_or(DEFAULT_LEVEL).min(9),
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            entries: Vec::new(),
            record: Vec::new(),
        })
    }

    /// Write one entry, hashing it on the way.
    pub fn add(&mut self, entry: &Entry) -> Result<()> {
        let (sha256, size) = match &entry.source {
            Source::Bytes(data) => {
                self.write_entry(&entry.path, entry.mode(), data.len() as u64, &data[..])?
            }
            Source::File(path) => {
                let file = File::open(path).map_err(|e| Error::io("cannot read", path, e))?;
                let len = file
                    .metadata()
                    .map_err(|e| Error::io("cannot read", path, e))?
                    .len();
                self.write_entry(&entry.path, entry.mode(), len, file)
                    .map_err(|e| e.context(format!("while packing {}", path.display())))?
            }
        };
        self.record
            .push((entry.path.clone(), record_hash(&sha256), size));
        Ok(())
    }

    fn write_entry(
        &mut self,
        name: &str,
        mode: u32,
        expected: u64,
        data: impl io::Read,
    ) -> Result<([u8; 32], u64)> {
        let zip64 = expected >= ZIP64_THRESHOLD;
        let method: u16 = if self.level == 0 { 0 } else { 8 };
        let offset = self.position()?;
        self.local_header(name, method, 0, 0, 0, zip64)
            .map_err(|e| self.write_error(e))?;
        let compressed = deflate::compress(data, expected, &mut self.out, self.level, self.threads)
            .map_err(|e| self.write_error(e))?;
        if compressed.size != expected {
            return Err(Error::new(format!(
                "{name} changed size while it was being packed ({expected} then {} bytes)",
                compressed.size
            )));
        }
        if !zip64 && (compressed.size > U32_MAX || compressed.compressed_size > U32_MAX) {
            return Err(Error::new(format!(
                "{name} grew past 4 GiB while it was being packed"
            )));
        }
        let end = self.position()?;
        self.out
            .seek(SeekFrom::Start(offset))
            .and_then(|_| {
                self.local_header(
                    name,
                    method,
                    compressed.crc32,
                    compressed.compressed_size,
                    compressed.size,
                    zip64,
                )
            })
            .and_then(|_| self.out.seek(SeekFrom::Start(end)).map(|_| ()))
            .map_err(|e| self.write_error(e))?;
        self.entries.push(CentralEntry {
            name: name.to_string(),
            method,
            crc32: compressed.crc32,
            compressed_size: compressed.compressed_size,
            size: compressed.size,
            offset,
            mode,
        });
        Ok((compressed.sha256, compressed.size))
    }

    fn position(&mut self) -> Result<u64> {
        self.out.stream_position().map_err(|e| self.write_error(e))
    }

    fn write_error(&self, e: io::Error) -> Error {
        Error::new(format!("cannot write {}: {e}", self.target.display()))
    }

    fn local_header(
        &mut self,
        name: &str,
        method: u16,
        crc32: u32,
        csize: u64,
        size: u64,
        zip64: bool,
    ) -> io::Result<()> {
        let mut h = Vec::with_capacity(30 + name.len() + 20);
        put32(&mut h, 0x0403_4b50);
        put16(&mut h, if zip64 { 45 } else { 20 });
        put16(&mut h, flags(name));
        put16(&mut h, method);
        put16(&mut h, self.time.time_word());
        put16(&mut h, self.time.date_word());
        put32(&mut h, crc32);
        if zip64 {
            put32(&mut h, U32_MAX as u32);
            put32(&mut h, U32_MAX as u32);
        } else {
            put32(&mut h, csize as u32);
            put32(&mut h, size as u32);
        }
        put16(&mut h, name.len() as u16);
        put16(&mut h, if zip64 { 20 } else { 0 });
        h.extend_from_slice(name.as_bytes());
        if zip64 {
            put16(&mut h, 0x0001);
            put16(&mut h, 16);
            put64(&mut h, size);
            put64(&mut h, csize);
        }
        self.out.write_all(&h)
    }

    /// Write RECORD at `record_path` (in .dist-info), the central directory,
    /// and move the wheel into place.
    pub fn finish(mut self, record_path: &str) -> Result<PathBuf> {
        let mut record = String::new();
        for (path, hash, size) in &self.record {
            record.push_str(&format!("{},sha256={hash},{size}\n", csv_field(path)));
        }
        record.push_str(&format!("{},,\n", csv_field(record_path)));
        self.write_entry(record_path, 0o644, record.len() as u64, record.as_bytes())?;
        self.central_directory().map_err(|e| self.write_error(e))?;
        let tmp_path = self.tmp.path().to_path_buf();
        let file = self
            .out
            .into_inner()
            .map_err(|e| Error::io("cannot write", &tmp_path, e.into_error()))?;
        file.sync_all()
            .map_err(|e| Error::io("cannot write", &tmp_path, e))?;
        drop(file);
        finish_temp(self.tmp, &self.target)
    }

    fn central_directory(&mut self) -> io::Result<()> {
        let start = self.out.stream_position()?;
        let mut cd = Vec::new();
        for e in &self.entries {
            let mut extra = Vec::new();
            if e.size >= U32_MAX {
                put64(&mut extra, e.size);
            }
            if e.compressed_size >= U32_MAX {
                put64(&mut extra, e.compressed_size);
            }
            if e.offset >= U32_MAX {
                put64(&mut extra, e.offset);
            }
            let zip64 = !extra.is_empty() || e.size >= ZIP64_THRESHOLD;
            let version: u16 = if zip64 { 45 } else { 20 };
            put32(&mut cd, 0x0201_4b50);
            put16(&mut cd, MADE_BY_UNIX | version);
            put16(&mut cd, version);
            put16(&mut cd, flags(&e.name));
            put16(&mut cd, e.method);
            put16(&mut cd, self.time.time_word());
            put16(&mut cd, self.time.date_word());
            put32(&mut cd, e.crc32);
            put32(&mut cd, e.compressed_size.min(U32_MAX) as u32);
            put32(&mut cd, e.size.min(U32_MAX) as u32);
            put16(&mut cd, e.name.len() as u16);
            put16(
                &mut cd,
                if extra.is_empty() {
                    0
                } else {
                    extra.len() as u16 + 4
                },
            );
            put16(&mut cd, 0); // comment
            put16(&mut cd, 0); // disk
            put16(&mut cd, 0); // internal attributes
            put32(&mut cd, (0o100_000 | e.mode) << 16);
            put32(&mut cd, e.offset.min(U32_MAX) as u32);
            cd.extend_from_slice(e.name.as_bytes());
            if !extra.is_empty() {
                put16(&mut cd, 0x0001);
                put16(&mut cd, extra.len() as u16);
                cd.extend_from_slice(&extra);
            }
        }
        self.out.write_all(&cd)?;
        let size = cd.len() as u64;
        let count = self.entries.len() as u64;
        let mut end = Vec::new();
        if count >= 0xFFFF || size >= U32_MAX || start >= U32_MAX {
            let zip64_end = start + size;
            put32(&mut end, 0x0606_4b50);
            put64(&mut end, 44);
            put16(&mut end, MADE_BY_UNIX | 45);
            put16(&mut end, 45);
            put32(&mut end, 0);
            put32(&mut end, 0);
            put64(&mut end, count);
            put64(&mut end, count);
            put64(&mut end, size);
            put64(&mut end, start);
            put32(&mut end, 0x0706_4b50);
            put32(&mut end, 0);
            put64(&mut end, zip64_end);
            put32(&mut end, 1);
        }
        put32(&mut end, 0x0605_4b50);
        put16(&mut end, 0);
        put16(&mut end, 0);
        put16(&mut end, count.min(0xFFFF) as u16);
        put16(&mut end, count.min(0xFFFF) as u16);
        put32(&mut end, size.min(U32_MAX) as u32);
        put32(&mut end, start.min(U32_MAX) as u32);
        put16(&mut end, 0);
        self.out.write_all(&end)
    }
}

/// General-purpose flags: bit 11 when the name is not ASCII (it is UTF-8).
fn flags(name: &str) -> u16 {
    if name.is_ascii() {
        0
    } else {
        0x0800
    }
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
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

/// A zip (MS-DOS) timestamp: the fields, and the packed date and time words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DosTime {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    /// Even: zip stores seconds in units of two.
    pub second: u8,
}

impl DosTime {
    fn date_word(self) -> u16 {
        ((self.year - 1980) << 9) | (u16::from(self.month) << 5) | u16::from(self.day)
    }

    fn time_word(self) -> u16 {
        (u16::from(self.hour) << 11) | (u16::from(self.minute) << 5) | u16::from(self.second / 2)
    }
}

/// Seconds since the epoch → zip (MS-DOS) time, clamped to what zip can hold:
/// 1980-01-01 00:00:00 to 2107-12-31 23:59:58, with 2-second resolution.
pub fn dos_datetime(epoch: i64) -> DosTime {
    const MIN: i64 = 315_532_800; // 1980-01-01
    const MAX: i64 = 4_354_819_198; // 2107-12-31T23:59:58
    let t = epoch.clamp(MIN, MAX);
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    DosTime {
        year: y as u16,
        month: m as u8,
        day: d as u8,
        hour: (secs / 3600) as u8,
        minute: ((secs % 3600) / 60) as u8,
        second: (secs % 60) as u8 & !1,
    }
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (also
/// the SBOM's timestamp).
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
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

    use sha2::{Digest, Sha256};
    use std::io::Read;

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
        assert_eq!((t.year, t.month, t.day, t.hour), (1980, 1, 1, 0));
        let t = dos_datetime(1_700_000_001); // 2023-11-14T22:13:21Z
        assert_eq!(
            (t.year, t.month, t.day, t.hour, t.minute, t.second),
            (2023, 11, 14, 22, 13, 20)
        );
        let t = dos_datetime(i64::MAX);
        assert_eq!((t.year, t.month, t.day), (2107, 12, 31));
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
