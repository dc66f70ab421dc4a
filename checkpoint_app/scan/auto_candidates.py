"""Where a QR code might be when no decoder found one: square patches of fine texture.

A blurred, tiny or moire-striped code often leaves zxing-cpp without a single finder
pattern, so it reports nothing — not even a symbol it could not read. This finder
looks for the code's texture instead, on a quarter-resolution copy of the frame
(cheap: a few tenths of a millisecond at 720p):

1. local contrast (max - min over 3x3 pixels, i.e. 12x12 of the frame): a QR
   code, even blurred or at 1.6 px per module, is a patch where neighbouring
   pixels differ; thresholds scale down for dim frames;
2. the connected patches above two contrast levels (a code merged with its card's
   frame at the lower one stands alone at the higher) that are roughly square and
   big enough to hold a code — or, if elongated, whose outline is a filled
   quadrilateral (a code seen at a steep angle, reported with its corners). Where
   patches of the two levels overlap the first stays, but a larger one at the
   higher level is kept beside it: the lower level may have passed only a fragment
   (a corner of the phone) of what stands alone, whole, at the higher;
3. a mean contrast worth a code; a patch that falls a little short in grey
   (:data:`COLOUR_RESCUE`) counts by the contrast of its darkest colour channel
   instead: yellow modules on a white card are pale in grey, dark in blue;
4. a QR code's edges run both ways (its modules are squares), so the gradient's
   structure tensor over the patch is nearly isotropic; barcodes, stripes, barrier
   tape and lines of text are strongly oriented (coherence near 1) and are dropped
   (motion blur makes a code somewhat oriented, so large patches may be more so).

What remains is a *candidate*: the decoder tries its fallbacks there. Thresholds
are from the benchmark frames (``benchmarks/frame_synth.py``): they keep every
undecoded code in the small, moire and glare categories and most blurred ones,
and drop most texture of frames without a code.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from checkpoint_app.scan.types import Image

#: Downscaling of the texture map (from the frame).
TEXTURE_SCALE = 4
#: Local contrast (max - min over 3x3 pixels, grey levels) above which a pixel
#: counts as textured.
MIN_CONTRAST = 30
#: Mean contrast a patch needs (a code's modules differ by far more than noise).
MIN_PATCH_CONTRAST = 50.0
#: Standard deviation of a well-exposed frame's grey levels; the thresholds above
#: scale down for frames with less (never below ``MIN_RELATIVE`` of themselves).
TYPICAL_STD = 48.0
MIN_RELATIVE = 0.35
#: The smallest patch side, in frame pixels (a code of 21 modules at 1.6 px).
MIN_SIDE_PX = 32
#: The largest side ratio of a patch's bounding box (a tilted code is not square).
MAX_ELONGATION = 1.8
#: ... unless its outline is a quadrilateral (a code seen at a steep angle), up to:
MAX_SKEWED_ELONGATION = 4.0
#: How much of its quadrilateral such an outline must fill.
MIN_QUAD_FILL = 0.8
#: The largest coherence of the gradient (0 isotropic, 1 all edges one way): a
#: sharp code is isotropic (coherence < 0.1), motion blur makes it up to about 0.45;
#: patches smaller than ``SMALL_PATCH_PX`` (tiny codes, which are not smeared) must
#: be more isotropic still.
MAX_COHERENCE = 0.45
SMALL_PATCH_PX = 120
SMALL_MAX_COHERENCE = 0.2
#: The contrast thresholds, as multiples of ``MIN_CONTRAST``.
LEVELS = (1.0, 2.0)
#: A patch whose mean grey contrast is at least this share of the required one, but
#: less, still counts if its darkest colour channel has the contrast: yellow modules on
#: white (about 75 grey levels apart) measure 0.85-0.95 of it on the benchmark frames.
COLOUR_RESCUE = 0.75
#: At most this many patches, the largest and most textured first (side x contrast).
MAX_PATCHES = 3

_SQUARE3 = np.ones((3, 3), np.uint8)


@dataclass(frozen=True, slots=True)
class Patch:
    """A textured patch: its bounding box in frame pixels and how textured it is."""

    x0: int
    y0: int
    x1: int
    y1: int
    deviation: float
    coherence: float
    #: For an elongated patch, its outline as a quadrilateral (frame pixels,
    #: clockwise from the top-left on screen): a code seen at a steep angle.
    quad: tuple[tuple[float, float], ...] | None = None
    #: Found by the contrast of its darkest colour channel (a coloured code: yellow
    #: modules on white are pale in grey), not by its grey contrast.
    colour: bool = False

    @property
    def corners(self) -> tuple[tuple[float, float], ...]:
        return (
            (float(self.x0), float(self.y0)),
            (float(self.x1), float(self.y0)),
            (float(self.x1), float(self.y1)),
            (float(self.x0), float(self.y1)),
        )

    @property
    def side(self) -> float:
        """The shorter side: a code seen at an angle is foreshortened along it, and
        its modules are densest there."""
        return float(min(self.x1 - self.x0, self.y1 - self.y0))

    @property
    def longest(self) -> float:
        return float(max(self.x1 - self.x0, self.y1 - self.y0))


def coherence(gx: np.ndarray, gy: np.ndarray) -> float:
    """Coherence of the structure tensor of gradients ``gx``, ``gy`` (0..1)."""
    jxx = float(np.dot(gx.ravel(), gx.ravel()))
    jyy = float(np.dot(gy.ravel(), gy.ravel()))
    jxy = float(np.dot(gx.ravel(), gy.ravel()))
    trace = jxx + jyy
    if trace <= 0:
        return 1.0
    return float(np.sqrt((jxx - jyy) ** 2 + 4 * jxy * jxy) / trace)


def _quadrilateral(contour: np.ndarray) -> tuple[tuple[float, float], ...] | None:
    """The contour's four corners if it is (nearly) a convex quadrilateral it fills."""
    hull = cv2.convexHull(contour)
    approx = cv2.approxPolyDP(hull, 0.04 * cv2.arcLength(hull, True), True)
    if len(approx) != 4:
        return None
    area = cv2.contourArea(approx)
    if area <= 0 or cv2.contourArea(contour) < MIN_QUAD_FILL * area:
        return None
    pts = approx.reshape(4, 2).astype(np.float64) + 0.5
    centre = pts.mean(axis=0)
    order = np.argsort(np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0]))
    pts = pts[order]
    first = int(np.argmin(pts[:, 0] + pts[:, 1]))
    pts = np.roll(pts, -first, axis=0)
    return tuple((float(px), float(py)) for px, py in pts)


