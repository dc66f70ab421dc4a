"""The supervisor's settings dialog and the camera chooser, on a real station."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialogButtonBox
from station_factory import Bench

from checkpoint_app.ui.settings_dialog import (
    AUTOLOCK_MINUTES,
    BYSTANDER_SAFE,
    CAMERA_SOURCE,
    GATE,
    VERDICT_SECONDS,
    ScreenSettings,
    SettingsDialog,
    SourceDialog,
)


def settings_events(bench: Bench) -> list[dict[str, Any]]:
    return [
        json.loads(e.payload)["changed"] for e in bench.station.log.events(kind="settings_changed")
    ]


def test_defaults_then_saved_changes_are_applied_and_recorded_once(
    qtbot: Any, bench: Bench, tmp_path: Path
) -> None:
    assert ScreenSettings.of(bench.station) == ScreenSettings()
    dialog = SettingsDialog(bench.station)
    qtbot.addWidget(dialog)
    assert dialog.gate.text() == bench.station.default_gate
    dialog.gate.setText("  东门 2号闸机 ")
    dialog.verdict_seconds.setValue(5)
    dialog.bystander_safe.setChecked(True)
    dialog.autolock.setValue(10)
    videos = tmp_path / "frames"
    videos.mkdir()
    dialog.source.set_source(str(videos))
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.result() == dialog.DialogCode.Accepted

    recorded = bench.station.change_settings(dialog.changes(), operator="站长")
    assert recorded is not None and recorded.operator == "站长"
    assert bench.station.default_gate == "东门 2号闸机"
    assert ScreenSettings.of(bench.station) == ScreenSettings(5, True, 10, str(videos))
    changed = settings_events(bench)
    assert len(changed) == 1
    assert changed[0][GATE]["to"] == "东门 2号闸机"
    assert changed[0][VERDICT_SECONDS] == {"from": None, "to": "5"}
    assert set(changed[0]) == {GATE, VERDICT_SECONDS, BYSTANDER_SAFE, AUTOLOCK_MINUTES,
                               CAMERA_SOURCE, "checkpoint_name"}  # fmt: skip
    # saving the same again changes nothing and records nothing
    again = SettingsDialog(bench.station)
    qtbot.addWidget(again)
    assert bench.station.change_settings(again.changes(), operator="站长") is None
    assert len(settings_events(bench)) == 1


def test_a_gate_needs_a_name(qtbot: Any, bench: Bench) -> None:
    dialog = SettingsDialog(bench.station)
    qtbot.addWidget(dialog)
    dialog.gate.setText("   ")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert dialog.problem.text()


def test_bad_stored_numbers_fall_back_to_the_defaults(bench: Bench) -> None:
    bench.station.set_setting(VERDICT_SECONDS, "soon")
    bench.station.set_setting(AUTOLOCK_MINUTES, "100000")
    settings = ScreenSettings.of(bench.station)
    assert settings.verdict_seconds == ScreenSettings().verdict_seconds
    assert settings.autolock_minutes == 240


def test_source_dialog_offers_cameras_and_keeps_a_typed_path(qtbot: Any) -> None:
    dialog = SourceDialog("camera:0", "camera:0: no camera found")
    qtbot.addWidget(dialog)
    assert dialog.problem.text() == "camera:0: no camera found"
    assert dialog.source() == "camera:0"
    dialog.picker.combo.setCurrentIndex(1)
    assert dialog.source() == "camera:1"
    dialog.picker.set_source("/media/usb/queue.mp4")
    assert dialog.source() == "/media/usb/queue.mp4"
