"""QR decoders behind one interface (:class:`~checkpoint_app.scan.types.Decoder`).

- ``zxing`` — zxing-cpp, the default engine: fast, and the best single decoder we
  measured on webcam frames of phone screens and on real photographs.
- ``pyzbar`` — ZBar through pyzbar, restricted to QR codes. Optional: pyzbar needs
  the system library libzbar; without it the decoder is unavailable (and
  :func:`unavailable_decoders` says why) and everything else works.
- ``opencv`` — OpenCV's ``QRCodeDetectorAruco``.
- ``auto`` — zxing-cpp first, then fallbacks while the frame's time budget lasts
  (:mod:`checkpoint_app.scan.auto_decoder`).

Every ``decode`` takes any image (BGR, BGRA or grey ``uint8``; anything else gives
an empty attempt), never raises, and gives corners in the input image's pixels.
Only texts a decoder returned with its error correction satisfied are reported;
the symbols a decoder found but could not read are reported as candidates for
guidance.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

import cv2
import numpy as np
import zxingcpp

from checkpoint_app.scan.preprocess import (
    as_corners,
    exposure,
    merge_candidates,
    order_clockwise,
    quad_area,
    quad_side,
    sharpness,
    to_grey,
)
from checkpoint_app.scan.types import Candidate, DecodeAttempt, DecodedCode, Decoder, Image

log = logging.getLogger(__name__)

DEFAULT_DECODER = "zxing"
DECODER_NAMES = ("auto", "zxing", "pyzbar", "opencv")

#: The smallest candidate worth reporting (pixels of side): below this a "symbol"
#: is a decoder's guess at a few pixels, not a code.
MIN_CANDIDATE_PX = 12.0


class DecoderUnavailableError(ValueError):
    """The decoder cannot run on this machine (a library is missing)."""


def elapsed_ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0


def empty_attempt(name: str, start: float) -> DecodeAttempt:
    return DecodeAttempt(codes=(), ms=elapsed_ms(start), decoder=name)


def finish(
    name: str,
    start: float,
    grey: Image,
    codes: Iterable[DecodedCode],
    candidates: Iterable[Candidate],
) -> DecodeAttempt:
    """The attempt: codes, or if none the merged candidates, the sharpness and the
    exposure of the first (largest) of them."""
    codes = tuple(codes)
    if codes:
        return DecodeAttempt(codes=codes, ms=elapsed_ms(start), decoder=name)
    merged = tuple(merge_candidates(candidates))
    if not merged:
        return DecodeAttempt(codes=(), ms=elapsed_ms(start), decoder=name)
    return DecodeAttempt(
        codes=(),
        ms=elapsed_ms(start),
        decoder=name,
        candidates=merged,
        sharpness=sharpness(grey, merged[0].corners),
        exposure=exposure(grey, merged[0].corners),
    )


def dedupe(codes: Iterable[DecodedCode]) -> list[DecodedCode]:
    """One code per text and place (a decoder may report a symbol twice)."""
    kept: list[DecodedCode] = []
    for code in codes:
        side = quad_side(code.corners)
        cx = sum(p[0] for p in code.corners) / 4
        cy = sum(p[1] for p in code.corners) / 4
        if not any(
            k.text == code.text
            and abs(sum(p[0] for p in k.corners) / 4 - cx) < side / 2
            and abs(sum(p[1] for p in k.corners) / 4 - cy) < side / 2
            for k in kept
        ):
            kept.append(code)
    return kept


def candidate(points: Iterable[tuple[float, float]]) -> Candidate | None:
    """A candidate from a decoder's quadrilateral, or ``None`` if it is degenerate."""
    corners = as_corners(points)
    size = quad_side(corners)
    if size < MIN_CANDIDATE_PX or quad_area(corners) < 0.25 * size * size:
        return None
    return Candidate(corners=corners, size_px=size)


# -- zxing-cpp ------------------------------------------------------------------------

#: Standard (model 2) QR codes only. In zxing-cpp 3 ``BarcodeFormat.QRCode`` names the
#: whole family, Micro QR and rMQR included, and a Micro QR symbol (error correction
#: for a few characters at most) turns up in blurred noise: we measured one such
#: false read, a six-digit "Micro QR" inside a defocused health code.
QR_FORMAT = zxingcpp.BarcodeFormat.QRCodeModel2


def zxing_corners(position: Any) -> tuple[tuple[float, float], ...]:
    """zxing-cpp's position: top-left, top-right, bottom-right, bottom-left of the code."""
    return tuple(
        (float(p.x), float(p.y))
        for p in (
            position.top_left,
            position.top_right,
            position.bottom_right,
            position.bottom_left,
        )
    )


