"""The station's settings (behind the supervisor PIN) and the camera chooser.

:class:`SettingsDialog` edits what a supervisor sets up at a checkpoint: its name and
the gate's, how long a verdict stays on screen, the bystander-safe mode, how soon the
supervisor's unlock lapses, and the camera. The composition root (``app.py``) opens it
only after :meth:`SupervisorSession.unlock` and saves the result with
:meth:`Station.change_settings`, which records one ``settings_changed`` event.

:class:`SourceDialog` chooses the frame source: a camera by index, a video file or a
folder of images. It is offered to the volunteer (no PIN) when there is no camera.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from checkpoint_app.services.station import Station

CHECKPOINT = "checkpoint_name"
GATE = "gate"
VERDICT_SECONDS = "ui.verdict_seconds"
BYSTANDER_SAFE = "ui.bystander_safe"
AUTOLOCK_MINUTES = "ui.autolock_minutes"
CAMERA_SOURCE = "camera.source"

DEFAULT_VERDICT_SECONDS = 8
DEFAULT_AUTOLOCK_MINUTES = 5
DEFAULT_CAMERA = "camera:0"
#: Camera indexes offered in the list (a laptop's own camera is 0, a USB one 1 or 2).
CAMERA_INDEXES = range(4)
VIDEO_FILTER = "Video (*.mp4 *.avi *.mkv *.mov *.webm);;All files (*)"


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return min(high, max(low, int(value))) if value is not None else default
    except ValueError:
        return default


@dataclass(frozen=True, slots=True)
class ScreenSettings:
    """The settings the screens apply, read from the station (defaults when unset)."""

    verdict_seconds: int = DEFAULT_VERDICT_SECONDS
    bystander_safe: bool = False
    autolock_minutes: int = DEFAULT_AUTOLOCK_MINUTES
    camera_source: str = DEFAULT_CAMERA

    @classmethod
    def of(cls, station: Station) -> ScreenSettings:
        return cls(
            verdict_seconds=_int(station.setting(VERDICT_SECONDS), DEFAULT_VERDICT_SECONDS, 2, 120),
            bystander_safe=station.setting(BYSTANDER_SAFE) == "1",
            autolock_minutes=_int(
                station.setting(AUTOLOCK_MINUTES), DEFAULT_AUTOLOCK_MINUTES, 1, 240
            ),
            camera_source=station.setting(CAMERA_SOURCE) or DEFAULT_CAMERA,
        )


class SourcePicker(QWidget):
    """A camera index, or a video file or image folder picked with a file dialog."""

    def __init__(self, source: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setMinimumWidth(320)
        for index in CAMERA_INDEXES:
            self.combo.addItem(self.tr("Camera %1").replace("%1", str(index)), f"camera:{index}")
        self.video_button = QPushButton(self.tr("Video file…"))
        self.video_button.setObjectName("header")
        self.video_button.clicked.connect(self._pick_video)
        self.folder_button = QPushButton(self.tr("Image folder…"))
        self.folder_button.setObjectName("header")
        self.folder_button.clicked.connect(self._pick_folder)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo, 1)
        layout.addWidget(self.video_button)
        layout.addWidget(self.folder_button)
        self.set_source(source)

    def set_source(self, source: str) -> None:
        index = self.combo.findData(source)
        if index >= 0:
            self.combo.setCurrentIndex(index)
        else:
            self.combo.setEditText(source)

    def source(self) -> str:
        index = self.combo.currentIndex()
        text = self.combo.currentText().strip()
        if index >= 0 and text == self.combo.itemText(index):
            return str(self.combo.itemData(index))
        return text

    def _pick_video(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Video file"), "", VIDEO_FILTER)
        if path:
            self.set_source(path)

    def _pick_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Image folder"))
        if path:
            self.set_source(path)


class SourceDialog(QDialog):
    """Choose where the pictures come from (no camera found, or another one wanted)."""

    def __init__(self, source: str, problem: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Camera"))
        layout = QVBoxLayout(self)
        self.problem = QLabel(problem)
        self.problem.setWordWrap(True)
        self.problem.setVisible(bool(problem))
        layout.addWidget(self.problem)
        layout.addWidget(
            QLabel(self.tr("Choose a camera, or a video file or a folder of images to scan:"))
        )
        self.picker = SourcePicker(source)
        layout.addWidget(self.picker)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def source(self) -> str:
        return self.picker.source()


class SettingsDialog(QDialog):
    """The supervisor's settings; :meth:`changes` gives the settings to save."""

    def __init__(self, station: Station, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.station = station
        current = ScreenSettings.of(station)
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(860)
        self.setStyleSheet("QSpinBox, QComboBox, QCheckBox, QLabel { font-size: 15pt; }")
        form = QFormLayout()
        self.checkpoint = QLineEdit(station.checkpoint)
        self.gate = QLineEdit(station.default_gate)
        self.verdict_seconds = QSpinBox()
        self.verdict_seconds.setRange(2, 120)
        self.verdict_seconds.setValue(current.verdict_seconds)
        self.verdict_seconds.setSuffix(self.tr(" s"))
        self.bystander_safe = QCheckBox(self.tr("Bystander-safe mode"))
        self.bystander_hint = QLabel(
            self.tr("Small verdict, its colour only on my side, one sound for every outcome")
        )
        self.bystander_hint.setWordWrap(True)
        self.bystander_hint.setStyleSheet("font-size: 12pt; color: #5f6b73;")
        self.bystander_safe.setChecked(current.bystander_safe)
        self.autolock = QSpinBox()
        self.autolock.setRange(1, 240)
        self.autolock.setValue(current.autolock_minutes)
        self.autolock.setSuffix(self.tr(" min"))
        self.source = SourcePicker(current.camera_source)
        form.addRow(self.tr("Checkpoint"), self.checkpoint)
        form.addRow(self.tr("Gate"), self.gate)
        form.addRow(self.tr("Verdict stays for"), self.verdict_seconds)
        form.addRow("", self.bystander_safe)
        form.addRow("", self.bystander_hint)
        form.addRow(self.tr("Lock the supervisor after"), self.autolock)
        form.addRow(self.tr("Camera"), self.source)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def _save(self) -> None:
        if not self.checkpoint.text().strip() or not self.gate.text().strip():
            self.problem.setText(self.tr("The checkpoint and the gate need a name."))
            return
        if not self.source.source():
            self.problem.setText(self.tr("Choose a camera, a video file or an image folder."))
            return
        self.accept()

    def changes(self) -> dict[str, str]:
        """Every setting as it stands in the dialog (the station records what changed)."""
        return {
            CHECKPOINT: self.checkpoint.text().strip(),
            GATE: self.gate.text().strip(),
            VERDICT_SECONDS: str(self.verdict_seconds.value()),
            BYSTANDER_SAFE: "1" if self.bystander_safe.isChecked() else "0",
            AUTOLOCK_MINUTES: str(self.autolock.value()),
            CAMERA_SOURCE: self.source.source(),
        }
