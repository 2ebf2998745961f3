"""Issue 2 §6: every kind of bad input gives one clear error naming file, line and column with a fix;
non-zero exit, no traceback; a failed import leaves the dataset directory byte-identical."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from test_import import cli, tree_hash
from test_xlsx import SHEET, Locator, new_template

import govreport
from govreport.core import template_schema as L
from govreport.core.errors import (
    DuplicateKeyError,
    EncodingError,
    SchemaError,
    UnknownReferenceError,
    ValueFormatError,
)


def one_clear_error(res, *, file: str, line: int | None, column: str | None) -> str:
    """Exit 2, exactly one error message on stderr naming file/line/column and a fix, no traceback."""
    err = res.stderr
    assert res.returncode == 2, (res.returncode, res.stdout, err)
    assert "Traceback" not in err and "Traceback" not in res.stdout
    assert err.count("govreport：错误：") == 1, err
    first = err.splitlines()[0]
    assert file in first, err
    if line is not None:
        assert f"第 {line} 行" in first, err
    if column is not None:
        assert (column if column.startswith("第") else f"列 {column}") in first, err
    assert "\n  改正方法：" in err and len(err.split("改正方法：", 1)[1].strip()) > 5, err
    return err


# ----------------------------------------------------------------------------------- dataset files


def _edit(path: Path, line: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1], lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def _missing_column(d: Path) -> None:
    import csv

    rows = list(csv.reader((d / "channels.csv").read_text(encoding="utf-8").splitlines()))
    i = rows[0].index("value")
    (d / "channels.csv").write_text("\n".join(",".join(r[:i] + r[i + 1:]) for r in rows) + "\n", encoding="utf-8")


def _unknown_channel(d: Path) -> None:
    _edit(d / "channels.csv", 3, ",service_platform,", ",douyin_live,")


def _unknown_agency(d: Path) -> None:
    _edit(d / "channels.csv", 4, "150821-minzhengju,", "150821-caizhengju,")


def _non_numeric(d: Path) -> None:
    _edit(d / "cells.csv", 4, ",review_total,0,", ",review_total,零,")


def _duplicated_key(d: Path) -> None:
    text = (d / "cells.csv").read_text(encoding="utf-8")
    (d / "cells.csv").write_text(text + text.splitlines()[1] + "\n", encoding="utf-8")


def _bad_encoding(d: Path) -> None:
    raw = (d / "cells.csv").read_bytes().split(b"\n")
    raw[4] = raw[4].replace("正文四".encode(), b"\x80\xff\x80", 1)  # invalid in UTF-8, GB18030 and Big5
    (d / "cells.csv").write_bytes(b"\n".join(raw))


DATASET_CASES = {
    "missing column": (_missing_column, SchemaError, "channels.csv", 1, "value"),
    "unknown channel": (_unknown_channel, UnknownReferenceError, "channels.csv", 3, "channel"),
    "unknown agency": (_unknown_agency, UnknownReferenceError, "channels.csv", 4, "agency_id"),
    "non-numeric cell": (_non_numeric, ValueFormatError, "cells.csv", 4, "value"),
    "duplicated key": (_duplicated_key, DuplicateKeyError, "cells.csv", 7, "column"),
    "unreadable encoding": (_bad_encoding, EncodingError, "cells.csv", 5, "第"),
}


@pytest.mark.parametrize("case", list(DATASET_CASES))
def test_bad_dataset_file(seed_dir, case):
    damage, cls, file, line, column = DATASET_CASES[case]
    damage(seed_dir)
    with pytest.raises(cls) as exc:
        govreport.load(seed_dir, use_cache=False)
    e = exc.value
    assert e.file.endswith(file) and e.line == line and e.column.startswith(column) and e.hint
    res = cli("check", seed_dir)
    one_clear_error(res, file=file, line=line, column=column)
    assert res.stdout == ""


def test_negative_count_loads_but_check_reports_r9(seed_dir):
    _edit(seed_dir / "cells.csv", 2, ",new_received,total,0,", ",new_received,total,-3,")
    ds = govreport.load(seed_dir, use_cache=False)
    assert ds.report("五原县民政局", 2020).figure("t3", "new_received", "total").value == -3
    res = cli("check", seed_dir)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    r9 = [ln for ln in res.stdout.splitlines() if "R9" in ln]
    assert r9 and "表三 “一、本年新收” 行 “总计” 列" in r9[0]
    assert "cells.csv 第 2 行" in res.stdout and "-3" in res.stdout


# ------------------------------------------------------------------------------------------ import


def _set_cell(path: Path, table: str, row: str, col: str, value: object) -> tuple[int, str]:
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    r, c = Locator(ws).table_cells("2021", table)[(row, col)]
    ws.cell(row=r, column=c).value = value
    wb.save(path)
    return r, openpyxl.utils.get_column_letter(c)


@pytest.mark.parametrize(("value", "message"), [("abc", "不是数字：'abc'"), (-4, "件数不能为负数：-4")])
def test_import_bad_cell(tmp_path, seed_dir, value, message):
    path = new_template(tmp_path, "2021")
    r, col = _set_cell(path, "t3", "np_repeat", "commercial", value)
    before = tree_hash(seed_dir)
    res = cli("import", path, "--data", seed_dir)
    err = one_clear_error(res, file=f"{path}: sheet {SHEET}", line=r, column=f"{col}（单元格 {col}{r}")
    assert message in err and "表三 “（五）2.重复申请” 行 “法人或其他组织·商业企业” 列" in err
    assert tree_hash(seed_dir) == before


def _truncated(tmp_path: Path) -> Path:
    data = new_template(tmp_path, "2021").read_bytes()
    p = tmp_path / "截断.xlsx"
    p.write_bytes(data[: len(data) // 3])
    return p


def _text_named_xlsx(tmp_path: Path) -> Path:
    p = tmp_path / "notes.xlsx"
    p.write_text("这不是Excel文件", encoding="utf-8")
    return p


def _zip_not_workbook(tmp_path: Path) -> Path:
    p = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("readme.txt", "hello")
    return p


def _old_xls(tmp_path: Path) -> Path:
    p = tmp_path / "old.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    return p


def _empty(tmp_path: Path) -> Path:
    p = tmp_path / "empty.xlsx"
    p.write_bytes(b"")
    return p


@pytest.mark.parametrize("make", [_truncated, _text_named_xlsx, _zip_not_workbook, _old_xls, _empty])
def test_import_broken_workbook(tmp_path, seed_dir, make):
    path = make(tmp_path)
    before = tree_hash(seed_dir)
    res = cli("import", path, "--data", seed_dir)
    err = one_clear_error(res, file=str(path), line=None, column=None)
    assert "xls" in err.lower() or "空" in err
    assert tree_hash(seed_dir) == before


def _set_channel(path: Path, label: str, canonical: str | None) -> tuple[int, str]:
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    first, cols = Locator(ws).list_columns(L.CHANNEL_BLOCK.title)
    ws.cell(row=first, column=cols["渠道名称（按报告原文）"]).value = label
    ws.cell(row=first, column=cols["规范渠道"]).value = canonical
    ws.cell(row=first, column=cols["数量"]).value = 5
    wb.save(path)
    return first, openpyxl.utils.get_column_letter(cols["规范渠道" if canonical else "渠道名称（按报告原文）"])


@pytest.mark.parametrize(("label", "canonical", "message"), [
    ("镇村两级便民联系卡", None, "无法识别渠道“镇村两级便民联系卡”"),
    ("本局抖音直播间", "抖音直播", "“规范渠道”不能填 '抖音直播'"),
])
def test_import_unknown_channel(tmp_path, seed_dir, label, canonical, message):
    path = new_template(tmp_path, "2021")
    r, col = _set_channel(path, label, canonical)
    before = tree_hash(seed_dir)
    res = cli("import", path, "--data", seed_dir)
    err = one_clear_error(res, file=f"{path}: sheet {SHEET}", line=r, column=f"{col}（单元格 {col}{r}")
    assert message in err and "下拉列表" in err
    assert tree_hash(seed_dir) == before


@pytest.mark.parametrize(("head", "encoding"), [(b"", "gbk"), (b"\xef\xbb\xbf", "utf-8")])
def test_import_csv_with_unreadable_bytes(tmp_path, seed_dir, head, encoding):
    """A GBK (or BOM-marked UTF-8) CSV with bytes that no supported encoding reads, on line 3."""
    p = tmp_path / "data.csv"
    p.write_bytes(head + "一、单位及报告基本信息\r\n项目,填写内容\r\n".encode(encoding) + b"\x80\xff,1\r\n")
    before = tree_hash(seed_dir)
    res = cli("import", p, "--data", seed_dir)
    err = one_clear_error(res, file=str(p), line=3, column="第 1 个字节")
    assert "UTF-8" in err
    assert tree_hash(seed_dir) == before


def test_import_missing_file(tmp_path, seed_dir):
    res = cli("import", tmp_path / "nope.xlsx", "--data", seed_dir)
    assert res.returncode == 2 and "Traceback" not in res.stderr and "nope.xlsx" in res.stderr
    assert "\n  改正方法：" in res.stderr
