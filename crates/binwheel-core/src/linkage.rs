//! Linkage: does every shipped executable and library find, at run time,
//! each library it loads, searched the way the system's loader searches?
//!
//! Owns that resolution, for ELF (DT_NEEDED through DT_RUNPATH/DT_RPATH,
//! `$ORIGIN` resolved against the file's own place in the installed tree;
//! the loader never looks beside a file on its own), Mach-O (LC_LOAD_DYLIB
//! through `@loader_path`, `@executable_path` and `@rpath` with the LC_RPATH
//! entries of the loading chain) and PE (imports: a Windows system DLL or a
//! file in the executable's own directory). It is pure: it gets the
//! installed layout (each file's path below the install root with its
//! `inspect` facts) and the libraries the user declares present on the
//! system, and returns what does not resolve. It reads no configuration and
//! no file: `plan` turns the answer into a build error before anything is
//! written, `check` into findings on any wheel.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::inspect::{Facts, Format, Kind, Libc};
use crate::tags;

/// The first component of the path of a file installed into the
/// environment's scripts directory (`bin/`, `Scripts\`): a place apart from
/// the package, so no relative path leads from one to the other.
pub const SCRIPTS: &str = "<scripts>";

/// One file of the installed wheel that the loader may map.
#[derive(Debug, Clone, Copy)]
pub struct Shipped<'a> {
    /// Its path below the install root (site-packages), `/`-separated:
    /// `sona/_bin/bin/sona`; `<scripts>/sona` for a script.
    pub path: &'a str,
    pub facts: &'a Facts,
}

/// A library that a shipped file loads and the loader will not find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// The installed path of the file that loads it.
    pub file: String,
    /// The library as the file names it (`libsochdb.so`, `@rpath/libfoo.dylib`, `foo.dll`).
    pub library: String,
    /// The search path the file carries, as written, with the installed
    /// directory each entry stands for: "RUNPATH `$ORIGIN/../lib` (sona/_bin/lib)".
    pub search: String,
    /// Where the wheel does ship a file of that name, if it does.
    pub shipped_at: Option<String>,
    /// The installed directory the library would have to be in, when the
    /// file's search path leads to one inside the wheel.
    pub wanted_dir: Option<String>,
}

impl Unresolved {
    /// "sona/_bin/bin/sona loads libsochdb.so, but searches only RUNPATH … ;
    /// the wheel has it at sona/_bin/bin/libsochdb.so".
    pub fn message(&self) -> String {
        let mut out = format!(
            "{} loads {}, which the installed wheel does not provide where it looks: it \
             searches {}",
            self.file, self.library, self.search
        );
        match &self.shipped_at {
            Some(at) => out.push_str(&format!("; the wheel has it at {at}")),
            None => out.push_str(&format!(
                "; the wheel does not ship {} and it is not a library the platform promises",
                file_name(&self.library)
            )),
        }
        out
    }

    /// How to make it resolve without touching the binary's bytes.
    pub fn help(&self) -> String {
        let name = file_name(&self.library);
        match &self.wanted_dir {
            Some(dir) => {
                let key = match dir.split_once("/_bin") {
                    Some((_, "")) => {
                        " (binwheel puts a [[tool.binwheel.library]] there by default)".to_string()
                    }
                    Some((_, rest)) if rest.starts_with('/') => format!(
                        " (binwheel: `dir = \"{}\"` on its [[tool.binwheel.library]])",
                        &rest[1..]
                    ),
                    _ => String::new(),
                };
                let what = if self.shipped_at.is_some() {
                    "put"
                } else {
                    "ship"
                };
                format!("{what} {name} at {dir}/{key}")
            }
            None if self.search.starts_with("no RUNPATH") => format!(
                "the loader looks for {name} only in the system's directories: link it \
                 statically, or relink the binary with a RUNPATH such as -Wl,-rpath,'$ORIGIN' \
                 and ship {name} where it points (binwheel never rewrites a binary)"
            ),
            None => format!(
                "relink the binary so that it looks for {name} relative to itself, and ship \
                 {name} there (binwheel never rewrites a binary)"
            ),
        }
    }
}

