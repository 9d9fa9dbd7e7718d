"""Text repair (`layout.repair.repair_text`): the five seeds, generated broken variants, and the rules.

Seeds: each `fixtures/dumps/seed_00N.txt` (copies of `shared/seeds/*.txt`) against its hand-made clean
version `fixtures/texts/seed_00N.gw`.
Variants: every `fixtures/texts/*.gw` broken the ways converters break documents (`repair_dumps`),
then repaired. Metric: `bench.metrics.boundary_scores` (SPEC paragraph-boundary F1).
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from repair_dumps import indented_dump, markdown_dump, wrapped_dump

from bench.metrics import boundary_f1, boundary_scores, field_matches
from fixtures.gw import GwDocument, load_gw
from layout import document_to_dict, render_text
from layout.model import BlockType, Document
from layout.patterns import restore_digit_dashes
from layout.repair import repair_text
from layout.repair.source import is_page_number_line
from layout.script import to_simplified

ROOT = Path(__file__).resolve().parents[2]
TEXTS = ROOT / "fixtures" / "texts"
SEED_FILES = sorted((ROOT / "fixtures" / "dumps").glob("seed_*.txt"))
GW_FILES = sorted(TEXTS.glob("*.gw"))
VARIANT_SEEDS = range(4)

_RULE_LINE_RE = re.compile(r"^\s*(?:[-*_=]\s*){3,}$")


def _chars(text: str) -> str:
    """The character stream the metrics compare: NFKC, no whitespace; and the product's documented
    character repairs applied to both sides (a dash read as 一 between digits, stray traditional forms)."""
    canonical = to_simplified(restore_digit_dashes(unicodedata.normalize("NFKC", text)))
    return "".join(ch for ch in canonical if not ch.isspace())


def _dump_chars(dump: str) -> str:
    """A Markdown dump's characters without its markup: rule lines, `#`, `*` (the seeds have no page numbers)."""
    kept = [line for line in dump.splitlines() if not _RULE_LINE_RE.match(line)]
    return "".join(ch for ch in _chars("\n".join(kept)) if ch not in "#*")


def _text(doc: Document) -> str:
    return render_text(doc)


def _types(doc: Document) -> list[tuple[str, str]]:
    return [(block.type.value, block.text) for block in doc.blocks]


# ------------------------------------------------------------------------------------------- seeds
def test_the_five_seeds_are_here() -> None:
    assert [path.stem for path in SEED_FILES] == [f"seed_00{i}" for i in range(5)]


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.stem)
def test_seed_repairs_to_its_clean_version(seed: Path) -> None:
    truth = load_gw(TEXTS / f"{seed.stem}.gw")
    dump = seed.read_text(encoding="utf-8")
    doc = repair_text(dump)
    score = boundary_scores(_text(doc), truth.truth_text)
    assert score.f1 >= 0.98, score
    assert _chars(_text(doc)) == _dump_chars(dump)  # nothing lost, nothing added, in order
    matches = field_matches(document_to_dict(doc)["fields"], truth.fields)
    assert all(matches.values()), {name: ok for name, ok in matches.items() if not ok}


# ------------------------------------------------------------------------------ generated variants
def _roles(doc: GwDocument) -> list[tuple[str, str]]:
    return [(line.role, line.text) for line in doc.lines]


@pytest.mark.parametrize("breaker", [wrapped_dump, markdown_dump, indented_dump],
                         ids=["wrapped", "markdown", "indented"])
