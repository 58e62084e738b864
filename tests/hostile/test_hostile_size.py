"""Sizes at the edges: an executable over 4 GiB (ZIP64), an empty one, an
empty readme.

The >4 GiB binary is the example's real `hello` for this machine, extended
with `truncate` to 4.2 GiB: a sparse file, so it costs no disk until it is
installed. These two are the slowest tests (a few minutes together, 16 GB
written), so they run with the release checks (`bash tests/run release`),
not in every test run: the wheel is
built, checked byte by byte against the ZIP64 rules, validated by `installer
--validate-record all` and installed by pip into a fresh venv, where the
command still runs. A second build stores the entry uncompressed
(`compression-level = 0`), so the archive itself passes 4 GiB and needs
ZIP64 offsets and the ZIP64 end records too.
"""

from __future__ import annotations

import os
import shutil
import struct
import sys
import time
import zipfile
from pathlib import Path

import pytest

import helpers

HOST = helpers.host_target()
BIG = 4 * 1024**3 + 200 * 1024**2  # 4.2 GiB: past every 32-bit field
U32 = 0xFFFFFFFF


@pytest.fixture
def big_files(tmp_path):
    """One >4 GiB test at a time (each writes up to 9 GiB while it runs, and
    two xdist workers could otherwise run both at once)."""
    if not HOST.startswith("linux"):
        # Appending bytes to a Mach-O or PE breaks its signature or loader.
        pytest.skip("the sparse >4 GiB executable is a Linux ELF")
    with helpers.file_lock(helpers.CACHE / "hostile-4gib.lock"):
        need = 10 * 1024**3
        free = shutil.disk_usage(tmp_path).free
        if free < need:
            pytest.skip(f"needs {need >> 30} GiB of free disk, {free >> 30} GiB free")
        try:
            yield
        finally:  # pass or fail, give the gigabytes back
            for child in tmp_path.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)


def _sparse_binary(project: Path) -> Path:
    binary = project / "bin" / HOST / "hello"
    assert binary.is_file()
    os.truncate(binary, BIG)
    assert binary.stat().st_size == BIG
    return binary


def _zip64_extra(extra: bytes) -> bytes:
    """The payload of the ZIP64 extended information field (header 0x0001)."""
    at = 0
    while at + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, at)
        if tag == 0x0001:
            return extra[at + 4 : at + 4 + size]
        at += 4 + size
    raise AssertionError(f"no ZIP64 extra field in {extra!r}")


def _check_zip64(wheel: Path, member: str, stored: bool) -> None:
    """The big member's local and central records carry its 64-bit sizes, and
    the rest of the archive reads back."""
    with zipfile.ZipFile(wheel) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        big = infos[member]
        assert big.file_size == BIG
        assert big.extract_version == 45, big.extract_version
        if stored:
            assert big.compress_type == zipfile.ZIP_STORED and big.compress_size == BIG
        else:
            assert big.compress_type == zipfile.ZIP_DEFLATED and big.compress_size < 64 * 1024**2
        # central directory: the size is in the ZIP64 field (and the
        # compressed size too when it does not fit in 32 bits)
        payload = _zip64_extra(big.extra)
        assert struct.unpack_from("<Q", payload, 0)[0] == BIG
        # the local header: both sizes 0xFFFFFFFF, the real ones in its ZIP64 field
        with open(wheel, "rb") as f:
            f.seek(big.header_offset)
            local = f.read(30)
            sig, _, _, _, _, _, _, csize, usize, name_len, extra_len = struct.unpack("<IHHHHHIIIHH", local)
            assert sig == 0x04034B50
            assert (csize, usize) == (U32, U32)
            f.seek(big.header_offset + 30 + name_len)
            local_extra = _zip64_extra(f.read(extra_len))
            assert struct.unpack_from("<QQ", local_extra, 0) == (BIG, big.compress_size)
        # every other member reads back with its CRC checked
        for name, info in infos.items():
            if name != member:
                zf.read(info)
        names = list(infos)
        assert names[-1].endswith(".dist-info/RECORD"), names


def _installer_validates(wheel: Path, scratch: Path) -> None:
    dest = scratch / "installer-destdir"
    helpers.run(
        [helpers.TOOLS_PYTHON, "-m", "installer", "--validate-record", "all", "--no-compile-bytecode",
         "--destdir", dest, "--prefix", scratch / "prefix", wheel],
        timeout=1800,
    )
    installed = [p for p in dest.rglob("hello") if p.parent.name == "_bin"]
    assert len(installed) == 1 and installed[0].stat().st_size == BIG, installed
    shutil.rmtree(dest)


