"""Synthetic webcam frames of a phone showing a QR code, for the decoder benchmark.

Every frame is a function of ``(seed, category, index, size)`` only: the same
arguments give byte-identical images on the same machine and library versions
(a :class:`numpy.random.Generator` seeded from a :class:`numpy.random.SeedSequence`
of those four values drives every random choice; OpenCV and the JPEG codec are
deterministic). Changing ``--frames-per-category`` therefore never changes the
frames it keeps.

The scene
---------
* **Payload** (the ground truth): 70 % PHI1-like texts, ``"PHI1:"`` + Base45 of
  200–260 random bytes behind a zlib header (305–395 characters; QR versions
  9–15, 53–77 modules), error correction L/M/Q (mostly M); 30 % URL-style texts
  (45–103 characters, versions 3–10), error correction M/Q/H. Rendered with
  ``zxingcpp.create_barcode`` (the module matrix, no quiet zone) and drawn with
  2–4 modules of quiet zone, as health-code apps do (not always the standard 4).
* **Background**: a hall drawn at half resolution: wall/floor gradient, floor
  tiles in perspective, ceiling lights, windows and doors, posters with text,
  red-and-white barrier tape, people, the traveller's face (often masked) and
  shoulders behind the phone, low-frequency texture; Gaussian blur sigma 1–4 px
  (out of focus).
* **Phone**: dark (or light) rounded body with a bezel, held by a hand (palm
  under a bottom corner, thumb over one edge, fingers on the other); the screen
  (white, or a dark UI in 20 %) shows a status bar, an app header, the holder's
  masked name, the QR on a card framed in the status colour (green, yellow or
  red), the status in words, a time, buttons and grey text.
* **Placement**: a pinhole camera (horizontal field of view 62–78°, a laptop
  webcam) looks at the phone plane, tilted about a random in-plane axis and
  rolled; a random position is drawn and the distance along that ray solved so
  that the code has the category's module pitch (sqrt(projected code area) /
  modules, in frame pixels). The code lies wholly inside the frame (6 px margin),
  the phone need not. The texture is warped at 2x supersampling and
  area-downsampled (a pixel integrates its area).
* **Camera**: optics blur (Gaussian sigma 0.45–0.8 px at any size: the lens suits
  its sensor), Bayer mosaic (BGGR) with per-photosite white balance (+-8 %),
  exposure (x0.9–1.08) and vignetting (10–30 % at the corners), shot noise
  (variance k x signal, k 0.2–0.8) and read noise (sigma 1.5–4 levels), 8-bit
  quantisation, tone curve (gamma 0.92–1.08), demosaicing, unsharp-mask
  sharpening (amount 0.2–0.7), then JPEG at quality 72–92 (a webcam's MJPG).

The categories
--------------
Pitches are px per module at 720p, scaled by height / 720 at other sizes (same
scene, finer sensor), except ``small``'s, which are frame pixels at every size (a
1080p camera sees the code at that pitch from further away). Each category
changes only what it names from the defaults of ``nominal``.

``nominal``      pitch 3.0–6.0, tilt |N(0, 12°)| <= 25°, roll +-20°.
``small``        pitch 2.1–3.1: URL codes 60–150 px wide, PHI1 codes 110–240 px;
                 tilt <= 20°. zxing-cpp fails below about 2.3 px per module.
``perspective``  tilt 35–55° about a random in-plane axis, roll +-30°, pitch
                 3.0–5.5 (the near side coarser, the far side finer); off-axis
                 positions add their own obliquity.
``rotation``     roll anywhere in 0–360°, tilt <= 20°.
``blur``         one of: linear motion blur (length 0.7–2.1 modules, any
                 direction; 50 %), defocus disk (radius 0.45–1.05 modules; 25 %),
                 Gaussian (sigma 0.22–0.62 modules; 25 %).
``glare``        a specular highlight on the glass near the code (Gaussian ellipse
                 centred within +-0.45 code widths of its centre, axes 0.1–0.3 and
                 0.06–0.2 code widths, peak +100–260 levels: it saturates) plus a
                 veil of +20–80 levels over the whole screen.
``dim``          exposure x0.12–0.3, analogue gain x1.6–3.2 (amplifying read noise
                 sigma 2–4 and shot noise k 0.4–1), screen at 55–80 % brightness,
                 gamma 0.8–1.1.
``noise``        shot noise k 3–9 and read noise sigma 10–22 levels; pitch 3.5–6.
``jpeg``         JPEG quality 10–30, and in half the frames once more at 15–40
                 (a re-encoded stream); pitch 3.0–5.5.
``moire``        the LCD's sub-pixel grid -- R, G, B stripes (8 % leakage) and a
                 dark gap row (30 % of the pixel height) -- at a screen-pixel period
                 of 0.75–1.35 camera px, evaluated per supersample so that it
                 aliases into moire (colour moire via the Bayer mosaic too), plus
                 rolling-shutter PWM banding (period 40–160 px, depth 10–30 %);
                 pitch 3.5–8 (the phone close to the lens).
``inverted``     dark mode: light modules (215–255) on a near-black card (0–28).
``colour``       modules in the status colour (green, yellow x2, red) or blue on
                 a white (60 %) or pale tinted card: low luminance contrast
                 (yellow on white: about 75 grey levels).
``none``         no code (index modulo 7): a chat screen; a decoy (a real QR symbol
                 with its finder and timing patterns kept and 45 % of the other
                 modules flipped); a 1D barcode or Data Matrix screen; a photo
                 gallery; no phone; a phone with its screen off; a printed page
                 with text and stripes. Decoders being QR-only, any code read
                 here is a false read.

Ground truth: the text and the code's four outer corners (top-left, top-right,
bottom-right, bottom-left as the code is oriented) in frame pixels where pixel
``(i, j)`` covers ``[i, i+1) x [j, j+1)``; ``None`` for ``none`` frames.

Video clips (:func:`render_clip`, :func:`write_clip`): the same scene, the phone
entering the frame from a side or the bottom, moving 0.5–1.2 s with motion blur
along its velocity (exposure 40–100 % of a frame), settling with a damped
wobble and hand tremor; ground truth per frame (code fully visible or not, its
corners).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
import zxingcpp

Image = npt.NDArray[np.uint8]
FloatImage = npt.NDArray[np.float32]
Point = tuple[float, float]
Quad = tuple[Point, Point, Point, Point]

CODE_CATEGORIES: tuple[str, ...] = (
    "nominal",
    "small",
    "perspective",
    "rotation",
    "blur",
    "glare",
    "dim",
    "noise",
    "jpeg",
    "moire",
    "inverted",
    "colour",
)
NO_CODE = "none"
CATEGORIES: tuple[str, ...] = (*CODE_CATEGORIES, NO_CODE)
RESOLUTIONS: dict[str, tuple[int, int]] = {"720p": (1280, 720), "1080p": (1920, 1080)}

#: Supersampling factor of the phone warp.
_SS = 2
_B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

# Status colours (BGR) of health-code apps: green, yellow, red.
_STATUS = {
    "green": (25, 173, 26),
    "yellow": (0, 181, 247),
    "red": (64, 67, 230),
}
_APP_COLOURS = [(255, 119, 22), (180, 130, 0), (60, 160, 20), (200, 90, 40), (40, 40, 200)]
_WORDS = [
    "Health",
    "Code",
    "Valid",
    "Scan",
    "Name",
    "ID",
    "Updated",
    "Nucleic",
    "acid",
    "test",
    "Negative",
    "Vaccination",
    "doses",
    "Travel",
    "card",
    "Refresh",
    "Help",
    "Checkpoint",
    "Passed",
    "Hubei",
    "Wuhan",
    "Station",
    "Entry",
    "Exit",
    "Records",
    "Service",
    "Office",
    "Hours",
    "Today",
    "Message",
    "Photo",
    "Album",
    "Settings",
    "Account",
    "Notice",
    "Please",
    "show",
]


# --- payloads ----------------------------------------------------------------------


def b45encode(data: bytes) -> str:
    """Base45 (RFC 9285)."""
    out: list[str] = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        n, c = divmod(n, 45)
        e, d = divmod(n, 45)
        out += [_B45[c], _B45[d], _B45[e]]
    if len(data) % 2:
        e, d = divmod(data[-1], 45)
        out += [_B45[d], _B45[e]]
    return "".join(out)


def make_payload(rng: np.random.Generator) -> tuple[str, str]:
    """A realistic health-code text and its QR error-correction level."""
    if rng.random() < 0.7:
        n = int(rng.integers(200, 261))
        body = b"\x78\xda" + rng.bytes(n - 2)  # compressed data looks random
        return "PHI1:" + b45encode(body), str(rng.choice(["L", "M", "M", "M", "Q"]))
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    b32 = "abcdefghijklmnopqrstuvwxyz234567"
    b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

    def pick(alphabet: str, lo: int, hi: int) -> str:
        k = int(rng.integers(lo, hi + 1))
        return "".join(alphabet[int(i)] for i in rng.integers(0, len(alphabet), k))

    style = int(rng.integers(0, 3))
    if style == 0:
        text = (
            f"https://jkm.example.gov.cn/v1/qr?c={pick(b32, 26, 26)}&t={pick('0123456789', 10, 10)}"
        )
    elif style == 1:
        text = f"HTTPS://HC.EXAMPLE.CN/C/{pick(alnum, 20, 32)}"
    else:
        text = f"https://m.health.example.org/hc#{pick(b64, 40, 72)}"
    return text, str(rng.choice(["M", "Q", "H"]))


def qr_matrix(text: str, ec_level: str) -> npt.NDArray[np.bool_]:
    """The QR symbol's modules (True = dark), without quiet zone."""
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level=ec_level)
    img = np.asarray(barcode.to_image(scale=1, add_quiet_zones=False))
    return np.asarray(img < 128)


