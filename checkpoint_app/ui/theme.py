"""Colours, fonts and sizes: large, high-contrast, readable from a step away."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from PySide6.QtGui import QFont, QFontDatabase

from checkpoint_app.paths import resource_dir

GREEN: Final = "#1b8a3a"
AMBER: Final = "#d98e04"
RED: Final = "#c62828"
GREY: Final = "#5f6b73"
BLUE: Final = "#1f5fa8"
INK: Final = "#1d2429"
PAPER: Final = "#f6f7f9"

#: Verdict colours by admission action (DESIGN.md §1).
ACTION_COLOURS: Final = {
    "admit": GREEN,
    "remeasure": AMBER,
    "refer": AMBER,
    "deny": RED,
    "refresh": GREY,
    "not_a_code": GREY,
    "unsupported": GREY,
}

_CJK_FAMILIES: Final = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
    "WenQuanYi Micro Hei",
    "Noto Serif CJK SC",
    "SimSun",
)


def cjk_family() -> str | None:
    """A font family installed here that draws Chinese (never boxes), or None."""
    families = set(QFontDatabase.families())
    for family in _CJK_FAMILIES:
        if family in families:
            return family
    for family in sorted(families):
        if QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family):
            return family
    return None


FONT_SUFFIXES: Final = (".ttf", ".otf", ".ttc")


def ensure_cjk_font(font_dir: Path | None = None) -> str | None:
    """A family that draws Chinese: one installed here, else one shipped in
    ``resources/fonts`` (the bundle carries one for laptops without CJK fonts), loaded
    into the application. None when neither exists (Chinese would show as boxes)."""
    family = cjk_family()
    if family is not None:
        return family
    folder = font_dir if font_dir is not None else resource_dir() / "fonts"
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in FONT_SUFFIXES:
                QFontDatabase.addApplicationFont(str(path))
    return cjk_family()


def base_font(point_size: int = 14) -> QFont:
    family = cjk_family()
    font = QFont(family) if family else QFont()
    font.setPointSize(point_size)
    return font


STYLE_SHEET: Final = f"""
QWidget {{ color: {INK}; }}
QMainWindow, QDialog {{ background: {PAPER}; }}
QPushButton {{
    font-size: 18pt; padding: 10px 18px; border-radius: 8px;
    background: #e3e8ee; border: 1px solid #b9c3cc;
}}
QPushButton:pressed {{ background: #cfd8e1; }}
QPushButton:disabled {{ color: #98a2ab; }}
QPushButton#primary {{ background: {BLUE}; color: white; border: none; }}
QPushButton#danger {{ background: {RED}; color: white; border: none; }}
QLineEdit {{ font-size: 22pt; padding: 6px 10px; border: 2px solid #9aa7b3; border-radius: 6px; }}
QLineEdit:focus {{ border-color: {BLUE}; }}
QPushButton#keypad {{ font-size: 20pt; padding: 2px; }}
QPushButton#header {{ font-size: 15pt; padding: 6px 14px; }}
QLineEdit#operator {{ font-size: 16pt; padding: 4px 8px; }}
QTabBar::tab {{ font-size: 16pt; padding: 8px 22px; }}
QTabBar::tab:selected {{ background: white; font-weight: bold; }}
QStatusBar QLabel {{ font-size: 12pt; padding: 0 8px; }}
QTableView {{ font-size: 14pt; }}
QHeaderView::section {{ font-size: 13pt; padding: 4px; }}
"""
