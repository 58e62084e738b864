//! Platform tags: facts -> tags, and tags vs facts -> problems.
//!
//! Owns the rules that make a platform tag true for a binary, one module per
//! platform family: [`grammar`] (the [`PlatformTag`] type, parsed and
//! displayed like `packaging.tags`), `linux` (PEP 600 manylinux and the
//! legacy aliases of PEPs 513, 571 and 599, PEP 656 musllinux), `macos` and
//! `windows` (the platform compatibility tags spec, and what installers
//! generate), and [`pypi`] (what PyPI accepts). This module joins them: it
//! derives a wheel's tags and checks tags against binaries. It reads
//! [`Facts`] and a [`TagPolicy`]; it never reads configuration files or
//! binaries itself, and tags are text only at its callers' edges.
//!
//! Derivation and checking share one rule set: [`wheel_tags`] derives the
//! floors from the facts and then runs [`check_tags`] on its own answer, so a
//! derived tag can never be one that `binwheel check` would call false.
//! `docs/tags.md` explains every rule and default floor.

pub mod grammar;
mod linux;
mod macos;
pub mod pypi;
mod windows;

pub use grammar::{
    compressed, expand, parse_set, unknown_tag, LegacyManylinux, MacArch, PlatformTag, WindowsArch,
};
pub use linux::{default_glibc, default_musl, pip_min_glibc, system_library};
pub use macos::macos_tag_version;
pub use pypi::pypi_problem;

use crate::check::finding::{self as rules, Finding, Severity};
use crate::error::Error;
use crate::inspect::{Facts, Kind};
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

/// The platform tags (e.g. manylinux2014_x86_64, manylinux_2_17_x86_64,
/// musllinux_1_1_x86_64), sorted, that are true for every binary of the
/// wheel. `binaries` are (display name, facts).
///
/// `pinned` is the user's platform tag set (e.g. manylinux_2_17_aarch64);
/// it is checked against the facts instead of deriving: wrong OS or arch,
/// or a glibc/macOS floor lower than a binary needs, is an error naming the
/// binary, the tag and the contradicting fact. The `target` must agree with
/// every binary.
pub fn wheel_tags(
    target: Target,
    binaries: &[(&str, &Facts)],
    pinned: Option<&[PlatformTag]>,
    policy: &TagPolicy,
) -> Result<Vec<PlatformTag>, Error> {
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
        let mut tags = pinned.to_vec();
        tags.sort();
        tags.dedup();
        if tags.is_empty() {
            return Err(Error::new("the pinned platform tag is empty"));
        }
        problems.extend(
            tags.iter()
                .filter_map(|tag| pinned_target_problem(tag, target)),
        );
        problems.extend(errors(check_tags(&tags, binaries, policy)));
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
        Os::Windows => vec![windows::windows_tag(target.arch)],
        Os::Macos => macos::macos_tags(target.arch, binaries)?,
        Os::Linux => linux::linux_tags(target.arch, binaries, policy)?,
    };
    tags.sort();
    tags.dedup();
    let mut problems = errors(check_tags(&tags, binaries, policy));
    fail_on(&mut problems)?;
    Ok(tags)
}

/// The messages of the error-level findings: what stops a build. Warnings
/// (a Visual C++ runtime import) are the caller's to report, through
/// [`tag_warnings`].
fn errors(findings: Vec<Finding>) -> Vec<String> {
    findings
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.message)
        .collect()
}

/// The findings below error level for the wheel's `tags` and binaries: what
/// a build reports as warnings (and a strict project turns into errors).
pub fn tag_warnings(
    tags: &[PlatformTag],
    binaries: &[(&str, &Facts)],
    policy: &TagPolicy,
) -> Vec<Finding> {
    check_tags(tags, binaries, policy)
        .into_iter()
        .filter(|f| f.severity != Severity::Error)
        .collect()
}