def _same(box: tuple[int, int, int, int], patch: Patch) -> bool:
    """Whether ``box`` and ``patch`` overlap by more than half of the smaller one."""
    ix = min(box[2], patch.x1) - max(box[0], patch.x0)
    iy = min(box[3], patch.y1) - max(box[1], patch.y0)
    if ix <= 0 or iy <= 0:
        return False
    smaller = min(
        (box[2] - box[0]) * (box[3] - box[1]), (patch.x1 - patch.x0) * (patch.y1 - patch.y0)
    )
    return ix * iy > 0.5 * smaller


def _score(patch: Patch) -> float:
    """How code-like a patch is for ranking: large and strongly textured."""
    return patch.side * patch.deviation


def _colour_contrast(image: Image, box: tuple[int, int, int, int], size: tuple[int, int]) -> float:
    """Mean local contrast of the darkest colour channel over ``box`` of the colour
    ``image``, at the texture map's scale (``size``: width, height)."""
    x0, y0, x1, y1 = box
    cut = image[y0:y1, x0:x1]
    if cut.ndim != 3 or cut.shape[2] < 3 or cut.size == 0:
        return 0.0
    small = cv2.resize(np.ascontiguousarray(cut[:, :, :3]), size, interpolation=cv2.INTER_AREA)
    darkest = cv2.min(cv2.min(small[:, :, 0], small[:, :, 1]), small[:, :, 2])
    return float(cv2.mean(cv2.morphologyEx(darkest, cv2.MORPH_GRADIENT, _SQUARE3))[0])


