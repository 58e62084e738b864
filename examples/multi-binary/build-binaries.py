#!/usr/bin/env python3
"""Build libfoo.so, tool-a and tool-b for Linux targets with `python -m ziglang cc`.

    python build-binaries.py                   # the host's target, into bin/<target>/
    python build-binaries.py linux-aarch64     # cross-compiled: zig needs no sysroot
    python build-binaries.py --all             # every target below
    python build-binaries.py --out DIR ...     # DIR/<target>/ instead of bin/<target>/

Both tools link against libfoo.so and find it at run time through
`RUNPATH=$ORIGIN`: the directory the executable itself is in. So the three
files must be installed side by side, which is what the wheel's
`footools/_bin/` directory is. The glibc floor is 2.17 (zig links against
that version's symbols), so the wheels are `manylinux2014`.

Needs the `ziglang` package (`pip install ziglang`); standard library only.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

# binwheel target -> zig target (glibc 2.17: manylinux2014)
TARGETS = {
    "linux-x86_64": "x86_64-linux-gnu.2.17",
    "linux-aarch64": "aarch64-linux-gnu.2.17",
}


def host_target() -> str:
    machine = platform.machine().lower()
    arch = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}.get(machine)
    if platform.system() != "Linux" or arch is None:
        sys.exit(f"build-binaries.py: no host target for {platform.system()} {machine}; name one of {', '.join(TARGETS)}")
    return f"linux-{arch}"


def zig_cc(zig_target: str, *args: str) -> None:
    cmd = [sys.executable, "-m", "ziglang", "cc", "-target", zig_target, "-O2", "-Wall", "-Werror", *args]
    print("  $ " + " ".join(cmd[1:]), file=sys.stderr, flush=True)
    subprocess.run(cmd, cwd=HERE, check=True)


def build(target: str, dest: Path) -> None:
    zig_target = TARGETS[target]
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{target}-", dir=dest.parent) as tmp:
        work = Path(tmp)
        work.chmod(0o755)  # mkdtemp makes it 0700
        lib = work / "libfoo.so"
        # The soname is what the tools record as DT_NEEDED: "libfoo.so".
        zig_cc(zig_target, "-shared", "-fPIC", "-Wl,-soname,libfoo.so", "-o", str(lib), "src/foo.c")
        for tool in ("tool-a", "tool-b"):
            zig_cc(
                zig_target,
                "-o", str(work / tool), f"src/{tool}.c",
                "-Isrc", str(lib),
                # '$ORIGIN' reaches the linker as written (no shell here): the
                # loader replaces it with the executable's directory.
                "-Wl,-rpath,$ORIGIN",
            )
        if dest.exists():
            shutil.rmtree(dest)
        work.rename(dest)  # all three appear at once
        work.mkdir()  # for TemporaryDirectory's cleanup
    for name in ("libfoo.so", "tool-a", "tool-b"):
        print(dest / name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets", nargs="*", help=f"targets to build ({', '.join(TARGETS)}); default: the host")
    parser.add_argument("--all", action="store_true", help="build every target")
    parser.add_argument("--out", type=Path, default=HERE / "bin", help="output directory (default: bin/)")
    args = parser.parse_args()
    targets = list(TARGETS) if args.all else (args.targets or [host_target()])
    for target in targets:
        if target not in TARGETS:
            parser.error(f"unknown target {target!r}; known: {', '.join(TARGETS)}")
        build(target, args.out.resolve() / target)


if __name__ == "__main__":
    main()
