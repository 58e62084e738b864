//! Dynamic versions: `[project] dynamic = ["version"]` resolved from
//! `[tool.binwheel.version]`.
//!
//! Owns the version sources (a file, a file + regex, an environment
//! variable, the nearest git tag, the binary's own `--version`), their
//! normalisation to PEP 440, and the sdist rule: inside an unpacked sdist the
//! version is read back from PKG-INFO, so a wheel built from an sdist needs
//! no git and no environment variable. Beside the reader, [`SECTION`]
//! describes the table's keys for the reader's key list and the schema. It
//! knows nothing about archives.

use std::path::{Path, PathBuf};
use std::process::Command;

use pep440_rs::Version;
use regex::Regex;

use crate::error::{Error, Result};
use crate::keys::{finish, Absent, Key, Rule, Section, Text, Value};
use crate::toml::{Spanned, Table, TomlFile};

/// Where the version comes from.
#[derive(Debug, Clone)]
pub enum VersionSource {
    /// `file = "VERSION"`: the first non-empty line, or the first group of `pattern`.
    File {
        file: Spanned<String>,
        pattern: Option<Spanned<String>>,
    },
    /// `env = "SONA_VERSION"`.
    Env(Spanned<String>),
    /// `git-tag = true`: the nearest `vX.Y.Z` (or `X.Y.Z`) tag.
    GitTag(Spanned<bool>),
    /// `binary = ["--version"]` with `pattern`: run the host's prebuilt binary.
    Binary {
        args: Spanned<Vec<String>>,
        pattern: Spanned<String>,
    },
}

/// The keys that name a version source; exactly one is given.
const SOURCES: &[&str] = &["file", "env", "git-tag", "binary"];

/// `[tool.binwheel.version]`, described for the reader's key list and the schema.
pub static SECTION: Section = Section {
    path: "tool.binwheel.version",
    doc: "Where a dynamic version comes from: exactly one of file, env, git-tag, binary.",
    keys: &[
        Key {
            name: "file",
            value: Value::Str(Text::Any),
            default: Absent::Nothing,
            doc: "A file holding the version: its first non-empty line, or the first group of `pattern`.",
            details: "The path is relative to the project, e.g. `file = \"VERSION\"`, or `file = \"version.go\"` with `pattern = 'version = \"([^\"]+)\"'`.",
            sample: "\"VERSION\"",
        },
        Key {
            name: "pattern",
            value: Value::Str(Text::Any),
            default: Absent::Nothing,
            doc: "A regular expression whose first group captures the version (with `file` or `binary`).",
            details: "Its first match counts.",
            sample: "'([0-9]+\\.[0-9]+\\.[0-9]+)'",
        },
        Key {
            name: "env",
            value: Value::Str(Text::Any),
            default: Absent::Nothing,
            doc: "An environment variable holding the version.",
            details: "E.g. `env = \"SONA_VERSION\"`.",
            sample: "\"HELLO_VERSION\"",
        },
        Key {
            name: "git-tag",
            value: Value::True,
            default: Absent::Nothing,
            doc: "The nearest `vX.Y.Z` tag; commits after it give `X.Y.(Z+1).devN+g<hash>`.",
            details: "An `X.Y.Z` tag counts too; the git rule is below.",
            sample: "true",
        },
        Key {
            name: "binary",
            value: Value::List(Text::Any),
            default: Absent::Nothing,
            doc: "Arguments that make the first binary's host build print its version (with `pattern`).",
            details: "The first binary's prebuilt file for this machine runs with them, e.g. `binary = [\"--version\"]`, `pattern = 'hello (\\S+)'`.",
            sample: "[\"--version\"]",
        },
    ],
    rules: &[
        Rule::ExactlyOne(SOURCES),
        Rule::Needs("binary", &["pattern"]),
        Rule::Excludes("env", &["pattern"]),
        Rule::Excludes("git-tag", &["pattern"]),
    ],
};

