"""The local scheduler: a pool of warm worker processes on this machine.

``jobs`` workers are forked from this process after it has imported the rendering stack and loaded the
dataset (:mod:`govreport.run.batch_server`), so a worker starts in the time its Chromium takes. Where ``fork``
is not used (:func:`govreport.run.worker.worker_start_method`) they are spawned and each imports and loads for
itself. Work is handed out one agency-year at a time, each worker holding at most ``inflight`` (default 2:
one report printing while the next executes); whoever finishes first gets the next. Results stream back in
completion order. While the workers start (Chromium starts while their first reports execute), this process
computes what the index page needs.

A worker that dies (killed, out of memory) fails the agency-years it held with the reason, and the others
carry on; a worker that cannot start at all (no Chromium) stops the batch with its error.
"""

from __future__ import annotations

import dataclasses
import gc
from collections import deque
from collections.abc import Callable, Iterator, Sequence

from govreport.core.errors import RenderError
from govreport.run.batch_server import ItemResult, ServerConfig, ServerHandle, start_forked, start_spawned, wait_ready

WorkItem = tuple[str, int, str | None]  # agency id, year, input hash


class LocalScheduler:
    name = "local"

    def __init__(self, config: ServerConfig, jobs: int) -> None:
        self.config = config
        self.jobs = max(1, int(jobs))
        self.workers: list[ServerHandle] = []
        self.started = 0  # how many workers this scheduler started

    def run(self, items: Sequence[WorkItem], *, while_starting: Callable[[], None] | None = None
            ) -> Iterator[ItemResult]:
        """Render ``items``; yields one result per item (in completion order). ``while_starting`` is called
        while the workers start their browsers (this process would only wait)."""
        from multiprocessing.connection import wait

        if not items:
            return
        from govreport.run.batch_server import warm_up
        from govreport.run.engine import preload
        from govreport.run.worker import worker_start_method

        n = min(self.jobs, len(items))
        typesets = self.config.layout == "official" and "pdf" in self.config.to
        if worker_start_method(typesets=typesets) == "spawn":  # no fork() here: each worker imports and loads
            self.workers = [start_spawned(self.config) for _ in range(n)]
            self.started = len(self.workers)
        else:
            preload(kernel=self.config.engine == "kernel")  # once here; the forked workers inherit it
            warm_up(self.config.data_dir)
            self.config = dataclasses.replace(self.config, warm=False)
            gc.collect()
            gc.freeze()  # keep the inherited pages shared: the workers' collectors never walk them
            try:
                self.workers = [start_forked(self.config) for _ in range(n)]
                self.started = len(self.workers)
            finally:
                gc.unfreeze()
        queue: deque[WorkItem] = deque(items)
        try:
            if while_starting is not None:
                while_starting()
            for w in self.workers:
                wait_ready(w)
            for w in self.workers:
                self._feed(w, queue)
            live = list(self.workers)
            while live and any(w.inflight for w in live):
                for conn in wait([w.conn for w in live if w.inflight]):
                    w = next(x for x in live if x.conn is conn)
                    try:
                        msg = conn.recv()
                    except (EOFError, OSError):
                        live.remove(w)
                        yield from self._lost(w)
                        continue
                    if msg[0] == "fatal":
                        raise msg[1]
                    if msg[0] == "done":
                        result: ItemResult = msg[1]
                        key = (result.agency_id, result.year)
                        if key in w.inflight:
                            w.inflight.remove(key)
                        elif w.inflight:  # a refused item reports the key as sent
                            w.inflight.pop(0)
                        yield result
                        self._feed(w, queue)
            if queue:  # every worker died
                for a, y, _ in queue:
                    yield ItemResult(a, y, False, error=RenderError("没有剩余的 batch 工作进程来生成它",
                                                                    hint="重新运行 batch 即可重试"))
        finally:
            self.close()

    def _feed(self, w: ServerHandle, queue: deque[WorkItem]) -> None:
        while queue and len(w.inflight) < max(1, self.config.inflight):
            a, y, h = queue.popleft()
            w.render(a, y, h)

    def _lost(self, w: ServerHandle) -> Iterator[ItemResult]:
        reason = RenderError(f"batch 工作进程 {w.pid} 在生成这份报告时意外停止",
                             hint="见上方的信息；重新运行 batch 即可重试")
        for a, y in w.inflight:
            yield ItemResult(a, y, False, error=reason, worker=w.pid)
        w.inflight.clear()
        w.terminate()

    def close(self) -> None:
        for w in self.workers:  # all at once: each closes its browser meanwhile
            w.ask_to_stop()
        for w in self.workers:
            w.stop()
        self.workers = []

    def terminate(self) -> None:
        for w in self.workers:
            w.terminate()
        self.workers = []
