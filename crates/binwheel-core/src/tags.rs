//! Platform tags: facts -> tags, and tags vs facts -> problems.
//!
//! Owns the rules that make a platform tag true for a binary: PEP 600
//! (manylinux_x_y and the legacy aliases of PEPs 513, 571 and 599), PEP 656
//! (musllinux), the platform compatibility tags spec for macOS and Windows,
//! what installers generate (`packaging.tags`, used by pip) and what PyPI
//! accepts (warehouse's `_valid_platform_tag`). It reads [`Facts`] and a
//! [`TagPolicy`]; it never reads configuration files or binaries itself.
//!
//! Derivation and checking share one rule set: [`wheel_tags`] derives the
//! floors from the facts and then runs [`check_tags`] on its own answer, so a
//! derived tag can never be one that `binwheel check` would call false.
//! `docs/tags.md` explains every rule and default floor.

use crate::error::Error;
use crate::inspect::{ApplePlatform, Facts, Format, Kind, Libc, Linkage, Version};
use crate::target::{Arch, Os, Target};

/// How a project bends the derived tags (per target, from the planner).
#[derive(Debug, Clone, Default)]
pub struct TagPolicy {
    /// glibc floor for manylinux, e.g. (2, 28). Raises the floor of static
    /// binaries; for dynamic ones it may not be lower than they need.
    pub manylinux: Option<(u32, u32)>,
    /// musl floor for musllinux, e.g. (1, 2).
    pub musllinux: Option<(u32, u32)>,
    /// Libraries allowed beyond the manylinux/musllinux policy or the macOS
    /// system, because the wheel ships them beside the binary: DT_NEEDED
    /// names (`libfoo.so.1`) or Mach-O install names (full path or file name).
    pub allow_libraries: Vec<String>,
}

/// The platform tags (e.g. ["manylinux2014_x86_64", "manylinux_2_17_x86_64",
/// "musllinux_1_1_x86_64"]), sorted, that are true for every binary of the
/// wheel. `binaries` are (display name, facts).
///
/// `pinned` is the user's compressed platform tag set (e.g.
/// "manylinux_2_17_aarch64"); it is checked against the facts instead of
/// deriving: wrong OS or arch, or a glibc/macOS floor lower than a binary
/// needs, is an error naming the binary, the tag and the contradicting fact.
/// The `target` must agree with every binary.
pub fn wheel_tags(
    target: Target,
    binaries: &[(&str, &Facts)],
    pinned: Option<&str>,
    policy: &TagPolicy,
) -> Result<Vec<String>, Error> {
    if !target.is_valid() {
        return Err(Error::new(format!(
            "{target} is not a platform binwheel can tag"
        )));
    }
    let mut problems: Vec<String> = binaries
        .iter()
        .filter_map(|(name, facts)| target_problem(target, name, facts))
        .collect();
    fail_on(&mut problems)?;

    if let Some(pinned) = pinned {
        let tags = expand(pinned);
        if tags.is_empty() {
            return Err(Error::new("the pinned platform tag is empty"));
        }
        for tag in &tags {
            if let Some(p) = pinned_target_problem(tag, target) {
                problems.push(p);
            }
        }
        problems.extend(check_tags(&tags, binaries, policy));
        fail_on(&mut problems)?;
        return Ok(tags);
    }

    if binaries.is_empty() {
        return Err(Error::new(format!(
            "the wheel for {target} has no binaries to derive platform tags from; \
             pin the platform tag for this target"
        )));
    }
    let mut tags = match target.os {
        Os::Windows => vec![windows_tag(target.arch).to_string()],
        Os::Macos => macos_tags(target.arch, binaries)?,
        Os::Linux => linux_tags(target.arch, binaries, policy)?,
    };
    tags.sort();
    tags.dedup();
    let mut problems = check_tags(&tags, binaries, policy);
    fail_on(&mut problems)?;
    Ok(tags)
}

/// The tags `binwheel inspect` shows for one binary on its own: the target
/// is the binary's own OS and architecture, the policy the default one
/// (plus `allow_libraries`).
pub fn binary_tags(name: &str, facts: &Facts, policy: &TagPolicy) -> Result<Vec<String>, Error> {
    let Some(arch) = facts.arch else {
        return Err(Error::new(format!(
            "{name} is {}: binwheel has no platform tag for {}",
            facts.describe(),
            facts.machine
        )));
    };
    wheel_tags(Target::new(facts.os, arch), &[(name, facts)], None, policy)
}

/// Every reason the platform `tags` are not all true for every binary, or
/// are tags no installer would ever pick; one line each, empty when all is
/// well. Used for pinned tags and by `binwheel check`.
pub fn check_tags(tags: &[String], binaries: &[(&str, &Facts)], policy: &TagPolicy) -> Vec<String> {
    let mut problems = Vec::new();
    for tag in tags {
        let Some(platform) = Platform::parse(tag) else {
            problems.push(format!(
                "{tag} is not a platform tag binwheel knows (manylinux_2_Y_<arch>, \
                 musllinux_1_Y_<arch>, macosx_X_Y_<arch>, win_amd64, win_arm64, win32)"
            ));
            continue;
        };
        if let Some(p) = platform.rule_problem(tag) {
            problems.push(p);
            continue;
        }
        for (name, facts) in binaries {
            platform.binary_problems(tag, name, facts, policy, &mut problems);
        }
    }
    let mut seen = std::collections::HashSet::new();
    problems.retain(|p| seen.insert(p.clone()));
    problems
}

