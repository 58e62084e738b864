"""binwheel's sdists, built through a real frontend.

`python -m build --sdist` (build isolation on, binwheel from the local
wheelhouse) builds the example's sdist from a copy whose prebuilt binary for
this machine is present, as in a release checkout. The sdist is checked with
twine, with the standard library's `tarfile` (pax format, the "data"
extraction filter) and by building a wheel from it.
"""

from __future__ import annotations

import email
import gzip
import os
import shutil
import tarfile
from pathlib import Path

import pytest

import helpers
from helpers import EXAMPLE_NAME, EXAMPLE_VERSION, describe, run, single_wheel

HOST = helpers.host_target()
TOP = f"{EXAMPLE_NAME.replace('-', '_')}-{EXAMPLE_VERSION}"
SDIST_NAME = f"{TOP}.tar.gz"
DEFAULT_MTIME = 315_532_800  # 1980-01-01T00:00:00Z, binwheel's default timestamp

# A path longer than a ustar header holds (255 bytes): it needs a pax record.
LONG_DIR = "docs/" + "a-rather-long-directory-name-" * 4
LONG_PATH = LONG_DIR + "/" + "and-an-even-longer-file-name-" * 4 + ".md"


def build_sdist(tools, project: Path, out: Path, env: dict | None = None) -> Path:
    proc = run(
        [helpers.TOOLS_PYTHON, "-m", "build", "--sdist", "--outdir", out, project],
        env=env or tools.env(),
        check=False,
    )
    assert proc.returncode == 0, describe(proc)
    sdists = sorted(out.glob("*.tar.gz"))
    assert [p.name for p in sdists] == [SDIST_NAME], describe(proc)
    return sdists[0]


def members(sdist: Path) -> dict[str, tarfile.TarInfo]:
    with tarfile.open(sdist) as tf:
        return {m.name: m for m in tf.getmembers()}


@pytest.fixture
def project(make_example) -> Path:
    """The example with this machine's prebuilt binary, an ignore file, an
    ignored file, a bytecode cache and a path too long for ustar."""
    root = make_example()
    assert (root / "bin" / HOST / f"hello{helpers.EXE}").is_file()
    (root / ".gitignore").write_text("*.log\n")
    (root / "debug.log").write_text("not source\n")
    cache = root / "python" / "hello" / "__pycache__"
    cache.mkdir()
    (cache / "__init__.cpython-312.pyc").write_bytes(b"\0")
    (root / LONG_DIR).mkdir(parents=True)
    (root / LONG_PATH).write_text("pax\n")
    return root


def test_sdist_contents(tools, project, tmp_path):
    sdist = build_sdist(tools, project, tmp_path / "dist")
    proc = run([helpers.TOOLS_PYTHON, "-m", "twine", "check", "--strict", sdist], check=False)
    assert proc.returncode == 0 and "PASSED" in proc.stdout, describe(proc)

    found = members(sdist)
    names = set(found)
    assert all(n.startswith(TOP + "/") for n in names), sorted(names)
    rel = {n[len(TOP) + 1 :] for n in names}
    for expected in ("pyproject.toml", "PKG-INFO", "LICENSE", "README.md", "main.go", "go.mod",
                     "python/hello/__init__.py", ".gitignore", LONG_PATH):
        assert expected in rel, f"{expected} missing from {sorted(rel)}"
    # Never in an sdist: prebuilt binaries, ignored files, bytecode.
    assert not any(r.startswith("bin/") for r in rel), sorted(rel)
    assert "debug.log" not in rel
    assert not any("__pycache__" in r or r.endswith(".pyc") for r in rel), sorted(rel)

    for m in found.values():
        assert m.isfile(), f"{m.name} is not a regular file"
        assert (m.uid, m.gid, m.uname, m.gname) == (0, 0, "", ""), m.name
        assert m.mode in (0o644, 0o755), f"{m.name}: {oct(m.mode)}"
        assert m.mtime == DEFAULT_MTIME, m.name
    assert sorted(found) == list(found), "members are not sorted"

    with tarfile.open(sdist) as tf:
        pyproject = tf.extractfile(f"{TOP}/pyproject.toml").read()
        pkg_info = tf.extractfile(f"{TOP}/PKG-INFO").read().decode()
    assert pyproject == (project / "pyproject.toml").read_bytes(), "pyproject.toml must be unchanged"
    meta = email.message_from_string(pkg_info)
    major, minor = (int(x) for x in meta["Metadata-Version"].split("."))
    assert (major, minor) >= (2, 2), meta["Metadata-Version"]
    assert meta.get_all("Dynamic") is None, meta.get_all("Dynamic")
    assert meta["Name"] == EXAMPLE_NAME and meta["Version"] == EXAMPLE_VERSION
    license_files = meta.get_all("License-File") or []
    assert license_files, "PKG-INFO lists no License-File"
    for lf in license_files:
        assert lf in rel, f"License-File {lf} is not in the sdist"

    # pax, never GNU long names; the stdlib's safest extraction filter accepts it.
    raw = gzip.decompress(sdist.read_bytes())
    assert b"././@LongLink" not in raw
    assert b"././@PaxHeader" in raw  # the long path
    dest = tmp_path / "unpacked"
    with tarfile.open(sdist) as tf:
        tf.extractall(dest, filter="data")
    assert (dest / TOP / LONG_PATH).read_text() == "pax\n"


