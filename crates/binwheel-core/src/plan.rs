//! Project + target → Plan: which files go into a wheel, under which names
//! and modes, with which tags.
//!
//! The plan is data. Writing it is a separate step, so the same plan serves a
//! wheel, a metadata directory, an editable wheel and a dry-run listing. This
//! module decides names, modes and order; it does not parse TOML (that is
//! `project`) and does not write bytes (that is `write`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::check::finding::Finding;
use crate::check::finding::Severity;
use crate::check::gate::Gate;
use crate::check::signature::signature_findings;
use crate::error::{Error, Result};
use crate::inspect;
use crate::linkage;
use crate::locator::{self, LocatedBinary};
use crate::project::{PackageSource, Project};
use crate::report::Reporter;
use crate::sbom;
use crate::settings::{BinarySettings, Install, TargetSettings};
use crate::source::{self, BuildDir};
use crate::tags::{self, PlatformTag, TagPolicy};
use crate::target::ResolvedTarget;
use crate::write::{Entry, Source};

/// Everything a wheel will contain.
#[derive(Debug, Clone)]
pub struct WheelPlan {
    pub dist_name: String,
    pub version: String,
    pub target: ResolvedTarget,
    /// Platform tags, sorted (`manylinux2014_x86_64`, `manylinux_2_17_x86_64`, …).
    pub platform_tags: Vec<PlatformTag>,
    /// Package files and binaries, sorted by path.
    pub files: Vec<Entry>,
    /// `.dist-info` files except RECORD, sorted by path.
    pub dist_info: Vec<Entry>,
    /// Holds binaries built for this plan until the plan is dropped.
    _build_dir: BuildDir,
}

impl WheelPlan {
    pub fn dist_info_dir(&self) -> String {
        dist_info_dir(&self.dist_name, &self.version)
    }

    pub fn record_path(&self) -> String {
        format!("{}/RECORD", self.dist_info_dir())
    }

    /// `{name}-{version}-py3-none-{platform tags joined by '.'}.whl`
    pub fn filename(&self) -> String {
        format!(
            "{}-{}-py3-none-{}.whl",
            self.dist_name,
            self.version,
            tags::compressed(&self.platform_tags)
        )
    }
}

/// `{name}-{version}.dist-info`: the metadata directory of a wheel.
pub fn dist_info_dir(dist_name: &str, version: &str) -> String {
    format!("{dist_name}-{version}.dist-info")
}

/// The binaries of a wheel as the locator names them (no file needed yet).
fn located(project: &Project, target: &ResolvedTarget) -> Vec<LocatedBinary> {
    project
        .settings
        .binaries
        .iter()
        .map(|b| LocatedBinary {
            name: b.name.value.clone(),
            file_name: format!("{}{}", b.name.value, target.target.exe_suffix()),
            dir: b.dir.as_ref().map(|d| d.value.clone()),
            script: b.script.as_ref().map(|s| s.value.clone()),
            in_scripts: b.install == Install::Scripts,
        })
        .collect()
}

/// `.dist-info` files except WHEEL and RECORD, sorted: the part that needs
/// no binary (WHEEL's tags do; [`plan_wheel`] adds it).
fn plan_dist_info(project: &Project, target: &ResolvedTarget) -> Result<Vec<Entry>> {
    let meta = &project.metadata;
    let console = locator::console_scripts(&project.package, &located(project, target))?;
    for b in &project.settings.binaries {
        let Some(command) = b.command() else { continue };
        if meta.scripts.contains_key(&command.value)
            || meta.gui_scripts.contains_key(&command.value)
        {
            let what = match b.install {
                Install::Package => "the `script` of binary",
                Install::Scripts => "installed into scripts/ (install = \"scripts\") by binary",
            };
            return Err(project.pyproject.error(
                command.span.clone(),
                format!(
                    "command {:?} is both {what} {:?} and an entry in [project.scripts] or [project.gui-scripts]",
                    command.value, b.name.value
                ),
                Some("pip would silently keep only one of them; rename one".into()),
            ));
        }
    }
    let dir = dist_info_dir(&meta.dist_name(), &meta.version_string());
    let mut dist_info = vec![Entry::bytes(
        format!("{dir}/METADATA"),
        meta.core_metadata(&[]),
    )];
    if let Some(text) = meta.entry_points_txt(&console) {
        dist_info.push(Entry::bytes(format!("{dir}/entry_points.txt"), text));
    }
    for lf in &meta.license_files {
        dist_info.push(Entry::file(
            format!("{dir}/licenses/{}", lf.name),
            lf.source.clone(),
            false,
        ));
    }
    dist_info.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(dist_info)
}

/// A binary installed into scripts/ lands in the environment's `bin/`
/// (`Scripts\` on Windows), while `[[tool.binwheel.library]]` files go to
/// `<package>/_bin/`: its run path (`$ORIGIN`, `@loader_path`) or the
/// executable's directory cannot lead from one to the other. Refuse it
/// rather than ship a binary that fails to start.
fn scripts_cannot_load_libraries(
    project: &Project,
    b: &BinarySettings,
    facts: &inspect::Facts,
) -> Result<()> {
    let base = |name: &str| name.rsplit(['/', '\\']).next().unwrap_or(name).to_string();
    let mut loads: Vec<String> = Vec::new();
    if let Some(elf) = &facts.elf {
        loads.extend(elf.needed.iter().map(|n| base(n)));
    }
    if let Some(macho) = &facts.macho {
        loads.extend(
            macho
                .slices
                .iter()
                .flat_map(|s| s.dylibs.iter().map(|d| base(d))),
        );
    }
    if let Some(pe) = &facts.pe {
        loads.extend(pe.imports.iter().map(|d| base(d)));
    }
    let shipped = project.settings.libraries.iter().find(|lib| {
        loads.iter().any(|l| {
            l == &lib.name.value || (facts.pe.is_some() && l.eq_ignore_ascii_case(&lib.name.value))
        })
    });
    match shipped {
        None => Ok(()),
        Some(lib) => Err(project.pyproject.error(
            b.name.span.clone(),
            format!(
                "binary {:?} has install = \"scripts\", but it loads {}, which binwheel ships in \
                 <package>/_bin/; installed into the scripts directory it would not find it there",
                b.name.value, lib.name.value
            ),
            Some(
                "use install = \"package\" for a binary that loads a shipped library (its \
                 `script` key gives it a command on PATH)"
                    .into(),
            ),
        )),
    }
}

