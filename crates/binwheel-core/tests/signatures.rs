//! Mach-O code signatures on the committed fixtures: the ad hoc signatures
//! Go and zig write when they link verify; one byte changed in `__TEXT`
//! fails BW302; the signature load command removed fails BW301 (arm64
//! only); a universal2 file is judged per slice; `binwheel check` and the
//! build both apply the rule.

mod common;

use std::io::Cursor;

use binwheel_core::check::check_wheel;
use binwheel_core::check::signature::signature_findings;
use binwheel_core::inspect::{
    inspect_bytes, inspect_file, inspect_reader, Facts, HashType, SignatureKind, SignatureStatus,
};
use common::{fixture, read_fixture, wheel_members, write_wheel};

fn u32_at(d: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(d[at..at + 4].try_into().unwrap())
}

fn be32_at(d: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(d[at..at + 4].try_into().unwrap())
}

/// Each slice of a Mach-O as (cpu type, offset, size); a thin file is one.
fn slices(d: &[u8]) -> Vec<(u32, usize, usize)> {
    if d[..4] == [0xca, 0xfe, 0xba, 0xbe] {
        (0..be32_at(d, 4) as usize)
            .map(|i| {
                let e = 8 + i * 20;
                (
                    be32_at(d, e),
                    be32_at(d, e + 8) as usize,
                    be32_at(d, e + 12) as usize,
                )
            })
            .collect()
    } else {
        vec![(u32_at(d, 4), 0, d.len())]
    }
}

/// The load commands of a thin 64-bit little-endian slice as (cmd, offset, size).
fn commands(s: &[u8]) -> Vec<(u32, usize, usize)> {
    let mut at = 32;
    (0..u32_at(s, 16))
        .map(|_| {
            let c = (u32_at(s, at), at, u32_at(s, at + 4) as usize);
            at += c.2;
            c
        })
        .collect()
}

/// The file offset of the middle of `__TEXT,__text` in a thin slice.
fn text_byte(s: &[u8]) -> usize {
    for (cmd, at, _) in commands(s) {
        if cmd == 0x19 && &s[at + 8..at + 14] == b"__TEXT" {
            for i in 0..u32_at(s, at + 64) as usize {
                let sect = at + 72 + i * 80;
                if s[sect..sect + 7] == *b"__text\0" {
                    let size = u64::from_le_bytes(s[sect + 40..sect + 48].try_into().unwrap());
                    return u32_at(s, sect + 48) as usize + size as usize / 2;
                }
            }
        }
    }
    panic!("no __TEXT,__text")
}

/// Remove LC_CODE_SIGNATURE from a thin slice's load commands, as a tool
/// that rewrites the headers without re-signing would.
fn remove_signature_command(s: &mut [u8]) {
    let (_, at, size) = commands(s)
        .into_iter()
        .find(|c| c.0 == 0x1d)
        .expect("a signature load command");
    let end = 32 + u32_at(s, 20) as usize;
    s.copy_within(at + size..end, at);
    s[end - size..end].fill(0);
    let ncmds = u32_at(s, 16) - 1;
    let sizeofcmds = u32_at(s, 20) - size as u32;
    s[16..20].copy_from_slice(&ncmds.to_le_bytes());
    s[20..24].copy_from_slice(&sizeofcmds.to_le_bytes());
}

fn ids(file: &str, facts: &Facts) -> Vec<&'static str> {
    signature_findings(file, facts)
        .iter()
        .map(|f| f.rule.id)
        .collect()
}

#[test]
fn linker_signed_arm64_fixtures_verify() {
    for (name, pages, page_size) in [("macos-arm64-11", 4, 16384), ("go-darwin-arm64", 605, 4096)] {
        let facts = inspect_file(&fixture(name)).unwrap();
        let slice = &facts.macho.as_ref().unwrap().slices[0];
        let sig = slice.signature.as_ref().expect("signed");
        assert_eq!(sig.kind, SignatureKind::AdHoc, "{name}");
        assert!(sig.linker_signed(), "{name}");
        assert_eq!(sig.hash, HashType::Sha256, "{name}");
        assert_eq!(sig.page_size, page_size, "{name}");
        assert_eq!(sig.status, SignatureStatus::Verified { pages }, "{name}");
        assert_eq!(ids(name, &facts), Vec::<&str>::new(), "{name}");
        // The lazy reader and the in-memory reader agree.
        assert_eq!(inspect_bytes(&read_fixture(name)).unwrap(), facts, "{name}");
    }
}