# --- ground truth ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FrameTruth:
    """What a frame shows: the code's text and corners (``None`` on ``none`` frames)."""

    category: str
    index: int
    seed: int
    size: tuple[int, int]
    text: str | None
    corners: Quad | None
    #: Modules per side of the symbol, and the achieved pitch (px per module).
    modules: int | None = None
    pitch: float | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SynthFrame:
    image: Image = field(repr=False)
    truth: FrameTruth


# --- geometry ----------------------------------------------------------------------


def _rotation(roll_deg: float, tilt_deg: float, tilt_dir_deg: float) -> npt.NDArray[np.float64]:
    d = math.radians(tilt_dir_deg)
    axis = np.array([[math.cos(d)], [math.sin(d)], [0.0]]) * math.radians(tilt_deg)
    tilt, _ = cv2.Rodrigues(axis)
    c, s = math.cos(math.radians(roll_deg)), math.sin(math.radians(roll_deg))
    roll = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    return np.asarray(roll @ tilt, dtype=np.float64)


@dataclass(slots=True)
class _Pose:
    """The phone plane's pose; plane units are texture pixels, origin at the code centre."""

    rot: npt.NDArray[np.float64]
    trans: npt.NDArray[np.float64]
    focal: float
    cx: float
    cy: float

    def project(self, pts: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], Any]:
        p3 = np.c_[pts, np.zeros(len(pts))] @ self.rot.T + self.trans
        z = p3[:, 2]
        uv = self.focal * p3[:, :2] / np.maximum(z, 1e-6)[:, None] + [self.cx, self.cy]
        return uv, z

    def homography(self, origin: Point) -> npt.NDArray[np.float64]:
        """Texture (edge coordinates) -> frame (edge coordinates)."""
        k = np.array([[self.focal, 0, self.cx], [0, self.focal, self.cy], [0, 0, 1.0]])
        rt = np.c_[self.rot[:, 0], self.rot[:, 1], self.trans]
        shift = np.array([[1, 0, -origin[0]], [0, 1, -origin[1]], [0, 0, 1.0]])
        h = k @ rt @ shift
        return np.asarray(h / h[2, 2], dtype=np.float64)


def _quad_area(q: npt.NDArray[np.float64]) -> float:
    x, y = q[:, 0], q[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def _place(
    rng: np.random.Generator,
    size: tuple[int, int],
    code_half: float,
    tex_corners: npt.NDArray[np.float64],
    modules: int,
    pitch: float,
    roll: float,
    tilt: float,
    tilt_dir: float,
    hfov: float,
    centre: Point | None = None,
    margin: float = 6.0,
) -> _Pose:
    """Solve the distance for ``pitch`` and pick a position with the code inside the frame."""
    w, h = size
    focal = (w / 2) / math.tan(math.radians(hfov) / 2)
    rot = _rotation(roll, tilt, tilt_dir)
    code = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=np.float64) * code_half
    z0 = focal * (2 * code_half / modules) / pitch
    if centre is not None:
        candidates = [centre]
    else:
        candidates = [(float(rng.uniform(0, w)), float(rng.uniform(0, h))) for _ in range(40)]
        candidates.append((w / 2, h / 2))
    best: _Pose | None = None
    for u, v in candidates:
        ray = np.array([(u - w / 2) / focal, (v - h / 2) / focal, 1.0])
        z = z0
        for _ in range(4):  # solve the distance along this ray for the pitch
            pose = _Pose(rot, ray * z, focal, w / 2, h / 2)
            uv, _zs = pose.project(code)
            z *= math.sqrt(_quad_area(uv)) / modules / pitch
        pose = _Pose(rot, ray * z, focal, w / 2, h / 2)
        uv, _zs = pose.project(code)
        _, ztex = pose.project(tex_corners)
        if ztex.min() < 0.15 * z:
            continue
        best = pose
        if _inside(uv, size, margin):
            return pose
    if best is None:
        best = _Pose(rot, np.array([0.0, 0.0, z0]), focal, w / 2, h / 2)
    return best


def _inside(corners: npt.NDArray[np.float64], size: tuple[int, int], margin: float) -> bool:
    w, h = size
    return bool(
        corners[:, 0].min() >= margin
        and corners[:, 1].min() >= margin
        and corners[:, 0].max() <= w - margin
        and corners[:, 1].max() <= h - margin
    )


# --- background --------------------------------------------------------------------


def _rand_colour(rng: np.random.Generator, lo: int, hi: int) -> tuple[int, int, int]:
    c = rng.integers(lo, hi + 1, 3)
    return int(c[0]), int(c[1]), int(c[2])


def _text_lines(
    img: Image,
    rng: np.random.Generator,
    x0: int,
    y0: int,
    width: int,
    line_h: int,
    n: int,
    colour: tuple[int, int, int],
) -> None:
    scale = max(line_h / 40.0, 0.2)
    thick = max(1, round(line_h / 18))
    font = cv2.FONT_HERSHEY_SIMPLEX
    for i in range(n):
        words = [str(rng.choice(_WORDS)) for _ in range(int(rng.integers(2, 6)))]
        while len(words) > 1 and cv2.getTextSize(" ".join(words), font, scale, thick)[0][0] > width:
            words.pop()
        y = y0 + (i + 1) * line_h
        cv2.putText(img, " ".join(words), (x0, y), font, scale, colour, thick, cv2.LINE_AA)