/// Plan the wheel for one target, downloading or building binaries that have
/// no prebuilt file. `sbom_epoch` (`SOURCE_DATE_EPOCH`) is the only time an
/// SBOM may carry.
pub fn plan_wheel(
    project: &Project,
    target: &ResolvedTarget,
    sbom_epoch: Option<i64>,
    reporter: &Reporter,
) -> Result<WheelPlan> {
    let located = located(project, target);
    let mut build_dir = BuildDir::default();
    let (mut files, facts) = binaries(project, target, &located, &mut build_dir, reporter)?;
    check_linkage(project, target, &files, &facts)?;
    let platform_tags = platform_tags(project, target, &facts, &files, reporter)?;
    // `binaries` put one entry per configured binary first, in order.
    let shipped = &files[..project.settings.binaries.len()];
    let sboms = binary_sboms(project, target, shipped, sbom_epoch, reporter)?;
    package_files(project, &located, &mut files)?;
    files.sort_by(|a, b| a.path.cmp(&b.path));

    let dist_name = project.metadata.dist_name();
    let version = project.metadata.version_string();
    let mut dist_info = plan_dist_info(project, target)?;
    dist_info.extend(sboms);
    dist_info.push(Entry::bytes(
        format!("{}/WHEEL", dist_info_dir(&dist_name, &version)),
        wheel_file(&platform_tags),
    ));
    dist_info.sort_by(|a, b| a.path.cmp(&b.path));

    Ok(WheelPlan {
        dist_name,
        version,
        target: target.clone(),
        platform_tags,
        files,
        dist_info,
        _build_dir: build_dir,
    })
}

/// A binary or library's facts, labelled for tag errors ("hello (bin/linux-x86_64/hello)").
type Labelled = (String, inspect::Facts);

/// The entries of the binaries and shared libraries for `target` (found,
/// downloaded or built), with the facts their tags come from.
fn binaries(
    project: &Project,
    target: &ResolvedTarget,
    located: &[LocatedBinary],
    build_dir: &mut BuildDir,
    reporter: &Reporter,
) -> Result<(Vec<Entry>, Vec<Labelled>)> {
    let meta = &project.metadata;
    let package = &project.package;
    let mut files = Vec::new();
    let mut facts = Vec::new();
    for (b, loc) in project.settings.binaries.iter().zip(located) {
        let path = source::file(
            project,
            b.into(),
            target,
            &loc.file_name,
            build_dir,
            reporter,
        )?;
        let label = format!("{} ({})", b.name.value, project.shown(&path));
        let binary_facts = inspect::inspect_file(&path)?;
        refuse_bad_signature(&label, &project.shown(&path), &binary_facts)?;
        if b.install == Install::Scripts {
            scripts_cannot_load_libraries(project, b, &binary_facts)?;
        }
        facts.push((label, binary_facts));
        let archive_path = match b.install {
            Install::Package => in_bin(package, loc.dir.as_deref(), &loc.file_name),
            Install::Scripts => format!(
                "{}-{}.data/scripts/{}",
                meta.dist_name(),
                meta.version_string(),
                loc.file_name
            ),
        };
        files.push(Entry::file(archive_path, path, true));
    }
    // Shared libraries go beside the binaries; their facts count for the tags
    // too, and the binaries may load them.
    for lib in &project.settings.libraries {
        let name = &lib.name.value;
        let path = source::file(project, lib.into(), target, name, build_dir, reporter)?;
        let label = format!("{} ({})", lib.name.value, project.shown(&path));
        let lib_facts = inspect::inspect_file(&path)?;
        refuse_bad_signature(&label, &project.shown(&path), &lib_facts)?;
        facts.push((label, lib_facts));
        let dir = lib.dir.as_ref().map(|d| d.value.as_str());
        files.push(Entry::file(
            in_bin(package, dir, &lib.name.value),
            path,
            true,
        ));
    }
    Ok((files, facts))
}

/// The signature rule of `binwheel check` (BW301, BW302) at build time: no
/// wheel ships a Mach-O that macOS kills at launch.
fn refuse_bad_signature(label: &str, shown: &str, facts: &inspect::Facts) -> Result<()> {
    let errors: Vec<String> = signature_findings(shown, facts)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| {
            format!(
                "{label}: {} [{} {}]\n  help: {}",
                f.message,
                f.rule.id,
                f.rule.name,
                f.help.as_deref().unwrap_or(f.rule.fix)
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::new(errors.join("\n")))
    }
}

/// `<package>/_bin/[<dir>/]<file>`: where a binary or library lands.
fn in_bin(package: &str, dir: Option<&str>, file: &str) -> String {
    match dir {
        Some(dir) => format!("{package}/_bin/{dir}/{file}"),
        None => format!("{package}/_bin/{file}"),
    }
}

