"""The launcher and the generated locator at run time (issue 4): the console
command is the binary (signals, PID, stdin, argv, exit code), the lost exec
bit, a missing binary, `python -m <package>._bin`, several binaries, the
import cost of the launcher, and the build-time guard against a command name
used twice. The install matrix is tests/test_install_matrix.py."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import helpers
from helpers import EXE, IS_WINDOWS, describe, run
from helpers import build_once, layout_project

VERSION = helpers.EXAMPLE_VERSION
LINUX = sys.platform.startswith("linux")
posix_only = pytest.mark.skipif(IS_WINDOWS, reason="POSIX exec, signals and modes")
linux_only = pytest.mark.skipif(not LINUX, reason="reads /proc")


@pytest.fixture
def fresh(tools, layout_wheels, tmp_path):
    """fresh(layout) -> a new venv with that layout's wheel installed (uv pip)."""

    def make(layout: str = "package") -> helpers.Venv:
        venv = tools.venv(tmp_path / f"venv-{layout}")
        # Copies, not uv's default hard links into its cache: these tests
        # change the installed binary (mode, contents), which must not reach
        # the cache and from there every other venv of the run.
        run(
            [helpers.uv_bin(), "pip", "install", "--python", venv.python, "--no-deps", "--no-index",
             "--link-mode", "copy", layout_wheels[layout]],
            env=tools.env(),
        )
        return venv

    return make


def locate(venv: helpers.Venv, name: str = "hello") -> Path:
    proc = venv.python_code(f"import hello._bin as b; print(b.path({name!r}))")
    return Path(proc.stdout.strip())


