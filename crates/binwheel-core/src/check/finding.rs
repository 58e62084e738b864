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
    WHEEL_FILE_NAME = "BW003" "wheel-file-name" Error,
        "The wheel's file name is not `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`.",
        "Let the build backend name the file; do not rename wheels by hand.";
    UNREADABLE = "BW004" "unreadable" Error,
        "The wheel cannot be opened, or it is not a zip archive binwheel can read to the end.",
        "Build the wheel again; a truncated download or a damaged archive looks like this.";
    BINARY_UNREADABLE = "BW010" "binary-unreadable" Error,
        "A member starts like an ELF, Mach-O or PE binary, but its headers are truncated or malformed.",
        "Ship the binary as the linker wrote it; a truncated copy or a corrupt build looks like this.";
    NOT_EXECUTABLE = "BW011" "not-executable" Error,
        "A program the wheel presents as runnable (in `_bin/` or `.data/scripts/`) has no execute bits in the archive, so installers install it unable to run.",
        "Give the file mode 0755 in the archive (binwheel does this for every binary it packs).";
    RUNNABLE_DATA = "BW012" "runnable-data" Note,
        "An executable sits under a `bin/` directory without execute bits, so the wheel ships it as data: did you mean to make it runnable?",
        "Give it mode 0755 (and a console script), or ignore the rule for that file if it is data on purpose.";
    BINARY_DATA = "BW013" "binary-data" Note,
        "Binaries the wheel ships as data (relocatable objects, test data, files for other platforms): not judged against the wheel's tags.",
        "Nothing to fix; a file becomes a program to judge when it has execute bits, is in `.data/scripts/`, a `_bin/` or `*.libs` directory, or another shipped binary links it.";
    TAG_GLIBC_FLOOR = "BW101" "tag-glibc-floor" Error,
        "A binary needs a newer glibc (or libstdc++/libgcc) than the wheel's manylinux tag promises.",
        "Raise the tag to the glibc the message names (binwheel derives it when no tag is pinned), or build against an older glibc (zig cc, an older manylinux image).";
    TAG_LIBC = "BW102" "tag-libc" Error,
        "A binary is linked against another C library than the tag's: glibc in a musllinux wheel, musl in a manylinux wheel, or a loader that is neither.",
        "Tag the wheel for the C library the binary uses (the message names the evidence), or link the binary statically.";
    TAG_PLATFORM = "BW103" "tag-platform" Error,
        "A binary is for another operating system or architecture than the wheel's tag.",
        "Put the binary for each platform in the wheel tagged for that platform.";
    TAG_MACOS_FLOOR = "BW104" "tag-macos-floor" Error,
        "A Mach-O slice needs a newer macOS than the wheel's tag promises.",
        "Raise the tag to the macOS the message names, or build with an older `MACOSX_DEPLOYMENT_TARGET`.";
    TAG_MACOS_SLICE = "BW105" "tag-macos-slice" Error,
        "A Mach-O lacks a slice the tag needs, is built for another Apple OS, or records no minimum macOS.",
        "Build the missing slice (`lipo -create` joins thin binaries into a universal2 one), or tag the wheel for the slices it has.";
    TAG_ROSETTA = "BW106" "tag-rosetta" Warning,
        "An x86_64-only Mach-O in an arm64-tagged wheel: it runs on Apple Silicon only through Rosetta 2, which not every Mac has installed.",
        "Build an arm64 (or universal2) binary for the arm64 wheel.";
    TAG_NEVER_INSTALLED = "BW107" "tag-never-installed" Error,
        "No installer ever picks the tag (below pip's oldest manylinux, an arm64 macOS tag before 11, a macOS 11+ tag with a minor version).",
        "Use the tag the message names.";
    TAG_UNKNOWN = "BW108" "tag-unknown" Error,
        "The platform tag names a platform that does not exist or that binwheel cannot check (glibc 3, macOS 16, an unknown architecture, text that is no tag).",
        "Use a real platform tag; `binwheel inspect` shows the tags that are true for a binary.";
    TAG_PYPI = "BW109" "tag-pypi" Error,
        "PyPI does not accept the platform tag: the upload fails.",
        "Use a tag PyPI accepts (manylinux, musllinux, macosx, win); plain `linux_x86_64` is refused.";
    TAG_LIBRARY_POLICY = "BW110" "tag-library-policy" Error,
        "A binary needs a library that a manylinux or musllinux system, or macOS, need not have.",
        "Link the library statically, or ship it in the wheel (then `binwheel check` accepts it; when building, name it in `allow-libraries`).";
    TAG_WINDOWS_RUNTIME = "BW111" "tag-windows-runtime" Error,
        "A Windows binary imports a runtime DLL that a clean Windows lacks: the debug C runtime, a MinGW runtime, or a Visual C++ runtime other than `VCRUNTIME140.dll` and `VCRUNTIME140_1.dll` (`MSVCP140.dll`, `VCOMP140.dll`, older `MSVCR*.dll`).",
        "Build in release mode, link the runtime statically (MSVC: `/MT`; MinGW: `-static`), or ship the DLL in the wheel.";
    TAG_VCRUNTIME = "BW112" "tag-vcruntime" Warning,
        "A Windows binary imports `VCRUNTIME140.dll` or `VCRUNTIME140_1.dll` (most Rust and C++ MSVC builds). Windows does not ship them, but CPython installs both beside `python.exe`, so the program usually runs.",
        "Link the C runtime statically (Rust: `-C target-feature=+crt-static`; MSVC: `/MT`), or ship the DLL in the wheel.";
    TAG_WINDOWS_SUBSYSTEM = "BW113" "tag-windows-subsystem" Error,
        "A Windows executable is for a subsystem other than console or GUI (an EFI application, a driver), so Windows does not run it.",
        "Link it as a console (`/SUBSYSTEM:CONSOLE`) or GUI program.";
    LINKAGE_UNRESOLVED = "BW201" "linkage-unresolved" Error,
        "A binary or library in the wheel loads a library that the loader will not find once the wheel is installed: neither a library every target system has, nor a shipped file where the binary's search path (ELF RUNPATH/RPATH, Mach-O `@rpath`/`@loader_path`, the executable's directory on Windows) leads.",
        "Put the library where the binary looks (binwheel: `dir` on its `[[tool.binwheel.library]]`), or relink the binary; a binary's bytes are never rewritten.";
    MACHO_ARM64_UNSIGNED = "BW301" "macho-arm64-unsigned" Error,
        "An arm64 Mach-O slice (executable, dylib or bundle) has no code signature (no `LC_CODE_SIGNATURE`). macOS on Apple Silicon kills unsigned arm64 code at launch.",
        "Sign it: `codesign -s - -f FILE` (ad hoc) or with a Developer ID. Go and zig sign when they link; something (a patcher, an old `strip`) removed the signature afterwards.";
    MACHO_SIGNATURE_MISMATCH = "BW302" "macho-signature-mismatch" Error,
        "A Mach-O slice was modified after signing: a page no longer matches its CodeDirectory hash, or the signature is structurally broken. macOS kills the binary at launch.",
        "Re-sign it after the last change: `codesign -s - -f FILE` (or with a Developer ID). Tools that edit a binary (`strip`, `install_name_tool`, patchers) must run before signing.";
    MACHO_SIGNATURE_UNCHECKED = "BW303" "macho-signature-unchecked" Note,
        "A Mach-O slice is signed, but binwheel cannot verify the signature (a hash type it does not know, or a CodeDirectory larger than it reads).",
        "Verify it on a Mac: `codesign --verify --verbose FILE`.";
    SBOM_MISSING = "BW401" "sbom-missing" Note,
        "A binary carries build info (Go modules, a cargo-auditable crate list), but the wheel has no SBOM in `.dist-info/sboms/` (PEP 770).",
        "Build the wheel with a binwheel that writes SBOMs (`<binary>.cdx.json`, from that build info), or ship your own with `sbom-files`.";
    SBOM_INVALID = "BW402" "sbom-invalid" Error,
        "A `.json` file in `.dist-info/sboms/` is not valid JSON.",
        "Fix or regenerate the SBOM document; scanners skip or reject a broken one.";
    DUPLICATE_NAME = "BW501" "duplicate-name" Error,
        "A name appears more than once in the archive; installers disagree on which copy wins.",
        "Write each member once.";
    DIST_INFO = "BW502" "dist-info" Error,
        "The wheel has no `.dist-info` directory, several, or one not named like the file.",
        "Exactly one `{name}-{version}.dist-info`, spelled as in the file name.";
    COMPRESSION = "BW503" "compression" Error,
        "A member is compressed with a method other than stored (0) or deflate (8), which PyPI refuses.",
        "Write members stored or deflated.";
    ENCRYPTED = "BW504" "encrypted" Error,
        "A member is encrypted; no installer can read it.",
        "Do not encrypt wheel members.";
    MODE_FILE_TYPE = "BW505" "mode-file-type" Error,
        "An executable member's mode lacks the regular-file type bits (S_IFREG), so some unzip tools and installers do not see a regular executable file.",
        "Write the mode as 0o100755, not 0o755.";
    METADATA_FILE = "BW506" "metadata-file" Error,
        "`WHEEL`, `METADATA` or `RECORD` is missing from the `.dist-info` directory, or cannot be read.",
        "Let the build backend write the `.dist-info` directory.";
    MEMBER_UNREADABLE = "BW507" "member-unreadable" Error,
        "A member cannot be read: its local header disagrees with the central directory, its size or CRC-32 is wrong, or it does not decompress.",
        "Build the wheel again; do not edit wheels with tools that rewrite only part of the archive.";
    WHEEL_TAGS = "BW508" "wheel-tags" Error,
        "`WHEEL`'s `Tag` lines are not the tags of the file name.",
        "Write one `Tag:` line for each tag the file name expands to.";
    COMPRESSED_TAG_LINE = "BW509" "compressed-tag-line" Warning,
        "`WHEEL` writes a compressed tag set (`py3-none-a.b`) on one `Tag:` line; the spec wants one line per tag, but pip ignores `WHEEL`'s `Tag` lines.",
        "Write one `Tag:` line per expanded tag (newer maturin does).";
    RECORD_EXTRA = "BW510" "record-extra" Error,
        "`RECORD` lists a file that is not in the archive.",
        "Let the build backend write `RECORD` after the archive's members.";
    RECORD_DUPLICATE = "BW511" "record-duplicate" Error,
        "`RECORD` lists a path twice.",
        "One row per member.";
    RECORD_UNLISTED = "BW512" "record-unlisted" Error,
        "A member is not listed in `RECORD`, so installers cannot verify or uninstall it.",
        "List every member except `RECORD` itself (and its signatures).";
    RECORD_HASH_ALGORITHM = "BW513" "record-hash-algorithm" Error,
        "A `RECORD` hash is not `sha256=`, `sha384=` or `sha512=` with urlsafe base64.",
        "Hash with sha256 and write `sha256=<urlsafe base64, no padding>`.";
    RECORD_HASH = "BW514" "record-hash" Error,
        "A member's bytes do not hash to what `RECORD` says; pip refuses to install the wheel.",
        "Rewrite `RECORD` after the last change to the wheel.";
    RECORD_SIZE = "BW515" "record-size" Error,
        "A member's size is not what `RECORD` says.",
        "Rewrite `RECORD` after the last change to the wheel.";
    RECORD_SELF = "BW516" "record-self" Error,
        "`RECORD`'s own row has a hash or size; it must leave both empty.",
        "Write `{name}.dist-info/RECORD,,`.";
    METADATA_NAME = "BW601" "metadata-name" Error,
        "Core Metadata has no `Name`, or one that is not the file name's.",
        "Build the distribution again from one `[project] name`.";
    METADATA_VERSION = "BW602" "metadata-version" Error,
        "Core Metadata has no `Version`, or one that is not the file name's.",
        "Build the distribution again from one version.";
    METADATA_VERSION_FLOOR = "BW603" "metadata-version-floor" Error,
        "An sdist's `PKG-INFO` has no `Metadata-Version`, an invalid one, or one below 2.2 (PEP 643).",
        "Build the sdist with a current PEP 517 backend.";
    METADATA_DYNAMIC = "BW604" "metadata-dynamic" Error,
        "`PKG-INFO` marks `Name`, `Version` or `Metadata-Version` as `Dynamic`, which PEP 643 forbids.",
        "Write the field's value instead.";
    SDIST_FILE_NAME = "BW701" "sdist-file-name" Error,
        "The sdist's file name is not `{name}-{version}.tar.gz` spelled as PEP 625 asks; PyPI rejects it.",
        "Rename it as the message says, or let a current backend name it.";
    SDIST_UNREADABLE = "BW702" "sdist-unreadable" Error,
        "The sdist is not a gzip-compressed tar archive that reads to its end.",
        "Build the sdist again.";
    SDIST_UNSAFE_MEMBER = "BW703" "sdist-unsafe-member" Error,
        "A member could land outside the sdist's directory when unpacked (absolute path, `..`, a link that leaves the tree) or is no regular file, directory or link (a device, a FIFO).",
        "Rebuild the sdist with a PEP 517 backend from a clean tree.";
    SDIST_DUPLICATE_MEMBER = "BW704" "sdist-duplicate-member" Error,
        "A path appears more than once in the sdist; unpacking keeps only the last.",
        "Write each member once.";
    SDIST_LAYOUT = "BW705" "sdist-layout" Error,
        "The sdist's members are not all under one top-level `{name}-{version}/` directory named like the file.",
        "Let the build backend lay out the sdist.";
    SDIST_PKG_INFO = "BW706" "sdist-pkg-info" Error,
        "The sdist's `PKG-INFO` is missing, not UTF-8 or too large.",
        "Build the sdist with a PEP 517 backend, which writes `PKG-INFO`.";
    SDIST_LICENSE_FILE = "BW707" "sdist-license-file" Error,
        "`PKG-INFO` lists a `License-File` that is not in the sdist; PyPI rejects the upload.",
        "Include the file (binwheel includes every `license-files` match) or drop it from `license-files`.";
    SDIST_PYPROJECT = "BW708" "sdist-pyproject" Error,
        "The sdist's `pyproject.toml` is missing, not valid TOML, or names no `[build-system] build-backend`.",
        "Ship `pyproject.toml` with `build-backend = \"binwheel\"` (or your backend).";
    SDIST_BINARY = "BW709" "sdist-binary" Error,
        "The sdist holds a prebuilt native binary; an sdist carries sources.",
        "Leave it out (`sdist-exclude` in `[tool.binwheel]`).";
    SDIST_PREBUILT_ONLY = "BW710" "sdist-prebuilt-only" Warning,
        "A binary or library of the sdist's `[tool.binwheel]` has only a prebuilt `path` for some targets; prebuilt files never go into an sdist, so no wheel can be built from it for those targets.",
        "Give it a `url` + `sha256` (or `archive` + `member`) pinned for those targets, or a `build` command; `binwheel pin` fills in hashes.";
}

