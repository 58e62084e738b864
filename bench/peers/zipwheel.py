"""The hand-written peer: a wheel written with zipfile, as projects do by hand.

It is a PEP 517 backend in the project's own tree (`backend-path = ["."]`), so
the same file serves `python -c "import zipwheel; zipwheel.build_wheel(...)"`
and `uv build`. What it packs is in zipwheel.json beside pyproject.toml:

    {"name": "hello-server", "version": "0.1.0", "tag": "py3-none-...",
     "package": "src/hello", "binaries": {"bin/hello": "hello/_bin/hello"}}

Each file is streamed into the archive (ZIP_DEFLATED, zlib's default level)
while its SHA-256 is computed, so memory stays bounded; METADATA, WHEEL and
RECORD are written last. Only the standard library is used.
"""

import base64
import hashlib
import json
import os
import re
import time
import zipfile

CHUNK = 1 << 20


def _config():
    with open("zipwheel.json", encoding="utf-8") as f:
        return json.load(f)


def _timestamp():
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))
    return time.gmtime(max(epoch, 315532800))[:6]


def _digest(h):
    return "sha256=" + base64.urlsafe_b64encode(h.digest()).rstrip(b"=").decode()


def _files(config):
    """(archive path, file on disk, mode) for every file of the wheel, sorted."""
    package = config["package"]
    top = os.path.dirname(package)
    out = []
    for dirpath, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in filenames:
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(dirpath, name)
            out.append((os.path.relpath(path, top).replace(os.sep, "/"), path, 0o644))
    for source, dest in config.get("binaries", {}).items():
        out.append((dest, source, 0o755))
    return sorted(out)


def get_requires_for_build_wheel(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    config = _config()
    dist = re.sub(r"[-_.]+", "_", config["name"]).lower()
    version = config["version"]
    dist_info = f"{dist}-{version}.dist-info"
    filename = f"{dist}-{version}-{config['tag']}.whl"
    when = _timestamp()
    record = []

    def add(zf, arcname, data=None, path=None, mode=0o644):
        info = zipfile.ZipInfo(arcname, date_time=when)
        info.external_attr = (0o100000 | mode) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        h = hashlib.sha256()
        size = 0
        with zf.open(info, "w") as dst:
            if data is not None:
                dst.write(data)
                h.update(data)
                size = len(data)
            else:
                with open(path, "rb") as src:
                    while True:
                        block = src.read(CHUNK)
                        if not block:
                            break
                        dst.write(block)
                        h.update(block)
                        size += len(block)
        record.append(f"{arcname},{_digest(h)},{size}")

    metadata = (
        "Metadata-Version: 2.1\n"
        f"Name: {config['name']}\n"
        f"Version: {version}\n"
    ).encode()
    wheel = (
        "Wheel-Version: 1.0\n"
        "Generator: zipwheel (hand-written)\n"
        "Root-Is-Purelib: false\n"
        f"Tag: {config['tag']}\n"
    ).encode()

    os.makedirs(wheel_directory, exist_ok=True)
    target = os.path.join(wheel_directory, filename)
    with zipfile.ZipFile(target + ".tmp", "w") as zf:
        for arcname, path, mode in _files(config):
            add(zf, arcname, path=path, mode=mode)
        add(zf, f"{dist_info}/METADATA", data=metadata)
        add(zf, f"{dist_info}/WHEEL", data=wheel)
        record.append(f"{dist_info}/RECORD,,")
        info = zipfile.ZipInfo(f"{dist_info}/RECORD", date_time=when)
        info.external_attr = 0o100644 << 16
        zf.writestr(info, "\n".join(record) + "\n", compress_type=zipfile.ZIP_DEFLATED)
    os.replace(target + ".tmp", target)
    return filename
