"""The first-run wizard: a new station set up by whoever is there, in a few steps.

1. the language (中文 first, English), switched live and kept for the next start;
2. the supervisor PIN (``store/supervisor.py``) — may be skipped, but then the wizard
   says plainly that overrides and unmasked exports are unavailable until one is set;
3. the central API: enrol with its address and a one-time enrolment code
   (``sync/engine.py``), or stay offline with the seed cache; errors are shown as
   they are (a refused code, a wrong address, no network) and the page stays open;
4. the checkpoint and the gate's names (``Station.configure``), filled in from the
   enrolment when there was one;
5. a summary.

Every step can be left empty (Next keeps the defaults), and "Skip setup" finishes at
once with the defaults. Finishing or skipping records that the station completed its
first run (``first_run_completed`` in the store's ``meta`` table), so the wizard is
shown once; closing the window (Cancel) shows it again at the next start. The app
never shows it in demo mode, nor with ``--no-first-run``, nor on a station already in
use (events recorded, or enrolled).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from checkpoint_app.services.station import Station
from checkpoint_app.store.supervisor import PinError, SupervisorPin
from checkpoint_app.sync.client import ApiClient, ApiError, BadUrl, Refused
from checkpoint_app.sync.engine import API_URL, ROOT_KEY, enrol
from checkpoint_app.ui import theme
from checkpoint_app.ui.i18n import Language, Languages, set_current

FIRST_RUN_KEY = "first_run_completed"
LANGUAGE_KEY = "ui_language"

PAGE_LANGUAGE, PAGE_PIN, PAGE_ENROL, PAGE_STATION, PAGE_SUMMARY = range(5)


def needs_first_run(station: Station) -> bool:
    """True for a station that never completed (or skipped) the wizard and is not in use
    yet: no event recorded, not enrolled."""
    if station.setting(FIRST_RUN_KEY):
        return False
    if station.setting(ROOT_KEY):
        return False
    return station.db.execute("SELECT 1 FROM events LIMIT 1").fetchone() is None


def saved_language(station: Station) -> Language | None:
    """The language chosen in the wizard (or later), if any."""
    value = station.setting(LANGUAGE_KEY)
    try:
        return Language(value) if value else None
    except ValueError:
        return None


def _message(label: QLabel, text: str, colour: str) -> None:
    label.setText(text)
    label.setStyleSheet(f"color: {colour}; font-size: 14pt;")
    label.setVisible(bool(text))


class _Page(QWizardPage):
    """A page whose texts follow the language (``retranslate`` on LanguageChange)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setSpacing(12)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:  # overridden by every page
        pass

    def station(self) -> Station:
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard)
        return wizard.station


class LanguagePage(_Page):
    def __init__(self, on_choose: Callable[[Language], None]) -> None:
        super().__init__()
        self.on_choose = on_choose
        self.chinese = QRadioButton("中文")  # each language in its own words
        self.english = QRadioButton("English")
        for button in (self.chinese, self.english):
            button.setFont(theme.base_font(20))
            self.layout_.addWidget(button)
        self.group = QButtonGroup(self)
        self.group.addButton(self.chinese)
        self.group.addButton(self.english)
        self.chinese.setChecked(True)
        self.chinese.toggled.connect(self._toggled)
        self.layout_.addStretch(1)
        self.retranslate()

    def _toggled(self, chinese: bool) -> None:
        self.on_choose(Language.ZH if chinese else Language.EN)

    def choice(self) -> Language:
        return Language.ZH if self.chinese.isChecked() else Language.EN

    def retranslate(self) -> None:
        self.setTitle(self.tr("Language"))
        self.setSubTitle(self.tr("The language of the screens. You can switch at any time."))


