"""Screenshots of the desktop screens in both languages, for the docs and for review.

Renders the main window at 1366x768 (a station laptop's screen) on a temporary demo station (trusting the demo
issuer, with the demo roster imported), with the real screens and services:

* the gate tab: waiting for a code, a green code admitted (masked name), a fever
  reading to measure again, a red code denied;
* the gate's 'no phone' lookup, its settings dialog (behind the supervisor PIN) and
  the bystander-safe verdict;
* the demo phone window (drawn on a 1366x768 backdrop);
* the bus and secondary-check tabs, when those screens exist in this checkout;
* the review tab (log, counts, sync problems, integrity) at 1366x768 over a shift of
  demo traffic (``scripts/review_shots.py``);

each in Chinese and in English (switched at run time, as the language button does),
into ``docs/screenshots/<screen>-<lang>.png`` (``lang``: ``zh`` or ``en``).

    .venv/bin/python scripts/screenshots.py                 # offscreen, no display needed
    xvfb-run -a .venv/bin/python scripts/screenshots.py     # on a virtual X screen
    .venv/bin/python scripts/screenshots.py --out /tmp/shots --only gate-admit

The status bar shows a station that synced a moment ago (as ``--demo`` does, with its
in-process central API); everything else is what the screens really show.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if not os.environ.get("QT_QPA_PLATFORM") and not os.environ.get("DISPLAY"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # under xvfb-run, the virtual X screen

WIDTH, HEIGHT = 1366, 768  # a station laptop's screen
LANGUAGES = {"zh": "zh_CN", "en": "en"}


def camera_frame(qr_text: str | None, width: int = 1280, height: int = 720) -> tuple[Any, Any]:
    """A plausible webcam picture: a wall and a counter, and a phone showing the code (if any).
    Returns the BGR image and the code's corners in it."""
    import cv2
    import numpy as np
    import zxingcpp

    # flat colours (a wall and a counter) keep the PNG small
    image = np.empty((height, width, 3), np.uint8)
    image[:] = (118, 122, 126)
    image[int(height * 0.72) :] = (72, 76, 82)
    if qr_text is None:
        return image, None
    qr = np.array(zxingcpp.create_barcode(qr_text, zxingcpp.BarcodeFormat.QRCode).to_image(scale=5))
    qr = cv2.cvtColor(qr, cv2.COLOR_GRAY2BGR)
    h, w = qr.shape[:2]
    # the phone: a dark body with a white screen around the code
    px, py = (width - w) // 2, (height - h) // 2
    cv2.rectangle(image, (px - 40, py - 90), (px + w + 40, py + h + 110), (30, 30, 34), -1)
    cv2.rectangle(image, (px - 20, py - 60), (px + w + 20, py + h + 70), (250, 250, 250), -1)
    image[py : py + h, px : px + w] = qr
    m = 5 * 1  # the quiet zone is part of the image: outline the modules, not the margin
    corners = [
        (px + m, py + m),
        (px + w - m, py + m),
        (px + w - m, py + h - m),
        (px + m, py + h - m),
    ]
    return image, corners


