//! macOS platform tags: `macosx_X_Y_<arch>` for x86_64, arm64 and universal2.
//!
//! Owns how a Mach-O's minimum macOS (per slice) becomes a tag version the
//! way pip generates them (`packaging.tags.mac_platforms`), the floors pip
//! installs, which macOS tags exist, and which dylibs macOS provides. It
//! must not know Linux, Windows or PyPI rules.

use super::grammar::{MacArch, PlatformTag};
use super::{allowed, Binary, TagPolicy};
use crate::check::finding::{self as rules, Finding};
use crate::error::Error;
use crate::inspect::{ApplePlatform, Facts, Format, MachoFacts, MachoSlice, Version};
use crate::target::{Arch, Os, Target};

/// The tag version for a minimum macOS: pip generates `macosx_10_Y` for the
/// 10.x series and only `macosx_X_0` from 11 on (packaging.tags.mac_platforms),
/// so a minimum with a point release rounds *up* to the next tag version that
/// is true: 10.13.4 -> 10_14, 11.3 -> 12_0.
pub fn macos_tag_version(minos: Version) -> (u32, u32) {
    if minos.major >= 11 {
        if minos.minor == 0 && minos.patch == 0 {
            (minos.major, 0)
        } else {
            (minos.major + 1, 0)
        }
    } else if minos.patch > 0 {
        (minos.major, minos.minor + 1)
    } else {
        (minos.major, minos.minor)
    }
}

/// pip generates x86_64 tags from macOS 10.4 and arm64 tags from 11.0.
fn macos_floor(arch: Arch) -> (u32, u32) {
    if arch == Arch::Aarch64 {
        (11, 0)
    } else {
        (10, 4)
    }
}

/// The macOS tags true for every binary: one per architecture, and for a
/// universal2 wheel the universal2 tag plus the x86_64 and arm64 ones.
pub(super) fn macos_tags(
    arch: Arch,
    binaries: &[(&str, &Facts)],
) -> Result<Vec<PlatformTag>, Error> {
    let tag = |version: (u32, u32), arch: MacArch| PlatformTag::Macos { version, arch };
    Ok(match arch {
        Arch::X86_64 => vec![tag(floor(Arch::X86_64, binaries)?, MacArch::X86_64)],
        Arch::Aarch64 => vec![tag(floor(Arch::Aarch64, binaries)?, MacArch::Arm64)],
        _ => {
            let x86 = floor(Arch::X86_64, binaries)?;
            let arm = floor(Arch::Aarch64, binaries)?;
            // On arm64 Macs pip accepts universal2 tags from macosx_10_4 up
            // (packaging.tags.mac_platforms), and every arm64 Mac runs 11.0 or
            // later; so the arm64 slice only raises the universal2 version when
            // it needs more than 11.0.
            let universal = if arm > (11, 0) { x86.max(arm) } else { x86 };
            vec![
                tag(universal, MacArch::Universal2),
                tag(x86, MacArch::X86_64),
                tag(arm, MacArch::Arm64),
            ]
        }
    })
}

/// The tag version every binary's `slice_arch` slice runs on.
fn floor(slice_arch: Arch, binaries: &[(&str, &Facts)]) -> Result<(u32, u32), Error> {
    let mut floor = macos_floor(slice_arch);
    for (name, facts) in binaries {
        let slice = facts
            .macho
            .as_ref()
            .and_then(|m| m.slices.iter().find(|s| s.arch == Some(slice_arch)));
        let Some(minos) = slice.and_then(|s| s.minos) else {
            // target_problem / check_tags name the missing slice or version
            return Err(Error::new(format!(
                "{name}: its {} slice records no minimum macOS \
                 (no LC_BUILD_VERSION or LC_VERSION_MIN_MACOSX)",
                mac_arch(slice_arch)
            )));
        };
        floor = floor.max(macos_tag_version(minos));
    }
    Ok(floor)
}

pub(super) fn mac_arch(arch: Arch) -> &'static str {
    Target::new(Os::Macos, arch).arch_name()
}

