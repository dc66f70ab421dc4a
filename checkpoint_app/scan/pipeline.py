"""The frame pipeline: camera thread → latest-frame mailbox → decoder thread → debounce →
verification → result callback.

Frames are dropped, never queued: the camera thread overwrites the one-slot mailbox,
and the decoder always takes the newest frame, so a slow decode can never make the
scanner fall behind the camera. The same text seen again within the debounce window
is one scan. Callbacks run on the pipeline's threads; the GUI's glue (``ui/``)
forwards them to the GUI thread.

For files scanned frame by frame (``checkpoint-app scan`` without ``--realtime``)
there is :func:`decode_all`: every frame, in order, no dropping, no debounce.
"""

from __future__ import annotations

import logging
import math
import statistics
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from checkpoint_app.domain.results import Verification
from checkpoint_app.scan.guidance import Hint, hint_for
from checkpoint_app.scan.sources import FrameSource, SourceProblem
from checkpoint_app.scan.types import DecodeAttempt, DecodedCode, Decoder, Frame, Image

log = logging.getLogger(__name__)

DEFAULT_DEBOUNCE_SECONDS = 3.0
DEFAULT_PREVIEW_HZ = 15.0
#: How many recent decode times the statistics keep (median and p95 over these).
STATS_WINDOW = 2000


class LatestFrameMailbox:
    """A one-slot mailbox: ``put`` overwrites, ``take`` returns the newest frame.

    Every overwritten frame counts as dropped. ``close`` wakes a waiting ``take``,
    which then returns the last frame if there is one, else ``None``.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._frame: Frame | None = None
        self._closed = False
        self.dropped = 0

    def put(self, frame: Frame) -> None:
        with self._cond:
            if self._frame is not None:
                self.dropped += 1
            self._frame = frame
            self._cond.notify()

    def take(self, timeout: float | None = None) -> Frame | None:
        with self._cond:
            self._cond.wait_for(lambda: self._frame is not None or self._closed, timeout)
            frame, self._frame = self._frame, None
            return frame

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        with self._cond:
            return self._closed and self._frame is None


class Debouncer:
    """The same text within ``window_s`` seconds of its last sighting is one scan.

    A code held in front of the camera keeps refreshing its sighting, so it is
    reported once however long it stays; it is reported again once it has been out
    of sight for the window.
    """

    def __init__(self, window_s: float = DEFAULT_DEBOUNCE_SECONDS) -> None:
        self.window_s = window_s
        self._seen: dict[str, float] = {}

    def accept(self, text: str, now: float) -> bool:
        last = self._seen.get(text)
        self._seen[text] = now
        if len(self._seen) > 256:  # forget codes long gone
            self._seen = {t: s for t, s in self._seen.items() if now - s <= self.window_s}
        return last is None or now - last > self.window_s


@dataclass
class PipelineStats:
    """Counters of a pipeline run (read them from any thread; they only grow)."""

    frames_in: int = 0
    frames_decoded: int = 0
    codes: int = 0
    scans: int = 0
    dropped: int = 0
    errors: int = 0
    decode_ms: deque[float] = field(default_factory=lambda: deque(maxlen=STATS_WINDOW))

    def ms_median(self) -> float | None:
        return statistics.median(self.decode_ms) if self.decode_ms else None

    def ms_p95(self) -> float | None:
        return percentile(list(self.decode_ms), 95)


def percentile(values: Sequence[float], pct: float) -> float | None:
    """The ``pct`` percentile by nearest rank (``None`` for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1))
    return ordered[rank]


@dataclass(frozen=True, slots=True)
class ScanResult:
    """One scan: a newly seen code, where and when, and its verification."""

    frame_index: int
    item: str
    code: DecodedCode
    ms: float
    #: Seconds from the frame's capture (its timestamp on the source's clock) to now,
    #: for live sources; ``None`` for files.
    latency_s: float | None
    verification: Verification | None = None


def decode_all(source: Iterable[Frame], decoder: Decoder) -> Iterator[tuple[Frame, DecodeAttempt]]:
    """Every frame of a file source in order, decoded: no dropping, no debounce."""
    for frame in source:
        yield frame, decoder.decode(frame.image)


Advice = Callable[[Sequence[DecodeAttempt], tuple[int, ...]], Any]


