"""Linkage through the real command and a real install (docs/linkage.md).

- `binwheel check` flags a wheel written with `zipfile`, the way hand-rolled
  release scripts write them, that has the sochdb defect: the binary's
  RUNPATH is `$ORIGIN/../lib`, the library sits beside the binary.
- The release's `bin/` + `lib/` layout kept with `dir`: the wheel installs,
  and its console command, `_bin.path()` and `_bin.run()` run the binary,
  which loads the library from `lib/`.

The binaries are the committed fixtures (tests/fixtures/bin): `usefoo-rpath-lib`
needs `libfoo.so.1` through RUNPATH `$ORIGIN/../lib`. The refusals at build
time, for ELF, Mach-O and PE, are Rust tests (crates/binwheel-core/tests/linkage.rs).
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest

import helpers
from helpers import describe, run

FIXTURES = helpers.REPO / "tests" / "fixtures" / "bin"

linux_x86_64 = pytest.mark.skipif(
    helpers.host_target() != "linux-x86_64", reason="the fixture binaries are x86-64 Linux ELF files"
)


def hand_rolled_wheel(out: Path, files: dict[str, Path]) -> Path:
    """A wheel as a release script writes it: zipfile, RECORD by hand."""
    wheel = out / "sona-1.0-py3-none-manylinux_2_17_x86_64.whl"
    record = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:

        def add(name: str, data: bytes, mode: int = 0o644) -> None:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{name},sha256={digest},{len(data)}")

        add("sona/__init__.py", b"")
        for name, source in files.items():
            add(name, source.read_bytes(), 0o755)
        add("sona-1.0.dist-info/METADATA", b"Metadata-Version: 2.1\nName: sona\nVersion: 1.0\n")
        add(
            "sona-1.0.dist-info/WHEEL",
            b"Wheel-Version: 1.0\nGenerator: release.py\nRoot-Is-Purelib: false\n"
            b"Tag: py3-none-manylinux_2_17_x86_64\n",
        )
        record.append("sona-1.0.dist-info/RECORD,,")
        zf.writestr("sona-1.0.dist-info/RECORD", "\n".join(record) + "\n")
    return wheel


def test_check_flags_the_sochdb_defect_in_a_hand_rolled_wheel(binwheel_cli, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    wheel = hand_rolled_wheel(
        bad,
        {
            "sona/bin/sona": FIXTURES / "usefoo-rpath-lib",
            "sona/bin/libfoo.so.1": FIXTURES / "libfoo.so.1",
        },
    )
    proc = run([binwheel_cli, "check", wheel], check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, describe(proc)
    assert "sona/bin/sona loads libfoo.so.1" in out, describe(proc)
    assert "RUNPATH `$ORIGIN/../lib` (sona/lib)" in out, describe(proc)
    assert "the wheel has it at sona/bin/libfoo.so.1" in out, describe(proc)
    assert "put libfoo.so.1 at sona/lib/" in out, describe(proc)

    good = tmp_path / "good"
    good.mkdir()
    wheel = hand_rolled_wheel(
        good,
        {
            "sona/bin/sona": FIXTURES / "usefoo-rpath-lib",
            "sona/lib/libfoo.so.1": FIXTURES / "libfoo.so.1",
        },
    )
    run([binwheel_cli, "check", wheel])


@linux_x86_64
def test_a_binary_in_bin_loads_its_library_from_lib(binwheel_cli, make_venv, tmp_path):
    project = tmp_path / "sona"
    (project / "release" / "bin").mkdir(parents=True)
    (project / "release" / "lib").mkdir()
    shutil.copy(FIXTURES / "usefoo-rpath-lib", project / "release" / "bin" / "sona")
    shutil.copy(FIXTURES / "libfoo.so.1", project / "release" / "lib" / "libfoo.so.1")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "sona"\nversion = "1.0"\n\n'
        '[[tool.binwheel.binary]]\nname = "sona"\npath = "release/bin/sona"\nscript = "sona"\ndir = "bin"\n\n'
        '[[tool.binwheel.library]]\nname = "libfoo.so.1"\npath = "release/lib/libfoo.so.1"\ndir = "lib"\n'
    )
    run([binwheel_cli, "build", project, "-o", tmp_path / "dist", "-q"])
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    assert "sona/_bin/bin/sona" in names and "sona/_bin/lib/libfoo.so.1" in names, names

    venv = make_venv()
    venv.install_wheel(wheel)
    assert venv.run("sona").stdout == "foo says 42\n"
    proc = venv.python_code(
        "from sona import _bin; p = _bin.path(); "
        "print(p.parent.name, p.parent.parent.name); "
        "print(_bin.run(capture_output=True, text=True).stdout, end='')"
    )
    assert proc.stdout == "bin _bin\nfoo says 42\n", describe(proc)