/// Problems with a macOS tag itself: never installed, or naming a macOS
/// that does not exist.
pub(super) fn tag_problem(tag: &PlatformTag) -> Option<String> {
    let PlatformTag::Macos { version, arch } = tag else {
        return None;
    };
    let (major, minor) = *version;
    if arch.slices().is_none() {
        return Some(format!(
            "{tag}: binwheel checks only x86_64, arm64 and universal2 macOS tags"
        ));
    }
    if major < 10 {
        return Some(format!("{tag}: there is no macOS {major}"));
    }
    if (16..=25).contains(&major) {
        return Some(format!(
            "{tag}: there is no macOS {major} (Apple went from macOS 15 to 26)"
        ));
    }
    if major >= 11 && minor != 0 {
        return Some(format!(
            "{tag} is never installed: from macOS 11 on, pip generates only \
             macosx_{major}_0 tags (packaging.tags.mac_platforms); a binary that \
             needs macOS {major}.{minor} is macosx_{}_0",
            major + 1
        ));
    }
    if *arch == MacArch::Arm64 && major < 11 {
        return Some(format!(
            "{tag} is never installed: arm64 Macs run macOS 11 or later and pip \
             generates arm64 tags only from macosx_11_0"
        ));
    }
    if major == 10 && minor < 4 {
        return Some(format!(
            "{tag} is never installed: pip generates {} tags only from macosx_10_4",
            arch.name()
        ));
    }
    None
}

/// Why the macOS `tag` is not true for the binary `name`: a missing slice,
/// a slice for another Apple OS or a newer macOS, a dylib macOS lacks.
pub(super) fn binary_problems(tag: &PlatformTag, binary: &Binary, out: &mut Vec<Finding>) {
    let (name, facts, policy) = (binary.name, binary.facts, binary.policy);
    let PlatformTag::Macos { version, arch } = tag else {
        return;
    };
    let Some(macho) = facts
        .macho
        .as_ref()
        .filter(|_| facts.format == Format::MachO)
    else {
        out.push(binary.wrong_platform(tag, &format!("macOS {}", arch.name())));
        return;
    };
    for want in arch.slices().unwrap_or(&[Arch::X86_64, Arch::Aarch64]) {
        let Some(slice) = macho.slices.iter().find(|s| s.arch == Some(*want)) else {
            out.push(missing_slice(tag, name, facts, *want));
            // Under Rosetta 2 the x86_64 slice runs, and needs its own macOS.
            let rosetta = macho.slices.iter().find(|s| s.arch == Some(Arch::X86_64));
            if let (Arch::Aarch64, Some(x86)) = (*want, rosetta) {
                let x86_name = format!("the x86_64 code of {name} (run by Rosetta 2)");
                let promised = (*version).max((11, 0));
                if let Some(problem) =
                    slice_version_problem(tag, promised, Arch::X86_64, name, &x86_name, x86)
                {
                    out.push(Finding::new(rules::TAG_MACOS_FLOOR, problem).file(name));
                }
            }
            continue;
        };
        let slice_name = if macho.fat {
            format!("the {} slice of {name}", mac_arch(*want))
        } else {
            name.to_string()
        };
        let found = |rule, message: String| Finding::new(rule, message).file(name);
        if let Some(problem) = slice_platform_problem(tag, name, &slice_name, slice) {
            out.push(found(rules::TAG_MACOS_SLICE, problem));
            continue;
        }
        if let Some(problem) = slice_version_problem(tag, *version, *want, name, &slice_name, slice)
        {
            out.push(found(rules::TAG_MACOS_FLOOR, problem));
        }
        dylib_problems(name, slice, policy, out);
    }
}

/// A binary without the `want` slice the tag needs. An x86_64-only binary
/// where arm64 is wanted still runs, through Rosetta 2: a warning.
fn missing_slice(tag: &PlatformTag, name: &str, facts: &Facts, want: Arch) -> Finding {
    let message = format!(
        "{tag} is not true for {name}: it has no {} slice ({})",
        mac_arch(want),
        facts.describe()
    );
    if want == Arch::Aarch64 && has_slice(facts, Arch::X86_64) {
        return Finding::new(rules::TAG_ROSETTA, message)
            .file(name)
            .help(format!(
                "on Apple Silicon {name} runs only through Rosetta 2; build an arm64 or \
                 universal2 binary (Go: GOARCH=arm64; Rust: aarch64-apple-darwin; \
                 `lipo -create` joins the two)"
            ));
    }
    Finding::new(rules::TAG_MACOS_SLICE, message).file(name)
}