impl VersionSource {
    /// Read `[tool.binwheel.version]`; an unknown key is reported whatever
    /// else is wrong.
    pub fn read(table: Table<'_>) -> Result<VersionSource> {
        let file = table.file();
        let source = Self::read_source(&table);
        if source.is_err() {
            table.skip(&SECTION.names());
        }
        finish(table, &SECTION);
        file.conclude(source)
    }

    fn read_source(table: &Table<'_>) -> Result<VersionSource> {
        let present: Vec<&str> = SOURCES
            .iter()
            .copied()
            .filter(|k| table.contains(k))
            .collect();
        let file_name = table.file();
        if present.is_empty() && table.has_unknown_close_to(SOURCES) {
            // `gti-tag = true`: the unknown key's "did you mean" says it all.
            return Err(Error::recorded());
        }
        if present.len() != 1 {
            let msg = if present.is_empty() {
                "[tool.binwheel.version] names no version source".to_string()
            } else {
                format!(
                    "[tool.binwheel.version] names {} version sources ({}); use exactly one",
                    present.len(),
                    present.join(", ")
                )
            };
            return Err(table.error(
                msg,
                Some("one of: file = \"VERSION\", env = \"MY_VERSION\", git-tag = true, binary = [\"--version\"]".into()),
            ));
        }
        let pattern = table.str("pattern")?;
        if let Some(p) = &pattern {
            compile(file_name, p)?;
        }
        let source = match present[0] {
            "file" => VersionSource::File {
                file: table.str("file")?.expect("present"),
                pattern,
            },
            "env" => {
                if let Some(p) = pattern {
                    return Err(file_name.error(
                        p.span,
                        "`pattern` applies to `file` and `binary`, not `env`",
                        None,
                    ));
                }
                VersionSource::Env(table.str("env")?.expect("present"))
            }
            "git-tag" => {
                let flag = table.bool("git-tag")?.expect("present");
                if !flag.value {
                    return Err(file_name.error(
                        flag.span,
                        "`git-tag = false` names no version source",
                        Some("remove it and name another source".into()),
                    ));
                }
                if let Some(p) = pattern {
                    return Err(file_name.error(
                        p.span,
                        "`pattern` applies to `file` and `binary`, not `git-tag`",
                        None,
                    ));
                }
                VersionSource::GitTag(flag)
            }
            _ => {
                let field = table.get("binary").expect("present");
                let args = field.as_string_list()?;
                let Some(pattern) = pattern else {
                    return Err(field.error(
                        "`binary` needs a `pattern` with one group that captures the version",
                        Some("e.g. binary = [\"--version\"], pattern = 'hello (\\S+)'".into()),
                    ));
                };
                VersionSource::Binary {
                    args: Spanned::new(args.into_iter().map(|a| a.value).collect(), field.span()),
                    pattern,
                }
            }
        };
        Ok(source)
    }

    /// Resolve the version. `host_binary` is the host's prebuilt binary, needed
    /// only by the `binary` source (the error explains when it is missing).
    pub fn resolve(
        &self,
        pyproject: &TomlFile,
        root: &Path,
        host_binary: Option<&Path>,
    ) -> Result<Version> {
        if let Some(v) = from_pkg_info(root)? {
            return Ok(v);
        }
        match self {
            VersionSource::File { file, pattern } => {
                from_file(pyproject, root, file, pattern.as_ref())
            }
            VersionSource::Env(var) => match std::env::var(&var.value) {
                Ok(value) if !value.trim().is_empty() => {
                    parse(&value, &format!("environment variable {}", var.value))
                }
                _ => Err(pyproject.error(
                    var.span.clone(),
                    format!(
                        "environment variable {} (the version source) is not set",
                        var.value
                    ),
                    Some(format!(
                        "set it, e.g. {}=1.2.3, or build from an sdist, which records the version",
                        var.value
                    )),
                )),
            },
            VersionSource::GitTag(flag) => git_version(root).map_err(|e| {
                pyproject.error(
                    flag.span.clone(),
                    format!("version from git tag: {e}"),
                    None,
                )
            }),
            VersionSource::Binary { args, pattern } => {
                from_binary(pyproject, host_binary, args, pattern)
            }
        }
    }
}

