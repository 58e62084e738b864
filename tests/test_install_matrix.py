"""The binary is found and runs however people install the wheel (issue 4).

Every case installs the example's wheel into a fresh location with a real
installer (pip into a venv, --user, --target, --prefix, a venv with system
site-packages, uv pip, uv tool, uvx, pipx), then runs the console command
with arguments, stdin and a failing subcommand, and calls the generated
locator (`hello._bin.path()` / `run()`) from an interpreter that sees that
installation. Both layouts: `package` (the example as it is: the binary in
hello/_bin/ and a `hello` launcher) and `scripts` (a copy with
`install = "scripts"`: the binary itself is the `hello` command).

Each layout's wheel is built once per run and shared by all xdist workers;
docs/runtime.md describes what is tested here.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import pytest

import helpers
from helpers import EXE, IS_WINDOWS, describe, run

VERSION = helpers.EXAMPLE_VERSION
LAYOUTS = ("package", "scripts")
DIST = "hello_server"


# ---------------------------------------------------------------------------
# Installers


@dataclass
class Installed:
    """One installation of the example's wheel."""

    command: list[str]  # the console command (argv prefix)
    python: list[str]  # an interpreter that imports this installation (argv prefix)
    env: dict[str, str]
    root: Path  # everything the installer wrote is under here
    scripts: Optional[Path] = None  # where the installer put the wheel's scripts, when known up front

    def __call__(self, *args: object, check: bool = False, **kwargs):
        return run([*self.command, *args], env=self.env, check=check, **kwargs)


def bin_dir(prefix: Path) -> Path:
    return prefix / ("Scripts" if IS_WINDOWS else "bin")


def sysconfig_path(python: Path, key: str, env: dict, scheme: Optional[str] = None, base: Optional[Path] = None) -> Path:
    """What `sysconfig.get_path(key, scheme, vars={base...})` says in ``python``."""
    code = (
        "import sys, sysconfig\n"
        "key, scheme, base = sys.argv[1:]\n"
        "kwargs = {'scheme': scheme} if scheme else {}\n"
        "if base:\n"
        "    kwargs['vars'] = dict.fromkeys(('base', 'platbase', 'installed_base', 'installed_platbase'), base)\n"
        "print(sysconfig.get_path(key, **kwargs))\n"
    )
    proc = run([python, "-c", code, key, scheme or "", base or ""], env=env)
    return Path(proc.stdout.strip())


def base_python() -> Path:
    """The interpreter the tools venv was made from: a real installation, which
    `--user` and `--system-site-packages` need (a venv has no user site)."""
    exe = Path(getattr(sys, "_base_executable", "") or sys.executable)
    if not exe.is_file():
        pytest.skip(f"no base interpreter found for {sys.executable}")
    return exe


def user_env(tmp: Path) -> dict[str, str]:
    """HOME and PYTHONUSERBASE in tmp: a --user install never touches the real home."""
    home = tmp / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = helpers.base_env()
    env.update(HOME=str(home), USERPROFILE=str(home), APPDATA=str(home / "AppData"), PYTHONUSERBASE=str(tmp / "userbase"))
    return env


def pip_user(tools, wheel: Path, tmp: Path) -> tuple[Path, dict[str, str]]:
    """pip install --user with the base interpreter; PYTHONUSERBASE in tmp."""
    python = base_python()
    env = user_env(tmp)
    proc = run([python, "-c", "import site; print(site.check_enableusersite())"], env=env)
    if proc.stdout.strip() != "True":
        pytest.skip(f"{python} has the user site disabled")
    # --break-system-packages: a distribution's Python may be marked externally
    # managed (PEP 668); the user base here is a throwaway directory.
    tools.pip("install", "--user", "--no-deps", "--break-system-packages", wheel, python=python, env=tools.env(**env))
    return python, env


def with_path(env: dict[str, str], *dirs: Path) -> dict[str, str]:
    env = dict(env)
    env["PATH"] = os.pathsep.join([*map(str, dirs), env.get("PATH", "")])
    return env


def install_pip_venv(tools, wheel, tmp) -> Installed:
    venv = tools.venv(tmp / "venv")
    tools.pip("install", "--no-deps", wheel, python=venv.python)
    return Installed([str(venv.bin / f"hello{EXE}")], [str(venv.python)], venv.env(), venv.path, venv.bin)


