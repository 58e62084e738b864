//! One test per rule of `binwheel check`: a distribution that breaks the
//! rule (built from the real fixture binaries, changed as little as
//! possible) gets exactly that rule's id, asserted by id, never by message
//! text. Also: the rules table of `docs/check.md` is the one
//! `check::finding::rules_markdown` generates.

mod common;

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use binwheel_core::check::check_dist;
use binwheel_core::check::finding::{rules_markdown, Finding, Severity, RULES};
use common::{read_fixture, record_text, wheel_members, write_wheel, Member};

/// The distinct rule ids of `findings`, sorted.
fn ids(findings: &[Finding]) -> Vec<&'static str> {
    let set: BTreeSet<&str> = findings.iter().map(|f| f.rule.id).collect();
    set.into_iter().collect()
}

fn check(path: &Path) -> Vec<&'static str> {
    ids(&check_dist(path))
}

/// A wheel `demo-1.0-py3-none-{platform}.whl` of `files`, with correct
/// WHEEL, METADATA and RECORD.
fn wheel(dir: &Path, platform: &str, files: &[(&str, Vec<u8>, u32)]) -> PathBuf {
    write_wheel(dir, platform, &wheel_members(platform, files))
}

/// A wheel whose members went through `edit` after RECORD was written.
fn edited(
    dir: &Path,
    platform: &str,
    files: &[(&str, Vec<u8>, u32)],
    edit: impl FnOnce(&mut Vec<Member>),
) -> PathBuf {
    let mut members = wheel_members(platform, files);
    edit(&mut members);
    write_wheel(dir, platform, &members)
}

fn member<'a>(members: &'a mut [Member], suffix: &str) -> &'a mut Member {
    members
        .iter_mut()
        .find(|m| m.name.ends_with(suffix))
        .unwrap()
}

const MUSL: &str = "musllinux_1_1_x86_64";
const EXE: u32 = 0o100755;
const DATA: u32 = 0o100644;

fn hello() -> Vec<u8> {
    read_fixture("linux-x86_64-musl-static")
}

fn ok_files() -> Vec<(&'static str, Vec<u8>, u32)> {
    vec![("demo/_bin/hello", hello(), EXE)]
}

/// The real Windows fixture, importing `dll` instead of one of the UCRT's
/// api sets (the name is NUL-terminated in place, so the file stays valid).
fn pe_importing(dll: &str) -> Vec<u8> {
    let mut pe = read_fixture("windows-x86_64.exe");
    let old = b"api-ms-win-crt-heap-l1-1-0.dll";
    let at = pe.windows(old.len()).position(|w| w == old).unwrap();
    let mut name = dll.as_bytes().to_vec();
    assert!(name.len() <= old.len());
    name.resize(old.len(), 0);
    pe[at..at + old.len()].copy_from_slice(&name);
    pe
}

/// An ELF made relocatable (`e_type` ET_REL), as Go's `.syso` objects are.
fn relocatable(mut elf: Vec<u8>) -> Vec<u8> {
    elf[16..18].copy_from_slice(&1u16.to_le_bytes());
    elf
}

#[test]
fn the_docs_list_every_rule() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/check.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = ("<!-- rules:begin -->\n", "<!-- rules:end -->");
    let start = text
        .find(begin)
        .expect("docs/check.md has the rules markers")
        + begin.len();
    let stop = text.find(end).unwrap();
    let want = rules_markdown();
    if text[start..stop] != want {
        if std::env::var("BINWHEEL_BLESS").is_ok_and(|v| v == "1") {
            let updated = format!("{}{want}{}", &text[..start], &text[stop..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!(
                "docs/check.md's rules differ from the rules table; regenerate them: \
                 BINWHEEL_BLESS=1 cargo test -p binwheel-core --test check_rules"
            );
        }
    }
    for r in RULES {
        assert!(
            text.contains(&format!("`{}` `{}`", r.id, r.name))
                || std::env::var("BINWHEEL_BLESS").is_ok()
        );
    }
}

// ---------------------------------------------------------------------------
// BW0xx: the file and its binaries

#[test]
fn a_correct_wheel_has_no_findings() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        check(&wheel(dir.path(), MUSL, &ok_files())),
        Vec::<&str>::new()
    );
}

