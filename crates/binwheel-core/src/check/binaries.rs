//! Which binaries of a wheel are programs to judge, and which are data.
//!
//! Owns the rule of issue 17's item 2: a member is a program that must run
//! on the wheel's tags when it is an executable or shared library (ELF
//! ET_EXEC/ET_DYN, Mach-O MH_EXECUTE/MH_DYLIB/MH_BUNDLE, a PE image) **and**
//! the wheel presents it as runnable: it has an execute bit, it is installed
//! as a script (`.data/scripts/`), it sits in a `_bin/` directory or a
//! `*.libs` directory (auditwheel's and delvewheel's), or another program of
//! the wheel links it. Everything else (relocatable objects, test data,
//! files for other platforms kept as 0644 package data) is data, which gets
//! at most a note. It knows no tag rule: the programs go on to `tags`.

use super::finding::{self as rules, Finding};
use crate::inspect::{Facts, Format, Kind};

/// A member of a wheel that starts like a binary and was inspected.
pub(super) struct Member {
    pub(super) name: String,
    /// The Unix mode in the archive, if the entry records one.
    pub(super) mode: Option<u32>,
    pub(super) facts: Facts,
}

/// Most data binaries a note names before it only counts them.
const NAMED_DATA: usize = 5;

/// The programs among `members` (to be judged against the tags), and the
/// findings about the rest: a program that cannot run once installed, an
/// executable under `bin/` kept as data, one note for all data binaries.
pub(super) fn judge<'a>(members: &'a [Member], found: &mut Vec<Finding>) -> Vec<&'a Member> {
    let runnable = runnable(members);
    let mut programs = Vec::new();
    let mut data = Vec::new();
    for (member, runnable) in members.iter().zip(runnable) {
        if runnable {
            found.extend(not_executable(member));
            programs.push(member);
        } else {
            found.extend(runnable_data(member));
            data.push(member.name.as_str());
        }
    }
    if !data.is_empty() {
        found.push(data_note(&data));
    }
    programs
}

/// For each member, whether it is a program: an executable or shared
/// library the wheel presents as runnable, or one a program links (to a
/// fixed point, so a library a library loads counts too).
fn runnable(members: &[Member]) -> Vec<bool> {
    let mut runnable: Vec<bool> = members
        .iter()
        .map(|m| loadable(&m.facts) && presented_runnable(m))
        .collect();
    loop {
        let linked: Vec<String> = members
            .iter()
            .zip(&runnable)
            .filter(|(_, r)| **r)
            .flat_map(|(m, _)| linked_names(&m.facts))
            .collect();
        let mut changed = false;
        for (m, r) in members.iter().zip(runnable.iter_mut()) {
            if !*r && loadable(&m.facts) && linked.iter().any(|l| l == base_name(&m.name)) {
                *r = true;
                changed = true;
            }
        }
        if !changed {
            return runnable;
        }
    }
}

/// ET_EXEC/ET_DYN, MH_EXECUTE/MH_DYLIB/MH_BUNDLE, a PE image: what a
/// system can load. Relocatable objects, core dumps and the like never run.
/// (`inspect` counts a Mach-O bundle as a shared library.)
fn loadable(facts: &Facts) -> bool {
    matches!(facts.kind, Kind::Executable | Kind::SharedLibrary)
}

/// Execute bits, `.data/scripts/`, a `_bin/` or `*.libs` directory.
fn presented_runnable(m: &Member) -> bool {
    m.mode.is_some_and(|mode| mode & 0o111 != 0) || in_script_or_bin_dir(&m.name) || {
        let dirs = directories(&m.name);
        dirs.iter().any(|d| d.ends_with(".libs") || *d == ".dylibs")
    }
}

/// In `.data/scripts/` or a `_bin/` directory: what an installer or
/// binwheel's locator runs.
fn in_script_or_bin_dir(name: &str) -> bool {
    let dirs = directories(name);
    dirs.contains(&"_bin")
        || dirs
            .windows(2)
            .any(|w| w[0].ends_with(".data") && w[1] == "scripts")
}

fn directories(name: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = name.split('/').collect();
    parts.pop();
    parts
}

fn base_name(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// The file names a binary asks its loader for: DT_NEEDED, the last part of
/// each Mach-O install name (`@rpath/libfoo.dylib`), PE imports.
fn linked_names(facts: &Facts) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(elf) = &facts.elf {
        names.extend(elf.needed.iter().cloned());
    }
    if let Some(macho) = &facts.macho {
        for slice in &macho.slices {
            names.extend(slice.dylibs.iter().map(|d| base_name(d).to_string()));
        }
    }
    if let Some(pe) = &facts.pe {
        // Windows compares DLL names without regard to case.
        names.extend(pe.imports.iter().cloned());
        names.extend(pe.imports.iter().map(|d| d.to_ascii_lowercase()));
    }
    names
}

