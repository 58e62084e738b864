"""Faults: a build killed mid-write, a full disk, a file size limit, a
read-only source tree. None may leave a file under an artifact's final name,
and every failure says what failed.

binwheel writes each artifact to `.binwheel-XXXXXX.tmp` in the output
directory and renames it into place when complete. A failed build deletes its
temporary file; a killed one cannot, so SIGKILL may leave a `.binwheel-*.tmp`
behind (never a `.whl` or `.tar.gz`), which a later build ignores.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

import helpers

POSIX = os.name == "posix"
pytestmark = pytest.mark.skipif(not POSIX, reason="signals, mounts and rlimits are POSIX")


def _temps(names: list[str]) -> list[str]:
    return [n for n in names if n.startswith(".binwheel-") and n.endswith(".tmp")]


def _kill_mid_write(cmd: list, out: Path, cwd: Path | None = None) -> list[str]:
    """Start ``cmd``, wait until its temporary file in ``out`` has data, SIGKILL
    it; return what is left in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [str(c) for c in cmd],
        cwd=cwd,
        env=helpers.base_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            temps = _temps(os.listdir(out))
            if temps:
                try:
                    if (out / temps[0]).stat().st_size > 256 * 1024:
                        break
                except FileNotFoundError:
                    pass
            if proc.poll() is not None:
                _, err = proc.communicate()
                pytest.fail(f"the build ended (exit {proc.returncode}) before it could be killed mid-write:\n{err.decode()}")
            time.sleep(0.002)
        else:
            pytest.fail("no temporary file with data appeared")
        proc.kill()
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -9
    return sorted(os.listdir(out))


def test_sigkill_mid_wheel_leaves_no_wheel(hostile, tmp_path):
    p = hostile.Project(tmp_path)
    # A 1.5 GiB sparse executable: seconds of deflate, so the kill lands mid-write.
    os.truncate(p.root / "bin" / "tool", 1536 * 1024**2)
    left = _kill_mid_write(
        [helpers.TOOLS_PYTHON, "-m", "binwheel", "build", p.root, "-o", p.out, "--target", "linux-x86_64"], p.out
    )
    assert left and left == _temps(left), left  # only the temporary file, never a .whl
    # A build after it (of a small binary, to be quick) succeeds beside the
    # leftover and gives an intact wheel.
    (p.root / "bin" / "tool").write_bytes(hostile.tiny_elf())
    proc = hostile.cli("build", p.root, "-o", p.out, "--target", "linux-x86_64")
    assert proc.returncode == 0, proc.stderr
    wheel = helpers.single_wheel(p.out)
    with zipfile.ZipFile(wheel) as zf:
        assert zf.testzip() is None
    assert _temps(os.listdir(p.out)) == left


def test_sigkill_mid_sdist_leaves_no_sdist(hostile, tmp_path):
    p = hostile.Project(tmp_path)
    with open(p.root / "data.bin", "wb") as f:
        f.truncate(1024**3)  # 1 GiB of zeros to gzip
    left = _kill_mid_write([helpers.TOOLS_PYTHON, "-c", SDIST, p.out], p.out, cwd=p.root)
    assert left and left == _temps(left), left


SDIST = "import sys, binwheel; print(binwheel.build_sdist(sys.argv[1]))"