def read_zxing(
    grey: Image,
    *,
    try_rotate: bool = True,
    try_downscale: bool = True,
    try_invert: bool = True,
    binarizer: Any = zxingcpp.Binarizer.LocalAverage,
) -> tuple[list[tuple[str, tuple[tuple[float, float], ...]]], list[Candidate]]:
    """zxing-cpp on a grey image: (text, corners) of each valid QR code, and the
    symbols it found but could not read (checksum or format errors) as candidates."""
    results = zxingcpp.read_barcodes(
        grey,
        formats=QR_FORMAT,
        try_rotate=try_rotate,
        try_downscale=try_downscale,
        try_invert=try_invert,
        binarizer=binarizer,
        return_errors=True,
    )
    found: list[tuple[str, tuple[tuple[float, float], ...]]] = []
    candidates: list[Candidate] = []
    for barcode in results:
        if barcode.format != zxingcpp.BarcodeFormat.QRCode:
            continue
        corners = zxing_corners(barcode.position)
        if barcode.valid:
            found.append((barcode.text, corners))
        elif (cand := candidate(corners)) is not None:
            candidates.append(cand)
    return found, candidates


class ZxingDecoder:
    """zxing-cpp, QR codes only (not Micro QR or rMQR).

    Options (zxing-cpp's own): ``try_rotate``, ``try_downscale`` (also look at
    halved images — finds large and blurred codes), ``try_invert`` (light-on-dark
    codes: phones in dark mode; cheap), ``binarizer`` (a ``zxingcpp.Binarizer``
    or its name: ``LocalAverage``, the default and best on camera frames,
    ``GlobalHistogram`` or ``FixedThreshold``).
    """

    name = "zxing"

    def __init__(
        self,
        *,
        try_rotate: bool = True,
        try_downscale: bool = True,
        try_invert: bool = True,
        binarizer: Any = "LocalAverage",
    ) -> None:
        if isinstance(binarizer, str):
            try:
                binarizer = zxingcpp.Binarizer.__members__[binarizer]
            except KeyError:
                names = ", ".join(n for n in zxingcpp.Binarizer.__members__ if n != "BoolCast")
                raise ValueError(f"unknown binarizer {binarizer!r}; one of {names}") from None
        self._options: dict[str, Any] = {
            "try_rotate": try_rotate,
            "try_downscale": try_downscale,
            "try_invert": try_invert,
            "binarizer": binarizer,
        }

    def decode(self, image: Image) -> DecodeAttempt:
        start = time.perf_counter()
        grey = to_grey(image)
        if grey is None:
            return empty_attempt(self.name, start)
        try:
            found, candidates = read_zxing(grey, **self._options)
        except Exception:  # the engine must not take the scanner down
            log.exception("zxing-cpp failed on a %s image", getattr(image, "shape", "?"))
            return empty_attempt(self.name, start)
        codes = dedupe(DecodedCode(text, as_corners(c), self.name) for text, c in found)
        return finish(self.name, start, grey, codes, candidates)


# -- pyzbar ---------------------------------------------------------------------------


@functools.cache
def load_pyzbar() -> tuple[ModuleType | None, str]:
    """pyzbar's decoding module and ``""``, or ``None`` and why it cannot load.

    pyzbar loads the system library libzbar when it is imported, so the import is
    deferred to here, and a missing library (``ImportError`` or ``OSError``) makes
    the decoder unavailable instead of breaking the application.
    """
    try:
        from checkpoint_app.native import prefer_bundled_zbar

        prefer_bundled_zbar()  # the frozen app loads its own copy, not the system's
        from pyzbar import pyzbar
    except (ImportError, OSError) as exc:
        return None, (
            f"pyzbar cannot load the ZBar library ({exc}); install libzbar0 "
            "(Debian/Ubuntu: apt-get install libzbar0) or use another decoder"
        )
    return pyzbar, ""


#: ZBar's orientation of the code → which corner, clockwise from the on-screen
#: top-left, is the code's own top-left corner.
ZBAR_ORIENTATION_START = {"UP": 0, "RIGHT": 1, "DOWN": 2, "LEFT": 3}


