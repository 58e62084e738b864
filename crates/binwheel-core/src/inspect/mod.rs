//! Binary inspection: bytes in, facts out.
//!
//! Owns reading ELF, Mach-O (thin and fat) and PE headers into [`Facts`]:
//! format, OS, architecture, linkage, the ELF loader and the libraries and
//! symbol versions it needs, the minimum macOS and the code signature of
//! every Mach-O slice (verified page by page, `codesign`), and the PE machine
//! and subsystem. It must not know about configuration or wheel tags (`tags`
//! turns facts into tags), and it never trusts the input: every read is
//! bounds-checked, every count is capped, nothing panics, and a file is read
//! lazily so a 4 GB binary costs a few kilobytes of memory (verifying a
//! signature streams the slice through one fixed buffer).
//! [`Embedded`] is the other half: what the compiler wrote into the binary
//! about its origin (Go build info, cargo-auditable's dependency list).

pub mod auditable;
mod codesign;
mod elf;
mod embedded;
pub mod gobuildinfo;
mod macho;
mod pe;

pub use embedded::{embedded_bytes, embedded_file, embedded_reader, Embedded};

use std::fmt;
use std::fs::File;
use std::io::{Read, Seek};
use std::marker::PhantomData;
use std::path::Path;

use object::read::{ReadCache, ReadCacheOps, ReadRef};

use crate::error::Error;
use crate::target::{Arch, Os};

pub use codesign::{CodeSignature, HashType, SignatureKind, SignatureStatus};

/// Largest single table binwheel reads from a binary (load commands, section
/// tables, dynamic sections…). Real ones are kilobytes; a bigger claim is a
/// corrupt or hostile header, not something to allocate for.
const MAX_READ: u64 = 16 << 20;
/// Total bytes one inspection may pull from a file.
const MAX_TOTAL_READ: u64 = 64 << 20;
/// Cap on every list kept in [`Facts`] (libraries, symbol versions, slices…).
const MAX_ITEMS: usize = 4096;

/// Everything binwheel knows about one binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub format: Format,
    pub os: Os,
    /// The architecture a platform tag can name. A fat Mach-O with both an
    /// x86_64 and an arm64 slice is [`Arch::Universal2`]. `None` when binwheel
    /// has no tag for the machine (see `machine`).
    pub arch: Option<Arch>,
    /// The machine as the file names it: "x86-64", "aarch64", "ppc64 (big-endian)"…
    pub machine: String,
    /// 32 or 64 (for a fat Mach-O: 64 only if every slice is 64-bit).
    pub bits: u8,
    pub endian: Endian,
    pub kind: Kind,
    pub elf: Option<ElfFacts>,
    pub macho: Option<MachoFacts>,
    pub pe: Option<PeFacts>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Elf,
    MachO,
    Pe,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endian {
    Little,
    Big,
}

/// What the file is for. Only executables and shared libraries belong in a wheel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Executable,
    SharedLibrary,
    /// A relocatable object (`.o`), a core dump, a Mach-O bundle…
    Other(&'static str),
}

/// How an ELF finds its C library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Linkage {
    /// No PT_INTERP and no DT_NEEDED: runs on any Linux of its architecture.
    Static,
    Dynamic,
}

