"""``checkpoint-app scan`` follows the command-line contract of DESIGN.md §5.

Test media are made here, small, in ``tmp_path``: QR codes rendered by zxing-cpp and
pasted on a grey card, and a short MJPG video written with OpenCV.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
import pytest
import zxingcpp
from cli_runner import Run, run_cli
from shared_paths import phi1_dir

from checkpoint_app.scan.decoders import available_decoders

Image = npt.NDArray[np.uint8]

URL = "HTTPS://HC.EXAMPLE.CN/C/4F7Q2K9ZP"
OTHER = "HTTPS://HC.EXAMPLE.CN/C/QQ0001"
SIZE = (480, 360)  # width, height of every test image and video frame
CODE_KEYS = {"item", "text", "corners", "decoder", "ms"}


def _qr(text: str, module_px: int) -> Image:
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    img = zxingcpp.write_barcode_to_image(barcode, scale=module_px, add_quiet_zones=True)
    return np.asarray(img, dtype=np.uint8)


def _frame(text: str | None = None, module_px: int = 4, at: tuple[int, int] = (40, 30)) -> Image:
    """A BGR frame: a grey background with the code (if any) pasted at ``at``."""
    frame = np.full((SIZE[1], SIZE[0], 3), 128, np.uint8)
    cv2.rectangle(frame, (300, 200), (440, 320), (60, 90, 200), -1)  # something that is no code
    if text is not None:
        code = _qr(text, module_px)
        h, w = code.shape
        frame[at[1] : at[1] + h, at[0] : at[0] + w] = code[:, :, None]
    return frame


def _write(path: Path, image: Image) -> Path:
    assert cv2.imwrite(str(path), image)
    return path


def _lines(run: Run) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The code lines and the summary; stdout holds nothing else."""
    lines = run.json_lines()
    assert lines, run.stderr
    assert set(lines[-1]) == {"summary"}, lines[-1]
    codes = lines[:-1]
    for line in codes:
        assert CODE_KEYS <= set(line) <= CODE_KEYS | {"verification"}, line
        assert isinstance(line["text"], str) and isinstance(line["item"], str)
        assert len(line["corners"]) == 4 and all(len(p) == 2 for p in line["corners"])
        assert isinstance(line["ms"], float | int) and line["ms"] >= 0
    for raw in run.stdout.splitlines():  # compact JSON, one object a line
        assert raw == json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":"))
    return codes, lines[-1]["summary"]


def _check_summary(summary: dict[str, Any], frames: int, decoded: int) -> None:
    assert (summary["frames"], summary["decoded"]) == (frames, decoded)
    if frames:
        assert 0 < summary["ms_median"] <= summary["ms_p95"]
    else:
        assert summary["ms_median"] is None and summary["ms_p95"] is None


def _no_traceback(run: Run) -> None:
    assert "Traceback" not in run.stderr


def _inside(corners: list[list[float]], box: tuple[int, int, int, int]) -> bool:
    x0, y0, x1, y1 = box
    return all(x0 - 2 <= x <= x1 + 2 and y0 - 2 <= y <= y1 + 2 for x, y in corners)


# -- image files and folders ----------------------------------------------------------


def test_image_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "gate photo.png", _frame(URL, module_px=4, at=(40, 30)))
    run = run_cli("scan", "--source", str(path), data_dir=tmp_path)
    assert run.code == 0, run.stderr
    codes, summary = _lines(run)
    assert [c["text"] for c in codes] == [URL]
    code = codes[0]
    assert code["item"] == str(path)  # the image's path
    assert code["decoder"].startswith("auto")
    side = _qr(URL, 4).shape[0]
    assert _inside(code["corners"], (40, 30, 40 + side, 30 + side))
    _check_summary(summary, frames=1, decoded=1)
    assert run.stderr == ""


def test_image_without_a_code_is_not_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "empty.jpg", _frame(None))
    run = run_cli("scan", "--source", str(path), data_dir=tmp_path)
    assert run.code == 0, run.stderr
    codes, summary = _lines(run)
    assert codes == []
    _check_summary(summary, frames=1, decoded=0)


