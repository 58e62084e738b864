"""The JSON Schema of ``[tool.binwheel]`` for validate-pyproject.

Registered as the ``validate_pyproject.tool_schema`` entry point ``binwheel``.
The schema is rendered by the Rust core from the one description of each key
that sits beside the code reading it; nothing here restates it.
"""

import json


def tool_schema(tool_name="binwheel"):
    """binwheel's settings: [tool.${tool}] (the executables, targets and version source)."""
    from binwheel import _binwheel

    return json.loads(_binwheel.json_schema())