class FramePipeline:
    """Runs a frame source and a decoder on two threads of their own.

    Callbacks (all optional but ``on_result``), called on the pipeline's threads:

    - ``on_result(ScanResult)`` — a new scan (after debounce and verification);
    - ``on_hint(hint)`` — guidance for the traveller changed: a
      :class:`~checkpoint_app.scan.guidance.Hint` to show ("closer", "hold still",
      "tilt less", "more light", "less glare"; ``Hint.NONE`` while a code is being
      read), or ``None`` to clear it. ``advise`` computes it from the recent decode
      attempts after every decoded frame (default
      :func:`~checkpoint_app.scan.guidance.hint_for`); :attr:`hint` is the latest;
    - ``on_problem(SourceProblem)`` — the source or the decoder had a problem; the
      pipeline goes on;
    - ``on_preview(Frame)`` — at most ``preview_hz`` times a second, for the preview;
    - ``on_finished()`` — the source ended (end of a video) or the pipeline stopped.
    """

    def __init__(
        self,
        source: FrameSource,
        decoder: Decoder,
        on_result: Callable[[ScanResult], None],
        *,
        verify: Callable[[str], Verification] | None = None,
        on_hint: Callable[[Any], None] | None = None,
        advise: Advice | None = hint_for,
        on_problem: Callable[[SourceProblem], None] | None = None,
        on_preview: Callable[[Frame], None] | None = None,
        on_finished: Callable[[], None] | None = None,
        debounce_s: float = DEFAULT_DEBOUNCE_SECONDS,
        preview_hz: float = DEFAULT_PREVIEW_HZ,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.decoder = decoder
        self.stats = PipelineStats()
        self._mailbox = LatestFrameMailbox()
        self._debounce = Debouncer(debounce_s)
        self._on_result = on_result
        self._verify = verify
        self._on_hint = on_hint
        self._advise = advise
        self._on_problem = on_problem or (lambda problem: None)
        self._on_preview = on_preview
        self._on_finished = on_finished
        self._preview_interval = 1.0 / preview_hz if preview_hz > 0 else float("inf")
        self._clock = clock
        self._recent: deque[DecodeAttempt] = deque(maxlen=8)
        self._hint: Hint | Any = None
        self._camera_thread = threading.Thread(target=self._camera_loop, name="camera", daemon=True)
        self._decoder_thread = threading.Thread(
            target=self._decoder_loop, name="decoder", daemon=True
        )
        source.on_problem = self._problem

    # -- control ------------------------------------------------------------------

    def start(self) -> None:
        self._camera_thread.start()
        self._decoder_thread.start()

    def stop(self) -> None:
        """Ask both threads to finish (returns at once; ``join`` waits)."""
        self.source.stop()
        self._mailbox.close()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for both threads; ``True`` if they ended."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in (self._camera_thread, self._decoder_thread):
            if thread.is_alive() or thread.ident is not None:
                remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
                thread.join(remaining)
        return not (self._camera_thread.is_alive() or self._decoder_thread.is_alive())

    @property
    def hint(self) -> Hint | Any:
        """The latest guidance (``None`` when there is nothing to say)."""
        return self._hint

    @property
    def running(self) -> bool:
        return self._camera_thread.is_alive() or self._decoder_thread.is_alive()

    # -- threads ------------------------------------------------------------------

    def _problem(self, problem: SourceProblem) -> None:
        try:
            self._on_problem(problem)
        except Exception:  # a broken callback must not kill the camera thread
            log.exception("on_problem callback failed")

    def _camera_loop(self) -> None:
        last_preview = float("-inf")
        try:
            for frame in self.source:
                self.stats.frames_in += 1
                self._mailbox.put(frame)
                self.stats.dropped = self._mailbox.dropped
                if self._on_preview is not None:
                    now = self._clock()
                    if now - last_preview >= self._preview_interval:
                        last_preview = now
                        self._on_preview(frame)
        except Exception as exc:  # the source failed: report it, never a traceback
            log.exception("frame source failed")
            self._problem(SourceProblem(self.source.name, f"the frame source failed: {exc}"))
        finally:
            self._mailbox.close()

    def _decoder_loop(self) -> None:
        try:
            while True:
                frame = self._mailbox.take(timeout=0.5)
                if frame is None:
                    if self._mailbox.closed:
                        break
                    continue
                self._process(frame)
        finally:
            self.stats.dropped = self._mailbox.dropped
            if self._on_finished is not None:
                self._on_finished()

    def _process(self, frame: Frame) -> None:
        try:
            attempt = self.decoder.decode(frame.image)
        except Exception as exc:  # decoders promise not to raise; if one does, go on
            self.stats.errors += 1
            log.exception("decoder %s failed", getattr(self.decoder, "name", "?"))
            self._problem(SourceProblem(frame.item, f"decoder error: {exc}"))
            return
        self.stats.decode_ms.append(attempt.ms)
        self._recent.append(attempt)
        if attempt.codes:
            self.stats.frames_decoded += 1
            self.stats.codes += len(attempt.codes)
        self._update_hint(frame.image)
        now = self._clock()
        for code in attempt.codes:
            if not self._debounce.accept(code.text, now):
                continue
            self.stats.scans += 1
            verification = self._verify(code.text) if self._verify is not None else None
            latency = now - frame.timestamp if self.source.live and frame.timestamp else None
            self._on_result(
                ScanResult(frame.index, frame.item, code, attempt.ms, latency, verification)
            )

    def _update_hint(self, image: Image) -> None:
        if self._advise is None:
            return
        try:
            hint = self._advise(list(self._recent), tuple(image.shape))
        except Exception:  # advice is a nicety: never let it stop the scanning
            log.exception("advise failed")
            return
        if hint != self._hint:
            self._hint = hint
            if self._on_hint is not None:
                self._on_hint(hint)
