//! `binwheel check` and `binwheel inspect`: any wheel, sdist or binary,
//! judged on its own.
//!
//! [`check_dist`] picks the rules by file name: a `.whl` gets the wheel rules
//! below, a `.tar.gz` the sdist rules of [`sdist`] (which share the Core
//! Metadata reading here).
//!
//! Owns the wheel-level rules: the filename's tags equal the `WHEEL` file's
//! `Tag` lines, every binary inside agrees with every platform tag, `RECORD`
//! matches the archive byte for byte, modes carry the regular-file type,
//! names are unique, compression is stored or deflate, and there is exactly
//! one `.dist-info` named like the file (PyPI's upload checks). It reads the
//! zip central directory itself, because it must see what a zip library
//! hides (duplicate names, raw external attributes), and it streams every
//! member, so a 4 GB wheel costs a few buffers. It knows no configuration:
//! the rules for binaries come from `inspect` and `tags`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use base64::Engine as _;
use sha2::Digest as _;

use crate::error::Error;
use crate::inspect::{self, Facts, Format, Kind, Linkage};
use crate::tags::{self, PlatformTag, TagPolicy};
use crate::target::Target;

/// Largest metadata file (`WHEEL`, `METADATA`, `RECORD`) read into memory.
const MAX_METADATA: u64 = 64 << 20;
/// Largest central directory read into memory.
const MAX_DIRECTORY: u64 = 256 << 20;
const MAX_ENTRIES: u64 = 1 << 20;

mod sdist;

/// PyPI's default limit on one uploaded file (Warehouse's `MAX_FILESIZE`,
/// 100 MiB); PyPI raises it per project on request.
pub const PYPI_FILE_LIMIT: u64 = 100 << 20;

/// What to say when the file at `path` is over [`PYPI_FILE_LIMIT`]. It is a
/// note, not a problem: the file is right, and PyPI may have raised the
/// project's limit, which nothing here can know; but with the default limit
/// the upload fails, late in a release job, with "File too large".
pub fn upload_size_note(path: &Path) -> Option<String> {
    let size = std::fs::metadata(path).ok()?.len();
    (size > PYPI_FILE_LIMIT).then(|| {
        format!(
            "{:.1} MiB ({size} bytes) is over PyPI's default limit of 100 MiB per file: \
             the upload fails (\"File too large\") unless PyPI has raised the project's \
             limit (https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase); \
             a binary without debug information is smaller (Go: -ldflags \"-s -w\"; \
             Rust: strip = true in [profile.release]; C: -s)",
            size as f64 / (1u64 << 20) as f64
        )
    })
}

/// Every problem with the distribution at `path`, one line each, by its file
/// name: a wheel (`.whl`) or an sdist (`.tar.gz`); anything else is one
/// problem. Empty means PyPI accepts it and binwheel finds nothing wrong.
pub fn check_dist(path: &Path) -> Vec<String> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".whl") {
        check_wheel(path)
    } else if lower.ends_with(".tar.gz") {
        sdist::check_sdist(path)
    } else {
        vec![format!(
            "{file_name} is not a wheel or an sdist: binwheel check takes wheels (.whl) \
             and sdists (.tar.gz, the only sdist format PyPI accepts)"
        )]
    }
}

