"""What every output records about how it was made.

A :class:`Provenance` holds the govreport version, the hash of the agency-year's inputs
(:meth:`Dataset.report_hash <govreport.store.dataset.Dataset.report_hash>`: its rows, its agency and its
narrative), the hash of the notebook's code, and the parameters. It contains no time and no absolute
path, so equal inputs give equal bytes. The renderers write it as ``<meta>`` tags into both HTML files, as a block in
the reviewer's appendix, into the executed notebook's metadata, into the PDF's and the Word document's
keywords, and as ``provenance.json`` next to the outputs (the record of the last good render, for incremental
batches).

The layout of report.pdf (``--layout``) is recorded where it makes a difference: ``provenance.json`` holds
``pdf_layout`` (``web`` or ``official``) whenever report.pdf was written, so a batch sees a changed layout;
the keywords of a document in the official layout (report.docx always, report.pdf with ``--layout official``)
end in ``layout official``. The HTML files carry no layout: they are the same whatever the PDF's layout.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from typing import Any

from govreport import __version__
from govreport.core.schema import dataset_name

#: report.pdf's default layout (Chromium prints report.html); the other is "official" (GB/T 9704-2012).
DEFAULT_LAYOUT = "web"


@dataclass(frozen=True, slots=True)
class Provenance:
    agency_id: str
    agency: str
    year: int
    data_hash: str
    dataset: str  # the dataset directory's name (never an absolute path)
    govreport_version: str = __version__
    notebook: str = ""  # notebook file name
    notebook_hash: str = ""  # hash of the notebook's cell sources (outputs and metadata excluded)
    parameters: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, sort_keys=True, indent=2) + "\n"

    @property
    def parameters_json(self) -> str:
        return json.dumps(self.parameters, ensure_ascii=False, sort_keys=True)

    def meta_items(self) -> list[tuple[str, str]]:
        """The ``(name, content)`` pairs the HTML files carry as ``<meta>`` tags
        (:func:`govreport.render.html.meta_tags` writes them)."""
        items = [
            ("generator", f"govreport {self.govreport_version}"),
            ("govreport:version", self.govreport_version),
            ("govreport:agency-id", self.agency_id),
            ("govreport:year", str(self.year)),
            ("govreport:data-hash", self.data_hash),
            ("govreport:dataset", self.dataset),
            ("govreport:parameters", self.parameters_json),
        ]
        if self.notebook_hash:
            items.append(("govreport:notebook-hash", self.notebook_hash))
        return items

    def keywords(self, layout: str = DEFAULT_LAYOUT) -> str:
        """One line for the PDF's (and the Word document's) Keywords field. ``layout``: the document's
        layout, named only when it is not the default web layout (so the web PDF's line is unchanged)."""
        line = (f"govreport {self.govreport_version}; data {self.data_hash}; "
                f"notebook {self.notebook_hash or '-'}; parameters {self.parameters_json}")
        return line if layout == DEFAULT_LAYOUT else f"{line}; layout {layout}"

    def appendix_rows(self) -> list[tuple[str, str]]:
        """The ``(label, value)`` rows of the reviewer's appendix block (:mod:`govreport.render.document`
        writes them)."""
        rows = [
            ("govreport 版本", self.govreport_version),
            ("数据集", self.dataset),
            ("输入数据哈希（本机关本年度）", self.data_hash),
            ("参数", self.parameters_json),
        ]
        if self.notebook_hash:
            rows.append(("笔记本", f"{self.notebook}（{self.notebook_hash}）"))
        return rows


def public_parameters(agency: str, year: int, data_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """The parameters as recorded: the data directory by name only (no absolute path in any output).

    ``agency`` is the agency's full name whatever form the user typed (id or name), so that ``render`` and
    ``batch`` write the same bytes for the same report."""
    return {"agency": str(agency), "year": int(year), "data_dir": dataset_name(data_dir)}


def notebook_hash(nb: Any) -> str:
    """Hash of a notebook's cell types, tags and sources: what the report's code is, not its outputs."""
    h = hashlib.blake2b(digest_size=16)
    for cell in nb["cells"]:
        tags = ",".join(sorted(cell.get("metadata", {}).get("tags", [])))
        src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        h.update(f"{cell['cell_type']}\0{tags}\0{src}\0".encode())
    return h.hexdigest()


def for_report(ds: Any, agency_id: str, year: int, parameters: dict[str, Any], *, notebook: str = "",
               nb_hash: str = "") -> Provenance:
    agency_id = ds.agency_id(agency_id)
    name = ds.agency(agency_id).name
    return Provenance(agency_id=agency_id, agency=name, year=int(year), data_hash=ds.report_hash(agency_id, int(year)),
                      dataset=dataset_name(ds.root), notebook=notebook, notebook_hash=nb_hash,
                      parameters=dict(parameters))
