"""Decoder benchmark: decode rate and time of every QR decoder, side by side, in one run.

    python benchmarks/bench_decode.py                 # full run (a few minutes on 2 cores)
    python benchmarks/bench_decode.py --quick         # the reduced run CI does (< 1 min)
    python benchmarks/bench_decode.py --decoders raw-zxing,raw-pyzbar,raw-opencv
    python benchmarks/bench_decode.py --save /tmp/frames --frames-per-category 3

What it measures, on one core (the process pinned to the least busy CPU, or
``--cpu N``, or not pinned with ``--no-pin``; OpenCV single threaded), every frame
decoded once by every decoder after a warm-up, wall time of ``decode(image)`` with
:func:`time.perf_counter`:

* synthetic webcam frames (``frame_synth.py``: 12 categories of degradation plus
  frames with no code, at 720p and 1080p, 40 frames per category each by default,
  the issue's scale). A frame counts as decoded when a returned code has exactly the
  ground-truth text and its centre lies inside the true corners. Any other code --
  a wrong text, the right text elsewhere, any code on a ``none`` frame -- is a
  FALSE READ, printed loudly and counted;
* the BoofCV photographs (``real_images.py``; resized to fit 1280x720): the share
  of images where a decoded code's centre falls inside a labelled code, and the
  share of labelled codes decoded (each counted once), per category;
* the PHI1 and DCC PNGs (known text; a different text is a false read).

Decoders: ``checkpoint_app.scan.decoders`` when it imports (every name in
``available_decoders()``, built with ``make_decoder``), plus ``raw-zxing``, the
baseline for the ``auto`` / raw zxing-cpp ratios and the "no category below raw
zxing-cpp" target. Without that module, local adapters stand in:

* ``raw-zxing``: ``zxingcpp.read_barcodes(image, formats=QRCodeModel2)`` on the
  BGR frame, the library's defaults otherwise (``try_invert`` etc. on);
* ``raw-zxing-qrfamily`` (only when asked for): the same with ``formats=QRCode``,
  which in zxing-cpp 3.x also reads Micro QR and rMQR -- and so misreads parts of
  blurred codes as Micro QR symbols (false reads);
* ``raw-pyzbar``: ``pyzbar.decode(grey, symbols=[QRCODE])``;
* ``raw-opencv``: ``cv2.QRCodeDetectorAruco().detectAndDecodeMulti`` on the frame;
* ``raw-opencv-classic`` (only when asked for): ``cv2.QRCodeDetector``.

Targets (issue #3) are printed at the end with met / MISSED and the measured value.
Exit status 0 whatever the numbers (2 for bad usage); the reduced test asserts the
tables are there and that no decoder made a false read.
"""

from __future__ import annotations

