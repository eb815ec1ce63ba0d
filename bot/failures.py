"""Failures logged without their messages. An exception's message may quote what a person sent (a question, a
button's value, a field of a request), and no request text goes into a log line; the exception's type, where it
was raised and the traceback's frames (code, not data) are enough to find the fault."""

from __future__ import annotations

import logging
import sys
import traceback


def describe(error: BaseException) -> str:
    """`ValueError at bot/x.py:12 in parse`: the type and the innermost frame, never the message."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return type(error).__name__
    last = frames[-1]
    return f"{type(error).__name__} at {last.filename}:{last.lineno} in {last.name}"


def frames(error: BaseException) -> str:
    """The traceback as Python prints it, minus the final "Type: message" line (and so minus the message)."""
    return "".join(traceback.format_list(traceback.extract_tb(error.__traceback__))).rstrip()


def log_failure(logger: logging.Logger, message: str, *args: object, error: BaseException | None = None) -> None:
    """Like logger.exception, but with the exception described by type and place. Call inside `except`, or pass
    `error`."""
    failure = error if error is not None else sys.exc_info()[1]
    if failure is None:
        logger.error(message, *args)
        return
    logger.error(f"{message}: %s\n%s", *args, describe(failure), frames(failure))
