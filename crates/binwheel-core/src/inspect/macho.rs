//! Mach-O: macOS executables, thin or fat (universal).
//!
//! A thin file is one slice; a fat file is a big-endian table of slices, each
//! a complete thin Mach-O. Per slice we read the header and the load
//! commands: LC_BUILD_VERSION or LC_VERSION_MIN_* for the minimum OS, the
//! LC_*_DYLIB commands for the libraries it loads, and LC_CODE_SIGNATURE,
//! whose signature `codesign` reads (its pages are verified once every slice
//! is read).

use object::read::ReadRef;

use super::codesign::{self, Directory, Pending, LC_CODE_SIGNATURE};
use super::{
    push_unique, ApplePlatform, Endian, Facts, Fields, Format, Input, InspectError,
    InspectErrorKind, Kind, MachoFacts, MachoSlice, Version,
};
use crate::target::{Arch, Os};

const LC_LOAD_DYLIB: u32 = 0xc;
const LC_LOAD_WEAK_DYLIB: u32 = 0x8000_0018;
const LC_REEXPORT_DYLIB: u32 = 0x8000_001f;
const LC_LAZY_LOAD_DYLIB: u32 = 0x20;
const LC_LOAD_UPWARD_DYLIB: u32 = 0x8000_0023;
const LC_VERSION_MIN_MACOSX: u32 = 0x24;
const LC_VERSION_MIN_IPHONEOS: u32 = 0x25;
const LC_VERSION_MIN_TVOS: u32 = 0x2f;
const LC_VERSION_MIN_WATCHOS: u32 = 0x30;
const LC_BUILD_VERSION: u32 = 0x32;
const LC_RPATH: u32 = 0x8000_001c;

const CPU_ARCH_ABI64: u32 = 0x0100_0000;
const CPU_ARCH_ABI64_32: u32 = 0x0200_0000;
const CPU_TYPE_X86: u32 = 7;
const CPU_TYPE_ARM: u32 = 12;
const CPU_TYPE_POWERPC: u32 = 18;
const CPU_SUBTYPE_MASK: u32 = 0x00ff_ffff;
const CPU_SUBTYPE_ARM64E: u32 = 2;

/// More slices than this is not a fat Mach-O. Java class files share the
/// magic 0xcafebabe; their next word is the class file version (45 and up).
const MAX_FAT_SLICES: u32 = 24;

pub(super) fn plausible_fat_count(n: u8) -> bool {
    (1..=MAX_FAT_SLICES).contains(&u32::from(n))
}

/// A thin Mach-O's facts, and the page hashes still to verify.
pub(super) fn inspect<'a, R: ReadRef<'a>>(
    input: Input<'a, R>,
) -> Result<(Facts, Vec<Pending>), InspectError> {
    let (slice, directories) = read_slice(input, "")?;
    let pending = pending(0, input.base, directories);
    let facts = Facts {
        format: Format::MachO,
        os: Os::Macos,
        arch: slice.arch,
        machine: slice.cpu.clone(),
        bits: slice.bits,
        endian: slice.endian,
        kind: slice.kind,
        elf: None,
        macho: Some(MachoFacts {
            fat: false,
            slices: vec![slice],
        }),
        pe: None,
    };
    Ok((facts, pending))
}

fn pending(slice: usize, base: u64, directories: Vec<Directory>) -> Vec<Pending> {
    if directories.is_empty() {
        return Vec::new();
    }
    vec![Pending {
        slice,
        base,
        directories,
    }]
}

