"""Image helpers shared by the decoders: input checks, regions, filters, geometry.

Everything here takes and returns NumPy arrays (``uint8`` grey unless said
otherwise) and never raises for a bad image: :func:`to_grey` is the one gate that
turns whatever a caller passes into a grey image a decoder can use, or ``None``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from checkpoint_app.scan.types import Candidate, Corners, Exposure, Image, Point

#: The smallest QR code (version 1) is 21 modules wide; an image narrower than that
#: cannot hold one even at one pixel per module.
MIN_SIDE = 21


def to_grey(image: object) -> Image | None:
    """A C-contiguous grey ``uint8`` view or copy of ``image``, or ``None``.

    Accepted: ``uint8`` arrays ``HxW`` (grey), ``HxWx1``, ``HxWx3`` (BGR) and
    ``HxWx4`` (BGRA, as some capture back-ends give). Anything else — another
    dtype, another shape, not an array, or a side shorter than :data:`MIN_SIDE` —
    gives ``None``.
    """
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        return None
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    if image.ndim == 2:
        grey = image
    elif image.ndim == 3 and image.shape[2] in (3, 4):
        if min(image.shape[:2]) < MIN_SIDE:
            return None
        code = cv2.COLOR_BGR2GRAY if image.shape[2] == 3 else cv2.COLOR_BGRA2GRAY
        grey = cv2.cvtColor(np.ascontiguousarray(image), code)
    else:
        return None
    if min(grey.shape) < MIN_SIDE:
        return None
    return np.ascontiguousarray(grey)


# -- geometry -------------------------------------------------------------------------


def quad_side(corners: Sequence[Point]) -> float:
    """The mean side length of a quadrilateral (the code's size in pixels)."""
    sides = [math.dist(corners[i], corners[(i + 1) % 4]) for i in range(4)]
    return sum(sides) / 4.0


def quad_centre(corners: Sequence[Point]) -> Point:
    return (sum(p[0] for p in corners) / 4.0, sum(p[1] for p in corners) / 4.0)


def quad_area(corners: Sequence[Point]) -> float:
    """The area of a quadrilateral (shoelace formula; 0 for a degenerate one)."""
    total = 0.0
    for i in range(4):
        x0, y0 = corners[i]
        x1, y1 = corners[(i + 1) % 4]
        total += x0 * y1 - x1 * y0
    return abs(total) / 2.0


def as_corners(points: Iterable[Sequence[float]]) -> Corners:
    p = [(float(x), float(y)) for x, y in points]
    return (p[0], p[1], p[2], p[3])


def order_clockwise(points: Sequence[Sequence[float]], start: int = 0) -> Corners:
    """Four corners out of a polygon, clockwise on screen from the top-left one.

    A polygon of more than four points is reduced to the four corners of its
    minimum-area rectangle's best matches (the polygon points nearest to it).
    ``start`` rotates the result so that corner number ``start`` (clockwise from
    the top-left) comes first — how a decoder that knows the code's orientation in
    steps of 90° says where the code's own top-left corner is.
    """
    pts = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    if len(pts) != 4:
        box = cv2.boxPoints(cv2.minAreaRect(pts))
        pts = np.array([pts[np.argmin(np.linalg.norm(pts - b, axis=1))] for b in box])
    centre = pts.mean(axis=0)
    # Clockwise on screen (y down) is increasing atan2 angle.
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]
    # The top-left corner is the one whose direction from the centre is nearest to
    # up-left (-135°).
    rel = pts - centre
    first = int(np.argmax(-(rel[:, 0] + rel[:, 1])))
    order = [(first + start + i) % 4 for i in range(4)]
    return as_corners(pts[order])


@dataclass(frozen=True, slots=True)
class Region:
    """A crop of an image, possibly rescaled: maps its points back to the image.

    A point ``(u, v)`` of the processed crop is ``(x0 + u / scale, y0 + v / scale)``
    in the original image.
    """

    x0: int
    y0: int
    x1: int
    y1: int
    scale: float = 1.0

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    def to_image(self, corners: Sequence[Sequence[float]]) -> Corners:
        s = self.scale
        return as_corners((self.x0 + x / s, self.y0 + y / s) for x, y in corners)

    def cut(self, grey: Image) -> Image:
        return grey[self.y0 : self.y1, self.x0 : self.x1]


def region_around(
    corners: Sequence[Point], shape: tuple[int, ...], margin: float, min_margin: int = 8
) -> Region:
    """The bounding box of ``corners`` grown by ``margin`` x its size, clipped to the image."""
    xs = [p[0] for p in corners]
    ys = [p[1] for p in corners]
    size = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    grow = max(margin * size, float(min_margin))
    h, w = shape[:2]
    x0 = max(0, math.floor(min(xs) - grow))
    y0 = max(0, math.floor(min(ys) - grow))
    x1 = min(w, math.ceil(max(xs) + grow) + 1)
    y1 = min(h, math.ceil(max(ys) + grow) + 1)
    return Region(x0, y0, max(x0, x1), max(y0, y1))