#[test]
fn bw001_not_a_dist() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo-1.0.zip");
    std::fs::write(&path, b"PK\x05\x06").unwrap();
    assert_eq!(check(&path), ["BW001"]);
}

#[test]
fn bw002_upload_size() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = ok_files();
    files.push(("demo/blob.bin", vec![0u8; 101 << 20], DATA));
    let found = check_dist(&wheel(dir.path(), MUSL, &files));
    assert_eq!(ids(&found), ["BW002"]);
    assert_eq!(found[0].severity, Severity::Note);
}

#[test]
fn bw003_wheel_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = wheel(dir.path(), MUSL, &ok_files());
    let renamed = dir.path().join("demo-1.0-musllinux_1_1_x86_64.whl");
    std::fs::rename(&path, &renamed).unwrap();
    assert_eq!(check(&renamed), ["BW003"]);
}

#[test]
fn bw004_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("demo-1.0-py3-none-{MUSL}.whl"));
    std::fs::write(&path, b"not a zip").unwrap();
    assert_eq!(check(&path), ["BW004"]);
}

#[test]
fn bw010_binary_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let truncated = hello()[..100].to_vec();
    let path = wheel(
        dir.path(),
        MUSL,
        &[
            ("demo/_bin/hello", hello(), EXE),
            ("demo/_bin/broken", truncated, EXE),
        ],
    );
    assert_eq!(check(&path), ["BW010"]);
}

#[test]
fn bw011_not_executable() {
    let dir = tempfile::tempdir().unwrap();
    let path = wheel(dir.path(), MUSL, &[("demo/_bin/hello", hello(), DATA)]);
    assert_eq!(check(&path), ["BW011"]);
}

#[test]
fn bw012_runnable_data_and_bw013_binary_data_are_notes() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = ok_files();
    files.push(("demo/tools/bin/helper", hello(), DATA));
    let found = check_dist(&wheel(dir.path(), MUSL, &files));
    assert_eq!(ids(&found), ["BW012", "BW013"]);
    assert!(found.iter().all(|f| f.severity == Severity::Note));
}

#[test]
fn go_style_syso_and_test_data_for_other_platforms_get_notes_only() {
    let dir = tempfile::tempdir().unwrap();
    let go = read_fixture("go-linux-amd64");
    let files = vec![
        ("go/bin/go", go.clone(), EXE),
        (
            "go/src/runtime/race/race_linux_amd64.syso",
            relocatable(read_fixture("linux-x86_64-glibc217")),
            DATA,
        ),
        (
            "go/src/runtime/race/race_linux_arm64.syso",
            relocatable(read_fixture("linux-aarch64-glibc228")),
            DATA,
        ),
        (
            "go/src/debug/elf/testdata/go-relocation-test-gcc-aarch64",
            read_fixture("linux-aarch64-musl-static"),
            DATA,
        ),
        (
            "go/src/debug/elf/testdata/hello-riscv64",
            read_fixture("linux-riscv64-musl-static"),
            DATA,
        ),
        (
            "go/src/debug/macho/testdata/gcc-amd64-darwin-exec",
            read_fixture("macos-x86_64-1013"),
            DATA,
        ),
        (
            "go/src/debug/pe/testdata/gcc-amd64-mingw-exec",
            read_fixture("windows-x86_64.exe"),
            DATA,
        ),
    ];
    let platform = "manylinux2014_x86_64.manylinux_2_17_x86_64.musllinux_1_1_x86_64";
    let found = check_dist(&wheel(dir.path(), platform, &files));
    // BW013 counts the data; BW401 notes that the Go binary has no SBOM.
    assert_eq!(ids(&found), ["BW013", "BW401"], "{found:#?}");
    assert!(found.iter().all(|f| f.severity == Severity::Note));
}