/// The version in a file: its first non-empty line, or what `pattern` captures.
fn from_file(
    pyproject: &TomlFile,
    root: &Path,
    file: &Spanned<String>,
    pattern: Option<&Spanned<String>>,
) -> Result<Version> {
    let path = root.join(&file.value);
    // Never open a pipe or device: reading one could block forever.
    if std::fs::metadata(&path).is_ok_and(|m| !m.is_file()) {
        return Err(pyproject.error(
            file.span.clone(),
            format!("version file {} is not a regular file", file.value),
            Some("point `file` at the file that holds the version".into()),
        ));
    }
    let text = std::fs::read_to_string(&path).map_err(|e| {
        pyproject.error(
            file.span.clone(),
            format!("version file {} cannot be read: {e}", file.value),
            Some("create it, or point `file` at the file that holds the version".into()),
        )
    })?;
    let raw = match pattern {
        Some(p) => capture(pyproject, p, &text, &format!("file {}", file.value))?,
        None => text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .ok_or_else(|| {
                pyproject.error(
                    file.span.clone(),
                    format!("version file {} is empty", file.value),
                    None,
                )
            })?
            .to_string(),
    };
    parse(&raw, &format!("version file {}", file.value))
}

/// The version a binary prints when run with `args` (stdout and stderr), as
/// `pattern` captures it.
fn from_binary(
    pyproject: &TomlFile,
    host_binary: Option<&Path>,
    args: &Spanned<Vec<String>>,
    pattern: &Spanned<String>,
) -> Result<Version> {
    let Some(binary) = host_binary else {
        return Err(pyproject.error(
                args.span.clone(),
                "the version comes from running the binary, but there is no prebuilt binary for this machine",
                Some("put the host's prebuilt file at the binary's `path`, or use another version source".into()),
            ));
    };
    let shown = binary.display();
    let output = Command::new(binary)
        .args(&args.value)
        .output()
        .map_err(|e| {
            pyproject.error(
                args.span.clone(),
                format!("cannot run {shown} to read the version: {e}"),
                None,
            )
        })?;
    if !output.status.success() {
        return Err(pyproject.error(
            args.span.clone(),
            format!(
                "{shown} {} failed ({}) while reading the version: {}",
                args.value.join(" "),
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ),
            None,
        ));
    }
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let raw = capture(pyproject, pattern, &text, &format!("the output of {shown}"))?;
    parse(&raw, &format!("the output of {shown}"))
}

/// Inside an unpacked sdist, PKG-INFO holds the version resolved when the sdist was made.
fn from_pkg_info(root: &Path) -> Result<Option<Version>> {
    let path: PathBuf = root.join("PKG-INFO");
    if !path.is_file() {
        return Ok(None); // absent, or a pipe that must not be opened
    }
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    for line in text.lines() {
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Version:") {
            return parse(v, "PKG-INFO").map(Some);
        }
    }
    Ok(None)
}

fn compile(file: &TomlFile, pattern: &Spanned<String>) -> Result<Regex> {
    let re = Regex::new(&pattern.value).map_err(|e| {
        file.error(
            pattern.span.clone(),
            format!("`pattern` is not a valid regular expression: {e}"),
            None,
        )
    })?;
    if re.captures_len() < 2 {
        return Err(file.error(
            pattern.span.clone(),
            "`pattern` needs one group `( … )` that captures the version",
            Some("e.g. pattern = 'version = \"([^\"]+)\"'".into()),
        ));
    }
    Ok(re)
}

