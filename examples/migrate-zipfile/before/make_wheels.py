#!/usr/bin/env python3
"""BEFORE: the hand-written release script. For each target whose binary is at
bin/<target>/hello, it writes dist/hello_server-<version>-py3-none-<tag>.whl
with the standard library's zipfile: the package, the binary, METADATA,
WHEEL, entry_points.txt and RECORD.

    python make_wheels.py            # every target that has a binary
    python make_wheels.py linux-x86_64
"""

import base64
import hashlib
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAME, VERSION = "hello-server", "0.1.0"
DIST = NAME.replace("-", "_")

# The platform tag of each target, kept by hand.
TAGS = {
    "linux-x86_64": "manylinux_2_17_x86_64",
    "linux-aarch64": "manylinux_2_17_aarch64",
    "macos-x86_64": "macosx_10_12_x86_64",
    "macos-arm64": "macosx_11_0_arm64",
    "windows-x86_64": "win_amd64",
}

METADATA = f"""Metadata-Version: 2.1
Name: {NAME}
Version: {VERSION}
Summary: A tiny HTTP server written in Go
Requires-Python: >=3.9
"""


def record_line(arcname: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arcname},sha256={digest},{len(data)}"


def build(target: str) -> Path:
    exe = ".exe" if target.startswith("windows") else ""
    binary = HERE / "bin" / target / f"hello{exe}"
    tag = TAGS[target]
    out = HERE / "dist" / f"{DIST}-{VERSION}-py3-none-{tag}.whl"
    out.parent.mkdir(exist_ok=True)
    dist_info = f"{DIST}-{VERSION}.dist-info"
    record = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        # Files from disk keep their permissions and modification times.
        files = [(p, "hello/" + p.relative_to(HERE / "hello").as_posix()) for p in sorted((HERE / "hello").rglob("*.py"))]
        files.append((binary, f"hello/bin/hello{exe}"))
        for path, arcname in files:
            zf.write(path, arcname)
            record.append(record_line(arcname, path.read_bytes()))
        generated = {
            f"{dist_info}/METADATA": METADATA,
            f"{dist_info}/WHEEL": f"Wheel-Version: 1.0\nGenerator: make_wheels.py\nRoot-Is-Purelib: false\nTag: py3-none-{tag}\n",
            f"{dist_info}/entry_points.txt": "[console_scripts]\nhello = hello:main\n",
        }
        for arcname, text in generated.items():
            zf.writestr(arcname, text)
            record.append(record_line(arcname, text.encode()))
        record.append(f"{dist_info}/RECORD,,")
        zf.writestr(f"{dist_info}/RECORD", "\n".join(record) + "\n")
    return out


def main() -> None:
    targets = sys.argv[1:] or [t for t in TAGS if (HERE / "bin" / t).is_dir()]
    for target in targets:
        print(build(target))


if __name__ == "__main__":
    main()
