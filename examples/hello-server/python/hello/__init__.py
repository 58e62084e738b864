"""Python bindings for the `hello` HTTP server.

The server itself is a Go executable that binwheel installs as
``hello/_bin/hello``; this module only starts and stops it::

    import hello

    with hello.serve() as server:          # picks a free port on 127.0.0.1
        print(server.base_url)             # http://127.0.0.1:40123
    # leaving the block sends SIGTERM and waits for a clean exit

The ``hello`` console command runs the same executable directly.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Optional

__all__ = ["Server", "ServerError", "binary", "serve", "version"]

__version__ = "0.1.0"


class ServerError(RuntimeError):
    """The server could not be started."""


def binary() -> Path:
    """Path of the installed ``hello`` executable."""
    # Imported here, not at module level, so that `import hello` works in a
    # source checkout, where binwheel has not generated `_bin` yet.
    from hello import _bin

    return _bin.path()


def version() -> str:
    """The version the executable reports, e.g. ``"0.1.0"``."""
    from hello import _bin

    out = _bin.run("--version", capture_output=True, text=True, check=True).stdout
    name, _, ver = out.strip().partition(" ")
    if name != "hello" or not ver:
        raise ServerError(f"unexpected `hello --version` output: {out!r}")
    return ver


class Server:
    """A running ``hello serve`` process. Use :func:`serve` to create one."""

    def __init__(self, process: subprocess.Popen, host: str, port: int) -> None:
        self.process = process
        self.host = host
        self.port = port

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> int:
        """Ask the server to shut down (SIGTERM), wait, kill it after ``timeout``.

        Returns the exit code: 0 after a clean shutdown, negative (the signal)
        if it had to be killed. Calling it again is harmless.
        """
        if self.process.poll() is None:
            self.process.terminate()  # SIGTERM on POSIX, TerminateProcess on Windows
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else f"exited {self.process.returncode}"
        return f"<hello.Server {self.base_url} pid={self.pid} {state}>"


def _read_line(stream: IO[str], timeout: float) -> Optional[str]:
    """One line from ``stream`` or None after ``timeout`` seconds (works on Windows pipes too)."""
    box: list = []
    reader = threading.Thread(target=lambda: box.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return box[0] if box else None


def serve(
    port: int = 0,
    timeout: float = 10.0,
    *,
    host: str = "127.0.0.1",
    stderr: Optional[IO] = None,
) -> Server:
    """Start ``hello serve`` and return once it is accepting connections.

    ``port=0`` lets the operating system pick a free port; read it from
    ``Server.port``. Raises :class:`ServerError` if the server exits or does
    not announce readiness within ``timeout`` seconds. ``stderr`` is where the
    server's log goes (default: this process's stderr).
    """
    cmd = [str(binary()), "serve", "--host", host, "--port", str(port)]
    process = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        encoding="utf-8",
    )
    assert process.stdout is not None
    line = _read_line(process.stdout, timeout)
    try:
        info = json.loads(line) if line else None
    except ValueError:
        info = None
    if not isinstance(info, dict) or info.get("status") != "ready":
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stdout.close()
        if line is None:
            why = f"no ready line within {timeout} seconds"
        elif not line:
            why = f"exited with code {process.returncode} before it was ready"
        else:
            why = f"unexpected first line {line.strip()!r}"
        raise ServerError(f"`{' '.join(cmd)}`: {why}")
    return Server(process, host, int(info["port"]))


def main() -> int:
    """``python -m hello``: run the executable with this process's arguments."""
    from hello import _bin

    return _bin.run(*sys.argv[1:]).returncode
