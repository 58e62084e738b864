//! The reports of `binwheel inspect`: facts and derived tags of executables
//! and of the binaries inside wheels, as text or as a stable JSON document.
//!
//! Owns the wording and layout of those reports; tags become text here. It
//! must not judge a wheel (that is `wheel`'s), and reads archives only
//! through `zip`.

use std::fmt::Write as _;
use std::fs::File;
use std::io::Seek as _;
use std::path::{Path, PathBuf};

use super::wheel::shipped_libraries;
use super::zip::{fill, Options, Zip};
use crate::error::Error;
use crate::inspect::{
    self, CodeSignature, ElfFacts, Embedded, Facts, Format, Kind, Linkage, MachoFacts, PeFacts,
    SignatureKind, SignatureStatus,
};
use crate::json::Json;
use crate::tags::{self, PlatformTag, TagPolicy};
use crate::target::Target;

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
                let Some(mut temp) = data.binary else {
                    continue;
                };
                let embedded = match temp.try_clone() {
                    Ok(copy) => inspect::embedded_reader(copy),
                    Err(_) => Vec::new(),
                };
                let _ = temp.rewind();
                members.push(match inspect::inspect_reader(temp) {
                    Ok(facts) => Report::binary(&e.name, facts, &policy).with(embedded),
                    Err(err) => Report::failed(&e.name, err.to_string()),
                });
            }
            files.push(InspectedFile::Wheel(shown, members));
        } else {
            let facts = inspect::inspect_file(path)?;
            let embedded = inspect::embedded_file(path)?;
            let report = Report::binary(&shown, facts, &TagPolicy::default()).with(embedded);
            files.push(InspectedFile::Binary(Box::new(report)));
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

// ---------------------------------------------------------------------------
// Reports

struct Report {
    name: String,
    facts: Option<Facts>,
    error: Option<String>,
    tags: Vec<PlatformTag>,
    tag_error: Option<String>,
    /// What the compiler embedded (Go build info, cargo-auditable), per slice.
    embedded: Vec<Embedded>,
}

enum InspectedFile {
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
            embedded: Vec::new(),
        }
    }

    fn with(self, embedded: Vec<Embedded>) -> Report {
        Report { embedded, ..self }
    }

    fn failed(name: &str, error: String) -> Report {
        Report {
            name: name.to_string(),
            facts: None,
            error: Some(error),
            tags: Vec::new(),
            tag_error: None,
            embedded: Vec::new(),
        }
    }
}

/// `linux`, `macos`, `windows`; for an ELF of another system its name
/// (`freebsd`).
fn os_name(f: &Facts) -> String {
    match f.elf.as_ref().and_then(|e| e.system.as_deref()) {
        Some(system) => system.to_ascii_lowercase(),
        None => f.os.name().to_string(),
    }
}

fn arch_name(facts: &Facts, arch: Option<crate::target::Arch>) -> Option<&'static str> {
    arch.map(|a| Target::new(facts.os, a).arch_name())
}

