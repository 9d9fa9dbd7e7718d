"""workers.image.photo: the sheet found in simulated phone photos, the warp and its PageTransform, the light
flattened with red kept red, flat scans of every corpus kind left untouched; one photo end to end."""

from __future__ import annotations

import functools
import random
from pathlib import Path

import cv2
import numpy as np
import pytest

from fixtures.corpus import draw, modes
from fixtures.corpus.build import plan_document, scan_page
from fixtures.corpus.photo import photograph
from fixtures.corpus.plan import plan_corpus
from fixtures.corpus.sample import sample_job
from fixtures.corpus.varied import plan_varied
from workers.image.pagemap import PageTransform
from workers.image.photo import correct_photo, find_sheet, flatten_light, homography, page_size, warp_page
from workers.image.preprocess import prepare_page
from workers.image.redink import red_mask

FRAME = (1020, 1360)
"""Test photos at a quarter of the corpus's pixels: fast, and the sheet's edges are as sharp."""
PRINT_DPI = 120
FILLING_SEEDS = (8, 15)
"""Seeds whose photo is cropped to the sheet (fixtures/corpus/photo.py `cropped`)."""
E2E_SEED = 2
"""A plain photo (desk all round) at the corpus's full frame size."""
CORNER_TOLERANCE_PX = 4.0
"""Corners found within this many photo pixels of where the sheet was put (≈ 1 mm at this scale)."""
PLAIN_SEEDS = (0, 2, 6, 9, 13)
"""Seeds whose photos have nothing at the border but the desk (see fixtures/corpus/photo.py)."""
KEYSTONE_SEEDS = (6, 9)
"""Seeds whose photo of the harsher development scene (`photograph(..., variant=1)`) is plain but makes the
A4 sheet measure 1.18 and 1.14 (height over width, mean sides): strong keystone."""
CLUTTER_SEEDS = (4, 5, 12)
"""Seeds with a hand over the edge (4 with a second sheet under it, 12 with tape and the frame cut close)."""


@functools.lru_cache(maxsize=1)
def _printed_page() -> np.ndarray:
    """Page 3 of the committed sample's text, printed clean (RGB): seal over the signature and date."""
    _, _, layout, _ = plan_document(sample_job())
    return draw.render_page(layout.pages[-1], PRINT_DPI).image


def _photo(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rgb, quad, _ = photograph(_printed_page(), seed, frame=FRAME)
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), quad


@pytest.mark.parametrize("seed", PLAIN_SEEDS)
def test_sheet_corners_are_found_within_a_few_pixels(seed: int) -> None:
    photo, truth = _photo(seed)
    found = find_sheet(photo)
    assert found is not None
    assert np.abs(found - truth).max() <= CORNER_TOLERANCE_PX


@pytest.mark.parametrize("seed", KEYSTONE_SEEDS)
def test_a_strongly_keystoned_a4_sheet_is_found_and_squared_to_a4(seed: int) -> None:
    """The sheet measures 17–19% off A4: still found, and squared to A4 (not to its measured proportions,
    which would stretch the text on this page alone)."""
    rgb, truth, _ = photograph(_printed_page(), seed, frame=FRAME, variant=1)
    found = find_sheet(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    assert found is not None
    assert np.abs(found - truth).max() <= CORNER_TOLERANCE_PX
    width, height = page_size(found)
    assert height / width == pytest.approx(np.sqrt(2), rel=0.002)


@pytest.mark.parametrize("seed", CLUTTER_SEEDS)
def test_a_hand_or_tape_at_the_edge_gives_the_sheet_or_nothing(seed: int) -> None:
    """Conservative: clutter may hide the sheet, it must never give a wrong one."""
    photo, truth = _photo(seed)
    found = find_sheet(photo)
    assert found is None or np.abs(found - truth).max() <= 3 * CORNER_TOLERANCE_PX


@pytest.mark.parametrize("seed", FILLING_SEEDS)
def test_a_sheet_filling_the_frame_is_found(seed: int) -> None:
    """The frame cut within 1% of the sheet's outermost corners: a thin strip of desk, or none, at the edge."""
    photo, truth = _photo(seed)
    found = find_sheet(photo)
    assert found is not None
    assert np.abs(found - truth).max() <= CORNER_TOLERANCE_PX


def test_a_soft_shadow_across_the_sheet_does_not_cut_it() -> None:
    _, truth = _photo(PLAIN_SEEDS[0])
    photo, _ = _photo(PLAIN_SEEDS[0])
    height, width = photo.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width]
    shadow = 1.0 - 0.45 / (1.0 + np.exp(-(xs - ys * 0.4 - width * 0.3) / 15.0))  # darker by 45% to one side
    shaded = np.clip(photo * shadow[:, :, None], 0, 255).astype(np.uint8)
    found = find_sheet(shaded)
    assert found is not None
    assert np.abs(found - truth).max() <= CORNER_TOLERANCE_PX


