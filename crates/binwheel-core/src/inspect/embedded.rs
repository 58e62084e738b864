//! What the compiler embedded about a binary's origin: Go build info and
//! cargo-auditable's dependency list, for ELF, Mach-O (each slice of a fat
//! file) and PE.
//!
//! This module finds the sections (`.go.buildinfo`, `__DATA,__go_buildinfo`,
//! or the start of the data section for older Go and for PE; `.dep-v0`,
//! `__DATA,.dep-v0`) through the `object` crate over the same capped lazy
//! reader as the header facts, and hands their bytes to the pure decoders
//! `gobuildinfo` and `auditable`. A binary without either gives an entry
//! with nothing in it; damaged data gives a problem, never a panic.

use std::fs::File;
use std::io::{Read, Seek};
use std::path::Path;

use object::read::macho::{FatArch, MachOFatFile32, MachOFatFile64};
use object::read::{ReadCache, ReadRef};
use object::{Architecture, FileKind, Object, ObjectSection};

use super::auditable::{self, CargoDeps};
use super::gobuildinfo::{self, GoBuildInfo};
use super::Capped;
use crate::error::Error;

/// How much of a data section is searched for the Go build info magic
/// (Go's own reader searches the same 64 KiB).
const GO_SEARCH: u64 = 64 << 10;
/// Largest `.dep-v0` section read (compressed).
const MAX_DEP_SECTION: u64 = 4 << 20;

/// What one binary (or one slice of a fat Mach-O) says about its origin.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Embedded {
    /// The slice's CPU ("x86_64", "arm64") in a fat Mach-O; `None` otherwise.
    pub slice: Option<String>,
    pub go: Option<GoBuildInfo>,
    pub cargo: Option<CargoDeps>,
    /// The rustc version an ELF's `.comment` names ("1.83.0"), if any.
    pub rustc: Option<String>,
    /// Data that was there but could not be read, as messages.
    pub problems: Vec<String>,
}

impl Embedded {
    pub fn is_empty(&self) -> bool {
        self.go.is_none() && self.cargo.is_none()
    }
}

/// Read the embedded data of a binary on disk.
pub fn embedded_file(path: &Path) -> Result<Vec<Embedded>, Error> {
    let file = File::open(path).map_err(|e| Error::io("cannot open", path, e))?;
    Ok(embedded_reader(file))
}

/// Read the embedded data from any seekable reader, lazily and capped.
pub fn embedded_reader<R: Read + Seek>(reader: R) -> Vec<Embedded> {
    let capped = Capped {
        cache: ReadCache::new(reader),
        total: std::cell::Cell::new(0),
    };
    embedded_data(&capped)
}

/// Read the embedded data of a binary held in memory.
pub fn embedded_bytes(data: &[u8]) -> Vec<Embedded> {
    embedded_data(data)
}

fn embedded_data<'a, R: ReadRef<'a>>(data: R) -> Vec<Embedded> {
    let Ok(len) = data.len() else {
        return Vec::new();
    };
    match FileKind::parse(data) {
        Ok(FileKind::MachOFat32) => match MachOFatFile32::parse(data) {
            Ok(fat) => fat_slices(data, len, fat.arches()),
            Err(e) => vec![problem(format!("fat Mach-O: {e}"))],
        },
        Ok(FileKind::MachOFat64) => match MachOFatFile64::parse(data) {
            Ok(fat) => fat_slices(data, len, fat.arches()),
            Err(e) => vec![problem(format!("fat Mach-O: {e}"))],
        },
        _ => vec![one(data)],
    }
}

fn problem(message: String) -> Embedded {
    Embedded {
        problems: vec![message],
        ..Embedded::default()
    }
}

fn fat_slices<'a, R: ReadRef<'a>, A: FatArch>(data: R, len: u64, arches: &[A]) -> Vec<Embedded> {
    arches
        .iter()
        .take(super::MAX_ITEMS)
        .map(|arch| {
            let (base, size) = (arch.offset().into(), arch.size().into());
            let mut slice = match base.checked_add(size) {
                Some(end) if end <= len => one(Window {
                    data,
                    base,
                    len: size,
                }),
                _ => problem("fat Mach-O: a slice runs past the end of the file".into()),
            };
            slice.slice = Some(cpu_name(arch.architecture()));
            slice
        })
        .collect()
}

fn cpu_name(arch: Architecture) -> String {
    match arch {
        Architecture::X86_64 => "x86_64".into(),
        Architecture::Aarch64 => "arm64".into(),
        Architecture::I386 => "i386".into(),
        other => format!("{other:?}").to_lowercase(),
    }
}

