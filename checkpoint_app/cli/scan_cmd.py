"""``checkpoint-app scan``: decode QR codes from a camera, a video, an image or a folder.

One compact JSON line per decoded code, then one summary line (DESIGN.md §5). Files
and folders are decoded frame by frame (no dropping, no debounce) unless
``--realtime`` paces a video like a live camera; a camera always runs live (stop
it with Ctrl+C). Problems with single items go to stderr; the rest keeps going.

Guidance (:mod:`checkpoint_app.scan.guidance`) goes to stderr too
(``checkpoint-app scan: hint at ITEM: closer``): for a video or a camera from the
last few frames, as the GUI shows it, whenever it changes; for each image of a
file or folder from that image alone. The summary counts the frames (or images)
that had each hint under ``"hints"``.
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import sys
import threading
from collections import Counter, deque
from collections.abc import Callable
from typing import Any

from checkpoint_app.cli.common import clock, utf8_stdout
from checkpoint_app.cli.main import EXIT_OK, UsageError
from checkpoint_app.domain.results import Verification

_print_lock = threading.Lock()


def _corners(points: Any) -> list[list[float]]:
    return [[round(float(x), 1), round(float(y), 1)] for x, y in points]


def _verifier(args: argparse.Namespace) -> Callable[[str], Verification] | None:
    if not args.verify:
        return None
    from checkpoint_app.cli.verify_cmd import build_verifier

    verifier = build_verifier(args)
    now = clock(args)
    return lambda text: verifier.verify(text, now())


def run_scan(args: argparse.Namespace) -> int:
    import cv2

    from checkpoint_app.scan.decoders import available_decoders, make_decoder, unavailable_decoders
    from checkpoint_app.scan.guidance import WINDOW, Hint, hint_for
    from checkpoint_app.scan.pipeline import FramePipeline, decode_all, percentile
    from checkpoint_app.scan.sources import (
        ImageFileSource,
        ImageFolderSource,
        SourceError,
        SourceProblem,
        open_source,
        quiet_libraries,
    )
    from checkpoint_app.scan.types import DecodeAttempt

    cv2.setNumThreads(1)  # one core for decoding; the other stays with the GUI and camera
    quiet_libraries()  # our one-line messages, not theirs
    if args.decoder not in available_decoders():
        reason = unavailable_decoders().get(args.decoder, "unknown decoder")
        raise UsageError(f"decoder {args.decoder!r} is not available: {reason}")
    decoder = make_decoder(args.decoder)
    verify = _verifier(args)
    out = utf8_stdout()

    def emit(obj: dict[str, Any]) -> None:
        line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        with _print_lock:
            out.write(line + "\n")
            out.flush()

    def warn(problem: SourceProblem) -> None:
        with _print_lock:
            print(f"checkpoint-app scan: warning: {problem.message}", file=sys.stderr, flush=True)

    hints: Counter[str] = Counter()
    shown: list[Hint | None] = [None]

    def show_hint(item: str, hint: Hint | None) -> Hint | None:
        """Count a frame's hint; say it on stderr when it changes."""
        if isinstance(hint, Hint) and hint is not Hint.NONE:
            hints[hint.value] += 1
        if hint != shown[0]:
            shown[0] = hint
            if hint is not None and hint is not Hint.NONE:
                with _print_lock:
                    print(
                        f"checkpoint-app scan: hint at {item}: {hint}", file=sys.stderr, flush=True
                    )
        return hint

    def record(
        item: str, text: str, corners: Any, name: str, ms: float, check: Verification | None
    ) -> None:
        line: dict[str, Any] = {
            "item": item,
            "text": text,
            "corners": _corners(corners),
            "decoder": name,
            "ms": round(ms, 2),
        }
        if check is not None:
            line["verification"] = check.to_json()
        emit(line)

    try:
        source = open_source(args.source, warn, realtime=args.realtime)
    except SourceError as exc:
        raise UsageError(str(exc)) from None

    summary: dict[str, Any]
    with source:
        if source.live:
            done = threading.Event()
            pipeline = FramePipeline(
                source,
                decoder,
                lambda r: record(
                    r.item, r.code.text, r.code.corners, r.code.decoder, r.ms, r.verification
                ),
                verify=verify,
                # the hint of every decoded frame, counted and said when it changes
                advise=lambda attempts, shape: show_hint(source.name, hint_for(attempts, shape)),
                on_problem=warn,
                on_finished=done.set,
            )
            previous = signal.signal(signal.SIGINT, lambda *_: pipeline.stop())
            try:
                pipeline.start()
                while not done.wait(0.2):
                    pass
                pipeline.join(5)
            finally:
                signal.signal(signal.SIGINT, previous)
            stats = pipeline.stats
            times = list(stats.decode_ms)
            summary = {
                "frames": stats.frames_in,
                "decoded": stats.frames_decoded,
                "dropped": stats.dropped,
            }
        else:
            times = []
            frames = decoded = 0
            still = isinstance(source, (ImageFileSource, ImageFolderSource))
            recent: deque[DecodeAttempt] = deque(maxlen=WINDOW)
            for frame, attempt in decode_all(source, decoder):
                frames += 1
                times.append(attempt.ms)
                if still:  # each image on its own (and said for each)
                    shown[0] = None
                    hint = hint_for([attempt], frame.image.shape, min_sightings=1)
                else:
                    recent.append(attempt)
                    hint = hint_for(recent, frame.image.shape)
                show_hint(frame.item, hint)
                if attempt.codes:
                    decoded += 1
                for code in attempt.codes:
                    check = verify(code.text) if verify is not None else None
                    record(frame.item, code.text, code.corners, code.decoder, attempt.ms, check)
            summary = {"frames": frames, "decoded": decoded}
    median = statistics.median(times) if times else None
    p95 = percentile(times, 95)
    summary["ms_median"] = round(median, 2) if median is not None else None
    summary["ms_p95"] = round(p95, 2) if p95 is not None else None
    summary["hints"] = dict(sorted(hints.items()))
    emit({"summary": summary})
    return EXIT_OK
