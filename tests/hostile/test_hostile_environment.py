"""Time and environment: SOURCE_DATE_EPOCH in every shape, and nothing of the
build machine (environment values, home, temporary directory, absolute
paths) in any artifact.

Documented behaviour (docs/configuration.md, docs/sdist.md): wheel entries
carry SOURCE_DATE_EPOCH clamped to the zip range 1980-01-01..2107-12-31,
1980-01-01 when unset; sdist members carry it as is (negative values become
0, the far future stops at the largest ustar time, 8589934591 = year 2242),
1980-01-01 when unset; the gzip header always has time 0. A value that is
not a whole number is an error naming the variable, and nothing is written.
"""

from __future__ import annotations

import os
import tarfile
import uuid
import zipfile

import pytest

import helpers

ZIP_1980 = (1980, 1, 1, 0, 0, 0)
DEFAULT = 315_532_800  # 1980-01-01T00:00:00Z

# value -> (zip date_time of every wheel entry, mtime of every sdist member)
EPOCHS = {
    None: (ZIP_1980, DEFAULT),
    "": (ZIP_1980, DEFAULT),
    "0": (ZIP_1980, 0),
    "100": (ZIP_1980, 100),
    "-5": (ZIP_1980, 0),
    "315532800": (ZIP_1980, 315_532_800),
    "1700000001": ((2023, 11, 14, 22, 13, 20), 1_700_000_001),  # zip keeps even seconds
    " 1700000000 ": ((2023, 11, 14, 22, 13, 20), 1_700_000_000),
    "4354819199": ((2107, 12, 31, 23, 59, 58), 4_354_819_199),
    "9999999999": ((2107, 12, 31, 23, 59, 58), 8_589_934_591),
}

BAD_EPOCHS = ["yesterday", "1.5", "1e9", "0x10", "99999999999999999999", "12 34"]


def _env(value):
    env = helpers.base_env()  # drops any SOURCE_DATE_EPOCH of the caller
    if value is not None:
        env["SOURCE_DATE_EPOCH"] = value
    return env


@pytest.mark.parametrize("value", list(EPOCHS), ids=[repr(v) for v in EPOCHS])
def test_source_date_epoch(hostile, tmp_path, value):
    zip_time, tar_time = EPOCHS[value]
    p = hostile.Project(tmp_path, project_extra='readme = "README.md"')
    env = _env(value)
    proc = hostile.cli("build", p.root, "-o", p.out, "--target", "linux-x86_64", env=env)
    assert proc.returncode == 0, proc.stderr
    proc = hostile.hook("build_sdist", p.root, p.out, env=env)
    assert proc.returncode == 0, proc.stderr

    wheel = helpers.single_wheel(p.out)
    with zipfile.ZipFile(wheel) as zf:
        times = {i.date_time for i in zf.infolist()}
    assert times == {zip_time}, times
    sdist = p.out / "demo-1.0.tar.gz"
    raw = sdist.read_bytes()
    assert raw[4:8] == b"\0\0\0\0" and raw[9] == 255, "gzip header: time 0, OS unknown"
    with tarfile.open(sdist) as tf:
        mtimes = {m.mtime for m in tf.getmembers()}
    assert mtimes == {tar_time}, mtimes

    # The same input and epoch give the same bytes.
    again = tmp_path / "again"
    assert hostile.cli("build", p.root, "-o", again, "--target", "linux-x86_64", env=env).returncode == 0
    assert hostile.hook("build_sdist", p.root, again, env=env).returncode == 0
    assert (again / wheel.name).read_bytes() == wheel.read_bytes()
    assert (again / sdist.name).read_bytes() == raw


@pytest.mark.parametrize("value", BAD_EPOCHS)
def test_bad_source_date_epoch_is_an_error(hostile, tmp_path, value):
    p = hostile.Project(tmp_path)
    env = _env(value)
    expected = f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01, found {value.strip()!r}".replace(
        "'", '"'
    )
    proc = hostile.cli("build", p.root, "-o", p.out, "--target", "linux-x86_64", env=env)
    assert proc.returncode == 1 and expected in proc.stderr, proc.stderr
    for hook in ("build_sdist", "build_wheel", "build_editable"):
        proc = hostile.hook(hook, p.root, p.out, env=env)
        assert proc.returncode == 1 and expected in proc.stderr, (hook, proc.stderr)
        assert "Traceback" not in proc.stderr
    assert hostile.listing(p.out) == []