/// Every library some file of `files` loads and will not find, sorted by
/// file and library. `allow` are libraries the user declares present on
/// every target system (names or install names); they count only when the
/// wheel does not ship a file of that name.
pub fn unresolved(files: &[Shipped<'_>], allow: &[String]) -> Vec<Unresolved> {
    let layout = Layout::new(files, allow);
    let mut reached = vec![false; files.len()];
    let mut out = BTreeMap::new();
    // Executables first: a library they load is judged as loaded by them.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| files[i].facts.kind != Kind::Executable);
    for root in order {
        let kind = files[root].facts.kind;
        let loadable = matches!(kind, Kind::Executable | Kind::SharedLibrary);
        if !loadable || (kind != Kind::Executable && reached[root]) {
            continue;
        }
        let found = match files[root].facts.format {
            Format::Elf => layout.elf(root, &mut reached),
            Format::MachO => layout.macho(root, &mut reached),
            Format::Pe => layout.pe(root, &mut reached),
        };
        for u in found {
            out.entry((u.file.clone(), u.library.clone())).or_insert(u);
        }
    }
    out.into_values().collect()
}

/// The installed files by path, and what resolves on the system.
struct Layout<'a> {
    files: &'a [Shipped<'a>],
    by_path: BTreeMap<&'a str, usize>,
    allow: &'a [String],
}

/// One search path entry: the text as the file carries it and the
/// installed directory it stands for (`None`: outside the wheel, or not
/// known before run time).
struct Entry {
    shown: String,
    dir: Option<String>,
    /// An absolute directory of the system (Mach-O `/usr/lib/swift`).
    system: bool,
}

