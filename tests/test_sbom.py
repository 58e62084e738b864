"""SBOMs (PEP 770) in binwheel's wheels, judged by tools other than binwheel.

- The Go fixtures with two local dependency modules, for linux/amd64,
  darwin/arm64 and windows/amd64: the wheel's `.dist-info/sboms/app.cdx.json`
  lists exactly the modules `go version -m` prints for the same binary.
- The Rust fixture built by `cargo auditable`: the SBOM's crates are the list
  in its `.dep-v0` section, decoded here with zlib and json (no binwheel).
- Every SBOM validates against the CycloneDX 1.6 JSON schema through
  cyclonedx-python-lib's strict validator.
- docs/sbom.md shows the example's real SBOM (BINWHEEL_BLESS=1 rewrites it).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

import helpers
from helpers import run

FIXTURES = helpers.REPO / "tests" / "fixtures" / "bin"
DOC = helpers.REPO / "docs" / "sbom.md"
GO_FIXTURES = [
    ("go-deps-linux-amd64", "linux-x86_64"),
    ("go-deps-darwin-arm64", "macos-arm64"),
    ("go-deps-windows-amd64.exe", "windows-x86_64"),
]


def binwheel(*args, cwd=None, check=True, env=None):
    return run([helpers.TOOLS_PYTHON, "-m", "binwheel", *args], cwd=cwd, env=env or helpers.base_env(), check=check)


def validate_cyclonedx(text: str) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    assert error is None, f"not valid CycloneDX 1.6: {error}"


def project_with(tmp_path: Path, name: str, binaries: dict[str, Path], extra: str = "") -> Path:
    """A project shipping binary `app` from bin/<target>/app{exe}."""
    root = tmp_path / name
    for target, binary in binaries.items():
        exe = ".exe" if target.startswith("windows") else ""
        (root / "bin" / target).mkdir(parents=True)
        shutil.copy2(binary, root / "bin" / target / f"app{exe}")
    targets = "\n".join(f"{t} = {{}}" for t in binaries)
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "{name}"\nversion = "1.0.0"\n\n[tool.binwheel]\n{extra}\n'
        '[[tool.binwheel.binary]]\nname = "app"\npath = "bin/{target}/app{exe}"\n\n'
        f"[tool.binwheel.targets]\n{targets}\n",
        encoding="utf-8",
    )
    return root


def built_sbom(project: Path, target: str, out: Path) -> tuple[Path, str]:
    binwheel("build", project, "--target", target, "-o", out, "-q")
    (wheel,) = [w for w in out.glob("*.whl") if wheel_target(w) == target]
    with zipfile.ZipFile(wheel) as zf:
        names = [n for n in zf.namelist() if "/sboms/" in n]
        assert names == [f"{project.name.replace('-', '_')}-1.0.0.dist-info/sboms/app.cdx.json"], names
        record = zf.read(f"{project.name.replace('-', '_')}-1.0.0.dist-info/RECORD").decode()
        assert names[0] + ",sha256=" in record, "the SBOM is listed in RECORD"
        return wheel, zf.read(names[0]).decode()


def wheel_target(wheel: Path) -> str:
    plat = wheel.name.rsplit("-", 1)[1]
    return {"manylinux": "linux-x86_64", "macosx": "macos-arm64", "win": "windows-x86_64"}[
        re.match(r"[a-z]+", plat).group(0)
    ]


def go_version_m(binary: Path, go_env: dict) -> tuple[str, dict[str, tuple[str, str | None]]]:
    """(go version, {module path: (version, replacement path)}) as `go version -m` prints them."""
    proc = run(["go", "version", "-m", binary], env=go_env)
    go = proc.stdout.splitlines()[0].rsplit(" ", 1)[1]
    modules: dict[str, tuple[str, str | None]] = {}
    last = None
    for line in proc.stdout.splitlines()[1:]:
        fields = line.strip("\t").split("\t")
        if fields[0] in ("mod", "dep"):
            last = fields[1]
            modules[last] = (fields[2] if len(fields) > 2 else "", None)
        elif fields[0] == "=>":
            modules[last] = (modules[last][0], fields[1])
    return go, modules


def properties(component: dict) -> dict[str, str]:
    return {p["name"]: p["value"] for p in component.get("properties", [])}


@pytest.mark.parametrize("fixture,target", GO_FIXTURES)
def test_go_sbom_lists_what_go_version_m_prints(fixture, target, tmp_path, go_env):
    binary = FIXTURES / fixture
    project = project_with(tmp_path, "go-app", {target: binary})
    wheel, text = built_sbom(project, target, tmp_path / "dist")
    validate_cyclonedx(text)
    bom = json.loads(text)

    go, modules = go_version_m(binary, go_env)
    listed = {}
    for c in bom["components"]:
        if c["name"] == "stdlib":
            assert c["version"] == go.removeprefix("go")
            continue
        assert c["purl"].startswith("pkg:golang/"), c
        listed[c["name"]] = (c.get("version", ""), properties(c).get("binwheel:go:replaced-by"))
    assert listed == modules
    assert len(modules) == 3  # the main module and its two dependencies

    meta = bom["metadata"]["component"]
    assert meta["name"] == "app" and meta["hashes"][0]["alg"] == "SHA-256"
    assert meta["hashes"][0]["content"] == hashlib.sha256(binary.read_bytes()).hexdigest()
    assert "timestamp" not in bom["metadata"]  # no SOURCE_DATE_EPOCH, no time
    assert {"binwheel:go:build:GOOS", "binwheel:go:build:GOARCH"} <= properties(bom["components"][1]).keys()
    proc = binwheel("check", wheel)
    assert proc.stdout.strip().endswith(": ok"), proc.stdout


def elf_section(data: bytes, wanted: str) -> bytes:
    """A section of a 64-bit little-endian ELF, by name (struct, no binwheel)."""
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    def header(i):
        return struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
    names = header(shstrndx)
    for i in range(shnum):
        h = header(i)
        name = data[names[4] + h[0] :].split(b"\0", 1)[0].decode()
        if name == wanted:
            return data[h[4] : h[4] + h[5]]
    raise AssertionError(f"no {wanted} section")


def test_rust_sbom_lists_the_crates_cargo_auditable_embedded(tmp_path):
    binary = FIXTURES / "rust-auditable-linux-x86_64"
    embedded = json.loads(zlib.decompress(elf_section(binary.read_bytes(), ".dep-v0")))
    project = project_with(tmp_path, "rust-app", {"linux-x86_64": binary})
    wheel, text = built_sbom(project, "linux-x86_64", tmp_path / "dist")
    validate_cyclonedx(text)
    bom = json.loads(text)
    crates = {(c["name"], c["version"]) for c in bom["components"] if c["bom-ref"].startswith("pkg:cargo/")}
    assert crates == {(p["name"], p["version"]) for p in embedded["packages"]}
    assert len(crates) == 3
    purls = {c.get("purl") for c in bom["components"]}
    assert {"pkg:cargo/itoa@1.0.15", "pkg:cargo/ryu@1.0.20"} <= purls
    # The root crate depends on both, as the embedded list says.
    deps = {d["ref"]: set(d["dependsOn"]) for d in bom["dependencies"]}
    assert deps["pkg:cargo/rustdeps@0.3.0"] == {"pkg:cargo/itoa@1.0.15", "pkg:cargo/ryu@1.0.20"}
    rustc = [c for c in bom["components"] if c["name"] == "rustc"]
    assert rustc and rustc[0]["version"][0].isdigit()


def test_sbom_off_and_sbom_files_and_check(tmp_path):
    binary = FIXTURES / "go-deps-linux-amd64"
    project = project_with(tmp_path, "quiet-app", {"linux-x86_64": binary}, "sbom = false\n")
    binwheel("build", project, "--target", "linux-x86_64", "-o", tmp_path / "off", "-q")
    (wheel,) = (tmp_path / "off").glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        assert not [n for n in zf.namelist() if "/sboms/" in n]
    proc = binwheel("check", wheel)
    assert "note[BW401 sbom-missing]" in proc.stdout or proc.stdout.strip().endswith(": ok"), proc.stdout
    # A user's own SBOM goes in beside (here: instead of) the generated one.
    own = project_with(tmp_path, "own-app", {"linux-x86_64": binary}, 'sbom = false\nsbom-files = ["vendor.cdx.json"]\n')
    (own / "vendor.cdx.json").write_text('{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1}\n')
    binwheel("build", own, "--target", "linux-x86_64", "-o", tmp_path / "own", "-q")
    (wheel,) = (tmp_path / "own").glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        assert [n for n in zf.namelist() if "/sboms/" in n] == ["own_app-1.0.0.dist-info/sboms/vendor.cdx.json"]
    # A missing file is an error naming the key and the file.
    (own / "vendor.cdx.json").unlink()
    proc = binwheel("build", own, "--target", "linux-x86_64", "-o", tmp_path / "own2", check=False)
    assert proc.returncode != 0
    assert "`sbom-files`: vendor.cdx.json is not a file" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_inspect_shows_the_modules():
    proc = binwheel("inspect", FIXTURES / "go-deps-linux-amd64")
    assert re.search(r"toolchain:\s+go1\.", proc.stdout), proc.stdout
    # docs/sbom.md's sample is those very lines (bar the Go version).
    sample = re.search(r"```text\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    go = re.search(r"toolchain:\s+(go\S+)", proc.stdout).group(1)
    for line in sample.replace("go1.27.3", go).splitlines():
        assert line in proc.stdout.splitlines(), f"docs/sbom.md shows {line!r}, inspect prints:\n{proc.stdout}"
    assert re.search(r"dep:\s+binwheel\.invalid/greet v1\.2\.3 => \.\./greet", proc.stdout), proc.stdout
    report = json.loads(binwheel("inspect", "--json", FIXTURES / "rust-auditable-linux-x86_64").stdout)
    (embedded,) = report["files"][0]["embedded"]
    assert {p["name"] for p in embedded["cargo"]} == {"itoa", "ryu", "rustdeps"}


def doc_block(text: str) -> str:
    m = re.search(r"<!-- example-sbom -->\n```json\n(.*?)```\n", text, re.S)
    assert m, "docs/sbom.md has no example-sbom block"
    return m.group(1)


def test_docs_show_the_examples_real_sbom(tmp_path):
    project = helpers.copy_example(tmp_path / "hello-server", ["linux-x86_64"], build_command=False)
    out = tmp_path / "dist"
    binwheel("build", project, "--target", "linux-x86_64", "-o", out, "-q")
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        text = zf.read("hello_server-0.1.0.dist-info/sboms/hello.cdx.json").decode()
    validate_cyclonedx(text)
    doc = DOC.read_text(encoding="utf-8")
    if os.environ.get("BINWHEEL_BLESS") == "1":
        DOC.write_text(doc.replace(doc_block(doc), text), encoding="utf-8")
        doc = DOC.read_text(encoding="utf-8")
    assert doc_block(doc) == text, "docs/sbom.md's example is stale: rerun with BINWHEEL_BLESS=1"
