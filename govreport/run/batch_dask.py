"""The Dask scheduler: the same batch on the workers of a ``dask.distributed`` cluster.

``govreport batch --scheduler dask --dask-address tcp://HOST:PORT`` connects to a running cluster and
registers a worker plugin (:class:`RendererPlugin`). On every Dask worker the plugin starts one warm batch
worker process per worker thread (:func:`govreport.run.batch_server.start_spawned`: its own interpreter, its
own Chromium, the dataset loaded once) and keeps it for the whole batch; each Dask task renders one
agency-year through it and returns a small :class:`~govreport.run.batch_server.ItemResult`. So the isolation
is the local one — every report executes in a fresh child of a warm worker (forked where ``fork`` is used:
:mod:`govreport.run.worker`) — and the Dask worker process itself (multi-threaded, daemonic) never forks.
When the batch ends the plugin is unregistered and the worker processes stop.

The cluster's workers must see the data directory and the output directory at the same paths as this
machine (a shared file system): they read the dataset and write the reports there, staged and renamed
exactly as locally. Tasks are submitted with ``pure=False``; if a Dask worker dies, Dask runs its tasks
again elsewhere, and a render that was half-way leaves only a hidden staging directory behind.
"""

from __future__ import annotations

import queue
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from govreport.core.errors import DependencyError, GovreportError, ParameterError, RenderError
from govreport.run.batch_server import ItemResult, ServerConfig, ServerHandle, start_spawned, wait_ready

WorkItem = tuple[str, int, str | None]


def _worker_plugin_base() -> type:
    try:
        from distributed.diagnostics.plugin import WorkerPlugin
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise DependencyError("--scheduler dask 需要 dask.distributed",
                              hint="安装：pip install 'govreport[dask]'") from None
    return WorkerPlugin


class RendererPlugin:
    """A Dask worker plugin holding warm batch workers (one per Dask worker thread).

    Built by :func:`make_plugin` (a subclass of Dask's ``WorkerPlugin``, imported only when Dask is used)."""

    def __init__(self, config: ServerConfig, name: str) -> None:
        self.config = config
        self.name = name

    def setup(self, worker: Any) -> None:
        self._free: queue.SimpleQueue[ServerHandle] = queue.SimpleQueue()
        self._all: list[ServerHandle] = []
        self._lock = threading.Lock()
        for _ in range(max(1, int(getattr(worker.state, "nthreads", 1) or 1))):
            self._add()  # starts warming up now (imports, dataset, Chromium) while tasks are being sent

    def _add(self) -> None:
        handle = start_spawned(self.config)
        with self._lock:
            self._all.append(handle)
        self._free.put(handle)

    def teardown(self, worker: Any) -> None:
        with self._lock:
            handles, self._all = list(self._all), []
        for h in handles:
            h.stop()

    def render(self, agency_id: str, year: int, data_hash: str | None) -> ItemResult:
        handle = self._free.get()
        try:
            if not handle.ready:
                wait_ready(handle)  # a worker that cannot start (no Chromium) raises its error
            handle.render(agency_id, year, data_hash)
            msg = handle.conn.recv()
            handle.inflight.clear()
            return msg[1]
        except (EOFError, OSError):
            handle.terminate()
            with self._lock:
                if handle in self._all:
                    self._all.remove(handle)
            self._add()
            return ItemResult(agency_id, int(year), False, error=RenderError(
                f"batch 工作进程 {handle.pid} 在生成这份报告时意外停止",
                hint="重新运行 batch 即可重试"))
        finally:
            if handle in self._all:
                self._free.put(handle)


def make_plugin(config: ServerConfig, name: str) -> Any:
    base = _worker_plugin_base()
    cls = type("GovreportRendererPlugin", (RendererPlugin, base), {"__module__": __name__})
    return cls(config, name)


def _render_task(plugin: str, agency_id: str, year: int, data_hash: str | None) -> ItemResult:
    """A Dask task: render one agency-year with this worker's warm batch worker."""
    from distributed import get_worker

    return get_worker().plugins[plugin].render(agency_id, year, data_hash)


class DaskScheduler:
    name = "dask"

    def __init__(self, config: ServerConfig, address: str, *, connect_timeout: float | str | None = None) -> None:
        self.config = config
        self.address = address
        self.connect_timeout = connect_timeout
        self.started = 0  # Dask workers used
        self._client: Any = None
        self._futures: list[Any] = []

    def run(self, items: Sequence[WorkItem], *, while_starting: Callable[[], None] | None = None
            ) -> Iterator[ItemResult]:
        if not items:
            return
        _worker_plugin_base()
        import dask
        from distributed import Client, as_completed

        # Dask's own setting (distributed.comm.timeouts.connect, e.g. DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=5s)
        timeout = self.connect_timeout or dask.config.get("distributed.comm.timeouts.connect")
        try:
            client = Client(self.address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ParameterError(f"无法连接 {self.address} 的 Dask 调度器：{exc}",
                                 hint="先启动调度器（dask scheduler，再 dask worker 地址），或改正 --dask-address"
                                 ) from None
        self._client = client
        token = uuid.uuid4().hex[:10]
        name = f"govreport-batch-{token}"
        try:
            self.started = len(client.scheduler_info().get("workers", {}))
            client.register_plugin(make_plugin(self.config, name), name=name)
            self._futures = client.map(_render_task, [name] * len(items), [a for a, _, _ in items],
                                       [y for _, y, _ in items], [h for _, _, h in items], pure=False,
                                       key=[f"govreport-{a}-{y}-{token}" for a, y, _ in items])
            by_future = {f.key: (a, y) for f, (a, y, _) in zip(self._futures, items, strict=True)}
            if while_starting is not None:
                while_starting()
            for fut in as_completed(self._futures, loop=client.loop):
                try:
                    yield fut.result()
                except GovreportError as exc:
                    if isinstance(exc, DependencyError):
                        raise  # no Chromium on a worker: every report would fail the same way
                    a, y = by_future[fut.key]
                    yield ItemResult(a, y, False, error=exc)
                except Exception as exc:  # a task that Dask could not run (e.g. its workers kept dying)
                    a, y = by_future[fut.key]
                    yield ItemResult(a, y, False, error=RenderError(f"{type(exc).__name__}: {exc}"))
        finally:
            self.close(name)

    def close(self, name: str | None = None) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            if self._futures:
                client.cancel(self._futures)
            if name is not None:
                client.unregister_worker_plugin(name)
        except Exception:  # closing must never mask the real error
            pass
        finally:
            self._futures = []
            client.close()

    def terminate(self) -> None:
        self.close()
