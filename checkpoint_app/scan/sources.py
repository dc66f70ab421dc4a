"""Frame sources: a camera, a video file, an image file, a folder of images.

Every source is iterated the same way (``for frame in source``) and closed with
:meth:`FrameSource.close` (or ``with``). A source that cannot be opened at all
raises :class:`SourceError` with a message saying what to do; a problem with one
item (an unreadable image in a folder, a corrupt stretch of video, a camera that
vanished) goes to the ``on_problem`` callback and the rest keeps going.

A camera is just another frame source: it blocks in ``read()``, reconnects after
being unplugged, and stops when :meth:`FrameSource.stop` is called from another
thread.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import cv2
import numpy as np

from checkpoint_app.scan.types import Frame, Image

#: Image files bigger than this are refused before decoding (a webcam frame is a few MB).
MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024
#: Decoded images with more pixels than this are refused (40 MP covers every camera here).
MAX_IMAGE_PIXELS = 40_000_000
IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".pgm", ".ppm", ".pbm", ".jp2"}
)
VIDEO_SUFFIXES = frozenset(
    {".mp4", ".avi", ".mkv", ".mov", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv"}
)


def quiet_libraries() -> None:
    """Keep OpenCV's and FFmpeg's own log lines off stderr (call before opening a source).

    A corrupt file makes them print half-cryptic lines ("moov atom not found",
    "can't read header") next to the one clear message the command line promises;
    the sources report every problem themselves. FFmpeg reads its level when OpenCV
    first opens a video with it, so this must run before that.
    """
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)


def camera_backend() -> int:
    """OpenCV's capture backend for cameras: DirectShow on Windows (Media Foundation, the
    default there, takes seconds to open many webcams and ignores the buffer size), else
    OpenCV's own choice (V4L2 on Linux, AVFoundation on macOS).
    ``CHECKPOINT_CAMERA_BACKEND`` names another (``msmf``, ``dshow``, ``v4l2``, ``any``)."""
    names = {"any": cv2.CAP_ANY, "dshow": cv2.CAP_DSHOW, "msmf": cv2.CAP_MSMF, "v4l2": cv2.CAP_V4L2}
    chosen = os.environ.get("CHECKPOINT_CAMERA_BACKEND", "").strip().lower()
    if chosen in names:
        return int(names[chosen])
    return int(cv2.CAP_DSHOW if sys.platform == "win32" else cv2.CAP_ANY)


class SourceError(Exception):
    """The source cannot be used at all; the message says what to do."""


@dataclass(frozen=True, slots=True)
class SourceProblem:
    """Something went wrong with one item; the source went on."""

    item: str
    message: str


ProblemCallback = Callable[[SourceProblem], None]


def _ignore(_problem: SourceProblem) -> None:
    pass


class FrameSource:
    """Base class: iterate for frames; ``stop()`` from any thread ends the iteration."""

    #: Frames arrive at the source's own pace (a camera, or a video paced in real time).
    live: bool = False

    def __init__(self, name: str, on_problem: ProblemCallback | None = None) -> None:
        self.name = name
        self.on_problem: ProblemCallback = on_problem or _ignore
        self._stop = threading.Event()

    @property
    def fps(self) -> float | None:
        return None

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def __iter__(self) -> Iterator[Frame]:
        raise NotImplementedError

    def close(self) -> None:
        self.stop()

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def read_image(path: Path) -> Image:
    """Read one image file (any path, also non-ASCII on Windows); ``SourceError`` if it is not one."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    if size > MAX_IMAGE_FILE_BYTES:
        raise SourceError(f"{path} is larger than {MAX_IMAGE_FILE_BYTES // 2**20} MB")
    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if image is None:
        raise SourceError(f"{path} is not an image OpenCV can read")
    if image.shape[0] * image.shape[1] > MAX_IMAGE_PIXELS:
        raise SourceError(f"{path} has more than {MAX_IMAGE_PIXELS} pixels")
    return np.ascontiguousarray(image, dtype=np.uint8)


class ImageFileSource(FrameSource):
    """One image file: one frame whose item is the file's path."""

    def __init__(self, path: Path, on_problem: ProblemCallback | None = None) -> None:
        super().__init__(str(path), on_problem)
        self.path = path
        self._image = read_image(path)  # fail at open: an unreadable single image is bad input

    def __iter__(self) -> Iterator[Frame]:
        if not self.stopped:
            yield Frame(self._image, 0, str(self.path))


