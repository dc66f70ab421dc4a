"""Native libraries: the bundled copies in a frozen app, and where each was loaded from.

pyzbar finds ZBar through ``ctypes.util.find_library("zbar")`` (Linux, macOS) or by
DLL names next to the working directory, then next to its own package (Windows).
In the PyInstaller bundle neither is what we want: the first finds the system's
copy, or nothing on a laptop without ``libzbar0``; the second would load a DLL from
whatever folder the station was started in. :func:`prefer_bundled_zbar` makes
pyzbar load the copy shipped in the bundle, by absolute path, before pyzbar is
imported. From a source checkout it does nothing.

:func:`loaded_from` answers "which file is this library mapped from?" for the
self-test: ``/proc/self/maps`` on Linux; elsewhere the module's ``__file__`` or
the file name behind a ctypes handle.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

#: The ZBar library's file names as built by each platform's packages, the
#: pyzbar Windows wheel's DLLs (with their iconv dependency) first.
ZBAR_NAMES: tuple[str, ...] = (
    "libzbar-64.dll",
    "libzbar-32.dll",
    "libzbar.so.0",
    "libzbar.0.dylib",
    "libzbar.dylib",
)
WINDOWS_ZBAR_DEPENDENCIES = {"libzbar-64.dll": "libiconv.dll", "libzbar-32.dll": "libiconv-2.dll"}


def bundle_root() -> Path | None:
    """``sys._MEIPASS`` in the PyInstaller bundle, else None (running from source)."""
    root = getattr(sys, "_MEIPASS", None)
    return Path(root) if root else None


def bundled_zbar(root: Path | None = None) -> Path | None:
    """The ZBar library shipped in the bundle (top level or ``pyzbar/``), or None."""
    root = root if root is not None else bundle_root()
    if root is None:
        return None
    for folder in (root, root / "pyzbar"):
        for name in ZBAR_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def prefer_bundled_zbar(root: Path | None = None) -> Path | None:
    """Make pyzbar load the bundled ZBar (by absolute path); returns it, or None when
    there is no bundled copy (from source: the system's library, as pyzbar does)."""
    library = bundled_zbar(root)
    if library is None:
        return None
    from ctypes import cdll

    from pyzbar import zbar_library

    def load() -> tuple[Any, list[Any]]:
        dependencies = []
        dependency = WINDOWS_ZBAR_DEPENDENCIES.get(library.name)
        if dependency and (library.parent / dependency).is_file():
            dependencies.append(cdll.LoadLibrary(str(library.parent / dependency)))
        return cdll.LoadLibrary(str(library)), dependencies

    zbar_library.load = load
    return library


def mapped_files(maps: Path = Path("/proc/self/maps")) -> list[str]:
    """Every file mapped into this process (Linux), in first-mapped order; [] elsewhere."""
    try:
        text = maps.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    seen: dict[str, None] = {}
    for line in text.splitlines():
        parts = line.split(maxsplit=5)
        if len(parts) == 6 and parts[5].startswith("/"):
            seen.setdefault(parts[5].removesuffix(" (deleted)"), None)
    return list(seen)


def find_mapped(fragments: Iterable[str], files: list[str] | None = None) -> str | None:
    """The first mapped file whose base name contains one of ``fragments``."""
    files = mapped_files() if files is None else files
    wanted = tuple(fragments)
    for path in files:
        name = os.path.basename(path)
        if any(fragment in name for fragment in wanted):
            return path
    return None


def handle_path(handle: Any) -> str | None:
    """The file behind a ctypes library handle (``CDLL``): its ``_name``, made absolute
    through the OS where it can (Windows: ``GetModuleFileNameW``)."""
    if handle is None:
        return None
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes
        from ctypes import wintypes

        buffer = ctypes.create_unicode_buffer(32768)
        get_name = ctypes.windll.kernel32.GetModuleFileNameW
        get_name.argtypes = [wintypes.HMODULE, wintypes.LPWSTR, wintypes.DWORD]
        if get_name(handle._handle, buffer, len(buffer)):
            return buffer.value
    name = getattr(handle, "_name", None)
    return str(name) if name else None


def module_path(module: Any) -> str | None:
    """Where a Python extension module was loaded from (``__file__``)."""
    path = getattr(module, "__file__", None)
    return str(Path(path).resolve()) if path else None


def is_inside(path: str | None, folder: Path) -> bool:
    """Whether ``path`` lies inside ``folder`` (both resolved)."""
    if not path:
        return False
    try:
        Path(path).resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


#: Input-method bridges the bundle carries (build.spec QT_PLUGINS): Qt's key → plugin file.
BUNDLED_INPUT_METHODS = {
    "ibus": "libibusplatforminputcontextplugin.so",
    "compose": "libcomposeplatforminputcontextplugin.so",
}


def input_method_override(env: Mapping[str, str], plugins: Path) -> str | None:
    """The ``QT_IM_MODULE`` the bundle should use instead of the session's, or None.

    Chinese desktops on Linux mostly run fcitx5, which sets ``QT_IM_MODULE=fcitx``
    (or only ``XMODIFIERS=@im=fcitx``). fcitx's Qt plugin is built against the
    system's Qt and cannot load into the bundle's, and Qt 6 has no XIM: the volunteer
    could not type a name in Chinese. fcitx5 also answers IBus's protocol (its ibus
    frontend), which the bundle's IBus bridge speaks; so a requested module the bundle
    lacks becomes ``ibus`` when that bridge is in PLUGINS (``…/platforminputcontexts``).
    """
    requested = env.get("QT_IM_MODULE", "").strip()
    if not requested:
        modifiers = env.get("XMODIFIERS", "")
        if "@im=" not in modifiers:
            return None
        requested = (modifiers.split("@im=", 1)[1].split() or [""])[0]
        if requested in ("", "ibus", "none"):
            return None  # IBus: Qt finds it by itself; none: no input method
    key = requested.lower()
    bundled = {name for name, file in BUNDLED_INPUT_METHODS.items() if (plugins / file).is_file()}
    if key in bundled or "ibus" not in bundled:
        return None
    return "ibus"
