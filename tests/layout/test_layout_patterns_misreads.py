"""Misreadings the recogniser makes that the text itself corrects: 人 read as 入 in an institution's name,
a 1-bit comma read as `．`, and specks read as dots inside a doc number."""

from __future__ import annotations

import pytest

from layout import patterns
from layout.lines import clean_text
from layout.patterns import find_doc_number, restore_commas, restore_people


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("温州市入民政府", "温州市人民政府"),
        ("抄送：省人大常委会，温州市入民政府。", "抄送：省人大常委会，温州市人民政府。"),
        ("渝北区入民法院、区入民检察院", "渝北区人民法院、区人民检察院"),
        ("县入民代表大会常务委员会", "县人民代表大会常务委员会"),
        ("纳入民生实事项目", "纳入民生实事项目"),  # 纳入 + 民生: no place before, no institution after
        ("列入民政救助范围", "列入民政救助范围"),
        ("市入民心工程", "市入民心工程"),  # not an institution's name
    ],
)
def test_restore_people(text: str, expected: str) -> None:
    assert restore_people(text) == expected
    assert clean_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("财政局、人力资源和社会保障局．各县（市、区）教育局", "财政局、人力资源和社会保障局，各县（市、区）教育局"),
        ("抄送：省委教育工委．省委机构编制委员会办公室。", "抄送：省委教育工委，省委机构编制委员会办公室。"),
        ("1．总体要求", "1．总体要求"),  # after a list number it is the number's stop
        ("（2）．加强", "（2）．加强"),
        ("占比3．5%", "占比3．5%"),
    ],
)
def test_a_full_stop_between_two_characters_is_a_comma(text: str, expected: str) -> None:
    assert restore_commas(text) == expected
    assert clean_text(text) == expected


@pytest.mark.parametrize(
    ("read", "number"),
    [
        ("浙交·建〔2018〕101号", "浙交建〔2018〕101号"),
        ("曲政办函〔2021].45号", "曲政办函〔2021〕45号"),
        ("曲政办函〔2021”]45号", "曲政办函〔2021〕45号"),  # a speck read as a closing quote
        ("浙交建 〔2018〕。101号", "浙交建〔2018〕101号"),
        ("渝北卫健函〔2024〕53号", "渝北卫健函〔2024〕53号"),
    ],
)
def test_a_speck_read_as_a_dot_inside_a_doc_number_is_dropped(read: str, number: str) -> None:
    assert find_doc_number(read) == number


def test_a_dotted_number_in_the_body_is_still_no_doc_number() -> None:
    assert find_doc_number("按第1.5号标准执行") is None


@pytest.mark.parametrize(("text", "bodies"), [
    ("抄送：市人民政府办公室，市财政局：湾沚区水利局。", ["市人民政府办公室", "市财政局", "湾沚区水利局"]),
    ("抄送：教育部教师工作司”省委教育工委，省编办。", ["教育部教师工作司", "省委教育工委", "省编办"]),
    ("抄送：市委各部门.·市人大常委会办公室，市政协办公室。", ["市委各部门", "市人大常委会办公室", "市政协办公室"]),
    ("抄送：“十四五”规划编制组，市财政局。", ["“十四五”规划编制组", "市财政局"]),  # a quote opened before
    ("抄送：财政部，审计署。", ["财政部", "审计署"]),
    ("抄运：财政部，审计署。", ["财政部", "审计署"]),  # real OCR, 1-bit: 送 read 运
    ("按送：财政部，审计署。", ["财政部", "审计署"]),
])
def test_a_cc_comma_misread_as_a_colon_or_a_closing_quote_still_parts_two_bodies(text: str, bodies: list[str]) -> None:
    assert patterns.split_cc(text) == bodies
    assert patterns.restore_cc_commas(text) == text[:3] + "，".join(bodies) + "。"


