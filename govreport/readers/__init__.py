"""Layer 3, the readers: published 政府信息公开工作年度报告 and filled-in templates read back into data.

May import :mod:`govreport.core` and :mod:`govreport.store`.

Reading published 政府信息公开工作年度报告 (text or HTML; simplified, traditional or pinyin-garbled;
UTF-8, GBK/GB18030 or Big5; PDF with a text layer; Word .docx) back into :class:`~govreport.core.model.Report`
objects, with provenance.

>>> from govreport.readers import ingest_path, known_agencies
>>> got = ingest_path("data/sources/150821-minzhengju-2020-mirror.txt", agencies=known_agencies("data"))
>>> got.report().proactive.total
Figure(mark=<Mark.VALUE: 0>, value=418.0)
>>> got.not_read        # what was deliberately left blank, and why
>>> got.to_json()       # the figures with their sources (character spans, table cells)

Modules: :mod:`.detect` (encodings), :mod:`.normalize` (garbling, OpenCC, width, spam, mojibake,
whitespace), :mod:`.html` and :mod:`.tables` (pages and their tables), :mod:`.grid` (the one table model: a
document's table, or a spreadsheet), :mod:`.labels` (label keys, fuzzy matching and the layout's
vocabularies, for both readers), :mod:`.source` (where each figure came from),
:mod:`.pdf` and :mod:`.docx` (PDF and Word, imported only when such a file is read), :mod:`.texttables` (表三/表四 laid
out as text, read only where rows and columns are certain), :mod:`.sections` (title and headings),
:mod:`.text` (prose helpers; 表二/三/四 figures in prose), :mod:`.particulars` (agency, year, sign-off, contact
and statistical period in prose), :mod:`.proactive` (proactive figures in prose), :mod:`.extract` (assembly;
:func:`read_prose` is the one entry point for a whole document's text, whatever it was extracted from),
:mod:`.ingested` (:class:`Ingested`, the result, and its JSON), :mod:`.agencies` (the agency matched or
derived), :mod:`.stated` (the figures a report's own text states, for rule N2); the filled-in Excel template:
:mod:`.xlsx_sheet` (the workbook or CSV opened as a grid; cell values), :mod:`.xlsx_tables` (blocks and tables
found by their labels), :mod:`.xlsx_template` (the report).

Every item read says how it was found (``Ingested.method_of``; ``method`` in the JSON): title, metadata,
opening, signature, contact, period, published, given, dataset, table, table-text, prose, prose-none (a
"none received" sentence), prose-loose, prose-cn-numeral, inferred.
"""

from __future__ import annotations

from govreport.readers.agencies import known_agencies
from govreport.readers.extract import ingest_bytes, ingest_path, ingest_text, read_prose
from govreport.readers.ingested import Ingested
from govreport.readers.source import NotRead, Source

# ``govreport.readers.normalize`` is the module (its function is ``normalize.normalize``).
__all__ = ["Ingested", "NotRead", "Source", "ingest_bytes", "ingest_path", "ingest_text", "known_agencies",
           "read_prose"]
