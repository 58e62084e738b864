"""`binwheel check` on sdists, as release CI runs it: `binwheel check dist/*`.

The example's sdist and wheel come from the real CLI (`python -m binwheel
build --sdist`); both must pass `binwheel check` together, and the sdist
`twine check --strict` too, as an independent validator. Copies of the sdist
repacked with the standard library's `tarfile` (one prebuilt binary added, or
PKG-INFO left out) must fail, each with a line that names the member.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

import helpers
from helpers import EXAMPLE_NAME, EXAMPLE_VERSION, describe, run

HOST = helpers.host_target()
TOP = f"{EXAMPLE_NAME.replace('-', '_')}-{EXAMPLE_VERSION}"


def binwheel(*args, check=True):
    return run([helpers.TOOLS_PYTHON, "-m", "binwheel", *args], env=helpers.base_env(), check=check)


@pytest.fixture
def dist(make_example, tmp_path) -> tuple[Path, Path]:
    """(sdist, wheel) of the example, built by `binwheel build --sdist`."""
    project = make_example(build_command=False)
    proc = binwheel("build", project, "--sdist", "-o", tmp_path / "dist", "-q")
    written = [Path(line) for line in proc.stdout.splitlines()]
    sdists = [p for p in written if p.name.endswith(".tar.gz")]
    wheels = [p for p in written if p.suffix == ".whl"]
    assert [p.name for p in sdists] == [f"{TOP}.tar.gz"] and len(wheels) == 1, describe(proc)
    return sdists[0], wheels[0]


def repack(sdist: Path, dest: Path, drop: str = "", add: dict[str, bytes] | None = None) -> Path:
    """A copy of `sdist` at `dest` (same file name) without the member `drop`
    and with the files of `add`, written by Python's tarfile."""
    dest.mkdir(parents=True, exist_ok=True)
    out = dest / sdist.name
    with tarfile.open(sdist) as src, tarfile.open(out, "w:gz", format=tarfile.PAX_FORMAT) as tf:
        for member in src.getmembers():
            if member.name != drop:
                tf.addfile(member, src.extractfile(member))
        for name, data in (add or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o755
            tf.addfile(info, io.BytesIO(data))
    return out


def test_check_passes_the_sdist_and_the_wheel(dist):
    sdist, wheel = dist
    proc = binwheel("check", sdist, wheel, check=False)
    assert proc.returncode == 0, describe(proc)
    # The example ships prebuilt binaries only: its sdist cannot build a
    # wheel, which is a warning (BW710), not a failure.
    lines = proc.stdout.splitlines()
    assert lines == [f"{sdist}: ok (1 warning)", lines[1], f"{wheel}: ok", "2 files checked: 0 errors, 1 warning, 0 notes"], describe(proc)
    assert lines[1].startswith(f"  warning[BW710 sdist-prebuilt-only] {TOP}/pyproject.toml: binary \"hello\""), describe(proc)
    assert proc.stderr == "", describe(proc)
    # The independent validator agrees.
    twine = run([helpers.TOOLS_PYTHON, "-m", "twine", "check", "--strict", sdist], check=False)
    assert twine.returncode == 0 and "PASSED" in twine.stdout, describe(twine)
    # inspect is for executables and wheels; it points at check for an sdist.
    inspect = binwheel("inspect", sdist, check=False)
    assert inspect.returncode == 1 and f"help: `binwheel check {sdist}`" in inspect.stderr, describe(inspect)


@pytest.mark.parametrize("tamper", ["binary-added", "pkg-info-removed"])
def test_check_names_what_is_wrong_with_a_tampered_sdist(dist, tmp_path, tamper):
    sdist, wheel = dist
    if tamper == "binary-added":
        # This machine's prebuilt executable: ELF, Mach-O or PE as the host has it.
        binary = helpers.example_binary(HOST).read_bytes()
        bad = repack(sdist, tmp_path / tamper, add={f"{TOP}/tools/hello": binary})
        expected = f"  error[BW709 sdist-binary] {TOP}/tools/hello is a prebuilt "
        hint = "`sdist-exclude` in [tool.binwheel]"
    else:
        bad = repack(sdist, tmp_path / tamper, drop=f"{TOP}/PKG-INFO")
        expected = f"  error[BW706 sdist-pkg-info] {TOP}/PKG-INFO is missing"
        hint = "PyPI rejects"
        # twine cannot check it either.
        twine = run([helpers.TOOLS_PYTHON, "-m", "twine", "check", "--strict", bad], check=False)
        assert twine.returncode != 0, describe(twine)

    proc = binwheel("check", bad, wheel, check=False)
    assert proc.returncode == 1, describe(proc)
    lines = proc.stdout.splitlines()
    # One error, on one line that names its rule, the member and the fix; the wheel is still fine.
    # (and the prebuilt-only warning every sdist of this example gets)
    assert lines == [f"{bad}: 1 error, 1 warning", lines[1], lines[2], f"{wheel}: ok", "2 files checked: 1 error, 1 warning, 0 notes"], describe(proc)
    assert "BW710" in lines[2], describe(proc)
    assert lines[1].startswith(expected) and hint in lines[1], describe(proc)
    assert proc.stderr == "", describe(proc)


def test_check_refuses_what_is_neither(tmp_path):
    other = tmp_path / f"{TOP}.zip"
    other.write_bytes(b"PK\x05\x06" + bytes(18))
    proc = binwheel("check", other, check=False)
    assert proc.returncode == 1, describe(proc)
    header, line = proc.stdout.splitlines()
    assert header == f"{other}: 1 error", describe(proc)
    assert line.startswith(f"  error[BW001 not-a-dist] {other.name} is not a wheel or an sdist: "), describe(proc)
    assert "wheels (.whl) and sdists (.tar.gz" in line, describe(proc)