def test_generated_variants_come_back(breaker: object) -> None:
    assert len(GW_FILES) >= 5
    matched = hyp = ref = 0
    worst = 1.0
    for path in GW_FILES:
        truth = load_gw(path)
        for seed in VARIANT_SEEDS:
            dump = breaker(_roles(truth), seed)  # type: ignore[operator]
            doc = repair_text(dump)
            out = _text(doc)
            assert _chars(out) == _chars(truth.truth_text), (path.name, seed)
            fields = field_matches(document_to_dict(doc)["fields"], truth.fields)
            assert all(fields.values()), (path.name, seed, [name for name, ok in fields.items() if not ok])
            score = boundary_scores(out, truth.truth_text)
            matched, hyp, ref = matched + score.matched, hyp + score.hyp_boundaries, ref + score.ref_boundaries
            worst = min(worst, score.f1)
    precision, recall = matched / hyp, matched / ref
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.97, (f1, precision, recall)
    assert worst >= 0.9, worst


def test_wrapped_variant_is_actually_broken() -> None:
    """Guard for the test above: the generator really hard-wraps, blanks and paginates."""
    truth = load_gw(TEXTS / "seed_000.gw")
    dump = wrapped_dump(_roles(truth), 0)
    assert "\n\n" in dump and re.search(r"^(?:— \d+ —|-\d+-|\d+)$", dump, re.MULTILINE)
    assert boundary_f1(dump, truth.truth_text) < 0.5


# --------------------------------------------------------------------------------------- the rules
def test_page_break_mid_sentence_joins() -> None:
    dump = "坚持基药主导。印发《渝北区基层医疗机构实施基本药物制度补助实施方\n\n案》等，强化基本药物优先配备使用。\n"
    assert _text(repair_text(dump)) == "坚持基药主导。印发《渝北区基层医疗机构实施基本药物制度补助实施方案》等，强化基本药物优先配备使用。\n"


@pytest.mark.parametrize("number", ["— 2 —", "-2-", "2", "第2页", "－ 2 －", "\f", "  — 2 —  "])
def test_page_number_line_is_removed_and_the_sentence_joined(number: str) -> None:
    dump = f"2021年以前，我区医共体建设主要形式为分别组建以区人\n\n{number}\n\n民医院、区中医院为牵头医院的2个区域医共体。\n"
    assert _text(repair_text(dump)) == "2021年以前，我区医共体建设主要形式为分别组建以区人民医院、区中医院为牵头医院的2个区域医共体。\n"


def test_markdown_debris_is_dropped_and_headings_typed() -> None:
    dump = "## **二、关于基层医疗机构设施设备落后**\n\n我委高度重视基础设施建设。\n\n---\n\n> 再次感谢您的支持。\n"
    doc = repair_text(dump)
    assert _types(doc) == [("heading", "二、关于基层医疗机构设施设备落后"), ("paragraph", "我委高度重视基础设施建设。"),
                           ("paragraph", "再次感谢您的支持。")]
    assert doc.blocks[0].level == 1


WRAPPED_HEAD = (  # a hard-wrapped paragraph: an indented first line (26), full lines (28), the last
    # one ending a sentence exactly at the margin
    "为进一步做好全市基层医疗卫生服务体系建设工作，现将有\n\n"
    "关事项通知如下：各区县要高度重视，切实加强组织领导，认真\n\n"
    "研究制定具体实施方案，明确工作目标、主要任务和完成时限，\n\n"
    "层层压实工作责任，加强督导考核，确保各项措施都落到实处。\n\n"
)
HEAD_TEXT = "".join(WRAPPED_HEAD.split())


def test_full_line_ending_a_sentence_continues_into_a_full_line() -> None:
    dump = WRAPPED_HEAD + "各级卫生健康行政部门要加强统筹协调，及时研究解决工作推进\n\n中遇到的困难和问题。\n"
    assert _text(repair_text(dump)).count("\n") == 1


def test_full_line_ending_a_sentence_then_an_indented_line_is_a_new_paragraph() -> None:
    dump = WRAPPED_HEAD + "各级卫生健康行政部门要切实加强统筹协调，及时研究解决\n\n工作推进中遇到的困难和问题。\n"
    assert _text(repair_text(dump)).splitlines() == [HEAD_TEXT, "各级卫生健康行政部门要切实加强统筹协调，及时研究解决工作推进中遇到的困难和问题。"]