/// Every library a binary or library of the wheel loads must resolve, the
/// way the loader will search for it, among the files the wheel installs
/// (`linkage`). `files` and `facts` are parallel, as [`binaries`] returns
/// them. One error lists every problem, each with its fix; nothing has been
/// written yet.
fn check_linkage(
    project: &Project,
    target: &ResolvedTarget,
    files: &[Entry],
    facts: &[Labelled],
) -> Result<()> {
    let scripts = format!(
        "{}-{}.data/scripts/",
        project.metadata.dist_name(),
        project.metadata.version_string()
    );
    let installed: Vec<String> = files
        .iter()
        .map(|e| match e.path.strip_prefix(&scripts) {
            Some(name) => format!("{}/{name}", linkage::SCRIPTS),
            None => e.path.clone(),
        })
        .collect();
    let shipped: Vec<linkage::Shipped> = installed
        .iter()
        .zip(facts)
        .map(|(path, (_, facts))| linkage::Shipped { path, facts })
        .collect();
    let allow = project
        .settings
        .target(target.target)
        .map(|t| t.allow_libraries.clone())
        .unwrap_or_default();
    let problems = linkage::unresolved(&shipped, &allow);
    if problems.is_empty() {
        return Ok(());
    }
    let label = |path: &str| {
        let i = installed.iter().position(|p| p == path);
        i.map_or(path.to_string(), |i| facts[i].0.clone())
    };
    let text: Vec<String> = problems
        .iter()
        .map(|u| {
            format!(
                "{} cannot start as installed: {}\n  help: {}",
                label(&u.file),
                u.message(),
                linkage_help(project, &installed, u)
            )
        })
        .collect();
    Err(Error::new(format!(
        "{}\n  note: binwheel never rewrites a binary (signed binaries must stay signed); \
         it places the files where the binaries look",
        text.join("\n")
    )))
}

/// The fix for one unresolved library, in the project's own keys.
fn linkage_help(project: &Project, installed: &[String], u: &linkage::Unresolved) -> String {
    let bin_root = format!("{}/_bin", project.package);
    let name = u.library.rsplit('/').next().unwrap_or(&u.library);
    let library = project
        .settings
        .libraries
        .iter()
        .find(|l| l.name.value.eq_ignore_ascii_case(name));
    let Some(wanted) = &u.wanted_dir else {
        return u.help();
    };
    let ship = |dir: &str| -> String {
        let key = if dir.is_empty() {
            String::new()
        } else {
            format!(" with `dir = \"{dir}\"`")
        };
        match library {
            Some(l) => format!(
                "put {name} at {wanted}/{key} on its [[tool.binwheel.library]] {:?}",
                l.name.value
            ),
            None => format!(
                "ship {name} as a [[tool.binwheel.library]] (name = \"{name}\"){key}, so it \
                 lands at {wanted}/"
            ),
        }
    };
    if wanted == &bin_root {
        return ship("");
    }
    if let Some(dir) = wanted.strip_prefix(&format!("{bin_root}/")) {
        return ship(dir);
    }
    // `$ORIGIN/../lib` from `<package>/_bin/`: move the binary down a level.
    let binary_in_root = installed.contains(&u.file)
        && u.file.rsplit_once('/').map(|(d, _)| d) == Some(bin_root.as_str());
    match wanted.strip_prefix(&format!("{}/", project.package)) {
        Some(dir) if binary_in_root && !dir.contains('/') => {
            let binary = u.file.rsplit('/').next().unwrap_or(&u.file);
            format!(
                "{binary} looks in {dir}/ beside its own directory: give its \
                 [[tool.binwheel.binary]] `dir = \"bin\"` (it then lands at {bin_root}/bin/) \
                 and {}",
                ship(dir).replacen(wanted.as_str(), &format!("{bin_root}/{dir}"), 1)
            )
        }
        _ => u.help(),
    }
}

/// The wheel's platform tags: from the facts, under the target's settings
/// (floors, allowed libraries, a pinned tag).
fn platform_tags(
    project: &Project,
    target: &ResolvedTarget,
    facts: &[Labelled],
    files: &[Entry],
    reporter: &Reporter,
) -> Result<Vec<PlatformTag>> {
    let target_settings: Option<&TargetSettings> = project.settings.target(target.target);
    let mut allow_libraries: Vec<String> = target_settings
        .map(|t| t.allow_libraries.clone())
        .unwrap_or_default();
    allow_libraries.extend(
        project
            .settings
            .libraries
            .iter()
            .map(|l| l.name.value.clone()),
    );
    let policy = TagPolicy {
        manylinux: target_settings.and_then(|t| t.manylinux.as_ref().map(|s| s.value)),
        musllinux: target_settings.and_then(|t| t.musllinux.as_ref().map(|s| s.value)),
        allow_libraries,
    };
    let pinned = target_settings.and_then(|t| t.tag.as_ref().map(|s| s.value.tags.as_slice()));
    let named: Vec<(&str, &inspect::Facts)> = facts.iter().map(|(n, f)| (n.as_str(), f)).collect();
    let tags = tags::wheel_tags(target.target, &named, pinned, &policy)?;
    // A finding is about the binary's path in the wheel (what an ignore's
    // glob matches); `binaries` made `files` and `facts` side by side.
    let warnings = tags::tag_warnings(&tags, &named, &policy)
        .into_iter()
        .map(|mut w| {
            let archived = facts
                .iter()
                .zip(files)
                .find(|((label, _), _)| w.file.as_deref() == Some(label.as_str()));
            if let Some((_, entry)) = archived {
                w.file = Some(entry.path.clone());
            }
            w
        })
        .collect();
    build_warnings(&project.settings.check_gate(), warnings, reporter)?;
    Ok(tags)
}

/// What the build says about warnings of `binwheel check`'s rules (a
/// Visual C++ runtime import): each reported, unless ignored in
/// `[tool.binwheel.check]`; with `strict = true` they stop the build.
fn build_warnings(gate: &Gate, warnings: Vec<Finding>, reporter: &Reporter) -> Result<()> {
    let gated = gate.apply(warnings);
    if gated.has_errors() {
        let lines: Vec<String> = gated.findings.iter().map(Finding::render).collect();
        return Err(Error::new(format!(
            "{}\n  help: [tool.binwheel.check] has strict = true, so warnings stop the build; \
             fix them, or ignore a rule for a file (ignore = [\"{}:GLOB\"])",
            lines.join("\n"),
            gated.findings[0].rule.id
        )));
    }
    for w in &gated.findings {
        reporter.warning(w.render().trim_start_matches(w.severity.as_str()));
    }
    Ok(())
}

