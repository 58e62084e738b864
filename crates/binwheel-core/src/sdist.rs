//! Project → sdist plan: which files of the source tree go into the `.tar.gz`.
//!
//! Owns the selection: the tree minus VCS-ignored files (git's rules, read by
//! the `ignore` crate), minus what is never source (VCS directories, bytecode,
//! virtual environments, the output directory) and every prebuilt binary
//! path, plus `sdist-include`, minus `sdist-exclude`; plus, whatever the
//! ignore files say, what a wheel build needs (`pyproject.toml`, the readme,
//! license files, the Python package) and a generated `PKG-INFO`. Symlinks to
//! files inside the project become copies. It does not write bytes (that is
//! `write::tar`) and reads settings only through [`Project`].

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fs::{FileType, Metadata as FsMetadata};
use std::path::{Component, Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};
use ignore::WalkBuilder;

use crate::error::{Error, Result};
use crate::project::{PackageSource, Project, PYPROJECT};
use crate::settings::Settings;
use crate::target::{ResolvedTarget, Target};
use crate::toml::{Spanned, TomlFile};
use crate::write::Entry;

const INCLUDE_KEY: &str = "tool.binwheel.sdist-include";
const EXCLUDE_KEY: &str = "tool.binwheel.sdist-exclude";
const PKG_INFO: &str = "PKG-INFO";
/// Directories of version control systems: never part of a source tree.
const VCS_DIRS: &[&str] = &[".git", ".hg", ".svn"];

/// Everything an sdist will contain.
#[derive(Debug, Clone)]
pub struct SdistPlan {
    pub dist_name: String,
    pub version: String,
    /// Sorted by path; every path starts with [`SdistPlan::top_dir`] and `/`.
    pub entries: Vec<Entry>,
}

impl SdistPlan {
    /// `{dist_name}-{version}`: the one top-level directory.
    pub fn top_dir(&self) -> String {
        format!("{}-{}", self.dist_name, self.version)
    }

    /// `{dist_name}-{version}.tar.gz`
    pub fn filename(&self) -> String {
        format!("{}.tar.gz", self.top_dir())
    }
}

/// Plan the sdist of `project`. `output_dir` is where the archive will be
/// written; when it lies inside the project it is left out.
pub fn plan_sdist(project: &Project, output_dir: Option<&Path>) -> Result<SdistPlan> {
    let meta = &project.metadata;
    let file = &project.pyproject;
    let settings = &project.settings;
    let include = compile_globs(file, INCLUDE_KEY, &settings.sdist_include)?;
    let exclude = compile_globs(file, EXCLUDE_KEY, &settings.sdist_exclude)?;
    let mut selection = Selection::new(project, output_dir, exclude)?;

    // 1. The tree as version control sees it.
    selection.walk_tree()?;

    // 2. The Python package, whole, as the wheel takes it.
    if let PackageSource::Directory(dir) = &project.package_source {
        if let Some(rel) = relative_to(dir, &project.root) {
            selection.walk_all(&rel, |_| true, &mut |_| {})?;
        }
    }

    // 3. sdist-include, even where ignored; each glob must match something.
    for glob in &include {
        selection.include(file, glob)?;
    }

    // 4. What building a wheel from the sdist needs, whatever the ignore files say.
    selection.force(PYPROJECT, &project.root.join(PYPROJECT))?;
    if let Some((path, rel)) = meta.readme.as_ref().and_then(|r| r.file.as_ref()) {
        selection.force(rel, path)?;
    }
    for lf in &meta.license_files {
        selection.force(&lf.name, &lf.source)?;
    }

    // 5. PKG-INFO is always generated (a stale one in the tree is replaced).
    let mut files = selection.files;
    files.insert(
        PKG_INFO.to_string(),
        Entry::bytes(PKG_INFO, meta.pkg_info(&[])),
    );

    let dist_name = meta.dist_name();
    let version = meta.version_string();
    let top = format!("{dist_name}-{version}");
    let entries = files
        .into_values()
        .map(|mut e| {
            e.path = format!("{top}/{}", e.path);
            e
        })
        .collect();
    Ok(SdistPlan {
        dist_name,
        version,
        entries,
    })
}