def _natural_key(path: Path) -> list[Any]:
    """``img2`` before ``img10``: digit runs compare as numbers."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


class ImageFolderSource(FrameSource):
    """The images of a folder in natural name order (``frame2`` before ``frame10``).

    Hidden files are skipped; a file that is not a readable image is reported through
    ``on_problem`` and skipped.
    """

    def __init__(self, folder: Path, on_problem: ProblemCallback | None = None) -> None:
        super().__init__(str(folder), on_problem)
        try:
            entries = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
        except OSError as exc:
            raise SourceError(f"cannot list {folder}: {exc.strerror or exc}") from None
        self.paths = sorted(entries, key=_natural_key)

    def __iter__(self) -> Iterator[Frame]:
        index = 0
        for path in self.paths:
            if self.stopped:
                return
            try:
                image = read_image(path)
            except SourceError as exc:
                self.on_problem(SourceProblem(str(path), str(exc)))
                continue
            yield Frame(image, index, str(path))
            index += 1


class VideoFileSource(FrameSource):
    """A video file, frame by frame; ``realtime=True`` paces it like a live camera."""

    def __init__(
        self, path: Path, on_problem: ProblemCallback | None = None, *, realtime: bool = False
    ) -> None:
        super().__init__(str(path), on_problem)
        self.path = path
        self.live = realtime
        self._capture = cv2.VideoCapture(str(path))
        if not self._capture.isOpened():
            self._capture.release()
            raise SourceError(
                f"{path}: cannot open the video (corrupt, or a codec this OpenCV lacks)"
            )
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        self._fps = fps if fps and 1 <= fps <= 240 else 30.0
        count = self._capture.get(cv2.CAP_PROP_FRAME_COUNT)
        self.frame_count = int(count) if count and count > 0 else None

    @property
    def fps(self) -> float:
        return self._fps

    def __iter__(self) -> Iterator[Frame]:
        start = time.monotonic()
        index = 0
        while not self.stopped:
            ok, image = self._capture.read()
            if not ok or image is None:
                if self.frame_count is not None and index < self.frame_count - 1:
                    self.on_problem(
                        SourceProblem(
                            str(index),
                            f"{self.path}: the video ends early at frame {index} of "
                            f"{self.frame_count} (damaged file?)",
                        )
                    )
                return
            timestamp = index / self._fps
            if self.live:  # paced like a camera: the timestamp is when the frame "arrives"
                timestamp += start
                delay = timestamp - time.monotonic()
                if delay > 0 and self._stop.wait(delay):
                    return
            yield Frame(np.ascontiguousarray(image, dtype=np.uint8), index, str(index), timestamp)
            index += 1

    def close(self) -> None:
        super().close()
        self._capture.release()


class CameraSource(FrameSource):
    """A camera by index; reconnects after the camera is unplugged and plugged back.

    Opening fails with :class:`SourceError` when no camera answers at that index. After
    that, a camera that stops delivering frames is reported once through
    ``on_problem`` and reopened with a growing pause (0.5 s up to 5 s) until it is
    back or the source is stopped.
    """

    live = True

    def __init__(
        self,
        index: int,
        on_problem: ProblemCallback | None = None,
        *,
        width: int = 1280,
        height: int = 720,
        capture_factory: Callable[[int], Any] | None = None,
    ) -> None:
        super().__init__(f"camera:{index}", on_problem)
        self.index = index
        self._size = (width, height)
        self._factory = capture_factory or self._open_capture
        self._capture = self._factory(index)
        if self._capture is None or not self._capture.isOpened():
            raise SourceError(
                f"no camera at index {index}: plug one in, or scan from a video file or an image"
            )
        self.reconnects = 0

    def _open_capture(self, index: int) -> Any:
        capture = cv2.VideoCapture(index, camera_backend())
        if capture.isOpened():
            capture.set(cv2.CAP_PROP_FRAME_WIDTH, self._size[0])
            capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self._size[1])
            capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not a queue of old ones
        return capture

    @property
    def fps(self) -> float | None:
        fps = self._capture.get(cv2.CAP_PROP_FPS) if self._capture is not None else 0
        return float(fps) if fps and fps > 0 else None

    def _reconnect(self) -> bool:
        self.on_problem(
            SourceProblem(self.name, f"{self.name} stopped sending frames; reconnecting")
        )
        pause = 0.5
        while not self.stopped:
            if self._capture is not None:
                self._capture.release()
            self._capture = self._factory(self.index)
            if self._capture is not None and self._capture.isOpened():
                ok, _ = self._capture.read()
                if ok:
                    self.reconnects += 1
                    self.on_problem(SourceProblem(self.name, f"{self.name} is back"))
                    return True
            if self._stop.wait(pause):
                break
            pause = min(pause * 2, 5.0)
        return False

    def __iter__(self) -> Iterator[Frame]:
        index = 0
        while not self.stopped:
            ok, image = self._capture.read() if self._capture is not None else (False, None)
            if not ok or image is None:
                if self.stopped or not self._reconnect():
                    return
                continue
            yield Frame(
                np.ascontiguousarray(image, dtype=np.uint8), index, str(index), time.monotonic()
            )
            index += 1

    def close(self) -> None:
        super().close()
        if self._capture is not None:
            self._capture.release()


_CAMERA = re.compile(r"camera:(\d{1,3})\Z")


def open_source(
    spec: str, on_problem: ProblemCallback | None = None, *, realtime: bool = False
) -> FrameSource:
    """Open ``camera:N``, a video file, an image file or a folder of images."""
    if match := _CAMERA.match(spec):
        return CameraSource(int(match[1]), on_problem)
    if spec.startswith("camera:"):
        raise SourceError(f"{spec!r}: a camera is camera:N with N its index, e.g. camera:0")
    path = Path(os.path.expanduser(spec))
    if path.is_dir():
        return ImageFolderSource(path, on_problem)
    if not path.exists():
        raise SourceError(f"{spec}: no such file or folder")
    if not path.is_file():
        raise SourceError(f"{spec}: not a file or folder")
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return ImageFileSource(path, on_problem)
    if suffix in VIDEO_SUFFIXES:
        return VideoFileSource(path, on_problem, realtime=realtime)
    # unknown suffix: an image if OpenCV can decode it, else try it as a video
    try:
        return ImageFileSource(path, on_problem)
    except SourceError:
        return VideoFileSource(path, on_problem, realtime=realtime)
