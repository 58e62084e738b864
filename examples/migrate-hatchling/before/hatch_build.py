"""BEFORE: the build hook that turns hatchling's pure-Python wheel into a
platform wheel holding the prebuilt Go binary.

The target comes from HELLO_TARGET (set by each CI job), else this machine;
the platform tag for it comes from the table below, kept by hand.
"""

import os
import platform

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PLATFORM_TAGS = {
    "linux-x86_64": "manylinux_2_17_x86_64",
    "linux-aarch64": "manylinux_2_17_aarch64",
    "macos-x86_64": "macosx_10_12_x86_64",
    "macos-arm64": "macosx_11_0_arm64",
    "windows-x86_64": "win_amd64",
}


def host_target() -> str:
    system = {"Linux": "linux", "Darwin": "macos", "Windows": "windows"}[platform.system()]
    machine = {"amd64": "x86_64", "arm64": "arm64", "aarch64": "aarch64"}.get(platform.machine().lower(), platform.machine().lower())
    if system == "macos" and machine == "aarch64":
        machine = "arm64"
    if system == "linux" and machine == "arm64":
        machine = "aarch64"
    return f"{system}-{machine}"


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        if self.target_name != "wheel":
            return
        target = os.environ.get("HELLO_TARGET") or host_target()
        exe = ".exe" if target.startswith("windows") else ""
        build_data["pure_python"] = False
        build_data["tag"] = f"py3-none-{PLATFORM_TAGS[target]}"
        build_data["force_include"][f"bin/{target}/hello{exe}"] = f"hello/bin/hello{exe}"
