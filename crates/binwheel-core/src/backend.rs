//! The PEP 517 / PEP 660 hooks, as plain Rust functions.
//!
//! The PyO3 crate calls exactly these, one per hook, and nothing else. Each
//! takes the source directory, an output directory and [`Options`] (the
//! frontend's config settings plus the environment variables binwheel reads),
//! and returns the basename the hook must return.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::plan::{self, WheelPlan};
use crate::project::Project;
use crate::report::Reporter;
use crate::write::{self, zip::WheelWriter, Source};

/// What a hook call may be told besides the source tree.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Target name from `-C target=…` or `BINWHEEL_TARGET` (config wins).
    pub target: Option<String>,
    /// The raw `SOURCE_DATE_EPOCH`, if set.
    pub source_date_epoch: Option<String>,
    /// Where progress, warnings and build commands' output go (stderr
    /// unless the caller says otherwise).
    pub reporter: Reporter,
}

/// Config settings binwheel understands (`-C key=value`).
pub const CONFIG_SETTINGS: &[&str] = &["target"];

impl Options {
    /// Build options from the frontend's `config_settings`, an environment
    /// lookup and where messages go.
    pub fn new(
        config_settings: &BTreeMap<String, String>,
        env: impl Fn(&str) -> Option<String>,
        reporter: Reporter,
    ) -> Result<Options> {
        for key in config_settings.keys() {
            if !CONFIG_SETTINGS.contains(&key.as_str()) {
                let hint = match crate::error::did_you_mean(key, CONFIG_SETTINGS.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? "),
                    None => String::new(),
                };
                return Err(Error::new(format!(
                    "unknown config setting {key:?}\n  help: {hint}binwheel understands: {}",
                    CONFIG_SETTINGS.join(", ")
                )));
            }
        }
        let target = config_settings
            .get("target")
            .cloned()
            .or_else(|| env("BINWHEEL_TARGET"))
            .filter(|t| !t.trim().is_empty());
        Ok(Options {
            target,
            source_date_epoch: env("SOURCE_DATE_EPOCH"),
            reporter,
        })
    }
}

/// Load the project and plan its wheel for the requested target.
pub fn plan(source_dir: &Path, options: &Options) -> Result<(Project, WheelPlan)> {
    let project = Project::load(source_dir)?;
    let target = project.resolve_target(options.target.as_deref())?;
    let sbom_epoch = match options.source_date_epoch.as_deref().map(str::trim) {
        None | Some("") => None,
        raw => Some(write::timestamp(raw)?),
    };
    let plan = plan::plan_wheel(&project, &target, sbom_epoch, &options.reporter)?;
    Ok((project, plan))
}

/// `build_wheel`: write the wheel into `wheel_dir`, return its file name.
pub fn build_wheel(source_dir: &Path, wheel_dir: &Path, options: &Options) -> Result<String> {
    let epoch = write::timestamp(options.source_date_epoch.as_deref())?;
    let (project, plan) = plan(source_dir, options)?;
    let filename = write_wheel(&project, &plan, wheel_dir, epoch)?;
    warn_upload_size(&wheel_dir.join(&filename), &options.reporter);
    Ok(filename)
}

/// Create the directory a wheel or sdist goes into; a file in its place is
/// named as such (`binwheel build -o FILE`), not as a bare "File exists".
fn output_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| {
        if dir.exists() && !dir.is_dir() {
            Error::new(format!(
                "the output directory {} is a file, not a directory\n  \
                 help: give a directory to write into (`-o DIR`), or remove the file",
                dir.display()
            ))
        } else {
            Error::io("cannot create the output directory", dir, e)
        }
    })
}

/// Say on stderr when a wheel or sdist is over PyPI's default upload limit:
/// the artifact is right, but uploading it would fail
/// ([`crate::check::upload_size_note`]). Editable wheels are never uploaded.
fn warn_upload_size(path: &Path, reporter: &Reporter) {
    if let Some(note) = crate::check::upload_size_note(path) {
        let name = path.file_name().unwrap_or(path.as_os_str());
        reporter.warning(&format!("{}: {note}", name.to_string_lossy()));
    }
}

/// `build_editable`: a PEP 660 wheel whose Python code stays in the source
/// tree (see [`plan::make_editable`]); the host's binary is found, built or
/// downloaded as for a regular wheel.
pub fn build_editable(source_dir: &Path, wheel_dir: &Path, options: &Options) -> Result<String> {
    let epoch = write::timestamp(options.source_date_epoch.as_deref())?;
    let (project, plan) = plan(source_dir, options)?;
    let plan = plan::make_editable(&project, plan)?;
    write_wheel(&project, &plan, wheel_dir, epoch)
}

fn write_wheel(
    project: &Project,
    plan: &WheelPlan,
    wheel_dir: &Path,
    epoch: i64,
) -> Result<String> {
    output_dir(wheel_dir)?;
    let filename = plan.filename();
    let level = project.settings.compression_level.as_ref().map(|l| l.value);
    let mut writer = WheelWriter::create(&wheel_dir.join(&filename), epoch, level)?;
    for entry in plan.files.iter().chain(&plan.dist_info) {
        writer.add(entry)?;
    }
    writer.finish(&plan.record_path())?;
    Ok(filename)
}

