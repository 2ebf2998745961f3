"""The Excel template: layout, determinism, prefill, and reading it back by labels (xlsx and Excel CSVs).

The helpers here find cells by the labels a person sees (not through govreport's reader), fill a
template the way an office would, and save the data sheet as CSV the way Excel does; test_import.py and
test_bad_input.py reuse them.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest

from govreport.core import template_schema as L
from govreport.core.errors import DataError, ValueFormatError
from govreport.core.formats import FORMATS
from govreport.core.model import Agency, AgencyKind, Level
from govreport.core.values import Figure, Mark
from govreport.readers.xlsx_template import carry_over_notes, read_template
from govreport.render.xlsx_template import template_bytes, write_template

SHEET = L.DATA_SHEET
NA_SPELLINGS = ("/", "—", "不适用", "／")


# ------------------------------------------------------------------------------------ locating cells


class Locator:
    """Finds rows and columns by visible text, independently of govreport's reader."""

    def __init__(self, ws) -> None:
        self.ws = ws

    def row_of(self, text: str, after: int = 1) -> int:
        for row in self.ws.iter_rows(min_row=after):
            for cell in row:
                if cell.value == text:
                    return cell.row
        raise AssertionError(f"no cell {text!r} after row {after}")

    def col_of(self, rows: range | list[int], text: str) -> int:
        for r in rows:
            for c in range(1, self.ws.max_column + 1):
                if self.ws.cell(row=r, column=c).value == text:
                    return c
        raise AssertionError(f"no header {text!r} in rows {list(rows)}")

    def table_cells(self, version: str, table: str) -> dict[tuple[str, str], tuple[int, int]]:
        """(row id, column id) -> (row, column) of every data cell of a table in a pristine template."""
        spec = FORMATS[version].table(table)
        section2 = self.row_of(L.SECTION2_TITLE)
        title = L.FEE_TITLE if table == "fee" else spec.title
        top = self.row_of(title, after=section2 if table.startswith("t2") else 1)
        out: dict[tuple[str, str], tuple[int, int]] = {}
        if table == "t4":
            leaves = [self.ws.cell(row=top + 2, column=c).value for c in range(4, 9)]
            leaves += [self.ws.cell(row=top + 3, column=c).value for c in range(9, 19)]
            assert leaves == [c.label for c in spec.data_columns]  # official left-to-right order
            assert self.ws.cell(row=top + 1, column=4).value == "行政复议"
            assert self.ws.cell(row=top + 1, column=9).value == "行政诉讼"
            assert self.ws.cell(row=top + 2, column=9).value == "未经复议直接起诉"
            assert self.ws.cell(row=top + 2, column=14).value == "复议后起诉"
            return {("value", c.id): (top + 4, 4 + i) for i, c in enumerate(spec.data_columns)}
        header = range(top + 1, top + 4) if table == "t3" else range(top + 1, top + 2)
        for a in spec.data_rows:
            r = self.row_of(a.label, after=top)
            for c in spec.data_columns:
                out[(a.id, c.id)] = (r, self.col_of(header, c.label))
        return out

    def kv_cell(self, block_title: str, label: str) -> tuple[int, int]:
        return self.row_of(label, after=self.row_of(block_title)), 4

    def list_columns(self, block_title: str) -> tuple[int, dict[str, int]]:
        head = self.row_of(block_title) + 1
        cols = {self.ws.cell(row=head, column=c).value: c for c in range(1, 19)
                if self.ws.cell(row=head, column=c).value}
        return head + 1, cols


# ---------------------------------------------------------------------------------- what to fill


@dataclass
class Filling:
    """Raw values an office types, and the figures they must become."""

    version: str
    year: int
    agency: dict[str, object] = field(default_factory=dict)  # label -> value
    report: dict[str, object] = field(default_factory=dict)
    proactive: dict[str, object] = field(default_factory=dict)
    channels: list[dict[str, object]] = field(default_factory=list)  # header label -> value
    categories: list[dict[str, object]] = field(default_factory=list)
    cells: dict[tuple[str, str, str], object] = field(default_factory=dict)  # (table, row, col) -> raw

    def expected(self) -> dict[tuple[str, str, str], Figure]:
        return {k: as_figure(v) for k, v in self.cells.items()}


def as_figure(raw: object) -> Figure:
    if raw is None or raw == "":
        return Figure.blank()
    if isinstance(raw, str) and raw.strip() in NA_SPELLINGS:
        return Figure.na()
    return Figure.of(float(raw))


