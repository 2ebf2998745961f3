"""Exceptions raised by govreport.

Every error a user can cause derives from :class:`GovreportError`. Each carries a stable reason
``code``, a Chinese ``message`` and a ``hint`` that says what to change or install (printed after
:data:`FIX_LABEL`). The CLI prints ``str(error)`` and exits non-zero; it never shows a traceback for these.

All errors are plain data: they pickle (and so cross process and Dask boundaries) with every field
intact, because ``__reduce__`` rebuilds them from their keyword arguments.
"""

from __future__ import annotations

from typing import Any

#: The label printed before an error's hint (the fix), on its own indented line.
FIX_LABEL = "改正方法："


class GovreportError(Exception):
    """Root of every error govreport raises on purpose."""

    code: str = "govreport-error"

    def __init__(self, message: str, *, hint: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if code is not None:
            self.code = code

    def _fields(self) -> dict[str, Any]:
        return {"hint": self.hint, "code": self.code}

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self._fields()))

    def __str__(self) -> str:
        text = self.message
        if self.hint:
            text += f"\n  {FIX_LABEL}{self.hint}"
        return text


def _rebuild(cls: type[GovreportError], message: str, fields: dict[str, Any]) -> GovreportError:
    return cls(message, **fields)


class DataError(GovreportError):
    """A problem in an input file, located by file, line and column."""

    code = "data-error"

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: str | None = None,
        hint: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint, code=code)
        self.file = file
        self.line = line
        self.column = column

    def _fields(self) -> dict[str, Any]:
        return {**super()._fields(), "file": self.file, "line": self.line, "column": self.column}

    @property
    def location(self) -> str:
        parts = [self.file or "<输入>"]
        if self.line is not None:
            parts.append(f"第 {self.line} 行")
        if self.column is not None:
            parts.append(self.column if self.column.startswith("第") else f"列 {self.column}")
        return "，".join(parts)

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.hint:
            text += f"\n  {FIX_LABEL}{self.hint}"
        return text


class SchemaError(DataError):
    """A file lacks a required column, or has one it should not."""

    code = "schema"


class ValueFormatError(DataError):
    """A cell holds something that is not a valid value for its column."""

    code = "value"


class DuplicateKeyError(DataError):
    """Two rows share a key that must be unique."""

    code = "duplicate-key"


class UnknownReferenceError(DataError):
    """A row names an agency, channel, table, row or column that does not exist."""

    code = "unknown-reference"


class EncodingError(DataError):
    """A text file could not be decoded in any supported encoding."""

    code = "encoding"


class NotFoundError(GovreportError):
    """An agency, year or file asked for on the command line does not exist."""

    code = "not-found"


class ParameterError(GovreportError):
    """A notebook or command parameter has the wrong name, type or value."""

    code = "parameter"


class DependencyError(GovreportError):
    """A system dependency (font, browser) is missing; the hint names the install command."""

    code = "dependency"


class RenderError(GovreportError):
    """Rendering a report failed for a reason other than a notebook cell."""

    code = "render"


class CellExecutionError(RenderError):
    """A notebook cell raised; the executed notebook is kept at ``notebook_path``."""

    code = "cell-execution"

    def __init__(
        self,
        message: str,
        *,
        cell_index: int | None = None,
        ename: str | None = None,
        evalue: str | None = None,
        notebook_path: str | None = None,
        hint: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint, code=code)
        self.cell_index = cell_index
        self.ename = ename
        self.evalue = evalue
        self.notebook_path = notebook_path

    def _fields(self) -> dict[str, Any]:
        return {
            **super()._fields(),
            "cell_index": self.cell_index,
            "ename": self.ename,
            "evalue": self.evalue,
            "notebook_path": self.notebook_path,
        }
