"""The ``auto`` decoder: zxing-cpp on the frame, then fallbacks where a code might be.

Every step below was kept because it read codes the steps before it missed, on
the benchmark frames (``benchmarks/bench_decode.py``) or the BoofCV photographs;
the measurements are in the report of issue #3 and the README. Fallbacks run only
while the frame's time budget lasts (a step whose estimated cost would overrun it
is skipped). The budget counts the decoding thread's CPU time
(:func:`time.thread_time`), not the wall clock: what is tried on a frame does not
depend on what else the machine is doing (a busy machine makes a frame take longer,
it does not make it read less: with another process on the core and a wall-clock
budget, the blur category at 720p fell from 80 to 62 %).

1. **Fast path** — zxing-cpp on the frame halved (``INTER_AREA``), both polarities:
   most webcam codes at 720p and 1080p (3-9 px per module) read here in about a
   millisecond, dark-mode codes included, and the halving smooths noise and moire.
   Small frames (up to :data:`SMALL_FRAME_PIXELS`: 960x720, 800x600, 640x480) are
   read at full resolution too, even when the halved frame gave a code: every code
   in view, for about a millisecond more.
2. **Candidates** — where a code might be although nothing was read: symbols
   zxing-cpp found but could not decode (its finder patterns were seen), then
   square patches of fine isotropic texture (:mod:`.auto_candidates`), which is
   how blurred, tiny, moire-striped and low-contrast codes are found; a patch whose
   grey contrast falls just short counts by its darkest colour channel (a pale
   yellow code on a white card). A frame with no candidate — most frames without a
   code — returns here: that keeps them at about 1-2 ms at 720p, less than
   zxing-cpp alone on the full frame.
3. **Fallbacks** (:data:`DEFAULT_STEPS`, in order; every candidate gets a step
   before any candidate gets the next):

   ``native``   the region, enlarged so a module spans ~4 px (small codes far away);
   ``rectify``  a skewed patch or symbol warped to an upright square (steep tilt);
   ``frame``    the whole frame at full resolution (codes the candidates missed);
   ``sharp``    contrast stretch and unsharp mask (soft focus, dim);
   ``smooth``   Gaussian smoothing (moire, sensor noise);
   ``colour``   the darkest colour channel (coloured modules: yellow on white);
   ``threshold`` smoothing and a local mean threshold (glare, uneven light);
   ``frame-half-pyzbar``, ``frame-half-pyzbar-smooth``: ZBar on the halved frame,
   then on it smoothed — small frames only (:data:`SMALL_FRAME_STEPS`). ZBar
   binarises differently and reads damaged and non-compliant codes zxing-cpp
   does not (5 of the BoofCV photographs);
   ``deblur``   the smear or defocus estimated and undone (:mod:`.auto_deblur`);
   ``frame-equalised``, ``frame-equalised-global``, ``frame-enlarged``: zxing-cpp
   on the frame after CLAHE (with its local binariser, then a global histogram
   threshold), and on that enlarged twice (real photographs: bright spots, damage,
   glare).

   Optional steps (``steps=``): ``pyzbar`` (ZBar on each enlarged, sharpened
   region) and ``frame-pyzbar`` (ZBar on the full frame): at 10-25 ms a frame they
   never fitted the budget where they would have paid.

   Small textured patches (clutter, more often than codes) only get the cheap
   steps (``native``, ``sharp``), patches found by their colour those and
   ``colour``; the whole-frame steps need a candidate worth it.

No false reads: every text comes from a decoder whose Reed-Solomon error
correction succeeded (zxing-cpp's ``valid``, ZBar's decode), Micro QR and rMQR are
never searched, every step stops at the first code it reads (no second opinion is
asked for a region already read), and if two codes read in one frame overlap with
different texts, neither is reported: one of them would have to be a
miscorrection, and the next frame decides.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import cv2
import numpy as np
import zxingcpp

from checkpoint_app.scan.auto_candidates import textured_patches
from checkpoint_app.scan.auto_deblur import Deblurrer
from checkpoint_app.scan.decoders import (
    dedupe,
    empty_attempt,
    finish,
    load_pyzbar,
    read_pyzbar,
    read_zxing,
)
from checkpoint_app.scan.preprocess import (
    Region,
    as_corners,
    local_threshold,
    merge_candidates,
    quad_centre,
    region_around,
    resize,
    sharpness,
    stretch,
    to_grey,
    unsharp,
)
from checkpoint_app.scan.types import Candidate, Corners, DecodeAttempt, DecodedCode, Image

log = logging.getLogger(__name__)

#: Frames up to this many pixels (960x720 and smaller) are also read at full
#: resolution in the fast path, which costs them about a millisecond, and get the
#: whole-frame fallbacks even without a candidate; larger frames (a 720p or 1080p
#: webcam) rely on the candidates for codes too small for the halved frame, which
#: keeps frames without a code cheap. (At 500,000, two BoofCV photographs, of
#: 960x720 and 934x567, went unread that are read this way.)
SMALL_FRAME_PIXELS = 700_000
#: Default time budget per frame: no fallback starts that would end after it.
DEFAULT_BUDGET_MS = 25.0
#: Modules assumed across a candidate when choosing its enlargement (health codes
#: have 57-73, URL codes 29-45: assuming many errs towards enlarging).
ASSUMED_MODULES = 57
#: Pixels per module the enlargement aims at.
TARGET_PITCH = 4.0
MAX_UPSCALE = 3.0
#: The largest side of a region after enlargement (bounds the cost of a step).
MAX_REGION_SIDE = 900
#: Margin around a candidate, in candidate sizes: zxing-cpp's position of a symbol
#: it could not read may be a part of it; a texture patch is the code's own box.
FINDER_MARGIN = 0.35
TEXTURE_MARGIN = 0.15
#: ... and at least this many pixels: a small patch may be a fragment of a code.
MIN_MARGIN_PX = 24

#: Rough cost of the steps in milliseconds per megapixel of region they process
#: (one core of the 2-core development machine); a step is skipped when it would
#: overrun the budget.
MS_PER_MPX = {
    "native": 3.0,
    "rectify": 12.0,
    "sharp": 4.0,
    "smooth": 4.0,
    "colour": 4.0,
    "threshold": 6.0,
    "frame": 2.5,
    "frame-equalised": 7.0,
    "frame-equalised-global": 3.0,
    "frame-enlarged": 3.5,
    "frame-pyzbar": 25.0,
    "frame-half-pyzbar": 30.0,
    "frame-half-pyzbar-smooth": 30.0,
    "deblur": 70.0,
    "pyzbar": 30.0,
}
#: The fallbacks, in the order they are tried (see the module docstring).
DEFAULT_STEPS = (
    "native",
    "rectify",
    "frame",
    "sharp",
    "smooth",
    "colour",
    "threshold",
    "frame-half-pyzbar",
    "frame-half-pyzbar-smooth",
    "deblur",
    "frame-equalised",
    "frame-equalised-global",
    "frame-enlarged",
)
#: Steps on the whole frame (once per frame), the others on each candidate.
FRAME_STEPS = frozenset(
    {
        "frame",
        "frame-equalised",
        "frame-equalised-global",
        "frame-enlarged",
        "frame-pyzbar",
        "frame-half-pyzbar",
        "frame-half-pyzbar-smooth",
    }
)
#: Whole-frame steps for small frames only: ZBar on the halved frame costs 2-3 ms
#: on a 960x720 photograph, and reads damaged codes zxing-cpp does not; on a 720p
#: webcam frame it would take the 5-10 ms that deblurring needs (measured: the blur
#: category fell from 82 to 65 % at 720p with it before deblurring).
SMALL_FRAME_STEPS = frozenset({"frame-half-pyzbar", "frame-half-pyzbar-smooth"})
#: Steps tried on every candidate; the others only where zxing-cpp saw a symbol
#: (finder patterns) — in the frame or in a region by an earlier step — or on
#: textured patches of at least ``SMALL_PATCH_SIDE`` pixels: small textured clutter
#: (text, icons, barcodes, photos) is common in frames without a code and must cost
#: little, and a small code needs enlarging, which the cheap steps do.
CHEAP_STEPS = frozenset({"native", "sharp"})
SMALL_PATCH_SIDE = 96.0
#: Fixed cost of a step (milliseconds) on top of the per-pixel one.
STEP_MS = dict.fromkeys(MS_PER_MPX, 0.1) | {"deblur": 1.0}
#: Code side (pixels) a region is scaled to for deblurring: 57 modules at 4 px.
DEBLUR_SIDE = 228.0
#: Side (pixels) of the square a skewed outline is warped to.
RECTIFIED_SIDE = 240
#: Deblurring is for codes that fill a good part of the frame (a smeared small
#: code is beyond repair); it also keeps it off small textured clutter.
DEBLUR_MIN_SIDE = 100.0
#: ... and for regions that look blurred (:func:`preprocess.sharpness` on the
#: benchmark frames: sharp codes 0.7-2.4, 10th to 90th percentile; blurred 0.3-1.1).
DEBLUR_MAX_SHARPNESS = 1.3
#: At most this many kernels per region.
DEBLUR_TRIALS = 4


@dataclass(slots=True)
class _Work:
    """A candidate being worked on."""

    corners: Corners
    size: float
    margin: float
    #: zxing-cpp saw a symbol here (finder patterns): worth every fallback.
    evidence: bool = False
    #: The code's outline when known, for rectifying.
    quad: Corners | None = None
    #: An elongated textured patch: only rectifying and the cheap steps are tried.
    skewed: bool = False
    #: Only the cheap steps (a patch found by its colour contrast alone).
    cheap: bool = False
    done: bool = False


@dataclass(slots=True)
class StepRecord:
    """What one step did on one frame (kept when ``record=True``)."""

    step: str
    ms: float
    decoded: bool


def cpu_time() -> float:
    """Seconds of CPU time of the calling thread: what the budget counts."""
    return time.thread_time()


@dataclass(slots=True)
class _Frame:
    image: Image
    grey: Image
    #: Wall clock (``perf_counter``) at the start, for the attempt's ``ms``.
    start: float
    #: The end of the budget in the decoding thread's CPU time (:func:`cpu_time`).
    deadline: float
    codes: list[DecodedCode] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    trace: list[StepRecord] | None = None
    #: The candidate being worked on (a symbol zxing-cpp sees there is evidence).
    item: _Work | None = None
    #: The frame after contrast-limited histogram equalisation (CLAHE), once made.
    equalised: Image | None = None
    #: Whether the whole frame was read at full resolution already.
    full_done: bool = False
    #: The frame halved (the fast path's image), for later whole-frame steps.
    half: Image | None = None

    @property
    def small(self) -> bool:
        """A frame of at most :data:`SMALL_FRAME_PIXELS`."""
        return int(self.grey.shape[0]) * int(self.grey.shape[1]) <= SMALL_FRAME_PIXELS

    def left_ms(self) -> float:
        return (self.deadline - cpu_time()) * 1000.0


def _overlaps(a: Corners, b: Corners) -> bool:
    """Whether the centre of either quadrilateral lies in the other's bounding box."""
    for p, q in ((a, b), (b, a)):
        cx, cy = quad_centre(p)
        xs = [pt[0] for pt in q]
        ys = [pt[1] for pt in q]
        if min(xs) <= cx <= max(xs) and min(ys) <= cy <= max(ys):
            return True
    return False


