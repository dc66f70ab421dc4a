"""The camera backend OpenCV opens cameras with: DirectShow on Windows (docs/windows.md)."""

from __future__ import annotations

import cv2
import pytest

from checkpoint_app.scan import sources


def test_directshow_on_windows_opencv_s_choice_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHECKPOINT_CAMERA_BACKEND", raising=False)
    monkeypatch.setattr(sources.sys, "platform", "win32")
    assert sources.camera_backend() == cv2.CAP_DSHOW
    monkeypatch.setattr(sources.sys, "platform", "linux")
    assert sources.camera_backend() == cv2.CAP_ANY


def test_the_backend_can_be_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources.sys, "platform", "win32")
    monkeypatch.setenv("CHECKPOINT_CAMERA_BACKEND", "MSMF")
    assert sources.camera_backend() == cv2.CAP_MSMF
    monkeypatch.setenv("CHECKPOINT_CAMERA_BACKEND", "nonsense")  # ignored: the default
    assert sources.camera_backend() == cv2.CAP_DSHOW


def test_the_camera_is_opened_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[tuple[int, int]] = []

    class Capture:
        def __init__(self, index: int, backend: int) -> None:
            opened.append((index, backend))

        def isOpened(self) -> bool:
            return False

    monkeypatch.setattr(sources.cv2, "VideoCapture", Capture)
    monkeypatch.setattr(sources.sys, "platform", "win32")
    monkeypatch.delenv("CHECKPOINT_CAMERA_BACKEND", raising=False)
    with pytest.raises(sources.SourceError, match="no camera at index 2"):
        sources.CameraSource(2)
    assert opened == [(2, cv2.CAP_DSHOW)]