def merge_candidates(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Candidates without duplicates: of those whose centres lie within half a code
    of each other, the largest one stays (decoders report one symbol several times)."""
    kept: list[Candidate] = []
    for cand in sorted(candidates, key=lambda c: -c.size_px):
        cx, cy = quad_centre(cand.corners)
        if all(
            math.dist((cx, cy), quad_centre(k.corners)) > 0.5 * max(k.size_px, cand.size_px)
            for k in kept
        ):
            kept.append(cand)
    return kept


# -- filters --------------------------------------------------------------------------


def resize(grey: Image, scale: float) -> Image:
    """``grey`` scaled by ``scale``: bicubic up, area-averaged down."""
    if scale == 1.0:
        return grey
    interpolation = cv2.INTER_CUBIC if scale > 1.0 else cv2.INTER_AREA
    h, w = grey.shape[:2]
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.asarray(cv2.resize(grey, size, interpolation=interpolation), dtype=np.uint8)


def unsharp(grey: Image, sigma: float, amount: float) -> Image:
    """Unsharp mask: ``grey + amount * (grey - gaussian(grey, sigma))``, saturated."""
    blurred = cv2.GaussianBlur(grey, (0, 0), sigma)
    return np.asarray(cv2.addWeighted(grey, 1.0 + amount, blurred, -amount, 0), dtype=np.uint8)


def stretch(grey: Image) -> Image:
    """Contrast stretched so the 1st..99th percentile spans 0..255."""
    hist = cv2.calcHist([grey], [0], None, [256], [0, 256]).ravel()
    cdf = np.cumsum(hist)
    total = cdf[-1]
    lo = int(np.searchsorted(cdf, 0.01 * total))
    hi = int(np.searchsorted(cdf, 0.99 * total))
    if hi - lo < 1:
        return grey
    lut = np.clip((np.arange(256, dtype=np.float32) - lo) * (255.0 / (hi - lo)), 0, 255)
    return np.asarray(cv2.LUT(grey, lut.astype(np.uint8)), dtype=np.uint8)


def local_threshold(grey: Image, block: int, offset: float = 2.0) -> Image:
    """Adaptive mean threshold with an odd ``block`` (pixels) — black modules stay black."""
    block = max(3, block | 1)
    return np.asarray(
        cv2.adaptiveThreshold(
            grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, offset
        ),
        dtype=np.uint8,
    )


def sharpness(grey: Image, corners: Sequence[Point] | None = None) -> float:
    """How sharp a region is: variance of the Laplacian over variance of the grey levels.

    Over the bounding box of ``corners``, or the whole image. Dividing by the
    region's own contrast makes it comparable between a dim and a bright code: on
    the benchmark frames a sharp code measures 0.7-2.4, a code blurred over a
    module or more 0.3-1.1 (see :mod:`checkpoint_app.scan.guidance`); 0 for a flat
    region.
    """
    if corners is not None:
        region = region_around(corners, grey.shape, margin=0.0, min_margin=0)
        grey = region.cut(grey)
    if grey.size < 9 or min(grey.shape[:2]) < 3:
        return 0.0
    _mean, std = cv2.meanStdDev(grey)
    variance = float(std[0, 0]) ** 2
    if variance < 1.0:
        return 0.0
    # A light Gaussian first: sensor noise alone would otherwise look sharp.
    smooth = cv2.GaussianBlur(grey, (0, 0), 1.0)
    _lap_mean, lap_std = cv2.meanStdDev(cv2.Laplacian(smooth, cv2.CV_16S, ksize=3))
    return float(lap_std[0, 0]) ** 2 / variance


#: Grey level from which a pixel counts as saturated (blown out).
SATURATED_LEVEL = 250


def exposure(grey: Image, corners: Sequence[Point]) -> Exposure | None:
    """How the bounding box of ``corners`` is lit: its 5th and 95th percentile grey
    levels and its share of saturated pixels (``None`` for an empty box)."""
    region = region_around(corners, grey.shape, margin=0.0, min_margin=0)
    cut = region.cut(grey)
    if cut.size == 0:
        return None
    hist = cv2.calcHist([np.ascontiguousarray(cut)], [0], None, [256], [0, 256]).ravel()
    cdf = np.cumsum(hist)
    total = float(cdf[-1])
    dark = float(np.searchsorted(cdf, 0.05 * total))
    light = float(np.searchsorted(cdf, 0.95 * total))
    saturated = float(hist[SATURATED_LEVEL:].sum()) / total
    return Exposure(dark=dark, light=light, saturated=saturated)