/// A fat Mach-O's facts, and the page hashes of its slices still to verify.
pub(super) fn inspect_fat<'a, R: ReadRef<'a>>(
    input: Input<'a, R>,
) -> Result<(Facts, Vec<Pending>), InspectError> {
    let header = Fields::new(input.bytes(0, 8, "the fat header")?, true);
    let is64 = header.u32(0) == 0xcafe_babf;
    let count = header.u32(4);
    if count >= 45 && !is64 {
        return Err(InspectError::new(
            InspectErrorKind::NotExecutable,
            "not an executable: starts like a Java class file (0xcafebabe), not a Mach-O",
        ));
    }
    if count == 0 || count > MAX_FAT_SLICES {
        return Err(input.malformed(format!("the fat header lists {count} slices")));
    }
    let entry_size: u64 = if is64 { 32 } else { 20 };
    let table = input.bytes(8, u64::from(count) * entry_size, "the fat slice table")?;
    let mut slices = Vec::new();
    let mut to_verify = Vec::new();
    for i in 0..count as usize {
        let Some(entry) = table.get(i * entry_size as usize..) else {
            break;
        };
        let entry = Fields::new(entry, true);
        let (offset, size) = if is64 {
            (entry.u64(8), entry.u64(16))
        } else {
            (u64::from(entry.u32(8)), u64::from(entry.u32(12)))
        };
        let what = format!(
            "fat slice {} ({})",
            i + 1,
            cpu_name(entry.u32(0), entry.u32(4)).1
        );
        let view = input.sub(offset, size, &what)?;
        let magic = view.bytes(0, 4.min(size), &what)?;
        if !matches!(
            magic,
            [0xfe, 0xed, 0xfa, 0xce | 0xcf] | [0xce | 0xcf, 0xfa, 0xed, 0xfe]
        ) {
            return Err(input.malformed(format!("{what} is not a Mach-O")));
        }
        let (slice, directories) = read_slice(view, &what)?;
        to_verify.extend(pending(slices.len(), view.base, directories));
        slices.push(slice);
    }
    let has = |a: Arch| slices.iter().any(|s| s.arch == Some(a));
    let arch = if has(Arch::X86_64) && has(Arch::Aarch64) {
        Some(Arch::Universal2)
    } else if slices.len() == 1 {
        slices[0].arch
    } else {
        None
    };
    let machine = format!(
        "fat: {}",
        slices
            .iter()
            .map(|s| s.cpu.as_str())
            .collect::<Vec<_>>()
            .join(" + ")
    );
    let bits = if slices.iter().all(|s| s.bits == 64) {
        64
    } else {
        32
    };
    let endian = if slices.iter().all(|s| s.endian == Endian::Little) {
        Endian::Little
    } else {
        Endian::Big
    };
    let kind = slices.first().map_or(Kind::Executable, |s| s.kind);
    let facts = Facts {
        format: Format::MachO,
        os: Os::Macos,
        arch,
        machine,
        bits,
        endian,
        kind,
        elf: None,
        macho: Some(MachoFacts { fat: true, slices }),
        pe: None,
    };
    Ok((facts, to_verify))
}

/// One thin Mach-O at the start of `input`, and the CodeDirectories whose
/// page hashes are to be verified. `what` names the slice in errors ("" for
/// a thin file).
fn read_slice<'a, R: ReadRef<'a>>(
    input: Input<'a, R>,
    what: &str,
) -> Result<(MachoSlice, Vec<Directory>), InspectError> {
    let of = |s: &str| {
        if what.is_empty() {
            s.to_string()
        } else {
            format!("{s} of {what}")
        }
    };
    let magic = input.bytes(0, 4, &of("the Mach-O magic"))?;
    let (is64, big) = match magic {
        [0xfe, 0xed, 0xfa, 0xce] => (false, true),
        [0xfe, 0xed, 0xfa, 0xcf] => (true, true),
        [0xce, 0xfa, 0xed, 0xfe] => (false, false),
        [0xcf, 0xfa, 0xed, 0xfe] => (true, false),
        _ => return Err(input.malformed(of("the Mach-O magic"))),
    };
    let header_size: u64 = if is64 { 32 } else { 28 };
    let h = Fields::new(input.bytes(0, header_size, &of("the Mach-O header"))?, big);
    let (cputype, cpusubtype, filetype) = (h.u32(4), h.u32(8), h.u32(12));
    let (ncmds, sizeofcmds) = (h.u32(16), h.u32(20));
    let cmds = input.bytes(header_size, u64::from(sizeofcmds), &of("the load commands"))?;
    let (arch, cpu) = cpu_name(cputype, cpusubtype);

    let mut slice = MachoSlice {
        arch,
        cpu,
        bits: if is64 { 64 } else { 32 },
        endian: if big { Endian::Big } else { Endian::Little },
        kind: kind(filetype),
        platform: None,
        minos: None,
        sdk: None,
        minos_source: None,
        dylibs: Vec::new(),
        signature: None,
        weak_dylibs: Vec::new(),
        rpaths: Vec::new(),
    };

    let mut code_signature = None;
    let mut at = 0usize;
    // Every command is at least 8 bytes, so this bounds the loop by the table size.
    let ncmds = (ncmds as usize).min(cmds.len() / 8);
    for n in 0..ncmds {
        let Some(rest) = cmds.get(at..) else { break };
        let lc = Fields::new(rest, big);
        let (cmd, cmdsize) = (lc.u32(0), lc.u32(4) as usize);
        if cmdsize < 8 || cmdsize > rest.len() {
            return Err(input.malformed(of(&format!(
                "load command {} claims {cmdsize} bytes, but {} remain",
                n + 1,
                rest.len()
            ))));
        }
        let body = Fields::new(&rest[..cmdsize], big);
        let outside = || {
            input.malformed(of(&format!(
                "load command {} names a library outside itself",
                n + 1
            )))
        };
        if cmd == LC_CODE_SIGNATURE && cmdsize >= 16 && code_signature.is_none() {
            code_signature = Some((body.u32(8), body.u32(12)));
        }
        apply_command(&mut slice, cmd, &body, outside)?;
        at += cmdsize;
    }
    let mut directories = Vec::new();
    if let Some((dataoff, datasize)) = code_signature {
        let (signature, found) = codesign::read(&input, dataoff, datasize);
        slice.signature = Some(signature);
        directories = found;
    }
    Ok((slice, directories))
}

