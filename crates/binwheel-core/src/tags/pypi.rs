//! What PyPI accepts: warehouse's `forklift/legacy.py::_valid_platform_tag`.
//!
//! Owns the platform tags an upload may carry: the legacy manylinux names
//! their PEPs define, manylinux and musllinux for the architectures PyPI
//! lists, macOS tags with a known binary format and an existing macOS, and
//! every Windows tag. It must not know whether a tag is true for a binary;
//! the family modules judge that.

use std::fmt::Display;

use super::grammar::PlatformTag;

/// The architectures PyPI accepts in `manylinux_X_Y` and `musllinux_X_Y` tags
/// (manylinux also `ppc64`).
const LINUX_ARCHES: [&str; 7] = [
    "x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64",
];

/// The macOS binary formats PyPI accepts.
const MAC_ARCHES: [&str; 11] = [
    "ppc",
    "ppc64",
    "i386",
    "x86_64",
    "arm64",
    "intel",
    "fat",
    "fat3",
    "fat64",
    "universal",
    "universal2",
];

/// Why PyPI would refuse a wheel with this platform tag, or `None` if it
/// accepts it.
pub fn pypi_problem(tag: &PlatformTag) -> Option<String> {
    let ok = match tag {
        PlatformTag::Any | PlatformTag::Windows(_) => true,
        PlatformTag::Manylinux {
            legacy: Some(legacy),
            arch,
            ..
        } => legacy.arches().contains(&arch.as_str()),
        PlatformTag::Manylinux {
            legacy: None, arch, ..
        } => LINUX_ARCHES.contains(&arch.as_str()) || arch == "ppc64",
        PlatformTag::Musllinux { arch, .. } => LINUX_ARCHES.contains(&arch.as_str()),
        PlatformTag::Linux { arch } => matches!(arch.as_str(), "armv6l" | "armv7l"),
        PlatformTag::Macos {
            version: (major, minor),
            arch,
        } => {
            MAC_ARCHES.contains(&arch.name())
                && (*major == 10 || ((11..=15).contains(major) || *major >= 26) && *minor == 0)
        }
    };
    (!ok).then(|| refusal(tag))
}

/// PyPI's answer to a platform tag it does not accept, including text that
/// is no platform tag at all.
pub fn refusal(tag: impl Display) -> String {
    format!("PyPI does not accept the platform tag {tag}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(tag: &str) -> Option<String> {
        match PlatformTag::parse(tag) {
            Some(t) => pypi_problem(&t),
            None => Some(refusal(tag)),
        }
    }

    #[test]
    fn pypi_rules() {
        for ok in [
            "manylinux_2_17_x86_64",
            "manylinux2014_aarch64",
            "musllinux_1_2_riscv64",
            "macosx_10_13_universal2",
            "macosx_11_0_arm64",
            "macosx_26_0_arm64",
            "win_arm64",
            "win32",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        for bad in [
            "linux_x86_64",
            "macosx_11_3_arm64",
            "macosx_16_0_arm64",
            "musllinux_1_2_ppc64",
            "manylinux_2_17_sparc",
            "manylinux1_aarch64",
        ] {
            assert!(problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn legacy_names_and_old_arm_linux() {
        for ok in [
            "manylinux1_i686",
            "manylinux2010_x86_64",
            "manylinux2014_ppc64",
            "manylinux_2_17_ppc64",
            "linux_armv6l",
            "linux_armv7l",
            "macosx_10_9_fat64",
            "win_ia64",
            "any",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        assert_eq!(
            problem("macosx_10_9_fat32").as_deref(),
            Some("PyPI does not accept the platform tag macosx_10_9_fat32")
        );
        assert_eq!(
            problem("freebsd_13_amd64").as_deref(),
            Some("PyPI does not accept the platform tag freebsd_13_amd64")
        );
    }
}