impl<'a> Layout<'a> {
    fn new(files: &'a [Shipped<'a>], allow: &'a [String]) -> Self {
        let by_path = files.iter().enumerate().map(|(i, f)| (f.path, i)).collect();
        Layout {
            files,
            by_path,
            allow,
        }
    }

    /// The shipped file with `name` in `dir` (case-insensitive for Windows).
    fn find(&self, dir: &str, name: &str, ignore_case: bool) -> Option<usize> {
        let path = join(dir, name)?;
        if let Some(&i) = self.by_path.get(path.as_str()) {
            return Some(i);
        }
        ignore_case.then(|| {
            self.files
                .iter()
                .position(|f| f.path.eq_ignore_ascii_case(&path))
        })?
    }

    /// Some shipped file called like the last component of `library`.
    fn shipped_anywhere(&self, library: &str, ignore_case: bool) -> Option<String> {
        let name = file_name(library);
        self.files
            .iter()
            .find(|f| {
                let own = file_name(f.path);
                own == name || (ignore_case && own.eq_ignore_ascii_case(name))
            })
            .map(|f| f.path.to_string())
    }

    /// Declared present by the user, and not shipped.
    fn allowed(&self, library: &str) -> bool {
        self.allow
            .iter()
            .any(|a| a == library || a == file_name(library))
            && self.shipped_anywhere(library, false).is_none()
    }

    fn unresolved(&self, file: usize, library: &str, entries: &[Entry], kind: &str) -> Unresolved {
        let ignore_case = self.files[file].facts.format == Format::Pe;
        let search = if entries.is_empty() {
            match kind {
                "RUNPATH" | "RPATH" => "no RUNPATH".to_string(),
                "LC_RPATH" => "no LC_RPATH".to_string(),
                other => other.to_string(),
            }
        } else {
            let shown: Vec<String> = entries
                .iter()
                .map(|e| match &e.dir {
                    Some(d) if e.shown.starts_with("the ") => format!("{} ({d})", e.shown),
                    Some(d) => format!("`{}` ({d})", e.shown),
                    None if e.shown.starts_with('/') => format!(
                        "`{}` (a directory of the build machine, not of the installed wheel)",
                        e.shown
                    ),
                    None => format!("`{}` (outside the installed wheel)", e.shown),
                })
                .collect();
            format!("{kind} {}", shown.join(", "))
        };
        Unresolved {
            file: self.files[file].path.to_string(),
            library: library.to_string(),
            search,
            shipped_at: self.shipped_anywhere(library, ignore_case),
            wanted_dir: entries.iter().find_map(|e| e.dir.clone()),
        }
    }

    /// ELF: load `root` and, breadth first as glibc and musl do, everything
    /// it needs. A name already loaded is reused; otherwise DT_RPATH (of the
    /// file, then of the files that loaded it) when the file has no
    /// DT_RUNPATH, else its DT_RUNPATH; then the system (the policy).
    fn elf(&self, root: usize, reached: &mut [bool]) -> Vec<Unresolved> {
        let mut out = Vec::new();
        let mut loaded: BTreeSet<String> = BTreeSet::new();
        loaded.insert(file_name(self.files[root].path).to_string());
        let mut queue = VecDeque::from([(root, Vec::<(String, String)>::new())]);
        let mut seen = BTreeSet::from([root]);
        while let Some((i, inherited)) = queue.pop_front() {
            let Some(elf) = &self.files[i].facts.elf else {
                continue;
            };
            let own_dir = parent(self.files[i].path);
            let own: Vec<(String, String)> = elf
                .runpath
                .iter()
                .flat_map(|r| r.split(':'))
                .filter(|e| !e.is_empty())
                .map(|e| (own_dir.to_string(), e.to_string()))
                .collect();
            let has_runpath = elf.runpath.is_some() && !elf.rpath_inherited;
            let (search, kind) = if has_runpath {
                (own.clone(), "RUNPATH")
            } else {
                (own.iter().chain(&inherited).cloned().collect(), "RPATH")
            };
            let kind = if search.is_empty() { "RUNPATH" } else { kind };
            let for_children: Vec<(String, String)> = if has_runpath {
                inherited.clone()
            } else {
                own.iter().chain(&inherited).cloned().collect()
            };
            let entries: Vec<Entry> = search
                .iter()
                .map(|(origin, e)| elf_entry(origin, e))
                .collect();
            let musl = elf.libc == Some(Libc::Musl);
            for needed in &elf.needed {
                if loaded.contains(needed.as_str()) {
                    continue;
                }
                let found = (!needed.contains('/'))
                    .then(|| {
                        entries
                            .iter()
                            .filter_map(|e| e.dir.as_deref())
                            .find_map(|d| self.find(d, needed, false))
                    })
                    .flatten();
                if let Some(j) = found {
                    loaded.insert(needed.clone());
                    reached[j] = true;
                    if seen.insert(j) {
                        queue.push_back((j, for_children.clone()));
                    }
                } else if tags::system_library(needed, elf.interpreter.as_deref(), musl)
                    || self.allowed(needed)
                {
                    loaded.insert(needed.clone());
                } else {
                    out.push(self.unresolved(i, needed, &entries, kind));
                }
            }
        }
        out
    }

    /// Mach-O: each install name is a system path, or resolves through
    /// `@loader_path`, `@executable_path` or `@rpath` (the LC_RPATH entries
    /// of the file and of the files that loaded it) to a shipped file.
    /// Weak libraries may be missing.
    fn macho(&self, root: usize, reached: &mut [bool]) -> Vec<Unresolved> {
        let mut out = Vec::new();
        let exe_dir = (self.files[root].facts.kind == Kind::Executable)
            .then(|| parent(self.files[root].path).to_string());
        let mut queue = VecDeque::from([(root, Vec::<(String, String)>::new())]);
        let mut seen = BTreeSet::from([root]);
        while let Some((i, inherited)) = queue.pop_front() {
            let Some(macho) = &self.files[i].facts.macho else {
                continue;
            };
            let own_dir = parent(self.files[i].path).to_string();
            for slice in &macho.slices {
                let rpaths: Vec<(String, String)> = slice
                    .rpaths
                    .iter()
                    .map(|r| (own_dir.clone(), r.clone()))
                    .chain(inherited.iter().cloned())
                    .collect();
                for dylib in &slice.dylibs {
                    let (entries, kind) =
                        self.macho_entries(dylib, &own_dir, exe_dir.as_deref(), &rpaths);
                    if entries.iter().any(|e| e.system) || system_dylib(dylib) {
                        continue;
                    }
                    let rest = dylib.split_once('/').map_or("", |(_, r)| r);
                    let found = entries
                        .iter()
                        .filter_map(|e| e.dir.as_deref())
                        .find_map(|d| self.find(d, rest, false));
                    if let Some(j) = found {
                        reached[j] = true;
                        if seen.insert(j) {
                            queue.push_back((j, rpaths.clone()));
                        }
                    } else if !slice.weak_dylibs.contains(dylib) && !self.allowed(dylib) {
                        out.push(self.unresolved(i, dylib, &entries, kind));
                    }
                }
            }
        }
        out
    }

    /// Where a Mach-O install name may be, and what to call that search.
    fn macho_entries(
        &self,
        dylib: &str,
        own_dir: &str,
        exe_dir: Option<&str>,
        rpaths: &[(String, String)],
    ) -> (Vec<Entry>, &'static str) {
        let at = |prefix: &str, base: Option<&str>| Entry {
            shown: prefix.to_string(),
            dir: base.map(str::to_string),
            system: false,
        };
        if dylib.starts_with("@loader_path/") {
            (vec![at("@loader_path", Some(own_dir))], "its own directory")
        } else if dylib.starts_with("@executable_path/") {
            (
                vec![at("@executable_path", exe_dir)],
                "the executable's directory",
            )
        } else if dylib.starts_with("@rpath/") {
            let entries = rpaths
                .iter()
                .map(|(origin, r)| macho_rpath(origin, exe_dir, r))
                .collect();
            (entries, "LC_RPATH")
        } else {
            (
                Vec::new(),
                "only the absolute path of its install name, outside the wheel",
            )
        }
    }

    /// PE: each imported DLL is a Windows system DLL or a file in the
    /// executable's own directory (where Windows looks first).
    fn pe(&self, root: usize, reached: &mut [bool]) -> Vec<Unresolved> {
        let mut out = Vec::new();
        let app_dir = parent(self.files[root].path).to_string();
        let entries = [Entry {
            shown: "the executable's directory".into(),
            dir: Some(app_dir.clone()),
            system: false,
        }];
        let mut queue = VecDeque::from([root]);
        let mut seen = BTreeSet::from([root]);
        while let Some(i) = queue.pop_front() {
            let Some(pe) = &self.files[i].facts.pe else {
                continue;
            };
            for dll in &pe.imports {
                if windows_system_dll(dll) {
                    continue;
                }
                if let Some(j) = self.find(&app_dir, dll, true) {
                    reached[j] = true;
                    if seen.insert(j) {
                        queue.push_back(j);
                    }
                } else if !self.allowed(dll) {
                    out.push(self.unresolved(i, dll, &entries, "the system and"));
                }
            }
        }
        out
    }
}