impl Selection {
    /// Nothing selected yet; the project's prebuilt binaries and the output
    /// directory (when inside the project) are known, to be left out.
    fn new(
        project: &Project,
        output_dir: Option<&Path>,
        exclude: Vec<ProjectGlob>,
    ) -> Result<Selection> {
        let root = project
            .root
            .canonicalize()
            .map_err(|e| Error::io("cannot read", &project.root, e))?;
        let output = output_dir
            .and_then(|d| d.canonicalize().ok())
            .and_then(|d| d.strip_prefix(&root).ok().map(Path::to_path_buf))
            .filter(|rel| !rel.as_os_str().is_empty());
        let mut binaries = BTreeSet::new();
        let mut binaries_real = BTreeSet::new();
        for path in prebuilt_paths(project) {
            if let Some(rel) = relative_to(&path, &project.root) {
                if let Ok(real) = root.join(&rel).canonicalize() {
                    binaries_real.insert(real);
                }
                binaries.insert(rel);
            }
        }
        Ok(Selection {
            root,
            output,
            binaries,
            binaries_real,
            exclude,
            files: BTreeMap::new(),
        })
    }

    /// Add what an `sdist-include` glob matches, even where ignored; a glob
    /// that matches nothing (or only prebuilt binaries) is an error.
    fn include(&mut self, file: &TomlFile, glob: &ProjectGlob) -> Result<()> {
        let mut matched = 0usize;
        let mut binary = None;
        let matcher = &glob.matcher;
        self.walk_all(
            &glob.prefix,
            |rel| self_or_ancestor_matches(matcher, rel),
            &mut |outcome| match outcome {
                Outcome::Binary(rel) => {
                    binary.get_or_insert(rel);
                }
                Outcome::Taken | Outcome::Excluded => matched += 1,
            },
        )?;
        if matched == 0 {
            let (message, help) = match binary {
                Some(rel) => (
                    format!(
                        "`{INCLUDE_KEY}` glob {:?} matches only prebuilt binaries (such as {}), which never go into an sdist",
                        glob.text.value,
                        shown(&rel)
                    ),
                    "remove the glob: binaries belong in wheels; the sdist carries their sources".to_string(),
                ),
                None => (
                    format!("`{INCLUDE_KEY}` glob {:?} matches no file", glob.text.value),
                    "globs are relative to the project directory; `*` matches within one directory and `**` across directories, e.g. \"data/**/*.json\"".to_string(),
                ),
            };
            return Err(file.error(glob.text.span.clone(), message, Some(help)));
        }
        Ok(())
    }
}

/// What to say when the sdist cannot build a wheel for some targets
/// because some binaries or libraries have only a prebuilt `path` there
/// ([`Settings::prebuilt_only`]); `None` when every one can be built.
pub fn prebuilt_only_warning(settings: &Settings) -> Option<String> {
    let missing = settings.prebuilt_only();
    if missing.is_empty() {
        return None;
    }
    let lines: Vec<String> = missing
        .iter()
        .map(|(item, targets)| format!("\n  {item}: {}", targets.join(", ")))
        .collect();
    Some(format!(
        "this sdist cannot build a wheel for some targets: prebuilt files never go into an sdist, and these have only a prebuilt `path` there (no `url` + `sha256`, no `archive`, no `build`):{}\n  help: give each a `url` + `sha256` (or `archive` + `member`) pinned for those targets, or a `build` command; `binwheel pin` fills in hashes",
        lines.concat()
    ))
}

/// Every path a prebuilt binary may have: each binary for each configured
/// target (as the user keyed it) and for every known target by its canonical
/// name, so that no prebuilt file lands in the sdist, whatever gets built.
fn prebuilt_paths(project: &Project) -> BTreeSet<PathBuf> {
    let mut targets: Vec<ResolvedTarget> = project
        .settings
        .targets
        .iter()
        .map(|t| project.settings.resolve(t.target))
        .collect();
    targets.extend(Target::all().into_iter().map(|target| ResolvedTarget {
        target,
        key: target.name(),
    }));
    let mut paths = BTreeSet::new();
    let binaries = project
        .settings
        .binaries
        .iter()
        .map(|b| ("binary", &b.name, &b.path));
    let libraries = project
        .settings
        .libraries
        .iter()
        .map(|l| ("library", &l.name, &l.path));
    for (what, name, path) in binaries.chain(libraries) {
        for target in &targets {
            // A path that cannot be expanded for a target (e.g. {goarch} for
            // universal2) or that leaves the project has no file in the tree;
            // the wheel build reports it.
            if let Ok(path) = project.path_of(what, name, path, target) {
                paths.insert(path);
            }
        }
    }
    paths
}

/// A compiled `sdist-include` / `sdist-exclude` glob.
struct ProjectGlob {
    text: Spanned<String>,
    matcher: GlobMatcher,
    glob: Glob,
    /// The leading components without glob syntax: where matches can be.
    prefix: PathBuf,
}

fn compile_globs(
    file: &TomlFile,
    key: &str,
    globs: &[Spanned<String>],
) -> Result<Vec<ProjectGlob>> {
    globs.iter().map(|g| compile_glob(file, key, g)).collect()
}