/// Why PyPI would refuse a wheel with this platform tag (warehouse's
/// `forklift/legacy.py::_valid_platform_tag`), or `None` if it accepts it.
pub fn pypi_problem(tag: &str) -> Option<String> {
    const LEGACY: [&str; 14] = [
        "manylinux1_x86_64",
        "manylinux1_i686",
        "manylinux2010_x86_64",
        "manylinux2010_i686",
        "manylinux2014_x86_64",
        "manylinux2014_i686",
        "manylinux2014_aarch64",
        "manylinux2014_armv7l",
        "manylinux2014_ppc64",
        "manylinux2014_ppc64le",
        "manylinux2014_s390x",
        "linux_armv6l",
        "linux_armv7l",
        "any",
    ];
    const LINUX_ARCHES: [&str; 7] = [
        "x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64",
    ];
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
    if LEGACY.contains(&tag) || matches!(tag, "win32" | "win_amd64" | "win_arm64" | "win_ia64") {
        return None;
    }
    let ok = if let Some(rest) = tag.strip_prefix("manylinux_") {
        split_version(rest).is_some_and(|(_, _, a)| LINUX_ARCHES.contains(&a) || a == "ppc64")
    } else if let Some(rest) = tag.strip_prefix("musllinux_") {
        split_version(rest).is_some_and(|(_, _, a)| LINUX_ARCHES.contains(&a))
    } else if let Some(rest) = tag.strip_prefix("macosx_") {
        split_version(rest).is_some_and(|(major, minor, a)| {
            MAC_ARCHES.contains(&a)
                && (major == 10 || ((11..=15).contains(&major) || major >= 26) && minor == 0)
        })
    } else {
        false
    };
    (!ok).then(|| format!("PyPI does not accept the platform tag {tag}"))
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

/// The lowest glibc minor pip installs manylinux wheels for on `arch`:
/// `packaging.tags` (`_manylinux.platform_tags`) stops at 2.5 on x86_64 and
/// i686 and at 2.17 everywhere else.
pub fn pip_min_glibc(arch: Arch) -> u32 {
    match arch {
        Arch::X86_64 | Arch::X86 => 5,
        _ => 17,
    }
}

/// The glibc floor binwheel uses when the binaries need nothing higher:
/// manylinux2014 (glibc 2.17, PEP 599) where it exists, and 2.31 on riscv64,
/// auditwheel's first riscv64 policy (glibc's riscv64 port began at 2.27).
pub fn default_glibc(arch: Arch) -> u32 {
    match arch {
        Arch::Riscv64 => 31,
        _ => 17,
    }
}

/// The musl floor for a wheel whose Linux binaries are all static (1.1, the
/// oldest musllinux policy) or include a dynamic musl one (1.2: today's musl
/// toolchains link against 1.2, and musl has no symbol versions to prove less).
pub fn default_musl(any_dynamic: bool) -> u32 {
    if any_dynamic {
        2
    } else {
        1
    }
}

// ---------------------------------------------------------------------------
// The policy tables

/// Libraries a manylinux system provides (auditwheel's `lib_whitelist`), with
/// the lowest glibc minor whose policy lists them.
const MANYLINUX_LIBRARIES: [(&str, u32); 24] = [
    ("libc.so.6", 0),
    ("libm.so.6", 0),
    ("libdl.so.2", 0),
    ("librt.so.1", 0),
    ("libpthread.so.0", 0),
    ("libanl.so.1", 0),
    ("libutil.so.1", 0),
    ("libnsl.so.1", 0),
    ("libresolv.so.2", 0),
    ("libgcc_s.so.1", 0),
    ("libstdc++.so.6", 0),
    ("libatomic.so.1", 0),
    ("libz.so.1", 0),
    ("libX11.so.6", 0),
    ("libXext.so.6", 0),
    ("libXrender.so.1", 0),
    ("libICE.so.6", 0),
    ("libSM.so.6", 0),
    ("libGL.so.1", 0),
    ("libgobject-2.0.so.0", 0),
    ("libgthread-2.0.so.0", 0),
    ("libglib-2.0.so.0", 0),
    ("libexpat.so.1", 12),
    ("libmvec.so.1", 24),
];

/// Libraries a musllinux system provides (auditwheel's musllinux policy).
const MUSLLINUX_LIBRARIES: [&str; 2] = ["libc.so", "libz.so.1"];

/// For the symbol version families of libstdc++ and libgcc_s: the highest
/// version each manylinux policy allows (auditwheel's `symbol_versions`,
/// taking for each policy the lowest value across the architectures binwheel
/// targets, so the floor is right on all of them). Rows: glibc minor,
/// GLIBCXX, CXXABI, GCC.
const LIBSTDCXX_FLOORS: [(u32, Version, Version, Version); 11] = [
    (5, v(3, 4, 8), v(1, 3, 1), v(4, 2, 0)),
    (12, v(3, 4, 13), v(1, 3, 3), v(4, 3, 0)),
    (17, v(3, 4, 19), v(1, 3, 7), v(4, 7, 0)),
    (24, v(3, 4, 22), v(1, 3, 10), v(4, 7, 0)),
    (26, v(3, 4, 22), v(1, 3, 10), v(4, 8, 0)),
    (27, v(3, 4, 24), v(1, 3, 11), v(7, 0, 0)),
    (31, v(3, 4, 28), v(1, 3, 12), v(7, 0, 0)),
    (34, v(3, 4, 29), v(1, 3, 13), v(7, 0, 0)),
    (35, v(3, 4, 30), v(1, 3, 13), v(7, 0, 0)),
    (39, v(3, 4, 33), v(1, 3, 15), v(14, 0, 0)),
    (41, v(3, 4, 33), v(1, 3, 15), v(14, 0, 0)),
];

const fn v(major: u32, minor: u32, patch: u32) -> Version {
    Version::new(major, minor, patch)
}

/// Legacy manylinux names (PEPs 513, 571, 599) and the architectures each defines.
const LEGACY_MANYLINUX: [(&str, u32, &[&str]); 3] = [
    ("manylinux1", 5, &["x86_64", "i686"]),
    ("manylinux2010", 12, &["x86_64", "i686"]),
    (
        "manylinux2014",
        17,
        &[
            "x86_64", "i686", "aarch64", "armv7l", "ppc64", "ppc64le", "s390x",
        ],
    ),
];

// ---------------------------------------------------------------------------
// Derivation

fn fail_on(problems: &mut Vec<String>) -> Result<(), Error> {
    if problems.is_empty() {
        Ok(())
    } else {
        let mut seen = std::collections::HashSet::new();
        problems.retain(|p| seen.insert(p.clone()));
        Err(Error::new(problems.join("\n")))
    }
}

fn windows_tag(arch: Arch) -> &'static str {
    match arch {
        Arch::Aarch64 => "win_arm64",
        Arch::X86 => "win32",
        _ => "win_amd64",
    }
}

fn linux_arch(arch: Arch) -> &'static str {
    Target::new(Os::Linux, arch).arch_name()
}

/// What one Linux binary needs from the system.
struct LinuxNeeds {
    /// Ok(glibc minor needed, and why) if it can run on glibc; Err(why not).
    glibc: Result<(u32, String), String>,
    /// Ok if it can run on musl; Err(why not).
    musl: Result<(), String>,
    dynamic_musl: bool,
}

fn linux_needs(facts: &Facts, policy: &TagPolicy) -> LinuxNeeds {
    let Some(elf) = &facts.elf else {
        let why = format!("is {}", facts.describe());
        return LinuxNeeds {
            glibc: Err(why.clone()),
            musl: Err(why),
            dynamic_musl: false,
        };
    };
    if elf.linkage == Linkage::Static {
        return LinuxNeeds {
            glibc: Ok((0, String::new())),
            musl: Ok(()),
            dynamic_musl: false,
        };
    }
    let loader = match &elf.interpreter {
        Some(path) => format!("loader {path}"),
        None => format!("DT_NEEDED {}", elf.needed.join(", ")),
    };
    if elf.arm_hard_float == Some(false) {
        let why = "is a soft-float (armel) ARM binary, and manylinux and musllinux \
                   armv7l systems are hard-float (armhf)"
            .to_string();
        return LinuxNeeds {
            glibc: Err(why.clone()),
            musl: Err(why),
            dynamic_musl: false,
        };
    }
    match elf.libc {
        Some(Libc::Glibc) => LinuxNeeds {
            glibc: glibc_need(elf, policy),
            musl: Err(format!("is linked against glibc ({loader})")),
            dynamic_musl: false,
        },
        Some(Libc::Musl) => LinuxNeeds {
            glibc: Err(format!("is linked against musl ({loader})")),
            musl: Ok(()),
            dynamic_musl: true,
        },
        _ => {
            let why =
                format!("is dynamically linked, and its {loader} is neither glibc's nor musl's");
            LinuxNeeds {
                glibc: Err(why.clone()),
                musl: Err(why),
                dynamic_musl: false,
            }
        }
    }
}

