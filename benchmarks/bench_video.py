"""Video benchmark: how long from the code coming into view to its first correct decode.

    python benchmarks/bench_video.py               # 6 clips of 3 s, 30 fps, 1280x720
    python benchmarks/bench_video.py --quick       # 1 clip of 2.5 s (CI)
    python benchmarks/bench_video.py --keep DIR    # keep the clips and their ground truth

Clips come from :func:`frame_synth.write_clip` (a phone moving into view with
motion blur, then settling; ground truth per frame), written with
``cv2.VideoWriter`` -- Motion-JPEG ``.avi`` by default as webcams deliver it,
``--format mp4`` for ``mp4v`` -- and read back with ``cv2.VideoCapture``, so the
decoders see the codec's artefacts too. Process pinned to one CPU, OpenCV single
threaded, the same decoders as ``bench_decode.py`` (``--decoders``).

Two modes per decoder and clip:

* **every frame** (no dropping, like ``checkpoint-app scan`` on a file): frames,
  and milliseconds of video time, from the first frame in which the code is wholly
  inside the picture to the first frame decoded correctly;
* **real time** (simulated): frames arrive every 1/fps s; the decoder, when free,
  takes the newest frame that arrived and is busy for the time measured for that
  frame in the every-frame pass; frames arriving meanwhile are dropped (the
  one-slot mailbox of DESIGN.md section 4). Latency: from the arrival of the first
  fully visible frame to the end of the first correct decode.

A decoded text other than the clip's is a FALSE READ (printed loudly); so is the
right text with its centre outside the code where the ground truth knows it.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parent.parent
for _p in (str(ROOT), str(ROOT / "benchmarks")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import bench_decode  # noqa: E402
import frame_synth  # noqa: E402
import real_images  # noqa: E402
from bench_decode import FalseReads, centre, pct, print_false_reads, timed_decode  # noqa: E402

from checkpoint_app.scan.types import Decoder, Image  # noqa: E402


def read_frames(path: Path) -> list[Image]:
    cap = cv2.VideoCapture(str(path))
    frames: list[Image] = []
    try:
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            frames.append(frame)
    finally:
        cap.release()
    return frames


def simulate_realtime(
    ms: Sequence[float], ok: Sequence[bool], fps: float, first_visible: int
) -> tuple[float | None, int]:
    """(latency in ms from the first visible frame's arrival to the first correct decode's
    end, or ``None``; frames processed) for a decoder that always takes the newest frame."""
    n = len(ms)
    t = 0.0
    last = -1
    processed = 0
    while True:
        j = min(math.floor(t * fps + 1e-9), n - 1)
        if j <= last:
            j = last + 1
            if j >= n:
                return None, processed
            t = j / fps
        t += ms[j] / 1000.0
        last = j
        processed += 1
        if ok[j]:
            return (t - first_visible / fps) * 1000.0, processed


@dataclass
class ClipResult:
    """One decoder on one clip."""

    frames_to_decode: int | None = None
    realtime_ms: float | None = None
    processed: int = 0
    ms: list[float] = field(default_factory=list)
    visible_ms: list[float] = field(default_factory=list)
    false: int = 0


def _write(args: tuple[Path, int, float, float]) -> frame_synth.ClipTruth:
    path, seed, fps, seconds = args
    return frame_synth.write_clip(path, seed, fps=fps, seconds=seconds)


def run_clip(
    truth: frame_synth.ClipTruth,
    frames: Sequence[Image],
    decoders: Sequence[tuple[str, Decoder]],
    false_reads: FalseReads,
) -> dict[str, ClipResult]:
    fv = truth.first_visible
    out: dict[str, ClipResult] = {}
    for label, dec in decoders:
        res = ClipResult()
        ok_flags: list[bool] = []
        for i, image in enumerate(frames):
            attempt, ms, error = timed_decode(dec, image)
            where = f"clip {truth.seed} frame {i}"
            if error:
                false_reads.error(label, where, error)
            ft = truth.frames[i] if i < len(truth.frames) else None
            ok = False
            wrong = 0
            for code in attempt.codes if attempt else ():
                if code.text != truth.text:
                    false_reads.report(label, where, f"wrong text {code.text[:60]!r}")
                    wrong += 1
                elif ft is not None and ft.corners is not None:
                    if real_images.point_in_quad(centre(code.corners), ft.corners):
                        ok = True
                    else:
                        c = centre(code.corners)
                        false_reads.report(
                            label,
                            where,
                            f"right text, centre ({c[0]:.0f}, {c[1]:.0f}) outside the code",
                        )
                        wrong += 1
                else:
                    ok = True  # the right text while partly out of view: not a false read
            res.false += wrong
            res.ms.append(ms)
            if ft is not None and ft.visible:
                res.visible_ms.append(ms)
            ok_flags.append(ok)
            if ok and res.frames_to_decode is None and fv is not None:
                res.frames_to_decode = i - fv
        if fv is not None:
            res.realtime_ms, res.processed = simulate_realtime(res.ms, ok_flags, truth.fps, fv)
        out[label] = res
    return out


def _fmt(v: float | None, digits: int = 1) -> str:
    return "never" if v is None else f"{v:.{digits}f}"


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description="Video benchmark: time from first visible frame to decode."
    )
    p.add_argument("--quick", action="store_true", help="one short clip (CI)")
    p.add_argument("--clips", type=int, default=None, help="number of clips (default 6, quick 1)")
    p.add_argument("--seconds", type=float, default=None, help="clip length (default 3, quick 2.5)")
    p.add_argument("--fps", type=float, default=30.0)
    p.add_argument("--seed", type=int, default=0, help="first clip's seed (clip i uses seed + i)")
    p.add_argument("--decoders", default=None)
    p.add_argument("--format", choices=("avi", "mp4"), default="avi", help="avi = MJPG, mp4 = mp4v")
    p.add_argument(
        "--keep", type=Path, default=None, metavar="DIR", help="write the clips here and keep them"
    )
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    args = p.parse_args(argv)
    clips = args.clips if args.clips is not None else (1 if args.quick else 6)
    seconds = args.seconds if args.seconds is not None else (2.5 if args.quick else 3.0)
    if clips < 1 or seconds <= 0:
        p.error("--clips must be >= 1 and --seconds > 0")
    try:
        decoders, notes = bench_decode.select_decoders(args.decoders)
    except ValueError as exc:
        print(f"bench_video: {exc}", file=sys.stderr)
        return 2
    labels = [lab for lab, _ in decoders]
    tmp = None
    if args.keep is not None:
        directory = args.keep
        directory.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="bench_video_")
        directory = Path(tmp.name)
    started = time.perf_counter()
    try:
        tasks = [
            (
                directory / f"clip_{args.seed + i:03d}.{args.format}",
                args.seed + i,
                args.fps,
                seconds,
            )
            for i in range(clips)
        ]
        if args.jobs > 1 and clips > 1:
            methods = multiprocessing.get_all_start_methods()
            ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            with ctx.Pool(min(args.jobs, clips)) as pool:
                truths = pool.map(_write, tasks)
        else:
            truths = [_write(t) for t in tasks]
        for truth in truths:
            if args.keep is not None and truth.path:
                Path(truth.path).with_suffix(".json").write_text(
                    json.dumps(truth.to_json(), indent=1)
                )
        print(
            f"video benchmark ({'quick' if args.quick else 'full'} run): {bench_decode.versions()}"
        )
        print(bench_decode.pin_one_core())
        for note in notes:
            print(note)
        fourcc = truths[0].fourcc
        w, h = truths[0].size
        print(
            f"\n== video: {clips} clip(s), {seconds:g} s at {args.fps:g} fps, {w}x{h}, "
            f"{fourcc} .{args.format} =="
        )
        false_reads = FalseReads()
        # warm-up on the first clip's last frame
        results: list[dict[str, ClipResult]] = []
        header = f"{'clip':<6}{'text':<12}{'visible':>9}" + "".join(
            f" |{lab:>24}" for lab in labels
        )
        print(header)
        print(
            f"{'':<6}{'':<12}{'from':>9}"
            + "".join(f" |{'frames':>7}{'vid-ms':>8}{'rt-ms':>9}" for _ in labels)
        )
        for truth in truths:
            assert truth.path is not None
            frames = read_frames(Path(truth.path))
            if len(frames) != len(truth.frames):
                print(
                    f"note: clip {truth.seed}: {len(frames)} frames read back, {len(truth.frames)} written"
                )
            if not results:
                for _, dec in decoders:
                    timed_decode(dec, frames[-1])
            res = run_clip(truth, frames, decoders, false_reads)
            results.append(res)
            kind = "PHI1" if truth.text.startswith("PHI1:") else "URL"
            fv = truth.first_visible
            line = f"{truth.seed:<6}{f'{kind} ({len(truth.text)})':<12}{('f' + str(fv)) if fv is not None else 'never':>9}"
            for lab in labels:
                r = res[lab]
                n = r.frames_to_decode
                vid = None if n is None else n * 1000.0 / truth.fps
                line += f" |{('+' + str(n)) if n is not None else 'never':>7}{_fmt(vid):>8}{_fmt(r.realtime_ms):>9}"
            print(line, flush=True)
        print(
            f"\n{'decoder':<14}{'decoded':>9}{'frames med/max':>16}{'video-ms med/max':>19}"
            f"{'realtime-ms med/max':>22}{'decode-ms med/p95':>19}{'false':>7}"
        )
        for lab in labels:
            rs = [r[lab] for r in results]
            frames_ = [r.frames_to_decode for r in rs if r.frames_to_decode is not None]
            rts = [r.realtime_ms for r in rs if r.realtime_ms is not None]
            ms = [m for r in rs for m in r.visible_ms]
            vids = [f * 1000.0 / args.fps for f in frames_]
            decoded = f"{len(frames_)}/{len(rs)}"
            fr = f"{statistics.median(frames_):.1f}/{max(frames_)}" if frames_ else "never"
            vm = f"{statistics.median(vids):.0f}/{max(vids):.0f}" if vids else "never"
            rt = f"{statistics.median(rts):.0f}/{max(rts):.0f}" if rts else "never"
            dm = f"{statistics.median(ms):.1f}/{pct(ms, 95):.1f}" if ms else "-"
            false = sum(r.false for r in rs)
            print(f"{lab:<14}{decoded:>9}{fr:>16}{vm:>19}{rt:>22}{dm:>19}{false:>7}")
        print("(frames: from the first fully visible frame, every frame decoded; realtime: newest")
        print(" frame when free, busy for the measured time; decode-ms over visible frames)")
        print_false_reads(false_reads, labels, started)
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