fn capture(file: &TomlFile, pattern: &Spanned<String>, text: &str, what: &str) -> Result<String> {
    let re = compile(file, pattern)?;
    re.captures(text)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().trim().to_string())
        .ok_or_else(|| {
            file.error(
                pattern.span.clone(),
                format!("`pattern` matches nothing in {what}"),
                Some(format!(
                    "the text starts: {:?}",
                    text.chars().take(120).collect::<String>()
                )),
            )
        })
}

/// A PEP 440 version from `raw` (`v1.2.3` → `1.2.3`); errors name `origin`.
pub fn parse(raw: &str, origin: &str) -> Result<Version> {
    let trimmed = raw.trim();
    let bare = trimmed
        .strip_prefix('v')
        .or_else(|| trimmed.strip_prefix('V'))
        .unwrap_or(trimmed);
    bare.parse::<Version>().map_err(|e| {
        Error::new(format!(
            "the version {trimmed:?} from {origin} is not a PEP 440 version: {e}\n  help: versions look like 1.2.3, 1.2.3rc1 or 1.2.3.post1"
        ))
    })
}

/// The rule for `git-tag = true`:
/// - on a tag `vX.Y.Z` with a clean tree: `X.Y.Z`;
/// - N commits after it: `X.Y.(Z+1).devN+g<hash>` (the next patch's dev release,
///   so it sorts after the tag and before the next release);
/// - uncommitted changes add `.dirty` to the local part (`+dirty` on a tag).
fn git_version(root: &Path) -> std::result::Result<Version, String> {
    let output = Command::new("git")
        .args(["describe", "--tags", "--long", "--dirty", "--abbrev=7", "--match", "v[0-9]*", "--match", "[0-9]*"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git ({e}); install git, or build from an sdist, which records the version"))?;
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr).trim().to_string();
        let hint = if err.contains("No names found")
            || err.contains("cannot describe")
            || err.contains("No tags")
        {
            "the repository has no vX.Y.Z tag; create one with: git tag v0.1.0"
        } else if err.contains("not a git repository") {
            "this is not a git checkout; build from an sdist, which records the version"
        } else {
            "check that git works in the project directory"
        };
        return Err(format!("git describe failed: {err}\n  help: {hint}"));
    }
    describe_to_version(String::from_utf8_lossy(&output.stdout).trim())
}

