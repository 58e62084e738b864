//! A project: `pyproject.toml` read once into typed, validated values.
//!
//! Owns loading the file, splitting it into [project] metadata and
//! [tool.binwheel] settings, finding the Python package that receives
//! `_bin/`, picking the target a build is for, and turning a configured path
//! into a file inside the project. It does not decide where a binary comes
//! from (that is `source`) or what goes into an archive (that is `plan`).

use std::path::{Path, PathBuf};

use pep440_rs::Version;

use crate::error::{Error, Result};
use crate::keys::is_identifier;
use crate::metadata::{DynamicValues, Metadata};
use crate::relpath;
use crate::settings::Settings;
use crate::target::{ResolvedTarget, Target};
use crate::template::{Placeholder, Template};
use crate::toml::{Spanned, Table, TomlFile};
use crate::version::VersionSource;

pub const PYPROJECT: &str = "pyproject.toml";

/// Where the import package comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackageSource {
    /// A directory in the source tree (`python/hello`, `src/hello` or `hello`).
    Directory(PathBuf),
    /// The project has no Python code: binwheel makes a minimal package.
    Generated,
}

/// A loaded, validated project.
pub struct Project {
    /// The project directory (holds `pyproject.toml`).
    pub root: PathBuf,
    pub pyproject: TomlFile,
    pub metadata: Metadata,
    pub settings: Settings,
    /// The import name of the package that receives `_bin/`.
    pub package: String,
    pub package_source: PackageSource,
}

impl Project {
    /// Read `pyproject.toml` in `root` and validate everything in it.
    pub fn load(root: &Path) -> Result<Project> {
        let path = root.join(PYPROJECT);
        if !path.is_file() {
            return Err(Error::new(format!(
                "no {PYPROJECT} in {}\n  help: run the build from the project directory",
                root.display()
            )));
        }
        let pyproject = TomlFile::load(&path, PYPROJECT)?;
        let doc = pyproject.root();
        let Some(project_table) = doc.table("project")? else {
            return Err(pyproject.error(
                None,
                "has no [project] table",
                Some("add [project] with at least name and version".into()),
            ));
        };
        // The specification's own error comes first, whatever [tool.binwheel] says.
        crate::metadata::check_static_and_dynamic(&project_table)?;
        let tool = doc.table("tool")?;
        let binwheel = match &tool {
            Some(tool) => tool.table("binwheel")?,
            None => None,
        };
        if binwheel.is_none() {
            return Err(pyproject.error(
                None,
                "has no [tool.binwheel] table, so binwheel has no binary to package",
                Some(
                    "add:\n\n    [[tool.binwheel.binary]]\n    name = \"hello\"\n    path = \"bin/{target}/hello{exe}\""
                        .into(),
                ),
            ));
        }
        // Every problem of both tables is reported, so each reading goes on
        // past the other's problems.
        let settings = pyproject.keep(Settings::read(binwheel));
        let supplied = settings
            .as_ref()
            .and_then(|s| pyproject.keep(dynamic_values(root, &pyproject, &project_table, s)))
            .unwrap_or_else(|| stand_in_values(&project_table));
        let metadata = pyproject.keep(Metadata::read_with(project_table, root, supplied));
        let (Some(settings), Some(metadata)) = (settings, metadata) else {
            return pyproject.conclude(Err(Error::recorded()));
        };
        let (package, package_source) = find_package(root, &pyproject, &metadata, &settings)?;
        Ok(Project {
            root: root.to_path_buf(),
            pyproject,
            metadata,
            settings,
            package,
            package_source,
        })
    }

