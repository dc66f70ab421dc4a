"""The main window: sign-in, the screens (gate, bus, secondary check), the status bar.

The status bar always shows: online or offline, events waiting to sync, the age of
the trust list and of the rosters (amber past 24 h, red past 72 h), the camera's
state, and a clock warning when the measured offset exceeds 2 minutes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QStatusBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from checkpoint_app.services.station import Station
from checkpoint_app.ui import theme
from checkpoint_app.ui.i18n import Language, Languages, current, set_current

AMBER_AFTER_S = 24 * 3600
RED_AFTER_S = 72 * 3600

#: Texts the composition root (``app.py``) asks the window for with ``window.tr(…)``.
#: At run time their translation context is ``MainWindow``, but lupdate files them
#: under ``window`` (the variable's name); marked here, they are in ``MainWindow`` too.
APP_TEXTS = (
    QT_TRANSLATE_NOOP("MainWindow", "Gate"),
    QT_TRANSLATE_NOOP(
        "MainWindow",
        "No camera: use a USB scanner, type the code, or press Camera… to scan a video file or an image folder",
    ),
)

#: The language button names the language it switches to, in that language.
LANGUAGE_BUTTON = {Language.ZH: "English", Language.EN: "中文"}


def age_text(seconds: int | None) -> tuple[str, str]:
    """(text, colour) for the age of a list (translated in the ``MainWindow`` context)."""
    if seconds is None:
        return QCoreApplication.translate("MainWindow", "never"), theme.RED
    if seconds < 3600:
        text = QCoreApplication.translate("MainWindow", "%1 min")
        text = text.replace("%1", str(max(1, seconds // 60)))
    elif seconds < 2 * 86400:
        text = QCoreApplication.translate("MainWindow", "%1 h").replace("%1", str(seconds // 3600))
    else:
        text = QCoreApplication.translate("MainWindow", "%1 days")
        text = text.replace("%1", str(seconds // 86400))
    colour = (
        theme.RED
        if seconds > RED_AFTER_S
        else theme.AMBER
        if seconds > AMBER_AFTER_S
        else theme.INK
    )
    return text, colour


class MainWindow(QMainWindow):
    operator_changed = Signal(str)
    language_changed = Signal(str)
    settings_requested = Signal()

    def __init__(
        self,
        station: Station,
        languages: Languages | None,
        *,
        demo: bool = False,
        status_source: Any = None,
    ) -> None:
        super().__init__()
        self.station = station
        self.languages = languages
        self.status_source = status_source  # () -> SyncStatus, or None
        self.camera_state = ""
        self.muted = False

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(10, 6, 10, 6)
        self.banner = QLabel()
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setStyleSheet(
            "background: #6a1b9a; color: white; font-size: 16pt; font-weight: bold; padding: 4px;"
        )
        self.banner.setVisible(demo)
        outer.addWidget(self.banner)

        top = QHBoxLayout()
        self.title = QLabel()
        title_font = theme.base_font(18)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.operator_edit = QLineEdit()
        self.operator_edit.setObjectName("operator")
        self.operator_edit.setMaximumWidth(260)
        self.operator_edit.returnPressed.connect(self.sign_in)
        self.sign_in_button = QPushButton()
        self.sign_in_button.clicked.connect(self.sign_in)
        self.operator_label = QLabel()
        operator_font = theme.base_font(15)
        operator_font.setBold(True)
        self.operator_label.setFont(operator_font)
        self.language_button = QPushButton()
        self.language_button.clicked.connect(self.toggle_language)
        self.mute_button = QPushButton()
        self.mute_button.setCheckable(True)
        self.mute_button.toggled.connect(self._mute)
        self.settings_button = QPushButton()
        self.settings_button.clicked.connect(self.settings_requested.emit)
        for button in (
            self.sign_in_button,
            self.mute_button,
            self.language_button,
            self.settings_button,
        ):
            button.setObjectName("header")
        top.addWidget(self.title, 1)
        top.addWidget(self.operator_label)
        top.addWidget(self.operator_edit)
        top.addWidget(self.sign_in_button)
        top.addWidget(self.mute_button)
        top.addWidget(self.language_button)
        top.addWidget(self.settings_button)
        outer.addLayout(top)

        self.tabs = QTabWidget()
        outer.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        bar = QStatusBar()
        self.net_label = QLabel()
        self.pending_label = QLabel()
        self.trust_label = QLabel()
        self.roster_label = QLabel()
        self.camera_label = QLabel()
        self.clock_label = QLabel()
        for label in (
            self.net_label,
            self.pending_label,
            self.trust_label,
            self.roster_label,
            self.camera_label,
            self.clock_label,
        ):
            bar.addWidget(label)
        self.setStatusBar(bar)
        self.status_timer = QTimer(self)
        self.status_timer.setInterval(2000)
        self.status_timer.timeout.connect(self.refresh_status)
        self.status_timer.start()
        QShortcut(QKeySequence("F11"), self, activated=self.toggle_kiosk)
        self.operator = ""
        self.retranslate()
        self.refresh_status()

    # -- screens ----------------------------------------------------------------------
    def add_screen(self, widget: QWidget, title: str) -> None:
        """A tab; a screen with ``tab_title()`` names itself (and is renamed on a language
        switch), ``title`` is for screens without one."""
        name = getattr(widget, "tab_title", None)
        self.tabs.addTab(widget, name() if callable(name) else title)

    # -- sign-in, language, sound -------------------------------------------------------
    def sign_in(self) -> None:
        name = self.operator_edit.text().strip()
        if not name:
            self.operator_edit.setFocus()
            return
        self.operator = name
        self.operator_edit.clear()
        self.retranslate()
        self.operator_changed.emit(name)

    def toggle_language(self) -> None:
        if self.languages is None:
            return
        target = Language.EN if self.languages.current is Language.ZH else Language.ZH
        self.set_language(target)

    def set_language(self, language: Language) -> None:
        if self.languages is not None:
            self.languages.set(language)
            set_current(self.languages.current)
        else:
            set_current(language)
            self.retranslate()
        self.language_changed.emit(str(language))

    def _mute(self, muted: bool) -> None:
        self.muted = muted
        self.retranslate()

    def toggle_kiosk(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Checkpoint station"))
        self.banner.setText(self.tr("DEMO MODE — training data, not a real checkpoint"))
        gate = self.station.default_gate
        self.title.setText(f"{self.station.checkpoint} · {gate}")
        self.operator_edit.setPlaceholderText(self.tr("Your name"))
        self.sign_in_button.setText(self.tr("Sign in"))
        self.operator_label.setText(
            self.tr("On duty: %1").replace("%1", self.operator)
            if self.operator
            else self.tr("Please sign in")
        )
        language = self.languages.current if self.languages is not None else current()
        self.language_button.setText(LANGUAGE_BUTTON[language])
        self.mute_button.setText(self.tr("Sound off") if self.muted else self.tr("Sound on"))
        self.settings_button.setText(self.tr("Settings"))
        for i in range(self.tabs.count()):
            widget = self.tabs.widget(i)
            title = getattr(widget, "tab_title", None)
            if callable(title):
                self.tabs.setTabText(i, title())
        self.refresh_status()

    # -- status -----------------------------------------------------------------------
    def set_camera_state(self, text: str) -> None:
        self.camera_state = text
        self.camera_label.setText(self.tr("Camera: %1").replace("%1", text))

    def refresh_status(self) -> None:
        status = self.status_source() if self.status_source is not None else None
        if status is None:
            self.net_label.setText(self.tr("Offline (not enrolled)"))
            self.net_label.setStyleSheet(f"color: {theme.GREY};")
            pending = self.station.db.execute(
                "SELECT COUNT(*) FROM event_sync WHERE sync_state = 'pending'"
            ).fetchone()[0]
            ages: dict[str, int | None] = {}
            offset = None
        else:
            online = status.online
            self.net_label.setText(self.tr("Online") if online else self.tr("Offline"))
            self.net_label.setStyleSheet(f"color: {theme.GREEN if online else theme.RED};")
            pending = status.pending
            ages = status.list_ages
            offset = status.clock_offset_ms
        self.pending_label.setText(self.tr("To sync: %1").replace("%1", str(pending)))
        for label, key, name in (
            (self.trust_label, "phi1_trust_list", self.tr("Trust list")),
            (self.roster_label, "rosters", self.tr("Rosters")),
        ):
            text, colour = age_text(ages.get(key))
            label.setText(self.tr("%1: %2").replace("%1", name).replace("%2", text))
            label.setStyleSheet(f"color: {colour};")
        if offset is not None and abs(offset) > 120_000:
            self.clock_label.setText(
                self.tr("Clock off by %1 min: fix the time").replace(
                    "%1", str(round(offset / 60000))
                )
            )
            self.clock_label.setStyleSheet(f"color: {theme.RED}; font-weight: bold;")
        else:
            self.clock_label.clear()
        if self.camera_state:
            self.camera_label.setText(self.tr("Camera: %1").replace("%1", self.camera_state))
