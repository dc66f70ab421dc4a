"""``python -m central`` is ``checkpoint-central``."""

from central.cli import main

raise SystemExit(main())