def resolve_conflicts(codes: Sequence[DecodedCode]) -> list[DecodedCode]:
    """Codes without duplicates; overlapping codes with different texts are dropped."""
    unique = dedupe(codes)
    bad: set[int] = set()
    for i, a in enumerate(unique):
        for j in range(i + 1, len(unique)):
            b = unique[j]
            if a.text != b.text and _overlaps(a.corners, b.corners):
                log.warning("two decoders read different texts at one place; dropping both")
                bad.update((i, j))
    return [c for i, c in enumerate(unique) if i not in bad]


class AutoDecoder:
    """zxing-cpp first, then measured fallbacks on candidate regions within a budget.

    ``budget_ms``: no fallback starts that would end after this many milliseconds
    of the decoding thread's CPU time from the start of ``decode`` (the fast path
    always runs). ``steps``: the fallbacks to use, in order (default
    :data:`DEFAULT_STEPS`; the ZBar steps are left out when libzbar is missing or
    ``use_pyzbar`` is false). ``full_frame``: read the whole frame at full
    resolution in the fast path (default: small frames only). ``record``: keep what
    each step did in :attr:`trace` (for benchmarks).
    """

    name = "auto"

    def __init__(
        self,
        budget_ms: float = DEFAULT_BUDGET_MS,
        *,
        steps: Sequence[str] = DEFAULT_STEPS,
        use_pyzbar: bool = True,
        full_frame: bool | None = None,
        record: bool = False,
    ) -> None:
        if not budget_ms >= 0:
            raise ValueError(f"budget_ms must be a non-negative number, not {budget_ms!r}")
        unknown = [step for step in steps if step not in MS_PER_MPX]
        if unknown:
            raise ValueError(f"unknown steps {unknown}; known: {', '.join(MS_PER_MPX)}")
        self.budget_ms = float(budget_ms)
        self._pyzbar: ModuleType | None = load_pyzbar()[0] if use_pyzbar else None
        self.steps = tuple(s for s in steps if "pyzbar" not in s or self._pyzbar is not None)
        self.full_frame = full_frame
        self._clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8))
        self._record = record
        #: The steps of the last ``decode`` (only with ``record=True``).
        self.trace: list[StepRecord] = []
        self._runners: dict[str, Callable[[_Frame, _Work], bool]] = {
            "native": self._plain,
            "rectify": self._rectify,
            "sharp": self._sharp,
            "smooth": self._smooth,
            "colour": self._colour,
            "threshold": self._threshold,
            "deblur": self._deblur,
            "pyzbar": self._zbar_step,
        }

    # -- the frame --------------------------------------------------------------------

    def decode(self, image: Image) -> DecodeAttempt:
        start = time.perf_counter()
        grey = to_grey(image)
        if grey is None:
            return empty_attempt(self.name, start)
        frame = _Frame(
            image,
            grey,
            start,
            cpu_time() + self.budget_ms / 1000.0,
            trace=[] if self._record else None,
        )
        try:
            self._decode(frame)
        except Exception:  # never a traceback for an image; what was read stands
            log.exception("auto decoder failed on a %s image", getattr(image, "shape", "?"))
        if frame.trace is not None:
            self.trace = frame.trace
        return finish(self.name, start, grey, resolve_conflicts(frame.codes), frame.candidates)

    def _decode(self, frame: _Frame) -> None:
        grey = frame.grey
        h, w = grey.shape
        # 1. Fast path: the frame halved, both polarities (dark mode), then (optionally)
        #    the frame at full resolution.
        half = resize(grey, 0.5)
        frame.half = half
        scale = half.shape[1] / w
        read_half = self._zxing(frame, "zxing-half", half, Region(0, 0, w, h, scale), invert=True)
        small_frame = frame.small
        full_frame = self.full_frame if self.full_frame is not None else small_frame
        if read_half and not full_frame:
            return
        if full_frame:
            # a small frame is read whole even when the halved one gave a code: the
            # codes too small for the halving (several codes in view) cost a
            # millisecond more
            frame.full_done = True
            if self._zxing(frame, "zxing", grey, Region(0, 0, w, h), invert=False) or read_half:
                return
        # 2. Candidates: symbols seen but not read, then textured patches.
        work = [
            _Work(c.corners, c.size_px, FINDER_MARGIN, evidence=True, quad=c.corners)
            for c in merge_candidates(frame.candidates)
        ]
        t0 = time.perf_counter()
        for patch in textured_patches(grey, half, frame.image):
            corners = as_corners(patch.corners)
            if any(_overlaps(corners, item.corners) for item in work):
                continue
            if patch.quad is not None:  # skewed: only worth rectifying
                quad = as_corners(patch.quad)
                work.append(_Work(corners, patch.side, TEXTURE_MARGIN, quad=quad, skewed=True))
                # the longer side is the code's size; the shorter is foreshortened
                frame.candidates.append(Candidate(quad, patch.longest))
            else:
                work.append(_Work(corners, patch.side, TEXTURE_MARGIN, cheap=patch.colour))
                frame.candidates.append(Candidate(corners, patch.side))
        self._note(frame, "texture", t0, False)
        if not work and not small_frame:
            return
        # 3. Fallbacks, step by step across the candidates: the cheap, likely steps on
        #    every candidate before the dear ones on any.
        for step in self.steps:
            if step in FRAME_STEPS:
                # The whole frame: for a code the candidates missed, or one that needs
                # the whole picture's contrast evened out (only when something
                # code-like is in view: a symbol zxing-cpp saw, or a large patch).
                promising = small_frame or any(
                    item.evidence or (item.size >= SMALL_PATCH_SIDE and not item.cheap)
                    for item in work
                )
                if promising and self._frame_step(frame, step):
                    return
                continue
            run = self._runners[step]
            for item in work:
                if item.done or not self._worth(step, item):
                    continue
                frame.item = item
                t0 = time.perf_counter()
                item.done = run(frame, item)
                self._note(frame, f"step:{step}", t0, item.done)
            if frame.codes:
                return

    def _frame_step(self, frame: _Frame, step: str) -> bool:
        grey = frame.grey
        h, w = grey.shape
        if step in SMALL_FRAME_STEPS and not frame.small:
            return False
        scale = 2.0 if step == "frame-enlarged" else 0.5 if step in SMALL_FRAME_STEPS else 1.0
        if not self._affordable(frame, step, Region(0, 0, w, h, scale)):
            return False
        if step == "frame":
            if frame.full_done:  # the fast path read the frame at full resolution already
                return False
            # zxing-cpp's own downscaling too: it evens out moire and smears
            return self._zxing(
                frame, "zxing-full", grey, Region(0, 0, w, h), invert=False, downscale=True
            )
        if step == "frame-pyzbar":
            return self._zbar(frame, "pyzbar-full", grey, Region(0, 0, w, h))
        if step in SMALL_FRAME_STEPS:
            half = frame.half if frame.half is not None else resize(grey, 0.5)
            region = Region(0, 0, w, h, half.shape[1] / w)
            if step == "frame-half-pyzbar":
                return self._zbar(frame, "pyzbar-half", half, region)
            smooth = np.asarray(cv2.GaussianBlur(half, (0, 0), 1.0), dtype=np.uint8)
            return self._zbar(frame, "pyzbar-half-smooth", smooth, region)
        if frame.equalised is None:
            frame.equalised = np.asarray(self._clahe.apply(grey), dtype=np.uint8)
        if step == "frame-equalised":
            return self._zxing(
                frame, "zxing-full-clahe", frame.equalised, Region(0, 0, w, h), invert=True
            )
        if step == "frame-equalised-global":
            # a global threshold on the locally equalised frame: bright spots
            return self._zxing(
                frame,
                "zxing-full-clahe-global",
                frame.equalised,
                Region(0, 0, w, h),
                invert=True,
                binarizer=zxingcpp.Binarizer.GlobalHistogram,
            )
        enlarged = resize(frame.equalised, scale)
        return self._zxing(
            frame, "zxing-full-clahe-x2", enlarged, Region(0, 0, w, h, scale), invert=False
        )

    @staticmethod
    def _worth(step: str, item: _Work) -> bool:
        """Whether ``step`` is worth trying on ``item`` (see :data:`CHEAP_STEPS`)."""
        if item.skewed:
            return step == "rectify" or step in CHEAP_STEPS
        if item.cheap and not item.evidence:  # found by its colour: read it in colour too
            return step in CHEAP_STEPS or step == "colour"
        if step == "deblur":
            return item.size >= DEBLUR_MIN_SIDE
        return item.evidence or item.size >= SMALL_PATCH_SIDE or step in CHEAP_STEPS

    @staticmethod
    def _region(item: _Work, shape: tuple[int, ...], side: float | None = None) -> Region:
        """The candidate's region, scaled so the code is about ``side`` pixels wide
        (by default so a module spans :data:`TARGET_PITCH` pixels, never shrunk)."""
        box = region_around(item.corners, shape, item.margin, min_margin=MIN_MARGIN_PX)
        size = max(item.size, 1.0)
        if side is None:
            scale = min(MAX_UPSCALE, max(1.0, TARGET_PITCH * ASSUMED_MODULES / size))
        else:
            scale = min(2.0, side / size)
        longest = max(box.width, box.height)
        if longest * scale > MAX_REGION_SIDE:
            scale = MAX_REGION_SIDE / max(longest, 1)
        return Region(box.x0, box.y0, box.x1, box.y1, scale)

    @staticmethod
    def _affordable(frame: _Frame, step: str, region: Region) -> bool:
        """Whether ``step`` on ``region`` would end within the frame's budget."""
        pixels = region.width * region.height * region.scale**2
        return STEP_MS[step] + MS_PER_MPX[step] * pixels / 1e6 <= frame.left_ms()

    def _roi(self, frame: _Frame, item: _Work, step: str) -> tuple[Image, Region] | None:
        """The candidate's region, enlarged, if ``step`` on it fits in the budget."""
        region = self._region(item, frame.grey.shape)
        if not self._affordable(frame, step, region):
            return None
        return resize(region.cut(frame.grey), region.scale), region

    # -- fallback steps ---------------------------------------------------------------

    def _sharp(self, frame: _Frame, item: _Work) -> bool:
        region = self._region(item, frame.grey.shape)
        if not self._affordable(frame, "sharp", region):
            return False
        # stretched and sharpened before the enlargement: the same filter on a
        # ninth of the pixels when the region is enlarged three times
        roi = unsharp(
            stretch(region.cut(frame.grey)), sigma=max(0.8, 1.0 / region.scale), amount=1.5
        )
        return self._zxing(frame, "zxing-roi-sharp", resize(roi, region.scale), region, invert=True)

    def _plain(self, frame: _Frame, item: _Work) -> bool:
        if (prepared := self._roi(frame, item, "native")) is None:
            return False
        roi, region = prepared
        return self._zxing(frame, "zxing-roi", roi, region, invert=True)

    def _rectify(self, frame: _Frame, item: _Work) -> bool:
        """The outline warped to an upright square (a code seen at a steep angle)."""
        if item.quad is None:
            return False
        side = RECTIFIED_SIDE
        if not self._affordable(frame, "rectify", Region(0, 0, side, side)):
            return False
        src = np.array(item.quad, dtype=np.float32)
        dst = np.array([[0, 0], [side, 0], [side, side], [0, side]], dtype=np.float32)
        homography = cv2.getPerspectiveTransform(src, dst)
        square = cv2.warpPerspective(
            frame.grey,
            homography,
            (side, side),
            flags=cv2.INTER_CUBIC,
            borderMode=cv2.BORDER_REPLICATE,
        )
        t0 = time.perf_counter()
        found, _candidates = read_zxing(
            square, try_invert=True, try_downscale=False, try_rotate=False
        )
        back = np.linalg.inv(homography)
        for text, corners in found:
            pts = cv2.perspectiveTransform(np.array([corners], dtype=np.float64), back)[0]
            frame.codes.append(DecodedCode(text, as_corners(pts), "auto:zxing-rectified"))
        self._note(frame, "zxing-rectified", t0, bool(found))
        return bool(found)

    def _smooth(self, frame: _Frame, item: _Work) -> bool:
        if (prepared := self._roi(frame, item, "smooth")) is None:
            return False
        roi, region = prepared
        roi = np.asarray(cv2.GaussianBlur(roi, (0, 0), region.scale), dtype=np.uint8)
        return self._zxing(frame, "zxing-roi-smooth", roi, region, invert=True)

    def _colour(self, frame: _Frame, item: _Work) -> bool:
        image = frame.image
        if image.ndim != 3 or image.shape[2] < 3:
            return False
        region = self._region(item, frame.grey.shape)
        if not self._affordable(frame, "colour", region):
            return False
        blue, green, red = cv2.split(np.ascontiguousarray(region.cut(image)[:, :, :3]))
        darkest = np.asarray(cv2.min(cv2.min(blue, green), red), dtype=np.uint8)
        roi = stretch(resize(darkest, region.scale))
        return self._zxing(frame, "zxing-roi-colour", roi, region, invert=True)

    def _threshold(self, frame: _Frame, item: _Work) -> bool:
        if (prepared := self._roi(frame, item, "threshold")) is None:
            return False
        roi, region = prepared
        roi = np.asarray(cv2.GaussianBlur(roi, (0, 0), region.scale), dtype=np.uint8)
        roi = local_threshold(roi, block=int(16 * region.scale) + 1, offset=2.0)
        return self._zxing(frame, "zxing-roi-threshold", roi, region, invert=True)

    def _deblur(self, frame: _Frame, item: _Work) -> bool:
        region = self._region(item, frame.grey.shape, side=DEBLUR_SIDE)
        if not self._affordable(frame, "deblur", region):
            return False
        roi = resize(region.cut(frame.grey), region.scale)
        if sharpness(roi) > DEBLUR_MAX_SHARPNESS:
            return False
        t0 = time.perf_counter()
        deblurrer = Deblurrer(roi)
        estimate = deblurrer.estimate()
        trial_ms = 0.0
        for trial, (_kind, transfer) in enumerate(deblurrer.candidates(estimate)):
            # the first trial is in the step's estimate; each next one must fit as the
            # last one took
            if trial >= DEBLUR_TRIALS or (trial and frame.left_ms() < trial_ms):
                break
            t1 = cpu_time()
            sharp = deblurrer.deblur(transfer)
            if self._zxing(frame, "zxing-roi-deblur", sharp, region, invert=True):
                self._note(frame, "deblur", t0, True)
                return True
            trial_ms = (cpu_time() - t1) * 1000.0
        self._note(frame, "deblur", t0, False)
        return False

    def _zbar_step(self, frame: _Frame, item: _Work) -> bool:
        if (prepared := self._roi(frame, item, "pyzbar")) is None:
            return False
        roi, region = prepared
        roi = unsharp(roi, sigma=max(1.0, 0.8 * region.scale), amount=1.5)
        return self._zbar(frame, "pyzbar-roi-sharp", roi, region)

    # -- engines ----------------------------------------------------------------------

    def _zxing(
        self,
        frame: _Frame,
        step: str,
        img: Image,
        region: Region,
        *,
        invert: bool,
        downscale: bool = False,
        binarizer: Any = zxingcpp.Binarizer.LocalAverage,
    ) -> bool:
        t0 = time.perf_counter()
        found, candidates = read_zxing(
            img, try_invert=invert, try_downscale=downscale, try_rotate=False, binarizer=binarizer
        )
        for text, corners in found:
            frame.codes.append(DecodedCode(text, region.to_image(corners), f"auto:{step}"))
        for cand in candidates:
            corners = region.to_image(cand.corners)
            frame.candidates.append(Candidate(corners, cand.size_px / region.scale))
        if candidates and frame.item is not None:
            frame.item.evidence = True
        self._note(frame, step, t0, bool(found))
        return bool(found)

    def _zbar(self, frame: _Frame, step: str, img: Image, region: Region) -> bool:
        if self._pyzbar is None:
            return False
        t0 = time.perf_counter()
        found = read_pyzbar(self._pyzbar, np.ascontiguousarray(img))
        for text, corners in found:
            frame.codes.append(DecodedCode(text, region.to_image(corners), f"auto:{step}"))
        self._note(frame, step, t0, bool(found))
        return bool(found)

    @staticmethod
    def _note(frame: _Frame, step: str, t0: float, decoded: bool) -> None:
        if frame.trace is not None:
            frame.trace.append(StepRecord(step, (time.perf_counter() - t0) * 1000.0, decoded))
