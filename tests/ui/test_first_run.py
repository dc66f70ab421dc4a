"""The first-run wizard: language, supervisor PIN, enrolment (against the real reference
server in this process) or offline, checkpoint and gate, shown once."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QWizard

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))

from station_factory import Bench

from checkpoint_app.store.supervisor import PinOutcome, SupervisorPin
from checkpoint_app.sync.engine import API_URL
from checkpoint_app.ui import i18n
from checkpoint_app.ui.first_run import (
    FIRST_RUN_KEY,
    LANGUAGE_KEY,
    PAGE_ENROL,
    PAGE_LANGUAGE,
    PAGE_PIN,
    PAGE_STATION,
    PAGE_SUMMARY,
    FirstRunWizard,
    needs_first_run,
    saved_language,
)
from checkpoint_app.ui.i18n import Language, Languages


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKPOINT_NO_KEYRING", "1")  # the token goes to the data dir


@pytest.fixture
def languages() -> Iterator[Languages]:
    app = QApplication.instance()
    assert app is not None
    made = Languages(app)
    assert made.set(Language.ZH)
    i18n.set_current(made.current)
    yield made
    made.set(Language.EN)
    i18n.set_current(Language.ZH)


@pytest.fixture
def wizard(qtbot: Any, bench: Bench, languages: Languages) -> Iterator[FirstRunWizard]:
    made = FirstRunWizard(bench.station, languages, station_name="test station")
    qtbot.addWidget(made)
    made.show()
    qtbot.waitExposed(made)
    yield made
    made.close()  # before the language switches back and the store closes


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The reference central API with its demo checkpoint, on 127.0.0.1."""
    from central.app import create_app
    from central.demo import seed_demo
    from central.server import run_in_thread

    url = f"sqlite:///{tmp_path_factory.mktemp('central') / 'central.sqlite3'}"
    seeded = seed_demo(url)
    handle = run_in_thread(create_app(url))
    yield {"url": handle.url, **seeded}
    handle.stop()


def try_enrolling(qtbot: Any, wizard: FirstRunWizard) -> None:
    """Next on the enrolment page, and wait for its thread to answer."""
    wizard.next()
    qtbot.waitUntil(lambda: not wizard.enrol_page.busy, timeout=30_000)


def go_to(wizard: FirstRunWizard, page: int) -> None:
    while wizard.currentId() != page:
        before = wizard.currentId()
        wizard.next()
        assert wizard.currentId() != before, f"stuck on page {before}"


def test_a_new_station_needs_it_a_station_in_use_does_not(bench: Bench) -> None:
    assert needs_first_run(bench.station)
    bench.station.set_setting(FIRST_RUN_KEY, "1")
    assert not needs_first_run(bench.station)
    bench.station.set_setting(FIRST_RUN_KEY, "")
    bench.station.set_setting(API_URL, "https://central.example.cn")
    bench.station.set_setting("sync.root_public_key", "x")  # enrolled before the wizard existed
    assert not needs_first_run(bench.station)


def test_a_station_with_events_does_not_need_it(bench: Bench) -> None:
    from checkpoint_app.services.gate import GateService

    GateService(bench.station, operator="t").scan(bench.code(), source="manual")
    assert not needs_first_run(bench.station)


def test_it_speaks_chinese_first_and_switches_live(qtbot: Any, wizard: FirstRunWizard) -> None:
    assert wizard.currentId() == PAGE_LANGUAGE
    assert wizard.language_page.chinese.isChecked()
    assert wizard.buttonText(QWizard.WizardButton.NextButton) == "下一步"
    assert wizard.language_page.title() == "语言"
    wizard.language_page.english.setChecked(True)
    qtbot.waitUntil(lambda: wizard.buttonText(QWizard.WizardButton.NextButton) == "Next")
    assert wizard.language_page.title() == "Language"
    assert wizard.windowTitle() == "Set up this station"
    assert i18n.current() is Language.EN
    assert saved_language(wizard.station) is Language.EN  # kept for the next start
    wizard.language_page.chinese.setChecked(True)
    qtbot.waitUntil(lambda: wizard.windowTitle() == "设置本站")
    assert saved_language(wizard.station) is Language.ZH


