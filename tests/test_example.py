"""The bundled example (examples/hello-server), installed from its wheel into a
fresh virtual environment and used the way its users would."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import urllib.request

import pytest

import helpers
from helpers import describe

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")


def read_line(stream, timeout: float = 15.0) -> str:
    box: list = []
    reader = threading.Thread(target=lambda: box.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    assert box, f"no line within {timeout}s"
    return box[0]


def http_get(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.status, resp.headers.get("Content-Type", ""), resp.read().decode()


def port_is_closed(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex(("127.0.0.1", port)) != 0


SERVE_AND_STOP = r"""
import json, socket, urllib.request
import hello

server = hello.serve()
result = {"port": server.port, "base_url": server.base_url, "running": server.running}
with urllib.request.urlopen(server.base_url + "/", timeout=10) as resp:
    result["root"] = [resp.status, resp.headers["Content-Type"], json.loads(resp.read())]
with urllib.request.urlopen(server.base_url + "/healthz", timeout=10) as resp:
    result["healthz"] = [resp.status, resp.read().decode()]
result["stop"] = server.stop()
result["running_after"] = server.running
result["stop_again"] = server.stop()
with socket.socket() as s:
    s.settimeout(2)
    result["closed_after"] = s.connect_ex(("127.0.0.1", server.port)) != 0
print(json.dumps(result))
"""


def test_serve_get_stop(installed_example):
    proc = installed_example.python_code(SERVE_AND_STOP, timeout=60)
    result = json.loads(proc.stdout)
    assert result["port"] > 0
    assert result["base_url"] == f"http://127.0.0.1:{result['port']}"
    assert result["running"] is True
    status, content_type, body = result["root"]
    assert status == 200 and content_type.startswith("application/json")
    assert body["message"] == "hello, world"
    assert body["version"] == helpers.EXAMPLE_VERSION
    assert result["healthz"] == [200, "ok\n"]
    assert result["stop"] == 0, "the server did not shut down cleanly on SIGTERM"
    assert result["stop_again"] == 0
    assert result["running_after"] is False
    assert result["closed_after"] is True
    assert "shutting down" in proc.stderr, describe(proc)


CONTEXT_MANAGER = r"""
import json, urllib.request
import hello

with hello.serve(timeout=20) as server:
    with urllib.request.urlopen(server.base_url + "/healthz", timeout=10) as resp:
        body = resp.read().decode()
print(json.dumps({"body": body, "code": server.process.returncode, "running": server.running}))
"""


def test_serve_context_manager(installed_example):
    proc = installed_example.python_code(CONTEXT_MANAGER, timeout=60)
    assert json.loads(proc.stdout) == {"body": "ok\n", "code": 0, "running": False}


PORT_IN_USE = r"""
import hello
with hello.serve() as first:
    try:
        hello.serve(port=first.port)
    except hello.ServerError as exc:
        print("ServerError:", exc)
    else:
        print("no error")
"""


def test_serve_reports_a_failed_start(installed_example):
    proc = installed_example.python_code(PORT_IN_USE, timeout=60)
    assert proc.stdout.startswith("ServerError:"), describe(proc)
    assert "exited with code 1" in proc.stdout, describe(proc)


def test_version_helpers(installed_example):
    proc = installed_example.python_code("import hello; print(hello.version())")
    assert proc.stdout.strip() == helpers.EXAMPLE_VERSION
    proc = installed_example.run(installed_example.python, "-m", "hello", "--version")
    assert proc.stdout == f"hello {helpers.EXAMPLE_VERSION}\n"


def start_console_server(venv, popen_cleanup) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen(
        [str(venv.bin / f"hello{helpers.EXE}"), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=venv.env(),
    )
    popen_cleanup(proc)
    line = read_line(proc.stdout)
    info = json.loads(line)
    assert list(info) == ["status", "port"] and info["status"] == "ready", line
    return proc, info["port"]


@posix_only
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_console_command_stops_on_signal(sig, installed_example, popen_cleanup):
    """The `hello` console command is the server process itself (or passes the
    signal on): a signal to it shuts the server down cleanly with exit code 0
    and nothing is left listening."""
    proc, port = start_console_server(installed_example, popen_cleanup)
    status, _, body = http_get(f"http://127.0.0.1:{port}/")
    assert status == 200 and json.loads(body)["message"] == "hello, world"
    proc.send_signal(sig)
    try:
        code = proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        pytest.fail("the console command did not exit after the signal")
    stderr = proc.stderr.read()
    assert code == 0, f"exit code {code}; stderr:\n{stderr}"
    assert "shutting down" in stderr
    assert port_is_closed(port), "the server is still listening after its command exited"


def test_console_command_exit_codes(installed_example):
    proc = installed_example.run("hello", "frobnicate", check=False)
    assert proc.returncode == 2, describe(proc)
    assert "unknown command" in proc.stderr and "usage: hello" in proc.stderr
    assert proc.stdout == ""
    proc = installed_example.run("hello", check=False)
    assert proc.returncode == 2, describe(proc)


def test_console_command_stdin(installed_example):
    data = "line one\nline two ü\n" * 1000
    proc = installed_example.run("hello", "echo", input=data)
    assert proc.stdout == data


LOCATOR = r"""
import json, subprocess, sys
import hello._bin as b
p = b.path()
r = b.run("--version", capture_output=True, text=True)
print(json.dumps({
    "same": b.path("hello") == p,
    "is_path": type(p).__module__.startswith("pathlib"),
    "completed": isinstance(r, subprocess.CompletedProcess),
    "stdout": r.stdout,
    "returncode": b.run("frobnicate", capture_output=True).returncode,
}))
"""


def test_locator_api(installed_example):
    proc = installed_example.python_code(LOCATOR)
    assert json.loads(proc.stdout) == {
        "same": True,
        "is_path": True,
        "completed": True,
        "stdout": f"hello {helpers.EXAMPLE_VERSION}\n",
        "returncode": 2,
    }


def test_locator_exec(installed_example):
    """exec() replaces the Python process: output and exit code are the binary's."""
    proc = installed_example.python_code("import hello._bin as b; b.exec('--version'); print('not replaced')")
    assert proc.stdout == f"hello {helpers.EXAMPLE_VERSION}\n", describe(proc)
    proc = installed_example.python_code("import hello._bin as b; b.exec('frobnicate')", check=False)
    assert proc.returncode == 2, describe(proc)
    proc = installed_example.run(
        installed_example.python, "-c", "import sys, hello._bin as b; b.exec('echo')", input="piped\n"
    )
    assert proc.stdout == "piped\n"
