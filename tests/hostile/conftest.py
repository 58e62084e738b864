"""Fixtures for the hostile-input tests (tests/hostile/).

Every test here runs binwheel the way a user or CI does, in a subprocess:
`python -m binwheel build ...` with the tools venv's Python (which has the
binwheel wheel from the local wheelhouse installed), or a hook called from a
fresh interpreter. Projects are tiny: a synthetic static ELF (or PE) of a
few hundred bytes stands in for the executable wherever the binary's content
does not matter, so no test needs a toolchain.

The ``hostile`` fixture is a namespace of helpers (pytest cannot import one
conftest from another test directory reliably, so helpers travel as a
fixture):

    hostile.Project(tmp)          a project with a planted secret beside it
    hostile.cli(*args, env=...)   run `python -m binwheel`
    hostile.hook(name, dir, out)  call a PEP 517 hook in a fresh interpreter
    hostile.listing(dir)          every name in a directory, dotfiles too
    hostile.find_in_artifacts(dir, needles)  where any needle occurs
    hostile.blobs(path)           an artifact's bytes and its members' bytes
    hostile.tiny_elf(arch)        a static ELF executable for an architecture
    hostile.tiny_pe(machine)      a PE executable
"""

from __future__ import annotations

import gzip
import io
import struct
import subprocess
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional, Sequence

import pytest

import helpers

# A value that must never show up in an artifact; planted outside the project.
SECRET = b"HOSTILE-SECRET-4b1d9e"


# ---------------------------------------------------------------------------
# Synthetic executables


_ELF_MACHINES = {
    # arch: (64-bit, big-endian, e_machine, e_flags)
    "x86_64": (True, False, 62, 0),
    "aarch64": (True, False, 183, 0),
    "i686": (False, False, 3, 0),
    "armv7": (False, False, 40, 0x0500_0400),  # EABI5, hard float
    "riscv64": (True, False, 243, 0x5),  # RVC, double-float ABI
    "ppc64le": (True, False, 21, 2),  # ELFv2
    "s390x": (True, True, 22, 0),
}


def tiny_elf(arch: str = "x86_64") -> bytes:
    """A static ELF executable for ``arch``: a header and one PT_LOAD segment.
    binwheel reads headers only, so this is a complete binary to it."""
    is64, big, machine, flags = _ELF_MACHINES[arch]
    e = ">" if big else "<"
    ident = b"\x7fELF" + bytes([2 if is64 else 1, 2 if big else 1, 1, 0]) + bytes(8)
    code = b"\x00" * 16
    if is64:
        ehsize, phentsize, base = 64, 56, 0x400000
        total = ehsize + phentsize + len(code)
        header = ident + struct.pack(
            e + "HHIQQQIHHHHHH", 2, machine, 1, base + ehsize + phentsize, ehsize, 0, flags, ehsize, phentsize, 1, 0, 0, 0
        )
        program = struct.pack(e + "IIQQQQQQ", 1, 5, 0, base, base, total, total, 0x1000)
    else:
        ehsize, phentsize, base = 52, 32, 0x10000
        total = ehsize + phentsize + len(code)
        header = ident + struct.pack(
            e + "HHIIIIIHHHHHH", 2, machine, 1, base + ehsize + phentsize, ehsize, 0, flags, ehsize, phentsize, 1, 0, 0, 0
        )
        program = struct.pack(e + "IIIIIIII", 1, 0, base, base, total, total, 5, 0x1000)
    return header + program + code


def tiny_pe(machine: int = 0x8664) -> bytes:
    """A PE32+ console executable for ``machine`` (0x8664 x86-64, 0xAA64 arm64)
    with no sections: the headers binwheel reads."""
    dos = bytearray(64)
    dos[0:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3C, 64)
    optional = bytearray(240)
    struct.pack_into("<H", optional, 0, 0x20B)  # PE32+
    struct.pack_into("<H", optional, 68, 3)  # console subsystem
    struct.pack_into("<I", optional, 108, 16)  # data directories
    coff = struct.pack("<HHIIIHH", machine, 0, 0, 0, 0, len(optional), 0x0022)
    return bytes(dos) + b"PE\0\0" + coff + bytes(optional)


# ---------------------------------------------------------------------------
# Running binwheel


def cli(
    *args: object,
    env: Optional[dict] = None,
    cwd: Optional[Path] = None,
    timeout: float = 300,
    preexec_fn=None,
) -> subprocess.CompletedProcess:
    """`python -m binwheel ARGS` with the tools venv's Python; never raises on
    a non-zero exit (the tests assert on it)."""
    proc = subprocess.run(
        [str(helpers.TOOLS_PYTHON), "-m", "binwheel", *map(str, args)],
        env=env if env is not None else helpers.base_env(),
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        preexec_fn=preexec_fn,
    )
    return proc


def listing(directory: Path) -> list[str]:
    """Every name in ``directory`` (dotfiles too), sorted; [] when it is missing."""
    if not directory.exists():
        return []
    return sorted(p.name for p in directory.iterdir())