/// What one load command says about the slice: its platform and minimum
/// OS (LC_BUILD_VERSION, LC_VERSION_MIN_*) or a dylib it loads.
fn apply_command(
    slice: &mut MachoSlice,
    cmd: u32,
    body: &Fields<'_>,
    outside: impl Fn() -> InspectError,
) -> Result<(), InspectError> {
    let cmdsize = body.bytes.len();
    match cmd {
        LC_BUILD_VERSION if cmdsize >= 24 => {
            let platform = platform(body.u32(8));
            // A zippered binary carries macOS and Mac Catalyst; macOS wins.
            if slice.platform != Some(ApplePlatform::MacOs) {
                slice.platform = Some(platform);
                slice.minos = Some(nibbles(body.u32(12)));
                slice.sdk = Some(nibbles(body.u32(16)));
                slice.minos_source = Some("LC_BUILD_VERSION");
            }
        }
        LC_VERSION_MIN_MACOSX
        | LC_VERSION_MIN_IPHONEOS
        | LC_VERSION_MIN_TVOS
        | LC_VERSION_MIN_WATCHOS
            if cmdsize >= 16 && slice.minos.is_none() =>
        {
            let (platform, source) = match cmd {
                LC_VERSION_MIN_MACOSX => (ApplePlatform::MacOs, "LC_VERSION_MIN_MACOSX"),
                LC_VERSION_MIN_IPHONEOS => (ApplePlatform::Other("iOS"), "LC_VERSION_MIN_IPHONEOS"),
                LC_VERSION_MIN_TVOS => (ApplePlatform::Other("tvOS"), "LC_VERSION_MIN_TVOS"),
                _ => (ApplePlatform::Other("watchOS"), "LC_VERSION_MIN_WATCHOS"),
            };
            slice.platform = Some(platform);
            slice.minos = Some(nibbles(body.u32(8)));
            slice.sdk = Some(nibbles(body.u32(12)));
            slice.minos_source = Some(source);
        }
        LC_LOAD_DYLIB | LC_LOAD_WEAK_DYLIB | LC_REEXPORT_DYLIB | LC_LAZY_LOAD_DYLIB
        | LC_LOAD_UPWARD_DYLIB
            if cmdsize >= 24 =>
        {
            let name = command_string(body, outside)?;
            if cmd == LC_LOAD_WEAK_DYLIB {
                push_unique(&mut slice.weak_dylibs, name.clone());
            }
            push_unique(&mut slice.dylibs, name);
        }
        LC_RPATH if cmdsize >= 12 => {
            let path = command_string(body, outside)?;
            push_unique(&mut slice.rpaths, path);
        }
        _ => {}
    }
    Ok(())
}

/// The string a load command points at with the offset in its third word
/// (a dylib's install name, an LC_RPATH path), up to its NUL.
fn command_string(
    body: &Fields<'_>,
    outside: impl Fn() -> InspectError,
) -> Result<String, InspectError> {
    let at = body.u32(8) as usize;
    let text = body
        .bytes
        .get(at..)
        .map(|b| b.split(|&c| c == 0).next().unwrap_or_default())
        .filter(|b| !b.is_empty())
        .ok_or_else(outside)?;
    Ok(String::from_utf8_lossy(text).into_owned())
}

/// Mach-O packs versions as xxxx.yy.zz in one u32.
fn nibbles(v: u32) -> Version {
    Version::new(v >> 16, (v >> 8) & 0xff, v & 0xff)
}

fn platform(p: u32) -> ApplePlatform {
    match p {
        1 => ApplePlatform::MacOs,
        6 => ApplePlatform::MacCatalyst,
        2 => ApplePlatform::Other("iOS"),
        3 => ApplePlatform::Other("tvOS"),
        4 => ApplePlatform::Other("watchOS"),
        5 => ApplePlatform::Other("bridgeOS"),
        7 => ApplePlatform::Other("iOS Simulator"),
        8 => ApplePlatform::Other("tvOS Simulator"),
        9 => ApplePlatform::Other("watchOS Simulator"),
        10 => ApplePlatform::Other("DriverKit"),
        11 => ApplePlatform::Other("visionOS"),
        12 => ApplePlatform::Other("visionOS Simulator"),
        _ => ApplePlatform::Other("an unknown Apple platform"),
    }
}

