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


def open_frame_source(spec: str, on_problem: Any) -> Any:
    from checkpoint_app.scan.sources import open_source

    return open_source(spec, on_problem=on_problem, realtime=True)  # a video plays like a camera


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
    from checkpoint_app.sync.worker import SyncWorker
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
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("checkpoint-app")
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

    def on_operator(name: str) -> None:
        gate.operator = bus.operator = name

    window.operator_changed.connect(on_operator)

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
    spec = args.source or "camera:0"
    try:
        source = open_frame_source(spec, on_problem=None)
        bridge.start(source, make_decoder("auto"))
        window.set_camera_state(spec)
    except Exception as exc:  # no camera: say so, the wedge and manual entry still work
        window.set_camera_state(f"{spec}: {exc}")
        screen.on_camera_state(
            window.tr("No camera: use a USB scanner, type the code, or start with --source VIDEO")
        )

    worker = SyncWorker(
        station.data_dir, on_status=lambda status, result: relay.status.emit(status, result)
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
        window.resize(1366, 800)
        window.show()
    try:
        return int(app.exec())
    finally:
        bridge.stop()
        worker.stop(10)
        if phone is not None:
            phone.close()
        if demo is not None:
            demo.stop()
        station.close()