def _background(rng: np.random.Generator, size: tuple[int, int], person: bool = True) -> FloatImage:
    w, h = size
    w2, h2 = w // 2, h // 2
    wall = rng.uniform(110, 215, 3) * (1 + rng.uniform(-0.12, 0.12, 3))
    floor = wall * rng.uniform(0.45, 0.8)
    horizon = int(h2 * rng.uniform(0.55, 0.8))
    t = np.linspace(0.0, 1.0, h2, dtype=np.float32)[:, None, None]
    img = np.empty((h2, w2, 3), np.float32)
    img[:horizon] = (wall * (1.08 - 0.2 * t[:horizon] / max(t[horizon], 1e-3))).astype(np.float32)
    img[horizon:] = floor.astype(np.float32)
    img8 = np.clip(img, 0, 255).astype(np.uint8)
    # floor tiles: lines to a vanishing point on the horizon, and their crossings
    if rng.random() < 0.7:
        vx = int(w2 * rng.uniform(0.2, 0.8))
        tile = tuple(int(c) for c in np.clip(floor * 0.8, 0, 255))
        for x in range(-w2, 2 * w2, int(rng.integers(w2 // 14, w2 // 6))):
            cv2.line(img8, (vx, horizon), (x, h2), tile, 1, cv2.LINE_AA)
        y, step = float(horizon), 2.0
        while y < h2:
            cv2.line(img8, (0, int(y)), (w2, int(y)), tile, 1, cv2.LINE_AA)
            y, step = y + step, step * 1.35
    # windows, doors, posters
    for _ in range(int(rng.integers(2, 7))):
        x, y = int(rng.integers(-w2 // 8, w2)), int(rng.integers(0, horizon))
        ww, hh = int(rng.integers(w2 // 20, w2 // 4)), int(rng.integers(h2 // 10, h2 // 2))
        kind = rng.random()
        if kind < 0.35:  # window: bright, blueish
            colour = _rand_colour(rng, 200, 255)
            cv2.rectangle(img8, (x, y), (x + ww, y + hh), colour, -1)
            cv2.rectangle(img8, (x, y), (x + ww, y + hh), _rand_colour(rng, 60, 140), 3)
        elif kind < 0.6:  # door
            cv2.rectangle(img8, (x, y), (x + ww, y + hh * 2), _rand_colour(rng, 40, 120), -1)
        else:  # poster with text
            cv2.rectangle(img8, (x, y), (x + ww, y + hh), _rand_colour(rng, 150, 250), -1)
            _text_lines(img8, rng, x + 4, y, ww - 8, max(6, hh // 8), 5, _rand_colour(rng, 0, 90))
    # ceiling lights
    for _ in range(int(rng.integers(0, 5))):
        c = (int(rng.integers(0, w2)), int(rng.integers(0, max(2, horizon // 3))))
        ax = (int(rng.integers(w2 // 40, w2 // 10)), int(rng.integers(3, h2 // 40 + 4)))
        cv2.ellipse(img8, c, ax, 0, 0, 360, (250, 252, 255), -1, cv2.LINE_AA)
    # barrier tape: red and white stripes
    if rng.random() < 0.5:
        y = int(rng.integers(horizon - h2 // 6, min(h2 - 4, horizon + h2 // 6)))
        th = int(rng.integers(4, 12))
        step = int(rng.integers(8, 24))
        for x in range(0, w2, step):
            col = (40, 40, 210) if (x // step) % 2 else (235, 235, 235)
            cv2.line(img8, (x, y), (x + step, y + step // 6), col, th)
    # people
    for _ in range(int(rng.integers(0, 5))):
        s = rng.uniform(0.4, 1.2)
        cx, base = int(rng.integers(0, w2)), int(horizon + rng.uniform(-0.05, 0.3) * h2)
        bw, bh = int(w2 * 0.05 * s), int(h2 * 0.35 * s)
        cv2.rectangle(img8, (cx - bw, base - bh), (cx + bw, base), _rand_colour(rng, 10, 160), -1)
        cv2.circle(img8, (cx, base - bh - int(bw * 0.9)), int(bw * 0.8), _skin(rng), -1)
    # the traveller behind the phone
    if person and rng.random() < 0.8:
        cx = int(w2 * rng.uniform(0.3, 0.7))
        face = (cx, int(h2 * rng.uniform(0.15, 0.45)))
        axes = (int(w2 * rng.uniform(0.07, 0.12)), int(h2 * rng.uniform(0.17, 0.26)))
        shoulders = int(w2 * rng.uniform(0.18, 0.3))
        cv2.ellipse(
            img8,
            (cx, h2 + shoulders // 3),
            (shoulders, int(h2 * 0.45)),
            0,
            180,
            360,
            _rand_colour(rng, 10, 180),
            -1,
        )
        cv2.ellipse(img8, face, axes, 0, 0, 360, _skin(rng), -1, cv2.LINE_AA)
        cv2.ellipse(
            img8,
            (face[0], face[1] - axes[1] // 2),
            (axes[0], axes[1] // 2),
            0,
            180,
            360,
            _rand_colour(rng, 5, 50),
            -1,
        )
        if rng.random() < 0.6:  # a face mask
            cv2.ellipse(
                img8,
                (face[0], face[1] + int(axes[1] * 0.45)),
                (int(axes[0] * 0.75), int(axes[1] * 0.4)),
                0,
                0,
                360,
                _rand_colour(rng, 170, 245),
                -1,
            )
    # low-frequency texture and blur
    lf = rng.normal(0, rng.uniform(4, 14), (h2 // 24 + 2, w2 // 24 + 2, 1)).astype(np.float32)
    lf = cv2.resize(lf, (w2, h2), interpolation=cv2.INTER_CUBIC)[:, :, None]
    out = img8.astype(np.float32) + lf
    sigma = float(rng.uniform(0.5, 2.0))
    out = cv2.GaussianBlur(out, (0, 0), sigma)
    return cv2.resize(out, (w, h), interpolation=cv2.INTER_LINEAR)


def _skin(rng: np.random.Generator) -> tuple[int, int, int]:
    base = np.array([120, 150, 205]) * rng.uniform(0.55, 1.1)
    return int(base[0]), int(base[1]), min(255, int(base[2]))


# --- the phone ---------------------------------------------------------------------


@dataclass(slots=True)
class _Texture:
    image: Image  # BGRA: alpha is the phone (and the hand holding it)
    screen: Image  # mask of the glass (screen) area
    code_corners: npt.NDArray[np.float64] | None  # edge coordinates, TL TR BR BL
    code_half: float  # half the code's side (texture px)
    origin: Point  # the code's centre (texture px)


def _rounded_rect(
    img: Image, x0: int, y0: int, x1: int, y1: int, r: int, colour: tuple[int, ...] | int
) -> None:
    r = max(0, min(r, (x1 - x0) // 2, (y1 - y0) // 2))
    col: Any = colour
    cv2.rectangle(img, (x0 + r, y0), (x1 - r, y1), col, -1)
    cv2.rectangle(img, (x0, y0 + r), (x1, y1 - r), col, -1)
    for cx, cy in ((x0 + r, y0 + r), (x1 - r, y0 + r), (x0 + r, y1 - r), (x1 - r, y1 - r)):
        cv2.circle(img, (cx, cy), r, col, -1, cv2.LINE_AA)


def _draw_modules(
    img: Image,
    matrix: npt.NDArray[np.bool_],
    x0: int,
    y0: int,
    t: int,
    dark: tuple[int, int, int],
    light: tuple[int, int, int],
) -> None:
    n = matrix.shape[0]
    block = np.where(matrix[:, :, None], np.array(dark, np.uint8), np.array(light, np.uint8))
    big = cv2.resize(block.astype(np.uint8), (n * t, n * t), interpolation=cv2.INTER_NEAREST)
    img[y0 : y0 + n * t, x0 : x0 + n * t] = big


def _decoy_matrix(rng: np.random.Generator) -> npt.NDArray[np.bool_]:
    """A QR-looking symbol that is no code: a real symbol with 45 % of its data flipped."""
    text, ec = make_payload(rng)
    m = qr_matrix(text, ec).copy()
    n = m.shape[0]
    keep = np.zeros_like(m)
    keep[:9, :9] = keep[:9, n - 8 :] = keep[n - 8 :, :9] = True
    keep[6, :] = keep[:, 6] = True
    flip = (rng.random(m.shape) < 0.45) & ~keep
    return m ^ flip


def _phone_texture(
    rng: np.random.Generator,
    t: int,
    matrix: npt.NDArray[np.bool_] | None,
    *,
    screen_kind: str = "health",
    dark_ui: bool = False,
    inverted: bool = False,
    colour: tuple[tuple[int, int, int], tuple[int, int, int]] | None = None,
    brightness: float = 1.0,
    modules_hint: int = 57,
) -> _Texture:
    n = matrix.shape[0] if matrix is not None else modules_hint
    code_px = n * t
    frac = rng.uniform(0.55, 0.72)
    sw = int(code_px / frac)
    sh = int(sw * rng.uniform(2.0, 2.2))
    bezel = max(2, int(sw * rng.uniform(0.025, 0.055)))
    bw, bh = sw + 2 * bezel, sh + 2 * bezel + int(sw * 0.02)
    mx, mt, mb = int(bw * 0.2), int(bw * 0.04), int(bh * 0.14)
    tw, th = bw + 2 * mx, bh + mt + mb
    img = np.zeros((th, tw, 4), np.uint8)
    screen = np.zeros((th, tw), np.uint8)
    bx0, by0 = mx, mt
    body_col = _rand_colour(rng, 15, 60) if rng.random() < 0.8 else _rand_colour(rng, 120, 220)
    radius = int(bw * rng.uniform(0.08, 0.14))
    _rounded_rect(img, bx0, by0, bx0 + bw, by0 + bh, radius, (*body_col, 255))
    sx0, sy0 = bx0 + bezel, by0 + bezel
    sx1, sy1 = sx0 + sw, sy0 + sh
    rs = max(0, radius - bezel)
    _rounded_rect(screen, sx0, sy0, sx1, sy1, rs, 255)
    # screen content
    bg = (18, 18, 18) if dark_ui else (int(rng.integers(238, 256)),) * 3
    fg = (230, 230, 230) if dark_ui else (40, 40, 40)
    grey = (150, 150, 150) if dark_ui else (120, 120, 120)
    scr = np.full((sh, sw, 3), bg, np.uint8)
    if screen_kind == "off":
        scr[:] = _rand_colour(rng, 5, 25)
    else:
        # status bar and header
        sb = int(sh * 0.035)
        cv2.putText(scr, "9:41", (int(sw * 0.05), int(sb * 0.8)), 0, sb / 40, fg, max(1, sb // 14))
        cv2.rectangle(scr, (int(sw * 0.82), sb // 4), (int(sw * 0.92), sb * 3 // 4), fg, -1)
        hb = int(sh * 0.07)
        app = _APP_COLOURS[int(rng.integers(0, len(_APP_COLOURS)))]
        if rng.random() < 0.7:
            cv2.rectangle(scr, (0, sb), (sw, sb + hb), app, -1)
            cv2.putText(
                scr,
                str(rng.choice(["Health Code", "Health Kit", "Travel Pass", "My Code"])),
                (int(sw * 0.25), sb + int(hb * 0.68)),
                0,
                hb / 55,
                (255, 255, 255),
                max(1, hb // 18),
                cv2.LINE_AA,
            )
    code_top = int(sh * rng.uniform(0.17, 0.24))
    cx_code = sw // 2 + int(rng.integers(-sw // 40, sw // 40 + 1))
    x0 = cx_code - code_px // 2
    status = str(rng.choice(list(_STATUS)))
    scol = _STATUS[status]
    if screen_kind == "health" and matrix is not None:
        line = max(2, sw // 60)
        cv2.putText(
            scr,
            f"{rng.choice(['Zhang', 'Li', 'Wang', 'Liu', 'Chen'])}*  420***********{int(rng.integers(1000, 9999))}",
            (int(sw * 0.08), code_top - int(sh * 0.03)),
            0,
            sw / 900,
            fg,
            line // 2 + 1,
            cv2.LINE_AA,
        )
        qz = int(rng.integers(2, 5)) * t
        border = max(3, int(t * rng.uniform(0.8, 2.0)))
        card_light: tuple[int, int, int] = (255, 255, 255)
        dark_mod: tuple[int, int, int] = (0, 0, 0)
        if inverted:
            card_light = _rand_colour(rng, 0, 28)
            dark_mod = _rand_colour(rng, 215, 255)
        elif colour is not None:
            dark_mod, card_light = colour
        elif dark_ui:
            dark_mod = (0, 0, 0)
        else:
            dark_mod = _rand_colour(rng, 0, 35)
        frame_col = scol if not inverted or rng.random() < 0.5 else (60, 60, 60)
        c0 = (x0 - qz - border, code_top - qz - border)
        c1 = (x0 + code_px + qz + border, code_top + code_px + qz + border)
        _rounded_rect(scr, c0[0], c0[1], c1[0], c1[1], border * 2, frame_col)
        cv2.rectangle(
            scr,
            (x0 - qz, code_top - qz),
            (x0 + code_px + qz, code_top + code_px + qz),
            card_light,
            -1,
        )
        _draw_modules(scr, matrix, x0, code_top, t, dark_mod, card_light)
        y = c1[1] + int(sh * 0.06)
        cv2.putText(
            scr,
            f"{status.upper()} CODE",
            (int(sw * 0.3), y),
            0,
            sw / 420,
            scol,
            max(2, sw // 150),
            cv2.LINE_AA,
        )
        cv2.putText(
            scr,
            f"2026-11-25 {int(rng.integers(7, 22)):02d}:{int(rng.integers(0, 60)):02d}:{int(rng.integers(0, 60)):02d}",
            (int(sw * 0.22), y + int(sh * 0.05)),
            0,
            sw / 700,
            grey,
            max(1, sw // 300),
            cv2.LINE_AA,
        )
        by = y + int(sh * 0.08)
        for k in range(2):
            bx = int(sw * (0.08 + 0.45 * k))
            _rounded_rect(scr, bx, by, bx + int(sw * 0.38), by + int(sh * 0.05), sw // 40, app)
        _text_lines(scr, rng, int(sw * 0.08), by + int(sh * 0.05), sw, max(6, sh // 45), 4, grey)
    elif screen_kind == "decoy":
        m = _decoy_matrix(rng)
        tt = max(1, code_px // m.shape[0])
        cv2.rectangle(
            scr,
            (x0 - 3 * tt, code_top - 3 * tt),
            (x0 + m.shape[0] * tt + 3 * tt, code_top + m.shape[0] * tt + 3 * tt),
            (255, 255, 255),
            -1,
        )
        _draw_modules(scr, m, x0, code_top, tt, (0, 0, 0), (255, 255, 255))
        _text_lines(scr, rng, int(sw * 0.08), code_top + code_px + sh // 20, sw, sh // 40, 5, fg)
    elif screen_kind == "barcode":
        kind = [
            zxingcpp.BarcodeFormat.Code128,
            zxingcpp.BarcodeFormat.EAN13,
            zxingcpp.BarcodeFormat.DataMatrix,
        ][int(rng.integers(0, 3))]
        content = "".join(str(int(d)) for d in rng.integers(0, 10, 12))
        bc = zxingcpp.create_barcode(content, kind)
        bimg = np.asarray(bc.to_image(scale=1, add_quiet_zones=True))
        if bimg.shape[0] < bimg.shape[1] // 3:  # linear: make it tall
            bimg = np.repeat(bimg, max(1, bimg.shape[1] // 3 // bimg.shape[0]), axis=0)
        scale = max(1, int(sw * 0.8 / bimg.shape[1]))
        bimg = np.repeat(np.repeat(bimg, scale, axis=0), scale, axis=1)
        bh_, bw_ = bimg.shape[:2]
        bh_ = min(bh_, sh - code_top - 2)
        scr[code_top : code_top + bh_, (sw - bw_) // 2 : (sw - bw_) // 2 + bw_] = bimg[
            :bh_, :, None
        ]
        _text_lines(scr, rng, int(sw * 0.08), code_top + bh_ + sh // 30, sw, sh // 40, 6, fg)
    elif screen_kind == "gallery":
        cell = sw // 3
        for r in range(int(sh * 0.85) // cell):
            for c in range(3):
                tile = scr[
                    int(sh * 0.12) + r * cell : int(sh * 0.12) + (r + 1) * cell - 4,
                    c * cell : (c + 1) * cell - 4,
                ]
                tile[:] = _rand_colour(rng, 20, 235)
                for _ in range(4):
                    cv2.circle(
                        tile,
                        (int(rng.integers(0, cell)), int(rng.integers(0, cell))),
                        int(rng.integers(cell // 10, cell // 2)),
                        _rand_colour(rng, 0, 255),
                        -1,
                    )
    elif screen_kind == "chat":
        y = int(sh * 0.12)
        while y < sh * 0.9:
            hh = int(sh * rng.uniform(0.04, 0.1))
            left = rng.random() < 0.5
            bx0_ = int(sw * (0.05 if left else 0.3))
            col = (235, 235, 235) if left else (120, 230, 150)
            if dark_ui:
                col = (50, 50, 50) if left else (60, 140, 70)
            _rounded_rect(scr, bx0_, y, bx0_ + int(sw * 0.62), y + hh, sw // 40, col)
            _text_lines(
                scr,
                rng,
                bx0_ + sw // 30,
                y - sh // 120,
                sw,
                max(6, sh // 60),
                max(1, hh // (sh // 60) - 1),
                fg,
            )
            y += hh + int(sh * 0.02)
    if brightness != 1.0:
        scr = np.clip(scr.astype(np.float32) * brightness, 0, 255).astype(np.uint8)
    # screen mask with rounded corners
    inner = screen[sy0:sy1, sx0:sx1, None] > 0
    np.copyto(img[sy0:sy1, sx0:sx1, :3], scr, where=inner)
    # hands: a palm under one bottom corner, a thumb over that edge, fingers on the other
    skin = (*_skin(rng), 255)
    side = 1 if rng.random() < 0.5 else -1
    palm = (tw // 2 + side * int(bw * 0.38), by0 + int(bh * rng.uniform(0.93, 1.0)))
    axes = (int(bw * 0.42), int(bh * 0.11))
    cv2.ellipse(img, palm, axes, -side * 35, 0, 360, skin, -1, cv2.LINE_AA)
    thumb = (tw // 2 + side * (bw // 2), by0 + int(bh * rng.uniform(0.7, 0.82)))
    axes = (int(bw * 0.17), int(bh * 0.05))
    cv2.ellipse(img, thumb, axes, side * 25, 0, 360, skin, -1, cv2.LINE_AA)
    cv2.ellipse(screen, thumb, axes, side * 25, 0, 360, 0, -1, cv2.LINE_AA)
    finger = (int(skin[0] * 0.9), int(skin[1] * 0.9), int(skin[2] * 0.9), 255)
    for k in range(int(rng.integers(2, 4))):
        centre = (tw // 2 - side * (bw // 2), by0 + int(bh * (0.45 + 0.09 * k)))
        cv2.ellipse(
            img, centre, (int(bw * 0.07), int(bh * 0.028)), 0, 0, 360, finger, -1, cv2.LINE_AA
        )
    origin = (sx0 + x0 + code_px / 2, sy0 + code_top + code_px / 2)
    corners = None
    if screen_kind == "health" and matrix is not None:
        cx0, cy0 = sx0 + x0, sy0 + code_top
        corners = np.array(
            [
                [cx0, cy0],
                [cx0 + code_px, cy0],
                [cx0 + code_px, cy0 + code_px],
                [cx0, cy0 + code_px],
            ],
            dtype=np.float64,
        )
    return _Texture(
        image=img,
        screen=screen,
        code_corners=corners,
        code_half=code_px / 2,
        origin=origin,
    )


def _paper_texture(rng: np.random.Generator, width: int) -> _Texture:
    """A printed page (no code): text, a table, stripes; for ``none`` frames."""
    h = int(width * 1.41)
    img = np.full((h, width, 3), int(rng.integers(215, 250)), np.uint8)
    _text_lines(img, rng, width // 12, h // 20, width, max(8, h // 40), 12, (30, 30, 30))
    y = h // 2
    step = max(2, int(rng.integers(width // 120 + 1, width // 40 + 2)))
    for x in range(width // 12, width - width // 12, step * 2):
        cv2.rectangle(img, (x, y), (x + step, y + h // 8), (20, 20, 20), -1)
    for r in range(5):
        cv2.line(
            img,
            (width // 12, y + h // 6 + r * h // 30),
            (width * 11 // 12, y + h // 6 + r * h // 30),
            (60, 60, 60),
            2,
        )
    _text_lines(img, rng, width // 12, y + h // 3, width, max(8, h // 40), 6, (30, 30, 30))
    return _Texture(
        image=cv2.cvtColor(img, cv2.COLOR_BGR2BGRA),
        screen=np.zeros((h, width), np.uint8),
        code_corners=None,
        code_half=width * 0.3,
        origin=(width / 2, h / 2),
    )


# --- compositing and the camera ----------------------------------------------------

_CENTRE = np.array([[1, 0, -0.5], [0, 1, -0.5], [0, 0, 1.0]])
_EDGE = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1.0]])


@dataclass(slots=True)
class _Layer:
    """Where the phone landed: its region of the frame and the glass mask there."""

    roi: tuple[int, int, int, int]
    screen: FloatImage


def _subpixel_pattern(
    hc: npt.NDArray[np.float64], cw: int, ch: int, screen_px: float
) -> FloatImage:
    """The LCD's sub-pixel grid seen through the canvas (mean 1): R, G, B stripes and a gap row."""
    inv = np.linalg.inv(hc).astype(np.float32)
    xs, ys = np.meshgrid(np.arange(cw, dtype=np.float32), np.arange(ch, dtype=np.float32))
    den = inv[2, 0] * xs + inv[2, 1] * ys + inv[2, 2]
    k = np.float32(1.0 / screen_px)
    tx = ((inv[0, 0] * xs + inv[0, 1] * ys + inv[0, 2]) / den + np.float32(0.5)) * k
    ty = ((inv[1, 0] * xs + inv[1, 1] * ys + inv[1, 2]) / den + np.float32(0.5)) * k
    fx = tx - np.floor(tx)
    fy = ty - np.floor(ty)
    leak = 0.08
    stripe = np.minimum((fx * 3).astype(np.int32), 2)  # 0 R, 1 G, 2 B
    pat = np.full((ch, cw, 3), leak, np.float32)
    for ch_idx, s in ((2, 0), (1, 1), (0, 2)):  # BGR channel for stripe s
        pat[:, :, ch_idx][stripe == s] = 1.0
    pat[fy > 0.7] *= 0.25
    mean = (1 + 2 * leak) / 3 * (0.7 + 0.3 * 0.25)
    return np.asarray(pat / mean, np.float32)


def _composite(
    scene: FloatImage,
    tex: _Texture,
    h: npt.NDArray[np.float64],
    *,
    screen_px: float | None = None,
    kernel: FloatImage | None = None,
    glass: bool = False,
) -> _Layer | None:
    """Warp the phone texture into ``scene`` (in place) with supersampling."""
    fh, fw = scene.shape[:2]
    th, tw = tex.image.shape[:2]
    outline = cv2.perspectiveTransform(
        np.array([[[0, 0], [tw, 0], [tw, th], [0, th]]], np.float64), h
    )[0]
    pad = 2 + (kernel.shape[0] // 2 + 1 if kernel is not None else 0)
    x0 = max(0, math.floor(outline[:, 0].min()) - pad)
    y0 = max(0, math.floor(outline[:, 1].min()) - pad)
    x1 = min(fw, math.ceil(outline[:, 0].max()) + pad)
    y1 = min(fh, math.ceil(outline[:, 1].max()) + pad)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    shift = np.array([[_SS, 0, -_SS * x0], [0, _SS, -_SS * y0], [0, 0, 1.0]])
    hc = _CENTRE @ shift @ h @ _EDGE
    cw, ch = (x1 - x0) * _SS, (y1 - y0) * _SS
    size = (x1 - x0, y1 - y0)
    warped = cv2.warpPerspective(tex.image, hc, (cw, ch), flags=cv2.INTER_LINEAR, borderValue=0)
    glass_c = None
    if glass or screen_px is not None:
        glass_c = cv2.warpPerspective(tex.screen, hc, (cw, ch), flags=cv2.INTER_LINEAR)
    if screen_px is not None and glass_c is not None:
        colour = warped[:, :, :3].astype(np.float32)
        pat = _subpixel_pattern(hc, cw, ch, screen_px)
        g = (glass_c.astype(np.float32) / 255.0)[:, :, None]
        colour *= 1.0 + g * (pat - 1.0)
        colour = cv2.resize(colour, size, interpolation=cv2.INTER_AREA)
        alpha = cv2.resize(warped[:, :, 3], size, interpolation=cv2.INTER_AREA)
        alpha = alpha.astype(np.float32) / 255.0
    else:
        small = cv2.resize(warped, size, interpolation=cv2.INTER_AREA).astype(np.float32)
        colour = small[:, :, :3]
        alpha = small[:, :, 3] / 255.0
    if glass_c is not None:
        glass_f = cv2.resize(glass_c, size, interpolation=cv2.INTER_AREA).astype(np.float32) / 255
    else:
        glass_f = np.zeros((size[1], size[0]), np.float32)
    premult = colour * alpha[:, :, None]
    if kernel is not None:
        premult = cv2.filter2D(premult, -1, kernel, borderType=cv2.BORDER_CONSTANT)
        alpha = cv2.filter2D(alpha, -1, kernel, borderType=cv2.BORDER_CONSTANT)
        glass_f = cv2.filter2D(glass_f, -1, kernel, borderType=cv2.BORDER_CONSTANT)
    roi = scene[y0:y1, x0:x1]
    roi *= 1.0 - alpha[:, :, None]
    roi += premult
    return _Layer((x0, y0, x1, y1), np.asarray(glass_f, np.float32))


def _motion_kernel(length: float, angle_deg: float) -> FloatImage:
    length = max(length, 1.0)
    half = math.ceil(length / 2) + 1
    size = 2 * half + 1
    up = 8
    k = np.zeros((size * up, size * up), np.float32)
    c = (size * up) / 2
    dx = math.cos(math.radians(angle_deg)) * length * up / 2
    dy = math.sin(math.radians(angle_deg)) * length * up / 2
    cv2.line(
        k, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, up, cv2.LINE_AA
    )
    k = cv2.resize(k, (size, size), interpolation=cv2.INTER_AREA)
    return np.asarray(k / k.sum(), np.float32)


def _disk_kernel(radius: float) -> FloatImage:
    half = math.ceil(radius) + 1
    size = 2 * half + 1
    up = 8
    k = np.zeros((size * up, size * up), np.float32)
    cv2.circle(k, ((size * up) // 2, (size * up) // 2), round(radius * up), 1.0, -1, cv2.LINE_AA)
    k = cv2.resize(k, (size, size), interpolation=cv2.INTER_AREA)
    return np.asarray(k / k.sum(), np.float32)


@dataclass(slots=True)
class _Camera:
    wb: tuple[float, float, float]
    exposure: float
    optics_sigma: float
    vignette: float
    shot_k: float
    read_sigma: float
    gain: float
    gamma: float
    sharpen: float
    jpeg: tuple[int, ...]
    kernel: FloatImage | None = None

    def describe(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "kernel"}
        d["wb"] = [round(x, 3) for x in self.wb]
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in d.items()}


def _default_camera(rng: np.random.Generator) -> _Camera:
    wb = 1 + rng.uniform(-0.08, 0.08, 3)
    return _Camera(
        wb=(float(wb[0]), float(wb[1]), float(wb[2])),
        exposure=float(rng.uniform(0.9, 1.08)),
        optics_sigma=float(rng.uniform(0.45, 0.8)),
        vignette=float(rng.uniform(0.1, 0.3)),
        shot_k=float(rng.uniform(0.2, 0.8)),
        read_sigma=float(rng.uniform(1.5, 4.0)),
        gain=1.0,
        gamma=float(rng.uniform(0.92, 1.08)),
        sharpen=float(rng.uniform(0.2, 0.7)),
        jpeg=(int(rng.integers(72, 93)),),
    )


_VIGNETTE: dict[tuple[int, int], FloatImage] = {}
_NOISE_BANK: list[FloatImage] = []


def _gaussian_noise(rng: np.random.Generator, h: int, w: int) -> FloatImage:
    """Standard normal noise: a window of a fixed bank at a random offset (drawing fresh
    normals for every frame would cost more than the rest of the camera model)."""
    if not _NOISE_BANK:
        bank = np.random.default_rng(0x5EED).standard_normal(1 << 22, dtype=np.float32)
        _NOISE_BANK.append(bank)
    bank = _NOISE_BANK[0]
    if h * w > bank.size:
        return rng.standard_normal((h, w), dtype=np.float32)
    start = int(rng.integers(0, bank.size - h * w + 1))
    return bank[start : start + h * w].reshape(h, w)


def _vignette_map(w: int, h: int) -> FloatImage:
    key = (w, h)
    if key not in _VIGNETTE:
        y, x = np.mgrid[0:h, 0:w].astype(np.float32)
        r2 = ((x - w / 2) ** 2 + (y - h / 2) ** 2) / ((w / 2) ** 2 + (h / 2) ** 2)
        _VIGNETTE[key] = np.asarray(r2, np.float32)
    return _VIGNETTE[key]


def _camera(scene: FloatImage, cam: _Camera, rng: np.random.Generator) -> Image:
    """Optics, Bayer sensor with noise, demosaicing, sharpening, JPEG."""
    h, w = scene.shape[:2]
    img = scene
    if cam.optics_sigma > 0:
        img = cv2.GaussianBlur(img, (0, 0), cam.optics_sigma)
    if cam.kernel is not None:
        img = cv2.filter2D(img, -1, cam.kernel, borderType=cv2.BORDER_REFLECT)
    # BGGR mosaic; white balance, exposure and vignetting as one gain per photosite
    mosaic = np.empty((h, w), np.float32)
    mosaic[0::2, 0::2] = img[0::2, 0::2, 0]
    mosaic[0::2, 1::2] = img[0::2, 1::2, 1]
    mosaic[1::2, 0::2] = img[1::2, 0::2, 1]
    mosaic[1::2, 1::2] = img[1::2, 1::2, 2]
    gain = np.float32(cam.exposure) * (1.0 - np.float32(cam.vignette) * _vignette_map(w, h))
    gain[0::2, 0::2] *= np.float32(cam.wb[0])
    gain[0::2, 1::2] *= np.float32(cam.wb[1])
    gain[1::2, 0::2] *= np.float32(cam.wb[1])
    gain[1::2, 1::2] *= np.float32(cam.wb[2])
    mosaic *= gain
    np.clip(mosaic, 0, 255, out=mosaic)
    sigma = np.sqrt(np.float32(cam.shot_k) * mosaic + np.float32(cam.read_sigma**2))
    mosaic += sigma * _gaussian_noise(rng, h, w)
    mosaic *= np.float32(cam.gain)
    np.clip(mosaic, 0, 255, out=mosaic)
    raw = (mosaic + 0.5).astype(np.uint8)
    if abs(cam.gamma - 1.0) > 1e-3:
        lut = (255.0 * (np.arange(256) / 255.0) ** cam.gamma + 0.5).astype(np.uint8)
        raw = cv2.LUT(raw, lut)
    bgr = cv2.cvtColor(raw, cv2.COLOR_BayerRG2BGR)
    if cam.sharpen > 0:
        soft = cv2.GaussianBlur(bgr, (0, 0), 1.0)
        bgr = cv2.addWeighted(bgr, 1 + cam.sharpen, soft, -cam.sharpen, 0)
    for q in cam.jpeg:
        ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, int(q)])
        assert ok
        bgr = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return np.ascontiguousarray(bgr, dtype=np.uint8)


def _add_glare(
    scene: FloatImage,
    layer: _Layer,
    centre: Point,
    axes: tuple[float, float],
    angle_deg: float,
    peak: float,
    veil: float,
) -> None:
    x0, y0, x1, y1 = layer.roi
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    c, s = math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))
    dx, dy = xs + 0.5 - centre[0], ys + 0.5 - centre[1]
    u, v = (c * dx + s * dy) / axes[0], (-s * dx + c * dy) / axes[1]
    g = np.float32(peak) * np.exp(-0.5 * (u * u + v * v)) + np.float32(veil)
    scene[y0:y1, x0:x1] += (g * layer.screen)[:, :, None]


def _add_banding(
    scene: FloatImage, layer: _Layer, period: float, depth: float, phase: float
) -> None:
    x0, y0, x1, y1 = layer.roi
    y = np.arange(y0, y1, dtype=np.float32)
    band = 1.0 - depth * (0.5 + 0.5 * np.sin(2 * np.pi * y / period + phase))
    scene[y0:y1, x0:x1] *= (1.0 + layer.screen * (band[:, None] - 1.0))[:, :, None]


# --- categories --------------------------------------------------------------------


@dataclass(slots=True)
class _Spec:
    pitch: float
    roll: float
    tilt: float
    tilt_dir: float
    hfov: float
    cam: _Camera
    dark_ui: bool = False
    inverted: bool = False
    colour: tuple[tuple[int, int, int], tuple[int, int, int]] | None = None
    brightness: float = 1.0
    glare: dict[str, float] | None = None
    moire: dict[str, float] | None = None
    screen_kind: str = "health"
    notes: dict[str, Any] = field(default_factory=dict)


_NONE_KINDS = ("chat", "decoy", "barcode", "gallery", "nophone", "off", "paper")


def _spec(category: str, index: int, rng: np.random.Generator, s: float) -> _Spec:
    cam = _default_camera(rng)
    tilt = float(min(abs(rng.normal(0, 12)), 25))
    spec = _Spec(
        pitch=float(rng.uniform(3.0, 6.0) * s),
        roll=float(rng.uniform(-20, 20)),
        tilt=tilt,
        tilt_dir=float(rng.uniform(0, 360)),
        hfov=float(rng.uniform(62, 78)),
        cam=cam,
        dark_ui=bool(rng.random() < 0.2),
        brightness=float(rng.uniform(0.85, 1.0)),
    )
    if category == "small":
        spec.pitch = float(rng.uniform(2.1, 3.1))
        spec.tilt = float(min(abs(rng.normal(0, 8)), 20))
    elif category == "perspective":
        spec.tilt = float(rng.uniform(35, 55))
        spec.pitch = float(rng.uniform(3.0, 5.5) * s)
        spec.roll = float(rng.uniform(-30, 30))
    elif category == "rotation":
        spec.roll = float(rng.uniform(0, 360))
        spec.tilt = float(min(abs(rng.normal(0, 8)), 20))
    elif category == "blur":
        kind = rng.random()
        pitch_px = spec.pitch
        if kind < 0.5:
            length = float(rng.uniform(0.7, 2.1) * pitch_px)
            angle = float(rng.uniform(0, 180))
            cam.kernel = _motion_kernel(length, angle)
            spec.notes["blur"] = f"motion {length:.1f}px @ {angle:.0f}deg"
        elif kind < 0.75:
            radius = float(rng.uniform(0.45, 1.05) * pitch_px)
            cam.kernel = _disk_kernel(radius)
            spec.notes["blur"] = f"defocus r={radius:.1f}px"
        else:
            sigma = float(rng.uniform(0.22, 0.62) * pitch_px)
            cam.optics_sigma = math.hypot(cam.optics_sigma, sigma)
            spec.notes["blur"] = f"gaussian sigma={sigma:.1f}px"
    elif category == "glare":
        spec.glare = {
            "dx": float(rng.uniform(-0.45, 0.45)),
            "dy": float(rng.uniform(-0.45, 0.45)),
            "a": float(rng.uniform(0.1, 0.3)),
            "b": float(rng.uniform(0.06, 0.2)),
            "angle": float(rng.uniform(0, 180)),
            "peak": float(rng.uniform(100, 260)),
            "veil": float(rng.uniform(20, 80)),
        }
    elif category == "dim":
        cam.exposure = float(rng.uniform(0.12, 0.3))
        cam.gain = float(rng.uniform(1.6, 3.2))
        cam.gamma = float(rng.uniform(0.8, 1.1))
        cam.read_sigma = float(rng.uniform(2.0, 4.0))
        cam.shot_k = float(rng.uniform(0.4, 1.0))
        spec.brightness = float(rng.uniform(0.55, 0.8))
    elif category == "noise":
        cam.shot_k = float(rng.uniform(3.0, 9.0))
        cam.read_sigma = float(rng.uniform(10.0, 22.0))
        spec.pitch = float(rng.uniform(3.5, 6.0) * s)
    elif category == "jpeg":
        q = [int(rng.integers(10, 31))]
        if rng.random() < 0.5:
            q.append(int(rng.integers(15, 41)))
        cam.jpeg = tuple(q)
        spec.pitch = float(rng.uniform(3.0, 5.5) * s)
    elif category == "moire":
        spec.pitch = float(rng.uniform(3.5, 8.0) * s)
        spec.tilt = float(min(abs(rng.normal(0, 10)), 20))
        spec.moire = {
            "period": float(rng.uniform(0.75, 1.35)),
            "band_period": float(rng.uniform(40, 160) * s),
            "band_depth": float(rng.uniform(0.1, 0.3)),
            "band_phase": float(rng.uniform(0, 2 * math.pi)),
        }
        spec.dark_ui = False
    elif category == "inverted":
        spec.dark_ui = True
        spec.inverted = True
    elif category == "colour":
        status = str(rng.choice(["green", "yellow", "yellow", "red", "blue"]))
        dark = _STATUS.get(status, (200, 100, 20))
        light = (
            (255, 255, 255) if rng.random() < 0.6 else _tint(dark, float(rng.uniform(0.08, 0.18)))
        )
        spec.colour = (dark, light)
        spec.notes["colour"] = status
    elif category == NO_CODE:
        spec.screen_kind = _NONE_KINDS[index % len(_NONE_KINDS)]
    return spec


def _tint(colour: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    c = np.array(colour, np.float32)
    t = 255 - (255 - c) * amount
    return int(t[0]), int(t[1]), int(t[2])


# --- frames ------------------------------------------------------------------------


def _rng(*key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([k & 0xFFFFFFFF for k in key]))


def _module_px(pitch: float) -> int:
    return int(np.clip(round(1.2 * pitch), 3, 8))


def _tex_corners(tex: _Texture) -> npt.NDArray[np.float64]:
    th, tw = tex.image.shape[:2]
    ox, oy = tex.origin
    return np.array([[0, 0], [tw, 0], [tw, th], [0, th]], np.float64) - [ox, oy]


def _as_quad(pts: npt.NDArray[np.float64]) -> Quad:
    p = [(round(float(x), 3), round(float(y), 3)) for x, y in pts]
    return (p[0], p[1], p[2], p[3])


def make_frame(
    category: str, index: int = 0, *, seed: int = 0, size: tuple[int, int] = (1280, 720)
) -> SynthFrame:
    """One webcam frame of ``category`` (see the module docstring), fully determined by its arguments."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}; expected one of {', '.join(CATEGORIES)}")
    w, h = size
    rng = _rng(seed, CATEGORIES.index(category), index, w, h)
    s = h / 720
    spec = _spec(category, index, rng, s)
    text: str | None = None
    matrix: npt.NDArray[np.bool_] | None = None
    if category != NO_CODE:
        text, ec = make_payload(rng)
        matrix = qr_matrix(text, ec)
    modules = matrix.shape[0] if matrix is not None else int(rng.choice([29, 57, 65]))
    scene = _background(rng, size)
    corners: Quad | None = None
    pitch_achieved: float | None = None
    if spec.screen_kind != "nophone":
        t = _module_px(spec.pitch)
        if spec.screen_kind == "paper":
            tex = _paper_texture(rng, int(modules * t / 0.6))
        else:
            tex = _phone_texture(
                rng,
                t,
                matrix,
                screen_kind=spec.screen_kind,
                dark_ui=spec.dark_ui,
                inverted=spec.inverted,
                colour=spec.colour,
                brightness=spec.brightness,
                modules_hint=modules,
            )
        pose = _place(
            rng,
            size,
            tex.code_half,
            _tex_corners(tex),
            modules,
            spec.pitch,
            spec.roll,
            spec.tilt,
            spec.tilt_dir,
            spec.hfov,
        )
        hom = pose.homography(tex.origin)
        screen_px = None
        if spec.moire is not None:
            # texture px per screen pixel so that one screen pixel spans `period` camera px
            screen_px = spec.moire["period"] * t / spec.pitch
        layer = _composite(
            scene,
            tex,
            hom,
            screen_px=screen_px,
            glass=spec.glare is not None or spec.moire is not None,
        )
        if tex.code_corners is not None:
            pts = cv2.perspectiveTransform(tex.code_corners[None], hom)[0]
            corners = _as_quad(pts)
            pitch_achieved = round(math.sqrt(_quad_area(pts)) / modules, 3)
            code_w = math.sqrt(_quad_area(pts))
            centre = pts.mean(axis=0)
            if layer is not None and spec.glare is not None:
                g = spec.glare
                _add_glare(
                    scene,
                    layer,
                    (float(centre[0] + g["dx"] * code_w), float(centre[1] + g["dy"] * code_w)),
                    (g["a"] * code_w, g["b"] * code_w),
                    g["angle"],
                    g["peak"],
                    g["veil"],
                )
        if layer is not None and spec.moire is not None:
            m = spec.moire
            _add_banding(scene, layer, m["band_period"], m["band_depth"], m["band_phase"])
    image = _camera(scene, spec.cam, rng)
    params: dict[str, Any] = {
        "pitch_target": round(spec.pitch, 3),
        "roll": round(spec.roll, 2),
        "tilt": round(spec.tilt, 2),
        "hfov": round(spec.hfov, 2),
        "screen": spec.screen_kind,
        "dark_ui": spec.dark_ui,
        "camera": spec.cam.describe(),
        **{k: v for k, v in spec.notes.items() if v is not None},
    }
    if spec.glare:
        params["glare"] = {k: round(v, 3) for k, v in spec.glare.items()}
    if spec.moire:
        params["moire"] = {k: round(v, 3) for k, v in spec.moire.items()}
    truth = FrameTruth(
        category=category,
        index=index,
        seed=seed,
        size=(w, h),
        text=text,
        corners=corners,
        modules=modules if text is not None else None,
        pitch=pitch_achieved,
        params=params,
    )
    return SynthFrame(image=image, truth=truth)


def iter_frames(
    category: str, count: int, *, seed: int = 0, size: tuple[int, int] = (1280, 720), start: int = 0
) -> Iterator[SynthFrame]:
    for i in range(start, start + count):
        yield make_frame(category, i, seed=seed, size=size)


def save_frame(frame: SynthFrame, directory: Path) -> Path:
    """Write ``<category>_<w>x<h>_<index>.png`` and its ground truth as ``.json`` beside it."""
    directory.mkdir(parents=True, exist_ok=True)
    t = frame.truth
    stem = f"{t.category}_{t.size[0]}x{t.size[1]}_{t.index:03d}"
    path = directory / f"{stem}.png"
    cv2.imwrite(str(path), frame.image)
    (directory / f"{stem}.json").write_text(json.dumps(t.to_json(), ensure_ascii=False, indent=1))
    return path


# --- video clips -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClipFrameTruth:
    """One clip frame: is the code wholly inside the frame, and where (``None`` if not)."""

    index: int
    time: float
    visible: bool
    corners: Quad | None
    #: Length of the motion blur of the code's centre during the exposure (px).
    blur_px: float


@dataclass(frozen=True, slots=True)
class ClipTruth:
    seed: int
    text: str
    fps: float
    size: tuple[int, int]
    frames: tuple[ClipFrameTruth, ...]
    path: str | None = None
    fourcc: str | None = None

    @property
    def first_visible(self) -> int | None:
        return next((f.index for f in self.frames if f.visible), None)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _ease_out(x: float) -> float:
    x = min(max(x, 0.0), 1.0)
    return 1 - (1 - x) ** 3


def render_clip(
    seed: int,
    *,
    size: tuple[int, int] = (1280, 720),
    fps: float = 30.0,
    seconds: float = 3.0,
) -> tuple[str, Iterator[tuple[Image, ClipFrameTruth]]]:
    """A phone moving into view and settling: the text and an iterator of (frame, truth).

    The phone is off-frame for the first 0.25–0.6 s, moves in from the bottom or
    a side for 0.5–1.2 s (ease-out, approaching the camera, turning), with motion
    blur along its velocity, then settles with a damped wobble and hand tremor.
    """
    w, h = size
    rng = _rng(seed, 7919, w, h)
    s = h / 720
    text, ec = make_payload(rng)
    matrix = qr_matrix(text, ec)
    n = matrix.shape[0]
    cam = _default_camera(rng)
    cam.jpeg = ()  # the video writer compresses
    pitch_end = float(rng.uniform(3.2, 5.0) * s)
    z_ratio = float(rng.uniform(1.0, 1.5))  # start distance / end distance
    t = _module_px(pitch_end)
    tex = _phone_texture(rng, t, matrix, dark_ui=bool(rng.random() < 0.2))
    roll_end = float(rng.uniform(-20, 20))
    tilt_end = float(min(abs(rng.normal(0, 10)), 20))
    tilt_dir = float(rng.uniform(0, 360))
    hfov = float(rng.uniform(62, 78))
    end = _place(
        rng,
        size,
        tex.code_half,
        _tex_corners(tex),
        n,
        pitch_end,
        roll_end,
        tilt_end,
        tilt_dir,
        hfov,
        centre=(float(w * rng.uniform(0.35, 0.65)), float(h * rng.uniform(0.4, 0.6))),
    )
    z_end = float(end.trans[2])
    u_end = float(end.trans[0] / z_end * end.focal + w / 2)
    v_end = float(end.trans[1] / z_end * end.focal + h / 2)
    code_px = 2 * tex.code_half * end.focal / z_end
    side = str(rng.choice(["bottom", "bottom", "left", "right"]))
    if side == "bottom":
        u0, v0 = u_end + float(rng.uniform(-0.2, 0.2)) * w, h + code_px * 1.6
    elif side == "left":
        u0, v0 = -code_px * 1.6, v_end + float(rng.uniform(-0.2, 0.3)) * h
    else:
        u0, v0 = w + code_px * 1.6, v_end + float(rng.uniform(-0.2, 0.3)) * h
    roll0 = roll_end + float(rng.uniform(-35, 35))
    tilt0 = tilt_end + float(rng.uniform(0, 25))
    t_enter = float(rng.uniform(0.25, 0.6))
    t_move = float(rng.uniform(0.5, 1.2))
    wobble_a = float(rng.uniform(4, 15) * s)
    wobble_f = float(rng.uniform(2, 4))
    wobble_dir = float(rng.uniform(0, 2 * math.pi))
    trem = rng.uniform(0.5, 1.8, 4) * s
    trem_f = rng.uniform(4, 9, 4)
    trem_p = rng.uniform(0, 2 * math.pi, 4)
    exposure = float(rng.uniform(0.4, 1.0))  # of the frame interval
    background = _background(rng, size)
    n_frames = round(seconds * fps)
    origin = tex.origin
    code_plane = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], np.float64) * tex.code_half

    def pose_at(time: float) -> _Pose:
        e = _ease_out((time - t_enter) / t_move)
        u = u0 + (u_end - u0) * e
        v = v0 + (v_end - v0) * e
        z = z_end * (z_ratio + (1 - z_ratio) * e)
        roll = roll0 + (roll_end - roll0) * e
        tilt = tilt0 + (tilt_end - tilt0) * e
        settle = time - (t_enter + t_move)
        if settle > 0:
            amp = wobble_a * math.exp(-settle / 0.25) * math.sin(2 * math.pi * wobble_f * settle)
            u += amp * math.cos(wobble_dir)
            v += amp * math.sin(wobble_dir)
        if time > t_enter:
            u += float(trem[0] * math.sin(2 * math.pi * trem_f[0] * time + trem_p[0]))
            u += float(trem[1] * math.sin(2 * math.pi * trem_f[1] * time + trem_p[1]))
            v += float(trem[2] * math.sin(2 * math.pi * trem_f[2] * time + trem_p[2]))
            v += float(trem[3] * math.sin(2 * math.pi * trem_f[3] * time + trem_p[3]))
        rot = _rotation(roll, tilt, tilt_dir)
        trans = np.array([(u - w / 2) / end.focal * z, (v - h / 2) / end.focal * z, z])
        return _Pose(rot, trans, end.focal, w / 2, h / 2)

    def frames() -> Iterator[tuple[Image, ClipFrameTruth]]:
        for i in range(n_frames):
            t_end = i / fps
            t_start = t_end - exposure / fps
            t_mid = (t_start + t_end) / 2
            pose = pose_at(t_mid)
            c_start = pose_at(t_start).project(np.zeros((1, 2)))[0][0]
            c_end = pose_at(t_end).project(np.zeros((1, 2)))[0][0]
            d = c_end - c_start
            blur = float(math.hypot(d[0], d[1]))
            kernel = (
                _motion_kernel(blur, math.degrees(math.atan2(d[1], d[0]))) if blur > 1.0 else None
            )
            scene = background.copy()
            hom = pose.homography(origin)
            _composite(scene, tex, hom, kernel=kernel)
            pts, _z = pose.project(code_plane)
            visible = _inside(pts, size, 1.0)
            image = _camera(scene, cam, rng)
            yield (
                image,
                ClipFrameTruth(
                    index=i,
                    time=round(t_end, 6),
                    visible=visible,
                    corners=_as_quad(pts) if visible else None,
                    blur_px=round(blur, 2),
                ),
            )

    return text, frames()


def write_clip(
    path: Path | str,
    seed: int,
    *,
    size: tuple[int, int] = (1280, 720),
    fps: float = 30.0,
    seconds: float = 3.0,
    fourcc: str | None = None,
    quality: int = 85,
) -> ClipTruth:
    """Render a clip (see :func:`render_clip`) to ``path`` and return its ground truth.

    ``.avi`` is written as Motion-JPEG (``MJPG``, at ``quality``, as webcams
    deliver it), ``.mp4`` as MPEG-4 Part 2 (``mp4v``); both read back with this
    OpenCV build. Raises :class:`RuntimeError` if the writer cannot be opened.
    """
    path = Path(path)
    if fourcc is None:
        fourcc = {".avi": "MJPG", ".mp4": "mp4v"}.get(path.suffix.lower())
        if fourcc is None:
            raise ValueError(f"{path}: use .avi (MJPG) or .mp4 (mp4v), or pass fourcc")
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, size)
    if not writer.isOpened():
        raise RuntimeError(f"cannot write {fourcc} video to {path} with this OpenCV build")
    try:
        if fourcc == "MJPG":
            writer.set(cv2.VIDEOWRITER_PROP_QUALITY, quality)
        text, frames = render_clip(seed, size=size, fps=fps, seconds=seconds)
        truths = []
        for image, truth in frames:
            writer.write(image)
            truths.append(truth)
    finally:
        writer.release()
    return ClipTruth(
        seed=seed,
        text=text,
        fps=fps,
        size=size,
        frames=tuple(truths),
        path=str(path),
        fourcc=fourcc,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Write sample frames: ``python benchmarks/frame_synth.py OUT_DIR [N] [--seed S]``."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("n", type=int, nargs="?", default=3, help="frames per category")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", choices=sorted(RESOLUTIONS), default="720p")
    parser.add_argument("--categories", default=",".join(CATEGORIES))
    args = parser.parse_args(argv)
    for category in args.categories.split(","):
        for frame in iter_frames(category, args.n, seed=args.seed, size=RESOLUTIONS[args.size]):
            print(save_frame(frame, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
