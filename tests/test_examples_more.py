"""The examples beyond hello-server, built through real frontends and run.

- examples/rust-cli: a Rust CLI (no crates.io dependencies). `pip wheel`
  builds it with binwheel's `build` command (cargo, through the example's
  xtask helper), the wheel installs into a fresh venv and `rustcli` runs; the
  sdist builds a wheel too. auditwheel, not binwheel, confirms the tag.
- examples/multi-binary: two C tools and the libfoo.so they load through
  `RUNPATH=$ORIGIN`, compiled with `python -m ziglang cc`. The binaries are
  tested as built, then shipped side by side in one wheel through
  [[tool.binwheel.library]], installed, and run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import helpers
from helpers import describe, run, single_wheel

HOST = helpers.host_target()
EXAMPLES = helpers.REPO / "examples"
RUST_CLI = EXAMPLES / "rust-cli"
MULTI = EXAMPLES / "multi-binary"

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF and $ORIGIN are Linux's")
needs_cargo = pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not on PATH")

IGNORE = shutil.ignore_patterns("target", "bin", "dist", "__pycache__", "*.pyc")


def shared_dir(tmp_path_factory) -> Path:
    """A directory all xdist workers of this run share (see conftest.py)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def source_key(root: Path, *names: str) -> str:
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def auditwheel_tag(wheel: Path) -> str:
    """The platform tag auditwheel (not binwheel) finds the wheel consistent with."""
    auditwheel = shutil.which("auditwheel", path=str(helpers.TOOLS_PYTHON.parent)) or "auditwheel"
    proc = run([auditwheel, "show", wheel])
    found = re.search(r'consistent with\s+the following platform tag:\s*"([^"]+)"', proc.stdout)
    assert found, describe(proc)
    return found.group(1)


def wheel_modes(wheel: Path) -> dict[str, int]:
    with zipfile.ZipFile(wheel) as zf:
        return {i.filename: helpers.zip_mode(i) for i in zf.infolist()}


# ---------------------------------------------------------------------------
# examples/rust-cli


def cargo_version() -> str:
    text = (RUST_CLI / "Cargo.toml").read_text(encoding="utf-8")
    return re.search(r'(?m)^version = "([^"]+)"', text).group(1)


@pytest.fixture(scope="session")
def rust_cli_wheel(tools, tmp_path_factory) -> Path:
    """`pip wheel examples/rust-cli` from a copy without target/: binwheel runs
    the `build` command (cargo). Built once per run, shared between workers."""
    shared = shared_dir(tmp_path_factory) / "rust-cli-wheel"
    with helpers.file_lock(shared.with_suffix(".lock")):
        done = shared / "dist"
        if not done.is_dir():
            work = shared / "work"
            if work.exists():
                shutil.rmtree(work)
            project = work / "rust-cli"
            shutil.copytree(RUST_CLI, project, ignore=IGNORE)
            proc = tools.pip_wheel(project, work / "dist", "-v")
            assert "cargo" in proc.stderr + proc.stdout, "the build command did not run:\n" + describe(proc)
            (work / "dist").rename(done)
    return single_wheel(done)