/// One DT_RUNPATH/DT_RPATH entry of a file in `origin`.
fn elf_entry(origin: &str, entry: &str) -> Entry {
    let rest = entry
        .strip_prefix("$ORIGIN")
        .or_else(|| entry.strip_prefix("${ORIGIN}"));
    let dir = match rest {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => join(origin, rest),
        _ => None,
    };
    Entry {
        shown: entry.to_string(),
        dir,
        system: false,
    }
}

/// One LC_RPATH entry of a file in `origin`.
fn macho_rpath(origin: &str, exe_dir: Option<&str>, rpath: &str) -> Entry {
    let dir = if let Some(rest) = rpath.strip_prefix("@loader_path") {
        join(origin, rest)
    } else if let Some(rest) = rpath.strip_prefix("@executable_path") {
        exe_dir.and_then(|d| join(d, rest))
    } else {
        None
    };
    Entry {
        shown: rpath.to_string(),
        dir,
        system: system_dylib(&format!("{}/", rpath.trim_end_matches('/'))),
    }
}

/// Install names every macOS has: `/usr/lib/…` and `/System/…`.
fn system_dylib(name: &str) -> bool {
    name.starts_with("/usr/lib/") || name.starts_with("/System/")
}

/// DLLs every Windows (10 and later) has: the system's own libraries, the
/// API sets and the Universal CRT, plus what the Python process that loads
/// a wheel's files has already loaded: the Visual C++ runtime Python brings
/// (`vcruntime140.dll`, `msvcp140.dll`) and Python's own DLL (`python3.dll`,
/// `python312.dll`, which extension modules import).
fn windows_system_dll(dll: &str) -> bool {
    let lower = dll.to_ascii_lowercase();
    let stem = lower.strip_suffix(".dll").unwrap_or(&lower);
    stem.starts_with("api-ms-win-")
        || stem.starts_with("ext-ms-")
        || stem.starts_with("vcruntime140")
        || stem.starts_with("msvcp140")
        || (stem.starts_with("python3") && stem[7..].bytes().all(|b| b.is_ascii_digit()))
        || WINDOWS_DLLS.contains(&stem)
}