fn compile_glob(file: &TomlFile, key: &str, text: &Spanned<String>) -> Result<ProjectGlob> {
    let err = |message: String, help: &str| {
        file.error(text.span.clone(), message, Some(help.to_string()))
    };
    let mut pattern = text.value.as_str();
    while let Some(rest) = pattern.strip_prefix("./") {
        pattern = rest;
    }
    let pattern = pattern.trim_end_matches('/');
    if pattern.is_empty() || pattern == "." {
        return Err(err(
            format!("`{key}` has an empty glob"),
            "write a glob relative to the project directory, e.g. \"data/**\"",
        ));
    }
    let bytes = pattern.as_bytes();
    let absolute = pattern.starts_with(['/', '\\'])
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':');
    if absolute {
        return Err(err(
            format!("`{key}` glob {:?} is absolute", text.value),
            "globs are relative to the project directory (the one holding pyproject.toml), e.g. \"data/**\"",
        ));
    }
    if pattern.split(['/', '\\']).any(|c| c == "..") {
        return Err(err(
            format!("`{key}` glob {:?} uses `..`", text.value),
            "an sdist holds only files inside the project; copy what you need into it",
        ));
    }
    let glob = GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map_err(|e| {
            err(
                format!("`{key}` glob {:?} is not a valid glob: {}", text.value, e.kind()),
                "`*` and `?` match within one directory, `**` across directories, `[abc]` one of a set, `{a,b}` either",
            )
        })?;
    let prefix = pattern
        .split('/')
        .take_while(|c| !c.contains(['*', '?', '[', ']', '{', '}', '\\']))
        .collect::<PathBuf>();
    Ok(ProjectGlob {
        text: text.clone(),
        matcher: glob.compile_matcher(),
        glob,
        prefix,
    })
}

/// Whether `rel` or one of its parent directories matches: a glob naming a
/// directory stands for everything in it.
fn self_or_ancestor_matches(matcher: &GlobMatcher, rel: &Path) -> bool {
    rel.ancestors()
        .filter(|a| !a.as_os_str().is_empty())
        .any(|a| matcher.is_match(a))
}

/// What became of a candidate file.
enum Outcome {
    Taken,
    Excluded,
    /// A prebuilt binary path (relative), never taken.
    Binary(PathBuf),
}

/// The files chosen so far, by path relative to the project.
struct Selection {
    /// The project directory, canonical.
    root: PathBuf,
    /// The output directory relative to `root`, when inside it.
    output: Option<PathBuf>,
    /// Prebuilt binary paths, relative to the project.
    binaries: BTreeSet<PathBuf>,
    /// The same, resolved, for symlinks pointing at them.
    binaries_real: BTreeSet<PathBuf>,
    exclude: Vec<ProjectGlob>,
    files: BTreeMap<String, Entry>,
}

impl Selection {
    /// Walk the project honouring `.gitignore` files and `.git/info/exclude`.
    fn walk_tree(&mut self) -> Result<()> {
        // Inside a git work tree, git's own rules: ignore files of parent
        // directories count up to the repository root. Outside one (e.g. an
        // unpacked sdist), the project's own ignore files still count.
        let in_git = self.root.ancestors().any(|d| d.join(".git").exists());
        let mut walker = WalkBuilder::new(&self.root);
        walker
            .standard_filters(false)
            .git_ignore(true)
            .git_exclude(true)
            .require_git(in_git)
            .parents(in_git)
            .follow_links(false);
        self.filter(&mut walker, true);
        let root = self.root.clone();
        self.walk(walker, &root, &|_| true, &mut |_| {})
    }