/// Every problem with the wheel at `path`, one line each; empty means it is
/// a wheel PyPI accepts and whose tags are true for its binaries.
pub fn check_wheel(path: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parsed = WheelName::parse(&file_name);
    if let Err(p) = &parsed {
        problems.push(p.clone());
    }
    let mut wheel = match Zip::open(path) {
        Ok(z) => z,
        Err(p) => {
            problems.push(p);
            return problems;
        }
    };

    // Names: unique, and one .dist-info directory named like the file.
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &wheel.entries {
        *counts.entry(e.name.as_str()).or_default() += 1;
    }
    for (name, n) in &counts {
        if *n > 1 {
            problems.push(format!("{name} appears {n} times in the archive"));
        }
    }
    let mut dist_infos: Vec<&str> = wheel
        .entries
        .iter()
        .filter_map(|e| e.name.split('/').next())
        .filter(|top| top.ends_with(".dist-info"))
        .collect();
    dist_infos.sort();
    dist_infos.dedup();
    let dist_info = match (dist_infos.as_slice(), &parsed) {
        ([one], Ok(w)) => {
            let expected = format!("{}-{}.dist-info", w.name, w.version);
            if *one != expected {
                problems.push(format!(
                    "the metadata directory is {one}, but the filename says {expected}"
                ));
            }
            Some(one.to_string())
        }
        ([one], Err(_)) => Some(one.to_string()),
        ([], _) => {
            problems.push("the wheel has no .dist-info directory".into());
            None
        }
        (many, _) => {
            problems.push(format!(
                "the wheel has {} .dist-info directories ({}); it must have exactly one",
                many.len(),
                many.join(", ")
            ));
            None
        }
    };

    for e in &wheel.entries {
        if !matches!(e.method, 0 | 8) {
            problems.push(format!(
                "{} is compressed with method {} ({}); PyPI accepts only stored (0) and deflate (8)",
                e.name,
                e.method,
                method_name(e.method)
            ));
        }
        if e.flags & 1 != 0 {
            problems.push(format!("{} is encrypted", e.name));
        }
        if let Some(mode) = e.unix_mode() {
            if mode & 0o111 != 0 && mode & 0o170000 == 0 {
                problems.push(format!(
                    "{} has mode {:#o} without the file type bits; write {:#o} (S_IFREG | {:#o}) \
                     so every unzip and installer sees a regular executable file",
                    e.name,
                    mode,
                    0o100000 | (mode & 0o7777),
                    mode & 0o7777
                ));
            }
        }
    }

    // Metadata files.
    let mut read_meta = |wheel: &mut Zip, file: &str| -> Option<String> {
        let dist_info = dist_info.as_deref()?;
        let name = format!("{dist_info}/{file}");
        let Some(entry) = wheel.entries.iter().find(|e| e.name == name).cloned() else {
            problems.push(format!("{name} is missing"));
            return None;
        };
        match wheel.read(&entry, Options::collect()) {
            Ok(data) => Some(String::from_utf8_lossy(&data.collected).into_owned()),
            Err(p) => {
                problems.push(p);
                None
            }
        }
    };
    let wheel_file = read_meta(&mut wheel, "WHEEL");
    let metadata = read_meta(&mut wheel, "METADATA");
    let record = read_meta(&mut wheel, "RECORD");

    if let (Ok(w), Some(text)) = (&parsed, &wheel_file) {
        let mut listed: Vec<String> = text
            .lines()
            .filter_map(|l| l.strip_prefix("Tag:"))
            .map(|t| t.trim().to_string())
            .collect();
        listed.sort();
        listed.dedup();
        let expected = w.expanded_tags();
        let missing: Vec<&String> = expected.iter().filter(|t| !listed.contains(t)).collect();
        let extra: Vec<&String> = listed.iter().filter(|t| !expected.contains(t)).collect();
        if !missing.is_empty() {
            problems.push(format!(
                "WHEEL lacks Tag lines for {} (from the filename)",
                join(&missing)
            ));
        }
        if !extra.is_empty() {
            problems.push(format!(
                "WHEEL has Tag lines the filename does not: {}",
                join(&extra)
            ));
        }
    }
    if let (Ok(w), Some(text)) = (&parsed, &metadata) {
        check_metadata("METADATA", text, &w.name, &w.version, &mut problems);
    }

    // RECORD against the archive, while streaming every member once.
    let rows = record.as_deref().map(parse_record).unwrap_or_default();
    let record_name = dist_info.as_deref().map(|d| format!("{d}/RECORD"));
    let mut recorded: HashMap<&str, &RecordRow> = HashMap::new();
    for row in &rows {
        if recorded.insert(row.path.as_str(), row).is_some() {
            problems.push(format!("RECORD lists {} twice", row.path));
        }
    }
    let member_names: HashSet<&str> = wheel.entries.iter().map(|e| e.name.as_str()).collect();
    if record.is_some() {
        for row in &rows {
            if !member_names.contains(row.path.as_str()) {
                problems.push(format!(
                    "RECORD lists {}, which is not in the archive",
                    row.path
                ));
            }
        }
    }
    let allow = shipped_libraries(&wheel);
    let mut binaries: Vec<(String, Facts)> = Vec::new();
    let entries = wheel.entries.clone();
    let mut hashed = HashSet::new();
    for e in entries.iter().filter(|e| !e.name.ends_with('/')) {
        let is_record = Some(&e.name) == record_name.as_ref();
        let signature = record_name
            .as_deref()
            .is_some_and(|r| e.name == format!("{r}.jws") || e.name == format!("{r}.p7s"));
        let row = recorded.get(e.name.as_str()).copied();
        if record.is_some() && row.is_none() && !is_record && !signature {
            problems.push(format!("{} is not listed in RECORD", e.name));
        }
        let algo = match row.map(|r| r.hash.as_str()) {
            Some("") | None => None,
            Some(h) => match h.split_once('=').map(|(a, _)| a) {
                Some("sha256") => Some("sha256"),
                Some("sha384") => Some("sha384"),
                Some("sha512") => Some("sha512"),
                _ => {
                    problems.push(format!(
                        "RECORD's hash for {} is {h}; it must be sha256=<urlsafe base64> (or sha384/sha512)",
                        e.name
                    ));
                    None
                }
            },
        };
        if !hashed.insert(e.name.clone()) {
            continue; // a duplicate name: already reported
        }
        let data = match wheel.read(e, Options::stream(algo)) {
            Ok(d) => d,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        if let Some(row) = row {
            if is_record {
                if !row.hash.is_empty() || !row.size.is_empty() {
                    problems
                        .push("RECORD lists a hash or size for itself; leave both empty".into());
                }
            } else {
                if let (Some(algo), Some(digest)) = (algo, &data.digest) {
                    let want = format!(
                        "{algo}={}",
                        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
                    );
                    if row.hash != want {
                        problems.push(format!(
                            "{}: RECORD says {}, but the file hashes to {want}",
                            e.name, row.hash
                        ));
                    }
                }
                if row.size != data.size.to_string() {
                    problems.push(format!(
                        "{}: RECORD says {} bytes, but the file has {}",
                        e.name,
                        if row.size.is_empty() {
                            "no size"
                        } else {
                            &row.size
                        },
                        data.size
                    ));
                }
            }
        }
        if let Some(temp) = data.binary {
            match inspect::inspect_reader(temp) {
                Ok(facts) => {
                    if matches!(facts.format, Format::Elf | Format::MachO)
                        && facts.kind == Kind::Executable
                        && e.unix_mode().is_none_or(|m| m & 0o111 == 0)
                    {
                        problems.push(format!(
                            "{} is {} executable but has no execute bits in the archive \
                             (mode {}); installers would install it unable to run",
                            e.name,
                            facts.describe(),
                            e.unix_mode().map_or("unset".into(), |m| format!("{m:#o}"))
                        ));
                    }
                    binaries.push((e.name.clone(), facts));
                }
                Err(err) if err.kind == inspect::InspectErrorKind::NotExecutable => {}
                Err(err) => problems.push(format!("{}: {err}", e.name)),
            }
        }
    }

    // Tags: PyPI's rules, then every binary against every platform tag.
    if let Ok(w) = &parsed {
        let platforms = w.platform_tags();
        for tag in &platforms {
            let refused = match tag {
                Ok(tag) => tags::pypi_problem(tag),
                Err(text) => Some(tags::pypi::refusal(text)),
            };
            problems.extend(refused);
        }
        let policy = TagPolicy {
            allow_libraries: allow,
            ..Default::default()
        };
        let refs: Vec<(&str, &Facts)> = binaries.iter().map(|(n, f)| (n.as_str(), f)).collect();
        for tag in platforms {
            match tag {
                Ok(tag) => problems.extend(tags::check_tags(&[tag], &refs, &policy)),
                Err(text) => problems.push(tags::unknown_tag(&text)),
            }
        }
    }
    let mut seen = HashSet::new();
    problems.retain(|p| seen.insert(p.clone()));
    problems
}

/// Facts and derived tags of executables and of the binaries inside wheels,
/// as text or (with `json`) as a stable JSON document.
pub fn inspect_report(paths: &[PathBuf], json: bool) -> Result<String, Error> {
    let mut files = Vec::new();
    for path in paths {
        let shown = path.display().to_string();
        if path
            .to_string_lossy()
            .to_ascii_lowercase()
            .ends_with(".tar.gz")
        {
            return Err(Error::new(format!(
                "{shown}: is an sdist, and inspect reads executables and wheels\n  \
                 help: `binwheel check {shown}` checks an sdist"
            )));
        }
        if is_wheel(path)? {
            let mut wheel = Zip::open(path).map_err(|p| Error::new(format!("{shown}: {p}")))?;
            let policy = TagPolicy {
                allow_libraries: shipped_libraries(&wheel),
                ..Default::default()
            };
            let mut members = Vec::new();
            for e in wheel
                .entries
                .clone()
                .iter()
                .filter(|e| !e.name.ends_with('/'))
            {
                let data = wheel
                    .read(e, Options::stream(None))
                    .map_err(|p| Error::new(format!("{shown}: {p}")))?;
                let Some(temp) = data.binary else { continue };
                members.push(match inspect::inspect_reader(temp) {
                    Ok(facts) => Report::binary(&e.name, facts, &policy),
                    Err(err) => Report::failed(&e.name, err.to_string()),
                });
            }
            files.push(Entry::Wheel(shown, members));
        } else {
            let facts = inspect::inspect_file(path)?;
            let report = Report::binary(&shown, facts, &TagPolicy::default());
            files.push(Entry::Binary(Box::new(report)));
        }
    }
    Ok(if json {
        render_json(&files)
    } else {
        render_text(&files)
    })
}

fn is_wheel(path: &Path) -> Result<bool, Error> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("whl"))
    {
        return Ok(true);
    }
    let mut head = [0u8; 4];
    let mut file = File::open(path).map_err(|e| Error::io("cannot open", path, e))?;
    let n = fill(&mut file, &mut head).map_err(|e| Error::io("cannot read", path, e))?;
    Ok(n == 4 && head == *b"PK\x03\x04")
}

