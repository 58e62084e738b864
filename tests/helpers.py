"""Shared machinery for binwheel's end-to-end tests.

Everything here runs real tools in subprocesses: frontends (pip, build, uv)
build the example through binwheel's hooks with build isolation on, and the
results are installed into fresh virtual environments. Nothing here imports
binwheel itself; the backend is only ever reached through a frontend.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Optional, Sequence

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "hello-server"
CACHE = REPO / ".cache"
TOOLS_PYTHON = Path(sys.executable)  # the tools venv that runs pytest

EXAMPLE_NAME = "hello-server"
EXAMPLE_VERSION = "0.1.0"
EXAMPLE_PACKAGE = "hello"

IS_WINDOWS = os.name == "nt"
EXE = ".exe" if IS_WINDOWS else ""

# ELF e_machine values (see elf.h)
EM_X86_64 = 62
EM_AARCH64 = 183
ELF_MACHINES = {"x86_64": EM_X86_64, "aarch64": EM_AARCH64}


# ---------------------------------------------------------------------------
# Targets


def host_target() -> str:
    """binwheel's name for this machine, e.g. ``linux-x86_64``."""
    system = {"linux": "linux", "darwin": "macos", "windows": "windows"}[platform.system().lower()]
    machine = platform.machine().lower()
    arch = {"amd64": "x86_64", "x86_64": "x86_64", "arm64": "aarch64", "aarch64": "aarch64"}[machine]
    if arch == "aarch64" and system != "linux":
        arch = "arm64"
    return f"{system}-{arch}"


def other_linux_target() -> str:
    """A Linux target of the other architecture than this machine (for cross builds)."""
    return "linux-x86_64" if platform.machine().lower() in ("aarch64", "arm64") else "linux-aarch64"


def target_arch(target: str) -> str:
    """``linux-aarch64`` -> ``aarch64``; normalises arm64 to aarch64."""
    arch = target.split("-", 1)[1]
    return "aarch64" if arch == "arm64" else arch


# ---------------------------------------------------------------------------
# Processes


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive inter-process lock (pytest-xdist workers share builds through it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        if IS_WINDOWS:
            import msvcrt

            while True:
                try:
                    handle.seek(0)
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:  # LK_LOCK gives up after ~10 s; keep waiting
                    time.sleep(0.5)
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def base_env() -> dict[str, str]:
    """os.environ without settings that would leak into (and change) a build or install."""
    drop_prefixes = ("PIP_", "UV_", "BINWHEEL_", "PYTHON", "CONDA", "GO", "CGO_")
    drop = {"VIRTUAL_ENV", "SOURCE_DATE_EPOCH", "_PYPROJECT_HOOKS_BUILD_BACKEND"}
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop_prefixes) and k not in drop}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONUTF8"] = "1"
    return env


def run(
    cmd: Sequence[object],
    *,
    env: Optional[Mapping[str, str]] = None,
    cwd: Optional[Path] = None,
    check: bool = True,
    timeout: float = 600,
    input: Optional[str] = None,
) -> subprocess.CompletedProcess:
    """Run ``cmd``; stdout and stderr are both captured (text). On an unexpected
    exit code the AssertionError shows the command and everything it printed."""
    argv = [str(c) for c in cmd]
    proc = subprocess.run(
        argv,
        env=dict(env) if env is not None else None,
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
    )
    if check and proc.returncode != 0:
        raise AssertionError(describe(proc))
    return proc


def describe(proc: subprocess.CompletedProcess) -> str:
    argv = proc.args if isinstance(proc.args, str) else " ".join(map(str, proc.args))
    return (
        f"command: {argv}\nexit code: {proc.returncode}\n"
        f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
    )


def uv_bin() -> str:
    from uv import find_uv_bin

    return find_uv_bin()


# ---------------------------------------------------------------------------
# binwheel's own wheel


