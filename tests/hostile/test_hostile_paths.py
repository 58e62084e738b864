"""Paths that lead out of the project, pipes, devices, links that loop and odd
file names: each is refused with a clear message (or handled as documented),
the output directory holds nothing from a refused build, and a secret planted
beside the project is in no artifact, whatever happened.

Each case builds the wheel (`python -m binwheel build --target linux-x86_64`)
and the sdist (the `build_sdist` hook), each into its own empty directory.
"""

from __future__ import annotations

import os
import stat

import pytest

IS_POSIX = os.name == "posix"


def link(path, target) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() or path.is_symlink():
        path.unlink()
    os.symlink(target, path)


def replace_with_fifo(path) -> None:
    if path.exists():
        path.unlink()
    os.mkfifo(path)


# Each case: (id, setup(project), wheel outcome, sdist outcome). An outcome is
# None for "builds" or the substring the error must contain.
CASES = [
    # --- the readme
    (
        "readme-link-out",
        lambda p: (setattr(p, "project_extra", 'readme = "README.md"'), link(p.root / "README.md", p.secret)),
        'the readme file "README.md" resolves to',
        'the readme file "README.md" resolves to',
    ),
    (
        "readme-dotdot",
        lambda p: setattr(p, "project_extra", 'readme = "../outside/secret.md"'),
        "leaves the project directory with `..`",
        "leaves the project directory with `..`",
    ),
    (
        "readme-absolute",
        lambda p: setattr(p, "project_extra", f"readme = {p.toml_string(str(p.secret) + '.md')}"),
        "is an absolute path",
        "is an absolute path",
    ),
    (
        "readme-fifo",
        lambda p: (setattr(p, "project_extra", 'readme = "README.md"'), replace_with_fifo(p.root / "README.md")),
        'the readme file "README.md" is not a regular file',
        'the readme file "README.md" is not a regular file',
    ),
    (
        "readme-nul",
        lambda p: setattr(p, "project_extra", 'readme = "READ\\u0000ME.md"'),
        'the readme path "READ\\0ME.md" contains a control character',
        'the readme path "READ\\0ME.md" contains a control character',
    ),
    # --- license files
    (
        "license-default-link-out",
        lambda p: link(p.root / "LICENSE", p.secret),
        "license file `LICENSE` resolves to",
        "license file `LICENSE` resolves to",
    ),
    (
        "license-files-dir-link-out",
        lambda p: (setattr(p, "project_extra", 'license-files = ["legal/**/*"]'), link(p.root / "legal", p.outside)),
        "`legal` resolves to",
        "`legal` resolves to",
    ),
    (
        "license-files-dotdot",
        lambda p: setattr(p, "project_extra", 'license-files = ["../outside/*"]'),
        "it leaves the project directory with `..`",
        "it leaves the project directory with `..`",
    ),
    (
        "license-files-absolute",
        lambda p: setattr(p, "project_extra", f"license-files = [{p.toml_string(str(p.outside) + '/*')}]"),
        "it is an absolute path",
        "it is an absolute path",
    ),
    (
        "license-table-link-out",
        lambda p: (setattr(p, "project_extra", 'license = { file = "COPYING" }'), link(p.root / "COPYING", p.secret)),
        "license file `COPYING` resolves to",
        "license file `COPYING` resolves to",
    ),
    # --- the binary's path (only the wheel reads it; the sdist never holds it)
    (
        "binary-dotdot",
        lambda p: setattr(p, "binary_path", "bin/../../outside/secret"),
        "points outside the project",
        None,
    ),
    (
        "binary-absolute",
        lambda p: setattr(p, "binary_path", str(p.secret)),
        "points outside the project",
        None,
    ),
    (
        "binary-link-out",
        lambda p: ((p.outside / "tool").write_bytes(p.tiny_elf()), link(p.root / "bin" / "tool", p.outside / "tool")),
        "outside the project",
        None,
    ),
    (
        "binary-dir-link-out",
        lambda p: (
            (p.outside / "tool").write_bytes(p.tiny_elf()),
            (p.root / "bin" / "tool").unlink(),
            (p.root / "bin").rmdir(),
            link(p.root / "bin", p.outside),
        ),
        "outside the project",
        "bin is a symbolic link to",
    ),
    ("binary-fifo", lambda p: replace_with_fifo(p.root / "bin" / "tool"), "bin/tool is not a regular file", None),
    (
        "binary-dangling-link",
        lambda p: link(p.root / "bin" / "tool", "nowhere"),
        'binary "tool" for target linux-x86_64: no file at bin/tool',
        None,
    ),
    (
        "binary-link-loop",
        lambda p: link(p.root / "bin" / "tool", "tool"),
        'binary "tool" for target linux-x86_64: cannot read bin/tool: Too many levels of symbolic links',
        None,
    ),
    (
        "binary-nul",
        lambda p: setattr(p, "binary_path", "bin/to\0ol"),
        'path "bin/to\\0ol" contains a control character',
        None,
    ),
    (
        "binary-name-dotdot",
        lambda p: setattr(p, "binary_name", "../../outside/x"),
        'binary name "../../outside/x" contains a path separator',
        'binary name "../../outside/x" contains a path separator',
    ),
    # --- the package directory
    (
        "package-file-link-out",
        lambda p: link(p.root / "src" / "demo" / "data.txt", p.secret),
        "points outside the project",
        "is a symbolic link to",
    ),
    (
        "package-dir-link-out",
        lambda p: (
            (p.root / "src" / "demo" / "__init__.py").unlink(),
            (p.root / "src" / "demo").rmdir(),
            link(p.root / "src" / "demo", p.outside),
        ),
        "points outside the project",
        "outside the project",
    ),
    (
        "package-subdir-link-out",
        lambda p: link(p.root / "src" / "demo" / "data", p.outside),
        "points outside the project",
        "src/demo/data is a symbolic link to",
    ),
    (
        "package-dir-loop",
        lambda p: link(p.root / "src" / "demo" / "again", "."),
        "a symbolic link loop",
        "src/demo/again is a symbolic link to a directory",
    ),
    (
        "package-file-loop",
        lambda p: (link(p.root / "src" / "demo" / "a", "b"), link(p.root / "src" / "demo" / "b", "a")),
        "Too many levels of symbolic links",
        "which cannot be followed",
    ),
    (
        "package-fifo",
        lambda p: os.mkfifo(p.root / "src" / "demo" / "pipe"),
        "is neither a file nor a directory (a socket or a pipe?), so it cannot go into a wheel",
        "src/demo/pipe is neither a file nor a directory",
    ),
    (
        "package-device-link",
        lambda p: link(p.root / "src" / "demo" / "null", "/dev/null"),
        "points outside the project",
        "outside the project",
    ),
    (
        "package-backslash-name",
        lambda p: (p.root / "src" / "demo" / "a\\b.py").write_text(""),
        "a file name with `\\` cannot go into a wheel",
        "has `\\` in its name",
    ),
    (
        "package-non-utf8-name",
        lambda p: (p.root / "src" / "demo" / os.fsdecode(b"caf\xe9.py")).write_text(""),
        "file names in a wheel must be UTF-8",
        "has a name that is not valid UTF-8",
    ),
    (
        "package-dotdot",
        lambda p: setattr(p, "package", "../outside"),
        "`tool.binwheel.package` must be a Python import name",
        "`tool.binwheel.package` must be a Python import name",
    ),
    # --- the rest of the source tree (the sdist only)
    ("tree-fifo", lambda p: os.mkfifo(p.root / "notes.pipe"), None, "notes.pipe is neither a file nor a directory"),
    ("tree-link-out", lambda p: link(p.root / "notes.txt", p.secret), None, "notes.txt is a symbolic link to"),
    (
        "sdist-include-link-out",
        lambda p: (
            setattr(p, "tool_extra", 'sdist-include = ["notes.txt"]'),
            (p.root / ".gitignore").write_text("notes.txt\n"),
            link(p.root / "notes.txt", p.secret),
        ),
        None,
        "notes.txt is a symbolic link to",
    ),
    (
        "sdist-include-dotdot",
        lambda p: setattr(p, "tool_extra", 'sdist-include = ["../outside/secret"]'),
        None,
        'glob "../outside/secret" uses `..`',
    ),
    (
        "sdist-include-absolute",
        lambda p: setattr(p, "tool_extra", f"sdist-include = [{p.toml_string(str(p.secret))}]"),
        None,
        "is absolute",
    ),
    (
        "sdist-include-backslash-dotdot",
        lambda p: setattr(p, "tool_extra", 'sdist-include = ["..\\\\outside\\\\secret"]'),
        None,
        "uses `..`",
    ),
    (
        "sdist-include-below-dir-link",
        lambda p: (setattr(p, "tool_extra", 'sdist-include = ["vendor/**"]'), link(p.root / "vendor", p.outside)),
        None,
        "vendor is a symbolic link to",
    ),
    (
        "sdist-exclude-dotdot",
        lambda p: setattr(p, "tool_extra", 'sdist-exclude = ["../outside"]'),
        None,
        "uses `..`",
    ),
]