/// The package's own files (or a generated `__init__.py`) and the generated
/// locator and `__main__` modules.
fn package_files(
    project: &Project,
    located: &[LocatedBinary],
    files: &mut Vec<Entry>,
) -> Result<()> {
    let package = &project.package;
    match &project.package_source {
        PackageSource::Directory(dir) => collect_package(&project.root, dir, package, files)?,
        PackageSource::Generated => files.push(Entry::bytes(
            format!("{package}/__init__.py"),
            format!(
                "\"\"\"{} packaged by binwheel: see `{package}._bin` for the executables.\"\"\"\n",
                project.metadata.name.value
            ),
        )),
    }
    files.push(Entry::bytes(
        format!("{package}/_bin/__init__.py"),
        locator::render(located),
    ));
    if let Some(main) = locator::render_main(located) {
        files.push(Entry::bytes(format!("{package}/_bin/__main__.py"), main));
    }
    // `python -m <package>` runs the binary unless the package has its own __main__.py.
    let package_main = format!("{package}/__main__.py");
    if !files.iter().any(|f| f.path == package_main) {
        if let Some(main) = locator::render_package_main(located) {
            files.push(Entry::bytes(package_main, main));
        }
    }
    Ok(())
}

/// `.dist-info/sboms/<binary>.cdx.json` for each shipped binary whose
/// compiler embedded its modules or crates, after checking the Go build
/// settings against the target (a second witness beside the header facts)
/// and the main module's version against the wheel's.
fn binary_sboms(
    project: &Project,
    target: &ResolvedTarget,
    shipped: &[Entry],
    epoch: Option<i64>,
    reporter: &Reporter,
) -> Result<Vec<Entry>> {
    let dir = dist_info_dir(
        &project.metadata.dist_name(),
        &project.metadata.version_string(),
    );
    let mut out = Vec::new();
    for (b, entry) in project.settings.binaries.iter().zip(shipped) {
        let crate::write::Source::File(path) = &entry.source else {
            continue;
        };
        let embedded = inspect::embedded_file(path)?;
        let label = format!("binary {:?} ({})", b.name.value, project.shown(path));
        for problem in embedded.iter().flat_map(|e| &e.problems) {
            reporter.warning(&format!(
                "{label}: {problem}; its SBOM leaves that part out"
            ));
        }
        for slice in &embedded {
            if let Some(go) = &slice.go {
                go_matches_target(project, target, b, &label, slice.slice.as_deref(), go)?;
                go_version_note(project, &label, go, reporter);
            }
        }
        if !(project.settings.sbom && b.sbom) {
            continue;
        }
        let sha256 = sha256_file(path)?;
        let binary = sbom::Binary {
            name: &b.name.value,
            archive_path: &entry.path,
            sha256: &sha256,
        };
        if let Some(text) = sbom::cyclonedx(&binary, &embedded, epoch) {
            out.push(Entry::bytes(
                format!("{dir}/sboms/{}.cdx.json", b.name.value),
                text,
            ));
        }
    }
    user_sboms(project, &dir, &mut out)?;
    Ok(out)
}

/// `sbom-files`: copied into `.dist-info/sboms/` under their own names.
fn user_sboms(project: &Project, dir: &str, out: &mut Vec<Entry>) -> Result<()> {
    for file in &project.settings.sbom_files {
        let path = project.root.join(&file.value);
        let name = file.value.rsplit(['/', '\\']).next().unwrap_or_default();
        let archive_path = format!("{dir}/sboms/{name}");
        let problem = if !path.is_file() {
            Some((
                format!("`sbom-files`: {} is not a file", file.value),
                "write the path of an SBOM document relative to pyproject.toml, or remove the entry",
            ))
        } else if out.iter().any(|e| e.path == archive_path) {
            Some((
                format!(
                    "`sbom-files`: {name} has the name of the SBOM binwheel writes for a binary"
                ),
                "rename the file, or set sbom = false on that binary to ship yours instead",
            ))
        } else {
            None
        };
        if let Some((message, help)) = problem {
            return Err(project
                .pyproject
                .error(file.span.clone(), message, Some(help.into())));
        }
        project.check_inside(&path)?;
        out.push(Entry::file(archive_path, path, false));
    }
    Ok(())
}

/// GOOS and GOARCH from the Go build info must name the target's OS and
/// architecture (for a universal2 binary, each slice's own).
fn go_matches_target(
    project: &Project,
    target: &ResolvedTarget,
    b: &BinarySettings,
    label: &str,
    slice: Option<&str>,
    go: &inspect::gobuildinfo::GoBuildInfo,
) -> Result<()> {
    let t = target.target;
    let want_arch = match slice {
        Some("x86_64") => Some("amd64"),
        Some("arm64") => Some("arm64"),
        _ => t.arch.goarch(),
    };
    let (goos, goarch) = (go.setting("GOOS"), go.setting("GOARCH"));
    let os_ok = goos.is_none_or(|g| g == t.os.goos());
    let arch_ok = goarch.is_none_or(|g| want_arch.is_none_or(|w| w == g));
    if os_ok && arch_ok {
        return Ok(());
    }
    Err(project.pyproject.error(
        b.name.span.clone(),
        format!(
            "{label}: its Go build info says GOOS={} GOARCH={}, but the target is {}",
            goos.unwrap_or("?"),
            goarch.unwrap_or("?"),
            target.key
        ),
        Some(format!(
            "build it with GOOS={} GOARCH={} (the {{goos}} and {{goarch}} placeholders give them              per target), or point `path` at the binary built for {}",
            t.os.goos(),
            want_arch.unwrap_or("?"),
            target.key
        )),
    ))
}

