//! ELF: Linux executables and shared libraries.
//!
//! Reads only what the loader reads: the file header, the program headers,
//! PT_INTERP, PT_DYNAMIC and, through it, DT_NEEDED, DT_RUNPATH and the
//! version needs (DT_VERNEED, i.e. `.gnu.version_r`). Section headers are
//! never needed, so `sstrip`ped files inspect the same. Addresses in the
//! dynamic section are mapped to file offsets through the PT_LOAD segments.

use object::read::ReadRef;

use super::{
    push_unique, ElfFacts, Endian, Facts, Fields, Format, Input, InspectError, Kind, Libc, Linkage,
    Version,
};
use crate::target::{Arch, Os};

const PT_LOAD: u32 = 1;
const PT_DYNAMIC: u32 = 2;
const PT_INTERP: u32 = 3;
const PN_XNUM: u16 = 0xffff;

const DT_NULL: u64 = 0;
const DT_NEEDED: u64 = 1;
const DT_STRTAB: u64 = 5;
const DT_STRSZ: u64 = 10;
const DT_SONAME: u64 = 14;
const DT_RPATH: u64 = 15;
const DT_RUNPATH: u64 = 29;
const DT_FLAGS_1: u64 = 0x6fff_fffb;
const DT_VERNEED: u64 = 0x6fff_fffe;
const DT_VERNEEDNUM: u64 = 0x6fff_ffff;
const DF_1_PIE: u64 = 0x0800_0000;

const EM_SPARC: u16 = 2;
const EM_386: u16 = 3;
const EM_MIPS: u16 = 8;
const EM_PPC: u16 = 20;
const EM_PPC64: u16 = 21;
const EM_S390: u16 = 22;
const EM_ARM: u16 = 40;
const EM_SPARCV9: u16 = 43;
const EM_X86_64: u16 = 62;
const EM_AARCH64: u16 = 183;
const EM_RISCV: u16 = 243;
const EM_LOONGARCH: u16 = 258;

const EF_ARM_EABIMASK: u32 = 0xff00_0000;
const EF_ARM_EABI_VER5: u32 = 0x0500_0000;
const EF_ARM_ABI_FLOAT_HARD: u32 = 0x400;

/// Caps on what a hostile file can make us iterate.
const MAX_SEGMENTS: u64 = 1 << 16;
const MAX_DYNAMIC: u64 = 1 << 16;
const MAX_VERNEED_FILES: u64 = 1024;
const MAX_VERNEED_AUX: u64 = 1 << 16;
const MAX_INTERP: u64 = 4096;

struct Load {
    vaddr: u64,
    offset: u64,
    filesz: u64,
}