@pytest.mark.skipif(not IS_POSIX, reason="symlinks, pipes and byte file names are POSIX")
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_refused_or_handled_and_no_secret_leaks(hostile, tmp_path, case):
    name, setup, wheel_outcome, sdist_outcome = case
    p = hostile.Project(tmp_path)
    try:
        setup(p)
    except OSError as e:  # e.g. a file system that only takes UTF-8 names (APFS)
        pytest.skip(f"cannot set up {name} here: {e}")
    p.write_pyproject()

    for what, expected in (("wheel", wheel_outcome), ("sdist", sdist_outcome)):
        out = p.out / what
        out.mkdir()
        if what == "wheel":
            proc = hostile.cli("build", p.root, "-o", out, "--target", "linux-x86_64", timeout=60)
        else:
            proc = hostile.hook("build_sdist", p.root, out, timeout=60)
        shown = f"{name} ({what}): exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        if expected is None:
            assert proc.returncode == 0, shown
            suffix = ".whl" if what == "wheel" else ".tar.gz"
            names = hostile.listing(out)
            assert len(names) == 1 and names[0].endswith(suffix), shown
        else:
            assert proc.returncode == 1, shown
            assert expected in proc.stderr, shown
            assert "Traceback" not in proc.stderr and "panicked" not in proc.stderr, shown
            assert hostile.listing(out) == [], shown
            # one message, no raw control characters from the input
            assert "\0" not in proc.stderr, shown

    leaks = hostile.find_in_artifacts(p.out, [hostile.SECRET])
    assert leaks == [], leaks