#[test]
fn one_byte_changed_in_text_fails_the_signature_rule() {
    let mut data = read_fixture("macos-arm64-11");
    let at = text_byte(&data);
    data[at] ^= 0x01;
    let facts = inspect_reader(Cursor::new(&data)).unwrap();
    let sig = facts.macho.as_ref().unwrap().slices[0]
        .signature
        .clone()
        .unwrap();
    let page = at as u64 / 16384;
    assert_eq!(
        sig.status,
        SignatureStatus::Mismatch {
            page,
            offset: page * 16384
        }
    );
    assert_eq!(ids("tool/_bin/hello", &facts), ["BW302"]);
    let finding = &signature_findings("tool/_bin/hello", &facts)[0];
    assert_eq!(finding.file.as_deref(), Some("tool/_bin/hello"));
    assert!(
        finding
            .help
            .as_deref()
            .unwrap()
            .contains("codesign -s - -f tool/_bin/hello"),
        "{finding:?}"
    );
}

#[test]
fn no_signature_command_fails_the_unsigned_rule_for_arm64_only() {
    let mut data = read_fixture("macos-arm64-11");
    remove_signature_command(&mut data);
    let facts = inspect_bytes(&data).unwrap();
    assert_eq!(facts.macho.as_ref().unwrap().slices[0].signature, None);
    assert_eq!(ids("hello", &facts), ["BW301"]);
    // An unsigned x86_64 binary runs (macOS does not require signatures there).
    let facts = inspect_file(&fixture("macos-x86_64-1013")).unwrap();
    assert_eq!(facts.macho.as_ref().unwrap().slices[0].signature, None);
    assert_eq!(ids("hello", &facts), Vec::<&str>::new());
}

#[test]
fn universal2_is_checked_per_slice() {
    let good = read_fixture("macos-universal2");
    let parts = slices(&good);
    let (x86, arm) = (parts[0], parts[1]);
    assert_eq!((x86.0, arm.0), (0x0100_0007, 0x0100_000c));
    let facts = inspect_bytes(&good).unwrap();
    let m = facts.macho.as_ref().unwrap();
    assert_eq!(m.slices[0].signature, None, "zig signs only arm64");
    assert!(matches!(
        m.slices[1].signature.as_ref().unwrap().status,
        SignatureStatus::Verified { .. }
    ));
    assert_eq!(ids("u", &facts), Vec::<&str>::new());

    // A byte changed in the unsigned x86_64 slice: nothing to verify.
    let mut data = good.clone();
    data[x86.1 + text_byte(&good[x86.1..x86.1 + x86.2])] ^= 0x80;
    assert_eq!(ids("u", &inspect_bytes(&data).unwrap()), Vec::<&str>::new());

    // The same in the arm64 slice: that slice fails, and says which it is.
    let mut data = good.clone();
    data[arm.1 + text_byte(&good[arm.1..arm.1 + arm.2])] ^= 0x80;
    let facts = inspect_reader(Cursor::new(&data)).unwrap();
    let findings = signature_findings("u", &facts);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].rule.id, "BW302");
    assert!(
        findings[0].message.starts_with("its arm64 slice"),
        "{findings:?}"
    );

    // The arm64 slice without its signature command.
    let mut data = good.clone();
    remove_signature_command(&mut data[arm.1..arm.1 + arm.2]);
    assert_eq!(ids("u", &inspect_bytes(&data).unwrap()), ["BW301"]);
}

#[test]
fn check_reports_a_tampered_binary_in_a_wheel() {
    let dir = tempfile::tempdir().unwrap();
    let plat = "macosx_11_0_arm64";
    let wheel = |name: &str, data: Vec<u8>, mode: u32| {
        let members = wheel_members(
            plat,
            &[
                (name, data, mode),
                ("demo/__init__.py", b"".to_vec(), 0o100644),
            ],
        );
        // The errors, rendered (data gets a note, which does not count here).
        check_wheel(&write_wheel(dir.path(), plat, &members))
            .into_iter()
            .filter(|f| f.severity == binwheel_core::check::finding::Severity::Error)
            .map(|f| f.render())
            .collect::<Vec<String>>()
    };
    let good = read_fixture("macos-arm64-11");
    assert_eq!(
        wheel("demo/_bin/hello", good.clone(), 0o100755),
        Vec::<String>::new()
    );
    let mut bad = good.clone();
    bad[text_byte(&good)] ^= 1;
    let problems = wheel("demo/_bin/hello", bad.clone(), 0o100755);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("error[BW302 macho-signature-mismatch] demo/_bin/hello:"),
        "{problems:?}"
    );
    // Without execute bits, but where the wheel keeps what it runs.
    let problems = wheel("demo-1.0.data/scripts/hello", bad.clone(), 0o100644);
    assert!(
        problems.iter().any(|p| p.contains("[BW302")),
        "{problems:?}"
    );
    // Test data: a 0644 dylib in a package directory is not run; its
    // signature is not judged.
    let mut lib = bad.clone();
    lib[12] = 6; // MH_DYLIB
    let problems = wheel("demo/testdata/libold.dylib", lib, 0o100644);
    assert_eq!(problems, Vec::<String>::new());
}

