//! Property tests: truncated, byte-mutated and random inputs never make
//! inspection (or the wheel checker) panic, and the lazy file reader agrees
//! with the in-memory one.
//!
//! The embedded-data readers (Go build info, cargo-auditable) get their own
//! cases, under a counting allocator that holds each read to a memory bound.
//!
//! `BINWHEEL_FUZZ_CASES` sets the number of inspection cases (default
//! 100 000, a few seconds in a debug build); `BINWHEEL_FUZZ_SEED` the seed.

mod common;

use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use binwheel_core::check::check_wheel;
use binwheel_core::inspect::{
    auditable, embedded_bytes, embedded_reader, gobuildinfo, inspect_bytes, inspect_reader,
};
use binwheel_core::tags::{binary_tags, TagPolicy};
use common::{read_fixture, wheel_members, write_wheel, zip, Rng};

/// Counts the bytes each thread has live, and the peak since the last
/// reset, so the embedded-data readers can be held to a memory bound.
struct Counting;

thread_local! {
    static LIVE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    static PEAK: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        let _ = LIVE.try_with(|live| {
            let now = live.get() + layout.size();
            live.set(now);
            let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
        });
        unsafe { std::alloc::System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(layout.size())));
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Run `f`, returning the most memory it held at once beyond what was live before.
fn peak_of(f: impl FnOnce()) -> usize {
    let base = LIVE.with(|l| l.get());
    PEAK.with(|p| p.set(base));
    f();
    PEAK.with(|p| p.get()) - base
}

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

/// Where the signatures of a Mach-O's slices sit: (start, length) of each
/// LC_CODE_SIGNATURE's data, found by walking the real load commands.
fn signature_ranges(data: &[u8]) -> Vec<(usize, usize)> {
    let le = |at: usize| u32::from_le_bytes(data[at..at + 4].try_into().unwrap()) as usize;
    let be = |at: usize| u32::from_be_bytes(data[at..at + 4].try_into().unwrap()) as usize;
    let bases: Vec<usize> = if data[..4] == [0xca, 0xfe, 0xba, 0xbe] {
        (0..be(4)).map(|i| be(8 + i * 20 + 8)).collect()
    } else {
        vec![0]
    };
    let mut ranges = Vec::new();
    for base in bases {
        let mut at = base + 32;
        for _ in 0..le(base + 16) {
            if le(at) == 0x1d {
                ranges.push((base + le(at + 8), le(at + 12)));
            }
            at += le(at + 4);
        }
    }
    ranges
}