def test_folder_in_natural_order_and_bad_files_reported(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    _write(folder / "img10.png", _frame(OTHER))
    _write(folder / "img2.png", _frame(URL))
    _write(folder / "img3.png", _frame(None))
    (folder / "notes.txt").write_text("not an image\n", encoding="utf-8")
    (folder / "img5.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)  # a broken PNG
    (folder / ".hidden.png").write_bytes(b"ignored")
    run = run_cli("scan", "--source", str(folder), data_dir=tmp_path)
    assert run.code == 0, run.stderr
    codes, summary = _lines(run)
    assert [(Path(c["item"]).name, c["text"]) for c in codes] == [
        ("img2.png", URL),
        ("img10.png", OTHER),
    ]
    _check_summary(summary, frames=3, decoded=2)  # img2, img3, img10: the rest kept going
    warnings = [ln for ln in run.stderr.splitlines() if "warning" in ln]
    assert len(warnings) == 2, run.stderr
    assert any("notes.txt" in w for w in warnings) and any("img5.png" in w for w in warnings)
    assert all("not an image" in w for w in warnings)
    assert ".hidden" not in run.stderr
    _no_traceback(run)


@pytest.mark.parametrize("content", [b"", b"GIF89a not really", b"\xff\xd8\xff\xe0 truncated jpeg"])
def test_unreadable_image_is_bad_input(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.jpg"
    path.write_bytes(content)
    run = run_cli("scan", "--source", str(path), data_dir=tmp_path)
    assert run.code == 2
    assert run.stdout == ""
    assert len(run.stderr.splitlines()) == 1 and "broken.jpg" in run.stderr
    _no_traceback(run)


def test_missing_source_and_bad_camera_are_bad_usage(tmp_path: Path) -> None:
    for source in (str(tmp_path / "nowhere.png"), "camera:x"):
        run = run_cli("scan", "--source", source, data_dir=tmp_path)
        assert run.code == 2, source
        assert run.stdout == "" and len(run.stderr.splitlines()) == 1, run.stderr
        _no_traceback(run)


# -- videos ---------------------------------------------------------------------------


def _video(path: Path, frames: list[Image], fps: float = 10.0) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, SIZE)
    assert writer.isOpened(), "OpenCV cannot write MJPG here"
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def _clip(tmp_path: Path) -> Path:
    """8 frames: 3 without a code, then the same code held for 5 (moving a little)."""
    frames = [_frame(None)] * 3 + [_frame(URL, at=(40 + 6 * i, 30)) for i in range(5)]
    return _video(tmp_path / "clip.avi", frames)


def test_video_frame_by_frame_no_dropping_no_debounce(tmp_path: Path) -> None:
    run = run_cli("scan", "--source", str(_clip(tmp_path)), data_dir=tmp_path)
    assert run.code == 0, run.stderr
    codes, summary = _lines(run)
    # the item is the frame index; the code is reported on every frame it is on
    assert [(c["item"], c["text"]) for c in codes] == [(str(i), URL) for i in range(3, 8)]
    xs = [c["corners"][0][0] for c in codes]
    assert xs == sorted(xs) and xs[-1] - xs[0] > 15  # each frame's own position
    _check_summary(summary, frames=8, decoded=5)
    assert "dropped" not in summary


def test_video_realtime_is_paced_and_debounced(tmp_path: Path) -> None:
    run = run_cli("scan", "--source", str(_clip(tmp_path)), "--realtime", data_dir=tmp_path)
    assert run.code == 0, run.stderr
    codes, summary = _lines(run)
    assert [c["text"] for c in codes] == [URL]  # the same code held in view is one scan
    assert int(codes[0]["item"]) >= 3
    assert summary["frames"] == 8 and 1 <= summary["decoded"] <= 5
    assert summary["dropped"] >= 0


def test_corrupt_video_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8)
    run = run_cli("scan", "--source", str(path), data_dir=tmp_path)
    assert run.code == 2
    assert run.stdout == ""
    assert len(run.stderr.splitlines()) == 1 and "corrupt.mp4" in run.stderr
    _no_traceback(run)


def test_truncated_video_keeps_what_it_can(tmp_path: Path) -> None:
    path = _clip(tmp_path)
    data = path.read_bytes()
    cut = tmp_path / "cut.avi"
    cut.write_bytes(data[: len(data) // 2])  # the second half and the index lost
    run = run_cli("scan", "--source", str(cut), data_dir=tmp_path)
    assert run.code == 0, run.stderr
    codes, summary = _lines(run)
    assert 3 <= summary["frames"] < 8
    assert codes and all(c["text"] == URL for c in codes)
    assert run.stderr.count("\n") == 1 and "ends early" in run.stderr
    _no_traceback(run)


# -- decoders and verification ---------------------------------------------------------


@pytest.mark.parametrize("decoder", ["auto", "zxing", "pyzbar", "opencv"])
def test_every_decoder_choice(tmp_path: Path, decoder: str) -> None:
    path = _write(tmp_path / "code.png", _frame(URL, module_px=5))
    run = run_cli("scan", "--source", str(path), "--decoder", decoder, data_dir=tmp_path)
    if decoder not in available_decoders():  # pyzbar without libzbar: one line saying why
        assert run.code == 2 and decoder in run.stderr and len(run.stderr.splitlines()) == 1
        return
    assert run.code == 0, run.stderr
    codes, summary = _lines(run)
    assert [c["text"] for c in codes] == [URL]
    assert codes[0]["decoder"].split(":")[0] == decoder
    _check_summary(summary, frames=1, decoded=1)


def test_unknown_decoder_is_bad_usage(tmp_path: Path) -> None:
    path = _write(tmp_path / "code.png", _frame(URL))
    run = run_cli("scan", "--source", str(path), "--decoder", "wechat", data_dir=tmp_path)
    assert run.code == 2 and run.stdout == ""
    assert len(run.stderr.splitlines()) == 1 and "--decoder" in run.stderr


def test_verify_adds_the_verification(tmp_path: Path) -> None:
    case = json.loads((phi1_dir() / "cases" / "000_valid_green.json").read_text("utf-8"))
    folder = tmp_path / "codes"
    folder.mkdir()
    _write(folder / "1.png", _frame(case["qr"], module_px=3, at=(20, 20)))
    _write(folder / "2.png", _frame(URL))
    run = run_cli(
        "scan", "--source", str(folder), "--verify",
        "--trust-list", str(phi1_dir() / "trust_list.json"),
        "--revocations", str(phi1_dir() / "revocations.json"),
        "--at", str(case["now"]), data_dir=tmp_path,
    )  # fmt: skip
    assert run.code == 0, run.stderr
    codes, summary = _lines(run)
    assert [c["text"] for c in codes] == [case["qr"], URL]
    phi1, url = (c["verification"] for c in codes)
    assert set(phi1) == {"format", "result", "claims"}
    assert (phi1["format"], phi1["result"]) == ("PHI1", "VALID")
    assert phi1["claims"]["nam"] == case["expected"]["nam"]
    assert url["format"] != "PHI1" and url["claims"] is None
    _check_summary(summary, frames=2, decoded=2)


def test_without_verify_no_verification(tmp_path: Path) -> None:
    path = _write(tmp_path / "code.png", _frame(URL))
    codes, _summary = _lines(run_cli("scan", "--source", str(path), data_dir=tmp_path))
    assert codes and all("verification" not in c for c in codes)


# -- guidance -------------------------------------------------------------------------


def test_hints_for_a_code_too_far_away(tmp_path: Path) -> None:
    folder = tmp_path / "far"
    folder.mkdir()
    # a long text at 0.7 pixel per module: seen, too small to read
    far = _frame("HTTPS://HC.EXAMPLE.CN/" + "A1B2C3D4E5" * 12, module_px=2, at=(100, 60))
    far = cv2.resize(far, None, fx=0.35, fy=0.35, interpolation=cv2.INTER_AREA)
    far = cv2.copyMakeBorder(far, 0, SIZE[1] - far.shape[0], 0, SIZE[0] - far.shape[1],
                             cv2.BORDER_REPLICATE)  # fmt: skip
    _write(folder / "a.png", far)
    _write(folder / "b.png", _frame(URL))
    run = run_cli("scan", "--source", str(folder), data_dir=tmp_path)
    assert run.code == 0, run.stderr
    codes, summary = _lines(run)
    assert [Path(c["item"]).name for c in codes] == ["b.png"]
    assert summary["hints"] == {"closer": 1}
    hint_lines = [ln for ln in run.stderr.splitlines() if "hint" in ln]
    assert len(hint_lines) == 1 and "a.png" in hint_lines[0] and "closer" in hint_lines[0]
