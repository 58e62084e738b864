//! Linkage on real binaries (the committed fixtures): a build whose binary
//! would not find a library it loads is refused with the binary, the
//! library, the search path it carries and the fix, and leaves no file; the
//! same layout with the library where the binary looks builds; `binwheel
//! check` reports the same problem in a wheel built by another tool.

mod common;

use std::path::{Path, PathBuf};

use binwheel_core::backend::{self, Options};
use binwheel_core::check::check_wheel;
use common::{read_fixture, wheel_members, write_wheel};

/// A project for `target` shipping `binaries` and `libraries`, each
/// (name, fixture, extra TOML lines for its table).
struct Project {
    tmp: tempfile::TempDir,
    target: &'static str,
}

impl Project {
    fn new(
        target: &'static str,
        binaries: &[(&str, &str, &str)],
        libraries: &[(&str, &str, &str)],
    ) -> Project {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("project");
        std::fs::create_dir_all(root.join("prebuilt")).unwrap();
        std::fs::create_dir_all(tmp.path().join("out")).unwrap();
        let mut toml = String::from("[project]\nname = \"sona\"\nversion = \"1.0\"\n");
        for (table, items) in [("binary", binaries), ("library", libraries)] {
            for (name, fixture, extra) in items {
                std::fs::copy(common::fixture(fixture), root.join("prebuilt").join(name)).unwrap();
                toml.push_str(&format!(
                    "[[tool.binwheel.{table}]]\nname = {name:?}\npath = \"prebuilt/{name}\"\n{extra}\n"
                ));
            }
        }
        std::fs::write(root.join("pyproject.toml"), toml).unwrap();
        Project { tmp, target }
    }

    fn out(&self) -> PathBuf {
        self.tmp.path().join("out")
    }

    fn build(&self) -> Result<PathBuf, String> {
        let options = Options {
            target: Some(self.target.into()),
            ..Options::default()
        };
        backend::build_wheel(&self.tmp.path().join("project"), &self.out(), &options)
            .map(|name| self.out().join(name))
            .map_err(|e| e.message().to_string())
    }

    /// The build fails with every one of `needles` in its message and
    /// leaves the output directory empty.
    fn refused(&self, needles: &[&str]) -> String {
        let err = self.build().expect_err("the build should be refused");
        for needle in needles {
            assert!(err.contains(needle), "{needle:?} not in:\n{err}");
        }
        let left: Vec<_> = std::fs::read_dir(self.out())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(left.is_empty(), "left in the output directory: {left:?}");
        err
    }
}

#[test]
fn elf_runpath_that_does_not_reach_the_library_is_refused() {
    // The sochdb shape: RUNPATH $ORIGIN/../lib, the library put beside the binary.
    let p = Project::new(
        "linux-x86_64",
        &[("usefoo", "usefoo-rpath-lib", "")],
        &[("libfoo.so.1", "libfoo.so.1", "")],
    );
    let err = p.refused(&[
        "usefoo (prebuilt/usefoo) cannot start as installed: sona/_bin/usefoo loads libfoo.so.1",
        "it searches RUNPATH `$ORIGIN/../lib` (sona/lib)",
        "the wheel has it at sona/_bin/libfoo.so.1",
        "give its [[tool.binwheel.binary]] `dir = \"bin\"`",
        "put libfoo.so.1 at sona/_bin/lib/ with `dir = \"lib\"` on its [[tool.binwheel.library]] \"libfoo.so.1\"",
        "binwheel never rewrites a binary",
    ]);
    assert_eq!(err.matches("help:").count(), 1, "{err}");
}

#[test]
fn a_library_neither_shipped_nor_in_the_policy_is_refused() {
    let p = Project::new(
        "linux-x86_64",
        &[("usefoo", "linux-x86_64-glibc-needs-libfoo", "")],
        &[],
    );
    p.refused(&[
        "sona/_bin/usefoo loads libfoo.so.1",
        "it searches no RUNPATH; the wheel does not ship libfoo.so.1 and it is not a library the platform promises",
        "link it statically, or relink the binary with a RUNPATH such as -Wl,-rpath,'$ORIGIN'",
    ]);
    // Shipped beside it, it is still not found: the loader does not look there.
    let p = Project::new(
        "linux-x86_64",
        &[("usefoo", "linux-x86_64-glibc-needs-libfoo", "")],
        &[("libfoo.so.1", "libfoo.so.1", "")],
    );
    p.refused(&["it searches no RUNPATH; the wheel has it at sona/_bin/libfoo.so.1"]);
}

