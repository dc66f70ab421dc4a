"""The composition root of the desktop application: settings, store, services, threads.

:func:`run_gui` builds everything the window needs, starts the camera pipeline and
the sync worker on their own threads, shows the window and, when it closes, stops
them in order. With ``--demo`` (DESIGN.md §7) it first starts the reference central
API in-process on 127.0.0.1 with the demo checkpoint and roster, enrols the demo
station (its own data directory, ``demo/`` inside the usual one), trusts the demo
issuer, and opens the "demo phone".
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class DemoCentral:
    url: str
    handle: Any

    def stop(self) -> None:
        self.handle.stop()


def start_demo_central(station: Any) -> DemoCentral:
    """The reference server in this process, seeded with the demo data; the station is
    enrolled with it (a new port each run, so it enrols each run)."""
    from central.app import create_app
    from central.demo import seed_demo
    from central.server import run_in_thread
    from checkpoint_app.sync.client import ApiClient
    from checkpoint_app.sync.engine import enrol

    database_url = f"sqlite:///{station.data_dir / 'demo-central.sqlite3'}"
    seeded = seed_demo(database_url)
    handle = run_in_thread(create_app(database_url))
    enrol(station, ApiClient(handle.url), handle.url, seeded["enrolment_code"], "demo station")
    return DemoCentral(handle.url, handle)


#: How often the demo station syncs with its in-process central API.
DEMO_SYNC_INTERVAL_S = 5.0


def quit_on_signals(app: Any) -> Any:
    """Close the window cleanly on Ctrl+C or a service manager's SIGTERM: the event
    loop ends, and the camera, the sync and the demo server stop in order. Python runs
    signal handlers only between bytecodes, so a timer wakes it now and then."""
    import signal

    from PySide6.QtCore import QTimer

    for name in ("SIGINT", "SIGTERM"):  # SIGTERM is not delivered this way on Windows
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, lambda *_: app.quit())
    wake = QTimer(app)
    wake.setInterval(250)
    wake.timeout.connect(lambda: None)
    wake.start()
    return wake


def log_to_file(data_dir: Any) -> None:
    """Warnings and errors to ``<data dir>/logs/checkpoint-app.log`` (rotated, 3 x 1 MB):
    a station started by double-click has no console, and a portable station keeps its
    log on the stick with the rest of its state. Never personal data (DESIGN.md §8)."""
    import logging.handlers

    from checkpoint_app.paths import log_dir

    folder = log_dir(data_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            folder / "checkpoint-app.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError as exc:  # a read-only stick: the store will say so plainly
        log.warning("cannot write the log in %s: %s", folder, exc.strerror or exc)
        return
    handler.setLevel(logging.WARNING)
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)


class RedactingFormatter(logging.Formatter):
    """The log file's lines, tracebacks included, through ``masking.redact_text``: an
    exception's message from a library could carry a code's text, a name or a number."""

    def format(self, record: logging.LogRecord) -> str:
        from checkpoint_app.domain.masking import redact_text

        return redact_text(super().format(record))


def open_frame_source(spec: str, on_problem: Any) -> Any:
    from checkpoint_app.scan.sources import open_source

    return open_source(spec, on_problem=on_problem, realtime=True)  # a video plays like a camera


def use_bundled_input_method() -> None:
    """Linux bundle: a session input method whose Qt plugin the bundle lacks (fcitx)
    becomes IBus, which fcitx5 also answers (``native.input_method_override``)."""
    import os
    from pathlib import Path

    from PySide6.QtCore import QLibraryInfo

    from checkpoint_app import native

    if native.bundle_root() is None or not sys.platform.startswith("linux"):
        return
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    override = native.input_method_override(os.environ, plugins / "platforminputcontexts")
    if override:
        requested = os.environ.get("QT_IM_MODULE") or os.environ.get("XMODIFIERS")
        log.info("input method %s has no plugin in the bundle: using %s", requested, override)
        os.environ["QT_IM_MODULE"] = override


def run_gui(args: argparse.Namespace) -> int:
    import os

    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QApplication

    from checkpoint_app.cli.common import resolve_data_dir
    from checkpoint_app.scan.decoders import make_decoder
    from checkpoint_app.services.bus import BusService
    from checkpoint_app.services.gate import GateService
    from checkpoint_app.services.station import ConfigError, open_station
    from checkpoint_app.sync.engine import sync_status
    from checkpoint_app.sync.worker import DEFAULT_INTERVAL_S, SyncWorker
    from checkpoint_app.ui import theme
    from checkpoint_app.ui.bus_screen import BusScreen
    from checkpoint_app.ui.gate_screen import GateScreen
    from checkpoint_app.ui.i18n import Language, Languages, set_current
    from checkpoint_app.ui.main_window import MainWindow
    from checkpoint_app.ui.scan_bridge import ScanBridge
    from checkpoint_app.ui.secondary_screen import SecondaryScreen
    from checkpoint_app.ui.sounds import Sounds

    if args.portable:
        os.environ["CHECKPOINT_NO_KEYRING"] = "1"
    use_bundled_input_method()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)

    app.setApplicationName("checkpoint-app")
    if theme.ensure_cjk_font() is None:
        log.warning("no font that draws Chinese was found: install fonts-noto-cjk")
    app.setFont(theme.base_font(13))
    app.setStyleSheet(theme.STYLE_SHEET)
    languages = Languages(app)
    languages.set(Language.ZH)
    set_current(languages.current)

    data_dir = resolve_data_dir(args)
    if args.demo:
        data_dir = data_dir / "demo"
    try:
        station = open_station(data_dir, demo=args.demo)
    except ConfigError as exc:
        print(f"checkpoint-app: error: {exc}", file=sys.stderr)
        return 2
    if args.demo and not station.setting("checkpoint_name"):
        station.configure(gate="演示闸机 1")
    log_to_file(data_dir)
    from checkpoint_app.ui.first_run import (
        LANGUAGE_KEY,
        FirstRunWizard,
        needs_first_run,
        saved_language,
    )

    if (chosen := saved_language(station)) is not None:  # as last chosen on this station
        languages.set(chosen)
        set_current(languages.current)
    if not args.demo:  # the first-run wizard (issue 8), never in demo mode
        skip = getattr(args, "no_first_run", False) or getattr(args, "exit_after_show", False)
        if not skip and needs_first_run(station):
            FirstRunWizard(station, languages).exec()  # "Later": shown again next start
            set_current(languages.current)
    demo = start_demo_central(station) if args.demo else None

    class Relay(QObject):
        status = Signal(object, object)  # SyncStatus, SyncResult | None

    relay = Relay()
    latest: dict[str, Any] = {}

    def on_sync(status: Any, result: Any) -> None:
        """On the GUI thread: keep the status; when the worker (its own connection and
        Station) stored newer lists or rosters, the gate's station reloads them, so a
        new trust list, revocations or rules take effect without a restart."""
        latest["status"] = status
        if result is not None and ("updated" in result.lists.values() or result.rosters):
            station.reload_cache()

    relay.status.connect(on_sync)

    gate = GateService(station, operator="")
    sounds = Sounds()
    window = MainWindow(
        station,
        languages,
        demo=args.demo,
        status_source=lambda: (
            latest.get("status")
            or (sync_status(station) if station.setting("sync.api_url") else None)
        ),
    )
    screen = GateScreen(gate, play=lambda what: None if window.muted else sounds.play(what))
    window.add_screen(screen, window.tr("Gate"))
    app.installEventFilter(screen.wedge)
    bus = BusService(station, operator="")
    bus_screen = BusScreen(bus)  # codes go to it while its tab is shown
    window.add_screen(bus_screen, bus_screen.tab_title())
    app.installEventFilter(bus_screen.wedge)
    secondary = SecondaryScreen(gate)
    window.add_screen(secondary, secondary.tab_title())

    # The supervisor: one review service and one session (PIN unlock, auto-lock) for
    # the settings, the review screen and overrides.
    from checkpoint_app.services.review import ReviewService
    from checkpoint_app.ui.settings_dialog import ScreenSettings, SettingsDialog, SourceDialog
    from checkpoint_app.ui.supervisor import SupervisorSession

    settings = ScreenSettings.of(station)
    review = ReviewService(station, operator="")
    supervisor = SupervisorSession(review, idle_ms=settings.autolock_minutes * 60_000)
    from checkpoint_app.ui.review_screen import ReviewScreen

    def override(traveller: str, target: str, reason: str) -> object:
        """The supervisor's override from the review: GateService checks the PIN the
        session holds while unlocked, and records the journey's override."""
        from checkpoint_app.domain.journey import JourneyState

        return gate.override(
            traveller,
            target=JourneyState(target),
            reason=reason,
            supervisor=window.operator or "supervisor",
            pin=supervisor.pin or "",
        )

    # its slow work on its own thread
    review_screen = ReviewScreen(review, supervisor, override=override)
    window.add_screen(review_screen, review_screen.tab_title())
    screen.set_discreet(settings.bystander_safe)
    screen.set_verdict_seconds(settings.verdict_seconds)

    def on_operator(name: str) -> None:
        gate.operator = bus.operator = review.operator = name
        review_screen.set_operator(name)

    window.operator_changed.connect(on_operator)
    window.language_changed.connect(lambda language: station.set_setting(LANGUAGE_KEY, language))

    bridge = ScanBridge()
    bridge.scanned.connect(
        lambda result: (
            bus_screen.submit_code(result.code.text)
            if window.tabs.currentWidget() is bus_screen
            else screen.on_scanned(result)
        )
    )
    bridge.preview.connect(screen.on_preview)
    bridge.hint.connect(screen.on_hint)
    bridge.problem.connect(lambda text: window.set_camera_state(text))

    def start_source(spec: str) -> bool:
        try:
            source = open_frame_source(spec, on_problem=None)
            bridge.start(source, make_decoder("auto"))
        except Exception as exc:  # no camera: say so, the wedge and manual entry still work
            bridge.stop()
            window.set_camera_state(f"{spec}: {exc}")
            screen.on_camera_state(
                window.tr(
                    "No camera: use a USB scanner, type the code, or press Camera… to scan a video file or an image folder"
                )
            )
            return False
        window.set_camera_state(spec)
        screen.on_camera_state("")
        return True

    def choose_source() -> None:
        dialog = SourceDialog(settings.camera_source, window.camera_state, window)
        if dialog.exec() == SourceDialog.DialogCode.Accepted and dialog.source():
            start_source(dialog.source())

    def open_settings() -> None:
        nonlocal settings
        if not supervisor.unlock(window):
            return
        dialog = SettingsDialog(station, window)
        if dialog.exec() != SettingsDialog.DialogCode.Accepted:
            return
        before = settings
        station.change_settings(dialog.changes(), operator=window.operator or "supervisor")
        settings = ScreenSettings.of(station)
        gate.gate = station.default_gate
        screen.set_discreet(settings.bystander_safe)
        screen.set_verdict_seconds(settings.verdict_seconds)
        supervisor.set_idle_ms(settings.autolock_minutes * 60_000)
        window.retranslate()
        if settings.camera_source != before.camera_source:
            start_source(settings.camera_source)

    screen.source_requested.connect(choose_source)
    window.settings_requested.connect(open_settings)
    start_source(args.source or settings.camera_source)

    worker = SyncWorker(
        station.data_dir,
        # a demo syncs every few seconds, so training shows the centre receiving at once
        interval=DEMO_SYNC_INTERVAL_S if args.demo else DEFAULT_INTERVAL_S,
        on_status=lambda status, result: relay.status.emit(status, result),
    )
    worker.start()
    phone = None
    if args.demo:
        from checkpoint_app.ui.demo_phone import DemoPhone

        phone = DemoPhone()
        phone.send.clicked.connect(
            lambda: (
                None
                if not (phone and phone.current())
                else bus_screen.submit_code(phone.current().text)
                if window.tabs.currentWidget() is bus_screen
                else screen.submit_code(phone.current().text, source="wedge")
            )
        )
        phone.show()
    if getattr(args, "kiosk", False):
        window.showFullScreen()
    else:
        room = app.primaryScreen().availableGeometry()
        if room.width() <= 1366 or room.height() <= 840:  # a laptop screen: all of it
            window.showMaximized()
        else:
            window.resize(1366, 800)
            window.show()
    if getattr(args, "exit_after_show", False):  # benchmarks/bench_bundle.py
        from PySide6.QtCore import QTimer

        def shown() -> None:
            window.repaint()
            print("checkpoint-app: window shown", flush=True)
            app.quit()

        QTimer.singleShot(0, shown)
    quit_on_signals(app)
    try:
        return int(app.exec())
    finally:
        supervisor.close()
        review_screen.shutdown()
        bridge.stop()
        worker.stop(10)
        if phone is not None:
            phone.close()
        if demo is not None:
            demo.stop()
        station.close()