T3_COLS = ("natural_person", "commercial", "research", "public_welfare", "legal_service", "other_org")


def consistent_t3(version: str, seed: int = 7) -> dict[tuple[str, str, str], object]:
    """A Table 3 that passes R1–R4: one column not reported (blank), one 不适用, zeros, small counts."""
    import random

    rng = random.Random(seed)
    spec = FORMATS[version].table("t3")
    outcomes = [a.id for a in spec.data_rows if a.parent == "results" or
                (a.parent and spec.row(a.parent).parent == "results")]
    outcomes.remove("results_total")
    cells: dict[tuple[str, str, str], object] = {}
    totals: dict[str, int] = {}
    for col in T3_COLS:
        if col == "legal_service":
            continue  # not reported at all: every cell stays blank
        if col == "research":
            for a in spec.data_rows:
                cells[("t3", a.id, col)] = NA_SPELLINGS[len(cells) % 4]
            continue
        vals = {o: (0 if col == "commercial" else rng.choice((0, 0, 1, 2, 5))) for o in outcomes}
        total = sum(vals.values())
        forward = rng.randint(0, 2) if col == "natural_person" else 0
        carried = min(rng.randint(0, 2), total + forward) if col == "natural_person" else 0
        vals.update(results_total=total, carried_forward=forward, carried_over=carried,
                    new_received=total + forward - carried)
        for k, v in vals.items():
            cells[("t3", k, col)] = v
            totals[k] = totals.get(k, 0) + v
    for k, v in totals.items():
        cells[("t3", k, "total")] = v
    return cells


def t2_fee_t4(version: str) -> dict[tuple[str, str, str], object]:
    cells: dict[tuple[str, str, str], object] = {
        ("t4", "value", "review_maintained"): 2, ("t4", "value", "review_corrected"): 1,
        ("t4", "value", "review_other"): "/", ("t4", "value", "review_pending"): 0, ("t4", "value", "review_total"): 3,
        **{("t4", "value", f"direct_{o}"): 0 for o in ("maintained", "corrected", "other", "pending", "total")},
        # 复议后起诉 left blank: not reported
    }
    if version == "2021":
        cells.update({
            ("t2a", "regulations", "issued"): "—", ("t2a", "regulations", "repealed"): "—",
            ("t2a", "regulations", "in_force"): "—",
            ("t2a", "normative_docs", "issued"): 2, ("t2a", "normative_docs", "repealed"): 1,
            ("t2a", "normative_docs", "in_force"): 18,
            ("t2b", "licensing", "decisions"): 135, ("t2c", "penalty", "decisions"): 6,
            ("t2c", "coercion", "decisions"): 0, ("t2d", "admin_fees", "amount"): 12.35,
            ("fee", "processing_fee", "notices"): 0, ("fee", "processing_fee", "billed"): 0,
            ("fee", "processing_fee", "collected"): 0,
        })
    else:
        cells.update({
            ("t2a", "regulations", "new_made"): "/", ("t2a", "regulations", "new_published"): "/",
            ("t2a", "regulations", "total_published"): "/",
            ("t2a", "normative_docs", "new_made"): 3, ("t2a", "normative_docs", "new_published"): 3,
            ("t2a", "normative_docs", "total_published"): 41,
            ("t2b", "licensing", "prev_items"): 12, ("t2b", "licensing", "delta_items"): -2,
            ("t2b", "licensing", "decisions"): 140,
            ("t2b", "other_services", "prev_items"): 5, ("t2b", "other_services", "delta_items"): 0,
            ("t2c", "penalty", "prev_items"): 30, ("t2c", "penalty", "delta_items"): 3,
            ("t2c", "penalty", "decisions"): 7,
            ("t2c", "coercion", "prev_items"): "不适用", ("t2c", "coercion", "delta_items"): "不适用",
            ("t2c", "coercion", "decisions"): "不适用",
            ("t2d", "admin_fees", "prev_items"): 4, ("t2d", "admin_fees", "delta_items"): -1,
            ("t2e", "central_procurement", "projects"): 2, ("t2e", "central_procurement", "amount"): 52.15,
        })
    return cells


NEW_AGENCY = {
    "单位名称": "测试市测试局", "单位标识": "t-150200-ceshiju", "所属政府": "测试市人民政府",
    "所属地区": "测试省/测试市", "行政区划代码": "150200", "单位层级": "市级", "单位类别": "政府部门",
    "通信地址": "测试市政务大厅3楼", "邮政编码": "014000", "联系电话": "0472-0000000", "电子邮箱": "test@example.org",
    "年报编制机构": "测试市测试局办公室",
}