@linux_only
@needs_cargo
def test_rust_cli_wheel(rust_cli_wheel, binwheel_cli, make_venv):
    version = cargo_version()
    wheel = rust_cli_wheel
    arch = helpers.target_arch(HOST)
    # The version came from Cargo.toml through [tool.binwheel.version].
    assert wheel.name.startswith(f"rustcli-{version}-py3-none-"), wheel.name
    platform_tags = wheel.name[: -len(".whl")].split("-")[-1].split(".")
    # A glibc-linked Rust binary: manylinux only, at the floor its symbols need,
    # which auditwheel computes independently.
    assert all(re.fullmatch(rf"manylinux(2014|_2_\d+)_{arch}", t) for t in platform_tags), platform_tags
    assert auditwheel_tag(wheel) in platform_tags
    run([binwheel_cli, "check", wheel])

    # install = "scripts": the executable itself goes to .data/scripts, 0755.
    modes = wheel_modes(wheel)
    script = f"rustcli-{version}.data/scripts/rustcli"
    assert modes[script] == 0o100755, oct(modes[script])
    assert "rustcli/_bin/__init__.py" in modes
    assert not any(n.startswith("rustcli/_bin/rustcli") for n in modes)

    venv = make_venv()
    venv.install_wheel(wheel)
    installed = venv.bin / "rustcli"
    with open(installed, "rb") as f:
        assert f.read(4) == b"\x7fELF", "the command on PATH should be the Rust binary itself"
    assert installed.stat().st_mode & stat.S_IXUSR

    proc = venv.run("rustcli", "--version")
    assert proc.stdout == f"rustcli {version}\n", describe(proc)
    proc = venv.run("rustcli", "count", input="one two\nthree\n")
    assert proc.stdout == "2 3 14\n", describe(proc)
    sample = venv.path / "sample.txt"
    sample.write_text("a\nb c\n")
    proc = venv.run("rustcli", "count", sample, sample)
    assert proc.stdout == "4 6 12\n", describe(proc)
    proc = venv.run("rustcli", "frobnicate", check=False)
    assert proc.returncode == 2 and "usage: rustcli" in proc.stderr, describe(proc)
    proc = venv.run("rustcli", "count", venv.path / "missing.txt", check=False)
    assert proc.returncode == 1 and "missing.txt" in proc.stderr, describe(proc)

    # The locator finds the same file and runs it.
    proc = venv.python_code(
        "import rustcli._bin as b; print(b.path()); print(b.run('--version', capture_output=True, text=True).stdout)"
    )
    path, out = proc.stdout.split("\n", 1)
    assert Path(path).resolve() == installed.resolve(), describe(proc)
    assert out.strip() == f"rustcli {version}", describe(proc)


@linux_only
@needs_cargo
def test_rust_cli_from_sdist(tools, binwheel_cli, tmp_path):
    """`python -m build` makes the sdist, then a wheel from it: the sdist has
    the Rust sources and the xtask helper but no target/, so the wheel's
    binary is compiled from the sdist by the `build` command."""
    project = tmp_path / "rust-cli"
    shutil.copytree(RUST_CLI, project, ignore=IGNORE)
    # A stale build in target/ must not reach the sdist.
    (project / "target" / "release").mkdir(parents=True)
    (project / "target" / "release" / "rustcli").write_bytes(b"stale")
    out = tmp_path / "dist"
    proc = run([helpers.TOOLS_PYTHON, "-m", "build", "--outdir", out, project], env=tools.env())
    version = cargo_version()
    sdist = out / f"rustcli-{version}.tar.gz"
    assert sdist.is_file(), describe(proc)
    with tarfile.open(sdist) as tf:
        names = {m.name.split("/", 1)[1] for m in tf.getmembers()}
    assert {"pyproject.toml", "Cargo.toml", "Cargo.lock", "src/main.rs", "xtask/Cargo.toml", "xtask/src/main.rs", "PKG-INFO"} <= names
    assert not any(n.startswith("target/") for n in names), sorted(names)
    wheel = single_wheel(out)
    run([binwheel_cli, "check", wheel])
    with zipfile.ZipFile(wheel) as zf:
        data = zf.read(f"rustcli-{version}.data/scripts/rustcli")
    assert data[:4] == b"\x7fELF" and len(data) > 10_000


# ---------------------------------------------------------------------------
# examples/multi-binary


MULTI_FILES = ("libfoo.so", "tool-a", "tool-b")


@pytest.fixture(scope="session")
def footools_bin() -> Path:
    """examples/multi-binary's build-binaries.py for every target it knows,
    cached in .cache/examples-more/multi-binary/<hash of the sources>/ and
    shared between workers. Returns that directory (one subdirectory per target)."""
    key = source_key(MULTI, "build-binaries.py", "src/foo.h", "src/foo.c", "src/tool-a.c", "src/tool-b.c")
    out = helpers.CACHE / "examples-more" / "multi-binary" / key
    with helpers.file_lock(helpers.CACHE / "examples-more" / "multi-binary.lock"):
        if not all((out / t / f).is_file() for t in ("linux-x86_64", "linux-aarch64") for f in MULTI_FILES):
            env = helpers.base_env()
            env.update(ZIG_GLOBAL_CACHE_DIR=str(helpers.CACHE / "zig"), ZIG_LOCAL_CACHE_DIR=str(helpers.CACHE / "zig"))
            run([helpers.TOOLS_PYTHON, MULTI / "build-binaries.py", "--all", "--out", out], env=env, timeout=900)
    return out