/// File names of everything in the wheel: a library the wheel ships is one a
/// binary may need.
fn shipped_libraries(wheel: &Zip) -> Vec<String> {
    let mut names: Vec<String> = wheel
        .entries
        .iter()
        .filter(|e| !e.name.ends_with('/'))
        .filter_map(|e| e.name.rsplit('/').next().map(str::to_string))
        .collect();
    names.sort();
    names.dedup();
    names
}

fn join<T: AsRef<str>>(items: &[T]) -> String {
    items
        .iter()
        .map(|s| s.as_ref())
        .collect::<Vec<_>>()
        .join(", ")
}

fn method_name(method: u16) -> &'static str {
    match method {
        0 => "stored",
        8 => "deflate",
        9 => "deflate64",
        12 => "bzip2",
        14 => "lzma",
        93 => "zstd",
        95 => "xz",
        99 => "AES-encrypted",
        _ => "unknown",
    }
}

// ---------------------------------------------------------------------------
// Filename, METADATA and RECORD

struct WheelName {
    name: String,
    version: String,
    python: String,
    abi: String,
    platform: String,
}

impl WheelName {
    fn parse(file_name: &str) -> Result<WheelName, String> {
        let Some(stem) = file_name.strip_suffix(".whl") else {
            return Err(format!("{file_name} does not end in .whl"));
        };
        let parts: Vec<&str> = stem.split('-').collect();
        let (name, version, python, abi, platform) = match parts.as_slice() {
            [n, v, p, a, pl] | [n, v, _, p, a, pl] => (*n, *v, *p, *a, *pl),
            _ => {
                return Err(format!(
                    "{file_name} is not a wheel filename \
                     ({{name}}-{{version}}(-{{build}})?-{{python}}-{{abi}}-{{platform}}.whl)"
                ))
            }
        };
        if [name, version, python, abi, platform]
            .iter()
            .any(|p| p.is_empty())
        {
            return Err(format!("{file_name} has an empty filename component"));
        }
        Ok(WheelName {
            name: name.to_string(),
            version: version.to_string(),
            python: python.to_string(),
            abi: abi.to_string(),
            platform: platform.to_string(),
        })
    }

