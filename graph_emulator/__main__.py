"""`python -m graph_emulator`: the `graph-emulator` CLI."""

import sys

from graph_emulator.cli import main

sys.exit(main())
