"""The benchmark's frame generator and real-image loaders (benchmarks/frame_synth.py,
benchmarks/real_images.py): determinism, geometry, ground truth, files found."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import base45
import cv2
import numpy as np
import pytest
import zxingcpp
from shared_paths import PROJECT_ROOT, boofcv_dir, dcc_dir, phi1_dir

sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))

import frame_synth
import real_images
from frame_synth import CATEGORIES, NO_CODE, RESOLUTIONS


def _digest(category: str, index: int, seed: int, size: tuple[int, int]) -> str:
    frame = frame_synth.make_frame(category, index, seed=seed, size=size)
    return hashlib.sha256(frame.image.tobytes()).hexdigest()


@pytest.mark.parametrize("category", ["nominal", "moire", "glare", NO_CODE])
def test_same_seed_same_bytes(category: str) -> None:
    a = frame_synth.make_frame(category, 3, seed=11)
    b = frame_synth.make_frame(category, 3, seed=11)
    assert a.image.tobytes() == b.image.tobytes()
    assert a.truth == b.truth


def test_same_seed_same_bytes_in_another_process() -> None:
    code = (
        "import sys, hashlib; sys.path.insert(0, sys.argv[1]); import frame_synth as fs; "
        "f = fs.make_frame('blur', 2, seed=5, size=(1280, 720)); "
        "print(hashlib.sha256(f.image.tobytes()).hexdigest())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(PROJECT_ROOT / "benchmarks")],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.strip()
    assert out == _digest("blur", 2, 5, (1280, 720))


def test_other_seed_or_index_other_frame() -> None:
    base = _digest("nominal", 0, 0, (1280, 720))
    assert _digest("nominal", 0, 1, (1280, 720)) != base
    assert _digest("nominal", 1, 0, (1280, 720)) != base


@pytest.mark.parametrize("resolution", sorted(RESOLUTIONS))
@pytest.mark.parametrize("category", CATEGORIES)
def test_every_category_frame_and_truth(category: str, resolution: str) -> None:
    size = RESOLUTIONS[resolution]
    frame = frame_synth.make_frame(category, 0, seed=0, size=size)
    w, h = size
    assert frame.image.shape == (h, w, 3)
    assert frame.image.dtype == np.uint8
    truth = frame.truth
    assert (truth.category, truth.index, truth.size) == (category, 0, size)
    if category == NO_CODE:
        assert truth.text is None and truth.corners is None and truth.modules is None
        return
    assert truth.text and truth.corners is not None
    assert truth.modules is not None and truth.modules >= 21
    assert truth.pitch is not None and truth.pitch > 1.0
    for x, y in truth.corners:
        assert 0 <= x <= w and 0 <= y <= h
    # the corners are a convex quadrilateral, clockwise on screen (top-left first)
    q = np.array(truth.corners, np.float64)
    for i in range(4):
        (ax, ay), (bx, by) = q[(i + 1) % 4] - q[i], q[(i + 2) % 4] - q[(i + 1) % 4]
        assert ax * by - ay * bx > 0


def test_none_frames_cover_every_kind_without_truth() -> None:
    for i in range(len(frame_synth._NONE_KINDS)):
        f = frame_synth.make_frame(NO_CODE, i)
        assert f.truth.text is None and f.truth.corners is None
        assert f.truth.params["screen"] == frame_synth._NONE_KINDS[i]


def test_small_codes_are_small_and_categories_differ() -> None:
    pitches = [frame_synth.make_frame("small", i).truth.pitch for i in range(4)]
    assert all(p is not None and p < 3.2 for p in pitches)
    inverted = frame_synth.make_frame("inverted", 0).truth
    assert inverted.params["dark_ui"] is True


def test_payload_and_symbol_round_trip() -> None:
    rng = np.random.default_rng(3)
    kinds = set()
    for _ in range(12):
        text, ec = frame_synth.make_payload(rng)
        kinds.add("PHI1" if text.startswith("PHI1:") else "URL")
        m = frame_synth.qr_matrix(text, ec)
        img = np.where(m, 0, 255).astype(np.uint8)
        img = cv2.resize(np.pad(img, 4, constant_values=255), None, fx=4, fy=4, interpolation=0)
        read = zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)
        assert [r.text for r in read] == [text]
    assert kinds == {"PHI1", "URL"}


def test_b45encode_matches_the_base45_package() -> None:
    rng = np.random.default_rng(0)
    for n in (0, 1, 2, 3, 250, 251):
        data = rng.bytes(n)
        assert frame_synth.b45encode(data) == base45.b45encode(data).decode()


def test_unknown_category_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown category"):
        frame_synth.make_frame("sideways")


def test_save_frame_writes_png_and_truth(tmp_path) -> None:
    frame = frame_synth.make_frame("colour", 1)
    path = frame_synth.save_frame(frame, tmp_path)
    assert cv2.imread(str(path)).shape == frame.image.shape
    assert path.with_suffix(".json").is_file()


def test_write_clip_reads_back_with_ground_truth(tmp_path) -> None:
    truth = frame_synth.write_clip(tmp_path / "c.avi", 4, size=(640, 360), seconds=1.5)
    cap = cv2.VideoCapture(str(tmp_path / "c.avi"))
    n = 0
    while cap.read()[0]:
        n += 1
    cap.release()
    assert n == len(truth.frames) == 45
    assert truth.fourcc == "MJPG" and truth.text
    assert not truth.frames[0].visible  # the phone enters later
    assert truth.first_visible is not None
    assert truth.frames[-1].visible and truth.frames[-1].corners is not None
    again = frame_synth.write_clip(tmp_path / "d.mp4", 4, size=(640, 360), seconds=1.5)
    assert again.fourcc == "mp4v" and again.frames == truth.frames


# --- real images ---------------------------------------------------------------------


def test_shared_dir_is_the_one_tests_use() -> None:
    assert real_images.vectors_dir() / "boofcv-qr" == boofcv_dir()


def test_boofcv_images_and_labels() -> None:
    images = real_images.boofcv_images()
    assert len(images) == len(list(boofcv_dir().glob("*/*.jpg"))) == 175
    assert sum(len(im.labels) for im in images) == 455
    assert len({im.category for im in images}) == 15
    assert all(im.labels for im in images)
    img, labels = images[0].load()
    h, w = img.shape[:2]
    assert w <= 1280 and h <= 720
    for quad in labels:
        for x, y in quad:
            assert -2 <= x <= w + 2 and -2 <= y <= h + 2


def test_boofcv_labels_lie_in_the_stored_pixel_grid() -> None:
    # some images carry an EXIF rotation; their labels are in the stored grid
    flags = cv2.IMREAD_REDUCED_GRAYSCALE_8
    rotated = 0
    for im in real_images.boofcv_images():
        small = cv2.imread(str(im.path), flags | cv2.IMREAD_IGNORE_ORIENTATION)
        h, w = small.shape[0] * 8, small.shape[1] * 8
        for quad in im.labels:
            for x, y in quad:
                assert -8 <= x <= w + 8 and -8 <= y <= h + 8, im.name
        if cv2.imread(str(im.path), flags).shape != small.shape:
            rotated += 1
            img, labels = im.load()
            for quad in labels:
                for x, y in quad:
                    assert -2 <= x <= img.shape[1] + 2 and -2 <= y <= img.shape[0] + 2
    assert rotated > 0


def test_boofcv_label_formats() -> None:
    sets = "# c\nSETS\n1 2 3 4 5 6 7 8\n9 10 11 12 13 14 15 16\n"
    assert real_images.parse_boofcv_labels(sets)[1] == ((9, 10), (11, 12), (13, 14), (15, 16))
    points = "# c\n1 2\n3 4\n5 6\n7 8\n"
    assert real_images.parse_boofcv_labels(points) == [((1, 2), (3, 4), (5, 6), (7, 8))]
    with pytest.raises(ValueError):
        real_images.parse_boofcv_labels("1 2\n3 4\n5 6\n")


def test_every_phi1_png_has_its_case() -> None:
    images = real_images.phi1_images()
    assert len(images) == len(list((phi1_dir() / "images").glob("*.png"))) > 0
    assert all(im.text.startswith("PHI1:") or im.text for im in images)


def test_dcc_pngs_with_prefix() -> None:
    images = real_images.dcc_images()
    assert len(images) == 89
    assert all(im.text.startswith("HC1:") for im in images)
    assert images[0].load().ndim == 3
    assert dcc_dir().is_dir()


def test_point_in_quad_and_matching() -> None:
    quad = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))
    assert real_images.point_in_quad((5, 5), quad)
    assert not real_images.point_in_quad((11, 5), quad)
    other = ((20.0, 0.0), (30.0, 0.0), (30.0, 10.0), (20.0, 10.0))
    assert real_images.match_labels([(5, 5), (6, 6), (50, 50)], [quad, other]) == (1, 1)
