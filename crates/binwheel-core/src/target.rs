//! Targets: which OS and architecture a wheel is for.
//!
//! Owns target names and their aliases (`linux-x86_64`, Go's `linux-amd64`,
//! Rust's `x86_64-unknown-linux-gnu`), host detection, the values a target
//! gives placeholders (`{goos}`, `{rust_target}`, `{exe}`, …), and
//! [`ResolvedTarget`], a target as one project names it. It knows no
//! configuration and no tags; tags come from `tags`, which reads the binary.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Os {
    Linux,
    Macos,
    Windows,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Arch {
    X86_64,
    Aarch64,
    /// 32-bit x86 (`i686`, Go's `386`).
    X86,
    Armv7,
    Riscv64,
    Ppc64le,
    S390x,
    /// macOS fat binary with x86_64 and arm64 slices.
    Universal2,
}

/// One OS + architecture pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Target {
    pub os: Os,
    pub arch: Arch,
}

/// Every spelling of an operating system that [`Target::parse`] accepts
/// (after lowercasing). The schema builds its target pattern from this
/// table, so the two cannot drift.
pub const OS_SPELLINGS: &[(&str, Os)] = &[
    ("linux", Os::Linux),
    ("manylinux", Os::Linux),
    ("musllinux", Os::Linux),
    ("macos", Os::Macos),
    ("darwin", Os::Macos),
    ("macosx", Os::Macos),
    ("osx", Os::Macos),
    ("apple", Os::Macos),
    ("windows", Os::Windows),
    ("win", Os::Windows),
    ("win32", Os::Windows),
    ("win64", Os::Windows),
];

/// Every spelling of an architecture that [`Target::parse`] accepts (after
/// lowercasing); none holds `-` or `/`, which separate a target's parts.
pub const ARCH_SPELLINGS: &[(&str, Arch)] = &[
    ("x86_64", Arch::X86_64),
    ("amd64", Arch::X86_64),
    ("x64", Arch::X86_64),
    ("aarch64", Arch::Aarch64),
    ("arm64", Arch::Aarch64),
    ("x86", Arch::X86),
    ("i686", Arch::X86),
    ("i386", Arch::X86),
    ("386", Arch::X86),
    ("i586", Arch::X86),
    ("armv7", Arch::Armv7),
    ("armv7l", Arch::Armv7),
    ("arm", Arch::Armv7),
    ("armhf", Arch::Armv7),
    ("riscv64", Arch::Riscv64),
    ("riscv64gc", Arch::Riscv64),
    ("ppc64le", Arch::Ppc64le),
    ("powerpc64le", Arch::Ppc64le),
    ("s390x", Arch::S390x),
    ("universal2", Arch::Universal2),
    ("universal", Arch::Universal2),
];

/// A target of this project: the OS and architecture, and the name the
/// project gives it. Settings make it ([`crate::settings::Settings::resolve`]),
/// the rest of a build only passes it on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedTarget {
    pub target: Target,
    /// The `{target}` placeholder: the key in [tool.binwheel.targets] when
    /// configured, else the canonical name.
    pub key: String,
}

impl Os {
    pub const ALL: [Os; 3] = [Os::Linux, Os::Macos, Os::Windows];

    pub fn name(self) -> &'static str {
        match self {
            Os::Linux => "linux",
            Os::Macos => "macos",
            Os::Windows => "windows",
        }
    }

    pub fn goos(self) -> &'static str {
        match self {
            Os::Linux => "linux",
            Os::Macos => "darwin",
            Os::Windows => "windows",
        }
    }

    fn parse(s: &str) -> Option<Os> {
        OS_SPELLINGS
            .iter()
            .find(|(w, _)| *w == s)
            .map(|(_, os)| *os)
    }
}

impl Arch {
    pub const ALL: [Arch; 8] = [
        Arch::X86_64,
        Arch::Aarch64,
        Arch::X86,
        Arch::Armv7,
        Arch::Riscv64,
        Arch::Ppc64le,
        Arch::S390x,
        Arch::Universal2,
    ];

