"""The Excel data-entry template, declared as data: blocks, their titles, fields and columns.

Each input is a :class:`~govreport.core.schema.Field` derived from the CSV column it fills
(:meth:`~govreport.core.schema.Field.entry`: the column's kind and choices, the template's label and help), so
the template and the dataset files share one declaration.

One data sheet holds every block, top to bottom; each block starts with a title row (a single cell whose
text is one of the titles below) and names its columns in a header row. Both the writer
(:mod:`govreport.render.xlsx_template`) and the reader (:mod:`govreport.readers.xlsx_template`) use these
declarations, and
the reader finds everything by its label (normalised with :func:`norm`), never by position: an office may
insert blank rows, add rows to the channel list, or save the sheet as CSV.

Grid columns of the written sheet (1-based): A–C hold row labels (C is wide), D–R hold figures: Table 4
needs 15 data columns, Table 3 seven.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from govreport.core import schema
from govreport.core.channels import CATEGORIES, CHANNELS
from govreport.core.model import AgencyKind, Level, ReportFormat
from govreport.core.schema import Choice, Field, Kind

DATA_SHEET = "年度报告数据"
HELP_SHEET = "填写说明"
#: The report's text: column A the official part headings of the year's format (formats.SECTION_SPECS,
#: written by the template, never typed), column B the text, one row per part, after an opening row.
TEXT_SHEET = "报告正文"
TEXT_HEADER = ("部分", "正文（Markdown：空行分段，“### ”开头为小标题）")
TEXT_OPENING = "开头（前言，可不填）"

LABEL_COLS = 3  # A–C
FIRST_DATA_COL = 4  # D
LAST_COL = 18  # R: D..R = 15 columns (Table 4)


@dataclass(frozen=True, slots=True)
class KVBlock:
    id: str
    title: str
    fields: tuple[Field, ...]


@dataclass(frozen=True, slots=True)
class ListBlock:
    id: str
    title: str
    columns: tuple[Field, ...]
    min_rows: int = 10  # empty input rows offered (at least)


KV_HEADER = ("项目", "填写内容", "填写说明")
KV_LABEL_SPAN = (1, 3)  # A–C
KV_VALUE_SPAN = (4, 9)  # D–I
KV_HELP_SPAN = (10, LAST_COL)  # J–R

KIND_CHOICES = tuple(Choice(k.value, k.label) for k in AgencyKind)
LEVEL_CHOICES = tuple(Choice(lv.value, lv.label) for lv in Level)
FORMAT_CHOICES = tuple(Choice(f.value, f.label) for f in ReportFormat)
CHANNEL_CHOICES = tuple(Choice(c.id, c.label) for c in CHANNELS)
CATEGORY_CHOICES = tuple(Choice(c.id, c.label) for c in CATEGORIES)

_agency, _report = schema.AGENCIES.field, schema.REPORTS.field

AGENCY_BLOCK = KVBlock(
    "agency",
    "一、单位及报告基本信息",
    (
        _agency("name").entry("单位名称", help="单位全称，如 五原县民政局"),
        _agency("agency_id").entry("单位标识", help="数据集中的单位编号（必填），如 150821-minzhengju："
                                                    "行政区划代码-拼音简称；已有单位请勿改动"),
        _agency("superior").entry("所属政府", help="本单位所属的人民政府，如 五原县人民政府", aliases=("上级政府",)),
        _agency("region").entry("所属地区", help="自上而下，以“/”分隔，如 内蒙古自治区/巴彦淖尔市/五原县"),
        _agency("region_code").entry("行政区划代码", help="6位代码，如 150821"),
        _agency("level").entry("单位层级", help="从下拉列表选择", choices=LEVEL_CHOICES),
        _agency("kind").entry("单位类别", help="政府部门（1月31日前公布）、人民政府（3月31日前公布）或其他机关单位",
                              choices=KIND_CHOICES),
        _agency("short_name").entry("单位简称"),
        _agency("address").entry("通信地址"),
        _agency("postcode").entry("邮政编码"),
        _agency("phone").entry("联系电话"),
        _agency("fax").entry("传真"),
        _agency("email").entry("电子邮箱"),
        _agency("office").entry("年报编制机构", help="负责编制年度报告的机构，如 ××局政务公开领导小组办公室"),
        _report("year").entry("报告年度", help="报告所述数据的年份，如 2021"),
        _report("format").entry("报告使用的表格格式", help="已发布的报告采用哪种统一格式；纯文字报告选“未使用统一表格”",
                                choices=FORMAT_CHOICES),
        _report("period_start").entry("统计期间起始日期", help="日期写作 2021-01-01"),
        _report("period_end").entry("统计期间截止日期", help="日期写作 2021-12-31"),
        _report("data_cutoff").entry("数据截止日期",
                                     help="数据统计早于统计期间截止日期结束时填写（如统计至12月28日），否则留空"),
        _report("published").entry("发布日期", help="报告公开发布的日期；尚未发布留空"),
        _report("source").entry("资料来源", help="数据转录自何处，如报告网址"),
        _report("notes").entry("备注"),
    ),
)

PROACTIVE_BLOCK = KVBlock(
    "proactive",
    "主动公开信息数量（正文“一、总体情况”所述）",
    (
        _report("proactive_total").entry("主动公开信息总数", name="total",
                                         help="报告所述全年主动公开信息总数；未说明留空"),
        _report("proactive_qualifier").entry("总数限定词", name="total_qualifier",
                                             help="原文为“余、多、约、近、以上”等约数时选择，确数留空"),
        _report("proactive_unit").entry("总数计量单位", name="unit", help="如 条、篇、件；留空按“条”"),
        _report("channels_overlap").entry(
            "各渠道数量是否重复计数", name="overlap",
            help="同一信息在多个渠道发布并分别计数选“是”；各渠道互不重复选“否”；原文未说明留空"),
    ),
)


CHANNEL_BLOCK = ListBlock(
    "channels",
    "主动公开渠道及数量",
    (
        schema.CHANNELS.field("label").entry("渠道名称（按报告原文）", span=3),
        schema.CHANNELS.field("channel").entry("规范渠道", kind=Kind.CHOICE, choices=CHANNEL_CHOICES, span=2),
        schema.CHANNELS.field("value").entry("数量"),
        schema.CHANNELS.field("qualifier").entry("限定词"),
        schema.CHANNELS.field("unit").entry("单位"),
        schema.CHANNELS.field("host").entry("网站归属"),
        schema.CHANNELS.field("account").entry("账号名称", span=3),
        schema.CHANNELS.field("note").entry("备注", span=6),
    ),
)

CATEGORY_BLOCK = ListBlock(
    "categories",
    "主动公开内容分类（栏目）及数量",
    (
        schema.CATEGORIES.field("label").entry("栏目名称（按报告原文）", span=3),
        schema.CATEGORIES.field("category").entry("规范分类", kind=Kind.CHOICE, choices=CATEGORY_CHOICES, span=2),
        schema.CATEGORIES.field("value").entry("数量"),
        schema.CATEGORIES.field("qualifier").entry("限定词"),
        schema.CATEGORIES.field("unit").entry("单位"),
        schema.CATEGORIES.field("note").entry("备注", span=10),
    ),
    min_rows=6,
)

SECTION2_TITLE = "二、主动公开政府信息情况"
FEE_TITLE = "信息处理费（正文“六、其他需要报告的事项”所述）"
T4_ROW_LABEL = "数量（件）"  # the single data row of Table 4 has no label in the official table

#: Text of a cell that marks 不适用 when written by the template.
NA_WRITTEN = "不适用"

# ------------------------------------------------------------------------------------- normalisation

_QUOTES = str.maketrans("", "", "“”\"'‘’「」『』")
_SPACE = re.compile(r"\s+")
_ENUM = re.compile(r"^(\d+)[、,，.．]")


def norm(text: object) -> str:
    """Normalise a label for matching: width (NFKC), whitespace, quotes, enumeration punctuation."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    s = _SPACE.sub("", s).translate(_QUOTES)
    s = _ENUM.sub(r"\1.", s)
    return s.rstrip(":：")


def choice_value(field: Field, text: str) -> str | None:
    """The stored value of a dropdown entry (by label, value or alias), or None if it is not one."""
    t = norm(text).lower()
    for c in field.choices:
        if t in {norm(c.label).lower(), norm(c.value).lower(), *(norm(a).lower() for a in c.aliases)}:
            return c.value
    return None


def choice_label(field: Field, value: str) -> str:
    for c in field.choices:
        if c.value == value:
            return c.label
    return value


def col_letter(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
