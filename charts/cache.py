"""Rendered charts cached by content: identical input gives identical bytes, and the second time costs nothing."""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from charts.render import RenderedChart, render
from charts.specs import ChartSpec

log = logging.getLogger(__name__)
# The disk cache is trimmed every this many new charts (a directory listing is not free).
EVICT_EVERY = 50


def content_key(spec: ChartSpec) -> str:
    # Specs are frozen dataclasses of plain values, so their repr is a faithful, stable description.
    return hashlib.sha256(repr(spec).encode("utf-8")).hexdigest()


Renderer = Callable[[ChartSpec], RenderedChart]


class ChartTimeout(TimeoutError):
    """A chart took longer than a reply can wait; the answer goes without it."""


class ProcessRenderer:
    """Renders in worker processes: matplotlib is CPU-bound and holds the GIL, which would otherwise slow
    every other thread (Slack acknowledgements included). Workers start warm, with matplotlib imported.

    A worker that dies (killed, out of memory) or hangs past `timeout` is replaced by a fresh pool, so one bad
    render never stops the charts that follow."""

    def __init__(self, workers: int = 2, timeout: float = 20.0, draw: Renderer = render) -> None:
        self.workers = workers
        self.timeout = timeout
        self.draw = draw  # a module-level function: it is sent to the workers by name
        self._lock = threading.Lock()
        self.pool = self._new_pool()
        self.restarts = 0

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_warm
        )

    def start(self) -> None:
        """Start the workers now (each imports matplotlib and draws once) rather than on the first chart."""
        for future in [self.pool.submit(_ready) for _ in range(self.workers)]:
            future.result()

    def alive(self) -> bool:
        try:
            return bool(self.pool.submit(_ready).result(timeout=self.timeout))
        except Exception:
            return False

    def __call__(self, spec: ChartSpec) -> RenderedChart:
        for attempt in (1, 2):
            pool = self.pool
            try:
                return pool.submit(self.draw, spec).result(timeout=self.timeout)
            except BrokenProcessPool:
                self._replace(pool, reason="a chart worker died")
                if attempt == 2:
                    raise
            except FutureTimeout:
                self._replace(pool, reason=f"a chart took over {self.timeout:g} s")
                raise ChartTimeout(spec.title) from None
        raise AssertionError("unreachable")

    def _replace(self, broken: ProcessPoolExecutor, *, reason: str) -> None:
        with self._lock:
            if self.pool is not broken:
                return  # another thread already replaced it
            log.warning("restarting the chart workers: %s", reason)
            # A hung worker never returns: stop it, or it holds its slot (and a core) for ever.
            for process in list(getattr(broken, "_processes", {}).values()):
                process.kill()
            broken.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new_pool()
            self.restarts += 1

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True)


def _ready() -> bool:
    return True


def _warm() -> None:
    from charts.examples import TREND

    render(TREND)


def _write_private(path: Path, data: bytes) -> None:
    """Written whole (a temporary file renamed) and readable by this user only."""
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    temporary.replace(path)


class ChartCache:
    """In memory (LRU, max_items) and optionally on disk (LRU by last use, max_disk_items, files 0600)."""

    def __init__(
        self,
        max_items: int = 256,
        directory: Path | None = None,
        renderer: Renderer = render,
        max_disk_items: int = 2000,
    ) -> None:
        self.max_items = max_items
        self.max_disk_items = max_disk_items
        self.directory = directory
        self.renderer = renderer
        self._memory: OrderedDict[str, RenderedChart] = OrderedDict()
        self._lock = threading.Lock()
        self._rendering: dict[str, threading.Lock] = {}
        self._disk_writes = 0
        if directory is not None:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)

    def render(self, spec: ChartSpec) -> RenderedChart:
        key = content_key(spec)
        cached = self._cached(key)
        if cached is not None:
            return cached
        with self._lock:
            flight = self._rendering.setdefault(key, threading.Lock())
        # Single flight: when several people ask the same question at once, one renders and the rest wait.
        with flight:
            cached = self._cached(key)
            if cached is not None:
                return cached
            chart = self._from_disk(key, spec.title) or self.renderer(spec)
            self._to_disk(key, chart)
            with self._lock:
                self._memory[key] = chart
                while len(self._memory) > self.max_items:
                    self._memory.popitem(last=False)
                self._rendering.pop(key, None)
        return chart

    def _cached(self, key: str) -> RenderedChart | None:
        with self._lock:
            if key in self._memory:
                self._memory.move_to_end(key)
                return self._memory[key]
        return None

    def _from_disk(self, key: str, title: str) -> RenderedChart | None:
        if self.directory is None:
            return None
        png, alt = self.directory / f"{key}.png", self.directory / f"{key}.txt"
        try:
            chart = RenderedChart(png.read_bytes(), alt.read_text(encoding="utf-8"), title)
            os.utime(png)  # last use, for eviction
        except OSError:
            return None  # not there, or evicted by another process meanwhile
        return chart

    def _to_disk(self, key: str, chart: RenderedChart) -> None:
        if self.directory is None:
            return
        png = self.directory / f"{key}.png"
        if png.is_file():
            return
        _write_private(self.directory / f"{key}.txt", chart.alt_text.encode("utf-8"))
        _write_private(png, chart.png)
        self._disk_writes += 1
        if self._disk_writes % EVICT_EVERY == 0:
            self.evict()

    def evict(self) -> int:
        """Drop the least recently used charts beyond max_disk_items; returns how many went."""
        if self.directory is None:
            return 0
        pngs = []
        for path in self.directory.glob("*.png"):
            try:
                pngs.append((path.stat().st_mtime, path))
            except OSError:
                continue
        pngs.sort()
        excess = pngs[: max(len(pngs) - self.max_disk_items, 0)]
        for _, path in excess:
            path.unlink(missing_ok=True)
            path.with_suffix(".txt").unlink(missing_ok=True)
        return len(excess)