    /// Pick the target: the one asked for (config setting or environment), else the host.
    pub fn resolve_target(&self, requested: Option<&str>) -> Result<ResolvedTarget> {
        let configured = &self.settings.targets;
        let configured_list = || {
            if configured.is_empty() {
                "none (any target may be built)".to_string()
            } else {
                configured
                    .iter()
                    .map(|t| t.key.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        let target = match requested {
            Some(name) => Target::parse(name).ok_or_else(|| {
                Error::new(format!(
                    "unknown target {name:?}\n  help: targets are <os>-<arch> such as linux-x86_64, linux-aarch64, macos-arm64, windows-x86_64 (Go and Rust spellings work too); configured in {}: {}",
                    self.pyproject.display,
                    configured_list()
                ))
            })?,
            None => Target::host().ok_or_else(|| {
                Error::new(format!(
                    "binwheel does not know this machine's platform ({}-{})\n  help: name the target with -C target=NAME or BINWHEEL_TARGET",
                    std::env::consts::OS,
                    std::env::consts::ARCH
                ))
            })?,
        };
        if configured.is_empty() || self.settings.target(target).is_some() {
            return Ok(self.settings.resolve(target));
        }
        Err(Error::new(format!(
            "target {target}{} is not in [tool.binwheel.targets] of {}\n  help: configured targets: {}; add `{target} = {{}}` to build it",
            if requested.is_none() { " (this machine)" } else { "" },
            self.pyproject.display,
            configured_list()
        )))
    }

    /// `path` (a template) of the binary or library `name`, expanded for
    /// `target` and checked to stay inside the project.
    pub fn path_of(
        &self,
        what: &str,
        name: &Spanned<String>,
        path: &Template,
        target: &ResolvedTarget,
    ) -> Result<PathBuf> {
        let expanded = path.expand(target, &self.metadata.version_string())?;
        let problem = if expanded.contains(char::is_control) {
            Some((
                "contains a control character",
                "write the path of the prebuilt file relative to the project directory, e.g. \"bin/{target}/hello{exe}\"",
            ))
        } else if relpath::escape(&expanded).is_some() {
            // Absolute or `..` on any system, as the wheel is built for others.
            Some((
                "points outside the project",
                "paths are relative to the project directory and may not use `..`; copy or build the binary into the project",
            ))
        } else {
            None
        };
        if let Some((problem, help)) = problem {
            return Err(self.pyproject.error(
                path.span.clone(),
                format!("{what} {:?}: path {expanded:?} {problem}", name.value),
                Some(help.into()),
            ));
        }
        Ok(self.root.join(expanded))
    }

    /// Refuse a file that resolves (through symlinks) to outside the project.
    pub fn check_inside(&self, path: &Path) -> Result<()> {
        let real = path
            .canonicalize()
            .map_err(|e| Error::io("cannot read", path, e))?;
        let root = self
            .root
            .canonicalize()
            .map_err(|e| Error::io("cannot read", &self.root, e))?;
        if real.starts_with(&root) {
            return Ok(());
        }
        Err(Error::new(format!(
            "{} resolves to {}, outside the project; binwheel packs only files inside the project\n  help: copy the binary into the project instead of linking to it",
            path.display(),
            real.display()
        )))
    }

    /// A path for messages: relative to the project when inside it.
    pub fn shown(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// Resolve `dynamic = ["version"]` from `[tool.binwheel.version]`.
fn dynamic_values(
    root: &Path,
    pyproject: &TomlFile,
    project: &Table<'_>,
    settings: &Settings,
) -> Result<DynamicValues> {
    let wants_version = Metadata::lists_dynamic(project, "version");
    match (&settings.version, wants_version) {
        (None, false) => Ok(DynamicValues::default()),
        (Some(_), false) => Err(pyproject.error(
            project.span(),
            "[tool.binwheel.version] is set, but [project] does not list \"version\" in `dynamic`",
            Some("add dynamic = [\"version\"] and remove `version` from [project], or drop [tool.binwheel.version]".into()),
        )),
        (None, true) => Err(pyproject.error(
            project.span(),
            "[project] lists \"version\" in `dynamic`, but no [tool.binwheel.version] says where it comes from",
            Some("add e.g.\n\n    [tool.binwheel.version]\n    git-tag = true      # or file = \"VERSION\", env = \"MY_VERSION\", binary = [\"--version\"]".into()),
        )),
        (Some(source), true) => {
            let host = match source {
                VersionSource::Binary { .. } => host_binary(root, settings)?,
                _ => None,
            };
            let version = source.resolve(pyproject, root, host.as_deref())?;
            Ok(DynamicValues { version: Some(version) })
        }
    }
}

/// Values for `[project]`'s dynamic keys while a problem elsewhere (already
/// recorded) keeps the real ones from being known: enough to read the rest
/// of `[project]` for its own problems. The metadata read with them is
/// never used.
fn stand_in_values(project: &Table<'_>) -> DynamicValues {
    DynamicValues {
        version: Metadata::lists_dynamic(project, "version").then(|| Version::new([0])),
    }
}

/// The first binary's prebuilt file for this machine, if present (for `binary = [...]`).
fn host_binary(root: &Path, settings: &Settings) -> Result<Option<PathBuf>> {
    let (Some(binary), Some(target)) = (settings.binaries.first(), Target::host()) else {
        return Ok(None);
    };
    if binary.path.uses(Placeholder::Version) {
        return Err(Error::new(format!(
            "binary {:?}: `path` uses {{version}}, but the version is read from that binary",
            binary.name.value
        )));
    }
    let path = root.join(binary.path.expand(&settings.resolve(target), "")?);
    Ok(path.is_file().then_some(path))
}

/// The import name: `[tool.binwheel] package`, else the project name as an identifier.
fn find_package(
    root: &Path,
    pyproject: &TomlFile,
    metadata: &Metadata,
    settings: &Settings,
) -> Result<(String, PackageSource)> {
    let name = match &settings.package {
        Some(p) => p.value.clone(),
        None => {
            let derived = metadata.dist_name().to_ascii_lowercase();
            if !is_identifier(&derived) {
                return Err(pyproject.error(
                    metadata.name.span.clone(),
                    format!(
                        "cannot derive a Python package name from project name {:?}",
                        metadata.name.value
                    ),
                    Some("set [tool.binwheel] package = \"your_package\"".into()),
                ));
            }
            derived
        }
    };
    for base in ["python", "src", ""] {
        let dir = if base.is_empty() {
            root.join(&name)
        } else {
            root.join(base).join(&name)
        };
        if dir.join("__init__.py").is_file() {
            let bin = dir.join("_bin");
            if bin.exists() {
                return Err(Error::new(format!(
                    "{} already exists, but binwheel generates <package>/_bin/ in the wheel\n  help: rename or remove that directory",
                    bin.strip_prefix(root).unwrap_or(&bin).display()
                )));
            }
            return Ok((name, PackageSource::Directory(dir)));
        }
    }
    Ok((name, PackageSource::Generated))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path that leaves the project on any system is refused on every
    /// system: the wheel is built here and unpacked elsewhere.
    #[test]
    fn a_path_that_escapes_on_some_system_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        for (path, ok) in [
            ("bin/{target}/x", true),
            ("../x", false),
            ("bin\\\\..\\\\..\\\\x", false),
            ("C:x", false),
            ("/abs/x", false),
        ] {
            std::fs::write(
                dir.path().join(PYPROJECT),
                format!("[project]\nname = \"x\"\nversion = \"1\"\n[[tool.binwheel.binary]]\nname = \"x\"\npath = \"{path}\"\n"),
            )
            .unwrap();
            let project = Project::load(dir.path()).unwrap();
            let b = &project.settings.binaries[0];
            let target = project.resolve_target(Some("linux-x86_64")).unwrap();
            let result = project.path_of("binary", &b.name, &b.path, &target);
            assert_eq!(result.is_ok(), ok, "{path}: {result:?}");
            if let Err(e) = result {
                assert!(e.message().contains("points outside the project"), "{e}");
                assert!(e.message().contains("pyproject.toml:6:8"), "{e}");
            }
        }
    }
}