// ---------------------------------------------------------------------------
// BW1xx: platform tags

fn one_binary(dir: &Path, platform: &str, fixture: &str, name: &str) -> Vec<&'static str> {
    check(&wheel(dir, platform, &[(name, read_fixture(fixture), EXE)]))
}

#[test]
fn bw101_tag_glibc_floor() {
    let dir = tempfile::tempdir().unwrap();
    let got = one_binary(
        dir.path(),
        "manylinux_2_17_x86_64",
        "linux-x86_64-glibc234",
        "demo/_bin/hello",
    );
    assert_eq!(got, ["BW101"]);
}

#[test]
fn bw102_tag_libc() {
    let dir = tempfile::tempdir().unwrap();
    let got = one_binary(
        dir.path(),
        "manylinux_2_17_x86_64",
        "linux-x86_64-musl-dynamic",
        "demo/_bin/hello",
    );
    assert_eq!(got, ["BW102"]);
}

#[test]
fn a_musl_library_linked_like_alpine_passes_in_a_musllinux_wheel() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        (
            "demo/_bin/hello",
            read_fixture("linux-aarch64-musl-static"),
            EXE,
        ),
        (
            "demo.libs/libfoo.so.1",
            read_fixture("libfoo-alpine-aarch64.so.1"),
            DATA,
        ),
    ];
    let found = check_dist(&wheel(dir.path(), "musllinux_1_2_aarch64", &files));
    assert_eq!(found, Vec::new());
    // In a manylinux wheel the same library is refused, naming its evidence.
    let found = check_dist(&wheel(dir.path(), "manylinux_2_17_aarch64", &files));
    assert_eq!(ids(&found), ["BW102"]);
    assert!(found[0]
        .message
        .contains("linked against musl (DT_NEEDED libc.musl-aarch64.so.1)"));
}

#[test]
fn bw103_tag_platform() {
    let dir = tempfile::tempdir().unwrap();
    let got = one_binary(
        dir.path(),
        "musllinux_1_1_aarch64",
        "linux-x86_64-musl-static",
        "demo/_bin/hello",
    );
    assert_eq!(got, ["BW103"]);
}

#[test]
fn bw104_tag_macos_floor() {
    let dir = tempfile::tempdir().unwrap();
    let got = one_binary(
        dir.path(),
        "macosx_10_9_x86_64",
        "macos-x86_64-1013",
        "demo/_bin/hello",
    );
    assert_eq!(got, ["BW104"]);
}

#[test]
fn bw105_tag_macos_slice() {
    let dir = tempfile::tempdir().unwrap();
    let got = one_binary(
        dir.path(),
        "macosx_11_0_x86_64",
        "macos-arm64-11",
        "demo/_bin/hello",
    );
    assert_eq!(got, ["BW105"]);
}

#[test]
fn bw106_tag_rosetta_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = wheel(
        dir.path(),
        "macosx_11_0_arm64",
        &[("demo/_bin/hello", read_fixture("macos-x86_64-1013"), EXE)],
    );
    let found = check_dist(&path);
    assert_eq!(ids(&found), ["BW106"]);
    assert_eq!(found[0].severity, Severity::Warning);
    assert!(found[0].help.is_some());
}

#[test]
fn bw107_tag_never_installed() {
    let dir = tempfile::tempdir().unwrap();
    let got = one_binary(
        dir.path(),
        "manylinux_2_4_x86_64",
        "linux-x86_64-musl-static",
        "demo/_bin/hello",
    );
    assert_eq!(got, ["BW107"]);
}

#[test]
fn bw108_tag_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let got = one_binary(
        dir.path(),
        "manylinux_3_0_x86_64",
        "linux-x86_64-musl-static",
        "demo/_bin/hello",
    );
    assert_eq!(got, ["BW108"]);
}

