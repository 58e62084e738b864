"""binwheel's own sdist and its Linux wheels for every architecture and libc.

In every run: `maturin sdist` makes an sdist that holds what a build from it
needs (the workspace, Cargo.lock, the Python package, the docs the metadata
points at) and nothing generated; installing it on a machine without Rust
fails with an error that says Rust is needed.

Release checks (`bash tests/run release`: minutes of compiling each): pip
builds binwheel from its sdist with cargo, and that binwheel builds and runs
the example; .ci/build-wheel makes the aarch64 and musllinux wheels, which
auditwheel confirms, and the x86_64 musllinux one is really linked to musl.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import helpers
from helpers import describe, run

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux wheels and tools")
VERSION = run(["sed", "-n", 's/^version = "\\(.*\\)"/\\1/p', helpers.REPO / "Cargo.toml"]).stdout.split()[0] \
    if os.name == "posix" else "0.1.0"


@pytest.fixture(scope="module")
def own_sdist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("own-sdist")
    maturin = shutil.which("maturin", path=str(helpers.TOOLS_PYTHON.parent)) or "maturin"
    run([maturin, "sdist", "--out", out], cwd=helpers.REPO, env=helpers.base_env())
    (sdist,) = out.glob("binwheel-*.tar.gz")
    return sdist


def test_sdist_holds_the_sources_and_nothing_generated(own_sdist):
    assert own_sdist.name == f"binwheel-{VERSION}.tar.gz"
    with tarfile.open(own_sdist) as tf:
        names = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    for needed in ("pyproject.toml", "Cargo.toml", "Cargo.lock", "README.md", "LICENSE", "PKG-INFO",
                   "crates/binwheel-core/Cargo.toml", "crates/binwheel-core/src/lib.rs",
                   "crates/binwheel-py/src/lib.rs", "python/binwheel/__init__.py"):
        assert needed in names, needed
    assert not [n for n in names if n.startswith(("target/", ".cache/", ".venv/", "tests/fixtures/bin/"))]


@pytest.mark.skipif(os.name != "posix", reason="hides cargo by PATH")
def test_sdist_without_rust_offline(own_sdist, tool_wheels, tmp_path):
    """pip install of the sdist where there is no cargo and no index: maturin's
    backend asks for `puccinialin` (its way of downloading a temporary Rust
    toolchain, docs/install.md), which pip cannot find; the build stops there,
    before compiling anything, and nothing is installed."""
    if not list(tool_wheels.glob("maturin-*.whl")):
        pytest.skip("no maturin wheel in .cache/tool-wheels (tests/run downloads it)")
    venv = tmp_path / "venv"
    run([helpers.TOOLS_PYTHON, "-m", "venv", venv])
    env = helpers.base_env()
    # the venv and the system's basic tools: no cargo, rustc or rustup
    env["PATH"] = os.pathsep.join([str(venv / "bin"), "/usr/bin", "/bin"])
    if shutil.which("cargo", path=env["PATH"]):
        pytest.skip("cargo is installed system-wide here; this test cannot hide it")
    env.update(HOME=str(tmp_path / "home"), CARGO_HOME=str(tmp_path / "no-cargo"),
               RUSTUP_HOME=str(tmp_path / "no-rustup"), PIP_NO_INDEX="1", PIP_FIND_LINKS=str(tool_wheels),
               PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1")
    proc = run([venv / "bin" / "python", "-m", "pip", "install", own_sdist], env=env, check=False, timeout=300)
    assert proc.returncode != 0, describe(proc)
    said = proc.stdout + proc.stderr
    assert "No matching distribution found for puccinialin" in said, describe(proc)
    assert "Compiling" not in said
    assert not list((venv / "lib").glob("python3*/site-packages/binwheel"))


# ---------------------------------------------------------------------------
# Release checks


@pytest.mark.release
@pytest.mark.skipif(os.name != "posix", reason="runs .ci/smoke-wheel")
def test_pip_builds_binwheel_from_its_sdist_and_it_works(own_sdist, tool_wheels, go_env, tmp_path):
    """The release workflow's sdist-smoke job: pip builds binwheel's wheel
    from the sdist with cargo (maturin from the index's pins), then that
    binwheel builds and runs the example."""
    env = dict(go_env)
    env["PATH"] = os.pathsep.join([str(helpers.TOOLS_PYTHON.parent), env["PATH"]])
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", CARGO_TARGET_DIR=str(helpers.CACHE / "sdist-target"))
    wheelhouse = tmp_path / "wheelhouse"
    proc = run([helpers.TOOLS_PYTHON, "-m", "pip", "wheel", "--no-deps", "-w", wheelhouse, own_sdist],
               env=env, check=False, timeout=3000)
    assert proc.returncode == 0, describe(proc)
    (wheel,) = wheelhouse.glob("binwheel-*.whl")
    env.update(PIP_FIND_LINKS=str(tool_wheels), PIP_NO_INDEX="1")
    proc = run(["bash", helpers.REPO / ".ci" / "smoke-wheel", wheelhouse], env=env, check=False, timeout=900)
    assert proc.returncode == 0, describe(proc)
    assert "hello 0.1.0" in proc.stdout


LINUX_TARGETS = {
    "aarch64-unknown-linux-gnu": "manylinux_2_17_aarch64",
    "x86_64-unknown-linux-musl": "musllinux_1_2_x86_64",
    "aarch64-unknown-linux-musl": "musllinux_1_2_aarch64",
}
# The release builds these on macOS runners; zig links them here too, which
# checks that they build and what they link, though nothing here can run them.
MACOS_TARGETS = {
    "x86_64-apple-darwin": ("macosx_10_12_x86_64", "x86_64", "10.12"),
    "aarch64-apple-darwin": ("macosx_11_0_arm64", "arm64", "11.0"),
}


def build_wheel(target: str, *extra: str, macos: str = "") -> Path:
    installed = run(["rustup", "target", "list", "--installed"], check=False).stdout.split()
    if target not in installed:
        run(["rustup", "target", "add", target])
    env = helpers.base_env()
    env["PATH"] = str(helpers.TOOLS_PYTHON.parent) + os.pathsep + env["PATH"]
    env.update(ZIG_GLOBAL_CACHE_DIR=str(helpers.CACHE / "zig"), CARGO_TARGET_DIR=str(helpers.REPO / "target" / "wheel"))
    if macos:  # zig has no arm64 headers for a macOS before 11.0
        env["MACOSX_DEPLOYMENT_TARGET"] = macos
    out = helpers.CACHE / "wheels"
    proc = run(["bash", helpers.REPO / ".ci" / "build-wheel", target, out, *extra], env=env, check=False, timeout=3000)
    assert proc.returncode == 0, describe(proc)
    return Path(proc.stdout.strip().splitlines()[-1])


def extension(wheel: Path, suffix: str) -> bytes:
    with zipfile.ZipFile(wheel) as zf:
        (name,) = [n for n in zf.namelist() if n.startswith("binwheel/_binwheel") and n.endswith(suffix)]
        return zf.read(name)


@pytest.mark.release
@linux_only
@pytest.mark.parametrize("target", sorted(LINUX_TARGETS))
def test_linux_wheels_for_every_arch_and_libc(target, tmp_path):
    wheel = build_wheel(target)
    platform = LINUX_TARGETS[target]
    assert wheel.name.endswith(f"{platform}.whl"), wheel.name
    auditwheel = shutil.which("auditwheel", path=str(helpers.TOOLS_PYTHON.parent))
    if target.endswith("-gnu"):
        audit = run([auditwheel, "show", wheel])
        assert f'"{platform}"' in audit.stdout, audit.stdout
    else:
        # On a glibc host auditwheel would take glibc's libc.so (a linker
        # script) for musl's and crash; with no library path it reports what
        # the wheel needs: musl's libc.so alone, no glibc symbol versions.
        # The release workflow audits the musllinux tag itself in Alpine.
        (tmp_path / "no-libs").mkdir()
        audit = run([auditwheel, "show", "--json", "--ldpaths", tmp_path / "no-libs", wheel])
        report = json.loads(audit.stdout)
        assert report["external_libs"] == {"libc.so": None}, audit.stdout
        assert report["versioned_symbols"] == {} and report["sym_tag"] == platform, audit.stdout
    data = extension(wheel, ".so")
    assert helpers.elf_machine(data) == helpers.ELF_MACHINES[target.split("-")[0]], target


@pytest.mark.release
@linux_only
@pytest.mark.parametrize("target", sorted(MACOS_TARGETS))
def test_macos_wheels_link_here_with_zig(target, binwheel_cli, tmp_path):
    platform, arch, minos = MACOS_TARGETS[target]
    wheel = build_wheel(target, "--zig", macos=minos)
    assert wheel.name.endswith(f"{platform}.whl"), wheel.name
    so = tmp_path / "_binwheel.abi3.so"
    so.write_bytes(extension(wheel, ".so"))
    (report,) = json.loads(run([binwheel_cli, "inspect", "--json", so]).stdout)["files"]
    (slice_,) = report["facts"]["macho"]["slices"]
    assert (slice_["arch"], slice_["minos"], slice_["kind"]) == (arch, minos, "shared library"), slice_
    assert all(d.startswith(("/usr/lib/", "/System/")) for d in slice_["dylibs"]), slice_["dylibs"]
    assert report["tags"] == [platform]
