//! The wheel rules of `binwheel check`.
//!
//! Owns what makes a wheel one PyPI accepts and whose tags are true: the
//! filename's tags equal the `WHEEL` file's `Tag` lines, every binary inside
//! agrees with every platform tag, `RECORD` matches the archive byte for
//! byte, modes carry the regular-file type, names are unique, compression is
//! stored or deflate, and there is exactly one `.dist-info` named like the
//! file (PyPI's upload checks). It knows no configuration: the rules for
//! binaries come from `inspect` and `tags`, the archive from `zip`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::path::Path;

use base64::Engine as _;

use super::binaries::{self, Member};
use super::finding::{self as rules, Finding, Rule};
use super::metadata::check_metadata;
use super::zip::{EntryData, Options, Zip, ZipEntry};
use crate::inspect;
use crate::tags::{self, PlatformTag, TagPolicy};

/// Every finding for the wheel at `path`; no error among them means it is a
/// wheel PyPI accepts and whose tags are true for its binaries.
pub fn check_wheel(path: &Path) -> Vec<Finding> {
    let mut found = Vec::new();
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parsed = WheelName::parse(&file_name);
    if let Err(p) = &parsed {
        found.push(Finding::new(rules::WHEEL_FILE_NAME, p.clone()));
    }
    let mut wheel = match Zip::open(path) {
        Ok(z) => z,
        Err(p) => {
            found.push(Finding::new(rules::UNREADABLE, p));
            return found;
        }
    };
    let dist_info = name_problems(&wheel, &parsed, &mut found);
    entry_problems(&wheel, &mut found);

    let mut read_meta = |wheel: &mut Zip, file: &str| {
        read_metadata_file(wheel, dist_info.as_deref()?, file, &mut found)
    };
    let wheel_file = read_meta(&mut wheel, "WHEEL");
    let metadata = read_meta(&mut wheel, "METADATA");
    let record = read_meta(&mut wheel, "RECORD");
    if let (Ok(w), Some(text)) = (&parsed, &wheel_file) {
        tag_line_problems(
            w,
            text,
            dist_info.as_deref().unwrap_or_default(),
            &mut found,
        );
    }
    if let (Ok(w), Some(text)) = (&parsed, &metadata) {
        check_metadata("METADATA", text, &w.name, &w.version, &mut found);
    }

    let record = Record::new(&wheel, dist_info.as_deref(), record.as_deref(), &mut found);
    let members = stream_members(&mut wheel, &record, &mut found);
    let judged = binaries::judge(&members, &mut found);
    if let Ok(w) = &parsed {
        let policy = TagPolicy {
            allow_libraries: shipped_libraries(&wheel),
            ..Default::default()
        };
        platform_problems(w, &judged, &policy, &mut found);
    }
    let reported: HashSet<String> = found
        .iter()
        .filter(|f| [rules::TAG_LIBRARY_POLICY, rules::TAG_WINDOWS_RUNTIME].contains(&f.rule))
        .filter_map(|f| f.file.clone())
        .collect();
    found.extend(super::linkage::linkage_findings(&judged, &reported));
    for m in &judged {
        found.extend(super::signature::signature_findings(&m.name, &m.facts));
    }
    found.extend(
        dist_info
            .as_deref()
            .into_iter()
            .flat_map(|d| super::sbom::sbom_findings(&mut wheel, d)),
    );
    let mut seen = HashSet::new();
    found.retain(|f| seen.insert((f.rule.id, f.file.clone(), f.message.clone())));
    found
}

fn at(rule: Rule, file: &str, message: String) -> Finding {
    Finding::new(rule, message).file(file)
}