import argparse
import importlib
import multiprocessing
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
for _p in (str(ROOT), str(ROOT / "benchmarks")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import frame_synth  # noqa: E402
import real_images  # noqa: E402
from frame_synth import NO_CODE, RESOLUTIONS, FrameTruth  # noqa: E402
from pinning import pin_to_one_cpu  # noqa: E402

from checkpoint_app.scan.types import (  # noqa: E402
    Candidate,
    Corners,
    DecodeAttempt,
    DecodedCode,
    Decoder,
    Image,
)

BASELINE = "raw-zxing"
AUTO = "auto"
FULL_FRAMES_PER_CATEGORY = 40
QUICK_FRAMES_PER_CATEGORY = 4

# Targets (issue #3)
TARGET_RATE = 97.0
TARGET_BLUR = 70.0
TARGET_SMALL = 95.0
TARGET_BOOFCV = 80.0
TARGET_MEDIAN_MS = 8.0
TARGET_P95_MS = 25.0
TARGET_NONE_MEDIAN_MS = 3.0


# --- local adapters ----------------------------------------------------------------


def _corners(points: Iterable[Sequence[float]]) -> Corners:
    p = [(float(x), float(y)) for x, y in points]
    if len(p) != 4:
        p = (p + [p[-1]] * 4)[:4] if p else [(0.0, 0.0)] * 4
    return (p[0], p[1], p[2], p[3])


class RawZxing:
    """zxing-cpp as it comes: ``read_barcodes`` restricted to QR Code (model 2).

    ``family=True`` asks for ``BarcodeFormat.QRCode`` instead, which in zxing-cpp
    3.x is the whole family -- model 1 and 2, Micro QR and rMQR -- and then finds
    Micro QR symbols (``M1``, a digit or two behind a mere error-detection code)
    inside the finder patterns of blurred codes: false reads.
    """

    def __init__(self, family: bool = False) -> None:
        import zxingcpp

        self._zx = zxingcpp
        self.name = "raw-zxing-qrfamily" if family else "raw-zxing"
        fmt = zxingcpp.BarcodeFormat
        self._formats = fmt.QRCode if family else fmt.QRCodeModel2

    def decode(self, image: Image) -> DecodeAttempt:
        start = time.perf_counter()
        codes: list[DecodedCode] = []
        try:
            for b in self._zx.read_barcodes(image, formats=self._formats):
                p = b.position
                pts = [
                    (p.top_left.x, p.top_left.y),
                    (p.top_right.x, p.top_right.y),
                    (p.bottom_right.x, p.bottom_right.y),
                    (p.bottom_left.x, p.bottom_left.y),
                ]
                codes.append(DecodedCode(b.text, _corners(pts), self.name))
        except Exception:  # never raise for any image
            codes = []
        return DecodeAttempt(tuple(codes), (time.perf_counter() - start) * 1e3, self.name)


class RawPyzbar:
    """pyzbar (ZBar) on the grey image, QR codes only."""

    name = "raw-pyzbar"

    def __init__(self) -> None:
        from pyzbar import pyzbar
        from pyzbar.pyzbar import ZBarSymbol

        self._decode = pyzbar.decode
        self._symbols = [ZBarSymbol.QRCODE]

    def decode(self, image: Image) -> DecodeAttempt:
        start = time.perf_counter()
        codes: list[DecodedCode] = []
        try:
            grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
            for r in self._decode(grey, symbols=self._symbols):
                text = r.data.decode("utf-8", errors="replace")
                pts = [(pt.x, pt.y) for pt in r.polygon]
                if len(pts) != 4:
                    x, y, w, h = r.rect
                    pts = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
                codes.append(DecodedCode(text, _corners(pts), self.name))
        except Exception:
            codes = []
        return DecodeAttempt(tuple(codes), (time.perf_counter() - start) * 1e3, self.name)


class RawOpenCV:
    """OpenCV's ``QRCodeDetectorAruco`` (or the classic ``QRCodeDetector``), multi."""

    def __init__(self, classic: bool = False) -> None:
        self.name = "raw-opencv-classic" if classic else "raw-opencv"
        self._det = cv2.QRCodeDetector() if classic else cv2.QRCodeDetectorAruco()

    def decode(self, image: Image) -> DecodeAttempt:
        start = time.perf_counter()
        codes: list[DecodedCode] = []
        candidates: list[Candidate] = []
        try:
            ok, texts, points, _ = self._det.detectAndDecodeMulti(image)
            if ok and points is not None:
                for text, pts in zip(texts, points, strict=False):
                    corners = _corners(pts.reshape(-1, 2))
                    if text:
                        codes.append(DecodedCode(text, corners, self.name))
                    else:
                        side = float(np.sqrt(abs(cv2.contourArea(pts.reshape(-1, 2)))))
                        candidates.append(Candidate(corners, side))
        except cv2.error:
            codes = []
        return DecodeAttempt(
            tuple(codes), (time.perf_counter() - start) * 1e3, self.name, tuple(candidates)
        )


RAW_ADAPTERS: dict[str, Callable[[], Decoder]] = {
    "raw-zxing": RawZxing,
    "raw-pyzbar": RawPyzbar,
    "raw-opencv": RawOpenCV,
    "raw-opencv-classic": lambda: RawOpenCV(classic=True),
    "raw-zxing-qrfamily": lambda: RawZxing(family=True),
}
DEFAULT_RAW = ("raw-zxing", "raw-pyzbar", "raw-opencv")


def app_decoder_factories() -> tuple[dict[str, Callable[[], Decoder]], str]:
    """``checkpoint_app.scan.decoders``' decoders by name, and where they came from."""
    try:
        mod = importlib.import_module("checkpoint_app.scan.decoders")
    except ModuleNotFoundError as exc:
        if exc.name == "checkpoint_app.scan.decoders":
            return {}, "checkpoint_app.scan.decoders not present: local adapters only"
        return {}, f"WARNING: checkpoint_app.scan.decoders failed to import: {exc!r}"
    except Exception as exc:
        return {}, f"WARNING: checkpoint_app.scan.decoders failed to import: {exc!r}"
    try:
        names = list(mod.available_decoders())
    except Exception as exc:
        return {}, f"WARNING: available_decoders() failed: {exc!r}"

    def factory(n: str) -> Callable[[], Decoder]:
        return lambda: mod.make_decoder(n)

    return {n: factory(n) for n in names}, "checkpoint_app.scan.decoders"


def select_decoders(spec: str | None) -> tuple[list[tuple[str, Decoder]], list[str]]:
    """The decoders to run (label, instance) and notes to print. Raises ValueError."""
    app, source = app_decoder_factories()
    notes = [f"decoders from: {source}"]
    if spec:
        names = [n.strip() for n in spec.split(",") if n.strip()]
    else:
        names = list(app) if app else list(DEFAULT_RAW)
    unknown = [n for n in names if n not in app and n not in RAW_ADAPTERS]
    if unknown:
        known = sorted(set(app) | set(RAW_ADAPTERS))
        raise ValueError(f"unknown decoder(s) {', '.join(unknown)}; known: {', '.join(known)}")
    if BASELINE not in names:
        names.append(BASELINE)
        notes.append(f"{BASELINE} added as the baseline")
    out: list[tuple[str, Decoder]] = []
    for n in dict.fromkeys(names):
        try:
            out.append((n, app[n]() if n in app else RAW_ADAPTERS[n]()))
        except Exception as exc:  # a decoder being written may not build yet
            notes.append(f"WARNING: decoder {n!r} could not be built, left out: {exc!r}")
    if not spec and app and all(lab == BASELINE for lab, _ in out):
        notes.append("WARNING: no decoder of checkpoint_app.scan.decoders built: local adapters")
        out += [(n, RAW_ADAPTERS[n]()) for n in DEFAULT_RAW if n != BASELINE]
    return out, notes


# --- measuring ---------------------------------------------------------------------


def pin_one_core(cpu: int | None = None, pin: bool = True) -> str:
    """One core: OpenCV single threaded and the process pinned (:mod:`pinning`).
    ``pin=False`` leaves the placement to the scheduler."""
    cv2.setNumThreads(1)
    where = pin_to_one_cpu(cpu) if pin else None
    if where is None:
        return "not pinned, cv2.setNumThreads(1)"
    return f"pinned to {where}, cv2.setNumThreads(1)"


def timed_decode(decoder: Decoder, image: Image) -> tuple[DecodeAttempt | None, float, str | None]:
    start = time.perf_counter()
    try:
        attempt = decoder.decode(image)
        error = None
    except Exception as exc:  # a decoder must never raise; count it
        attempt, error = None, repr(exc)
    return attempt, (time.perf_counter() - start) * 1e3, error


def centre(corners: Sequence[Sequence[float]]) -> tuple[float, float]:
    xs = [float(p[0]) for p in corners]
    ys = [float(p[1]) for p in corners]
    return sum(xs) / len(xs), sum(ys) / len(ys)


def judge_frame(attempt: DecodeAttempt | None, truth: FrameTruth) -> tuple[bool, list[str]]:
    """(decoded correctly, descriptions of false reads)."""
    ok = False
    false: list[str] = []
    for code in attempt.codes if attempt else ():
        c = centre(code.corners)
        if truth.text is None or truth.corners is None:
            false.append(f"a code on a frame with none: {code.text[:60]!r}")
        elif code.text != truth.text:
            false.append(f"wrong text {code.text[:60]!r} (expected {truth.text[:30]!r}...)")
        elif not real_images.point_in_quad(c, truth.corners):
            false.append(f"right text but centre ({c[0]:.0f}, {c[1]:.0f}) outside the code")
        else:
            ok = True
    return ok, false


def pct(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, np.float64), q)) if values else float("nan")


