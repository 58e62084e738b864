"""Concurrent builds into one output directory.

Eight processes build eight targets of one project into the same directory at
once: each gets its own temporary file and renames it into place, so all
eight wheels are there, intact and distinct, with nothing else left. Builds
of the same target at once race for the same final name; the rename is
atomic and the bytes identical, so one intact wheel remains.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import subprocess
import zipfile

import pytest

import helpers

# target -> (how to make its executable, a platform tag the wheel must carry)
TARGETS = {
    "linux-x86_64": ("example", "manylinux_2_17_x86_64"),
    "linux-aarch64": ("example", "manylinux_2_17_aarch64"),
    "linux-i686": ("i686", "manylinux_2_17_i686"),
    "linux-armv7": ("armv7", "manylinux_2_17_armv7l"),
    "linux-riscv64": ("riscv64", "manylinux_2_31_riscv64"),
    "linux-ppc64le": ("ppc64le", "manylinux_2_17_ppc64le"),
    "linux-s390x": ("s390x", "manylinux_2_17_s390x"),
    "windows-x86_64": ("pe", "win_amd64"),
}


def _start(args: list) -> subprocess.Popen:
    return subprocess.Popen(
        [str(a) for a in args],
        env=helpers.base_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(procs: list[subprocess.Popen]) -> list[tuple[int, str]]:
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        results.append((proc.returncode, out + err))
    return results


def _check_record(wheel) -> dict[str, bytes]:
    """Every member's hash and size match RECORD; returns the members."""
    with zipfile.ZipFile(wheel) as zf:
        assert zf.testzip() is None
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    record_name = next(n for n in members if n.endswith(".dist-info/RECORD"))
    rows = list(csv.reader(io.StringIO(members[record_name].decode())))
    assert {r[0] for r in rows} == set(members), (sorted(r[0] for r in rows), sorted(members))
    for path, digest, size in rows:
        if path == record_name:
            continue
        algo, value = digest.split("=", 1)
        data = members[path]
        expected = base64.urlsafe_b64encode(hashlib.new(algo, data).digest()).rstrip(b"=").decode()
        assert (value, int(size)) == (expected, len(data)), path
    return members


def test_eight_targets_at_once_into_one_directory(hostile, tmp_path):
    targets_table = "\n".join(f"{t} = {{}}" for t in TARGETS)
    p = hostile.Project(tmp_path, binary_path="bin/{target}/tool{exe}")
    (p.root / "bin" / "tool").unlink()
    sources = {}
    for target, (kind, _) in TARGETS.items():
        exe = ".exe" if target.startswith("windows") else ""
        path = p.root / "bin" / target / f"tool{exe}"
        path.parent.mkdir(parents=True)
        if kind == "example":
            data = helpers.example_binary(target).read_bytes()
        elif kind == "pe":
            data = hostile.tiny_pe()
        else:
            data = hostile.tiny_elf(kind)
        path.write_bytes(data)
        sources[target] = data
    p.write_pyproject()
    with open(p.root / "pyproject.toml", "a", encoding="utf-8") as f:
        f.write(f"\n[tool.binwheel.targets]\n{targets_table}\n")

    p.out.mkdir(exist_ok=True)
    procs = [
        _start([helpers.TOOLS_PYTHON, "-m", "binwheel", "build", p.root, "-o", p.out, "--target", t]) for t in TARGETS
    ]
    results = _finish(procs)
    for target, (code, output) in zip(TARGETS, results):
        assert code == 0, f"{target}: exit {code}\n{output}"

    names = hostile.listing(p.out)
    assert len(names) == len(TARGETS) and all(n.endswith(".whl") for n in names), names
    seen = set()
    for target, (_, tag) in TARGETS.items():
        [wheel] = [p.out / n for n in names if tag in n[: -len(".whl")].split("-")[-1].split(".")]
        assert wheel not in seen
        seen.add(wheel)
        members = _check_record(wheel)
        exe = ".exe" if target.startswith("windows") else ""
        assert members[f"demo/_bin/tool{exe}"] == sources[target], target
        wheel_file = members["demo-1.0.dist-info/WHEEL"].decode()
        tags = {line.split(": ", 1)[1] for line in wheel_file.splitlines() if line.startswith("Tag: ")}
        assert tags == {f"py3-none-{t}" for t in wheel.name[: -len(".whl")].split("-")[-1].split(".")}, wheel_file
    assert len(seen) == len(TARGETS)


def test_same_target_at_once_gives_one_intact_wheel(hostile, make_example, validate, tmp_path):
    project = make_example(build_command=False)
    out = tmp_path / "dist"
    out.mkdir()
    procs = [_start([helpers.TOOLS_PYTHON, "-m", "binwheel", "build", project, "-o", out]) for _ in range(4)]
    for code, output in _finish(procs):
        assert code == 0, output
    names = hostile.listing(out)
    assert len(names) == 1 and names[0].endswith(".whl"), names
    _check_record(out / names[0])
    validate(out / names[0])


def test_same_sdist_at_once_gives_one_intact_sdist(hostile, tmp_path):
    p = hostile.Project(tmp_path, project_extra='readme = "README.md"')
    (p.root / "data.bin").write_bytes(bytes(range(256)) * 4096)
    p.out.mkdir(exist_ok=True)
    code = "import sys, binwheel; print(binwheel.build_sdist(sys.argv[1]))"
    procs = []
    for _ in range(4):
        procs.append(
            subprocess.Popen(
                [str(helpers.TOOLS_PYTHON), "-c", code, str(p.out)],
                cwd=p.root,
                env=helpers.base_env(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    for rc, output in _finish(procs):
        assert rc == 0, output
    assert hostile.listing(p.out) == ["demo-1.0.tar.gz"]
    members = dict(hostile.blobs(p.out / "demo-1.0.tar.gz"))
    assert members["demo-1.0/data.bin"] == bytes(range(256)) * 4096
    assert members["demo-1.0/pyproject.toml"] == (p.root / "pyproject.toml").read_bytes()


@pytest.fixture(autouse=True)
def _posix_only():
    if helpers.IS_WINDOWS:
        pytest.skip("the synthetic executables and process handling assume POSIX")


def test_metadata_hooks_at_once_leave_no_staging_directory(hostile, tmp_path):
    """prepare_metadata_for_build_wheel stages `.dist-info` in a temporary
    directory; racing calls into one directory may fail (frontends give each
    build its own), but none leaves its staging directory behind."""
    p = hostile.Project(tmp_path, project_extra='readme = "README.md"')
    meta = tmp_path / "meta"
    meta.mkdir()
    code = "import sys, binwheel; print(binwheel.prepare_metadata_for_build_wheel(sys.argv[1]))"
    for _ in range(3):
        procs = [
            subprocess.Popen(
                [str(helpers.TOOLS_PYTHON), "-c", code, str(meta)],
                cwd=p.root,
                env=helpers.base_env(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(6)
        ]
        results = _finish(procs)
        assert any(rc == 0 for rc, _ in results), results
        for rc, output in results:
            assert rc == 0 or "cannot create" in output or "cannot replace" in output, output
        assert hostile.listing(meta) == ["demo-1.0.dist-info"]
        assert (meta / "demo-1.0.dist-info" / "METADATA").read_text().startswith("Metadata-Version: ")