def install_uv_pip(tools, wheel, tmp) -> Installed:
    venv = tools.venv(tmp / "venv")
    venv.install_wheel(wheel)  # uv pip install --no-deps --no-index
    return Installed([str(venv.bin / f"hello{EXE}")], [str(venv.python)], venv.env(), venv.path, venv.bin)


def install_pip_user(tools, wheel, tmp) -> Installed:
    python, env = pip_user(tools, wheel, tmp)
    scripts = sysconfig_path(python, "scripts", env, scheme=user_scheme(python, env))
    return Installed([str(scripts / f"hello{EXE}")], [str(python)], with_path(env, scripts), tmp / "userbase", scripts)


def user_scheme(python: Path, env: dict) -> str:
    code = (
        "import os, sys, sysconfig\n"
        "f = getattr(sysconfig, 'get_preferred_scheme', None)\n"
        "print(f('user') if f else ('nt_user' if os.name == 'nt' else "
        "'osx_framework_user' if sys.platform == 'darwin' and getattr(sys, '_framework', '') else 'posix_user'))\n"
    )
    return run([python, "-c", code], env=env).stdout.strip()


def install_system_site_venv(tools, wheel, tmp) -> Installed:
    """A venv made with --system-site-packages sees the base interpreter's
    site-packages and its user site: install there with --user (the real
    system site-packages stays untouched), use it from inside the venv."""
    python, env = pip_user(tools, wheel, tmp)
    venv = tmp / "system-site-venv"
    run([helpers.uv_bin(), "venv", "--no-project", "--system-site-packages", "--python", python, venv], env=tools.env())
    venv_python = bin_dir(venv) / f"python{EXE}"
    scripts = sysconfig_path(python, "scripts", env, scheme=user_scheme(python, env))
    # The command of this installation is the user scheme's; the venv runs the locator.
    return Installed(
        [str(scripts / f"hello{EXE}")],
        [str(venv_python)],
        with_path(env, bin_dir(venv), scripts),
        tmp / "userbase",
        scripts,
    )


def install_pip_target(tools, wheel, tmp) -> Installed:
    """pip install --target DIR: packages in DIR, scripts in DIR/bin, used via PYTHONPATH."""
    venv = tools.venv(tmp / "venv")
    target = tmp / "target"
    tools.pip("install", "--no-deps", "--target", target, wheel, python=venv.python)
    env = venv.env(PYTHONPATH=str(target))
    return Installed([str(target / "bin" / f"hello{EXE}")], [str(venv.python)], env, target, target / "bin")


def install_pip_prefix(tools, wheel, tmp) -> Installed:
    """pip install --prefix P: a prefix scheme under P, used via PYTHONPATH."""
    venv = tools.venv(tmp / "venv")
    prefix = tmp / "prefix"
    tools.pip("install", "--no-deps", "--prefix", prefix, wheel, python=venv.python)
    env = venv.env()
    site = sysconfig_path(venv.python, "platlib", env, base=prefix)
    scripts = sysconfig_path(venv.python, "scripts", env, base=prefix)
    assert (site / "hello" / "_bin" / "__init__.py").is_file(), f"not installed under {site}"
    env["PYTHONPATH"] = str(site)
    return Installed([str(scripts / f"hello{EXE}")], [str(venv.python)], env, prefix, scripts)


def install_uv_tool(tools, wheel, tmp) -> Installed:
    env = tools.env(UV_TOOL_DIR=str(tmp / "uv-tools"), UV_TOOL_BIN_DIR=str(tmp / "uv-bin"), HOME=str(tmp / "home"))
    run([helpers.uv_bin(), "tool", "install", "--no-index", "--python", base_python(), wheel], env=env)
    tool_env = tmp / "uv-tools" / "hello-server"
    assert tool_env.is_dir(), sorted(p.name for p in (tmp / "uv-tools").iterdir())
    return Installed(
        [str(tmp / "uv-bin" / f"hello{EXE}")],
        [str(bin_dir(tool_env) / f"python{EXE}")],
        with_path(helpers.base_env(), tmp / "uv-bin"),
        tmp,
        bin_dir(tool_env),
    )


def install_uvx(tools, wheel, tmp) -> Installed:
    """uvx --from WHEEL hello ... (uvx is `uv tool run`): a cached ephemeral
    environment; `uvx --from WHEEL python` runs that environment's interpreter."""
    env = tools.env(HOME=str(tmp / "home"))
    uvx = [helpers.uv_bin(), "tool", "run", "--no-index", "--python", str(base_python()), "--from", str(wheel)]
    return Installed([*uvx, "hello"], [*uvx, "python"], env, Path(env["UV_CACHE_DIR"]))