@dataclass
class Cell:
    """One decoder on one set of images."""

    n: int = 0
    ok: int = 0
    false: int = 0
    errors: int = 0
    ms: list[float] = field(default_factory=list)

    def add(self, ok: bool, false: int, ms: float, error: bool = False) -> None:
        self.n += 1
        self.ok += ok
        self.false += false > 0
        self.errors += error
        self.ms.append(ms)

    def merge(self, other: Cell) -> None:
        self.n += other.n
        self.ok += other.ok
        self.false += other.false
        self.errors += other.errors
        self.ms += other.ms

    @property
    def rate(self) -> float:
        return 100.0 * self.ok / self.n if self.n else float("nan")

    @property
    def median(self) -> float:
        return statistics.median(self.ms) if self.ms else float("nan")

    @property
    def p95(self) -> float:
        return pct(self.ms, 95)


class FalseReads:
    """Every false read, printed loudly when it happens and counted per decoder."""

    def __init__(self) -> None:
        self.count: dict[str, int] = {}
        self.errors: dict[str, int] = {}

    def report(self, decoder: str, where: str, what: str) -> None:
        self.count[decoder] = self.count.get(decoder, 0) + 1
        line = f"!!! FALSE READ by {decoder} on {where}: {what}"
        print(line, flush=True)
        print(line, file=sys.stderr, flush=True)

    def error(self, decoder: str, where: str, what: str) -> None:
        self.errors[decoder] = self.errors.get(decoder, 0) + 1
        line = f"!!! DECODER RAISED: {decoder} on {where}: {what}"
        print(line, flush=True)
        print(line, file=sys.stderr, flush=True)


