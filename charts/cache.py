"""Rendered charts cached by content: identical input gives identical bytes, and the second time costs nothing."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

from charts.render import RenderedChart, render
from charts.specs import ChartSpec


def content_key(spec: ChartSpec) -> str:
    # Specs are frozen dataclasses of plain values, so their repr is a faithful, stable description.
    return hashlib.sha256(repr(spec).encode("utf-8")).hexdigest()


class ChartCache:
    def __init__(self, max_items: int = 256, directory: Path | None = None) -> None:
        self.max_items = max_items
        self.directory = directory
        self._memory: OrderedDict[str, RenderedChart] = OrderedDict()
        self._lock = threading.Lock()
        self._rendering: dict[str, threading.Lock] = {}
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)

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
            chart = self._from_disk(key, spec.title) or render(spec)
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
        if png.is_file() and alt.is_file():
            return RenderedChart(png.read_bytes(), alt.read_text(encoding="utf-8"), title)
        return None

    def _to_disk(self, key: str, chart: RenderedChart) -> None:
        if self.directory is None:
            return
        png = self.directory / f"{key}.png"
        if not png.is_file():
            temporary = png.with_suffix(".tmp")
            temporary.write_bytes(chart.png)
            temporary.replace(png)
            (self.directory / f"{key}.txt").write_text(chart.alt_text, encoding="utf-8")
