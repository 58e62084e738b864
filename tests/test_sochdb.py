"""The sochdb shape, end to end (issue 16): an SDK that wraps another
repository's release, three executables and one shared library per target,
all taken out of one release archive that the project names once.

A loopback HTTP server (http.server in a thread) serves the release:
`sochdb-1.2.3-<target>.tar.gz` for the host and three other targets, and a
`checksums.txt` in `sha256sum` format. The host's executables and library
are compiled from the C sources below with `python -m ziglang cc`, once per
run (cached under .cache/sochdb by the hash of the sources and zig's
version); the other targets' archives hold a README only: they exist for
`binwheel pin`, which hashes them and builds nothing.

Also here, because they need a compiled executable too: `binwheel pin`
(must-show 3), a prebuilt-only project's sdist (must-show 4) and an editable
install that runs the rebuilt binary (must-show 5).
"""

from __future__ import annotations

import hashlib
import http.server
import io
import re
import shutil
import gzip
import sys
import tarfile
import threading
from pathlib import Path

import pytest

import helpers
from helpers import run

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or helpers.host_target() not in ("linux-x86_64", "linux-aarch64"),
    reason="the sochdb release is compiled for Linux (ELF, RUNPATH)",
)

VERSION = "1.2.3"
HOST = helpers.host_target()
ZIG_TARGET = {"linux-x86_64": "x86_64-linux-gnu.2.17", "linux-aarch64": "aarch64-linux-gnu.2.17"}.get(HOST, "")
TARGETS = ["linux-x86_64", "linux-aarch64", "macos-arm64", "windows-x86_64"]  # as docs/sources.md lists them
OTHERS = [t for t in TARGETS if t != HOST]
COMMANDS = ("sochdb", "sochdb-server", "sochdb-cli")

LIBRARY_C = r"""
const char *sochdb_version(void) { return "libsochdb @VERSION@"; }
"""

COMMAND_C = r"""
#include <stdio.h>
#include <string.h>
const char *sochdb_version(void);
int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("@NAME@ @VERSION@\n");
        return 0;
    }
    printf("@NAME@ loaded %s\n", sochdb_version());
    return 0;
}
"""

PLAIN_C = r"""
#include <stdio.h>
int main(void) { printf("tool @VERSION@\n"); return 0; }
"""

ZIG_ENV = {
    "ZIG_GLOBAL_CACHE_DIR": str(helpers.CACHE / "zig"),
    "ZIG_LOCAL_CACHE_DIR": str(helpers.CACHE / "zig"),
}


def zig_cc(out: Path, source: str, *flags: str) -> Path:
    """Compile C `source` for the host with zig (glibc 2.17) into `out`."""
    src = out.with_suffix(".c")
    src.write_text(source)
    env = helpers.base_env()
    env.update(ZIG_ENV)
    run([sys.executable, "-m", "ziglang", "cc", "-target", ZIG_TARGET, "-O2", "-s", "-o", out, src, *flags], env=env)
    return out


def compile_release(dest: Path) -> Path:
    """bin/ with the three commands and lib/libsochdb.so, as the release lays
    them out: each command carries RUNPATH $ORIGIN/../lib and finds nothing
    beside itself, so the wheel must keep that layout (`dir = "bin"` on the
    binaries, `dir = "lib"` on the library)."""
    (dest / "bin").mkdir(parents=True)
    (dest / "lib").mkdir()
    lib = zig_cc(dest / "lib" / "libsochdb.so", LIBRARY_C.replace("@VERSION@", VERSION),
                 "-shared", "-fPIC", "-Wl,-soname,libsochdb.so")
    for name in COMMANDS:
        zig_cc(dest / "bin" / name, COMMAND_C.replace("@NAME@", name).replace("@VERSION@", VERSION),
               str(lib), "-Wl,--enable-new-dtags", "-Wl,-rpath,$ORIGIN/../lib")
    for c in dest.rglob("*.c"):
        c.unlink()
    return dest


@pytest.fixture(scope="session")
def release_files() -> Path:
    """The host's compiled release tree, built once and kept in .cache/sochdb."""
    zig = run([sys.executable, "-m", "ziglang", "version"]).stdout.strip()
    key = hashlib.sha256(f"{zig}\n{ZIG_TARGET}\n{LIBRARY_C}\n{COMMAND_C}\nrpath $ORIGIN/../lib".encode()).hexdigest()[:16]
    done = helpers.CACHE / "sochdb" / key
    with helpers.file_lock(helpers.CACHE / "sochdb.lock"):
        if not done.is_dir():
            work = done.with_name(key + ".partial")
            shutil.rmtree(work, ignore_errors=True)
            compile_release(work)
            work.rename(done)
    return done


