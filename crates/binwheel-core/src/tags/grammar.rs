//! The platform tag grammar: [`PlatformTag`], one platform tag parsed and
//! displayed.
//!
//! Owns the spelling of every platform tag binwheel reads or writes, as
//! `packaging.tags` writes them: `manylinux_X_Y_<arch>` (PEP 600) and its
//! legacy aliases `manylinux1`, `manylinux2010`, `manylinux2014` (PEPs 513,
//! 571, 599), `musllinux_X_Y_<arch>` (PEP 656), `linux_<arch>`,
//! `macosx_X_Y_<arch>` with the fat names (`universal2`, `intel`, `fat64`…),
//! `win32`/`win_amd64`/`win_arm64`/`win_ia64`, and `any`; and compressed tag
//! sets (`a.b.c`). It must not know what a tag promises about a binary (the
//! family modules) nor what PyPI accepts (`pypi`): a tag that parses here
//! may still be one no installer picks.

use std::cmp::Ordering;
use std::fmt;

use crate::target::{Arch, Os, Target};

/// The legacy manylinux names (PEPs 513, 571, 599).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LegacyManylinux {
    Manylinux1,
    Manylinux2010,
    Manylinux2014,
}

impl LegacyManylinux {
    pub const ALL: [LegacyManylinux; 3] = [
        LegacyManylinux::Manylinux1,
        LegacyManylinux::Manylinux2010,
        LegacyManylinux::Manylinux2014,
    ];

    pub fn name(self) -> &'static str {
        match self {
            LegacyManylinux::Manylinux1 => "manylinux1",
            LegacyManylinux::Manylinux2010 => "manylinux2010",
            LegacyManylinux::Manylinux2014 => "manylinux2014",
        }
    }

    /// The glibc minor (of 2.x) the alias stands for.
    pub fn glibc_minor(self) -> u32 {
        match self {
            LegacyManylinux::Manylinux1 => 5,
            LegacyManylinux::Manylinux2010 => 12,
            LegacyManylinux::Manylinux2014 => 17,
        }
    }

    /// The architectures the PEP defines the alias for.
    pub fn arches(self) -> &'static [&'static str] {
        match self {
            LegacyManylinux::Manylinux1 | LegacyManylinux::Manylinux2010 => &["x86_64", "i686"],
            LegacyManylinux::Manylinux2014 => &[
                "x86_64", "i686", "aarch64", "armv7l", "ppc64", "ppc64le", "s390x",
            ],
        }
    }

    /// The alias of `manylinux_2_{minor}_{arch}`, if it has one.
    pub fn of(minor: u32, arch: &str) -> Option<LegacyManylinux> {
        LegacyManylinux::ALL
            .into_iter()
            .find(|l| l.glibc_minor() == minor && l.arches().contains(&arch))
    }
}

/// The architecture part of a `macosx_X_Y_<arch>` tag: packaging's binary
/// formats (`packaging.tags._mac_binary_formats`), or any other word.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MacArch {
    X86_64,
    Arm64,
    /// x86_64 and arm64 slices.
    Universal2,
    I386,
    Ppc,
    Ppc64,
    /// i386 and x86_64.
    Intel,
    /// i386 and ppc.
    Fat,
    /// x86_64, i386 and ppc.
    Fat3,
    /// i386 and ppc.
    Fat32,
    /// x86_64 and ppc64.
    Fat64,
    /// x86_64, i386, ppc64 and ppc.
    Universal,
    Other(String),
}

impl MacArch {
    const NAMED: [MacArch; 12] = [
        MacArch::X86_64,
        MacArch::Arm64,
        MacArch::Universal2,
        MacArch::I386,
        MacArch::Ppc,
        MacArch::Ppc64,
        MacArch::Intel,
        MacArch::Fat,
        MacArch::Fat3,
        MacArch::Fat32,
        MacArch::Fat64,
        MacArch::Universal,
    ];

    pub fn parse(s: &str) -> MacArch {
        MacArch::NAMED
            .into_iter()
            .find(|a| a.name() == s)
            .unwrap_or_else(|| MacArch::Other(s.to_string()))
    }

