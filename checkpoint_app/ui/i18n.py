"""Languages: Chinese (zh_CN) first, English second, switchable at run time.

Source strings in the code are English (``self.tr("…")``); the Chinese comes from
Qt Linguist files: ``resources/translations/checkpoint_zh_CN.ts`` (the source, edited
with Qt Linguist) built into ``checkpoint_zh_CN.qm`` (``scripts/translations.sh``).
Switching installs or removes the translator; Qt then sends every widget a
``LanguageChange`` event and each screen re-reads its texts (``retranslate``).

The verdict panel shows both languages at once, the chosen one large:
:func:`pair` picks the order.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

from checkpoint_app.paths import resource_dir


class Language(StrEnum):
    ZH = "zh_CN"
    EN = "en"


def translations_dir() -> Path:
    return resource_dir() / "translations"


class Languages:
    """Owns the installed translators; one per application."""

    def __init__(self, app: QCoreApplication) -> None:
        self.app = app
        self.current = Language.EN
        self._translators: list[QTranslator] = []

    def set(self, language: Language) -> bool:
        """Switch language; False when the Chinese translation file is missing."""
        for translator in self._translators:
            self.app.removeTranslator(translator)
        self._translators.clear()
        ok = True
        if language is Language.ZH:
            translator = QTranslator(self.app)
            ok = translator.load(str(translations_dir() / "checkpoint_zh_CN.qm"))
            if ok:
                self.app.installTranslator(translator)
                self._translators.append(translator)
                # Qt's own words (the Save / Cancel / OK of standard buttons, the file
                # dialog): from the Qt translations shipped with the binding, if present
                qt = QTranslator(self.app)
                qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
                if qt.load("qtbase_zh_CN", qt_dir):
                    self.app.installTranslator(qt)
                    self._translators.append(qt)
        self.current = language if ok else Language.EN
        return ok


_current = Language.ZH


def set_current(language: Language) -> None:
    global _current
    _current = language


def current() -> Language:
    return _current


def pair(zh: str, en: str) -> tuple[str, str]:
    """(large, small): the chosen language first, the other beneath it."""
    return (zh, en) if _current is Language.ZH else (en, zh)
