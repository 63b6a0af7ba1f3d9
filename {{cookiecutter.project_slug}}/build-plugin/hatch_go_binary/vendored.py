"""Entry for hatchling's custom-hook `path`, when a project carries this package itself.

    [tool.hatch.build.targets.wheel.hooks.custom]
    path = "build-plugin/hatch_go_binary/vendored.py"

hatchling runs this file as a lone script. Which hatch_go_binary answers is the
project's choice, read from its pyproject.toml:
- [build-system] requires names hatch-go-binary: the release installed in the build
  environment (pip and uv install it for an isolated build), so switching to it is
  that one line;
- otherwise this copy, from the folder beside this file. Another hatch_go_binary
  imported first would build with code the project did not choose, so that is an
  error.
"""

import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_PYPROJECT = _PACKAGE.parent.parent / "pyproject.toml"
_DISTRIBUTION = "hatch-go-binary"


def _required_release():
    """The requirement on hatch-go-binary in [build-system] requires, or None."""
    try:
        import tomllib
    except ImportError:  # Python < 3.11: hatchling depends on tomli there
        import tomli as tomllib
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    try:
        with _PYPROJECT.open("rb") as stream:
            requires = tomllib.load(stream).get("build-system", {}).get("requires", [])
    except FileNotFoundError:  # a copy outside a project's build-plugin/ folder
        return None
    for text in requires:
        requirement = Requirement(text)
        if canonicalize_name(requirement.name) == _DISTRIBUTION:
            return requirement
    return None


def _not_installed(requirement):
    return ImportError(
        f"{_PYPROJECT} requires {requirement} in [build-system], but this build "
        "environment does not have it installed. pip and uv install it for an isolated "
        f"build; for a build without isolation, install it first: pip install '{requirement}'"
    )


def _check_release(requirement, package_folder):
    """The installed release must be the one [build-system] requires, and not this copy."""
    import importlib.metadata

    try:
        installed = importlib.metadata.version(_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        installed = None
    if package_folder == _PACKAGE or installed is None:
        raise _not_installed(requirement)
    if not requirement.specifier.contains(installed, prereleases=True):
        raise ImportError(
            f"{_PYPROJECT} requires {requirement} in [build-system], but this build "
            f"environment has hatch-go-binary {installed}. Install the required version: "
            f"pip install '{requirement}'"
        )


_RELEASE = _required_release()
if _RELEASE is None and str(_PACKAGE.parent) not in sys.path:
    sys.path.insert(0, str(_PACKAGE.parent))

try:
    import hatch_go_binary
except ModuleNotFoundError:
    if _RELEASE is None:
        raise
    raise _not_installed(_RELEASE) from None

_IMPORTED_FROM = Path(hatch_go_binary.__file__).resolve().parent
if _RELEASE is not None:
    _check_release(_RELEASE, _IMPORTED_FROM)
elif _IMPORTED_FROM != _PACKAGE:
    raise ImportError(
        f"hatch_go_binary was already imported from {_IMPORTED_FROM}, but pyproject.toml "
        f"builds with the copy in {_PACKAGE}. Uninstall the other copy from this "
        f"environment, or require it in [build-system] requires (build-plugin/README.md)."
    )

from hatch_go_binary.hook import GoBinaryBuildHook  # noqa: E402


def get_build_hook():
    return GoBinaryBuildHook
