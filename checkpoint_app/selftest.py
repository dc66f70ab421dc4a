"""``checkpoint-app --self-test``: does this installation work? For the bundle on a USB stick.

Steps, in order; the first that fails ends the run with exit 1 and names itself:

1. ``store``   — open a new store in a temporary directory, record one event, walk
   the hash chain (never the station's own data directory);
2. ``verify``  — verify the shipped sample (``resources/selftest/demo_code.json``, a
   PHI1 code signed by the DEMO-ONLY issuer) against the seed's demo trust list;
3. ``decode``  — read the shipped QR image (``resources/selftest/demo_code.png``)
   with every decoder; each must return the sample's text. From source a decoder
   whose library is missing is reported and skipped; in the bundle it fails;
4. ``window``  — build the main window with its screens on the temporary store, load
   the Chinese translation and the sounds, and render it offscreen;
5. ``icu``     — Qt's ICU data (trimmed in the Linux bundle to the root, English and
   Chinese locales: scripts/icu_trim.py) still sorts Chinese by pinyin and names the
   time zone in Chinese and English;
6. ``modules`` — import every module of the app and of the demo server (a module
   the bundle left out fails here);
7. ``demo``    — ``--demo``'s path: the reference server in this process on 127.0.0.1,
   a station enrolled with it over HTTP and one sync pass;
8. ``libraries`` — print where each native library was loaded from (libzbar,
   zxing-cpp's extension module, OpenCV, Qt and its plugins). In the bundle every
   one must lie inside it: a system copy loaded instead fails the step.

Output: one line per step (``ok``/``FAIL``/``skip``), one ``lib`` line per library,
then ``self-test passed`` or ``self-test FAILED at <step>: <reason>``.
Never personal data: the sample is a fictitious demo person, and only its status
is printed.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from checkpoint_app import native
from checkpoint_app.paths import resource_dir

EXIT_OK = 0
EXIT_FAILED = 1
SAMPLE_JSON = "demo_code.json"
SAMPLE_PNG = "demo_code.png"


class StepFailed(Exception):
    """A self-test step failed; the message says what was wrong."""


@dataclass
class Report:
    out: TextIO
    libraries: dict[str, str | None] = field(default_factory=dict)

    def line(self, status: str, step: str, detail: str) -> None:
        self.out.write(f"{status:<4} {step:<12} {detail}\n")
        self.out.flush()


def sample_dir() -> Path:
    return resource_dir() / "selftest"


def load_sample(folder: Path | None = None) -> dict[str, Any]:
    folder = folder or sample_dir()
    try:
        sample: dict[str, Any] = json.loads((folder / SAMPLE_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StepFailed(f"cannot read the sample {folder / SAMPLE_JSON}: {exc}") from None
    return sample


# -- the steps ---------------------------------------------------------------------------


def step_store(report: Report, workdir: Path) -> str:
    from checkpoint_app.services.station import ConfigError, open_station
    from checkpoint_app.store.database import schema_version
    from checkpoint_app.store.event_log import verify_chain

    try:
        station = open_station(workdir / "data")
    except ConfigError as exc:
        raise StepFailed(str(exc)) from None
    try:
        station.configure(checkpoint="self-test", gate="gate-1")
        if station.checkpoint != "self-test":
            raise StepFailed("a setting written to the store did not read back")
        chain = verify_chain(station.db)
        if not chain.ok:
            raise StepFailed("the new store's hash chain does not verify")
        mode = station.db.execute("PRAGMA journal_mode").fetchone()[0]
        return (
            f"new store in a temporary directory: schema {schema_version(station.db)}, "
            f"journal {mode}, device {station.device_id[:8]}…"
        )
    finally:
        station.close()


def step_verify(report: Report, sample: dict[str, Any]) -> str:
    from checkpoint_app.store.offline_cache import CacheError, load_cache

    try:
        verifier = load_cache(None, demo=True).verifier
    except CacheError as exc:
        raise StepFailed(f"the seed's demo trust list: {exc.path}: {exc.problem}") from None
    result = verifier.verify(sample["text"], int(sample["verify_at"])).to_json()
    expect = sample["expect"]
    claims = result.get("claims") or {}
    got = (result.get("format"), result.get("result"), claims.get("sts"), claims.get("cid"))
    wanted = (expect["format"], expect["result"], expect["sts"], expect["cid"])
    if got[:3] != wanted[:3] or got[3] != wanted[3]:
        raise StepFailed(
            f"the demo sample verified as {got[0]} {got[1]} {got[2]}, expected "
            f"{wanted[0]} {wanted[1]} {wanted[2]}"
        )
    return f"{got[0]} {got[1]}, status {got[2]} (demo issuer, seed trust list)"


def step_decode(report: Report, sample: dict[str, Any], *, strict: bool) -> str:
    import cv2

    from checkpoint_app.scan.decoders import DECODER_NAMES, make_decoder, unavailable_decoders

    path = sample_dir() / SAMPLE_PNG
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise StepFailed(f"cannot read the sample image {path}")
    missing = unavailable_decoders()
    read: list[str] = []
    for name in DECODER_NAMES:
        if name in missing:
            if strict:
                raise StepFailed(f"decoder {name} is not available: {missing[name]}")
            report.line("skip", "decode", f"{name}: not available here ({missing[name]})")
            continue
        attempt = make_decoder(name).decode(image)
        texts = [code.text for code in attempt.codes]
        if sample["text"] not in texts:
            raise StepFailed(f"decoder {name} did not read the sample image (read {len(texts)})")
        read.append(f"{name} {attempt.ms:.1f} ms")
    return f"{len(read)}/{len(DECODER_NAMES)} decoders read the sample: " + ", ".join(read)


def step_window(report: Report, workdir: Path) -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from checkpoint_app.services.bus import BusService
    from checkpoint_app.services.gate import GateService
    from checkpoint_app.services.station import open_station
    from checkpoint_app.ui import theme
    from checkpoint_app.ui.bus_screen import BusScreen
    from checkpoint_app.ui.gate_screen import GateScreen
    from checkpoint_app.ui.i18n import Language, Languages, set_current
    from checkpoint_app.ui.main_window import MainWindow
    from checkpoint_app.ui.secondary_screen import SecondaryScreen
    from checkpoint_app.ui.sounds import Sounds

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    family = theme.ensure_cjk_font()  # an installed font, else the bundle's own
    languages = Languages(app)
    if not languages.set(Language.ZH):
        raise StepFailed("the Chinese translation (resources/translations/*.qm) did not load")
    set_current(languages.current)
    app.setFont(theme.base_font(13))
    app.setStyleSheet(theme.STYLE_SHEET)
    sounds = Sounds()
    if sounds._cls is None:
        raise StepFailed("Qt Multimedia is missing: no verdict sounds")
    for name in ("admit", "deny", "refer", "remeasure", "measure", "other"):
        if not (resource_dir() / "sounds" / f"{name}.wav").is_file():
            raise StepFailed(f"the sound {name}.wav is missing")
    sounds._effect("admit")  # loads the multimedia backend, as the first verdict would
    station = open_station(workdir / "data")
    window = MainWindow(station, languages)
    review_screen: Any = None
    session: Any = None
    try:
        gate = GateService(station, operator="self-test")
        gate_screen = GateScreen(gate)
        window.add_screen(gate_screen, window.tr("Gate"))
        bus_screen = BusScreen(BusService(station, operator="self-test"))
        window.add_screen(bus_screen, bus_screen.tab_title())
        secondary = SecondaryScreen(gate)
        window.add_screen(secondary, secondary.tab_title())
        # the review: Qt Charts and the review's worker thread must be in the bundle
        from checkpoint_app.services.review import ReviewService
        from checkpoint_app.ui.review_screen import ReviewScreen
        from checkpoint_app.ui.supervisor import SupervisorSession

        review = ReviewService(station, operator="self-test")
        session = SupervisorSession(review)
        review_screen = ReviewScreen(review, session)
        window.add_screen(review_screen, review_screen.tab_title())
        window.tabs.setCurrentWidget(review_screen)
        app.processEvents()
        window.tabs.setCurrentWidget(gate_screen)
        window.resize(1366, 768)
        window.show()
        app.processEvents()
        pixmap = window.grab()
        if pixmap.isNull() or pixmap.width() < 100 or pixmap.height() < 100:
            raise StepFailed("the main window rendered nothing")
        if window.sign_in_button.text() != "签到":
            raise StepFailed("the main window is not in Chinese")
        from PySide6.QtWidgets import QDialogButtonBox

        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        if box.button(QDialogButtonBox.StandardButton.Cancel).text() != "取消":
            raise StepFailed("Qt's own Chinese (qtbase_zh_CN.qm) is missing: dialogs say Cancel")
        fonts = f"Chinese font {family}" if family else "NO Chinese font (boxes!)"
        return (
            f"main window {pixmap.width()}x{pixmap.height()} rendered on "
            f"{app.platformName()}, {window.tabs.count()} screens, {fonts}"
        )
    finally:
        if review_screen is not None:
            review_screen.shutdown()
        if session is not None:
            session.close()
        window.status_timer.stop()
        window.close()
        window.deleteLater()
        app.processEvents()
        languages.set(Language.EN)
        station.close()


def step_icu() -> str:
    """Chinese collation and time-zone names through Qt, i.e. from Qt's ICU data."""
    from PySide6.QtCore import QCollator, QLocale, QTimeZone

    # pinyin order: 阿 (a) before 波 (bo); by code point (root collation) 波 U+6CE2 first
    if QCollator(QLocale("zh_CN")).compare("阿", "波") >= 0:
        raise StepFailed("ICU: no Chinese collation (Qt's ICU data lacks coll/zh)")
    if not sys.platform.startswith("linux"):
        # Qt's own ICU (and the trimmed data) is Linux's; Windows names zones in the
        # system's language only
        return "Chinese collation (pinyin)"
    zone = QTimeZone(b"Asia/Shanghai")
    long_name, standard = QTimeZone.NameType.LongName, QTimeZone.TimeType.StandardTime
    names = {lang: zone.displayName(standard, long_name, QLocale(lang)) for lang in ("zh_CN", "en")}
    if names["zh_CN"] != "中国标准时间" or names["en"] != "China Standard Time":
        raise StepFailed(f"ICU: time-zone names {names} (Qt's ICU data lacks zone/)")
    return "Chinese collation (pinyin) and time-zone names in Chinese and English"