def find_binwheel_wheel(wheelhouse: Path) -> Optional[Path]:
    wheels = sorted(wheelhouse.glob("binwheel-*.whl"), key=lambda p: p.stat().st_mtime)
    return wheels[-1] if wheels else None


def ensure_binwheel_wheel(wheelhouse: Path) -> Path:
    """The binwheel wheel in ``wheelhouse``, built by .ci/build-wheel (as a
    release builds it) if there is none.

    ``tests/run`` always rebuilds it before pytest; building here only covers
    running pytest directly on a fresh checkout.
    """
    with file_lock(wheelhouse / ".lock"):
        wheel = find_binwheel_wheel(wheelhouse)
        if wheel is None:
            env = {**os.environ, "PYO3_PYTHON": str(TOOLS_PYTHON)}
            env["PATH"] = str(TOOLS_PYTHON.parent) + os.pathsep + env.get("PATH", "")
            env.setdefault("ZIG_GLOBAL_CACHE_DIR", str(CACHE / "zig"))
            run(["bash", REPO / ".ci" / "build-wheel", "host", wheelhouse], cwd=REPO, env=env, timeout=1800)
            wheel = find_binwheel_wheel(wheelhouse)
        assert wheel is not None, f"no binwheel wheel in {wheelhouse}"
        return wheel


# ---------------------------------------------------------------------------
# The example's prebuilt executables


