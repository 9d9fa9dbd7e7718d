from __future__ import annotations

import random
import time

import pytest

from bench.metrics import (
    Split,
    boundary_f1,
    boundary_scores,
    cer,
    char_cer,
    edit_distance,
    field_accuracy,
    field_matches,
    normalise,
    page_break_joins,
)

# ------------------------------------------------------------------------------------------ normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢ１２：", "AB12:"),  # NFKC folds full-width forms
        ("关 于\u3000通知\t。", "关于通知。"),  # every non-newline whitespace goes, ideographic space too
        ("\n\n一\n\n  \n二\n", "一\n二"),  # empty and blank lines dropped, no edge newlines
        ("一\r\n二\r三", "一\n二\n三"),  # CR LF and CR are newlines
        ("", ""),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


# -------------------------------------------------------------------------------------- edit distance


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("kitten", "sitting", 3),
        ("flaw", "lawn", 2),
        ("", "abc", 3),
        ("abc", "", 3),
        ("", "", 0),
        ("公文识别", "公文识别", 0),
        ("渝北卫健函〔2024〕117号", "渝北卫健函【2024】117号", 2),
        ("实施方案", "实施方\n案", 1),
        ("intention", "execution", 5),
    ],
)
def test_edit_distance_known_values(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


def test_edit_distance_long_documents_exact_and_fast() -> None:
    rng = random.Random(7)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 800)]
    ref = "".join(rng.choice(alphabet) for _ in range(5000))
    positions = rng.sample(range(5000), 120)
    hyp = list(ref)
    for k, pos in enumerate(positions):  # substitutes from outside the alphabet: each costs exactly one edit
        hyp[pos] = chr(0xAC00 + k)
    start = time.perf_counter()
    assert edit_distance("".join(hyp), ref) == 120
    assert edit_distance(ref[:2500] + ref[2600:], ref) == 100  # one 100-character hole
    assert time.perf_counter() - start < 1.0  # does not hang: ~10 ms measured; a quadratic Python loop takes seconds


# ------------------------------------------------------------------------------------------------ CER


def test_cer_counts_newline_as_character() -> None:
    ref = "一二\n三四"  # 5 characters with the newline
    assert cer("一二三四", ref) == pytest.approx(1 / 5)  # missing break: one edit
    assert cer("一\n二三四", ref) == pytest.approx(2 / 5)  # break in the wrong place: two edits
    assert char_cer("一二三四", ref) == 0.0
    assert char_cer("一\n二三四", ref) == 0.0


def test_cer_normalises_both_sides() -> None:
    assert cer("  一二 \n\n三四：\n", "一 二\n三四:") == 0.0
    assert char_cer("一二三X", "一二\n三四") == pytest.approx(1 / 4)


def test_cer_of_empty_truth() -> None:
    assert cer("", "") == 0.0
    assert cer("有字", "") == 1.0
    assert cer("", "一二三") == 1.0


# ---------------------------------------------------------------------------------------- boundary F1

REF3 = "甲乙丙丁\n戊己庚辛\n壬癸子丑\n寅卯辰巳"  # three boundaries, at 4, 8 and 12


def test_boundary_identical() -> None:
    assert boundary_f1(REF3, REF3) == 1.0


def test_boundary_shifted_by_one_counts() -> None:
    assert boundary_f1("甲乙丙\n丁戊己庚辛\n壬癸子丑丑\n寅卯辰巳", REF3) == pytest.approx(1.0)
    assert boundary_f1("甲乙丙丁戊\n己庚辛", "甲乙丙丁\n戊己庚辛") == 1.0


def test_boundary_shifted_by_two_does_not_count() -> None:
    score = boundary_scores("甲乙\n丙丁戊己庚辛", "甲乙丙丁\n戊己庚辛")
    assert (score.precision, score.recall, score.f1) == (0.0, 0.0, 0.0)


