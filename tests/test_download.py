"""Pinned downloads end to end: `url` + `sha256` (+ `member`) through pip.

The example's binary is served by Python's http.server on 127.0.0.1; pip
builds the project with build isolation, so binwheel fetches it from inside
pip's build environment into a cache under tmp (BINWHEEL_CACHE_DIR). Nothing
here reaches beyond the loopback interface.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import tarfile
import threading
import zipfile
from pathlib import Path
from typing import Callable, Optional

import pytest

import helpers
from helpers import EXE, describe, single_wheel

HOST = helpers.host_target()
VERSION = helpers.EXAMPLE_VERSION


class Served:
    """The files of a directory over HTTP on 127.0.0.1, until stop();
    remembers the paths that were requested."""

    def __init__(self, root: Path):
        self.requests: list[str] = []
        served = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(root), **kwargs)

            def do_GET(self):
                served.requests.append(self.path)
                super().do_GET()

            def log_message(self, format, *args):  # keep pytest's output clean
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.stopped = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        if not self.stopped:
            self.stopped = True
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(timeout=10)


@pytest.fixture
def serve() -> Callable[[Path], Served]:
    """serve(directory) -> Served, stopped at teardown."""
    servers: list[Served] = []

    def start(root: Path) -> Served:
        servers.append(Served(root))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def download_project(dest: Path, url: str, pinned: str, member: Optional[str] = None) -> Path:
    """The example with no prebuilt binary and no build command, whose binary
    is instead pinned for the host target as a download of ``url``."""
    project = helpers.copy_example(dest, targets=(), build_command=False)
    assert not (project / "bin").exists()
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    anchor = 'path = "bin/{target}/hello{exe}"\n'
    keys = [f'url = "{url}"', f'sha256 = {{ {HOST} = "{pinned}" }}']
    if member is not None:
        keys.append(f'member = "{member}"')
    assert text.count(anchor) == 1, "the example's binary table changed"
    pyproject.write_text(text.replace(anchor, anchor + "\n".join(keys) + "\n"), encoding="utf-8")
    return project


def tar_gz(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o755
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def wheel_binary(wheel: Path) -> bytes:
    with zipfile.ZipFile(wheel) as zf:
        return zf.read(helpers.binary_member(wheel))


@pytest.mark.parametrize("layout", ["plain", "tar.gz"])
def test_pip_wheel_downloads_the_pinned_binary(layout, tools, serve, validate, make_venv, tmp_path):
    binary = helpers.example_binary(HOST).read_bytes()
    served_dir = tmp_path / "served"
    served_dir.mkdir()
    if layout == "plain":
        file_name = f"hello-{VERSION}-{HOST}{EXE}"
        served_bytes = binary
        url_path, member = "/hello-{version}-{target}{exe}", None
    else:
        file_name = f"hello-{VERSION}-{HOST}.tar.gz"
        served_bytes = tar_gz({f"hello-{VERSION}/LICENSE": b"MIT\n", f"hello-{VERSION}/hello{EXE}": binary})
        url_path, member = "/hello-{version}-{target}.tar.gz", "hello-{version}/hello{exe}"
    (served_dir / file_name).write_bytes(served_bytes)
    pinned = sha256(served_bytes)
    server = serve(served_dir)
    project = download_project(tmp_path / "project", server.base_url + url_path, pinned, member)
    cache = tmp_path / "cache"
    env = tools.env(BINWHEEL_CACHE_DIR=str(cache))

    out = tmp_path / "dist"
    tools.pip_wheel(project, out, env=env)
    report = validate(single_wheel(out))
    assert sha256(wheel_binary(report.path)) == sha256(binary)
    if layout == "plain":
        assert sha256(wheel_binary(report.path)) == pinned
    # one download, with the placeholders filled in for this target
    assert server.requests == [f"/{file_name}"]
    assert sorted(p.name for p in (cache / "downloads").iterdir()) == [pinned]

    # With the server gone, the cache alone builds the same binary.
    server.stop()
    out2 = tmp_path / "dist2"
    tools.pip_wheel(project, out2, env=env)
    assert wheel_binary(single_wheel(out2)) == binary
    assert server.requests == [f"/{file_name}"]

    if layout == "tar.gz":
        venv = make_venv()
        venv.install_wheel(report.path)
        venv.check_hello_installed()


def test_pip_wheel_fails_on_a_checksum_mismatch(tools, serve, tmp_path):
    binary = helpers.example_binary(HOST).read_bytes()
    served_dir = tmp_path / "served"
    served_dir.mkdir()
    (served_dir / "hello").write_bytes(binary)
    server = serve(served_dir)
    url = server.base_url + "/hello"
    wrong = sha256(b"not the binary")
    project = download_project(tmp_path / "project", url, wrong)
    cache = tmp_path / "cache"
    out = tmp_path / "dist"
    out.mkdir()

    proc = tools.pip_wheel(project, out, env=tools.env(BINWHEEL_CACHE_DIR=str(cache)), check=False)
    assert proc.returncode != 0, describe(proc)
    output = proc.stdout + proc.stderr
    assert f"checksum mismatch for {url}" in output, describe(proc)
    assert f"expected sha256: {wrong}" in output, describe(proc)
    assert f"actual sha256:   {sha256(binary)}" in output, describe(proc)
    assert server.requests == ["/hello"]
    assert list(out.iterdir()) == []
    # nothing (not even a partial file) is left under a final name
    assert list((cache / "downloads").iterdir()) == []
