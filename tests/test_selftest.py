"""``checkpoint-app --self-test`` from source, its steps failing for the right reasons, and
the native-library helpers (the bundled libzbar preferred, where a library was loaded)."""

from __future__ import annotations

import ctypes.util
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import run_cli

from checkpoint_app import native, selftest


@pytest.fixture
def sample() -> dict[str, object]:
    return selftest.load_sample()


def test_the_self_test_passes_from_source() -> None:
    run = run_cli("--self-test", timeout=180)
    assert run.code == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("checkpoint-app self-test (from source")
    steps = {line.split()[1]: line.split()[0] for line in lines[1:] if line[:4].strip()}
    for step in ("sample", "store", "verify", "decode", "window", "icu", "libraries"):
        assert steps.get(step) == "ok", run.stdout
    assert "PHI1 VALID, status green" in run.stdout
    assert "4/4 decoders read the sample" in run.stdout  # libzbar is installed here
    libs = {
        line.split(maxsplit=2)[1]: line.split(maxsplit=2)[2]
        for line in lines
        if line.startswith("lib ")
    }
    for name in ("libzbar", "zxing-cpp", "opencv", "qt-core", "qt-platform"):
        assert Path(libs[name]).is_file(), (name, libs[name])
    assert "libqoffscreen" in libs["qt-platform"]
    assert lines[-1].startswith("self-test passed")
    assert "王芳" not in run.stdout  # the sample's (fictitious) holder is never printed


def test_the_sample_is_a_demo_code_and_its_image_holds_it(sample: dict[str, object]) -> None:
    import cv2
    import zxingcpp

    assert str(sample["text"]).startswith("PHI1:")
    assert "DEMO ONLY" in str(sample["notice"])
    image = cv2.imread(str(selftest.sample_dir() / selftest.SAMPLE_PNG))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [sample["text"]]


def test_a_forged_sample_fails_the_verify_step(sample: dict[str, object]) -> None:
    import zlib

    import cbor2

    from checkpoint_app.domain.codec import b45decode, b45encode

    cose = cbor2.loads(zlib.decompress(b45decode(str(sample["text"])[5:])))
    body = list(cose.value)
    body[2] = cbor2.dumps({**cbor2.loads(body[2]), "sts": "red"})  # edited after signing
    text = "PHI1:" + b45encode(zlib.compress(cbor2.dumps(cbor2.CBORTag(18, body)), 9))
    report = selftest.Report(io.StringIO())
    forged = {**sample, "text": text}
    with pytest.raises(selftest.StepFailed, match="verified as PHI1 BAD_SIGNATURE"):
        selftest.step_verify(report, forged)
    late = {**sample, "verify_at": int(str(sample["verify_at"])) + 3600}
    with pytest.raises(selftest.StepFailed, match="EXPIRED"):
        selftest.step_verify(report, late)


def test_a_decoder_that_reads_something_else_fails_the_decode_step(
    sample: dict[str, object],
) -> None:
    report = selftest.Report(io.StringIO())
    other = {**sample, "text": "PHI1:SOMETHING-ELSE"}
    with pytest.raises(selftest.StepFailed, match="did not read the sample image"):
        selftest.step_decode(report, other, strict=True)


