"""Output to a terminal is inert: what a command prints from the database or a file (user
text, ids, names) shows its control characters escaped (`\\x1b`), never obeyed, as the app
shows them. A pipe or a file gets the text exactly."""

from __future__ import annotations

import io
import sys
from typing import Any

from hubworkshop.domain.text import printable


def inert_stdout(command: str | None) -> None:
    """Make standard output inert if it is a terminal, for every command but the app, `serve`
    and line mode, which draw on the terminal themselves (line mode escapes each line)."""
    if command not in (None, "serve", "line") and sys.stdout.isatty():
        sys.stdout = _InertTerminal(sys.stdout)


class _InertTerminal(io.TextIOBase):
    """Standard output on a terminal, with control characters shown escaped."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(self._stream.encoding)

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self._stream.errors  # type: ignore[no-any-return]

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # (how click tells a text stream from a binary one)
            raise TypeError("a terminal's standard output takes text")
        self._stream.write(printable(text, keep_newlines=True))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return True

    def writable(self) -> bool:
        return True
