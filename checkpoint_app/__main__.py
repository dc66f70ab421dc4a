"""``python -m checkpoint_app`` and the ``checkpoint-app`` console script."""

from __future__ import annotations

import sys

from checkpoint_app.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
