"""Guidance hints from decode attempts: the rules, no flicker, and real images."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from synthetic import HEALTH_TEXT, frame_with_code

from checkpoint_app.scan.auto_decoder import AutoDecoder
from checkpoint_app.scan.guidance import (
    BLURRED_SHARPNESS,
    MIN_SIGHTINGS,
    WINDOW,
    Hint,
    hint_for,
    skew_ratio,
    verdict,
)
from checkpoint_app.scan.types import Candidate, Corners, DecodeAttempt, DecodedCode

SHAPE = (720, 1280, 3)


def _square(side: float, x: float = 500.0, y: float = 200.0) -> Corners:
    return ((x, y), (x + side, y), (x + side, y + side), (x, y + side))


def _seen(
    corners: Corners | None = None, size: float = 300.0, sharpness: float | None = 1.5
) -> DecodeAttempt:
    corners = corners or _square(size)
    return DecodeAttempt((), 3.0, "auto", (Candidate(corners, size),), sharpness)


NOTHING = DecodeAttempt((), 1.0, "auto")
READ = DecodeAttempt((DecodedCode("PHI1:X", _square(300), "auto:zxing-half"),), 2.0, "auto")


def test_nothing_in_view_gives_no_hint() -> None:
    assert hint_for([], SHAPE) is None
    assert hint_for([NOTHING] * WINDOW, SHAPE) is None


def test_a_code_being_read_needs_no_advice() -> None:
    assert hint_for([_seen(size=40)] * 4 + [READ], SHAPE) is Hint.NONE


def test_small_code_closer() -> None:
    small = _seen(size=0.1 * 720, sharpness=1.5)
    assert verdict(small, SHAPE) is Hint.CLOSER
    assert hint_for([small] * MIN_SIGHTINGS, SHAPE) is Hint.CLOSER
    # the same code on a smaller frame is not small
    assert verdict(small, (240, 320)) is None


def test_blurred_code_hold_still() -> None:
    blurred = _seen(sharpness=BLURRED_SHARPNESS / 2)
    assert verdict(blurred, SHAPE) is Hint.HOLD_STILL
    assert hint_for([blurred] * WINDOW, SHAPE) is Hint.HOLD_STILL
    assert verdict(_seen(sharpness=None), SHAPE) is None  # cannot tell


def test_skewed_code_tilt_less() -> None:
    skewed = ((500.0, 200.0), (560.0, 230.0), (560.0, 430.0), (500.0, 460.0))
    assert skew_ratio(Candidate(skewed, 260)) < 0.3
    assert skew_ratio(Candidate(_square(200), 200)) == pytest.approx(1.0)
    attempt = _seen(skewed, size=260, sharpness=BLURRED_SHARPNESS / 2)
    assert verdict(attempt, SHAPE) is Hint.TILT_LESS  # before "hold still"
    assert hint_for([attempt] * WINDOW, SHAPE) is Hint.TILT_LESS


def test_a_hint_needs_several_sightings() -> None:
    small = _seen(size=50)
    assert (
        hint_for([NOTHING] * (WINDOW - MIN_SIGHTINGS + 1) + [small] * (MIN_SIGHTINGS - 1), SHAPE)
        is None
    )
    assert hint_for([NOTHING, NOTHING] + [small] * MIN_SIGHTINGS, SHAPE) is Hint.CLOSER
    # only the latest WINDOW attempts count
    assert hint_for([small] * 10 + [NOTHING] * WINDOW, SHAPE) is None


def test_no_flicker_from_one_odd_frame() -> None:
    small, blurred = _seen(size=50), _seen(sharpness=0.1)
    history = [small, small, blurred, small, small]
    assert hint_for(history, SHAPE) is Hint.CLOSER
    # alternating verdicts with no majority give no hint rather than a flickering one
    assert hint_for([small, blurred, NOTHING, small, blurred], SHAPE) is None


def test_hint_values_are_stable_strings() -> None:
    assert [h.value for h in Hint] == ["none", "closer", "hold_still", "tilt_less"]


# -- from real decode attempts on synthetic frames ------------------------------------


def _attempts(frame: np.ndarray, n: int = WINDOW) -> list[DecodeAttempt]:
    auto = AutoDecoder(budget_ms=60_000)
    return [auto.decode(frame) for _ in range(n)]


def test_images_tiny_code_says_closer() -> None:
    frame, _quad = frame_with_code(HEALTH_TEXT, pitch=1.2, noise=2.0)
    attempts = _attempts(frame)
    assert not attempts[-1].codes and attempts[-1].candidates
    assert hint_for(attempts, frame.shape) is Hint.CLOSER


def test_images_defocused_code_says_hold_still() -> None:
    frame, _quad = frame_with_code(HEALTH_TEXT, pitch=4.0, noise=3.0)
    frame = np.asarray(cv2.GaussianBlur(frame, (0, 0), 3.0), np.uint8)
    assert hint_for(_attempts(frame), frame.shape) is Hint.HOLD_STILL


def test_images_steep_blurred_code_says_tilt_less() -> None:
    frame, _quad = frame_with_code(HEALTH_TEXT, pitch=4.0, tilt=65, noise=3.0)
    frame = np.asarray(cv2.GaussianBlur(frame, (0, 0), 2.0), np.uint8)
    assert hint_for(_attempts(frame), frame.shape) is Hint.TILT_LESS


def test_images_readable_code_needs_no_advice() -> None:
    frame, _quad = frame_with_code(HEALTH_TEXT, pitch=4.0)
    assert hint_for(_attempts(frame, 1), frame.shape) is Hint.NONE