def step_modules(report: Report) -> str:
    """Import every module of the app and of the demo server, as the screens and
    ``--demo`` will: a module left out of the bundle fails here, not in front of a user."""
    import importlib
    import pkgutil

    import central
    import checkpoint_app

    count = 0
    for package in (checkpoint_app, central):
        for found in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if found.name.endswith("__main__"):
                continue
            try:
                importlib.import_module(found.name)
            except Exception as exc:
                raise StepFailed(f"{found.name}: {type(exc).__name__}: {exc}") from None
            count += 1
    if count < 40:
        raise StepFailed(f"only {count} modules found: the bundle is missing packages")
    return f"{count} modules of checkpoint_app and central imported"


def step_demo(report: Report, workdir: Path) -> str:
    """``--demo``'s path: the reference server on 127.0.0.1, seeded with the demo
    checkpoint, and a station enrolled with it over HTTP."""
    os.environ["CHECKPOINT_NO_KEYRING"] = "1"  # the token stays in the temporary directory
    from central.app import create_app
    from central.demo import seed_demo
    from central.server import run_in_thread
    from checkpoint_app.services.station import open_station
    from checkpoint_app.sync.client import ApiClient
    from checkpoint_app.sync.engine import SyncEngine, enrol
    from checkpoint_app.sync.worker import transport_for

    url = f"sqlite:///{workdir / 'demo-central.sqlite3'}"
    seeded = seed_demo(url)
    handle = run_in_thread(create_app(url))
    station = open_station(workdir / "demo", demo=True)
    try:
        done = enrol(station, ApiClient(handle.url), handle.url, seeded["enrolment_code"], "self")
        transport = transport_for(station)
        if transport is None:
            raise StepFailed("enrolled, but the device token was not stored")
        result = SyncEngine(station, transport).run_once()
        if not result.ok:
            raise StepFailed(f"the demo sync failed: {result.error}")
        return f"demo server on {handle.url}, enrolled with {done.checkpoint_id}, one sync pass"
    finally:
        station.close()
        handle.stop()