pub(super) fn inspect<'a, R: ReadRef<'a>>(input: Input<'a, R>) -> Result<Facts, InspectError> {
    let eh = read_header(&input)?;
    let (mut arch, mut machine) = machine(eh.machine, eh.is64, eh.big);
    let kind_from_type = kind_of_type(&input, eh.e_type)?;
    let segments = read_segments(&input, &eh)?;
    let interpreter = read_interpreter(&input, segments.interp)?;
    let mut dynamic = Dynamic::default();
    if let Some((offset, size)) = segments.dynamic {
        dynamic = read_dynamic(&input, offset, size, eh.is64, eh.big, &segments.loads)?;
    }

    let linkage = if interpreter.is_none() && dynamic.needed.is_empty() {
        Linkage::Static
    } else {
        Linkage::Dynamic
    };
    let (libc, libc_evidence) = match linkage {
        Linkage::Static => (None, None),
        Linkage::Dynamic => {
            let (libc, evidence) =
                libc_of(interpreter.as_deref(), &dynamic.needed, &dynamic.versions);
            (Some(libc), Some(evidence))
        }
    };
    // An ELF for another system: facts, but no architecture a tag can name.
    let system = eh
        .system
        .clone()
        .or_else(|| freebsd_by_loader(interpreter.as_deref(), &dynamic.needed));
    if let Some(system) = &system {
        arch = None;
        machine = format!("{machine} ({system})");
    }
    let kind = kind_from_type.unwrap_or(
        if interpreter.is_some() || dynamic.flags_1 & DF_1_PIE != 0 {
            Kind::Executable
        } else if dynamic.soname || !dynamic.needed.is_empty() {
            Kind::SharedLibrary
        } else {
            // static-pie from a toolchain that does not set DF_1_PIE
            Kind::Executable
        },
    );
    let glibc = dynamic
        .versions
        .iter()
        .filter_map(|(_, v)| v.strip_prefix("GLIBC_").and_then(Version::parse))
        .max();

    Ok(Facts {
        format: Format::Elf,
        os: Os::Linux,
        arch,
        machine,
        bits: if eh.is64 { 64 } else { 32 },
        endian: if eh.big { Endian::Big } else { Endian::Little },
        kind,
        elf: Some(ElfFacts {
            linkage,
            libc,
            libc_evidence,
            system,
            interpreter,
            needed: dynamic.needed,
            rpath_inherited: dynamic.runpath.is_none() && dynamic.rpath.is_some(),
            runpath: dynamic.runpath.or(dynamic.rpath),
            versions: dynamic.versions,
            glibc,
            arm_hard_float: (eh.machine == EM_ARM).then_some(
                eh.flags & EF_ARM_EABIMASK == EF_ARM_EABI_VER5
                    && eh.flags & EF_ARM_ABI_FLOAT_HARD != 0,
            ),
        }),
        macho: None,
        pe: None,
    })
}

/// The fields of the ELF file header binwheel reads.
struct FileHeader {
    /// The system EI_OSABI names when it is not Linux or System V.
    system: Option<String>,
    is64: bool,
    big: bool,
    e_type: u16,
    machine: u16,
    phoff: u64,
    shoff: u64,
    flags: u32,
    phentsize: u16,
    phnum: u16,
    shentsize: u16,
}

/// The identification (class, byte order, OS ABI) and the file header.
fn read_header<'a, R: ReadRef<'a>>(input: &Input<'a, R>) -> Result<FileHeader, InspectError> {
    let ident = Fields::new(input.bytes(0, 16, "the ELF identification")?, false);
    let is64 = match ident.u8(4) {
        1 => false,
        2 => true,
        other => {
            return Err(input.malformed(format!(
                "EI_CLASS is {other}, neither 32-bit (1) nor 64-bit (2)"
            )))
        }
    };
    let big = match ident.u8(5) {
        1 => false,
        2 => true,
        other => {
            return Err(input.malformed(format!(
                "EI_DATA is {other}, neither little-endian (1) nor big-endian (2)"
            )))
        }
    };
    let osabi = ident.u8(7);
    let system = (!matches!(osabi, 0 | 3)).then(|| osabi_name(osabi));
    let header_size = if is64 { 64 } else { 52 };
    let eh = Fields::new(input.bytes(0, header_size, "the ELF header")?, big);
    let (phoff, shoff, flags, phentsize, phnum, shentsize) = if is64 {
        (
            eh.u64(32),
            eh.u64(40),
            eh.u32(48),
            eh.u16(54),
            eh.u16(56),
            eh.u16(58),
        )
    } else {
        (
            u64::from(eh.u32(28)),
            u64::from(eh.u32(32)),
            eh.u32(36),
            eh.u16(42),
            eh.u16(44),
            eh.u16(46),
        )
    };
    Ok(FileHeader {
        system,
        is64,
        big,
        e_type: eh.u16(16),
        machine: eh.u16(18),
        phoff,
        shoff,
        flags,
        phentsize,
        phnum,
        shentsize,
    })
}

/// The kind e_type says, or `None` for ET_DYN (a PIE or a shared library,
/// told apart by the dynamic section).
fn kind_of_type<'a, R: ReadRef<'a>>(
    input: &Input<'a, R>,
    e_type: u16,
) -> Result<Option<Kind>, InspectError> {
    match e_type {
        1 => Ok(Some(Kind::Other("relocatable object"))),
        2 => Ok(Some(Kind::Executable)),
        3 => Ok(None),
        4 => Ok(Some(Kind::Other("core dump"))),
        other => Err(input.malformed(format!(
            "e_type is {other}, not an executable, shared object or relocatable"
        ))),
    }
}

