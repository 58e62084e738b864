"""How much start-up time binwheel's launchers add to a binary.

    .venv/bin/python bench/startup.py [--runs 30]

Builds the example (examples/hello-server) in three variants with binwheel
from the local wheelhouse (.cache/wheelhouse, or $BINWHEEL_WHEELHOUSE; `bash
tests/run setup` makes it): the package layout as it is, the package layout
with binwheel's generated one-line `hello/__init__.py` instead of the
example's ("light"), and the scripts layout (`install = "scripts"`, also
with the generated package). Each is installed into a fresh venv, then every
way of starting `hello --version` is timed, round-robin, and the median of
``--runs`` runs is printed with the milliseconds it adds to running the
binary directly. `run()` and the first `path()` are also timed inside
Python. Nothing here is a test; docs/runtime.md quotes one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import helpers  # noqa: E402  (tests/helpers.py: example copies, frontends)

IN_PROCESS = r"""
import json, statistics, subprocess, sys, time
import hello._bin as b
runs = int(sys.argv[1])
binary = str(b.path())
quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
direct, via_run = [], []
for _ in range(3):
    subprocess.run([binary, "--version"], **quiet)
    b.run("--version", **quiet)
for _ in range(runs):
    t = time.perf_counter(); subprocess.run([binary, "--version"], **quiet); direct.append(time.perf_counter() - t)
    t = time.perf_counter(); b.run("--version", **quiet); via_run.append(time.perf_counter() - t)
print(json.dumps({"direct": statistics.median(direct), "run": statistics.median(via_run)}))
"""

FIRST_PATH = r"""
import time
t0 = time.perf_counter()
import hello._bin as b
t1 = time.perf_counter()
b.path()
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def variant(work: Path, layout: str) -> Path:
    project = helpers.copy_example(work / f"project-{layout}", [helpers.host_target()], build_command=False)
    pyproject = project / "pyproject.toml"
    if layout == "scripts":
        text = pyproject.read_text(encoding="utf-8")
        pyproject.write_text(text.replace('script = "hello"\n', 'install = "scripts"\n'), encoding="utf-8")
    if layout in ("scripts", "light"):
        shutil.rmtree(project / "python")  # binwheel generates a one-line __init__.py
    return project


def env_of(venv: helpers.Venv) -> dict:
    """The venv's environment, with bytecode caching on, as users have it."""
    env = venv.env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(argv: list, env: dict) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, argv))} failed:\n{proc.stderr.decode(errors='replace')}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per command (default 30)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    options = parser.parse_args()

    wheelhouse = Path(os.environ.get("BINWHEEL_WHEELHOUSE", helpers.CACHE / "wheelhouse")).resolve()
    helpers.ensure_binwheel_wheel(wheelhouse)
    work = Path(tempfile.mkdtemp(prefix="binwheel-bench-"))
    tools = helpers.Toolbox(wheelhouse=wheelhouse, scratch=work / "caches")
    try:
        print(f"building and installing the example's variants in {work} ...", file=sys.stderr)
        venvs = {}
        for layout in ("package", "light", "scripts"):
            tools.pip_wheel(variant(work, layout), work / f"dist-{layout}")
            wheel = helpers.single_wheel(work / f"dist-{layout}")
            venv = tools.venv(work / f"venv-{layout}")
            tools.pip("install", "--no-deps", wheel, python=venv.python)  # pip's console-script wrapper
            venvs[layout] = venv
        uv_venv = tools.venv(work / "venv-light-uv")
        uv_venv.install_wheel(helpers.single_wheel(work / "dist-light"))  # uv's wrapper

        def binary_of(venv: helpers.Venv) -> str:
            code = "import hello._bin as b; print(b.path())"
            return helpers.run([venv.python, "-c", code], env=venv.env()).stdout.strip()

        hello = f"hello{helpers.EXE}"
        pkg, light, scripts = venvs["package"], venvs["light"], venvs["scripts"]
        commands = [
            ("binary run directly", [binary_of(pkg), "--version"], pkg),
            ("scripts layout: `hello` (the binary on PATH)", [scripts.bin / hello, "--version"], scripts),
            ("package layout: `hello` launcher, example __init__ (pip)", [pkg.bin / hello, "--version"], pkg),
            ("package layout: `hello` launcher, light __init__ (pip)", [light.bin / hello, "--version"], light),
            ("package layout: `hello` launcher, light __init__ (uv)", [uv_venv.bin / hello, "--version"], uv_venv),
            ("`python -m hello._bin`, light __init__", [light.python, "-m", "hello._bin", "--version"], light),
            ("`python -c pass` (interpreter start-up, for scale)", [light.python, "-c", "pass"], light),
        ]
        samples: dict[str, list[float]] = {label: [] for label, _, _ in commands}
        for round_ in range(3 + options.runs):
            for label, argv, venv in commands:
                elapsed = timed(argv, env_of(venv))
                if round_ >= 3:  # the first rounds warm the page cache
                    samples[label].append(elapsed)

        in_process = {}
        for layout in ("light", "scripts"):
            venv = venvs[layout]
            out = helpers.run([venv.python, "-c", IN_PROCESS, options.runs * 10], env=env_of(venv)).stdout
            in_process[layout] = json.loads(out)
        first_path = {}
        for layout in ("light", "scripts"):
            venv = venvs[layout]
            pairs = [
                [float(x) for x in helpers.run([venv.python, "-c", FIRST_PATH], env=env_of(venv)).stdout.split()]
                for _ in range(options.runs)
            ]
            first_path[layout] = [statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)]
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)

    ms = 1000.0
    direct = statistics.median(samples["binary run directly"])
    print(
        f"binwheel launcher start-up: `hello --version`, median of {options.runs} runs\n"
        f"({helpers.host_target()}, {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs)\n"
    )
    width = max(len(label) for label in samples) + 2
    print(f"{'command':<{width}}{'median':>9}{'added':>11}")
    for label, values in samples.items():
        median = statistics.median(values)
        added = "" if label.startswith("binary run directly") else f"{(median - direct) * ms:+9.1f} ms"
        print(f"{label:<{width}}{median * ms:6.1f} ms{added:>11}")
    print(f"\nrun() inside a running Python process, median of {options.runs * 10} calls:")
    for layout, label in (("light", "package layout"), ("scripts", "scripts layout")):
        r = in_process[layout]
        print(
            f"  {label:<16} subprocess.run {r['direct'] * ms:6.2f} ms, run() {r['run'] * ms:6.2f} ms, "
            f"added {(r['run'] - r['direct']) * ms:+.2f} ms"
        )
    print("\nin a fresh interpreter (light __init__): `import hello._bin`, then the first path() call:")
    for layout, label in (("light", "package layout"), ("scripts", "scripts layout")):
        imported, first = first_path[layout]
        print(f"  {label:<16} import {imported * ms:5.2f} ms, path() {first * ms:5.2f} ms")


if __name__ == "__main__":
    main()