def test_every_a4_photo_gets_one_page_size_no_smaller_than_the_photo() -> None:
    """Pages of one document photographed from different distances come out at the same scale."""
    quad = np.array([[100.0, 60.0], [700.0, 80.0], [720.0, 930.0], [90.0, 910.0]])  # measures 1.35: A4 seen askew
    width, height = page_size(quad)
    assert height / width == pytest.approx(np.sqrt(2), rel=0.002)
    assert width >= 630 and height >= 850  # the longer top/bottom side and the longer left/right side
    assert page_size(quad * 1.4) == (width, height)


def test_a_square_quad_keeps_its_own_proportions() -> None:
    quad = np.array([[100.0, 100.0], [600.0, 100.0], [600.0, 600.0], [100.0, 600.0]])
    width, height = page_size(quad)
    assert width == height


def test_warp_round_trips_through_the_page_transform() -> None:
    """A dot at a known place on the sheet lands where the homography says, and PageTransform maps the
    page's corners back onto the quad (the searchable PDF relies on `to_source`)."""
    photo = np.full((900, 800, 3), 90, np.uint8)
    quad = np.array([[120.5, 100.5], [650.5, 140.5], [700.5, 820.5], [80.5, 780.5]])
    cv2.fillPoly(photo, [np.round(quad - 0.5).astype(np.int32)], (240, 240, 240))
    size = page_size(quad)
    matrix = homography(quad, size)
    dot_page = np.array([[size[0] * 0.3, size[1] * 0.6]])
    transform = PageTransform.identity(800, 900).then(matrix, size)
    dot_photo = transform.to_source(dot_page)[0]
    cv2.circle(photo, (int(dot_photo[0]), int(dot_photo[1])), 4, (0, 0, 0), -1)
    page = warp_page(photo, matrix, size)
    ys, xs = np.nonzero(page[:, :, 0] < 60)
    assert abs(xs.mean() + 0.5 - dot_page[0, 0]) < 2.0 and abs(ys.mean() + 0.5 - dot_page[0, 1]) < 2.0
    corners = np.array([[0, 0], [size[0], 0], [size[0], size[1]], [0, size[1]]], np.float64)
    assert np.abs(transform.to_source(corners) - quad).max() < 1e-6
    assert np.abs(transform.to_upright(quad) - corners).max() < 1e-6


def test_flattening_evens_the_paper_and_keeps_red_red() -> None:
    height, width = 1200, 850
    page = np.full((height, width, 3), 235, np.float32)
    cv2.putText(page, "TEXT", (100, 300), cv2.FONT_HERSHEY_SIMPLEX, 3, (30, 30, 30), 8)
    cv2.circle(page, (600, 900), 110, (60, 60, 220), 12)  # a red seal ring (BGR)
    light = np.linspace(1.0, 0.45, height, dtype=np.float32)[:, None, None]
    shaded = np.clip(page * light, 0, 255).astype(np.uint8)
    flat = flatten_light(shaded)
    paper = flat[(flat.min(axis=2) > 150)]
    assert paper[:, 1].std() < 6 and abs(float(paper[:, 1].mean()) - 245) < 6
    ring = red_mask(flat)[900 - 110 - 6: 900 - 110 + 6, 590:610]
    assert np.count_nonzero(ring) > 0.5 * ring.size
    assert int(flat[300 - 20, 110:200, 1].min()) < 90  # black text stays dark


def test_correct_photo_squares_and_flattens_the_sheet() -> None:
    photo, truth = _photo(PLAIN_SEEDS[1])
    corrected = correct_photo(photo)
    assert corrected is not None
    width, height = corrected.size
    assert corrected.image.shape[:2] == (height, width)
    assert height / width == pytest.approx(np.sqrt(2), rel=0.002)
    assert np.abs(corrected.quad - truth).max() <= CORNER_TOLERANCE_PX
    # no desk left at the page's border: the flattened paper reaches it
    border = np.concatenate([corrected.image[3, :], corrected.image[-4, :], corrected.image[:, 3], corrected.image[:, -4]])
    assert np.median(border.min(axis=1)) > 200


