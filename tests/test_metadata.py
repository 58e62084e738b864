"""Core Metadata through real frontends (docs/metadata.md).

`prepare_metadata_for_build_wheel` writes the `.dist-info` the wheel built
afterwards holds (WHEEL included), with PEP 794's `Import-Name` in
Metadata 2.5; refusals of `[project]` reach the frontend as one message with
file:line:col and no output. tests/conftest.py validates every METADATA and
PKG-INFO the suite leaves behind with `packaging`; the last test here shows
that check can fail.
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import helpers
from helpers import describe, run

HOST = helpers.host_target()

# PEP 794 keys on top of the example's [project]: Metadata-Version 2.5.
IMPORT_NAMES = 'import-names = ["hello"]\nimport-namespaces = ["hello_plugins"]\n'

# Through `build`'s ProjectBuilder (pyproject_hooks runs each hook in a
# subprocess of the tools venv, where `tests/run setup` installed binwheel):
# the metadata hook first, as pip calls it, then the wheel.
BUILDER = """
import sys
from build import ProjectBuilder
builder = ProjectBuilder(sys.argv[1])
print(builder.metadata_path(sys.argv[2]))
print(builder.build("wheel", sys.argv[3], metadata_directory=None))
"""


def with_project_keys(project: Path, keys: str) -> Path:
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace("\n[project.urls]", f"{keys}\n[project.urls]", 1), encoding="utf-8")
    return project


def dist_info_files(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory).as_posix()): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_prepared_metadata_is_the_wheels_through_build(make_example, tmp_path):
    from packaging.metadata import Metadata

    project = with_project_keys(make_example(build_command=False), IMPORT_NAMES)
    proc = run([helpers.TOOLS_PYTHON, "-c", BUILDER, project, tmp_path / "meta", tmp_path / "dist"], env=helpers.base_env())
    prepared_dir, wheel = (Path(line) for line in proc.stdout.splitlines()[-2:])
    prepared = dist_info_files(prepared_dir)
    assert sorted(prepared) == ["METADATA", "WHEEL", "entry_points.txt", "licenses/LICENSE", "sboms/hello.cdx.json"], describe(proc)
    with zipfile.ZipFile(wheel) as zf:
        prefix = f"{prepared_dir.name}/"
        in_wheel = {n[len(prefix):]: zf.read(n) for n in zf.namelist() if n.startswith(prefix) and n != f"{prefix}RECORD"}
    assert prepared == in_wheel  # byte for byte, WHEEL and METADATA included
    metadata = Metadata.from_email(prepared["METADATA"], validate=True)
    assert metadata.metadata_version == "2.5"
    assert metadata.import_names == ["hello"] and metadata.import_namespaces == ["hello_plugins"]
    assert b"\nTag: py3-none-" in prepared["WHEEL"]


def test_pip_reads_the_prepared_metadata(tools, make_example, tmp_path):
    """pip resolves with prepare_metadata_for_build_wheel (a dry run builds
    no wheel) and accepts the prepared Metadata 2.5. Its report lists only
    the fields pip knows, which do not include Import-Name yet."""
    import json

    project = with_project_keys(make_example(build_command=False), IMPORT_NAMES)
    report = tmp_path / "report.json"
    tools.pip("install", "--dry-run", "--no-deps", "--ignore-installed", "--report", report, project)
    (item,) = json.loads(report.read_text(encoding="utf-8"))["install"]
    assert item["metadata"]["metadata_version"] == "2.5", item["metadata"]
    assert (item["metadata"]["name"], item["metadata"]["version"]) == ("hello-server", "0.1.0")


def test_a_refusal_reaches_the_frontend_with_no_output(tools, make_example, tmp_path):
    project = with_project_keys(
        make_example(build_command=False), '[project.entry-points."my group"]\nx = "hello:main"\n'
    )
    out = tmp_path / "dist"
    proc = tools.build(project, out, check=False)
    assert proc.returncode != 0, describe(proc)
    output = proc.stdout + proc.stderr
    assert 'pyproject.toml:21:23: the entry point group "my group" contains \' \'' in output, output
    assert "help: rename the group, e.g. `my_group`" in output, output
    assert "Traceback" not in output, output
    assert not out.exists() or not any(out.iterdir())


def test_the_suite_wide_check_finds_and_refuses(tmp_path):
    """The check in tests/conftest.py finds binwheel's artifacts (and only
    those) and fails on METADATA that packaging refuses."""
    good = "Metadata-Version: 2.5\nName: a\nVersion: 1\nImport-Name: a\n"
    bad = "Metadata-Version: 2.5\nName: a\nVersion: 1\nImport-Name: my-pkg\n"
    assert helpers.core_metadata_problem(good) is None
    assert "'my-pkg' is not a valid identifier" in helpers.core_metadata_problem(bad)
    # an empty Import-Name is PEP 794's "no import names"; below 2.5 it is refused
    assert helpers.core_metadata_problem("Metadata-Version: 2.5\nName: a\nVersion: 1\nImport-Name:\n") is None
    assert helpers.core_metadata_problem("Metadata-Version: 2.4\nName: a\nVersion: 1\nImport-Name: a\n")

    wheel_file = "Wheel-Version: 1.0\nGenerator: {}\nRoot-Is-Purelib: false\nTag: py3-none-any\n"
    for generator, name in (("binwheel 1.0", "ours"), ("hatchling 1.0", "theirs")):
        with zipfile.ZipFile(tmp_path / f"{name}-1-py3-none-any.whl", "w") as zf:
            zf.writestr(f"{name}-1.dist-info/WHEEL", wheel_file.format(generator))
            zf.writestr(f"{name}-1.dist-info/METADATA", bad)
    prepared = tmp_path / "meta" / "ours-1.dist-info"
    prepared.mkdir(parents=True)
    (prepared / "WHEEL").write_text(wheel_file.format("binwheel 1.0"))
    (prepared / "METADATA").write_text(good)
    found = sorted(where.replace(str(tmp_path), "") for where, _ in helpers.binwheel_core_metadata([tmp_path]))
    assert found == [
        "/meta/ours-1.dist-info/METADATA",
        "/ours-1-py3-none-any.whl!ours-1.dist-info/METADATA",
    ], found
    # the check itself would fail on the wheel: remove it so the suite stays green
    (tmp_path / "ours-1-py3-none-any.whl").unlink()


def test_no_traceback_from_the_metadata_hook(make_example, tmp_path):
    """The hook raises BuildError (a SystemExit): a frontend prints the message."""
    project = with_project_keys(make_example(build_command=False), 'import-names = ["hello", "hello"]\n')
    code = "import sys, binwheel; binwheel.prepare_metadata_for_build_wheel(sys.argv[1])"
    (tmp_path / "meta").mkdir()
    proc = subprocess.run(
        [helpers.TOOLS_PYTHON, "-c", code, tmp_path / "meta"], cwd=project, env=helpers.base_env(), capture_output=True, text=True
    )
    assert proc.returncode == 1, describe(proc)
    assert "pyproject.toml:21:26: `project.import-names` lists \"hello\" twice" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert list((tmp_path / "meta").iterdir()) == []
