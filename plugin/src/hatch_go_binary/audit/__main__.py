"""`python -m hatch_go_binary.audit ...`: see hatch_go_binary.audit.cli."""

import sys

from hatch_go_binary.audit.cli import main

sys.exit(main())
