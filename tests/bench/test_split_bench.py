"""bench.split: how found document ranges are scored against the true ones."""

from __future__ import annotations

import pytest

from bench.split import render_markdown, score_boundaries


@pytest.mark.parametrize(("found", "truth", "expected"), [
    ([(1, 3), (4, 6)], [(1, 3), (4, 6)], {"true": 1, "found": 1, "false": 0, "ranges": 2}),
    ([(1, 6)], [(1, 3), (4, 6)], {"true": 1, "found": 0, "false": 0, "ranges": 0}),  # a missed boundary
    ([(1, 2), (3, 3), (4, 6)], [(1, 3), (4, 6)], {"true": 1, "found": 1, "false": 1, "ranges": 1}),
    ([(1, 3), (5, 6)], [(1, 3), (5, 6)], {"true": 1, "found": 1, "false": 0, "ranges": 2}),  # a separator at 4
    ([(2, 3)], [(1, 3)], {"true": 0, "found": 0, "false": 0, "ranges": 0}),
])
def test_score_boundaries(found: list[tuple[int, int]], truth: list[tuple[int, int]],
                          expected: dict[str, int]) -> None:
    scores = score_boundaries(found, truth)
    assert {k: scores[k] for k in expected} == expected
    assert scores["documents"] == len(truth) and scores["documents_found"] == len(found)


def test_report_shows_the_figures() -> None:
    row = {"number": 1, "pages": [1, 3], "found": [1, 3], "gw_id": "doc_01", "profile": "varied",
           "format": "letter", "attachment_pages": 1, "flipped": True, "photocopy": False,
           "cer_split": 0.004, "cer_alone": 0.003, "same_text": False, "same_fields": True,
           "fields_split": 1.0, "fields_alone": 1.0}
    result = {"batch": "b", "pages": 3, "separators": [], "when": "now", "documents": [row],
              "boundaries": score_boundaries([(1, 3)], [(1, 3)]),
              "cost": {"split_wall_s_per_page": 2.0, "split_cpu_s_per_page": 1.0, "alone_wall_s_per_page": 1.6,
                       "alone_cpu_s_per_page": 1.0, "alone_pages": 3, "split_layout_s": 0.01}}
    text = render_markdown(result)
    assert "max **0.100** points" in text and "identical text 0 / 1" in text
    assert "| ratio | 1.250× | 1.000× |" in text and "flipped, 1 attachment(s) on own pages, letter" in text
