"""What `serve` lets in and what it prints: its limits (sessions, browsers, a burst from one
address, a terminal's size) and the redaction of every secret from its output.
`cli/serve.py` says why each exists."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from hubworkshop.domain.model import UserRole

TOKEN_COOKIE, BROWSER_COOKIE = "hubworkshop_token", "hubworkshop_browser"
MAX_WIDTH, MAX_HEIGHT = 500, 200
"""The largest terminal a session may ask for (a 12000 x 12000 one grew its app to 1.2 GB)."""
BURST, PER_SECOND, LONGEST_WAIT = 10, 2.0, 30.0
"""Sessions one address may open at once, then how many a second, and how long one waits."""


class Limits:
    """What one server allows: sessions in all, per browser, and how fast one address opens
    them (a token bucket per address: a burst, then a steady rate; past the longest wait,
    refused)."""

    def __init__(
        self, sessions: int, per_browser: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.sessions, self.per_browser, self.clock = sessions, per_browser, clock
        self.open: dict[object, tuple[str, UserRole]] = {}  # session -> its browser, role
        self._buckets: dict[str, tuple[float, float]] = {}  # address -> (tokens, when)

    @property
    def kept_for_facilitators(self) -> int:
        """Sessions only the facilitators' link may take: whoever holds the note-takers'
        link can never fill the room and lock out the people who run it."""
        return min(max(2, self.sessions // 10), self.sessions - 1)

    def full(self, role: UserRole = UserRole.FACILITATOR) -> bool:
        if role is UserRole.FACILITATOR:
            return len(self.open) >= self.sessions
        note_takers = sum(1 for _b, r in self.open.values() if r is UserRole.NOTE_TAKER)
        return (
            len(self.open) >= self.sessions
            or note_takers >= self.sessions - self.kept_for_facilitators
        )

    def browser_full(self, browser: str) -> bool:
        return sum(1 for b, _r in self.open.values() if b == browser) >= self.per_browser

    def wait_for(self, address: str) -> float | None:
        """Seconds this address waits before its next session opens (0: now), or None when
        it would wait too long. Taking the turn is counted at once."""
        now = self.clock()
        tokens, when = self._buckets.get(address, (float(BURST), now))
        tokens = min(float(BURST), tokens + (now - when) * PER_SECOND) - 1
        wait = max(0.0, -tokens / PER_SECOND)
        if wait > LONGEST_WAIT:
            return None
        self._buckets[address] = (tokens, now)
        if len(self._buckets) > 10_000:  # addresses long quiet are forgotten
            self._buckets = {
                a: b for a, b in self._buckets.items() if now - b[1] < BURST / PER_SECOND
            }
        return wait


SECRET_VALUES = re.compile(
    rf"((?:token|{TOKEN_COOKIE}|{BROWSER_COOKIE})=|browser-)[^&;\s\"']+", re.IGNORECASE
)
"""A secret's or a browser id's value, after its name: in a query, a cookie, a terminal id."""


class Redacting(logging.Formatter):
    """Every line `serve` logs, tracebacks included, with each secret and cookie value
    replaced by `…`: the console may be on a shared screen, and logs get pasted."""

    def __init__(self, secrets_: list[str]) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")
        self.secrets = [s for s in secrets_ if s]

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


def redact(text: str, secrets_: list[str]) -> str:
    for secret in secrets_:
        text = text.replace(secret, "…").replace(quote(secret, safe=""), "…")
    return SECRET_VALUES.sub(r"\1…", text)


class Redacted:
    """A text stream that redacts what is written to it (`redact`)."""

    def __init__(self, stream: Any, secrets_: list[str]) -> None:
        self.stream, self.secrets = stream, secrets_

    def write(self, text: str) -> int:
        return int(self.stream.write(redact(text, self.secrets)))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def terminal_size(width: object, height: object) -> tuple[int, int]:
    """The terminal a session asked for, within 20 x 10 and MAX_WIDTH x MAX_HEIGHT."""
    return _within(width, 80, 20, MAX_WIDTH), _within(height, 24, 10, MAX_HEIGHT)


def _within(value: object, default: int, low: int, high: int) -> int:
    try:
        number = int(value) if isinstance(value, int | str) else default
    except ValueError:
        number = default
    return max(low, min(number, high))


def browser_signing_key() -> bytes:
    """The key that signs browser ids, kept in the state folder (readable by this account
    only) so that a restarted `serve` (a leaked link, a new token) still knows each browser:
    it comes back to its room as itself. A key that cannot be read or kept is a new one for
    this run (the browsers then start as new)."""
    import os
    import secrets

    from hubworkshop.tui.resume import state_file

    path = state_file().parent / "serve-browser.key"
    try:
        if path.is_file() and not path.is_symlink() and path.stat().st_size == 32:
            return path.read_bytes()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = secrets.token_bytes(32)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(key)
        os.replace(temporary, path)
        return key
    except OSError:
        return secrets.token_bytes(32)