def read_line(stream, timeout: float = 15.0) -> str:
    box: list = []
    reader = threading.Thread(target=lambda: box.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    assert box, f"no line within {timeout}s"
    return box[0]


def processes_running(binary: Path) -> list[int]:
    """PIDs whose executable is ``binary`` (Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.path.samefile(entry / "exe", binary):
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def children_of(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                kids.append(int(entry.name))
    return kids


# ---------------------------------------------------------------------------
# The command is the binary


@posix_only
@pytest.mark.parametrize(
    "layout, how",
    [("package", "command"), ("package", "python -m hello._bin"), ("scripts", "command"), ("scripts", "python -m hello._bin")],
)
def test_sigterm_stops_the_binary(layout, how, fresh, popen_cleanup):
    """SIGTERM sent to what the user started reaches the server itself: it is
    the same process (execv), it exits within a second with the server's own
    clean exit code, and nothing is left running or listening."""
    venv = fresh(layout)
    binary = locate(venv)
    argv = [str(venv.bin / f"hello{EXE}")] if how == "command" else [str(venv.python), "-m", "hello._bin"]
    proc = subprocess.Popen(
        [*argv, "serve", "--port", "0"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=venv.env(),
    )
    popen_cleanup(proc)
    info = json.loads(read_line(proc.stdout))
    assert info["status"] == "ready", info
    if LINUX:
        assert os.path.samefile(f"/proc/{proc.pid}/exe", binary), "the command's PID is not the binary"
        assert children_of(proc.pid) == [], "the binary runs under a launcher process"
    start = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pytest.fail("the command did not exit within 5 s of SIGTERM")
    elapsed = time.monotonic() - start
    stderr = proc.stderr.read()
    assert code == 0, f"exit code {code}; stderr:\n{stderr}"
    assert elapsed < 1.0, f"took {elapsed:.2f} s to stop"
    assert "terminated received, shutting down" in stderr, stderr
    with socket.socket() as sock:
        sock.settimeout(2)
        assert sock.connect_ex(("127.0.0.1", info["port"])) != 0, "still listening"
    if LINUX:
        assert processes_running(binary) == [], "an orphaned server is still running"


@pytest.mark.parametrize("how", ["command", "python -m hello._bin", "exec()"])
def test_stdin_and_stdout_are_the_binary_s(how, fresh):
    """Binary data goes through untouched (no text decoding, no buffering)."""
    venv = fresh("package")
    argv = {
        "command": [venv.bin / f"hello{EXE}", "echo"],
        "python -m hello._bin": [venv.python, "-m", "hello._bin", "echo"],
        "exec()": [venv.python, "-c", "import hello._bin as b; b.exec('echo')"],
    }[how]
    data = bytes(range(256)) * 4096 + b"\r\n\x00end"
    proc = subprocess.run([str(a) for a in argv], input=data, capture_output=True, env=venv.env(), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == data


ARGS_SCRIPT = """#!/bin/sh
echo "pid $$"
for arg in "$@"; do echo "[$arg]"; done
grep '^SigIgn:' /proc/self/status
exit 42
"""


@linux_only
@pytest.mark.parametrize(
    "layout, how",
    [("package", "command"), ("package", "python -m hello._bin"), ("package", "exec()"), ("scripts", "exec()")],
)
def test_argv_exit_code_and_signal_dispositions(layout, how, fresh):
    """Arguments arrive exactly as given, the exit code is the program's, the
    program keeps the PID, and it starts with SIGPIPE and SIGXFSZ at their
    defaults (Python ignores both, and an ignored signal survives exec). The
    binary is swapped for a shell script that reports all of that."""
    venv = fresh(layout)
    binary = locate(venv)
    binary.write_text(ARGS_SCRIPT)
    binary.chmod(0o755)
    args = ["plain", "two words", "", "ünïcödé", "--flag=a b", "*", "$HOME"]
    argv = {
        "command": [venv.bin / f"hello{EXE}"],
        "python -m hello._bin": [venv.python, "-m", "hello._bin"],
        "exec()": [venv.python, "-c", "import sys, hello._bin as b; b.exec(*sys.argv[1:])"],
    }[how]
    proc = subprocess.Popen([str(a) for a in argv] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=venv.env())
    out, err = proc.communicate(timeout=30)
    lines = out.decode().splitlines()
    assert proc.returncode == 42, (out, err)
    assert lines[0] == f"pid {proc.pid}", "the program does not run in the command's process"
    assert lines[1:-1] == [f"[{a}]" for a in args]
    ignored = int(lines[-1].split()[1], 16)
    for sig in (signal.SIGPIPE, signal.SIGXFSZ):
        assert not ignored & (1 << (sig - 1)), f"{sig.name} is ignored in the program ({lines[-1]})"


@posix_only
def test_launcher_imports_little(tools, light_wheel, tmp_path):
    """Before the exec, the console command imports the package, the locator
    and nothing else of ours: no pathlib, subprocess, sysconfig or signal (for
    a package whose own __init__ is light: the generated one here)."""
    venv = tools.venv(tmp_path / "venv")
    venv.install_wheel(light_wheel)
    proc = run([venv.bin / "hello", "--version"], env=venv.env(PYTHONPROFILEIMPORTTIME="1"))
    assert proc.stdout == f"hello {VERSION}\n"
    imported = {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert {"hello", "hello._bin"} <= imported, imported
    heavy = imported & {"pathlib", "subprocess", "sysconfig", "signal", "shutil", "tempfile", "importlib.metadata", "json"}
    assert not heavy, f"the launcher imported {sorted(heavy)}"


# ---------------------------------------------------------------------------
# `python -m`, several binaries


def test_python_m(fresh, light_wheel, tools, tmp_path):
    """`python -m hello._bin ARGS` runs the binary (both layouts); `python -m
    hello` too when the package brings no __main__.py of its own."""
    for layout in ("package", "scripts"):
        venv = fresh(layout)
        proc = venv.run(venv.python, "-m", "hello._bin", "--version")
        assert proc.stdout == f"hello {VERSION}\n", describe(proc)
        proc = venv.run(venv.python, "-m", "hello._bin", "frobnicate", check=False)
        assert proc.returncode == 2 and "unknown command" in proc.stderr, describe(proc)
    venv = tools.venv(tmp_path / "light")
    venv.install_wheel(light_wheel)
    proc = venv.run(venv.python, "-m", "hello", "--version")
    assert proc.stdout == f"hello {VERSION}\n", describe(proc)


def two_binaries(dest: Path) -> Path:
    project = layout_project(dest, "package")
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    extra = '[[tool.binwheel.binary]]\nname = "hello2"\npath = "bin/{target}/hello{exe}"\n\n'
    pyproject.write_text(text.replace("[tool.binwheel.targets]", extra + "[tool.binwheel.targets]"), encoding="utf-8")
    return project


SEVERAL = r"""
import json, hello._bin as b
out = {}
try:
    b.path()
except TypeError as e:
    out["no name"] = str(e)
out["hello2"] = b.run("--version", name="hello2", capture_output=True, text=True).stdout
try:
    b.path("nope")
except ValueError as e:
    out["unknown"] = str(e)
print(json.dumps(out))
"""


def test_several_binaries(tools, tmp_path_factory, tmp_path):
    wheel = build_once(tools, tmp_path_factory, "two-binaries", two_binaries)
    venv = tools.venv(tmp_path / "venv")
    venv.install_wheel(wheel)
    out = json.loads(venv.python_code(SEVERAL).stdout)
    assert "pass name= one of: hello, hello2" in out["no name"], out
    assert out["hello2"] == f"hello {VERSION}\n"
    assert "no binary named 'nope'; it ships: hello, hello2" in out["unknown"], out
    proc = venv.run("hello", "--version")  # the first one's `script`
    assert proc.stdout == f"hello {VERSION}\n"
    proc = venv.run(venv.python, "-m", "hello._bin", check=False)
    assert proc.returncode == 2 and "NAME is one of: hello, hello2" in proc.stderr, describe(proc)
    proc = venv.run(venv.python, "-m", "hello._bin", "hello2", "--version")
    assert proc.stdout == f"hello {VERSION}\n", describe(proc)


# ---------------------------------------------------------------------------
# Lost exec bit, missing binary, which copy is found


@posix_only
@pytest.mark.parametrize("layout", ["package", "scripts"])
def test_lost_exec_bit_is_restored(layout, fresh):
    venv = fresh(layout)
    binary = locate(venv)
    binary.chmod(0o644)
    if layout == "package":
        proc = venv.run("hello", "--version")
    else:  # the command is the binary itself; the locator is what can repair it
        proc = venv.python_code("import hello._bin as b; print(b.run('--version', capture_output=True, text=True).stdout, end='')")
    assert proc.stdout == f"hello {VERSION}\n", describe(proc)
    assert stat.S_IMODE(binary.stat().st_mode) == 0o755


def read_only_mount_works(tmp: Path) -> bool:
    """Can this process mount a directory read-only in a user namespace?"""
    if not LINUX or shutil.which("unshare") is None:
        return False
    probe = tmp / "ro-probe"
    probe.mkdir()
    proc = run(["unshare", "-rm", "sh", "-c", RO_EXEC, "sh", probe, "sh", "-c", "! touch \"$0/x\"", probe], check=False)
    return proc.returncode == 0


# sh -c RO_EXEC sh DIR CMD...: run CMD with DIR mounted read-only
RO_EXEC = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" && shift && exec "$@"'

PATH_ERROR = r"""
import hello._bin as b
try:
    b.path()
except PermissionError as e:
    print(e)
"""


@posix_only
@pytest.mark.parametrize("layout", ["package", "scripts"])
def test_lost_exec_bit_on_a_read_only_file_system(layout, fresh, tmp_path):
    """When the bit cannot be put back, the error says which file and how to fix it."""
    if not read_only_mount_works(tmp_path):
        pytest.skip("needs `unshare -rm` (user and mount namespaces) to mount read-only")
    venv = fresh(layout)
    binary = locate(venv)
    binary.chmod(0o644)
    ro = ["unshare", "-rm", "sh", "-c", RO_EXEC, "sh", binary.parent]
    if layout == "package":
        proc = run([*ro, venv.bin / "hello", "--version"], env=venv.env(), check=False)
        assert proc.returncode == 126, describe(proc)
        assert proc.stdout == ""
        assert f"binary {binary} is not executable" in proc.stderr, describe(proc)
        assert "Read-only file system" in proc.stderr, describe(proc)
        assert f"help: run `chmod +x {binary}`" in proc.stderr, describe(proc)
        assert "Traceback" not in proc.stderr
    proc = run([*ro, venv.python, "-c", PATH_ERROR], env=venv.env())
    assert f"binary {binary} is not executable and its mode cannot be changed" in proc.stdout, describe(proc)
    assert f"chmod +x {binary}" in proc.stdout
    assert stat.S_IMODE(binary.stat().st_mode) == 0o644


CHMOD_FAILS = r"""
import errno, os, sys
def chmod(*args, **kwargs):
    raise PermissionError(errno.EPERM, "Operation not permitted")
os.chmod = chmod
import hello._bin as b
sys.exit(b._main_hello())
"""


@posix_only
def test_lost_exec_bit_error_when_chmod_is_refused(fresh):
    """The same message when chmod is refused (a file owned by another user)."""
    venv = fresh("package")
    binary = locate(venv)
    binary.chmod(0o644)
    proc = venv.python_code(CHMOD_FAILS, check=False)
    assert proc.returncode == 126, describe(proc)
    assert f"its mode cannot be changed: Operation not permitted\n  help: run `chmod +x {binary}`" in proc.stderr


MISSING = r"""
import json, hello._bin as b
try:
    b.path()
except FileNotFoundError as e:
    print(json.dumps({"type": type(e).__name__, "places": list(e.places), "message": str(e)}))
"""


@pytest.mark.parametrize("layout", ["package", "scripts"])
def test_missing_binary(layout, fresh):
    venv = fresh(layout)
    binary = locate(venv)
    binary.unlink()
    out = json.loads(venv.python_code(MISSING).stdout)
    assert out["type"] == "BinaryNotFoundError"
    assert out["places"][0] == str(binary), out
    assert len(set(out["places"])) == len(out["places"]), out
    for place in out["places"]:
        assert f"\n  {place}\n" in out["message"], out
    assert out["message"].startswith("binary 'hello' of hello._bin is not installed; looked for:\n")
    assert out["message"].endswith("help: reinstall the distribution that provides hello")
    if layout == "package":
        assert out["places"] == [str(binary)]
        proc = venv.run("hello", "--version", check=False)
        assert proc.returncode == 127, describe(proc)
        assert proc.stderr == out["message"] + "\n", describe(proc)


@posix_only
def test_binary_for_another_platform(fresh):
    """A file the kernel cannot execute (ENOEXEC) is reported as such, not as a traceback."""
    venv = fresh("package")
    binary = locate(venv)
    binary.write_bytes(b"\x00not a program for this machine\x00" * 64)
    binary.chmod(0o755)
    proc = venv.run("hello", "--version", check=False)
    assert proc.returncode == 126, describe(proc)
    assert f"{binary} cannot run on this machine" in proc.stderr, describe(proc)
    assert "the installed wheel was built for another platform" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_own_installation_comes_first(tools, layout_wheels, tmp_path):
    """A scripts-layout binary installed with --target is found in DIR/bin even
    when the running venv has another `hello` on its own scripts directory."""
    venv = tools.venv(tmp_path / "venv")
    target = tmp_path / "target"
    tools.pip("install", "--no-deps", "--target", target, layout_wheels["scripts"], python=venv.python)
    decoy = venv.bin / f"hello{EXE}"
    decoy.write_text("#!/bin/sh\necho decoy\n")
    decoy.chmod(0o755)
    proc = run(
        [venv.python, "-c", "import hello._bin as b; print(b.path()); print(b.run('--version', capture_output=True, text=True).stdout)"],
        env=venv.env(PYTHONPATH=str(target)),
    )
    where, output = proc.stdout.split("\n", 1)
    assert os.path.samefile(where, target / "bin" / f"hello{EXE}"), describe(proc)
    assert output.strip() == f"hello {VERSION}"


@pytest.mark.parametrize("layout", ["package", "scripts"])
def test_editable_install(layout, tools, tmp_path):
    """An editable install serves hello._bin from outside the package
    directory; the locator still finds the binary, in either layout: in
    the package layout the one in the project tree itself, so a rebuild
    takes effect without a reinstall."""
    project = layout_project(tmp_path / "project", layout)
    venv = tools.venv(tmp_path / "venv")
    tools.pip("install", "--no-deps", "-e", project, python=venv.python)
    proc = venv.run("hello", "--version")
    assert proc.stdout == f"hello {VERSION}\n", describe(proc)
    found = locate(venv)
    if layout == "scripts":
        assert os.path.samefile(found, venv.bin / f"hello{EXE}")
    else:
        assert os.path.samefile(found, project / "bin" / helpers.host_target() / f"hello{EXE}"), found
    proc = venv.python_code("import hello._bin as b; print(b.run('echo', input='x', capture_output=True, text=True).stdout)")
    assert proc.stdout == "x\n"


# ---------------------------------------------------------------------------
# Build-time guard


@pytest.mark.parametrize("layout", ["package", "scripts"])
def test_command_also_in_project_scripts_is_refused(layout, tools, tmp_path):
    """pip would silently keep only one of two commands with the same name."""
    project = layout_project(tmp_path / "project", layout)
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(
        text.replace("[tool.binwheel]\n", '[project.scripts]\nhello = "hello:main"\n\n[tool.binwheel]\n', 1),
        encoding="utf-8",
    )
    proc = tools.pip_wheel(project, tmp_path / "dist", check=False)
    assert proc.returncode != 0, describe(proc)
    output = proc.stdout + proc.stderr
    what = (
        'installed into scripts/ (install = "scripts") by binary "hello"'
        if layout == "scripts"
        else 'the `script` of binary "hello"'
    )
    assert f'command "hello" is both {what} and an entry in [project.scripts]' in output, describe(proc)
    assert "pip would silently keep only one of them; rename one" in output
    assert not list((tmp_path / "dist").glob("*.whl"))