/// Why no macOS tag can be checked against one slice: it is built for
/// another Apple OS, or records no minimum macOS.
fn slice_platform_problem(
    tag: &PlatformTag,
    name: &str,
    slice_name: &str,
    slice: &MachoSlice,
) -> Option<String> {
    if let Some(other) = slice.platform.filter(|p| *p != ApplePlatform::MacOs) {
        return Some(format!(
            "{tag} is not true for {name}: {slice_name} is built for {}, not macOS",
            other.name()
        ));
    }
    slice.minos.is_none().then(|| {
        format!(
            "{slice_name} records no minimum macOS (no LC_BUILD_VERSION or \
             LC_VERSION_MIN_MACOSX), so no macOS tag can be checked"
        )
    })
}

/// Why one slice needs a newer macOS than the tag promises.
fn slice_version_problem(
    tag: &PlatformTag,
    version: (u32, u32),
    want: Arch,
    name: &str,
    slice_name: &str,
    slice: &MachoSlice,
) -> Option<String> {
    let minos = slice.minos?;
    let need = macos_tag_version(minos);
    // A universal2 tag below 11.0 reaches arm64 Macs only at 11.0 or later.
    let promised = if want == Arch::Aarch64 {
        version.max((11, 0))
    } else {
        version
    };
    (need > promised).then(|| {
        format!(
            "{tag} is not true for {name}: {slice_name} needs macOS {} ({} minos {}), \
             but the tag promises macOS {}.{}",
            Version::new(need.0, need.1, 0).short(),
            slice.minos_source.unwrap_or("load command"),
            minos.short(),
            promised.0,
            promised.1
        )
    })
}

/// Dylibs a slice loads that macOS does not provide.
fn dylib_problems(name: &str, slice: &MachoSlice, policy: &TagPolicy, out: &mut Vec<Finding>) {
    for dylib in &slice.dylibs {
        let system = dylib.starts_with("/usr/lib/") || dylib.starts_with("/System/Library/");
        let base = dylib.rsplit('/').next().unwrap_or(dylib);
        if !system && !allowed(policy, dylib) && !allowed(policy, base) {
            let message = format!(
                "{name} loads {dylib}, which macOS does not provide; link it \
                 statically, or ship it in the wheel and allow it (allow-libraries)"
            );
            out.push(Finding::new(rules::TAG_LIBRARY_POLICY, message).file(name));
        }
    }
}

