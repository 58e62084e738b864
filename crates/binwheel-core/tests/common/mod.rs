//! Shared by the integration tests: where the real fixture binaries are,
//! and a tiny zip writer that can also write the broken wheels `check` must catch.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use base64::Engine as _;
use sha2::Digest as _;

/// Every fixture `tests/fixtures/build_binaries.py` builds.
pub const FIXTURES: [&str; 30] = [
    "linux-x86_64-musl-static",
    "linux-aarch64-musl-static",
    "linux-riscv64-musl-static",
    "linux-i686-musl-static",
    "linux-armv7-musl-static",
    "linux-x86_64-glibc217",
    "linux-x86_64-glibc234",
    "linux-aarch64-glibc228",
    "linux-x86_64-musl-dynamic",
    "linux-x86_64-glibc-needs-libfoo",
    "libfoo.so.1",
    "libfoo-alpine-aarch64.so.1",
    "usefoo-rpath-lib",
    "macos-arm64-libfoo.dylib",
    "macos-arm64-usefoo",
    "windows-x86_64-foo.dll",
    "windows-x86_64-usefoo.exe",
    "macos-arm64-11",
    "macos-x86_64-1013",
    "macos-universal2",
    "windows-x86_64.exe",
    "windows-aarch64.exe",
    "windows-x86.exe",
    "go-linux-amd64",
    "go-darwin-arm64",
    "go-windows-amd64.exe",
    "go-deps-linux-amd64",
    "go-deps-darwin-arm64",
    "go-deps-windows-amd64.exe",
    "rust-auditable-linux-x86_64",
];

/// The fixture directory: `$BINWHEEL_FIXTURES` if set, else the committed
/// `tests/fixtures/bin` (built by `tests/fixtures/build_binaries.py`, checked
/// against its SHA256SUMS by tests/test_fixtures.py). Never skips: a missing
/// fixture fails the test and says how to rebuild it.
pub fn fixtures() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = match std::env::var_os("BINWHEEL_FIXTURES") {
            Some(dir) => PathBuf::from(dir),
            None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/bin"),
        };
        let missing: Vec<&str> = FIXTURES
            .iter()
            .copied()
            .filter(|f| !dir.join(f).is_file())
            .collect();
        assert!(
            missing.is_empty(),
            "{} lacks the fixtures {}; rebuild them with `bash tests/run fixtures` \
             (or set BINWHEEL_FIXTURES=DIR to a folder that has them)",
            dir.display(),
            missing.join(", ")
        );
        dir
    })
}

pub fn fixture(name: &str) -> PathBuf {
    fixtures().join(name)
}

pub fn read_fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap_or_else(|e| panic!("reading fixture {name}: {e}"))
}

/// One zip member, written stored (its bytes as they are) whatever `method` says.
#[derive(Clone)]
pub struct Member {
    pub name: String,
    pub data: Vec<u8>,
    /// The full st_mode (e.g. 0o100755); 0 for "made on MS-DOS", no Unix mode.
    pub mode: u32,
    pub method: u16,
}

impl Member {
    pub fn new(name: &str, data: Vec<u8>, mode: u32) -> Self {
        Member {
            name: name.to_string(),
            data,
            mode,
            method: 0,
        }
    }
}

/// A zip archive of `members`, in order (duplicates allowed on purpose).
pub fn zip(members: &[Member]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for m in members {
        let mut crc = flate2::Crc::new();
        crc.update(&m.data);
        let offset = out.len() as u32;
        let (size, name) = (m.data.len() as u32, m.name.as_bytes());
        out.extend(0x0403_4b50u32.to_le_bytes());
        for v in [20u16, 0x0800, m.method, 0, 0x21] {
            out.extend(v.to_le_bytes());
        }
        for v in [crc.sum(), size, size] {
            out.extend(v.to_le_bytes());
        }
        out.extend((name.len() as u16).to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(name);
        out.extend(&m.data);

        let made_by: u16 = if m.mode == 0 { 20 } else { 0x0300 | 20 };
        central.extend(0x0201_4b50u32.to_le_bytes());
        for v in [made_by, 20, 0x0800, m.method, 0, 0x21] {
            central.extend(v.to_le_bytes());
        }
        for v in [crc.sum(), size, size] {
            central.extend(v.to_le_bytes());
        }
        for v in [name.len() as u16, 0, 0, 0, 0] {
            central.extend(v.to_le_bytes());
        }
        central.extend((m.mode << 16).to_le_bytes());
        central.extend(offset.to_le_bytes());
        central.extend(name);
    }
    let dir_at = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, members.len() as u16, members.len() as u16] {
        out.extend(v.to_le_bytes());
    }
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(dir_at.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// The members of a correct wheel `demo-1.0-py3-none-<platform>.whl` holding
/// `files` (name, bytes, st_mode), with WHEEL, METADATA and a RECORD that matches.
pub fn wheel_members(platform: &str, files: &[(&str, Vec<u8>, u32)]) -> Vec<Member> {
    let mut members: Vec<Member> = files
        .iter()
        .map(|(name, data, mode)| Member::new(name, data.clone(), *mode))
        .collect();
    let mut wheel = String::from("Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\n");
    for plat in platform.split('.') {
        wheel.push_str(&format!("Tag: py3-none-{plat}\n"));
    }
    members.push(Member::new(
        "demo-1.0.dist-info/METADATA",
        b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n".to_vec(),
        0o100644,
    ));
    members.push(Member::new(
        "demo-1.0.dist-info/WHEEL",
        wheel.into_bytes(),
        0o100644,
    ));
    let record = record_text(&members);
    members.push(Member::new(
        "demo-1.0.dist-info/RECORD",
        record.into_bytes(),
        0o100644,
    ));
    members
}

/// `demo-1.0.dist-info/RECORD` for `members` as they are (RECORD itself,
/// if among them, left out and listed last without hash or size).
pub fn record_text(members: &[Member]) -> String {
    let mut record = String::new();
    for m in members.iter().filter(|m| !m.name.ends_with("/RECORD")) {
        let digest = sha2::Sha256::digest(&m.data);
        record.push_str(&format!(
            "{},sha256={},{}\n",
            m.name,
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest),
            m.data.len()
        ));
    }
    record.push_str("demo-1.0.dist-info/RECORD,,\n");
    record
}

/// Write `members` as `demo-1.0-py3-none-<platform>.whl` in `dir`.
pub fn write_wheel(dir: &Path, platform: &str, members: &[Member]) -> PathBuf {
    let path = dir.join(format!("demo-1.0-py3-none-{platform}.whl"));
    std::fs::write(&path, zip(members)).expect("writing the wheel");
    path
}

/// xorshift64*: a tiny deterministic PRNG for property tests.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform-ish in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The member names of the zip archive at `path`, in archive order.
pub fn zip_names(path: &Path) -> Vec<String> {
    let file = std::fs::File::open(path).expect("opening the archive");
    let zip = zip::ZipArchive::new(file).expect("reading the archive");
    let mut zip = zip;
    (0..zip.len())
        .map(|i| {
            zip.by_index(i)
                .expect("a member")
                .name()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// The text of member `name` of the zip archive at `path`.
pub fn zip_read(path: &Path, name: &str) -> String {
    use std::io::Read as _;
    let file = std::fs::File::open(path).expect("opening the archive");
    let mut zip = zip::ZipArchive::new(file).expect("reading the archive");
    let mut text = String::new();
    zip.by_name(name)
        .expect("the member")
        .read_to_string(&mut text)
        .expect("UTF-8 text");
    text
}
