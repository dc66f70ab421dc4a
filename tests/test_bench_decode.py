"""The reduced decoder and video benchmarks (CI): they run, print well-formed tables,
and no decoder makes a false read.

Decode rates and speed are never asserted here (CI machines vary); false reads are:
a wrong text, or a code where there is none, is a bug whatever the machine.
"""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest
from cli_runner import run_benchmark
from shared_paths import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))

import bench_decode
import bench_video
import frame_synth

from checkpoint_app.scan.types import DecodeAttempt, DecodedCode

NUM = r"(?:\d+\.\d|-)"


def _run(script: str, *args: str) -> str:
    stdout = run_benchmark(script, *args)
    assert "FALSE READ by" not in stdout, "a decoder made a false read"
    assert "DECODER RAISED" not in stdout
    return stdout


def _decoders(out: str) -> list[str]:
    m = re.search(r"^decoders: (.+)$", out, re.M)
    assert m, "no decoders line"
    return [d.strip() for d in m[1].split(",")]


def _cells(out: str, name: str) -> list[list[str]]:
    """The cells (one list of 3 values per decoder) of the first row called ``name``."""
    m = re.search(rf"^{re.escape(name)}\s*\|(.*)$", out, re.M)
    assert m, f"no row {name!r}"
    return [c.split() for c in m[1].split("|")]


def _assert_false_reads_zero(out: str, labels: list[str]) -> None:
    m = re.search(r"^FALSE READS: (.+)$", out, re.M)
    assert m, "no FALSE READS summary"
    counts = dict(part.rsplit(" ", 1) for part in m[1].split("<<<")[0].strip().split(", "))
    assert set(counts) == set(labels)
    assert all(v == "0" for v in counts.values()), f"false reads: {counts}"


@pytest.mark.slow
def test_decode_benchmark_quick() -> None:
    out = _run("bench_decode.py")
    labels = _decoders(out)
    assert bench_decode.BASELINE in labels
    assert "== 720p (1280x720)" in out
    for category in (*frame_synth.CODE_CATEGORIES, "all codes"):
        cells = _cells(out, category)
        assert len(cells) == len(labels), category
        for rate, med, p95 in cells:
            assert re.fullmatch(NUM, rate) and 0 <= float(rate) <= 100
            assert re.fullmatch(NUM, med) and re.fullmatch(NUM, p95)
            assert 0 < float(med) <= float(p95) + 1e-9
    for false, med, _p95 in _cells(out, frame_synth.NO_CODE):
        assert re.fullmatch(r"0/\d+", false), "a code read on a frame without one"
        assert float(med) > 0
    assert all(c == ["0"] for c in _cells(out, "false reads"))
    # BoofCV, PNG vectors and targets
    assert "== BoofCV photographs:" in out
    boof = _cells(out, "all")
    assert len(boof) == len(labels) + 1  # + union
    for img, codes, _med in boof:
        assert 0 <= float(img) <= 100 and 0 <= float(codes) <= 100
    for name in ("PHI1 PNG", "DCC PNG"):
        m = re.search(rf"^{name} \(\d+\)\s*\|(.*)$", out, re.M)
        assert m, name
        assert all(re.fullmatch(NUM, c.split()[0]) for c in m[1].split("|"))
    assert "targets:" in out
    _assert_false_reads_zero(out, labels)


@pytest.mark.slow
def test_video_benchmark_quick() -> None:
    out = _run("bench_video.py")
    m = re.search(r"^decoder\s+decoded.*$", out, re.M)
    assert m, "no summary table"
    rows = re.findall(r"^(\S+)\s+(\d+)/(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\d+)$", out, re.M)
    labels = [r[0] for r in rows]
    assert labels and bench_decode.BASELINE in labels
    for _lab, decoded, clips, frames, video, realtime, ms, false in rows:
        assert int(decoded) <= int(clips) == 1
        for value in (frames, video, realtime):
            assert re.fullmatch(r"(-?\d+(\.\d+)?/-?\d+(\.\d+)?|never)", value), value
        assert re.fullmatch(r"\d+\.\d/\d+\.\d", ms)
        assert false == "0"
    _assert_false_reads_zero(out, labels)


# --- the harness's own logic ---------------------------------------------------------


def test_realtime_simulation_takes_the_newest_frame() -> None:
    fps = 10.0  # a frame every 100 ms
    # frames 0..9; the decoder takes 250 ms on every frame; only frames >= 5 decode
    ms = [250.0] * 10
    ok = [i >= 5 for i in range(10)]
    latency, processed = bench_video.simulate_realtime(ms, ok, fps, first_visible=5)
    # starts frame 0 at 0 ms (busy to 250), takes frame 2 (250-500), frame 5 (500-750): done
    assert processed == 3
    assert latency == pytest.approx(750.0 - 500.0)
    # a fast decoder processes every frame and is done 10 ms after the frame arrives
    latency, processed = bench_video.simulate_realtime([10.0] * 10, ok, fps, first_visible=5)
    assert (processed, latency) == (6, pytest.approx(10.0))
    assert bench_video.simulate_realtime([1.0] * 3, [False] * 3, fps, 0) == (None, 3)


def _attempt(*codes: tuple[str, tuple[float, float]]) -> DecodeAttempt:
    out = []
    for text, (x, y) in codes:
        corners = ((x - 5, y - 5), (x + 5, y - 5), (x + 5, y + 5), (x - 5, y + 5))
        out.append(DecodedCode(text, corners, "t"))
    return DecodeAttempt(tuple(out), 1.0, "t")


def test_judging_counts_only_the_right_text_in_the_right_place() -> None:
    frame = frame_synth.make_frame("nominal", 0)
    truth = frame.truth
    assert truth.text is not None and truth.corners is not None
    c = tuple(np.mean(np.array(truth.corners), axis=0))
    assert bench_decode.judge_frame(_attempt((truth.text, c)), truth) == (True, [])
    ok, false = bench_decode.judge_frame(_attempt(("other", c)), truth)
    assert not ok and "wrong text" in false[0]
    ok, false = bench_decode.judge_frame(_attempt((truth.text, (-50.0, -50.0))), truth)
    assert not ok and "outside" in false[0]
    none = frame_synth.make_frame("none", 0).truth
    ok, false = bench_decode.judge_frame(_attempt(("x", (1.0, 1.0))), none)
    assert not ok and len(false) == 1
    assert bench_decode.judge_frame(None, truth) == (False, [])


def test_raw_adapters_decode_a_frame() -> None:
    frame = frame_synth.make_frame("nominal", 1)
    for name in bench_decode.DEFAULT_RAW:
        decoder = bench_decode.RAW_ADAPTERS[name]()
        attempt = decoder.decode(frame.image)
        assert attempt.decoder == name and attempt.ms >= 0
        _ok, false = bench_decode.judge_frame(attempt, frame.truth)
        assert not false
    blank = np.zeros((64, 64, 3), np.uint8)
    for name in bench_decode.RAW_ADAPTERS:
        assert bench_decode.RAW_ADAPTERS[name]().decode(blank).codes == ()


def test_unknown_decoder_is_bad_usage() -> None:
    assert bench_decode.main(["--decoders", "nope", "--no-real"]) == 2
