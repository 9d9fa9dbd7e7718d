"""Lines of the header and the 版记 whose thin strokes a 1-bit scan broke: the 印发 date, the doc number."""

from __future__ import annotations

import pytest

from layout import patterns
from layout.tail import closed_cc


@pytest.mark.parametrize(
    ("text", "by", "iso"),
    [("重庆市渝北区卫生健康委员会办公室 2024年5月7日印发", "重庆市渝北区卫生健康委员会办公室", "2024-05-07"),
     ("重庆市渝北区卫生健康委员会办公室 2024年5月7日1印发", "重庆市渝北区卫生健康委员会办公室", "2024-05-07"),
     ("成都市人民政府办公厅 2024年8月271印发", "成都市人民政府办公厅", "2024-08-27"),  # no day 271: 27日
     ("湖北省教育厅办公室2024年1月2：日1印发", "湖北省教育厅办公室", None),  # a digit broken to its two ends
     ("成都市人民政府办公厅 2024年8月2.7日印发", "成都市人民政府办公厅", "2024-08-27"),  # a speck
     ("芜湖市水利局办公室 2024年3月121印发", "芜湖市水利局办公室", "2024-03-12"),
     ("芜湖市水利局办公室 2024年3月11日印发", "芜湖市水利局办公室", "2024-03-11"),
     ("洛阳市人民政府办公室 20234年0月28日印发", "洛阳市人民政府办公室", None),  # a digit too many
     ("中共临海市委办公室 2021年3月2印发", "中共临海市委办公室", "2021-03-02"),  # 日 lost whole
     ("中共临海市委办公室 2021年3月12印发", "中共临海市委办公室", "2021-03-12"),
     ("浙江省教育厅办公室 二〇二四年三月十九日l印发", "浙江省教育厅办公室", "2024-03-19"),
     ("成都市人民政府办公厅　2024年 8月 27日 印发", "成都市人民政府办公厅", "2024-08-27"),
     ("江西省水利厅办公室 2025年5月30日印安", "江西省水利厅办公室", "2025-05-30"),  # 发 misread
     ("江西省水利厅办公室 2025年5月30日印", "江西省水利厅办公室", "2025-05-30")],  # 发 lost
)
def test_printed_lines(text: str, by: str, iso: str | None) -> None:
    assert patterns.split_printed(text) == (by, iso)


@pytest.mark.parametrize("text", ["现将2024年工作要点印发", "经市政府同意，于2024年5月印发", "2024年5月7日印发",
                                  "各单位要在2024年5月7日前印发通知",
                                  "市政府于2024年3月1日印"])  # a sentence wrapped before 发《方案》
def test_not_printed_lines(text: str) -> None:
    assert not patterns.is_printed(text)


@pytest.mark.parametrize(("text", "number"), [("曲政办函202145号", "曲政办函〔2021〕45号"),
                                              ("渝北卫健发 2024 7号", "渝北卫健发〔2024〕7号"),
                                              ("国办发20181号", "国办发〔2018〕1号"),
                                              ("鲁人社发|202321号", "鲁人社发〔2023〕21号"),
                                              ("郑市监12024 88号", "郑市监〔2024〕88号")])
def test_a_doc_number_that_lost_both_brackets_is_a_line_of_its_own(text: str, number: str) -> None:
    assert patterns.find_doc_number(text) == number


@pytest.mark.parametrize(("text", "number"), [("洛政办文〔2023〕8u号", "洛政办文〔2023〕8u号"),
                                             ("国办发〔2005〕3l号", "国办发〔2005〕3l号"),
                                             ("甬税发〔2022〕i02号", "甬税发〔2022〕i02号"),
                                             ("鄂教师〔2024〕↓号", "鄂教师〔2024〕↓号")])
def test_a_doc_number_with_a_digit_read_as_a_letter_is_still_a_doc_number(text: str, number: str) -> None:
    assert patterns.find_doc_number(text) == number


@pytest.mark.parametrize("text", ["到2023年8u号楼", "〔2023〕号", "洛政办文〔2023〕uu号", "共建12024号楼",
                                  "第1202488号"])
def test_a_letter_alone_or_two_are_no_doc_numbers_number(text: str) -> None:
    assert patterns.find_doc_number(text) is None


@pytest.mark.parametrize("text", ["请于202145号文件下发后执行", "渝北卫健函2024年53号", "到2024年底完成53号", "曲政办函202145",
                                  "曲政办函20210号"])
def test_bare_numbers_inside_other_text_are_no_doc_number(text: str) -> None:
    assert patterns.find_doc_number(text) is None


@pytest.mark.parametrize(("read", "fixed"), [("根据客流监测数据·北部片区", "根据客流监测数据，北部片区"),
                                             ("江西省防汛抗旱总指挥部办公室・市委办公室", "江西省防汛抗旱总指挥部办公室，市委办公室"),
                                             ("洛龙科技园区有关部门.市直有关单位", "洛龙科技园区有关部门，市直有关单位"),
                                             ("消费投诉按期办结率达到97%以上.", "消费投诉按期办结率达到97%以上，"),
                                             ("第1·2条", "第1·2条"), ("A·B", "A·B"), ("占比3.5%", "占比3.5%"),
                                             ("（鲁.人社字〔2020〕58号）", "（鲁.人社字〔2020〕58号）"),
                                             ("渝北.卫健函【202.1〕53号", "渝北.卫健函【202.1〕53号"),  # a speck in the year too
                                             ("的通知》（鲁.", "的通知》（鲁."),
                                             ("（二）推进检查检验结果互认.", "（二）推进检查检验结果互认."),  # a heading's end
                                             ("（二）推进检查.检验", "（二）推进检查，检验"), ("3.", "3."),
                                             ("1.落实制度", "1.落实制度")])