@linux_only
def test_multi_binary_tools_load_libfoo_through_origin(footools_bin, binwheel_cli, tmp_path):
    """The binaries as built: each tool needs libfoo.so and finds it in its
    own directory, wherever that directory is; without it, it cannot start."""
    here = tmp_path / "somewhere" / "_bin"
    shutil.copytree(footools_bin / HOST, here)
    assert run([here / "tool-a"]).stdout == "tool-a: libfoo 1.0\n"
    assert run([here / "tool-b", "2", "3", "40"]).stdout == "45\n"
    proc = run([here / "tool-b", "x"], check=False)
    assert proc.returncode == 2 and "not an integer" in proc.stderr, describe(proc)

    moved = tmp_path / "elsewhere"
    here.rename(moved)
    assert run([moved / "tool-a"], cwd=tmp_path).stdout == "tool-a: libfoo 1.0\n"

    report = json.loads(run([binwheel_cli, "inspect", "--json", moved / "tool-a"]).stdout)
    text = json.dumps(report)
    assert '"libfoo.so"' in text and "$ORIGIN" in text, text

    (moved / "libfoo.so").unlink()
    proc = run([moved / "tool-a"], check=False)
    assert proc.returncode != 0 and "libfoo.so" in proc.stderr, describe(proc)


def build_footools(tools, project: Path, out: Path, *extra: object) -> Path:
    proc = tools.pip_wheel(project, out, *extra, check=False)
    assert proc.returncode == 0, describe(proc)
    return single_wheel(out)


@linux_only
def test_multi_binary_wheel(tools, footools_bin, binwheel_cli, make_venv, tmp_path):
    """examples/multi-binary: tool-a, tool-b and libfoo.so
    side by side in footools/_bin/, a manylinux2014 wheel for each target,
    and installed tools that load the library through $ORIGIN."""
    project = tmp_path / "multi-binary"
    shutil.copytree(MULTI, project, ignore=IGNORE)
    for target in ("linux-x86_64", "linux-aarch64"):
        shutil.copytree(footools_bin / target, project / "bin" / target)

    wheels = {}
    for target in (HOST, helpers.other_linux_target()):
        extra = () if target == HOST else ("--config-settings", f"target={target}")
        wheels[target] = build_footools(tools, project, tmp_path / f"dist-{target}", *extra)

    for target, wheel in wheels.items():
        arch = helpers.target_arch(target)
        # glibc-linked tools at zig's 2.17 floor: manylinux2014, and not musllinux
        assert wheel.name == f"footools-0.1.0-py3-none-manylinux2014_{arch}.manylinux_2_17_{arch}.whl", wheel.name
        modes = wheel_modes(wheel)
        for name in MULTI_FILES:
            member = f"footools/_bin/{name}"
            assert member in modes, sorted(modes)
            with zipfile.ZipFile(wheel) as zf:
                data = zf.read(member)
            assert data == (footools_bin / target / name).read_bytes(), f"{member} is not the {target} build"
            assert helpers.elf_machine(data) == helpers.ELF_MACHINES[arch]
        assert modes["footools/_bin/tool-a"] == modes["footools/_bin/tool-b"] == 0o100755
        assert "footools/__init__.py" in modes and "footools/_bin/__init__.py" in modes
        run([binwheel_cli, "check", wheel])

    venv = make_venv()
    venv.install_wheel(wheels[HOST])
    assert venv.run("tool-a").stdout == "tool-a: libfoo 1.0\n"
    assert venv.run("tool-b", "2", "3", "40").stdout == "45\n"
    proc = venv.python_code(
        "import footools, footools._bin as b; "
        "print(footools.add(1, 2), footools.libfoo_version(), b.path('tool-a').parent.name)"
    )
    assert proc.stdout.split() == ["3", "1.0", "_bin"], describe(proc)
    proc = venv.python_code("import footools._bin as b, os; print(sorted(os.listdir(b.path('tool-b').parent)))")
    assert all(name in proc.stdout for name in MULTI_FILES), describe(proc)
