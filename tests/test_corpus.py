"""`binwheel check` over real wheels published on PyPI (tests/corpus).

Not in the normal suite (about 1.1 GB of downloads): `bash tests/run corpus`
runs it (pytest --corpus), `bash tests/run corpus --refresh` re-records what
binwheel finds first. The wheels are pinned in tests/corpus/wheels.toml and
downloaded once into .cache/corpus; what `binwheel check` finds in each one is
recorded in tests/corpus/expected.json and asserted exactly, so any change of
behaviour shows. tests/corpus/evidence.py, a reader of ELF, Mach-O and PE
that shares nothing with binwheel, decides which tags are true: a wheel with
true tags must get no error, a wheel with a false tag (or a member no
installer can unpack, or an arm64 slice macOS kills) must get an error about
that member.
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus"))
import corpus  # noqa: E402
import evidence  # noqa: E402

pytestmark = pytest.mark.corpus

PINS = corpus.load_pins() if corpus.tomllib else []
IDS = [p.filename for p in PINS]


@pytest.fixture(scope="session")
def downloaded():
    corpus.fetch(PINS)
    bad = corpus.verify(PINS)
    assert not bad, "\n".join(bad)


@lru_cache(maxsize=None)
def found(filename: str) -> tuple[str, ...]:
    pin = next(p for p in PINS if p.filename == filename)
    return tuple(corpus.findings_of(corpus.binwheel_command(), pin.path))


def test_the_corpus_is_big_and_varied():
    projects = {p.project for p in PINS}
    assert len(PINS) >= 40 and len(projects) >= 15, (len(PINS), len(projects))
    tags = [t for p in PINS for t in evidence.wheel_tags(p.filename)]
    for family in ("manylinux", "musllinux", "macosx", "win"):
        for arch in {"manylinux": ("x86_64", "aarch64"), "musllinux": ("x86_64", "aarch64"),
                     "macosx": ("x86_64", "arm64", "universal2"), "win": ("amd64", "arm64", "win32")}[family]:
            assert any(t.startswith(family) and t.endswith(arch) or t == arch for t in tags), (family, arch)
    assert sum(p.size for p in PINS) < 1.5e9
    for p in PINS:
        assert p.url.startswith("https://files.pythonhosted.org/"), p.filename
    assert set(corpus.load_expected()) == set(IDS), "expected.json and wheels.toml list other wheels: bash tests/run corpus --refresh"


@pytest.mark.parametrize("filename", IDS)
def test_recorded_findings(filename, downloaded):
    expected = corpus.load_expected().get(filename)
    assert expected is not None, f"{filename}: nothing recorded; bash tests/run corpus --refresh"
    assert list(found(filename)) == expected, f"{filename}: binwheel check finds something else now; if that is right, bash tests/run corpus --refresh"


def _about(finding: str, member: str, family: str = "BW") -> bool:
    """Whether an error finding is about `member`: its file (--json: and
    its rule id starts with `family`, BW1 for the tag rules), or the member
    named in its text."""
    sev, rule, rest = finding.split(" ", 2)
    if rule == "-":
        return sev == "error" and member in rest
    return sev == "error" and rest == member and rule.startswith(family)


@pytest.mark.parametrize("pin", PINS, ids=IDS)
def test_errors_exactly_where_the_evidence_finds_a_defect(pin, downloaded):
    verdict = evidence.judge_wheel(pin.path)
    findings = found(pin.filename)
    problems, defective = [], set()
    for defect in verdict.false_tags + verdict.defects:
        member = verdict.member_of(defect)
        defective.add(member)
        family = "BW1" if defect in verdict.false_tags else "BW"
        if not any(_about(f, member, family) for f in findings):
            problems.append(f"no error for a true defect: {defect}")
    # and no error about anything else
    for f in findings:
        if corpus.severity_of(f) == "error" and not any(_about(f, m) for m in defective):
            problems.append(f"an error where the evidence finds no defect: {f}")
    # what runs, with a remark (Rosetta 2, the Visual C++ runtime), is a
    # warning: once findings have severities (--json)
    if corpus.speaks_json(corpus.binwheel_command(), pin.path):
        for remark in verdict.remarks:
            member = verdict.member_of(remark)
            if not any(f.startswith("warning ") and f.endswith(" " + member) for f in findings):
                problems.append(f"no warning for: {remark}")
    if pin.binwheel_wrong:
        if problems:
            pytest.xfail(f"{pin.binwheel_wrong}: " + "; ".join(problems[:3]))
        pytest.fail(f"{pin.filename}: binwheel now agrees with the evidence: remove binwheel_wrong from wheels.toml")
    assert not problems, "\n".join(problems)


FIXTURES = Path(__file__).resolve().parent / "fixtures" / "bin"


def test_the_evidence_reads_the_committed_fixtures_right():
    """evidence.py against binaries whose facts are known (tests/fixtures/bin,
    built by zig and Go from recipes; cross-checked with readelf -V and
    llvm-objdump --macho --private-headers)."""
    def elf(name):
        return evidence.read_elf((FIXTURES / name).read_bytes())

    e = elf("linux-x86_64-glibc234")
    assert (e.kind, e.arch, e.glibc, e.musl, e.glibc_floor) == ("exec", "x86_64", True, False, (2, 34))
    assert e.interp == "/lib64/ld-linux-x86-64.so.2" and e.needed == ["libc.so.6"]
    assert elf("linux-aarch64-glibc228").glibc_floor == (2, 17)  # aarch64's first glibc; nothing newer used
    assert elf("linux-x86_64-glibc-needs-libfoo").needed == ["libfoo.so.1", "libc.so.6"]
    m = elf("linux-x86_64-musl-dynamic")
    assert (m.musl, m.glibc, m.interp) == (True, False, "/lib/ld-musl-x86_64.so.1")
    for name, arch in (("linux-aarch64-musl-static", "aarch64"), ("linux-armv7-musl-static", "armv7l"),
                       ("linux-i686-musl-static", "i686"), ("linux-riscv64-musl-static", "riscv64"), ("go-linux-amd64", "x86_64")):
        s = elf(name)
        assert (s.arch, s.interp, s.needed, s.musl, s.glibc) == (arch, None, [], False, False), name
    assert elf("libfoo.so.1").kind == "dyn"

    def slices(data):
        return [(s.arch, s.kind, s.minos, s.signed, s.hashes_match) for s in evidence.read_macho(data)]

    assert slices((FIXTURES / "macos-universal2").read_bytes()) == [
        ("x86_64", "execute", (10, 13), False, None), ("arm64", "execute", (11, 0), True, True)]
    assert slices((FIXTURES / "go-darwin-arm64").read_bytes()) == [("arm64", "execute", (13, 0), True, True)]
    for name, arch in (("windows-x86_64.exe", "x86_64"), ("windows-aarch64.exe", "arm64"), ("windows-x86.exe", "x86"), ("go-windows-amd64.exe", "x86_64")):
        assert evidence.read_pe((FIXTURES / name).read_bytes()) == arch, name

    # a byte changed after signing, and the signature's load command gone
    data = bytearray((FIXTURES / "macos-arm64-11").read_bytes())
    tampered = bytearray(data)
    tampered[len(data) // 3] ^= 0xFF
    assert slices(bytes(tampered)) == [("arm64", "execute", (11, 0), True, False)]
    off = 32
    for _ in range(int.from_bytes(data[16:20], "little")):
        cmd, size = int.from_bytes(data[off:off + 4], "little"), int.from_bytes(data[off + 4:off + 8], "little")
        if cmd == evidence.LC_CODE_SIGNATURE:
            data[off:off + 4] = (0x7FFFFFFF).to_bytes(4, "little")  # no command macOS knows
        off += size
    assert slices(bytes(data)) == [("arm64", "execute", (11, 0), False, None)]


def test_check_json_is_read_wherever_its_findings_nest():
    """The --json reader (the one place that changes when the text output
    goes), on a document of the shape docs/check.schema.json gives."""
    doc = {
        "binwheel": "0.1.0", "strict": False, "passed": False, "counts": {"error": 1, "warning": 1, "note": 0},
        "files": [{
            "path": "x.whl", "passed": False, "counts": {"error": 1, "warning": 1, "note": 0}, "ignored": 0,
            "findings": [
                {"rule": "BW112", "name": "x", "severity": "warning", "file": "x/_bin/x.exe", "message": "m", "help": None},
                {"rule": "BW101", "name": "y", "severity": "error", "file": "x/_bin/x", "message": "m", "help": "h"},
                {"rule": "BW509", "name": "z", "severity": "warning", "file": None, "message": "m", "help": None},
            ],
        }],
    }
    assert corpus.json_findings(json.dumps(doc)) == [
        "error BW101 x/_bin/x", "warning BW112 x/_bin/x.exe", "warning BW509 -"]


def test_the_table_in_docs_is_current(downloaded):
    """docs/check.md's corpus table is what `corpus.py table` writes now."""
    want = corpus.doc_with_table(PINS, corpus.judge(PINS))
    assert corpus.DOC.read_text(encoding="utf-8") == want, "python tests/corpus/corpus.py table"
