"""Frame sources: files, folders, videos, cameras (through a capture double), bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from checkpoint_app.scan.sources import (
    CameraSource,
    ImageFileSource,
    ImageFolderSource,
    SourceError,
    SourceProblem,
    VideoFileSource,
    open_source,
)


def _image(value: int, size: tuple[int, int] = (48, 64)) -> np.ndarray:
    return np.full((*size, 3), value, dtype=np.uint8)


def _write_video(path: Path, frames: int, fps: float = 30.0) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (64, 48))
    assert writer.isOpened()
    for i in range(frames):
        writer.write(_image(i * 8 % 256))
    writer.release()


def test_image_file(tmp_path: Path) -> None:
    path = tmp_path / "one.png"
    cv2.imwrite(str(path), _image(200))
    frames = list(ImageFileSource(path))
    assert len(frames) == 1 and frames[0].item == str(path) and frames[0].image.shape == (48, 64, 3)


def test_unreadable_image_file_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    with pytest.raises(SourceError, match="not an image"):
        open_source(str(path))


def test_folder_in_natural_order_skipping_non_images(tmp_path: Path) -> None:
    for name in ("frame10.png", "frame2.png", "frame1.png"):
        cv2.imwrite(str(tmp_path / name), _image(10))
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / ".hidden.png").write_bytes(b"junk")
    (tmp_path / "sub").mkdir()
    problems: list[SourceProblem] = []
    source = open_source(str(tmp_path), problems.append)
    assert isinstance(source, ImageFolderSource)
    frames = list(source)
    assert [Path(f.item).name for f in frames] == ["frame1.png", "frame2.png", "frame10.png"]
    assert [f.index for f in frames] == [0, 1, 2]
    assert len(problems) == 1 and "notes.txt" in problems[0].item


def test_video_file_frame_by_frame(tmp_path: Path) -> None:
    path = tmp_path / "clip.avi"
    _write_video(path, 12)
    source = open_source(str(path))
    assert isinstance(source, VideoFileSource) and not source.live
    frames = list(source)
    source.close()
    assert [f.item for f in frames] == [str(i) for i in range(12)]
    assert frames[3].timestamp == pytest.approx(3 / 30)


def test_realtime_video_is_paced(tmp_path: Path) -> None:
    import time

    path = tmp_path / "clip.avi"
    _write_video(path, 9, fps=30)
    with open_source(str(path), realtime=True) as source:
        assert source.live
        start = time.monotonic()
        count = sum(1 for _ in source)
        elapsed = time.monotonic() - start
    assert count == 9
    assert elapsed >= 8 / 30 * 0.9  # paced like a camera, not read as fast as possible


def test_corrupt_video_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.mp4"
    path.write_bytes(np.random.default_rng(1).integers(0, 256, 20_000, dtype=np.uint8).tobytes())
    with pytest.raises(SourceError, match="cannot open the video"):
        open_source(str(path))


def test_truncated_video_reports_and_keeps_the_good_frames(tmp_path: Path) -> None:
    path = tmp_path / "clip.avi"
    _write_video(path, 30)
    data = path.read_bytes()
    cut = tmp_path / "cut.avi"
    cut.write_bytes(data[: len(data) // 2])
    problems: list[SourceProblem] = []
    try:
        source = open_source(str(cut), problems.append)
    except SourceError:
        return  # this OpenCV refuses the damaged file at open: also a clear message
    frames = list(source)
    source.close()
    assert 0 < len(frames) < 30


@pytest.mark.parametrize(
    ("spec", "message"),
    [("camera:x", "camera:N"), ("/no/such/file.png", "no such file"), ("camera:", "camera:N")],
)
def test_bad_specs(spec: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        open_source(spec)


class _Capture:
    """A stand-in for cv2.VideoCapture: a scripted list of reads."""

    def __init__(self, reads: list[bool], opened: bool = True) -> None:
        self.reads = list(reads)
        self.opened = opened
        self.released = False

    def isOpened(self) -> bool:
        return self.opened

    def read(self) -> tuple[bool, Any]:
        ok = self.reads.pop(0) if self.reads else False
        return ok, (_image(1) if ok else None)

    def get(self, _prop: int) -> float:
        return 30.0

    def release(self) -> None:
        self.released = True


def test_camera_absent_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="no camera at index 3"):
        CameraSource(3, capture_factory=lambda i: _Capture([], opened=False))


def test_camera_unplugged_then_back_reconnects() -> None:
    captures = [
        _Capture([True, True, False]),  # unplugged after two frames
        _Capture([], opened=False),  # still unplugged at the first retry
        _Capture([True, True, True]),  # back (one read is spent checking it)
    ]
    problems: list[SourceProblem] = []
    camera = CameraSource(0, problems.append, capture_factory=lambda i: captures.pop(0))
    frames = []
    for frame in camera:
        frames.append(frame)
        if len(frames) == 4:
            camera.stop()
    assert camera.reconnects == 1
    assert [f.index for f in frames] == [0, 1, 2, 3]
    assert "reconnecting" in problems[0].message and "is back" in problems[-1].message


def test_camera_stop_during_reconnect_ends_iteration() -> None:
    problems: list[SourceProblem] = []
    camera = CameraSource(
        0,
        problems.append,
        capture_factory=lambda i: _Capture([True, False]) if not problems else _Capture([], False),
    )
    camera._stop.wait = lambda timeout=None: (camera.stop(), True)[1]  # type: ignore[method-assign]
    assert len(list(camera)) == 1
