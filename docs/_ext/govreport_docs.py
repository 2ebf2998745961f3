"""Sphinx directives that generate reference tables from govreport's declarations (never retyped).

``.. govreport-rules::``   every rule of :data:`govreport.checks.rules.RULES`: id, severity, scope, tables, title, hint.
``.. govreport-tables::``  every table of :data:`govreport.core.formats.FORMATS`: version, id, reference, title, size.
:func:`cli_parser` builds the whole command line (every sub-command) for sphinx-argparse.
"""

from __future__ import annotations

import argparse
import importlib

from docutils import nodes
from docutils.parsers.rst import Directive


def _table(headers: list[str], rows: list[list[str]], widths: list[int]) -> nodes.table:
    table = nodes.table()
    group = nodes.tgroup(cols=len(headers))
    table += group
    for w in widths:
        group += nodes.colspec(colwidth=w)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for h in headers:
        row += nodes.entry("", nodes.paragraph(text=h))
    head += row
    body = nodes.tbody()
    group += body
    for values in rows:
        row = nodes.row()
        for v in values:
            row += nodes.entry("", nodes.paragraph(text=v))
        body += row
    return table


class RulesTable(Directive):
    has_content = False

    def run(self) -> list[nodes.Node]:
        from govreport.checks.rules import RULES

        rows = []
        for r in RULES:
            where = "、".join(f"{v}·{t}" for v in r.versions for t in r.tables) if r.versions else "—"
            rows.append([r.id, f"{r.severity}（{r.severity_label}）", r.scope, where, r.title, r.hint or ""])
        return [_table(["规则", "级别", "范围", "表格（版本·表）", "内容", "说明"], rows, [6, 10, 10, 14, 30, 30])]


class FormatTables(Directive):
    has_content = False

    def run(self) -> list[nodes.Node]:
        from govreport.core.formats import FORMATS

        rows = []
        for version, spec in FORMATS.items():
            for t in spec.tables:
                rows.append([version, t.id, t.ref, t.title, str(len(t.data_rows)), str(len(t.data_columns)),
                             "、".join(sorted({c.unit for c in t.data_columns}))])
        return [_table(["格式", "表", "名称", "标题", "数据行", "数据列", "单位"], rows, [6, 6, 20, 30, 6, 6, 8])]


def cli_parser() -> argparse.ArgumentParser:
    """The ``govreport`` command line with every sub-command, as the CLI builds them one at a time."""
    from govreport.cli import COMMANDS

    top = argparse.ArgumentParser(prog="govreport", description="Compute, check and render 政府信息公开工作年度报告.")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_) in COMMANDS.items():
        mod = importlib.import_module(f"govreport.cli.{module}")
        parser = sub.add_parser(name, help=help_, description=help_)
        mod.add_arguments(parser)
    return top


def setup(app):
    app.add_directive("govreport-rules", RulesTable)
    app.add_directive("govreport-tables", FormatTables)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
