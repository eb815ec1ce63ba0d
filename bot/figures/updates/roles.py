"""Who may change figures: officers (by user id, or as members of a chat user group) and admins. Everyone
else reads. The group's members come from the platform (Slack's usergroups.users.list) and are cached for
a few minutes, so a busy morning of edits asks the platform once."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)
GROUP_CACHE_SECONDS = 300.0
GroupMembers = Callable[[str], frozenset[str]]  # group id -> user ids; raises when the platform can't say


@dataclass(frozen=True)
class Access:
    """The settings: officers' and admins' user ids, and the user group whose members are officers."""

    officers: frozenset[str] = frozenset()
    admins: frozenset[str] = frozenset()
    officer_group: str = ""


@dataclass(frozen=True)
class Actor:
    """Who is asking, on which platform. `id` is the platform's user id; `name` is what history shows."""

    platform: str
    id: str
    name: str = ""

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.id}"

    @property
    def shown(self) -> str:
        return self.name or self.id


@dataclass
class Roles:
    access: Access = field(default_factory=Access)
    group_members: GroupMembers | None = None
    # The command line is run by whoever runs the server: it is trusted as an officer.
    trusted_platforms: frozenset[str] = frozenset({"cli"})
    cache_seconds: float = GROUP_CACHE_SECONDS
    clock: Callable[[], float] = time.monotonic
    _cached: tuple[float, frozenset[str]] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def is_admin(self, actor: Actor) -> bool:
        return actor.platform in self.trusted_platforms or actor.id in self.access.admins

    def is_officer(self, actor: Actor) -> bool:
        if self.is_admin(actor) or actor.id in self.access.officers:
            return True
        return bool(self.access.officer_group) and actor.id in self._group()

    def _group(self) -> frozenset[str]:
        with self._lock:
            now = self.clock()
            if self._cached is not None and now - self._cached[0] < self.cache_seconds:
                return self._cached[1]
            if self.group_members is None:
                return frozenset()
            try:
                members = self.group_members(self.access.officer_group)
            except Exception as error:
                # A platform hiccup: keep the last list we had rather than lock officers out (or let others in).
                log.warning("could not read officer group %s: %s", self.access.officer_group, error)
                return self._cached[1] if self._cached else frozenset()
            self._cached = (now, members)
            return members