    fn parse(s: &str) -> Option<Arch> {
        ARCH_SPELLINGS
            .iter()
            .find(|(w, _)| *w == s)
            .map(|(_, a)| *a)
    }

    /// Go's GOARCH, if Go has one for this architecture.
    pub fn goarch(self) -> Option<&'static str> {
        Some(match self {
            Arch::X86_64 => "amd64",
            Arch::Aarch64 => "arm64",
            Arch::X86 => "386",
            Arch::Armv7 => "arm",
            Arch::Riscv64 => "riscv64",
            Arch::Ppc64le => "ppc64le",
            Arch::S390x => "s390x",
            Arch::Universal2 => return None,
        })
    }
}

impl Target {
    pub fn new(os: Os, arch: Arch) -> Self {
        Target { os, arch }
    }

    /// The machine binwheel itself runs on.
    pub fn host() -> Option<Target> {
        let os = match std::env::consts::OS {
            "linux" => Os::Linux,
            "macos" => Os::Macos,
            "windows" => Os::Windows,
            _ => return None,
        };
        let arch = match std::env::consts::ARCH {
            "x86_64" => Arch::X86_64,
            "aarch64" => Arch::Aarch64,
            "x86" => Arch::X86,
            "arm" => Arch::Armv7,
            "riscv64" => Arch::Riscv64,
            "powerpc64" if cfg!(target_endian = "little") => Arch::Ppc64le,
            "s390x" => Arch::S390x,
            _ => return None,
        };
        Some(Target { os, arch })
    }

    /// Whether this pair exists as a platform (e.g. there is no universal2 Linux).
    pub fn is_valid(self) -> bool {
        match (self.os, self.arch) {
            (Os::Macos, a) => matches!(a, Arch::X86_64 | Arch::Aarch64 | Arch::Universal2),
            (Os::Windows, a) => matches!(a, Arch::X86_64 | Arch::Aarch64 | Arch::X86),
            (Os::Linux, a) => a != Arch::Universal2,
        }
    }

    /// Parse `<os>-<arch>` (either order of Go/our spellings) or a Rust target triple.
    pub fn parse(name: &str) -> Option<Target> {
        let lower = name.trim().to_ascii_lowercase();
        let parts: Vec<&str> = lower.split(['-', '/']).collect();
        let target = match parts.as_slice() {
            [os, arch] => {
                if let (Some(os), Some(arch)) = (Os::parse(os), Arch::parse(arch)) {
                    Target { os, arch }
                } else if let (Some(arch), Some(os)) = (Arch::parse(os), Os::parse(arch)) {
                    Target { os, arch }
                } else {
                    return None;
                }
            }
            // Rust triples: arch-vendor-os[-env]
            [arch, _vendor, os, rest @ ..] if rest.len() <= 1 => {
                let arch = Arch::parse(arch)?;
                let os = Os::parse(os)?;
                Target { os, arch }
            }
            _ => return None,
        };
        target.is_valid().then_some(target)
    }

    /// The target `name` most likely meant, spelled as `name` spells
    /// targets (`macos-amr64` → `macos-arm64`, `darwin/amd46` →
    /// `darwin/amd64`, `x86_64-unknown-linus-gnu` → `x86_64-unknown-linux-gnu`):
    /// each misspelled OS or architecture part replaced by the closest
    /// spelling [`Target::parse`] accepts. None when nothing valid is close.
    pub fn suggest(name: &str) -> Option<String> {
        let lower = name.trim().to_ascii_lowercase();
        let parts: Vec<&str> = lower.split(['-', '/']).collect();
        let seps: Vec<char> = lower.chars().filter(|c| matches!(c, '-' | '/')).collect();
        let candidates: Vec<Vec<Option<&str>>> = match parts.as_slice() {
            [a, b] => vec![
                vec![closest(a, OS_SPELLINGS), closest(b, ARCH_SPELLINGS)],
                vec![closest(a, ARCH_SPELLINGS), closest(b, OS_SPELLINGS)],
            ],
            [a, vendor, o, rest @ ..] if rest.len() <= 1 => {
                let mut parts = vec![
                    closest(a, ARCH_SPELLINGS),
                    Some(*vendor),
                    closest(o, OS_SPELLINGS),
                ];
                parts.extend(rest.iter().map(|r| Some(*r)));
                vec![parts]
            }
            _ => Vec::new(),
        };
        candidates
            .into_iter()
            .filter_map(|parts| {
                let parts: Vec<&str> = parts.into_iter().collect::<Option<_>>()?;
                let mut out = parts[0].to_string();
                for (sep, part) in seps.iter().zip(&parts[1..]) {
                    out.push(*sep);
                    out.push_str(part);
                }
                Some(out)
            })
            .find(|s| *s != lower && Target::parse(s).is_some())
    }