def test_a_failed_step_is_named_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken bundle: the sample image is not a picture. The run stops at "decode"."""
    resources = tmp_path / "resources"
    shutil.copytree(selftest.resource_dir() / "selftest", resources / "selftest")
    (resources / "selftest" / selftest.SAMPLE_PNG).write_bytes(b"not a png")
    monkeypatch.setattr(selftest, "resource_dir", lambda: resources)
    out = io.StringIO()
    assert selftest.run_self_test(out) == selftest.EXIT_FAILED
    text = out.getvalue()
    assert "ok   verify" in text
    assert text.splitlines()[-1] == (
        f"self-test FAILED at decode: cannot read the sample image "
        f"{resources / 'selftest' / selftest.SAMPLE_PNG}"
    )
    assert "window" not in text  # the steps after the failed one do not run


def test_a_missing_sample_fails_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selftest, "resource_dir", lambda: tmp_path)
    out = io.StringIO()
    assert selftest.run_self_test(out) == selftest.EXIT_FAILED
    assert out.getvalue().splitlines()[-1].startswith("self-test FAILED at sample: cannot read")


def test_libraries_from_outside_the_bundle_fail(tmp_path: Path) -> None:
    """As in a bundle that loaded the system's (here: the venv's) copies."""
    import cv2  # noqa: F401  (loaded, as after the decode step)
    import zxingcpp  # noqa: F401
    from PySide6 import QtCore  # noqa: F401

    from checkpoint_app.scan.decoders import load_pyzbar

    load_pyzbar()
    out = io.StringIO()
    report = selftest.Report(out)
    with pytest.raises(selftest.StepFailed, match=r"loaded from outside the bundle: .*zxing-cpp"):
        selftest.step_libraries(report, bundle=tmp_path)
    assert "lib  zxing-cpp" in out.getvalue()
    assert selftest.step_libraries(report, bundle=None).startswith("from source")


def test_mapped_files_reads_proc_maps_format(tmp_path: Path) -> None:
    maps = tmp_path / "maps"
    maps.write_text(
        "7f00-7f01 r--p 00000000 08:01 11 /opt/app/_internal/libzbar.so.0\n"
        "7f01-7f02 r-xp 00001000 08:01 11 /opt/app/_internal/libzbar.so.0\n"
        "7f02-7f03 rw-p 00000000 00:00 0 \n"
        "7f03-7f04 r--p 00000000 08:01 12 /usr/lib/libc.so.6 (deleted)\n"
        "7ffd-7ffe rw-p 00000000 00:00 0 [stack]\n"
    )
    files = native.mapped_files(maps)
    assert files == ["/opt/app/_internal/libzbar.so.0", "/usr/lib/libc.so.6"]
    assert native.find_mapped(["libzbar"], files) == "/opt/app/_internal/libzbar.so.0"
    assert native.find_mapped(["zxingcpp"], files) is None
    assert native.mapped_files(tmp_path / "absent") == []


def test_is_inside(tmp_path: Path) -> None:
    assert native.is_inside(str(tmp_path / "a" / "b.so"), tmp_path)
    assert not native.is_inside(str(tmp_path.parent / "b.so"), tmp_path)
    assert not native.is_inside(None, tmp_path)


def test_no_bundle_no_bundled_zbar(tmp_path: Path) -> None:
    assert native.bundled_zbar(tmp_path) is None
    assert native.prefer_bundled_zbar(tmp_path) is None
    (tmp_path / "pyzbar").mkdir()
    (tmp_path / "pyzbar" / "libzbar-64.dll").write_bytes(b"MZ")
    assert native.bundled_zbar(tmp_path) == tmp_path / "pyzbar" / "libzbar-64.dll"


ZBAR_PROBE = """
import json, sys
sys._MEIPASS = sys.argv[1]  # as in the frozen app
from checkpoint_app.scan.decoders import load_pyzbar, make_decoder
from checkpoint_app import native
module, reason = load_pyzbar()
import cv2
image = cv2.imread(sys.argv[2])
texts = [c.text for c in make_decoder("pyzbar").decode(image).codes]
print(json.dumps({"reason": reason, "zbar": native.find_mapped(["libzbar"]), "read": len(texts)}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_the_frozen_app_loads_its_own_libzbar(tmp_path: Path) -> None:
    """A copy of libzbar in the bundle folder is loaded, by absolute path, instead of the
    system's (which is installed here, and which pyzbar would otherwise find)."""
    soname = ctypes.util.find_library("zbar")
    if not soname:
        pytest.skip("libzbar is not installed")
    ldconfig = shutil.which("ldconfig") or "/sbin/ldconfig"
    listing = subprocess.run([ldconfig, "-p"], capture_output=True, text=True).stdout
    found = [
        line.rsplit("=>", 1)[1].strip()
        for line in listing.splitlines()
        if line.strip().startswith(soname + " ") and "=>" in line
    ]
    if not found:
        pytest.skip(f"{soname} is not in ldconfig's cache")
    system = Path(found[0])
    bundle = tmp_path / "_internal"
    bundle.mkdir()
    shutil.copy2(system.resolve(), bundle / "libzbar.so.0")
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            ZBAR_PROBE,
            str(bundle),
            str(selftest.sample_dir() / selftest.SAMPLE_PNG),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    found = json.loads(proc.stdout.splitlines()[-1])
    assert found == {"reason": "", "zbar": str(bundle / "libzbar.so.0"), "read": 1}
