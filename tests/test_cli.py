"""The `binwheel` command line as scripts and people use it.

Every command runs as ``python -m binwheel`` from the tools venv (tests/run
installs the freshly built binwheel there). Results go to stdout, progress and
errors to stderr; exit codes are 0, 1 (a failed build or check) and 2 (usage).
The last test runs every example of docs/cli.md.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shlex
import shutil
from pathlib import Path

import pytest

import helpers
from helpers import describe

DOCS = helpers.REPO / "docs" / "cli.md"
HOST = helpers.host_target()
OTHER = helpers.other_linux_target()


def binwheel(*args, cwd=None, check=True, **env):
    full_env = helpers.base_env()
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        full_env.pop(name, None)
    full_env.update(env)
    return helpers.run([helpers.TOOLS_PYTHON, "-m", "binwheel", *args], env=full_env, cwd=cwd, check=check)


def linux_matrix(project: Path) -> Path:
    """Keep only the two Linux targets (both prebuilt) in [tool.binwheel.targets]."""
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    head, sep, _ = text.partition("[tool.binwheel.targets]\n")
    assert sep, "the example has a [tool.binwheel.targets] table at its end"
    pyproject.write_text(f"{head}{sep}linux-x86_64 = {{}}\nlinux-aarch64 = {{}}\n", encoding="utf-8")
    return project


@pytest.fixture
def project(make_example) -> Path:
    """The example with prebuilt Linux binaries, no build command and a two-target matrix."""
    return linux_matrix(make_example(targets=(HOST, OTHER), build_command=False))


def test_version():
    proc = binwheel("--version")
    assert re.fullmatch(r"binwheel \d+\.\d+\.\d+\S*\n", proc.stdout), describe(proc)
    assert binwheel("-V").stdout == proc.stdout


def test_help_names_every_command():
    proc = binwheel("--help")
    for command in ("build", "inspect", "check", "init", "schema", "help"):
        assert f"\n  {command} " in proc.stdout, describe(proc)
    assert proc.stderr == ""
    for args in (["build", "--help"], ["help", "build"]):
        proc = binwheel(*args)
        assert proc.stdout.startswith("usage: binwheel build"), describe(proc)
        assert "--all-targets" in proc.stdout and "--verbose" in proc.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["frobnicate"], 'unknown command "frobnicate"'),
        (["build", "--frobnicate"], "unknown option --frobnicate"),
        (["build", "-q", "-v"], "-q and -v exclude each other"),
        (["build", "--target"], "--target needs a value"),
        (["init", "--kind", "zig"], 'unknown --kind "zig"'),
        ([], "usage: binwheel"),
    ],
)
def test_usage_errors_exit_2(args, message):
    proc = binwheel(*args, check=False)
    assert proc.returncode == 2, describe(proc)
    assert message in proc.stderr, describe(proc)
    assert proc.stdout == ""


def test_build_quiet_prints_only_the_path(project, tmp_path):
    out = tmp_path / "out"
    proc = binwheel("build", project, "-o", out, "-q")
    assert proc.stderr == "", describe(proc)
    wheel = helpers.single_wheel(out)
    assert proc.stdout == f"{wheel}\n"


def chatty_build(project: Path, fail: bool) -> Path:
    """The example without a prebuilt binary; its `build` is a Python script that
    prints 40 numbered lines and then copies the host's binary to {out}, or fails."""
    shutil.rmtree(project / "bin")
    script = project / "make_binary.py"
    script.write_text(
        "import shutil, sys\n"
        "for i in range(40):\n"
        "    print(f'chatter {i}', flush=True)\n"
        f"if {fail!r}:\n"
        "    sys.exit('compiler says no')\n"
        f"shutil.copy({str(helpers.example_binary(HOST))!r}, sys.argv[1])\n",
        encoding="utf-8",
    )
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    argv = json.dumps([str(helpers.TOOLS_PYTHON), "make_binary.py", "{out}"])
    assert "\npath = " in text
    pyproject.write_text(text.replace("\npath = ", f"\nbuild = {argv}\npath = ", 1), encoding="utf-8")
    return project


