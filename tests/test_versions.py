"""Dynamic versions: every source of [tool.binwheel.version], the sdist round
trip (a wheel built from the sdist needs no git and no environment variable),
the errors, and the Go -ldflags seed pattern end to end."""

from __future__ import annotations

import re
import tarfile
import zipfile
from pathlib import Path

import pytest

import helpers
from helpers import run

HOST = helpers.host_target()
VERSION_ENV = "HELLO_SERVER_VERSION_FOR_TESTS"


def binwheel(*args, env=None, check=True, cwd=None):
    """The `binwheel` CLI of the tools venv (the same Rust code as the hooks)."""
    return run([helpers.TOOLS_PYTHON, "-m", "binwheel", *args], env=env or helpers.base_env(), check=check, cwd=cwd)


def dynamic_project(make_example, source: str, name: str = "project", targets=(HOST,), build_command=False) -> Path:
    """The example with `version` made dynamic and `source` as [tool.binwheel.version]."""
    project = make_example(targets=targets, name=name, build_command=build_command)
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    text = text.replace('version = "0.1.0"\n', 'dynamic = ["version"]\n', 1)
    assert 'dynamic = ["version"]' in text
    if source:
        text += "\n[tool.binwheel.version]\n" + source
    pyproject.write_text(text, encoding="utf-8")
    (project / ".gitignore").write_text("bin/\ndist/\n", encoding="utf-8")
    return project


def git(project: Path, *args: str) -> str:
    env = helpers.base_env()
    env.update(
        GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.org", GIT_CONFIG_NOSYSTEM="1", HOME=str(project.parent),
    )
    return run(["git", *args], cwd=project, env=env).stdout.strip()


def metadata_version(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        text = z.read(name).decode()
    assert "Dynamic:" not in text
    return re.search(r"(?m)^Version: (.+)$", text).group(1)


def build_both(project: Path, out: Path, env=None) -> tuple[Path, Path]:
    """Wheel and sdist of ``project`` into ``out`` (through the CLI)."""
    binwheel("build", project, "-o", out, "--sdist", env=env)
    return helpers.single_wheel(out), next(out.glob("*.tar.gz"))


def wheel_from_sdist(sdist: Path, work: Path) -> Path:
    """Unpack the sdist where there is no .git and no version variable, put the
    prebuilt binary back, and build a wheel from it."""
    with tarfile.open(sdist) as tf:
        tf.extractall(work, filter="data")
    (root,) = work.iterdir()
    assert not (root / ".git").exists()
    pkg_info = (root / "PKG-INFO").read_text(encoding="utf-8")
    assert "Dynamic: version" not in pkg_info
    binary = helpers.example_binary(HOST)
    (root / "bin" / HOST).mkdir(parents=True)
    (root / "bin" / HOST / binary.name).write_bytes(binary.read_bytes())
    (root / "bin" / HOST / binary.name).chmod(0o755)
    out = work / "wheel"
    binwheel("build", root, "-o", out)  # base_env(): no VERSION_ENV
    return helpers.single_wheel(out)


def check_source(project: Path, tmp_path: Path, expected: str, env=None) -> None:
    wheel, sdist = build_both(project, tmp_path / "dist", env=env)
    assert wheel.name.startswith(f"hello_server-{expected}-py3-none-"), wheel.name
    assert sdist.name == f"hello_server-{expected}.tar.gz"
    assert metadata_version(wheel) == expected
    again = wheel_from_sdist(sdist, tmp_path / "unpacked")
    assert again.name == wheel.name
    assert metadata_version(again) == expected


def test_version_file(make_example, tmp_path):
    project = dynamic_project(make_example, 'file = "VERSION"\n')
    (project / "VERSION").write_text("v1.4.2\n", encoding="utf-8")
    check_source(project, tmp_path, "1.4.2")


def test_version_file_with_pattern(make_example, tmp_path):
    project = dynamic_project(make_example, "file = \"main.go\"\npattern = 'var version = \"([^\"]+)\"'\n")
    text = (project / "main.go").read_text(encoding="utf-8")
    (project / "main.go").write_text(text.replace('var version = "dev"', 'var version = "0.9.0rc1"'), encoding="utf-8")
    check_source(project, tmp_path, "0.9.0rc1")


def test_version_env(make_example, tmp_path):
    project = dynamic_project(make_example, f'env = "{VERSION_ENV}"\n')
    env = helpers.base_env()
    env[VERSION_ENV] = "v2.0.0"
    check_source(project, tmp_path, "2.0.0", env=env)


def test_version_git_tag_clean(make_example, tmp_path, tools):
    project = dynamic_project(make_example, "git-tag = true\n")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "first")
    git(project, "tag", "v0.3.0")
    check_source(project, tmp_path, "0.3.0")
    # and through a real frontend
    out = tmp_path / "pip"
    tools.pip_wheel(project, out)
    assert helpers.single_wheel(out).name.startswith("hello_server-0.3.0-")


