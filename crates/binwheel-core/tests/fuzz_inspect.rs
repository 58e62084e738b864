//! Property tests: truncated, byte-mutated and random inputs never make
//! inspection (or the wheel checker) panic, and the lazy file reader agrees
//! with the in-memory one.
//!
//! `BINWHEEL_FUZZ_CASES` sets the number of inspection cases (default
//! 100 000, a few seconds in a debug build); `BINWHEEL_FUZZ_SEED` the seed.

mod common;

use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use binwheel_core::check::check_wheel;
use binwheel_core::inspect::{inspect_bytes, inspect_reader};
use binwheel_core::tags::{binary_tags, TagPolicy};
use common::{read_fixture, wheel_members, write_wheel, zip, Rng};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Magic numbers, so random inputs reach every parser.
const MAGICS: [&[u8]; 8] = [
    b"\x7fELF\x02\x01\x01\x00",
    b"\x7fELF\x01\x02\x01\x03",
    b"\xcf\xfa\xed\xfe",
    b"\xfe\xed\xfa\xce",
    b"\xca\xfe\xba\xbe\x00\x00\x00\x02",
    b"\xca\xfe\xba\xbf\x00\x00\x00\x01",
    b"MZ",
    b"",
];

/// Inspect `data` both ways; they must not panic, and must agree when both succeed.
fn inspect_both(data: &[u8], also_reader: bool) {
    let from_bytes = inspect_bytes(data);
    if let Ok(facts) = &from_bytes {
        // Tag derivation must cope with whatever facts came out.
        let _ = binary_tags("fuzzed", facts, &TagPolicy::default());
    }
    if also_reader {
        let from_reader = inspect_reader(Cursor::new(data));
        if let (Ok(a), Ok(b)) = (&from_bytes, &from_reader) {
            assert_eq!(a, b, "the file reader and the byte reader disagree");
        }
    }
}

#[test]
fn inspection_never_panics() {
    let cases = env_number("BINWHEEL_FUZZ_CASES", 100_000);
    let seed = env_number("BINWHEEL_FUZZ_SEED", 0x6269_6e77_6865_656c);
    let mut corpus: Vec<(&str, Vec<u8>)> = common::FIXTURES
        .iter()
        .map(|name| (*name, read_fixture(name)))
        .collect();
    let mut rng = Rng(seed | 1);
    let mut scratch = Vec::new();
    for case in 0..cases {
        let pick = rng.below(corpus.len() as u64) as usize;
        let kind = rng.below(100);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let (_, data) = &mut corpus[pick];
            let also_reader = case % 8 == 0;
            match kind {
                // Truncation, mostly inside the headers.
                0..=29 => {
                    let limit = if rng.below(4) == 0 {
                        data.len()
                    } else {
                        data.len().min(1 << 16)
                    };
                    let len = rng.below(limit as u64 + 1) as usize;
                    inspect_both(&data[..len], also_reader);
                }
                // Byte mutations in place (restored after), mostly in the first 4 KiB.
                30..=84 => {
                    let flips = 1 + rng.below(8) as usize;
                    let mut saved = Vec::with_capacity(flips);
                    for _ in 0..flips {
                        let span = if rng.below(5) == 0 {
                            data.len()
                        } else {
                            data.len().min(4096)
                        };
                        let at = rng.below(span as u64) as usize;
                        let value = match rng.below(4) {
                            0 => 0,
                            1 => 0xff,
                            2 => data[at] ^ (1 << rng.below(8)),
                            _ => rng.next() as u8,
                        };
                        saved.push((at, data[at]));
                        data[at] = value;
                    }
                    inspect_both(data, also_reader);
                    for (at, old) in saved.into_iter().rev() {
                        data[at] = old;
                    }
                }
                // A prefix of a real file with random bytes after a random cut.
                85..=92 => {
                    let cut = rng.below(data.len().min(2048) as u64) as usize;
                    scratch.clear();
                    scratch.extend_from_slice(&data[..cut]);
                    for _ in 0..rng.below(2048) {
                        scratch.push(rng.next() as u8);
                    }
                    inspect_both(&scratch, also_reader);
                }
                // Random bytes behind a magic number.
                _ => {
                    scratch.clear();
                    scratch.extend_from_slice(MAGICS[rng.below(MAGICS.len() as u64) as usize]);
                    for _ in 0..rng.below(1024) {
                        scratch.push(rng.next() as u8);
                    }
                    inspect_both(&scratch, also_reader);
                }
            }
        }));
        if outcome.is_err() {
            panic!(
                "inspection panicked on case {case} (fixture {}, kind {kind}); reproduce with \
                 BINWHEEL_FUZZ_SEED={seed} BINWHEEL_FUZZ_CASES={}",
                corpus[pick].0,
                case + 1
            );
        }
    }
}

