"""Glyphs every browser session can draw.

A served session's terminal is xterm.js, which draws with the system's monospace font
(DejaVu Sans Mono on Debian, Chromium's default): a symbol it lacks is an empty box. Ours
are chosen from it (`tests/test_browser.py` checks each one); two of Textual's defaults are
not in it, the header's icon (⭘) and the command palette's (🔎), and are replaced here.
"""

from __future__ import annotations

from typing import Any

from textual.command import CommandPalette, SearchIcon
from textual.widgets import Header

HEADER_ICON = "≡"
SEARCH_ICON = "›"


class AppHeader(Header):
    """Textual's header, with an icon every font has."""

    def __init__(self) -> None:
        super().__init__(icon=HEADER_ICON)


def with_drawable_icons(screen: Any) -> None:
    """The command palette, its search icon replaced once it is composed."""
    if isinstance(screen, CommandPalette):

        def replace() -> None:
            for icon in screen.query(SearchIcon):
                icon.icon = SEARCH_ICON

        screen.call_after_refresh(replace)