/// A warning when the main module has a real version (a tag, not `(devel)`
/// or a pseudo-version) that differs from the wheel's.
fn go_version_note(
    project: &Project,
    label: &str,
    go: &inspect::gobuildinfo::GoBuildInfo,
    reporter: &Reporter,
) {
    let Some(main) = &go.main else { return };
    let Some(tag) = main.version.strip_prefix('v') else {
        return;
    };
    let pseudo =
        regex::Regex::new(r"(^|[-.])(0\.)?\d{14}-[0-9a-f]{12}").is_ok_and(|re| re.is_match(tag));
    if pseudo || tag.contains("+dirty") {
        return;
    }
    let wheel = project.metadata.version_string();
    let same = match tag.parse::<pep440_rs::Version>() {
        Ok(v) => v == project.metadata.version,
        Err(_) => tag == wheel,
    };
    if !same {
        reporter.warning(&format!(
            "{label}: its Go main module {} is version {}, but the wheel's version is {wheel};              check that this is the binary of this release",
            main.path, main.version
        ));
    }
}

/// Hex SHA-256 of a file, streamed.
fn sha256_file(path: &Path) -> Result<String> {
    use sha2::Digest;
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|e| Error::io("cannot open", path, e))?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| Error::io("cannot read", path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Turn a wheel plan into a PEP 660 editable one.
///
/// The package's Python files stay in the source tree: a `.pth` file puts the
/// directory holding the package on `sys.path`, so edits take effect without
/// a reinstall. `<package>._bin` (the locator and the binaries, which are not
/// in the source tree) is installed beside it and served by a small import
/// finder that the `.pth` file loads. Nothing is written into the source tree.
/// A project without Python code gets the regular wheel.
pub fn make_editable(project: &Project, mut plan: WheelPlan) -> Result<WheelPlan> {
    editable_locator(project, &mut plan)?;
    let PackageSource::Directory(dir) = &project.package_source else {
        return Ok(plan);
    };
    let package = &project.package;
    let parent = dir
        .parent()
        .and_then(|p| std::path::absolute(p).ok())
        .ok_or_else(|| Error::new(format!("cannot resolve the directory of {}", dir.display())))?;
    let parent = parent.to_str().ok_or_else(|| {
        Error::new(format!(
            "editable installs need a UTF-8 project path; {} is not",
            parent.display()
        ))
    })?;
    let module = format!("_binwheel_editable_{package}");
    let bin_dir = format!("{module}_bin");
    let bin_prefix = format!("{package}/_bin/");
    let package_prefix = format!("{package}/");
    let mut files = Vec::new();
    for mut entry in std::mem::take(&mut plan.files) {
        if let Some(rest) = entry.path.strip_prefix(&bin_prefix) {
            entry.path = format!("{bin_dir}/{rest}");
            files.push(entry);
        } else if !entry.path.starts_with(&package_prefix) {
            files.push(entry); // .data/scripts binaries
        }
    }
    files.push(Entry::bytes(
        format!("{module}.pth"),
        format!("{parent}\nimport {module}\n"),
    ));
    files.push(Entry::bytes(
        format!("{module}.py"),
        EDITABLE_FINDER
            .replace("@NAME@", &format!("{package}._bin"))
            .replace("@DIR@", &bin_dir),
    ));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    plan.files = files;
    Ok(plan)
}

/// Point the locator of an editable wheel at each `install = "package"`
/// binary's file in the source tree (its prebuilt `path`, or where a build
/// command without `{out}` leaves it), so that `path()`, `run()` and the
/// console command run the current build, not the copy made at install
/// time. Downloaded files and `{out}` builds have no place in the tree: the
/// installed copy serves them.
fn editable_locator(project: &Project, plan: &mut WheelPlan) -> Result<()> {
    let package = &project.package;
    let located = located(project, &plan.target);
    let mut sources = Vec::new();
    for (b, loc) in project.settings.binaries.iter().zip(&located) {
        if loc.in_scripts {
            continue;
        }
        let in_tree = project.path_of("binary", &b.name, &b.path, &plan.target)?;
        // Shipped from the tree (not downloaded, not built to `{out}`),
        // wherever in the wheel the layout puts it.
        let from_tree = plan
            .files
            .iter()
            .any(|e| matches!(&e.source, Source::File(f) if *f == in_tree));
        if from_tree {
            let absolute = std::path::absolute(&in_tree)
                .map_err(|e| Error::io("cannot resolve", &in_tree, e))?;
            let text = absolute.to_str().ok_or_else(|| {
                Error::new(format!(
                    "editable installs need a UTF-8 project path; {} is not",
                    absolute.display()
                ))
            })?;
            sources.push((b.name.value.clone(), text.to_string()));
        }
    }
    let init = format!("{package}/_bin/__init__.py");
    if let Some(entry) = plan.files.iter_mut().find(|e| e.path == init) {
        *entry = Entry::bytes(init, locator::render_editable(&located, &sources));
    }
    Ok(())
}

const EDITABLE_FINDER: &str = r#""""Serve `@NAME@` for an editable install (generated by binwheel)."""

import os
import sys

_NAME = "@NAME@"
_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "@DIR@")


class _BinFinder:
    @staticmethod
    def find_spec(fullname, path=None, target=None):
        if fullname != _NAME:
            return None
        from importlib.util import spec_from_file_location

        return spec_from_file_location(
            fullname, os.path.join(_DIR, "__init__.py"), submodule_search_locations=[_DIR]
        )


# The .pth file imports this module once per interpreter.
sys.meta_path.insert(0, _BinFinder)
"#;

/// The WHEEL file: one `Tag:` line per expanded tag, sorted.
fn wheel_file(platform_tags: &[PlatformTag]) -> String {
    let mut out = format!(
        "Wheel-Version: 1.0\nGenerator: binwheel {}\nRoot-Is-Purelib: false\n",
        crate::VERSION
    );
    for tag in platform_tags {
        out.push_str(&format!("Tag: py3-none-{tag}\n"));
    }
    out
}