def sample_filling(version: str) -> Filling:
    year = 2021 if version == "2021" else 2020
    return Filling(
        version=version,
        year=year,
        agency=dict(NEW_AGENCY),
        report={"统计期间起始日期": dt.date(year, 1, 1), "统计期间截止日期": dt.date(year, 12, 31),
                "发布日期": dt.date(year + 1, 1, 20), "资料来源": "测试用填报表（非真实数据）"},
        proactive={"主动公开信息总数": 418, "各渠道数量是否重复计数": "否"},
        channels=[
            {"渠道名称（按报告原文）": "测试市政府门户网站", "数量": 58, "单位": "条", "网站归属": "上级政府网站"},
            {"渠道名称（按报告原文）": "“三务公开”等各便民服务平台", "规范渠道": "便民服务平台", "数量": 303,
             "单位": "条"},
            {"渠道名称（按报告原文）": "测试发布微信公众号", "规范渠道": "微信公众号", "数量": 22, "单位": "条",
             "账号名称": "测试发布"},
            {"渠道名称（按报告原文）": "线下各类公开栏", "数量": 35, "单位": "条", "备注": "含村务公开栏"},
        ],
        categories=[
            {"栏目名称（按报告原文）": "政务动态", "规范分类": "工作动态", "数量": 200, "限定词": "余", "单位": "条"},
            {"栏目名称（按报告原文）": "通知公告", "单位": "条"},  # mentioned, no figure: blank
            {"栏目名称（按报告原文）": "政策解读", "数量": 0, "单位": "篇"},
        ],
        cells={**consistent_t3(version), **t2_fee_t4(version)},
    )


def fill_template(path: Path, filling: Filling) -> None:
    """Type ``filling`` into the template at ``path`` (in place), locating every cell by its label."""
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    loc = Locator(ws)
    for label, value in {**filling.agency, **filling.report}.items():
        r, c = loc.kv_cell(L.AGENCY_BLOCK.title, label)
        ws.cell(row=r, column=c).value = value
    for label, value in filling.proactive.items():
        r, c = loc.kv_cell(L.PROACTIVE_BLOCK.title, label)
        ws.cell(row=r, column=c).value = value
    for title, items in ((L.CHANNEL_BLOCK.title, filling.channels), (L.CATEGORY_BLOCK.title, filling.categories)):
        first, cols = loc.list_columns(title)
        for i, item in enumerate(items):
            for head, value in item.items():
                ws.cell(row=first + i, column=cols[head]).value = value
    positions: dict[tuple[str, str, str], tuple[int, int]] = {}
    for spec in FORMATS[filling.version].tables:
        for (row, col), rc in loc.table_cells(filling.version, spec.id).items():
            positions[(spec.id, row, col)] = rc
    for key, value in filling.cells.items():
        r, c = positions[key]
        ws.cell(row=r, column=c).value = value
    wb.save(path)


#: The office's text of each part (test wording without figures: it cannot contradict any table).
SAMPLE_TEXT = {
    "一": "（测试用文字）本年度，本机关按照条例要求推进政务公开工作。\n\n### （一）主动公开\n\n及时发布工作动态。",
    "二": "（测试用文字）主动公开情况见下表。",
    "三": "（测试用文字）依申请公开情况见下表。",
    "四": "（测试用文字）行政复议、行政诉讼情况见下表。",
    "五": "（测试用文字）公开内容的及时性有待提高，下一步将完善发布审核机制。",
    "六": "（测试用文字）其他事项见下表。",
}


def fill_text(path: Path, bodies: dict[str, str] | None = None, opening: str = "") -> None:
    """Type the report's text into the text sheet (part numeral → text), locating rows by their heading."""
    bodies = SAMPLE_TEXT if bodies is None else bodies
    wb = openpyxl.load_workbook(path)
    ws = wb[L.TEXT_SHEET]
    for row in ws.iter_rows(min_row=1):
        label = row[0].value
        if not isinstance(label, str):
            continue
        if label == L.TEXT_OPENING and opening:
            ws.cell(row=row[0].row, column=2).value = opening
        elif "、" in label and label.split("、")[0] in bodies:
            ws.cell(row=row[0].row, column=2).value = bodies[label.split("、")[0]]
    wb.save(path)


TEST_AGENCY = Agency("t-150200-ceshiju", "测试市测试局", AgencyKind.DEPARTMENT, Level.PREFECTURE)