fn render_text(files: &[InspectedFile]) -> String {
    let mut out = String::new();
    for entry in files {
        match entry {
            InspectedFile::Binary(r) => text_report(&mut out, r, ""),
            InspectedFile::Wheel(path, members) => {
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
    let mut lines = Vec::new();
    lines.extend(f.elf.as_ref().map(elf_lines).unwrap_or_default());
    lines.extend(f.macho.as_ref().map(macho_lines).unwrap_or_default());
    lines.extend(f.pe.as_ref().map(pe_lines).unwrap_or_default());
    lines.push(match &r.tag_error {
        None => ("tags:".into(), tags::compressed(&r.tags)),
        Some(e) => (
            "tags:".into(),
            format!("none: {}", e.replace('\n', &format!("\n{indent}{:14}", ""))),
        ),
    });
    for slice in &r.embedded {
        lines.extend(embedded_lines(slice));
    }
    for (key, value) in lines {
        let _ = writeln!(out, "{indent}  {key:<12}{value}");
    }
}

/// The toolchain, main module and dependencies a binary (slice) carries.
fn embedded_lines(e: &Embedded) -> Lines {
    let mut lines: Lines = Vec::new();
    let of = e
        .slice
        .as_deref()
        .map(|s| format!(" ({s})"))
        .unwrap_or_default();
    if let Some(go) = &e.go {
        lines.push((format!("toolchain{of}:"), go.go_version.clone()));
        if let Some(m) = &go.main {
            lines.push(("main:".into(), go_module(m)));
        }
        for dep in &go.deps {
            lines.push(("dep:".into(), go_module(dep)));
        }
        for (key, value) in &go.settings {
            if matches!(
                key.as_str(),
                "GOOS" | "GOARCH" | "CGO_ENABLED" | "-trimpath"
            ) || key.starts_with("vcs.")
            {
                lines.push(("build:".into(), format!("{key}={value}")));
            }
        }
    }
    if let Some(cargo) = &e.cargo {
        let rustc = e
            .rustc
            .as_deref()
            .map_or("rustc (version not recorded)".to_string(), |v| {
                format!("rustc {v}")
            });
        lines.push((
            format!("toolchain{of}:"),
            format!("{rustc}, cargo auditable"),
        ));
        for p in &cargo.packages {
            let key = if p.root { "main:" } else { "crate:" };
            let build = if p.build_only { " (build)" } else { "" };
            lines.push((
                key.into(),
                format!("{} {} ({}){build}", p.name, p.version, p.source),
            ));
        }
    }
    for problem in &e.problems {
        lines.push((format!("unreadable{of}:"), problem.clone()));
    }
    lines
}

fn go_module(m: &inspect::gobuildinfo::GoModule) -> String {
    let mut text = format!("{} {}", m.path, m.version);
    if !m.sum.is_empty() {
        text = format!("{text} {}", m.sum);
    }
    if let Some(r) = &m.replace {
        text = format!("{text} => {}", go_module(r));
    }
    text.trim_end().to_string()
}

fn json_embedded(e: &Embedded) -> Json {
    fn module(m: &inspect::gobuildinfo::GoModule) -> Json {
        Json::object([
            ("path", Json::str(&m.path)),
            ("version", Json::str(&m.version)),
            (
                "sum",
                Json::opt(Some(m.sum.as_str()).filter(|s| !s.is_empty())),
            ),
            ("replace", m.replace.as_deref().map_or(Json::Null, module)),
        ])
    }
    let go = e.go.as_ref().map_or(Json::Null, |go| {
        Json::object([
            ("version", Json::str(&go.go_version)),
            ("path", Json::str(&go.path)),
            ("main", go.main.as_ref().map_or(Json::Null, module)),
            ("deps", Json::Array(go.deps.iter().map(module).collect())),
            (
                "settings",
                Json::Object(
                    go.settings
                        .iter()
                        .map(|(k, v)| (k.clone(), Json::str(v)))
                        .collect(),
                ),
            ),
        ])
    });
    let cargo = e.cargo.as_ref().map_or(Json::Null, |c| {
        Json::Array(
            c.packages
                .iter()
                .map(|p| {
                    Json::object([
                        ("name", Json::str(&p.name)),
                        ("version", Json::str(&p.version)),
                        ("source", Json::str(&p.source)),
                        (
                            "kind",
                            Json::str(if p.build_only { "build" } else { "runtime" }),
                        ),
                        ("root", Json::Bool(p.root)),
                        (
                            "dependencies",
                            Json::Array(
                                p.dependencies
                                    .iter()
                                    .map(|&d| Json::Int(d as i64))
                                    .collect(),
                            ),
                        ),
                    ])
                })
                .collect(),
        )
    });
    Json::object([
        ("slice", Json::opt(e.slice.as_deref())),
        ("go", go),
        ("cargo", cargo),
        ("rustc", Json::opt(e.rustc.as_deref())),
        ("problems", Json::strings(&e.problems)),
    ])
}

/// A report's lines after the first: (key, value).
type Lines = Vec<(String, String)>;

fn elf_lines(elf: &ElfFacts) -> Lines {
    let mut lines: Lines = Vec::new();
    let mut line = |key: &str, value: String| lines.push((key.to_string(), value));
    line(
        "linkage:",
        match (elf.linkage, elf.libc) {
            (Linkage::Static, _) => "static (no PT_INTERP, no DT_NEEDED)".into(),
            (Linkage::Dynamic, libc) => format!(
                "dynamic, {}{}",
                libc.map_or("unknown", |l| l.name()),
                elf.libc_evidence
                    .as_ref()
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default()
            ),
        },
    );
    if let Some(system) = &elf.system {
        line(
            "system:",
            format!("{system} (binwheel builds no wheels for it)"),
        );
    }
    if !elf.needed.is_empty() {
        line("needed:", elf.needed.join(", "));
    }
    if let Some(rp) = &elf.runpath {
        let kind = if elf.rpath_inherited {
            "rpath:"
        } else {
            "runpath:"
        };
        line(kind, rp.clone());
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
    lines
}

fn macho_lines(m: &MachoFacts) -> Lines {
    let mut lines: Lines = Vec::new();
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
        lines.push((
            format!("{}:", s.cpu),
            format!("{}-bit {}, {min}{sdk}", s.bits, s.kind.name()),
        ));
        if !s.dylibs.is_empty() {
            lines.push(("  dylibs:".into(), s.dylibs.join(", ")));
        }
        if !s.rpaths.is_empty() {
            lines.push(("  rpaths:".into(), s.rpaths.join(", ")));
        }
        lines.push(("  codesign:".into(), codesign_text(s.signature.as_ref())));
    }
    lines
}

/// "ad hoc (linker-signed), sha256, 13 pages of 4096 bytes verified".
fn codesign_text(sig: Option<&CodeSignature>) -> String {
    let Some(sig) = sig else {
        return "none (no LC_CODE_SIGNATURE)".into();
    };
    let linker = if sig.linker_signed() {
        " (linker-signed)"
    } else {
        ""
    };
    let head = format!("{}{linker}, {}", sig.kind.describe(), sig.hash.name());
    match &sig.status {
        SignatureStatus::Verified { pages } => format!(
            "{head}, {pages} page{} of {} bytes verified",
            if *pages == 1 { "" } else { "s" },
            sig.page_size
        ),
        SignatureStatus::Mismatch { page, offset } => {
            format!("{head}, MISMATCH: page {page} (bytes {offset}..) was modified after signing")
        }
        SignatureStatus::Invalid(why) => format!("{head}, INVALID: {why}"),
        SignatureStatus::Unchecked(why) => format!("{head}, not verified: {why}"),
    }
}

/// The `signature` object of a slice in `inspect --json`.
fn codesign_json(sig: Option<&CodeSignature>) -> Json {
    let Some(sig) = sig else {
        return Json::Null;
    };
    let (kind, team) = match &sig.kind {
        SignatureKind::AdHoc => ("adhoc", None),
        SignatureKind::TeamId(t) => ("team-id", Some(t.as_str())),
        SignatureKind::Certificate => ("certificate", None),
    };
    let (status, pages, bad_page, detail) = match &sig.status {
        SignatureStatus::Verified { pages } => ("verified", Some(*pages), None, None),
        SignatureStatus::Mismatch { page, .. } => ("mismatch", None, Some(*page), None),
        SignatureStatus::Invalid(why) => ("invalid", None, None, Some(why.as_str())),
        SignatureStatus::Unchecked(why) => ("unchecked", None, None, Some(why.as_str())),
    };
    let int = |n: Option<u64>| n.map_or(Json::Null, |n| Json::Int(n as i64));
    let hashes: Vec<String> = sig.hashes.iter().map(|h| h.name()).collect();
    Json::object([
        ("kind", Json::str(kind)),
        ("team_id", Json::opt(team)),
        ("identifier", Json::opt(sig.identifier.as_deref())),
        ("linker_signed", Json::Bool(sig.linker_signed())),
        ("hash", Json::str(&sig.hash.name())),
        ("hashes", Json::strings(&hashes)),
        ("page_size", int(Some(sig.page_size))),
        ("code_limit", int(Some(sig.code_limit))),
        ("status", Json::str(status)),
        ("pages", int(pages)),
        ("first_bad_page", int(bad_page)),
        ("detail", Json::opt(detail)),
    ])
}

fn pe_lines(pe: &PeFacts) -> Lines {
    let mut lines: Lines = vec![("subsystem:".into(), pe.subsystem_name.clone())];
    if !pe.imports.is_empty() {
        lines.push(("imports:".into(), pe.imports.join(", ")));
    }
    lines
}

fn json_facts(f: &Facts) -> Json {
    let kind = |k: Kind| Json::str(k.name());
    let elf = f.elf.as_ref().map_or(Json::Null, |e| {
        let versions = e
            .versions
            .iter()
            .map(|(lib, v)| Json::object([("library", Json::str(lib)), ("version", Json::str(v))]))
            .collect();
        Json::object([
            (
                "linkage",
                Json::str(match e.linkage {
                    Linkage::Static => "static",
                    Linkage::Dynamic => "dynamic",
                }),
            ),
            ("libc", Json::opt(e.libc.map(|l| l.name()))),
            ("libc_evidence", Json::opt(e.libc_evidence.as_deref())),
            ("system", Json::opt(e.system.as_deref())),
            ("interpreter", Json::opt(e.interpreter.as_deref())),
            ("needed", Json::strings(&e.needed)),
            ("runpath", Json::opt(e.runpath.as_deref())),
            ("glibc", Json::opt(e.glibc.map(|v| v.short()).as_deref())),
            ("versions", Json::Array(versions)),
            (
                "arm_hard_float",
                e.arm_hard_float.map_or(Json::Null, Json::Bool),
            ),
        ])
    });
    let macho = f.macho.as_ref().map_or(Json::Null, |m| {
        let slices = m
            .slices
            .iter()
            .map(|s| {
                Json::object([
                    ("arch", Json::opt(arch_name(f, s.arch))),
                    ("cpu", Json::str(&s.cpu)),
                    ("bits", Json::Int(s.bits.into())),
                    ("kind", kind(s.kind)),
                    ("platform", Json::opt(s.platform.map(|p| p.name()))),
                    ("minos", Json::opt(s.minos.map(|v| v.short()).as_deref())),
                    ("sdk", Json::opt(s.sdk.map(|v| v.short()).as_deref())),
                    ("minos_source", Json::opt(s.minos_source)),
                    ("dylibs", Json::strings(&s.dylibs)),
                    ("rpaths", Json::strings(&s.rpaths)),
                    ("signature", codesign_json(s.signature.as_ref())),
                ])
            })
            .collect();
        Json::object([("fat", Json::Bool(m.fat)), ("slices", Json::Array(slices))])
    });
    let pe = f.pe.as_ref().map_or(Json::Null, |p| {
        Json::object([
            ("machine", Json::str(&format!("{:#06x}", p.machine))),
            ("subsystem", Json::str(&p.subsystem_name)),
            ("imports", Json::strings(&p.imports)),
        ])
    });
    Json::object([
        (
            "format",
            Json::str(match f.format {
                Format::Elf => "elf",
                Format::MachO => "macho",
                Format::Pe => "pe",
            }),
        ),
        ("os", Json::str(&os_name(f))),
        ("arch", Json::opt(arch_name(f, f.arch))),
        ("machine", Json::str(&f.machine)),
        ("bits", Json::Int(f.bits.into())),
        (
            "endian",
            Json::str(match f.endian {
                inspect::Endian::Little => "little",
                inspect::Endian::Big => "big",
            }),
        ),
        ("kind", kind(f.kind)),
        ("elf", elf),
        ("macho", macho),
        ("pe", pe),
    ])
}

/// A binary's report: its name under `key`, then what was read from it.
fn json_report(r: &Report, key: &str) -> Vec<(String, Json)> {
    vec![
        (key.to_string(), Json::str(&r.name)),
        (
            "facts".into(),
            r.facts.as_ref().map_or(Json::Null, json_facts),
        ),
        ("error".into(), Json::opt(r.error.as_deref())),
        (
            "tags".into(),
            Json::strings(
                &r.tags
                    .iter()
                    .map(PlatformTag::to_string)
                    .collect::<Vec<_>>(),
            ),
        ),
        ("tag_error".into(), Json::opt(r.tag_error.as_deref())),
        (
            "embedded".into(),
            Json::Array(
                r.embedded
                    .iter()
                    .filter(|e| !e.is_empty() || !e.problems.is_empty())
                    .map(json_embedded)
                    .collect(),
            ),
        ),
    ]
}

fn render_json(files: &[InspectedFile]) -> String {
    let items = files
        .iter()
        .map(|e| match e {
            InspectedFile::Binary(r) => {
                let mut fields = vec![("type".to_string(), Json::str("binary"))];
                fields.extend(json_report(r, "path"));
                Json::Object(fields)
            }
            InspectedFile::Wheel(path, members) => Json::object([
                ("type", Json::str("wheel")),
                ("path", Json::str(path)),
                (
                    "binaries",
                    Json::Array(
                        members
                            .iter()
                            .map(|r| Json::Object(json_report(r, "member")))
                            .collect(),
                    ),
                ),
            ]),
        })
        .collect();
    let document = Json::object([
        ("binwheel", Json::str(crate::VERSION)),
        ("files", Json::Array(items)),
    ]);
    format!("{}\n", document.compact())
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_escapes() {
        assert_eq!(
            crate::toml::quote("a\"b\\c\nd\u{1}"),
            "\"a\\\"b\\\\c\\nd\\u0001\""
        );
    }
}
