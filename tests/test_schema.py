"""validate-pyproject checks [tool.binwheel] with binwheel's own schema.

The schema is rendered by the Rust core (crates/binwheel-core/src/schema.rs,
whose unit tests keep it in step with the settings reader) and reaches
validate-pyproject through the `validate_pyproject.tool_schema` entry point of
the binwheel installed in the tools venv. Here: the example and binwheel's
sample documents (every key, each sample accepted by binwheel) pass; configs
binwheel refuses fail in validate-pyproject too.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import helpers
from helpers import describe, run

EXAMPLE_PYPROJECT = (helpers.EXAMPLE / "pyproject.toml").read_text(encoding="utf-8")


def validate_pyproject(*files: Path, check: bool = False):
    exe = shutil.which("validate-pyproject", path=str(helpers.TOOLS_PYTHON.parent))
    assert exe, "validate-pyproject is not in the tools venv (tests/requirements.txt)"
    return run([exe, *files], env=helpers.base_env(), check=check)


def python(code: str) -> str:
    return run([helpers.TOOLS_PYTHON, "-c", code], env=helpers.base_env()).stdout


def test_entry_point_serves_the_cli_schema():
    eps = json.loads(
        python(
            "import json; from importlib.metadata import entry_points; "
            "print(json.dumps({e.name: e.value for e in entry_points(group='validate_pyproject.tool_schema')}))"
        )
    )
    assert eps.get("binwheel") == "binwheel._schema:tool_schema", eps
    from_plugin = json.loads(python("import json, binwheel._schema as s; print(json.dumps(s.tool_schema('binwheel')))"))
    from_cli = json.loads(run([helpers.TOOLS_PYTHON, "-m", "binwheel", "schema"], env=helpers.base_env()).stdout)
    assert from_plugin == from_cli
    assert from_cli["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert from_cli["$id"]  # validate-pyproject requires one


def test_example_and_every_sample_are_valid(tmp_path):
    samples = json.loads(python("import json; from binwheel import _binwheel; print(json.dumps(_binwheel.schema_samples()))"))
    assert len(samples) >= 4
    files = [helpers.EXAMPLE / "pyproject.toml"]
    for i, text in enumerate(samples):
        path = tmp_path / f"sample-{i}" / "pyproject.toml"
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        files.append(path)
    proc = validate_pyproject(*files)
    assert proc.returncode == 0, describe(proc)
    assert proc.stdout.count("Valid file:") == len(files), describe(proc)


def with_binary_lines(extra: str) -> str:
    """The example with `extra` added to its [[tool.binwheel.binary]] table."""
    return EXAMPLE_PYPROJECT.replace('script = "hello"\n', f'script = "hello"\n{extra}\n', 1)


BAD = {
    "unknown key": (with_binary_lines('scirpt = "hello"'), "scirpt"),
    "wrong type": (EXAMPLE_PYPROJECT.replace('package = "hello"', "package = 3"), "tool.binwheel.package"),
    "bad enum": (with_binary_lines('install = "bin"'), "install"),
    "unknown target": (EXAMPLE_PYPROJECT.replace("linux-aarch64 = {}", "linux-sparc = {}"), "tool.binwheel.targets"),
    "unknown placeholder": (EXAMPLE_PYPROJECT.replace("bin/{target}/", "bin/{targte}/"), "path"),
    "level out of range": (
        EXAMPLE_PYPROJECT.replace('package = "hello"', 'package = "hello"\ncompression-level = 12'),
        "compression-level",
    ),
    "two version sources": (
        EXAMPLE_PYPROJECT + '\n[tool.binwheel.version]\nfile = "VERSION"\nenv = "HELLO_VERSION"\n',
        "tool.binwheel.version",
    ),
    "url without sha256": (with_binary_lines('url = "https://example.org/hello.tar.gz"'), "sha256"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_configs_fail_in_validate_pyproject_and_in_binwheel(case, tmp_path):
    text, mentioned = BAD[case]
    assert text != EXAMPLE_PYPROJECT
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    proc = validate_pyproject(tmp_path / "pyproject.toml")
    assert proc.returncode != 0, describe(proc)
    assert "Invalid file" in proc.stdout + proc.stderr, describe(proc)
    assert mentioned in proc.stdout + proc.stderr, describe(proc)
    # binwheel itself refuses the same file, pointing into it.
    proc = run(
        [helpers.TOOLS_PYTHON, "-m", "binwheel", "build", "--list", tmp_path],
        env=helpers.base_env(),
        check=False,
    )
    assert proc.returncode == 1, describe(proc)
    assert re.search(r"binwheel: error: pyproject\.toml:\d+:\d+: ", proc.stderr), describe(proc)