class PinPage(_Page):
    def __init__(self) -> None:
        super().__init__()
        form = QFormLayout()
        self.pin = QLineEdit()
        self.repeat = QLineEdit()
        for edit in (self.pin, self.repeat):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(12)
            edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
            edit.textChanged.connect(self._update_note)
        self.pin_label = QLabel()
        self.repeat_label = QLabel()
        form.addRow(self.pin_label, self.pin)
        form.addRow(self.repeat_label, self.repeat)
        self.layout_.addLayout(form)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.layout_.addWidget(self.note)
        self.layout_.addWidget(self.error)
        self.layout_.addStretch(1)
        self.pin_was_set = False
        self.retranslate()

    def initializePage(self) -> None:
        self.pin_was_set = SupervisorPin(self.station().db).is_set
        for edit in (self.pin, self.repeat):
            edit.setEnabled(not self.pin_was_set)
        self._update_note()

    def skipped(self) -> bool:
        return not self.pin_was_set and not self.pin.text() and not self.repeat.text()

    def _update_note(self) -> None:
        _message(self.error, "", theme.RED)
        if self.pin_was_set:
            _message(
                self.note, self.tr("A supervisor PIN is already set on this station."), theme.GREEN
            )
        elif self.skipped():
            _message(
                self.note,
                self.tr(
                    "No PIN: supervisor overrides and unmasked exports are unavailable "
                    "until a supervisor PIN is set."
                ),
                theme.AMBER,
            )
        else:
            _message(self.note, "", theme.INK)

    def validatePage(self) -> bool:
        if self.pin_was_set or self.skipped():
            return True
        if self.pin.text() != self.repeat.text():
            _message(
                self.error, self.tr("The two PINs differ: type the same PIN twice."), theme.RED
            )
            return False
        try:
            SupervisorPin(self.station().db).set_pin(self.pin.text())
        except PinError:
            _message(self.error, self.tr("The PIN must be 4 to 12 digits."), theme.RED)
            return False
        self.pin_was_set = True
        self.pin.clear()
        self.repeat.clear()
        return True

    def retranslate(self) -> None:
        self.setTitle(self.tr("Supervisor PIN"))
        self.setSubTitle(
            self.tr(
                "The supervisor's PIN (4 to 12 digits) unlocks overrides and full personal "
                "data. Give it only to the supervisor. Leave it empty to set it later."
            )
        )
        self.pin_label.setText(self.tr("PIN"))
        self.repeat_label.setText(self.tr("Repeat the PIN"))
        self._update_note()


class _EnrolRelay(QObject):
    """Carries the enrolment thread's outcome to the GUI thread (a queued signal)."""

    finished = Signal(object, object)  # Enrolment | None, Exception | None


