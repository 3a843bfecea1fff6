"""User text on screen: always literal content, never markup, no control characters."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from hubworkshop.domain.text import printable


def plain(text: str) -> Content:
    """User (or plan) text as literal content: never markup, no control characters."""
    return Content(printable(text, keep_newlines=True))


def cell(text: str) -> Text:
    """User text for a DataTable cell (a plain `str` cell would be parsed as markup)."""
    return Text(printable(text))


_visual_order = False


def show_in_visual_order(on: bool) -> None:
    """`--bidi`: right-to-left text is shown in visual order, for terminals that do not
    reorder it themselves (off by default: terminals that do would reverse it twice)."""
    global _visual_order
    _visual_order = on


def said(text: str) -> str:
    """A contribution's words as the screen shows them: in logical order, as stored and
    exported, or — with `--bidi` and a right-to-left script in the text — in visual order
    (python-bidi, the Unicode bidirectional algorithm), one line at a time."""
    if not _visual_order or not _has_rtl(text):
        return text
    from bidi import get_display

    return "\n".join(get_display(line) for line in text.split("\n"))


def _has_rtl(text: str) -> bool:
    import unicodedata

    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)
