"""Reading a platform's JSON strictly, one way for Slack and Teams: a field of the wrong type or shape is a
request the platform never sends, refused with 400 (Malformed) before anything acts on it. Reasons name the
field, never its content, so no request text reaches a log line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Malformed(ValueError):
    """A request of a shape the platform never sends: answered 400, its reason (a field's name) logged."""


def obj(raw: Mapping[str, Any], name: str, *, required: bool = False) -> Mapping[str, Any]:
    value = raw.get(name)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise Malformed(f"{name} is not an object")
    return value


def objects(raw: Mapping[str, Any], name: str) -> tuple[Mapping[str, Any], ...]:
    value = raw.get(name)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise Malformed(f"{name} is not a list of objects")
    return tuple(value)


def text(raw: Mapping[str, Any], name: str, *, limit: int, required: bool = False) -> str:
    value = raw.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Malformed(f"{name} is not text")
    if required and not value:
        raise Malformed(f"{name} is missing")
    if len(value) > limit:
        raise Malformed(f"{name} is too long")
    return value