/// Whether a binary's facts have a slice for `arch` (a fat binary goes into
/// a thin wheel by its matching slice).
pub(super) fn has_slice(facts: &Facts, arch: Arch) -> bool {
    facts
        .macho
        .as_ref()
        .is_some_and(|m: &MachoFacts| m.slices.iter().any(|s| s.arch == Some(arch)))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn rosetta_runs_the_x86_64_code_which_needs_its_own_macos() {
        // pypandoc-binary's arm64 wheel: an x86_64-only binary that needs
        // macOS 15 under a macosx_11_0_arm64 tag.
        let x86 = macho(vec![slice(Arch::X86_64, (15, 0, 0))]);
        let tag = PlatformTag::parse("macosx_11_0_arm64").unwrap();
        let found = super::super::check_tags(&[tag], &[("x", &x86)], &TagPolicy::default());
        let ids: Vec<&str> = found.iter().map(|f| f.rule.id).collect();
        assert_eq!(ids, ["BW106", "BW104"], "{found:#?}");
        assert!(
            found[1].message.contains("needs macOS 15.0"),
            "{}",
            found[1].message
        );
        // An old enough x86_64 binary is only the Rosetta warning.
        let old = macho(vec![slice(Arch::X86_64, (10, 13, 0))]);
        let tag = PlatformTag::parse("macosx_11_0_arm64").unwrap();
        let found = super::super::check_tags(&[tag], &[("x", &old)], &TagPolicy::default());
        assert_eq!(found.len(), 1, "{found:#?}");
    }

    #[test]
    fn macos_tags() {
        let arm = macho(vec![slice(Arch::Aarch64, (11, 0, 0))]);
        assert_eq!(tags("macos-arm64", &arm).unwrap(), "macosx_11_0_arm64");
        let x86 = macho(vec![slice(Arch::X86_64, (10, 13, 0))]);
        assert_eq!(tags("macos-x86_64", &x86).unwrap(), "macosx_10_13_x86_64");
        let fat = macho(vec![
            slice(Arch::X86_64, (10, 13, 0)),
            slice(Arch::Aarch64, (11, 0, 0)),
        ]);
        assert_eq!(
            tags("macos-universal2", &fat).unwrap(),
            "macosx_10_13_universal2.macosx_10_13_x86_64.macosx_11_0_arm64"
        );
        // A fat binary goes into a thin wheel by its matching slice.
        assert_eq!(tags("macos-arm64", &fat).unwrap(), "macosx_11_0_arm64");
        // An arm64 slice that needs more than 11.0 raises the universal2 version.
        let go = macho(vec![
            slice(Arch::X86_64, (10, 15, 0)),
            slice(Arch::Aarch64, (13, 0, 0)),
        ]);
        assert_eq!(
            tags("macos-universal2", &go).unwrap(),
            "macosx_10_15_x86_64.macosx_13_0_arm64.macosx_13_0_universal2"
        );
        // Point releases round up to a tag that is true.
        let point = macho(vec![slice(Arch::Aarch64, (11, 3, 0))]);
        assert_eq!(tags("macos-arm64", &point).unwrap(), "macosx_12_0_arm64");
        let point = macho(vec![slice(Arch::X86_64, (10, 13, 4))]);
        assert_eq!(tags("macos-x86_64", &point).unwrap(), "macosx_10_14_x86_64");
        // Below what pip would ever generate: the floor lifts it.
        let old = macho(vec![slice(Arch::Aarch64, (10, 9, 0))]);
        assert_eq!(tags("macos-arm64", &old).unwrap(), "macosx_11_0_arm64");
    }

    #[test]
    fn pinned_macos_below_minos() {
        let arm = macho(vec![slice(Arch::Aarch64, (11, 0, 0))]);
        let p = TagPolicy::default();
        assert_eq!(
            tags_with("macos-arm64", &arm, Some("macosx_10_9_arm64"), &p).unwrap_err(),
            "macosx_10_9_arm64 is never installed: arm64 Macs run macOS 11 or later and pip \
             generates arm64 tags only from macosx_11_0"
        );
        let go = macho(vec![slice(Arch::Aarch64, (13, 0, 0))]);
        assert_eq!(
            tags_with("macos-arm64", &go, Some("macosx_11_0_arm64"), &p).unwrap_err(),
            "macosx_11_0_arm64 is not true for hello: hello needs macOS 13.0 (LC_BUILD_VERSION \
             minos 13.0), but the tag promises macOS 11.0"
        );
        let x86 = macho(vec![slice(Arch::X86_64, (10, 13, 0))]);
        assert_eq!(
            tags_with("macos-x86_64", &x86, Some("macosx_10_9_x86_64"), &p).unwrap_err(),
            "macosx_10_9_x86_64 is not true for hello: hello needs macOS 10.13 (LC_BUILD_VERSION \
             minos 10.13), but the tag promises macOS 10.9"
        );
        let fat = macho(vec![
            slice(Arch::X86_64, (10, 13, 0)),
            slice(Arch::Aarch64, (12, 0, 0)),
        ]);
        assert_eq!(
            tags_with(
                "macos-universal2",
                &fat,
                Some("macosx_10_13_universal2"),
                &p
            )
            .unwrap_err(),
            "macosx_10_13_universal2 is not true for hello: the arm64 slice of hello needs macOS \
             12.0 (LC_BUILD_VERSION minos 12.0), but the tag promises macOS 11.0"
        );
        assert_eq!(
            tags_with("macos-universal2", &fat, Some("macosx_12_0_universal2"), &p).unwrap(),
            "macosx_12_0_universal2"
        );
    }

    #[test]
    fn macos_version_rounding() {
        assert_eq!(macos_tag_version(Version::new(10, 13, 0)), (10, 13));
        assert_eq!(macos_tag_version(Version::new(10, 13, 4)), (10, 14));
        assert_eq!(macos_tag_version(Version::new(11, 0, 0)), (11, 0));
        assert_eq!(macos_tag_version(Version::new(11, 0, 1)), (12, 0));
        assert_eq!(macos_tag_version(Version::new(14, 2, 0)), (15, 0));
    }
}