# --- frame generation (in worker processes, before the timed part) -----------------


def print_false_reads(false_reads: FalseReads, labels: Sequence[str], started: float) -> None:
    """The closing lines of every decoder benchmark: false reads, decoder errors, time."""
    total = sum(false_reads.count.values())
    print(
        "\nFALSE READS: "
        + ", ".join(f"{lab} {false_reads.count.get(lab, 0)}" for lab in labels)
        + ("" if total == 0 else "   <<< !!! NOT ZERO !!!")
    )
    if false_reads.errors:
        print("DECODER ERRORS: " + ", ".join(f"{k} {v}" for k, v in false_reads.errors.items()))
    print(f"elapsed {time.perf_counter() - started:.0f} s")


def _make(args: tuple[str, int, int, tuple[int, int]]) -> frame_synth.SynthFrame:
    category, index, seed, size = args
    return frame_synth.make_frame(category, index, seed=seed, size=size)


class FrameMaker:
    """Generates frames, in a pool of worker processes created before the pinning."""

    def __init__(self, jobs: int) -> None:
        self.pool = None
        if jobs > 1:
            methods = multiprocessing.get_all_start_methods()
            ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            self.pool = ctx.Pool(jobs)

    def frames(
        self, category: str, indices: Sequence[int], seed: int, size: tuple[int, int]
    ) -> list[frame_synth.SynthFrame]:
        tasks = [(category, i, seed, size) for i in indices]
        if self.pool is None:
            return [_make(t) for t in tasks]
        return list(self.pool.imap(_make, tasks, chunksize=2))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()


# --- printing ----------------------------------------------------------------------


NAME_W = 20  # the first column
COL_W = 7  # each number
CELL_W = 3 * COL_W  # one decoder: three numbers