def test_boundary_missing_one() -> None:
    score = boundary_scores("甲乙丙丁\n戊己庚辛壬癸子丑\n寅卯辰巳", REF3)
    assert score.precision == 1.0
    assert score.recall == pytest.approx(2 / 3)
    assert score.f1 == pytest.approx(0.8)


def test_boundary_extra_one() -> None:
    score = boundary_scores("甲乙丙丁\n戊己\n庚辛\n壬癸子丑\n寅卯辰巳", REF3)
    assert score.precision == pytest.approx(3 / 4)
    assert score.recall == 1.0
    assert score.f1 == pytest.approx(6 / 7)


def test_boundary_matching_is_one_to_one() -> None:
    # two hyp breaks next to one truth break: only one of them is right
    score = boundary_scores("甲乙丙\n丁\n戊己庚辛", "甲乙丙丁\n戊己庚辛")
    assert score.matched == 1
    assert score.f1 == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    "hyp",
    [
        "甲乙丙X\n戊己庚辛\n壬癸子丑\n寅卯辰巳",  # substitution just before a boundary
        "甲乙丙丁\nX己庚辛\n壬癸子丑\n寅卯辰巳",  # substitution just after
        "甲乙丙\n戊己庚辛\n壬癸子丑\n寅卯辰巳",  # the character before the boundary lost
        "甲乙丙丁\n己庚辛\n壬癸子丑\n寅卯辰巳",  # the character after it lost
        "甲乙丙丁\n—2—戊己庚辛\n壬癸子丑\n寅卯辰巳",  # junk inserted at the boundary
        "甲乙丙丁\n戊己庚辛\n壬癸子丑\n寅卯辰巳XYZ",  # junk at the end
        "XYZ甲乙丙丁\n戊己庚辛\n壬癸子丑\n寅卯辰巳",  # junk at the start
    ],
)
def test_boundary_survives_edits_near_it(hyp: str) -> None:
    assert boundary_f1(hyp, REF3) == pytest.approx(1.0)


def test_boundary_next_to_a_lost_line() -> None:
    # the hyp lost the whole second line: its one break stands for truth positions 4..8 and matches one
    score = boundary_scores("甲乙丙丁\n壬癸子丑\n寅卯辰巳", REF3)
    assert (score.matched, score.precision, score.recall) == (2, 1.0, pytest.approx(2 / 3))


@pytest.mark.parametrize(
    ("hyp", "ref", "f1"),
    [
        ("一二三", "一二三", 1.0),  # no boundaries on either side
        ("", "", 1.0),
        ("一二三四五六", "一二三\n四五六", 0.0),  # hyp has none
        ("一二三\n四五六", "一二三四五六", 0.0),  # truth has none
        ("", "一二三\n四五六", 0.0),
    ],
)
def test_boundary_degenerate_cases(hyp: str, ref: str, f1: float) -> None:
    assert boundary_f1(hyp, ref) == f1


def test_boundary_ignores_whitespace_and_empty_lines() -> None:
    assert boundary_f1("甲乙丙丁\n\n  戊己庚辛 \n\n", "甲乙丙丁\n戊己庚辛") == 1.0


# ------------------------------------------------------------------------------------ page-break joins

TRUTH = "通知标题\n　　第一段落的文字一直写到这里然后翻页继续写完。\n第二段短。\n落款单位"
SPLIT = Split(1, 2 + 13)  # raw offset counts the two ideographic indent spaces: the page ends after 这里


def test_join_whole() -> None:
    hyp = "通知标题\n第一段落的文字一直写到这里然后翻页继续写完。\n第二段短。\n落款单位"
    assert page_break_joins(hyp, TRUTH, [SPLIT]) == (1, 1)


def test_join_left_broken_at_the_page_break() -> None:
    hyp = "通知标题\n第一段落的文字一直写到这里\n然后翻页继续写完。\n第二段短。\n落款单位"
    assert page_break_joins(hyp, TRUTH, [SPLIT]) == (0, 1)
    # also when the break is off by one character
    hyp = "通知标题\n第一段落的文字一直写到这\n里然后翻页继续写完。\n第二段短。\n落款单位"
    assert page_break_joins(hyp, TRUTH, [SPLIT]) == (0, 1)


