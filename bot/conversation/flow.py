"""The one reply flow every platform shares: claim -> answer -> post -> draw -> attach -> done, with an
apology on error and a note when the chart can't be attached. Work runs on a bounded pool, paced per
destination. A store outage delays a reply (retried with backoff) rather than losing it; claims a dead
process left are finished here; a shutdown drains what it can and hands the rest to the next process."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from functools import partial

from bot.answer import Answer
from bot.briefbot import Briefbot
from bot.conversation.arrivals import Arrivals
from bot.conversation.cards import apology_card, busy_card, card_for, chart_note_card
from bot.conversation.ledger import DEFAULT_LEASE, EventLedger
from bot.conversation.messenger import Messenger, OutcomeUnknown
from bot.conversation.model import Card, ChartImage, Destination, Inbound, InboundKind
from bot.conversation.pacing import Later, TokenBucketPacer
from bot.failures import log_failure
from bot.store import StoreUnavailable

log = logging.getLogger(__name__)
KEEP_EVENTS = timedelta(days=3)
PRUNE_EVERY = timedelta(hours=1)
# Questions waiting beyond this get a polite "busy" reply instead of a place in the queue.
MAX_QUEUE = 500
# Store outages: try again after 1, 2, 4 ... 30 s, for about ten minutes, before giving up with an apology.
RETRY_DELAYS = (1, 2, 4, 8, 15, *([30] * 19))
# The same patience for a platform that is rate limiting or failing (handlers/retry_after.py): ten minutes.
RETRY_BUDGET = float(sum(RETRY_DELAYS))


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Conversation:
    def __init__(
        self,
        bot: Briefbot,
        *,
        workers: int = 16,
        pacer: TokenBucketPacer | None = None,
        ledger: EventLedger | None = None,
        lease: timedelta = DEFAULT_LEASE,
        retry_delays: tuple[float, ...] = RETRY_DELAYS,
        max_queue: int = MAX_QUEUE,
    ) -> None:
        self.bot = bot
        self.pacer = pacer or TokenBucketPacer()
        self.ledger = ledger or EventLedger(bot.store, owner=process_name(), lease=lease)
        self.retry_delays = retry_delays
        self.max_queue = max_queue
        # Busy replies have a lane of their own, so they are not stuck behind the queue they speak of.
        self.notes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="briefbot-busy")
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="briefbot-reply")
        self.later = Later(self._submit_untracked, self.pacer.clock)
        self.messengers: dict[str, Messenger] = {}
        # The HTTP front marks requests arriving; replies let their acknowledgements go first.
        self.arrivals = Arrivals()
        self._stop = threading.Event()
        self._keeper: threading.Thread | None = None
        self._busy = 0
        self._running: set[str] = set()
        self._closed = False
        self._idle = threading.Condition()

    def add_messenger(self, messenger: Messenger) -> None:
        self.messengers[messenger.platform] = messenger

    # -- taking questions ---------------------------------------------------------------------------------
    def submit(self, inbound: Inbound) -> Future[None] | None:
        """Claim durably, then answer in the background; None for an event already claimed.

        Raises StoreUnavailable when the claim can't be recorded: the platform must not be told it was
        received (Slack then retries it)."""
        if not self.ledger.claim(inbound):
            log.info("event %s already claimed", inbound.key)
            return None
        if self._busy >= self.max_queue:
            log.warning("event %s: %s replies waiting; answering busy", inbound.key, self._busy)
            messenger = self.messengers[inbound.platform]
            return self.notes.submit(self._close_with, messenger, inbound, busy_card())
        return self._run(lambda: self.respond(inbound), inbound.key)

    def respond(self, inbound: Inbound, already_posted: bool = False, attempt: int = 0) -> None:
        messenger = self.messengers[inbound.platform]
        self.arrivals.wait_quiet()
        try:
            answer = self._answer(inbound)
            if not already_posted and not self.ledger.still_mine(inbound.key):
                log.info("event %s was taken over by another process while this one waited", inbound.key)
                return
        except StoreUnavailable as error:
            self._retry(inbound, already_posted, attempt, error)
            return
        except Exception:
            log_failure(log, "could not answer event %s", inbound.key)
            self._close_with(messenger, inbound, apology_card())
            return
        if not already_posted and not self._post_answer(messenger, inbound, answer):
            return
        self._draw_and_attach(messenger, inbound, answer)

    def _answer(self, inbound: Inbound) -> Answer:
        if inbound.kind == InboundKind.BRIEF:
            return self.bot.brief(inbound.text)
        if inbound.thread_key is None:  # nowhere to follow up (an ephemeral answer): the question alone
            return self.bot.ask(inbound.text)
        return self.bot.ask(inbound.text, thread=inbound.thread_key)

    def _post_answer(self, messenger: Messenger, inbound: Inbound, answer: Answer) -> bool:
        try:
            message_id = self.post(messenger, inbound.reply_to, card_for(answer))
        except OutcomeUnknown:
            log.warning("event %s: the platform did not confirm the answer; not repeated, no apology", inbound.key)
            self._finish(inbound.key)
            return False
        except Exception:
            log_failure(log, "could not post the answer to event %s", inbound.key)
            self._close_with(messenger, inbound, apology_card())
            return False
        self._eventually(lambda: self.ledger.posted(inbound.key, message_id), f"mark {inbound.key} posted")
        return True

    def _draw_and_attach(self, messenger: Messenger, inbound: Inbound, answer: Answer) -> None:
        try:
            chart = self.bot.chart(answer)
        except Exception:
            log_failure(log, "could not draw the chart for event %s", inbound.key)
            self._close_with(messenger, inbound, chart_note_card())
            return
        if chart is None:
            self._finish(inbound.key)
            return
        # The chart takes the destination's next free slot; no worker sits waiting for it.
        to = inbound.reply_to
        self.later.at(
            self.pacer.reserve(to.pacing_key),
            partial(self._queue, lambda: self._attach(messenger, inbound, chart), inbound.key),
        )

    def post(self, messenger: Messenger, to: Destination, card: Card) -> str:
        """Post within the destination's pace (the digests and notes use this too)."""
        self.pacer.wait(to.pacing_key)
        return messenger.post(to, card)

    def _attach(self, messenger: Messenger, inbound: Inbound, chart: ChartImage) -> None:
        try:
            messenger.attach_chart(inbound.reply_to, chart)
        except Exception:
            log_failure(log, "chart upload failed for event %s", inbound.key)
            self._close_with(messenger, inbound, chart_note_card())
            return
        self._finish(inbound.key)

    def _close_with(self, messenger: Messenger, inbound: Inbound, card: Card) -> None:
        """One honest message, then the event is done."""
        try:
            self.post(messenger, inbound.reply_to, card)
        except Exception:
            log_failure(log, "could not post a note for event %s", inbound.key)
        self._finish(inbound.key)

    def _finish(self, key: str) -> None:
        self._eventually(lambda: self.ledger.done(key), f"mark {key} done")

    # -- store outages --------------------------------------------------------------------------------------
    def _retry(self, inbound: Inbound, already_posted: bool, attempt: int, error: StoreUnavailable) -> None:
        if attempt >= len(self.retry_delays):
            log.error("event %s: the store stayed unavailable (%s); apologising", inbound.key, error)
            self._close_with(self.messengers[inbound.platform], inbound, apology_card())
            return
        delay = self.retry_delays[attempt]
        log.warning("event %s waits %s s for the store (%s)", inbound.key, delay, error)
        self.later.at(self.pacer.clock() + delay, lambda: self.respond(inbound, already_posted, attempt + 1))

    def _eventually(self, work: Callable[[], None], what: str, attempt: int = 0) -> None:
        """A ledger write that must land: retried through a store outage (the reply itself already went)."""
        try:
            work()
        except StoreUnavailable as error:
            if attempt >= len(self.retry_delays):
                log.error("gave up trying to %s: %s", what, error)
                return
            delay = self.retry_delays[attempt]
            again = partial(self._eventually, work, what, attempt + 1)
            self.later.at(self.pacer.clock() + delay, partial(self._queue, again))

    # -- what a dead process left, and housekeeping ---------------------------------------------------------
    def recover(self) -> int:
        """Answer the events whose claim expired unfinished (their process died): each exactly once."""
        claims = self.ledger.take_over_expired(sorted(self.messengers))
        for claim in claims:
            inbound = Inbound.from_json(claim.payload)
            log.info("finishing event %s left by another process (attempt %s)", claim.key, claim.attempts)
            self._run(partial(self.respond, inbound, claim.posted_ref is not None), claim.key)
        return len(claims)

    def start(self) -> None:
        """Finish what a dead process left now, then keep leases fresh and old events pruned."""
        try:
            self.recover()
        except StoreUnavailable as error:
            log.warning("recovery waits for the store: %s", error)
        self._keeper = threading.Thread(target=self._keep, name="briefbot-ledger", daemon=True)
        self._keeper.start()

    def _keep(self) -> None:
        tick = max(self.ledger.lease.total_seconds() / 3, 0.05)
        since_prune = PRUNE_EVERY
        while not self._stop.wait(tick):
            try:
                self.ledger.renew()
                self.recover()
                since_prune += timedelta(seconds=tick)
                if since_prune >= PRUNE_EVERY:
                    self.ledger.prune(KEEP_EVENTS)
                    self.pacer.forget_idle()
                    since_prune = timedelta()
            except StoreUnavailable as error:
                log.warning("event ledger upkeep waits for the store: %s", error)

    # -- running and stopping -------------------------------------------------------------------------------
    def _run(self, work: Callable[[], None], key: str = "") -> Future[None] | None:
        """Work for one event on the pool, counted so a shutdown knows what is still running."""
        with self._idle:
            self._busy += 1

        def tracked() -> None:
            with self._idle:
                if self._closed:  # handed back to the store at shutdown: the next process does it
                    self._busy -= 1
                    return
                self._running.add(key)
            try:
                work()
            finally:
                with self._idle:
                    self._busy -= 1
                    self._running.discard(key)
                    self._idle.notify_all()

        try:
            return self.pool.submit(tracked)
        except RuntimeError:
            # Shutting down: the claim stays in the store and the next process answers it.
            with self._idle:
                self._busy -= 1
            log.info("event %s not started during shutdown; left for the next process", key)
            return None

    def _queue(self, work: Callable[[], None], key: str = "") -> None:
        """Later's hand-off: an event's next step goes on the pool, counted like any other."""
        self._run(work, key)

    def _submit_untracked(self, work: Callable[[], None]) -> None:
        # Everything given to Later is already wrapped in _run, which only hands it to the pool.
        work()

    def shutdown(self, grace: float = 20.0) -> None:
        """Finish what can be finished within `grace` seconds; hand the rest back to the store."""
        self._stop.set()
        if self._keeper is not None:
            self._keeper.join(timeout=5)
        self.later.stop()  # charts waiting for their slot go now
        deadline = time.monotonic() + grace
        with self._idle:
            self._idle.wait_for(lambda: self._busy == 0, timeout=max(deadline - time.monotonic(), 0))
            unfinished = self._busy
            self._closed = True
            running = set(self._running)
        self.pool.shutdown(wait=False, cancel_futures=True)
        # What never started is handed over at once; what is running finishes here (so no event is answered
        # by two processes), and whatever it could not finish (a chart with no slot left) goes after it.
        left = self._release(keep=running)
        self.pool.shutdown(wait=True)
        self.notes.shutdown(wait=True)
        left += self._release(keep=set())
        if left or unfinished:
            log.warning("shutdown: %s replies left for the next process", len(left))

    def _release(self, keep: set[str]) -> list[str]:
        try:
            return self.ledger.release(keep=keep)
        except StoreUnavailable as error:
            log.warning("could not hand back unfinished events (their leases will expire): %s", error)
            return []
