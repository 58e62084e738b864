"""The committed fixture binaries (tests/fixtures/bin) are what
tests/fixtures/build_binaries.py builds from the committed sources.

Cheap checks for every run: SHA256SUMS's recipe is the hash of today's
sources, builders and pinned toolchains (so a changed source without rebuilt
fixtures fails here), every file has the recorded hash, and the set of files
is the set the script builds and the Rust tests use. The expensive check,
rebuilding everything and comparing bytes, is `bash tests/run fixtures
--check` (on demand).
"""

from __future__ import annotations

import hashlib
import re
import sys

import helpers

sys.path.insert(0, str(helpers.REPO / "tests" / "fixtures"))
import build_binaries  # noqa: E402

BIN = helpers.REPO / "tests" / "fixtures" / "bin"
HOW = "rebuild them: bash tests/run fixtures (then commit tests/fixtures/bin)"


def test_recipe_is_current():
    recorded, _ = build_binaries.read_sums(BIN)
    assert recorded == build_binaries.recipe(), f"the fixtures were built from other sources; {HOW}"


def test_committed_files_match_their_sums():
    _, sums = build_binaries.read_sums(BIN)
    assert sorted(sums) == sorted(build_binaries.FIXTURES)
    on_disk = sorted(p.name for p in BIN.iterdir() if p.name != build_binaries.SUMS)
    assert on_disk == sorted(build_binaries.FIXTURES), f"stray or missing files; {HOW}"
    for name, digest in sums.items():
        assert hashlib.sha256((BIN / name).read_bytes()).hexdigest() == digest, f"{name}; {HOW}"


def test_rust_tests_use_the_same_list():
    common = (helpers.REPO / "crates" / "binwheel-core" / "tests" / "common" / "mod.rs").read_text(encoding="utf-8")
    listed = re.search(r"pub const FIXTURES: \[&str; \d+\] = \[(.*?)\];", common, re.S).group(1)
    assert re.findall(r'"([^"]+)"', listed) == list(build_binaries.FIXTURES)