@contextlib.contextmanager
def _small_tmpfs(path: Path, size: str = "8m"):
    path.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (the RLIMIT_FSIZE test covers a failing write)")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"mount -t tmpfs is not permitted here: {proc.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _incompressible_project(hostile, tmp_path: Path):
    p = hostile.Project(tmp_path)
    # 16 MiB of random bytes after the ELF headers: deflate cannot shrink it.
    (p.root / "bin" / "tool").write_bytes(hostile.tiny_elf() + os.urandom(16 * 1024**2))
    (p.root / "data.bin").write_bytes(os.urandom(16 * 1024**2))
    return p


def test_full_disk_gives_a_clear_error_and_no_partial_file(hostile, tmp_path):
    p = _incompressible_project(hostile, tmp_path)
    with _small_tmpfs(tmp_path / "small") as out:
        proc = hostile.cli("build", p.root, "-o", out, "--target", "linux-x86_64")
        assert proc.returncode == 1, proc.stderr
        assert "cannot write " in proc.stderr and "No space left on device" in proc.stderr, proc.stderr
        assert f"{out}/demo-1.0-py3-none-" in proc.stderr, proc.stderr
        assert hostile.listing(out) == []

        proc = hostile.hook("build_sdist", p.root, out)
        assert proc.returncode == 1, proc.stderr
        assert "No space left on device" in proc.stderr and "demo-1.0.tar.gz" in proc.stderr, proc.stderr
        assert hostile.listing(out) == []

        # The space came back: a small build fits.
        (p.root / "bin" / "tool").write_bytes(hostile.tiny_elf())
        (p.root / "data.bin").unlink()
        proc = hostile.cli("build", p.root, "-o", out, "--target", "linux-x86_64")
        assert proc.returncode == 0, proc.stderr
        assert len(hostile.listing(out)) == 1


LIMITED = """
import os, resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
os.execv(sys.executable, [sys.executable, *sys.argv[2:]])
"""


def _limited(limit: int, *cmd: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python CMD`` with RLIMIT_FSIZE = ``limit``: a write past it fails
    with EFBIG (Python ignores SIGXFSZ, and so does the process it execs)."""
    return helpers.run(
        [helpers.TOOLS_PYTHON, "-c", LIMITED, limit, *cmd], cwd=cwd, check=False, env=helpers.base_env()
    )


def test_file_size_limit_gives_a_clear_error_and_no_partial_file(hostile, tmp_path):
    p = _incompressible_project(hostile, tmp_path)
    p.out.mkdir(exist_ok=True)
    proc = _limited(4 * 1024**2, "-m", "binwheel", "build", p.root, "-o", p.out, "--target", "linux-x86_64")
    assert proc.returncode == 1, helpers.describe(proc)
    assert "cannot write " in proc.stderr and "File too large" in proc.stderr, proc.stderr
    assert hostile.listing(p.out) == []

    proc = _limited(4 * 1024**2, "-c", SDIST, p.out, cwd=p.root)
    assert proc.returncode == 1, helpers.describe(proc)
    assert "File too large" in proc.stderr and "demo-1.0.tar.gz" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert hostile.listing(p.out) == []


@contextlib.contextmanager
def _read_only(tree: Path, mountpoint: Path):
    """``tree`` as a read-only directory: a read-only bind mount when we are
    root (chmod does not stop root), else the tree with write bits removed."""
    if os.geteuid() == 0:
        mountpoint.mkdir()
        bind = subprocess.run(["mount", "--bind", str(tree), str(mountpoint)], capture_output=True, text=True)
        if bind.returncode != 0:
            pytest.skip(f"read-only bind mount not permitted: {bind.stderr.strip()}")
        try:
            ro = subprocess.run(
                ["mount", "-o", "remount,bind,ro", str(mountpoint)], capture_output=True, text=True
            )
            if ro.returncode != 0:
                pytest.skip(f"read-only remount not permitted: {ro.stderr.strip()}")
            probe = mountpoint / ".probe"
            with pytest.raises(OSError):
                probe.write_text("x")
            yield mountpoint
        finally:
            subprocess.run(["umount", "-l", str(mountpoint)], check=False)
    else:
        modes = {}
        for path in [tree, *tree.rglob("*")]:
            if not path.is_symlink():
                modes[path] = path.stat().st_mode
                path.chmod(modes[path] & ~0o222)
        try:
            yield tree
        finally:
            for path, mode in modes.items():
                path.chmod(mode)


def test_read_only_source_tree_builds_wheel_and_sdist(hostile, tmp_path):
    p = hostile.Project(tmp_path, project_extra='readme = "README.md"\nlicense = "MIT"')
    (p.root / "LICENSE").write_text("MIT\n")
    (p.root / ".gitignore").write_text("*.log\n")
    (p.root / "debug.log").write_text("ignored\n")
    p.write_pyproject()

    def state(root: Path):
        return {
            str(path.relative_to(root)): (path.stat().st_mode, path.stat().st_mtime_ns, path.read_bytes() if path.is_file() else None)
            for path in sorted(root.rglob("*"))
        }

    with _read_only(p.root, tmp_path / "ro") as tree:
        before = state(tree)
        wheel_out, sdist_out = tmp_path / "wheel", tmp_path / "sdist"
        proc = hostile.cli("build", tree, "-o", wheel_out, "--target", "linux-x86_64")
        assert proc.returncode == 0, proc.stderr
        proc = hostile.hook("build_sdist", tree, sdist_out)
        assert proc.returncode == 0, proc.stderr
        # the same through the metadata hook a frontend calls first
        proc = hostile.hook("prepare_metadata_for_build_wheel", tree, tmp_path / "meta")
        assert proc.returncode == 0, proc.stderr
        assert state(tree) == before
        # the default output directory (dist/ in the project) cannot be made
        proc = hostile.cli("build", tree, "--target", "linux-x86_64")
        assert proc.returncode == 1, proc.stderr
        assert "dist" in proc.stderr and ("Read-only file system" in proc.stderr or "Permission denied" in proc.stderr), proc.stderr
        assert state(tree) == before

    assert len(hostile.listing(wheel_out)) == 1 and hostile.listing(wheel_out)[0].endswith(".whl")
    assert hostile.listing(sdist_out) == ["demo-1.0.tar.gz"]
    sdist = dict(hostile.blobs(sdist_out / "demo-1.0.tar.gz"))
    assert "demo-1.0/debug.log" not in sdist and "demo-1.0/LICENSE" in sdist