/// The C library a dynamic ELF is linked against, from its loader (or, for a
/// library without PT_INTERP, from its DT_NEEDED names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Libc {
    Glibc,
    Musl,
    /// Dynamic, but neither glibc's nor musl's loader (Android's linker, a custom path…).
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfFacts {
    pub linkage: Linkage,
    /// `None` for static binaries.
    pub libc: Option<Libc>,
    /// What says which C library it is: `loader /lib/ld-musl-aarch64.so.1`,
    /// `DT_NEEDED libc.musl-aarch64.so.1`, `symbol version GLIBC_2.17 from
    /// libc.so.6`. `None` for static binaries.
    pub libc_evidence: Option<String>,
    /// The system the ELF is for when it is not Linux (`FreeBSD`, from
    /// EI_OSABI or its loader); such a file has no wheel tag (`arch` is `None`).
    pub system: Option<String>,
    /// PT_INTERP, e.g. `/lib64/ld-linux-x86-64.so.2`.
    pub interpreter: Option<String>,
    /// DT_NEEDED, in file order.
    pub needed: Vec<String>,
    /// DT_RUNPATH, or DT_RPATH when there is no RUNPATH.
    pub runpath: Option<String>,
    /// `runpath` is a DT_RPATH (the file has no DT_RUNPATH): the loader then
    /// searches it for the libraries the file's libraries load too.
    pub rpath_inherited: bool,
    /// Every version required through `.gnu.version_r` (DT_VERNEED), as
    /// (library, version), e.g. ("libc.so.6", "GLIBC_2.34"), deduplicated, in file order.
    pub versions: Vec<(String, String)>,
    /// The highest `GLIBC_x.y[.z]` among `versions`.
    pub glibc: Option<Version>,
    /// EM_ARM only: whether e_flags say EABI5 hard-float (armhf).
    pub arm_hard_float: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachoFacts {
    /// A universal ("fat") file; `slices` then has one entry per architecture.
    pub fat: bool,
    pub slices: Vec<MachoSlice>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachoSlice {
    pub arch: Option<Arch>,
    /// "x86_64", "arm64", "arm64e", "i386", "ppc"…
    pub cpu: String,
    pub bits: u8,
    pub endian: Endian,
    pub kind: Kind,
    /// From LC_BUILD_VERSION (or an LC_VERSION_MIN_* command).
    pub platform: Option<ApplePlatform>,
    /// Minimum OS version the slice runs on, as written (e.g. 10.13.0 or 11.0.0).
    pub minos: Option<Version>,
    pub sdk: Option<Version>,
    /// Which load command `minos` came from: "LC_BUILD_VERSION" or "LC_VERSION_MIN_MACOSX"…
    pub minos_source: Option<&'static str>,
    /// LC_LOAD_DYLIB and friends: install names such as `/usr/lib/libSystem.B.dylib`.
    pub dylibs: Vec<String>,
    /// What LC_CODE_SIGNATURE points at, verified; `None`: unsigned.
    pub signature: Option<CodeSignature>,
    /// The subset of `dylibs` loaded weakly (LC_LOAD_WEAK_DYLIB): the
    /// program starts without them.
    pub weak_dylibs: Vec<String>,
    /// LC_RPATH entries, in file order: what `@rpath/` in an install name
    /// stands for (`@loader_path/../lib`).
    pub rpaths: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApplePlatform {
    MacOs,
    MacCatalyst,
    Other(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeFacts {
    /// IMAGE_FILE_HEADER.Machine, e.g. 0x8664.
    pub machine: u16,
    /// IMAGE_OPTIONAL_HEADER.Subsystem, e.g. 3 (console).
    pub subsystem: u16,
    /// "console", "gui", "efi-application"…
    pub subsystem_name: String,
    /// DLL names from the import directory, e.g. `KERNEL32.dll`.
    pub imports: Vec<String>,
}

/// A dotted version: glibc `2.2.5`, macOS `10.13.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Version {
            major,
            minor,
            patch,
        }
    }

    /// "2.34", "2.2.5", "10.13", "11.0" (the patch only when non-zero).
    pub fn short(self) -> String {
        if self.patch == 0 {
            format!("{}.{}", self.major, self.minor)
        } else {
            format!("{}.{}.{}", self.major, self.minor, self.patch)
        }
    }

    /// Parse `2.34` or `2.2.5` (all parts numeric, 2 or 3 of them).
    pub fn parse(s: &str) -> Option<Version> {
        let mut parts = s.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = match parts.next() {
            Some(p) => p.parse().ok()?,
            None => 0,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Version::new(major, minor, patch))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.short())
    }
}

impl Facts {
    /// "an x86_64 ELF", "an arm64 Mach-O", "a fat Mach-O (x86_64 + arm64)", "an x86 PE".
    pub fn describe(&self) -> String {
        let format = match self.format {
            Format::Elf => "ELF",
            Format::MachO => "Mach-O",
            Format::Pe => "PE",
        };
        if let Some(m) = &self.macho {
            if m.fat {
                let cpus: Vec<&str> = m.slices.iter().map(|s| s.cpu.as_str()).collect();
                return format!("a fat Mach-O ({})", cpus.join(" + "));
            }
        }
        let arch = self.arch_label();
        let article =
            if arch.starts_with(['a', 'e', 'i', 'o', 'u', 'x']) || arch.starts_with("s390") {
                "an"
            } else {
                "a"
            };
        format!("{article} {arch} {format}")
    }

    /// The architecture in the spelling of the binary's own OS ("arm64" on
    /// macOS and Windows, "aarch64" on Linux), or the raw machine name.
    pub fn arch_label(&self) -> String {
        match self.arch {
            Some(arch) => crate::target::Target::new(self.os, arch)
                .arch_name()
                .to_string(),
            None => self.machine.clone(),
        }
    }

    /// "ELF", "Mach-O", "PE".
    pub fn format_name(&self) -> &'static str {
        match self.format {
            Format::Elf => "ELF",
            Format::MachO => "Mach-O",
            Format::Pe => "PE",
        }
    }
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Executable => "executable",
            Kind::SharedLibrary => "shared library",
            Kind::Other(what) => what,
        }
    }
}