def test_the_whole_way_offline(wizard: FirstRunWizard, bench: Bench) -> None:
    wizard.language_page.english.setChecked(True)
    go_to(wizard, PAGE_PIN)
    wizard.pin_page.pin.setText("2468")
    wizard.pin_page.repeat.setText("2468")
    go_to(wizard, PAGE_ENROL)
    assert wizard.enrol_page.offline.isChecked()
    go_to(wizard, PAGE_STATION)
    wizard.station_page.checkpoint.setText("北京西站 南门")
    wizard.station_page.gate.setText("2号闸机")
    assert wizard.button(QWizard.WizardButton.CustomButton1).isVisible()
    go_to(wizard, PAGE_SUMMARY)
    assert not wizard.button(QWizard.WizardButton.CustomButton1).isVisible()  # nothing to skip
    text = wizard.summary_page.summary.text()
    assert "Station: 北京西站 南门 · 2号闸机" in text
    assert "Supervisor PIN: set" in text
    assert "offline" in text
    wizard.accept()
    station = bench.station
    assert station.checkpoint == "北京西站 南门"
    assert station.default_gate == "2号闸机"
    assert SupervisorPin(station.db).check("2468").outcome is PinOutcome.OK
    assert SupervisorPin(station.db).check("1111").outcome is PinOutcome.WRONG
    assert station.setting(LANGUAGE_KEY) == "en"
    assert station.setting(FIRST_RUN_KEY)
    assert not needs_first_run(station)
    assert station.setting(API_URL) is None


def test_pin_mistakes_keep_the_page_open(wizard: FirstRunWizard, bench: Bench) -> None:
    go_to(wizard, PAGE_PIN)
    page = wizard.pin_page
    page.pin.setText("1234")
    page.repeat.setText("1243")
    wizard.next()
    assert wizard.currentId() == PAGE_PIN
    assert page.error.text() == "两次输入的密码不一致：请输入相同的密码两次。"
    page.pin.setText("12")
    page.repeat.setText("12")
    wizard.next()
    assert wizard.currentId() == PAGE_PIN
    assert page.error.text() == "密码必须是 4 到 12 位数字。"
    assert not SupervisorPin(bench.station.db).is_set


def test_skipping_the_pin_says_overrides_are_unavailable(
    wizard: FirstRunWizard, bench: Bench
) -> None:
    go_to(wizard, PAGE_PIN)
    assert "无法进行主管改判" in wizard.pin_page.note.text()
    assert not wizard.pin_page.note.isHidden()
    wizard.pin_page.pin.setText("5")
    assert wizard.pin_page.note.isHidden()  # typing a PIN: no warning
    wizard.pin_page.pin.clear()
    go_to(wizard, PAGE_SUMMARY)
    assert "主管密码：未设置 — 无法改判" in wizard.summary_page.summary.text()
    wizard.accept()
    assert not SupervisorPin(bench.station.db).is_set
    assert bench.station.setting(FIRST_RUN_KEY)


def test_a_pin_already_set_is_left_alone(qtbot: Any, bench: Bench, languages: Languages) -> None:
    SupervisorPin(bench.station.db).set_pin("97531")
    made = FirstRunWizard(bench.station, languages)
    qtbot.addWidget(made)
    made.show()
    go_to(made, PAGE_PIN)
    assert not made.pin_page.pin.isEnabled()
    assert made.pin_page.note.text() == "本站已设置主管密码。"
    go_to(made, PAGE_ENROL)
    assert SupervisorPin(bench.station.db).check("97531").ok


