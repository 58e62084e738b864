//! Windows platform tags: `win32`, `win_amd64`, `win_arm64`.
//!
//! Owns the Windows tag of a PE, what makes a PE a program Windows runs
//! (console or GUI subsystem), and which imported DLLs a clean Windows
//! lacks (compiler runtimes). It must not know Linux, macOS or PyPI rules.

use super::grammar::{PlatformTag, WindowsArch};
use super::{Binary, TagPolicy};
use crate::check::finding::{self as rules, Finding};
use crate::inspect::{Format, Kind};
use crate::target::{Arch, Os, Target};

/// The Windows tag of a wheel for `arch`.
pub(super) fn windows_tag(arch: Arch) -> PlatformTag {
    PlatformTag::Windows(WindowsArch::of(arch))
}

/// Problems with a Windows tag itself.
pub(super) fn tag_problem(tag: &PlatformTag) -> Option<String> {
    (*tag == PlatformTag::Windows(WindowsArch::Ia64))
        .then(|| format!("{tag}: binwheel has no Windows Itanium target"))
}

/// Why the Windows `tag` is not true for the binary `name`.
pub(super) fn binary_problems(tag: &PlatformTag, binary: &Binary, out: &mut Vec<Finding>) {
    let (name, facts, policy) = (binary.name, binary.facts, binary.policy);
    let PlatformTag::Windows(win) = tag else {
        return;
    };
    let arch = win.arch();
    let want = arch.map_or("ia64", |a| Target::new(Os::Windows, a).arch_name());
    if facts.format != Format::Pe || facts.arch != arch {
        out.push(binary.wrong_platform(tag, &format!("Windows {want}")));
        return;
    }
    if let Some(pe) = &facts.pe {
        if facts.kind == Kind::Executable && !matches!(pe.subsystem, 2 | 3) {
            let message = format!(
                "{name} is a PE for the {} subsystem, not a Windows console or GUI program",
                pe.subsystem_name
            );
            out.push(Finding::new(rules::TAG_WINDOWS_SUBSYSTEM, message).file(name));
        }
        dll_problems(name, &pe.imports, policy, out);
    }
}

/// Imported DLLs that Windows itself does not provide. Windows has no
/// manylinux-style policy, and most DLLs a program imports are part of the
/// system (KERNEL32, the UCRT's api-ms-win-crt-*), so only compiler runtimes
/// known to ship separately are judged: a wheel whose binary needs one of
/// them fails on a clean machine with "VCRUNTIME140.dll was not found".
fn dll_problems(name: &str, imports: &[String], policy: &TagPolicy, out: &mut Vec<Finding>) {
    for dll in imports {
        // Windows file names are case-insensitive, and so is the allow list here.
        let allowed = |a: &String| a.eq_ignore_ascii_case(dll);
        if policy.allow_libraries.iter().any(allowed) {
            continue;
        }
        let lower = dll.to_ascii_lowercase();
        let Some((source, fix)) = windows_runtime(&lower) else {
            continue;
        };
        let message = format!(
            "{name} needs {dll}, which Windows does not provide ({source}); {fix}, or ship \
             {dll} in the wheel and allow it (allow-libraries)"
        );
        let finding = if is_visual_cpp_runtime(&lower) {
            Finding::new(rules::TAG_VCRUNTIME, message).help(format!(
                "it runs where CPython or the Visual C++ Redistributable installed {dll}; \
                 to run everywhere, {fix}"
            ))
        } else {
            Finding::new(rules::TAG_WINDOWS_RUNTIME, message)
        };
        out.push(finding.file(name));
    }
}

/// `vcruntime140.dll` and `vcruntime140_1.dll` (lowercase): the Visual C++
/// runtime most MSVC builds import. Windows does not ship it, but CPython
/// installs `vcruntime140.dll` (and, from 3.8 on, `vcruntime140_1.dll`)
/// beside `python.exe`, and the Redistributable is on most machines, so
/// a program importing it usually runs: a warning, not an error.
fn is_visual_cpp_runtime(dll: &str) -> bool {
    matches!(dll, "vcruntime140.dll" | "vcruntime140_1.dll")
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

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

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
        // Rust's default MSVC build needs the Visual C++ runtime, which
        // CPython installs beside itself: a warning, and the build goes on.
        let rust = with(&["KERNEL32.dll", "VCRUNTIME140.dll", "vcruntime140_1.dll"]);
        assert_eq!(tags("windows-x86_64", &rust).unwrap(), "win_amd64");
        let warnings = super::super::tag_warnings(
            &crate::tags::parse_set("win_amd64").unwrap(),
            &[("hello", &rust)],
            &TagPolicy::default(),
        );
        let ids: Vec<&str> = warnings.iter().map(|w| w.rule.id).collect();
        assert_eq!(ids, ["BW112", "BW112"]);
        assert_eq!(
            warnings[0].message,
            "hello needs VCRUNTIME140.dll, which Windows does not provide (it comes with \
             the Visual C++ Redistributable); link the C runtime statically (Rust: \
             `-C target-feature=+crt-static`; MSVC: `/MT`), or ship VCRUNTIME140.dll in \
             the wheel and allow it (allow-libraries)"
        );
        assert!(warnings[0].help.as_deref().unwrap().contains("CPython"));
        // The C++ runtime is not CPython's: still an error.
        let cpp = with(&["KERNEL32.dll", "VCRUNTIME140.dll", "msvcp140_1.dll"]);
        let err = tags("windows-x86_64", &cpp).unwrap_err();
        assert_eq!(
            err,
            "hello needs msvcp140_1.dll, which Windows does not provide (it comes with \
             the Visual C++ Redistributable); link the C runtime statically (Rust: \
             `-C target-feature=+crt-static`; MSVC: `/MT`), or ship msvcp140_1.dll in \
             the wheel and allow it (allow-libraries)"
        );
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
}