    pub fn name(&self) -> &str {
        match self {
            MacArch::X86_64 => "x86_64",
            MacArch::Arm64 => "arm64",
            MacArch::Universal2 => "universal2",
            MacArch::I386 => "i386",
            MacArch::Ppc => "ppc",
            MacArch::Ppc64 => "ppc64",
            MacArch::Intel => "intel",
            MacArch::Fat => "fat",
            MacArch::Fat3 => "fat3",
            MacArch::Fat32 => "fat32",
            MacArch::Fat64 => "fat64",
            MacArch::Universal => "universal",
            MacArch::Other(s) => s,
        }
    }

    /// The slices a binary needs for this tag, for the architectures
    /// binwheel targets (x86_64, arm64, universal2); `None` for the others.
    pub fn slices(&self) -> Option<&'static [Arch]> {
        match self {
            MacArch::X86_64 => Some(&[Arch::X86_64]),
            MacArch::Arm64 => Some(&[Arch::Aarch64]),
            MacArch::Universal2 => Some(&[Arch::X86_64, Arch::Aarch64]),
            _ => None,
        }
    }
}

/// The Windows platform tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WindowsArch {
    /// `win32`
    X86,
    /// `win_amd64`
    Amd64,
    /// `win_arm64`
    Arm64,
    /// `win_ia64` (Itanium, which binwheel has no target for)
    Ia64,
}

impl WindowsArch {
    pub fn tag(self) -> &'static str {
        match self {
            WindowsArch::X86 => "win32",
            WindowsArch::Amd64 => "win_amd64",
            WindowsArch::Arm64 => "win_arm64",
            WindowsArch::Ia64 => "win_ia64",
        }
    }

    /// The target architecture, if binwheel has one.
    pub fn arch(self) -> Option<Arch> {
        match self {
            WindowsArch::X86 => Some(Arch::X86),
            WindowsArch::Amd64 => Some(Arch::X86_64),
            WindowsArch::Arm64 => Some(Arch::Aarch64),
            WindowsArch::Ia64 => None,
        }
    }

    /// The tag of a Windows binary for `arch` (`win_amd64` for any
    /// architecture Windows has no tag for).
    pub fn of(arch: Arch) -> WindowsArch {
        match arch {
            Arch::Aarch64 => WindowsArch::Arm64,
            Arch::X86 => WindowsArch::X86,
            _ => WindowsArch::Amd64,
        }
    }
}

/// One platform tag: the third part of a wheel tag (`py3-none-<platform>`).
///
/// `Display` gives back the text it was parsed from, and tags order by that
/// text, as wheel file names and `WHEEL` files list them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PlatformTag {
    /// `manylinux_X_Y_<arch>`; with `legacy`, written as that alias
    /// (`manylinux2014_<arch>`), whose glibc floor `glibc` then is.
    Manylinux {
        glibc: (u32, u32),
        arch: String,
        legacy: Option<LegacyManylinux>,
    },
    /// `musllinux_X_Y_<arch>`
    Musllinux { musl: (u32, u32), arch: String },
    /// `linux_<arch>`: any Linux, which PyPI refuses.
    Linux { arch: String },
    /// `macosx_X_Y_<arch>`
    Macos { version: (u32, u32), arch: MacArch },
    /// `win32`, `win_amd64`, `win_arm64`, `win_ia64`
    Windows(WindowsArch),
    /// `any`
    Any,
}