def test_enrolment_errors_are_shown_plainly(
    qtbot: Any, wizard: FirstRunWizard, central: dict[str, Any], bench: Bench
) -> None:
    go_to(wizard, PAGE_ENROL)
    page = wizard.enrol_page
    page.online.setChecked(True)
    wizard.next()
    assert wizard.currentId() == PAGE_ENROL
    assert page.result.text() == "请填写中心接口地址和注册码，或选择暂时离线。"

    page.url.setText("http://192.0.2.1:8750")  # plain http off this machine: refused
    page.code.setText("ABCD-EFGH-JKLM")
    try_enrolling(qtbot, wizard)
    assert wizard.currentId() == PAGE_ENROL
    assert page.result.text().startswith("地址有误：")
    assert "https" in page.result.text()

    page.url.setText(central["url"])
    page.code.setText("WRONG-CODE-0000")
    try_enrolling(qtbot, wizard)
    assert wizard.currentId() == PAGE_ENROL
    assert page.result.text().startswith("中心拒绝了注册：")
    assert page.result.text().endswith("请索取新的注册码。")

    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    page.url.setText(f"http://127.0.0.1:{port}")
    try_enrolling(qtbot, wizard)
    assert wizard.currentId() == PAGE_ENROL
    assert page.result.text().startswith("无法连接中心接口：")
    assert bench.station.setting(API_URL) is None

    page.offline.setChecked(True)  # staying offline is always possible
    wizard.next()
    assert wizard.currentId() == PAGE_STATION


def test_enrolling_with_the_central_api(
    qtbot: Any, wizard: FirstRunWizard, central: dict[str, Any], bench: Bench
) -> None:
    go_to(wizard, PAGE_ENROL)
    page = wizard.enrol_page
    qtbot.keyClicks(page.url, central["url"])
    qtbot.keyClicks(page.code, central["enrolment_code"])
    assert page.online.isChecked()  # typing an address chooses to enrol
    wizard.next()  # enrols on its own thread; the window stays responsive meanwhile
    assert page.busy and not page.url.isEnabled()
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_STATION, timeout=30_000)
    assert page.result.text() == f"已注册到检查点 {central['checkpoint_name']}。"
    station = bench.station
    assert station.setting(API_URL) == central["url"]
    assert (bench.data_dir / "device-token").is_file()  # no keyring: the data directory
    # the checkpoint's name comes from the centre; the gate is this station's
    assert wizard.station_page.checkpoint.text() == central["checkpoint_name"]
    wizard.station_page.gate.setText("南门 3")
    go_to(wizard, PAGE_SUMMARY)
    assert f"中心接口：已注册（{central['url']}）" in wizard.summary_page.summary.text()
    wizard.back()
    wizard.back()
    assert wizard.currentId() == PAGE_ENROL
    wizard.next()  # enrolled once: not again (the code was used up)
    assert wizard.currentId() == PAGE_STATION
    wizard.accept()
    assert station.default_gate == "南门 3"
    assert station.checkpoint == central["checkpoint_name"]


def test_skip_setup_finishes_with_the_defaults(wizard: FirstRunWizard, bench: Bench) -> None:
    assert wizard.buttonText(QWizard.WizardButton.CustomButton1) == "跳过设置"
    wizard.button(QWizard.WizardButton.CustomButton1).click()
    assert wizard.skipped_setup
    assert wizard.result() == QWizard.DialogCode.Accepted
    station = bench.station
    assert station.setting(FIRST_RUN_KEY)
    assert station.setting(LANGUAGE_KEY) == "zh_CN"
    assert station.checkpoint == "checkpoint"
    assert not SupervisorPin(station.db).is_set
    assert not needs_first_run(station)


def test_later_shows_it_again_next_time(wizard: FirstRunWizard, bench: Bench) -> None:
    assert wizard.buttonText(QWizard.WizardButton.CancelButton) == "以后再说"
    wizard.reject()
    assert bench.station.setting(FIRST_RUN_KEY) is None
    assert needs_first_run(bench.station)