def new_template(tmp_path: Path, version: str, name: str = "t.xlsx") -> Path:
    """A template for a test agency (agency block filled in, as for an agency the dataset knows)."""
    year = 2021 if version == "2021" else 2020
    path = tmp_path / name
    write_template(path, year=year, version=version, agency=TEST_AGENCY)
    return path


def excel_csv(xlsx: Path, out: Path, encoding: str) -> Path:
    """Save the data sheet as CSV the way Excel does: displayed values, CRLF, merged cells only top-left."""
    ws = openpyxl.load_workbook(xlsx)[SHEET]
    lines = []
    for row in ws.iter_rows(values_only=True):
        fields = []
        for v in row:
            if v is None:
                text = ""
            elif isinstance(v, dt.datetime):
                text = v.strftime("%Y-%m-%d")
            elif isinstance(v, float) and v.is_integer():
                text = str(int(v))
            else:
                text = str(v)
            if any(ch in text for ch in ',"\n'):
                text = '"' + text.replace('"', '""') + '"'
            fields.append(text)
        lines.append(",".join(fields))
    out.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return out


def assert_report_matches(report, filling: Filling) -> None:
    """Every figure of every table of the version equals what was typed; blank stays blank, 不适用 stays NA."""
    expected = filling.expected()
    checked = 0
    for spec in FORMATS[filling.version].tables:
        for a in spec.data_rows:
            for c in spec.data_columns:
                want = expected.get((spec.id, a.id, c.id), Figure.blank())
                got = report.table(spec.id, filling.version).get(a.id, c.id)
                assert got == want, (spec.id, a.id, c.id, got, want)
                checked += 1
    assert checked == (201 if filling.version == "2019" else 203)  # 22+161+15+3 / 10+175+15+3
    assert report.agency.id == NEW_AGENCY["单位标识"]
    assert report.agency.name == NEW_AGENCY["单位名称"]
    assert report.agency.postcode == "014000"
    assert report.agency.level is Level.PREFECTURE and report.agency.kind is AgencyKind.DEPARTMENT
    assert report.year == filling.year and report.format.value == filling.version
    assert report.period.start == dt.date(filling.year, 1, 1) and report.period.cutoff is None
    assert report.published == dt.date(filling.year + 1, 1, 20)
    p = report.proactive
    assert p.total == Figure.of(418) and p.channels_overlap is False
    assert [(c.channel, c.label, c.figure, c.host, c.account, c.note) for c in p.channels] == [
        ("website", "测试市政府门户网站", Figure.of(58), "superior", "", ""),
        ("service_platform", "“三务公开”等各便民服务平台", Figure.of(303), "", "", ""),
        ("wechat", "测试发布微信公众号", Figure.of(22), "", "测试发布", ""),
        ("notice_board", "线下各类公开栏", Figure.of(35), "", "", "含村务公开栏"),
    ]
    assert [(c.category, c.label, c.figure, c.qualifier, c.unit) for c in p.categories] == [
        ("news", "政务动态", Figure.of(200), "余", "条"),
        ("notices", "通知公告", Figure.blank(), "", "条"),
        ("interpretation", "政策解读", Figure.of(0), "", "篇"),
    ]