#[test]
fn a_missing_macho_rpath_library_is_refused() {
    let p = Project::new("macos-arm64", &[("usefoo", "macos-arm64-usefoo", "")], &[]);
    p.refused(&[
        "sona/_bin/usefoo loads @rpath/libfoo.dylib",
        "it searches LC_RPATH `@loader_path/../lib` (sona/lib)",
        "ship libfoo.dylib as a [[tool.binwheel.library]] (name = \"libfoo.dylib\")",
    ]);
}

#[test]
fn a_pe_importing_a_dll_that_is_not_shipped_is_refused() {
    let p = Project::new(
        "windows-x86_64",
        &[("usefoo", "windows-x86_64-usefoo.exe", "")],
        &[],
    );
    p.refused(&[
        "sona/_bin/usefoo.exe loads foo.dll",
        "the executable's directory (sona/_bin)",
        "ship foo.dll as a [[tool.binwheel.library]] (name = \"foo.dll\"), so it lands at sona/_bin/",
    ]);
    // Beside the executable, where Windows looks first, it resolves.
    let p = Project::new(
        "windows-x86_64",
        &[("usefoo", "windows-x86_64-usefoo.exe", "")],
        &[("foo.dll", "windows-x86_64-foo.dll", "")],
    );
    p.build().unwrap();
}

/// A wheel made the way hand-rolled scripts make them, with the sochdb
/// defect: the binary's RUNPATH is `$ORIGIN/../lib`, the library beside it.
#[test]
fn check_flags_the_sochdb_defect_in_a_foreign_wheel() {
    let dir = tempfile::tempdir().unwrap();
    let wheel = |lib_dir: &str| -> PathBuf {
        let members = wheel_members(
            "manylinux_2_17_x86_64",
            &[
                ("demo/__init__.py", b"".to_vec(), 0o100644),
                (
                    "demo/bin/usefoo",
                    read_fixture("usefoo-rpath-lib"),
                    0o100755,
                ),
                (
                    &format!("demo/{lib_dir}/libfoo.so.1"),
                    read_fixture("libfoo.so.1"),
                    0o100755,
                ),
            ],
        );
        let sub = dir.path().join(lib_dir);
        std::fs::create_dir_all(&sub).unwrap();
        write_wheel(&sub, "manylinux_2_17_x86_64", &members)
    };
    let problems = check_wheel(&wheel("bin"));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].rule.id, "BW201");
    let p = problems[0].render();
    assert!(
        p.contains("demo/bin/usefoo loads libfoo.so.1")
            && p.contains("RUNPATH `$ORIGIN/../lib` (demo/lib)")
            && p.contains("the wheel has it at demo/bin/libfoo.so.1")
            && p.contains("help: put libfoo.so.1 at demo/lib/"),
        "{p}"
    );
    assert_eq!(check_wheel(&wheel("lib")), Vec::new());
}

#[test]
fn the_release_layout_reproduced_with_dir_resolves() {
    // bin/ + lib/ as the release archive has it: RUNPATH $ORIGIN/../lib and
    // LC_RPATH @loader_path/../lib find the library.
    for (target, binary, library, lib_name) in [
        (
            "linux-x86_64",
            "usefoo-rpath-lib",
            "libfoo.so.1",
            "libfoo.so.1",
        ),
        (
            "macos-arm64",
            "macos-arm64-usefoo",
            "macos-arm64-libfoo.dylib",
            "libfoo.dylib",
        ),
    ] {
        let p = Project::new(
            target,
            &[("usefoo", binary, "dir = \"bin\"\nscript = \"usefoo\"")],
            &[(lib_name, library, "dir = \"lib\"")],
        );
        let wheel = p.build().unwrap_or_else(|e| panic!("{target}: {e}"));
        let names = common::zip_names(&wheel);
        assert!(
            names.contains(&"sona/_bin/bin/usefoo".to_string())
                && names.contains(&format!("sona/_bin/lib/{lib_name}")),
            "{names:?}"
        );
        assert_eq!(check_wheel(&wheel), Vec::new(), "{target}");
        let locator = common::zip_read(&wheel, "sona/_bin/__init__.py");
        assert!(
            locator.contains("\"usefoo\": (\"package\", \"bin/usefoo\")"),
            "{locator}"
        );
    }
}

