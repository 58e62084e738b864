//! A project: `pyproject.toml` read once into typed, validated values.
//!
//! Owns loading the file, splitting it into [project] metadata and
//! [tool.binwheel] settings, and finding the Python package that receives
//! `_bin/`. It does not decide what goes into an archive; that is `plan`.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::keys::is_identifier;
use crate::metadata::{DynamicValues, Metadata};
use crate::plan::{expand, ResolvedTarget};
use crate::settings::Settings;
use crate::target::Target;
use crate::toml::{Table, TomlFile};
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
        let settings = Settings::read(binwheel)?;
        let supplied = dynamic_values(root, &pyproject, &project_table, &settings)?;
        let metadata = Metadata::read_with(project_table, root, supplied)?;
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

/// The first binary's prebuilt file for this machine, if present (for `binary = [...]`).
fn host_binary(root: &Path, settings: &Settings) -> Result<Option<PathBuf>> {
    let (Some(binary), Some(target)) = (settings.binaries.first(), Target::host()) else {
        return Ok(None);
    };
    if binary.path.value.contains("{version}") {
        return Err(Error::new(format!(
            "binary {:?}: `path` uses {{version}}, but the version is read from that binary",
            binary.name.value
        )));
    }
    let key = settings
        .target(target)
        .map_or_else(|| target.name(), |t| t.key.value.clone());
    let resolved = ResolvedTarget { target, key };
    let path = root.join(expand(&binary.path.value, &resolved, "")?);
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
