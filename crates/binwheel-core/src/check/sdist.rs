//! `binwheel check` on an sdist: PyPI's upload rules and what binwheel
//! promises about its own sdists (docs/sdist.md), judged from the `.tar.gz`
//! alone.
//!
//! Owns the sdist rules: the PEP 625 file name (normalized name and version,
//! the same as PKG-INFO's); a gzip stream and a tar archive that read to the
//! end; every member under one top-level `{name}-{version}/` directory and
//! none that could land outside it when unpacked (absolute paths, `..`, links
//! that leave the tree, devices, FIFOs); `PKG-INFO` with Metadata-Version 2.2
//! or later, Name and Version as in the file name and every `License-File`
//! present; `pyproject.toml` naming a build backend; no prebuilt native
//! binaries. It walks the tar stream itself, decoding each header with
//! `tar::Header` but reading pax records and GNU long names under a cap, so
//! any archive costs a few buffers: of a member it keeps at most its first
//! bytes, and of `PKG-INFO` and `pyproject.toml` a capped copy.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::str::FromStr;

use flate2::bufread::GzDecoder;
use tar::{EntryType, Header};

use super::finding::{self as rules, Finding, Rule};
use super::metadata::{check_metadata, metadata_field, metadata_fields};
use super::zip::{fill, MAX_METADATA};
use crate::inspect;
use crate::metadata::normalize_name;
use crate::relpath::{self, is_absolute};

const BLOCK: usize = 512;
/// Bytes of each file read to recognize a native binary.
const HEAD: usize = 512;
/// Largest pax extended header or GNU long name read into memory.
const MAX_EXTENSION: u64 = 1 << 20;
/// Largest `pyproject.toml` read into memory (`PKG-INFO` may be as large as
/// a wheel's `METADATA`: [`MAX_METADATA`]).
const MAX_PYPROJECT: u64 = 4 << 20;
/// Member paths remembered, for duplicates and `License-File`.
const MAX_NAMES: usize = 1 << 20;
/// Problems with single members listed before the rest are only counted.
const MAX_MEMBER_PROBLEMS: usize = 100;
/// Distinct top-level entries remembered for the message.
const MAX_TOPS: usize = 8;
/// The least Metadata-Version of an sdist's PKG-INFO (PEP 643, the sdist
/// specification).
const PKG_INFO_FLOOR: (u64, u64) = (2, 2);
const PKG_INFO: &str = "PKG-INFO";
const PYPROJECT: &str = "pyproject.toml";

/// Every problem with the sdist at `path`, one line each; empty means it is
/// an sdist PyPI accepts and that keeps binwheel's promises.
pub(super) fn check_sdist(path: &Path) -> Vec<Finding> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut problems = Vec::new();
    let name = FileName::parse(&file_name, &mut problems);
    let mut rest = Vec::new();
    let spelling = match Scan::run(path, &name.stem) {
        Ok(scan) => scan.judge(&name, &mut rest),
        Err(p) => {
            push(&mut rest, rules::SDIST_UNREADABLE, p);
            Spelling::Unknown
        }
    };
    let respelled = match spelling {
        Spelling::Expected(stem) => (stem != name.stem).then_some(stem),
        Spelling::Unknown => name.respelled.clone(),
        Spelling::Disagrees => None,
    };
    if let Some(stem) = respelled {
        push(
            &mut problems,
            rules::SDIST_FILE_NAME,
            format!(
                "{file_name} is not spelled as PEP 625 asks, and PyPI rejects it: rename it \
             {stem}.tar.gz (the name lowercase with runs of -_. as _, the version normalized)"
            ),
        );
    }
    problems.extend(rest);
    let mut seen = HashSet::new();
    problems.retain(|p| seen.insert((p.rule.id, p.file.clone(), p.message.clone())));
    problems
}

fn push(problems: &mut Vec<Finding>, rule: Rule, message: String) {
    problems.push(Finding::new(rule, message));
}

// ---------------------------------------------------------------------------
// The file name

struct FileName {
    /// The file name without `.tar.gz`: the top-level directory it promises.
    stem: String,
    /// Its `{name}` and `{version}` parts, when it has both.
    parts: Option<(String, String)>,
    /// The stem as PEP 625 spells those parts, when that differs.
    respelled: Option<String>,
}

/// What PKG-INFO says the file name should be.
enum Spelling {
    /// PKG-INFO could not say (missing, unreadable, no valid Name or Version).
    Unknown,
    /// PKG-INFO's Name or Version is not the file name's: already a problem.
    Disagrees,
    /// `{name}-{version}` from PKG-INFO, normalized.
    Expected(String),
}

impl FileName {
    fn parse(file_name: &str, problems: &mut Vec<Finding>) -> FileName {
        let stem = match file_name.strip_suffix(".tar.gz") {
            Some(stem) => stem,
            None => {
                push(
                    problems,
                    rules::SDIST_FILE_NAME,
                    format!("{file_name} must end in .tar.gz, in lowercase (PEP 625)"),
                );
                let cut = file_name.len().saturating_sub(".tar.gz".len());
                match file_name.get(cut..) {
                    Some(ext) if ext.eq_ignore_ascii_case(".tar.gz") => &file_name[..cut],
                    _ => file_name,
                }
            }
        };
        let parts = stem
            .rsplit_once('-')
            .filter(|(n, v)| !n.is_empty() && !v.is_empty());
        let Some((name, version)) = parts else {
            push(
                problems,
                rules::SDIST_FILE_NAME,
                format!("{file_name} is not named {{name}}-{{version}}.tar.gz (PEP 625)"),
            );
            return FileName {
                stem: stem.to_string(),
                parts: None,
                respelled: None,
            };
        };
        let normal_version = match pep440_rs::Version::from_str(version) {
            Ok(v) => v.to_string(),
            Err(e) => {
                push(
                    problems,
                    rules::SDIST_FILE_NAME,
                    format!(
                        "the file name's version {version} is not a valid PEP 440 version ({})",
                        first_line(&e.to_string())
                    ),
                );
                version.to_string()
            }
        };
        let expected = pep625_stem(name, &normal_version);
        FileName {
            stem: stem.to_string(),
            parts: Some((name.to_string(), version.to_string())),
            respelled: (stem != expected).then_some(expected),
        }
    }
}

