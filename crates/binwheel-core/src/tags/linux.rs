//! Linux platform tags: manylinux (PEP 600 and the legacy aliases of PEPs
//! 513, 571 and 599), musllinux (PEP 656) and `linux_<arch>`.
//!
//! Owns what a Linux binary needs from the system (glibc or musl, the glibc
//! floor its symbol versions and libraries imply), the policy tables that
//! say which libraries a manylinux or musllinux system has (auditwheel's),
//! the floors pip installs, and the Linux tags derived from or checked
//! against an ELF's facts. It must not know macOS, Windows or PyPI rules,
//! nor how a tag is spelled beyond [`PlatformTag`].

use super::grammar::{LegacyManylinux, PlatformTag};
use super::{allowed, Binary, TagPolicy};
use crate::check::finding::{self as rules, Finding};
use crate::error::Error;
use crate::inspect::{Facts, Format, Libc, Linkage, Version};
use crate::target::{Arch, Os, Target};

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

/// The Linux architecture name of `arch` in tags (`x86_64`, `i686`, `armv7l`…).
pub(super) fn linux_arch(arch: Arch) -> &'static str {
    Target::new(Os::Linux, arch).arch_name()
}

/// The target architecture a Linux tag's `<arch>` names, if binwheel has one.
pub(super) fn linux_tag_arch(name: &str) -> Option<Arch> {
    Arch::ALL
        .into_iter()
        .find(|a| *a != Arch::Universal2 && linux_arch(*a) == name)
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
    let loader = match (&elf.libc_evidence, &elf.interpreter) {
        (Some(evidence), _) => evidence.clone(),
        (None, Some(path)) => format!("loader {path}"),
        (None, None) => format!("DT_NEEDED {}", elf.needed.join(", ")),
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

/// Whether no binary rules out glibc (or musl): the first one that does, and why.
type RuledOut<'a> = Option<(&'a str, &'a String)>;

/// The Linux tags true for every binary: manylinux, musllinux, or both.
pub(super) fn linux_tags(
    arch: Arch,
    binaries: &[(&str, &Facts)],
    policy: &TagPolicy,
) -> Result<Vec<PlatformTag>, Error> {
    let needs: Vec<(&str, LinuxNeeds)> = binaries
        .iter()
        .map(|(name, facts)| (*name, linux_needs(facts, policy)))
        .collect();
    let no_glibc: RuledOut = needs
        .iter()
        .find_map(|(n, x)| x.glibc.as_ref().err().map(|e| (*n, e)));
    let no_musl: RuledOut = needs
        .iter()
        .find_map(|(n, x)| x.musl.as_ref().err().map(|e| (*n, e)));
    let mut tags = manylinux_tags(arch, &needs, no_glibc, policy)?;
    tags.extend(musllinux_tag(arch, &needs, no_musl, policy)?);
    if tags.is_empty() {
        return Err(no_linux_tag(no_glibc, no_musl));
    }
    Ok(tags)
}

/// `manylinux_2_Y_<arch>` (and its legacy alias) at the floor: the highest
/// need, raised to the default or set by `manylinux = "2_Y"`.
fn manylinux_tags(
    arch: Arch,
    needs: &[(&str, LinuxNeeds)],
    no_glibc: RuledOut,
    policy: &TagPolicy,
) -> Result<Vec<PlatformTag>, Error> {
    let arch_name = linux_arch(arch);
    if let Some((name, why)) = no_glibc {
        return match policy.manylinux {
            Some((major, minor)) => Err(Error::new(format!(
                "manylinux = \"{major}_{minor}\" is set, but {name} {why}, so no manylinux tag is true for it"
            ))),
            None => Ok(Vec::new()),
        };
    }
    let (need, why, who) = needs
        .iter()
        .filter_map(|(n, x)| x.glibc.as_ref().ok().map(|(m, w)| (*m, w.clone(), *n)))
        .max_by_key(|(m, _, _)| *m)
        .unwrap_or((0, String::new(), ""));
    let floor = match policy.manylinux {
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
    let tag = |legacy| PlatformTag::Manylinux {
        glibc: (2, floor),
        arch: arch_name.to_string(),
        legacy,
    };
    let mut tags = vec![tag(None)];
    if let Some(legacy) = LegacyManylinux::of(floor, arch_name) {
        tags.push(tag(Some(legacy)));
    }
    Ok(tags)
}

/// `musllinux_1_Y_<arch>` at the default floor or `musllinux = "1_Y"`.
fn musllinux_tag(
    arch: Arch,
    needs: &[(&str, LinuxNeeds)],
    no_musl: RuledOut,
    policy: &TagPolicy,
) -> Result<Option<PlatformTag>, Error> {
    if let Some((name, why)) = no_musl {
        return match policy.musllinux {
            Some((major, minor)) => Err(Error::new(format!(
                "musllinux = \"{major}_{minor}\" is set, but {name} {why}, so no musllinux tag is true for it"
            ))),
            None => Ok(None),
        };
    }
    let any_dynamic = needs.iter().any(|(_, x)| x.dynamic_musl);
    let minor = match policy.musllinux {
        Some((1, minor)) => minor,
        Some((major, minor)) => {
            return Err(Error::new(format!(
                "musllinux = \"{major}_{minor}\": there is no musl {major}.x; \
                 musllinux floors look like \"1_2\""
            )))
        }
        None => default_musl(any_dynamic),
    };
    Ok(Some(PlatformTag::Musllinux {
        musl: (1, minor),
        arch: linux_arch(arch).to_string(),
    }))
}

fn no_linux_tag(no_glibc: RuledOut, no_musl: RuledOut) -> Error {
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
    Error::new(message)
}

/// Problems with a Linux tag itself: never installed, or naming a platform
/// that does not exist.
pub(super) fn tag_problem(tag: &PlatformTag) -> Option<String> {
    match tag {
        PlatformTag::Linux { arch } | PlatformTag::Musllinux { arch, .. }
            if linux_tag_arch(arch).is_none() =>
        {
            Some(format!("{tag}: binwheel has no Linux {arch} target"))
        }
        PlatformTag::Musllinux { musl, .. } => {
            (musl.0 != 1).then(|| format!("{tag}: there is no musl {}.x", musl.0))
        }
        PlatformTag::Manylinux {
            glibc,
            arch,
            legacy,
        } => manylinux_problem(tag, *glibc, arch, *legacy),
        _ => None,
    }
}

fn manylinux_problem(
    tag: &PlatformTag,
    glibc: (u32, u32),
    arch: &str,
    legacy: Option<LegacyManylinux>,
) -> Option<String> {
    let Some(a) = linux_tag_arch(arch) else {
        return Some(format!("{tag}: binwheel has no Linux {arch} target"));
    };
    if let Some(legacy) = legacy {
        if !legacy.arches().contains(&arch) {
            return Some(format!(
                "{tag} does not exist: {} is defined only for {}",
                legacy.name(),
                legacy.arches().join(", ")
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

/// Why the Linux `tag` is not true for the binary `name`.
pub(super) fn binary_problems(tag: &PlatformTag, binary: &Binary, out: &mut Vec<Finding>) {
    let (name, facts, policy) = (binary.name, binary.facts, binary.policy);
    let (PlatformTag::Linux { arch }
    | PlatformTag::Manylinux { arch, .. }
    | PlatformTag::Musllinux { arch, .. }) = tag
    else {
        return;
    };
    if facts.format != Format::Elf || facts.os != Os::Linux || linux_tag_arch(arch) != facts.arch {
        out.push(binary.wrong_platform(tag, &format!("Linux {arch}")));
        return;
    }
    let needs = linux_needs(facts, policy);
    let found = |rule, message: String| Finding::new(rule, message).file(name);
    match tag {
        PlatformTag::Manylinux { glibc, .. } => match needs.glibc {
            Err(why) => out.push(found(
                rules::TAG_LIBC,
                format!(
                    "{tag} is not true for {name}: the tag is for glibc systems, but {name} {why}"
                ),
            )),
            Ok((need, why)) => {
                if need > glibc.1 {
                    out.push(found(
                        rules::TAG_GLIBC_FLOOR,
                        format!(
                            "{tag} is not true for {name}: it needs glibc 2.{need} ({why}), \
                             but the tag promises only glibc {}.{}",
                            glibc.0, glibc.1
                        ),
                    ));
                }
                library_problems(name, facts, policy, false, out);
            }
        },
        PlatformTag::Musllinux { .. } => match needs.musl {
            Err(why) => out.push(found(
                rules::TAG_LIBC,
                format!(
                    "{tag} is not true for {name}: the tag is for musl systems, but {name} {why}"
                ),
            )),
            Ok(()) => library_problems(name, facts, policy, true, out),
        },
        _ => {}
    }
}

/// Whether every manylinux (`musl`: musllinux) system has the library
/// `lib` (a DT_NEEDED name): the dynamic loader itself (`interpreter`, the
/// file's PT_INTERP) or a library of the policy.
pub fn system_library(lib: &str, interpreter: Option<&str>, musl: bool) -> bool {
    let interp_base = interpreter.map(|i| i.rsplit('/').next().unwrap_or(i));
    let loader = Some(lib) == interp_base
        || lib.starts_with("ld-linux")
        || lib.starts_with("ld64.so.")
        || lib.starts_with("ld-musl-");
    let listed = if musl {
        MUSLLINUX_LIBRARIES.contains(&lib) || lib.starts_with("libc.musl-")
    } else {
        MANYLINUX_LIBRARIES.iter().any(|(n, _)| *n == lib)
    };
    loader || listed
}

/// DT_NEEDED libraries a manylinux (or musllinux) system need not have.
fn library_problems(
    name: &str,
    facts: &Facts,
    policy: &TagPolicy,
    musl: bool,
    out: &mut Vec<Finding>,
) {
    let Some(elf) = &facts.elf else { return };
    let mut missing = Vec::new();
    for lib in &elf.needed {
        if !system_library(lib, elf.interpreter.as_deref(), musl) && !allowed(policy, lib) {
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
        let message = format!(
            "{name} needs {}, which {are} not part of the {family} policy (a {family} system \
             need not have {these}); link {these} statically, or ship {these} in the wheel and \
             allow {these} (allow-libraries)",
            missing.join(", ")
        );
        out.push(Finding::new(rules::TAG_LIBRARY_POLICY, message).file(name));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::super::{compressed, wheel_tags};
    use super::*;

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
            compressed(&both.unwrap()),
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
}
