"""The QR decoders: every one reads the PHI1 vectors, corners land on the code, bad
images give an empty attempt, no false reads, and pyzbar is optional."""

from __future__ import annotations

import builtins
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared_paths import phi1_dir
from synthetic import HEALTH_TEXT, centre, frame_with_code, inside

from checkpoint_app.scan import decoders
from checkpoint_app.scan.auto_decoder import AutoDecoder
from checkpoint_app.scan.decoders import (
    DecoderUnavailableError,
    OpenCvDecoder,
    ZxingDecoder,
    available_decoders,
    bytes_to_text,
    make_decoder,
    unavailable_decoders,
)
from checkpoint_app.scan.types import DecodeAttempt, Decoder

ALL = ("zxing", "pyzbar", "opencv", "auto")
HAVE_PYZBAR = "pyzbar" in available_decoders()


def _decoder(name: str) -> Decoder:
    if name == "pyzbar" and not HAVE_PYZBAR:
        pytest.skip(f"pyzbar unavailable here: {unavailable_decoders()['pyzbar']}")
    if name == "auto":  # a budget no test machine runs out of: results must not depend on speed
        return AutoDecoder(budget_ms=60_000)
    return make_decoder(name)


def _phi1_cases() -> list[tuple[Path, str]]:
    root = phi1_dir()
    cases = []
    for png in sorted((root / "images").glob("*.png")):
        case = json.loads((root / "cases" / f"{png.stem}.json").read_text(encoding="utf-8"))
        cases.append((png, case["qr"]))
    assert len(cases) >= 50
    return cases


PHI1 = _phi1_cases()


def _code_box(grey: np.ndarray) -> tuple[int, int, int, int]:
    """The bounding box of the dark modules of a clean generated code image."""
    ys, xs = np.nonzero(grey < 128)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


# -- the PHI1 vectors ---------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_every_decoder_reads_every_phi1_png(name: str) -> None:
    decoder = _decoder(name)
    for png, text in PHI1:
        image = cv2.imread(str(png), cv2.IMREAD_COLOR)
        attempt = decoder.decode(image)
        assert [c.text for c in attempt.codes] == [text], png.name
        assert attempt.decoder == name and attempt.ms >= 0
        assert all(c.decoder == name or c.decoder.startswith(f"{name}:") for c in attempt.codes)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_corners_land_on_the_code_top_left_first(name: str, turns: int) -> None:
    png, _text = PHI1[0]
    grey = np.ascontiguousarray(np.rot90(cv2.imread(str(png), cv2.IMREAD_GRAYSCALE), turns))
    x0, y0, x1, y1 = _code_box(grey)
    (code,) = _decoder(name).decode(grey).codes
    expected = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    for corner in code.corners:  # every corner is a corner of the code, within 3 px
        assert min(np.hypot(corner[0] - ex, corner[1] - ey) for ex, ey in expected) < 3.0
    # The first corner is the code's own top-left: the one its top-left finder
    # pattern is in. np.rot90 turns counter-clockwise, taking the code's top-left
    # to the bottom-left, bottom-right, top-right of the picture in turn.
    own_top_left = [(x0, y0), (x0, y1), (x1, y1), (x1, y0)][turns]
    assert np.hypot(code.corners[0][0] - own_top_left[0], code.corners[0][1] - own_top_left[1]) < 3


def test_zxing_and_pyzbar_agree_on_text() -> None:
    if not HAVE_PYZBAR:
        pytest.skip("pyzbar unavailable")
    zxing, pyzbar = make_decoder("zxing"), make_decoder("pyzbar")
    for png, _text in PHI1[::5]:
        image = cv2.imread(str(png), cv2.IMREAD_GRAYSCALE)
        assert [c.text for c in zxing.decode(image).codes] == [
            c.text for c in pyzbar.decode(image).codes
        ]


def test_bytes_to_text_utf8_else_latin1() -> None:
    assert bytes_to_text("健康码 PHI1".encode()) == "健康码 PHI1"
    assert bytes_to_text(b"caf\xe9") == "café"