impl Libc {
    pub fn name(self) -> &'static str {
        match self {
            Libc::Glibc => "glibc",
            Libc::Musl => "musl",
            Libc::Unknown => "unknown",
        }
    }
}

impl ApplePlatform {
    pub fn name(self) -> &'static str {
        match self {
            ApplePlatform::MacOs => "macOS",
            ApplePlatform::MacCatalyst => "Mac Catalyst",
            ApplePlatform::Other(name) => name,
        }
    }
}

/// Why a file could not be inspected. The message does not name the file;
/// [`inspect_file`] adds that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectError {
    pub kind: InspectErrorKind,
    message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InspectErrorKind {
    /// No ELF, Mach-O or PE header at all.
    NotExecutable,
    /// A header or table runs past the end of the file.
    Truncated,
    /// Inconsistent or implausible header values.
    Malformed,
    /// A valid binary binwheel does not build wheels for (a DOS MZ…).
    Unsupported,
    /// Reading the file failed.
    Io,
}

impl InspectError {
    pub(crate) fn new(kind: InspectErrorKind, message: impl Into<String>) -> Self {
        InspectError {
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn malformed(format: &str, what: impl fmt::Display) -> Self {
        Self::new(
            InspectErrorKind::Malformed,
            format!("malformed {format}: {what}"),
        )
    }

    pub(crate) fn unsupported(what: impl Into<String>) -> Self {
        Self::new(InspectErrorKind::Unsupported, what)
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for InspectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for InspectError {}

/// Inspect a binary held in memory.
pub fn inspect_bytes(data: &[u8]) -> Result<Facts, InspectError> {
    let (mut facts, pending) = inspect_data(data)?;
    settle(&mut facts, pending, std::io::Cursor::new(data));
    Ok(facts)
}

/// Verify the code signatures the headers point at, streaming the pages
/// from `reader`.
fn settle<Rd: Read + Seek>(facts: &mut Facts, pending: Vec<codesign::Pending>, reader: Rd) {
    if let (Some(m), false) = (facts.macho.as_mut(), pending.is_empty()) {
        codesign::settle(&mut m.slices, pending, reader);
    }
}

/// Inspect a binary on disk, reading only the headers and tables it needs.
pub fn inspect_file(path: &Path) -> Result<Facts, Error> {
    let file = File::open(path).map_err(|e| Error::io("cannot open", path, e))?;
    let meta = file
        .metadata()
        .map_err(|e| Error::io("cannot read", path, e))?;
    if meta.is_dir() {
        return Err(Error::new(format!(
            "{}: is a directory, not an executable",
            path.display()
        )));
    }
    inspect_reader(file).map_err(|e| Error::new(format!("{}: {e}", path.display())))
}

/// Inspect a binary from any seekable reader (a file, a temporary copy of a
/// wheel member…), reading lazily with bounded memory.
pub fn inspect_reader<R: Read + Seek>(reader: R) -> Result<Facts, InspectError> {
    let capped = Capped {
        cache: ReadCache::new(reader),
        total: std::cell::Cell::new(0),
    };
    let (mut facts, pending) = inspect_data(&capped)?;
    // The pages are streamed from the reader itself, past the cache and its
    // budget: verifying reads the whole slice, but holds only one chunk.
    settle(&mut facts, pending, capped.cache.into_inner());
    Ok(facts)
}

/// Whether `head` (the first bytes of a file) starts like an ELF, Mach-O or
/// PE binary. Used to find the binaries in a wheel.
pub fn looks_like_binary(head: &[u8]) -> bool {
    match head {
        [0x7f, b'E', b'L', b'F', ..] => true,
        [0xfe, 0xed, 0xfa, 0xce | 0xcf, ..] | [0xce | 0xcf, 0xfa, 0xed, 0xfe, ..] => true,
        [0xca, 0xfe, 0xba, 0xbe | 0xbf, 0, 0, 0, n, ..] => macho::plausible_fat_count(*n),
        [b'M', b'Z', ..] => true,
        _ => false,
    }
}

/// The facts of `data`, and the code signature pages still to verify.
fn inspect_data<'a, R: ReadRef<'a>>(
    data: R,
) -> Result<(Facts, Vec<codesign::Pending>), InspectError> {
    let len = data
        .len()
        .map_err(|()| InspectError::new(InspectErrorKind::Io, "cannot read the file's length"))?;
    if len == 0 {
        return Err(InspectError::new(
            InspectErrorKind::NotExecutable,
            "not an executable: the file is empty",
        ));
    }
    let input = Input {
        data,
        base: 0,
        len,
        format: "file",
        _p: PhantomData,
    };
    let head = input.bytes(0, len.min(8), "the magic number")?;
    match head {
        [0x7f, b'E', b'L', b'F', ..] => elf::inspect(input.with_format("ELF")).map(no_pages),
        [0xfe, 0xed, 0xfa, 0xce | 0xcf, ..] | [0xce | 0xcf, 0xfa, 0xed, 0xfe, ..] => {
            macho::inspect(input.with_format("Mach-O"))
        }
        [0xca, 0xfe, 0xba, 0xbe | 0xbf, ..] => macho::inspect_fat(input.with_format("Mach-O")),
        [b'M', b'Z', ..] => pe::inspect(input.with_format("PE")).map(no_pages),
        [b'#', b'!', ..] => Err(InspectError::new(
            InspectErrorKind::NotExecutable,
            "not an executable: a script (starts with #!), not a native binary",
        )),
        _ => Err(InspectError::new(
            InspectErrorKind::NotExecutable,
            "not an executable: no ELF, Mach-O or PE header",
        )),
    }
}

fn no_pages(facts: Facts) -> (Facts, Vec<codesign::Pending>) {
    (facts, Vec::new())
}

/// A bounds-checked view of the input: `[base, base + len)` of `data`.
#[derive(Clone, Copy)]
pub(crate) struct Input<'a, R: ReadRef<'a>> {
    data: R,
    base: u64,
    len: u64,
    /// "ELF", "Mach-O", "PE": names the format in error messages.
    format: &'static str,
    _p: PhantomData<&'a [u8]>,
}

impl<'a, R: ReadRef<'a>> Input<'a, R> {
    fn with_format(self, format: &'static str) -> Self {
        Input { format, ..self }
    }

    /// The sub-range `[offset, offset + len)`, e.g. one slice of a fat Mach-O.
    fn sub(self, offset: u64, len: u64, what: &str) -> Result<Self, InspectError> {
        self.check_range(offset, len, what)?;
        Ok(Input {
            base: self.base + offset,
            len,
            ..self
        })
    }

    fn check_range(&self, offset: u64, size: u64, what: &str) -> Result<(), InspectError> {
        match offset.checked_add(size) {
            Some(end) if end <= self.len => Ok(()),
            _ => Err(InspectError::new(
                InspectErrorKind::Truncated,
                format!(
                    "truncated {}: {what} (bytes {offset}..{}) runs past the end of the file ({} bytes)",
                    self.format,
                    offset.saturating_add(size),
                    self.len
                ),
            )),
        }
    }

    /// `size` bytes at `offset`, or a "truncated" error naming `what`.
    pub(crate) fn bytes(
        &self,
        offset: u64,
        size: u64,
        what: &str,
    ) -> Result<&'a [u8], InspectError> {
        self.check_range(offset, size, what)?;
        if size > MAX_READ {
            return Err(InspectError::malformed(
                self.format,
                format!(
                    "{what} claims {size} bytes, more than the {} MiB binwheel reads for a table",
                    MAX_READ >> 20
                ),
            ));
        }
        self.data
            .read_bytes_at(self.base + offset, size)
            .map_err(|()| {
                InspectError::new(
                    InspectErrorKind::Io,
                    format!("cannot read {what} (bytes {offset}..{})", offset + size),
                )
            })
    }

    /// A NUL-terminated string starting at `offset` and ending before `end`.
    pub(crate) fn cstr(&self, offset: u64, end: u64, what: &str) -> Result<String, InspectError> {
        let end = end.min(self.len);
        if offset >= end {
            return Err(InspectError::malformed(
                self.format,
                format!("{what} starts at byte {offset}, outside its table"),
            ));
        }
        let bytes = self
            .data
            .read_bytes_at_until(self.base + offset..self.base + end, 0)
            .map_err(|()| {
                InspectError::malformed(
                    self.format,
                    format!("{what} at byte {offset} is not a NUL-terminated string"),
                )
            })?;
        Ok(String::from_utf8_lossy(bytes).into_owned())
    }

    pub(crate) fn malformed(&self, what: impl fmt::Display) -> InspectError {
        InspectError::malformed(self.format, what)
    }
}

/// Reads the fields of a header already bounds-checked into `bytes`. Reads
/// outside `bytes` give 0 instead of panicking; callers size their reads so
/// that never happens for the fields they use.
#[derive(Clone, Copy)]
pub(crate) struct Fields<'a> {
    pub bytes: &'a [u8],
    pub big: bool,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(bytes: &'a [u8], big: bool) -> Self {
        Fields { bytes, big }
    }

    fn array<const N: usize>(&self, at: usize) -> [u8; N] {
        let mut out = [0u8; N];
        if let Some(src) = at.checked_add(N).and_then(|end| self.bytes.get(at..end)) {
            out.copy_from_slice(src);
        }
        out
    }

    pub(crate) fn u8(&self, at: usize) -> u8 {
        self.bytes.get(at).copied().unwrap_or(0)
    }

    pub(crate) fn u16(&self, at: usize) -> u16 {
        let b = self.array::<2>(at);
        if self.big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        }
    }