def library_paths() -> dict[str, str | None]:
    """Where each native library was loaded from (call after the steps loaded them)."""
    import cv2
    import zxingcpp
    from PySide6 import QtCore

    files = native.mapped_files()
    found: dict[str, str | None] = {}
    try:
        from pyzbar import pyzbar as _pyzbar  # noqa: F401
        from pyzbar import wrapper

        zbar_handle = getattr(wrapper, "LIBZBAR", None)
    except (ImportError, OSError):
        zbar_handle = None
    found["libzbar"] = native.find_mapped(["libzbar"], files) or native.handle_path(zbar_handle)
    zxing_module = sys.modules.get("zxingcpp.zxingcpp") or zxingcpp
    found["zxing-cpp"] = native.find_mapped(["zxingcpp"], files) or native.module_path(zxing_module)
    cv2_module = sys.modules.get("cv2.cv2") or cv2
    found["opencv"] = native.find_mapped(["cv2.abi3", "cv2.cpython", "cv2.pyd"], files) or (
        native.module_path(cv2_module)
    )
    found["qt-core"] = native.find_mapped(["libQt6Core", "Qt6Core"], files) or (
        native.module_path(QtCore)
    )
    found["qt-plugins"] = QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.LibraryPath.PluginsPath)
    platform_plugin = native.find_mapped(["libqoffscreen", "qoffscreen", "libqxcb", "qwindows"])
    found["qt-platform"] = platform_plugin or _plugin_file(found["qt-plugins"], "platforms")
    found["qt-multimedia"] = native.find_mapped(["libQt6Multimedia", "Qt6Multimedia"], files)
    return found