def test_grey_bgr_and_bgra_of_one_code_read_alike() -> None:
    png, text = PHI1[1]
    bgr = cv2.imread(str(png), cv2.IMREAD_COLOR)
    variants = [
        bgr,
        cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY),
        cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA),
        cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)[:, :, None],
        bgr[::-1, ::-1][::-1, ::-1],  # a view with negative strides, made positive again
        np.asfortranarray(bgr),  # not C-contiguous
    ]
    for name in ALL:
        decoder = _decoder(name)
        for image in variants:
            assert [c.text for c in decoder.decode(image).codes] == [text], name


# -- bad input ----------------------------------------------------------------------

BAD_IMAGES: list[Any] = [
    np.zeros((0, 0), np.uint8),
    np.zeros((0, 0, 3), np.uint8),
    np.zeros((1, 1), np.uint8),
    np.zeros((1, 1, 3), np.uint8),
    np.zeros((20, 20), np.uint8),  # smaller than any QR code
    np.zeros((100, 100), np.float32),
    np.full((100, 100, 3), 0.5, np.float64),
    np.zeros((100, 100), np.uint16),
    np.zeros((100, 100), bool),
    np.zeros((100, 100, 2), np.uint8),
    np.zeros((100, 100, 5), np.uint8),
    np.zeros((4, 4, 4, 4), np.uint8),
    np.zeros((100,), np.uint8),
    np.zeros((100, 100, 4), np.uint8),  # a blank BGRA frame
    np.zeros((20000, 1), np.uint8),
    np.zeros((1, 20000, 3), np.uint8),
    np.zeros((4, 20000), np.uint8),
    None,
    "image.png",
    [[0, 255], [255, 0]],
]


@pytest.mark.parametrize("name", ALL)
def test_bad_images_give_an_empty_attempt(name: str) -> None:
    decoder = _decoder(name)
    for image in BAD_IMAGES:
        attempt = decoder.decode(image)
        assert isinstance(attempt, DecodeAttempt)
        assert attempt.codes == () and attempt.decoder == name and attempt.ms >= 0