/// The program headers binwheel needs: PT_LOAD (to map addresses),
/// PT_INTERP and PT_DYNAMIC (offset and size of each).
struct Segments {
    loads: Vec<Load>,
    interp: Option<(u64, u64)>,
    dynamic: Option<(u64, u64)>,
}

fn read_segments<'a, R: ReadRef<'a>>(
    input: &Input<'a, R>,
    eh: &FileHeader,
) -> Result<Segments, InspectError> {
    let phnum = program_header_count(input, eh)?;
    let table = input.bytes(
        eh.phoff,
        phnum * u64::from(eh.phentsize),
        "the program header table",
    )?;
    let mut segments = Segments {
        loads: Vec::new(),
        interp: None,
        dynamic: None,
    };
    for i in 0..phnum as usize {
        let start = i * usize::from(eh.phentsize);
        let Some(ph) = table.get(start..) else { break };
        let ph = Fields::new(ph, eh.big);
        let p_type = ph.u32(0);
        let (offset, vaddr, filesz) = if eh.is64 {
            (ph.u64(8), ph.u64(16), ph.u64(32))
        } else {
            (
                u64::from(ph.u32(4)),
                u64::from(ph.u32(8)),
                u64::from(ph.u32(16)),
            )
        };
        match p_type {
            PT_LOAD if segments.loads.len() < MAX_SEGMENTS as usize => segments.loads.push(Load {
                vaddr,
                offset,
                filesz,
            }),
            PT_INTERP if segments.interp.is_none() => segments.interp = Some((offset, filesz)),
            PT_DYNAMIC if segments.dynamic.is_none() => segments.dynamic = Some((offset, filesz)),
            _ => {}
        }
    }
    Ok(segments)
}

/// e_phnum, or with PN_XNUM the real count in section header 0's sh_info;
/// capped, and with entries large enough to read.
fn program_header_count<'a, R: ReadRef<'a>>(
    input: &Input<'a, R>,
    eh: &FileHeader,
) -> Result<u64, InspectError> {
    let phnum = if eh.phnum == PN_XNUM {
        let size = if eh.is64 { 64 } else { 40 };
        if u64::from(eh.shentsize) < size {
            return Err(input.malformed("e_phnum is PN_XNUM but there is no section header 0"));
        }
        let sh0 = Fields::new(input.bytes(eh.shoff, size, "section header 0")?, eh.big);
        u64::from(sh0.u32(if eh.is64 { 44 } else { 28 }))
    } else {
        u64::from(eh.phnum)
    };
    if phnum > MAX_SEGMENTS {
        return Err(input.malformed(format!("{phnum} program headers")));
    }
    let min_phentsize = if eh.is64 { 56 } else { 32 };
    if phnum > 0 && u64::from(eh.phentsize) < min_phentsize {
        return Err(input.malformed(format!(
            "e_phentsize is {}, smaller than a program header ({min_phentsize})",
            eh.phentsize
        )));
    }
    Ok(phnum)
}

/// The interpreter path PT_INTERP names, up to its first NUL.
fn read_interpreter<'a, R: ReadRef<'a>>(
    input: &Input<'a, R>,
    range: Option<(u64, u64)>,
) -> Result<Option<String>, InspectError> {
    let Some((offset, size)) = range else {
        return Ok(None);
    };
    if size > MAX_INTERP {
        return Err(input.malformed(format!("PT_INTERP is {size} bytes long")));
    }
    let raw = input.bytes(offset, size, "the interpreter path (PT_INTERP)")?;
    let raw = raw.split(|&b| b == 0).next().unwrap_or_default();
    Ok(Some(String::from_utf8_lossy(raw).into_owned()))
}