    /// Canonical name: `linux-x86_64`, `linux-aarch64`, `macos-arm64`, `windows-x86`.
    pub fn name(self) -> String {
        format!("{}-{}", self.os.name(), self.arch_name())
    }

    /// The `{arch}` placeholder: Apple and Microsoft say arm64, Linux says aarch64.
    pub fn arch_name(self) -> &'static str {
        match (self.os, self.arch) {
            (Os::Linux, Arch::Aarch64) => "aarch64",
            (_, Arch::Aarch64) => "arm64",
            (_, Arch::X86_64) => "x86_64",
            (Os::Windows, Arch::X86) => "x86",
            (_, Arch::X86) => "i686",
            (_, Arch::Armv7) => "armv7l",
            (_, Arch::Riscv64) => "riscv64",
            (_, Arch::Ppc64le) => "ppc64le",
            (_, Arch::S390x) => "s390x",
            (_, Arch::Universal2) => "universal2",
        }
    }

    /// `.exe` for Windows, empty elsewhere.
    pub fn exe_suffix(self) -> &'static str {
        if self.os == Os::Windows {
            ".exe"
        } else {
            ""
        }
    }

    /// The Rust target triple conventionally used for this target.
    pub fn rust_target(self) -> &'static str {
        match (self.os, self.arch) {
            (Os::Linux, Arch::X86_64) => "x86_64-unknown-linux-gnu",
            (Os::Linux, Arch::Aarch64) => "aarch64-unknown-linux-gnu",
            (Os::Linux, Arch::X86) => "i686-unknown-linux-gnu",
            (Os::Linux, Arch::Armv7) => "armv7-unknown-linux-gnueabihf",
            (Os::Linux, Arch::Riscv64) => "riscv64gc-unknown-linux-gnu",
            (Os::Linux, Arch::Ppc64le) => "powerpc64le-unknown-linux-gnu",
            (Os::Linux, Arch::S390x) => "s390x-unknown-linux-gnu",
            (Os::Macos, Arch::X86_64) => "x86_64-apple-darwin",
            (Os::Macos, Arch::Aarch64) => "aarch64-apple-darwin",
            (Os::Macos, _) => "universal2-apple-darwin",
            (Os::Windows, Arch::X86_64) => "x86_64-pc-windows-msvc",
            (Os::Windows, Arch::Aarch64) => "aarch64-pc-windows-msvc",
            (Os::Windows, _) => "i686-pc-windows-msvc",
            (Os::Linux, Arch::Universal2) => "universal2-unknown-linux",
        }
    }

    /// Every valid target, for messages and `--all-targets` listings.
    pub fn all() -> Vec<Target> {
        let mut all = Vec::new();
        for os in Os::ALL {
            for arch in Arch::ALL {
                let t = Target { os, arch };
                if t.is_valid() {
                    all.push(t);
                }
            }
        }
        all
    }
}

