"""The phase countdown of a room, computed from what the database holds.

The database stores the length, the time already used, and when the clock was last started;
every terminal works out the same remaining time from that and its own wall clock.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple


def parse_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


class Countdown(NamedTuple):
    total_seconds: int
    elapsed_ms: int
    started_at: str | None

    @property
    def running(self) -> bool:
        return self.started_at is not None

    def elapsed(self, now: dt.datetime) -> float:
        seconds = self.elapsed_ms / 1000
        if self.started_at is not None:
            seconds += max((now - parse_time(self.started_at)).total_seconds(), 0.0)
        return seconds

    def remaining(self, now: dt.datetime) -> float:
        """Seconds left; negative once the time is up."""
        return self.total_seconds - self.elapsed(now)


def format_remaining(seconds: float) -> str:
    """`12:05`, or `-0:42` past zero; at most 999 minutes either way, to fit a clock face."""
    sign = "-" if seconds < 0 else ""
    whole = min(int(abs(seconds) + (0.999 if seconds > 0 else 0)), 999 * 60 + 59)
    return f"{sign}{whole // 60}:{whole % 60:02d}"