fn kind(filetype: u32) -> Kind {
    match filetype {
        2 => Kind::Executable,
        // A bundle is a loadable plugin (Python extension modules are bundles).
        6 | 8 => Kind::SharedLibrary,
        1 => Kind::Other("relocatable object"),
        4 => Kind::Other("core dump"),
        7 => Kind::Other("dynamic linker"),
        9 => Kind::Other("dylib stub"),
        10 => Kind::Other("dSYM debug companion"),
        11 => Kind::Other("kernel extension"),
        _ => Kind::Other("unknown Mach-O file type"),
    }
}

fn cpu_name(cputype: u32, cpusubtype: u32) -> (Option<Arch>, String) {
    let base = cputype & !(CPU_ARCH_ABI64 | CPU_ARCH_ABI64_32);
    let abi64 = cputype & CPU_ARCH_ABI64 != 0;
    let abi64_32 = cputype & CPU_ARCH_ABI64_32 != 0;
    let (arch, name) = match (base, abi64, abi64_32) {
        (CPU_TYPE_X86, true, _) => (Some(Arch::X86_64), "x86_64"),
        (CPU_TYPE_X86, false, _) => (None, "i386"),
        (CPU_TYPE_ARM, true, _) if cpusubtype & CPU_SUBTYPE_MASK == CPU_SUBTYPE_ARM64E => {
            (None, "arm64e")
        }
        (CPU_TYPE_ARM, true, _) => (Some(Arch::Aarch64), "arm64"),
        (CPU_TYPE_ARM, _, true) => (None, "arm64_32"),
        (CPU_TYPE_ARM, false, _) => (None, "arm"),
        (CPU_TYPE_POWERPC, true, _) => (None, "ppc64"),
        (CPU_TYPE_POWERPC, false, _) => (None, "ppc"),
        _ => return (None, format!("Mach-O cpu type {cputype:#x}")),
    };
    (arch, name.to_string())
}

#[cfg(test)]
mod tests {
    use super::super::inspect_bytes;
    use super::*;

    /// A thin 64-bit little-endian Mach-O executable with the given load commands.
    pub(crate) fn thin(cputype: u32, cmds: &[Vec<u8>]) -> Vec<u8> {
        let body: Vec<u8> = cmds.concat();
        let mut d = Vec::new();
        for v in [
            0xfeed_facf,
            cputype,
            0,
            2,
            cmds.len() as u32,
            body.len() as u32,
            0,
            0,
        ] {
            d.extend(v.to_le_bytes());
        }
        d.extend(body);
        d
    }

    pub(crate) fn build_version(minos: (u32, u32)) -> Vec<u8> {
        let mut c = Vec::new();
        for v in [LC_BUILD_VERSION, 24, 1, minos.0 << 16 | minos.1 << 8, 0, 0] {
            c.extend(v.to_le_bytes());
        }
        c
    }

    #[test]
    fn thin_arm64_minos() {
        let facts = inspect_bytes(&thin(0x0100_000c, &[build_version((12, 3))])).unwrap();
        assert_eq!(facts.arch, Some(Arch::Aarch64));
        let slice = &facts.macho.unwrap().slices[0];
        assert_eq!(slice.minos, Some(Version::new(12, 3, 0)));
        assert_eq!(slice.platform, Some(ApplePlatform::MacOs));
    }

    #[test]
    fn fat_universal2() {
        let x86 = thin(0x0100_0007, &[build_version((10, 13))]);
        let arm = thin(0x0100_000c, &[build_version((11, 0))]);
        let mut d = Vec::new();
        for v in [0xcafe_babe_u32, 2] {
            d.extend(v.to_be_bytes());
        }
        let (x_off, a_off) = (64u32, 64 + x86.len() as u32);
        for (cpu, off, len) in [
            (0x0100_0007, x_off, x86.len() as u32),
            (0x0100_000c, a_off, arm.len() as u32),
        ] {
            for v in [cpu, 3, off, len, 0] {
                d.extend(v.to_be_bytes());
            }
        }
        d.resize(64, 0);
        d.extend(&x86);
        d.extend(&arm);
        let facts = inspect_bytes(&d).unwrap();
        assert_eq!(facts.arch, Some(Arch::Universal2));
        assert_eq!(facts.describe(), "a fat Mach-O (x86_64 + arm64)");
        let m = facts.macho.unwrap();
        assert!(m.fat);
        assert_eq!(m.slices[0].minos, Some(Version::new(10, 13, 0)));
        assert_eq!(m.slices[1].minos, Some(Version::new(11, 0, 0)));

        // A slice past the end of the file is named in the error.
        let err = inspect_bytes(&d[..d.len() - 10]).unwrap_err();
        assert!(
            err.message()
                .starts_with("truncated Mach-O: fat slice 2 (arm64)"),
            "{err}"
        );
    }

    #[test]
    fn java_class_is_not_fat() {
        let err = inspect_bytes(b"\xca\xfe\xba\xbe\0\0\0\x34rest").unwrap_err();
        assert!(err.message().contains("Java class"), "{err}");
    }
}
