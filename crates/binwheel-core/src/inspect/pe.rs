//! PE: Windows executables and DLLs.
//!
//! Reads the DOS stub's pointer to the PE header, the COFF header (machine,
//! characteristics), the optional header (PE32 or PE32+, subsystem, data
//! directories), the section table, and the DLL names of the import
//! directory.

use object::read::ReadRef;

use super::{
    push_unique, Endian, Facts, Fields, Format, Input, InspectError, Kind, PeFacts, MAX_ITEMS,
};
use crate::target::{Arch, Os};

const IMAGE_FILE_EXECUTABLE_IMAGE: u16 = 0x0002;
const IMAGE_FILE_DLL: u16 = 0x2000;
const PE32_MAGIC: u16 = 0x10b;
const PE32PLUS_MAGIC: u16 = 0x20b;
const IMPORT_DIRECTORY: usize = 1;

struct Section {
    va: u64,
    vsize: u64,
    raw_offset: u64,
    raw_size: u64,
}

pub(super) fn inspect<'a, R: ReadRef<'a>>(input: Input<'a, R>) -> Result<Facts, InspectError> {
    let dos = Fields::new(input.bytes(0, 64, "the DOS header")?, false);
    let pe_at = u64::from(dos.u32(0x3c));
    let signature = input
        .bytes(pe_at, 4, "the PE signature")
        .ok()
        .filter(|s| *s == b"PE\0\0");
    if signature.is_none() {
        return Err(InspectError::unsupported(
            "an MZ (DOS) program without a PE header, not a Windows executable",
        ));
    }
    let coff = Fields::new(input.bytes(pe_at + 4, 20, "the COFF file header")?, false);
    let machine = coff.u16(0);
    let nsections = coff.u16(2);
    let opt_size = coff.u16(16);
    let characteristics = coff.u16(18);

    let opt_at = pe_at + 24;
    let opt = Fields::new(
        input.bytes(opt_at, u64::from(opt_size), "the optional header")?,
        false,
    );
    let (is64, dirs_at, ndirs_at) = match opt.u16(0) {
        PE32PLUS_MAGIC => (true, 112usize, 108usize),
        PE32_MAGIC => (false, 96, 92),
        other => {
            return Err(input.malformed(format!(
                "the optional header magic is {other:#x}, neither PE32 (0x10b) nor PE32+ (0x20b)"
            )))
        }
    };
    if usize::from(opt_size) < dirs_at {
        return Err(input.malformed(format!(
            "the optional header is {opt_size} bytes, too short for a {} header",
            if is64 { "PE32+" } else { "PE32" }
        )));
    }
    let subsystem = opt.u16(68);
    let ndirs = opt.u32(ndirs_at) as usize;

    let table = input.bytes(
        opt_at + u64::from(opt_size),
        u64::from(nsections) * 40,
        "the section table",
    )?;
    let sections: Vec<Section> = table
        .chunks_exact(40)
        .map(|s| {
            let s = Fields::new(s, false);
            Section {
                vsize: u64::from(s.u32(8)),
                va: u64::from(s.u32(12)),
                raw_size: u64::from(s.u32(16)),
                raw_offset: u64::from(s.u32(20)),
            }
        })
        .collect();

    let mut imports = Vec::new();
    if ndirs > IMPORT_DIRECTORY {
        let dir_at = dirs_at + IMPORT_DIRECTORY * 8;
        if usize::from(opt_size) >= dir_at + 8 {
            let rva = u64::from(opt.u32(dir_at));
            let size = u64::from(opt.u32(dir_at + 4));
            if rva != 0 && size != 0 {
                imports = read_imports(&input, &sections, rva)?;
            }
        }
    }

    let (arch, name) = machine_name(machine);
    let kind = if characteristics & IMAGE_FILE_DLL != 0 {
        Kind::SharedLibrary
    } else if characteristics & IMAGE_FILE_EXECUTABLE_IMAGE != 0 {
        Kind::Executable
    } else {
        Kind::Other("non-executable PE image")
    };
    Ok(Facts {
        format: Format::Pe,
        os: Os::Windows,
        arch,
        machine: name,
        bits: if is64 { 64 } else { 32 },
        endian: Endian::Little,
        kind,
        elf: None,
        macho: None,
        pe: Some(PeFacts {
            machine,
            subsystem,
            subsystem_name: subsystem_name(subsystem),
            imports,
        }),
    })
}

/// File offset of `rva` and the end of its section's raw data.
fn map_rva(sections: &[Section], rva: u64) -> Option<(u64, u64)> {
    sections.iter().find_map(|s| {
        let delta = rva.checked_sub(s.va)?;
        let extent = s.vsize.max(s.raw_size);
        (delta < extent && delta < s.raw_size).then(|| {
            (
                s.raw_offset.saturating_add(delta),
                s.raw_offset.saturating_add(s.raw_size),
            )
        })
    })
}