def fmt(value: float, width: int = COL_W, digits: int = 1) -> str:
    return f"{value:{width}.{digits}f}" if value == value else f"{'-':>{width}}"


def table_header(labels: Sequence[str], first: str, cols: Sequence[str]) -> str:
    top = f"{first:<{NAME_W}}" + "".join(f" |{lab:>{CELL_W}}" for lab in labels)
    sub = f"{'':<{NAME_W}}" + "".join(" |" + "".join(f"{c:>{COL_W}}" for c in cols) for _ in labels)
    return top + "\n" + sub


def total_line(name: str, values: Sequence[object]) -> str:
    return f"{name:<{NAME_W}}" + "".join(f" |{v!s:>{CELL_W}}" for v in values)


def synthetic_section(
    resolution: str,
    size: tuple[int, int],
    categories: Sequence[str],
    per_category: int,
    seed: int,
    decoders: Sequence[tuple[str, Decoder]],
    maker: FrameMaker,
    false_reads: FalseReads,
    save: Path | None,
) -> dict[str, dict[str, Cell]]:
    """Decode every frame of every category with every decoder; print the table."""
    labels = [lab for lab, _ in decoders]
    cells: dict[str, dict[str, Cell]] = {}
    # warm-up: frames outside the measured range
    warm = maker.frames("nominal", [10_000, 10_001], seed, size) + maker.frames(
        NO_CODE, [10_000], seed, size
    )
    for _, dec in decoders:
        for f in warm:
            timed_decode(dec, f.image)
    print(
        f"\n== {resolution} ({size[0]}x{size[1]}): {per_category} frames per category, seed {seed} =="
    )
    print(table_header(labels, "category", ("dec%", "med", "p95")))
    for category in categories:
        frames = maker.frames(category, range(per_category), seed, size)
        if save is not None:
            for f in frames:
                frame_synth.save_frame(f, save / resolution)
        row: dict[str, Cell] = {}
        for label, dec in decoders:
            cell = Cell()
            for f in frames:
                attempt, ms, error = timed_decode(dec, f.image)
                where = f"{resolution}/{category}#{f.truth.index}"
                if error:
                    false_reads.error(label, where, error)
                ok, false = judge_frame(attempt, f.truth)
                for what in false:
                    false_reads.report(label, where, what)
                cell.add(ok, len(false), ms, error is not None)
            row[label] = cell
        cells[category] = row
        print(_row(category, row, labels), flush=True)
    overall: dict[str, Cell] = {lab: Cell() for lab in labels}
    for category in categories:
        if category != NO_CODE:
            for lab in labels:
                overall[lab].merge(cells[category][lab])
    cells["all codes"] = overall
    print(_row("all codes", overall, labels))
    print(
        total_line("false reads", [sum(cells[c][lab].false for c in categories) for lab in labels])
    )
    print("(none: frames with any code read, out of all; every one is a false read)")
    if AUTO in labels and BASELINE in labels:
        print(f"\n{resolution}: {AUTO} / {BASELINE}       rate  median-ms")
        for name in [*categories, "all codes"]:
            a, b = cells[name][AUTO], cells[name][BASELINE]
            rate = a.rate / b.rate if name != NO_CODE and b.rate > 0 else float("nan")
            speed = a.median / b.median if b.median > 0 else float("nan")
            print(f"  {name:<30}{fmt(rate, 6, 2)}  {fmt(speed, 6, 2)}")
    return cells


def _row(name: str, row: dict[str, Cell], labels: Sequence[str]) -> str:
    out = f"{name:<{NAME_W}}"
    for lab in labels:
        c = row[lab]
        first = f"{c.false}/{c.n}" if name == NO_CODE else fmt(c.rate)
        out += f" |{first:>{COL_W}}{fmt(c.median)}{fmt(c.p95)}"
    return out


