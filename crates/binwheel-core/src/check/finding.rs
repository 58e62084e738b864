//! The findings of `binwheel check`: a rule, a severity, the file it is
//! about, a message and a help line.
//!
//! Owns the one list of rules ([`RULES`]: a stable id such as `BW101`, a
//! kebab-case name, the default severity, and the text `docs/check.md`
//! shows) and the shape every rule reports in. It must not judge anything:
//! the rules live in `wheel`, `sdist`, `metadata` and the other check
//! modules, and report here.
//!
//! Id ranges, one per family, so a new rule never renumbers an old one:
//!
//! | range | family |
//! |---|---|
//! | BW0xx | the file itself (not a wheel or sdist, unreadable, upload size) |
//! | BW1xx | platform tags against the binaries |
//! | BW2xx | linkage: every shipped binary finds what it loads |
//! | BW3xx | Mach-O code signatures |
//! | BW4xx | SBOMs (PEP 770) |
//! | BW5xx | the wheel archive: names, RECORD, WHEEL, modes, compression |
//! | BW6xx | Core Metadata |
//! | BW7xx | sdists |

use crate::json::Json;

/// How much a finding matters. An error is something that makes the
/// distribution fail to install or run on a machine its tags admit, or that
/// PyPI rejects; a warning usually works or breaks only a rule installers
/// ignore; a note is a remark. `binwheel check` exits 1 only on an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// One rule of `binwheel check`: its stable id and name, its severity, and
/// the text of its entry in `docs/check.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rule {
    /// `BW101`: stable; never reused for another meaning.
    pub id: &'static str,
    /// `tag-glibc-floor`: stable, kebab-case; accepted wherever an id is.
    pub name: &'static str,
    pub severity: Severity,
    /// What the rule finds, for `docs/check.md`.
    pub summary: &'static str,
    /// How to fix what it finds, for `docs/check.md`.
    pub fix: &'static str,
}

macro_rules! rules {
    ($($konst:ident = $id:literal $name:literal $sev:ident, $summary:literal, $fix:literal;)*) => {
        $(
            #[doc = $summary]
            pub const $konst: Rule = Rule {
                id: $id,
                name: $name,
                severity: Severity::$sev,
                summary: $summary,
                fix: $fix,
            };
        )*
        /// Every rule, in id order.
        pub const RULES: &[Rule] = &[$($konst),*];
    };
}

// One line per rule, kept in id order. Each family adds its rules in its own
// range (see the module text).
rules! {
    NOT_A_DIST = "BW001" "not-a-dist" Error,
        "The file is neither a wheel (`.whl`) nor an sdist (`.tar.gz`).",
        "Pass wheels and sdists; `binwheel inspect` reads single executables.";
    UPLOAD_SIZE = "BW002" "upload-size" Note,
        "The file is over PyPI's default limit of 100 MiB per file.",
        "Strip debug information (Go: `-ldflags \"-s -w\"`; Rust: `strip = true`; C: `-s`), or ask PyPI to raise the project's limit.";
    LINKAGE_UNRESOLVED = "BW201" "linkage-unresolved" Error,
        "A binary or library in the wheel loads a library that the loader will not find once the wheel is installed: neither a library every target system has, nor a shipped file where the binary's search path (ELF RUNPATH/RPATH, Mach-O `@rpath`/`@loader_path`, the executable's directory on Windows) leads.",
        "Put the library where the binary looks (binwheel: `dir` on its `[[tool.binwheel.library]]`), or relink the binary; a binary's bytes are never rewritten.";
}

/// Looks a rule up by its id (`BW101`) or name (`tag-glibc-floor`), any case.
pub fn rule_named(text: &str) -> Option<Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.id.eq_ignore_ascii_case(text) || r.name.eq_ignore_ascii_case(text))
}

/// One thing `binwheel check` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    /// The rule's severity unless something (a strict setting) changed it.
    pub severity: Severity,
    /// The member of the distribution it is about (`sona/_bin/sona`), if any.
    pub file: Option<String>,
    /// What is wrong, in one sentence or two.
    pub message: String,
    /// How to fix it, if there is more to say than the rule's fix.
    pub help: Option<String>,
}

impl Finding {
    pub fn new(rule: Rule, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            severity: rule.severity,
            file: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn file(mut self, file: impl Into<String>) -> Finding {
        self.file = Some(file.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    /// `error[BW101 tag-glibc-floor] sona/_bin/sona: message` and, on the
    /// next line, `  help: ...`.
    pub fn render(&self) -> String {
        let mut out = format!(
            "{}[{} {}]",
            self.severity.as_str(),
            self.rule.id,
            self.rule.name
        );
        if let Some(file) = &self.file {
            out.push(' ');
            out.push_str(file);
            out.push(':');
        }
        out.push(' ');
        out.push_str(&self.message);
        if let Some(help) = &self.help {
            out.push_str("\n  help: ");
            out.push_str(help);
        }
        out
    }

    /// The finding as a JSON object (the shape `docs/check.schema.json`
    /// describes).
    pub fn to_json(&self) -> Json {
        Json::object([
            ("rule", Json::str(self.rule.id)),
            ("name", Json::str(self.rule.name)),
            ("severity", Json::str(self.severity.as_str())),
            ("file", Json::opt(self.file.as_deref())),
            ("message", Json::str(&self.message)),
            ("help", Json::opt(self.help.as_deref())),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn rule_ids_and_names_are_unique_well_formed_and_in_order() {
        let mut ids = HashSet::new();
        let mut names = HashSet::new();
        for pair in RULES.windows(2) {
            assert!(
                pair[0].id < pair[1].id,
                "{} before {}",
                pair[0].id,
                pair[1].id
            );
        }
        for r in RULES {
            assert!(ids.insert(r.id) && names.insert(r.name), "{} twice", r.id);
            assert!(r.id.len() == 5 && r.id.starts_with("BW"), "{}", r.id);
            assert!(r.id[2..].bytes().all(|b| b.is_ascii_digit()), "{}", r.id);
            assert!(
                r.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit()),
                "{}",
                r.name
            );
        }
    }

    #[test]
    fn a_finding_renders_its_rule_file_and_help() {
        let f = Finding::new(UPLOAD_SIZE, "big")
            .file("x.whl")
            .help("strip it");
        assert_eq!(
            f.render(),
            "note[BW002 upload-size] x.whl: big\n  help: strip it"
        );
        assert_eq!(rule_named("bw002"), Some(UPLOAD_SIZE));
        assert_eq!(rule_named("Upload-Size"), Some(UPLOAD_SIZE));
    }
}