    pub(crate) fn u32(&self, at: usize) -> u32 {
        let b = self.array::<4>(at);
        if self.big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    }

    pub(crate) fn u64(&self, at: usize) -> u64 {
        let b = self.array::<8>(at);
        if self.big {
            u64::from_be_bytes(b)
        } else {
            u64::from_le_bytes(b)
        }
    }

    /// A word of the file's class: 4 bytes for 32-bit files, 8 for 64-bit.
    pub(crate) fn word(&self, at: usize, is64: bool) -> u64 {
        if is64 {
            self.u64(at)
        } else {
            u64::from(self.u32(at))
        }
    }
}

/// Push `item` unless the list is full or already holds it.
pub(crate) fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if list.len() < MAX_ITEMS && !list.contains(&item) {
        list.push(item);
    }
}

/// A lazily read file with a budget: no single read above [`MAX_READ`] and
/// no more than [`MAX_TOTAL_READ`] in all, whatever the headers claim.
struct Capped<R: ReadCacheOps> {
    cache: ReadCache<R>,
    total: std::cell::Cell<u64>,
}

impl<R: ReadCacheOps> Capped<R> {
    fn charge(&self, size: u64) -> Result<(), ()> {
        let total = self.total.get().saturating_add(size);
        if size > MAX_READ || total > MAX_TOTAL_READ {
            return Err(());
        }
        self.total.set(total);
        Ok(())
    }
}