#[derive(Default)]
struct Dynamic {
    needed: Vec<String>,
    runpath: Option<String>,
    rpath: Option<String>,
    versions: Vec<(String, String)>,
    soname: bool,
    flags_1: u64,
}

fn read_dynamic<'a, R: ReadRef<'a>>(
    input: &Input<'a, R>,
    offset: u64,
    size: u64,
    is64: bool,
    big: bool,
    loads: &[Load],
) -> Result<Dynamic, InspectError> {
    let entsize: u64 = if is64 { 16 } else { 8 };
    let count = (size / entsize).min(MAX_DYNAMIC);
    let table = input.bytes(offset, count * entsize, "the dynamic section (PT_DYNAMIC)")?;
    let mut needed_offsets = Vec::new();
    let (mut strtab, mut strsz, mut verneed, mut verneednum) = (None, None, None, 0u64);
    let (mut runpath, mut rpath) = (None, None);
    let mut out = Dynamic::default();
    for i in 0..count as usize {
        let Some(entry) = table.get(i * entsize as usize..) else {
            break;
        };
        let entry = Fields::new(entry, big);
        let tag = entry.word(0, is64);
        let val = entry.word(if is64 { 8 } else { 4 }, is64);
        match tag {
            DT_NULL => break,
            DT_NEEDED if needed_offsets.len() < super::MAX_ITEMS => needed_offsets.push(val),
            DT_STRTAB => strtab = Some(val),
            DT_STRSZ => strsz = Some(val),
            DT_SONAME => out.soname = true,
            DT_RUNPATH => runpath = Some(val),
            DT_RPATH => rpath = Some(val),
            DT_FLAGS_1 => out.flags_1 = val,
            DT_VERNEED => verneed = Some(val),
            DT_VERNEEDNUM => verneednum = val,
            _ => {}
        }
    }
    let wants_strings = !needed_offsets.is_empty()
        || runpath.is_some()
        || rpath.is_some()
        || (verneed.is_some() && verneednum > 0);
    if !wants_strings {
        return Ok(out);
    }
    let strings = Strings::locate(input, loads, strtab, strsz)?;
    for at in needed_offsets {
        push_unique(
            &mut out.needed,
            strings.get(input, at, "a DT_NEEDED entry")?,
        );
    }
    out.runpath = runpath
        .map(|at| strings.get(input, at, "DT_RUNPATH"))
        .transpose()?;
    out.rpath = rpath
        .map(|at| strings.get(input, at, "DT_RPATH"))
        .transpose()?;
    if let (Some(addr), true) = (verneed, verneednum > 0) {
        read_verneed(input, &strings, loads, addr, verneednum, big, &mut out)?;
    }
    Ok(out)
}

/// The dynamic string table, as file offsets.
struct Strings {
    start: u64,
    end: u64,
}

impl Strings {
    /// Where DT_STRTAB (and DT_STRSZ, when given) put the table.
    fn locate<'a, R: ReadRef<'a>>(
        input: &Input<'a, R>,
        loads: &[Load],
        strtab: Option<u64>,
        strsz: Option<u64>,
    ) -> Result<Strings, InspectError> {
        let Some(strtab_addr) = strtab else {
            return Err(input.malformed("the dynamic section names libraries but has no DT_STRTAB"));
        };
        let (start, end) = map_address(loads, strtab_addr).ok_or_else(|| {
            input.malformed(format!(
                "DT_STRTAB address {strtab_addr:#x} is not inside any PT_LOAD segment"
            ))
        })?;
        let end = match strsz {
            Some(sz) => end.min(start.saturating_add(sz)),
            None => end,
        };
        Ok(Strings { start, end })
    }

    /// The string at offset `at` of the table (`what` names it in errors).
    fn get<'a, R: ReadRef<'a>>(
        &self,
        input: &Input<'a, R>,
        at: u64,
        what: &str,
    ) -> Result<String, InspectError> {
        let start = self.start.checked_add(at).filter(|s| *s < self.end);
        match start {
            Some(start) => input.cstr(start, self.end, what),
            None => Err(input.malformed(format!(
                "{what} points at string {at}, outside the dynamic string table"
            ))),
        }
    }
}