def textured_patches(
    grey: Image, half: Image | None = None, colour: Image | None = None
) -> list[Patch]:
    """Square-ish patches of fine isotropic texture in ``grey``, most textured first.

    ``half`` may be ``grey`` already halved (``INTER_AREA``) to save the work.
    ``colour``, the BGR frame ``grey`` came from, lets a patch whose grey contrast
    falls a little short count by the contrast of its darkest colour channel
    (:data:`COLOUR_RESCUE`): such patches are marked ``colour``.
    """
    h, w = grey.shape[:2]
    f = TEXTURE_SCALE
    qw, qh = w // f, h // f
    if qw < 8 or qh < 8:
        return []
    source = half if half is not None else grey
    quarter = cv2.resize(source, (qw, qh), interpolation=cv2.INTER_AREA)
    # Dim frames (a dark hall, a dimmed screen) have proportionally less contrast.
    _mean, std = cv2.meanStdDev(quarter)
    relative = min(1.0, max(MIN_RELATIVE, float(std[0, 0]) / TYPICAL_STD))
    contrast = cv2.morphologyEx(quarter, cv2.MORPH_GRADIENT, _SQUARE3)
    min_side = max(2, MIN_SIDE_PX // f)
    in_colour = colour is not None and colour.ndim == 3 and colour.shape[:2] == grey.shape[:2]
    patches: list[Patch] = []
    # Two levels: a code next to other texture (its card's frame, the phone's
    # edge, a hand) merges with it at the lower one and stands alone at the higher.
    for level_factor in LEVELS:
        threshold = MIN_CONTRAST * relative * level_factor
        _ret, mask = cv2.threshold(contrast, threshold, 255, cv2.THRESH_BINARY)
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, _SQUARE3)
        contours, _hierarchy = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            x, y, bw, bh = cv2.boundingRect(contour)
            if min(bw, bh) < min_side or max(bw, bh) > MAX_SKEWED_ELONGATION * min(bw, bh):
                continue
            quad = None
            if max(bw, bh) > MAX_ELONGATION * min(bw, bh):
                quad = _quadrilateral(contour)
                if quad is None:
                    continue
            needed = MIN_PATCH_CONTRAST * relative
            level = float(cv2.mean(contrast[y : y + bh, x : x + bw])[0])
            if level < COLOUR_RESCUE * needed or (level < needed and not in_colour):
                continue
            tile = quarter[y : y + bh, x : x + bw]
            coh = coherence(cv2.Sobel(tile, cv2.CV_32F, 1, 0), cv2.Sobel(tile, cv2.CV_32F, 0, 1))
            if coh > (MAX_COHERENCE if min(bw, bh) * f >= SMALL_PATCH_PX else SMALL_MAX_COHERENCE):
                continue
            box = (x * f, y * f, min(w, (x + bw) * f), min(h, (y + bh) * f))
            rescued = False
            if level < needed:
                assert colour is not None
                level = _colour_contrast(colour, box, (bw, bh))
                if level < needed:
                    continue
                rescued = True
            corners = None if quad is None else tuple((f * qx, f * qy) for qx, qy in quad)
            patch = Patch(*box, level, coh, corners, rescued)
            # One patch per place, the first found, except that a larger patch at the
            # higher level is kept beside smaller ones at the lower: they may be a
            # fragment of it (a corner of the phone) rather than the code. (Not one
            # found by its colour: that is a weaker sign than grey texture.)
            if any(_same(box, p) and (rescued or p.side >= patch.side) for p in patches):
                continue
            patches.append(patch)
    patches.sort(key=_score, reverse=True)
    return patches[:MAX_PATCHES]
