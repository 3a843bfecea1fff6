"""What the note-taker has entered but the database has not confirmed yet.

Enter hands the bar's text to the `CaptureQueue` and clears the bar at once, so typing goes
on while another terminal holds the database. Entries are saved one at a time, in order,
each exactly once: a failed save (the database stayed locked for 30 s, the disk is full)
commits nothing, keeps its entry and every later one waiting, visible under the list, and
is tried again when asked (Enter in an empty bar, or Ctrl+R). Nothing is ever joined to
another entry.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import NamedTuple

from textual.widgets import Static

from hubworkshop.domain.i18n import _, nformat
from hubworkshop.domain.text import one_line
from hubworkshop.tui.widgets.text import plain

_keys = itertools.count(1)


class Pending(NamedTuple):
    """One Enter (or one multi-line paste): its text, and the lines to store."""

    key: int
    raw: str
    lines: tuple[str, ...]


Saver = Callable[[list[Pending], Callable[[], None], Callable[[str], None]], None]
"""Save entries in one transaction, then call the first callback (saved) or the second
(failed, with why: then none of them was saved)."""

BATCH = 50
"""Entries that waited (for a lock held elsewhere) go in together: one commit, not fifty."""


class CaptureQueue:
    """Entries waiting to be saved, oldest first."""

    def __init__(self, save: Saver, changed: Callable[[], None]) -> None:
        self._save = save
        self._changed = changed
        self.items: list[Pending] = []
        self.failure: str | None = None
        self._busy = 0  # how many of the first items are being saved

    def add(self, raw: str, lines: list[str]) -> None:
        self.items.append(Pending(next(_keys), raw, tuple(lines)))
        self._changed()
        self._next()

    def hold(self, entries: list[tuple[str, list[str]]], why: str) -> None:
        """Entries that are not to be saved until asked (Ctrl+R): those a crash left."""
        self.items.extend(Pending(next(_keys), raw, tuple(lines)) for raw, lines in entries)
        self.failure = why
        self._changed()

    def retry(self) -> bool:
        """Try the failed entry again; False if nothing failed."""
        if self.failure is None:
            return False
        self.failure = None
        self._changed()
        self._next()
        return True

    def _next(self) -> None:
        if self._busy or self.failure is not None or not self.items:
            return
        batch = self.items[:BATCH]
        self._busy = len(batch)
        self._save(batch, self._saved, self._failed)

    def _saved(self) -> None:
        del self.items[: self._busy]
        self._busy = 0
        self._changed()
        self._next()

    def _failed(self, message: str) -> None:
        self._busy = 0
        self.failure = message
        self._changed()


class PendingPanel(Static):
    """Under the list: the entries not saved yet, dimmed; a failed one in red, with how to
    try again. Takes no room when there are none."""

    DEFAULT_CSS = """
    PendingPanel { height: auto; max-height: 5; padding: 0 1; color: $text-muted; display: none; }
    PendingPanel.-shown { display: block; }
    PendingPanel.-failed { color: $text; background: $error 30%; }
    """

    def show_queue(self, queue: CaptureQueue) -> None:
        lines = []
        for i, item in enumerate(queue.items):
            shown = " / ".join(one_line(line, 90) for line in item.lines[:3])
            if len(item.lines) > 3:
                more = len(item.lines) - 3
                shown += " " + nformat(more, "(+{n} line)", "(+{n} lines)")
            if i == 0 and queue.failure is not None:
                lines.append(
                    _("NOT SAVED (Enter or Ctrl+R tries again): {text}").format(text=shown)
                )
            else:
                lines.append(_("saving… {text}").format(text=shown))
        self.set_class(bool(lines), "-shown")
        self.set_class(queue.failure is not None, "-failed")
        self.update(plain("\n".join(lines[-5:])))
