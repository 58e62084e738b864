//! Facts for the tag tests: ELF, Mach-O and PE facts built by hand, and
//! the tags derived from them as text.

use super::*;
use crate::inspect::{ApplePlatform, Format, Kind, Libc, Linkage, Version};
use crate::inspect::{ElfFacts, Endian, MachoFacts, MachoSlice, PeFacts};
use crate::target::Arch;

pub(crate) fn elf(arch: Arch, interp: Option<&str>, needed: &[&str], versions: &[&str]) -> Facts {
    let linkage = if interp.is_none() && needed.is_empty() {
        Linkage::Static
    } else {
        Linkage::Dynamic
    };
    let libc = match interp {
        None if needed.is_empty() => None,
        Some(i) if i.contains("musl") => Some(Libc::Musl),
        Some(i) if i.contains("ld-linux") => Some(Libc::Glibc),
        _ => Some(Libc::Unknown),
    };
    let versions: Vec<(String, String)> = versions
        .iter()
        .map(|v| {
            let (file, version) = v.split_once(':').unwrap_or(("libc.so.6", v));
            (file.to_string(), version.to_string())
        })
        .collect();
    let glibc = versions
        .iter()
        .filter_map(|(_, v)| v.strip_prefix("GLIBC_").and_then(Version::parse))
        .max();
    Facts {
        format: Format::Elf,
        os: Os::Linux,
        arch: Some(arch),
        machine: "test".into(),
        bits: 64,
        endian: Endian::Little,
        kind: Kind::Executable,
        elf: Some(ElfFacts {
            linkage,
            libc,
            libc_evidence: interp.map(|i| format!("loader {i}")).or_else(|| {
                (!needed.is_empty()).then(|| format!("DT_NEEDED {}", needed.join(", ")))
            }),
            system: None,
            interpreter: interp.map(str::to_string),
            needed: needed.iter().map(|s| s.to_string()).collect(),
            runpath: None,
            rpath_inherited: false,
            versions,
            glibc,
            arm_hard_float: None,
        }),
        macho: None,
        pe: None,
    }
}

pub(crate) fn slice(arch: Arch, minos: (u32, u32, u32)) -> MachoSlice {
    MachoSlice {
        arch: Some(arch),
        cpu: if arch == Arch::X86_64 {
            "x86_64"
        } else {
            "arm64"
        }
        .into(),
        bits: 64,
        endian: Endian::Little,
        kind: Kind::Executable,
        platform: Some(ApplePlatform::MacOs),
        minos: Some(Version::new(minos.0, minos.1, minos.2)),
        sdk: None,
        minos_source: Some("LC_BUILD_VERSION"),
        dylibs: vec!["/usr/lib/libSystem.B.dylib".into()],
        signature: None,
        weak_dylibs: Vec::new(),
        rpaths: Vec::new(),
    }
}

pub(crate) fn macho(slices: Vec<MachoSlice>) -> Facts {
    let fat = slices.len() > 1;
    let arch = if fat {
        Some(Arch::Universal2)
    } else {
        slices[0].arch
    };
    Facts {
        format: Format::MachO,
        os: Os::Macos,
        arch,
        machine: "test".into(),
        bits: 64,
        endian: Endian::Little,
        kind: Kind::Executable,
        elf: None,
        macho: Some(MachoFacts { fat, slices }),
        pe: None,
    }
}

pub(crate) fn pe(arch: Arch) -> Facts {
    Facts {
        format: Format::Pe,
        os: Os::Windows,
        arch: Some(arch),
        machine: "test".into(),
        bits: 64,
        endian: Endian::Little,
        kind: Kind::Executable,
        elf: None,
        macho: None,
        pe: Some(PeFacts {
            machine: 0,
            subsystem: 3,
            subsystem_name: "console".into(),
            imports: vec![],
        }),
    }
}

pub(crate) fn t(s: &str) -> Target {
    Target::parse(s).unwrap()
}

pub(crate) fn tags(target: &str, facts: &Facts) -> Result<String, String> {
    tags_with(target, facts, None, &TagPolicy::default())
}

pub(crate) fn tags_with(
    target: &str,
    facts: &Facts,
    pinned: Option<&str>,
    policy: &TagPolicy,
) -> Result<String, String> {
    let pinned = pinned.map(parse_set).transpose()?;
    wheel_tags(t(target), &[("hello", facts)], pinned.as_deref(), policy)
        .map(|t| compressed(&t))
        .map_err(|e| e.message().to_string())
}

pub(crate) const GLIBC_X86: &str = "/lib64/ld-linux-x86-64.so.2";
pub(crate) const MUSL_X86: &str = "/lib/ld-musl-x86_64.so.1";