def test_a_dot_a_threshold_left_of_a_comma_between_characters_is_a_comma(read: str, fixed: str) -> None:
    assert patterns.restore_eroded_commas(read) == fixed


@pytest.mark.parametrize(("read", "fixed"), [("各区县人民政府，市政府各部]，有关单位", "各区县人民政府，市政府各部门，有关单位"),
                                             ("洛龙科技园区有关部门]，市直有关单位", "洛龙科技园区有关部门，市直有关单位"),
                                             ("见附表[一]", "见附表[一]"), ("〔2024]77号", "〔2024]77号")])
def test_a_bracket_a_threshold_left_of_a_gate_after_a_character_is_the_gate(read: str, fixed: str) -> None:
    assert patterns.restore_eroded_gates(read) == fixed


@pytest.mark.parametrize(("read", "fixed"), [("（云府函〔2024]77号）收悉", "（云府函〔2024〕77号）收悉"),
                                             ("云府函[2024〕77号", "云府函〔2024〕77号"),
                                             ("云府函【2024〕77号", "云府函〔2024〕77号"),
                                             ("见附表[2024]", "见附表[2024]"), ("（2024）", "（2024）")])
def test_a_year_between_mixed_brackets_is_in_the_doc_numbers_brackets(read: str, fixed: str) -> None:
    assert patterns.restore_year_brackets(read) == fixed


@pytest.mark.parametrize(("read", "fixed"), [("二〇○五年七月十四日", "二〇〇五年七月十四日"),
                                             ("二○二四年八月二十六日", "二〇二四年八月二十六日"),
                                             ("二OO五年", "二〇〇五年"), ("○○市人民政府", "○○市人民政府")])
def test_a_chinese_numeral_years_zero_read_as_a_circle_is_a_zero(read: str, fixed: str) -> None:
    assert patterns.restore_numeral_zero(read) == fixed


@pytest.mark.parametrize(("text", "number"), [("国办发【〔2005〕31号", "国办发〔2005〕31号"),
                                              ("浙交〔2018〕〕101号", "浙交〔2018〕101号"),
                                              ("鲁人社发[:2023〕21号", "鲁人社发〔2023〕21号")])
def test_a_doc_number_whose_bracket_was_read_twice(text: str, number: str) -> None:
    assert patterns.find_doc_number(text) == number


@pytest.mark.parametrize(("read", "fixed"), [("此件公开发布", "（此件公开发布）"), ("本文有删减：", "（本文有删减）"),
                                             ("（此件主动公开", "（此件主动公开）"), ("（此件公开发布）", "（此件公开发布）"),
                                             ("（此件公开发布）015", "（此件公开发布）"),
                                             ("(此件公开发布 441", "（此件公开发布）"),  # the code inside
                                             ("（此件公开发布441）", "（此件公开发布）"),
                                             ("（此件2024年起公开）", "（此件2024年起公开）"),  # digits of its own
                                             ("此件已按规定程序报批，现予公开。", "此件已按规定程序报批，现予公开。")])
def test_a_note_that_lost_its_brackets(read: str, fixed: str) -> None:
    assert patterns.restore_note_brackets(read) == fixed


@pytest.mark.parametrize(("read", "fixed"), [("（联系人：李文斌，联系电话：0931-8763215)", "（联系人：李文斌，联系电话：0931-8763215）"),
                                             ("（一）加强领导(试行)", "（一）加强领导(试行)"), ("电话(0931)", "电话(0931)")])
def test_a_full_width_bracket_closed_half_width_is_closed_full_width(read: str, fixed: str) -> None:
    assert patterns.restore_closing_bracket(read) == fixed


@pytest.mark.parametrize(("read", "fixed"), [("关于实施2024-2026年全省", "关于实施2024—2026年全省"),
                                             ("2024－2026年", "2024—2026年"), ("0371-2026年", "0371-2026年"),
                                             ("电话：0371-67186523", "电话：0371-67186523"), ("2024-2026", "2024-2026")])
def test_a_range_of_years_has_its_dash(read: str, fixed: str) -> None:
    assert patterns.restore_year_ranges(read) == fixed


@pytest.mark.parametrize(("read", "fixed"), [
    ("各县（市、区：防汛抗旱指挥部，市防汛抗旱指挥部各成员单位：", "各县（市、区）防汛抗旱指挥部，市防汛抗旱指挥部各成员单位："),
    ("各区（市：县人民政府：", "各区（市）县人民政府："),
    ("各县（市、区）教育局：", "各县（市、区）教育局："),  # closed: as read
    ("各设区市教育局（教委）：", "各设区市教育局（教委）："),
])
def test_a_colon_inside_an_addressee_after_a_bracket_it_left_open_is_the_bracket(read: str, fixed: str) -> None:
    assert patterns.restore_addressee_brackets(read) == fixed


@pytest.mark.parametrize(("read", "closed"), [("抄送：市委各部门，市法院，市检察院：", "抄送：市委各部门，市法院，市检察院。"),
                                              ("抄送：市财政局，湾沚区水利局", "抄送：市财政局，湾沚区水利局。"),
                                              ("抄送：市财政局，湾沚区水利局.", "抄送：市财政局，湾沚区水利局。"),
                                              ("抄送：市财政局。", "抄送：市财政局。")])
def test_a_cc_line_ends_in_its_full_stop_lost_or_broken_into_another_mark(read: str, closed: str) -> None:
    assert closed_cc(read) == closed