def _example_source_key() -> str:
    digest = hashlib.sha256()
    for name in ("main.go", "go.mod", "build-binaries.py", "pyproject.toml"):
        digest.update(name.encode() + b"\0" + (EXAMPLE / name).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def example_binary(target: str) -> Path:
    """``hello`` built for ``target`` by the example's build-binaries.py, cached
    in .cache/example-bin/<hash of the Go sources>/ and shared between workers."""
    exe = ".exe" if target.startswith("windows") else ""
    out = CACHE / "example-bin" / _example_source_key()
    dest = out / target / f"hello{exe}"
    with file_lock(CACHE / "example-bin" / ".lock"):
        if not dest.is_file():
            env = base_env()
            env["HELLO_GO_CACHE"] = str(CACHE / "go")
            env["PATH"] = str(TOOLS_PYTHON.parent) + os.pathsep + env.get("PATH", "")
            run(
                [TOOLS_PYTHON, EXAMPLE / "build-binaries.py", target, "--out", out],
                env=env,
                timeout=1200,
            )
    assert dest.is_file(), dest
    return dest


def copy_example(dest: Path, targets: Iterable[str] = (), build_command: bool = True) -> Path:
    """A copy of examples/hello-server at ``dest`` with the prebuilt binaries of
    ``targets`` (and no others) at bin/<target>/hello. With ``build_command=False``
    the binary's `build` and `build-requires` keys are removed, so a missing
    prebuilt file is an error instead of a reason to run `go build`."""
    shutil.copytree(
        EXAMPLE,
        dest,
        ignore=shutil.ignore_patterns("bin", "dist", "build", ".cache", "__pycache__", "*.egg-info", "*.pyc"),
    )
    if not build_command:
        pyproject = dest / "pyproject.toml"
        text = pyproject.read_text(encoding="utf-8")
        stripped = re.sub(r"(?m)^build(-requires)? = .*\n", "", text)
        assert stripped.count("\n") == text.count("\n") - 2, "expected `build` and `build-requires` lines"
        pyproject.write_text(stripped, encoding="utf-8")
    for target in targets:
        binary = example_binary(target)
        (dest / "bin" / target).mkdir(parents=True, exist_ok=True)
        shutil.copy2(binary, dest / "bin" / target / binary.name)
    return dest


def tree_snapshot(root: Path) -> dict[str, tuple[int, str]]:
    """{relative path: (mode, sha256)} of every file under ``root``."""
    snap = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            snap[path.relative_to(root).as_posix()] = (
                path.stat().st_mode,
                hashlib.sha256(path.read_bytes()).hexdigest(),
            )
    return snap


# ---------------------------------------------------------------------------
# Frontends and fresh environments


@dataclass
class Toolbox:
    """How to run frontends so that binwheel comes from the local wheelhouse only."""

    wheelhouse: Path
    scratch: Path  # per-session directory for caches

    def env(self, **extra: str) -> dict[str, str]:
        env = base_env()
        env.update(
            # pip (also the pip that `python -m build` drives for isolation)
            PIP_FIND_LINKS=str(self.wheelhouse),
            PIP_NO_INDEX="1",
            PIP_DISABLE_PIP_VERSION_CHECK="1",
            PIP_CONFIG_FILE=os.devnull,
            PIP_CACHE_DIR=str(self.scratch / "pip-cache"),
            PIP_NO_INPUT="1",
            # uv: a per-session cache, so that a rebuilt binwheel wheel of the
            # same version is never served stale from an older cache entry
            UV_FIND_LINKS=str(self.wheelhouse),
            UV_NO_INDEX="1",
            UV_CACHE_DIR=str(self.scratch / "uv-cache"),
            UV_NO_CONFIG="1",
            UV_PYTHON_DOWNLOADS="never",
            UV_NO_PROGRESS="1",
        )
        env.update(extra)
        return env

    def pip(self, *args: object, python: Optional[Path] = None, env: Optional[dict] = None, check: bool = True):
        """The tools venv's pip; with ``python``, it acts on that environment (pip --python)."""
        cmd: list[object] = [TOOLS_PYTHON, "-m", "pip"]
        if python is not None:
            cmd += ["--python", python]
        return run([*cmd, *args], env=env or self.env(), check=check)

    def pip_wheel(self, project: Path, out: Path, *extra: object, env: Optional[dict] = None, check: bool = True):
        return self.pip("wheel", "--no-deps", "--wheel-dir", out, *extra, project, env=env, check=check)

    def build(self, project: Path, out: Path, *extra: object, env: Optional[dict] = None, check: bool = True):
        return run(
            [TOOLS_PYTHON, "-m", "build", "--wheel", "--outdir", out, *extra, project],
            env=env or self.env(),
            check=check,
        )

    def uv_build(self, project: Path, out: Path, *extra: object, env: Optional[dict] = None, check: bool = True):
        return run(
            [uv_bin(), "build", "--wheel", "--no-create-gitignore", "--out-dir", out,
             "--python", TOOLS_PYTHON, *extra, project],
            env=env or self.env(),
            check=check,
        )

    def venv(self, path: Path) -> "Venv":
        """A fresh, empty virtual environment made by ``uv venv``."""
        run([uv_bin(), "venv", "--no-project", "--python", TOOLS_PYTHON, path], env=self.env())
        return Venv(path, self)


@dataclass
class Venv:
    path: Path
    tools: Toolbox = field(repr=False)

    @property
    def bin(self) -> Path:
        return self.path / ("Scripts" if IS_WINDOWS else "bin")

    @property
    def python(self) -> Path:
        return self.bin / f"python{EXE}"

    def env(self, **extra: str) -> dict[str, str]:
        env = base_env()
        env["VIRTUAL_ENV"] = str(self.path)
        env["PATH"] = str(self.bin) + os.pathsep + env.get("PATH", "")
        env.update(extra)
        return env

    def install_wheel(self, wheel: Path) -> None:
        run(
            # --link-mode copy: a test that chmods or rewrites an installed file
            # must not corrupt uv's cache for the rest of the session
            [uv_bin(), "pip", "install", "--python", self.python, "--no-deps", "--no-index",
             "--link-mode", "copy", wheel],
            env=self.tools.env(),
        )

    def run(self, *cmd: object, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
        """Run a command with this venv activated; a bare name is looked up in its bin/."""
        first = str(cmd[0])
        if os.sep not in first and "/" not in first and (self.bin / (first + EXE)).exists():
            first = str(self.bin / (first + EXE))
        return run([first, *cmd[1:]], env=self.env(), check=check, **kwargs)

    def python_code(self, code: str, *args: object, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
        return self.run(self.python, "-c", code, *args, check=check, **kwargs)

    def check_hello_installed(self, editable: bool = False) -> None:
        """The console command and the generated locator both run the binary.
        (An editable install keeps the binary outside the package directory.)"""
        proc = self.run("hello", "--version")
        assert proc.stdout == f"hello {EXAMPLE_VERSION}\n", describe(proc)
        assert proc.returncode == 0
        proc = self.python_code(
            "import hello._bin as b; print(b.run('--version', capture_output=True, text=True).stdout, end='')"
        )
        assert proc.stdout == f"hello {EXAMPLE_VERSION}\n", describe(proc)
        proc = self.python_code(
            "import os, hello._bin as b; p = b.path(); "
            "print(p.name, p.is_file(), os.access(p, os.X_OK), p.parent.name, p.parent.parent.name)"
        )
        expected = [f"hello{EXE}", "True", "True"] + ([] if editable else ["_bin", EXAMPLE_PACKAGE])
        assert proc.stdout.split()[: len(expected)] == expected, describe(proc)
        # RECORD of the installed distribution matches the files on disk
        proc = self.python_code(VERIFY_INSTALLED_RECORD, EXAMPLE_NAME, "editable" if editable else "")
        assert proc.stdout.strip() == "ok", describe(proc)


VERIFY_INSTALLED_RECORD = r"""
import base64, hashlib, sys
from importlib import metadata
dist = metadata.distribution(sys.argv[1])
bad = []
files = dist.files or []
for f in files:
    if f.hash is None:
        continue
    data = f.locate().read_bytes()
    digest = base64.urlsafe_b64encode(hashlib.new(f.hash.mode, data).digest()).rstrip(b"=").decode()
    if digest != f.hash.value or (f.size is not None and f.size != len(data)):
        bad.append(str(f))
names = {str(f).replace("\\", "/") for f in files}
if sys.argv[2:] != ["editable"] and not any(n.endswith("hello/_bin/__init__.py") for n in names):
    bad.append("no hello/_bin/__init__.py in RECORD")
print("ok" if files and not bad else f"mismatch: {bad}")
"""


# ---------------------------------------------------------------------------
# Wheels


def single_wheel(out: Path) -> Path:
    wheels = sorted(out.glob("*.whl"))
    assert len(wheels) == 1, f"expected exactly one wheel in {out}, found {[w.name for w in wheels]}"
    return wheels[0]


def elf_machine(data: bytes) -> int:
    assert data[:4] == b"\x7fELF", "not an ELF file"
    byteorder = "little" if data[5] == 1 else "big"
    return int.from_bytes(data[18:20], byteorder)


def zip_mode(info: zipfile.ZipInfo) -> int:
    return info.external_attr >> 16


def binary_member(wheel: Path, package: str = EXAMPLE_PACKAGE, name: str = "hello") -> str:
    with zipfile.ZipFile(wheel) as zf:
        candidates = [n for n in zf.namelist() if n in (f"{package}/_bin/{name}", f"{package}/_bin/{name}.exe")]
    assert len(candidates) == 1, f"{wheel.name}: binary {name} not found under {package}/_bin/"
    return candidates[0]


@dataclass
class WheelReport:
    path: Path
    name: str
    version: str
    tags: frozenset
    metadata: object  # packaging.metadata.Metadata
    members: list[str]


# check-wheel-contents findings we accept, each with the reason:
CHECK_WHEEL_CONTENTS_IGNORES: dict[str, str] = {
    # none so far: a binwheel wheel is a normal platlib wheel with one package,
    # a generated _bin/ subpackage and an executable data file inside it.
}


def validate_wheel(path: Path, name: str, version: str, scratch: Optional[Path] = None) -> WheelReport:
    """Run every independent validator we have on a built wheel.

    ``scratch`` is where installer and `wheel unpack` write (default: a new
    temporary directory). Raises AssertionError naming the validator and its
    output on the first problem.
    """
    from packaging.metadata import Metadata
    from packaging.utils import canonicalize_name, parse_wheel_filename
    from packaging.version import Version

    if scratch is None:
        scratch = Path(tempfile.mkdtemp(prefix="validate-wheel-"))
    scratch.mkdir(parents=True, exist_ok=True)

    # 1. the file name: exact normalised name and version, no build tag, sorted tags
    try:
        wname, wversion, build, tags = parse_wheel_filename(path.name, validate_order=True)
    except TypeError:  # packaging < 26 has no validate_order
        wname, wversion, build, tags = parse_wheel_filename(path.name)
    assert wname == canonicalize_name(name), (wname, name)
    assert wversion == Version(version), (wversion, version)
    assert str(wversion) == version, f"version in file name is {wversion}, not {version}"
    dist_name = str(canonicalize_name(name)).replace("-", "_")
    assert path.name.startswith(f"{dist_name}-{version}-"), f"file name not normalised: {path.name}"
    assert build == (), f"unexpected build tag {build}"
    assert tags, "no tags"
    for tag in tags:
        assert tag.interpreter == "py3" and tag.abi == "none", f"{path.name}: expected py3-none-*, got {tag}"
        assert tag.platform != "any", f"{path.name}: a wheel with a native binary must not be -any"

    dist_info = f"{dist_name}-{version}.dist-info"
    with zipfile.ZipFile(path) as zf:
        bad = zf.testzip()
        assert bad is None, f"corrupt member {bad}"
        infos = zf.infolist()
        names = [i.filename for i in infos]
        assert len(names) == len(set(names)), "duplicate zip members"
        for n in names:
            assert not n.startswith("/") and "\\" not in n and ".." not in n.split("/"), f"unsafe member {n!r}"
        top_dirs = {n.split("/", 1)[0] for n in names}
        assert dist_info in top_dirs, f"no {dist_info}/ in {sorted(top_dirs)}"
        assert not any(t.endswith(".dist-info") and t != dist_info for t in top_dirs), sorted(top_dirs)
        # RECORD comes last (the spec recommends the .dist-info files at the end)
        assert names[-1] == f"{dist_info}/RECORD", f"last member is {names[-1]}"

        # 2. METADATA, validated by packaging
        raw_metadata = zf.read(f"{dist_info}/METADATA")
        metadata = Metadata.from_email(raw_metadata, validate=True)
        assert metadata.name == name or canonicalize_name(metadata.name) == canonicalize_name(name)
        assert str(metadata.version) == version

        # WHEEL file
        wheel_file = zf.read(f"{dist_info}/WHEEL").decode("utf-8")
        fields = [line.split(": ", 1) for line in wheel_file.splitlines() if line]
        wheel_keys = {k: v for k, v in fields}
        assert wheel_keys.get("Wheel-Version") == "1.0", wheel_file
        assert wheel_keys.get("Root-Is-Purelib") == "false", f"binary wheels are platlib:\n{wheel_file}"
        assert wheel_keys.get("Generator", "").startswith("binwheel"), wheel_file
        wheel_tags = {v for k, v in fields if k == "Tag"}
        assert wheel_tags == {str(t) for t in tags}, f"WHEEL Tag lines {wheel_tags} != file name tags"

        # the executable and the locator
        members = names
        for info in infos:
            if info.filename.startswith(f"{EXAMPLE_PACKAGE}/_bin/hello"):
                assert zip_mode(info) == 0o100755, f"{info.filename} mode {oct(zip_mode(info))}"
        assert f"{EXAMPLE_PACKAGE}/_bin/__init__.py" in names, "generated locator missing"

    # 3. twine check --strict (README rendering, metadata)
    run([TOOLS_PYTHON, "-m", "twine", "check", "--strict", path])

    # 4. check-wheel-contents (--no-config: don't read the repo's pyproject.toml)
    cwc = [shutil.which("check-wheel-contents", path=str(TOOLS_PYTHON.parent)) or "check-wheel-contents", "--no-config"]
    if CHECK_WHEEL_CONTENTS_IGNORES:
        cwc += ["--ignore", ",".join(CHECK_WHEEL_CONTENTS_IGNORES)]
    run([*cwc, "--toplevel", EXAMPLE_PACKAGE, path], cwd=scratch)

    # 5. installer, checking every RECORD hash and size against the archive
    destdir = scratch / "installer-destdir"
    run(
        [TOOLS_PYTHON, "-m", "installer", "--validate-record", "all", "--no-compile-bytecode",
         "--destdir", destdir, "--prefix", scratch / "prefix", path]
    )
    installed = [p for p in destdir.rglob(f"hello{EXE}") if p.parent.name == "_bin"]
    assert len(installed) == 1, f"installer did not install hello/_bin/hello: {installed}"
    if not IS_WINDOWS:
        assert installed[0].stat().st_mode & stat.S_IXUSR, "installer lost the executable bit"

    # 6. wheel unpack
    unpacked = scratch / "unpacked"
    run([TOOLS_PYTHON, "-m", "wheel", "unpack", "--dest", unpacked, path])
    roots = list(unpacked.iterdir())
    assert len(roots) == 1 and roots[0].name == f"{dist_name}-{version}", roots

    return WheelReport(path, name, version, tags, metadata, members)


def platforms(tags: Iterable) -> set[str]:
    return {t.platform for t in tags}


# ---------------------------------------------------------------------------
# Wheels built once per run, shared by every xdist worker


def shared_dir(tmp_path_factory) -> Path:
    """A directory all xdist workers of this run share (their basetemps are
    siblings under it); without xdist, the session's own basetemp."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def build_once(tools, tmp_path_factory, key: str, make: Callable[[Path], Path]) -> Path:
    """The wheel of ``make(project dir)``, built by `pip wheel` once per run,
    whichever worker asks first."""
    shared = shared_dir(tmp_path_factory) / key
    with file_lock(shared.with_suffix(".lock")):
        done = shared / "dist"
        if not done.is_dir():
            work = shared / "work"
            if work.exists():
                shutil.rmtree(work)
            tools.pip_wheel(make(work / "project"), work / "dist")
            (work / "dist").rename(done)
    return single_wheel(done)


def layout_project(dest: Path, layout: str) -> Path:
    """A copy of the example with the host binary, in one of these layouts:

    - ``package``: the example as it is;
    - ``scripts``: ``install = "scripts"`` and no ``script`` key;
    - ``light``: package layout without the example's Python package, so the
      wheel gets binwheel's generated one-line ``hello/__init__.py``.
    """
    project = copy_example(dest, [host_target()], build_command=False)
    if layout == "scripts":
        pyproject = project / "pyproject.toml"
        text = pyproject.read_text(encoding="utf-8")
        changed = text.replace('script = "hello"\n', 'install = "scripts"\n')
        assert changed != text, "the example no longer has `script = \"hello\"`"
        pyproject.write_text(changed, encoding="utf-8")
    elif layout == "light":
        shutil.rmtree(project / "python")
    else:
        assert layout == "package", layout
    return project


def check_layout(wheel: Path, layout: str) -> Path:
    """Where the binary is in the wheel is what the layout promises."""
    with zipfile.ZipFile(wheel) as zf:
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
    in_package = f"hello/_bin/hello{EXE}"
    in_scripts = f"{EXAMPLE_NAME.replace('-', '_')}-{EXAMPLE_VERSION}.data/scripts/hello{EXE}"
    expected, unexpected = (in_scripts, in_package) if layout == "scripts" else (in_package, in_scripts)
    assert expected in modes and unexpected not in modes, (
        f"{wheel.name}: a {layout}-layout binary belongs at {expected}; members: {sorted(modes)}"
    )
    assert modes[expected] == 0o100755, oct(modes[expected])
    return wheel


# ---------------------------------------------------------------------------
# Every Core Metadata file binwheel writes during the run, validated


# Directories that hold no artifact of ours: installed environments (their
# .dist-info are copies of the wheels') and caches.
_NOT_ARTIFACTS = {"site-packages", "__pycache__", ".git", "target", "node_modules", "pip-cache", "uv-cache", "go"}


def _binwheel_wheel_text(zf: zipfile.ZipFile) -> Optional[tuple[str, str]]:
    """(member, text) of a binwheel wheel's METADATA; None for other generators."""
    names = zf.namelist()
    wheel = [n for n in names if n.count("/") == 1 and n.endswith(".dist-info/WHEEL")]
    if len(wheel) != 1 or b"\nGenerator: binwheel " not in b"\n" + zf.read(wheel[0]):
        return None
    member = wheel[0][: -len("WHEEL")] + "METADATA"
    return (member, zf.read(member).decode("utf-8")) if member in names else None


def _binwheel_sdist_text(path: Path) -> Optional[tuple[str, str]]:
    """(member, text) of PKG-INFO in an sdist whose pyproject.toml names
    binwheel as its backend; None for other sdists or other tarballs."""
    import tarfile

    try:
        with tarfile.open(path) as tf:
            members = {m.name: m for m in tf.getmembers() if m.isfile()}
            tops = {name.split("/", 1)[0] for name in members}
            if len(tops) != 1:
                return None
            top = tops.pop()
            pyproject, pkg_info = members.get(f"{top}/pyproject.toml"), members.get(f"{top}/PKG-INFO")
            if pyproject is None or pkg_info is None:
                return None
            if not re.search(rb'(?m)^build-backend\s*=\s*"binwheel"', tf.extractfile(pyproject).read()):
                return None
            return pkg_info.name, tf.extractfile(pkg_info).read().decode("utf-8")
    except (tarfile.TarError, OSError, EOFError):
        return None


def binwheel_core_metadata(roots: Iterable[Path]) -> Iterator[tuple[str, str]]:
    """(where, text) of every METADATA and PKG-INFO that binwheel wrote under
    ``roots``: in wheels whose WHEEL says `Generator: binwheel`, in sdists
    whose pyproject.toml names binwheel as backend, and in `.dist-info`
    directories from `prepare_metadata_for_build_wheel` (identified by the
    same WHEEL line). Artifacts of other tools, and tampered copies that are
    no longer such archives, are skipped."""
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in _NOT_ARTIFACTS]
            here = Path(dirpath)
            if here.name.endswith(".dist-info") and "METADATA" in filenames and "WHEEL" in filenames:
                if (here / "WHEEL").read_bytes().startswith(b"Wheel-Version: ") and (
                    b"\nGenerator: binwheel " in (here / "WHEEL").read_bytes()
                ):
                    yield str(here / "METADATA"), (here / "METADATA").read_text(encoding="utf-8")
            for name in filenames:
                path = here / name
                found = None
                if name.endswith(".whl"):
                    try:
                        with zipfile.ZipFile(path) as zf:
                            found = _binwheel_wheel_text(zf)
                    except (zipfile.BadZipFile, OSError, KeyError, UnicodeDecodeError):
                        found = None
                elif name.endswith(".tar.gz"):
                    found = _binwheel_sdist_text(path)
                if found is not None:
                    yield f"{path}!{found[0]}", found[1]


def core_metadata_problem(text: str) -> Optional[str]:
    """Why `packaging` refuses this METADATA/PKG-INFO text (every problem it
    finds), or None when `Metadata.from_email(text, validate=True)` accepts it."""
    from packaging.metadata import ExceptionGroup, InvalidMetadata, Metadata

    try:
        Metadata.from_email(text, validate=True)
    except ExceptionGroup as group:
        return "; ".join(str(e) for e in group.exceptions)
    except InvalidMetadata as e:
        return str(e)
    return None