def centre_on(canvas: Any, shot: Any) -> None:
    """Draw ``shot`` in the middle of ``canvas`` (a window or dialog on a backdrop)."""
    from PySide6.QtGui import QPainter

    painter = QPainter(canvas)
    x = (canvas.width() - shot.width()) // 2
    y = max(0, (canvas.height() - shot.height()) // 2)
    painter.drawPixmap(x, y, shot)
    painter.end()


class Shooter:
    """Builds the window once; each shot sets a state and grabs it in both languages."""

    def __init__(self, out: Path, data_dir: Path, only: set[str] | None) -> None:
        from PySide6.QtWidgets import QApplication

        from checkpoint_app.demo_issuer import DemoIssuer
        from checkpoint_app.services.gate import GateService
        from checkpoint_app.services.station import Station
        from checkpoint_app.ui import theme
        from checkpoint_app.ui.gate_screen import GateScreen
        from checkpoint_app.ui.i18n import Language, Languages, set_current
        from checkpoint_app.ui.main_window import MainWindow

        self.out = out
        self.only = only
        self.written: list[Path] = []
        quiet_qt()
        self.app = QApplication.instance() or QApplication(["checkpoint-app"])
        self.app.setApplicationName("checkpoint-app")
        self.app.setFont(theme.base_font(13))
        self.app.setStyleSheet(theme.STYLE_SHEET)
        if theme.cjk_family() is None:
            print(
                "screenshots: warning: no font with Chinese here (apt-get install fonts-noto-cjk)"
            )
        self.Language = Language
        self.languages = Languages(self.app)
        if not self.languages.set(Language.ZH):
            raise SystemExit(
                "screenshots: no Chinese translation: run bash scripts/translations.sh"
            )
        set_current(self.languages.current)

        self.station = Station(data_dir, demo=True)
        self.station.configure(checkpoint="北京西站 南门", gate="2号闸机")
        self.now = int(time.time())
        self.issuer = DemoIssuer()
        self.codes = {c.label: c.text for c in self.issuer.sample_codes(self.now)}
        self.gate = GateService(self.station, operator="小王")
        self.window = MainWindow(self.station, self.languages, demo=True, status_source=self.status)
        self.screen = GateScreen(self.gate, verdict_seconds=3600)
        self.window.add_screen(self.screen, self.window.tr("Gate"))
        self.bus_screen = self.add_bus_screen()
        self.secondary_screen = self.add_secondary_screen()
        self.review_screen = self.add_review_screen()
        self.window.set_camera_state("camera:0")
        self.window.operator_edit.setText("小王")
        self.window.sign_in()
        self.window.resize(WIDTH, HEIGHT)
        self.window.show()
        self.settle()
        height = self.window.height()
        if height > HEIGHT:
            tallest = max(
                (self.window.tabs.widget(i) for i in range(self.window.tabs.count())),
                key=lambda w: w.minimumSizeHint().height(),
            )
            print(
                f"screenshots: warning: the window needs {height} px, not {HEIGHT} "
                f"(it would not fit a 1366x768 screen): {type(tallest).__name__} is the "
                f"tallest screen ({tallest.minimumSizeHint().height()} px at least)"
            )

    # -- helpers ----------------------------------------------------------------------
    def status(self) -> Any:
        """Synced a moment ago: online, fresh lists (the real count of events to sync)."""
        from checkpoint_app.sync.engine import sync_status

        status = sync_status(self.station)
        return dataclasses.replace(
            status,
            online=True,
            clock_offset_ms=0,
            list_ages={**status.list_ages, "phi1_trust_list": 2 * 3600, "rosters": 15 * 60},
        )

    def settle(self, rounds: int = 6) -> None:
        for _ in range(rounds):
            self.app.processEvents()
            time.sleep(0.02)

    def person_code(self, name: str, now_offset: int = 0) -> str:
        person = next(p for p in self.issuer.people if p["nam"] == name)
        return self.issuer.issue(self.issuer.claims_for(person, self.now + now_offset, ttl=3600))

    def show_camera(self, code: str | None) -> None:
        from checkpoint_app.ui.scan_bridge import to_qimage

        image, corners = camera_frame(code)
        qimage = to_qimage(image)
        scale = qimage.width() / image.shape[1]
        self.screen.preview.set_outline(corners, seconds=3600)
        self.screen.preview.show_frame(qimage, scale)

    def wanted(self, name: str) -> bool:
        return self.only is None or name in self.only

    def shoot(
        self, name: str, widget: Any = None, prepare: Callable[[], None] | None = None
    ) -> None:
        """Grab ``widget`` (the main window) in each language, ``<name>-<lang>.png``."""
        if not self.wanted(name):
            return
        for short, code in LANGUAGES.items():
            self.set_language(self.Language(code))
            if prepare is not None:
                prepare()
            self.settle()
            target = widget if widget is not None else self.window
            self.save(target.grab(), name, short)
        self.set_language(self.Language.ZH)

    def save(self, pixmap: Any, name: str, short: str) -> None:
        """Write ``<name>-<lang>.png`` (smallest PNG) and say so."""
        path = self.out / f"{name}-{short}.png"
        if not pixmap.save(str(path), "PNG", 0):  # 0: smallest file
            raise SystemExit(f"screenshots: cannot write {path}")
        self.written.append(path)
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

    def set_language(self, language: Any) -> None:
        if self.languages.current is not language:
            self.window.set_language(language)
            self.settle()

    # -- the screens ------------------------------------------------------------------
    def gate_shots(self) -> None:
        w, s = self.window, self.screen
        w.tabs.setCurrentWidget(s)
        s.clear_verdict()
        self.show_camera(None)
        self.shoot("gate-idle")

        # a green code, then the volunteer types the reading: admitted
        code = self.person_code("王芳")
        self.show_camera(code)
        s.submit_code(code, source="camera")
        s.temperature.setText("36.5")
        s.enter_temperature()
        self.shoot("gate-admit")

        # a first reading over the threshold: measure again
        code = self.person_code("李伟")
        self.show_camera(code)
        s.submit_code(code, source="camera")
        s.temperature.setText("38.2")
        s.enter_temperature()
        s.temperature.setFocus()
        self.shoot("gate-remeasure")

        # a red code: denied
        code = self.person_code("刘洋")
        self.show_camera(code)
        s.submit_code(code, source="camera")
        self.shoot("gate-deny")

        # the same in bystander-safe mode: the colour only on the volunteer's side
        s.set_discreet(True)
        self.shoot("gate-bystander")
        s.set_discreet(False)
        s.clear_verdict()
        self.dialog_shots()

    def over_window(self, name: str, make: Callable[[], Any]) -> None:
        """A dialog drawn over the dimmed main window, in each language."""
        from PySide6.QtGui import QColor, QPainter

        if not self.wanted(name):
            return
        for short, code in LANGUAGES.items():
            self.set_language(self.Language(code))
            dialog = make()
            dialog.show()
            self.settle()
            canvas = self.window.grab()
            shot = dialog.grab()
            painter = QPainter(canvas)
            painter.fillRect(canvas.rect(), QColor(0, 0, 0, 90))
            painter.end()
            centre_on(canvas, shot)
            dialog.close()
            self.save(canvas, name, short)
        self.set_language(self.Language.ZH)

    def dialog_shots(self) -> None:
        from checkpoint_app.ui.gate_screen import NoPhoneDialog
        from checkpoint_app.ui.settings_dialog import SettingsDialog

        def no_phone() -> Any:
            dialog = NoPhoneDialog(self.gate, self.window)
            dialog.search.setText("张")
            dialog.checked_edit.setText("身份证已核对")
            return dialog

        self.over_window("gate-no-phone", no_phone)
        self.over_window("gate-settings", lambda: SettingsDialog(self.station, self.window))

    def phone_shot(self) -> None:
        from PySide6.QtGui import QColor, QPixmap

        from checkpoint_app.ui.demo_phone import DemoPhone

        if not self.wanted("demo-phone"):
            return
        phone = DemoPhone(self.issuer)
        phone.timer.stop()
        phone.show()
        self.settle()
        for short, code in LANGUAGES.items():
            self.set_language(self.Language(code))
            self.settle()
            shot = phone.grab()
            canvas = QPixmap(WIDTH, HEIGHT)
            canvas.fill(QColor("#cfd6dc"))
            centre_on(canvas, shot)
            self.save(canvas, "demo-phone", short)
        self.set_language(self.Language.ZH)
        phone.close()

    def add_bus_screen(self) -> Any:
        """The bus tab with the demo roster imported, when this checkout has the screen."""
        module = optional_module("checkpoint_app.ui.bus_screen", "BusScreen")
        if module is None:
            return None
        from checkpoint_app.paths import seed_dir
        from checkpoint_app.services.bus import BusService
        from checkpoint_app.store.rosters import import_rosters, read_roster_file

        roster_file = seed_dir() / "demo" / "roster_demo.csv"
        import_rosters(
            self.station.log,
            read_roster_file(roster_file),
            source=roster_file.name,
            operator="小王",
        )
        screen = module.BusScreen(BusService(self.station, operator="小王"))
        self.window.add_screen(screen, screen.tab_title())
        return screen

    def add_secondary_screen(self) -> Any:
        module = optional_module("checkpoint_app.ui.secondary_screen", "SecondaryScreen")
        if module is None:
            return None
        screen = module.SecondaryScreen(self.gate)
        self.window.add_screen(screen, screen.tab_title())
        return screen

    def bus_shot(self) -> None:
        """The bus tab at 1366x768 (a marshal's laptop screen): ``bus`` (3/6 on board,
        one marked absent) and ``bus-duplicate`` (a passenger on another bus's list too,
        already ticked there)."""
        screen = self.bus_screen
        if screen is None or not (self.wanted("bus") or self.wanted("bus-duplicate")):
            return
        self.window.tabs.setCurrentWidget(screen)
        self.window.resize(WIDTH, HEIGHT)
        self.settle()
        screen.select_roster("HD-BUS-3")
        if screen.select_booking("HD3-0005") and hasattr(screen, "mark_selected_absent"):
            screen.mark_selected_absent("电话联系：行程取消")
            screen.table.clearSelection()  # the absent row in its own colour
        for name in ("王芳", "李伟", "杨磊"):  # three passengers show their codes
            screen.submit_code(self.person_code(name, now_offset=5))
        self.settle()
        self.shoot("bus")
        if self.wanted("bus-duplicate") and hasattr(screen, "duplicate_notice"):
            # 刘洋 (HD3-0004) is on a second bus's list too, and boarded it
            from checkpoint_app.domain.roster import parse_roster_rows
            from checkpoint_app.services.bus import BusService
            from checkpoint_app.store.rosters import import_rosters

            rows = [
                ["roster", "title", "booking", "name", "id_number", "phone", "cid", "seat"],
                ["CY-BUS-2", "朝阳 2号车", "CY2-0001", "刘洋", "420***********3305",
                 "135****4417", "ruga3ppmdudcba67gcctmrwxvg", "5C"],
            ]  # fmt: skip
            import_rosters(
                self.station.log, parse_roster_rows(rows), source="cy2.csv", operator="小王"
            )
            BusService(self.station, operator="小李").tick_by_scan(
                "CY-BUS-2", self.person_code("刘洋", now_offset=-1200)
            )
            screen.refresh()
            screen.submit_code(self.person_code("刘洋", now_offset=10))
            self.settle()
            self.shoot("bus-duplicate")
        self.window.resize(WIDTH, HEIGHT)
        self.window.tabs.setCurrentWidget(self.screen)

    def secondary_shot(self) -> None:
        screen = self.secondary_screen
        if screen is None or not self.wanted("secondary"):
            return
        # two referred travellers: a yellow code, and the fever of the gate shots confirmed
        self.gate.scan(self.person_code("张秀英", now_offset=10), temperature="36.6")
        self.gate.scan(self.person_code("李伟", now_offset=20), temperature="38.4")
        self.window.tabs.setCurrentWidget(screen)
        self.settle()
        screen.refresh()
        self.shoot("secondary")
        self.window.tabs.setCurrentWidget(self.screen)

    def add_review_screen(self) -> Any:
        """The supervisor's review tab over a shift of demo traffic (``review_shots.py``)."""
        if optional_module("checkpoint_app.ui.review_screen", "ReviewScreen") is None:
            return None
        import review_shots

        return review_shots.add_review_screen(self)

    def review_shot(self) -> None:
        if self.review_screen is not None:
            import review_shots

            review_shots.review_shots(self)

    def close(self) -> None:
        if self.review_screen is not None:
            import review_shots

            review_shots.close(self)
        self.window.status_timer.stop()
        self.window.close()
        self.settle()
        self.languages.set(self.Language.EN)
        self.station.close()


def quiet_qt() -> None:
    """Drop the offscreen platform's note on every window shown; keep other messages."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(kind: Any, context: Any, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def optional_module(name: str, attribute: str) -> Any:
    """The screen's module, or None (said once) when this checkout has not got it."""
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        print(f"screenshots: skipped {name}: {exc}")
        return None
    if not hasattr(module, attribute):
        print(f"screenshots: skipped {name}: no {attribute}")
        return None
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument(
        "--only", action="append", help="one screen (e.g. gate-admit, bus); repeatable"
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ["CHECKPOINT_NO_KEYRING"] = "1"
    with tempfile.TemporaryDirectory(prefix="checkpoint-shots-") as tmp:
        shooter = Shooter(args.out, Path(tmp) / "data", set(args.only) if args.only else None)
        try:
            shooter.gate_shots()
            shooter.phone_shot()
            shooter.bus_shot()
            shooter.secondary_shot()
            shooter.review_shot()
        finally:
            shooter.close()
    print(f"screenshots: {len(shooter.written)} written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
