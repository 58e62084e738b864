"""hello-server: a tiny HTTP server written in Go, packaged by binwheel.

``get_binary_path()`` and ``main()`` keep the API that go-to-wheel's
generated module had, so code written against it keeps working; new code can
use ``hello_server._bin`` (``path()``, ``run()``, ``exec()``) directly.
"""

__version__ = "0.1.0"


def get_binary_path() -> str:
    """The path of the bundled ``hello`` executable (a string, as before)."""
    from hello_server import _bin

    return str(_bin.path())


def main() -> None:
    """Run the binary with this process's arguments; does not return."""
    import sys

    from hello_server import _bin

    _bin.exec(*sys.argv[1:])