BUILD_BY_COMMAND = """
build = ["python", "-c", "import shutil, sys; shutil.copyfile(sys.argv[1], sys.argv[2])", "prebuilt/tool.elf", "{out}"]
"""


def test_no_machine_value_in_any_artifact(hostile, tmp_path):
    marker = f"LEAK-{uuid.uuid4().hex}"
    home = tmp_path / f"home-{marker}"
    tmpdir = tmp_path / f"tmp-{marker}"
    cache = tmp_path / f"cache-{marker}"
    for d in (home, tmpdir, cache):
        d.mkdir()
    p = hostile.Project(
        tmp_path,
        project_extra='readme = "README.md"\nlicense = "MIT"',
        binary_extra=BUILD_BY_COMMAND,
        binary_path="bin/{target}/tool{exe}",
    )
    (p.root / "LICENSE").write_text("MIT\n")
    (p.root / "prebuilt").mkdir()
    (p.root / "prebuilt" / "tool.elf").write_bytes(hostile.tiny_elf())
    (p.root / "bin" / "tool").unlink()
    (p.root / "bin" / "linux-aarch64").mkdir()
    (p.root / "bin" / "linux-aarch64" / "tool").write_bytes(hostile.tiny_elf("aarch64"))
    p.write_pyproject()

    env = helpers.base_env()
    env.update(
        HOME=str(home),
        TMPDIR=str(tmpdir),
        TMP=str(tmpdir),
        TEMP=str(tmpdir),
        XDG_CACHE_HOME=str(cache),
        BINWHEEL_CACHE_DIR=str(cache),
        USER=marker,
        LOGNAME=marker,
        HOSTNAME=marker,
        LEAK_MARKER=marker,
        PWD=str(p.root),
        PATH=str(helpers.TOOLS_PYTHON.parent) + os.pathsep + env.get("PATH", ""),
    )
    builds = [
        # the prebuilt file (cross target) and the build command (host target)
        hostile.cli("build", p.root, "-o", p.out / "wheels", "--target", "linux-aarch64", env=env),
        hostile.cli("build", p.root, "-o", p.out / "wheels", "--target", "linux-x86_64", env=env),
        hostile.hook("build_sdist", p.root, p.out / "sdist", env=env),
        hostile.hook("prepare_metadata_for_build_wheel", p.root, p.out / "metadata", env=env),
        hostile.hook("build_editable", p.root, p.out / "editable", env=env),
    ]
    for proc in builds:
        assert proc.returncode == 0, helpers.describe(proc)
    assert len(hostile.listing(p.out / "wheels")) == 2
    assert hostile.listing(tmpdir) == [], "the build directory in TMPDIR is removed"

    needles = {marker, str(home), str(tmpdir), str(cache), str(p.root), str(tmp_path), str(helpers.REPO)}
    needles |= {os.path.realpath(n) for n in needles if n.startswith("/")}
    real_home = os.environ.get("HOME", "")
    if len(real_home) > 5:
        needles.add(real_home)
    needles = [n.encode() for n in sorted(needles)]

    for directory in ("wheels", "sdist", "metadata"):
        leaks = hostile.find_in_artifacts(p.out / directory, needles)
        assert leaks == [], leaks
    # An editable wheel points at the source tree by design (its .pth file,
    # the directory holding the package); nothing else of the machine.
    editable = helpers.single_wheel(p.out / "editable")
    # (the scan does find a path where there is one)
    assert hostile.find_in_artifacts(p.out / "editable", [str(p.root).encode()])
    for name, data in hostile.blobs(editable):
        if name.endswith(".pth"):
            assert data.startswith(str(p.root / "src").encode() + b"\n"), data
            continue
        if name == "":
            continue  # the whole file: the .pth may be stored as it is
        for needle in needles:
            assert needle not in data, (name, needle)