def test_sdist_is_reproducible(tools, project, tmp_path):
    first = build_sdist(tools, project, tmp_path / "one")
    # Touching files changes their mtimes on disk, which must not matter.
    for path in (project / "main.go", project / "python" / "hello" / "__init__.py"):
        os.utime(path, None)
    second = build_sdist(tools, project, tmp_path / "two")
    assert first.read_bytes() == second.read_bytes()

    env = tools.env(SOURCE_DATE_EPOCH="1700000000")
    third = build_sdist(tools, project, tmp_path / "three", env=env)
    assert {m.mtime for m in members(third).values()} == {1_700_000_000}
    # The gzip header has no file name and no time.
    header = third.read_bytes()[:10]
    assert header[3] & 0x08 == 0, "gzip header carries a file name"
    assert header[4:8] == b"\0\0\0\0", "gzip header carries a time"


def test_wheel_from_the_unpacked_sdist(tools, project, validate, tmp_path):
    sdist = build_sdist(tools, project, tmp_path / "dist")
    unpacked = tmp_path / "unpacked"
    with tarfile.open(sdist) as tf:
        tf.extractall(unpacked, filter="data")
    source = unpacked / TOP
    assert not (source / "bin").exists()
    # With the prebuilt file in place, as a release pipeline provides it.
    binary = project / "bin" / HOST / f"hello{helpers.EXE}"
    (source / "bin" / HOST).mkdir(parents=True)
    shutil.copy2(binary, source / "bin" / HOST / binary.name)

    from_sdist = tmp_path / "from-sdist"
    tools.pip_wheel(source, from_sdist)
    report = validate(single_wheel(from_sdist))
    from_tree = tmp_path / "from-tree"
    tools.pip_wheel(project, from_tree)
    tree_wheel = single_wheel(from_tree)
    assert report.path.name == tree_wheel.name
    assert report.path.read_bytes() == tree_wheel.read_bytes(), "the sdist's wheel differs from the tree's"


def test_sdist_config_error_is_rendered(tools, project, tmp_path):
    text = (project / "pyproject.toml").read_text()
    text = text.replace('package = "hello"\n', 'package = "hello"\nsdist-include = ["data/**/*.csv"]\n')
    (project / "pyproject.toml").write_text(text)
    proc = run(
        [helpers.TOOLS_PYTHON, "-m", "build", "--sdist", "--outdir", tmp_path / "dist", project],
        env=tools.env(),
        check=False,
    )
    assert proc.returncode != 0, describe(proc)
    output = proc.stdout + proc.stderr
    assert '`tool.binwheel.sdist-include` glob "data/**/*.csv" matches no file' in output, describe(proc)
    assert "Traceback" not in output, describe(proc)
    # A failed build leaves nothing behind.
    assert not list((tmp_path / "dist").glob("*")), list((tmp_path / "dist").glob("*"))
