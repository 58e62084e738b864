//! The zip reader of `binwheel check` and `binwheel inspect`.
//!
//! Owns reading a wheel's central directory itself, because the checks must
//! see what a zip library hides (duplicate names, raw external attributes,
//! local headers that disagree), under caps: a hostile archive costs a few
//! buffers. Each member is streamed once, hashed as it goes, and kept only
//! as metadata text (capped) or as a temporary file when it starts like a
//! binary. It knows no wheel rule: what the entries mean is `wheel`'s.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use sha2::Digest as _;

use crate::inspect;

/// Largest metadata file (`WHEEL`, `METADATA`, `RECORD`) read into memory.
pub(super) const MAX_METADATA: u64 = 64 << 20;
/// Largest central directory read into memory.
pub(super) const MAX_DIRECTORY: u64 = 256 << 20;
pub(super) const MAX_ENTRIES: u64 = 1 << 20;

#[derive(Clone)]
pub(super) struct ZipEntry {
    pub(super) name: String,
    pub(super) made_by: u16,
    pub(super) flags: u16,
    pub(super) method: u16,
    pub(super) crc: u32,
    pub(super) compressed: u64,
    pub(super) size: u64,
    pub(super) external: u32,
    pub(super) local_offset: u64,
}

impl ZipEntry {
    /// The Unix mode, when the entry was made on Unix (`version made by` 3).
    pub(super) fn unix_mode(&self) -> Option<u32> {
        (self.made_by >> 8 == 3).then_some(self.external >> 16)
    }
}

pub(super) struct Zip {
    pub(super) file: File,
    pub(super) entries: Vec<ZipEntry>,
}

pub(super) struct Options {
    pub(super) algo: Option<&'static str>,
    pub(super) collect: bool,
    pub(super) capture_binary: bool,
}

impl Options {
    pub(super) fn collect() -> Self {
        Options {
            algo: None,
            collect: true,
            capture_binary: false,
        }
    }
    pub(super) fn stream(algo: Option<&'static str>) -> Self {
        Options {
            algo,
            collect: false,
            capture_binary: true,
        }
    }
}

pub(super) struct EntryData {
    pub(super) size: u64,
    pub(super) digest: Option<Vec<u8>>,
    pub(super) collected: Vec<u8>,
    /// A temporary copy of the member, when it starts like a binary.
    pub(super) binary: Option<File>,
}

