"""Each chat thread's last question, so a follow-up in the same thread ("and 2022?") is read with it.

A thread is named by a key its platform gives (Slack: channel and thread ts; Teams: the conversation id with its
reply chain; the command line: a session name), stored as a digest. The question is kept as the JSON the
language layer writes; this module never reads inside it. Nothing here commits: the caller's Store.write does.

Like the event ledger this is working state, not a change to figures, settings or anyone's choices, so it
writes no audit row: an audit row per question asked would be a log of who asked what, which nobody needs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from data.db import as_utc, rows_matched
from data.models import ThreadContext


@dataclass(frozen=True)
class AskedBefore:
    """The last question in a thread, as the language layer stored it, and when it was asked."""

    question: dict[str, Any]
    asked_at: datetime


def thread_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def recall(session: Session, key: str) -> AskedBefore | None:
    """The thread's last question however old (the caller decides what has expired), or None."""
    row = session.get(ThreadContext, thread_digest(key))
    return None if row is None else AskedBefore(dict(row.question), as_utc(row.asked_at))


def remember(session: Session, key: str, question: dict[str, Any], asked_at: datetime) -> None:
    """Keep `question` as the thread's last. Two questions in one thread at once: the later write wins, on
    either backend, in one statement (as the import lock's claim does): a follow-up's thread always has a row."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = {"question": question, "asked_at": asked_at}
    statement = (
        dialect.insert(ThreadContext)
        .values(thread=thread_digest(key), **values)
        .on_conflict_do_update(index_elements=[ThreadContext.thread], set_=values)
    )
    session.execute(statement)


def forget_before(session: Session, before: datetime) -> int:
    """Drop the questions asked before `before`; how many went."""
    return rows_matched(session.execute(delete(ThreadContext).where(ThreadContext.asked_at < before)))