#[test]
fn bw109_tag_pypi() {
    let dir = tempfile::tempdir().unwrap();
    let got = one_binary(
        dir.path(),
        "linux_x86_64",
        "linux-x86_64-musl-static",
        "demo/_bin/hello",
    );
    assert_eq!(got, ["BW109"]);
}

#[test]
fn bw110_tag_library_policy() {
    let dir = tempfile::tempdir().unwrap();
    let got = one_binary(
        dir.path(),
        "manylinux_2_17_x86_64",
        "linux-x86_64-glibc-needs-libfoo",
        "demo/_bin/hello",
    );
    assert_eq!(got, ["BW110"]);
}

#[test]
fn bw111_tag_windows_runtime() {
    let dir = tempfile::tempdir().unwrap();
    for dll in ["libgcc_s_seh-1.dll", "MSVCP140.dll", "VCRUNTIME140D.dll"] {
        let path = wheel(
            dir.path(),
            "win_amd64",
            &[("demo/_bin/hello.exe", pe_importing(dll), EXE)],
        );
        assert_eq!(check(&path), ["BW111"], "{dll}");
    }
}

#[test]
fn bw112_tag_vcruntime_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    for dll in ["VCRUNTIME140.dll", "vcruntime140_1.dll"] {
        let path = wheel(
            dir.path(),
            "win_amd64",
            &[("demo/_bin/hello.exe", pe_importing(dll), EXE)],
        );
        let found = check_dist(&path);
        assert_eq!(ids(&found), ["BW112"], "{dll}");
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].help.as_deref().unwrap().contains("crt-static"));
    }
}

#[test]
fn bw113_tag_windows_subsystem() {
    let dir = tempfile::tempdir().unwrap();
    let mut pe = read_fixture("windows-x86_64.exe");
    // IMAGE_OPTIONAL_HEADER64.Subsystem: 10, an EFI application.
    let header = u32::from_le_bytes(pe[0x3c..0x40].try_into().unwrap()) as usize;
    let subsystem = header + 4 + 20 + 68;
    pe[subsystem..subsystem + 2].copy_from_slice(&10u16.to_le_bytes());
    let path = wheel(dir.path(), "win_amd64", &[("demo/_bin/hello.exe", pe, EXE)]);
    assert_eq!(check(&path), ["BW113"]);
}

// ---------------------------------------------------------------------------
// BW5xx: the archive

#[test]
fn bw501_duplicate_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = edited(dir.path(), MUSL, &ok_files(), |m| {
        let again = m[0].clone();
        m.insert(1, again);
    });
    assert_eq!(check(&path), ["BW501"]);
}

#[test]
fn bw502_dist_info() {
    let dir = tempfile::tempdir().unwrap();
    let path = edited(dir.path(), MUSL, &ok_files(), |m| {
        m.push(Member::new("other-1.0.dist-info/x", b"".to_vec(), DATA));
    });
    let got = check(&path);
    assert!(got.contains(&"BW502"), "{got:?}");
    assert!(!got.iter().any(|id| id.starts_with("BW1")), "{got:?}");
}

#[test]
fn bw503_compression() {
    let dir = tempfile::tempdir().unwrap();
    let path = edited(dir.path(), MUSL, &ok_files(), |m| m[0].method = 12);
    assert_eq!(check(&path), ["BW503", "BW507"]);
}

#[test]
fn bw504_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let path = wheel(dir.path(), MUSL, &ok_files());
    let mut bytes = std::fs::read(&path).unwrap();
    // The general purpose flags of the first central directory entry.
    let central = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    bytes[central + 8] |= 1;
    std::fs::write(&path, bytes).unwrap();
    assert_eq!(check(&path), ["BW504"]);
}