/// Every file of the package directory, as `<package>/<relative path>`, skipping bytecode.
fn collect_package(root: &Path, dir: &Path, package: &str, out: &mut Vec<Entry>) -> Result<()> {
    let canonical_root = root
        .canonicalize()
        .map_err(|e| Error::io("cannot read", root, e))?;
    let canonical_dir = dir
        .canonicalize()
        .map_err(|e| Error::io("cannot read", dir, e))?;
    // Each directory still to list, with the real directories on the way to
    // it: a link back into one of them is a loop.
    let mut stack = vec![(dir.to_path_buf(), package.to_string(), vec![canonical_dir])];
    let mut found: BTreeMap<String, PathBuf> = BTreeMap::new();
    while let Some((dir, prefix, ancestors)) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| Error::io("cannot read", &dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io("cannot read", &dir, e))?;
            let path = entry.path();
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                return Err(Error::new(format!(
                    "{}: file names in a wheel must be UTF-8",
                    path.display()
                )));
            };
            if name == "__pycache__" || name.ends_with(".pyc") || name.ends_with(".pyo") {
                continue;
            }
            if name.contains('\\') {
                return Err(Error::new(format!(
                    "{}: a file name with `\\` cannot go into a wheel (installers on Windows read it as a directory separator)\n  help: rename the file",
                    path.display()
                )));
            }
            let real = path
                .canonicalize()
                .map_err(|e| Error::io("cannot read", &path, e))?;
            if !real.starts_with(&canonical_root) {
                return Err(Error::new(format!(
                    "{} points outside the project ({}); binwheel packs only files inside the project",
                    path.display(),
                    real.display()
                )));
            }
            let archive_path = format!("{prefix}/{name}");
            if real.is_dir() {
                if ancestors.contains(&real) {
                    return Err(Error::new(format!(
                        "{} leads back to {}, a directory it is inside of: a symbolic link loop\n  help: remove the link",
                        path.display(),
                        real.display()
                    )));
                }
                let mut chain = ancestors.clone();
                chain.push(real);
                stack.push((path, archive_path, chain));
            } else if real.is_file() {
                found.insert(archive_path, path);
            } else {
                return Err(Error::new(format!(
                    "{} is neither a file nor a directory (a socket or a pipe?), so it cannot go into a wheel\n  help: remove it from the package directory",
                    path.display()
                )));
            }
        }
    }
    out.extend(
        found
            .into_iter()
            .map(|(archive_path, path)| Entry::file(archive_path, path, false)),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_warnings_are_reported_ignored_or_fatal_when_strict() {
        let vc = || {
            vec![Finding::new(
                crate::check::finding::TAG_VCRUNTIME,
                "x.exe needs VCRUNTIME140.dll",
            )
            .file("x.exe")
            .help("link statically")]
        };
        let (reporter, captured) = Reporter::capture();
        build_warnings(&Gate::default(), vc(), &reporter).unwrap();
        assert_eq!(
            captured.text(),
            "binwheel: warning: [BW112 tag-vcruntime] x.exe needs VCRUNTIME140.dll\n  help: link statically\n"
        );
        let (reporter, captured) = Reporter::capture();
        let ignore = Gate::new(true, &["BW112:*.exe".into()]).unwrap();
        build_warnings(&ignore, vc(), &reporter).unwrap();
        assert_eq!(captured.text(), "");
        let strict = Gate::new(true, &[]).unwrap();
        let err = build_warnings(&strict, vc(), &reporter).unwrap_err();
        assert!(
            err.message()
                .starts_with("error[BW112 tag-vcruntime] x.exe needs"),
            "{err}"
        );
        assert!(err.message().contains("strict = true"), "{err}");
    }

    /// A project around a real executable of this machine: the test binary itself.
    fn host_project(extra: &str) -> (tempfile::TempDir, Project, ResolvedTarget) {
        let dir = tempfile::tempdir().unwrap();
        let host = crate::target::Target::host().unwrap();
        let bin = dir.path().join("bin").join(host.name());
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::copy(
            std::env::current_exe().unwrap(),
            bin.join(format!("x{}", host.exe_suffix())),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            format!(
                "[project]\nname = \"x-tool\"\nversion = \"1.0\"\n[[tool.binwheel.binary]]\nname = \"x\"\npath = \"bin/{{target}}/x{{exe}}\"\n{extra}"
            ),
        )
        .unwrap();
        let project = Project::load(dir.path()).unwrap();
        let target = project.resolve_target(None).unwrap();
        (dir, project, target)
    }

    fn paths(plan: &WheelPlan) -> Vec<&str> {
        plan.files
            .iter()
            .chain(&plan.dist_info)
            .map(|e| e.path.as_str())
            .collect()
    }

    /// An editable wheel's locator names the prebuilt file in the tree.
    #[test]
    fn editable_locator_names_the_binary_in_the_tree() {
        let (dir, project, target) = host_project("script = \"xt\"\n");
        let plan = plan_wheel(&project, &target, None, &Reporter::capture().0).unwrap();
        let plan = make_editable(&project, plan).unwrap();
        let init = plan
            .files
            .iter()
            .find(|e| e.path == "x_tool/_bin/__init__.py")
            .unwrap();
        let Source::Bytes(text) = &init.source else {
            panic!("{init:?}")
        };
        let text = String::from_utf8(text.clone()).unwrap();
        let exe = target.target.exe_suffix();
        let in_tree = std::path::absolute(
            dir.path()
                .join("bin")
                .join(target.target.name())
                .join(format!("x{exe}")),
        )
        .unwrap();
        let literal = in_tree.to_str().unwrap().replace('\\', "\\\\");
        assert!(
            text.contains(&format!("_SOURCES = {{\n    \"x\": \"{literal}\",\n}}")),
            "{text}"
        );
    }

    #[test]
    fn package_layout_puts_the_binary_in_bin() {
        let (_dir, project, target) = host_project("script = \"xt\"\n");
        let plan = plan_wheel(&project, &target, None, &Reporter::capture().0).unwrap();
        let exe = target.target.exe_suffix();
        let bin = format!("x_tool/_bin/x{exe}");
        assert!(paths(&plan).contains(&bin.as_str()), "{:?}", paths(&plan));
        assert!(paths(&plan).contains(&"x_tool/__init__.py"));
        assert!(plan.files.iter().any(|e| e.path == bin && e.executable));
        assert!(paths(&plan).contains(&"x_tool-1.0.dist-info/entry_points.txt"));
    }

    #[test]
    fn scripts_layout_puts_the_binary_in_data_scripts() {
        let (_dir, project, target) = host_project("install = \"scripts\"\n");
        let plan = plan_wheel(&project, &target, None, &Reporter::capture().0).unwrap();
        let exe = target.target.exe_suffix();
        let script = format!("x_tool-1.0.data/scripts/x{exe}");
        assert!(
            paths(&plan).contains(&script.as_str()),
            "{:?}",
            paths(&plan)
        );
        assert!(!paths(&plan).iter().any(|p| p.starts_with("x_tool/_bin/x")));
        assert!(!paths(&plan).iter().any(|p| p.ends_with("entry_points.txt")));
    }

    #[test]
    fn libraries_go_beside_the_binaries() {
        let (dir, project_without, target) = host_project("");
        drop(project_without);
        let host = target.target.name();
        std::fs::copy(
            std::env::current_exe().unwrap(),
            dir.path().join("bin").join(&host).join("libx.so"),
        )
        .unwrap();
        let text = std::fs::read_to_string(dir.path().join("pyproject.toml")).unwrap()
            + "[[tool.binwheel.library]]\nname = \"libx.so\"\npath = \"bin/{target}/libx.so\"\n";
        std::fs::write(dir.path().join("pyproject.toml"), text).unwrap();
        let project = Project::load(dir.path()).unwrap();
        let plan = plan_wheel(&project, &target, None, &Reporter::capture().0).unwrap();
        assert!(plan
            .files
            .iter()
            .any(|e| e.path == "x_tool/_bin/libx.so" && e.executable));
        std::fs::remove_file(dir.path().join("bin").join(&host).join("libx.so")).unwrap();
        let err = plan_wheel(&project, &target, None, &Reporter::capture().0).unwrap_err();
        assert!(
            err.message().contains("library \"libx.so\" for target"),
            "{err}"
        );
    }

    #[test]
    fn a_scripts_binary_cannot_load_a_shipped_library() {
        // The test executable stands in for the binary; it loads its first
        // DT_NEEDED library, which the project then ships.
        let exe = std::env::current_exe().unwrap();
        let facts = inspect::inspect_file(&exe).unwrap();
        let Some(needed) = facts.elf.and_then(|e| e.needed.first().cloned()) else {
            return; // a static test binary loads nothing
        };
        for (install, ok) in [("package", true), ("scripts", false)] {
            let (dir, _, target) = host_project(&format!("install = \"{install}\"\n"));
            let host = target.target.name();
            std::fs::copy(&exe, dir.path().join("bin").join(&host).join("shipped")).unwrap();
            let text = std::fs::read_to_string(dir.path().join("pyproject.toml")).unwrap()
                + &format!(
                    "[[tool.binwheel.library]]\nname = \"{needed}\"\npath = \"bin/{{target}}/shipped\"\n"
                );
            std::fs::write(dir.path().join("pyproject.toml"), text).unwrap();
            let project = Project::load(dir.path()).unwrap();
            let result = plan_wheel(&project, &target, None, &Reporter::capture().0);
            assert_eq!(result.is_ok(), ok, "install = {install}");
            if let Err(err) = result {
                let msg = err.message();
                assert!(
                    msg.contains(&format!(
                        "binary \"x\" has install = \"scripts\", but it loads {needed}, which binwheel ships"
                    )) && msg.contains("pyproject.toml:")
                        && msg.contains("help: use install = \"package\""),
                    "{msg}"
                );
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_build_command_without_out_leaves_the_binary_at_path() {
        let exe = std::env::current_exe().unwrap();
        let extra = format!(
            "build = [\"cp\", {:?}, \"bin/{{target}}/x{{exe}}\"]\n",
            exe.to_str().unwrap()
        );
        let (dir, project, target) = host_project(&extra);
        let prebuilt = dir.path().join("bin").join(target.target.name()).join("x");
        std::fs::remove_file(&prebuilt).unwrap();
        let plan = plan_wheel(&project, &target, None, &Reporter::capture().0).unwrap();
        assert!(
            prebuilt.is_file(),
            "the command should have made {}",
            prebuilt.display()
        );
        assert!(plan.files.iter().any(|e| e.path == "x_tool/_bin/x"
            && e.source == crate::write::Source::File(prebuilt.clone())));

        let (dir, project, target) = host_project("build = [\"true\"]\n");
        std::fs::remove_file(dir.path().join("bin").join(target.target.name()).join("x")).unwrap();
        let err = plan_wheel(&project, &target, None, &Reporter::capture().0).unwrap_err();
        assert!(
            err.message().contains("left no file at its `path`"),
            "{err}"
        );
    }

    #[test]
    fn wheel_file_lists_each_tag() {
        assert_eq!(
            wheel_file(&tags::parse_set("win32.linux_x86_64").unwrap()),
            format!(
                "Wheel-Version: 1.0\nGenerator: binwheel {}\nRoot-Is-Purelib: false\nTag: py3-none-linux_x86_64\nTag: py3-none-win32\n",
                crate::VERSION
            )
        );
    }

    /// A project shipping the Go fixture with two dependency modules for linux-x86_64.
    fn go_project(
        root_extra: &str,
        binary_extra: &str,
    ) -> (tempfile::TempDir, Project, ResolvedTarget) {
        let dir = tempfile::tempdir().unwrap();
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/bin/go-deps-linux-amd64");
        std::fs::create_dir_all(dir.path().join("bin")).unwrap();
        std::fs::copy(fixture, dir.path().join("bin/app")).unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            format!(
                "[project]\nname = \"deps-app\"\nversion = \"1.0\"\n[tool.binwheel]\n{root_extra}\n\
                 [[tool.binwheel.binary]]\nname = \"app\"\npath = \"bin/app\"\n{binary_extra}\n\
                 [tool.binwheel.targets]\nlinux-x86_64 = {{}}\n"
            ),
        )
        .unwrap();
        let project = Project::load(dir.path()).unwrap();
        let target = project.resolve_target(Some("linux-x86_64")).unwrap();
        (dir, project, target)
    }

    fn sbom_text(plan: &WheelPlan, name: &str) -> Option<String> {
        let path = format!("{}/sboms/{name}", plan.dist_info_dir());
        plan.dist_info
            .iter()
            .find(|e| e.path == path)
            .map(|e| match &e.source {
                crate::write::Source::Bytes(b) => String::from_utf8(b.clone()).unwrap(),
                crate::write::Source::File(p) => std::fs::read_to_string(p).unwrap(),
            })
    }

    #[test]
    fn a_go_binary_gets_an_sbom_of_its_modules() {
        let (_dir, project, target) = go_project("", "");
        let (reporter, captured) = Reporter::capture();
        let plan = plan_wheel(&project, &target, Some(1_700_000_000), &reporter).unwrap();
        let text = sbom_text(&plan, "app.cdx.json").expect("an SBOM");
        let doc = crate::json::parse(&text).unwrap();
        let crate::json::Json::Array(components) = doc.get("components").unwrap() else {
            panic!("{text}")
        };
        let names: Vec<&str> = components
            .iter()
            .filter_map(|c| c.get("name")?.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "stdlib",
                "binwheel.invalid/depsapp",
                "binwheel.invalid/answer",
                "binwheel.invalid/greet"
            ]
        );
        assert!(text.contains("\"timestamp\": \"2023-11-14T22:13:20Z\""));
        assert!(text.contains("\"binwheel:path\""), "{text}");
        // "(devel)" is not a release version: no warning.
        assert_eq!(captured.text(), "");
    }

    #[test]
    fn sbom_false_turns_it_off() {
        for (root, binary) in [("sbom = false", ""), ("", "sbom = false")] {
            let (_dir, project, target) = go_project(root, binary);
            let plan = plan_wheel(&project, &target, None, &Reporter::capture().0).unwrap();
            assert_eq!(sbom_text(&plan, "app.cdx.json"), None, "{root}{binary}");
        }
    }

    #[test]
    fn sbom_files_are_copied_and_must_exist() {
        let (dir, project, target) = go_project("sbom-files = [\"meta/vendor.spdx.json\"]", "");
        let err = plan_wheel(&project, &target, None, &Reporter::capture().0).unwrap_err();
        let msg = err.message();
        assert!(
            msg.contains("`sbom-files`: meta/vendor.spdx.json is not a file")
                && msg.contains("pyproject.toml:5:"),
            "{msg}"
        );
        std::fs::create_dir_all(dir.path().join("meta")).unwrap();
        std::fs::write(dir.path().join("meta/vendor.spdx.json"), "{}").unwrap();
        let plan = plan_wheel(&project, &target, None, &Reporter::capture().0).unwrap();
        assert_eq!(sbom_text(&plan, "vendor.spdx.json").as_deref(), Some("{}"));
        assert!(sbom_text(&plan, "app.cdx.json").is_some());
        // A file named like the generated SBOM is refused.
        let (dir, project, target) = go_project("sbom-files = [\"app.cdx.json\"]", "");
        std::fs::write(dir.path().join("app.cdx.json"), "{}").unwrap();
        let msg = plan_wheel(&project, &target, None, &Reporter::capture().0)
            .unwrap_err()
            .message()
            .to_string();
        assert!(
            msg.contains("has the name of the SBOM binwheel writes"),
            "{msg}"
        );
    }

    fn go_info(settings: &[(&str, &str)], version: &str) -> inspect::gobuildinfo::GoBuildInfo {
        inspect::gobuildinfo::GoBuildInfo {
            go_version: "go1.22.5".into(),
            main: Some(inspect::gobuildinfo::GoModule {
                path: "example.com/app".into(),
                version: version.into(),
                ..Default::default()
            }),
            settings: settings
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn go_build_settings_must_name_the_target() {
        let (_dir, project, target) = go_project("", "");
        let b = &project.settings.binaries[0];
        let ok = go_info(&[("GOOS", "linux"), ("GOARCH", "amd64")], "");
        assert!(go_matches_target(&project, &target, b, "binary \"app\"", None, &ok).is_ok());
        let bad = go_info(&[("GOOS", "android"), ("GOARCH", "amd64")], "");
        let msg = go_matches_target(&project, &target, b, "binary \"app\"", None, &bad)
            .unwrap_err()
            .message()
            .to_string();
        assert!(
            msg.contains("binary \"app\": its Go build info says GOOS=android GOARCH=amd64, but the target is linux-x86_64")
                && msg.contains("help: build it with GOOS=linux GOARCH=amd64"),
            "{msg}"
        );
        // A universal2 binary's slices are judged by their own CPU.
        let arm = go_info(&[("GOOS", "darwin"), ("GOARCH", "arm64")], "");
        let mac = Project::load(_dir.path())
            .unwrap()
            .settings
            .resolve(crate::target::Target::parse("macos-universal2").unwrap());
        assert!(go_matches_target(&project, &mac, b, "x", Some("arm64"), &arm).is_ok());
        assert!(go_matches_target(&project, &mac, b, "x", Some("x86_64"), &arm).is_err());
    }

    #[test]
    fn a_tagged_module_version_unlike_the_wheels_is_a_warning() {
        let (_dir, project, _) = go_project("", "");
        for (version, warned) in [
            ("v2.0.0", true),
            ("v1.0.0", false),
            ("v1.0", false),
            ("(devel)", false),
            ("v0.0.0-20240101120000-abcdefabcdef", false),
            ("v1.0.1-0.20240101120000-abcdefabcdef+dirty", false),
        ] {
            let (reporter, captured) = Reporter::capture();
            go_version_note(
                &project,
                "binary \"app\"",
                &go_info(&[], version),
                &reporter,
            );
            let text = captured.text();
            assert_eq!(!text.is_empty(), warned, "{version}: {text}");
            if warned {
                assert!(
                    text.contains("is version v2.0.0, but the wheel's version is 1.0"),
                    "{text}"
                );
            }
        }
    }
}