@pytest.mark.release
def test_binary_over_4_gib_builds_a_zip64_wheel_that_pip_installs(hostile, big_files, make_example, make_venv, tools, tmp_path):
    project = make_example(build_command=False)
    _sparse_binary(project)
    out = tmp_path / "dist"
    t0 = time.monotonic()
    proc = hostile.cli("build", project, "-o", out, timeout=1800)
    built = time.monotonic() - t0
    assert proc.returncode == 0, proc.stderr
    wheel = helpers.single_wheel(out)
    assert wheel.stat().st_size < 64 * 1024**2, "the zeros deflate to almost nothing"
    _check_zip64(wheel, "hello/_bin/hello", stored=False)
    _installer_validates(wheel, tmp_path)

    venv = make_venv()
    t1 = time.monotonic()
    tools.pip("install", "--no-deps", "--no-index", "--no-compile", wheel, python=venv.python)
    installed = time.monotonic() - t1
    proc = venv.run("hello", "--version")
    assert proc.stdout == f"hello {helpers.EXAMPLE_VERSION}\n", helpers.describe(proc)
    [binary] = [p for p in venv.path.rglob("hello") if p.parent.name == "_bin"]
    assert binary.stat().st_size == BIG
    assert os.access(binary, os.X_OK)
    print(f"built in {built:.0f} s, pip installed in {installed:.0f} s", file=sys.stderr)
    shutil.rmtree(venv.path)


@pytest.mark.release
def test_binary_over_4_gib_stored_needs_zip64_offsets(hostile, big_files, make_example, tmp_path):
    project = make_example(build_command=False)
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace("[tool.binwheel]\n", "[tool.binwheel]\ncompression-level = 0\n", 1), encoding="utf-8")
    _sparse_binary(project)
    out = tmp_path / "dist"
    proc = hostile.cli("build", project, "-o", out, timeout=1800)
    assert proc.returncode == 0, proc.stderr
    wheel = helpers.single_wheel(out)
    assert wheel.stat().st_size > BIG
    _check_zip64(wheel, "hello/_bin/hello", stored=True)
    with zipfile.ZipFile(wheel) as zf:
        after = [i for i in zf.infolist() if i.header_offset > U32]
        assert after and all(i.filename.startswith("hello_server-") for i in after), [i.filename for i in after]
        for info in after:  # offsets past 4 GiB live in the ZIP64 field
            assert info.extra, info.filename
    with open(wheel, "rb") as f:
        f.seek(-98, os.SEEK_END)
        tail = f.read()
    # ZIP64 end of central directory record, its locator, then the classic end record
    assert tail[:4] == b"PK\x06\x06" and tail[56:60] == b"PK\x06\x07" and tail[76:80] == b"PK\x05\x06", tail
    _installer_validates(wheel, tmp_path)
    wheel.unlink()


def test_empty_binary_is_not_an_executable(hostile, tmp_path):
    p = hostile.Project(tmp_path)
    (p.root / "bin" / "tool").write_bytes(b"")
    proc = hostile.cli("build", p.root, "-o", p.out, "--target", "linux-x86_64")
    assert proc.returncode == 1, proc.stderr
    assert "bin/tool: not an executable: the file is empty" in proc.stderr, proc.stderr
    assert hostile.listing(p.out) == []


def test_empty_readme_gives_an_empty_description(hostile, tmp_path):
    from packaging.metadata import Metadata

    p = hostile.Project(tmp_path, project_extra='readme = "README.md"')
    (p.root / "README.md").write_bytes(b"")
    proc = hostile.cli("build", p.root, "-o", p.out, "--target", "linux-x86_64")
    assert proc.returncode == 0, proc.stderr
    proc = hostile.hook("build_sdist", p.root, p.out)
    assert proc.returncode == 0, proc.stderr
    wheel = helpers.single_wheel(p.out)
    metadata = dict(hostile.blobs(wheel))["demo-1.0.dist-info/METADATA"]
    assert metadata.endswith(b"Description-Content-Type: text/markdown\n\n"), metadata
    parsed = Metadata.from_email(metadata, validate=True)
    assert parsed.description in (None, "") and parsed.description_content_type == "text/markdown"
    sdist = dict(hostile.blobs(next(p.out.glob("*.tar.gz"))))
    assert sdist["demo-1.0/README.md"] == b""
    assert sdist["demo-1.0/PKG-INFO"].endswith(b"Description-Content-Type: text/markdown\n\n")
