"""hatch-go-binary: build a Go command into wheels whose script is the native binary.

A project enables it in pyproject.toml and configures it in [tool.hatch-go-binary].
Projects made from go-pypi-template carry an exact copy of this package in
build-plugin/ (managed by `copier update`; do not edit it there).
"""

__version__ = "0.2.0"
