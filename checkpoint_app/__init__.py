"""checkpoint_app: offline-first desktop application for epidemic checkpoints."""

__version__ = "0.1.0"