#[test]
fn bw505_mode_file_type() {
    let dir = tempfile::tempdir().unwrap();
    let path = wheel(dir.path(), MUSL, &[("demo/_bin/hello", hello(), 0o755)]);
    assert_eq!(check(&path), ["BW505"]);
}

#[test]
fn bw506_metadata_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = edited(dir.path(), MUSL, &ok_files(), |m| {
        m.retain(|x| !x.name.ends_with("/METADATA"));
    });
    assert_eq!(check(&path), ["BW506", "BW510"]);
}

#[test]
fn bw507_member_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let path = wheel(dir.path(), MUSL, &ok_files());
    let mut bytes = std::fs::read(&path).unwrap();
    // One byte of the stored binary flipped: the CRC-32 no longer matches.
    bytes[30 + "demo/_bin/hello".len() + 200] ^= 0xff;
    std::fs::write(&path, bytes).unwrap();
    assert_eq!(check(&path), ["BW507"]);
}

#[test]
fn bw508_wheel_tags() {
    let dir = tempfile::tempdir().unwrap();
    let path = edited(dir.path(), MUSL, &ok_files(), |m| {
        member(m, "/WHEEL").data.extend(b"Tag: py3-none-any\n");
    });
    // WHEEL changed after RECORD: its hash and size are off too.
    assert_eq!(check(&path), ["BW508", "BW514", "BW515"]);
}

#[test]
fn bw509_compressed_tag_line_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let platform = "manylinux2014_x86_64.manylinux_2_17_x86_64";
    let mut members = wheel_members(platform, &ok_files());
    member(&mut members, "/WHEEL").data = format!(
        "Wheel-Version: 1.0\nGenerator: old-maturin\nRoot-Is-Purelib: false\nTag: py3-none-{platform}\n"
    )
    .into_bytes();
    fix_record(&mut members);
    let found = check_dist(&write_wheel(dir.path(), platform, &members));
    assert_eq!(ids(&found), ["BW509"], "{found:#?}");
    assert_eq!(found[0].severity, Severity::Warning);
}

/// RECORD written again for the members as they are now.
fn fix_record(members: &mut [Member]) {
    let text = record_text(members);
    member(members, "/RECORD").data = text.into_bytes();
}

#[test]
fn bw510_record_extra() {
    let dir = tempfile::tempdir().unwrap();
    let path = edited(dir.path(), MUSL, &ok_files(), |m| {
        member(m, "/RECORD").data.extend(b"demo/gone.py,,\n");
    });
    assert_eq!(check(&path), ["BW510"]);
}

#[test]
fn bw511_record_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let path = edited(dir.path(), MUSL, &ok_files(), |m| {
        let record = member(m, "/RECORD");
        let first = String::from_utf8(record.data.clone()).unwrap();
        let line = first.lines().next().unwrap().to_string();
        record.data.extend(format!("{line}\n").bytes());
    });
    assert_eq!(check(&path), ["BW511"]);
}

#[test]
fn bw512_record_unlisted() {
    let dir = tempfile::tempdir().unwrap();
    let path = edited(dir.path(), MUSL, &ok_files(), |m| {
        m.push(Member::new("demo/extra.py", b"x = 1\n".to_vec(), DATA));
    });
    assert_eq!(check(&path), ["BW512"]);
}