/// The version needs (DT_VERNEED, DT_VERNEEDNUM): (file, version) pairs.
fn read_verneed<'a, R: ReadRef<'a>>(
    input: &Input<'a, R>,
    strings: &Strings,
    loads: &[Load],
    addr: u64,
    count: u64,
    big: bool,
    out: &mut Dynamic,
) -> Result<(), InspectError> {
    let (mut at, _) = map_address(loads, addr).ok_or_else(|| {
        input.malformed(format!(
            "DT_VERNEED address {addr:#x} is not inside any PT_LOAD segment"
        ))
    })?;
    let mut aux_seen = 0u64;
    for _ in 0..count.min(MAX_VERNEED_FILES) {
        let vn = Fields::new(input.bytes(at, 16, "a version need (Elf_Verneed)")?, big);
        let (cnt, file, aux, next) = (vn.u16(2), vn.u32(4), vn.u32(8), vn.u32(12));
        let file = strings.get(input, u64::from(file), "a version need's file name")?;
        let mut aux_at = at.saturating_add(u64::from(aux));
        for _ in 0..cnt {
            aux_seen += 1;
            if aux_seen > MAX_VERNEED_AUX {
                return Err(input.malformed("more than 65536 version needs"));
            }
            let vna = Fields::new(
                input.bytes(aux_at, 16, "a version need entry (Elf_Vernaux)")?,
                big,
            );
            let name = strings.get(input, u64::from(vna.u32(8)), "a version need's name")?;
            push_unique(&mut out.versions, (file.clone(), name));
            let next_aux = vna.u32(12);
            if next_aux == 0 {
                break;
            }
            aux_at = aux_at.saturating_add(u64::from(next_aux));
        }
        if next == 0 {
            break;
        }
        at = at.saturating_add(u64::from(next));
    }
    Ok(())
}

/// File offset of virtual address `addr`, and the end of its segment's file bytes.
fn map_address(loads: &[Load], addr: u64) -> Option<(u64, u64)> {
    loads.iter().find_map(|l| {
        let delta = addr.checked_sub(l.vaddr)?;
        (delta < l.filesz).then(|| {
            let start = l.offset.saturating_add(delta);
            (start, l.offset.saturating_add(l.filesz))
        })
    })
}

/// The C library a dynamic ELF is linked against, and the fact that says
/// so. musl: its loader as interpreter, or (a library has no interpreter)
/// a need for `libc.musl-*.so.1`, `ld-musl-*.so.1` or musl's plain
/// `libc.so`. glibc: its loader, or a need for `libc.so.6`, or `GLIBC_`
/// symbol versions. The interpreter decides when there is one; musl's
/// names come before glibc's symbol versions.
fn libc_of(
    interpreter: Option<&str>,
    needed: &[String],
    versions: &[(String, String)],
) -> (Libc, String) {
    if let Some(interp) = interpreter {
        let base = interp.rsplit('/').next().unwrap_or(interp);
        let libc = if base.starts_with("ld-musl-") {
            Libc::Musl
        } else if base.starts_with("ld-linux") || base.starts_with("ld64.so.") || base == "ld.so.1"
        {
            Libc::Glibc
        } else {
            Libc::Unknown
        };
        return (libc, format!("loader {interp}"));
    }
    let musl = |n: &String| {
        n == "libc.so"
            || (n.starts_with("libc.musl-") || n.starts_with("ld-musl-")) && n.ends_with(".so.1")
    };
    if let Some(n) = needed.iter().find(|n| musl(n)) {
        return (Libc::Musl, format!("DT_NEEDED {n}"));
    }
    if needed.iter().any(|n| n == "libc.so.6") {
        return (Libc::Glibc, "DT_NEEDED libc.so.6".into());
    }
    if let Some((lib, v)) = versions.iter().find(|(_, v)| v.starts_with("GLIBC_")) {
        return (Libc::Glibc, format!("symbol version {v} from {lib}"));
    }
    let evidence = if needed.is_empty() {
        "no DT_NEEDED".to_string()
    } else {
        format!("DT_NEEDED {}", needed.join(", "))
    };
    (Libc::Unknown, evidence)
}