class EnrolPage(_Page):
    def __init__(self, client_factory: Callable[[str], Any], station_name: str) -> None:
        super().__init__()
        self.client_factory = client_factory
        self.station_name = station_name
        self.offline = QRadioButton()
        self.online = QRadioButton()
        self.offline.setChecked(True)
        self.group = QButtonGroup(self)
        self.group.addButton(self.offline)
        self.group.addButton(self.online)
        self.layout_.addWidget(self.offline)
        self.layout_.addWidget(self.online)
        form = QFormLayout()
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://")
        self.code = QLineEdit()
        self.url_label = QLabel()
        self.code_label = QLabel()
        form.addRow(self.url_label, self.url)
        form.addRow(self.code_label, self.code)
        self.layout_.addLayout(form)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.addWidget(self.result)
        self.layout_.addStretch(1)
        self.online.toggled.connect(lambda _on: _message(self.result, "", theme.INK))
        self.url.textEdited.connect(lambda _text: self.online.setChecked(True))
        self.code.textEdited.connect(lambda _text: self.online.setChecked(True))
        self.enrolled_checkpoint: str | None = None
        self.busy = False  # an enrolment is under way on its thread
        self._relay = _EnrolRelay(self)
        self._relay.finished.connect(self._enrolment_done)
        self.retranslate()
        _message(self.result, "", theme.INK)

    def validatePage(self) -> bool:
        """Enrolment runs on its own thread (a slow or dead network must not freeze the
        window): this starts it and stays on the page; when it succeeds the wizard moves
        on by itself, when it fails the page says why."""
        if self.offline.isChecked() or self.enrolled_checkpoint is not None:
            return True
        if self.busy:
            return False
        url, code = self.url.text().strip(), self.code.text().strip()
        if not url or not code:
            _message(
                self.result,
                self.tr("Give the central API's address and the enrolment code, or stay offline."),
                theme.RED,
            )
            return False
        self._start_enrolment(url, code)
        return False

    def _start_enrolment(self, url: str, code: str) -> None:
        self.busy = True
        self._set_inputs_enabled(False)
        _message(self.result, self.tr("Enrolling…"), theme.INK)
        factory, name = self.client_factory, self.station_name
        data_dir, relay = self.station().data_dir, self._relay

        def work() -> None:
            try:
                client = factory(url)
                station = Station(data_dir)  # the thread's own store connection
                try:
                    done = enrol(station, client, client.base_url, code, name)
                finally:
                    station.close()
            except Exception as exc:  # reported on the page, whatever it is
                relay.finished.emit(None, exc)
            else:
                relay.finished.emit(done, None)

        threading.Thread(target=work, name="enrol", daemon=True).start()

    def _set_inputs_enabled(self, enabled: bool) -> None:
        for widget in (self.offline, self.online, self.url, self.code):
            widget.setEnabled(enabled)

    def _enrolment_done(self, done: Any, exc: Exception | None) -> None:
        self.busy = False
        if exc is not None:
            self._set_inputs_enabled(True)
            _message(self.result, self._problem(exc), theme.RED)
            return
        self.enrolled_checkpoint = done.checkpoint_name
        _message(
            self.result,
            self.tr("Enrolled with checkpoint %1.").replace("%1", done.checkpoint_name),
            theme.GREEN,
        )
        wizard = self.wizard()
        if wizard is not None and wizard.currentPage() is self:
            wizard.next()

    def _problem(self, exc: Exception) -> str:
        if isinstance(exc, BadUrl):
            return self.tr("Wrong address: %1").replace("%1", str(exc))
        if isinstance(exc, Refused):
            return self.tr(
                "The central API refused the enrolment: %1. Ask for a new enrolment code."
            ).replace("%1", str(exc))
        detail = str(exc) if isinstance(exc, ApiError) else f"{type(exc).__name__}: {exc}"
        return self.tr(
            "Cannot reach the central API: %1. Check the address and the network, "
            "or stay offline for now."
        ).replace("%1", detail)

    def retranslate(self) -> None:
        self.setTitle(self.tr("Central API"))
        self.setSubTitle(
            self.tr(
                "With the network, the station syncs its log with the centre and receives the "
                "trust list, rules and rosters. Without it, the station works offline."
            )
        )
        self.offline.setText(self.tr("Stay offline for now (the shipped seed cache)"))
        self.online.setText(self.tr("Enrol with the central API"))
        self.url_label.setText(self.tr("Address"))
        self.code_label.setText(self.tr("Enrolment code"))


class StationPage(_Page):
    def __init__(self) -> None:
        super().__init__()
        form = QFormLayout()
        self.checkpoint = QLineEdit()
        self.gate = QLineEdit()
        self.checkpoint.setMaxLength(64)
        self.gate.setMaxLength(64)
        self.checkpoint_label = QLabel()
        self.gate_label = QLabel()
        form.addRow(self.checkpoint_label, self.checkpoint)
        form.addRow(self.gate_label, self.gate)
        self.layout_.addLayout(form)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.layout_.addWidget(self.hint)
        self.layout_.addStretch(1)
        self.retranslate()

    def initializePage(self) -> None:
        station = self.station()
        if station.setting("checkpoint_name"):
            self.checkpoint.setText(station.checkpoint)
        if station.setting("gate"):
            self.gate.setText(station.default_gate)

    def validatePage(self) -> bool:
        self.station().configure(checkpoint=self.checkpoint.text(), gate=self.gate.text())
        return True

    def retranslate(self) -> None:
        self.setTitle(self.tr("Checkpoint and gate"))
        self.setSubTitle(self.tr("Shown at the top of the screen and recorded with every scan."))
        self.checkpoint_label.setText(self.tr("Checkpoint"))
        self.gate_label.setText(self.tr("Gate"))
        self.checkpoint.setPlaceholderText(self.tr("e.g. Beijing West, south entrance"))
        self.gate.setPlaceholderText(self.tr("e.g. Gate 2"))
        self.hint.setText(self.tr("Leave empty to keep the defaults; change them later."))