/// The glibc minor a glibc-linked binary needs, and the fact that says so.
fn glibc_need(elf: &crate::inspect::ElfFacts, policy: &TagPolicy) -> Result<(u32, String), String> {
    let mut need = (0u32, String::new());
    let mut raise = |minor: u32, why: String| {
        if minor > need.0 {
            need = (minor, why);
        }
    };
    for (file, version) in &elf.versions {
        if let Some(number) = version.strip_prefix("GLIBC_") {
            if number == "PRIVATE" {
                return Err(format!(
                    "uses GLIBC_PRIVATE symbols from {file}, which differ between glibc builds"
                ));
            }
            if let Some(ver) = Version::parse(number) {
                if ver.major != 2 {
                    return Err(format!(
                        "needs {version} from {file}, a glibc that does not exist"
                    ));
                }
                let minor = if ver.patch > 0 {
                    ver.minor + 1
                } else {
                    ver.minor
                };
                raise(minor, format!("symbol version {version} from {file}"));
            }
            continue;
        }
        let family = match file.as_str() {
            "libstdc++.so.6" => ["GLIBCXX_", "CXXABI_"]
                .into_iter()
                .enumerate()
                .find(|(_, p)| version.starts_with(p)),
            "libgcc_s.so.1" => Some((2usize, "GCC_")).filter(|(_, p)| version.starts_with(p)),
            _ => None,
        };
        let Some((column, prefix)) = family else {
            continue;
        };
        if allowed(policy, file) {
            continue; // shipped with the wheel: its own versions
        }
        let Some(ver) = Version::parse(&version[prefix.len()..]) else {
            continue; // GLIBCXX_LDBL_3.4 and friends: arch-specific aliases
        };
        let floor = LIBSTDCXX_FLOORS.iter().find(|row| {
            let max = match column {
                0 => row.1,
                1 => row.2,
                _ => row.3,
            };
            ver <= max
        });
        match floor {
            Some(row) => raise(
                row.0,
                format!(
                    "symbol version {version} from {file}, first allowed by manylinux_2_{}",
                    row.0
                ),
            ),
            None => {
                return Err(format!(
                    "needs {version} from {file}, newer than any manylinux policy binwheel knows \
                     (up to manylinux_2_{})",
                    LIBSTDCXX_FLOORS[LIBSTDCXX_FLOORS.len() - 1].0
                ))
            }
        }
    }
    for lib in &elf.needed {
        if let Some((_, min)) = MANYLINUX_LIBRARIES.iter().find(|(n, _)| n == lib) {
            if *min > 0 && !allowed(policy, lib) {
                raise(*min, format!("{lib}, first allowed by manylinux_2_{min}"));
            }
        }
    }
    Ok(need)
}

fn linux_tags(
    arch: Arch,
    binaries: &[(&str, &Facts)],
    policy: &TagPolicy,
) -> Result<Vec<String>, Error> {
    let arch_name = linux_arch(arch);
    let needs: Vec<(&str, LinuxNeeds)> = binaries
        .iter()
        .map(|(name, facts)| (*name, linux_needs(facts, policy)))
        .collect();
    let no_glibc = needs
        .iter()
        .find_map(|(n, x)| x.glibc.as_ref().err().map(|e| (n, e)));
    let no_musl = needs
        .iter()
        .find_map(|(n, x)| x.musl.as_ref().err().map(|e| (n, e)));
    let mut tags = Vec::new();

    match (no_glibc, policy.manylinux) {
        (None, configured) => {
            let (need, why, who) = needs
                .iter()
                .filter_map(|(n, x)| x.glibc.as_ref().ok().map(|(m, w)| (*m, w.clone(), *n)))
                .max_by_key(|(m, _, _)| *m)
                .unwrap_or((0, String::new(), ""));
            let floor = match configured {
                Some((2, minor)) => {
                    if minor < pip_min_glibc(arch) {
                        return Err(Error::new(format!(
                            "manylinux = \"2_{minor}\" is below the oldest manylinux pip installs \
                             on {arch_name} (2_{}), so the wheel would never be installed",
                            pip_min_glibc(arch)
                        )));
                    }
                    if minor < need {
                        return Err(Error::new(format!(
                            "manylinux = \"2_{minor}\" is lower than {who} needs: glibc 2.{need} ({why})"
                        )));
                    }
                    minor
                }
                Some((major, minor)) => {
                    return Err(Error::new(format!(
                        "manylinux = \"{major}_{minor}\": there is no glibc {major}.x; \
                         manylinux floors look like \"2_28\""
                    )))
                }
                None => need.max(default_glibc(arch)),
            };
            tags.push(format!("manylinux_2_{floor}_{arch_name}"));
            if let Some((legacy, _, _)) = LEGACY_MANYLINUX
                .iter()
                .find(|(_, minor, arches)| *minor == floor && arches.contains(&arch_name))
            {
                tags.push(format!("{legacy}_{arch_name}"));
            }
        }
        (Some((name, why)), Some((major, minor))) => {
            return Err(Error::new(format!(
                "manylinux = \"{major}_{minor}\" is set, but {name} {why}, so no manylinux tag is true for it"
            )));
        }
        (Some(_), None) => {}
    }

    match (no_musl, policy.musllinux) {
        (None, configured) => {
            let any_dynamic = needs.iter().any(|(_, x)| x.dynamic_musl);
            let minor = match configured {
                Some((1, minor)) => minor,
                Some((major, minor)) => {
                    return Err(Error::new(format!(
                        "musllinux = \"{major}_{minor}\": there is no musl {major}.x; \
                         musllinux floors look like \"1_2\""
                    )))
                }
                None => default_musl(any_dynamic),
            };
            tags.push(format!("musllinux_1_{minor}_{arch_name}"));
        }
        (Some((name, why)), Some((major, minor))) => {
            return Err(Error::new(format!(
                "musllinux = \"{major}_{minor}\" is set, but {name} {why}, so no musllinux tag is true for it"
            )));
        }
        (Some(_), None) => {}
    }

    if tags.is_empty() {
        let message = match (no_glibc, no_musl) {
            (Some(g), Some(m)) if g == m => {
                format!("no Linux platform tag is true for {}: it {}", g.0, g.1)
            }
            (Some(g), Some(m)) => format!(
                "no Linux platform tag is true for every binary: {} {}, and {} {}",
                g.0, g.1, m.0, m.1
            ),
            _ => "no Linux platform tag is true for every binary".to_string(),
        };
        return Err(Error::new(message));
    }
    Ok(tags)
}

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