def boofcv_section(
    decoders: Sequence[tuple[str, Decoder]], images: Sequence[real_images.BoofImage]
) -> dict[str, dict[str, tuple[int, int, int, int]]]:
    """Per category and decoder: (images hit, images, codes hit, codes). Prints the table."""
    labels = [lab for lab, _ in decoders] + ["union"]
    categories = sorted({im.category for im in images})
    per: dict[str, dict[str, list[int]]] = {
        c: {lab: [0, 0, 0, 0] for lab in labels} for c in categories
    }
    ms: dict[str, list[float]] = {lab: [] for lab, _ in decoders}
    cat_ms: dict[str, dict[str, list[float]]] = {
        c: {lab: [] for lab, _ in decoders} for c in categories
    }
    unmatched: dict[str, int] = {lab: 0 for lab, _ in decoders}
    n_codes = sum(len(im.labels) for im in images)
    print(
        f"\n== BoofCV photographs: {len(images)} images, {n_codes} labelled codes, "
        f"resized to fit {real_images.FIT[0]}x{real_images.FIT[1]} =="
    )
    print(table_header(labels, "category (images)", ("img%", "codes%", "med")))
    for category in categories:
        for im in (x for x in images if x.category == category):
            img, quads = im.load()
            union_hit = [False] * len(quads)
            for label, dec in decoders:
                attempt, t, _err = timed_decode(dec, img)
                ms[label].append(t)
                cat_ms[category][label].append(t)
                centres = [centre(c.corners) for c in attempt.codes] if attempt else []
                hit = [False] * len(quads)
                for c in centres:
                    inside = [real_images.point_in_quad(c, q) for q in quads]
                    unmatched[label] += not any(inside)
                    hit = [h or i for h, i in zip(hit, inside, strict=True)]
                union_hit = [u or h for u, h in zip(union_hit, hit, strict=True)]
                cell = per[category][label]
                cell[0] += any(hit)
                cell[1] += 1
                cell[2] += sum(hit)
                cell[3] += len(quads)
            u = per[category]["union"]
            u[0] += any(union_hit)
            u[1] += 1
            u[2] += sum(union_hit)
            u[3] += len(quads)
        name = f"{category} ({per[category]['union'][1]})"
        print(_boof_row(name, per[category], labels, cat_ms[category]))
    total = {lab: [sum(per[c][lab][k] for c in categories) for k in range(4)] for lab in labels}
    print(_boof_row("all", total, labels, ms))
    print(total_line("unmatched decodes", [unmatched[lab] for lab, _ in decoders]))
    print("(unmatched: decoded codes whose centre is in no label; unlabelled codes or errors)")
    return {
        c: {lab: (v[0], v[1], v[2], v[3]) for lab, v in per[c].items()} for c in [*categories]
    } | {"all": {lab: (v[0], v[1], v[2], v[3]) for lab, v in total.items()}}


def _boof_row(
    name: str, row: dict[str, list[int]], labels: Sequence[str], ms: dict[str, list[float]] | None
) -> str:
    out = f"{name:<{NAME_W}}"
    for lab in labels:
        img_hit, imgs, code_hit, codes = row[lab]
        med = statistics.median(ms[lab]) if ms and lab in ms and ms[lab] else float("nan")
        out += f" |{fmt(100 * img_hit / max(imgs, 1))}{fmt(100 * code_hit / max(codes, 1))}"
        out += fmt(med)
    return out


def text_images_section(
    decoders: Sequence[tuple[str, Decoder]],
    sets: Sequence[tuple[str, Sequence[real_images.TextImage]]],
    false_reads: FalseReads,
) -> dict[str, dict[str, Cell]]:
    labels = [lab for lab, _ in decoders]
    print("\n== PNG vectors (known text) ==")
    print(table_header(labels, "set", ("ok%", "med", "p95")))
    out: dict[str, dict[str, Cell]] = {}
    for name, items in sets:
        row = {lab: Cell() for lab in labels}
        for item in items:
            img = item.load()
            for label, dec in decoders:
                attempt, ms, error = timed_decode(dec, img)
                if error:
                    false_reads.error(label, item.name, error)
                texts = [c.text for c in attempt.codes] if attempt else []
                wrong = [t for t in texts if t != item.text]
                for t in wrong:
                    false_reads.report(label, item.name, f"wrong text {t[:60]!r}")
                row[label].add(item.text in texts, len(wrong), ms, error is not None)
        out[name] = row
        print(_row(f"{name} ({len(items)})", row, labels))
    return out