fn read_imports<'a, R: ReadRef<'a>>(
    input: &Input<'a, R>,
    sections: &[Section],
    rva: u64,
) -> Result<Vec<String>, InspectError> {
    let Some((mut at, end)) = map_rva(sections, rva) else {
        return Err(input.malformed(format!(
            "the import directory (RVA {rva:#x}) is not inside any section"
        )));
    };
    let mut names = Vec::new();
    for _ in 0..MAX_ITEMS {
        if at.saturating_add(20) > end {
            break;
        }
        let desc = Fields::new(input.bytes(at, 20, "an import descriptor")?, false);
        let name_rva = u64::from(desc.u32(12));
        if name_rva == 0 {
            break; // the all-zero terminator
        }
        let (name_at, name_end) = map_rva(sections, name_rva).ok_or_else(|| {
            input.malformed(format!(
                "an imported DLL name (RVA {name_rva:#x}) is not inside any section"
            ))
        })?;
        push_unique(
            &mut names,
            input.cstr(name_at, name_end, "an imported DLL name")?,
        );
        at += 20;
    }
    Ok(names)
}

fn machine_name(machine: u16) -> (Option<Arch>, String) {
    let (arch, name) = match machine {
        0x8664 => (Some(Arch::X86_64), "x86-64"),
        0xaa64 => (Some(Arch::Aarch64), "arm64"),
        0x014c => (Some(Arch::X86), "i386"),
        0x01c4 => (None, "arm (Thumb-2)"),
        0xa641 => (None, "arm64ec"),
        0x0200 => (None, "ia64"),
        _ => return (None, format!("PE machine {machine:#06x}")),
    };
    (arch, name.to_string())
}

fn subsystem_name(subsystem: u16) -> String {
    match subsystem {
        1 => "native".into(),
        2 => "gui".into(),
        3 => "console".into(),
        5 => "os2-console".into(),
        7 => "posix-console".into(),
        9 => "windows-ce-gui".into(),
        10 => "efi-application".into(),
        11 => "efi-boot-service-driver".into(),
        12 => "efi-runtime-driver".into(),
        13 => "efi-rom".into(),
        14 => "xbox".into(),
        16 => "windows-boot-application".into(),
        other => format!("subsystem {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::inspect_bytes;
    use super::*;

    fn pe(machine: u16, magic: u16, subsystem: u16, characteristics: u16) -> Vec<u8> {
        let mut d = vec![0u8; 0x80];
        d[..2].copy_from_slice(b"MZ");
        d[0x3c..0x40].copy_from_slice(&0x80u32.to_le_bytes());
        d.extend(b"PE\0\0");
        let opt_size: u16 = if magic == PE32PLUS_MAGIC { 240 } else { 224 };
        let mut coff = vec![0u8; 20];
        coff[..2].copy_from_slice(&machine.to_le_bytes());
        coff[16..18].copy_from_slice(&opt_size.to_le_bytes());
        coff[18..20].copy_from_slice(&characteristics.to_le_bytes());
        d.extend(coff);
        let mut opt = vec![0u8; opt_size as usize];
        opt[..2].copy_from_slice(&magic.to_le_bytes());
        opt[68..70].copy_from_slice(&subsystem.to_le_bytes());
        d.extend(opt);
        d
    }

    #[test]
    fn machines_and_subsystems() {
        let f = inspect_bytes(&pe(0x8664, PE32PLUS_MAGIC, 3, 0x22)).unwrap();
        assert_eq!(
            (f.arch, f.bits, f.kind),
            (Some(Arch::X86_64), 64, Kind::Executable)
        );
        assert_eq!(f.pe.unwrap().subsystem_name, "console");
        let f = inspect_bytes(&pe(0x14c, PE32_MAGIC, 2, 0x2102)).unwrap();
        assert_eq!(
            (f.arch, f.bits, f.kind),
            (Some(Arch::X86), 32, Kind::SharedLibrary)
        );
        let f = inspect_bytes(&pe(0xaa64, PE32PLUS_MAGIC, 3, 0x22)).unwrap();
        assert_eq!(f.arch, Some(Arch::Aarch64));
        assert_eq!(f.describe(), "an arm64 PE");
    }

    #[test]
    fn dos_program() {
        let mut d = vec![0u8; 0x80];
        d[..2].copy_from_slice(b"MZ");
        let err = inspect_bytes(&d).unwrap_err();
        assert!(err.message().contains("DOS"), "{err}");
    }
}
