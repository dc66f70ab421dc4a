"""What the scanning layer passes around: frames, decoded codes, decode attempts.

No Qt here (the GUI gets these through its own glue in ``ui/``); images are NumPy
arrays as OpenCV gives them (``uint8``, BGR ``HxWx3`` or grey ``HxW``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]
Point = tuple[float, float]
#: Four corners in source-image pixels, in the decoder's order (top-left first,
#: then clockwise as the code is oriented).
Corners = tuple[Point, Point, Point, Point]


@dataclass(frozen=True, slots=True)
class Frame:
    """One image from a frame source.

    ``index`` counts frames from 0; ``item`` is what ``scan`` prints as the source
    item: the image's path for image files and folders, the frame index for videos
    and cameras. ``timestamp`` is seconds on the source's clock (monotonic for a
    camera, position for a video, 0 for images).
    """

    image: Image = field(repr=False)
    index: int
    item: str
    timestamp: float = 0.0


@dataclass(frozen=True, slots=True)
class DecodedCode:
    """A decoded QR code: its text, where it is, and which decoder read it."""

    text: str
    corners: Corners
    decoder: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """Something that looks like a QR code but was not decoded (for guidance)."""

    corners: Corners
    #: Estimated side of the code in pixels.
    size_px: float


@dataclass(frozen=True, slots=True)
class Exposure:
    """How the region of a code seen but not read is lit (grey levels 0-255).

    ``dark`` and ``light`` are the 5th and 95th percentiles of its grey levels
    (its dark and its light modules, roughly), ``saturated`` the share of its
    pixels at 250 or more (blown out by glare or overexposure).
    """

    dark: float
    light: float
    saturated: float


@dataclass(frozen=True, slots=True)
class DecodeAttempt:
    """The outcome of decoding one frame.

    ``codes`` are the decoded codes (empty if none). When nothing decoded, a decoder
    that can tell reports ``candidates`` (a code seen but not read), ``sharpness``
    (variance of the Laplacian around the first of them) and ``exposure`` (how that
    region is lit), which the pipeline turns into a hint for the traveller
    ("closer", "hold still", "more light", ...; :mod:`checkpoint_app.scan.guidance`).
    """

    codes: tuple[DecodedCode, ...]
    ms: float
    decoder: str
    candidates: tuple[Candidate, ...] = ()
    sharpness: float | None = None
    exposure: Exposure | None = None


class Decoder(Protocol):
    """Finds and decodes the QR codes in one image; never raises for any image."""

    name: str

    def decode(self, image: Image) -> DecodeAttempt: ...