def targets_section(
    labels: Sequence[str],
    synthetic: dict[str, dict[str, dict[str, Cell]]],
    boof: dict[str, dict[str, tuple[int, int, int, int]]] | None,
    false_reads: FalseReads,
    quick: bool,
) -> None:
    print(f"\ntargets: (issue #3, decoder {AUTO!r}; measured in this run)")
    if AUTO not in labels:
        print(f"  not evaluated: no {AUTO!r} decoder in this run")
        return

    def line(ok: bool | None, text: str, value: str) -> None:
        mark = "n/a" if ok is None else ("met" if ok else "MISSED")
        print(f"  [{mark:^6}] {text:<58} {value}")

    for res in ("720p", "1080p"):
        cells = synthetic.get(res)
        if cells is None:
            line(
                None,
                f"{res}: code frames decoded >= {TARGET_RATE:.0f} %",
                "not measured" + (" (quick run)" if quick else ""),
            )
            continue
        a = cells["all codes"][AUTO]
        line(
            a.rate >= TARGET_RATE,
            f"{res}: code frames decoded >= {TARGET_RATE:.0f} %",
            f"{a.rate:.1f} %",
        )
        for cat, target in (("blur", TARGET_BLUR), ("small", TARGET_SMALL)):
            if cat in cells:
                r = cells[cat][AUTO].rate
                line(r >= target, f"{res}: {cat} decoded >= {target:.0f} %", f"{r:.1f} %")
        if BASELINE in labels:
            below = [
                f"{c} {cells[c][AUTO].rate:.1f}<{cells[c][BASELINE].rate:.1f}"
                for c in cells
                if c not in (NO_CODE, "all codes") and cells[c][AUTO].rate < cells[c][BASELINE].rate
            ]
            line(
                not below, f"{res}: no category below {BASELINE}", ", ".join(below) or "none below"
            )
    if boof is not None:
        hit, n, codes_hit, codes = boof["all"][AUTO]
        r = 100 * hit / max(n, 1)
        subset = " (subset)" if quick else ""
        line(
            r >= TARGET_BOOFCV,
            f"BoofCV{subset}: images with a labelled code decoded >= {TARGET_BOOFCV:.0f} %",
            f"{r:.1f} %",
        )
        line(
            None,
            f"BoofCV{subset}: labelled codes decoded (reported)",
            f"{100 * codes_hit / max(codes, 1):.1f} %",
        )
    cells = synthetic.get("720p")
    if cells is not None:
        a = cells["all codes"][AUTO]
        line(
            a.median < TARGET_MEDIAN_MS,
            f"720p code frames: median < {TARGET_MEDIAN_MS:.0f} ms",
            f"{a.median:.2f} ms",
        )
        line(
            a.p95 < TARGET_P95_MS,
            f"720p code frames: p95 < {TARGET_P95_MS:.0f} ms",
            f"{a.p95:.2f} ms",
        )
        if NO_CODE in cells:
            m = cells[NO_CODE][AUTO].median
            line(
                m < TARGET_NONE_MEDIAN_MS,
                f"720p frames without a code: median < {TARGET_NONE_MEDIAN_MS:.0f} ms",
                f"{m:.2f} ms",
            )
    n = false_reads.count.get(AUTO, 0)
    line(n == 0, "no false reads (wrong text, or a code where there is none)", str(n))


# --- main --------------------------------------------------------------------------