@pytest.mark.parametrize("fail", [False, True], ids=["succeeds", "fails"])
def test_quiet_holds_back_build_command_output(project, tmp_path, fail):
    chatty_build(project, fail)
    loud = binwheel("build", project, "-o", tmp_path / "loud", "--target", HOST, check=False)
    quiet = binwheel("build", project, "-o", tmp_path / "quiet", "--target", HOST, "-q", check=False)
    assert loud.returncode == quiet.returncode == (1 if fail else 0), describe(quiet)
    # Without -q the command is announced and every line of it shows.
    assert "binwheel: building \"hello\"" in loud.stderr, describe(loud)
    assert all(f"chatter {i}\n" in loud.stderr for i in range(40)), describe(loud)
    if not fail:
        assert quiet.stderr == "", describe(quiet)
        assert quiet.stdout == f"{helpers.single_wheel(tmp_path / 'quiet')}\n"
        return
    # With -q a failure still shows what went wrong: the error and the last lines.
    assert "binwheel: building" not in quiet.stderr, describe(quiet)
    assert "the build command of binary \"hello\" failed (exit code 1)" in quiet.stderr, describe(quiet)
    assert "| compiler says no" in quiet.stderr and "| chatter 39" in quiet.stderr, describe(quiet)
    assert "chatter 0\n" not in quiet.stderr, "only the last lines are repeated"
    assert quiet.stdout == "" and not list((tmp_path / "quiet").glob("*.whl"))


def test_build_progress_goes_to_stderr(project, tmp_path):
    out = tmp_path / "out"
    proc = binwheel("build", project, "-o", out)
    wheel = helpers.single_wheel(out)
    assert proc.stdout == f"{wheel}\n", describe(proc)
    assert re.fullmatch(
        rf"\[1/1\] {HOST} → {re.escape(wheel.name)} \(\d+\.\d [kMG]B, \d+\.\d s\)\n", proc.stderr
    ), describe(proc)
    assert "\x1b[" not in proc.stderr  # not a terminal: no colour


def test_all_targets_progress_and_stable_stdout(project, tmp_path):
    out = tmp_path / "out"
    proc = binwheel("build", project, "-o", out, "--all-targets")
    paths = [Path(p) for p in proc.stdout.splitlines()]
    # stdout: the configured order with the sdist last, whatever finished first
    assert len(paths) == 3 and all(p.is_file() and p.parent == out for p in paths), describe(proc)
    assert paths[0].name.endswith("_x86_64.whl"), describe(proc)
    assert paths[1].name.endswith("_aarch64.whl"), describe(proc)
    assert paths[2].name == "hello_server-0.1.0.tar.gz", describe(proc)
    lines = proc.stderr.splitlines()
    progress = [line for line in lines if line.startswith("[")]
    assert len(progress) == 3, describe(proc)
    assert [line[:5] for line in progress] == ["[1/3]", "[2/3]", "[3/3]"]
    labels = {line.split()[1] for line in progress}
    assert labels == {"linux-x86_64", "linux-aarch64", "sdist"}, describe(proc)
    for line in progress:
        name = line.split(" → ")[1].split(" (")[0]
        assert (out / name).is_file(), line
    assert re.fullmatch(r"binwheel: built 3 artifacts in \d+\.\d s", lines[-1]), describe(proc)


def test_a_failed_target_is_named_and_the_rest_still_built(project, tmp_path):
    out = tmp_path / "out"
    proc = binwheel("build", project, "-o", out, "--target", HOST, "--target", "windows-x86_64", check=False)
    assert proc.returncode == 1, describe(proc)
    assert proc.stdout == f"{helpers.single_wheel(out)}\n"
    assert re.search(r"^\[\d/2\] windows-x86_64 failed$", proc.stderr, re.M), describe(proc)
    assert "binwheel: error: windows-x86_64: " in proc.stderr, describe(proc)
    assert "binwheel: 1 of 2 artifacts failed" in proc.stderr, describe(proc)


