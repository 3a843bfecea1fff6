"""User text made safe to print on a terminal: shown literally, never acted upon."""

from __future__ import annotations

import re
import unicodedata

# Bidirectional controls: harmless as data, but in a terminal that does bidi they reorder
# what follows them (the "Trojan Source" trick), so they are shown, not obeyed.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


_ANY_TO_SHOW = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff" + "".join(sorted(BIDI_CONTROLS)) + "]")
"""Every character `printable` changes (Cc, Cs, the bidi controls; tab and newline among
them): a text without one, nearly every text, is returned as it is, at a regex's speed."""


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """Replace control characters (ESC, NUL, C1, bidi controls...) with visible escapes.

    Letters of every script, emoji and combining marks are kept as they are.
    """
    if not _ANY_TO_SHOW.search(text):
        return text
    out: list[str] = []
    for ch in text:
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch == "\t":
            out.append("    ")
        elif ch in BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Cs"):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def one_line(text: str, width: int | None = None) -> str:
    """A contribution on one line (newlines shown as ⏎), cut to `width` characters."""
    line = printable(text.replace("\r\n", "\n").replace("\n", " ⏎ "))
    if width is not None and len(line) > width:
        return line[: max(width - 1, 0)] + "…"
    return line


def counted(n: int, one: str, other: str | None = None) -> str:
    """`n` and its noun in English, singular for 1: "1 room", "2 rooms", "1 entry"."""
    return f"{n} {one if n == 1 else (other or one + 's')}"