pub(super) enum Hasher {
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl Hasher {
    pub(super) fn new(algo: &str) -> Option<Hasher> {
        Some(match algo {
            "sha256" => Hasher::Sha256(sha2::Sha256::new()),
            "sha384" => Hasher::Sha384(sha2::Sha384::new()),
            "sha512" => Hasher::Sha512(sha2::Sha512::new()),
            _ => return None,
        })
    }
    pub(super) fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha384(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
        }
    }
    pub(super) fn finish(self) -> Vec<u8> {
        match self {
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha384(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

pub(super) fn le16(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2)
        .map_or(0, |s| u16::from_le_bytes([s[0], s[1]]))
}

pub(super) fn le32(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

pub(super) fn le64(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8).map_or(0, |s| {
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        u64::from_le_bytes(a)
    })
}

/// Read until `buf` is full or the stream ends.
pub(super) fn fill(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

pub(super) fn read_at(file: &mut File, offset: u64, len: u64) -> io::Result<Vec<u8>> {
    file.seek(SeekFrom::Start(offset))?;
    let mut buf = Vec::new();
    file.take(len).read_to_end(&mut buf)?;
    if (buf.len() as u64) < len {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "unexpected end of file",
        ));
    }
    Ok(buf)
}

impl Zip {
    pub(super) fn open(path: &Path) -> Result<Zip, String> {
        let mut file =
            File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        let entries =
            Self::directory(&mut file).map_err(|e| format!("not a valid zip archive: {e}"))?;
        Ok(Zip { file, entries })
    }

    pub(super) fn directory(file: &mut File) -> Result<Vec<ZipEntry>, String> {
        let io = |e: io::Error| e.to_string();
        let len = file.seek(SeekFrom::End(0)).map_err(io)?;
        let tail_len = len.min(22 + 65535);
        let tail = read_at(file, len - tail_len, tail_len).map_err(io)?;
        let eocd = (0..tail.len().saturating_sub(21))
            .rev()
            .find(|&i| le32(&tail, i) == 0x0605_4b50)
            .ok_or("no end of central directory record")?;
        let e = &tail[eocd..];
        let mut count = u64::from(le16(e, 10));
        let mut dir_size = u64::from(le32(e, 12));
        let mut dir_offset = u64::from(le32(e, 16));
        if count == 0xffff || dir_size == 0xffff_ffff || dir_offset == 0xffff_ffff {
            // ZIP64: the locator sits just before the end record.
            let eocd_at = len - tail_len + eocd as u64;
            let locator = read_at(
                file,
                eocd_at.checked_sub(20).ok_or("truncated ZIP64 locator")?,
                20,
            )
            .map_err(io)?;
            if le32(&locator, 0) != 0x0706_4b50 {
                return Err("missing ZIP64 end of central directory locator".into());
            }
            let record = read_at(file, le64(&locator, 8), 56).map_err(io)?;
            if le32(&record, 0) != 0x0606_4b50 {
                return Err("missing ZIP64 end of central directory record".into());
            }
            count = le64(&record, 32);
            dir_size = le64(&record, 40);
            dir_offset = le64(&record, 48);
        }
        if count > MAX_ENTRIES || dir_size > MAX_DIRECTORY {
            return Err(format!(
                "implausible central directory ({count} entries, {dir_size} bytes)"
            ));
        }
        let dir =
            read_at(file, dir_offset, dir_size).map_err(|e| format!("central directory: {e}"))?;
        let mut entries = Vec::new();
        let mut at = 0usize;
        for i in 0..count {
            let h = dir.get(at..).unwrap_or_default();
            if h.len() < 46 || le32(h, 0) != 0x0201_4b50 {
                return Err(format!("central directory entry {} is damaged", i + 1));
            }
            let (name_len, extra_len, comment_len) = (
                le16(h, 28) as usize,
                le16(h, 30) as usize,
                le16(h, 32) as usize,
            );
            let name = h
                .get(46..46 + name_len)
                .ok_or_else(|| format!("central directory entry {} is truncated", i + 1))?;
            let extra = h
                .get(46 + name_len..46 + name_len + extra_len)
                .unwrap_or_default();
            let mut entry = ZipEntry {
                name: String::from_utf8_lossy(name).into_owned(),
                made_by: le16(h, 4),
                flags: le16(h, 8),
                method: le16(h, 10),
                crc: le32(h, 16),
                compressed: u64::from(le32(h, 20)),
                size: u64::from(le32(h, 24)),
                external: le32(h, 38),
                local_offset: u64::from(le32(h, 42)),
            };
            // ZIP64 extended information: the 0xffffffff fields, in order.
            let mut x = 0usize;
            while x + 4 <= extra.len() {
                let (id, size) = (le16(extra, x), le16(extra, x + 2) as usize);
                let body = extra.get(x + 4..x + 4 + size).unwrap_or_default();
                if id == 1 {
                    let mut k = 0;
                    for field in [
                        &mut entry.size,
                        &mut entry.compressed,
                        &mut entry.local_offset,
                    ] {
                        if *field == 0xffff_ffff {
                            *field = le64(body, k);
                            k += 8;
                        }
                    }
                }
                x += 4 + size;
            }
            entries.push(entry);
            at += 46 + name_len + extra_len + comment_len;
        }
        Ok(entries)
    }

    /// Stream one member: its size and hash, and (per `opts`) its bytes or a
    /// temporary copy when it looks like a binary.
    pub(super) fn read(&mut self, e: &ZipEntry, opts: Options) -> Result<EntryData, String> {
        let fail = |what: String| format!("{}: {what}", e.name);
        let local = read_at(&mut self.file, e.local_offset, 30)
            .map_err(|err| fail(format!("cannot read the local header: {err}")))?;
        if le32(&local, 0) != 0x0403_4b50 {
            return Err(fail("the local file header is missing".into()));
        }
        let (name_len, extra_len) = (u64::from(le16(&local, 26)), u64::from(le16(&local, 28)));
        let local_name = read_at(&mut self.file, e.local_offset + 30, name_len)
            .map_err(|err| fail(err.to_string()))?;
        if local_name != e.name.as_bytes() {
            return Err(fail(format!(
                "the local header names it {:?}; central directory and local headers must agree",
                String::from_utf8_lossy(&local_name)
            )));
        }
        if le16(&local, 8) != e.method {
            return Err(fail(
                "the local header and the central directory disagree on compression".into(),
            ));
        }
        let data_at = e.local_offset + 30 + name_len + extra_len;
        self.file
            .seek(SeekFrom::Start(data_at))
            .map_err(|err| fail(err.to_string()))?;
        let raw = (&mut self.file).take(e.compressed);
        let mut reader: Box<dyn Read + '_> = match e.method {
            0 => Box::new(raw),
            8 => Box::new(flate2::read::DeflateDecoder::new(raw)),
            _ => return Err(fail(format!("cannot read compression method {}", e.method))),
        };
        // Never trust the declared size further than one byte past it.
        let mut reader = (&mut reader).take(e.size.saturating_add(1));
        let mut hasher = opts.algo.and_then(Hasher::new);
        let mut crc = flate2::Crc::new();
        let mut out = EntryData {
            size: 0,
            digest: None,
            collected: Vec::new(),
            binary: None,
        };
        let mut buf = vec![0u8; 64 * 1024];
        let mut first = true;
        loop {
            let n = fill(&mut reader, &mut buf)
                .map_err(|err| fail(format!("cannot decompress: {err}")))?;
            if n == 0 {
                break;
            }
            let chunk = &buf[..n];
            if first {
                first = false;
                if opts.capture_binary && inspect::looks_like_binary(chunk) {
                    out.binary = Some(tempfile::tempfile().map_err(|err| fail(err.to_string()))?);
                }
            }
            out.size += n as u64;
            crc.update(chunk);
            if let Some(h) = hasher.as_mut() {
                h.update(chunk);
            }
            if opts.collect {
                if out.size > MAX_METADATA {
                    return Err(fail(format!("larger than {} MiB", MAX_METADATA >> 20)));
                }
                out.collected.extend_from_slice(chunk);
            }
            if let Some(temp) = out.binary.as_mut() {
                temp.write_all(chunk).map_err(|err| fail(err.to_string()))?;
            }
        }
        if out.size != e.size {
            return Err(fail(format!(
                "the central directory says {} bytes, but it holds {}{}",
                e.size,
                out.size,
                if out.size > e.size { " or more" } else { "" }
            )));
        }
        if crc.sum() != e.crc {
            return Err(fail("CRC-32 mismatch: the member is corrupt".into()));
        }
        out.digest = hasher.map(Hasher::finish);
        if let Some(temp) = out.binary.as_mut() {
            temp.seek(SeekFrom::Start(0))
                .map_err(|err| fail(err.to_string()))?;
        }
        Ok(out)
    }
}
