"""hello-server (after): binwheel installs the binary as hello/_bin/hello."""


def binary_path() -> str:
    """Kept for callers of the old API."""
    from hello import _bin

    return str(_bin.path())