def tar_gz(files: dict[str, tuple[bytes, int]]) -> bytes:
    """A reproducible .tar.gz of {member: (data, mode)}."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, (data, mode) in sorted(files.items()):
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), mode, 0
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), mtime=0)


def release_archive(target: str, files: Path) -> bytes:
    top = f"sochdb-{VERSION}"
    if target != HOST:
        return tar_gz({f"{top}/README": (f"sochdb {VERSION} for {target}\n".encode(), 0o644)})
    members = {f"{top}/bin/{n}": ((files / "bin" / n).read_bytes(), 0o755) for n in COMMANDS}
    members[f"{top}/lib/libsochdb.so"] = ((files / "lib" / "libsochdb.so").read_bytes(), 0o755)
    return tar_gz(members)


class Release:
    """A directory of release files served over loopback HTTP."""

    def __init__(self, root: Path):
        self.root = root
        handler = lambda *a, **k: _Quiet(*a, directory=str(root), **k)  # noqa: E731
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def name(self, target: str) -> str:
        return f"sochdb-{VERSION}-{target}.tar.gz"

    def sha256(self, target: str) -> str:
        return hashlib.sha256((self.root / self.name(target)).read_bytes()).hexdigest()

    def write_checksums(self) -> None:
        lines = [f"{self.sha256(t)}  {self.name(t)}\n" for t in TARGETS]
        (self.root / "checksums.txt").write_text("".join(lines))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def release(tmp_path, release_files):
    root = tmp_path / "release"
    root.mkdir()
    for target in TARGETS:
        (root / f"sochdb-{VERSION}-{target}.tar.gz").write_bytes(release_archive(target, release_files))
    served = Release(root)
    served.write_checksums()
    yield served
    served.close()


DOC = helpers.REPO / "docs" / "sources.md"
DOC_URL = "https://example.org/sochdb/releases/download/v{version}"


def pyproject(release: Release, sha256: str) -> str:
    """The sochdb SDK's pyproject.toml: docs/sources.md's example (the
    release archive named once), pointed at the loopback server."""
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"<!-- example: sochdb[^>]*-->\n```toml\n(.*?)```", text, re.S)
    assert block, f"no sochdb example in {DOC}"
    example = block.group(1)
    assert DOC_URL in example and "sha256 = {} #" in example
    return (
        '[build-system]\nrequires = ["binwheel"]\nbuild-backend = "binwheel"\n\n'
        + example.replace(DOC_URL, release.base).replace("sha256 = {} #", f"sha256 = {sha256} #")
    )


def pinned(release: Release) -> str:
    return "{ " + ", ".join(f'{t} = "{release.sha256(t)}"' for t in TARGETS) + " }"


def check_installed(venv, wheel: Path) -> None:
    """In a fresh venv, each of the three commands runs and loads the library."""
    venv.install_wheel(wheel)
    for name in COMMANDS:
        proc = venv.run(name)
        assert proc.stdout == f"{name} loaded libsochdb {VERSION}\n", helpers.describe(proc)
    proc = venv.python_code("import sochdb._bin as b; print(b.run(name='sochdb-cli', capture_output=True, text=True).stdout, end='')")
    assert proc.stdout == f"sochdb-cli loaded libsochdb {VERSION}\n", helpers.describe(proc)


def test_sochdb_release_through_every_frontend(tmp_path, tools, release, make_venv):
    """pip wheel, python -m build (sdist, then the wheel from the sdist, with
    no prebuilt file anywhere) and uv build: each wheel's three commands run
    in a fresh venv and load the shipped library."""
    project = tmp_path / "sochdb"
    project.mkdir()
    (project / "pyproject.toml").write_text(pyproject(release, pinned(release)))
    env = tools.env(BINWHEEL_CACHE_DIR=str(tmp_path / "cache"))

    tools.pip_wheel(project, tmp_path / "pip", env=env)
    check_installed(make_venv("pip-venv"), helpers.single_wheel(tmp_path / "pip"))

    # The default of `python -m build`: the sdist, then the wheel from it.
    run([helpers.TOOLS_PYTHON, "-m", "build", "--outdir", tmp_path / "build", project], env=env)
    sdist = next((tmp_path / "build").glob("*.tar.gz"))
    with tarfile.open(sdist) as tar:
        names = tar.getnames()
    assert not [n for n in names if "/bin/" in n], names  # no prebuilt file went in
    check_installed(make_venv("build-venv"), helpers.single_wheel(tmp_path / "build"))

    tools.uv_build(project, tmp_path / "uv", env=env)
    check_installed(make_venv("uv-venv"), helpers.single_wheel(tmp_path / "uv"))
    assert not (project / "bin").exists(), "a build wrote into the project"


def test_pin_fills_checks_and_reads_checksum_files(tmp_path, release, binwheel_cli):
    """binwheel pin fills an empty sha256 table for four targets keeping the
    file's comments and key order; --check passes, then fails once a release
    file changes; --checksums reads a sha256sum-format file."""
    project = tmp_path / "sochdb"
    project.mkdir()
    text = pyproject(release, "{}")
    (project / "pyproject.toml").write_text(text)
    env = {**helpers.base_env(), "BINWHEEL_CACHE_DIR": str(tmp_path / "cache")}

    proc = run([binwheel_cli, "pin", project], env=env)
    assert proc.stdout.count("(new)") == 4, helpers.describe(proc)
    expected = text.replace("sha256 = {}", f"sha256 = {pinned(release)}")
    assert (project / "pyproject.toml").read_text() == expected  # only the table changed

    proc = run([binwheel_cli, "pin", "--check", project], env=env)
    assert proc.stdout.count("(unchanged)") == 4, helpers.describe(proc)

    changed = OTHERS[0]
    (release.root / release.name(changed)).write_bytes(tar_gz({"sochdb/README": (b"republished\n", 0o644)}))
    proc = run([binwheel_cli, "pin", "--check", project], env=env, check=False)
    assert proc.returncode == 1, helpers.describe(proc)
    assert re.search(rf"archive \"release\" {changed}: MISMATCH: pinned [0-9a-f]{{64}}, but .*{release.name(changed)} is now {release.sha256(changed)}", proc.stdout), helpers.describe(proc)
    assert "1 pinned hash(es) no longer match" in proc.stderr
    assert (project / "pyproject.toml").read_text() == expected  # --check writes nothing

    # The checksum file of the release, read instead of the files.
    release.write_checksums()
    (project / "pyproject.toml").write_text(text)
    proc = run([binwheel_cli, "pin", "--checksums", f"{release.base}/checksums.txt", project], env=env)
    assert (project / "pyproject.toml").read_text() == text.replace("sha256 = {}", f"sha256 = {pinned(release)}")
    (release.root / "checksums.txt").write_text(f"{'0' * 64}  other.tar.gz\n")
    proc = run([binwheel_cli, "pin", "--checksums", f"{release.base}/checksums.txt", project], env=env, check=False)
    assert proc.returncode == 1
    assert f'does not list "{release.name(HOST)}"' in proc.stderr, helpers.describe(proc)

    # A release file that is not there: the URL and the status.
    (release.root / release.name(changed)).unlink()
    proc = run([binwheel_cli, "pin", project], env=env, check=False)
    assert proc.returncode == 1
    assert f"cannot download {release.base}/{release.name(changed)}: the server answered HTTP 404" in proc.stderr, helpers.describe(proc)


def prebuilt_project(dest: Path, version: str = VERSION) -> Path:
    """A project whose only binary is prebuilt at bin/<host>/tool (no url, no build)."""
    (dest / "bin" / HOST).mkdir(parents=True)
    (dest / "src" / "tool").mkdir(parents=True)
    (dest / "src" / "tool" / "__init__.py").write_text('"""The tool."""\n')
    zig_cc(dest / "bin" / HOST / "tool", PLAIN_C.replace("@VERSION@", version))
    (dest / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["binwheel"]\nbuild-backend = "binwheel"\n\n'
        '[project]\nname = "tool"\nversion = "1.0"\n\n'
        f"[tool.binwheel.targets]\n{HOST} = {{}}\n\n"
        '[[tool.binwheel.binary]]\nname = "tool"\npath = "bin/{target}/tool"\nscript = "tool"\n'
    )
    return dest


def test_prebuilt_only_sdist_says_so(tmp_path, tools, binwheel_cli, release_files):
    """build --sdist warns, check warns (BW710), and a wheel built from the
    sdist says it is building from an sdist."""
    project = prebuilt_project(tmp_path / "tool")
    env = helpers.base_env()
    proc = run([binwheel_cli, "build", "--sdist", "-o", tmp_path / "dist", project], env=env)
    assert "warning: this sdist cannot build a wheel for some targets" in proc.stderr, helpers.describe(proc)
    assert f'binary "tool": {HOST}' in proc.stderr
    sdist = next((tmp_path / "dist").glob("*.tar.gz"))

    proc = run([binwheel_cli, "check", sdist], env=env)
    assert "warning[BW710 sdist-prebuilt-only]" in proc.stdout, helpers.describe(proc)

    proc = tools.pip_wheel(sdist, tmp_path / "from-sdist", check=False)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "this wheel is being built from an sdist" in out, helpers.describe(proc)
    assert "prebuilt files never go into an sdist" in out
    assert not list((tmp_path / "from-sdist").glob("*.whl"))


def test_editable_install_runs_the_rebuilt_binary(tmp_path, tools, make_venv, release_files):
    """After `pip install -e .`, a rebuilt binary at `path` is what the console
    command, _bin.path() and _bin.run() use, without a reinstall."""
    project = prebuilt_project(tmp_path / "tool", version="1.0")
    venv = make_venv()
    tools.pip("install", "--no-deps", "-e", project, python=venv.python)
    assert venv.run("tool").stdout == "tool 1.0\n"
    zig_cc(project / "bin" / HOST / "tool", PLAIN_C.replace("@VERSION@", "2.0"))
    assert venv.run("tool").stdout == "tool 2.0\n"
    proc = venv.python_code("import tool._bin as b; print(b.run(capture_output=True, text=True).stdout, end=''); print(b.path())")
    assert proc.stdout == f"tool 2.0\n{project / 'bin' / HOST / 'tool'}\n", helpers.describe(proc)
