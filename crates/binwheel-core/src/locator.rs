//! The generated `<package>/_bin/__init__.py`: finds and runs the shipped binaries.
//!
//! Owns the Python text of the locator, the `python -m` entry modules and the
//! console-script entry points that point into the locator. The generated
//! module has no dependencies outside the standard library and imports only
//! what each call needs, so a console command starts fast. It knows binary
//! names and file names, nothing about targets or tags. docs/runtime.md
//! describes the behaviour this text implements.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::error::{Error, Result};

/// One binary as the locator sees it.
#[derive(Debug, Clone)]
pub struct LocatedBinary {
    /// The name users pass as `name=` (`hello`).
    pub name: String,
    /// The file name inside `_bin/` (`hello` or `hello.exe`).
    pub file_name: String,
    /// The directory below `_bin/` that holds it (`bin`), if any.
    pub dir: Option<String>,
    /// The console command that launches it (package layout only).
    pub script: Option<String>,
    /// Installed into the environment's scripts directory (`install = "scripts"`)
    /// rather than into `_bin/`.
    pub in_scripts: bool,
}

/// Name of the launcher function for `binary` (a valid identifier whatever
/// the binary is called).
fn launcher_function(binary: &LocatedBinary) -> String {
    let ident: String = binary
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("_main_{ident}")
}

/// Console scripts (command, object reference) for binaries that declare `script`.
pub fn console_scripts(package: &str, binaries: &[LocatedBinary]) -> Result<Vec<(String, String)>> {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    let mut out = Vec::new();
    for b in binaries {
        let func = launcher_function(b);
        if let Some(other) = seen.insert(func.clone(), &b.name) {
            return Err(Error::new(format!(
                "binaries {other:?} and {:?} differ only in punctuation; rename one of them in [[tool.binwheel.binary]]",
                b.name
            )));
        }
        if let Some(script) = &b.script {
            out.push((script.clone(), format!("{package}._bin:{func}")));
        }
    }
    Ok(out)
}

/// A Python string literal for `s` (double quotes; anything outside printable
/// ASCII escaped), valid in every Python 3 whatever the name contains.
fn py_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if (c as u32) <= 0xff => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) <= 0xffff => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// The Python source of `_bin/__init__.py`.
pub fn render(binaries: &[LocatedBinary]) -> String {
    render_editable(binaries, &[])
}

/// The Python source of `_bin/__init__.py` for an editable install:
/// `sources` maps a binary's name to its file in the source tree (absolute),
/// which the locator prefers while it exists, so that a rebuilt binary takes
/// effect without a reinstall.
pub fn render_editable(binaries: &[LocatedBinary], sources: &[(String, String)]) -> String {
    let mut source_table = String::new();
    for (name, path) in sources {
        let _ = writeln!(source_table, "    {}: {},", py_str(name), py_str(path));
    }
    let mut table = String::new();
    for b in binaries {
        let layout = if b.in_scripts { "scripts" } else { "package" };
        let file = match (&b.dir, b.in_scripts) {
            (Some(dir), false) => format!("{dir}/{}", b.file_name),
            _ => b.file_name.clone(),
        };
        let _ = writeln!(
            table,
            "    {}: ({}, {}),",
            py_str(&b.name),
            py_str(layout),
            py_str(&file)
        );
    }
    let default = match binaries {
        [only] => py_str(&only.name),
        _ => "None".to_string(),
    };
    let mut launchers = String::new();
    for b in binaries {
        let _ = write!(
            launchers,
            "\n\ndef {}():\n    return _launch({})\n",
            launcher_function(b),
            py_str(&b.name)
        );
    }
    TEMPLATE
        .replace("@BINARIES@", &table)
        .replace("@SOURCES@", &source_table)
        .replace("@DEFAULT@", &default)
        .replace("@LAUNCHERS@", &launchers)
}

/// The Python source of `_bin/__main__.py`, so that `python -m <package>._bin
/// ARGS` runs the only binary with ARGS (with several binaries the first
/// argument names one). `None` when there is no binary.
pub fn render_main(binaries: &[LocatedBinary]) -> Option<String> {
    (!binaries.is_empty()).then(|| MAIN.replace("@FROM@", "."))
}

