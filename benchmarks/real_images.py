"""Real QR images for the decoder benchmark, from ``../shared/vectors/``.

* **BoofCV** (``boofcv-qr/<category>/imageNNN.jpg`` + ``.txt``): real photographs
  with hand-labelled corner points and no ground-truth text (see its ORIGIN.md).
  A label file is either ``SETS`` followed by one line of 8 numbers (4 x,y corners)
  per code, or (the single-code files) 4 lines of one x,y point each. The labels
  are in the stored pixel grid, so images are read ignoring their EXIF orientation
  (9 of them are turned by it), then resized to fit 1280x720 keeping the aspect ratio
  (never enlarged), the corners scaled with them. Scoring: an image counts when a decoded code's centre falls
  inside one of its labelled quadrilaterals; each labelled code counts at most once.
* **PHI1 PNGs** (``phi1/images/NNN_name.png``): the text is the ``qr`` field of the
  case with the same stem in ``phi1/cases/``.
* **DCC PNGs**: the base64 ``2DCODE`` PNG of the ``**/2DCode/raw/*.json`` test
  cases of the EU DCC test data whose ``EXPECTEDRESULTS.EXPECTEDPICTUREDECODE`` is
  true; the text is their ``PREFIX`` field. Only those: where the flag is absent the
  data does not promise that the picture holds ``PREFIX``, and for ES 501–503 it
  does not (their pictures hold other texts), and one case's picture is false on
  purpose.

``../shared`` is found only by :func:`shared_dir`: ``$CHECKPOINT_SHARED_DIR``, else
``shared/`` beside the project root (the parent of ``benchmarks/``).
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

PROJECT_ROOT = Path(__file__).resolve().parent.parent
Image = npt.NDArray[np.uint8]
Point = tuple[float, float]
Quad = tuple[Point, Point, Point, Point]
#: Real photographs are resized to fit this box (the webcam frame size).
FIT = (1280, 720)


def shared_dir() -> Path:
    """``$CHECKPOINT_SHARED_DIR`` or ``shared/`` beside the project root."""
    override = os.environ.get("CHECKPOINT_SHARED_DIR")
    candidate = Path(override) if override else PROJECT_ROOT.parent / "shared"
    if not (candidate / "vectors").is_dir():
        raise FileNotFoundError(
            f"{candidate}/vectors not found; put shared/ beside {PROJECT_ROOT} "
            "or set CHECKPOINT_SHARED_DIR to its path"
        )
    return candidate.resolve()


def vectors_dir() -> Path:
    return shared_dir() / "vectors"


# --- BoofCV ------------------------------------------------------------------------


def parse_boofcv_labels(text: str) -> list[Quad]:
    """The labelled quadrilaterals of one BoofCV ``.txt`` file."""
    lines = [ln.split() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    quads: list[Quad] = []
    if lines and lines[0] == ["SETS"]:
        for parts in lines[1:]:
            if len(parts) != 8:
                raise ValueError(f"expected 8 numbers per code, got {len(parts)}")
            v = [float(x) for x in parts]
            quads.append(((v[0], v[1]), (v[2], v[3]), (v[4], v[5]), (v[6], v[7])))
        return quads
    points = [(float(p[0]), float(p[1])) for p in lines if len(p) == 2]
    if len(points) != len(lines) or len(points) % 4:
        raise ValueError("expected groups of 4 x,y points")
    for i in range(0, len(points), 4):
        quads.append((points[i], points[i + 1], points[i + 2], points[i + 3]))
    return quads


@dataclass(frozen=True, slots=True)
class BoofImage:
    category: str
    path: Path
    #: Labelled codes in the original image's pixels.
    labels: tuple[Quad, ...]

    @property
    def name(self) -> str:
        return f"{self.category}/{self.path.name}"

    def load(self, fit: tuple[int, int] = FIT) -> tuple[Image, tuple[Quad, ...]]:
        """The image resized to fit ``fit`` (aspect kept, never enlarged) and its labels scaled."""
        # the labels are in the stored pixel grid: ignore any EXIF orientation
        img = cv2.imread(str(self.path), cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
        if img is None:
            raise OSError(f"cannot read {self.path}")
        h, w = img.shape[:2]
        scale = min(fit[0] / w, fit[1] / h, 1.0)
        if scale < 1.0:
            size = (max(1, round(w * scale)), max(1, round(h * scale)))
            img = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
            sx, sy = size[0] / w, size[1] / h
        else:
            sx = sy = 1.0
        labels = tuple(
            (
                (q[0][0] * sx, q[0][1] * sy),
                (q[1][0] * sx, q[1][1] * sy),
                (q[2][0] * sx, q[2][1] * sy),
                (q[3][0] * sx, q[3][1] * sy),
            )
            for q in self.labels
        )
        return np.ascontiguousarray(img, dtype=np.uint8), labels


def boofcv_images(root: Path | None = None) -> list[BoofImage]:
    """Every labelled BoofCV image, sorted by category and name."""
    root = root or vectors_dir() / "boofcv-qr"
    out: list[BoofImage] = []
    for txt in sorted(root.glob("*/*.txt")):
        jpg = txt.with_suffix(".jpg")
        if not jpg.is_file():
            candidates = [p for p in txt.parent.glob(txt.stem + ".*") if p.suffix != ".txt"]
            if not candidates:
                continue
            jpg = candidates[0]
        labels = parse_boofcv_labels(txt.read_text())
        out.append(BoofImage(txt.parent.name, jpg, tuple(labels)))
    return out


def point_in_quad(point: Point, quad: Sequence[Point]) -> bool:
    """Whether ``point`` is inside (or on) the convex hull of ``quad``."""
    hull = cv2.convexHull(np.asarray(quad, np.float32))
    return cv2.pointPolygonTest(hull, (float(point[0]), float(point[1])), False) >= 0


def match_labels(centres: Sequence[Point], labels: Sequence[Quad]) -> tuple[int, int]:
    """(labelled codes hit by some centre, centres inside no label)."""
    hit = [False] * len(labels)
    unmatched = 0
    for c in centres:
        found = False
        for i, q in enumerate(labels):
            if point_in_quad(c, q):
                hit[i] = True
                found = True
        unmatched += not found
    return sum(hit), unmatched


# --- PNGs with known text ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextImage:
    """An image whose QR text is known."""

    name: str
    text: str
    path: Path | None = None
    png: bytes | None = None

    def load(self) -> Image:
        if self.png is not None:
            img = cv2.imdecode(np.frombuffer(self.png, np.uint8), cv2.IMREAD_COLOR)
        else:
            img = cv2.imread(str(self.path), cv2.IMREAD_COLOR)
        if img is None:
            raise OSError(f"cannot read {self.name}")
        return np.ascontiguousarray(img, dtype=np.uint8)


def phi1_images(root: Path | None = None) -> list[TextImage]:
    """The PHI1 vector PNGs; raises if a PNG has no case (or its case no ``qr``)."""
    root = root or vectors_dir() / "phi1"
    out: list[TextImage] = []
    for png in sorted((root / "images").glob("*.png")):
        case = root / "cases" / f"{png.stem}.json"
        if not case.is_file():
            raise FileNotFoundError(f"{png.name} has no case {case}")
        text = json.loads(case.read_text(encoding="utf-8")).get("qr")
        if not isinstance(text, str):
            raise ValueError(f"{case} has no 'qr' text")
        out.append(TextImage(f"phi1/{png.name}", text, path=png))
    return out


def dcc_images(root: Path | None = None) -> list[TextImage]:
    """The EU DCC test cases' 2DCODE PNGs that the test data says decode to PREFIX."""
    root = root or vectors_dir() / "dcc"
    out: list[TextImage] = []
    for raw in sorted(root.glob("**/2DCode/raw/*.json")):
        case = json.loads(raw.read_text(encoding="utf-8"))
        png, prefix = case.get("2DCODE"), case.get("PREFIX")
        if not isinstance(png, str) or not isinstance(prefix, str):
            continue
        expected = case.get("EXPECTEDRESULTS") or {}
        if expected.get("EXPECTEDPICTUREDECODE") is not True:
            continue
        name = f"dcc/{raw.relative_to(root).as_posix()}"
        out.append(TextImage(name, prefix, png=base64.b64decode(png)))
    return out
