"""``python -m viz``: see :mod:`viz.cli`."""

import sys

from viz.cli import main

sys.exit(main())