#[test]
fn mutated_code_signatures_never_panic() {
    // Mutations aimed at the SuperBlob and CodeDirectory headers (their
    // first 128 bytes) and anywhere in the signature, of thin and fat files.
    let cases = env_number("BINWHEEL_FUZZ_CASES", 100_000) / 20;
    let mut rng = Rng(0x636f_6465_7369_676e);
    for name in ["macos-arm64-11", "macos-universal2"] {
        let mut data = read_fixture(name);
        let ranges = signature_ranges(&data);
        assert!(!ranges.is_empty(), "{name} is signed");
        for case in 0..cases / 2 {
            let (start, len) = ranges[rng.below(ranges.len() as u64) as usize];
            let mut saved = Vec::new();
            for _ in 0..1 + rng.below(4) {
                let span = if rng.below(2) == 0 { len.min(128) } else { len };
                let at = start + rng.below(span as u64) as usize;
                saved.push((at, data[at]));
                data[at] = match rng.below(3) {
                    0 => 0,
                    1 => 0xff,
                    _ => rng.next() as u8,
                };
            }
            let outcome = catch_unwind(AssertUnwindSafe(|| inspect_both(&data, case % 8 == 0)));
            assert!(
                outcome.is_ok(),
                "{name}: inspection panicked on case {case}"
            );
            for (at, old) in saved.into_iter().rev() {
                data[at] = old;
            }
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

/// zlib-compress `data` (cargo-auditable's `.dep-v0` encoding).
fn zlib(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Where a file's `.dep-v0` section is: (offset, size).
fn dep_section(data: &[u8]) -> Option<(usize, usize)> {
    use object::{Object, ObjectSection};
    let file = object::File::parse(data).ok()?;
    let (at, len) = file.section_by_name(".dep-v0")?.file_range()?;
    Some((at as usize, len as usize))
}

/// Most memory one embedded-data read may hold: the decompression cap (8 MiB)
/// twice over, plus the section and string caps.
const EMBEDDED_BOUND: usize = 32 << 20;

#[test]
fn embedded_readers_never_panic_and_stay_bounded() {
    let cases = env_number("BINWHEEL_FUZZ_CASES", 100_000);
    let seed = env_number("BINWHEEL_FUZZ_SEED", 0x6275_696c_6469_6e66);
    // Each file with the offset where its embedded data starts.
    let mut files: Vec<(&str, Vec<u8>, usize)> = [
        "go-deps-linux-amd64",
        "go-deps-darwin-arm64",
        "go-deps-windows-amd64.exe",
        "go-linux-amd64",
        "rust-auditable-linux-x86_64",
    ]
    .iter()
    .map(|name| {
        let data = read_fixture(name);
        let at = data
            .windows(gobuildinfo::MAGIC.len())
            .position(|w| w == gobuildinfo::MAGIC)
            .or_else(|| dep_section(&data).map(|(at, _)| at))
            .unwrap_or_else(|| panic!("{name}: nothing embedded"));
        (*name, data, at)
    })
    .collect();
    let json = br#"{"packages":[{"name":"app","version":"0.1.0","source":"local","dependencies":[1,2],"root":true},{"name":"itoa","version":"1.0.11","source":"crates.io"},{"name":"cc","version":"1.2.0","source":"crates.io","kind":"build","dependencies":[]}]}"#.to_vec();
    // The real `.dep-v0` section of the cargo-auditable fixture.
    let rust = &files[4].1;
    let (at, len) = dep_section(rust).expect("a .dep-v0 section");
    let mut deflated = rust[at..at + len].to_vec();
    let mut rng = Rng(seed | 1);
    let mut worst = 0;
    for case in 0..cases {
        let kind = rng.below(100);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            // Flip 1-8 bytes of `data` within [from, from + span), run `f`, restore.
            fn mutate(
                data: &mut [u8],
                from: usize,
                span: usize,
                rng: &mut Rng,
                f: impl FnOnce(&[u8]),
            ) {
                let mut saved = Vec::new();
                for _ in 0..1 + rng.below(8) {
                    let at = (from + rng.below(span as u64) as usize).min(data.len() - 1);
                    saved.push((at, data[at]));
                    data[at] = match rng.below(3) {
                        0 => rng.next() as u8,
                        1 => data[at] ^ (1 << rng.below(8)),
                        _ => [0, 0xff, 0x80, b'\t', b'\n'][rng.below(5) as usize],
                    };
                }
                f(data);
                for (at, old) in saved.into_iter().rev() {
                    data[at] = old;
                }
            }
            match kind {
                // Whole files, mutated in the build info blob or anywhere in the
                // headers (a tenth of the cases: a whole file costs the most).
                0..=9 => {
                    let (_, data, at) = &mut files[rng.below(5) as usize];
                    let (from, span) = if rng.below(3) == 0 {
                        (0, 4096)
                    } else {
                        (*at, 512)
                    };
                    let reader = case % 16 == 0;
                    mutate(data, from, span, &mut rng, |d| {
                        let got = embedded_bytes(d);
                        if reader {
                            assert_eq!(
                                got,
                                embedded_reader(Cursor::new(d)),
                                "reader and bytes disagree"
                            );
                        }
                    });
                }
                // The blob alone, mutated and cut, through both formats.
                10..=59 => {
                    let (_, image, at) = &files[rng.below(4) as usize];
                    let end = (*at + 4096).min(image.len());
                    let mut blob = image[*at..end].to_vec();
                    if rng.below(4) == 0 {
                        blob[15] ^= 2; // the pointer format
                    }
                    let cut = rng.below(blob.len() as u64 + 1) as usize;
                    mutate(&mut blob, 0, 600, &mut rng, |b| {
                        let read_at = |addr: u64, size: u64| {
                            let start = usize::try_from(addr).ok()?;
                            image
                                .get(start..start.checked_add(usize::try_from(size).ok()?)?)
                                .map(<[u8]>::to_vec)
                        };
                        let _ = gobuildinfo::read(&b[..cut.min(b.len())], &read_at);
                    });
                }
                // cargo-auditable's compressed JSON, mutated or cut.
                60..=84 => {
                    let len = deflated.len();
                    let cut = rng.below(len as u64 + 1) as usize;
                    mutate(&mut deflated, 0, len, &mut rng, |d| {
                        let _ = auditable::read(&d[..cut.max(2)]);
                    });
                }
                // Its JSON text, mutated, and module info text with random lines.
                _ => {
                    let mut text = json.clone();
                    let len = text.len();
                    mutate(&mut text, 0, len, &mut rng, |t| {
                        let _ = auditable::parse(&String::from_utf8_lossy(t));
                        let _ = gobuildinfo::parse_modinfo(
                            "go1",
                            &String::from_utf8_lossy(t)
                                .replace(',', "\t")
                                .replace('{', "\n"),
                        );
                    });
                }
            }
        }));
        if outcome.is_err() {
            panic!(
                "an embedded-data reader panicked on case {case} (kind {kind}); reproduce with \
                 BINWHEEL_FUZZ_SEED={seed} BINWHEEL_FUZZ_CASES={}",
                case + 1
            );
        }
        if case % 1000 == 0 {
            let (_, data, _) = &files[(case / 1000 % 5) as usize];
            worst = worst.max(peak_of(|| drop(embedded_bytes(data))));
        }
    }
    assert!(worst < EMBEDDED_BOUND, "a read held {worst} bytes");
}

#[test]
fn hostile_embedded_data_does_not_allocate() {
    // A zlib bomb: 64 MiB of spaces in a few kilobytes stops at the 8 MiB cap.
    let bomb = zlib(&vec![b' '; 64 << 20]);
    let peak = peak_of(|| {
        let err = auditable::read(&bomb).unwrap_err();
        assert!(err.contains("more than 8 MiB"), "{err}");
    });
    assert!(peak < EMBEDDED_BOUND, "the bomb held {peak} bytes");
    // A Go blob whose inline length claims 2^62 bytes, and a pointer-format
    // blob whose string claims 2^40 bytes: refused, not allocated.
    let mut blob = gobuildinfo::MAGIC.to_vec();
    blob.extend([8, 2]);
    blob.resize(32, 0);
    blob.extend([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3f]);
    assert!(gobuildinfo::read(&blob, &|_, _| None).is_err());
    let mut old = gobuildinfo::MAGIC.to_vec();
    old.extend([8, 0]);
    old.extend(0x100u64.to_le_bytes());
    old.extend(0x100u64.to_le_bytes());
    let header: Vec<u8> = [0x200u64.to_le_bytes(), (1u64 << 40).to_le_bytes()].concat();
    let peak = peak_of(|| {
        let read_at = |addr: u64, size: u64| (addr == 0x100 && size == 16).then(|| header.clone());
        assert!(gobuildinfo::read(&old, &read_at).is_err());
    });
    assert!(peak < 1 << 20, "{peak}");
}