/// Looks a rule up by its id (`BW101`) or name (`tag-glibc-floor`), any case.
pub fn rule_named(text: &str) -> Option<Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.id.eq_ignore_ascii_case(text) || r.name.eq_ignore_ascii_case(text))
}

/// The families of rules, by the first digit of their number.
const FAMILIES: [(&str, &str); 8] = [
    ("BW0", "The file and its binaries"),
    ("BW1", "Platform tags"),
    ("BW2", "Linkage"),
    ("BW3", "Mach-O code signatures"),
    ("BW4", "SBOMs"),
    ("BW5", "The wheel archive: names, RECORD, WHEEL"),
    ("BW6", "Core Metadata"),
    ("BW7", "sdists"),
];

/// The rules part of `docs/check.md`: per family, each rule's id, name,
/// severity, what it finds and how to fix it.
pub fn rules_markdown() -> String {
    let mut out = String::new();
    for (prefix, title) in FAMILIES {
        let family: Vec<&Rule> = RULES.iter().filter(|r| r.id.starts_with(prefix)).collect();
        if family.is_empty() {
            continue;
        }
        out.push_str(&format!("### {prefix}xx: {title}\n\n"));
        out.push_str("| rule | severity | what it finds | how to fix it |\n|---|---|---|---|\n");
        for r in family {
            out.push_str(&format!(
                "| <a id=\"{}\"></a>`{}` `{}` | {} | {} | {} |\n",
                r.id.to_ascii_lowercase(),
                r.id,
                r.name,
                r.severity.as_str(),
                r.summary.replace('|', "\\|"),
                r.fix.replace('|', "\\|")
            ));
        }
        out.push('\n');
    }
    out
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
    /// next line, `  help: ...`. A message that starts with the file's name
    /// already is not prefixed with it again.
    pub fn render(&self) -> String {
        let mut out = format!(
            "{}[{} {}]",
            self.severity.as_str(),
            self.rule.id,
            self.rule.name
        );
        if let Some(file) = self.file.as_ref().filter(|f| !self.message.starts_with(*f)) {
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