fn rewrite_record(m: &mut [Member], edit: impl Fn(&str) -> String) {
    let record = member(m, "/RECORD");
    let text = String::from_utf8(record.data.clone()).unwrap();
    record.data = text
        .lines()
        .map(|l| {
            if l.starts_with("demo/_bin/hello,") {
                edit(l)
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        .into_bytes();
    record.data.push(b'\n');
}

#[test]
fn bw513_record_hash_algorithm() {
    let dir = tempfile::tempdir().unwrap();
    let path = edited(dir.path(), MUSL, &ok_files(), |m| {
        rewrite_record(m, |l| l.replace("sha256=", "md5="));
    });
    assert_eq!(check(&path), ["BW513"]);
}

#[test]
fn bw514_record_hash() {
    let dir = tempfile::tempdir().unwrap();
    let path = edited(dir.path(), MUSL, &ok_files(), |m| {
        let last = m[0].data.len() - 1;
        m[0].data[last] ^= 0xff; // same size, other bytes
    });
    assert_eq!(check(&path), ["BW514"]);
}

#[test]
fn bw515_record_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = edited(dir.path(), MUSL, &ok_files(), |m| {
        rewrite_record(m, |l| {
            let (head, _) = l.rsplit_once(',').unwrap();
            format!("{head},1")
        });
    });
    assert_eq!(check(&path), ["BW515"]);
}

#[test]
fn bw516_record_self() {
    let dir = tempfile::tempdir().unwrap();
    let path = edited(dir.path(), MUSL, &ok_files(), |m| {
        let record = member(m, "/RECORD");
        let text = String::from_utf8(record.data.clone()).unwrap();
        record.data = text
            .replace(
                "demo-1.0.dist-info/RECORD,,",
                "demo-1.0.dist-info/RECORD,,123",
            )
            .into_bytes();
    });
    assert_eq!(check(&path), ["BW516"]);
}

// ---------------------------------------------------------------------------
// BW6xx: Core Metadata

fn with_metadata(dir: &Path, text: &str) -> PathBuf {
    let mut members = wheel_members(MUSL, &ok_files());
    member(&mut members, "/METADATA").data = text.as_bytes().to_vec();
    fix_record(&mut members);
    write_wheel(dir, MUSL, &members)
}

#[test]
fn bw601_metadata_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = with_metadata(
        dir.path(),
        "Metadata-Version: 2.1\nName: other\nVersion: 1.0\n",
    );
    assert_eq!(check(&path), ["BW601"]);
}

#[test]
fn bw602_metadata_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = with_metadata(
        dir.path(),
        "Metadata-Version: 2.1\nName: demo\nVersion: 2.0\n",
    );
    assert_eq!(check(&path), ["BW602"]);
}

// ---------------------------------------------------------------------------
// BW6xx and BW7xx: sdists

const PKG_INFO: &str = "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\n";
const PYPROJECT: &str =
    "[build-system]\nrequires = [\"binwheel\"]\nbuild-backend = \"binwheel\"\n\n[project]\nname = \"demo\"\nversion = \"1.0\"\n";

enum T<'a> {
    File(&'a str, &'a [u8]),
    Link(&'a str, &'a str),
}

fn sdist_named(dir: &Path, name: &str, members: &[T]) -> PathBuf {
    let mut builder = tar::Builder::new(Vec::new());
    for m in members {
        let mut h = tar::Header::new_ustar();
        match m {
            T::File(path, data) => {
                h.set_size(data.len() as u64);
                h.set_mode(0o644);
                h.set_entry_type(tar::EntryType::Regular);
                builder.append_data(&mut h, path, *data).unwrap();
            }
            T::Link(path, target) => {
                h.set_size(0);
                h.set_mode(0o777);
                h.set_entry_type(tar::EntryType::Symlink);
                builder.append_link(&mut h, path, target).unwrap();
            }
        }
    }
    let tar = builder.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, gz.finish().unwrap()).unwrap();
    path
}

fn sdist(dir: &Path, members: &[T]) -> PathBuf {
    sdist_named(dir, "demo-1.0.tar.gz", members)
}

fn good<'a>(pkg_info: &'a str, extra: Vec<T<'a>>) -> Vec<T<'a>> {
    let mut m = vec![
        T::File("demo-1.0/PKG-INFO", pkg_info.as_bytes()),
        T::File("demo-1.0/pyproject.toml", PYPROJECT.as_bytes()),
        T::File("demo-1.0/main.go", b"package main\n"),
    ];
    m.extend(extra);
    m
}

#[test]
fn a_correct_sdist_has_no_findings() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        check(&sdist(dir.path(), &good(PKG_INFO, vec![]))),
        Vec::<&str>::new()
    );
}

