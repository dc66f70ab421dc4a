"""The frame pipeline: dropping not queuing, debounce, counters, failures that don't stop it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import numpy as np
from synthetic import HEALTH_TEXT, SHORT_TEXT, frame_with_code

from checkpoint_app.scan.auto_decoder import AutoDecoder
from checkpoint_app.scan.guidance import Hint
from checkpoint_app.scan.pipeline import (
    Debouncer,
    FramePipeline,
    LatestFrameMailbox,
    ScanResult,
    decode_all,
    percentile,
)
from checkpoint_app.scan.sources import FrameSource, SourceProblem
from checkpoint_app.scan.types import DecodeAttempt, DecodedCode, Frame, Image

CORNERS = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))


def _frame(index: int, value: int = 0) -> Frame:
    return Frame(np.full((8, 8), value, dtype=np.uint8), index, str(index), time.monotonic())


class PixelDecoder:
    """Test double: a frame whose first pixel is v > 0 "shows" the code ``code-v``."""

    name = "pixel"

    def __init__(self, delay_s: float = 0.0, fail_on: int | None = None) -> None:
        self.delay_s = delay_s
        self.fail_on = fail_on
        self.seen: list[int] = []

    def decode(self, image: Image) -> DecodeAttempt:
        start = time.perf_counter()
        value = int(image[0, 0])
        self.seen.append(value)
        if value == self.fail_on:
            raise RuntimeError("decoder bug")
        if self.delay_s:
            time.sleep(self.delay_s)
        codes = (DecodedCode(f"code-{value}", CORNERS, self.name),) if value else ()
        return DecodeAttempt(codes, (time.perf_counter() - start) * 1000, self.name)


class TimedSource(FrameSource):
    """A live source: given pixel values, one frame every ``interval`` seconds."""

    live = True

    def __init__(
        self, values: list[int], interval: float = 1 / 30, fail_after: int | None = None
    ) -> None:
        super().__init__("timed")
        self.values = values
        self.interval = interval
        self.fail_after = fail_after

    def __iter__(self) -> Iterator[Frame]:
        for index, value in enumerate(self.values):
            if self.stopped:
                return
            if index == self.fail_after:
                raise OSError("USB error")
            time.sleep(self.interval)
            yield _frame(index, value)


def _run(
    source: FrameSource, decoder: PixelDecoder, **kwargs: object
) -> tuple[FramePipeline, list[ScanResult], list[SourceProblem]]:
    results: list[ScanResult] = []
    problems: list[SourceProblem] = []
    pipeline = FramePipeline(source, decoder, results.append, on_problem=problems.append, **kwargs)  # type: ignore[arg-type]
    pipeline.start()
    assert pipeline.join(timeout=20)
    return pipeline, results, problems


def test_mailbox_keeps_only_the_newest_frame() -> None:
    box = LatestFrameMailbox()
    for i in range(5):
        box.put(_frame(i))
    assert box.dropped == 4
    taken = box.take(0)
    assert taken is not None and taken.index == 4
    assert box.take(0.01) is None
    box.close()
    assert box.closed


def test_mailbox_close_wakes_a_waiting_take() -> None:
    box = LatestFrameMailbox()
    got: list[object] = []
    thread = threading.Thread(target=lambda: got.append(box.take()))
    thread.start()
    time.sleep(0.05)
    box.close()
    thread.join(2)
    assert got == [None]


def test_debouncer_refreshes_while_in_view() -> None:
    debounce = Debouncer(3.0)
    assert debounce.accept("a", 0.0)
    assert not debounce.accept("a", 2.0)
    assert not debounce.accept("a", 4.5)  # still in view: refreshed at 2.0
    assert debounce.accept("b", 4.6)
    assert debounce.accept("a", 8.0)  # gone for more than the window


def test_slow_decoder_drops_frames_and_never_falls_behind() -> None:
    values = [7] * 60  # two seconds of one code at 30 fps
    decoder = PixelDecoder(delay_s=0.1)
    start = time.monotonic()
    pipeline, results, _ = _run(TimedSource(values), decoder)
    elapsed = time.monotonic() - start
    stats = pipeline.stats
    assert stats.frames_in == 60
    assert stats.dropped > 30  # most frames were dropped, none queued
    assert len(decoder.seen) + stats.dropped == 60
    assert elapsed < 2.0 + 0.5  # finished with the source, not 6 s of queued decoding
    assert len(results) == 1  # the same code in view: one scan
    assert results[0].code.text == "code-7" and results[0].latency_s is not None


def test_each_new_code_is_a_scan_and_counters_add_up() -> None:
    values = [0, 1, 1, 1, 0, 2, 2, 0, 1]
    decoder = PixelDecoder()
    pipeline, results, _ = _run(TimedSource(values, interval=0.02), decoder, debounce_s=0.05)
    assert [r.code.text for r in results] == ["code-1", "code-2", "code-1"]
    assert pipeline.stats.frames_decoded == len([v for v in decoder.seen if v])
    assert len(pipeline.stats.decode_ms) == len(decoder.seen)


def test_verification_is_attached() -> None:
    from checkpoint_app.domain.results import CodeFormat, OtherResult, Verification

    def verify(text: str) -> Verification:
        return Verification(CodeFormat.UNKNOWN, OtherResult.NOT_A_HEALTH_CODE)

    _, results, _ = _run(TimedSource([3]), PixelDecoder(), verify=verify)
    assert (
        results[0].verification is not None
        and results[0].verification.result == "NOT_A_HEALTH_CODE"
    )


def test_failing_source_is_reported_and_the_pipeline_ends() -> None:
    finished = threading.Event()
    _pipeline, results, problems = _run(
        TimedSource([5, 5, 5, 5], fail_after=2), PixelDecoder(), on_finished=finished.set
    )
    assert finished.is_set()
    assert any("USB error" in p.message for p in problems)
    assert [r.code.text for r in results] == ["code-5"]


def test_decoder_error_is_counted_and_the_pipeline_goes_on() -> None:
    pipeline, results, problems = _run(
        TimedSource([4, 6, 6], interval=0.05), PixelDecoder(fail_on=4)
    )
    assert pipeline.stats.errors == 1
    assert [r.code.text for r in results] == ["code-6"]
    assert "decoder error" in problems[0].message


def test_stop_ends_a_camera_that_never_ends() -> None:
    class Endless(TimedSource):
        def __iter__(self) -> Iterator[Frame]:
            index = 0
            while not self.stopped:
                time.sleep(0.01)
                yield _frame(index, 0)
                index += 1

    pipeline = FramePipeline(Endless([]), PixelDecoder(), lambda r: None)
    pipeline.start()
    time.sleep(0.2)
    pipeline.stop()
    assert pipeline.join(timeout=5)
    assert pipeline.stats.frames_in > 5


def test_hints_are_reported_when_they_change() -> None:
    hints: list[object] = []

    def advise(attempts: object, shape: tuple[int, ...]) -> str | None:
        last = attempts[-1]  # type: ignore[index]
        return None if last.codes else "closer"

    _run(
        TimedSource([0, 0, 9, 9, 0], interval=0.05),
        PixelDecoder(),
        on_hint=hints.append,
        advise=advise,
    )
    assert hints == ["closer", None, "closer"]


class ImageSource(FrameSource):
    """A live source showing the given images, one every ``interval`` seconds."""

    live = True

    def __init__(self, images: list[Image], interval: float) -> None:
        super().__init__("images")
        self.images = images
        self.interval = interval

    def __iter__(self) -> Iterator[Frame]:
        for index, image in enumerate(self.images):
            if self.stopped:
                return
            time.sleep(self.interval)
            yield Frame(image, index, str(index), time.monotonic())


def test_guidance_is_on_by_default() -> None:
    # a health code far away (under 1 px per module), then a code held close enough
    far, _ = frame_with_code(HEALTH_TEXT, pitch=0.6, size=(640, 360))
    near, _ = frame_with_code(SHORT_TEXT, pitch=4.0, size=(640, 360))
    hints: list[object] = []
    results: list[ScanResult] = []
    pipeline = FramePipeline(
        ImageSource([far] * 4 + [near] * 2, interval=0.12),
        AutoDecoder(budget_ms=60.0),
        results.append,
        on_hint=hints.append,
    )
    pipeline.start()
    assert pipeline.join(timeout=20)
    assert hints == [Hint.CLOSER, Hint.NONE]
    assert pipeline.hint is Hint.NONE
    assert [r.code.text for r in results] == [SHORT_TEXT]


def test_preview_is_throttled() -> None:
    previews: list[Frame] = []
    _run(
        TimedSource([0] * 30, interval=0.01),
        PixelDecoder(),
        on_preview=previews.append,
        preview_hz=10,
    )
    assert 1 <= len(previews) <= 6  # 0.3 s of frames at most 10 a second


def test_decode_all_takes_every_frame_in_order() -> None:
    decoder = PixelDecoder()
    out = list(decode_all([_frame(i, v) for i, v in enumerate([1, 1, 0, 2])], decoder))
    assert [len(a.codes) for _, a in out] == [1, 1, 0, 1]
    assert decoder.seen == [1, 1, 0, 2]  # no dropping, no debounce


def test_percentile() -> None:
    assert percentile([], 95) is None
    assert percentile([5.0], 95) == 5.0
    assert percentile([float(i) for i in range(1, 101)], 95) == 95.0