@pytest.mark.parametrize(("text", "expected"), [
    ("切实消除安全隐患：二是结合居民意愿，有序推进；三是因地制宜", "切实消除安全隐患；二是结合居民意愿，有序推进；三是因地制宜"),
    ("停车设施和充电设施建设:三是因地制宜补齐", "停车设施和充电设施建设；三是因地制宜补齐"),
    ("主要任务：一是加强组织领导", "主要任务：一是加强组织领导"),  # the colon that opens the list
    ("联系人：王海涛，联系电话：0571-8264", "联系人：王海涛，联系电话：0571-8264"),
])
def test_a_colon_before_an_enumerations_second_point_is_its_semicolon(text: str, expected: str) -> None:
    assert clean_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("理局值班室，值班电话：0.471-6623150。", "理局值班室，值班电话：0471-6623150。"),  # a dot in a telephone number
    ("联系电话：0931-876:3215", "联系电话：0931-8763215"),
    ("（联系人：周海燕，联系电话：0)5533112745）", "（联系人：周海燕，联系电话：05533112745）"),  # a later bracket closes
    ("全度汛的重要任务2020)年汛期", "全度汛的重要任务2020年汛期"),  # no bracket opened
    ("（鲁人社发〔2016〕.29号）", "（鲁人社发〔2016〕29号）"),
    ("（联系人：赵志宏，联系电话：0379-63215487）", "（联系人：赵志宏，联系电话：0379-63215487）"),
    ("联系电话：（0571）8826", "联系电话：（0571）8826"),
    ("（2020）-2022年", "（2020）-2022年"),
    ("占比3.5%，较上年增长1.2个百分点", "占比3.5%，较上年增长1.2个百分点"),
])
def test_specks_inside_numbers_are_dropped(text: str, expected: str) -> None:
    """On an OCR line (`strip_stray_dots`, then the clean text); a text dump keeps its characters."""
    assert clean_text(patterns.strip_stray_dots(text)) == expected


@pytest.mark.parametrize(("text", "bodies"), [
    ("抄送：市政协办公厅，市法院市检察院。", ["市政协办公厅", "市法院", "市检察院"]),
    ("抄送：国家卫生健康委医政司省医保局，省中医药管理局。",  # real OCR, 1-bit: a ministry's 司 is a body
     ["国家卫生健康委医政司", "省医保局", "省中医药管理局"]),
    ("抄送：江西省防汛抗旱总指挥部办公室市委办公室，市政府办公室。", ["江西省防汛抗旱总指挥部办公室", "市委办公室", "市政府办公室"]),
    ("抄送：市公安局，市商务局市网信办。", ["市公安局", "市商务局", "市网信办"]),
    ("抄送：盟行政公署办公室旗人民政府办公室。", ["盟行政公署办公室", "旗人民政府办公室"]),  # a 盟's 旗 (a county)
    ("抄送：省政协办公厅，省军区省法院，省检察院。", ["省政协办公厅", "省军区", "省法院", "省检察院"]),  # a military district
    ("抄送：市委各部门市人大常委会办公室，市政协办公室。", ["市委各部门", "市人大常委会办公室", "市政协办公室"]),  # 部门
])
def test_a_cc_comma_the_scan_lost_between_two_bodies_is_back(text: str, bodies: list[str]) -> None:
    assert patterns.split_cc(text) == bodies
    assert patterns.restore_cc_commas(text) == text[:3] + "，".join(bodies) + "。"


@pytest.mark.parametrize("text", [
    "抄送：郑州市市场监督管理局，国家市场监督管理总局食品经营安全监督管理司。",  # 郑州 | 市场…: no body before
    "抄送：北京市东城区人民政府，市委办公室。",
    "抄送：省教育厅直属学校，市人大常委会办公厅。",  # no place-level character starts 直属学校
])
def test_one_bodys_name_is_not_parted(text: str) -> None:
    assert patterns.restore_cc_commas(text) == text


@pytest.mark.parametrize(("read", "printed"), [
    ("关于征求《四川省重点流域水生态环境保护规划（征求意见稿））意见的函", "关于征求《四川省重点流域水生态环境保护规划（征求意见稿）》意见的函"),
    ("（此件公开发布》", "（此件公开发布）"),
    ("《重点流域水生态环境保护规划(征求意见稿）》意见的函", "《重点流域水生态环境保护规划(征求意见稿）》意见的函"),  # ASCII (
    ("《规划（征求意见稿）〉意见的函", "《规划（征求意见稿）》意见的函"),  # 〉 with no 〈 open
    ("《关于印发〈办法〉的通知》", "《关于印发〈办法〉的通知》"),
    ("《关于印发（山东省技能大师工作室建设管理办法〉的通知》", "《关于印发〈山东省技能大师工作室建设管理办法〉的通知》"),
    ("《通知》（鲁政办发〔2023〕5号）", "《通知》（鲁政办发〔2023〕5号）"),  # each mark closed by its own
    ("（见《办法》）", "（见《办法》）"),
    ("）接上页", "）接上页"),  # nothing open: as read
    ("《甲（乙》丙）", "《甲（乙》丙）"),  # a closer of a mark that is open: as read
])
def test_a_closing_mark_of_the_wrong_kind_closes_the_one_that_is_open(read: str, printed: str) -> None:
    """Marks nest (GB/T 15834): a ） that closes nothing while a 《 is open is that 《's 》 misread, and so
    the other way round."""
    assert patterns.paired_closers(read) == printed


def test_a_quote_round_a_cited_doc_number_stays_out_of_it() -> None:
    assert find_doc_number("关于“国办发〔2005〕31号”的") == "国办发〔2005〕31号"