impl PlatformTag {
    /// Parse one platform tag; `None` when it is none of the forms above.
    pub fn parse(tag: &str) -> Option<PlatformTag> {
        if tag == "any" {
            return Some(PlatformTag::Any);
        }
        for win in [
            WindowsArch::X86,
            WindowsArch::Amd64,
            WindowsArch::Arm64,
            WindowsArch::Ia64,
        ] {
            if tag == win.tag() {
                return Some(PlatformTag::Windows(win));
            }
        }
        for legacy in LegacyManylinux::ALL {
            if let Some(arch) = tag
                .strip_prefix(legacy.name())
                .and_then(|r| r.strip_prefix('_'))
            {
                return Some(PlatformTag::Manylinux {
                    glibc: (2, legacy.glibc_minor()),
                    arch: arch.to_string(),
                    legacy: Some(legacy),
                });
            }
        }
        if let Some(rest) = tag.strip_prefix("manylinux_") {
            let (major, minor, arch) = split_version(rest)?;
            return Some(PlatformTag::Manylinux {
                glibc: (major, minor),
                arch: arch.to_string(),
                legacy: None,
            });
        }
        if let Some(rest) = tag.strip_prefix("musllinux_") {
            let (major, minor, arch) = split_version(rest)?;
            return Some(PlatformTag::Musllinux {
                musl: (major, minor),
                arch: arch.to_string(),
            });
        }
        if let Some(rest) = tag.strip_prefix("macosx_") {
            let (major, minor, arch) = split_version(rest)?;
            return Some(PlatformTag::Macos {
                version: (major, minor),
                arch: MacArch::parse(arch),
            });
        }
        if let Some(arch) = tag.strip_prefix("linux_") {
            return Some(PlatformTag::Linux {
                arch: arch.to_string(),
            });
        }
        None
    }

    /// The OS a binary must be for, if the tag names one.
    pub fn os(&self) -> Option<Os> {
        match self {
            PlatformTag::Manylinux { .. }
            | PlatformTag::Musllinux { .. }
            | PlatformTag::Linux { .. } => Some(Os::Linux),
            PlatformTag::Macos { .. } => Some(Os::Macos),
            PlatformTag::Windows(_) => Some(Os::Windows),
            PlatformTag::Any => None,
        }
    }

    /// Whether the tag is one for a wheel of `target`: same OS and
    /// architecture (a universal2 wheel also carries its x86_64 and arm64
    /// tags).
    pub fn fits(&self, target: Target) -> bool {
        match (self, target.os) {
            (PlatformTag::Windows(win), Os::Windows) => win.arch() == Some(target.arch),
            (
                PlatformTag::Manylinux { arch, .. }
                | PlatformTag::Musllinux { arch, .. }
                | PlatformTag::Linux { arch },
                Os::Linux,
            ) => *arch == Target::new(Os::Linux, target.arch).arch_name(),
            (PlatformTag::Macos { arch, .. }, Os::Macos) => match target.arch {
                Arch::Universal2 => arch.slices().is_some(),
                a => arch.name() == Target::new(Os::Macos, a).arch_name(),
            },
            _ => false,
        }
    }
}

impl fmt::Display for PlatformTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlatformTag::Manylinux {
                arch,
                legacy: Some(legacy),
                ..
            } => write!(f, "{}_{arch}", legacy.name()),
            PlatformTag::Manylinux {
                glibc: (major, minor),
                arch,
                legacy: None,
            } => write!(f, "manylinux_{major}_{minor}_{arch}"),
            PlatformTag::Musllinux {
                musl: (major, minor),
                arch,
            } => write!(f, "musllinux_{major}_{minor}_{arch}"),
            PlatformTag::Linux { arch } => write!(f, "linux_{arch}"),
            PlatformTag::Macos {
                version: (major, minor),
                arch,
            } => write!(f, "macosx_{major}_{minor}_{}", arch.name()),
            PlatformTag::Windows(win) => f.write_str(win.tag()),
            PlatformTag::Any => f.write_str("any"),
        }
    }
}

impl Ord for PlatformTag {
    fn cmp(&self, other: &Self) -> Ordering {
        self.to_string().cmp(&other.to_string())
    }
}