class SummaryPage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setFont(theme.base_font(15))
        self.layout_.addWidget(self.summary)
        self.layout_.addStretch(1)
        #: What was set up, read from the station when the page is shown.
        self.facts: dict[str, str] = {}
        self.retranslate()

    def initializePage(self) -> None:
        station = self.station()
        self.facts = {
            "checkpoint": station.checkpoint,
            "gate": station.default_gate,
            "pin": "set" if SupervisorPin(station.db).is_set else "",
            "api": station.setting(API_URL) or "",
        }
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Ready"))
        facts = self.facts
        if not facts:
            return
        pin = (
            self.tr("Supervisor PIN: set")
            if facts["pin"]
            else self.tr("Supervisor PIN: not set — overrides are unavailable")
        )
        sync = (
            self.tr("Central API: enrolled (%1)").replace("%1", facts["api"])
            if facts["api"]
            else self.tr("Central API: offline, with the shipped seed cache")
        )
        where = self.tr("Station: %1 · %2").replace("%1", facts["checkpoint"])
        where = where.replace("%2", facts["gate"])
        self.summary.setText("\n\n".join([where, pin, sync]))


class FirstRunWizard(QWizard):
    """The wizard; ``client_factory(url)`` makes the API client (tests pass their own)."""

    def __init__(
        self,
        station: Station,
        languages: Languages | None,
        *,
        client_factory: Callable[[str], Any] = ApiClient,
        station_name: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.station = station
        self.languages = languages
        self.skipped_setup = False
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setMinimumSize(760, 560)
        self.language_page = LanguagePage(self.choose_language)
        self.pin_page = PinPage()
        self.enrol_page = EnrolPage(client_factory, station_name or socket.gethostname())
        self.station_page = StationPage()
        self.summary_page = SummaryPage()
        for page_id, page in (
            (PAGE_LANGUAGE, self.language_page),
            (PAGE_PIN, self.pin_page),
            (PAGE_ENROL, self.enrol_page),
            (PAGE_STATION, self.station_page),
            (PAGE_SUMMARY, self.summary_page),
        ):
            self.setPage(page_id, page)
        self.setStartId(PAGE_LANGUAGE)
        self.customButtonClicked.connect(self._custom)
        self.currentIdChanged.connect(
            lambda page: self.button(QWizard.WizardButton.CustomButton1).setVisible(
                page != PAGE_SUMMARY
            )
        )
        self.accepted.connect(self._completed)
        current = languages.current if languages is not None else Language.ZH
        if current is Language.EN:
            self.language_page.english.setChecked(True)
        self.retranslate()

    def choose_language(self, language: Language) -> None:
        if self.languages is not None:
            self.languages.set(language)  # every widget gets LanguageChange
            set_current(self.languages.current)
            language = self.languages.current
        else:
            set_current(language)
            self.retranslate()
        self.station.set_setting(LANGUAGE_KEY, str(language))

    def _custom(self, which: int) -> None:
        if which == QWizard.WizardButton.CustomButton1.value:
            self.skip_setup()

    def skip_setup(self) -> None:
        """Finish now, keeping the defaults for every step not done yet."""
        self.skipped_setup = True
        self.accept()

    def _completed(self) -> None:
        self.station.set_setting(LANGUAGE_KEY, str(self.language_page.choice()))
        self.station.set_setting(FIRST_RUN_KEY, str(int(time.time())))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Set up this station"))
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("Next"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("Back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Start"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Later"))
        self.setButtonText(QWizard.WizardButton.CustomButton1, self.tr("Skip setup"))
