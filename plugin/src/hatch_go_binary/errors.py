"""The errors the plugin raises for problems the user can act on."""


class BuildError(Exception):
    """A build that cannot go on; the message says what was wrong and how to fix it."""


class ConfigError(BuildError):
    """A setting in [tool.hatch-go-binary] that is missing, mistyped or out of range."""