/// A program in `_bin/` or `.data/scripts/` without execute bits: installed,
/// it cannot run. Windows does not use the bits, so PE files are exempt.
fn not_executable(m: &Member) -> Option<Finding> {
    let facts = &m.facts;
    let executable = matches!(facts.format, Format::Elf | Format::MachO)
        && facts.kind == Kind::Executable
        && m.mode.is_none_or(|mode| mode & 0o111 == 0);
    (executable && in_script_or_bin_dir(&m.name)).then(|| {
        Finding::new(
            rules::NOT_EXECUTABLE,
            format!(
                "{} is {} executable but has no execute bits in the archive \
                 (mode {}); installers would install it unable to run",
                m.name,
                facts.describe(),
                m.mode.map_or("unset".into(), |mode| format!("{mode:#o}"))
            ),
        )
        .file(&m.name)
        .help("give it mode 0755 in the archive")
    })
}

/// An executable kept as data under a `bin/` directory: likely a mistake.
fn runnable_data(m: &Member) -> Option<Finding> {
    let under_bin = directories(&m.name).contains(&"bin");
    (under_bin && m.facts.kind == Kind::Executable).then(|| {
        Finding::new(
            rules::RUNNABLE_DATA,
            format!(
                "{} is {} executable under a bin/ directory, but without execute bits \
                 (mode {}), so the wheel ships it as data: did you mean to make it runnable?",
                m.name,
                m.facts.describe(),
                m.mode.map_or("unset".into(), |mode| format!("{mode:#o}"))
            ),
        )
        .file(&m.name)
        .help("give it mode 0755 if it is a program; if it is data on purpose, ignore BW012 for it")
    })
}

/// One note for every binary kept as data.
fn data_note(names: &[&str]) -> Finding {
    let shown: Vec<&str> = names.iter().copied().take(NAMED_DATA).collect();
    let more = names.len() - shown.len();
    Finding::new(
        rules::BINARY_DATA,
        format!(
            "{} binar{} shipped as data (no execute bits, not in _bin/, *.libs or \
             .data/scripts/, linked by no program) and not judged against the tags: {}{}",
            names.len(),
            if names.len() == 1 { "y is" } else { "ies are" },
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tags::testing::{elf, macho, pe, slice};
    use crate::target::Arch;

    fn member(name: &str, mode: u32, facts: Facts) -> Member {
        Member {
            name: name.into(),
            mode: Some(mode),
            facts,
        }
    }

    fn relocatable() -> Facts {
        let mut f = elf(Arch::X86_64, None, &[], &[]);
        f.kind = Kind::Other("relocatable object");
        f
    }

    #[test]
    fn programs_are_loadable_and_presented_runnable() {
        let exe = || {
            elf(
                Arch::X86_64,
                Some("/lib64/ld-linux-x86-64.so.2"),
                &["libfoo.so.1"],
                &[],
            )
        };
        let mut lib = elf(Arch::X86_64, None, &["libc.so.6"], &[]);
        lib.kind = Kind::SharedLibrary;
        let members = vec![
            member("p/_bin/tool", 0o100755, exe()),
            member("p/_bin/copy", 0o100644, exe()),
            member("p.libs/libfoo.so.1", 0o100644, lib.clone()),
            member("p/vendor/libbar.so", 0o100644, lib.clone()),
            member("p/vendor/libfoo.so.1", 0o100644, lib),
            member("p-1.data/scripts/tool", 0o100644, exe()),
            member("p/testdata/x.o", 0o100755, relocatable()),
            member("p/testdata/win.exe", 0o100644, pe(Arch::X86_64)),
            member("p/any/exe", 0o100755, exe()),
        ];
        let mut found = Vec::new();
        let programs: Vec<&str> = judge(&members, &mut found)
            .iter()
            .map(|m| m.name.as_str())
            .collect();
        assert_eq!(
            programs,
            [
                "p/_bin/tool",
                "p/_bin/copy",
                "p.libs/libfoo.so.1",
                "p/vendor/libfoo.so.1",
                "p-1.data/scripts/tool",
                "p/any/exe"
            ]
        );
        let ids: Vec<(&str, Option<&str>)> = found
            .iter()
            .map(|f| (f.rule.id, f.file.as_deref()))
            .collect();
        assert_eq!(
            ids,
            [
                ("BW011", Some("p/_bin/copy")),
                ("BW011", Some("p-1.data/scripts/tool")),
                ("BW013", None)
            ]
        );
        assert!(found[2]
            .message
            .starts_with("3 binaries are shipped as data"));
    }

    #[test]
    fn a_0644_executable_under_bin_gets_a_note() {
        let members = vec![
            member("p/bin/tool", 0o100644, elf(Arch::X86_64, None, &[], &[])),
            member(
                "p/bin/mac",
                0o100644,
                macho(vec![slice(Arch::Aarch64, (11, 0, 0))]),
            ),
        ];
        let mut found = Vec::new();
        assert!(judge(&members, &mut found).is_empty());
        let ids: Vec<&str> = found.iter().map(|f| f.rule.id).collect();
        assert_eq!(ids, ["BW012", "BW012", "BW013"]);
        assert!(found
            .iter()
            .all(|f| f.severity == rules::RUNNABLE_DATA.severity));
    }
}
