"""Progress of a batch: a tqdm bar on a terminal, one plain line per report otherwise (logs, CI)."""

from __future__ import annotations

import sys
from typing import IO, Any


class Progress:
    """``update(result)`` after each rendered (or failed) agency-year; ``close()`` at the end."""

    def __init__(self, total: int, *, stream: IO[str] | None = None, bar: bool | None = None,
                 desc: str = "生成报告") -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.total = total
        self.done = 0
        self.failed = 0
        isatty = getattr(self.stream, "isatty", lambda: False)
        self._bar: Any = None
        if total and (bar if bar is not None else isatty()):
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=desc, unit="份", file=self.stream, dynamic_ncols=True,
                             smoothing=0.1)

    def update(self, agency_id: str, year: int, ok: bool, reason: str = "", seconds: float | None = None) -> None:
        self.done += 1
        self.failed += not ok
        if self._bar is not None:
            self._bar.update(1)
            if not ok:
                self._bar.write(f"失败：{agency_id} {year}：{reason}", file=self.stream)
                self._bar.set_postfix({"失败": self.failed})
            return
        width = len(str(self.total))
        took = f"（{seconds:.2f} 秒）" if seconds is not None and ok else ""
        state = "完成" if ok else f"失败：{reason}"
        print(f"[{self.done:>{width}}/{self.total}] {agency_id} {year} {state}{took}", file=self.stream, flush=True)

    def note(self, text: str) -> None:
        if self._bar is not None:
            self._bar.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