/// `{name}-{version}` as PEP 625 spells it, `version` already normalized.
fn pep625_stem(name: &str, version: &str) -> String {
    format!("{}-{version}", normalize_name(name).replace('-', "_"))
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Reading the archive

/// What one pass over the archive found.
struct Scan {
    /// The top-level directory the file name promises.
    stem: String,
    /// The first top-level entries, in order, and whether each is a directory.
    tops: Vec<(String, bool)>,
    /// More distinct top-level entries than `tops` holds.
    more_tops: bool,
    /// The first top-level directory other than `stem`.
    other_top: Option<String>,
    /// `PKG-INFO` and `pyproject.toml` directly under `stem` or `other_top`.
    texts: Vec<Text>,
    /// Paths of every member that is not a directory, while there are not too many.
    names: HashSet<String>,
    names_full: bool,
    member_problems: Vec<Finding>,
    omitted: usize,
    /// The rule of the first problem only counted.
    omitted_rule: Option<Rule>,
    /// Why the archive could not be read to its end.
    error: Option<String>,
    headers: u64,
    /// The last member read whole, for messages about what follows it.
    last: Option<String>,
}

/// `PKG-INFO` or `pyproject.toml` under a top-level directory.
struct Text {
    top: String,
    file: &'static str,
    /// Its bytes, or why they were not kept.
    bytes: Result<Vec<u8>, String>,
}

/// What pax records and GNU long-name members say about the next member.
#[derive(Default)]
struct Pending {
    path: Option<Vec<u8>>,
    link: Option<Vec<u8>>,
    size: Option<u64>,
}

impl Scan {
    /// Read the archive at `path` once, to its end. `Err` is the one problem
    /// when it is not a gzip file at all.
    fn run(path: &Path, stem: &str) -> Result<Scan, String> {
        let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        let mut reader = BufReader::with_capacity(64 * 1024, file);
        let head = reader
            .fill_buf()
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if head.is_empty() {
            return Err("the file is empty; an sdist is a gzip-compressed tar archive".into());
        }
        if !head.starts_with(&[0x1f, 0x8b]) {
            return Err(format!(
                "not gzip-compressed{}; an sdist is a gzip-compressed tar archive (.tar.gz, PEP 625)",
                what_it_is(head)
            ));
        }
        let mut scan = Scan {
            stem: stem.to_string(),
            tops: Vec::new(),
            more_tops: false,
            other_top: None,
            texts: Vec::new(),
            names: HashSet::new(),
            names_full: false,
            member_problems: Vec::new(),
            omitted: 0,
            omitted_rule: None,
            error: None,
            headers: 0,
            last: None,
        };
        let mut gz = Gunzip {
            member: Some(GzDecoder::new(reader)),
        };
        let mut result = scan.walk(&mut gz);
        if result.is_ok() {
            // What follows the tar archive must decompress too: the gzip
            // trailer's CRC and length are checked only at the very end.
            if let Err(e) = io::copy(&mut gz, &mut io::sink()) {
                result = Err(scan.broken(&e));
            }
        }
        scan.error = result.err();
        Ok(scan)
    }

    fn walk(&mut self, r: &mut impl Read) -> Result<(), String> {
        let mut header = Header::new_old();
        let mut pending = Pending::default();
        while self.next_header(r, &mut header)? {
            let kind = header.entry_type();
            if kind.is_gnu_sparse() && header.as_gnu().is_some() && header.as_bytes()[482] != 0 {
                self.skip_sparse_map(r)?;
            }
            let extension = kind.is_pax_local_extensions()
                || kind.is_pax_global_extensions()
                || kind.is_gnu_longname()
                || kind.is_gnu_longlink();
            let pax_size = if extension { None } else { pending.size.take() };
            let size = match pax_size {
                Some(size) => size,
                None => header.entry_size().map_err(|e| self.broken(&e))?,
            };
            let mut data = (&mut *r).take(size);
            let mut shown = None;
            if kind.is_pax_local_extensions() {
                let records = self.read_extension(&mut data, "a pax header")?;
                pending.apply_pax(&records).map_err(|what| {
                    self.broken(&io::Error::new(io::ErrorKind::InvalidData, what))
                })?;
            } else if kind.is_gnu_longname() || kind.is_gnu_longlink() {
                let mut name = self.read_extension(&mut data, "a GNU long name")?;
                while name.last() == Some(&0) {
                    name.pop();
                }
                if kind.is_gnu_longname() {
                    pending.path = Some(name);
                } else {
                    pending.link = Some(name);
                }
            } else if !kind.is_pax_global_extensions() {
                let (name, link) = self.member_name(&header, std::mem::take(&mut pending));
                self.member(kind, &name, link.as_deref(), &mut data)?;
                shown = Some(name);
            }
            self.skip_rest(data, size, shown.as_deref())?;
            if shown.is_some() {
                self.last = shown;
            }
        }
        Ok(())
    }

    /// Read the next header block into `header`; false at the end of the
    /// archive (the end marker, or no more blocks, which tar readers accept).
    fn next_header(&mut self, r: &mut impl Read, header: &mut Header) -> Result<bool, String> {
        let block = header.as_mut_bytes();
        let n = fill(r, block).map_err(|e| self.broken(&e))?;
        if n == 0 {
            return Ok(false);
        }
        if n < BLOCK {
            return Err(self.broken(&eof("the archive ends inside a tar header")));
        }
        if block.iter().all(|&b| b == 0) {
            return Ok(false); // the end-of-archive marker
        }
        if !checksum_matches(header) {
            return Err(self.broken(&io::Error::new(
                io::ErrorKind::InvalidData,
                "a tar header's checksum does not match",
            )));
        }
        self.headers += 1;
        Ok(true)
    }

    /// Old GNU sparse maps continue in extension blocks.
    fn skip_sparse_map(&self, r: &mut impl Read) -> Result<(), String> {
        let mut ext = [0u8; BLOCK];
        loop {
            if fill(r, &mut ext).map_err(|e| self.broken(&e))? < BLOCK {
                return Err(self.broken(&eof("the archive ends inside a sparse map")));
            }
            if ext[504] == 0 {
                return Ok(());
            }
        }
    }

    /// A member's name and link target, from the pax or GNU records before
    /// it or its own header, shown printable (with a problem when it is not
    /// UTF-8 or holds control characters).
    fn member_name(&mut self, header: &Header, pending: Pending) -> (String, Option<String>) {
        let name = pending
            .path
            .unwrap_or_else(|| header.path_bytes().into_owned());
        let link = pending
            .link
            .or_else(|| header.link_name_bytes().map(|l| l.into_owned()));
        let mut name = String::from_utf8(name).unwrap_or_else(|e| {
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let shown = printable(&lossy);
            self.problem(
                rules::SDIST_UNSAFE_MEMBER,
                &shown,
                format!(
                    "{shown} has a name that is not valid UTF-8; installers expect UTF-8 names"
                ),
            );
            lossy
        });
        if name.contains(char::is_control) {
            name = printable(&name);
            let message =
                format!("{name} has control characters in its name (shown as ?): rename it");
            self.problem(rules::SDIST_UNSAFE_MEMBER, &name.clone(), message);
        }
        let link = link.map(|l| printable(&String::from_utf8_lossy(&l)));
        (name, link)
    }

    /// The rest of the member, then the padding to the next block.
    fn skip_rest<R: Read>(
        &self,
        mut data: io::Take<&mut R>,
        size: u64,
        shown: Option<&str>,
    ) -> Result<(), String> {
        io::copy(&mut data, &mut io::sink()).map_err(|e| self.broken(&e))?;
        let missing = data.limit();
        let r = data.into_inner();
        let pad = (BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64;
        let padded =
            io::copy(&mut (&mut *r).take(pad), &mut io::sink()).map_err(|e| self.broken(&e))?;
        if missing > 0 || padded < pad {
            let what = match shown {
                Some(name) => format!("the archive ends inside {name}"),
                None => "the archive ends inside a tar header".into(),
            };
            return Err(self.broken(&eof(&what)));
        }
        Ok(())
    }

    /// A pax header or GNU long name, whole, if it is not absurdly large.
    fn read_extension(&self, data: &mut impl Read, what: &str) -> Result<Vec<u8>, String> {
        let mut bytes = Vec::new();
        data.take(MAX_EXTENSION + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| self.broken(&e))?;
        if bytes.len() as u64 > MAX_EXTENSION {
            return Err(format!(
                "{what}{} is larger than {} MiB; binwheel reads no further (an sdist's \
                 member names and links are short)",
                self.after(),
                MAX_EXTENSION >> 20
            ));
        }
        Ok(bytes)
    }

    /// One member (not a pax header or long name): its path, type and links;
    /// for a file its first bytes, or the whole of PKG-INFO and pyproject.toml.
    fn member(
        &mut self,
        kind: EntryType,
        name: &str,
        link: Option<&str>,
        data: &mut impl Read,
    ) -> Result<(), String> {
        if is_absolute(name) {
            self.problem(
                rules::SDIST_UNSAFE_MEMBER,
                name,
                format!(
                    "{name} is an absolute path; every member must lie under {}/ \
                 (rebuild the sdist with a PEP 517 backend)",
                    self.stem
                ),
            );
            return Ok(());
        }
        let parts: Vec<&str> = components(name).collect();
        if parts.contains(&"..") {
            self.problem(
                rules::SDIST_UNSAFE_MEMBER,
                name,
                format!(
                    "{name} has a `..` component: unpacked, it would land outside {}/; \
                 rebuild the sdist with a PEP 517 backend",
                    self.stem
                ),
            );
            return Ok(());
        }
        let Some(&top) = parts.first() else {
            return Ok(()); // "./": the directory the archive unpacks into
        };
        let directory = kind.is_dir() || (kind.is_file() && name.ends_with('/'));
        self.top(top, directory || parts.len() > 1);
        if directory {
            return Ok(());
        }
        if !self.names_full {
            if self.names.len() >= MAX_NAMES {
                self.names_full = true;
            } else if !self.names.insert(parts.join("/")) {
                self.problem(
                    rules::SDIST_DUPLICATE_MEMBER,
                    name,
                    format!(
                    "{name} appears more than once in the archive; unpacking keeps only the last"
                ),
                );
            }
        }
        if kind.is_file() || kind.is_contiguous() {
            return self.file(name, &parts, data);
        }
        if kind.is_symlink() || kind.is_hard_link() {
            let target = link.unwrap_or_default();
            if link_leaves(&parts, target, kind.is_hard_link()) {
                self.problem(
                    rules::SDIST_UNSAFE_MEMBER,
                    name,
                    format!(
                        "{name} is a {} to {target}, outside {top}/; store the file itself instead",
                        if kind.is_hard_link() {
                            "hard link"
                        } else {
                            "symbolic link"
                        }
                    ),
                );
            }
            return Ok(());
        }
        let what = if kind.is_character_special() {
            "a character device".to_string()
        } else if kind.is_block_special() {
            "a block device".to_string()
        } else if kind.is_fifo() {
            "a FIFO".to_string()
        } else if kind.is_gnu_sparse() {
            "a GNU sparse file, which not every tar reader unpacks".to_string()
        } else {
            format!(
                "a tar member of unknown type {:?}",
                char::from(kind.as_byte())
            )
        };
        self.problem(
            rules::SDIST_UNSAFE_MEMBER,
            name,
            format!(
            "{name} is {what}; an sdist holds regular files, directories and links: leave it out"
        ),
        );
        Ok(())
    }

    fn file(&mut self, name: &str, parts: &[&str], data: &mut impl Read) -> Result<(), String> {
        let mut head = [0u8; HEAD];
        let n = fill(data, &mut head).map_err(|e| self.broken(&e))?;
        if let Some(format) = native_format(&head[..n]) {
            self.problem(
                rules::SDIST_BINARY,
                name,
                format!(
                "{name} is a prebuilt {format} binary; an sdist carries sources, not binaries: \
                 leave it out (`sdist-exclude` in [tool.binwheel])"
            ),
            );
        }
        let (top, file) = match parts {
            [top, file] if *file == PKG_INFO || *file == PYPROJECT => (*top, *file),
            _ => return Ok(()),
        };
        if top != self.stem && self.other_top.as_deref() != Some(top) {
            return Ok(());
        }
        let (file, cap) = if file == PKG_INFO {
            (PKG_INFO, MAX_METADATA)
        } else {
            (PYPROJECT, MAX_PYPROJECT)
        };
        let mut text = head[..n].to_vec();
        data.take((cap + 1).saturating_sub(n as u64))
            .read_to_end(&mut text)
            .map_err(|e| self.broken(&e))?;
        let text = if text.len() as u64 > cap {
            Err(format!("{name} is larger than {} MiB", cap >> 20))
        } else {
            Ok(text)
        };
        // A second copy replaces the first, as unpacking would.
        self.texts.retain(|t| !(t.top == top && t.file == file));
        self.texts.push(Text {
            top: top.to_string(),
            file,
            bytes: text,
        });
        Ok(())
    }

    fn top(&mut self, top: &str, directory: bool) {
        if directory && top != self.stem && self.other_top.is_none() {
            self.other_top = Some(top.to_string());
        }
        match self.tops.iter().position(|(t, _)| t == top) {
            Some(i) => self.tops[i].1 |= directory,
            None if self.tops.len() < MAX_TOPS => self.tops.push((top.to_string(), directory)),
            None => self.more_tops = true,
        }
    }

    fn problem(&mut self, rule: Rule, file: &str, problem: String) {
        if self.member_problems.len() < MAX_MEMBER_PROBLEMS {
            self.member_problems
                .push(Finding::new(rule, problem).file(file));
        } else {
            self.omitted += 1;
            self.omitted_rule.get_or_insert(rule);
        }
    }

    fn after(&self) -> String {
        match &self.last {
            Some(last) => format!(" after {last}"),
            None => String::new(),
        }
    }

    /// The one problem for an archive that cannot be read to its end.
    fn broken(&self, e: &io::Error) -> String {
        // The tar crate's messages can quote a member's name.
        let e = printable(&e.to_string());
        if self.headers == 0 {
            format!(
                "cannot read a tar archive from it ({e}): it is truncated, corrupt or not \
                 a .tar.gz; build the sdist again"
            )
        } else {
            format!(
                "the archive is truncated or corrupt{} ({e}); build the sdist again",
                self.after()
            )
        }
    }

    fn text(&self, top: &str, file: &str) -> Option<&Result<Vec<u8>, String>> {
        self.texts
            .iter()
            .find(|t| t.top == top && t.file == file)
            .map(|t| &t.bytes)
    }

    // -----------------------------------------------------------------------
    // The rules that need the whole archive

    /// Add the problems found while reading and those that need the whole
    /// archive; say what PKG-INFO makes of the file name.
    fn judge(self, name: &FileName, problems: &mut Vec<Finding>) -> Spelling {
        problems.extend(self.member_problems.iter().cloned());
        if let Some(rule) = self.omitted_rule {
            push(
                problems,
                rule,
                format!(
                    "… and {} more problems with members, like those above",
                    self.omitted
                ),
            );
        }
        if let Some(error) = &self.error {
            push(problems, rules::SDIST_UNREADABLE, error.clone());
            return Spelling::Unknown;
        }
        let stem = &self.stem;
        let top = match self.tops.as_slice() {
            [] => {
                push(
                    problems,
                    rules::SDIST_LAYOUT,
                    format!(
                        "the archive has no top-level directory; an sdist holds everything under \
                     one, {stem}/, with PKG-INFO and pyproject.toml in it"
                    ),
                );
                return Spelling::Unknown;
            }
            [(only, true)] if !self.more_tops => {
                if only != stem {
                    push(problems, rules::SDIST_LAYOUT, format!(
                        "the archive's top-level directory is {only}/, but the file name says {stem}/"
                    ));
                }
                only.clone()
            }
            [(only, false)] if !self.more_tops => {
                push(
                    problems,
                    rules::SDIST_LAYOUT,
                    format!(
                        "{only} lies at the top of the archive; everything must be under one \
                     directory, {stem}/"
                    ),
                );
                return Spelling::Unknown;
            }
            many => {
                let listed: Vec<String> = many
                    .iter()
                    .map(|(t, dir)| format!("{t}{}", if *dir { "/" } else { "" }))
                    .collect();
                push(
                    problems,
                    rules::SDIST_LAYOUT,
                    format!(
                        "the archive has {} top-level entries ({}{}); everything must be under \
                     one directory, {stem}/",
                        if self.more_tops {
                            format!("more than {}", many.len())
                        } else {
                            many.len().to_string()
                        },
                        listed.join(", "),
                        if self.more_tops { ", …" } else { "" }
                    ),
                );
                match many.iter().find(|(t, dir)| t == stem && *dir) {
                    Some((t, _)) => t.clone(),
                    None => match self.other_top.clone() {
                        Some(other) => other,
                        None => return Spelling::Unknown,
                    },
                }
            }
        };
        let spelling = self.judge_pkg_info(&top, name, problems);
        self.judge_pyproject(&top, problems);
        spelling
    }

    fn judge_pkg_info(&self, top: &str, name: &FileName, problems: &mut Vec<Finding>) -> Spelling {
        let what = format!("{top}/{PKG_INFO}");
        let text = match self.text(top, PKG_INFO) {
            None => {
                push(
                    problems,
                    rules::SDIST_PKG_INFO,
                    format!(
                        "{what} is missing; PyPI rejects an sdist without its core metadata \
                     (build the sdist with a PEP 517 backend)"
                    ),
                );
                return Spelling::Unknown;
            }
            Some(Err(p)) => {
                push(problems, rules::SDIST_PKG_INFO, p.clone());
                return Spelling::Unknown;
            }
            Some(Ok(bytes)) => match std::str::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => {
                    push(
                        problems,
                        rules::SDIST_PKG_INFO,
                        format!("{what} is not valid UTF-8"),
                    );
                    return Spelling::Unknown;
                }
            },
        };
        metadata_version_problems(&what, text, problems);
        let before = problems.len();
        match &name.parts {
            Some((n, v)) => check_metadata(&what, text, n, v, problems),
            None => {
                for (field, rule) in [
                    ("Name", rules::METADATA_NAME),
                    ("Version", rules::METADATA_VERSION),
                ] {
                    if metadata_field(text, field).is_none() {
                        push(problems, rule, format!("{what} has no {field}"));
                    }
                }
            }
        }
        let spelling = match (
            metadata_field(text, "Name"),
            metadata_field(text, "Version").and_then(|v| pep440_rs::Version::from_str(&v).ok()),
        ) {
            _ if problems.len() > before => Spelling::Disagrees,
            (Some(n), Some(v)) => Spelling::Expected(pep625_stem(&n, &v.to_string())),
            _ => Spelling::Unknown,
        };
        for field in metadata_fields(text, "Dynamic") {
            if ["Name", "Version", "Metadata-Version"]
                .iter()
                .any(|f| f.eq_ignore_ascii_case(&field))
            {
                push(
                    problems,
                    rules::METADATA_DYNAMIC,
                    format!(
                    "{what} marks {field} as Dynamic; PEP 643 does not allow that: write its value"
                ),
                );
            }
        }
        if !self.names_full {
            for file in metadata_fields(text, "License-File") {
                let path: Vec<&str> = std::iter::once(top).chain(components(&file)).collect();
                if !self.names.contains(&path.join("/")) {
                    push(
                        problems,
                        rules::SDIST_LICENSE_FILE,
                        format!(
                            "{what} lists License-File: {file}, but {top}/{file} is not in the \
                         archive; PyPI rejects the upload"
                        ),
                    );
                }
            }
        }
        spelling
    }

    fn judge_pyproject(&self, top: &str, problems: &mut Vec<Finding>) {
        let what = format!("{top}/{PYPROJECT}");
        let text = match self.text(top, PYPROJECT) {
            None => {
                push(
                    problems,
                    rules::SDIST_PYPROJECT,
                    format!(
                        "{what} is missing; the sdist specification requires it, and installers \
                     need its [build-system] to build a wheel"
                    ),
                );
                return;
            }
            Some(Err(p)) => {
                push(problems, rules::SDIST_PYPROJECT, p.clone());
                return;
            }
            Some(Ok(bytes)) => match String::from_utf8(bytes.clone()) {
                Ok(text) => text,
                Err(_) => {
                    push(
                        problems,
                        rules::SDIST_PYPROJECT,
                        format!("{what} is not valid UTF-8"),
                    );
                    return;
                }
            },
        };
        problems.extend(super::prebuilt::prebuilt_only_findings(&what, &text));
        let doc = match toml_edit::Document::parse(text) {
            Ok(doc) => doc,
            Err(e) => {
                push(
                    problems,
                    rules::SDIST_PYPROJECT,
                    format!("{what} is not valid TOML: {}", first_line(e.message())),
                );
                return;
            }
        };
        let backend = doc
            .as_table()
            .get("build-system")
            .and_then(|t| t.get("build-backend"));
        match backend.map(|b| b.as_str()) {
            None => push(
                problems,
                rules::SDIST_PYPROJECT,
                format!(
                    "{what} has no [build-system] build-backend, so installers fall back to \
                 setuptools' legacy build: add build-backend = \"binwheel\" (or your backend)"
                ),
            ),
            Some(None) => push(
                problems,
                rules::SDIST_PYPROJECT,
                format!("{what}: [build-system] build-backend is not a string"),
            ),
            Some(Some(_)) => {}
        }
    }
}

/// PKG-INFO's Metadata-Version: present, a version, and 2.2 or later.
fn metadata_version_problems(what: &str, text: &str, problems: &mut Vec<Finding>) {
    match metadata_field(text, "Metadata-Version") {
        None => push(
            problems,
            rules::METADATA_VERSION_FLOOR,
            format!("{what} has no Metadata-Version; an sdist's must be 2.2 or later (PEP 643)"),
        ),
        Some(v) => match parse_metadata_version(&v) {
            None => push(
                problems,
                rules::METADATA_VERSION_FLOOR,
                format!("{what} has Metadata-Version: {v}, which is not a version like 2.4"),
            ),
            Some(found) if found < PKG_INFO_FLOOR => push(
                problems,
                rules::METADATA_VERSION_FLOOR,
                format!(
                    "{what} has Metadata-Version {v}; an sdist's must be 2.2 or later \
                 (PEP 643, the sdist specification): build the sdist with a current backend"
                ),
            ),
            Some(_) => {}
        },
    }
}

// ---------------------------------------------------------------------------
// Helpers

/// gzip members one after another, as Python's `gzip` reads them: zero
/// padding after a member is skipped; any other data must be another member.
struct Gunzip<R: BufRead> {
    member: Option<GzDecoder<R>>,
}

impl<R: BufRead> Read for Gunzip<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(member) = self.member.as_mut() else {
                return Ok(0);
            };
            let n = member.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // This member is complete (trailer checked). Another one?
            let Some(member) = self.member.take() else {
                return Ok(0);
            };
            let mut inner = member.into_inner();
            loop {
                let available = inner.fill_buf()?;
                if available.is_empty() {
                    return Ok(0);
                }
                let zeros = available.iter().take_while(|&&b| b == 0).count();
                if zeros == 0 {
                    break;
                }
                inner.consume(zeros);
            }
            self.member = Some(GzDecoder::new(inner));
        }
    }
}

