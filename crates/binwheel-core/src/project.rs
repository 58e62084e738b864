//! A project: `pyproject.toml` read once into typed, validated values.
//!
//! Owns loading the file, splitting it into [project] metadata and
//! [tool.binwheel] settings, and finding the Python package that receives
//! `_bin/`. It does not decide what goes into an archive; that is `plan`.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::metadata::Metadata;
use crate::settings::{is_identifier, Settings};
use crate::toml::TomlFile;

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
        let metadata = Metadata::read(project_table, root)?;
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