def test_verbose_lists_files_and_tags(project, tmp_path):
    proc = binwheel("build", project, "-o", tmp_path / "out", "--target", OTHER, "--sdist", "-v")
    assert re.search(r"^ +755 +\S+ [kMG]B +\S+ [kMG]B packed  hello/_bin/hello$", proc.stderr, re.M), describe(proc)
    assert re.search(r"^ +644 .*  hello_server-0\.1\.0\.dist-info/RECORD$", proc.stderr, re.M), describe(proc)
    assert f"tags: manylinux2014_{helpers.target_arch(OTHER)}" in proc.stderr, describe(proc)
    assert "derived from the binaries below" in proc.stderr
    assert "linkage:" in proc.stderr, describe(proc)
    # the sdist's members, with their sizes
    assert re.search(r"^ +644 +\S+ k?B  hello_server-0\.1\.0/pyproject\.toml$", proc.stderr, re.M), describe(proc)


def test_colour_follows_no_color_and_force_color(project, tmp_path):
    forced = binwheel("build", project, "-o", tmp_path / "a", FORCE_COLOR="1")
    assert "\x1b[" in forced.stderr and "\x1b[" not in forced.stdout, describe(forced)
    both = binwheel("build", project, "-o", tmp_path / "b", FORCE_COLOR="1", NO_COLOR="1")
    assert "\x1b[" not in both.stderr, describe(both)
    error = binwheel("build", project, "--target", "linux-sparc", FORCE_COLOR="1", check=False)
    assert "\x1b[1;31merror:\x1b[0m" in error.stderr, describe(error)


def test_list_prints_the_plan(project):
    proc = binwheel("build", project, "--list", "--target", OTHER)
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("hello_server-0.1.0-py3-none-") and lines[0].endswith(".whl"), describe(proc)
    assert "  755  hello/_bin/hello" in lines
    assert lines[-1] == "  644  hello_server-0.1.0.dist-info/RECORD"
    assert not (project / "dist").exists()


def test_inspect_json_and_check(project, tmp_path):
    out = tmp_path / "out"
    wheel = Path(binwheel("build", project, "-o", out, "-q").stdout.strip())
    report = json.loads(binwheel("inspect", "--json", wheel).stdout)
    (entry,) = report["files"]
    assert entry["type"] == "wheel" and entry["binaries"][0]["member"] == "hello/_bin/hello"
    assert entry["binaries"][0]["facts"]["os"] == "linux"
    text = binwheel("inspect", wheel).stdout
    assert text.startswith(f"{wheel}: wheel with 1 binary\n")

    proc = binwheel("check", wheel)
    assert proc.stdout == f"{wheel}: ok\n", describe(proc)
    broken = tmp_path / wheel.name.replace("0.1.0", "0.2.0")
    shutil.copy(wheel, broken)  # the file name no longer matches METADATA
    proc = binwheel("check", broken, check=False)
    assert proc.returncode == 1 and proc.stdout.startswith(f"{broken}: "), describe(proc)
    assert ": ok" not in proc.stdout
    assert "\n  error[BW602 metadata-version] METADATA says Version: 0.1.0" in proc.stdout, describe(proc)
    check_json_follows_its_schema_and_the_gate(wheel, broken, tmp_path)


