"""Guidance hints from decode attempts: the rules, no flicker, and real images."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from synthetic import HEALTH_TEXT, Image, Quad, frame_with_code

from checkpoint_app.scan.auto_decoder import AutoDecoder
from checkpoint_app.scan.guidance import (
    BLURRED_SHARPNESS,
    DARK_LIGHT_LEVEL,
    GLARE_DARK,
    GLARE_SATURATED,
    MIN_SIGHTINGS,
    WINDOW,
    Hint,
    hint_for,
    skew_ratio,
    verdict,
)
from checkpoint_app.scan.preprocess import exposure
from checkpoint_app.scan.types import Candidate, Corners, DecodeAttempt, DecodedCode, Exposure

SHAPE = (720, 1280, 3)


def _square(side: float, x: float = 500.0, y: float = 200.0) -> Corners:
    return ((x, y), (x + side, y), (x + side, y + side), (x, y + side))


#: A well-lit code: dark modules dark, light modules light, a few blown-out pixels.
WELL_LIT = Exposure(dark=12.0, light=230.0, saturated=0.05)


def _seen(
    corners: Corners | None = None,
    size: float = 300.0,
    sharpness: float | None = 1.5,
    light: Exposure | None = WELL_LIT,
) -> DecodeAttempt:
    corners = corners or _square(size)
    return DecodeAttempt((), 3.0, "auto", (Candidate(corners, size),), sharpness, light)


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


def test_glare_needs_blown_out_pixels_and_lifted_dark_modules() -> None:
    glare = Exposure(dark=GLARE_DARK + 30, light=255.0, saturated=GLARE_SATURATED * 3)
    attempt = _seen(light=glare, sharpness=BLURRED_SHARPNESS / 2)
    assert verdict(attempt, SHAPE) is Hint.LESS_GLARE  # before "hold still"
    assert hint_for([attempt] * WINDOW, SHAPE) is Hint.LESS_GLARE
    # a bright white screen saturates too, but its dark modules stay dark
    white = Exposure(dark=10.0, light=255.0, saturated=0.4)
    assert verdict(_seen(light=white), SHAPE) is None
    # dark modules lifted by a veil without blown-out pixels is not glare either
    veil = Exposure(dark=GLARE_DARK + 30, light=240.0, saturated=GLARE_SATURATED / 4)
    assert verdict(_seen(light=veil), SHAPE) is None


def test_dark_code_more_light() -> None:
    dim = Exposure(dark=5.0, light=DARK_LIGHT_LEVEL - 30, saturated=0.0)
    attempt = _seen(light=dim, sharpness=BLURRED_SHARPNESS / 2)
    assert verdict(attempt, SHAPE) is Hint.MORE_LIGHT  # before "hold still"
    assert hint_for([attempt] * WINDOW, SHAPE) is Hint.MORE_LIGHT
    # a dark-mode code is dark overall, but its light modules are light
    dark_mode = Exposure(dark=8.0, light=200.0, saturated=0.0)
    assert verdict(_seen(light=dark_mode), SHAPE) is None
    # a small dark code: closer first (it may be dark because it is far from the screen)
    assert verdict(_seen(size=50, light=dim), SHAPE) is Hint.CLOSER


def test_one_still_image_gets_its_own_verdict() -> None:
    blurred = _seen(sharpness=BLURRED_SHARPNESS / 2)
    assert hint_for([blurred], SHAPE) is None  # a live camera waits for more sightings
    assert hint_for([blurred], SHAPE, min_sightings=1) is Hint.HOLD_STILL
    assert hint_for([NOTHING], SHAPE, min_sightings=1) is None


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
    assert [h.value for h in Hint] == [
        "none",
        "closer",
        "hold_still",
        "tilt_less",
        "more_light",
        "less_glare",
    ]


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


def _glare(frame: Image, quad: Quad, peak: float = 300.0, veil: float = 60.0) -> Image:
    """A specular highlight over the right half of the code and a veil over its card."""
    h, w = frame.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = np.mean(quad, axis=0)
    side = float(np.linalg.norm(quad[1] - quad[0]))
    spot = np.exp(
        -(((xx - cx - 0.1 * side) / (0.25 * side)) ** 2 + ((yy - cy) / (0.2 * side)) ** 2) / 2
    )
    card = np.zeros((h, w), np.float32)
    cv2.fillConvexPoly(card, np.int32(quad), 1.0)
    card = cv2.dilate(card, np.ones((41, 41), np.uint8))
    return np.clip(frame + veil * card + peak * spot, 0, 255).astype(np.uint8)


def test_images_glare_says_less_glare() -> None:
    frame, quad = frame_with_code(HEALTH_TEXT, pitch=4.0, noise=2.0)
    assert hint_for(_attempts(frame, 1), frame.shape) is Hint.NONE  # readable without it
    glared = _glare(frame, quad)
    attempts = _attempts(glared, 3)
    assert not attempts[-1].codes and attempts[-1].exposure is not None
    assert attempts[-1].exposure.saturated >= GLARE_SATURATED
    assert hint_for(attempts, glared.shape) is Hint.LESS_GLARE


def test_images_dim_defocused_code_says_more_light() -> None:
    # a dim hall: a long exposure, so the code is soft too; light comes first
    frame, quad = frame_with_code(
        HEALTH_TEXT, pitch=4.0, dark=6, light=80, background=12, noise=4.0, seed=2
    )
    frame = np.asarray(cv2.GaussianBlur(frame, (0, 0), 3.0), np.uint8)
    attempts = _attempts(frame, 3)
    assert not attempts[-1].codes and attempts[-1].candidates
    assert hint_for(attempts, frame.shape) is Hint.MORE_LIGHT
    light = exposure(frame, [tuple(p) for p in quad])
    assert light is not None and light.light < DARK_LIGHT_LEVEL


def test_exposure_measures_the_region() -> None:
    grey = np.zeros((100, 100), np.uint8)
    grey[:, 50:] = 255
    light = exposure(grey, _square(60, 20, 20))  # x 20..80: 30 dark columns, 31 white
    assert light is not None
    assert light.dark == 0 and light.light == 255
    assert light.saturated == pytest.approx(31 / 61, abs=0.02)