fn macos_tags(arch: Arch, binaries: &[(&str, &Facts)]) -> Result<Vec<String>, Error> {
    let floor = |slice_arch: Arch| -> Result<(u32, u32), Error> {
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
    };
    let tag = |(major, minor): (u32, u32), arch: &str| format!("macosx_{major}_{minor}_{arch}");
    Ok(match arch {
        Arch::X86_64 => vec![tag(floor(Arch::X86_64)?, "x86_64")],
        Arch::Aarch64 => vec![tag(floor(Arch::Aarch64)?, "arm64")],
        _ => {
            let (x86, arm) = (floor(Arch::X86_64)?, floor(Arch::Aarch64)?);
            // On arm64 Macs pip accepts universal2 tags from macosx_10_4 up
            // (packaging.tags.mac_platforms), and every arm64 Mac runs 11.0 or
            // later; so the arm64 slice only raises the universal2 version when
            // it needs more than 11.0.
            let universal = if arm > (11, 0) { x86.max(arm) } else { x86 };
            vec![
                tag(universal, "universal2"),
                tag(x86, "x86_64"),
                tag(arm, "arm64"),
            ]
        }
    })
}

fn mac_arch(arch: Arch) -> &'static str {
    Target::new(Os::Macos, arch).arch_name()
}

/// Why `facts` cannot go into a wheel for `target`, if it cannot.
fn target_problem(target: Target, name: &str, facts: &Facts) -> Option<String> {
    if let Kind::Other(what) = facts.kind {
        return Some(format!(
            "{name} is a {what} ({}), not an executable or shared library",
            facts.describe()
        ));
    }
    let mismatch = || {
        Some(format!(
            "{name} is {} but the target is {target}",
            facts.describe()
        ))
    };
    if facts.os != target.os {
        return mismatch();
    }
    match target.os {
        Os::Macos => {
            let has = |a: Arch| {
                facts
                    .macho
                    .as_ref()
                    .is_some_and(|m| m.slices.iter().any(|s| s.arch == Some(a)))
            };
            let ok = match target.arch {
                Arch::Universal2 => has(Arch::X86_64) && has(Arch::Aarch64),
                a => has(a),
            };
            if !ok {
                return Some(format!(
                    "{name} is {} but the target is {target}{}",
                    facts.describe(),
                    if target.arch == Arch::Universal2 {
                        " (a universal2 wheel needs x86_64 and arm64 slices)"
                    } else {
                        ""
                    }
                ));
            }
            None
        }
        _ if facts.arch != Some(target.arch) => mismatch(),
        _ => None,
    }
}

fn pinned_target_problem(tag: &str, target: Target) -> Option<String> {
    let platform = Platform::parse(tag)?; // unknown tags are reported by check_tags
    let fits = match (&platform, target.os) {
        (Platform::Any, _) => false,
        (Platform::Windows { arch, .. }, Os::Windows) => *arch == Some(target.arch),
        (
            Platform::Manylinux { arch, .. }
            | Platform::Musllinux { arch, .. }
            | Platform::Linux { arch },
            Os::Linux,
        ) => *arch == linux_arch(target.arch),
        (Platform::Macos { arch, .. }, Os::Macos) => match target.arch {
            Arch::Universal2 => matches!(*arch, "x86_64" | "arm64" | "universal2"),
            a => *arch == mac_arch(a),
        },
        _ => false,
    };
    (!fits).then(|| format!("the pinned tag {tag} is not a tag for the target {target}"))
}

// ---------------------------------------------------------------------------
// Checking

/// A parsed platform tag.
enum Platform<'t> {
    Manylinux {
        glibc: (u32, u32),
        arch: &'t str,
        legacy: Option<&'static str>,
    },
    Musllinux {
        musl: (u32, u32),
        arch: &'t str,
    },
    Linux {
        arch: &'t str,
    },
    Macos {
        version: (u32, u32),
        arch: &'t str,
    },
    Windows {
        arch: Option<Arch>,
    },
    Any,
}

/// `X_Y_rest` -> (X, Y, rest).
fn split_version(s: &str) -> Option<(u32, u32, &str)> {
    let (major, rest) = s.split_once('_')?;
    let (minor, arch) = rest.split_once('_')?;
    let digits = |t: &str| !t.is_empty() && t.len() <= 6 && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(major) || !digits(minor) || arch.is_empty() {
        return None;
    }
    Some((major.parse().ok()?, minor.parse().ok()?, arch))
}

fn linux_tag_arch(name: &str) -> Option<Arch> {
    Arch::ALL
        .into_iter()
        .find(|a| *a != Arch::Universal2 && linux_arch(*a) == name)
}