def test_short_line_ending_a_sentence_ends_the_paragraph() -> None:
    dump = WRAPPED_HEAD.replace("加强督导考核，确保各项措施都落到实处。", "确保落实。") + "各级卫生健康行政部门要加强统筹协调。\n"
    assert len(_text(repair_text(dump)).splitlines()) == 2


def test_set_phrase_after_a_full_line_stands_alone() -> None:
    dump = WRAPPED_HEAD + "此复。\n"
    assert _text(repair_text(dump)).splitlines()[-1] == "此复。"


def test_heading_marker_after_a_line_cut_mid_sentence_is_text() -> None:
    dump = WRAPPED_HEAD + ("各区县要按统一部署，加快推进基层医疗机构建设，做到统\n\n"  # 26: a first line, cut mid-word
                           "一，规范管理，确保服务质量。\n\n二、加强人才队伍建设\n")
    doc = repair_text(dump)
    assert _types(doc)[1:] == [("paragraph", "各区县要按统一部署，加快推进基层医疗机构建设，做到统一，规范管理，确保服务质量。"),
                               ("heading", "二、加强人才队伍建设")]


def test_header_title_split_over_lines_and_addressee() -> None:
    dump = "重庆市渝北区卫生健康委员会文件\n\n渝北卫健函〔2024〕53 号\n\n重庆市渝北区卫生健康委员会\n关于区政协十六届三次会议第 333 号提案\n\n的复函\n\n民建：\n\n贵单位提出的建议收悉。\n"
    doc = repair_text(dump)
    assert _types(doc)[:4] == [("issuer_mark", "重庆市渝北区卫生健康委员会文件"), ("doc_number", "渝北卫健函〔2024〕53号"),
                               ("title", "重庆市渝北区卫生健康委员会关于区政协十六届三次会议第333号提案的复函"),
                               ("addressee", "民建：")]
    assert doc.fields.addressee == "民建" and doc.fields.doc_number == "渝北卫健函〔2024〕53号"


def test_addressee_after_a_title_line_in_a_paragraph_per_line_file() -> None:
    dump = ("XX市卫生健康委员会文件\n\nXX卫发〔2024〕3号\n\nXX市卫生健康委员会关于2024年度全市卫生健康工作要点\n\n"
            "各区县卫生健康委，委机关各处室：\n\n现将2024年度全市卫生健康工作要点印发给你们，请结合实际认真贯彻落实。\n")
    doc = repair_text(dump)
    assert (doc.fields.title, doc.fields.addressee) == ("XX市卫生健康委员会关于2024年度全市卫生健康工作要点",
                                                        "各区县卫生健康委，委机关各处室")


def test_title_glued_to_the_addressee_is_split() -> None:
    doc = repair_text("曲靖市人民政府关于市政协五届二次会议第152号提案办理意见的函民进曲靖市委：\n\n你们提出的提案收悉。\n")
    assert doc.fields.title == "曲靖市人民政府关于市政协五届二次会议第152号提案办理意见的函"
    assert doc.fields.addressee == "民进曲靖市委"


def test_tail_signature_date_note_cc_and_split_printed_line() -> None:
    dump = ("此复函已经领导审签。\n\n联系人：雷涵，联系电话：67825733。\n\n重庆市渝北区卫生健康委员会\n\n重庆市渝北区财政局\n\n"
            "2024年5月15日\n\n（此件公开发布）\n\n---\n\n抄送：区人大代工委，洛碛镇人大主席团。\n\n---\n\n"
            "重庆市渝北区卫生健康委员会办公室\n\n2024年5月15日印发\n")
    doc = repair_text(dump)
    assert [block.type for block in doc.blocks] == [
        BlockType.PARAGRAPH, BlockType.CONTACT, BlockType.SIGNATURE, BlockType.SIGNATURE, BlockType.DATE,
        BlockType.NOTE, BlockType.CC, BlockType.PRINTED]
    fields = doc.fields
    assert fields.signature == ("重庆市渝北区卫生健康委员会", "重庆市渝北区财政局")
    assert (fields.date, fields.note) == ("2024-05-15", "（此件公开发布）")
    assert fields.cc == ("区人大代工委", "洛碛镇人大主席团")
    assert (fields.printed_by, fields.printed_date) == ("重庆市渝北区卫生健康委员会办公室", "2024-05-15")


