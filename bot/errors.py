"""Errors the core raises for its callers to handle, whatever the platform."""

from __future__ import annotations


class StoreUnavailable(RuntimeError):
    """The store could not be reached (down, restarting, or locked past its timeout): not the question's fault.
    Callers that can wait (chat replies) try again later rather than apologise at once."""