#[test]
fn bw603_metadata_version_floor() {
    let dir = tempfile::tempdir().unwrap();
    let old = "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n";
    assert_eq!(check(&sdist(dir.path(), &good(old, vec![]))), ["BW603"]);
}

#[test]
fn bw604_metadata_dynamic() {
    let dir = tempfile::tempdir().unwrap();
    let dynamic = "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nDynamic: Version\n";
    assert_eq!(check(&sdist(dir.path(), &good(dynamic, vec![]))), ["BW604"]);
}

#[test]
fn bw701_sdist_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = sdist_named(
        dir.path(),
        "Demo-1.0.tar.gz",
        &[
            T::File("Demo-1.0/PKG-INFO", PKG_INFO.as_bytes()),
            T::File("Demo-1.0/pyproject.toml", PYPROJECT.as_bytes()),
        ],
    );
    assert_eq!(check(&path), ["BW701"]);
}

#[test]
fn bw702_sdist_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo-1.0.tar.gz");
    std::fs::write(&path, b"not gzip").unwrap();
    assert_eq!(check(&path), ["BW702"]);
}

#[test]
fn bw703_sdist_unsafe_member() {
    let dir = tempfile::tempdir().unwrap();
    let members = good(
        PKG_INFO,
        vec![T::Link("demo-1.0/escape", "../../etc/passwd")],
    );
    assert_eq!(check(&sdist(dir.path(), &members)), ["BW703"]);
}

#[test]
fn bw704_sdist_duplicate_member() {
    let dir = tempfile::tempdir().unwrap();
    let members = good(PKG_INFO, vec![T::File("demo-1.0/main.go", b"again\n")]);
    assert_eq!(check(&sdist(dir.path(), &members)), ["BW704"]);
}

#[test]
fn bw705_sdist_layout() {
    let dir = tempfile::tempdir().unwrap();
    let members = good(PKG_INFO, vec![T::File("stray.txt", b"x\n")]);
    assert_eq!(check(&sdist(dir.path(), &members)), ["BW705"]);
}

#[test]
fn bw706_sdist_pkg_info() {
    let dir = tempfile::tempdir().unwrap();
    let members = [
        T::File("demo-1.0/pyproject.toml", PYPROJECT.as_bytes()),
        T::File("demo-1.0/main.go", b"package main\n"),
    ];
    assert_eq!(check(&sdist(dir.path(), &members)), ["BW706"]);
}

#[test]
fn bw707_sdist_license_file() {
    let dir = tempfile::tempdir().unwrap();
    let info = "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nLicense-File: LICENSE\n";
    assert_eq!(check(&sdist(dir.path(), &good(info, vec![]))), ["BW707"]);
}

#[test]
fn bw708_sdist_pyproject() {
    let dir = tempfile::tempdir().unwrap();
    let members = [
        T::File("demo-1.0/PKG-INFO", PKG_INFO.as_bytes()),
        T::File("demo-1.0/pyproject.toml", b"[project]\nname = \"demo\"\n"),
    ];
    assert_eq!(check(&sdist(dir.path(), &members)), ["BW708"]);
}

#[test]
fn bw709_sdist_binary() {
    let dir = tempfile::tempdir().unwrap();
    let exe = hello();
    let members = good(PKG_INFO, vec![T::File("demo-1.0/bin/hello", &exe)]);
    assert_eq!(check(&sdist(dir.path(), &members)), ["BW709"]);
}

#[test]
fn bw710_sdist_prebuilt_only() {
    let dir = tempfile::tempdir().unwrap();
    let pyproject = format!(
        "{PYPROJECT}\n[tool.binwheel.targets]\nlinux-x86_64 = {{}}\n\n\
         [[tool.binwheel.binary]]\nname = \"demo\"\npath = \"bin/{{target}}/demo\"\n"
    );
    let members = [
        T::File("demo-1.0/PKG-INFO", PKG_INFO.as_bytes()),
        T::File("demo-1.0/pyproject.toml", pyproject.as_bytes()),
    ];
    let found = check_dist(&sdist(dir.path(), &members));
    assert_eq!(ids(&found), ["BW710"]);
    assert!(found.iter().all(|f| f.severity == Severity::Warning));
}