impl<'a, R: ReadCacheOps> ReadRef<'a> for &'a Capped<R> {
    fn len(self) -> Result<u64, ()> {
        (&self.cache).len()
    }

    fn read_bytes_at(self, offset: u64, size: u64) -> Result<&'a [u8], ()> {
        self.charge(size)?;
        (&self.cache).read_bytes_at(offset, size)
    }

    fn read_bytes_at_until(
        self,
        range: std::ops::Range<u64>,
        delimiter: u8,
    ) -> Result<&'a [u8], ()> {
        // ReadCache reads at most 4 KiB looking for the delimiter.
        self.charge(4096)?;
        (&self.cache).read_bytes_at_until(range, delimiter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_binaries() {
        for (data, want) in [
            (&b""[..], "the file is empty"),
            (b"#!/bin/sh\necho hi\n", "a script"),
            (b"hello world", "no ELF, Mach-O or PE header"),
            (b"\x7fEL", "no ELF, Mach-O or PE header"),
        ] {
            let err = inspect_bytes(data).unwrap_err();
            assert!(err.message().contains(want), "{err}");
            assert_eq!(err.kind, InspectErrorKind::NotExecutable);
        }
    }

    #[test]
    fn truncated_headers_say_so() {
        let err = inspect_bytes(b"\x7fELF\x02\x01\x01\0").unwrap_err();
        assert_eq!(err.kind, InspectErrorKind::Truncated, "{err}");
        assert!(err.message().starts_with("truncated ELF: "), "{err}");
    }

    #[test]
    fn versions_parse_and_print() {
        assert_eq!(Version::parse("2.2.5"), Some(Version::new(2, 2, 5)));
        assert_eq!(
            Version::parse("2.34").map(Version::short),
            Some("2.34".into())
        );
        assert_eq!(Version::parse("2"), None);
        assert_eq!(Version::parse("2.x"), None);
        assert_eq!(Version::parse("1.2.3.4"), None);
        assert!(Version::new(2, 2, 5) < Version::new(2, 17, 0));
    }

    #[test]
    fn magic_sniffing() {
        assert!(looks_like_binary(b"\x7fELF\x02"));
        assert!(looks_like_binary(b"MZ\x90\0"));
        assert!(looks_like_binary(b"\xcf\xfa\xed\xfe"));
        assert!(looks_like_binary(b"\xca\xfe\xba\xbe\0\0\0\x02"));
        // A Java class file shares the fat magic; its "count" is the class version.
        assert!(!looks_like_binary(b"\xca\xfe\xba\xbe\0\0\0\x34"));
        assert!(!looks_like_binary(b"PK\x03\x04"));
    }
}
