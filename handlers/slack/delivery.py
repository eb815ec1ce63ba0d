"""Answering off the request thread: a bounded pool, one message a second per channel, polite failures."""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot.service import Briefbot, RenderedChart
from handlers.slack.blocks import answer_blocks, apology, chart_note, fallback_text

log = logging.getLogger(__name__)


class ChannelPacer:
    """At most one message per `interval` seconds in each channel (Slack's posting limit)."""

    def __init__(self, interval: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.clock = clock
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, channel: str) -> float:
        """The clock time of this channel's next free slot, taken."""
        with self._lock:
            now = self.clock()
            slot = max(now, self._next.get(channel, now))
            self._next[channel] = slot + self.interval
        return slot

    def wait(self, channel: str) -> None:
        delay = self.reserve(channel) - self.clock()
        if delay > 0:
            time.sleep(delay)


class Later:
    """Runs work on the pool at a clock time, without a worker sitting idle until then."""

    def __init__(self, pool: ThreadPoolExecutor, clock: Callable[[], float] = time.monotonic) -> None:
        self.pool = pool
        self.clock = clock
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        self._order = 0
        self._wake = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="briefbot-later", daemon=True)
        self._thread.start()

    def at(self, when: float, work: Callable[[], None]) -> None:
        with self._wake:
            self._order += 1
            heapq.heappush(self._due, (when, self._order, work))
            self._wake.notify()

    def _run(self) -> None:
        with self._wake:
            while not self._stopped:
                if not self._due:
                    self._wake.wait()
                    continue
                delay = self._due[0][0] - self.clock()
                if delay > 0:
                    self._wake.wait(delay)
                    continue
                _, _, work = heapq.heappop(self._due)
                self.pool.submit(work)

    def stop(self) -> None:
        """Hand over whatever is still waiting, then stop."""
        with self._wake:
            self._stopped = True
            pending = [work for _, _, work in sorted(self._due)]
            self._due.clear()
            self._wake.notify()
        for work in pending:
            self.pool.submit(work)


@dataclass(frozen=True)
class Reply:
    """Where an answer goes: a channel, the thread to answer in (None for a DM's own flow), and why."""

    channel: str
    thread_ts: str | None
    question: str
    event_key: str


class Deliverer:
    def __init__(self, bot: Briefbot, client: WebClient, *, workers: int = 4, pacer: ChannelPacer | None = None):
        self.bot = bot
        self.client = client
        self.pacer = pacer or ChannelPacer()
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="briefbot-slack")
        self.later = Later(self.pool, self.pacer.clock)

    def submit(self, reply: Reply) -> Future[None]:
        return self.pool.submit(self.deliver, reply)

    def deliver(self, reply: Reply) -> None:
        try:
            answer = self.bot.ask(reply.question)
            self._post(reply, text=fallback_text(answer), blocks=answer_blocks(answer))
            chart = self.bot.chart(answer)
        except Exception:
            log.exception("could not answer event %s", reply.event_key)
            self._apologise(reply)
            return
        if chart is not None:
            # The chart takes the channel's next free slot; no worker sits waiting for it.
            self.later.at(self.pacer.reserve(reply.channel), lambda: self._upload(reply, chart))

    def _upload(self, reply: Reply, chart: RenderedChart) -> None:
        try:
            self.client.files_upload_v2(
                channel=reply.channel,
                thread_ts=reply.thread_ts,
                file=chart.png,
                filename="briefbot-chart.png",
                title=chart.title[:250],
                alt_txt=chart.alt_text[:1000],
            )
        except Exception:
            log.exception("chart upload failed for event %s", reply.event_key)
            self._post_quietly(reply, chart_note())

    def _post(self, reply: Reply, *, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        self.pacer.wait(reply.channel)
        self.client.chat_postMessage(channel=reply.channel, thread_ts=reply.thread_ts, text=text, blocks=blocks)

    def _post_quietly(self, reply: Reply, text: str) -> None:
        try:
            self._post(reply, text=text)
        except Exception:
            log.exception("could not post a note for event %s", reply.event_key)

    def _apologise(self, reply: Reply) -> None:
        self._post_quietly(reply, apology())

    def shutdown(self) -> None:
        self.later.stop()
        self.pool.shutdown(wait=True)
