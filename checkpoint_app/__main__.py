"""``python -m checkpoint_app`` and the ``checkpoint-app`` console script.

The entry point wires the desktop GUI (the composition root, :mod:`checkpoint_app.app`)
into the command line: without a subcommand the CLI hands over to it (or, with
``--self-test``, to :mod:`checkpoint_app.selftest`). The CLI itself
imports neither Qt nor the demo server, so ``verify`` and ``admit`` start fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from checkpoint_app.cli.main import main as cli_main


def _gui(args: argparse.Namespace) -> int:
    if getattr(args, "self_test", False):
        from checkpoint_app.selftest import run_self_test

        return run_self_test()
    from checkpoint_app.app import run_gui

    return run_gui(args)


def main(argv: Sequence[str] | None = None) -> int:
    return cli_main(argv, gui=_gui)


if __name__ == "__main__":
    sys.exit(main())