def install_pipx(tools, wheel, tmp) -> Installed:
    pipx = shutil.which("pipx", path=str(helpers.TOOLS_PYTHON.parent))
    if pipx is None:
        pytest.skip("pipx is not installed in the tools venv")
    env = tools.env(
        PIPX_HOME=str(tmp / "pipx"),
        PIPX_BIN_DIR=str(tmp / "pipx-bin"),
        PIPX_MAN_DIR=str(tmp / "pipx-man"),
        HOME=str(tmp / "home"),
    )
    run([pipx, "install", "--python", base_python(), wheel], env=env, timeout=300)
    tool_env = tmp / "pipx" / "venvs" / "hello-server"
    return Installed(
        [str(tmp / "pipx-bin" / f"hello{EXE}")],
        [str(bin_dir(tool_env) / f"python{EXE}")],
        with_path(helpers.base_env(), tmp / "pipx-bin"),
        tmp,
        bin_dir(tool_env),
    )


INSTALLERS: dict[str, Callable[..., Installed]] = {
    "pip-venv": install_pip_venv,
    "pip-user": install_pip_user,
    "pip-target": install_pip_target,
    "pip-prefix": install_pip_prefix,
    "system-site-venv": install_system_site_venv,
    "uv-pip": install_uv_pip,
    "uv-tool": install_uv_tool,
    "uvx": install_uvx,
    "pipx": install_pipx,
}


# ---------------------------------------------------------------------------
# The matrix

LOCATOR = r"""
import json, os, sys
import hello, hello._bin as b
p = b.path()
ok = b.run("--version", capture_output=True, text=True)
bad = b.run("frobnicate", capture_output=True, text=True)
echo = b.run("echo", input="through run()\n", capture_output=True, text=True)
print(json.dumps({
    "path": str(p),
    "is_file": p.is_file(),
    "executable": os.access(p, os.X_OK),
    "package_dir": os.path.dirname(os.path.abspath(hello.__file__)),
    "run": [ok.returncode, ok.stdout],
    "bad": [bad.returncode, "unknown command" in bad.stderr],
    "echo": echo.stdout,
}))
"""


def is_within(path: Path, root: Path) -> bool:
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(root))
        return True
    except ValueError:
        return False


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("how", list(INSTALLERS))
def test_install_and_run(how, layout, tools, layout_wheels, tmp_path):
    wheel = layout_wheels[layout]
    inst = INSTALLERS[how](tools, wheel, tmp_path)

    # the console command, with arguments, a failing subcommand and stdin
    proc = inst("--version")
    assert (proc.returncode, proc.stdout) == (0, f"hello {VERSION}\n"), describe(proc)
    proc = inst("frobnicate")
    assert proc.returncode == 2, describe(proc)
    assert "unknown command \"frobnicate\"" in proc.stderr and proc.stdout == "", describe(proc)
    data = "first line\nsecond line, ünïcode\n" * 50
    proc = inst("echo", input=data)
    assert (proc.returncode, proc.stdout) == (0, data), describe(proc)
    if inst.scripts is not None:
        command = inst.scripts / f"hello{EXE}"
        assert command.is_file(), f"{how} did not put a `hello` command into {inst.scripts}"
        if layout == "scripts":
            # the command on PATH is the binary itself, not a Python launcher
            with open(command, "rb") as f:
                head = f.read(4)
            assert head in (b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe") or head[:2] == b"MZ", head

    # the locator, from an interpreter that sees this installation
    proc = run([*inst.python, "-c", LOCATOR], env=inst.env)
    result = json.loads(proc.stdout)
    assert result["is_file"] and result["executable"], result
    assert result["run"] == [0, f"hello {VERSION}\n"], result
    assert result["bad"] == [2, True], result
    assert result["echo"] == "through run()\n", result
    found = Path(result["path"])
    if layout == "package":
        assert found == Path(result["package_dir"]) / "_bin" / f"hello{EXE}", result
    elif inst.scripts is not None:
        assert os.path.samefile(found, inst.scripts / f"hello{EXE}"), (result, inst.scripts)
    else:  # uvx: the scripts directory of its environment
        assert found.parent == bin_dir(found.parent.parent) and (found.parent.parent / "pyvenv.cfg").is_file(), result
    assert is_within(found, inst.root), f"{found} is outside this installation ({inst.root})"

