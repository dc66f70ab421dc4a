"""Where things live: shipped resources, the read-only seed cache, the user data directory.

Works from a source checkout and from the PyInstaller bundle (``sys._MEIPASS``).
Runtime state never goes into the seed (DESIGN.md §7).

Everything a station keeps lives in its data directory, so a portable station
(``checkpoint-data/`` beside the executable) carries all of it on the stick: the store
(``checkpoint.sqlite3``), the downloaded cache (``cache/``), the rules file, the
device token (``device-token``: never the OS keyring in portable mode, see
:func:`is_portable`), the GUI's log (``logs/``), the default folders of the GUI's
exports (``manifests/``, ``reports/``), the demo station (``demo/``) and the settings
the first-run wizard writes (in the store). The app uses no QSettings.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "checkpoint_app"
PORTABLE_DIR_NAME = "checkpoint-data"
DATA_DIR_ENV = "CHECKPOINT_DATA_DIR"


def _bundle_root() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def resource_dir() -> Path:
    """``resources/``: icons, sounds, translations, schemas, the OpenAPI spec."""
    return _bundle_root() / "resources"


def seed_dir() -> Path:
    """``offline_cache/``: the read-only seed shipped with the app."""
    return _bundle_root() / "offline_cache"


def executable_dir() -> Path:
    """The folder of the frozen executable (or of the launching script from source)."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return _bundle_root()


def portable_data_dir() -> Path:
    return executable_dir() / PORTABLE_DIR_NAME


def data_dir(explicit: str | os.PathLike[str] | None = None, *, portable: bool = False) -> Path:
    """The runtime data directory, in order of precedence:

    ``--data-dir``, then portable mode (``--portable`` or an existing
    ``checkpoint-data/`` beside the executable), then ``$CHECKPOINT_DATA_DIR``,
    then the platform's user data directory.
    """
    if explicit:
        return Path(explicit).expanduser().resolve()
    if portable or portable_data_dir().is_dir():
        return portable_data_dir()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def is_portable(folder: str | os.PathLike[str]) -> bool:
    """Whether ``folder`` is the portable data directory (``checkpoint-data/`` beside the
    executable) or inside it: then nothing may be kept outside it (no OS keyring)."""
    try:
        Path(folder).resolve().relative_to(portable_data_dir().resolve())
    except ValueError:
        return False
    return True


def log_dir(data: Path) -> Path:
    """``logs/`` of a data directory: the desktop app's log files."""
    return data / "logs"
