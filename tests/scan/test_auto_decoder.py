"""The ``auto`` decoder: codes raw zxing-cpp misses, where they are, and its rules.

Every case here is built so that plain zxing-cpp (the ``zxing`` decoder, the
library's defaults) misses it; the test asserts that too, so a case that stops
exercising the fallbacks is noticed. Budgets are generous: what is tested is what
the fallbacks can read, never how fast (timing is the benchmark's business).
"""

from __future__ import annotations

import sys
import time
from typing import Any

import cv2
import numpy as np
import pytest
from shared_paths import PROJECT_ROOT
from synthetic import (
    HEALTH_TEXT,
    SHORT_TEXT,
    centre,
    coloured_code_frame,
    frame_with_code,
    inside,
    motion_blur,
)

from checkpoint_app.scan.auto_decoder import (
    DEFAULT_STEPS,
    AutoDecoder,
    resolve_conflicts,
)
from checkpoint_app.scan.decoders import load_pyzbar, make_decoder
from checkpoint_app.scan.types import DecodedCode, Image

GENEROUS_MS = 60_000.0


def _auto(**options: object) -> AutoDecoder:
    return AutoDecoder(budget_ms=GENEROUS_MS, record=True, **options)  # type: ignore[arg-type]


def _zxing_reads(image: Image, text: str) -> bool:
    return any(c.text == text for c in make_decoder("zxing").decode(image).codes)


def _auto_reads(image: Image, text: str, quad: np.ndarray) -> str:
    """The path that read ``text`` (asserting it is read once, where the code is)."""
    attempt = _auto().decode(image)
    assert [c.text for c in attempt.codes] == [text], attempt
    (code,) = attempt.codes
    assert inside(centre(code.corners), quad), (code.corners, quad)
    return code.decoder


def test_dark_mode_code() -> None:
    frame, quad = frame_with_code(HEALTH_TEXT, pitch=4.0, dark=230, light=25, background=40)
    # (zxing-cpp reads this one too, with its try_invert; auto must not lose it.)
    assert _auto_reads(frame, HEALTH_TEXT, quad) == "auto:zxing-half"


@pytest.mark.parametrize("seed", range(3))
def test_small_blurred_code_far_away(seed: int) -> None:
    # A 25-module code 53 px wide (2.1 px per module) in a 1280x720 frame, slightly
    # out of focus: plain zxing-cpp reads nothing; auto finds the textured patch,
    # enlarges it 3x and reads it.
    frame, quad = frame_with_code(
        SHORT_TEXT, pitch=2.1, seed=seed, noise=3.0, centre=(400 + 40 * seed, 300 + 10 * seed)
    )
    frame = np.asarray(cv2.GaussianBlur(frame, (0, 0), 1.1), np.uint8)
    assert 50 < np.ptp(quad[:, 0]) < 56
    assert not _zxing_reads(frame, SHORT_TEXT)
    assert _auto_reads(frame, SHORT_TEXT, quad).startswith("auto:zxing-roi")


@pytest.mark.parametrize("angle", [0, 30, 75, 120])
def test_code_smeared_by_a_moving_hand(angle: int) -> None:
    # A health code at 4 px per module smeared over 8 px (two modules): plain
    # zxing-cpp reads nothing (not even with the sharpening fallbacks); auto
    # estimates the smear's direction and length and undoes it (Wiener filter).
    frame, quad = frame_with_code(HEALTH_TEXT, pitch=4.0, seed=angle, noise=3.0)
    frame = motion_blur(frame, 8.0, angle)
    assert not _zxing_reads(frame, HEALTH_TEXT)
    assert _auto_reads(frame, HEALTH_TEXT, quad) == "auto:zxing-roi-deblur"


def test_out_of_focus_code() -> None:
    # Gaussian blur of 0.6 modules: plain zxing-cpp reads nothing; auto deconvolves.
    frame, quad = frame_with_code(HEALTH_TEXT, pitch=4.0, noise=3.0)
    frame = np.asarray(cv2.GaussianBlur(frame, (0, 0), 2.5), np.uint8)
    assert not _zxing_reads(frame, HEALTH_TEXT)
    assert _auto_reads(frame, HEALTH_TEXT, quad) == "auto:zxing-roi-deblur"


def test_code_seen_at_a_steep_angle() -> None:
    # Tilted 70°: plain zxing-cpp reads nothing; auto reads the enlarged region.
    frame, quad = frame_with_code(HEALTH_TEXT, pitch=4.0, tilt=70)
    assert not _zxing_reads(frame, HEALTH_TEXT)
    assert _auto_reads(frame, HEALTH_TEXT, quad).startswith("auto:zxing-")