def test_join_with_page_number_left_inside() -> None:
    hyp = "通知标题\n第一段落的文字一直写到这里—2—然后翻页继续写完。\n第二段短。\n落款单位"
    assert page_break_joins(hyp, TRUTH, [SPLIT]) == (0, 1)


def test_join_broken_elsewhere_is_not_whole() -> None:
    hyp = "通知标题\n第一段落的文字一直写到这里然后翻页\n继续写完。\n第二段短。\n落款单位"
    assert page_break_joins(hyp, TRUTH, [SPLIT]) == (0, 1)


def test_join_survives_ocr_slips_and_shifted_paragraph_ends() -> None:
    # a misread character at the break, one stray character, the next paragraph's first char pulled up
    hyp = "通知标题\n第一段落的文宇一直写到这里,然后翻页继续写完。第\n二段短。\n落款单位"
    assert page_break_joins(hyp, TRUTH, [SPLIT]) == (1, 1)


def test_join_needs_both_sides_of_the_break() -> None:
    hyp = "通知标题\n第一段落的文字一直写到这里\n第二段短。\n落款单位"  # page 2's part lost
    assert page_break_joins(hyp, TRUTH, [SPLIT]) == (0, 1)


def test_join_counts_several_splits_and_skips_non_splits() -> None:
    truth = "甲乙丙丁戊己\n子丑寅卯辰巳\n午未申酉"
    hyp = "甲乙丙丁戊己\n子丑寅\n卯辰巳\n午未申酉"
    splits = [(0, 3), (1, 3), (2, 0), (2, 4)]  # the last two are at a line's start/end: no split
    assert page_break_joins(hyp, truth, splits) == (1, 2)
    assert page_break_joins(hyp, truth, []) == (0, 0)


def test_join_rejects_a_line_outside_the_truth() -> None:
    with pytest.raises(ValueError):
        page_break_joins("一", "一", [Split(3, 1)])


# --------------------------------------------------------------------------------------------- fields

TRUTH_FIELDS = {
    "doc_number": "渝北卫健函〔2024〕117号",
    "title": "关于某事的复函",
    "signer": None,
    "cc": ["区人大代工委", "洛碛镇人大主席团"],
    "markers": [],
    "date": "2024-05-15",
}


def test_fields_exact_after_normalisation() -> None:
    hyp = dict(TRUTH_FIELDS, title="关于某事的 复函", doc_number="渝北卫健函〔２０２４〕117号", extra="x")
    hyp["cc"] = ("区人大代工委", " 洛碛镇人大主席团")
    matches = field_matches(hyp, TRUTH_FIELDS)
    assert matches == {k: True for k in TRUTH_FIELDS}  # "extra" is not in the truth: not scored
    assert field_accuracy(matches) == 1.0


def test_fields_mismatches() -> None:
    hyp = {
        "doc_number": "渝北卫健函【2024】117号",  # brackets not normalised
        "title": "关于某事的复函",
        "signer": "签发人：张三",  # the truth has no signer
        "cc": ["洛碛镇人大主席团", "区人大代工委"],  # order matters
        "markers": None,  # absent on both sides
        "date": "2024-5-15",  # not ISO
    }
    matches = field_matches(hyp, TRUTH_FIELDS)
    assert matches == {
        "doc_number": False,
        "title": True,
        "signer": False,
        "cc": False,
        "markers": True,
        "date": False,
    }
    assert field_accuracy(matches) == pytest.approx(2 / 6)


def test_fields_missing_from_hyp_are_absent() -> None:
    matches = field_matches({}, TRUTH_FIELDS)
    assert matches == {
        "doc_number": False,
        "title": False,
        "signer": True,
        "cc": False,
        "markers": True,
        "date": False,
    }
    assert field_accuracy({}) == 1.0