/// FreeBSD, for an ELF that says System V in EI_OSABI (as zig and clang
/// write it) but loads through FreeBSD's loader or libc.
fn freebsd_by_loader(interpreter: Option<&str>, needed: &[String]) -> Option<String> {
    let loader = interpreter.is_some_and(|i| i.starts_with("/libexec/ld-elf"));
    (loader || needed.iter().any(|n| n == "libc.so.7")).then(|| "FreeBSD".to_string())
}

fn machine(e_machine: u16, is64: bool, big: bool) -> (Option<Arch>, String) {
    let (arch, name) = match (e_machine, is64, big) {
        (EM_X86_64, true, false) => (Some(Arch::X86_64), "x86-64"),
        (EM_X86_64, false, _) => (None, "x32 (x86-64 with 32-bit pointers)"),
        (EM_386, false, false) => (Some(Arch::X86), "i386"),
        (EM_AARCH64, true, false) => (Some(Arch::Aarch64), "aarch64"),
        (EM_AARCH64, _, true) => (None, "aarch64_be (big-endian)"),
        (EM_AARCH64, false, _) => (None, "aarch64 ILP32"),
        (EM_ARM, false, false) => (Some(Arch::Armv7), "arm"),
        (EM_ARM, _, _) => (None, "armeb (big-endian)"),
        (EM_RISCV, true, false) => (Some(Arch::Riscv64), "riscv64"),
        (EM_RISCV, false, _) => (None, "riscv32"),
        (EM_PPC64, true, false) => (Some(Arch::Ppc64le), "ppc64le"),
        (EM_PPC64, _, _) => (None, "ppc64 (big-endian)"),
        (EM_PPC, _, _) => (None, "ppc"),
        (EM_S390, true, true) => (Some(Arch::S390x), "s390x"),
        (EM_S390, _, _) => (None, "s390 (31-bit)"),
        (EM_LOONGARCH, _, _) => (None, "loongarch64"),
        (EM_MIPS, _, _) => (None, "mips"),
        (EM_SPARC | EM_SPARCV9, _, _) => (None, "sparc"),
        _ => return (None, format!("ELF machine {e_machine}")),
    };
    (arch, name.to_string())
}