@pytest.mark.parametrize("name", ALL)
def test_a_decoder_error_is_an_empty_attempt(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    decoder = _decoder(name)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("engine bug")

    monkeypatch.setattr(decoders.zxingcpp, "read_barcodes", broken)
    if isinstance(decoder, OpenCvDecoder):
        monkeypatch.setattr(decoder, "_detector", type("D", (), {"detectAndDecodeMulti": broken})())
    if name == "pyzbar":
        monkeypatch.setattr(decoder, "_pyzbar", type("P", (), {"decode": broken})())
    image = cv2.imread(str(PHI1[0][0]), cv2.IMREAD_COLOR)
    attempt = decoder.decode(image)
    assert isinstance(attempt, DecodeAttempt) and attempt.codes == ()


# -- no false reads -----------------------------------------------------------------


def _text_frame(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    frame = np.full((720, 1280, 3), 235, np.uint8)
    for i in range(24):
        words = " ".join(
            str(rng.choice(["PHI1", "QR", "health", "code", "gate", "3", "exit"])) for _ in range(8)
        )
        cv2.putText(frame, words, (20, 30 + 29 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (20, 20, 20), 2)
    return frame


def _noise_frame(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (720, 1280), dtype=np.uint8)


def _blocks_frame(seed: int) -> np.ndarray:
    """Random black and white squares the size of modules: looks like a code, is none."""
    rng = np.random.default_rng(seed)
    cells = (rng.random((60, 60)) < 0.5).astype(np.uint8) * 255
    frame = np.full((720, 1280), 200, np.uint8)
    frame[60:660, 340:940] = cv2.resize(cells, (600, 600), interpolation=cv2.INTER_NEAREST)
    return frame


@pytest.mark.parametrize("name", ALL)
def test_no_code_in_noise_text_or_random_blocks(name: str) -> None:
    decoder = _decoder(name)
    for seed in range(3):
        for frame in (_noise_frame(seed), _text_frame(seed), _blocks_frame(seed)):
            assert decoder.decode(frame).codes == ()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    height=st.integers(0, 160),
    width=st.integers(0, 160),
    channels=st.sampled_from([None, 1, 3, 4]),
    block=st.integers(1, 8),
    seed=st.integers(0, 2**32 - 1),
)
def test_random_images_never_raise_and_never_read(
    height: int, width: int, channels: int | None, block: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    shape = (height, width) if channels is None else (height, width, channels)
    small = rng.integers(0, 256, (max(1, height // block), max(1, width // block)), dtype=np.uint8)
    image = np.resize(np.repeat(np.repeat(small, block, 0), block, 1), shape).astype(np.uint8)
    for decoder in _random_decoders():
        assert decoder.decode(image).codes == ()


_DECODERS: list[Decoder] = []


def _random_decoders() -> Iterator[Decoder]:
    if not _DECODERS:
        _DECODERS.extend(_decoder(n) for n in ALL if n != "pyzbar" or HAVE_PYZBAR)
    return iter(_DECODERS)


# -- the registry and pyzbar being optional -----------------------------------------


def test_registry_names_and_errors() -> None:
    assert available_decoders()[0] == "auto" and "zxing" in available_decoders()
    assert set(available_decoders()) | set(unavailable_decoders()) == set(ALL)
    with pytest.raises(ValueError, match="unknown decoder 'zbar'"):
        make_decoder("zbar")
    with pytest.raises(ValueError, match="bad options"):
        make_decoder("opencv", colour=True)
    with pytest.raises(ValueError, match="unknown binarizer"):
        make_decoder("zxing", binarizer="Otsu")
    with pytest.raises(ValueError, match="budget_ms"):
        make_decoder("auto", budget_ms=-1)
    assert isinstance(make_decoder("zxing", binarizer="GlobalHistogram"), ZxingDecoder)
    assert isinstance(make_decoder("auto", budget_ms=5), AutoDecoder)


@pytest.fixture
def no_libzbar(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """pyzbar as it behaves without libzbar: its import fails (OSError from ctypes)."""
    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyzbar" or name.startswith("pyzbar."):
            raise OSError("libzbar.so.0: cannot open shared object file")
        return real_import(name, *args, **kwargs)

    for module in [m for m in sys.modules if m == "pyzbar" or m.startswith("pyzbar.")]:
        monkeypatch.delitem(sys.modules, module)
    monkeypatch.setattr(builtins, "__import__", fake_import)
    decoders.load_pyzbar.cache_clear()
    yield
    decoders.load_pyzbar.cache_clear()


@pytest.mark.usefixtures("no_libzbar")
def test_without_libzbar_pyzbar_is_unavailable_and_the_rest_works() -> None:
    reason = unavailable_decoders()["pyzbar"]
    assert "libzbar" in reason and "cannot open shared object" in reason
    assert available_decoders() == ["auto", "zxing", "opencv"]
    with pytest.raises(ValueError, match=r"'pyzbar' is not available.*libzbar"):
        make_decoder("pyzbar")
    with pytest.raises(DecoderUnavailableError):
        decoders.PyzbarDecoder()
    image = cv2.imread(str(PHI1[2][0]), cv2.IMREAD_COLOR)
    for name in ("zxing", "auto"):
        assert [c.text for c in make_decoder(name).decode(image).codes] == [PHI1[2][1]]
    assert AutoDecoder(steps=("native", "pyzbar", "frame-pyzbar")).steps == ("native",)


def test_a_missing_pyzbar_module_is_an_import_error_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyzbar", None)  # "import pyzbar" raises ImportError
    decoders.load_pyzbar.cache_clear()
    try:
        assert "pyzbar" in unavailable_decoders()
        assert "zxing" in available_decoders()
    finally:
        decoders.load_pyzbar.cache_clear()


# -- corners of the codes in frames -------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_code_in_a_frame_is_found_where_it_is(name: str) -> None:
    frame, quad = frame_with_code(HEALTH_TEXT, pitch=5.0, centre=(900, 300), angle=20)
    (code,) = _decoder(name).decode(frame).codes
    assert code.text == HEALTH_TEXT
    assert inside(centre(code.corners), quad)
    assert max(np.hypot(*np.subtract(code.corners, quad).T)) < 6