def bytes_to_text(data: bytes) -> str:
    """QR payload bytes as text: UTF-8, else Latin-1 (QR's default byte encoding)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_pyzbar(
    module: ModuleType, grey: Image
) -> list[tuple[str, tuple[tuple[float, float], ...]]]:
    """ZBar on a grey image: (text, corners) of each QR code it read."""
    found = []
    for symbol in module.decode(grey, symbols=[module.ZBarSymbol.QRCODE]):
        points = [(float(p.x), float(p.y)) for p in symbol.polygon]
        if len(points) < 3:
            continue
        start = ZBAR_ORIENTATION_START.get(str(getattr(symbol, "orientation", None) or "UP"), 0)
        found.append((bytes_to_text(symbol.data), order_clockwise(points, start)))
    return found


class PyzbarDecoder:
    """ZBar (through pyzbar) restricted to QR codes, on the grey image.

    Raises :class:`DecoderUnavailableError` when libzbar cannot be loaded.
    """

    name = "pyzbar"

    def __init__(self) -> None:
        module, reason = load_pyzbar()
        if module is None:
            raise DecoderUnavailableError(reason)
        self._pyzbar = module

    def decode(self, image: Image) -> DecodeAttempt:
        start = time.perf_counter()
        grey = to_grey(image)
        if grey is None:
            return empty_attempt(self.name, start)
        try:
            found = read_pyzbar(self._pyzbar, grey)
        except Exception:
            log.exception("pyzbar failed on a %s image", getattr(image, "shape", "?"))
            return empty_attempt(self.name, start)
        codes = dedupe(DecodedCode(text, as_corners(c), self.name) for text, c in found)
        return finish(self.name, start, grey, codes, ())


# -- OpenCV ---------------------------------------------------------------------------


def read_opencv(
    detector: Any, grey: Image
) -> tuple[list[tuple[str, tuple[tuple[float, float], ...]]], list[Candidate]]:
    """An OpenCV QR detector on a grey image: decoded codes, and detected-only ones."""
    ok, texts, points, _straight = detector.detectAndDecodeMulti(grey)
    found: list[tuple[str, tuple[tuple[float, float], ...]]] = []
    candidates: list[Candidate] = []
    if not ok or points is None:
        return found, candidates
    for text, quad in zip(texts, points, strict=False):
        corners = tuple((float(x), float(y)) for x, y in np.asarray(quad).reshape(-1, 2)[:4])
        if len(corners) != 4:
            continue
        if text:
            found.append((str(text), corners))
        elif (cand := candidate(corners)) is not None:
            candidates.append(cand)
    return found, candidates


class OpenCvDecoder:
    """OpenCV's ``QRCodeDetectorAruco`` (several codes per image)."""

    name = "opencv"

    def __init__(self) -> None:
        self._detector = cv2.QRCodeDetectorAruco()

    def decode(self, image: Image) -> DecodeAttempt:
        start = time.perf_counter()
        grey = to_grey(image)
        if grey is None:
            return empty_attempt(self.name, start)
        try:
            found, candidates = read_opencv(self._detector, grey)
        except Exception:  # cv2.error, or text OpenCV could not turn into str
            log.exception("OpenCV failed on a %s image", getattr(image, "shape", "?"))
            return empty_attempt(self.name, start)
        codes = dedupe(DecodedCode(text, as_corners(c), self.name) for text, c in found)
        return finish(self.name, start, grey, codes, candidates)


# -- the registry ---------------------------------------------------------------------


def unavailable_decoders() -> dict[str, str]:
    """Decoders that cannot run here, with the reason (empty when all can)."""
    _module, reason = load_pyzbar()
    return {"pyzbar": reason} if reason else {}


def available_decoders() -> list[str]:
    """The names :func:`make_decoder` accepts on this machine, ``auto`` first."""
    missing = unavailable_decoders()
    return [name for name in DECODER_NAMES if name not in missing]


def _make_auto(**options: Any) -> Decoder:
    from checkpoint_app.scan.auto_decoder import AutoDecoder

    return AutoDecoder(**options)


_FACTORIES: dict[str, Callable[..., Decoder]] = {
    "auto": _make_auto,
    "zxing": ZxingDecoder,
    "pyzbar": PyzbarDecoder,
    "opencv": OpenCvDecoder,
}


def make_decoder(name: str, **options: Any) -> Decoder:
    """A decoder by name (``auto``, ``zxing``, ``pyzbar``, ``opencv``) with its options.

    Raises ``ValueError`` for an unknown name, an unavailable decoder (the message
    says why) or options the decoder does not take.
    """
    factory = _FACTORIES.get(name)
    if factory is None:
        raise ValueError(
            f"unknown decoder {name!r}; choose one of {', '.join(available_decoders())}"
        )
    reason = unavailable_decoders().get(name)
    if reason:
        raise DecoderUnavailableError(f"decoder {name!r} is not available: {reason}")
    try:
        return factory(**options)
    except TypeError as exc:
        raise ValueError(f"bad options for decoder {name!r}: {exc}") from None
