"""Errors the composition root reports to whoever started briefbot."""

from __future__ import annotations


class SettingError(ValueError):
    """A setting with a value briefbot cannot use, or one that is missing; the message names it."""
