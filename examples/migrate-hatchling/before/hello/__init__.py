"""hello-server (before): finds and runs the Go binary the build hook put in hello/bin/."""

import os
import sys


def binary_path() -> str:
    exe = ".exe" if sys.platform == "win32" else ""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", "hello" + exe)


def main() -> None:
    binary = binary_path()
    if sys.platform == "win32":
        import subprocess

        sys.exit(subprocess.call([binary, *sys.argv[1:]]))
    os.execv(binary, [binary, *sys.argv[1:]])
