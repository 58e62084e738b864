//! The reports of `binwheel inspect`: facts and derived tags of executables
//! and of the binaries inside wheels, as text or as a stable JSON document.
//!
//! Owns the wording and layout of those reports; tags become text here. It
//! must not judge a wheel (that is `wheel`'s), and reads archives only
//! through `zip`.

use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};

use super::wheel::shipped_libraries;
use super::zip::{fill, Options, Zip};
use crate::error::Error;
use crate::inspect::{self, ElfFacts, Facts, Format, Kind, Linkage, MachoFacts, PeFacts};
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
                let Some(temp) = data.binary else { continue };
                members.push(match inspect::inspect_reader(temp) {
                    Ok(facts) => Report::binary(&e.name, facts, &policy),
                    Err(err) => Report::failed(&e.name, err.to_string()),
                });
            }
            files.push(InspectedFile::Wheel(shown, members));
        } else {
            let facts = inspect::inspect_file(path)?;
            let report = Report::binary(&shown, facts, &TagPolicy::default());
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
    for (key, value) in lines {
        let _ = writeln!(out, "{indent}  {key:<12}{value}");
    }
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
    }
    lines
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
        ("os", Json::str(f.os.name())),
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