#[test]
fn hostile_counts_do_not_allocate() {
    // An ELF whose PT_DYNAMIC claims 2^60 bytes and whose phnum is PN_XNUM
    // pointing at a section 0 with a huge count: refused, not allocated.
    let mut elf = read_fixture("linux-x86_64-glibc234");
    let phoff = u64::from_le_bytes(elf[32..40].try_into().unwrap()) as usize;
    let phnum = u16::from_le_bytes([elf[56], elf[57]]) as usize;
    for i in 0..phnum {
        let ph = phoff + i * 56;
        if u32::from_le_bytes(elf[ph..ph + 4].try_into().unwrap()) == 2 {
            elf[ph + 32..ph + 40].copy_from_slice(&(1u64 << 60).to_le_bytes());
        }
    }
    let _ = inspect_bytes(&elf);
    let _ = inspect_reader(Cursor::new(&elf));
    // PN_XNUM: the real count is section header 0's sh_info; make it 2^32 - 1.
    elf[56..58].copy_from_slice(&0xffffu16.to_le_bytes());
    let shoff = u64::from_le_bytes(elf[40..48].try_into().unwrap()) as usize;
    elf[shoff + 44..shoff + 48].copy_from_slice(&u32::MAX.to_le_bytes());
    let err = inspect_bytes(&elf).unwrap_err();
    assert_eq!(err.message(), "malformed ELF: 4294967295 program headers");

    // A Mach-O whose load commands claim 4 GiB.
    let mut macho = read_fixture("macos-arm64-11");
    macho[20..24].copy_from_slice(&u32::MAX.to_le_bytes());
    let err = inspect_reader(Cursor::new(&macho)).unwrap_err();
    assert!(
        err.message()
            .starts_with("truncated Mach-O: the load commands"),
        "{err}"
    );
}

#[test]
fn the_wheel_checker_never_panics() {
    let cases = env_number("BINWHEEL_FUZZ_CASES", 100_000) / 50;
    let dir = tempfile::tempdir().unwrap();
    let plat = "manylinux_2_34_x86_64";
    let members = wheel_members(
        plat,
        &[
            (
                "demo/_bin/hello",
                read_fixture("linux-x86_64-glibc234"),
                0o100755,
            ),
            ("demo/__init__.py", b"".to_vec(), 0o100644),
        ],
    );
    let good = zip(&members);
    let path = write_wheel(dir.path(), plat, &members);
    assert_eq!(check_wheel(&path), Vec::new());
    let mut rng = Rng(0x7a69_7066_757a_7a21);
    for case in 0..cases {
        let mut data = good.clone();
        if rng.below(3) == 0 {
            data.truncate(rng.below(data.len() as u64) as usize);
        }
        for _ in 0..1 + rng.below(6) {
            if data.is_empty() {
                break;
            }
            // Aim most mutations at the central directory and the end record.
            let span = if rng.below(2) == 0 {
                data.len().min(600)
            } else {
                data.len()
            };
            let at = data.len() - 1 - rng.below(span as u64) as usize;
            data[at] = rng.next() as u8;
        }
        std::fs::write(&path, &data).unwrap();
        let outcome = catch_unwind(AssertUnwindSafe(|| check_wheel(&path)));
        assert!(outcome.is_ok(), "check_wheel panicked on case {case}");
    }
}
