"""The one reply flow every platform shares: claim -> answer -> post -> draw -> attach -> done, with an
apology on error and a note when the chart can't be attached. Work runs on a bounded pool, paced per
destination; claims a dead process left are finished here."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.answers import Answer
from bot.conversation.cards import apology_card, card_for, chart_note_card
from bot.conversation.ledger import DEFAULT_LEASE, EventLedger
from bot.conversation.messenger import Messenger
from bot.conversation.model import Card, Destination, Inbound
from bot.conversation.pacing import Later, TokenBucketPacer
from bot.service import Briefbot

if TYPE_CHECKING:
    from charts.render import RenderedChart

log = logging.getLogger(__name__)
KEEP_EVENTS = timedelta(days=3)
PRUNE_EVERY = timedelta(hours=1)


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
    ) -> None:
        self.bot = bot
        self.pacer = pacer or TokenBucketPacer()
        self.ledger = ledger or EventLedger(bot.sessions, bot.writing, owner=process_name(), lease=lease)
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="briefbot-reply")
        self.later = Later(self.pool, self.pacer.clock)
        self.messengers: dict[str, Messenger] = {}
        self._stop = threading.Event()
        self._keeper: threading.Thread | None = None

    def add_messenger(self, messenger: Messenger) -> None:
        self.messengers[messenger.platform] = messenger

    # -- taking questions ---------------------------------------------------------------------------------
    def submit(self, inbound: Inbound) -> Future[None] | None:
        """Claim and answer in the background; None for an event already answered (or being answered)."""
        if not self.ledger.claim(inbound):
            log.info("event %s already claimed", inbound.key)
            return None
        return self.pool.submit(self.respond, inbound)

    def respond(self, inbound: Inbound, already_posted: bool = False) -> None:
        messenger = self.messengers[inbound.platform]
        to = inbound.reply_to
        try:
            answer = self._answer(inbound)
            if not already_posted:
                message_id = self.post(messenger, to, card_for(answer))
                self.ledger.posted(inbound.key, message_id)
            chart = self.bot.chart(answer)
        except Exception:
            log.exception("could not answer event %s", inbound.key)
            self._post_quietly(messenger, to, apology_card(), inbound.key)
            self.ledger.done(inbound.key)
            return
        if chart is None:
            self.ledger.done(inbound.key)
            return
        # The chart takes the destination's next free slot; no worker sits waiting for it.
        self.later.at(self.pacer.reserve(to.pacing_key), lambda: self._attach(messenger, to, chart, inbound.key))

    def _answer(self, inbound: Inbound) -> Answer:
        ask: Callable[[str], Answer] = self.bot.brief if inbound.kind == "brief" else self.bot.ask
        return ask(inbound.text)

    def post(self, messenger: Messenger, to: Destination, card: Card) -> str:
        """Post within the destination's pace (the digests and notes use this too)."""
        self.pacer.wait(to.pacing_key)
        return messenger.post(to, card)

    def _attach(self, messenger: Messenger, to: Destination, chart: RenderedChart, key: str) -> None:
        try:
            messenger.attach_chart(to, chart)
        except Exception:
            log.exception("chart upload failed for event %s", key)
            self._post_quietly(messenger, to, chart_note_card(), key)
        finally:
            self.ledger.done(key)

    def _post_quietly(self, messenger: Messenger, to: Destination, card: Card, key: str) -> None:
        try:
            self.post(messenger, to, card)
        except Exception:
            log.exception("could not post a note for event %s", key)

    # -- what a dead process left, and housekeeping ---------------------------------------------------------
    def recover(self) -> int:
        """Answer the events whose claim expired unfinished (their process died): each exactly once."""
        claims = self.ledger.take_over_expired(sorted(self.messengers))
        for claim in claims:
            inbound = Inbound.from_json(claim.payload)
            log.info("finishing event %s left by another process (attempt %s)", claim.key, claim.attempts)
            self.pool.submit(self.respond, inbound, claim.posted_ref is not None)
        return len(claims)

    def start(self) -> None:
        """Finish what a dead process left now, then keep leases fresh and old events pruned."""
        self.recover()
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
            except Exception:
                # A database blip: leases and recovery try again next tick.
                log.exception("event ledger upkeep failed")

    def shutdown(self) -> None:
        self._stop.set()
        if self._keeper is not None:
            self._keeper.join(timeout=5)
        self.later.stop()
        self.pool.shutdown(wait=True)
