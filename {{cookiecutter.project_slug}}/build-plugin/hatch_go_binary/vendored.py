"""Entry for hatchling's custom-hook `path`, when a project carries this package itself.

    [tool.hatch.build.targets.wheel.hooks.custom]
    path = "build-plugin/hatch_go_binary/vendored.py"

hatchling runs this file as a lone script, so it puts the folder that holds the
package on sys.path and hands over the hook class. Only this copy may answer:
another hatch_go_binary imported first would build with code the project did
not choose.
"""

import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
if str(_PACKAGE.parent) not in sys.path:
    sys.path.insert(0, str(_PACKAGE.parent))

import hatch_go_binary  # noqa: E402

if Path(hatch_go_binary.__file__).resolve().parent != _PACKAGE:
    raise ImportError(
        f"hatch_go_binary was already imported from {Path(hatch_go_binary.__file__).parent}, "
        f"but pyproject.toml builds with the copy in {_PACKAGE}. Uninstall the other copy "
        "from this environment, or use it instead (README: the PyPI release of the plugin)."
    )

from hatch_go_binary.hook import GoBinaryBuildHook  # noqa: E402


def get_build_hook():
    return GoBinaryBuildHook