impl PartialOrd for PlatformTag {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq<str> for PlatformTag {
    fn eq(&self, other: &str) -> bool {
        PlatformTag::parse(other).as_ref() == Some(self)
    }
}

impl PartialEq<&str> for PlatformTag {
    fn eq(&self, other: &&str) -> bool {
        PlatformTag::parse(other).as_ref() == Some(self)
    }
}

/// Parse a compressed tag set (`a.b.c`): its tags, sorted and
/// deduplicated, or why the first part that is not a platform tag is not.
pub fn parse_set(compressed: &str) -> Result<Vec<PlatformTag>, String> {
    let mut tags = expand(compressed)
        .iter()
        .map(|t| PlatformTag::parse(t).ok_or_else(|| unknown_tag(t)))
        .collect::<Result<Vec<_>, _>>()?;
    tags.sort();
    Ok(tags)
}

/// A tag set compressed for a wheel file name: the tags joined by `.`.
pub fn compressed(tags: &[PlatformTag]) -> String {
    tags.iter()
        .map(PlatformTag::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// Why a text is not a platform tag binwheel knows.
pub fn unknown_tag(tag: &str) -> String {
    format!(
        "{tag} is not a platform tag binwheel knows (manylinux_2_Y_<arch>, \
         musllinux_1_Y_<arch>, macosx_X_Y_<arch>, win_amd64, win_arm64, win32)"
    )
}

/// Split a compressed tag set (`a.b.c`) into its tags, sorted and deduplicated.
pub fn expand(compressed: &str) -> Vec<String> {
    let mut tags: Vec<String> = compressed
        .split('.')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    tags.sort();
    tags.dedup();
    tags
}

/// `X_Y_rest` -> (X, Y, rest).
pub(super) fn split_version(s: &str) -> Option<(u32, u32, &str)> {
    let (major, rest) = s.split_once('_')?;
    let (minor, arch) = rest.split_once('_')?;
    let digits = |t: &str| !t.is_empty() && t.len() <= 6 && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(major) || !digits(minor) || arch.is_empty() {
        return None;
    }
    Some((major.parse().ok()?, minor.parse().ok()?, arch))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_displays_as_it_was_written() {
        for tag in [
            "manylinux_2_17_x86_64",
            "manylinux1_i686",
            "manylinux2010_x86_64",
            "manylinux2014_aarch64",
            "manylinux2014_",
            "musllinux_1_2_riscv64",
            "linux_armv6l",
            "linux_",
            "macosx_10_13_universal2",
            "macosx_10_9_intel",
            "macosx_10_6_fat64",
            "macosx_11_0_arm64",
            "macosx_11_0_sparc",
            "win32",
            "win_amd64",
            "win_arm64",
            "win_ia64",
            "any",
        ] {
            let parsed = PlatformTag::parse(tag).unwrap_or_else(|| panic!("{tag} parses"));
            assert_eq!(parsed.to_string(), tag);
        }
    }

    #[test]
    fn the_parts_are_typed() {
        assert_eq!(
            PlatformTag::parse("manylinux2014_armv7l"),
            Some(PlatformTag::Manylinux {
                glibc: (2, 17),
                arch: "armv7l".into(),
                legacy: Some(LegacyManylinux::Manylinux2014),
            })
        );
        assert_eq!(
            PlatformTag::parse("macosx_10_9_intel"),
            Some(PlatformTag::Macos {
                version: (10, 9),
                arch: MacArch::Intel,
            })
        );
        assert_eq!(
            PlatformTag::parse("win_arm64"),
            Some(PlatformTag::Windows(WindowsArch::Arm64))
        );
    }

    #[test]
    fn what_is_not_a_platform_tag() {
        for bad in [
            "",
            "bogus_tag",
            "manylinux_2_x86_64",
            "manylinux_2__x86_64",
            "manylinux_2_17_",
            "manylinux_1234567_0_x86_64",
            "musllinux_x_1_x86_64",
            "macosx_11_arm64",
            "win64",
            "freebsd_13_amd64",
        ] {
            assert_eq!(PlatformTag::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn tags_order_by_their_text() {
        let mut tags: Vec<PlatformTag> = [
            "musllinux_1_1_x86_64",
            "manylinux_2_17_x86_64",
            "manylinux2014_x86_64",
        ]
        .map(|t| PlatformTag::parse(t).unwrap())
        .into();
        tags.sort();
        assert_eq!(
            tags,
            [
                "manylinux2014_x86_64",
                "manylinux_2_17_x86_64",
                "musllinux_1_1_x86_64"
            ]
        );
    }

    #[test]
    fn expand_sorts_and_dedups() {
        assert_eq!(
            expand("musllinux_1_1_x86_64.manylinux_2_17_x86_64.manylinux2014_x86_64.manylinux2014_x86_64"),
            [
                "manylinux2014_x86_64",
                "manylinux_2_17_x86_64",
                "musllinux_1_1_x86_64"
            ]
        );
    }
}
