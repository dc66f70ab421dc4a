"""Synthetic camera frames with a QR code, for the decoder and guidance tests.

Deterministic: the same arguments give the same image (noise from a seeded
generator). The code's true outer corners come back with the image, in its pixels.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt
import zxingcpp

Image = npt.NDArray[np.uint8]
Quad = npt.NDArray[np.float64]

#: A health-code-like text (PHI1 prefix, Base45 alphabet)
HEALTH_TEXT = "PHI1:" + "NCFOXN%TSMAHO.JUWOTZ4OST-VR$YC6G4 0BJ:IL%4UZ2K8L423K103LE--CM" * 3
#: A short URL-style text: a small symbol (version 2 at level M, 25 modules).
SHORT_TEXT = "HTTPS://HC.EXAMPLE.CN/C/4F7Q2K9ZP"


def modules(text: str, ec_level: str = "M") -> npt.NDArray[np.bool_]:
    """The symbol's modules (True = dark), without quiet zone."""
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level=ec_level)
    img = np.asarray(zxingcpp.write_barcode_to_image(barcode, scale=1, add_quiet_zones=False))
    return np.asarray(img < 128)


def frame_with_code(
    text: str,
    *,
    pitch: float,
    size: tuple[int, int] = (1280, 720),
    centre: tuple[float, float] | None = None,
    angle: float = 0.0,
    tilt: float = 0.0,
    quiet: int = 4,
    dark: int = 20,
    light: int = 235,
    background: int = 120,
    ec_level: str = "M",
    seed: int = 0,
    noise: float = 2.0,
) -> tuple[Image, Quad]:
    """A grey ``size`` frame (width, height) showing ``text`` as a QR code.

    ``pitch`` is pixels per module; ``angle`` rotates the code in the image plane
    (degrees); ``tilt`` foreshortens it as seen at that angle (degrees) about its
    vertical axis. ``dark``/``light`` are the modules' grey levels (swap them for a
    dark-mode code). Returns the frame and the code's corners (top-left,
    top-right, bottom-right, bottom-left as the code is oriented).
    """
    matrix = modules(text, ec_level)
    n = matrix.shape[0]
    scale = 8  # draw big, then warp down: module edges get area-averaged
    side = (n + 2 * quiet) * scale
    card = np.full((side, side), light, dtype=np.uint8)
    big = np.where(matrix, dark, light).astype(np.uint8)
    big = np.repeat(np.repeat(big, scale, axis=0), scale, axis=1)
    card[quiet * scale : (quiet + n) * scale, quiet * scale : (quiet + n) * scale] = big
    w, h = size
    cx, cy = centre if centre is not None else (w / 2, h / 2)
    half_card = (n + 2 * quiet) * pitch / 2
    src = np.array([[0, 0], [side, 0], [side, side], [0, side]], dtype=np.float64)
    local = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=np.float64) * half_card
    # tilt: the right edge recedes (shorter and narrower), a cheap perspective
    shrink = math.cos(math.radians(tilt))
    local[:, 0] *= shrink
    local[1:3, 1] *= 1 - 0.5 * (1 - shrink)
    a = math.radians(angle)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    dst = local @ rot.T + [cx, cy]
    homography = cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32))
    frame = np.full((h, w), background, dtype=np.uint8)
    warped = cv2.warpPerspective(card, homography, (w, h), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full_like(card, 255), homography, (w, h), flags=cv2.INTER_AREA)
    frame = np.where(mask > 127, warped, frame).astype(np.uint8)
    if noise > 0:
        rng = np.random.default_rng(seed)
        frame = np.clip(frame + rng.normal(0, noise, frame.shape), 0, 255).astype(np.uint8)
    code_src = (
        np.array(
            [[quiet, quiet], [quiet + n, quiet], [quiet + n, quiet + n], [quiet, quiet + n]],
            dtype=np.float32,
        )
        * scale
    )
    quad = cv2.perspectiveTransform(code_src[None], homography)[0].astype(np.float64)
    return frame, quad


def motion_blur(image: Image, length: float, angle: float) -> Image:
    """``image`` smeared over ``length`` pixels along ``angle`` degrees (a moving hand)."""
    size = 2 * math.ceil(length / 2) + 3
    kernel = np.zeros((size * 8, size * 8), np.float32)
    c = size * 8 / 2
    dx = math.cos(math.radians(angle)) * length * 4
    dy = math.sin(math.radians(angle)) * length * 4
    cv2.line(kernel, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 8)
    kernel = cv2.resize(kernel, (size, size), interpolation=cv2.INTER_AREA)
    kernel /= kernel.sum()
    return np.asarray(cv2.filter2D(image, -1, kernel, borderType=cv2.BORDER_REFLECT), np.uint8)


def inside(point: tuple[float, float], quad: Quad) -> bool:
    contour = np.asarray(quad, np.float32).reshape(-1, 1, 2)
    return cv2.pointPolygonTest(contour, (float(point[0]), float(point[1])), False) >= 0


def centre(corners: object) -> tuple[float, float]:
    pts = np.asarray(corners, dtype=np.float64).reshape(-1, 2)
    return float(pts[:, 0].mean()), float(pts[:, 1].mean())


def coloured_code_frame(
    text: str,
    *,
    pitch: float,
    ink: tuple[int, int, int] = (80, 210, 245),
    paper: tuple[int, int, int] = (232, 236, 238),
    blur: float = 0.8,
    seed: int = 0,
    **placement: object,
) -> tuple[Image, Quad]:
    """A BGR 1280x720 frame with ``text`` in coloured modules (by default pale yellow,
    as a "yellow code" app shows it: about 40 grey levels from its white card) over
    a half dark, half light background; ``placement`` as :func:`frame_with_code`."""
    mask, quad = frame_with_code(
        text, pitch=pitch, dark=0, light=255, background=128, noise=0.0, seed=seed, **placement
    )  # type: ignore[arg-type]
    t = mask.astype(np.float32)[..., None] / 255.0
    ink_f = np.array(ink, np.float32)
    bgr = ink_f + (np.array(paper, np.float32) - ink_f) * t
    h, w = mask.shape
    back = np.zeros((h, w, 3), np.float32)
    back[:, : w // 2] = (30, 30, 30)
    back[:, w // 2 :] = (200, 200, 200)
    outside = mask == 128
    bgr[outside] = back[outside]
    bgr = cv2.GaussianBlur(bgr, (0, 0), blur)
    rng = np.random.default_rng(seed)
    return np.clip(bgr + rng.normal(0, 3.0, bgr.shape), 0, 255).astype(np.uint8), quad