/// Build a wheel for macos-arm64 from `binary` in a fresh project; the
/// error, if any, and what the output directory holds afterwards.
fn build(binary: &[u8]) -> (Result<String, String>, Vec<std::path::PathBuf>) {
    let tmp = tempfile::tempdir().unwrap();
    let (root, out) = (tmp.path().join("project"), tmp.path().join("out"));
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::write(root.join("bin/hello"), binary).unwrap();
    std::fs::write(
        root.join("pyproject.toml"),
        "[project]\nname = \"hello\"\nversion = \"1.0\"\n\
         [[tool.binwheel.binary]]\nname = \"hello\"\npath = \"bin/hello\"\n",
    )
    .unwrap();
    let options = binwheel_core::backend::Options {
        target: Some("macos-arm64".into()),
        ..Default::default()
    };
    let result = binwheel_core::backend::build_wheel(&root, &out, &options)
        .map_err(|e| e.message().to_string());
    let left = std::fs::read_dir(&out)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    (result, left)
}

#[test]
fn the_build_refuses_what_macos_would_kill() {
    let good = read_fixture("macos-arm64-11");
    let (built, left) = build(&good);
    assert_eq!(built.unwrap(), "hello-1.0-py3-none-macosx_11_0_arm64.whl");
    assert_eq!(left.len(), 1);

    let mut modified = good.clone();
    modified[text_byte(&good)] ^= 1;
    let mut unsigned = good.clone();
    remove_signature_command(&mut unsigned);
    for (data, rule) in [
        (modified, "[BW302 macho-signature-mismatch]"),
        (unsigned, "[BW301 macho-arm64-unsigned]"),
    ] {
        let (built, left) = build(&data);
        let err = built.unwrap_err();
        assert!(
            err.starts_with("hello (bin/hello): this arm64 Mach-O"),
            "{err}"
        );
        assert!(err.contains(rule), "{err}");
        assert!(
            err.contains("help: ") && err.contains("codesign -s - -f bin/hello"),
            "{err}"
        );
        assert_eq!(left, Vec::<std::path::PathBuf>::new(), "nothing is written");
    }
}

/// Where the signature of a thin slice starts, and where its first blob
/// (the CodeDirectory) starts.
fn signature_blobs(s: &[u8]) -> (usize, usize) {
    let (_, at, _) = commands(s).into_iter().find(|c| c.0 == 0x1d).unwrap();
    let dataoff = u32_at(s, at + 8) as usize;
    (dataoff, dataoff + be32_at(s, dataoff + 16) as usize)
}

#[test]
fn an_unknown_hash_type_is_a_note_and_a_broken_signature_an_error() {
    let good = read_fixture("macos-arm64-11");
    let (superblob, directory) = signature_blobs(&good);

    let mut data = good.clone();
    data[directory + 37] = 9; // hashType
    let facts = inspect_bytes(&data).unwrap();
    let findings = signature_findings("hello", &facts);
    assert_eq!(ids("hello", &facts), ["BW303"]);
    assert_eq!(findings[0].severity.as_str(), "note");
    assert!(findings[0].message.contains("hash type 9"), "{findings:?}");

    let mut data = good.clone();
    data[superblob] = 0; // the SuperBlob's magic
    let facts = inspect_bytes(&data).unwrap();
    let findings = signature_findings("hello", &facts);
    assert_eq!(ids("hello", &facts), ["BW302"]);
    assert!(
        findings[0].message.contains("has a broken code signature"),
        "{findings:?}"
    );
}

#[test]
fn inspect_reports_each_slices_signature() {
    let path = fixture("macos-universal2");
    let paths = [path.clone()];
    let text = binwheel_core::check::inspect_report(&paths, false).unwrap();
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    assert!(
        lines.contains(&"codesign: none (no LC_CODE_SIGNATURE)")
            && lines.contains(
                &"codesign: ad hoc (linker-signed), sha256, 4 pages of 16384 bytes verified"
            ),
        "{text}"
    );
    let json = binwheel_core::check::inspect_report(&paths, true).unwrap();
    assert!(json.contains(r#""signature": null"#), "{json}");
    assert!(
        json.contains(
            r#""signature": {"kind": "adhoc", "team_id": null, "identifier": "slice1", "linker_signed": true, "hash": "sha256", "hashes": ["sha256"], "page_size": 16384, "code_limit": 49856, "status": "verified", "pages": 4, "first_bad_page": null, "detail": null}"#
        ),
        "{json}"
    );
}
