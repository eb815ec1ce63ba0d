"""Retry-After as the platforms send it, read one way for all of them."""

from __future__ import annotations

import math


def retry_after(value: str | None, *, cap: float) -> float | None:
    """Seconds to wait ("2", "1.5"), within [0, cap]; None when absent or unreadable (the caller's backoff)."""
    try:
        seconds = float(value) if value is not None else math.nan
    except ValueError:
        return None
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), cap)