    /// The platform tags, sorted by their text; the text of each that is
    /// not a platform tag binwheel knows as an error.
    fn platform_tags(&self) -> Vec<Result<PlatformTag, String>> {
        tags::expand(&self.platform)
            .into_iter()
            .map(|t| PlatformTag::parse(&t).ok_or(t))
            .collect()
    }

    fn expanded_tags(&self) -> Vec<String> {
        let mut out = Vec::new();
        for py in self.python.split('.') {
            for abi in self.abi.split('.') {
                for plat in self.platform.split('.') {
                    out.push(format!("{py}-{abi}-{plat}"));
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// PEP 503 normalization: lowercase, runs of `-_.` become `-`.
fn normalize_name(name: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            dash = true;
        } else {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Every value of `key` among the header fields of Core Metadata
/// (`METADATA`, `PKG-INFO`): the lines before the first blank one, without
/// continuation lines. Keys compare case-insensitively.
fn metadata_fields<'a>(text: &'a str, key: &'a str) -> impl Iterator<Item = String> + 'a {
    text.lines()
        .take_while(|l| !l.is_empty())
        .filter(|l| !l.starts_with([' ', '\t']))
        .filter_map(move |l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(key)
                .then(|| v.trim().to_string())
        })
}

/// The first value of `key` in Core Metadata.
fn metadata_field(text: &str, key: &str) -> Option<String> {
    metadata_fields(text, key).next()
}

/// Core Metadata's Name and Version (in the file `what`: `METADATA`, or
/// an sdist's `{top}/PKG-INFO`) against the distribution's file name.
fn check_metadata(what: &str, text: &str, name: &str, version: &str, problems: &mut Vec<String>) {
    match metadata_field(text, "Name") {
        Some(found) if normalize_name(&found) != normalize_name(name) => problems.push(format!(
            "{what} says Name: {found}, but the filename says {name}"
        )),
        None => problems.push(format!("{what} has no Name")),
        _ => {}
    }
    match metadata_field(text, "Version") {
        Some(found) => {
            let same = match (
                pep440_rs::Version::from_str(&found),
                pep440_rs::Version::from_str(&version.replace('_', "-")),
            ) {
                (Ok(a), Ok(b)) => a == b,
                _ => found == version,
            };
            if !same {
                problems.push(format!(
                    "{what} says Version: {found}, but the filename says {version}"
                ));
            }
        }
        None => problems.push(format!("{what} has no Version")),
    }
}

struct RecordRow {
    path: String,
    hash: String,
    size: String,
}

/// RECORD is CSV: path,hash,size with the path quoted when it holds a comma.
fn parse_record(text: &str) -> Vec<RecordRow> {
    let mut rows = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                '"' => quoted = !quoted,
                ',' if !quoted => fields.push(std::mem::take(&mut field)),
                c => field.push(c),
            }
        }
        fields.push(field);
        let mut it = fields.into_iter();
        rows.push(RecordRow {
            path: it.next().unwrap_or_default(),
            hash: it.next().unwrap_or_default(),
            size: it.next().unwrap_or_default(),
        });
    }
    rows
}

// ---------------------------------------------------------------------------
// The zip reader

#[derive(Clone)]
struct ZipEntry {
    name: String,
    made_by: u16,
    flags: u16,
    method: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    external: u32,
    local_offset: u64,
}

impl ZipEntry {
    /// The Unix mode, when the entry was made on Unix (`version made by` 3).
    fn unix_mode(&self) -> Option<u32> {
        (self.made_by >> 8 == 3).then_some(self.external >> 16)
    }
}

struct Zip {
    file: File,
    entries: Vec<ZipEntry>,
}

struct Options {
    algo: Option<&'static str>,
    collect: bool,
    capture_binary: bool,
}

impl Options {
    fn collect() -> Self {
        Options {
            algo: None,
            collect: true,
            capture_binary: false,
        }
    }
    fn stream(algo: Option<&'static str>) -> Self {
        Options {
            algo,
            collect: false,
            capture_binary: true,
        }
    }
}

struct EntryData {
    size: u64,
    digest: Option<Vec<u8>>,
    collected: Vec<u8>,
    /// A temporary copy of the member, when it starts like a binary.
    binary: Option<File>,
}

enum Hasher {
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl Hasher {
    fn new(algo: &str) -> Option<Hasher> {
        Some(match algo {
            "sha256" => Hasher::Sha256(sha2::Sha256::new()),
            "sha384" => Hasher::Sha384(sha2::Sha384::new()),
            "sha512" => Hasher::Sha512(sha2::Sha512::new()),
            _ => return None,
        })
    }
    fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha384(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
        }
    }
    fn finish(self) -> Vec<u8> {
        match self {
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha384(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

fn le16(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2)
        .map_or(0, |s| u16::from_le_bytes([s[0], s[1]]))
}

fn le32(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn le64(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8).map_or(0, |s| {
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        u64::from_le_bytes(a)
    })
}

/// Read until `buf` is full or the stream ends.
fn fill(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
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

fn read_at(file: &mut File, offset: u64, len: u64) -> io::Result<Vec<u8>> {
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
    fn open(path: &Path) -> Result<Zip, String> {
        let mut file =
            File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        let entries =
            Self::directory(&mut file).map_err(|e| format!("not a valid zip archive: {e}"))?;
        Ok(Zip { file, entries })
    }

    fn directory(file: &mut File) -> Result<Vec<ZipEntry>, String> {
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
    fn read(&mut self, e: &ZipEntry, opts: Options) -> Result<EntryData, String> {
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

// ---------------------------------------------------------------------------
// Reports

struct Report {
    name: String,
    facts: Option<Facts>,
    error: Option<String>,
    tags: Vec<PlatformTag>,
    tag_error: Option<String>,
}

enum Entry {
    Binary(Box<Report>),
    Wheel(String, Vec<Report>),
}

impl Report {
    fn binary(name: &str, facts: Facts, policy: &TagPolicy) -> Report {
        let (tags, tag_error) = match tags::binary_tags(name, &facts, policy) {
            Ok(t) => (t, None),
            Err(e) => (Vec::new(), Some(e.message().to_string())),
        };
        Report {
            name: name.to_string(),
            facts: Some(facts),
            error: None,
            tags,
            tag_error,
        }
    }

    fn failed(name: &str, error: String) -> Report {
        Report {
            name: name.to_string(),
            facts: None,
            error: Some(error),
            tags: Vec::new(),
            tag_error: None,
        }
    }
}

fn arch_name(facts: &Facts, arch: Option<crate::target::Arch>) -> Option<&'static str> {
    arch.map(|a| Target::new(facts.os, a).arch_name())
}

fn render_text(files: &[Entry]) -> String {
    let mut out = String::new();
    for entry in files {
        match entry {
            Entry::Binary(r) => text_report(&mut out, r, ""),
            Entry::Wheel(path, members) => {
                let _ = writeln!(
                    out,
                    "{path}: wheel with {} binar{}",
                    members.len(),
                    if members.len() == 1 { "y" } else { "ies" }
                );
                for r in members {
                    text_report(&mut out, r, "  ");
                }
            }
        }
    }
    out
}

fn text_report(out: &mut String, r: &Report, indent: &str) {
    let Some(f) = &r.facts else {
        let _ = writeln!(
            out,
            "{indent}{}: {}",
            r.name,
            r.error.as_deref().unwrap_or("?")
        );
        return;
    };
    let target = f
        .arch
        .map(|a| format!(" ({})", Target::new(f.os, a)))
        .unwrap_or_default();
    let endian = match f.endian {
        inspect::Endian::Little => "little-endian",
        inspect::Endian::Big => "big-endian",
    };
    let _ = writeln!(
        out,
        "{indent}{}: {} {}-bit {endian} {}, {}{target}",
        r.name,
        f.format_name(),
        f.bits,
        f.kind.name(),
        f.machine
    );
    let mut line = |key: &str, value: String| {
        let _ = writeln!(out, "{indent}  {key:<12}{value}");
    };
    if let Some(elf) = &f.elf {
        line(
            "linkage:",
            match (elf.linkage, elf.libc) {
                (Linkage::Static, _) => "static (no PT_INTERP, no DT_NEEDED)".into(),
                (Linkage::Dynamic, libc) => format!(
                    "dynamic, {}{}",
                    libc.map_or("unknown", |l| l.name()),
                    elf.interpreter
                        .as_ref()
                        .map(|i| format!(" (interpreter {i})"))
                        .unwrap_or_default()
                ),
            },
        );
        if !elf.needed.is_empty() {
            line("needed:", elf.needed.join(", "));
        }
        if let Some(rp) = &elf.runpath {
            line("runpath:", rp.clone());
        }
        if let Some(g) = elf.glibc {
            line(
                "glibc:",
                format!("{} (highest GLIBC_ symbol version)", g.short()),
            );
        }
        let others: Vec<String> = elf
            .versions
            .iter()
            .filter(|(_, v)| !v.starts_with("GLIBC_"))
            .map(|(lib, v)| format!("{v} ({lib})"))
            .collect();
        if !others.is_empty() {
            line("versions:", others.join(", "));
        }
        if let Some(hard) = elf.arm_hard_float {
            line(
                "float abi:",
                if hard { "hard (armhf)" } else { "soft (armel)" }.into(),
            );
        }
    }
    if let Some(m) = &f.macho {
        for s in &m.slices {
            let min = match (s.minos, s.platform) {
                (Some(v), Some(p)) => format!(
                    "{} {} ({})",
                    p.name(),
                    v.short(),
                    s.minos_source.unwrap_or("?")
                ),
                _ => "no minimum OS recorded".into(),
            };
            let sdk = s
                .sdk
                .map(|v| format!(", sdk {}", v.short()))
                .unwrap_or_default();
            line(
                &format!("{}:", s.cpu),
                format!("{}-bit {}, {min}{sdk}", s.bits, s.kind.name()),
            );
            if !s.dylibs.is_empty() {
                line("  dylibs:", s.dylibs.join(", "));
            }
        }
    }
    if let Some(pe) = &f.pe {
        line("subsystem:", pe.subsystem_name.clone());
        if !pe.imports.is_empty() {
            line("imports:", pe.imports.join(", "));
        }
    }
    match &r.tag_error {
        None => line("tags:", tags::compressed(&r.tags)),
        Some(e) => line(
            "tags:",
            format!("none: {}", e.replace('\n', &format!("\n{indent}{:14}", ""))),
        ),
    }
}

fn jopt(s: Option<&str>) -> String {
    s.map_or("null".into(), crate::toml::quote)
}

fn jlist<T: AsRef<str>>(items: &[T]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|s| crate::toml::quote(s.as_ref()))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn json_facts(f: &Facts) -> String {
    let kind = |k: Kind| crate::toml::quote(k.name());
    let elf = f.elf.as_ref().map_or("null".into(), |e| {
        let versions: Vec<String> = e
            .versions
            .iter()
            .map(|(lib, v)| format!("{{\"library\": {}, \"version\": {}}}", crate::toml::quote(lib), crate::toml::quote(v)))
            .collect();
        format!(
            "{{\"linkage\": {}, \"libc\": {}, \"interpreter\": {}, \"needed\": {}, \"runpath\": {}, \
             \"glibc\": {}, \"versions\": [{}], \"arm_hard_float\": {}}}",
            crate::toml::quote(match e.linkage {
                Linkage::Static => "static",
                Linkage::Dynamic => "dynamic",
            }),
            jopt(e.libc.map(|l| l.name())),
            jopt(e.interpreter.as_deref()),
            jlist(&e.needed),
            jopt(e.runpath.as_deref()),
            jopt(e.glibc.map(|v| v.short()).as_deref()),
            versions.join(", "),
            e.arm_hard_float.map_or("null".into(), |b| b.to_string()),
        )
    });
    let macho = f.macho.as_ref().map_or("null".into(), |m| {
        let slices: Vec<String> = m
            .slices
            .iter()
            .map(|s| {
                format!(
                    "{{\"arch\": {}, \"cpu\": {}, \"bits\": {}, \"kind\": {}, \"platform\": {}, \
                     \"minos\": {}, \"sdk\": {}, \"minos_source\": {}, \"dylibs\": {}}}",
                    jopt(arch_name(f, s.arch)),
                    crate::toml::quote(&s.cpu),
                    s.bits,
                    kind(s.kind),
                    jopt(s.platform.map(|p| p.name())),
                    jopt(s.minos.map(|v| v.short()).as_deref()),
                    jopt(s.sdk.map(|v| v.short()).as_deref()),
                    jopt(s.minos_source),
                    jlist(&s.dylibs),
                )
            })
            .collect();
        format!(
            "{{\"fat\": {}, \"slices\": [{}]}}",
            m.fat,
            slices.join(", ")
        )
    });
    let pe = f.pe.as_ref().map_or("null".into(), |p| {
        format!(
            "{{\"machine\": {}, \"subsystem\": {}, \"imports\": {}}}",
            crate::toml::quote(&format!("{:#06x}", p.machine)),
            crate::toml::quote(&p.subsystem_name),
            jlist(&p.imports),
        )
    });
    format!(
        "{{\"format\": {}, \"os\": {}, \"arch\": {}, \"machine\": {}, \"bits\": {}, \"endian\": {}, \
         \"kind\": {}, \"elf\": {elf}, \"macho\": {macho}, \"pe\": {pe}}}",
        crate::toml::quote(match f.format {
            Format::Elf => "elf",
            Format::MachO => "macho",
            Format::Pe => "pe",
        }),
        crate::toml::quote(f.os.name()),
        jopt(arch_name(f, f.arch)),
        crate::toml::quote(&f.machine),
        f.bits,
        crate::toml::quote(match f.endian {
            inspect::Endian::Little => "little",
            inspect::Endian::Big => "big",
        }),
        kind(f.kind),
    )
}

fn json_report(r: &Report, key: &str) -> String {
    format!(
        "{{\"{key}\": {}, \"facts\": {}, \"error\": {}, \"tags\": {}, \"tag_error\": {}}}",
        crate::toml::quote(&r.name),
        r.facts.as_ref().map_or("null".into(), json_facts),
        jopt(r.error.as_deref()),
        jlist(
            &r.tags
                .iter()
                .map(PlatformTag::to_string)
                .collect::<Vec<_>>()
        ),
        jopt(r.tag_error.as_deref()),
    )
}

fn render_json(files: &[Entry]) -> String {
    let items: Vec<String> = files
        .iter()
        .map(|e| match e {
            Entry::Binary(r) => {
                let body = json_report(r, "path");
                format!("{{\"type\": \"binary\", {}", &body[1..])
            }
            Entry::Wheel(path, members) => format!(
                "{{\"type\": \"wheel\", \"path\": {}, \"binaries\": [{}]}}",
                crate::toml::quote(path),
                members
                    .iter()
                    .map(|r| json_report(r, "member"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
        .collect();
    format!(
        "{{\"binwheel\": {}, \"files\": [{}]}}\n",
        crate::toml::quote(crate::VERSION),
        items.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wheel_names() {
        let w =
            WheelName::parse("foo_bar-1.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
                .unwrap();
        assert_eq!(w.name, "foo_bar");
        assert_eq!(
            w.expanded_tags(),
            [
                "py3-none-manylinux2014_x86_64",
                "py3-none-manylinux_2_17_x86_64"
            ]
        );
        assert!(WheelName::parse("foo-1.0-1-py3-none-any.whl").is_ok());
        assert!(WheelName::parse("foo-1.0.whl").is_err());
        assert!(WheelName::parse("foo-1.0-py3-none-any.zip").is_err());
    }

    #[test]
    fn record_csv() {
        let rows =
            parse_record("a/b.py,sha256=abc,12\n\"we,ird\"\"name\",,\nx.dist-info/RECORD,,\n");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].path, "we,ird\"name");
        assert_eq!(
            (rows[0].hash.as_str(), rows[0].size.as_str()),
            ("sha256=abc", "12")
        );
    }

    #[test]
    fn the_upload_limit_is_pypis_and_inclusive() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.whl");
        let file = File::create(&path).unwrap();
        // Sparse: no disk is spent on the zeros.
        file.set_len(PYPI_FILE_LIMIT).unwrap();
        assert_eq!(upload_size_note(&path), None, "exactly the limit uploads");
        file.set_len(PYPI_FILE_LIMIT + 1).unwrap();
        let note = upload_size_note(&path).expect("one byte over is refused by PyPI");
        assert!(note.starts_with("100.0 MiB (104857601 bytes) is over PyPI's default limit"));
        assert!(note.contains("storage-limits#requesting-a-file-size-limit-increase"));
        assert_eq!(upload_size_note(&dir.path().join("missing.whl")), None);
    }

    #[test]
    fn names_normalize() {
        assert_eq!(normalize_name("Foo__Bar.baz"), "foo-bar-baz");
    }

    #[test]
    fn json_escapes() {
        assert_eq!(
            crate::toml::quote("a\"b\\c\nd\u{1}"),
            "\"a\\\"b\\\\c\\nd\\u0001\""
        );
    }
}