const WINDOWS_DLLS: &[&str] = &[
    "advapi32",
    "authz",
    "avicap32",
    "avrt",
    "bcrypt",
    "bcryptprimitives",
    "bluetoothapis",
    "cabinet",
    "cfgmgr32",
    "clbcatq",
    "combase",
    "comctl32",
    "comdlg32",
    "credui",
    "crypt32",
    "cryptbase",
    "cryptnet",
    "cryptui",
    "d2d1",
    "d3d10",
    "d3d10_1",
    "d3d11",
    "d3d12",
    "d3d9",
    "d3dcompiler_47",
    "dbghelp",
    "dcomp",
    "dhcpcsvc",
    "dinput8",
    "dnsapi",
    "dsound",
    "dwmapi",
    "dwrite",
    "dxcore",
    "dxgi",
    "dxva2",
    "esent",
    "evr",
    "fltlib",
    "gdi32",
    "gdiplus",
    "glu32",
    "hid",
    "imagehlp",
    "imm32",
    "iphlpapi",
    "kernel32",
    "kernelbase",
    "ksuser",
    "mf",
    "mfcore",
    "mfplat",
    "mfreadwrite",
    "mmdevapi",
    "mpr",
    "msacm32",
    "mscms",
    "mscoree",
    "msi",
    "msimg32",
    "msvcrt",
    "msvfw32",
    "mswsock",
    "ncrypt",
    "ndfapi",
    "netapi32",
    "netutils",
    "newdev",
    "normaliz",
    "ntdll",
    "ntdsapi",
    "ntmarta",
    "odbc32",
    "ole32",
    "oleacc",
    "oleaut32",
    "oledlg",
    "opengl32",
    "pdh",
    "powrprof",
    "profapi",
    "propsys",
    "psapi",
    "qwave",
    "rasapi32",
    "rpcrt4",
    "rstrtmgr",
    "rtworkq",
    "samcli",
    "secur32",
    "sensapi",
    "setupapi",
    "shcore",
    "shell32",
    "shfolder",
    "shlwapi",
    "srvcli",
    "sspicli",
    "sxs",
    "t2embed",
    "tapi32",
    "ucrtbase",
    "uiautomationcore",
    "urlmon",
    "user32",
    "userenv",
    "usp10",
    "uxtheme",
    "version",
    "vssapi",
    "webservices",
    "wer",
    "wevtapi",
    "windowscodecs",
    "winhttp",
    "wininet",
    "winmm",
    "winscard",
    "winspool.drv",
    "wintrust",
    "winusb",
    "wkscli",
    "wlanapi",
    "wldap32",
    "ws2_32",
    "wsock32",
    "wtsapi32",
    "xinput1_4",
    "xinput9_1_0",
    "xmllite",
];

