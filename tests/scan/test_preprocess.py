"""Image helpers: the input gate, geometry, filters, the texture finder and deblurring."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from synthetic import HEALTH_TEXT, coloured_code_frame, frame_with_code, inside, motion_blur

from checkpoint_app.scan.auto_candidates import coherence, textured_patches
from checkpoint_app.scan.auto_deblur import Deblurrer
from checkpoint_app.scan.preprocess import (
    Region,
    merge_candidates,
    order_clockwise,
    quad_area,
    quad_side,
    region_around,
    resize,
    sharpness,
    stretch,
    to_grey,
)
from checkpoint_app.scan.types import Candidate


def test_to_grey_accepts_the_usual_layouts_only() -> None:
    bgr = np.zeros((30, 40, 3), np.uint8)
    bgr[..., 2] = 255  # red
    assert to_grey(bgr).shape == (30, 40)  # type: ignore[union-attr]
    assert int(to_grey(bgr)[0, 0]) == 76  # type: ignore[index]  # BGR, not RGB
    assert to_grey(np.zeros((30, 40, 4), np.uint8)).shape == (30, 40)  # type: ignore[union-attr]
    assert to_grey(np.zeros((30, 40, 1), np.uint8)).shape == (30, 40)  # type: ignore[union-attr]
    fortran = np.asfortranarray(np.zeros((30, 40), np.uint8))
    assert to_grey(fortran).flags.c_contiguous  # type: ignore[union-attr]
    for bad in (
        np.zeros((30, 40), np.float32),
        np.zeros((30, 40, 2), np.uint8),
        np.zeros((20, 400), np.uint8),
        np.zeros((0, 0), np.uint8),
        np.zeros(5, np.uint8),
        None,
        "x",
    ):
        assert to_grey(bad) is None


@pytest.mark.parametrize("start", [0, 1, 2, 3])
def test_order_clockwise_from_the_top_left(start: int) -> None:
    square = [(10.0, 10.0), (50.0, 10.0), (50.0, 50.0), (10.0, 50.0)]
    shuffled = [square[2], square[0], square[3], square[1]]
    assert order_clockwise(shuffled, start) == tuple(square[start:] + square[:start])
    # a polygon of more points keeps its four extreme corners
    many = [*shuffled, (30.0, 10.0), (50.0, 30.0)]
    assert order_clockwise(many) == tuple(square)


def test_quad_measures() -> None:
    square = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))
    assert quad_side(square) == 10 and quad_area(square) == 100
    assert quad_area(((0.0, 0.0), (1.0, 1.0), (2.0, 2.0), (3.0, 3.0))) == 0


def test_region_maps_points_back_and_clips() -> None:
    region = Region(100, 50, 300, 250, scale=2.0)
    assert region.to_image([(0, 0), (20, 40), (400, 400), (2, 2)]) == (
        (100.0, 50.0),
        (110.0, 70.0),
        (300.0, 250.0),
        (101.0, 51.0),
    )
    assert (region.width, region.height) == (200, 200)
    clipped = region_around(
        ((-20.0, -20.0), (30.0, -20.0), (30.0, 30.0), (-20.0, 30.0)), (100, 100), 0.5
    )
    assert (clipped.x0, clipped.y0) == (0, 0) and clipped.x1 <= 100 and clipped.y1 <= 100


def test_merge_candidates_keeps_the_largest_of_a_place() -> None:
    big = Candidate(((0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0)), 100)
    part = Candidate(((10.0, 10.0), (60.0, 10.0), (60.0, 60.0), (10.0, 60.0)), 50)
    far = Candidate(((500.0, 0.0), (540.0, 0.0), (540.0, 40.0), (500.0, 40.0)), 40)
    assert merge_candidates([part, far, big]) == [big, far]


def test_filters_keep_shape_and_type() -> None:
    grey = (np.arange(60 * 80) % 200 + 20).astype(np.uint8).reshape(60, 80)
    assert resize(grey, 2.0).shape == (120, 160) and resize(grey, 0.5).shape == (30, 40)
    stretched = stretch(grey)
    assert stretched.dtype == np.uint8 and stretched.min() == 0 and stretched.max() == 255
    assert np.array_equal(stretch(np.full((9, 9), 7, np.uint8)), np.full((9, 9), 7, np.uint8))


def test_sharpness_falls_with_blur_not_with_contrast() -> None:
    frame, quad = frame_with_code(HEALTH_TEXT, pitch=4.0, noise=0.0)
    corners = [tuple(p) for p in quad]
    sharp = sharpness(frame, corners)
    dim = sharpness((frame // 3).astype(np.uint8), corners)
    blurred = sharpness(cv2.GaussianBlur(frame, (0, 0), 2.5), corners)
    assert blurred < 0.5 * sharp
    assert dim == pytest.approx(sharp, rel=0.15)
    assert sharpness(np.full((50, 50), 90, np.uint8)) == 0.0


# -- the texture finder ---------------------------------------------------------------


def test_texture_finds_a_small_code_and_not_stripes() -> None:
    frame, quad = frame_with_code(HEALTH_TEXT, pitch=2.0, noise=2.0, centre=(300, 400))
    # barrier tape / a 1D barcode: strong texture, all edges one way
    for x in range(800, 1100, 12):
        cv2.rectangle(frame, (x, 200), (x + 5, 500), 0, -1)
    patches = textured_patches(frame)
    assert any(inside(((p.x0 + p.x1) / 2, (p.y0 + p.y1) / 2), quad) for p in patches)
    assert not any(p.x0 >= 780 and p.x1 <= 1120 for p in patches)


def test_texture_finds_a_pale_yellow_code_by_its_colour() -> None:
    # yellow modules on a white card: about 40 grey levels apart, too little for the
    # grey texture alone, but the darkest colour channel (blue) sees the code
    frame, quad = coloured_code_frame(HEALTH_TEXT, pitch=3.1, centre=(400, 360))
    grey = to_grey(frame)
    assert grey is not None
    assert textured_patches(grey) == []
    patches = textured_patches(grey, None, frame)
    assert [p.colour for p in patches] == [True]
    assert inside(((patches[0].x0 + patches[0].x1) / 2, (patches[0].y0 + patches[0].y1) / 2), quad)
    # a grey code of the same contrast has no colour to rescue it
    dull = np.repeat(grey[:, :, None], 3, axis=2)
    assert textured_patches(grey, None, dull) == []


def test_texture_of_a_blank_frame_is_nothing() -> None:
    assert textured_patches(np.full((720, 1280), 100, np.uint8)) == []
    assert textured_patches(np.full((20, 20), 100, np.uint8)) == []


def test_coherence_tells_stripes_from_checks() -> None:
    stripes = np.tile(np.repeat([0.0, 255.0], 4), (64, 8)).astype(np.float32)
    checks = np.kron((np.indices((8, 8)).sum(0) % 2) * 255.0, np.ones((8, 8))).astype(np.float32)
    assert (
        coherence(cv2.Sobel(stripes, cv2.CV_32F, 1, 0), cv2.Sobel(stripes, cv2.CV_32F, 0, 1)) > 0.9
    )
    assert coherence(cv2.Sobel(checks, cv2.CV_32F, 1, 0), cv2.Sobel(checks, cv2.CV_32F, 0, 1)) < 0.1


# -- deblurring -----------------------------------------------------------------------


@pytest.mark.parametrize("angle", [0, 40, 90, 135])
def test_blur_estimate_finds_the_direction_and_length_of_a_smear(angle: int) -> None:
    frame, quad = frame_with_code(HEALTH_TEXT, pitch=4.0, noise=1.0)
    x0, y0 = quad.min(axis=0).astype(int) - 10
    x1, y1 = quad.max(axis=0).astype(int) + 10
    region = motion_blur(frame, 8.0, angle)[y0:y1, x0:x1]
    estimate = Deblurrer(region).estimate()
    assert min(abs(estimate.angle - angle), 180 - abs(estimate.angle - angle)) < 12
    assert estimate.coherence > 0.15
    assert 6 <= estimate.length <= 10


def test_blur_estimate_of_defocus_is_isotropic() -> None:
    frame, quad = frame_with_code(HEALTH_TEXT, pitch=4.0, noise=1.0)
    x0, y0 = quad.min(axis=0).astype(int) - 10
    x1, y1 = quad.max(axis=0).astype(int) + 10
    region = np.asarray(cv2.GaussianBlur(frame, (0, 0), 2.5), np.uint8)[y0:y1, x0:x1]
    deblurrer = Deblurrer(region)
    estimate = deblurrer.estimate()
    assert estimate.coherence < 0.15
    kinds = [name for name, _ in deblurrer.candidates(estimate)]
    assert kinds and all(k.startswith("gauss") for k in kinds)
    # deblurring sharpens: the region's sharpness rises
    _, transfer = next(iter(deblurrer.candidates(estimate)))
    assert sharpness(deblurrer.deblur(transfer)) > 1.5 * sharpness(region)