# ------------------------------------------------------------------------------------------ tests


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_layout_follows_official_tables(tmp_path, version):
    path = new_template(tmp_path, version)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [L.DATA_SHEET, L.TEXT_SHEET, L.HELP_SHEET]
    ws = wb[SHEET]
    loc = Locator(ws)
    merged = {str(m) for m in ws.merged_cells.ranges}
    fmt = FORMATS[version]
    # Article 20 blocks of the version, each with its caption and header row
    captions = [t.title for t in fmt.tables if t.id.startswith("t2")]
    assert len(captions) == (5 if version == "2019" else 4)
    for t in fmt.tables:
        if t.id.startswith("t2"):
            top = loc.row_of(t.title)
            assert ws.cell(row=top + 1, column=1).value == "信息内容"
            assert [ws.cell(row=top + 1, column=4 + i).value for i in range(len(t.columns))] == \
                [c.label for c in t.columns]
    other = "2021" if version == "2019" else "2019"
    assert all(ws.cell(row=r, column=4).value != FORMATS[other].table("t2a").columns[0].label
               for r in range(1, ws.max_row + 1))
    # Table 3: corner note, 申请人情况 over 7 columns, 法人或其他组织 over 5, rowspan group labels
    t3 = loc.row_of(fmt.table("t3").title)
    assert ws.cell(row=t3 + 1, column=1).value == FORMATS[version].table("t3").corner_note
    assert f"A{t3 + 1}:C{t3 + 3}" in merged
    assert f"D{t3 + 1}:J{t3 + 1}" in merged and ws.cell(row=t3 + 1, column=4).value == "申请人情况"
    assert f"E{t3 + 2}:I{t3 + 2}" in merged and ws.cell(row=t3 + 2, column=5).value == "法人或其他组织"
    assert f"D{t3 + 2}:D{t3 + 3}" in merged and f"J{t3 + 2}:J{t3 + 3}" in merged
    cells = loc.table_cells(version, "t3")
    assert len(cells) == (23 if version == "2019" else 25) * 7
    rows = sorted({r for r, _ in cells.values()})
    assert rows == list(range(rows[0], rows[0] + len(rows)))  # contiguous data rows
    results = loc.row_of("三、本年度办理结果", after=t3)
    assert f"A{results}:A{loc.row_of('（七）总计', after=t3)}" in merged
    denied = loc.row_of("（三）不予公开", after=t3)
    assert f"B{denied}:B{denied + 7}" in merged
    if version == "2021":
        oh = loc.row_of("（六）其他处理", after=t3)
        assert f"B{oh}:B{oh + 2}" in merged and ws.cell(row=oh, column=3).value.startswith("1.申请人无正当理由")
    else:
        oh = loc.row_of("（六）其他处理", after=t3)
        assert f"B{oh}:C{oh}" in merged  # a data row of its own in 2019
    # Table 4: three-level header, 15 data cells in one row
    t4 = loc.table_cells(version, "t4")
    assert len(t4) == 15
    top4 = loc.row_of(fmt.table("t4").title)
    assert f"D{top4 + 1}:H{top4 + 1}" in merged and f"I{top4 + 1}:R{top4 + 1}" in merged
    assert f"I{top4 + 2}:M{top4 + 2}" in merged and f"N{top4 + 2}:R{top4 + 2}" in merged
    assert f"D{top4 + 2}:D{top4 + 3}" in merged
    # input cells are shaded and unlocked; labels are locked
    r, c = cells[("new_received", "total")]
    assert ws.cell(row=r, column=c).fill.fgColor.rgb.endswith("FFF2CC")
    assert ws.cell(row=r, column=c).protection.locked is False
    assert ws.cell(row=r, column=1).protection.locked is True
    assert ws.cell(row=r, column=1).font.name == "宋体"
    assert ws.cell(row=loc.row_of("项目"), column=1).font.bold
    # dropdowns: canonical channel list from govreport.core.channels, qualifiers
    first, cols = loc.list_columns(L.CHANNEL_BLOCK.title)
    ref = f"{openpyxl.utils.get_column_letter(cols['规范渠道'])}{first}"
    dv = [d for d in ws.data_validations.dataValidation if ref in d.sqref]
    assert dv and dv[0].type == "list" and L.HELP_SHEET in dv[0].formula1
    help_ws = wb[L.HELP_SHEET]
    from govreport.core.channels import CHANNELS

    listed = [c.value for c in help_ws["A"] if c.value]
    assert all(ch.label in listed for ch in CHANNELS)
    text = "\n".join(str(c.value) for c in help_ws["A"] if c.value)
    assert "未填报" in text and "不适用" in text and "0 ＝报告数为零" in text
    # figure cells validate their type in Excel (count columns: non-negative integers)
    col = openpyxl.utils.get_column_letter(c)
    dv = [d for d in ws.data_validations.dataValidation if f"{col}{r}" in d.sqref]
    assert dv and dv[0].type == "custom" and "INT(" in dv[0].formula1