/// docs/linkage.md, run as written: its first `toml` block is refused with
/// the text of its `text` block, its second builds.
#[test]
fn the_linkage_doc_example_runs_as_written() {
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/linkage.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap();
    let block = |lang: &str, n: usize| -> String {
        let fence = format!("```{lang}\n");
        let start = doc.match_indices(&fence).nth(n).expect(&fence).0 + fence.len();
        doc[start..start + doc[start..].find("```").unwrap()].to_string()
    };
    let (before, after, error) = (block("toml", 0), block("toml", 1), block("text", 0));
    for (pyproject, want) in [(before, Some(error)), (after, None)] {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for (fixture, at) in [
            ("usefoo-rpath-lib", "release/linux-x86_64/bin/sona"),
            ("libfoo.so.1", "release/linux-x86_64/lib/libfoo.so.1"),
        ] {
            std::fs::create_dir_all(root.join(at).parent().unwrap()).unwrap();
            std::fs::copy(common::fixture(fixture), root.join(at)).unwrap();
        }
        std::fs::write(root.join("pyproject.toml"), &pyproject).unwrap();
        let out = root.join("dist");
        let options = Options {
            target: Some("linux-x86_64".into()),
            ..Options::default()
        };
        let result = backend::build_wheel(root, &out, &options);
        match want {
            Some(want) => {
                let err = result.unwrap_err();
                assert_eq!(format!("binwheel: error: {}\n", err.message()), want);
                assert!(!out.exists() || std::fs::read_dir(&out).unwrap().next().is_none());
            }
            None => {
                result.unwrap();
            }
        }
    }
}

/// Every fixture that needs only its system resolves alone (no false
/// alarm on libc, libSystem, KERNEL32.dll, the API sets, Go's imports); the
/// ones that need libfoo do not.
#[test]
fn fixtures_that_need_only_the_system_resolve_alone() {
    use binwheel_core::inspect::inspect_file;
    use binwheel_core::linkage::{unresolved, Shipped};
    let needs_foo = [
        "linux-x86_64-glibc-needs-libfoo",
        "usefoo-rpath-lib",
        "macos-arm64-usefoo",
        "windows-x86_64-usefoo.exe",
    ];
    for name in common::FIXTURES {
        let facts = inspect_file(&common::fixture(name)).unwrap();
        let shipped = [Shipped {
            path: "demo/_bin/x",
            facts: &facts,
        }];
        let problems = unresolved(&shipped, &[]);
        if needs_foo.contains(&name) {
            assert_eq!(problems.len(), 1, "{name}: {problems:?}");
            assert!(problems[0].library.contains("foo"), "{name}: {problems:?}");
        } else {
            assert!(problems.is_empty(), "{name}: {problems:?}");
        }
    }
}

#[test]
fn the_search_paths_are_read_from_the_files() {
    use binwheel_core::inspect::inspect_file;
    let elf = inspect_file(&common::fixture("usefoo-rpath-lib"))
        .unwrap()
        .elf
        .unwrap();
    assert_eq!(elf.runpath.as_deref(), Some("$ORIGIN/../lib"));
    assert!(!elf.rpath_inherited, "--enable-new-dtags writes DT_RUNPATH");
    let macho = inspect_file(&common::fixture("macos-arm64-usefoo"))
        .unwrap()
        .macho
        .unwrap();
    assert_eq!(macho.slices[0].rpaths, ["@loader_path/../lib"]);
    assert!(macho.slices[0]
        .dylibs
        .contains(&"@rpath/libfoo.dylib".to_string()));
    assert!(macho.slices[0].weak_dylibs.is_empty());
    let pe = inspect_file(&common::fixture("windows-x86_64-usefoo.exe"))
        .unwrap()
        .pe
        .unwrap();
    assert!(
        pe.imports.contains(&"foo.dll".to_string()),
        "{:?}",
        pe.imports
    );
}