/// `v1.2.3-4-gabc1234[-dirty]` → PEP 440 (see [`git_version`]).
fn describe_to_version(describe: &str) -> std::result::Result<Version, String> {
    let (rest, dirty) = match describe.strip_suffix("-dirty") {
        Some(r) => (r, true),
        None => (describe, false),
    };
    let mut parts = rest.rsplitn(3, '-');
    let hash = parts.next().unwrap_or_default();
    let distance: u64 = parts
        .next()
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| format!("unexpected git describe output {describe:?}"))?;
    let tag = parts
        .next()
        .ok_or_else(|| format!("unexpected git describe output {describe:?}"))?;
    let base = parse(tag, &format!("git tag {tag}")).map_err(|e| e.to_string())?;
    let text = if distance == 0 {
        if dirty {
            format!("{base}+dirty")
        } else {
            base.to_string()
        }
    } else {
        let mut release = base.release().to_vec();
        while release.len() < 3 {
            release.push(0);
        }
        let last = release.len() - 1;
        release[last] += 1;
        let next: Vec<String> = release.iter().map(u64::to_string).collect();
        format!(
            "{}.dev{distance}+{hash}{}",
            next.join("."),
            if dirty { ".dirty" } else { "" }
        )
    };
    text.parse::<Version>()
        .map_err(|e| format!("cannot form a version from {describe:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Result<VersionSource> {
        let file = TomlFile::parse(Path::new("pyproject.toml"), "pyproject.toml", text.into())?;
        let root = file.root();
        let v = root.table("version")?.expect("table");
        VersionSource::read(v)
    }

    fn file(text: &str) -> TomlFile {
        TomlFile::parse(Path::new("pyproject.toml"), "pyproject.toml", text.into()).unwrap()
    }

    #[test]
    fn normalizes_and_rejects() {
        assert_eq!(parse("v1.2.3\n", "x").unwrap().to_string(), "1.2.3");
        assert_eq!(parse("1.0.0-rc.1", "x").unwrap().to_string(), "1.0.0rc1");
        let err = parse("banana", "environment variable V").unwrap_err();
        assert!(
            err.message()
                .contains("\"banana\" from environment variable V is not a PEP 440 version"),
            "{err}"
        );
    }

    #[test]
    fn describe_rule() {
        assert_eq!(
            describe_to_version("v1.2.3-0-gabc1234")
                .unwrap()
                .to_string(),
            "1.2.3"
        );
        assert_eq!(
            describe_to_version("v1.2.3-0-gabc1234-dirty")
                .unwrap()
                .to_string(),
            "1.2.3+dirty"
        );
        assert_eq!(
            describe_to_version("v1.2.3-4-gabc1234")
                .unwrap()
                .to_string(),
            "1.2.4.dev4+gabc1234"
        );
        assert_eq!(
            describe_to_version("v1.2-4-gabc1234-dirty")
                .unwrap()
                .to_string(),
            "1.2.1.dev4+gabc1234.dirty"
        );
    }

    #[test]
    fn exactly_one_source() {
        let err = source("[version]\n").unwrap_err();
        assert!(err.message().contains("names no version source"), "{err}");
        let err = source("[version]\nfile = \"V\"\nenv = \"X\"\n").unwrap_err();
        assert!(
            err.message()
                .contains("names 2 version sources (file, env)"),
            "{err}"
        );
        let err = source("[version]\nbinary = [\"--version\"]\n").unwrap_err();
        assert!(err.message().contains("needs a `pattern`"), "{err}");
        let err = source("[version]\nfile = \"V\"\npattern = \"no group\"\n").unwrap_err();
        assert!(err.message().contains("needs one group"), "{err}");
        let err = source("[version]\nfile = \"V\"\npatern = \"(x)\"\n").unwrap_err();
        assert!(err.message().contains("did you mean `pattern`?"), "{err}");
    }

    #[test]
    fn file_sources() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("VERSION"), "\nv0.2.0\n").unwrap();
        std::fs::write(
            dir.path().join("version.go"),
            "package main\nvar version = \"1.4.0\"\n",
        )
        .unwrap();
        let f = file("");
        let plain = source("[version]\nfile = \"VERSION\"\n").unwrap();
        assert_eq!(
            plain.resolve(&f, dir.path(), None).unwrap().to_string(),
            "0.2.0"
        );
        let pat = source("[version]\nfile = \"version.go\"\npattern = 'version = \"([^\"]+)\"'\n")
            .unwrap();
        assert_eq!(
            pat.resolve(&f, dir.path(), None).unwrap().to_string(),
            "1.4.0"
        );
        let missing = source("[version]\nfile = \"NOPE\"\n").unwrap();
        let err = missing.resolve(&f, dir.path(), None).unwrap_err();
        assert!(
            err.message().contains("version file NOPE cannot be read"),
            "{err}"
        );
        // An unpacked sdist's PKG-INFO wins over every source.
        std::fs::write(
            dir.path().join("PKG-INFO"),
            "Metadata-Version: 2.2\nName: x\nVersion: 9.9.9\n\nbody",
        )
        .unwrap();
        assert_eq!(
            missing.resolve(&f, dir.path(), None).unwrap().to_string(),
            "9.9.9"
        );
    }

    #[test]
    fn env_source_missing() {
        let f = file("");
        let s = source("[version]\nenv = \"BINWHEEL_TEST_SURELY_UNSET_VERSION\"\n").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let err = s.resolve(&f, dir.path(), None).unwrap_err();
        assert!(err.message().contains("environment variable BINWHEEL_TEST_SURELY_UNSET_VERSION (the version source) is not set"), "{err}");
    }
}