def test_blank_lines_between_paragraphs_only_are_trusted() -> None:
    # A file that leaves blank lines only between paragraphs: there, a full line ending a sentence
    # followed by an unbroken short line continues, and one followed by a blank line ends.
    dump = ("全市基层医疗卫生机构要按照统一部署完成标准化建设任务，确保\n"
            "服务能力明显提升，群众满意度稳步提高，工作成效切实可见。\n"
            "各区县要加强督导检查。\n\n"
            "各区县卫生健康行政部门要切实加强组织领导，明确责任分工，\n"
            "细化工作措施，确保各项任务按期完成，取得实实在在的成效。\n\n"
            "请各单位认真抓好落实。\n")
    assert _text(repair_text(dump)).splitlines() == [
        ("全市基层医疗卫生机构要按照统一部署完成标准化建设任务，确保服务能力明显提升，群众满意度稳步提高，"
         "工作成效切实可见。各区县要加强督导检查。"),
        "各区县卫生健康行政部门要切实加强组织领导，明确责任分工，细化工作措施，确保各项任务按期完成，取得实实在在的成效。",
        "请各单位认真抓好落实。",
    ]


def test_kept_indentation_decides_after_a_sentence_end() -> None:
    lines = [line for line in WRAPPED_HEAD.split("\n") if line]
    dump = "\n".join(["\u3000\u3000" + lines[0], *lines[1:], "再次感谢您对卫生健康工作的支持。",
                      "\u3000\u3000" + lines[0], *lines[1:], "\u3000\u3000此复函已经领导审签。"]) + "\n"
    assert _text(repair_text(dump)).splitlines() == [HEAD_TEXT + "再次感谢您对卫生健康工作的支持。", HEAD_TEXT,
                                                     "此复函已经领导审签。"]


def test_sentence_tail_left_alone_on_a_line_is_text() -> None:
    dump = "全市亿元GDP生产安全事故死亡率为0.037，较去年同期下降0.01\n\n1。\n\n二、主要工作措施\n"
    assert _text(repair_text(dump)).splitlines() == ["全市亿元GDP生产安全事故死亡率为0.037，较去年同期下降0.01 1。",
                                                     "二、主要工作措施"]


def test_empty_input_gives_an_empty_document() -> None:
    assert repair_text("") == Document()
    assert repair_text("\n\n  \n— 1 —\n") == Document()


def test_repair_imports_only_the_standard_library() -> None:
    code = ("import sys, layout.repair; heavy = {'cv2', 'numpy', 'paddle', 'paddleocr', 'fastapi', 'redis', 'rq'}; "
            "print(sorted(heavy & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------------------------------- property
_ALPHABET = "关于印发通知的复函一二三四五六七八九十年月日局委员会市区人民政府联系人电话抄送印发附件，。、；：（）《》“”0123456789AB -—#*\n"


def _is_subsequence(small: str, big: str) -> bool:
    letters = iter(big)
    return all(ch in letters for ch in small)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=400))
def test_any_text_repairs_without_inventing_or_reordering(text: str) -> None:
    out = _text(repair_text(text))
    assert _is_subsequence(_chars(out), _chars(text))
    if not re.search(r"[#*\-—]", text):  # no markup or rules: only page-number lines may go
        kept = "\n".join(line for line in text.splitlines() if not is_page_number_line(line))
        assert _chars(out) == _chars(kept)
