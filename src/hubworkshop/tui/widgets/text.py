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


def said_in(text: str, width: int) -> str:
    """One line of `text` in at most `width` cells, as the screen shows it: cut at its end in
    reading order (with an ellipsis) *before* a right-to-left line is put in visual order, so
    `--bidi` never cuts off a sentence's beginning (the visual line's right end)."""
    from rich.cells import cell_len, set_cell_size

    from hubworkshop.domain.text import one_line

    line = one_line(text)
    if cell_len(line) > width:
        line = set_cell_size(line, max(width - 1, 0)) + "…"
    return said(line)


def said_wrapped(text: str, width: int) -> str:
    """`text` wrapped to `width` cells in reading order, then each line in visual order
    with `--bidi`: a long right-to-left sentence reads from its first line down, whole."""
    if not _visual_order or not _has_rtl(text) or width < 2:
        return said(text)
    from rich.cells import cell_len, set_cell_size

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            while cell_len(word) > width:  # a word longer than the line: cut it
                if line:
                    lines.append(line)
                    line = ""
                head = set_cell_size(word, width)
                lines.append(head)
                word = word[len(head) :]
            candidate = f"{line} {word}" if line else word
            if cell_len(candidate) <= width:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return said("\n".join(lines))


def _has_rtl(text: str) -> bool:
    import unicodedata

    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)