/// Names: unique, and one `.dist-info` directory named like the file,
/// which is returned.
fn name_problems(
    wheel: &Zip,
    parsed: &Result<WheelName, String>,
    found: &mut Vec<Finding>,
) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &wheel.entries {
        *counts.entry(e.name.as_str()).or_default() += 1;
    }
    for (name, n) in &counts {
        if *n > 1 {
            found.push(at(
                rules::DUPLICATE_NAME,
                name,
                format!("{name} appears {n} times in the archive"),
            ));
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
    let problem = |message: String| Finding::new(rules::DIST_INFO, message);
    match (dist_infos.as_slice(), parsed) {
        ([one], Ok(w)) => {
            let expected = crate::plan::dist_info_dir(&w.name, &w.version);
            if *one != expected {
                found.push(problem(format!(
                    "the metadata directory is {one}, but the filename says {expected}"
                )));
            }
            Some(one.to_string())
        }
        ([one], Err(_)) => Some(one.to_string()),
        ([], _) => {
            found.push(problem("the wheel has no .dist-info directory".into()));
            None
        }
        (many, _) => {
            found.push(problem(format!(
                "the wheel has {} .dist-info directories ({}); it must have exactly one",
                many.len(),
                many.join(", ")
            )));
            None
        }
    }
}

/// Each entry: stored or deflate, not encrypted, an executable mode with
/// the regular-file type bits.
fn entry_problems(wheel: &Zip, found: &mut Vec<Finding>) {
    for e in &wheel.entries {
        if !matches!(e.method, 0 | 8) {
            found.push(at(
                rules::COMPRESSION,
                &e.name,
                format!(
                    "{} is compressed with method {} ({}); PyPI accepts only stored (0) and deflate (8)",
                    e.name,
                    e.method,
                    method_name(e.method)
                ),
            ));
        }
        if e.flags & 1 != 0 {
            found.push(at(
                rules::ENCRYPTED,
                &e.name,
                format!("{} is encrypted", e.name),
            ));
        }
        if let Some(mode) = e.unix_mode() {
            if mode & 0o111 != 0 && mode & 0o170000 == 0 {
                found.push(at(
                    rules::MODE_FILE_TYPE,
                    &e.name,
                    format!(
                        "{} has mode {:#o} without the file type bits; write {:#o} (S_IFREG | {:#o}) \
                         so every unzip and installer sees a regular executable file",
                        e.name,
                        mode,
                        0o100000 | (mode & 0o7777),
                        mode & 0o7777
                    ),
                ));
            }
        }
    }
}

/// The text of `{dist_info}/{file}`, or why there is none.
fn read_metadata_file(
    wheel: &mut Zip,
    dist_info: &str,
    file: &str,
    found: &mut Vec<Finding>,
) -> Option<String> {
    let name = format!("{dist_info}/{file}");
    let Some(entry) = wheel.entries.iter().find(|e| e.name == name).cloned() else {
        found.push(at(
            rules::METADATA_FILE,
            &name,
            format!("{name} is missing"),
        ));
        return None;
    };
    match wheel.read(&entry, Options::collect()) {
        Ok(data) => Some(String::from_utf8_lossy(&data.collected).into_owned()),
        Err(p) => {
            found.push(at(rules::METADATA_FILE, &name, p));
            None
        }
    }
}

/// The `WHEEL` file's `Tag` lines against the tags of the file name. A
/// line holding a compressed tag set (`py3-none-a.b`) counts as the tags it
/// expands to, with a warning of its own.
fn tag_line_problems(w: &WheelName, wheel_file: &str, dist_info: &str, found: &mut Vec<Finding>) {
    let what = format!("{dist_info}/WHEEL");
    let mut listed: Vec<String> = Vec::new();
    for line in wheel_file.lines().filter_map(|l| l.strip_prefix("Tag:")) {
        let line = line.trim();
        let expanded = expand_tag_set(line);
        if expanded.len() > 1 {
            found.push(
                at(
                    rules::COMPRESSED_TAG_LINE,
                    &what,
                    format!(
                        "WHEEL has the compressed tag set {line} on one Tag line; the wheel \
                         spec wants one Tag line per tag (pip does not read them)"
                    ),
                )
                .help(format!(
                    "write {} Tag lines: {}",
                    expanded.len(),
                    expanded.join(", ")
                )),
            );
        }
        listed.extend(expanded);
    }
    listed.sort();
    listed.dedup();
    let expected = w.expanded_tags();
    let missing: Vec<&String> = expected.iter().filter(|t| !listed.contains(t)).collect();
    let extra: Vec<&String> = listed.iter().filter(|t| !expected.contains(t)).collect();
    if !missing.is_empty() {
        found.push(at(
            rules::WHEEL_TAGS,
            &what,
            format!(
                "WHEEL lacks Tag lines for {} (from the filename)",
                join(&missing)
            ),
        ));
    }
    if !extra.is_empty() {
        found.push(at(
            rules::WHEEL_TAGS,
            &what,
            format!(
                "WHEEL has Tag lines the filename does not: {}",
                join(&extra)
            ),
        ));
    }
}

/// `py3-none-a.b` → `py3-none-a`, `py3-none-b` (sorted); text that is not
/// three dash-separated parts stays as it is.
fn expand_tag_set(text: &str) -> Vec<String> {
    let parts: Vec<&str> = text.split('-').collect();
    let [python, abi, platform] = parts.as_slice() else {
        return vec![text.to_string()];
    };
    let mut out = Vec::new();
    for py in python.split('.') {
        for abi in abi.split('.') {
            for plat in platform.split('.') {
                out.push(format!("{py}-{abi}-{plat}"));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// `RECORD`, read: its rows by path, and its own name in the archive.
struct Record {
    /// Whether the wheel has a readable `RECORD` at all.
    present: bool,
    rows: HashMap<String, RecordRow>,
    name: Option<String>,
}

impl Record {
    /// Parse `RECORD` and report rows listed twice or naming no member.
    fn new(
        wheel: &Zip,
        dist_info: Option<&str>,
        text: Option<&str>,
        found: &mut Vec<Finding>,
    ) -> Record {
        let mut rows = HashMap::new();
        let member_names: HashSet<&str> = wheel.entries.iter().map(|e| e.name.as_str()).collect();
        let parsed = text.map(parse_record).unwrap_or_default();
        let mut missing = Vec::new();
        for row in parsed {
            if !member_names.contains(row.path.as_str()) {
                missing.push(at(
                    rules::RECORD_EXTRA,
                    &row.path,
                    format!("RECORD lists {}, which is not in the archive", row.path),
                ));
            }
            let path = row.path.clone();
            // A later row for the same path replaces the earlier one.
            if rows.insert(path.clone(), row).is_some() {
                found.push(at(
                    rules::RECORD_DUPLICATE,
                    &path,
                    format!("RECORD lists {path} twice"),
                ));
            }
        }
        found.extend(missing);
        Record {
            present: text.is_some(),
            rows,
            name: dist_info.map(|d| format!("{d}/RECORD")),
        }
    }

    /// Whether `name` is RECORD itself or its signature, which RECORD need not list.
    fn is_self_or_signature(&self, name: &str) -> bool {
        self.name
            .as_deref()
            .is_some_and(|r| name == r || name == format!("{r}.jws") || name == format!("{r}.p7s"))
    }
}

/// Stream every member once: its RECORD row against its bytes, and the
/// facts of each one that is a binary.
fn stream_members(wheel: &mut Zip, record: &Record, found: &mut Vec<Finding>) -> Vec<Member> {
    let mut binaries = Vec::new();
    let entries = wheel.entries.clone();
    let mut hashed = HashSet::new();
    for e in entries.iter().filter(|e| !e.name.ends_with('/')) {
        let row = record.rows.get(&e.name);
        if record.present && row.is_none() && !record.is_self_or_signature(&e.name) {
            found.push(at(
                rules::RECORD_UNLISTED,
                &e.name,
                format!("{} is not listed in RECORD", e.name),
            ));
        }
        let algo = row.and_then(|r| hash_algorithm(&e.name, &r.hash, found));
        if !hashed.insert(e.name.clone()) {
            continue; // a duplicate name: already reported
        }
        let data = match wheel.read(e, Options::stream(algo)) {
            Ok(d) => d,
            Err(p) => {
                found.push(at(rules::MEMBER_UNREADABLE, &e.name, p));
                continue;
            }
        };
        if let Some(row) = row {
            let is_record = record.name.as_deref() == Some(e.name.as_str());
            row_problems(&e.name, row, is_record, algo, &data, found);
        }
        if let Some(temp) = data.binary {
            binaries.extend(binary_member(e, temp, found));
        }
    }
    binaries
}

/// The algorithm of a RECORD hash, if it is one a wheel may use.
fn hash_algorithm(name: &str, hash: &str, found: &mut Vec<Finding>) -> Option<&'static str> {
    if hash.is_empty() {
        return None;
    }
    match hash.split_once('=').map(|(a, _)| a) {
        Some("sha256") => Some("sha256"),
        Some("sha384") => Some("sha384"),
        Some("sha512") => Some("sha512"),
        _ => {
            found.push(at(
                rules::RECORD_HASH_ALGORITHM,
                name,
                format!(
                    "RECORD's hash for {name} is {hash}; it must be sha256=<urlsafe base64> (or sha384/sha512)"
                ),
            ));
            None
        }
    }
}

/// One RECORD row against the member's hash and size (RECORD's own row
/// must leave both empty).
fn row_problems(
    name: &str,
    row: &RecordRow,
    is_record: bool,
    algo: Option<&str>,
    data: &EntryData,
    found: &mut Vec<Finding>,
) {
    if is_record {
        if !row.hash.is_empty() || !row.size.is_empty() {
            found.push(at(
                rules::RECORD_SELF,
                name,
                "RECORD lists a hash or size for itself; leave both empty".into(),
            ));
        }
        return;
    }
    if let (Some(algo), Some(digest)) = (algo, &data.digest) {
        let want = format!(
            "{algo}={}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
        );
        if row.hash != want {
            found.push(at(
                rules::RECORD_HASH,
                name,
                format!(
                    "{name}: RECORD says {}, but the file hashes to {want}",
                    row.hash
                ),
            ));
        }
    }
    if row.size != data.size.to_string() {
        found.push(at(
            rules::RECORD_SIZE,
            name,
            format!(
                "{name}: RECORD says {} bytes, but the file has {}",
                if row.size.is_empty() {
                    "no size"
                } else {
                    &row.size
                },
                data.size
            ),
        ));
    }
}

/// The facts of a member that starts like a binary.
fn binary_member(e: &ZipEntry, temp: File, found: &mut Vec<Finding>) -> Option<Member> {
    match inspect::inspect_reader(temp) {
        Ok(facts) => Some(Member {
            name: e.name.clone(),
            mode: e.unix_mode(),
            facts,
        }),
        Err(err) if err.kind == inspect::InspectErrorKind::NotExecutable => None,
        Err(err) => {
            found.push(at(
                rules::BINARY_UNREADABLE,
                &e.name,
                format!("{}: {err}", e.name),
            ));
            None
        }
    }
}

/// Tags: PyPI's rules, then every program of the wheel against every
/// platform tag. Text in the file name that is no platform tag is reported
/// where it sorts.
fn platform_problems(
    w: &WheelName,
    programs: &[&Member],
    policy: &TagPolicy,
    found: &mut Vec<Finding>,
) {
    let platforms = w.platform_tags();
    for tag in &platforms {
        let refused = match tag {
            Ok(tag) => tags::pypi_problem(tag),
            Err(text) => Some(tags::pypi::refusal(text)),
        };
        found.extend(refused.map(|m| Finding::new(rules::TAG_PYPI, m)));
    }
    let refs: Vec<(&str, &inspect::Facts)> = programs
        .iter()
        .map(|m| (m.name.as_str(), &m.facts))
        .collect();
    for tag in platforms {
        match tag {
            Ok(tag) => found.extend(tags::check_tags(&[tag], &refs, policy)),
            Err(text) => found.push(Finding::new(rules::TAG_UNKNOWN, tags::unknown_tag(&text))),
        }
    }
}

/// File names of everything in the wheel: a library the wheel ships is one a
/// binary may need.
pub(super) fn shipped_libraries(wheel: &Zip) -> Vec<String> {
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

pub(super) fn join<T: AsRef<str>>(items: &[T]) -> String {
    items
        .iter()
        .map(|s| s.as_ref())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn method_name(method: u16) -> &'static str {
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
        expand_tag_set(&format!("{}-{}-{}", self.python, self.abi, self.platform))
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
}