/// `prepare_metadata_for_build_wheel`: write `.dist-info` into `metadata_dir`.
///
/// PEP 517 asks for a valid `.dist-info` except RECORD, and the wheel
/// specification makes WHEEL part of that. WHEEL's tags come from the
/// binaries, so this plans the whole wheel as `build_wheel` does (finding,
/// downloading or building each binary, and inspecting it) and writes the
/// plan's `.dist-info` entries: METADATA, WHEEL, entry_points.txt and the
/// license files, byte for byte those of the wheel built for the same target.
pub fn prepare_metadata(
    source_dir: &Path,
    metadata_dir: &Path,
    options: &Options,
) -> Result<String> {
    let (_project, plan) = plan(source_dir, options)?;
    let dist_info = &plan.dist_info;
    let name = plan.dist_info_dir();
    let staging = tempfile::Builder::new()
        .prefix(".binwheel-")
        .tempdir_in(metadata_dir)
        .map_err(|e| Error::io("cannot create a directory in", metadata_dir, e))?;
    for entry in dist_info {
        let rel = entry
            .path
            .strip_prefix(&format!("{name}/"))
            .unwrap_or(&entry.path);
        let dest = staging.path().join(rel);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create", parent, e))?;
        }
        match &entry.source {
            Source::Bytes(data) => std::fs::write(&dest, data),
            Source::File(src) => std::fs::copy(src, &dest).map(|_| ()),
        }
        .map_err(|e| Error::io("cannot write", &dest, e))?;
    }
    let final_dir = metadata_dir.join(&name);
    if final_dir.exists() {
        std::fs::remove_dir_all(&final_dir)
            .map_err(|e| Error::io("cannot replace", &final_dir, e))?;
    }
    // On failure `staging` is dropped, which deletes it: nothing is left.
    std::fs::rename(staging.path(), &final_dir)
        .map_err(|e| Error::io("cannot create", &final_dir, e))?;
    let _ = staging.keep(); // it is `final_dir` now; nothing to delete
    Ok(name)
}

/// `get_requires_for_build_wheel`: the `build-requires` of binaries that
/// this build will build (none when every prebuilt file is present).
///
/// Validates the project first, so configuration errors surface at the first
/// hook a frontend calls.
pub fn requires_for_build_wheel(source_dir: &Path, options: &Options) -> Result<Vec<String>> {
    let project = Project::load(source_dir)?;
    let target = project.resolve_target(options.target.as_deref())?;
    crate::source::build_requires(&project, &target)
}

/// `get_requires_for_build_sdist`.
pub fn requires_for_build_sdist(source_dir: &Path, _options: &Options) -> Result<Vec<String>> {
    Project::load(source_dir)?;
    Ok(Vec::new())
}