impl<'t> Platform<'t> {
    fn parse(tag: &'t str) -> Option<Platform<'t>> {
        if tag == "any" {
            return Some(Platform::Any);
        }
        let windows = |arch| Some(Platform::Windows { arch });
        match tag {
            "win32" => return windows(Some(Arch::X86)),
            "win_amd64" => return windows(Some(Arch::X86_64)),
            "win_arm64" => return windows(Some(Arch::Aarch64)),
            "win_ia64" => return windows(None),
            _ => {}
        }
        for (legacy, minor, _) in LEGACY_MANYLINUX {
            if let Some(arch) = tag.strip_prefix(legacy).and_then(|r| r.strip_prefix('_')) {
                return Some(Platform::Manylinux {
                    glibc: (2, minor),
                    arch,
                    legacy: Some(legacy),
                });
            }
        }
        if let Some(rest) = tag.strip_prefix("manylinux_") {
            let (major, minor, arch) = split_version(rest)?;
            return Some(Platform::Manylinux {
                glibc: (major, minor),
                arch,
                legacy: None,
            });
        }
        if let Some(rest) = tag.strip_prefix("musllinux_") {
            let (major, minor, arch) = split_version(rest)?;
            return Some(Platform::Musllinux {
                musl: (major, minor),
                arch,
            });
        }
        if let Some(rest) = tag.strip_prefix("macosx_") {
            let (major, minor, arch) = split_version(rest)?;
            return Some(Platform::Macos {
                version: (major, minor),
                arch,
            });
        }
        if let Some(arch) = tag.strip_prefix("linux_") {
            return Some(Platform::Linux { arch });
        }
        None
    }

    /// Problems with the tag itself: never installed, or naming a platform
    /// that does not exist.
    fn rule_problem(&self, tag: &str) -> Option<String> {
        match *self {
            Platform::Any => None,
            Platform::Windows { arch: None } => {
                Some(format!("{tag}: binwheel has no Windows Itanium target"))
            }
            Platform::Windows { .. } => None,
            Platform::Linux { arch } | Platform::Musllinux { arch, .. }
                if linux_tag_arch(arch).is_none() =>
            {
                Some(format!("{tag}: binwheel has no Linux {arch} target"))
            }
            Platform::Linux { .. } => None,
            Platform::Manylinux {
                glibc,
                arch,
                legacy,
            } => {
                let Some(a) = linux_tag_arch(arch) else {
                    return Some(format!("{tag}: binwheel has no Linux {arch} target"));
                };
                if let Some(legacy) = legacy {
                    let (_, _, arches) = LEGACY_MANYLINUX.iter().find(|(n, _, _)| *n == legacy)?;
                    if !arches.contains(&arch) {
                        return Some(format!(
                            "{tag} does not exist: {legacy} is defined only for {}",
                            arches.join(", ")
                        ));
                    }
                }
                if glibc.0 != 2 {
                    return Some(format!("{tag}: there is no glibc {}.x", glibc.0));
                }
                if glibc.1 < pip_min_glibc(a) {
                    return Some(format!(
                        "{tag} is never installed: pip's oldest manylinux tag for {arch} is \
                         manylinux_2_{}_{arch} (packaging.tags)",
                        pip_min_glibc(a)
                    ));
                }
                None
            }
            Platform::Musllinux { musl, .. } => {
                (musl.0 != 1).then(|| format!("{tag}: there is no musl {}.x", musl.0))
            }
            Platform::Macos { version, arch } => {
                let (major, minor) = version;
                if !matches!(arch, "x86_64" | "arm64" | "universal2") {
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
                if arch == "arm64" && major < 11 {
                    return Some(format!(
                        "{tag} is never installed: arm64 Macs run macOS 11 or later and pip \
                         generates arm64 tags only from macosx_11_0"
                    ));
                }
                if major == 10 && minor < 4 {
                    return Some(format!(
                        "{tag} is never installed: pip generates {arch} tags only from macosx_10_4"
                    ));
                }
                None
            }
        }
    }

    fn binary_problems(
        &self,
        tag: &str,
        name: &str,
        facts: &Facts,
        policy: &TagPolicy,
        out: &mut Vec<String>,
    ) {
        if let Kind::Other(what) = facts.kind {
            out.push(format!(
                "{name} is a {what} ({}), not an executable or shared library",
                facts.describe()
            ));
            return;
        }
        let wrong_platform = |platform: &str| {
            format!(
                "{tag} is not true for {name}: the tag is for {platform}, but {name} is {}",
                facts.describe()
            )
        };
        match *self {
            Platform::Any => out.push(format!(
                "{tag} is not true for {name}: it is {}, which runs on one platform only",
                facts.describe()
            )),
            Platform::Windows { arch } => {
                let want = arch.map_or("ia64", |a| Target::new(Os::Windows, a).arch_name());
                if facts.format != Format::Pe || facts.arch != arch {
                    out.push(wrong_platform(&format!("Windows {want}")));
                    return;
                }
                if let Some(pe) = &facts.pe {
                    if facts.kind == Kind::Executable && !matches!(pe.subsystem, 2 | 3) {
                        out.push(format!(
                            "{name} is a PE for the {} subsystem, not a Windows console or GUI program",
                            pe.subsystem_name
                        ));
                    }
                    dll_problems(name, &pe.imports, policy, out);
                }
            }
            Platform::Linux { arch }
            | Platform::Manylinux { arch, .. }
            | Platform::Musllinux { arch, .. } => {
                if facts.format != Format::Elf
                    || facts.os != Os::Linux
                    || linux_tag_arch(arch) != facts.arch
                {
                    out.push(wrong_platform(&format!("Linux {arch}")));
                    return;
                }
                let needs = linux_needs(facts, policy);
                match *self {
                    Platform::Manylinux { glibc, .. } => match needs.glibc {
                        Err(why) => out.push(format!(
                            "{tag} is not true for {name}: the tag is for glibc systems, but {name} {why}"
                        )),
                        Ok((need, why)) => {
                            if need > glibc.1 {
                                out.push(format!(
                                    "{tag} is not true for {name}: it needs glibc 2.{need} ({why}), \
                                     but the tag promises only glibc {}.{}",
                                    glibc.0, glibc.1
                                ));
                            }
                            library_problems(name, facts, policy, false, out);
                        }
                    },
                    Platform::Musllinux { .. } => match needs.musl {
                        Err(why) => out.push(format!(
                            "{tag} is not true for {name}: the tag is for musl systems, but {name} {why}"
                        )),
                        Ok(()) => library_problems(name, facts, policy, true, out),
                    },
                    _ => {}
                }
            }
            Platform::Macos { version, arch } => {
                let Some(macho) = facts
                    .macho
                    .as_ref()
                    .filter(|_| facts.format == Format::MachO)
                else {
                    out.push(wrong_platform(&format!("macOS {arch}")));
                    return;
                };
                let wanted: &[Arch] = match arch {
                    "x86_64" => &[Arch::X86_64],
                    "arm64" => &[Arch::Aarch64],
                    _ => &[Arch::X86_64, Arch::Aarch64],
                };
                for want in wanted {
                    let Some(slice) = macho.slices.iter().find(|s| s.arch == Some(*want)) else {
                        out.push(format!(
                            "{tag} is not true for {name}: it has no {} slice ({})",
                            mac_arch(*want),
                            facts.describe()
                        ));
                        continue;
                    };
                    let slice_name = if macho.fat {
                        format!("the {} slice of {name}", mac_arch(*want))
                    } else {
                        name.to_string()
                    };
                    match slice.platform {
                        Some(ApplePlatform::MacOs) => {}
                        Some(other) => {
                            out.push(format!(
                                "{tag} is not true for {name}: {slice_name} is built for {}, not macOS",
                                other.name()
                            ));
                            continue;
                        }
                        None => {}
                    }
                    let Some(minos) = slice.minos else {
                        out.push(format!(
                            "{slice_name} records no minimum macOS (no LC_BUILD_VERSION or \
                             LC_VERSION_MIN_MACOSX), so no macOS tag can be checked"
                        ));
                        continue;
                    };
                    let need = macos_tag_version(minos);
                    // A universal2 tag below 11.0 reaches arm64 Macs only at 11.0 or later.
                    let promised = if *want == Arch::Aarch64 {
                        version.max((11, 0))
                    } else {
                        version
                    };
                    if need > promised {
                        out.push(format!(
                            "{tag} is not true for {name}: {slice_name} needs macOS {} ({} minos {}), \
                             but the tag promises macOS {}.{}",
                            Version::new(need.0, need.1, 0).short(),
                            slice.minos_source.unwrap_or("load command"),
                            minos.short(),
                            promised.0,
                            promised.1
                        ));
                    }
                    for dylib in &slice.dylibs {
                        let system =
                            dylib.starts_with("/usr/lib/") || dylib.starts_with("/System/Library/");
                        let base = dylib.rsplit('/').next().unwrap_or(dylib);
                        if !system && !allowed(policy, dylib) && !allowed(policy, base) {
                            out.push(format!(
                                "{name} loads {dylib}, which macOS does not provide; link it \
                                 statically, or ship it in the wheel and allow it (allow-libraries)"
                            ));
                        }
                    }
                }
            }
        }
    }
}

fn allowed(policy: &TagPolicy, library: &str) -> bool {
    policy.allow_libraries.iter().any(|a| a == library)
}

/// Imported DLLs that Windows itself does not provide. Windows has no
/// manylinux-style policy, and most DLLs a program imports are part of the
/// system (KERNEL32, the UCRT's api-ms-win-crt-*), so only compiler runtimes
/// known to ship separately are judged: a wheel whose binary needs one of
/// them fails on a clean machine with "VCRUNTIME140.dll was not found".
fn dll_problems(name: &str, imports: &[String], policy: &TagPolicy, out: &mut Vec<String>) {
    for dll in imports {
        // Windows file names are case-insensitive, and so is the allow list here.
        let allowed = |a: &String| a.eq_ignore_ascii_case(dll);
        if policy.allow_libraries.iter().any(allowed) {
            continue;
        }
        let Some((source, fix)) = windows_runtime(&dll.to_ascii_lowercase()) else {
            continue;
        };
        out.push(format!(
            "{name} needs {dll}, which Windows does not provide ({source}); {fix}, or ship \
             {dll} in the wheel and allow it (allow-libraries)"
        ));
    }
}

/// Where a non-system runtime DLL comes from, and how to do without it.
fn windows_runtime(dll: &str) -> Option<(&'static str, &'static str)> {
    let stem = dll.strip_suffix(".dll")?;
    let numbered = |prefix: &str| {
        stem.strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    };
    const MSVC_FIX: &str = "link the C runtime statically (Rust: \
        `-C target-feature=+crt-static`; MSVC: `/MT`)";
    if stem == "ucrtbased" || (numbered("vcruntime") || numbered("msvcp")) && stem.ends_with('d') {
        return Some((
            "it is the debug C runtime, which only Visual Studio installs",
            "build in release mode",
        ));
    }
    // msvcr and msvcp with a number are the per-version runtimes (msvcrt.dll
    // and msvcp60.dll without one, or older, ship with Windows).
    let versioned = |prefix: &str| {
        stem.strip_prefix(prefix)
            .and_then(|rest| rest.split('_').next())
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|n| n >= 70)
    };
    if numbered("vcruntime")
        || versioned("msvcp")
        || versioned("msvcr")
        || numbered("vcomp")
        || numbered("concrt")
        || numbered("vccorlib")
    {
        return Some(("it comes with the Visual C++ Redistributable", MSVC_FIX));
    }
    const MINGW: [&str; 7] = [
        "libgcc_s_",
        "libstdc++-",
        "libwinpthread-",
        "libgomp-",
        "libssp-",
        "libquadmath-",
        "libgfortran-",
    ];
    if MINGW.iter().any(|p| stem.starts_with(p)) {
        return Some((
            "it is part of the MinGW toolchain",
            "link it statically (`-static`, or `-static-libgcc -static-libstdc++`)",
        ));
    }
    None
}

/// DT_NEEDED libraries a manylinux (or musllinux) system need not have.
fn library_problems(
    name: &str,
    facts: &Facts,
    policy: &TagPolicy,
    musl: bool,
    out: &mut Vec<String>,
) {
    let Some(elf) = &facts.elf else { return };
    let interp_base = elf
        .interpreter
        .as_deref()
        .map(|i| i.rsplit('/').next().unwrap_or(i));
    let mut missing = Vec::new();
    for lib in &elf.needed {
        let loader = Some(lib.as_str()) == interp_base
            || lib.starts_with("ld-linux")
            || lib.starts_with("ld64.so.")
            || lib.starts_with("ld-musl-");
        let listed = if musl {
            MUSLLINUX_LIBRARIES.contains(&lib.as_str()) || lib.starts_with("libc.musl-")
        } else {
            MANYLINUX_LIBRARIES.iter().any(|(n, _)| n == lib)
        };
        if !loader && !listed && !allowed(policy, lib) {
            missing.push(lib.as_str());
        }
    }
    if !missing.is_empty() {
        let family = if musl { "musllinux" } else { "manylinux" };
        let (these, are) = if missing.len() == 1 {
            ("it", "is")
        } else {
            ("them", "are")
        };
        out.push(format!(
            "{name} needs {}, which {are} not part of the {family} policy (a {family} system \
             need not have {these}); link {these} statically, or ship {these} in the wheel and \
             allow {these} (allow-libraries)",
            missing.join(", ")
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::{ElfFacts, Endian, MachoFacts, MachoSlice, PeFacts};

    fn elf(arch: Arch, interp: Option<&str>, needed: &[&str], versions: &[&str]) -> Facts {
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
                interpreter: interp.map(str::to_string),
                needed: needed.iter().map(|s| s.to_string()).collect(),
                runpath: None,
                versions,
                glibc,
                arm_hard_float: None,
            }),
            macho: None,
            pe: None,
        }
    }

    fn slice(arch: Arch, minos: (u32, u32, u32)) -> MachoSlice {
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
        }
    }

