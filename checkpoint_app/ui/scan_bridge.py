"""Qt glue of the frame pipeline: its callbacks (on its threads) become Qt signals.

The pipeline's camera and decoder threads never touch a widget: they emit signals
that Qt delivers on the GUI thread (queued connections). The preview frame is
converted to a ``QImage`` on the camera thread, so the GUI thread only paints.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from checkpoint_app.scan.pipeline import FramePipeline, ScanResult
from checkpoint_app.scan.sources import FrameSource, SourceProblem
from checkpoint_app.scan.types import Decoder, Frame

PREVIEW_WIDTH = 960


def to_qimage(image: Any, width: int = PREVIEW_WIDTH) -> QImage:
    """A BGR or grey numpy image as a ``QImage`` (copied), scaled down to ``width``."""
    import cv2

    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    h, w = image.shape[:2]
    if w > width:
        image = cv2.resize(image, (width, int(h * width / w)), interpolation=cv2.INTER_AREA)
    rgb = np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class ScanBridge(QObject):
    """Starts and stops one pipeline; re-emits what it reports as signals."""

    scanned = Signal(object)  # ScanResult
    preview = Signal(QImage, float)  # the image, and its scale to source pixels
    hint = Signal(object)  # Hint | None
    problem = Signal(str)
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pipeline: FramePipeline | None = None

    def start(self, source: FrameSource, decoder: Decoder) -> None:
        self.stop()
        self.pipeline = FramePipeline(
            source,
            decoder,
            self._on_result,
            on_hint=self.hint.emit,
            on_problem=self._on_problem,
            on_preview=self._on_preview,
            on_finished=self.finished.emit,
        )
        self.pipeline.start()

    def stop(self) -> None:
        if self.pipeline is not None:
            self.pipeline.stop()
            self.pipeline.join(3.0)
            self.pipeline = None

    @property
    def running(self) -> bool:
        return self.pipeline is not None and self.pipeline.running

    def _on_result(self, result: ScanResult) -> None:
        self.scanned.emit(result)

    def _on_problem(self, problem: SourceProblem) -> None:
        self.problem.emit(str(problem))

    def _on_preview(self, frame: Frame) -> None:
        width = frame.image.shape[1]
        image = to_qimage(frame.image)
        self.preview.emit(image, image.width() / width if width else 1.0)
