"""Find the {{ cookiecutter.command_name }} executable that this package installs."""

from ._find_binary import BinaryNotFoundError, get_binary_path

__all__ = ["BinaryNotFoundError", "get_binary_path"]