impl Pending {
    /// Take `path`, `linkpath` and `size` from pax records
    /// (`"<length> <key>=<value>\n"`); `Err` says what is malformed.
    fn apply_pax(&mut self, mut data: &[u8]) -> Result<(), &'static str> {
        const MALFORMED: &str = "a pax header is malformed";
        while !data.is_empty() {
            if data.iter().all(|&b| b == 0) {
                break; // padding some writers leave
            }
            let space = data.iter().position(|&b| b == b' ').ok_or(MALFORMED)?;
            let len: usize = std::str::from_utf8(&data[..space])
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or(MALFORMED)?;
            if len <= space + 1 || len > data.len() {
                return Err(MALFORMED);
            }
            let record = data[space + 1..len].strip_suffix(b"\n").ok_or(MALFORMED)?;
            let eq = record.iter().position(|&b| b == b'=').ok_or(MALFORMED)?;
            let (key, value) = (&record[..eq], &record[eq + 1..]);
            match key {
                b"path" => self.path = Some(value.to_vec()),
                b"linkpath" => self.link = Some(value.to_vec()),
                b"size" => {
                    let size = std::str::from_utf8(value)
                        .ok()
                        .and_then(|s| s.parse().ok())
                        .ok_or("a pax size record is not a number")?;
                    self.size = Some(size);
                }
                _ => {}
            }
            data = &data[len..];
        }
        Ok(())
    }
}

