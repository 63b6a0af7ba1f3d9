"""Registers the build hook with hatchling (the `hatch` entry point in pyproject.toml)."""

from hatchling.plugin import hookimpl

from hatch_go_binary.hook import GoBinaryBuildHook


@hookimpl
def hatch_register_build_hook():
    return GoBinaryBuildHook