/// `build_sdist`: write the source distribution into `sdist_dir`, return its
/// file name (`{dist_name}-{version}.tar.gz`). Needs no binary and no target.
pub fn build_sdist(source_dir: &Path, sdist_dir: &Path, options: &Options) -> Result<String> {
    let epoch = write::timestamp(options.source_date_epoch.as_deref())?;
    let project = Project::load(source_dir)?;
    output_dir(sdist_dir)?;
    let plan = crate::sdist::plan_sdist(&project, Some(sdist_dir))?;
    let filename = plan.filename();
    let mut writer = write::tar::TarGzWriter::create(&sdist_dir.join(&filename), epoch)?;
    for entry in &plan.entries {
        writer.add(entry)?;
    }
    writer.finish()?;
    warn_upload_size(&sdist_dir.join(&filename), &options.reporter);
    Ok(filename)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::Target;

    /// A project whose binary for this machine is the test executable itself;
    /// `project` and `tool` are appended to [project] and [tool.binwheel].
    fn host_project(project: &str, tool: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let host = Target::host().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::copy(
            std::env::current_exe().unwrap(),
            bin.join(format!("x{}", host.exe_suffix())),
        )
        .unwrap();
        std::fs::write(dir.path().join("README.md"), "# x\n").unwrap();
        std::fs::write(dir.path().join("LICENSE"), "MIT\n").unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            format!(
                "[project]\nname = \"x-tool\"\n{project}\n\
                 [tool.binwheel]\ncompression-level = 0\n{tool}\n\
                 [[tool.binwheel.binary]]\nname = \"x\"\npath = \"bin/x{{exe}}\"\nscript = \"x\"\n"
            ),
        )
        .unwrap();
        dir
    }

    fn listing(dir: &Path) -> Vec<String> {
        match std::fs::read_dir(dir) {
            Ok(entries) => entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    #[test]
    fn prepared_dist_info_is_the_wheels_byte_for_byte() {
        let project = host_project(
            "version = \"1.0\"\nreadme = \"README.md\"\nlicense = \"MIT\"\n\
             import-names = [\"x_tool\"]\n\
             [project.entry-points.\"x_tool.plugins\"]\nx = \"x_tool:plugin\"\n",
            "package = \"x_tool\"",
        );
        let out = tempfile::tempdir().unwrap();
        let (wheels, meta) = (out.path().join("wheels"), out.path().join("meta"));
        std::fs::create_dir(&meta).unwrap();
        let options = Options::default();
        let wheel = build_wheel(project.path(), &wheels, &options).unwrap();
        let name = prepare_metadata(project.path(), &meta, &options).unwrap();
        assert_eq!(name, "x_tool-1.0.dist-info");

        let mut archive =
            zip::ZipArchive::new(std::fs::File::open(wheels.join(&wheel)).unwrap()).unwrap();
        let mut in_wheel = Vec::new();
        for i in 0..archive.len() {
            let mut member = archive.by_index(i).unwrap();
            let path = member.name().unwrap().to_string();
            if let Some(rel) = path.strip_prefix(&format!("{name}/")) {
                if rel != "RECORD" {
                    let mut data = Vec::new();
                    std::io::Read::read_to_end(&mut member, &mut data).unwrap();
                    in_wheel.push((rel.to_string(), data));
                }
            }
        }
        let mut prepared = Vec::new();
        for entry in ignore::WalkBuilder::new(meta.join(&name))
            .standard_filters(false)
            .build()
        {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                let rel = entry.path().strip_prefix(meta.join(&name)).unwrap();
                prepared.push((
                    rel.to_string_lossy().replace('\\', "/"),
                    std::fs::read(entry.path()).unwrap(),
                ));
            }
        }
        prepared.sort();
        in_wheel.sort();
        let names: Vec<&str> = prepared.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            names,
            ["METADATA", "WHEEL", "entry_points.txt", "licenses/LICENSE"]
        );
        assert_eq!(prepared, in_wheel);
        assert_eq!(
            listing(&meta),
            [name.as_str()],
            "no staging directory is left"
        );
    }

    /// Each refusal of issue 18's rules through every hook: the message points
    /// at the line and column with a help line, and no output is left.
    #[test]
    fn metadata_refusals_leave_no_output() {
        for (project, tool, says) in [
            (
                "version = \"1\"\n[project.entry-points.\"my group\"]\nx = \"a:b\"\n",
                "",
                "pyproject.toml:4:23: the entry point group \"my group\" contains ' '",
            ),
            (
                "version = \"1\"\nimport-names = [\"spam\"]\nimport-namespaces = [\"spam\"]\n",
                "",
                "pyproject.toml:5:22: \"spam\" is listed in both `project.import-names` and `project.import-namespaces`",
            ),
            (
                "version = \"1\"\ndynamic = [\"version\"]\n",
                "",
                "pyproject.toml:4:12: `version` is both written in [project] and listed in `project.dynamic`",
            ),
            (
                "version = \"1\"\ndynamic = [\"version\"]\n",
                "[tool.binwheel.version]\nfile = \"MISSING\"\n",
                "pyproject.toml:4:12: `version` is both written",
            ),
            (
                "version = \"1\"\ndynamic = [\"readme\", \"version\"]\n",
                "unknown-key = 1\n",
                "pyproject.toml:4:22: `version` is both written",
            ),
        ] {
            let dir = host_project(project, tool);
            let out = tempfile::tempdir().unwrap();
            let meta = out.path().join("meta");
            std::fs::create_dir(&meta).unwrap();
            let options = Options::default();
            let errors = [
                build_wheel(dir.path(), &out.path().join("wheel"), &options).unwrap_err(),
                build_editable(dir.path(), &out.path().join("editable"), &options).unwrap_err(),
                prepare_metadata(dir.path(), &meta, &options).unwrap_err(),
                build_sdist(dir.path(), &out.path().join("sdist"), &options).unwrap_err(),
                requires_for_build_wheel(dir.path(), &options).unwrap_err(),
            ];
            for e in errors {
                let e = e.message();
                assert!(e.starts_with(says), "{project}{tool}: {e}");
                assert!(e.contains("\n  help: "), "{e}");
                assert!(e.contains('^'), "{e}");
            }
            assert_eq!(listing(out.path()), ["meta"], "{project}");
            assert!(listing(&meta).is_empty(), "{project}");
        }
    }

    #[test]
    fn an_output_directory_that_is_a_file_is_named_so() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("dist");
        std::fs::write(&file, b"").unwrap();
        let err = output_dir(&file).unwrap_err().to_string();
        assert!(err.contains("dist is a file, not a directory"), "{err}");
        assert!(err.contains("help: give a directory"), "{err}");
        // Below a file: the file is the output directory's parent.
        let err = output_dir(&file.join("sub")).unwrap_err().to_string();
        assert!(
            err.starts_with("cannot create the output directory"),
            "{err}"
        );
        let fresh = tmp.path().join("a/b");
        output_dir(&fresh).unwrap();
        assert!(fresh.is_dir());
        output_dir(&fresh).unwrap(); // already there: fine
    }
}
