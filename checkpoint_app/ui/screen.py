"""What the main window's screens share: their fonts, and retranslating themselves.

* :func:`theme_font` / :func:`set_font`: the theme's font (with the CJK family) at a size,
  bold or not.
* :class:`Screen`: a tab of the main window (bus, secondary check, review) that calls its
  own ``retranslate()`` when the language changes. Each screen still writes its texts,
  and its ``tab_title()``, with its own ``self.tr`` (its translation context).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

from checkpoint_app.ui import theme


def theme_font(size: int, bold: bool = False) -> QFont:
    """The theme's font at ``size`` points."""
    font = theme.base_font(size)
    font.setBold(bold)
    return font


def set_font(widget: QWidget, size: int, bold: bool = False) -> None:
    """Give ``widget`` the theme's font at ``size`` points."""
    widget.setFont(theme_font(size, bold))


class Screen(QWidget):
    """A screen that shows its texts again (``retranslate()``) on a language change."""

    def retranslate(self) -> None:
        """Every text in the current language (a screen writes its own)."""
        raise NotImplementedError(f"{type(self).__name__} must retranslate its texts")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


__all__ = ["Screen", "set_font", "theme_font"]