def _plugin_file(plugins: str | None, category: str) -> str | None:
    """The platform plugin's file where /proc/self/maps is not available."""
    if not plugins:
        return None
    try:
        from PySide6.QtGui import QGuiApplication

        name = QGuiApplication.platformName()
    except Exception:
        return None
    for candidate in sorted((Path(plugins) / category).glob(f"*q{name}*")):
        return str(candidate)
    return None


def step_libraries(report: Report, *, bundle: Path | None) -> str:
    found = library_paths()
    report.libraries = found
    for name, path in found.items():
        report.line("lib", name, path or "(not loaded)")
    required = ["libzbar", "zxing-cpp", "opencv", "qt-core", "qt-plugins", "qt-platform"]
    absent = [name for name in required if not found.get(name)]
    if absent and bundle is not None:
        raise StepFailed("not loaded, or not found: " + ", ".join(absent))
    if bundle is None:
        return "from source: the installed libraries (not checked against a bundle)"
    outside = [
        f"{name} from {found[name]}"
        for name in found
        if found.get(name) and not native.is_inside(found[name], bundle)
    ]
    if outside:
        raise StepFailed("loaded from outside the bundle: " + "; ".join(outside))
    return f"every library from inside the bundle {bundle}"


# -- the run -----------------------------------------------------------------------------


def run_self_test(out: TextIO | None = None) -> int:
    """Run every step; 0 when all passed, 1 naming the first that failed."""
    out = out or sys.stdout
    if isinstance(out, __import__("io").TextIOWrapper):
        out.reconfigure(encoding="utf-8")
    report = Report(out)
    bundle = native.bundle_root()
    started = time.perf_counter()
    out.write(
        f"checkpoint-app self-test ({'bundle ' + str(bundle) if bundle else 'from source'}, "
        f"Python {sys.version.split()[0]}, {sys.platform})\n"
    )
    with tempfile.TemporaryDirectory(prefix="checkpoint-selftest-") as tmp:
        workdir = Path(tmp)
        sample: dict[str, Any] = {}

        def load() -> str:
            sample.update(load_sample())
            return f"{sample_dir()}"

        steps: list[tuple[str, Callable[[], str]]] = [
            ("sample", load),
            ("store", lambda: step_store(report, workdir)),
            ("verify", lambda: step_verify(report, sample)),
            ("decode", lambda: step_decode(report, sample, strict=bundle is not None)),
            ("window", lambda: step_window(report, workdir)),
            ("icu", step_icu),
            ("modules", lambda: step_modules(report)),
            ("demo", lambda: step_demo(report, workdir)),
            ("libraries", lambda: step_libraries(report, bundle=bundle)),
        ]
        for name, step in steps:
            t0 = time.perf_counter()
            try:
                detail = step()
            except StepFailed as exc:
                report.line("FAIL", name, str(exc))
                out.write(f"self-test FAILED at {name}: {exc}\n")
                return EXIT_FAILED
            except Exception as exc:  # a missing module in the bundle, a broken library
                report.line("FAIL", name, f"{type(exc).__name__}: {exc}")
                out.write(f"self-test FAILED at {name}: {type(exc).__name__}: {exc}\n")
                return EXIT_FAILED
            report.line("ok", name, f"{detail} [{(time.perf_counter() - t0) * 1000:.0f} ms]")
    out.write(f"self-test passed in {time.perf_counter() - started:.2f} s\n")
    out.flush()
    return EXIT_OK
