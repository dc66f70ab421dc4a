"""The ``auto`` decoder: codes raw zxing-cpp misses, where they are, and its rules.

Every case here is built so that plain zxing-cpp (the ``zxing`` decoder, the
library's defaults) misses it; the test asserts that too, so a case that stops
exercising the fallbacks is noticed. Budgets are generous: what is tested is what
the fallbacks can read, never how fast (timing is the benchmark's business).
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from synthetic import (
    HEALTH_TEXT,
    SHORT_TEXT,
    centre,
    frame_with_code,
    inside,
    motion_blur,
)

from checkpoint_app.scan.auto_decoder import (
    DEFAULT_STEPS,
    AutoDecoder,
    resolve_conflicts,
)
from checkpoint_app.scan.decoders import make_decoder
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
    assert AutoDecoder().steps == DEFAULT_STEPS
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