@pytest.mark.parametrize("pitch", [2.8, 3.4])
def test_pale_yellow_code_is_found_by_its_colour(pitch: float) -> None:
    # A "yellow code": too little grey contrast for zxing-cpp's binariser and for the
    # grey texture finder; the darkest colour channel finds it and reads it.
    frame, quad = coloured_code_frame(HEALTH_TEXT, pitch=pitch, centre=(400, 360))
    assert not _zxing_reads(frame, HEALTH_TEXT)
    assert _auto_reads(frame, HEALTH_TEXT, quad) == "auto:zxing-roi-colour"


def test_a_small_frame_gives_every_code_in_view() -> None:
    # 640x480 (a common webcam): a code read in the halved frame, and one too fine for
    # the halving (2.2 px per module) beside it; both are reported.
    big, big_quad = frame_with_code(SHORT_TEXT, pitch=5.0, size=(640, 480), centre=(170, 240))
    fine, fine_quad = frame_with_code(HEALTH_TEXT, pitch=2.2, size=(640, 480), centre=(470, 240))
    frame = np.where(np.abs(fine.astype(int) - 120) > 8, fine, big).astype(np.uint8)
    attempt = _auto().decode(frame)
    by_text = {c.text: c for c in attempt.codes}
    assert set(by_text) == {SHORT_TEXT, HEALTH_TEXT}
    assert inside(centre(by_text[SHORT_TEXT].corners), big_quad)
    assert inside(centre(by_text[HEALTH_TEXT].corners), fine_quad)
    assert by_text[SHORT_TEXT].decoder == "auto:zxing-half"
    # a 720p frame stops at the first read: the candidates need no look
    wide, _ = frame_with_code(SHORT_TEXT, pitch=5.0)
    auto = _auto()
    auto.decode(wide)
    assert [r.step for r in auto.trace] == ["zxing-half"]


def test_the_budget_counts_cpu_time_not_waiting() -> None:
    # A machine busy with something else: every zxing-cpp call here also waits 30 ms
    # (wall time) without using the CPU. The fallbacks still run (the budget counts
    # the decoding thread's CPU time), so the small code is read as on an idle machine.
    class Waiting(AutoDecoder):
        def _zxing(self, *args: Any, **kwargs: Any) -> bool:
            time.sleep(0.03)
            return super()._zxing(*args, **kwargs)

    frame, quad = frame_with_code(SHORT_TEXT, pitch=2.1, noise=3.0, centre=(400, 300))
    frame = np.asarray(cv2.GaussianBlur(frame, (0, 0), 1.1), np.uint8)
    attempt = Waiting(budget_ms=25.0).decode(frame)
    assert [c.text for c in attempt.codes] == [SHORT_TEXT]
    assert attempt.codes[0].decoder.startswith("auto:zxing-roi")
    assert inside(centre(attempt.codes[0].corners), quad)
    assert attempt.ms > 50  # two calls at least: the wall clock ran past the budget


@pytest.mark.skipif(load_pyzbar()[0] is None, reason="libzbar is not installed")
def test_zbar_on_the_halved_frame_only_for_small_frames() -> None:
    # A code beyond repair: every fallback is tried; ZBar on the whole halved frame
    # only where that is cheap (a small frame).
    for size, expected in (((1280, 720), False), ((800, 600), True)):
        frame, _quad = frame_with_code(HEALTH_TEXT, pitch=4.0, size=size, noise=3.0)
        frame = np.asarray(cv2.GaussianBlur(frame, (0, 0), 3.5), np.uint8)
        auto = _auto()
        assert auto.decode(frame).codes == ()
        steps = [r.step for r in auto.trace]
        assert ("pyzbar-half" in steps and "pyzbar-half-smooth" in steps) is expected, steps


def test_corners_come_back_to_the_input_pixels_after_enlarging() -> None:
    frame, quad = frame_with_code(SHORT_TEXT, pitch=2.1, noise=3.0, centre=(1000, 500))
    frame = np.asarray(cv2.GaussianBlur(frame, (0, 0), 1.1), np.uint8)
    (code,) = _auto().decode(frame).codes
    assert code.decoder.startswith("auto:zxing-roi")
    assert max(np.hypot(*np.subtract(code.corners, quad).T)) < 4