# ----------------------------------------------------------------------------- flat scans: untouched
def _scan_kinds() -> list[tuple[str, np.ndarray]]:
    """One or two pages of every kind of scan the corpora hold: the standard typesetter's scans (skew,
    tint, uneven light, JPEG), and the second typesetter's in colour, 8-bit grey and 1-bit."""
    pages: list[tuple[str, np.ndarray]] = []
    for job in plan_corpus()[:3]:
        _, _, layout, deg = plan_document(job)
        for index in sorted({0, len(layout.pages) - 1}):
            rgb, _ = scan_page(layout, index, job, deg, 100)
            pages.append((f"{job.doc_id} p{index + 1} colour", rgb))
    for job in plan_varied()[:2]:
        _, _, layout, deg = plan_document(job)
        settings = modes.choose_mode_settings(random.Random(job.seed ^ 0xC0108))
        rgb, _ = scan_page(layout, len(layout.pages) - 1, job, deg, 100)
        gray = modes.to_gray(rgb)
        pages.append((f"{job.doc_id} colour", rgb))
        pages.append((f"{job.doc_id} gray", np.asarray(gray.convert("RGB"))))
        pages.append((f"{job.doc_id} bw", np.asarray(modes.to_bw(gray, settings.bw_threshold).convert("RGB"))))
    return pages


def test_no_page_of_any_corpus_scan_kind_is_cropped_or_warped() -> None:
    kinds = _scan_kinds()
    assert {name.rsplit(" ", 1)[1] for name, _ in kinds} == {"colour", "gray", "bw"}
    for name, rgb in kinds:
        bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
        assert correct_photo(bgr) is None, name
        prepared = prepare_page(bgr, page=1, orientation=None)
        assert prepared.page_quad is None, name
        assert prepared.transform is not None
        matrix = prepared.transform.as_array()
        assert matrix[2, 0] == 0.0 and matrix[2, 1] == 0.0, name  # affine at most: no perspective step


def test_the_committed_sample_scan_is_untouched() -> None:
    from PIL import Image

    sample = Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "sample_reply_p1.png"
    bgr = cv2.cvtColor(np.asarray(Image.open(sample).convert("RGB")), cv2.COLOR_RGB2BGR)
    assert find_sheet(bgr) is None


# ----------------------------------------------------------------------------------- end to end
@pytest.mark.slow
def test_a_photographed_page_with_a_seal_converts_end_to_end(tmp_path: Path) -> None:
    """A phone photo (JPEG) of the sample's last page: squared, the signature and the date under the seal
    read, `warped`/`page_quad` in the JSON, and the searchable PDF's boxes mapped back onto the photo."""
    from PIL import Image

    from workers.pipeline import convert_file, render_bytes
    from workers.settings import load_settings

    _, _, layout, _ = plan_document(sample_job())
    printed = draw.render_page(layout.pages[-1], 240).image
    rgb, truth, drawn = photograph(printed, E2E_SEED)
    path = tmp_path / "photo.jpg"
    Image.fromarray(rgb).save(path, "JPEG", quality=drawn["jpeg_quality"])

    previews: list[np.ndarray] = []
    result = convert_file(path, settings=load_settings(), page_image=lambda _, image: previews.append(image))
    envelope = result.envelope()
    page = envelope["pages"][0]
    assert page["warped"] is True
    # the review page's preview is the squared, flattened page the boxes are measured on, not the photo
    assert previews[0].shape[:2] == (page["height"], page["width"]) != rgb.shape[:2]
    assert np.abs(np.array(page["page_quad"]) - truth).max() <= 12.0
    assert envelope["fields"]["signature"] == ["重庆市渝北区卫生健康委员会"]
    assert envelope["fields"]["date"] == "2024-05-15"
    assert envelope["timings"]["photo_s"] > 0.0
    # every line's box, mapped back through the page transform, lies on the sheet in the photo
    sheet = np.zeros(rgb.shape[:2], np.uint8)
    cv2.fillPoly(sheet, [np.round(truth).astype(np.int32)], 255)
    transform = result.transforms[0]
    for line in result.pages[0].lines:
        for x, y in transform.to_source([(line.box.x0, line.box.y0), (line.box.x1, line.box.y1)]):
            assert sheet[int(y), int(x)], line.text
    assert render_bytes(result, "pdf", path).startswith(b"%PDF-")  # the searchable PDF of the photo itself
