"""The store's record of chat events: claimed with a lease, posted, done. What makes "acknowledged means
answered" and "never twice" hold across crashes, restarts and replicas."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from bot.conversation.model import Inbound
from bot.store import Store
from data.chat import ledger
from data.chat.ledger import Claim, ClaimRequest

DEFAULT_LEASE = timedelta(seconds=60)


def utc_now() -> datetime:
    return datetime.now(UTC)


class _PendingClaim:
    def __init__(self, inbound: Inbound) -> None:
        self.inbound = inbound
        self.claimed = False
        self.error: Exception | None = None
        self.settled = False


class EventLedger:
    """Every method raises StoreUnavailable when the store cannot be reached."""

    def __init__(
        self,
        store: Store,
        *,
        owner: str,
        lease: timedelta = DEFAULT_LEASE,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.owner = owner
        self.lease = lease
        self.now = now
        self._held: set[str] = set()
        self._lock = threading.Lock()
        self._claiming = threading.Lock()
        self._waiting: list[_PendingClaim] = []

    def claim(self, inbound: Inbound) -> bool:
        """First sight of this event under any of its keys: it is now this process's to answer.

        The platform's acknowledgement waits on this write, so claims that arrive together share one: whoever
        gets to write first claims for everyone waiting, and the rest find their answer already there."""
        pending = _PendingClaim(inbound)
        with self._lock:
            self._waiting.append(pending)
        with self._claiming:
            if not pending.settled:
                self._claim_waiting()
        if pending.error is not None:
            raise pending.error
        return pending.claimed

    def _claim_waiting(self) -> None:
        with self._lock:
            batch, self._waiting = self._waiting, []
        requests = [ClaimRequest(pending.inbound.keys, pending.inbound.to_json()) for pending in batch]
        try:
            # Urgent: acknowledgements wait on this write; replies being marked done can wait instead.
            with self.store.write(urgent=True) as session:
                results = ledger.claim_events(session, requests, owner=self.owner, now=self.now(), lease=self.lease)
        except Exception as error:
            for pending in batch:
                pending.error, pending.settled = error, True
            return
        for pending, claimed in zip(batch, results, strict=True):
            if claimed:
                self._hold(pending.inbound.key)
            pending.claimed, pending.settled = claimed, True

    def still_mine(self, key: str) -> bool:
        """Checked just before posting: the lease is extended, or another process has the event now."""
        with self.store.write() as session:
            return ledger.reassert(session, key, owner=self.owner, until=self.now() + self.lease)

    def posted(self, key: str, message_id: str) -> None:
        with self.store.write() as session:
            ledger.mark_posted(session, key, message_id)

    def done(self, key: str) -> None:
        with self.store.write() as session:
            ledger.mark_done(session, key)
        with self._lock:
            self._held.discard(key)

    def renew(self) -> None:
        held = self.held()
        if held:
            with self.store.write() as session:
                ledger.renew(session, held, owner=self.owner, until=self.now() + self.lease)

    def release(self, keep: set[str] | None = None) -> list[str]:
        """Hand back what this process did not start (all but `keep`); the next process takes it over at once."""
        held = [key for key in self.held() if key not in (keep or set())]
        if held:
            with self.store.write() as session:
                ledger.release(session, held, owner=self.owner, now=self.now())
        return held

    def held(self) -> list[str]:
        with self._lock:
            return sorted(self._held)

    def take_over_expired(self, platforms: Sequence[str]) -> list[Claim]:
        """Events a dead process claimed and never finished, on these platforms; each goes to one live process."""
        prefixes = [f"{platform}:" for platform in platforms]
        with self.store.write() as session:
            claims = ledger.take_over_expired(
                session, owner=self.owner, now=self.now(), lease=self.lease, prefixes=prefixes
            )
        for claim in claims:
            self._hold(claim.key)
        return claims

    def prune(self, keep: timedelta) -> int:
        with self.store.write() as session:
            return ledger.prune_events(session, older_than=self.now() - keep)

    def state(self, key: str) -> str | None:
        with self.store.read() as session:
            return ledger.event_state(session, key)

    def _hold(self, key: str) -> None:
        with self._lock:
            self._held.add(key)
