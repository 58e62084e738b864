"""The hatchling peer: the build hook a project writes today to ship a binary.

hatchling builds pure-Python wheels unless a hook says otherwise, so this hook
marks the wheel as platform-specific, pins its tag and copies each prebuilt
executable into the package's _bin/ directory. Both come from the hook's own
table in pyproject.toml:

    [tool.hatch.build.targets.wheel.hooks.custom]
    tag = "py3-none-manylinux_2_17_x86_64"
    binaries = { "bin/hello" = "hello/_bin/hello" }
"""

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class BinaryBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version, build_data):
        if self.target_name != "wheel":
            return
        build_data["pure_python"] = False
        build_data["tag"] = self.config["tag"]
        for source, dest in self.config.get("binaries", {}).items():
            build_data["force_include"][source] = dest
