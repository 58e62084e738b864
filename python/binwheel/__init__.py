"""binwheel: a PEP 517/660 build backend that ships prebuilt executables in platform wheels.

These hooks only forward to the Rust core. A failed build raises
``BuildError`` (a ``SystemExit`` subclass) whose message names the file, the
key and the fix, so frontends print it without a traceback.
"""

import os

from binwheel import _binwheel as _core

__version__ = _core.__version__
BuildError = _core.BuildError

__all__ = [
    "BuildError",
    "build_editable",
    "build_sdist",
    "build_wheel",
    "get_requires_for_build_editable",
    "get_requires_for_build_sdist",
    "get_requires_for_build_wheel",
    "prepare_metadata_for_build_editable",
    "prepare_metadata_for_build_wheel",
]


def get_requires_for_build_wheel(config_settings=None):
    return _core.get_requires_for_build_wheel(os.getcwd(), config_settings)


def get_requires_for_build_editable(config_settings=None):
    return _core.get_requires_for_build_wheel(os.getcwd(), config_settings)


def get_requires_for_build_sdist(config_settings=None):
    return _core.get_requires_for_build_sdist(os.getcwd(), config_settings)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    return _core.prepare_metadata_for_build_wheel(os.getcwd(), metadata_directory, config_settings)


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    return _core.prepare_metadata_for_build_wheel(os.getcwd(), metadata_directory, config_settings)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _core.build_wheel(os.getcwd(), wheel_directory, config_settings)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _core.build_editable(os.getcwd(), wheel_directory, config_settings)


def build_sdist(sdist_directory, config_settings=None):
    return _core.build_sdist(os.getcwd(), sdist_directory, config_settings)