def test_output_is_deterministic_and_metadata_fixed(tmp_path):
    a = template_bytes(year=2021, version="2021", agency_text="x-1")
    b = template_bytes(year=2021, version="2021", agency_text="x-1")
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        assert {i.date_time for i in z.infolist()} == {(2019, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2019-01-01T00:00:00Z" in core and core.count("2019-01-01T00:00:00Z") == 2
    assert template_bytes(year=2021, version="2021", agency_text="x-2") != a


def test_write_is_atomic(tmp_path, monkeypatch):
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    import govreport.render.xlsx_template as xlsx

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(xlsx, "template_bytes", boom)
    with pytest.raises(RuntimeError):
        write_template(target, year=2021, version="2021", agency_text="x")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_fill_and_read_back(tmp_path, version):
    path = new_template(tmp_path, version)
    filling = sample_filling(version)
    fill_template(path, filling)
    assert_report_matches(read_template(path), filling)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_saved_by_excel_reads_the_same(tmp_path, encoding):
    path = new_template(tmp_path, "2021")
    filling = sample_filling("2021")
    fill_template(path, filling)
    csv_path = excel_csv(path, tmp_path / f"t-{encoding}.csv", encoding)
    if encoding == "gbk":
        with pytest.raises(UnicodeDecodeError):
            csv_path.read_bytes().decode("utf-8")
    report = read_template(csv_path)
    assert_report_matches(report, filling)
    assert report.source == filling.report["资料来源"]


def insert_blank_rows(path: Path, before: list[str]) -> None:
    """An office inserts empty rows above the rows holding these texts (merges dropped, as a CSV would)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    for rng in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(rng))
    loc = Locator(ws)
    rows = sorted({loc.row_of(t) for t in before}, reverse=True)
    for r in rows:
        ws.insert_rows(r)
    wb.save(path)


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_inserted_blank_rows_still_read(tmp_path, version):
    path = new_template(tmp_path, version)
    filling = sample_filling(version)
    fill_template(path, filling)
    insert_blank_rows(path, ["联系电话", "线下各类公开栏", "第二十条第（六）项", "4.保护第三方合法权益",
                             "（七）总计", "未经复议直接起诉", "四、结转下年度继续办理", L.FEE_TITLE,
                             L.CHANNEL_BLOCK.title])
    assert_report_matches(read_template(path), filling)


def test_extra_channel_row_inserted_mid_list(tmp_path):
    path = new_template(tmp_path, "2021")
    filling = sample_filling("2021")
    fill_template(path, filling)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    for rng in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(rng))
    r = Locator(ws).row_of("测试发布微信公众号")
    ws.insert_rows(r)
    ws.cell(row=r, column=1).value = "测试市测试局政务微博"
    ws.cell(row=r, column=6).value = "12"
    ws.cell(row=r, column=7).value = "余"
    wb.save(path)
    chans = read_template(path).proactive.channels
    assert [c.label for c in chans][:3] == ["测试市政府门户网站", "“三务公开”等各便民服务平台", "测试市测试局政务微博"]
    assert (chans[2].channel, chans[2].figure, chans[2].qualifier) == ("weibo", Figure.of(12), "余")


def test_seed_template_is_prefilled(seed_dataset, tmp_path):
    report = seed_dataset.report("五原县民政局", 2020)
    path = tmp_path / "seed.xlsx"
    info = write_template(path, year=2020, version="2019", report=report)
    assert info.prefilled and not info.warnings
    ws = openpyxl.load_workbook(path)[SHEET]
    loc = Locator(ws)
    kv = {lab: ws.cell(*loc.kv_cell(L.AGENCY_BLOCK.title, lab)).value
          for lab in ("单位名称", "单位标识", "邮政编码", "报告年度", "报告使用的表格格式", "数据截止日期")}
    assert kv == {"单位名称": "五原县民政局", "单位标识": "150821-minzhengju", "邮政编码": "015100",
                  "报告年度": 2020, "报告使用的表格格式": "未使用统一表格（纯文字报告）",
                  "数据截止日期": dt.datetime(2020, 12, 28)}
    assert ws.cell(*loc.kv_cell(L.PROACTIVE_BLOCK.title, "主动公开信息总数")).value == 418
    first, cols = loc.list_columns(L.CHANNEL_BLOCK.title)
    got = [(ws.cell(row=first + i, column=cols["渠道名称（按报告原文）"]).value,
            ws.cell(row=first + i, column=cols["数量"]).value) for i in range(4)]
    assert got == [("五原县政务网站动态信息", 58), ("“三务公开”等各便民服务平台", 303),
                   ("五原县民政局微信公众号", 22), ("线下各类公开栏", 35)]
    t3 = loc.table_cells("2019", "t3")
    assert ws.cell(*t3[("new_received", "total")]).value == 0
    assert ws.cell(*t3[("new_received", "natural_person")]).value is None  # blank stays blank, not 0
    # and it reads back to the very same report
    back = read_template(path)
    assert back.agency == report.agency
    # the figures outside the tables read back naming their workbook cells; a correction keeps the origin
    # of those left unchanged (the seed's: transcribed, no cell), so the figures are the very same
    assert back.proactive.total_source.startswith(f"{path.name} {SHEET}!")
    assert all(c.source.startswith(f"{path.name} {SHEET}!") for c in back.proactive.channels)
    assert carry_over_notes(back, report).proactive == report.proactive
    assert back.period == report.period and back.format == report.format
    assert {(t.spec.id, k): f for t in back.tables for k, f in t.cells.items()} == \
        {(t.spec.id, k): f for t in report.tables for k, f in t.cells.items()}


def test_known_agency_template_fills_agency_block(seed_dataset, tmp_path):
    agency = seed_dataset.agency("150821-minzhengju")
    path = tmp_path / "a.xlsx"
    info = write_template(path, year=2021, version="2021", agency=agency)
    assert not info.prefilled
    report = read_template(path)
    assert report.agency == agency and report.year == 2021 and report.tables == ()
    assert report.proactive.total.mark is Mark.BLANK and report.proactive.channels == ()


def test_unknown_agency_needs_id_and_fields(tmp_path):
    path = tmp_path / "n.xlsx"
    write_template(path, year=2021, version="2021", agency_text="某某县某某局")
    with pytest.raises(ValueFormatError) as exc:
        read_template(path)
    assert "单位标识" in exc.value.message and exc.value.line is not None
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    loc = Locator(ws)
    ws.cell(*loc.kv_cell(L.AGENCY_BLOCK.title, "单位标识")).value = "150000-moumouju"
    wb.save(path)
    with pytest.raises(ValueFormatError) as exc:
        read_template(path)
    assert "新单位必须填写" in exc.value.message
    ws.cell(*loc.kv_cell(L.AGENCY_BLOCK.title, "单位层级")).value = "县级"
    ws.cell(*loc.kv_cell(L.AGENCY_BLOCK.title, "单位类别")).value = "政府部门"
    wb.save(path)
    assert read_template(path).agency.name == "某某县某某局"


def test_blank_agency_fields_come_from_the_dataset(seed_dataset, tmp_path):
    agency = seed_dataset.agency("150821-minzhengju")
    path = tmp_path / "a.xlsx"
    write_template(path, year=2021, version="2021", agency_text="150821-minzhengju")
    known = {agency.id: agency}
    assert read_template(path, agencies=known).agency == agency
    # a mismatched name for a known id is refused
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    ws.cell(*Locator(ws).kv_cell(L.AGENCY_BLOCK.title, "单位名称")).value = "五原县财政局"
    wb.save(path)
    with pytest.raises(ValueFormatError, match="五原县财政局"):
        read_template(path, agencies=known)


def test_labels_are_matched_loosely(tmp_path):
    """Half-width brackets, spaces and 1、 instead of 1. still find the row."""
    path = new_template(tmp_path, "2021")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    loc = Locator(ws)
    r, c = loc.table_cells("2021", "t3")[("denied_third_party", "natural_person")]
    ws.cell(row=r, column=3).value = " 4、保护第三方合法权益 "
    r2 = loc.row_of("（二）部分公开（区分处理的，只计这一情形，不计其他情形）")
    ws.cell(row=r2, column=2).value = "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"
    ws.cell(row=r, column=c).value = 3
    wb.save(path)
    assert read_template(path).figure("t3", "denied_third_party", "natural_person") == Figure.of(3)


@pytest.mark.parametrize(("raw", "message"), [
    ("abc", "不是数字"), (-2, "不能为负数"), (1.5, "应为整数"), (dt.datetime(2021, 3, 1), "日期"), (True, "不是数字"),
])
def test_bad_table_cell_names_sheet_cell_and_place(tmp_path, raw, message):
    path = new_template(tmp_path, "2021")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    r, c = Locator(ws).table_cells("2021", "t3")[("results_total", "natural_person")]
    ws.cell(row=r, column=c).value = raw
    wb.save(path)
    with pytest.raises(ValueFormatError) as exc:
        read_template(path)
    e = exc.value
    col = openpyxl.utils.get_column_letter(c)
    assert message in e.message
    assert e.file == f"{path}: sheet {SHEET}" and e.line == r
    assert e.column.startswith(f"{col}（单元格 {col}{r}") and "表三 “（七）总计” 行 “自然人” 列" in e.column
    assert e.hint


def test_signed_and_decimal_columns(tmp_path):
    path = new_template(tmp_path, "2019")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    loc = Locator(ws)
    ws.cell(*loc.table_cells("2019", "t2b")[("licensing", "delta_items")]).value = -8
    ws.cell(*loc.table_cells("2019", "t2e")[("central_procurement", "amount")]).value = "1,052.15"
    wb.save(path)
    r = read_template(path)
    assert r.figure("t2b", "licensing", "delta_items") == Figure.of(-8)
    assert r.figure("t2e", "central_procurement", "amount") == Figure.of(1052.15)
    ws.cell(*loc.table_cells("2019", "t2b")[("licensing", "delta_items")]).value = -8.5
    wb.save(path)
    with pytest.raises(ValueFormatError, match="应为整数"):
        read_template(path)


def test_several_bad_cells_are_counted_in_one_message(tmp_path):
    path = new_template(tmp_path, "2021")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    cells = Locator(ws).table_cells("2021", "t3")
    for key in [("granted", "natural_person"), ("partial", "commercial"), ("np_repeat", "total")]:
        ws.cell(*cells[key]).value = "x"
    wb.save(path)
    with pytest.raises(ValueFormatError) as exc:
        read_template(path)
    assert "另有 2 个单元格有问题" in exc.value.message


def test_group_row_with_data_is_refused(tmp_path):
    """A 2021 sheet whose group label row （三）不予公开 gets figures typed next to it alone."""
    path = new_template(tmp_path, "2021")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    for rng in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(rng))
    loc = Locator(ws)
    r = loc.row_of("（三）不予公开")
    ws.insert_rows(r)
    ws.cell(row=r, column=2).value = "（三）不予公开"
    ws.cell(row=r + 1, column=2).value = None
    ws.cell(row=r, column=4).value = 5
    wb.save(path)
    with pytest.raises(ValueFormatError, match="分组标题行不填数据"):
        read_template(path)


def test_uncomputed_formula_is_an_error(tmp_path):
    path = new_template(tmp_path, "2021")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    ws.cell(*Locator(ws).table_cells("2021", "t3")[("granted", "total")]).value = "=D1+1"
    wb.save(path)
    with pytest.raises(ValueFormatError, match="公式没有计算结果"):
        read_template(path)


@pytest.mark.parametrize("payload", [b"not a zip at all", b"PK\x03\x04truncated", b""])
def test_broken_xlsx_is_one_data_error(tmp_path, payload):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(payload)
    with pytest.raises(DataError) as exc:
        read_template(path)
    assert exc.value.file == str(path) and exc.value.hint


def test_truncated_template_is_one_data_error(tmp_path):
    data = new_template(tmp_path, "2021").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="xlsx"):
        read_template(path)


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "z.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(DataError, match="无法读取Excel文件"):
        read_template(path)


def test_other_sheet_saved_as_csv_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("名称,编号\n政府网站,website\n", encoding="utf-8")
    with pytest.raises(DataError, match="找不到区块"):
        read_template(path)


def test_every_agency_kind_and_level_round_trips(tmp_path):
    kinds = list(AgencyKind) * 2
    for kind, level in zip(kinds, Level, strict=False):
        a = Agency("x-1", "某某镇人民政府", kind, level, region="某省/某县/某镇", postcode="012345")
        path = tmp_path / f"{kind.value}-{level.value}.xlsx"
        write_template(path, year=2022, version="2021", agency=a)
        assert read_template(path).agency == a


def test_agency_named_without_id_is_resolved_from_the_dataset(seed_dataset, tmp_path):
    from govreport.readers.xlsx_template import DatasetAgencies

    path = tmp_path / "named.xlsx"
    write_template(path, year=2021, version="2021", agency_text="五原县民政局")  # name only, rest blank
    known = DatasetAgencies(seed_dataset)
    assert len(known) == 1 and known.by_name("五原县民政局").id == "150821-minzhengju"
    assert read_template(path, agencies=known).agency == seed_dataset.agency("150821-minzhengju")
    # an id that differs from the one the dataset has for this name is refused
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    ws.cell(*Locator(ws).kv_cell(L.AGENCY_BLOCK.title, "单位标识")).value = "150821-mzj"
    wb.save(path)
    with pytest.raises(ValueFormatError, match="150821-minzhengju"):
        read_template(path, agencies=known)


def test_stray_text_under_section_two_is_refused(tmp_path):
    path = new_template(tmp_path, "2021")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    r = Locator(ws).row_of(L.SECTION2_TITLE)
    ws.insert_rows(r + 1)
    ws.cell(row=r + 1, column=4).value = 12
    wb.save(path)
    with pytest.raises(DataError, match="未识别的内容"):
        read_template(path)