    /// Walk `rel` (a directory or a single file) taking every file that
    /// `wanted` accepts, with no ignore files; `seen` hears of each one.
    fn walk_all(
        &mut self,
        rel: &Path,
        wanted: impl Fn(&Path) -> bool,
        seen: &mut dyn FnMut(Outcome),
    ) -> Result<()> {
        let start = self.root.join(rel);
        // No part of the way there may be a directory symlink (a walk below
        // one would take files from wherever it points) or never-source.
        let mut so_far = PathBuf::new();
        for c in rel.components() {
            so_far.push(c);
            if so_far.as_path() == rel {
                break;
            }
            match self.root.join(&so_far).symlink_metadata() {
                Err(_) => return Ok(()), // nothing there: matches nothing
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(dir_link_error(&so_far));
                }
                Ok(_) if self.never_source(&so_far, true) => return Ok(()),
                Ok(_) => {}
            }
        }
        let Ok(meta) = start.symlink_metadata() else {
            return Ok(());
        };
        if self.never_source(rel, meta.is_dir()) {
            return Ok(());
        }
        if !meta.is_dir() {
            if wanted(rel) {
                let outcome = self.take(rel, &start, meta.file_type())?;
                seen(outcome);
            }
            return Ok(());
        }
        let mut walker = WalkBuilder::new(&start);
        walker.standard_filters(false).follow_links(false);
        self.filter(&mut walker, false);
        self.walk(walker, &start, &wanted, seen)
    }

    /// Prune what is never source (and, when `prune_excluded`, excluded
    /// directories) without descending into it.
    fn filter(&self, walker: &mut WalkBuilder, prune_excluded: bool) {
        let root = self.root.clone();
        let output = self.output.clone();
        let exclude = if prune_excluded {
            exclude_set(&self.exclude)
        } else {
            GlobSet::empty()
        };
        walker.filter_entry(move |entry| {
            let Ok(rel) = entry.path().strip_prefix(&root) else {
                return true;
            };
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            !(never_source(&root, output.as_deref(), rel, is_dir)
                || (is_dir && exclude.is_match(rel)))
        });
    }

    fn walk(
        &mut self,
        walker: WalkBuilder,
        start: &Path,
        wanted: &dyn Fn(&Path) -> bool,
        seen: &mut dyn FnMut(Outcome),
    ) -> Result<()> {
        for item in walker.build() {
            let entry = item.map_err(|e| {
                Error::new(format!(
                    "cannot list the files of {}: {e}\n  help: fix the file or permission named above, or leave it out with .gitignore or `{EXCLUDE_KEY}`",
                    start.display()
                ))
            })?;
            let Some(file_type) = entry.file_type() else {
                continue;
            };
            if file_type.is_dir() {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(&self.root) else {
                continue;
            };
            if !wanted(rel) {
                continue;
            }
            let rel = rel.to_path_buf();
            let outcome = self.take(&rel, entry.path(), file_type)?;
            seen(outcome);
        }
        Ok(())
    }

    fn never_source(&self, rel: &Path, is_dir: bool) -> bool {
        never_source(&self.root, self.output.as_deref(), rel, is_dir)
    }

    /// Take one file found by a walk, unless it is a prebuilt binary or excluded.
    fn take(&mut self, rel: &Path, path: &Path, file_type: FileType) -> Result<Outcome> {
        if self.binaries.contains(rel) {
            return Ok(Outcome::Binary(rel.to_path_buf()));
        }
        if self
            .exclude
            .iter()
            .any(|g| self_or_ancestor_matches(&g.matcher, rel))
        {
            return Ok(Outcome::Excluded);
        }
        let name = archive_name(rel)?;
        let meta = if file_type.is_symlink() {
            let real = self.resolve_link(rel, path)?;
            if self.binaries_real.contains(&real) {
                return Ok(Outcome::Binary(rel.to_path_buf()));
            }
            real.metadata()
                .map_err(|e| Error::io("cannot read", path, e))?
        } else if file_type.is_file() {
            path.symlink_metadata()
                .map_err(|e| Error::io("cannot read", path, e))?
        } else {
            return Err(Error::new(format!(
                "{} is neither a file nor a directory (a socket or a pipe?), so it cannot go into an sdist\n  help: leave it out with .gitignore or `{EXCLUDE_KEY}`",
                shown(rel)
            )));
        };
        self.files.insert(
            name.clone(),
            Entry::file(name, path.to_path_buf(), is_executable(&meta)),
        );
        Ok(Outcome::Taken)
    }

    /// Take a file the sdist cannot do without, even if ignored or excluded.
    fn force(&mut self, name: &str, path: &Path) -> Result<()> {
        let real = path
            .canonicalize()
            .map_err(|e| Error::io("cannot read", path, e))?;
        if !real.starts_with(&self.root) {
            return Err(Error::new(format!(
                "{name} resolves to {}, outside the project, so it cannot go into an sdist\n  help: put the file itself into the project",
                real.display()
            )));
        }
        let meta = real
            .metadata()
            .map_err(|e| Error::io("cannot read", path, e))?;
        self.files.insert(
            name.to_string(),
            Entry::file(name, path.to_path_buf(), is_executable(&meta)),
        );
        Ok(())
    }

    /// Where a symlink leads, which must be a file inside the project.
    fn resolve_link(&self, rel: &Path, path: &Path) -> Result<PathBuf> {
        let target = std::fs::read_link(path)
            .map(|t| t.display().to_string())
            .unwrap_or_else(|_| "?".into());
        let help = format!(
            "an sdist holds only files inside the project (a link to one is stored as a copy); copy the file in, or leave the link out with .gitignore or `{EXCLUDE_KEY}`"
        );
        let real = path.canonicalize().map_err(|e| {
            let why = if e.kind() == std::io::ErrorKind::NotFound {
                "which does not exist".to_string()
            } else {
                format!("which cannot be followed ({e})")
            };
            Error::new(format!(
                "{} is a symbolic link to {target}, {why}\n  help: {help}",
                shown(rel)
            ))
        })?;
        if !real.starts_with(&self.root) {
            return Err(Error::new(format!(
                "{} is a symbolic link to {target}, outside the project\n  help: {help}",
                shown(rel)
            )));
        }
        if real.is_dir() {
            return Err(dir_link_error(rel));
        }
        Ok(real)
    }
}