def test_version_git_tag_with_commits_since(make_example, tmp_path):
    project = dynamic_project(make_example, "git-tag = true\n")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "first")
    git(project, "tag", "v0.3.0")
    (project / "NEWS").write_text("more\n", encoding="utf-8")
    git(project, "add", "NEWS")
    git(project, "commit", "-qm", "second")
    short = git(project, "rev-parse", "--short=7", "HEAD")
    check_source(project, tmp_path, f"0.3.1.dev1+g{short}")
    # uncommitted changes add .dirty
    (project / "NEWS").write_text("even more\n", encoding="utf-8")
    out = tmp_path / "dirty"
    binwheel("build", project, "-o", out)
    assert helpers.single_wheel(out).name.startswith(f"hello_server-0.3.1.dev1+g{short}.dirty-")


def test_version_from_binary(make_example, tmp_path):
    project = dynamic_project(make_example, "binary = [\"--version\"]\npattern = 'hello (\\S+)'\n")
    # the example binary is built with -X main.version=0.1.0
    check_source(project, tmp_path, helpers.EXAMPLE_VERSION)


@pytest.mark.parametrize(
    "source, files, message",
    [
        ("", {}, 'lists "version" in `dynamic`, but no [tool.binwheel.version] says where it comes from'),
        (f'file = "VERSION"\nenv = "{VERSION_ENV}"\n', {}, "names 2 version sources (file, env)"),
        ('file = "VERSION"\n', {"VERSION": "banana\n"}, '"banana" from version file VERSION is not a PEP 440 version'),
        ('file = "VERSION"\n', {}, "version file VERSION cannot be read"),
        ("git-tag = true\n", {}, "version from git tag"),
        ("binary = [\"no-such-subcommand\"]\npattern = 'hello (\\S+)'\n", {}, "failed (exit status: 2) while reading the version"),
        (f'env = "{VERSION_ENV}"\n', {}, f"environment variable {VERSION_ENV} (the version source) is not set"),
    ],
    ids=["no-source", "two-sources", "not-pep440", "missing-file", "git-no-tags", "binary-fails", "env-unset"],
)
def test_version_errors(make_example, tmp_path, source, files, message):
    project = dynamic_project(make_example, source)
    for name, text in files.items():
        (project / name).write_text(text, encoding="utf-8")
    if source.startswith("git-tag"):
        git(project, "init", "-q")
        git(project, "add", "-A")
        git(project, "commit", "-qm", "untagged")
    out = tmp_path / "out"
    out.mkdir()
    proc = binwheel("build", project, "-o", out, check=False)
    assert proc.returncode == 1, helpers.describe(proc)
    assert message in proc.stderr, helpers.describe(proc)
    assert "pyproject.toml" in proc.stderr or "VERSION" in proc.stderr, proc.stderr
    if source.startswith("git-tag"):
        assert "git tag v0.1.0" in proc.stderr, proc.stderr
    assert list(out.iterdir()) == []


def test_ldflags_seed_pattern(make_example, tmp_path, tools, go_env):
    """The Go binary gets -X main.version={version} from the same resolved
    version the metadata carries: run("--version") and importlib agree."""
    project = dynamic_project(make_example, f'env = "{VERSION_ENV}"\n', targets=(), build_command=True)
    env = dict(go_env)
    env[VERSION_ENV] = "3.1.4"
    out = tmp_path / "dist"
    binwheel("build", project, "-o", out, env=env)
    wheel = helpers.single_wheel(out)
    assert wheel.name.startswith("hello_server-3.1.4-")
    venv = tools.venv(tmp_path / "venv")
    venv.install_wheel(wheel)
    proc = venv.python_code(
        "import importlib.metadata as m, hello._bin as b;"
        "print(b.run('--version', capture_output=True, text=True).stdout.split()[1]);"
        "print(m.version('hello-server'))"
    )
    assert proc.stdout.split() == ["3.1.4", "3.1.4"], helpers.describe(proc)