def blobs(path: Path) -> Iterator[tuple[str, bytes]]:
    """("", the file's bytes), then (member name, decompressed bytes) for every
    member of a wheel or an sdist (and the sdist's uncompressed tar stream)."""
    data = path.read_bytes()
    yield "", data
    if path.name.endswith(".whl"):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                yield info.filename, zf.read(info)
    elif path.name.endswith(".tar.gz"):
        raw = gzip.decompress(data)
        yield "<tar stream>", raw
        with tarfile.open(fileobj=io.BytesIO(raw)) as tf:
            for member in tf.getmembers():
                handle = tf.extractfile(member)
                yield member.name, handle.read() if handle else b""


def find_in_artifacts(directory: Path, needles: Sequence[bytes]) -> list[str]:
    """Where any of ``needles`` occurs in the artifacts under ``directory``."""
    found = []
    for path in sorted(directory.rglob("*")):
        if not path.is_file():
            continue
        for name, data in blobs(path):
            for needle in needles:
                if needle in data:
                    found.append(f"{path.name}:{name or '<file>'} holds {needle!r}")
    return found


# ---------------------------------------------------------------------------
# A project next to a secret


@dataclass
class Project:
    """``<tmp>/project`` (pyproject.toml, bin/tool, src/demo, README.md) with
    ``<tmp>/outside/secret`` beside it and ``<tmp>/out`` for artifacts."""

    base: Path
    project_extra: str = ""
    tool_extra: str = ""
    binary_path: str = "bin/tool"
    binary_extra: str = ""
    package: str = "demo"
    binary_name: str = "tool"
    root: Path = field(init=False)
    outside: Path = field(init=False)
    secret: Path = field(init=False)
    out: Path = field(init=False)

    def __post_init__(self) -> None:
        self.root = self.base / "project"
        self.outside = self.base / "outside"
        self.secret = self.outside / "secret"
        self.out = self.base / "out"
        for d in (self.root / "bin", self.root / "src" / "demo", self.outside, self.out):
            d.mkdir(parents=True, exist_ok=True)
        self.secret.write_bytes(SECRET + b"\n")
        (self.outside / "COPYING").write_bytes(SECRET)
        (self.outside / "__init__.py").write_bytes(b"print(%r)\n" % SECRET)
        (self.root / "bin" / "tool").write_bytes(tiny_elf())
        (self.root / "src" / "demo" / "__init__.py").write_text("")
        (self.root / "README.md").write_text("# demo\n")
        self.write_pyproject()

    def write_pyproject(self) -> None:
        (self.root / "pyproject.toml").write_text(
            "[project]\n"
            'name = "demo"\n'
            'version = "1.0"\n'
            f"{self.project_extra}\n"
            "[tool.binwheel]\n"
            f"package = {toml_string(self.package)}\n"
            f"{self.tool_extra}\n"
            "[[tool.binwheel.binary]]\n"
            f"name = {toml_string(self.binary_name)}\n"
            f"path = {toml_string(self.binary_path)}\n"
            f"{self.binary_extra}\n",
            encoding="utf-8",
        )

    # for set-up code in the tests
    toml_string = staticmethod(lambda value: toml_string(value))
    tiny_elf = staticmethod(lambda arch="x86_64": tiny_elf(arch))

    def build(self, *what: str, env: Optional[dict] = None, timeout: float = 120) -> subprocess.CompletedProcess:
        """Build into ``out``: the wheel for linux-x86_64 (``"wheel"``) or the
        sdist (``"sdist"``), each in its own process."""
        assert what in (("wheel",), ("sdist",)), what
        if what == ("wheel",):
            return cli("build", self.root, "-o", self.out, "--target", "linux-x86_64", env=env, timeout=timeout)
        # `build --sdist` also builds the host's wheel; an sdist alone is the hook.
        return sdist_hook(self.root, self.out, env=env, timeout=timeout)


def toml_string(value: str) -> str:
    """A TOML basic string for any text (control characters escaped)."""
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


HOOK = r"""
import os, sys
import binwheel
hook, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
try:
    if hook.startswith("get_requires_for_"):
        name = getattr(binwheel, hook)()
    else:
        name = getattr(binwheel, hook)(out)
except SystemExit as e:  # BuildError: the rendered message, as a frontend shows it
    print(e, file=sys.stderr)
    sys.exit(1)
print(name)
"""


def hook(name: str, project: Path, out: Path, env: Optional[dict] = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Call the PEP 517 hook ``name`` (build_sdist, build_wheel,
    build_editable, ...) with the output directory ``out`` in a fresh
    interpreter whose working directory is ``project``, as a frontend does."""
    return subprocess.run(
        [str(helpers.TOOLS_PYTHON), "-c", HOOK, name, str(out)],
        env=env if env is not None else helpers.base_env(),
        cwd=project,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def sdist_hook(project: Path, out: Path, env: Optional[dict] = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return hook("build_sdist", project, out, env=env, timeout=timeout)


class Hostile:
    SECRET = SECRET
    tiny_elf = staticmethod(tiny_elf)
    tiny_pe = staticmethod(tiny_pe)
    cli = staticmethod(cli)
    hook = staticmethod(hook)
    listing = staticmethod(listing)
    blobs = staticmethod(blobs)
    find_in_artifacts = staticmethod(find_in_artifacts)
    toml_string = staticmethod(toml_string)
    Project = Project


@pytest.fixture(scope="session")
def hostile(binwheel_wheel) -> Hostile:
    """The helpers above. Depends on ``binwheel_wheel`` so that a run of
    pytest on a fresh checkout builds binwheel first."""
    return Hostile()