def check_json_follows_its_schema_and_the_gate(wheel: Path, broken: Path, tmp_path: Path) -> None:
    """`check --json` on real wheels validates against docs/check.schema.json
    (jsonschema, an independent validator); --ignore and the project's
    [tool.binwheel.check] gate it."""
    import jsonschema

    schema = json.loads((helpers.REPO / "docs" / "check.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)

    proc = binwheel("check", "--json", wheel, broken, check=False)
    assert proc.returncode == 1, describe(proc)
    report = json.loads(proc.stdout)
    jsonschema.validate(report, schema)
    good, bad = report["files"]
    assert good == {"path": str(wheel), "passed": True, "counts": {"error": 0, "warning": 0, "note": 0},
                    "ignored": 0, "findings": []}
    # The .dist-info directory and METADATA both say 0.1.0.
    assert [f["rule"] for f in bad["findings"]] == ["BW502", "BW602"] and not report["passed"], report
    assert bad["findings"][1]["file"] == "METADATA"

    # Ignored by id (and glob), or by name: exit 0, counted as ignored.
    for ignores in (["BW502", "BW602:METADATA"], ["dist-info", "metadata-version"]):
        flags = [word for rule in ignores for word in ("--ignore", rule)]
        proc = binwheel("check", "--json", *flags, broken, cwd=tmp_path)
        report = json.loads(proc.stdout)
        jsonschema.validate(report, schema)
        assert report["passed"] and report["files"][0]["ignored"] == 2, report
    # A rule that does not exist is a usage error naming the fix.
    proc = binwheel("check", "--ignore", "BW999", wheel, check=False)
    assert proc.returncode == 2 and "docs/check.md lists the rules" in proc.stderr, describe(proc)
    # [tool.binwheel.check] of the project in the current directory applies too.
    (tmp_path / "pyproject.toml").write_text('[tool.binwheel.check]\nignore = ["BW502", "BW602"]\n', encoding="utf-8")
    proc = binwheel("check", broken, cwd=tmp_path)
    assert proc.stdout == f"{broken}: ok; 2 ignored\n", describe(proc)


def test_a_wheel_over_pypis_upload_limit_is_named(project, tmp_path):
    # The host's real binary, padded past 100 MiB (the tail is sparse) and
    # stored uncompressed, so the wheel is over PyPI's default limit.
    binary = project / "bin" / HOST / "hello"
    with open(binary, "r+b") as f:
        f.truncate(101 * 2**20)
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert text.count("[tool.binwheel]\n") == 1
    pyproject.write_text(text.replace("[tool.binwheel]\n", "[tool.binwheel]\ncompression-level = 0\n"), encoding="utf-8")

    out = tmp_path / "out"
    proc = binwheel("build", project, "-o", out, "--target", HOST, "-q")
    wheel = helpers.single_wheel(out)
    assert wheel.stat().st_size > 100 * 2**20
    # A warning, not a failure: the wheel is right and PyPI may have raised the project's limit.
    assert proc.stdout == f"{wheel}\n", describe(proc)
    assert proc.stderr.startswith(f"binwheel: warning: {wheel.name}: 101.0 MiB"), describe(proc)
    assert "over PyPI's default limit of 100 MiB per file" in proc.stderr, describe(proc)
    assert "requesting-a-file-size-limit-increase" in proc.stderr, describe(proc)

    proc = binwheel("check", wheel)
    lines = proc.stdout.splitlines()
    assert lines[0] == f"{wheel}: ok (1 note)", describe(proc)
    assert lines[1].startswith("  note[BW002 upload-size] 101.0 MiB") and len(lines) == 2, describe(proc)


def test_schema_prints_json():
    schema = json.loads(binwheel("schema").stdout)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "binary" in schema["properties"]


# ---------------------------------------------------------------------------
# docs/cli.md


def doc_commands() -> list[tuple[int, str]]:
    """(line number, command) of every `$ ` line in the ```console blocks of docs/cli.md."""
    commands = []
    in_console = False
    for number, line in enumerate(DOCS.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            in_console = line.strip() == "```console"
            continue
        if in_console and line.startswith("$ "):
            commands.append((number, line[2:]))
    return commands


def test_docs_examples_run(project, tmp_path):
    """Each example runs, in order, in the project docs/cli.md describes: the
    example with prebuilt Linux binaries and a two-target matrix. A trailing
    `# exit N` comment gives the expected exit code (default 0)."""
    commands = doc_commands()
    assert len(commands) >= 10, commands
    validate_pyproject = shutil.which("validate-pyproject", path=str(helpers.TOOLS_PYTHON.parent))
    for number, line in commands:
        command, _, comment = line.partition("  # ")
        expected = int(m.group(1)) if (m := re.search(r"\bexit (\d)", comment)) else 0
        argv = []
        for word in shlex.split(command):
            matches = sorted(glob.glob(word, root_dir=project)) if any(c in word for c in "*?[") else []
            argv.extend(matches or [word])
        program, *args = argv
        if program == "binwheel":
            proc = binwheel(*args, cwd=project, check=False)
        elif program == "validate-pyproject" and validate_pyproject:
            proc = helpers.run([validate_pyproject, *args], cwd=project, env=helpers.base_env(), check=False)
        else:
            pytest.fail(f"docs/cli.md:{number}: only binwheel and validate-pyproject examples run: {line}")
        assert proc.returncode == expected, f"docs/cli.md:{number}: {line}\n{describe(proc)}"
    assert list((project / "dist").glob("*.whl")), "the examples build into dist/"
    assert os.path.isfile(project / "pyproject.toml")
