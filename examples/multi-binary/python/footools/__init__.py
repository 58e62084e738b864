"""footools: tool-a and tool-b, two C programs sharing libfoo.so.

The executables and the library are installed together in ``footools/_bin/``;
``footools._bin`` finds them.
"""

from __future__ import annotations


def libfoo_version() -> str:
    """The version of the libfoo that tool-a loaded, e.g. ``"1.0"``."""
    from footools import _bin

    out = _bin.run(name="tool-a", capture_output=True, text=True, check=True).stdout
    return out.rsplit(" ", 1)[-1].strip()


def add(*numbers: int) -> int:
    """The sum of ``numbers``, computed by tool-b through libfoo's foo_add."""
    from footools import _bin

    args = [str(int(n)) for n in numbers]
    return int(_bin.run(*args, name="tool-b", capture_output=True, text=True, check=True).stdout)
