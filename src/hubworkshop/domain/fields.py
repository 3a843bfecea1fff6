"""What a field read from a file (an archive, another copy of the workshop) must be: the
same rules as typed input, so a file is data, never a way in.

Each check returns None when the value is acceptable, else what is wrong, as a phrase the
reader puts after the file and the field (`copy.db: contributions[7].language: …`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from hubworkshop.domain.languages import language_code
from hubworkshop.domain.model import Consent, Kind
from hubworkshop.domain.names import clean_name

MAX_JSON_DEPTH = 32
"""The archive nests five levels deep, an event's payload three; 32 is no workshop's."""

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_UID = re.compile(r"[0-9a-f]{16,64}")
_KINDS = frozenset(k.value for k in Kind)
_CONSENTS = frozenset(c.value for c in Consent)


def bad_id(value: Any) -> str | None:
    """A contribution, room, question or role id: letters, digits and `._:-`, at most 64."""
    if isinstance(value, str) and _ID.fullmatch(value):
        return None
    return _why("is not an id (letters, digits and ._:- only, at most 64)", value)


def bad_uid(value: Any) -> str | None:
    """A row's random stable id: lower-case hexadecimal."""
    if isinstance(value, str) and _UID.fullmatch(value):
        return None
    return _why("is not a stable id (hexadecimal)", value)


def bad_language(value: Any) -> str | None:
    """An ISO 639-1 code as stored (`fr`, `pt-BR`), exactly as typed input is stored."""
    if isinstance(value, str):
        try:
            if language_code(value) == value:
                return None
        except ValueError:
            pass
    return _why("is not an ISO 639-1 language code such as en or pt-BR", value)


def bad_name(value: Any) -> str | None:
    """A person's name: text without control characters, stored as it is cleaned."""
    if (
        isinstance(value, str)
        and value
        and clean_name(value) == value
        and not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in value)
        and len(value) <= 200
    ):
        return None
    return _why("is not a name (one line of text, at most 200 characters)", value)


def bad_text(value: Any, *, empty: bool = False) -> str | None:
    """Text as typed: a string of valid Unicode (not blank unless `empty`)."""
    if isinstance(value, str) and (empty or value.strip()):
        try:
            value.encode("utf-8")
            return None
        except UnicodeEncodeError:
            pass
    return _why("is not text", value)


def bad_time(value: Any) -> str | None:
    """A time stamp as the workshop stores them (ISO 8601, UTC)."""
    if isinstance(value, str) and len(value) <= 40:
        try:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return None
        except ValueError:
            pass
    return _why("is not a time such as 2021-11-27T13:25:00.000Z", value)


def bad_date(value: Any) -> str | None:
    if isinstance(value, str):
        try:
            dt.date.fromisoformat(value)
            return None
        except ValueError:
            pass
    return _why("is not a date such as 2021-12-15", value)


def bad_kind(value: Any) -> str | None:
    return None if value in _KINDS else _why("is not a kind of contribution", value)


def bad_consent(value: Any) -> str | None:
    return None if value in _CONSENTS else _why("is not a consent level", value)


def bad_count(value: Any, low: int, high: int) -> str | None:
    """A whole number from `low` to `high`."""
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return None
    return f"is not a whole number from {low} to {high} ({_shown(value)})"


def json_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON text nests arrays and objects deeper than `limit` (checked before it is
    parsed: a 200,000-deep document would exhaust the parser's stack)."""
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def merge_cycle(merged_into: dict[str, str | None]) -> list[str] | None:
    """Ids merged into each other in a ring (a → b → a), if any: such points would vanish
    from every export."""
    done: set[str] = set()
    for start in merged_into:
        path: list[str] = []
        seen: set[str] = set()
        node: str | None = start
        while node is not None and node not in done:
            if node in seen:
                return path[path.index(node) :]
            seen.add(node)
            path.append(node)
            node = merged_into.get(node)
        done.update(path)
    return None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _why(message: str, value: Any) -> str:
    return f"{message} ({_shown(value)})"
