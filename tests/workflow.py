"""Reading a GitHub Actions workflow file the ways GitHub cannot be asked here.

Shared by tests/test_release_workflow.py (docs/examples/release.yml, the
workflow for projects that use binwheel) and tests/test_own_release.py
(.github/workflows/release.yml, binwheel's own release): the job graph, the
matrices, the `run:` scripts, the few `${{ }}` expressions the workflows use,
and the linters (the GitHub workflow JSON schema that check-jsonschema
vendors, shellcheck, actionlint) from the tools venv.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import helpers
from helpers import describe, run

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")

# GitHub-hosted runner labels: (OS, architecture) in binwheel's target spelling.
RUNNERS = {
    "ubuntu-latest": ("linux", "x86_64"),
    "ubuntu-24.04": ("linux", "x86_64"),
    "ubuntu-22.04": ("linux", "x86_64"),
    "ubuntu-24.04-arm": ("linux", "aarch64"),
    "ubuntu-22.04-arm": ("linux", "aarch64"),
    "macos-latest": ("macos", "arm64"),
    "macos-14": ("macos", "arm64"),
    "macos-15": ("macos", "arm64"),
    "macos-13": ("macos", "x86_64"),
    "macos-15-intel": ("macos", "x86_64"),
    "windows-latest": ("windows", "x86_64"),
    "windows-2022": ("windows", "x86_64"),
    "windows-2025": ("windows", "x86_64"),
    "windows-11-arm": ("windows", "arm64"),
}


def tool(name: str) -> str:
    """A linter from the tools venv (tests/requirements.txt), else skip."""
    found = shutil.which(name, path=str(helpers.TOOLS_PYTHON.parent)) or shutil.which(name)
    if found is None:
        pytest.skip(f"{name} (tests/requirements.txt) is not installed")
    return found


class Workflow:
    def __init__(self, path: Path):
        import yaml

        self.path = path
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f)
        if True in data:  # YAML 1.1 reads the key `on` as a boolean
            data["on"] = data.pop(True)
        self.data: dict = data
        self.jobs: dict = data["jobs"]

    def needs(self, job: str) -> list[str]:
        value = self.jobs[job].get("needs", [])
        return [value] if isinstance(value, str) else list(value)

    def all_needs(self, job: str) -> set[str]:
        """Every job that must finish before ``job`` (transitively)."""
        seen: set[str] = set()
        todo = self.needs(job)
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo.extend(self.needs(name))
        return seen

    def matrix(self, job: str) -> list[dict]:
        return list(self.jobs[job].get("strategy", {}).get("matrix", {}).get("include", [{}]))

    def step_named(self, job: str, name: str) -> dict:
        found = [s for s in self.jobs[job]["steps"] if s.get("name") == name]
        assert len(found) == 1, f"job {job}: no single step named {name!r}"
        return found[0]

    def run_scripts(self) -> list[tuple[str, dict]]:
        return [(job, step) for job, spec in self.jobs.items() for step in spec["steps"] if "run" in step]

    def step_env(self, job: str, step: dict, ctx: dict) -> dict[str, str]:
        env: dict[str, str] = {}
        for layer in (self.data.get("env", {}), self.jobs[job].get("env", {}), step.get("env", {})):
            env.update({k: substitute(str(v), ctx) for k, v in layer.items()})
        return env

    # --- linters ----------------------------------------------------------

    def check_schema(self) -> None:
        run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", self.path])

    def check_shellcheck(self, scratch: Path, at_least: int) -> None:
        shellcheck = tool("shellcheck")
        scripts = self.run_scripts()
        assert len(scripts) >= at_least
        for i, (job, step) in enumerate(scripts):
            # ${{ }} is GitHub's, expanded before bash sees the script
            script = EXPRESSION.sub("GITHUB_EXPRESSION", step["run"])
            path = scratch / f"{i}-{job}.sh"
            path.write_text("#!/usr/bin/env bash\nset -eo pipefail\n" + script, encoding="utf-8")
            proc = run([shellcheck, "--shell=bash", "--severity=style", path], check=False)
            assert proc.returncode == 0, f"job {job}, step {step.get('name')!r}:\n{describe(proc)}"

    def check_actionlint(self) -> None:
        """actionlint: expressions, contexts, runner labels, action inputs, and
        shellcheck on every `run:` script (shellcheck from the tools venv)."""
        actionlint = tool("actionlint")
        env = helpers.base_env()
        env["PATH"] = str(helpers.TOOLS_PYTHON.parent) + ":" + env.get("PATH", "")
        proc = run([actionlint, "-no-color", "-pyflakes=", self.path], env=env, check=False)
        assert proc.returncode == 0, describe(proc)


def uses(step: dict) -> str:
    return step.get("uses", "").split("@", 1)[0]


def context_value(path: str, ctx: dict) -> object:
    value: object = ctx
    for part in path.split("."):
        value = value[part]  # type: ignore[index]
    return value


def substitute(text: str, ctx: dict) -> str:
    """Replace ${{ a.b }} references (the only expression form used in strings)."""
    return EXPRESSION.sub(lambda m: str(context_value(m.group(1), ctx)), text)


def condition(expr: str, ctx: dict) -> bool:
    """Evaluate the `if:` expressions the workflows use: ==, &&, ||, !, startsWith()."""
    py = re.sub(r"\bstartsWith\(([^,]+),\s*('[^']*')\)", r"str(\1).startswith(\2)", expr)
    py = py.replace("&&", " and ").replace("||", " or ")
    py = re.sub(r"!(?!=)", " not ", py)
    py = re.sub(
        r"\b(github|matrix|runner)\.([\w.]+)",
        lambda m: repr(context_value(f"{m.group(1)}.{m.group(2)}", ctx) if _has(ctx, m.group(0)) else None),
        py,
    )
    return bool(eval(py, {"__builtins__": {"str": str}}, {}))  # noqa: S307 - our own files' expressions


def _has(ctx: dict, path: str) -> bool:
    try:
        context_value(path, ctx)
    except (KeyError, TypeError):
        return False
    return True