    fn macho(slices: Vec<MachoSlice>) -> Facts {
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

    fn pe(arch: Arch) -> Facts {
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

    fn t(s: &str) -> Target {
        Target::parse(s).unwrap()
    }

    fn tags(target: &str, facts: &Facts) -> Result<String, String> {
        tags_with(target, facts, None, &TagPolicy::default())
    }

    fn tags_with(
        target: &str,
        facts: &Facts,
        pinned: Option<&str>,
        policy: &TagPolicy,
    ) -> Result<String, String> {
        wheel_tags(t(target), &[("hello", facts)], pinned, policy)
            .map(|t| t.join("."))
            .map_err(|e| e.message().to_string())
    }

    const GLIBC_X86: &str = "/lib64/ld-linux-x86-64.so.2";
    const MUSL_X86: &str = "/lib/ld-musl-x86_64.so.1";

    #[test]
    fn static_linux_covers_glibc_and_musl() {
        let f = elf(Arch::X86_64, None, &[], &[]);
        assert_eq!(
            tags("linux-x86_64", &f).unwrap(),
            "manylinux2014_x86_64.manylinux_2_17_x86_64.musllinux_1_1_x86_64"
        );
        let f = elf(Arch::Aarch64, None, &[], &[]);
        assert_eq!(
            tags("linux-aarch64", &f).unwrap(),
            "manylinux2014_aarch64.manylinux_2_17_aarch64.musllinux_1_1_aarch64"
        );
        let f = elf(Arch::Riscv64, None, &[], &[]);
        assert_eq!(
            tags("linux-riscv64", &f).unwrap(),
            "manylinux_2_31_riscv64.musllinux_1_1_riscv64"
        );
        let f = elf(Arch::X86, None, &[], &[]);
        assert_eq!(
            tags("linux-i686", &f).unwrap(),
            "manylinux2014_i686.manylinux_2_17_i686.musllinux_1_1_i686"
        );
    }

    #[test]
    fn dynamic_glibc_floor_is_the_highest_symbol_version() {
        let old = elf(
            Arch::X86_64,
            Some(GLIBC_X86),
            &["libc.so.6"],
            &["GLIBC_2.2.5"],
        );
        assert_eq!(
            tags("linux-x86_64", &old).unwrap(),
            "manylinux2014_x86_64.manylinux_2_17_x86_64"
        );
        let new = elf(
            Arch::X86_64,
            Some(GLIBC_X86),
            &["libc.so.6"],
            &["GLIBC_2.2.5", "GLIBC_2.34"],
        );
        assert_eq!(tags("linux-x86_64", &new).unwrap(), "manylinux_2_34_x86_64");
    }

    #[test]
    fn libstdcxx_versions_raise_the_floor() {
        let f = elf(
            Arch::X86_64,
            Some(GLIBC_X86),
            &["libstdc++.so.6", "libc.so.6"],
            &["GLIBC_2.17", "libstdc++.so.6:GLIBCXX_3.4.30"],
        );
        assert_eq!(tags("linux-x86_64", &f).unwrap(), "manylinux_2_35_x86_64");
        let f = elf(
            Arch::X86_64,
            Some(GLIBC_X86),
            &["libstdc++.so.6"],
            &["libstdc++.so.6:GLIBCXX_3.4.99"],
        );
        let err = tags("linux-x86_64", &f).unwrap_err();
        assert!(
            err.contains("GLIBCXX_3.4.99 from libstdc++.so.6, newer than any"),
            "{err}"
        );
    }

    #[test]
    fn dynamic_musl_is_never_manylinux() {
        let f = elf(Arch::X86_64, Some(MUSL_X86), &["libc.so"], &[]);
        assert_eq!(tags("linux-x86_64", &f).unwrap(), "musllinux_1_2_x86_64");
        let policy = TagPolicy {
            musllinux: Some((1, 1)),
            ..Default::default()
        };
        assert_eq!(
            tags_with("linux-x86_64", &f, None, &policy).unwrap(),
            "musllinux_1_1_x86_64"
        );
        let err = tags_with(
            "linux-x86_64",
            &f,
            Some("manylinux_2_17_x86_64"),
            &TagPolicy::default(),
        )
        .unwrap_err();
        assert_eq!(
            err,
            "manylinux_2_17_x86_64 is not true for hello: the tag is for glibc systems, but \
             hello is linked against musl (loader /lib/ld-musl-x86_64.so.1)"
        );
        let policy = TagPolicy {
            manylinux: Some((2, 28)),
            ..Default::default()
        };
        let err = tags_with("linux-x86_64", &f, None, &policy).unwrap_err();
        assert!(
            err.starts_with("manylinux = \"2_28\" is set, but hello is linked against musl"),
            "{err}"
        );
    }

    #[test]
    fn unlisted_libraries_are_refused_unless_allowed() {
        let f = elf(
            Arch::X86_64,
            Some(GLIBC_X86),
            &["libfoo.so.1", "libc.so.6", "libbar.so.2"],
            &["GLIBC_2.2.5"],
        );
        let err = tags("linux-x86_64", &f).unwrap_err();
        assert_eq!(
            err,
            "hello needs libfoo.so.1, libbar.so.2, which are not part of the manylinux policy \
             (a manylinux system need not have them); link them statically, or ship them in \
             the wheel and allow them (allow-libraries)"
        );
        let policy = TagPolicy {
            allow_libraries: vec!["libfoo.so.1".into(), "libbar.so.2".into()],
            ..Default::default()
        };
        assert_eq!(
            tags_with("linux-x86_64", &f, None, &policy).unwrap(),
            "manylinux2014_x86_64.manylinux_2_17_x86_64"
        );
        // libcrypt.so.1 left the policy (distributions replaced it with libxcrypt).
        let f = elf(Arch::X86_64, Some(GLIBC_X86), &["libcrypt.so.1"], &[]);
        assert!(tags("linux-x86_64", &f)
            .unwrap_err()
            .contains("libcrypt.so.1"));
        // libmvec joined the policy with manylinux_2_24.
        let f = elf(Arch::X86_64, Some(GLIBC_X86), &["libmvec.so.1"], &[]);
        assert_eq!(tags("linux-x86_64", &f).unwrap(), "manylinux_2_24_x86_64");
    }

    #[test]
    fn manylinux_policy_floor() {
        let f = elf(Arch::X86_64, None, &[], &[]);
        let policy = |m| TagPolicy {
            manylinux: Some(m),
            ..Default::default()
        };
        assert_eq!(
            tags_with("linux-x86_64", &f, None, &policy((2, 28))).unwrap(),
            "manylinux_2_28_x86_64.musllinux_1_1_x86_64"
        );
        assert_eq!(
            tags_with("linux-x86_64", &f, None, &policy((2, 5))).unwrap(),
            "manylinux1_x86_64.manylinux_2_5_x86_64.musllinux_1_1_x86_64"
        );
        let a = elf(Arch::Aarch64, None, &[], &[]);
        let err = tags_with("linux-aarch64", &a, None, &policy((2, 12))).unwrap_err();
        assert!(
            err.contains("below the oldest manylinux pip installs on aarch64 (2_17)"),
            "{err}"
        );
        let new = elf(
            Arch::X86_64,
            Some(GLIBC_X86),
            &["libc.so.6"],
            &["GLIBC_2.34"],
        );
        let err = tags_with("linux-x86_64", &new, None, &policy((2, 28))).unwrap_err();
        assert_eq!(
            err,
            "manylinux = \"2_28\" is lower than hello needs: glibc 2.34 (symbol version GLIBC_2.34 from libc.so.6)"
        );
    }

    #[test]
    fn mixed_libcs_have_no_common_tag() {
        let g = elf(Arch::X86_64, Some(GLIBC_X86), &["libc.so.6"], &[]);
        let m = elf(Arch::X86_64, Some(MUSL_X86), &["libc.so"], &[]);
        let err = wheel_tags(
            t("linux-x86_64"),
            &[("a", &g), ("b", &m)],
            None,
            &TagPolicy::default(),
        )
        .unwrap_err();
        assert_eq!(
            err.message(),
            "no Linux platform tag is true for every binary: b is linked against musl (loader \
             /lib/ld-musl-x86_64.so.1), and a is linked against glibc (loader /lib64/ld-linux-x86-64.so.2)"
        );
        // static + glibc: only manylinux
        let s = elf(Arch::X86_64, None, &[], &[]);
        let both = wheel_tags(
            t("linux-x86_64"),
            &[("a", &g), ("s", &s)],
            None,
            &TagPolicy::default(),
        );
        assert_eq!(
            both.unwrap().join("."),
            "manylinux2014_x86_64.manylinux_2_17_x86_64"
        );
        let unknown = elf(
            Arch::X86_64,
            Some("/system/bin/linker64"),
            &["libc.so"],
            &[],
        );
        let err = tags("linux-x86_64", &unknown).unwrap_err();
        assert_eq!(
            err,
            "no Linux platform tag is true for hello: it is dynamically linked, and its loader \
             /system/bin/linker64 is neither glibc's nor musl's"
        );
    }

    #[test]
    fn target_must_agree() {
        let f = elf(Arch::X86_64, None, &[], &[]);
        assert_eq!(
            tags("linux-aarch64", &f).unwrap_err(),
            "hello is an x86_64 ELF but the target is linux-aarch64"
        );
        assert_eq!(
            tags("linux-x86_64", &pe(Arch::X86_64)).unwrap_err(),
            "hello is an x86_64 PE but the target is linux-x86_64"
        );
        let arm = macho(vec![slice(Arch::Aarch64, (11, 0, 0))]);
        assert_eq!(
            tags("macos-universal2", &arm).unwrap_err(),
            "hello is an arm64 Mach-O but the target is macos-universal2 (a universal2 wheel \
             needs x86_64 and arm64 slices)"
        );
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
    fn pinned_linux() {
        let new = elf(
            Arch::X86_64,
            Some(GLIBC_X86),
            &["libc.so.6"],
            &["GLIBC_2.34"],
        );
        let p = TagPolicy::default();
        assert_eq!(
            tags_with("linux-x86_64", &new, Some("manylinux_2_17_x86_64"), &p).unwrap_err(),
            "manylinux_2_17_x86_64 is not true for hello: it needs glibc 2.34 (symbol version \
             GLIBC_2.34 from libc.so.6), but the tag promises only glibc 2.17"
        );
        assert_eq!(
            tags_with(
                "linux-x86_64",
                &new,
                Some("manylinux_2_35_x86_64.manylinux_2_34_x86_64"),
                &p
            )
            .unwrap(),
            "manylinux_2_34_x86_64.manylinux_2_35_x86_64"
        );
        let s = elf(Arch::X86_64, None, &[], &[]);
        assert_eq!(
            tags_with("linux-x86_64", &s, Some("manylinux_2_17_aarch64"), &p).unwrap_err(),
            "the pinned tag manylinux_2_17_aarch64 is not a tag for the target linux-x86_64\n\
             manylinux_2_17_aarch64 is not true for hello: the tag is for Linux aarch64, but \
             hello is an x86_64 ELF"
        );
        assert_eq!(
            tags_with("linux-x86_64", &s, Some("manylinux2014_riscv64"), &p).unwrap_err(),
            "the pinned tag manylinux2014_riscv64 is not a tag for the target linux-x86_64\n\
             manylinux2014_riscv64 does not exist: manylinux2014 is defined only for x86_64, \
             i686, aarch64, armv7l, ppc64, ppc64le, s390x"
        );
        assert!(tags_with("linux-x86_64", &s, Some("any"), &p).is_err());
        assert!(tags_with("linux-x86_64", &s, Some("bogus_tag"), &p)
            .unwrap_err()
            .contains("bogus_tag is not a platform tag binwheel knows"));
    }

    #[test]
    fn windows() {
        assert_eq!(
            tags("windows-x86_64", &pe(Arch::X86_64)).unwrap(),
            "win_amd64"
        );
        assert_eq!(
            tags("windows-arm64", &pe(Arch::Aarch64)).unwrap(),
            "win_arm64"
        );
        assert_eq!(tags("windows-x86", &pe(Arch::X86)).unwrap(), "win32");
        let p = TagPolicy::default();
        assert_eq!(
            tags_with("windows-x86_64", &pe(Arch::X86_64), Some("win_arm64"), &p).unwrap_err(),
            "the pinned tag win_arm64 is not a tag for the target windows-x86_64\n\
             win_arm64 is not true for hello: the tag is for Windows arm64, but hello is an x86_64 PE"
        );
    }

    #[test]
    fn windows_runtime_dlls_that_windows_lacks() {
        let with = |imports: &[&str]| {
            let mut f = pe(Arch::X86_64);
            if let Some(p) = f.pe.as_mut() {
                p.imports = imports.iter().map(|s| s.to_string()).collect();
            }
            f
        };
        // What Go, zig and the UCRT import is part of Windows.
        let system = with(&[
            "KERNEL32.dll",
            "api-ms-win-crt-runtime-l1-1-0.dll",
            "msvcrt.dll",
            "msvcp60.dll",
            "ntdll.dll",
            "bcryptprimitives.dll",
            "WS2_32.dll",
        ]);
        assert_eq!(tags("windows-x86_64", &system).unwrap(), "win_amd64");
        // Rust's default MSVC build needs the Visual C++ runtime.
        let rust = with(&["KERNEL32.dll", "VCRUNTIME140.dll", "msvcp140_1.dll"]);
        let err = tags("windows-x86_64", &rust).unwrap_err();
        assert!(
            err.contains(
                "hello needs VCRUNTIME140.dll, which Windows does not provide (it comes with \
                 the Visual C++ Redistributable); link the C runtime statically (Rust: \
                 `-C target-feature=+crt-static`; MSVC: `/MT`), or ship VCRUNTIME140.dll in \
                 the wheel and allow it (allow-libraries)"
            ),
            "{err}"
        );
        assert!(err.contains("hello needs msvcp140_1.dll"), "{err}");
        for (dll, says) in [
            ("MSVCR120.dll", "Visual C++ Redistributable"),
            ("vcomp140.dll", "Visual C++ Redistributable"),
            ("VCRUNTIME140D.dll", "debug C runtime"),
            ("ucrtbased.dll", "debug C runtime"),
            ("libgcc_s_seh-1.dll", "MinGW"),
            ("libstdc++-6.dll", "MinGW"),
            ("libwinpthread-1.dll", "MinGW"),
        ] {
            let err = tags("windows-x86_64", &with(&[dll])).unwrap_err();
            assert!(
                err.contains(&format!("hello needs {dll}")) && err.contains(says),
                "{err}"
            );
        }
        // Shipping it beside the binary and allowing it (any case) is accepted.
        let p = TagPolicy {
            allow_libraries: vec!["vcruntime140.dll".into(), "msvcp140_1.dll".into()],
            ..TagPolicy::default()
        };
        assert_eq!(
            tags_with("windows-x86_64", &rust, None, &p).unwrap(),
            "win_amd64"
        );
    }

    #[test]
    fn no_binaries_needs_a_pin() {
        let err = wheel_tags(t("linux-x86_64"), &[], None, &TagPolicy::default()).unwrap_err();
        assert!(err.message().contains("no binaries"), "{err}");
        let pinned = wheel_tags(
            t("linux-x86_64"),
            &[],
            Some("manylinux_2_28_x86_64"),
            &TagPolicy::default(),
        );
        assert_eq!(pinned.unwrap(), ["manylinux_2_28_x86_64"]);
    }

    #[test]
    fn macos_version_rounding() {
        assert_eq!(macos_tag_version(Version::new(10, 13, 0)), (10, 13));
        assert_eq!(macos_tag_version(Version::new(10, 13, 4)), (10, 14));
        assert_eq!(macos_tag_version(Version::new(11, 0, 0)), (11, 0));
        assert_eq!(macos_tag_version(Version::new(11, 0, 1)), (12, 0));
        assert_eq!(macos_tag_version(Version::new(14, 2, 0)), (15, 0));
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
            assert_eq!(pypi_problem(ok), None, "{ok}");
        }
        for bad in [
            "linux_x86_64",
            "macosx_11_3_arm64",
            "macosx_16_0_arm64",
            "musllinux_1_2_ppc64",
            "manylinux_2_17_sparc",
            "manylinux1_aarch64",
        ] {
            assert!(pypi_problem(bad).is_some(), "{bad}");
        }
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
