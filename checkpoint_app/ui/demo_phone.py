"""The "demo phone": sample health codes on screen, for training with the real webcam.

Shows one sample code at a time, large, as a QR code the webcam can read (or a
volunteer can hold a real phone's camera to): green, yellow, red, expired, forged,
and the others the demo issuer makes. Codes are issued fresh (dynamic codes expire in
minutes) and refreshed every minute.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QVBoxLayout, QWidget

from checkpoint_app.demo_issuer import DemoCode, DemoIssuer
from checkpoint_app.ui.i18n import pair

REFRESH_MS = 60_000


def qr_pixmap(text: str, scale: int = 6) -> QPixmap:
    import zxingcpp

    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode)
    image = np.ascontiguousarray(np.array(barcode.to_image(scale=scale, add_quiet_zones=True)))
    h, w = image.shape[:2]
    return QPixmap.fromImage(QImage(image.data, w, h, w, QImage.Format.Format_Grayscale8).copy())


class DemoPhone(QWidget):
    """A window that plays the traveller's phone."""

    code_shown = Signal(str)

    def __init__(self, issuer: DemoIssuer | None = None) -> None:
        super().__init__()
        self.issuer = issuer or DemoIssuer()
        self.setWindowTitle("演示手机 Demo phone")
        self.choice = QComboBox()
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setStyleSheet("background: white; border-radius: 18px; padding: 12px;")
        self.caption = QLabel()
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setStyleSheet("font-size: 16pt;")
        self.send = QPushButton("发送到闸机 Send to the gate (as a scanner)")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("演示模式：仅供培训 DEMO — training only"))
        layout.addWidget(self.choice)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.caption)
        layout.addWidget(self.send)
        self.codes: list[DemoCode] = []
        self.choice.currentIndexChanged.connect(self._show)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()
        self.resize(420, 640)

    def refresh(self) -> None:
        index = max(0, self.choice.currentIndex())
        self.codes = self.issuer.sample_codes(int(time.time()))
        self.choice.blockSignals(True)
        self.choice.clear()
        self.choice.addItems([self.title(c) for c in self.codes])
        self.choice.setCurrentIndex(min(index, len(self.codes) - 1))
        self.choice.blockSignals(False)
        self._show(self.choice.currentIndex())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and self.codes:
            index = self.choice.currentIndex()
            self.choice.blockSignals(True)
            for i, code in enumerate(self.codes):
                self.choice.setItemText(i, self.title(code))
            self.choice.blockSignals(False)
            self.choice.setCurrentIndex(index)
            self._show(index)
        super().changeEvent(event)

    @staticmethod
    def title(code: DemoCode) -> str:
        """The sample's label in both languages, the chosen one first."""
        return " / ".join(pair(code.zh, code.label)) if code.zh else code.label

    def current(self) -> DemoCode | None:
        index = self.choice.currentIndex()
        return self.codes[index] if 0 <= index < len(self.codes) else None

    def _show(self, index: int) -> None:
        code = self.current()
        if code is None:
            return
        self.picture.setPixmap(qr_pixmap(code.text))
        self.caption.setText(self.title(code))
        self.code_shown.emit(code.text)