#[test]
fn every_rule_has_a_test_here() {
    let source = include_str!("check_rules.rs");
    // BW2xx-BW4xx belong to other families' own tests.
    for r in RULES
        .iter()
        .filter(|r| !matches!(&r.id[..3], "BW2" | "BW3" | "BW4"))
    {
        let lower = r.id.to_ascii_lowercase();
        assert!(
            source.contains(&format!("fn {lower}_")) || source.contains(&format!("_{lower}_")),
            "no test for {} {}",
            r.id,
            r.name
        );
    }
}

#[test]
fn a_freebsd_elf_gets_a_clean_inspect_entry() {
    let dir = tempfile::tempdir().unwrap();
    // The static x86_64 fixture branded for FreeBSD (EI_OSABI 9), as
    // FreeBSD's linker and `brandelf -t FreeBSD` write it.
    let mut elf = hello();
    elf[7] = 9;
    let path = dir.path().join("hello-freebsd");
    std::fs::write(&path, &elf).unwrap();
    let json = binwheel_core::check::inspect_report(std::slice::from_ref(&path), true).unwrap();
    assert!(json.contains("\"type\": \"binary\""), "{json}");
    assert!(json.contains("\"os\": \"freebsd\""), "{json}");
    assert!(json.contains("\"system\": \"FreeBSD\""), "{json}");
    assert!(
        json.contains("\"error\": null, \"tags\": [], \"tag_error\": \""),
        "{json}"
    );
    // In a wheel's _bin/ it is a program for another platform.
    let found = check_dist(&wheel(dir.path(), MUSL, &[("demo/_bin/hello", elf, EXE)]));
    assert_eq!(ids(&found), ["BW103"]);
}

#[test]
fn the_build_warns_on_bw112_and_strict_or_ignore_follow_the_check_table() {
    use binwheel_core::backend::{build_wheel, Options};
    use binwheel_core::report::Reporter;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("project");
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::write(root.join("bin/hello.exe"), pe_importing("VCRUNTIME140.dll")).unwrap();
    let build = |check: &str| {
        let pyproject = format!(
            "[build-system]\nrequires = [\"binwheel\"]\nbuild-backend = \"binwheel\"\n\n\
             [project]\nname = \"demo\"\nversion = \"1.0\"\n\n[tool.binwheel]\n\
             [[tool.binwheel.binary]]\nname = \"hello\"\npath = \"bin/hello{{exe}}\"\n{check}"
        );
        std::fs::write(root.join("pyproject.toml"), pyproject).unwrap();
        let (reporter, captured) = Reporter::capture();
        let options = Options {
            target: Some("windows-x86_64".into()),
            source_date_epoch: None,
            reporter,
        };
        let out = dir.path().join("out");
        let result = build_wheel(&root, &out, &options);
        (result, captured.text())
    };
    let (built, said) = build("");
    assert_eq!(built.unwrap(), "demo-1.0-py3-none-win_amd64.whl");
    assert!(
        said.contains("binwheel: warning: [BW112 tag-vcruntime] demo/_bin/hello.exe: hello (bin"),
        "{said}"
    );
    let (built, said) = build("[tool.binwheel.check]\nstrict = true\nignore = [\"BW112:*.exe\"]\n");
    assert!(built.is_ok() && !said.contains("BW112"), "{said}");
    let (built, _) = build("[tool.binwheel.check]\nstrict = true\n");
    let err = built.unwrap_err();
    assert!(
        err.message().contains("error[BW112 tag-vcruntime]"),
        "{err}"
    );
}