fn dir_link_error(rel: &Path) -> Error {
    Error::new(format!(
        "{} is a symbolic link to a directory; binwheel does not follow directory links into an sdist\n  help: replace the link with the directory, or leave it out with .gitignore or `{EXCLUDE_KEY}`",
        shown(rel)
    ))
}

fn exclude_set(globs: &[ProjectGlob]) -> GlobSet {
    let mut set = GlobSetBuilder::new();
    for g in globs {
        set.add(g.glob.clone());
    }
    set.build().unwrap_or_else(|_| GlobSet::empty())
}

/// What never goes into an sdist, whatever the ignore files say: VCS
/// directories, bytecode, virtual environments and the output directory.
fn never_source(root: &Path, output: Option<&Path>, rel: &Path, is_dir: bool) -> bool {
    let name = rel.file_name().unwrap_or(OsStr::new(""));
    let name = name.to_str().unwrap_or("");
    if VCS_DIRS.contains(&name) {
        return true;
    }
    if is_dir {
        name == "__pycache__" || output == Some(rel) || root.join(rel).join("pyvenv.cfg").is_file()
    } else {
        name.ends_with(".pyc") || name.ends_with(".pyo")
    }
}

/// `a/b/c` for the archive; non-UTF-8 names are an error.
fn archive_name(rel: &Path) -> Result<String> {
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(part) => match part.to_str() {
                Some(s) if s.contains('\\') => {
                    return Err(Error::new(format!(
                        "{} has `\\` in its name, which an sdist cannot hold (Windows reads it as a directory separator)\n  help: rename it, or leave it out with .gitignore or `{EXCLUDE_KEY}`",
                        rel.display()
                    )))
                }
                Some(s) => parts.push(s),
                None => {
                    return Err(Error::new(format!(
                        "{} has a name that is not valid UTF-8, which an sdist cannot hold\n  help: rename it, or leave it out with .gitignore or `{EXCLUDE_KEY}`",
                        rel.display()
                    )))
                }
            },
            Component::CurDir => {}
            _ => {
                return Err(Error::new(format!(
                    "{} is not a path inside the project",
                    rel.display()
                )))
            }
        }
    }
    Ok(parts.join("/"))
}