/// The tags `binwheel inspect` shows for one binary on its own: the target
/// is the binary's own OS and architecture, the policy the default one
/// (plus `allow_libraries`).
pub fn binary_tags(
    name: &str,
    facts: &Facts,
    policy: &TagPolicy,
) -> Result<Vec<PlatformTag>, Error> {
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
/// are tags no installer would ever pick; one finding each, empty when all
/// is well. Used for derived and pinned tags and by `binwheel check`.
pub fn check_tags(
    tags: &[PlatformTag],
    binaries: &[(&str, &Facts)],
    policy: &TagPolicy,
) -> Vec<Finding> {
    let mut problems = Vec::new();
    for tag in tags {
        if let Some(p) = tag_finding(tag) {
            problems.push(p);
            continue;
        }
        for (name, facts) in binaries {
            binary_problems(tag, name, facts, policy, &mut problems);
        }
    }
    let mut seen = std::collections::HashSet::new();
    problems.retain(|p| seen.insert(p.message.clone()));
    problems
}

/// Why a tag is wrong whatever the binary: it is never installed, or names
/// a platform that does not exist or binwheel has no target for.
pub fn tag_problem(tag: &PlatformTag) -> Option<String> {
    tag_finding(tag).map(|f| f.message)
}

/// [`tag_problem`] as a finding: `tag-never-installed` or `tag-unknown`.
pub fn tag_finding(tag: &PlatformTag) -> Option<Finding> {
    let message = match tag.os() {
        Some(Os::Linux) => linux::tag_problem(tag),
        Some(Os::Macos) => macos::tag_problem(tag),
        Some(Os::Windows) => windows::tag_problem(tag),
        None => None,
    }?;
    let rule = if message.contains(" is never installed") {
        rules::TAG_NEVER_INSTALLED
    } else {
        rules::TAG_UNKNOWN
    };
    Some(Finding::new(rule, message))
}

/// Why a pinned `tag` is wrong for a wheel of `target`, whatever its
/// binaries: the tag names another platform, or breaks a rule of its own.
pub fn pinned_problem(tag: &PlatformTag, target: Target) -> Option<String> {
    pinned_target_problem(tag, target).or_else(|| tag_problem(tag))
}

/// One binary judged against a tag: its name in messages, its facts, and
/// the policy that may allow more libraries.
#[derive(Clone, Copy)]
struct Binary<'a> {
    name: &'a str,
    facts: &'a Facts,
    policy: &'a TagPolicy,
}

impl Binary<'_> {
    /// "the tag is for another platform than the binary".
    fn wrong_platform(&self, tag: &PlatformTag, platform: &str) -> Finding {
        let name = self.name;
        let message = format!(
            "{tag} is not true for {name}: the tag is for {platform}, but {name} is {}",
            self.facts.describe()
        );
        Finding::new(rules::TAG_PLATFORM, message).file(name)
    }
}

fn binary_problems(
    tag: &PlatformTag,
    name: &str,
    facts: &Facts,
    policy: &TagPolicy,
    out: &mut Vec<Finding>,
) {
    if let Kind::Other(what) = facts.kind {
        let message = format!(
            "{name} is a {what} ({}), not an executable or shared library",
            facts.describe()
        );
        out.push(Finding::new(rules::TAG_PLATFORM, message).file(name));
        return;
    }
    let binary = Binary {
        name,
        facts,
        policy,
    };
    match tag.os() {
        Some(Os::Linux) => linux::binary_problems(tag, &binary, out),
        Some(Os::Macos) => macos::binary_problems(tag, &binary, out),
        Some(Os::Windows) => windows::binary_problems(tag, &binary, out),
        None => out.push(
            Finding::new(
                rules::TAG_PLATFORM,
                format!(
                    "{tag} is not true for {name}: it is {}, which runs on one platform only",
                    facts.describe()
                ),
            )
            .file(name),
        ),
    }
}

fn allowed(policy: &TagPolicy, library: &str) -> bool {
    policy.allow_libraries.iter().any(|a| a == library)
}

fn fail_on(problems: &mut Vec<String>) -> Result<(), Error> {
    if problems.is_empty() {
        Ok(())
    } else {
        let mut seen = std::collections::HashSet::new();
        problems.retain(|p| seen.insert(p.clone()));
        Err(Error::new(problems.join("\n")))
    }
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
            let ok = match target.arch {
                Arch::Universal2 => {
                    macos::has_slice(facts, Arch::X86_64) && macos::has_slice(facts, Arch::Aarch64)
                }
                a => macos::has_slice(facts, a),
            };
            if ok {
                return None;
            }
            Some(format!(
                "{name} is {} but the target is {target}{}",
                facts.describe(),
                if target.arch == Arch::Universal2 {
                    " (a universal2 wheel needs x86_64 and arm64 slices)"
                } else {
                    ""
                }
            ))
        }
        _ if facts.arch != Some(target.arch) => mismatch(),
        _ => None,
    }
}

fn pinned_target_problem(tag: &PlatformTag, target: Target) -> Option<String> {
    (!tag.fits(target))
        .then(|| format!("the pinned tag {tag} is not a tag for the target {target}"))
}

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

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
    fn no_binaries_needs_a_pin() {
        let err = wheel_tags(t("linux-x86_64"), &[], None, &TagPolicy::default()).unwrap_err();
        assert!(err.message().contains("no binaries"), "{err}");
        let pinned = wheel_tags(
            t("linux-x86_64"),
            &[],
            Some(&parse_set("manylinux_2_28_x86_64").unwrap()),
            &TagPolicy::default(),
        );
        assert_eq!(pinned.unwrap(), ["manylinux_2_28_x86_64"]);
    }
}
