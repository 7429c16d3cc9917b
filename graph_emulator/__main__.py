"""`python -m graph_emulator` and the `graph-emulator` command.

The command is installed with the package, while the emulator needs the `[emulator]` extra: without
it, say so in one line instead of a traceback.
"""

import sys


def main() -> int:
    try:
        from graph_emulator.cli import main as run
    except ModuleNotFoundError as missing:
        print(f"graph-emulator: {missing}", file=sys.stderr)
        return 1
    return run()


if __name__ == "__main__":
    sys.exit(main())