fn osabi_name(osabi: u8) -> String {
    match osabi {
        1 => "HP-UX".into(),
        2 => "NetBSD".into(),
        6 => "Solaris".into(),
        7 => "AIX".into(),
        8 => "IRIX".into(),
        9 => "FreeBSD".into(),
        10 => "Tru64".into(),
        12 => "OpenBSD".into(),
        97 => "bare-metal ARM".into(),
        255 => "a standalone (embedded) system".into(),
        other => format!("OS ABI {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::inspect_bytes;
    use super::*;

    /// A minimal little-endian ELF64 with the given program headers appended.
    fn elf64(machine: u16, osabi: u8, phdrs: &[[u64; 4]]) -> Vec<u8> {
        let mut d = vec![0u8; 64];
        d[..4].copy_from_slice(b"\x7fELF");
        d[4] = 2;
        d[5] = 1;
        d[6] = 1;
        d[7] = osabi;
        d[16..18].copy_from_slice(&2u16.to_le_bytes());
        d[18..20].copy_from_slice(&machine.to_le_bytes());
        d[32..40].copy_from_slice(&64u64.to_le_bytes());
        d[54..56].copy_from_slice(&56u16.to_le_bytes());
        d[56..58].copy_from_slice(&(phdrs.len() as u16).to_le_bytes());
        for [p_type, offset, vaddr, filesz] in phdrs {
            let mut ph = vec![0u8; 56];
            ph[..4].copy_from_slice(&(*p_type as u32).to_le_bytes());
            ph[8..16].copy_from_slice(&offset.to_le_bytes());
            ph[16..24].copy_from_slice(&vaddr.to_le_bytes());
            ph[32..40].copy_from_slice(&filesz.to_le_bytes());
            d.extend(ph);
        }
        d
    }

    #[test]
    fn static_x86_64() {
        let facts = inspect_bytes(&elf64(EM_X86_64, 0, &[])).unwrap();
        assert_eq!(facts.arch, Some(Arch::X86_64));
        let elf = facts.elf.unwrap();
        assert_eq!(elf.linkage, Linkage::Static);
        assert_eq!(elf.libc, None);
    }

    #[test]
    fn interpreter_decides_libc() {
        let mut d = elf64(EM_AARCH64, 3, &[[PT_INTERP as u64, 120, 0, 27]]);
        d.extend(b"/lib/ld-musl-aarch64.so.1\0\0");
        let facts = inspect_bytes(&d).unwrap();
        let elf = facts.elf.unwrap();
        assert_eq!(
            elf.interpreter.as_deref(),
            Some("/lib/ld-musl-aarch64.so.1")
        );
        assert_eq!(elf.libc, Some(Libc::Musl));
        assert_eq!(elf.linkage, Linkage::Dynamic);
    }

    #[test]
    fn other_systems_have_facts_but_no_arch() {
        let facts = inspect_bytes(&elf64(EM_X86_64, 9, &[])).unwrap();
        assert_eq!(facts.arch, None);
        assert_eq!(facts.machine, "x86-64 (FreeBSD)");
        assert_eq!(facts.elf.unwrap().system.as_deref(), Some("FreeBSD"));
        let mut d = elf64(EM_X86_64, 0, &[[PT_INTERP as u64, 120, 0, 22]]);
        d.extend(b"/libexec/ld-elf.so.1\0\0");
        let facts = inspect_bytes(&d).unwrap();
        assert_eq!(facts.describe(), "an x86-64 (FreeBSD) ELF");
    }

    #[test]
    fn libc_evidence() {
        let needs = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let glibc_versions = vec![("libc.so.6".to_string(), "GLIBC_2.17".to_string())];
        assert_eq!(
            libc_of(None, &needs(&["libc.musl-aarch64.so.1"]), &[]),
            (Libc::Musl, "DT_NEEDED libc.musl-aarch64.so.1".into())
        );
        assert_eq!(
            libc_of(None, &needs(&["ld-musl-x86_64.so.1"]), &glibc_versions),
            (Libc::Musl, "DT_NEEDED ld-musl-x86_64.so.1".into())
        );
        assert_eq!(
            libc_of(None, &needs(&["libm.so.6"]), &glibc_versions),
            (
                Libc::Glibc,
                "symbol version GLIBC_2.17 from libc.so.6".into()
            )
        );
        assert_eq!(
            libc_of(None, &needs(&["libz.so.1", "libc.so.6"]), &[]),
            (Libc::Glibc, "DT_NEEDED libc.so.6".into())
        );
        assert_eq!(
            libc_of(Some("/lib/ld-musl-armhf.so.1"), &needs(&["libc.so.6"]), &[]),
            (Libc::Musl, "loader /lib/ld-musl-armhf.so.1".into())
        );
        assert_eq!(libc_of(None, &needs(&["libfoo.so"]), &[]).0, Libc::Unknown);
    }

    #[test]
    fn truncated_program_headers() {
        let mut d = elf64(EM_X86_64, 0, &[[PT_LOAD as u64, 0, 0, 0]]);
        d.truncate(100);
        let err = inspect_bytes(&d).unwrap_err();
        assert_eq!(
            err.message(),
            "truncated ELF: the program header table (bytes 64..120) runs past the end of the file (100 bytes)"
        );
    }

    #[test]
    fn huge_counts_are_refused_not_allocated() {
        let mut d = elf64(EM_X86_64, 0, &[[PT_DYNAMIC as u64, 0, 0, u64::MAX]]);
        d.extend([0u8; 64]);
        assert!(inspect_bytes(&d).is_err());
    }
}