/// The Python source of `<package>/__main__.py`, for a package that has none:
/// `python -m <package> ARGS` then does what `python -m <package>._bin ARGS`
/// does. `None` when there is no binary.
pub fn render_package_main(binaries: &[LocatedBinary]) -> Option<String> {
    (!binaries.is_empty()).then(|| MAIN.replace("@FROM@", "._bin"))
}

const MAIN: &str = r#""""Run this package's binary with the command line's arguments (generated by binwheel)."""

if __name__ == "__main__":
    import sys

    from @FROM@ import _main

    sys.exit(_main())
"#;

const TEMPLATE: &str = r#""""Find and run the executables shipped with this package.

Generated by binwheel; do not edit. Public API:

    path(name=None) -> pathlib.Path
    run(*args, name=None, **kwargs) -> subprocess.CompletedProcess
    exec(*args, name=None)   # the binary replaces this process; never returns
    BinaryNotFoundError      # a FileNotFoundError naming every place looked in

`name` may be left out when the package ships one binary. At import this
module uses only `os` and `sys`, which every interpreter has already loaded;
everything else is imported by the function that needs it.
"""

import os as _os
import sys as _sys

__all__ = ["BinaryNotFoundError", "exec", "path", "run"]

_HERE = _os.path.dirname(_os.path.abspath(__file__))
_WINDOWS = _os.name == "nt"
# name -> (layout, file name). "package": the file is in this directory (or
# the subdirectory the file name starts with, `/`-separated: "bin/hello").
# "scripts": it came from the wheel's .data/scripts/, so the installer put it
# into the scripts directory (bin/, Scripts\) of the scheme it installed into.
_BINARIES = {
@BINARIES@}
_DEFAULT = @DEFAULT@
# Editable installs only: name -> the binary's file in the source tree, used
# while it exists, so that a rebuild takes effect without a reinstall.
_SOURCES = {
@SOURCES@}


class BinaryNotFoundError(FileNotFoundError):
    """The binary is not where its installer should have put it.

    `name` is the binary; `places` is every path looked at, in order.
    """

    def __init__(self, name, places=()):
        self.name = name
        self.places = tuple(places)
        super().__init__(
            "binary %r of %s is not installed; looked for:\n%s\n"
            "  help: reinstall the distribution that provides %s"
            % (
                name,
                __name__,
                "\n".join("  " + place for place in self.places),
                __name__.rpartition(".")[0],
            )
        )

    def __reduce__(self):
        return type(self), (self.name, self.places)


def path(name=None):
    """The absolute path of the binary `name` (the only one when omitted)."""
    import pathlib

    return pathlib.Path(_find(name))


def run(*args, name=None, **kwargs):
    """Run the binary with `args`; keyword arguments go to `subprocess.run`."""
    import subprocess

    return subprocess.run([_find(name), *map(_os.fspath, args)], **kwargs)


def exec(*args, name=None):
    """Run the binary with `args` in place of this process; never returns.

    POSIX: the process becomes the binary (os.execv: same PID; signals, the
    standard streams and the exit code are the binary's). Windows: the binary
    runs as a child that receives Ctrl-C itself, and this process exits with
    its exit code.
    """
    full = _find(name)
    argv = [full, *map(_os.fspath, args)]
    for stream in (_sys.stdout, _sys.stderr):
        try:
            stream.flush()
        except Exception:  # None, closed or broken: nothing to keep
            pass
    if _WINDOWS:
        _sys.exit(_spawn_and_wait(argv))
    previous = _default_signals()
    try:
        _os.execv(full, argv)
    except OSError as error:
        _restore_signals(previous)
        if error.errno == 8:  # ENOEXEC
            raise OSError(
                error.errno,
                "%s cannot run on this machine (%s); the installed wheel was "
                "built for another platform" % (full, error.strerror),
            ) from None
        raise


def _name(name):
    if name is None:
        if _DEFAULT is None:
            raise TypeError(
                "%s ships several binaries; pass name= one of: %s"
                % (__name__, ", ".join(sorted(_BINARIES)))
            )
        return _DEFAULT
    if name in _BINARIES:
        return name
    # The file name works too: "hello.exe" names the binary "hello".
    if isinstance(name, str) and name.lower().endswith(".exe") and name[:-4] in _BINARIES:
        return name[:-4]
    raise ValueError(
        "%s has no binary named %r; it ships: %s"
        % (__name__, name, ", ".join(sorted(_BINARIES)))
    )


def _find(name):
    """The full path of binary `name`, executable, or an error that says what to do."""
    name = _name(name)
    full = _SOURCES.get(name)
    if full is not None and _os.path.isfile(full):
        return _executable(full)
    full = _FOUND.get(name)
    if full is not None and _os.path.isfile(full):
        return _executable(full)
    layout, file_name = _BINARIES[name]
    places = []
    for directory in (_HERE,) if layout == "package" else _scripts_dirs():
        full = _os.path.join(directory, *file_name.split("/"))
        if _os.path.isfile(full):
            _FOUND[name] = full
            return _executable(full)
        places.append(full)
    raise BinaryNotFoundError(name, places)


_FOUND = {}  # name -> where _find() found it last time


def _executable(full):
    if _WINDOWS or _os.access(full, _os.X_OK):
        return full
    # Some tools (zip extractors, copies, some installers) drop the exec bit:
    # put it back wherever there is a read bit.
    try:
        mode = _os.stat(full).st_mode
        _os.chmod(full, mode | ((mode & 0o444) >> 2))
    except OSError as error:
        why = "its mode cannot be changed: %s" % (error.strerror or error)
    else:
        if _os.access(full, _os.X_OK):
            return full
        why = "this user may not execute it, or its file system is mounted noexec"
    raise PermissionError(
        "binary %s is not executable and %s\n  help: run `chmod +x %s` as the "
        "file's owner, or reinstall the package" % (full, why, _shell_quote(full))
    )


def _shell_quote(text):
    safe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./-_"
    if text and all(c in safe for c in text):
        return text
    return "'" + text.replace("'", "'\"'\"'") + "'"


def _scripts_dirs():
    """Each directory an installer may have put this distribution's scripts
    in, most specific first, without repeats."""
    import sysconfig

    seen = set()
    for directory in _scripts_candidates(sysconfig):
        key = directory and _os.path.normcase(_os.path.normpath(directory))
        if key and key not in seen:
            seen.add(key)
            yield directory


def _scripts_candidates(sysconfig):
    # 1. The scheme this copy of the package was installed with, recovered from
    #    where it is: <base>/lib/pythonX.Y/site-packages -> <base>/bin,
    #    <base>\Lib\site-packages -> <base>\Scripts; this covers venvs, the
    #    system, --prefix, --root, --home, the user scheme, Debian's
    #    dist-packages. _HERE is <site>/<package>/_bin, or <site>/<dir> for an
    #    editable install.
    if _os.path.basename(_HERE) == "_bin":
        site = _HERE
        for _ in range(__name__.count(".") + 1):
            site = _os.path.dirname(site)
    else:
        site = _os.path.dirname(_HERE)
    sites = [site]
    real = _os.path.realpath(site)
    if real != site:
        sites.append(real)
    for site in sites:
        for scripts in _scheme_scripts(sysconfig, site):
            yield scripts
    # 2. pip install --target DIR puts scripts into DIR/bin.
    yield _os.path.join(sites[0], "bin")
    # 3. The running interpreter (venv, conda env, system), its base
    #    installation and the user scheme (honours PYTHONUSERBASE).
    yield _scheme_path(sysconfig, None, None)
    base = _sys.base_prefix
    yield _scheme_path(
        sysconfig,
        None,
        {
            "base": base,
            "installed_base": base,
            "platbase": _sys.base_exec_prefix,
            "installed_platbase": _sys.base_exec_prefix,
        },
    )
    if hasattr(sysconfig, "get_preferred_scheme"):  # Python 3.10+
        user = sysconfig.get_preferred_scheme("user")
    elif _WINDOWS:
        user = "nt_user"
    elif _sys.platform == "darwin" and getattr(_sys, "_framework", None):
        user = "osx_framework_user"
    else:
        user = "posix_user"
    yield _scheme_path(sysconfig, user, None)


_BASES = ("base", "platbase", "installed_base", "installed_platbase", "userbase")


def _scheme_scripts(sysconfig, site):
    """The scripts directory of every sysconfig scheme whose purelib or platlib is `site`."""
    marker = _os.path.join(_os.path.abspath(_os.sep), "binwheel-base")
    site_key = _os.path.normcase(site)
    for scheme in sysconfig.get_scheme_names():
        templates = _scheme_paths(sysconfig, scheme, dict.fromkeys(_BASES, marker))
        for key in ("platlib", "purelib"):
            lib = templates.get(key, "")
            if not lib.startswith(marker):
                continue
            suffix = _os.path.normcase(lib[len(marker):])
            if suffix and site_key.endswith(suffix) and len(site) > len(suffix):
                base = site[: len(site) - len(suffix)]
                yield _scheme_paths(sysconfig, scheme, dict.fromkeys(_BASES, base)).get("scripts")
                break


def _scheme_paths(sysconfig, scheme, bases):
    try:
        if scheme is None:
            return sysconfig.get_paths(vars=bases)
        return sysconfig.get_paths(scheme, vars=bases)
    except (KeyError, ValueError, AttributeError):  # a scheme a distributor broke
        return {}


def _scheme_path(sysconfig, scheme, bases):
    return _scheme_paths(sysconfig, scheme, bases).get("scripts")


def _default_signals():
    """Python ignores SIGPIPE and SIGXFSZ, and an ignored signal stays ignored
    across exec: give the binary the defaults, as subprocess does."""
    try:
        import _signal as signal  # loaded by every interpreter at start-up
    except ImportError:
        import signal
    previous = []
    for sig in ("SIGPIPE", "SIGXFSZ"):
        number = getattr(signal, sig, None)
        if number is None:
            continue
        try:
            previous.append((signal, number, signal.signal(number, signal.SIG_DFL)))
        except (OSError, ValueError):  # not the main thread
            pass
    return previous


def _restore_signals(previous):
    for signal, number, handler in previous:
        if handler is not None:
            signal.signal(number, handler)


def _spawn_and_wait(argv):
    """Windows: run the binary as a child and return its exit code."""
    import signal
    import subprocess

    # The console delivers Ctrl-C and Ctrl-Break to every process attached to
    # it, the binary included: the binary decides what they mean, and this
    # process waits for its exit code instead of dying first.
    previous = []
    for sig in ("SIGINT", "SIGBREAK"):
        number = getattr(signal, sig, None)
        if number is None:
            continue
        try:
            previous.append((signal, number, signal.signal(number, signal.SIG_IGN)))
        except (OSError, ValueError):  # not the main thread
            pass
    try:
        process = subprocess.Popen(argv)
    except BaseException:
        _restore_signals(previous)
        raise
    code = process.wait()
    # An exit code is an unsigned 32-bit value (0xC000013A after Ctrl-C);
    # sys.exit() wants a C int, which the OS reads back as the same value.
    return code - (1 << 32) if code > 0x7FFFFFFF else code


def _launch(name, args=None):
    """A console command: exec the binary with this process's arguments.
    Returns only on failure, with the shell's code for it (127, 126)."""
    try:
        exec(*(_sys.argv[1:] if args is None else args), name=name)
    except BinaryNotFoundError as error:
        _sys.stderr.write("%s\n" % error)
        return 127
    except OSError as error:
        _sys.stderr.write("%s\n" % error)
        return 126


def _main(args=None):
    """`python -m <package>._bin [NAME] ARGS`: NAME is needed only when the
    package ships several binaries."""
    args = list(_sys.argv[1:] if args is None else args)
    name = _DEFAULT
    if name is None:
        if not args or args[0] not in _BINARIES:
            _sys.stderr.write(
                "usage: python -m %s NAME [ARGS...]\n  NAME is one of: %s\n"
                % (__name__, ", ".join(sorted(_BINARIES)))
            )
            return 2
        name = args.pop(0)
    return _launch(name, args)


# Console-script entry points ([[tool.binwheel.binary]] `script`).
@LAUNCHERS@"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn hello() -> Vec<LocatedBinary> {
        vec![LocatedBinary {
            name: "hello".into(),
            file_name: "hello".into(),
            dir: None,
            script: Some("hello".into()),
            in_scripts: false,
        }]
    }

    fn two() -> Vec<LocatedBinary> {
        let mut bins = hello();
        bins.push(LocatedBinary {
            name: "hello-admin".into(),
            file_name: "hello-admin.exe".into(),
            dir: None,
            script: None,
            in_scripts: true,
        });
        bins
    }

    #[test]
    fn a_binary_in_a_subdirectory_is_found_there() {
        let mut bins = hello();
        bins[0].dir = Some("bin/x64".into());
        let text = render(&bins);
        assert!(text.contains("    \"hello\": (\"package\", \"bin/x64/hello\"),\n"));
        assert!(text.contains("_os.path.join(directory, *file_name.split(\"/\"))"));
        // The scripts directory has no subdirectories of ours.
        let mut bins = two();
        bins[1].dir = Some("bin".into());
        assert!(render(&bins).contains("(\"scripts\", \"hello-admin.exe\")"));
    }

    #[test]
    fn renders_table_default_and_launchers() {
        let text = render(&hello());
        assert!(text.contains("_BINARIES = {\n    \"hello\": (\"package\", \"hello\"),\n}"));
        assert!(text.contains("_DEFAULT = \"hello\""));
        assert!(text.contains("\n\ndef _main_hello():\n    return _launch(\"hello\")\n"));
        assert!(text.contains("_SOURCES = {\n}"));
        for placeholder in ["@BINARIES@", "@DEFAULT@", "@LAUNCHERS@", "@SOURCES@"] {
            assert!(
                !text.contains(placeholder),
                "{placeholder} left in:\n{text}"
            );
        }
    }

    /// An editable install's locator names the binary's file in the
    /// source tree, and `_find` tries it first.
    #[test]
    fn editable_locators_prefer_the_source_tree() {
        let text = render_editable(
            &hello(),
            &[("hello".into(), "/src/p/bin/h\u{e9}llo".into())],
        );
        assert!(
            text.contains("_SOURCES = {\n    \"hello\": \"/src/p/bin/h\\xe9llo\",\n}"),
            "{text}"
        );
        let find = &text[text.find("def _find(name):").unwrap()..];
        assert!(find.find("_SOURCES.get(name)").unwrap() < find.find("_FOUND.get(name)").unwrap());
    }

    #[test]
    fn several_binaries_have_no_default() {
        let bins = two();
        let text = render(&bins);
        assert!(text.contains("_DEFAULT = None"));
        assert!(text.contains("    \"hello-admin\": (\"scripts\", \"hello-admin.exe\"),\n"));
        assert!(text.contains("def _main_hello_admin():\n    return _launch(\"hello-admin\")"));
        assert_eq!(
            console_scripts("hello", &bins).unwrap(),
            vec![("hello".to_string(), "hello._bin:_main_hello".to_string())]
        );
    }

    #[test]
    fn launcher_names_must_not_collide() {
        let bins = vec![
            LocatedBinary {
                name: "a-b".into(),
                file_name: "a-b".into(),
                dir: None,
                script: None,
                in_scripts: false,
            },
            LocatedBinary {
                name: "a.b".into(),
                file_name: "a.b".into(),
                dir: None,
                script: None,
                in_scripts: false,
            },
        ];
        let err = console_scripts("p", &bins).unwrap_err();
        assert!(
            err.message().contains("differ only in punctuation"),
            "{err}"
        );
    }

    #[test]
    fn python_string_literals() {
        assert_eq!(py_str("hello-1.x_y"), "\"hello-1.x_y\"");
        assert_eq!(py_str("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(
            py_str("é\u{263a}\u{1f600}\n"),
            "\"\\xe9\\u263a\\U0001f600\\x0a\""
        );
    }

    #[test]
    fn main_modules() {
        let main = render_main(&hello()).unwrap();
        assert!(main.contains("if __name__ == \"__main__\":"));
        assert!(main.contains("    from . import _main\n"));
        let package_main = render_package_main(&two()).unwrap();
        assert!(package_main.contains("    from ._bin import _main\n"));
        assert_eq!(render_main(&[]), None);
        assert_eq!(render_package_main(&[]), None);
    }

    /// The generated modules are valid Python (checked when an interpreter is at hand).
    #[test]
    fn generated_python_parses() {
        let candidates = [
            std::env::var("PYO3_PYTHON").unwrap_or_default(),
            "python3".to_string(),
            "python".to_string(),
        ];
        let Some(python) = candidates.iter().find(|p| {
            !p.is_empty()
                && std::process::Command::new(p)
                    .arg("-c")
                    .arg("")
                    .output()
                    .is_ok_and(|o| o.status.success())
        }) else {
            eprintln!("no Python interpreter found; skipping");
            return;
        };
        for text in [
            render(&hello()),
            render(&two()),
            render_main(&hello()).unwrap(),
            render_package_main(&hello()).unwrap(),
        ] {
            let out = std::process::Command::new(python)
                .arg("-c")
                .arg("import ast, sys; ast.parse(sys.argv[1])")
                .arg(&text)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}\n{text}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}