/// `path` relative to `base`, without `.` components; None when outside.
fn relative_to(path: &Path, base: &Path) -> Option<PathBuf> {
    let rel = path.strip_prefix(base).ok()?;
    let mut out = PathBuf::new();
    for c in rel.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

fn shown(rel: &Path) -> String {
    rel.to_string_lossy().replace('\\', "/")
}

#[cfg(unix)]
fn is_executable(meta: &FsMetadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &FsMetadata) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::{self, Options};
    use std::io::Read;

    const PYPROJECT_TOML: &str = r#"[project]
name = "Demo.Tool"
version = "1.0"
readme = "README.md"
license = "MIT"
license-files = ["LICENSE"]

[tool.binwheel]
package = "demo"
INCLUDE
EXCLUDE

[[tool.binwheel.binary]]
name = "demo"
path = "bin/{target}/demo{exe}"

[tool.binwheel.targets]
linux-amd64 = {}
"#;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// A project with an ignore file, an ignored file, prebuilt binaries
    /// (under a configured key and under a canonical name) and the usual junk.
    fn project(include: &str, exclude: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let pyproject = PYPROJECT_TOML
            .replace("INCLUDE", &format!("sdist-include = [{include}]"))
            .replace("EXCLUDE", &format!("sdist-exclude = [{exclude}]"));
        write(root, "pyproject.toml", &pyproject);
        write(root, "README.md", "# demo\n");
        write(root, "LICENSE", "MIT\n");
        write(root, ".gitignore", "*.log\ngenerated/\nLICENSE\nbin/\n");
        write(root, "demo/__init__.py", "");
        write(root, "demo/sub/data.json", "{}");
        write(root, "main.go", "package main\n");
        write(root, "docs/guide.md", "guide\n");
        write(root, "debug.log", "noise\n");
        write(root, "generated/keep.txt", "generated\n");
        write(root, "bin/linux-amd64/demo", "\x7fELF");
        write(root, "bin/linux-aarch64/demo", "\x7fELF");
        write(root, "demo/__pycache__/x.cpython-312.pyc", "");
        write(root, "stray.pyc", "");
        write(root, ".venv/pyvenv.cfg", "home = /usr\n");
        write(root, ".venv/lib/site.py", "");
        write(root, "PKG-INFO", "stale\n");
        dir
    }

    fn names_in(plan: &SdistPlan) -> Vec<String> {
        let top = format!("{}/", plan.top_dir());
        plan.entries
            .iter()
            .map(|e| e.path.strip_prefix(&top).unwrap().to_string())
            .collect()
    }

    fn plan_of(root: &Path) -> Result<SdistPlan> {
        plan_sdist(&Project::load(root)?, None)
    }

    #[test]
    fn selects_the_source_tree() {
        let dir = project("", "");
        let plan = plan_of(dir.path()).unwrap();
        assert_eq!(plan.filename(), "demo_tool-1.0.tar.gz");
        assert_eq!(
            names_in(&plan),
            [
                ".gitignore",
                "LICENSE", // ignored, but a license file
                "PKG-INFO",
                "README.md",
                "demo/__init__.py",
                "demo/sub/data.json",
                "docs/guide.md",
                "main.go",
                "pyproject.toml",
            ]
        );
        let pkg_info = plan
            .entries
            .iter()
            .find(|e| e.path.ends_with("/PKG-INFO"))
            .unwrap();
        match &pkg_info.source {
            crate::write::Source::Bytes(b) => {
                let text = String::from_utf8(b.clone()).unwrap();
                assert!(text.starts_with("Metadata-Version: 2."), "{text}");
                assert!(!text.contains("Dynamic:"), "{text}");
            }
            other => panic!("PKG-INFO must be generated, got {other:?}"),
        }
    }

    #[test]
    fn prebuilt_binaries_stay_out_even_when_not_ignored() {
        let dir = project("", "");
        write(dir.path(), ".gitignore", "");
        let plan = plan_of(dir.path()).unwrap();
        let names = names_in(&plan);
        assert!(!names.iter().any(|n| n.starts_with("bin/")), "{names:?}");
        assert!(names.contains(&"debug.log".to_string()), "{names:?}");
    }

    #[test]
    fn include_rescues_and_exclude_removes() {
        let dir = project(r#""generated", "*.log""#, r#""docs", "demo/sub/*.json""#);
        let names = names_in(&plan_of(dir.path()).unwrap());
        assert!(
            names.contains(&"generated/keep.txt".to_string()),
            "{names:?}"
        );
        assert!(names.contains(&"debug.log".to_string()), "{names:?}");
        assert!(!names.iter().any(|n| n.starts_with("docs/")), "{names:?}");
        assert!(
            !names.contains(&"demo/sub/data.json".to_string()),
            "{names:?}"
        );
        // Required files survive a broad exclude.
        let dir = project("", r#""*.md", "LICENSE", "pyproject.toml""#);
        let names = names_in(&plan_of(dir.path()).unwrap());
        for required in ["README.md", "LICENSE", "pyproject.toml"] {
            assert!(names.contains(&required.to_string()), "{names:?}");
        }
    }

    #[test]
    fn include_glob_must_match_something() {
        let dir = project(r#""data/**/*.csv""#, "");
        let err = plan_of(dir.path()).unwrap_err();
        assert!(
            err.message().starts_with(
                "pyproject.toml:10:18: `tool.binwheel.sdist-include` glob \"data/**/*.csv\" matches no file"
            ),
            "{err}"
        );
        let dir = project(r#""bin/**""#, "");
        let err = plan_of(dir.path()).unwrap_err();
        assert!(
            err.message().contains("matches only prebuilt binaries"),
            "{err}"
        );
    }

    #[test]
    fn globs_may_not_leave_the_project() {
        for (glob, what) in [
            ("../secrets/*", "uses `..`"),
            ("/etc/passwd", "is absolute"),
            ("C:/x", "is absolute"),
            ("a/[z", "is not a valid glob"),
            ("", "has an empty glob"),
        ] {
            let dir = project("", &format!("{glob:?}"));
            let err = plan_of(dir.path()).unwrap_err();
            assert!(
                err.message()
                    .starts_with("pyproject.toml:11:18: `tool.binwheel.sdist-exclude`"),
                "{glob}: {err}"
            );
            assert!(err.message().contains(what), "{glob}: {err}");
            assert!(err.message().contains("help: "), "{glob}: {err}");
        }
    }

    #[test]
    fn nested_ignores_and_git_exclude_in_a_repository() {
        let dir = project("", "");
        let root = dir.path();
        write(root, ".git/HEAD", "ref: refs/heads/main\n");
        write(root, ".git/info/exclude", "scratch.txt\n");
        write(root, "scratch.txt", "");
        write(root, "docs/.gitignore", "draft-*\n");
        write(root, "docs/draft-1.md", "");
        write(root, ".hg/store", "");
        let names = names_in(&plan_of(root).unwrap());
        assert!(
            !names
                .iter()
                .any(|n| n.starts_with(".git/") || n.starts_with(".hg/")),
            "{names:?}"
        );
        assert!(!names.contains(&"scratch.txt".to_string()), "{names:?}");
        assert!(!names.contains(&"docs/draft-1.md".to_string()), "{names:?}");
        assert!(names.contains(&"docs/.gitignore".to_string()), "{names:?}");
        assert!(names.contains(&"docs/guide.md".to_string()), "{names:?}");
    }

    /// `project()`'s files, moved to `rel` below a fresh directory.
    fn project_at(rel: &str) -> (tempfile::TempDir, PathBuf) {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join(rel);
        std::fs::create_dir_all(root.parent().unwrap()).unwrap();
        let dir = project("", "");
        std::fs::rename(dir.path(), &root)
            .or_else(|_| copy_tree(dir.path(), &root))
            .unwrap();
        (outer, root)
    }

    fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            let dest = to.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                copy_tree(&entry.path(), &dest)?;
            } else {
                std::fs::copy(entry.path(), dest)?;
            }
        }
        Ok(())
    }

    #[test]
    fn ignore_files_of_parents_count_up_to_the_repository_root() {
        let (outer, root) = project_at("repo/sub");
        write(outer.path(), ".gitignore", "*.go\n");
        write(outer.path(), "repo/.git/HEAD", "ref: refs/heads/main\n");
        write(
            outer.path(),
            "repo/.gitignore",
            "sub/ignored.txt\n/sub/anchored/\n",
        );
        write(&root, "ignored.txt", "");
        write(&root, "anchored/x.txt", "");
        let names = names_in(&plan_of(&root).unwrap());
        assert!(names.contains(&"main.go".to_string()), "{names:?}");
        assert!(!names.contains(&"ignored.txt".to_string()), "{names:?}");
        assert!(
            !names.iter().any(|n| n.starts_with("anchored/")),
            "{names:?}"
        );

        // Outside a repository only the project's own ignore files count.
        let (outer, root) = project_at("plain/proj");
        write(outer.path(), ".gitignore", "*.go\n");
        let names = names_in(&plan_of(&root).unwrap());
        assert!(names.contains(&"main.go".to_string()), "{names:?}");
    }

    #[test]
    fn package_files_go_in_even_when_ignored() {
        let dir = project("", "");
        write(dir.path(), ".gitignore", "_version.py\n");
        write(dir.path(), "demo/_version.py", "v = 1\n");
        let names = names_in(&plan_of(dir.path()).unwrap());
        assert!(names.contains(&"demo/_version.py".to_string()), "{names:?}");
    }

    #[test]
    fn output_directory_inside_the_tree_is_left_out() {
        let dir = project("", "");
        write(dir.path(), "out/old.tar.gz", "old");
        let project = Project::load(dir.path()).unwrap();
        let plan = plan_sdist(&project, Some(&dir.path().join("out"))).unwrap();
        assert!(!names_in(&plan).iter().any(|n| n.starts_with("out/")));
        let plan = plan_sdist(&project, None).unwrap();
        assert!(names_in(&plan).contains(&"out/old.tar.gz".to_string()));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks() {
        use std::os::unix::fs::{symlink, PermissionsExt};
        let dir = project("", "");
        let root = dir.path();
        write(root, "tools/run.sh", "#!/bin/sh\n");
        std::fs::set_permissions(
            root.join("tools/run.sh"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
        symlink("tools/run.sh", root.join("run")).unwrap();
        let plan = plan_of(root).unwrap();
        let run = plan
            .entries
            .iter()
            .find(|e| e.path.ends_with("/run"))
            .unwrap();
        assert!(run.executable);
        assert_eq!(run.source, crate::write::Source::File(root.join("run")));
        let script = plan
            .entries
            .iter()
            .find(|e| e.path.ends_with("/tools/run.sh"))
            .unwrap();
        assert!(script.executable);
        let readme = plan
            .entries
            .iter()
            .find(|e| e.path.ends_with("/README.md"))
            .unwrap();
        assert!(!readme.executable);

        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "secret.txt", "x");
        symlink(outside.path().join("secret.txt"), root.join("leak.txt")).unwrap();
        let err = plan_of(root).unwrap_err();
        assert!(
            err.message().starts_with("leak.txt is a symbolic link to "),
            "{err}"
        );
        assert!(err.message().contains("outside the project"), "{err}");
        // Leaving the link out is the fix.
        write(root, ".gitignore", "*.log\ngenerated/\nbin/\nleak.txt\n");
        plan_of(root).unwrap();

        symlink("nowhere.txt", root.join("dangling.txt")).unwrap();
        let err = plan_of(root).unwrap_err();
        assert!(
            err.message().starts_with(
                "dangling.txt is a symbolic link to nowhere.txt, which does not exist"
            ),
            "{err}"
        );
        std::fs::remove_file(root.join("dangling.txt")).unwrap();

        symlink("docs", root.join("docs-link")).unwrap();
        let err = plan_of(root).unwrap_err();
        assert!(
            err.message()
                .starts_with("docs-link is a symbolic link to a directory"),
            "{err}"
        );
        std::fs::remove_file(root.join("docs-link")).unwrap();

        // A link to a prebuilt binary is a prebuilt binary.
        symlink("bin/linux-amd64/demo", root.join("demo-latest")).unwrap();
        let names = names_in(&plan_of(root).unwrap());
        assert!(!names.contains(&"demo-latest".to_string()), "{names:?}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn non_utf8_names_are_an_error() {
        use std::os::unix::ffi::OsStrExt;
        let dir = project("", "");
        let name = OsStr::from_bytes(b"caf\xe9.txt");
        std::fs::write(dir.path().join(name), "").unwrap();
        let err = plan_of(dir.path()).unwrap_err();
        assert!(
            err.message()
                .contains("caf\u{fffd}.txt has a name that is not valid UTF-8"),
            "{err}"
        );
        // ... unless it is left out.
        let dir2 = project("", r#""caf*""#);
        std::fs::write(dir2.path().join(name), "").unwrap();
        plan_of(dir2.path()).unwrap();
    }

    fn members(sdist: &Path) -> Vec<(String, u32, u64)> {
        let gz = flate2::read::GzDecoder::new(std::fs::File::open(sdist).unwrap());
        let mut archive = ::tar::Archive::new(gz);
        archive
            .entries()
            .unwrap()
            .map(|e| {
                let mut e = e.unwrap();
                let path = e.path().unwrap().to_str().unwrap().to_string();
                let mode = e.header().mode().unwrap();
                let mtime = e.header().mtime().unwrap();
                let mut sink = Vec::new();
                e.read_to_end(&mut sink).unwrap();
                (path, mode, mtime)
            })
            .collect()
    }

    #[test]
    fn build_sdist_is_reproducible_and_uses_source_date_epoch() {
        let dir = project("", "");
        let dist = dir.path().join("dist");
        let options = Options::default();
        let name = backend::build_sdist(dir.path(), &dist, &options).unwrap();
        assert_eq!(name, "demo_tool-1.0.tar.gz");
        let first = std::fs::read(dist.join(&name)).unwrap();
        let listed = members(&dist.join(&name));
        assert!(listed
            .iter()
            .all(|(p, _, t)| p.starts_with("demo_tool-1.0/") && *t == 315_532_800));
        let mode = |p: &str| {
            listed
                .iter()
                .find(|m| m.0 == format!("demo_tool-1.0/{p}"))
                .unwrap()
                .1
        };
        assert_eq!(mode("main.go"), 0o644);

        // Again into the same dist/ (which is inside the tree, so not itself
        // packed), after touching a file: mtimes on disk must not matter.
        write(dir.path(), "main.go", "package main\n");
        assert_eq!(
            backend::build_sdist(dir.path(), &dist, &options).unwrap(),
            name
        );
        assert_eq!(first, std::fs::read(dist.join(&name)).unwrap());
        let left: Vec<_> = std::fs::read_dir(&dist)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 1, "{left:?}");
        std::fs::remove_dir_all(&dist).unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        backend::build_sdist(dir.path(), elsewhere.path(), &options).unwrap();
        assert_eq!(first, std::fs::read(elsewhere.path().join(&name)).unwrap());

        let options = Options {
            source_date_epoch: Some("1700000000".into()),
            ..Options::default()
        };
        backend::build_sdist(dir.path(), elsewhere.path(), &options).unwrap();
        let listed = members(&elsewhere.path().join(&name));
        assert!(listed.iter().all(|(_, _, t)| *t == 1_700_000_000));
        let options = Options {
            source_date_epoch: Some("-10".into()),
            ..Options::default()
        };
        backend::build_sdist(dir.path(), elsewhere.path(), &options).unwrap();
        let listed = members(&elsewhere.path().join(&name));
        assert!(listed.iter().all(|(_, _, t)| *t == 0));
    }
}