/// The header's checksum, as POSIX computes it (unsigned bytes, the field
/// itself as spaces), or as some old writers did (signed bytes).
fn checksum_matches(header: &Header) -> bool {
    let Ok(stored) = header.cksum() else {
        return false;
    };
    let field = 148..156;
    let (mut unsigned, mut signed) = (0u64, 0i64);
    for (i, &b) in header.as_bytes().iter().enumerate() {
        let b = if field.contains(&i) { b' ' } else { b };
        unsigned += u64::from(b);
        signed += i64::from(b as i8);
    }
    u64::from(stored) == unsigned || i64::from(stored) == signed
}

/// `text` with each control character (a newline would split a problem's
/// line) shown as `?`.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn eof(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, what.to_string())
}

/// A name's components, without empty ones and `.`; `\` separates too (it
/// does on Windows).
fn components(name: &str) -> impl Iterator<Item = &str> {
    name.split(['/', '\\'])
        .filter(|c| !c.is_empty() && *c != ".")
}

/// Whether a link at `parts` to `target` resolves outside the member's
/// top-level directory. A symbolic link is relative to its directory, a hard
/// link to the archive's root.
fn link_leaves(parts: &[&str], target: &str, hard: bool) -> bool {
    let base: &[&str] = if hard {
        &[]
    } else {
        &parts[..parts.len().saturating_sub(1)]
    };
    match relpath::resolve(base, target) {
        None => true,
        Some(at) => at.first() != parts.first(),
    }
}

