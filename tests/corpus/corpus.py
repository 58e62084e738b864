"""The corpus: real wheels published on PyPI that ship executables, pinned,
checked by `binwheel check` and judged independently by evidence.py.

    python tests/corpus/corpus.py fetch          download the pinned wheels once into .cache/corpus
                                                 (sha256 verified; a wrong file is deleted)
    python tests/corpus/corpus.py refresh        fetch, run `binwheel check` on each wheel and
                                                 rewrite tests/corpus/expected.json, then `table`
    python tests/corpus/corpus.py add NAME==VER [--only TEXT]...
                                                 pin wheels of a release (from PyPI's JSON simple
                                                 API) into wheels.toml: those whose file name
                                                 contains one of the TEXTs, else one per platform
    python tests/corpus/corpus.py table          regenerate the corpus table in docs/check.md
    python tests/corpus/corpus.py evidence FILE.whl...
                                                 print what evidence.py finds in wheels

tests/test_corpus.py (pytest marker `corpus`, run by `bash tests/run corpus`)
asserts the recorded findings exactly. Standard library only; `binwheel` is
the one on PATH (tests/run puts .venv's first), or $BINWHEEL.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

try:
    import tomllib
except ImportError:  # Python < 3.11: the corpus is skipped
    tomllib = None

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PINS = HERE / "wheels.toml"
EXPECTED = HERE / "expected.json"
CACHE = Path(os.environ.get("BINWHEEL_CORPUS_CACHE", REPO / ".cache" / "corpus"))
DOC = REPO / "docs" / "check.md"
BEGIN, END = "<!-- corpus:begin -->", "<!-- corpus:end -->"
SIMPLE = "https://pypi.org/simple/{name}/"

sys.path.insert(0, str(HERE))
import evidence  # noqa: E402


@dataclass(frozen=True)
class Pin:
    project: str
    version: str
    filename: str
    url: str
    sha256: str
    size: int
    # why binwheel's verdict differs from the evidence, when it does and
    # another change is to fix it (the test xfails with this reason)
    binwheel_wrong: Optional[str] = None

    @property
    def path(self) -> Path:
        return CACHE / self.filename


def load_pins() -> list[Pin]:
    if tomllib is None:
        raise SystemExit("the corpus needs Python 3.11 or later (tomllib)")
    with PINS.open("rb") as f:
        doc = tomllib.load(f)
    known = set(Pin.__dataclass_fields__)
    pins = []
    for i, entry in enumerate(doc.get("wheel", []), 1):
        unknown = sorted(set(entry) - known)
        missing = sorted(k for k in ("project", "version", "filename", "url", "sha256", "size") if k not in entry)
        if unknown or missing:
            raise SystemExit(
                f"{PINS.name}: [[wheel]] number {i} ({entry.get('filename', '?')}): "
                + (f"unknown key(s) {', '.join(unknown)}" if unknown else f"missing key(s) {', '.join(missing)}")
                + f"; a wheel has {', '.join(sorted(known))}"
            )
        pins.append(Pin(**entry))
    names = [p.filename for p in pins]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SystemExit(f"{PINS.name}: pinned twice: {', '.join(dupes)}")
    return pins


# ---------------------------------------------------------------------------
# fetch


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch(pins: Iterable[Pin], quiet: bool = False) -> None:
    """Download every pin not yet in the cache; verify each file's sha256
    (a file that does not match is removed, and it is an error)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    for pin in pins:
        if pin.path.exists() and pin.path.stat().st_size == pin.size:
            continue
        if not quiet:
            print(f"  downloading {pin.filename} ({pin.size / 1e6:.1f} MB)", flush=True)
        fd, tmp = tempfile.mkstemp(dir=CACHE, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(pin.url, timeout=120) as resp:
                shutil.copyfileobj(resp, out, 1 << 20)
            got = sha256_file(Path(tmp))
            if got != pin.sha256:
                raise SystemExit(
                    f"{PINS.name}: {pin.filename}: sha256 {got} downloaded from {pin.url}, "
                    f"but {pin.sha256} is pinned; fix the pin (corpus.py add) or the URL"
                )
            os.replace(tmp, pin.path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def verify(pins: Iterable[Pin]) -> list[str]:
    """Pins whose cached file is missing or has another sha256."""
    bad = []
    for pin in pins:
        if not pin.path.exists():
            bad.append(f"{pin.filename}: not downloaded (python tests/corpus/corpus.py fetch)")
        elif sha256_file(pin.path) != pin.sha256:
            bad.append(f"{pin.filename}: sha256 differs from the pin; delete it and fetch again")
    return bad


# ---------------------------------------------------------------------------
# binwheel check -> findings


def binwheel_command() -> str:
    found = os.environ.get("BINWHEEL") or shutil.which("binwheel", path=os.pathsep.join([str(REPO / ".venv" / "bin"), os.environ.get("PATH", "")]))
    if not found:
        raise SystemExit("no binwheel command: run `bash tests/run setup`, or set BINWHEEL")
    return found


def speaks_json(binwheel: str, wheel: Path) -> bool:
    """Whether this binwheel has `check --json` (findings with rule ids)."""
    proc = subprocess.run([binwheel, "check", "--json", str(wheel)], capture_output=True, text=True)
    return proc.returncode in (0, 1) and proc.stdout.lstrip().startswith(("{", "["))


def findings_of(binwheel: str, wheel: Path) -> list[str]:
    """What `binwheel check` finds in `wheel`, one string per finding,
    sorted: `severity RULE file` with `--json` (rule ids), else the text
    output's lines as `severity - message` (the only thing to change when
    the text form goes is this function's fallback)."""
    proc = subprocess.run([binwheel, "check", "--json", str(wheel)], capture_output=True, text=True)
    if proc.returncode in (0, 1) and proc.stdout.lstrip().startswith(("{", "[")):
        return json_findings(proc.stdout)
    proc = subprocess.run([binwheel, "check", str(wheel)], capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"binwheel check {wheel.name}: exit code {proc.returncode}\n{proc.stderr}")
    found = []
    prefix = f"{wheel}: "
    for line in proc.stdout.splitlines():
        if not line.startswith(prefix):
            continue
        text = line[len(prefix):]
        if text == "ok":
            continue
        severity = "error"
        if text.startswith("note: "):
            severity, text = "note", text[len("note: "):]
        found.append(f"{severity} - {text}")
    if proc.returncode == 1 and not any(f.startswith("error") for f in found):
        raise RuntimeError(f"binwheel check {wheel.name}: exit code 1 and no problem read from\n{proc.stdout}{proc.stderr}")
    return sorted(found)


def json_findings(text: str) -> list[str]:
    """`severity RULE file` of each finding in `binwheel check --json`'s
    output, sorted."""
    return sorted(f"{f['severity']} {f['rule']} {f.get('file') or '-'}" for f in _json_findings(json.loads(text)))


def _json_findings(doc) -> Iterable[dict]:
    """Every object that has a rule and a severity, wherever the document
    nests them (per file checked)."""
    if isinstance(doc, dict):
        if "rule" in doc and "severity" in doc:
            yield doc
            return
        for value in doc.values():
            yield from _json_findings(value)
    elif isinstance(doc, list):
        for value in doc:
            yield from _json_findings(value)


def severity_of(finding: str) -> str:
    return finding.split(" ", 1)[0]


def load_expected() -> dict[str, list[str]]:
    if not EXPECTED.exists():
        return {}
    return json.loads(EXPECTED.read_text(encoding="utf-8"))["findings"]


def refresh(pins: list[Pin]) -> None:
    fetch(pins)
    binwheel = binwheel_command()
    out = {}
    for pin in pins:
        out[pin.filename] = findings_of(binwheel, pin.path)
        print(f"  {pin.filename}: {len(out[pin.filename])} finding(s)", flush=True)
    doc = {
        "comment": "what `binwheel check` finds in each wheel of wheels.toml; "
        "written by `python tests/corpus/corpus.py refresh`, asserted by tests/test_corpus.py",
        "findings": out,
    }
    EXPECTED.write_text(json.dumps(doc, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {EXPECTED.relative_to(REPO)}")
    table(pins)


# ---------------------------------------------------------------------------
# add


def simple_files(project: str) -> list[dict]:
    req = urllib.request.Request(SIMPLE.format(name=project), headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.load(resp)["files"]


# One wheel per platform family when `add` is given no --only.
DEFAULT_PICK = [
    r"manylinux.*_x86_64", r"manylinux.*_aarch64", r"musllinux.*_x86_64", r"musllinux.*_aarch64",
    r"macosx_.*_x86_64", r"macosx_.*_arm64", r"macosx_.*_universal2", r"win_amd64", r"win_arm64",
]


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def add(spec: str, only: list[str]) -> None:
    if "==" not in spec:
        raise SystemExit(f"add: {spec!r}: give NAME==VERSION")
    project, version = spec.split("==", 1)
    files = [f for f in simple_files(project) if f["filename"].endswith(".whl") and not f.get("yanked")]
    files = [f for f in files if norm(f["filename"].split("-")[0]) == norm(project) and f["filename"].split("-")[1] == version]
    if not files:
        raise SystemExit(f"add: no wheel of {project} {version} on PyPI")
    if only:
        chosen = [f for f in files if any(o in f["filename"] for o in only)]
    else:
        chosen, seen = [], set()
        for pattern in DEFAULT_PICK:
            for f in sorted(files, key=lambda f: f["size"]):
                if re.search(pattern, f["filename"]) and f["filename"] not in seen:
                    chosen.append(f)
                    seen.add(f["filename"])
                    break
    have = {p.filename for p in load_pins()} if PINS.exists() else set()
    text = ""
    for f in sorted(chosen, key=lambda f: f["filename"]):
        if f["filename"] in have:
            print(f"  already pinned: {f['filename']}")
            continue
        text += (
            f'\n[[wheel]]\nproject = "{project}"\nversion = "{version}"\nfilename = "{f["filename"]}"\n'
            f'url = "{f["url"]}"\nsha256 = "{f["hashes"]["sha256"]}"\nsize = {f["size"]}\n'
        )
        print(f"  pinned {f['filename']} ({f['size'] / 1e6:.1f} MB)")
    with PINS.open("a", encoding="utf-8") as out:
        out.write(text)


# ---------------------------------------------------------------------------
# table


def judge(pins: list[Pin]) -> dict[str, evidence.Verdict]:
    return {pin.filename: evidence.judge_wheel(pin.path) for pin in pins if pin.path.exists()}


def platform_of(filename: str) -> str:
    """A short name for a wheel's platform: `manylinux x86_64`, `macOS universal2`..."""
    tag = evidence.wheel_tags(filename)[0]
    for prefix, label in (("manylinux", "manylinux"), ("musllinux", "musllinux"), ("macosx", "macOS"), ("win", "Windows")):
        if tag.startswith(prefix):
            arch = {"win32": "x86", "win_amd64": "x86_64", "win_arm64": "arm64"}.get(tag) or re.sub(r"^(manylinux\d*|musllinux|macosx)(_\d+)*_", "", tag)
            return f"{label} {arch}"
    return tag


def table(pins: list[Pin]) -> None:
    """Rewrite the part of docs/check.md between the corpus markers."""
    fetch(pins, quiet=True)
    DOC.write_text(doc_with_table(pins, judge(pins)), encoding="utf-8")
    print(f"wrote the corpus table into {DOC.relative_to(REPO)}")


def doc_with_table(pins: list[Pin], verdicts: dict) -> str:
    """docs/check.md with the corpus table as it should be."""
    expected = load_expected()
    projects: dict[str, list[Pin]] = {}
    for pin in pins:
        projects.setdefault(pin.project, []).append(pin)
    lines = [
        BEGIN,
        "<!-- generated by `python tests/corpus/corpus.py table` (and `refresh`); do not edit by hand -->",
        "",
        f"{len(pins)} wheels of {len(projects)} projects, {sum(p.size for p in pins) / 1e6:.0f} MB. "
        "Findings are what `binwheel check` reports today; \"disagrees\" counts the wheels where it is "
        "wrong and another change is to fix it (see below).",
        "",
        "| project | version | wheels | platforms | true defects | errors | warnings | notes | disagrees |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for project, group in sorted(projects.items()):
        counts = {"error": 0, "warning": 0, "note": 0}
        for pin in group:
            for f in expected.get(pin.filename, []):
                counts[severity_of(f)] = counts.get(severity_of(f), 0) + 1
        defects = sum(len(verdicts[p.filename].false_tags) + len(verdicts[p.filename].defects) for p in group)
        versions = ", ".join(sorted({p.version for p in group}))
        platforms = ", ".join(sorted({platform_of(p.filename) for p in group}))
        wrong = sum(1 for p in group if p.binwheel_wrong)
        lines.append(
            f"| {project} | {versions} | {len(group)} | {platforms} | {defects} | {counts['error']} "
            f"| {counts['warning']} | {counts['note']} | {wrong} |"
        )
    lines += ["", "Each true defect the evidence finds (each one gets an error from `binwheel check`):", ""]
    any_defect = False
    for pin in pins:
        verdict = verdicts[pin.filename]
        # one line per tag and reason, naming every file it is true of
        grouped: dict[str, list[str]] = {}
        for defect in verdict.false_tags + verdict.defects:
            member = verdict.member_of(defect)
            grouped.setdefault(defect.replace(f"{member}: ", "", 1), []).append(member)
        for why, files in grouped.items():
            any_defect = True
            lines.append(f"- `{pin.filename}`: {why} ({', '.join(f'`{f}`' for f in files)})")
    if not any_defect:
        lines.append("- none")
    lines += ["", "What runs, with a remark (each a warning, not an error):", ""]
    remarks = [f"- `{pin.filename}`: {r}" for pin in pins for r in verdicts[pin.filename].remarks]
    lines += remarks or ["- none"]
    lines += ["", "Where binwheel is wrong today, and what fixes it:", ""]
    lines += [f"- `{p.filename}`: {p.binwheel_wrong}" for p in pins if p.binwheel_wrong] or ["- nowhere"]
    lines += ["", END]
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# `binwheel check`\n"
    block = "\n".join(lines)
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n## The corpus\n\n" + block + "\n"
    return text


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip().split("\n\n")[0] if argv else __doc__)
        return 0 if argv else 2
    cmd, rest = argv[0], argv[1:]
    if cmd == "fetch":
        fetch(load_pins())
    elif cmd == "refresh":
        refresh(load_pins())
    elif cmd == "table":
        table(load_pins())
    elif cmd == "add":
        specs = [a for a in rest if not a.startswith("--")]
        only = [rest[i + 1] for i, a in enumerate(rest) if a == "--only" and i + 1 < len(rest)]
        specs = [s for s in specs if s not in only]
        for spec in specs:
            add(spec, only)
    elif cmd == "evidence":
        for name in rest:
            verdict = evidence.judge_wheel(Path(name))
            print(json.dumps(verdict.as_dict(), indent=1))
    else:
        print(f"corpus.py: unknown command {cmd!r}\n\n{__doc__}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
