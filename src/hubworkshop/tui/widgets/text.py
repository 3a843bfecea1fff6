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