/// ELF, Mach-O or PE, by the first bytes of a file. `MZ` alone starts some
/// text too: a PE header also has NUL bytes, which text never does.
fn native_format(head: &[u8]) -> Option<&'static str> {
    if !inspect::looks_like_binary(head) {
        return None;
    }
    match head {
        [0x7f, b'E', b'L', b'F', ..] => Some("ELF"),
        [b'M', b'Z', ..] => head.contains(&0).then_some("PE (Windows)"),
        _ => Some("Mach-O"),
    }
}

/// `2.4` → (2, 4).
fn parse_metadata_version(text: &str) -> Option<(u64, u64)> {
    let (major, minor) = text.trim().split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// What a file that is not gzip is, when its first bytes say.
fn what_it_is(head: &[u8]) -> &'static str {
    if head.starts_with(b"PK\x03\x04") {
        " (it is a zip archive)"
    } else if head.starts_with(b"BZh") {
        " (it is bzip2-compressed)"
    } else if head.starts_with(b"\xfd7zXZ\x00") {
        " (it is xz-compressed)"
    } else if head.starts_with(b"\x28\xb5\x2f\xfd") {
        " (it is zstd-compressed)"
    } else if head.get(257..262) == Some(b"ustar") {
        " (it is an uncompressed tar archive)"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::path::PathBuf;

    use flate2::write::GzEncoder;
    use flate2::Compression;

    use crate::backend::{self, Options};

    const TOP: &str = "demo_tool-1.0";
    const FILE: &str = "demo_tool-1.0.tar.gz";
    const PKG_INFO_TEXT: &str = "Metadata-Version: 2.4\nName: Demo.Tool\nVersion: 1.0\n\
                                 License-Expression: MIT\nLicense-File: LICENSE\n\nThe description.\n";
    const PYPROJECT_TEXT: &str = "[build-system]\nrequires = [\"binwheel\"]\n\
                                  build-backend = \"binwheel\"\n\n[project]\nname = \"Demo.Tool\"\n\
                                  version = \"1.0\"\n";
    /// The start of a 64-bit little-endian ELF executable.
    const ELF: &[u8] = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0";

    /// One tar member, written as given: no path checks, so hostile names
    /// and links can be made.
    enum M<'a> {
        File(&'a str, &'a [u8]),
        Dir(&'a str),
        Symlink(&'a str, &'a str),
        HardLink(&'a str, &'a str),
        Fifo(&'a str),
    }

    fn tar_bytes(members: &[M]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for m in members {
            let (name, kind, data, link): (&str, EntryType, &[u8], &str) = match *m {
                M::File(n, d) => (n, EntryType::Regular, d, ""),
                M::Dir(n) => (n, EntryType::Directory, b"", ""),
                M::Symlink(n, l) => (n, EntryType::Symlink, b"", l),
                M::HardLink(n, l) => (n, EntryType::Link, b"", l),
                M::Fifo(n) => (n, EntryType::Fifo, b"", ""),
            };
            let mut header = Header::new_ustar();
            let old = header.as_old_mut();
            old.name[..name.len()].copy_from_slice(name.as_bytes());
            old.linkname[..link.len()].copy_from_slice(link.as_bytes());
            header.set_entry_type(kind);
            header.set_mode(0o644);
            header.set_uid(0);
            header.set_gid(0);
            header.set_mtime(0);
            header.set_size(data.len() as u64);
            header.set_cksum();
            builder.append(&header, data).unwrap();
        }
        builder.into_inner().unwrap()
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
        gz.write_all(data).unwrap();
        gz.finish().unwrap()
    }

    fn gunzip(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(data)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    fn check_bytes(file_name: &str, bytes: &[u8]) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(file_name);
        std::fs::write(&path, bytes).unwrap();
        super::super::check_dist(&path)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    fn check(file_name: &str, members: &[M]) -> Vec<String> {
        check_bytes(file_name, &gzip(&tar_bytes(members)))
    }

    /// A good sdist's members under `top`, with `extra` after them.
    fn good<'a>(top: &str, extra: Vec<M<'a>>) -> Vec<M<'a>> {
        let leak = |s: String| -> &'a str { Box::leak(s.into_boxed_str()) };
        let mut members = vec![
            M::File(leak(format!("{top}/LICENSE")), b"MIT\n"),
            M::File(leak(format!("{top}/PKG-INFO")), PKG_INFO_TEXT.as_bytes()),
            M::File(leak(format!("{top}/main.go")), b"package main\n"),
            M::File(
                leak(format!("{top}/pyproject.toml")),
                PYPROJECT_TEXT.as_bytes(),
            ),
        ];
        members.extend(extra);
        members
    }

    fn only(problems: &[String], needle: &str) {
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(problems[0].contains(needle), "{problems:#?}");
    }

    /// A small project built into an sdist by binwheel's own writer: long
    /// and non-ASCII paths (pax records), an executable script, a license
    /// file, and a prebuilt binary that must stay out.
    fn binwheel_sdist(dir: &Path) -> PathBuf {
        let root = dir.join("project");
        let write = |rel: &str, data: &[u8]| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, data).unwrap();
        };
        write(
            "pyproject.toml",
            br#"[build-system]
requires = ["binwheel"]
build-backend = "binwheel"

[project]
name = "Demo.Tool"
version = "1.0.0-rc1"
license = "MIT"
license-files = ["LICENSE"]

[tool.binwheel]
package = "demo"

[[tool.binwheel.binary]]
name = "demo"
path = "bin/{target}/demo{exe}"

[tool.binwheel.targets]
linux-x86_64 = {}
"#,
        );
        write("LICENSE", b"MIT\n");
        write("demo/__init__.py", b"");
        write("main.go", b"package main\n");
        write(
            &format!("docs/{}/{}.md", "d".repeat(120), "f".repeat(80)),
            b"long\n",
        );
        write("données/ñ.txt", b"unicode\n");
        write("bin/linux-x86_64/demo", ELF);
        let out = dir.join("dist");
        let name = backend::build_sdist(&root, &out, &Options::default()).unwrap();
        out.join(name)
    }

    #[test]
    fn an_sdist_binwheel_wrote_passes() {
        let dir = tempfile::tempdir().unwrap();
        let sdist = binwheel_sdist(dir.path());
        assert!(sdist.ends_with("demo_tool-1.0.0rc1.tar.gz"), "{sdist:?}");
        // Its binary is prebuilt only: one warning (BW710), no error.
        let found: Vec<String> = check_sdist(&sdist).iter().map(|f| f.render()).collect();
        assert_eq!(
            found,
            ["warning[BW710 sdist-prebuilt-only] demo_tool-1.0.0rc1/pyproject.toml: binary \"demo\" has only a prebuilt `path` for linux-x86_64: a wheel cannot be built from this sdist there"]
        );
        assert_eq!(super::super::check_dist(&sdist), check_sdist(&sdist));
    }

    #[test]
    fn a_hand_written_sdist_passes() {
        let mut members = vec![M::Dir("demo_tool-1.0/"), M::Dir("demo_tool-1.0/src")];
        members.extend(good(
            TOP,
            vec![M::Symlink("demo_tool-1.0/src/link", "../main.go")],
        ));
        assert_eq!(check(FILE, &members), Vec::<String>::new());
        // A text file that happens to start with "MZ" is not a binary.
        let members = good(
            TOP,
            vec![M::File("demo_tool-1.0/notes.txt", b"MZ is a text\n")],
        );
        assert_eq!(check(FILE, &members), Vec::<String>::new());
    }

    #[test]
    fn file_names() {
        let p = check("Demo.Tool-1.0.tar.gz", &good("Demo.Tool-1.0", vec![]));
        only(&p, "rename it demo_tool-1.0.tar.gz");
        // PyPI wants PKG-INFO's version as packaging prints it: 1.0, not 1.0.0.
        let p = check("demo_tool-1.0.0.tar.gz", &good("demo_tool-1.0.0", vec![]));
        only(&p, "rename it demo_tool-1.0.tar.gz");
        let p = check("demo_tool-one.tar.gz", &good("demo_tool-one", vec![]));
        assert!(
            p[0].starts_with("the file name's version one is not a valid PEP 440 version"),
            "{p:#?}"
        );
        assert!(p.iter().any(|l| l.contains("says Version: 1.0")), "{p:#?}");
        let p = check("demo_tool.tar.gz", &good("demo_tool", vec![]));
        assert!(
            p[0].contains("is not named {name}-{version}.tar.gz"),
            "{p:#?}"
        );
        let p = check("demo_tool-1.0.TAR.GZ", &good(TOP, vec![]));
        only(&p, "must end in .tar.gz, in lowercase");
        let p = check("demo_tool-1.0.zip", &good(TOP, vec![]));
        only(&p, "is not a wheel or an sdist");
    }

    #[test]
    fn one_top_level_directory_named_like_the_file() {
        let p = check(FILE, &good(TOP, vec![M::File("other-1.0/x.txt", b"x")]));
        only(
            &p,
            "the archive has 2 top-level entries (demo_tool-1.0/, other-1.0/)",
        );
        let p = check(FILE, &good(TOP, vec![M::File("README", b"x")]));
        only(&p, "(demo_tool-1.0/, README)");
        let p = check(FILE, &good("demo_tool-1.1", vec![]));
        only(
            &p,
            "the archive's top-level directory is demo_tool-1.1/, but the file name says demo_tool-1.0/",
        );
        let p = check(FILE, &[]);
        only(&p, "the archive has no top-level directory");
        let p = check(FILE, &[M::File("PKG-INFO", PKG_INFO_TEXT.as_bytes())]);
        only(&p, "PKG-INFO lies at the top of the archive");
    }

    #[test]
    fn nothing_may_land_outside_the_tree() {
        let p = check(
            FILE,
            &good(TOP, vec![M::File("demo_tool-1.0/../evil.sh", b"x")]),
        );
        only(&p, "demo_tool-1.0/../evil.sh has a `..` component");
        let p = check(FILE, &good(TOP, vec![M::File("/etc/evil", b"x")]));
        only(&p, "/etc/evil is an absolute path");
        let p = check(
            FILE,
            &good(
                TOP,
                vec![M::Symlink("demo_tool-1.0/a/leak", "../../../etc/passwd")],
            ),
        );
        only(
            &p,
            "demo_tool-1.0/a/leak is a symbolic link to ../../../etc/passwd, outside demo_tool-1.0/",
        );
        let p = check(
            FILE,
            &good(TOP, vec![M::Symlink("demo_tool-1.0/abs", "/etc/passwd")]),
        );
        only(&p, "symbolic link to /etc/passwd");
        let p = check(
            FILE,
            &good(TOP, vec![M::HardLink("demo_tool-1.0/hard", "other/file")]),
        );
        only(&p, "demo_tool-1.0/hard is a hard link to other/file");
        let p = check(
            FILE,
            &good(
                TOP,
                vec![M::HardLink("demo_tool-1.0/hard", "demo_tool-1.0/main.go")],
            ),
        );
        assert_eq!(p, Vec::<String>::new());
        let p = check(FILE, &good(TOP, vec![M::Fifo("demo_tool-1.0/pipe")]));
        only(&p, "demo_tool-1.0/pipe is a FIFO");
        let p = check(
            FILE,
            &good(
                TOP,
                vec![M::File("demo_tool-1.0/main.go", b"package main\n")],
            ),
        );
        only(&p, "demo_tool-1.0/main.go appears more than once");
        // A newline in a name would split the problem's line.
        let p = check(FILE, &good(TOP, vec![M::File("demo_tool-1.0/a\nb", ELF)]));
        assert_eq!(p.len(), 2, "{p:#?}");
        assert!(
            p[0].starts_with("demo_tool-1.0/a?b has control characters"),
            "{p:#?}"
        );
        assert!(
            p[1].starts_with("demo_tool-1.0/a?b is a prebuilt ELF binary"),
            "{p:#?}"
        );
    }

    #[test]
    fn pkg_info_rules() {
        let without = |skip: &str| -> Vec<String> {
            let members: Vec<M> = good(TOP, vec![])
                .into_iter()
                .filter(|m| !matches!(m, M::File(n, _) if n.ends_with(skip)))
                .collect();
            check(FILE, &members)
        };
        only(&without("/PKG-INFO"), "demo_tool-1.0/PKG-INFO is missing");
        let with_pkg_info = |text: String| -> Vec<String> {
            let members: Vec<M> = good(TOP, vec![])
                .into_iter()
                .map(|m| match m {
                    M::File(n, _) if n.ends_with("/PKG-INFO") => {
                        M::File(n, Box::leak(text.clone().into_bytes().into_boxed_slice()))
                    }
                    m => m,
                })
                .collect();
            check(FILE, &members)
        };
        let p = with_pkg_info(PKG_INFO_TEXT.replace("2.4", "2.1"));
        only(
            &p,
            "demo_tool-1.0/PKG-INFO has Metadata-Version 2.1; an sdist's must be 2.2 or later",
        );
        let p = with_pkg_info(PKG_INFO_TEXT.replace("Metadata-Version: 2.4\n", ""));
        only(&p, "demo_tool-1.0/PKG-INFO has no Metadata-Version");
        let p = with_pkg_info(PKG_INFO_TEXT.replace("Name: Demo.Tool", "Name: other-tool"));
        only(
            &p,
            "demo_tool-1.0/PKG-INFO says Name: other-tool, but the filename says demo_tool",
        );
        let p = with_pkg_info(PKG_INFO_TEXT.replace("Version: 1.0", "Version: 2.0"));
        only(
            &p,
            "demo_tool-1.0/PKG-INFO says Version: 2.0, but the filename says 1.0",
        );
        let p = with_pkg_info(PKG_INFO_TEXT.replace("Version: 1.0\n", ""));
        only(&p, "demo_tool-1.0/PKG-INFO has no Version");
        let p =
            with_pkg_info(PKG_INFO_TEXT.replace("License-File: LICENSE", "License-File: COPYING"));
        only(
            &p,
            "lists License-File: COPYING, but demo_tool-1.0/COPYING is not in the archive",
        );
        let p = with_pkg_info(PKG_INFO_TEXT.replace("\n\n", "\nDynamic: Version\n\n"));
        only(&p, "marks Version as Dynamic");
        // Names compare normalized; header continuation lines are not fields.
        let p =
            with_pkg_info(PKG_INFO_TEXT.replace("Name: Demo.Tool", "Name: demo-TOOL\n  Name: x"));
        assert_eq!(p, Vec::<String>::new());
        // Latin-1, not UTF-8.
        let mut latin1 = PKG_INFO_TEXT.as_bytes().to_vec();
        latin1.extend_from_slice(b"Caf\xe9\n");
        let latin1: &'static [u8] = Box::leak(latin1.into_boxed_slice());
        let members: Vec<M> = good(TOP, vec![])
            .into_iter()
            .map(|m| match m {
                M::File(n, _) if n.ends_with("/PKG-INFO") => M::File(n, latin1),
                m => m,
            })
            .collect();
        only(
            &check(FILE, &members),
            "demo_tool-1.0/PKG-INFO is not valid UTF-8",
        );
    }

    #[test]
    fn pyproject_rules() {
        let with_pyproject = |text: Option<&'static str>| -> Vec<String> {
            let members: Vec<M> = good(TOP, vec![])
                .into_iter()
                .filter_map(|m| match m {
                    M::File(n, _) if n.ends_with("/pyproject.toml") => {
                        text.map(|t| M::File(n, t.as_bytes()))
                    }
                    m => Some(m),
                })
                .collect();
            check(FILE, &members)
        };
        only(
            &with_pyproject(None),
            "demo_tool-1.0/pyproject.toml is missing",
        );
        only(
            &with_pyproject(Some("[project]\nname = \"x\"\n")),
            "demo_tool-1.0/pyproject.toml has no [build-system] build-backend",
        );
        only(
            &with_pyproject(Some("[build-system]\nbuild-backend = 3\n")),
            "build-backend is not a string",
        );
        only(
            &with_pyproject(Some("[build-system\n")),
            "demo_tool-1.0/pyproject.toml is not valid TOML",
        );
    }

    #[test]
    fn native_binaries_are_named() {
        let p = check(
            FILE,
            &good(TOP, vec![M::File("demo_tool-1.0/bin/demo", ELF)]),
        );
        only(
            &p,
            "demo_tool-1.0/bin/demo is a prebuilt ELF binary; an sdist carries sources",
        );
        assert!(
            p[0].contains("`sdist-exclude` in [tool.binwheel]"),
            "{p:#?}"
        );
        let macho = b"\xcf\xfa\xed\xfe\x0c\0\0\x01\0\0\0\0\x02\0\0\0";
        let p = check(FILE, &good(TOP, vec![M::File("demo_tool-1.0/demo", macho)]));
        only(&p, "is a prebuilt Mach-O binary");
        let mut pe = b"MZ\x90\0\x03\0\0\0".to_vec();
        pe.resize(256, 0);
        let pe: &'static [u8] = Box::leak(pe.into_boxed_slice());
        let p = check(
            FILE,
            &good(TOP, vec![M::File("demo_tool-1.0/demo.exe", pe)]),
        );
        only(
            &p,
            "demo_tool-1.0/demo.exe is a prebuilt PE (Windows) binary",
        );
    }

    #[test]
    fn broken_archives_are_one_problem() {
        let gz = gzip(&tar_bytes(&good(TOP, vec![])));
        let p = check_bytes(FILE, &gz[..gz.len() / 2]);
        only(&p, "the archive is truncated or corrupt");
        let p = check_bytes(FILE, &gz[..gz.len() - 4]);
        only(&p, "the archive is truncated or corrupt");
        let p = check_bytes(FILE, &gz[..12]);
        only(&p, "cannot read a tar archive from it");
        // The gzip stream is whole, the tar inside it is cut short.
        let tar = tar_bytes(&good(TOP, vec![]));
        let p = check_bytes(FILE, &gzip(&tar[..512 + 100]));
        only(&p, "the archive ends inside demo_tool-1.0/LICENSE");
        let p = check_bytes(FILE, &gzip(b"just some text"));
        only(&p, "cannot read a tar archive from it");
        let p = check_bytes(FILE, b"");
        only(&p, "the file is empty");
        let p = check_bytes(FILE, &tar);
        only(
            &p,
            "not gzip-compressed (it is an uncompressed tar archive)",
        );
        let p = check_bytes(FILE, b"PK\x03\x04rest");
        only(&p, "(it is a zip archive)");
        // Zero padding after the gzip stream is fine (Python's gzip skips it),
        // a second gzip member too; anything else is not.
        let mut padded = gz.clone();
        padded.extend_from_slice(&[0; 100]);
        assert_eq!(check_bytes(FILE, &padded), Vec::<String>::new());
        let mut two = gz.clone();
        two.extend_from_slice(&gzip(b""));
        assert_eq!(check_bytes(FILE, &two), Vec::<String>::new());
        let mut junk = gz.clone();
        junk.extend_from_slice(b"junk");
        only(
            &check_bytes(FILE, &junk),
            "the archive is truncated or corrupt",
        );
    }

    #[test]
    fn pax_and_gnu_names_and_caps() {
        // The tar crate's own builder writes GNU long names for long paths.
        let long = format!("{TOP}/{}/{}.txt", "d".repeat(120), "f".repeat(120));
        let mut builder = tar::Builder::new(Vec::new());
        for m in good(TOP, vec![]) {
            if let M::File(name, data) = m {
                let mut h = Header::new_gnu();
                h.set_size(data.len() as u64);
                h.set_mode(0o644);
                builder.append_data(&mut h, name, data).unwrap();
            }
        }
        let mut h = Header::new_gnu();
        h.set_size(2);
        h.set_mode(0o644);
        builder.append_data(&mut h, &long, &b"hi"[..]).unwrap();
        let tar = builder.into_inner().unwrap();
        assert!(tar.windows(13).any(|w| w == b"././@LongLink"));
        assert_eq!(check_bytes(FILE, &gzip(&tar)), Vec::<String>::new());

        // A pax `path` record is the name; a bad one is caught like any other.
        let pax_member = |records: &[u8], data: &[u8]| -> Vec<u8> {
            let mut out = Vec::new();
            let mut x = Header::new_ustar();
            x.set_entry_type(EntryType::XHeader);
            x.set_size(records.len() as u64);
            x.set_cksum();
            let mut b = tar::Builder::new(&mut out);
            b.append(&x, records).unwrap();
            let mut h = Header::new_ustar();
            h.set_path("placeholder").unwrap();
            h.set_size(data.len() as u64);
            h.set_cksum();
            b.append(&h, data).unwrap();
            b.into_inner().unwrap();
            out
        };
        let with = |extra: Vec<u8>| -> Vec<String> {
            let mut tar = tar_bytes(&good(TOP, vec![]));
            tar.truncate(tar.len() - 1024); // the end-of-archive blocks
            tar.extend(extra);
            tar.extend([0u8; 1024]);
            check_bytes(FILE, &gzip(&tar))
        };
        let record = |key: &str, value: &str| {
            let body = key.len() + value.len() + 3;
            let mut len = body + body.to_string().len();
            len = body + len.to_string().len();
            format!("{len} {key}={value}\n").into_bytes()
        };
        assert_eq!(
            with(pax_member(&record("path", "demo_tool-1.0/é.txt"), b"x")),
            Vec::<String>::new()
        );
        only(
            &with(pax_member(&record("path", "demo_tool-1.0/../../x"), b"x")),
            "demo_tool-1.0/../../x has a `..` component",
        );
        only(
            &with(pax_member(&record("path", "demo_tool-1.0/x"), ELF)),
            "demo_tool-1.0/x is a prebuilt ELF binary",
        );
        only(
            &with(pax_member(b"99 path=x\n", b"x")),
            "a pax header is malformed",
        );
        // A pax header larger than the cap is not read into memory.
        let huge = vec![b'a'; (MAX_EXTENSION + 10) as usize];
        only(
            &with(pax_member(&huge, b"x")),
            "a pax header after demo_tool-1.0/pyproject.toml is larger than 1 MiB",
        );
        // A header whose size runs past the end of the stream.
        let mut h = Header::new_ustar();
        h.set_path("demo_tool-1.0/big").unwrap();
        h.set_size(1 << 40);
        h.set_cksum();
        let mut tar = tar_bytes(&good(TOP, vec![]));
        tar.truncate(tar.len() - 1024);
        tar.extend_from_slice(h.as_bytes());
        tar.extend_from_slice(b"some data");
        only(
            &check_bytes(FILE, &gzip(&tar)),
            "the archive ends inside demo_tool-1.0/big",
        );
    }

    #[test]
    fn many_member_problems_are_capped() {
        let names: Vec<String> = (0..MAX_MEMBER_PROBLEMS + 5)
            .map(|i| format!("{TOP}/../x{i}"))
            .collect();
        let extra = names.iter().map(|n| M::File(n, b"x")).collect();
        let p = check(FILE, &good(TOP, extra));
        assert_eq!(p.len(), MAX_MEMBER_PROBLEMS + 1, "{p:#?}");
        assert_eq!(
            p.last().unwrap(),
            "… and 5 more problems with members, like those above"
        );
    }

    /// Cut and garbled archives: never a panic, and a cut one is a problem.
    #[test]
    fn fuzz_truncated_and_garbled() {
        let dir = tempfile::tempdir().unwrap();
        let good_path = binwheel_sdist(dir.path());
        let gz = std::fs::read(&good_path).unwrap();
        let file = good_path.file_name().unwrap().to_str().unwrap().to_string();
        let step = (gz.len() / 200).max(1);
        for cut in (0..gz.len()).step_by(step).chain(gz.len() - 9..gz.len()) {
            let p = check_bytes(&file, &gz[..cut]);
            assert!(!p.is_empty(), "cut at {cut} of {}", gz.len());
        }
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let tar = gunzip(&gz);
        for round in 0..300 {
            // Garble the compressed bytes, or the tar inside a valid gzip stream.
            let inner = round % 2 == 1;
            let mut bytes = if inner { tar.clone() } else { gz.clone() };
            for _ in 0..1 + next() % 4 {
                let at = (next() % bytes.len() as u64) as usize;
                bytes[at] = match next() % 3 {
                    0 => 0,
                    1 => 0xff,
                    _ => next() as u8,
                };
            }
            if inner {
                bytes = gzip(&bytes);
            }
            let _ = check_bytes(&file, &bytes);
        }
    }
}