/// One thin binary.
fn one<'a, R: ReadRef<'a>>(data: R) -> Embedded {
    let mut out = Embedded::default();
    let file = match object::File::parse(data) {
        Ok(file) => file,
        Err(_) => return out, // not a binary the readers know: nothing embedded to report
    };
    match go_build_info(&file) {
        Some(Ok(info)) => out.go = Some(info),
        Some(Err(e)) => out.problems.push(e),
        None => {}
    }
    match dep_section(&file) {
        Some(Ok(deps)) => out.cargo = Some(deps),
        Some(Err(e)) => out.problems.push(e),
        None => {}
    }
    out.rustc = rustc_version(&file);
    out
}

/// "rustc version 1.83.0 (90b35a623 2024-11-26)" in `.comment` → "1.83.0".
fn rustc_version<'a, R: ReadRef<'a>>(file: &object::File<'a, R>) -> Option<String> {
    let section = section_named(file, &[".comment"])?;
    let bytes = section
        .data_range(section.address(), section.size().min(4096))
        .ok()??;
    bytes.split(|&b| b == 0).find_map(|entry| {
        let text = std::str::from_utf8(entry).ok()?;
        let version = text.strip_prefix("rustc version ")?.split(' ').next()?;
        (!version.is_empty()).then(|| version.to_string())
    })
}

fn section_named<'a, 'f, R: ReadRef<'a>>(
    file: &'f object::File<'a, R>,
    names: &[&str],
) -> Option<object::Section<'a, 'f, R>> {
    names
        .iter()
        .find_map(|want| file.sections().find(|s| s.name().is_ok_and(|n| n == *want)))
}

fn go_build_info<'a, R: ReadRef<'a>>(
    file: &object::File<'a, R>,
) -> Option<Result<GoBuildInfo, String>> {
    let section = section_named(file, &[".go.buildinfo", "__go_buildinfo"])
        .or_else(|| section_named(file, &[".data", "__data"]))?;
    // Only what the file holds: a PE section's virtual size may exceed it.
    let stored = section
        .file_range()
        .map_or(section.size(), |(_, len)| len.min(section.size()));
    let head = section
        .data_range(section.address(), stored.min(GO_SEARCH))
        .ok()??;
    let at = gobuildinfo::find(head)?;
    let read_at = |address: u64, size: u64| -> Option<Vec<u8>> {
        file.sections()
            .filter(|s| s.address() != 0)
            .find_map(|s| s.data_range(address, size).ok().flatten())
            .map(<[u8]>::to_vec)
    };
    // The inline format's strings may run past the searched window.
    let whole = section
        .data_range(
            section.address() + at as u64,
            (section.size() - at as u64).min(GO_SEARCH * 4),
        )
        .ok()
        .flatten()
        .unwrap_or(&head[at..]);
    Some(gobuildinfo::read(whole, &read_at))
}

fn dep_section<'a, R: ReadRef<'a>>(
    file: &object::File<'a, R>,
) -> Option<Result<CargoDeps, String>> {
    let section = section_named(file, &[".dep-v0"])?;
    if section.size() > MAX_DEP_SECTION {
        return Some(Err(format!(
            "cargo-auditable data (.dep-v0): the section claims {} bytes, more than the {} MiB binwheel reads",
            section.size(),
            MAX_DEP_SECTION >> 20
        )));
    }
    Some(match section.data() {
        Ok(bytes) => auditable::read(bytes),
        Err(e) => Err(format!("cargo-auditable data (.dep-v0): {e}")),
    })
}

/// `[base, base + len)` of `data`, as a file of its own (one fat slice).
#[derive(Clone, Copy)]
struct Window<R> {
    data: R,
    base: u64,
    len: u64,
}

impl<'a, R: ReadRef<'a>> ReadRef<'a> for Window<R> {
    fn len(self) -> Result<u64, ()> {
        Ok(self.len)
    }

    fn read_bytes_at(self, offset: u64, size: u64) -> Result<&'a [u8], ()> {
        match offset.checked_add(size) {
            Some(end) if end <= self.len => self.data.read_bytes_at(self.base + offset, size),
            _ => Err(()),
        }
    }

    fn read_bytes_at_until(
        self,
        range: std::ops::Range<u64>,
        delimiter: u8,
    ) -> Result<&'a [u8], ()> {
        let end = range.end.min(self.len);
        if range.start > end {
            return Err(());
        }
        self.data
            .read_bytes_at_until(self.base + range.start..self.base + end, delimiter)
    }
}