/// The directory part of an installed path (`""` at the root).
fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The last component of a path or install name.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// `dir` joined with the relative `rest` (`../lib/x`), normalised; `None`
/// when it climbs out of the install root or out of the scripts directory.
fn join(dir: &str, rest: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in rest.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none_or(|p| p == SCRIPTS) {
                    return None;
                }
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tags::testing;
    use crate::target::Arch;

    fn elf(kind: Kind, needed: &[&str], runpath: Option<&str>) -> Facts {
        let mut f = testing::elf(
            Arch::X86_64,
            Some("/lib64/ld-linux-x86-64.so.2"),
            needed,
            &[],
        );
        f.kind = kind;
        f.elf.as_mut().unwrap().runpath = runpath.map(str::to_string);
        f
    }

    fn run(files: &[(&str, &Facts)]) -> Vec<Unresolved> {
        let shipped: Vec<Shipped> = files
            .iter()
            .map(|(path, facts)| Shipped { path, facts })
            .collect();
        unresolved(&shipped, &[])
    }

    #[test]
    fn elf_runpath_must_reach_the_library() {
        let exe = elf(
            Kind::Executable,
            &["libsoch.so", "libc.so.6"],
            Some("$ORIGIN/../lib"),
        );
        let lib = elf(Kind::SharedLibrary, &["libc.so.6"], None);
        // Beside the binary: RUNPATH $ORIGIN/../lib does not look there.
        let bad = run(&[("s/_bin/bin/sona", &exe), ("s/_bin/bin/libsoch.so", &lib)]);
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert_eq!(bad[0].file, "s/_bin/bin/sona");
        assert_eq!(bad[0].library, "libsoch.so");
        assert_eq!(bad[0].search, "RUNPATH `$ORIGIN/../lib` (s/_bin/lib)");
        assert_eq!(bad[0].shipped_at.as_deref(), Some("s/_bin/bin/libsoch.so"));
        assert_eq!(
            bad[0].help(),
            "put libsoch.so at s/_bin/lib/ (binwheel: `dir = \"lib\"` on its [[tool.binwheel.library]])"
        );
        assert!(run(&[("s/_bin/bin/sona", &exe), ("s/_bin/lib/libsoch.so", &lib)]).is_empty());
        // From the _bin root, ../lib leaves _bin.
        let bad = run(&[("s/_bin/sona", &exe), ("s/_bin/libsoch.so", &lib)]);
        assert_eq!(bad[0].wanted_dir.as_deref(), Some("s/lib"));
    }

    #[test]
    fn elf_without_runpath_finds_only_the_system() {
        let exe = elf(Kind::Executable, &["libfoo.so.1", "libc.so.6"], None);
        let lib = elf(Kind::SharedLibrary, &["libc.so.6"], None);
        let bad = run(&[("s/_bin/x", &exe), ("s/_bin/libfoo.so.1", &lib)]);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].search, "no RUNPATH");
        assert!(
            bad[0].help().contains("-Wl,-rpath,'$ORIGIN'"),
            "{}",
            bad[0].help()
        );
        let bad = run(&[("s/_bin/x", &exe)]);
        assert!(
            bad[0].message().contains("does not ship libfoo.so.1"),
            "{}",
            bad[0].message()
        );
        let shipped = [Shipped {
            path: "s/_bin/x",
            facts: &exe,
        }];
        assert!(unresolved(&shipped, &["libfoo.so.1".into()]).is_empty());
        // Absolute entries name the build machine.
        let abs = elf(
            Kind::Executable,
            &["libfoo.so.1"],
            Some("/home/ci/lib:$ORIGIN"),
        );
        assert!(run(&[("s/_bin/x", &abs), ("s/_bin/libfoo.so.1", &lib)]).is_empty());
        let bad = run(&[("s/_bin/x", &abs), ("s/_bin/lib/libfoo.so.1", &lib)]);
        assert!(bad[0].search.contains("build machine"), "{}", bad[0].search);
    }

    #[test]
    fn elf_libraries_resolve_through_their_loaders() {
        // libA needs libB; libB is found because the executable loaded it
        // first, or through an inherited DT_RPATH, never through a RUNPATH of
        // the executable alone.
        let exe_both = elf(
            Kind::Executable,
            &["libA.so", "libB.so"],
            Some("$ORIGIN/lib"),
        );
        let exe_a = elf(Kind::Executable, &["libA.so"], Some("$ORIGIN/lib"));
        let a = elf(Kind::SharedLibrary, &["libB.so"], None);
        let b = elf(Kind::SharedLibrary, &[], None);
        let layout = |exe| [("p/x", exe), ("p/lib/libA.so", &a), ("p/lib/libB.so", &b)];
        assert!(run(&layout(&exe_both)).is_empty());
        let bad = run(&layout(&exe_a));
        assert_eq!(
            (bad[0].file.as_str(), bad[0].library.as_str()),
            ("p/lib/libA.so", "libB.so")
        );
        let mut exe_rpath = exe_a.clone();
        exe_rpath.elf.as_mut().unwrap().rpath_inherited = true;
        assert!(run(&layout(&exe_rpath)).is_empty());
    }

    fn macho(kind: Kind, dylibs: &[&str], weak: &[&str], rpaths: &[&str]) -> Facts {
        let mut slice = testing::slice(Arch::Aarch64, (11, 0, 0));
        slice.kind = kind;
        slice.dylibs.extend(dylibs.iter().map(|s| s.to_string()));
        slice.weak_dylibs = weak.iter().map(|s| s.to_string()).collect();
        slice.rpaths = rpaths.iter().map(|s| s.to_string()).collect();
        let mut f = testing::macho(vec![slice]);
        f.kind = kind;
        f
    }

    #[test]
    fn macho_install_names_resolve_through_the_loading_chain() {
        let lib = macho(Kind::SharedLibrary, &[], &[], &[]);
        // @executable_path from a library means the executable's directory.
        let exe = macho(Kind::Executable, &["@loader_path/libA.dylib"], &[], &[]);
        let a = macho(
            Kind::SharedLibrary,
            &["@executable_path/../lib/libB.dylib"],
            &[],
            &[],
        );
        let ok = [
            ("p/bin/x", &exe),
            ("p/bin/libA.dylib", &a),
            ("p/lib/libB.dylib", &lib),
        ];
        assert!(run(&ok).is_empty(), "{:?}", run(&ok));
        // @rpath in a library is tried with the executable's LC_RPATH too.
        let exe = macho(
            Kind::Executable,
            &["@rpath/libA.dylib"],
            &[],
            &["@loader_path/../lib"],
        );
        let a = macho(Kind::SharedLibrary, &["@rpath/libB.dylib"], &[], &[]);
        let layout = [
            ("p/bin/x", &exe),
            ("p/lib/libA.dylib", &a),
            ("p/lib/libB.dylib", &lib),
        ];
        assert!(run(&layout).is_empty());
        let bad = run(&layout[..2]);
        assert_eq!(bad[0].file, "p/lib/libA.dylib");
        assert_eq!(bad[0].search, "LC_RPATH `@loader_path/../lib` (p/lib)");
        // Weak ones may be missing; absolute paths outside the system may not.
        let exe = macho(
            Kind::Executable,
            &["@rpath/libW.dylib", "/opt/homebrew/lib/libssl.3.dylib"],
            &["@rpath/libW.dylib"],
            &[],
        );
        let bad = run(&[("p/x", &exe)]);
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert!(bad[0].search.contains("absolute path"), "{}", bad[0].search);
        assert!(
            bad[0].help().starts_with("relink the binary"),
            "{}",
            bad[0].help()
        );
    }

    #[test]
    fn pe_imports_are_looked_for_in_the_executables_directory() {
        let mut exe = testing::pe(Arch::X86_64);
        exe.pe.as_mut().unwrap().imports = vec!["KERNEL32.dll".into(), "Foo.DLL".into()];
        let mut dll = testing::pe(Arch::X86_64);
        dll.kind = Kind::SharedLibrary;
        assert!(run(&[("p/_bin/x.exe", &exe), ("p/_bin/foo.dll", &dll)]).is_empty());
        let bad = run(&[("p/_bin/x.exe", &exe), ("p/_bin/lib/foo.dll", &dll)]);
        assert_eq!(
            bad[0].search,
            "the system and the executable's directory (p/_bin)"
        );
        assert_eq!(
            bad[0].help(),
            "put Foo.DLL at p/_bin/ (binwheel puts a [[tool.binwheel.library]] there by default)"
        );
    }

    #[test]
    fn joins_stay_inside_the_tree() {
        assert_eq!(join("a/_bin/bin", "/../lib").as_deref(), Some("a/_bin/lib"));
        assert_eq!(join("a", "../.."), None);
        assert_eq!(join("<scripts>", "../lib"), None);
        assert_eq!(join("", "x").as_deref(), Some("x"));
        assert!(windows_system_dll("KERNEL32.dll"));
        assert!(windows_system_dll("api-ms-win-crt-runtime-l1-1-0.dll"));
        assert!(!windows_system_dll("foo.dll"));
        assert!(windows_system_dll("python312.dll") && windows_system_dll("PYTHON3.DLL"));
        assert!(!windows_system_dll("python3x.dll"));
    }
}