/// `part` if it is one of `spellings`, else the closest one, if close.
fn closest<'a, T>(part: &'a str, spellings: &'static [(&'static str, T)]) -> Option<&'a str> {
    let names = spellings.iter().map(|(s, _)| *s);
    if names.clone().any(|s| s == part) {
        return Some(part);
    }
    crate::error::did_you_mean(part, names)
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Target {
        Target::parse(s).unwrap_or_else(|| panic!("{s} should parse"))
    }

    #[test]
    fn suggestions_keep_the_spelling() {
        let s = |name: &str| Target::suggest(name);
        assert_eq!(s("macos-amr64").as_deref(), Some("macos-arm64"));
        assert_eq!(s("windows-amd65").as_deref(), Some("windows-amd64"));
        assert_eq!(s("darwin/amr64").as_deref(), Some("darwin/arm64"));
        assert_eq!(s("linux-amd46").as_deref(), Some("linux-amd64"));
        assert_eq!(s("lnux-aarch64").as_deref(), Some("linux-aarch64"));
        assert_eq!(s("amd64-linuxx").as_deref(), Some("amd64-linux"));
        assert_eq!(
            s("x86_64-unknown-linus-gnu").as_deref(),
            Some("x86_64-unknown-linux-gnu")
        );
        assert_eq!(
            s("aarch64-apple-drawin").as_deref(),
            Some("aarch64-apple-darwin")
        );
        // Nothing close, or only an invalid pair (no universal2 Linux).
        assert_eq!(s("plan9-sparc"), None);
        assert_eq!(s("linux-universal2"), None);
        assert_eq!(s("linux-x86_64"), None);
    }

    #[test]
    fn our_names() {
        assert_eq!(t("linux-x86_64"), Target::new(Os::Linux, Arch::X86_64));
        assert_eq!(t("linux-aarch64"), Target::new(Os::Linux, Arch::Aarch64));
        assert_eq!(t("macos-arm64"), Target::new(Os::Macos, Arch::Aarch64));
        assert_eq!(
            t("macos-universal2"),
            Target::new(Os::Macos, Arch::Universal2)
        );
        assert_eq!(t("windows-x86"), Target::new(Os::Windows, Arch::X86));
        assert_eq!(t("linux-riscv64"), Target::new(Os::Linux, Arch::Riscv64));
    }

    #[test]
    fn go_and_rust_aliases() {
        assert_eq!(t("linux-amd64"), t("linux-x86_64"));
        assert_eq!(t("darwin-arm64"), t("macos-arm64"));
        assert_eq!(t("windows-amd64"), t("windows-x86_64"));
        assert_eq!(t("windows-386"), t("windows-x86"));
        assert_eq!(t("x86_64-unknown-linux-gnu"), t("linux-x86_64"));
        assert_eq!(t("x86_64-unknown-linux-musl"), t("linux-x86_64"));
        assert_eq!(t("aarch64-apple-darwin"), t("macos-arm64"));
        assert_eq!(t("x86_64-pc-windows-msvc"), t("windows-x86_64"));
        assert_eq!(t("i686-pc-windows-gnu"), t("windows-x86"));
    }

    #[test]
    fn rejects_nonsense() {
        for bad in [
            "linux",
            "linux-sparc",
            "macos-riscv64",
            "linux-universal2",
            "",
            "a-b-c-d-e",
        ] {
            assert_eq!(Target::parse(bad), None, "{bad}");
        }
    }

    /// A spelling with `-` or `/` could never match, since those split the
    /// name (`x86-64` was once listed in vain).
    #[test]
    fn spellings_hold_no_separator() {
        let words = OS_SPELLINGS.iter().map(|(w, _)| w);
        for word in words.chain(ARCH_SPELLINGS.iter().map(|(w, _)| w)) {
            assert!(!word.contains(['-', '/']), "{word}");
        }
        assert_eq!(Target::parse("linux-x86-64"), None);
    }

    #[test]
    fn canonical_names_round_trip() {
        for target in Target::all() {
            assert_eq!(Target::parse(&target.name()), Some(target));
            assert_eq!(
                Target::parse(target.rust_target()),
                Some(target),
                "{target}"
            );
        }
    }

    #[test]
    fn placeholders() {
        let w = t("windows-arm64");
        assert_eq!(w.exe_suffix(), ".exe");
        assert_eq!(w.arch.goarch(), Some("arm64"));
        assert_eq!(w.os.goos(), "windows");
        assert_eq!(t("macos-x86_64").os.goos(), "darwin");
        assert_eq!(t("linux-aarch64").arch_name(), "aarch64");
        assert_eq!(t("macos-aarch64").arch_name(), "arm64");
    }
}