@pytest.mark.skipif(not IS_POSIX or os.geteuid() != 0, reason="mknod needs root")
def test_device_file_in_the_package_is_refused(hostile, tmp_path):
    p = hostile.Project(tmp_path)
    try:
        os.mknod(p.root / "src" / "demo" / "zero", stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except PermissionError:
        pytest.skip("mknod is not permitted here")
    proc = hostile.cli("build", p.root, "-o", p.out, "--target", "linux-x86_64", timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert "src/demo/zero is neither a file nor a directory" in proc.stderr, proc.stderr
    proc = hostile.hook("build_sdist", p.root, p.out, timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert "src/demo/zero is neither a file nor a directory" in proc.stderr, proc.stderr
    assert hostile.listing(p.out) == []


def test_links_inside_the_project_are_fine(hostile, tmp_path):
    """The other side of the rule: a link to a file inside the project is packed
    as a copy (readme, license, package file)."""
    if not IS_POSIX:
        pytest.skip("symlinks")
    p = hostile.Project(tmp_path, project_extra='readme = "README.md"')
    (p.root / "docs").mkdir()
    (p.root / "docs" / "intro.md").write_text("# intro\n")
    (p.root / "README.md").unlink()
    link(p.root / "README.md", "docs/intro.md")
    (p.root / "LICENSE.txt").write_text("MIT\n")
    link(p.root / "LICENSE", "LICENSE.txt")
    link(p.root / "src" / "demo" / "notes.md", "../../docs/intro.md")
    p.write_pyproject()
    proc = hostile.cli("build", p.root, "-o", p.out, "--target", "linux-x86_64")
    assert proc.returncode == 0, proc.stderr
    proc = hostile.hook("build_sdist", p.root, p.out)
    assert proc.returncode == 0, proc.stderr
    wheel = next(p.out.glob("*.whl"))
    members = dict(hostile.blobs(wheel))
    assert members["demo/notes.md"] == b"# intro\n"
    assert members["demo-1.0.dist-info/licenses/LICENSE"] == b"MIT\n"
    assert members["demo-1.0.dist-info/METADATA"].endswith(b"\n\n# intro\n")
    sdist = dict(hostile.blobs(next(p.out.glob("*.tar.gz"))))
    assert sdist["demo-1.0/README.md"] == b"# intro\n"
    assert sdist["demo-1.0/LICENSE"] == b"MIT\n"