def versions() -> str:
    import importlib.metadata as md

    parts = [
        f"Python {platform.python_version()}",
        f"numpy {np.__version__}",
        f"OpenCV {cv2.__version__}",
    ]
    for dist in ("zxing-cpp", "pyzbar"):
        try:
            parts.append(f"{dist} {md.version(dist)}")
        except md.PackageNotFoundError:
            parts.append(f"{dist} ?")
    return ", ".join(parts)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="QR decoder benchmark (synthetic webcam frames and real images)."
    )
    p.add_argument(
        "--quick", action="store_true", help="reduced run for CI: 720p, few frames, a BoofCV subset"
    )
    p.add_argument(
        "--frames-per-category",
        type=int,
        default=None,
        metavar="N",
        help=f"frames per category and resolution (default {FULL_FRAMES_PER_CATEGORY}, quick {QUICK_FRAMES_PER_CATEGORY})",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--decoders", default=None, help="comma-separated decoder names (default: all available)"
    )
    p.add_argument(
        "--resolutions",
        default=None,
        help="comma-separated, of 720p,1080p (default both; quick 720p)",
    )
    p.add_argument("--categories", default=None, help="comma-separated subset of the categories")
    p.add_argument(
        "--save",
        type=Path,
        default=None,
        metavar="DIR",
        help="write the frames as PNG + ground-truth JSON",
    )
    p.add_argument("--no-real", action="store_true", help="skip the BoofCV and PNG sets")
    p.add_argument(
        "--cpu", type=int, default=None, help="the CPU to pin to (default: the least busy)"
    )
    p.add_argument(
        "--no-pin", action="store_true", help="do not pin (OpenCV stays single threaded)"
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="processes generating frames (before the timed decoding; default 2)",
    )
    args = p.parse_args(argv)
    if args.frames_per_category is None:
        args.frames_per_category = (
            QUICK_FRAMES_PER_CATEGORY if args.quick else FULL_FRAMES_PER_CATEGORY
        )
    if args.frames_per_category < 1:
        p.error("--frames-per-category must be at least 1")
    res = args.resolutions or ("720p" if args.quick else "720p,1080p")
    args.resolutions = [r.strip() for r in res.split(",") if r.strip()]
    bad = [r for r in args.resolutions if r not in RESOLUTIONS]
    if bad:
        p.error(f"unknown resolution(s) {', '.join(bad)}; use {', '.join(RESOLUTIONS)}")
    cats = args.categories.split(",") if args.categories else list(frame_synth.CATEGORIES)
    bad = [c for c in cats if c not in frame_synth.CATEGORIES]
    if bad:
        p.error(f"unknown category(ies) {', '.join(bad)}; use {', '.join(frame_synth.CATEGORIES)}")
    args.categories = cats
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        decoders, notes = select_decoders(args.decoders)
    except ValueError as exc:
        print(f"bench_decode: {exc}", file=sys.stderr)
        return 2
    maker = FrameMaker(args.jobs)  # before pinning: the workers keep every CPU
    started = time.perf_counter()
    try:
        print(f"decoder benchmark ({'quick' if args.quick else 'full'} run): {versions()}")
        print(
            f"{pin_one_core(args.cpu, not args.no_pin)}; "
            f"frames generated by {max(args.jobs, 1)} process(es) before timing"
        )
        for note in notes:
            print(note)
        print("decoders: " + ", ".join(lab for lab, _ in decoders))
        false_reads = FalseReads()
        synthetic: dict[str, dict[str, dict[str, Cell]]] = {}
        for res in args.resolutions:
            synthetic[res] = synthetic_section(
                res,
                RESOLUTIONS[res],
                args.categories,
                args.frames_per_category,
                args.seed,
                decoders,
                maker,
                false_reads,
                args.save,
            )
        boof = None
        if not args.no_real:
            images = real_images.boofcv_images()
            if args.quick:
                images = images[::6]
            boof = boofcv_section(decoders, images)
            phi1, dcc = real_images.phi1_images(), real_images.dcc_images()
            if args.quick:
                phi1, dcc = phi1[::3], dcc[::3]
            text_images_section(decoders, [("PHI1 PNG", phi1), ("DCC PNG", dcc)], false_reads)
        labels = [lab for lab, _ in decoders]
        targets_section(labels, synthetic, boof, false_reads, args.quick)
        print_false_reads(false_reads, labels, started)
    finally:
        maker.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
