"""Every configuration mistake in one run (docs/configuration.md, "Mistakes").

The example there, seven mistakes of different kinds, goes through a real
`pip wheel` (isolated build environment, binwheel from the local
wheelhouse): one run reports all seven in file order, with the text the
documentation shows, fails, and writes nothing. `binwheel check DIR` prints
exactly that text, and `binwheel build` the same after its progress line. The Rust unit tests (settings.rs, toml.rs, target.rs,
license.rs) cover each kind of mistake on its own.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import helpers
from helpers import describe

DOC = helpers.REPO / "docs" / "configuration.md"


def documented_example() -> tuple[str, str]:
    """The section's pyproject.toml and the output it documents."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Mistakes: all of them in one run\n", 1)[1].split("\n## ", 1)[0]
    toml = re.search(r"```toml\n(.*?)```", section, re.S)
    output = re.search(r"```text\n(.*?)```", section, re.S)
    assert toml and output, "docs/configuration.md lost its mistakes example"
    return toml.group(1), output.group(1)


def write_project(root: Path) -> Path:
    root.mkdir()
    (root / "pyproject.toml").write_text(documented_example()[0], encoding="utf-8")
    return root


def test_pip_wheel_reports_every_mistake_at_once(tools, tmp_path):
    project = write_project(tmp_path / "project")
    _, expected = documented_example()
    problems = [line for line in expected.splitlines() if re.match(r"(binwheel: error: )?pyproject\.toml:", line)]
    assert len(problems) == 7, expected
    out = tmp_path / "out"
    out.mkdir()
    before = helpers.tree_snapshot(project)
    start = time.monotonic()
    proc = tools.pip_wheel(project, out, check=False)
    elapsed = time.monotonic() - start
    print(f"pip wheel round trip with seven mistakes: {elapsed:.2f} s")
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, describe(proc)
    assert list(out.iterdir()) == [], "a failed build wrote into the wheel directory"
    assert helpers.tree_snapshot(project) == before, "a failed build left files in the project"
    assert "Traceback" not in output, describe(proc)
    # pip indents what the hook printed; the documented text is all there, in order.
    shown = "\n".join(line.strip() for line in output.splitlines())
    documented = "\n".join(line.strip() for line in expected.splitlines())
    assert documented in shown, f"expected:\n{expected}\n{describe(proc)}"


def test_check_and_build_print_the_documented_text(tmp_path):
    project = write_project(tmp_path / "project")
    _, expected = documented_example()
    env = helpers.base_env()
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        env.pop(name, None)

    def binwheel(*args):
        return helpers.run([helpers.TOOLS_PYTHON, "-m", "binwheel", *args], env=env, cwd=project, check=False)

    proc = binwheel("check", ".")
    assert proc.returncode == 1, describe(proc)
    assert proc.stdout == "", describe(proc)
    assert proc.stderr == expected, describe(proc)
    # `binwheel build` prints the same after the target's progress line, and writes nothing.
    proc = binwheel("build", ".", "-o", tmp_path / "out")
    assert proc.returncode == 1, describe(proc)
    assert proc.stderr.endswith("failed\n" + expected), describe(proc)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    assert [p.name for p in project.iterdir()] == ["pyproject.toml"]