def test_a_frame_without_candidates_stops_after_the_fast_path() -> None:
    auto = _auto()
    frame = np.full((720, 1280), 128, np.uint8)
    attempt = auto.decode(frame)
    assert attempt.codes == () and attempt.candidates == () and attempt.sharpness is None
    assert [r.step for r in auto.trace] == ["zxing-half", "texture"]


def test_unread_candidates_are_reported_with_sharpness() -> None:
    # Smeared over 4 modules: beyond repair, but seen.
    frame, quad = frame_with_code(HEALTH_TEXT, pitch=4.0, noise=3.0)
    frame = np.asarray(cv2.GaussianBlur(frame, (0, 0), 3.0), np.uint8)
    attempt = _auto().decode(frame)
    assert attempt.codes == ()
    assert attempt.candidates and inside(centre(attempt.candidates[0].corners), quad)
    assert attempt.sharpness is not None and attempt.sharpness < 1.0
    assert attempt.exposure is not None  # a white card, dark modules: well lit
    assert attempt.exposure.light > 150 and attempt.exposure.saturated < 0.05


def test_zero_budget_still_runs_the_fast_path() -> None:
    frame, _quad = frame_with_code(HEALTH_TEXT, pitch=4.0)
    auto = AutoDecoder(budget_ms=0, record=True)
    assert [c.text for c in auto.decode(frame).codes] == [HEALTH_TEXT]
    small, _ = frame_with_code(SHORT_TEXT, pitch=2.1, noise=3.0)
    small = np.asarray(cv2.GaussianBlur(small, (0, 0), 1.1), np.uint8)
    assert auto.decode(small).codes == ()  # no time for any fallback
    engines = [r.step for r in auto.trace if not r.step.startswith("step:")]
    assert engines == ["zxing-half", "texture"]


def test_steps_are_configurable_and_checked() -> None:
    assert _auto(steps=("native",)).steps == ("native",)
    have_zbar = load_pyzbar()[0] is not None
    assert AutoDecoder().steps == tuple(s for s in DEFAULT_STEPS if have_zbar or "pyzbar" not in s)
    with_zbar = ("native", "pyzbar", "frame-pyzbar")
    assert AutoDecoder(steps=with_zbar, use_pyzbar=False).steps == ("native",)
    with pytest.raises(ValueError, match="unknown steps"):
        AutoDecoder(steps=("native", "magic"))
    # Without the deblurring step the smeared code stays unread: the step is what
    # reads it (and the others do not).
    frame, _quad = frame_with_code(HEALTH_TEXT, pitch=4.0, seed=30, noise=3.0)
    frame = motion_blur(frame, 8.0, 30)
    steps = tuple(s for s in DEFAULT_STEPS if s != "deblur")
    assert _auto(steps=steps).decode(frame).codes == ()


def test_overlapping_codes_with_different_texts_are_both_dropped() -> None:
    square = ((0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0))
    shifted = ((5.0, 5.0), (105.0, 5.0), (105.0, 105.0), (5.0, 105.0))
    far = ((500.0, 0.0), (600.0, 0.0), (600.0, 100.0), (500.0, 100.0))
    a = DecodedCode("PHI1:A", square, "auto:zxing-half")
    a_again = DecodedCode("PHI1:A", shifted, "auto:zxing-roi")
    b = DecodedCode("PHI1:B", shifted, "auto:pyzbar-full")
    c = DecodedCode("PHI1:C", far, "auto:zxing-half")
    assert resolve_conflicts([a, a_again, c]) == [a, c]
    assert resolve_conflicts([a, b, c]) == [c]


# -- never below zxing-cpp as it comes --------------------------------------------------


@pytest.mark.parametrize(
    ("category", "index", "size"),
    [
        ("colour", 1, (1280, 720)),  # pale yellow codes: no grey texture, read by colour
        ("colour", 15, (1280, 720)),
        ("colour", 15, (1920, 1080)),
        ("rotation", 35, (1280, 720)),  # a fragment of the phone used to hide the code
    ],
)
def test_benchmark_frames_raw_zxing_reads_are_read(
    category: str, index: int, size: tuple[int, int]
) -> None:
    # Frames of the decoder benchmark where zxing-cpp as it comes (full frame, its
    # defaults) read the code and auto, once, did not.
    sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))
    import bench_decode
    import frame_synth

    frame = frame_synth.make_frame(category, index, seed=0, size=size)
    raw_ok, raw_false = bench_decode.judge_frame(
        bench_decode.RawZxing().decode(frame.image), frame.truth
    )
    assert raw_ok and not raw_false
    ok, false = bench_decode.judge_frame(AutoDecoder().decode(frame.image), frame.truth)
    assert ok and not false
