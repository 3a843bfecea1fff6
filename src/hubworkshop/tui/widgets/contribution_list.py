"""The contribution list: a window onto any number of contributions.

Only the rows in view are rendered, one line each (the Line API), and only pages of rows
near the view are held in memory. The list holds the ordered seqs of the rows that match
the current filter (cheap even for 100,000) and asks a loader, in a worker thread, for the
rows of a page it is about to show; until they arrive it draws a placeholder. No frame ever
waits on the database.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from hubworkshop.domain.i18n import N_, kind_label, ui_language
from hubworkshop.domain.model import Contribution, Kind
from hubworkshop.domain.text import one_line
from hubworkshop.tui import upstream
from hubworkshop.tui.widgets.capture_bar import EDITS, for_the_bar
from hubworkshop.tui.widgets.text import said_in
from hubworkshop.workshop.room_view import RowFilter

PAGE_SIZE = 200
MAX_CACHED_PAGES = 24
SCROLL_RETRIES = 100
"""Refreshes to wait for a new length to be laid out before the cursor can be scrolled to."""

KIND_STYLES: dict[Kind, str] = {
    Kind.IDEA: "bold",
    Kind.QUESTION: "bold cyan",
    Kind.CONCERN: "bold red",
    Kind.PROPOSAL: "bold green",
    Kind.AGREEMENT: "bold blue",
    Kind.DISAGREEMENT: "bold magenta",
    Kind.ACTION: "bold dark_orange",
}

PageLoader = Callable[[Sequence[int]], dict[int, Contribution]]


class ContributionList(ScrollView, can_focus=True):
    """Contributions of a room, newest last, one line each; the cursor row is highlighted."""

    DEFAULT_CSS = """
    ContributionList {
        height: 1fr;
        background: $surface;
        overflow-x: hidden;
    }
    ContributionList > .contribution-list--cursor {
        background: $accent 30%;
    }
    ContributionList:focus {
        background: $primary 12%;
    }
    ContributionList:focus > .contribution-list--cursor {
        background: $accent 60%;
        text-style: bold;
    }
    ContributionList:focus > .contribution-list--cursor {
        background: $accent 60%;
    }
    ContributionList > .contribution-list--muted {
        color: $text-muted;
    }
    ContributionList > .contribution-list--tag {
        color: $text-accent;
    }
    """
    COMPONENT_CLASSES = {
        "contribution-list--cursor",
        "contribution-list--muted",
        "contribution-list--tag",
    }
    BINDINGS = [
        Binding("up", "move(-1)", N_("Up"), show=False),
        Binding("down", "move(1)", N_("Down"), show=False),
        Binding("pageup", "page(-1)", N_("Page up"), show=False),
        Binding("pagedown", "page(1)", N_("Page down"), show=False),
        Binding("home", "to_start", N_("First"), show=False),
        Binding("end", "to_end", N_("Last"), show=False),
    ]

    cursor: reactive[int] = reactive(0, init=False)
    """Index of the highlighted row in the filtered list."""

    class Highlighted(Message):
        """The cursor moved to another contribution (or the list became empty)."""

        def __init__(self, contribution: Contribution | None) -> None:
            super().__init__()
            self.contribution = contribution

    def __init__(
        self,
        load_page: PageLoader,
        *,
        typed: Callable[[str], None] | None = None,
        enter: Callable[[], None] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._load_page = load_page
        self._typed = typed
        self._enter = enter
        self._typing = False
        """Keys typed here went to the bar: the keys queued behind them are the bar's too."""
        self._seqs: list[int] = []
        self._rows: dict[int, Contribution] = {}
        self._pages_pending: set[int] = set()
        self._pages_loaded: list[int] = []
        self._lines: dict[tuple[object, ...], Strip] = {}  # rendered rows, see render_line
        self._drawing: _Drawing | None = None  # while Textual asks for lines, see render_lines
        self.row_filter = RowFilter()

    # -- data ------------------------------------------------------------------------------

    @property
    def count(self) -> int:
        return len(self._seqs)

    @property
    def highlighted(self) -> Contribution | None:
        if not self._seqs:
            return None
        return self._rows.get(self._seqs[self.cursor])

    def set_seqs(self, seqs: list[int], *, row_filter: RowFilter | None = None) -> None:
        """Show these rows (all matching the filter, in order); the cursor goes to the end."""
        if row_filter is not None:
            self.row_filter = row_filter
        self._seqs = list(seqs)
        self._rows.clear()  # rows may have changed since they were paged in
        self._pages_loaded.clear()
        self._sync_size()
        self.cursor = max(len(self._seqs) - 1, 0)
        # The new virtual size takes effect on the next refresh; scroll after it.
        self.call_after_refresh(self._scroll_to_cursor)
        self.refresh()
        self._announce()

    def upsert(self, contributions: Iterable[Contribution]) -> None:
        """Take new or changed contributions: added, updated in place, or removed."""
        following = not self._seqs or self.cursor >= len(self._seqs) - 1
        current = self._seqs[self.cursor] if self._seqs else None
        changed = False
        for contribution in contributions:
            seq = contribution.seq
            index = bisect.bisect_left(self._seqs, seq)
            present = index < len(self._seqs) and self._seqs[index] == seq
            if present and self._rows.get(seq) == contribution:
                continue  # our own write coming back from the database: nothing to redraw
            changed = True
            if self.row_filter.matches(contribution):
                self._rows[seq] = contribution
                if not present:
                    self._seqs.insert(index, seq)
            elif present:
                del self._seqs[index]
                self._rows.pop(seq, None)
        if not changed:
            return
        self._sync_size()
        if following or current is None:
            self.cursor = max(len(self._seqs) - 1, 0)
        else:
            index = bisect.bisect_left(self._seqs, current)
            self.cursor = min(index, max(len(self._seqs) - 1, 0))
        self.call_after_refresh(self._scroll_to_cursor)
        self.refresh()
        self._announce()

    def select_seq(self, seq: int) -> None:
        index = bisect.bisect_left(self._seqs, seq)
        if index < len(self._seqs) and self._seqs[index] == seq:
            self.cursor = index

    def visible_rows(self) -> list[Contribution]:
        """The loaded rows currently in view (for tests and the presenter)."""
        top = int(self.scroll_y)
        window = self._seqs[top : top + self.size.height]
        return [self._rows[s] for s in window if s in self._rows]

    def _sync_size(self) -> None:
        new, old = Size(self.size.width, len(self._seqs)), self.virtual_size
        if new == old:
            return
        height = self.size.height
        if new.width != old.width or (new.height > height) != (old.height > height):
            self.virtual_size = new  # the scrollbar comes or goes: lay the screen out again
            return
        # Only the scrollable length changed: no other widget moves, so update the scroll
        # limits and the scrollbar, without the layout of the whole screen that setting
        # `virtual_size` asks for (each new row in a busy room would cost one).
        self.set_reactive(ContributionList.virtual_size, new)
        upstream.scroll_update(self, new)
        self.refresh()

    def _ensure_page(self, page: int) -> None:
        if page in self._pages_pending:
            return
        start = page * PAGE_SIZE
        seqs = [s for s in self._seqs[start : start + PAGE_SIZE] if s not in self._rows]
        if not seqs:
            return
        self._pages_pending.add(page)
        self.run_worker(
            lambda: self._fetch(page, seqs),
            thread=True,
            group="contribution-pages",
            exit_on_error=False,
        )

    def _fetch(self, page: int, seqs: list[int]) -> None:
        """In a worker thread: read the rows, and say so with a message."""
        self.post_message(self.PageArrived(page, self._load_page(seqs)))

    class PageArrived(Message):
        """A page of rows read by a worker."""

        def __init__(self, page: int, rows: dict[int, Contribution]) -> None:
            super().__init__()
            self.page = page
            self.rows = rows

    def on_contribution_list_page_arrived(self, message: PageArrived) -> None:
        message.stop()
        page, rows = message.page, message.rows
        self._pages_pending.discard(page)
        self._rows.update(rows)
        if page in self._pages_loaded:
            self._pages_loaded.remove(page)
        self._pages_loaded.append(page)
        self._evict()
        self.refresh()
        self._announce()

    def _evict(self) -> None:
        """Keep memory flat: forget the pages furthest from the cursor."""
        while len(self._pages_loaded) > MAX_CACHED_PAGES:
            here = self.cursor // PAGE_SIZE
            far = max(self._pages_loaded, key=lambda p: abs(p - here))
            self._pages_loaded.remove(far)
            for seq in self._seqs[far * PAGE_SIZE : (far + 1) * PAGE_SIZE]:
                self._rows.pop(seq, None)

    # -- cursor ----------------------------------------------------------------------------

    def watch_cursor(self, _old: int, _new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        self._announce()

    def _announce(self) -> None:
        self.post_message(self.Highlighted(self.highlighted))

    def _scroll_to_cursor(self, tries: int = 0) -> None:
        height = max(self.size.height, 1)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            target = self.cursor - height + 1
            self.scroll_to(y=target, animate=False, immediate=True)
            # Until the new length is laid out, the scroll stops at the old end: on a busy
            # machine a big room opened on its oldest rows with the cursor on the newest.
            # Try again after the next refresh (a frame or two; bounded all the same).
            if self.scroll_y < target and tries < SCROLL_RETRIES:
                self.call_after_refresh(self._scroll_to_cursor, tries + 1)

    def action_move(self, step: int) -> None:
        if self._seqs:
            self.cursor = min(max(self.cursor + step, 0), len(self._seqs) - 1)

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(self.size.height - 1, 1))

    def action_to_start(self) -> None:
        self.cursor = 0

    def action_to_end(self) -> None:
        self.cursor = max(len(self._seqs) - 1, 0)

    def on_key(self, event: events.Key) -> None:
        """Every printable key was meant for the capture bar: it goes there, in order (the
        bar takes the focus, so the keys after it go there too). A sentence typed into
        the list by mistake is written, whole; no letter is a command here (the list's
        actions are in the menu Enter opens). Alt with a character is one too: a terminal
        sends Esc and the next key together as Alt+key when they come fast.

        Enter and the moves run here, in the list's own queue, in the order typed, rather
        than as bindings (which run only once a key has bubbled up to the app, after the
        keys queued behind it). The keys typed right after Enter, already queued here when
        the menu opens, are the menu's: they go on to it, in order (`s` after Enter stars
        the point; it used to land in the capture bar)."""
        screen = self.app.screen
        if screen is not self.screen:  # a dialog opened over the room by a key before these
            event.stop()
            event.prevent_default()
            (screen.focused or screen).post_message(events.Key(event.key, event.character))
            return
        mine = not self._typing  # (the focus moves to the bar only once this queue yields)
        move = _MOVES.get(event.key) if mine else None
        enter = event.key == "enter" and self._enter is not None and mine
        if move is not None or enter:
            event.stop()
            event.prevent_default()
            if move is not None:
                move(self)
            elif self._enter is not None:
                self._enter()
            return
        if self._typed is None:
            return
        if event.is_printable and event.character:
            typed = event.character
        elif self._typing and (event.key == "enter" or event.key in EDITS):
            # Queued here behind typed keys: the bar's too, in order (bubbled up to the
            # room, Enter and Ctrl+U acted after the keys that followed them).
            typed = for_the_bar(event)
        else:
            return
        event.stop()
        event.prevent_default()
        self._typing = True
        self._typed(typed)

    def on_focus(self, _event: events.Focus) -> None:
        self._typing = False

    def on_resize(self, _event: events.Resize) -> None:
        self._sync_size()
        self._scroll_to_cursor()

    async def _on_click(self, event: events.Click) -> None:
        index = int(self.scroll_y) + event.y
        if 0 <= index < len(self._seqs):
            self.cursor = index

    # -- rendering -------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # What every line of one drawing shares, worked out once for all of them: Textual
        # asks for every visible line at each sync, and a row already drawn is a lookup.
        self._drawing = self._draw()
        try:
            return super().render_lines(crop)
        finally:
            self._drawing = None

    def _draw(self) -> _Drawing:
        return _Drawing(
            self.scrollable_content_region.width,  # left of the scrollbar: no dots under it
            int(self.scroll_y),
            self.rich_style,
            self.get_component_rich_style("contribution-list--cursor"),
        )

    def render_line(self, y: int) -> Strip:
        drawing = self._drawing or self._draw()
        width, base = drawing.width, drawing.base
        index = drawing.top + y
        if index >= len(self._seqs):
            return Strip.blank(width, base)
        contribution = self._rows.get(self._seqs[index])
        if contribution is None:
            self._ensure_page(index // PAGE_SIZE)
            muted = self.get_component_rich_style("contribution-list--muted")
            return Strip([Segment("  …".ljust(width), base + muted)], width)
        # A row's line depends only on these: kept, so that a new row or a scroll renders
        # one line instead of a screenful (every terminal in a room redraws on each commit).
        cursor = drawing.cursor if index == self.cursor else None
        key = (contribution, width, cursor, base)
        line = self._lines.get(key)
        if line is None:
            # The list's own background under every piece: a piece drawn without one shows
            # the terminal's default (black in a browser's xterm.js, on a grey list).
            line = self.format_row(contribution, width, cursor).apply_style(base).simplify()
            line = line.crop_extend(0, width, base)
            if len(self._lines) >= 4 * PAGE_SIZE:
                self._lines.clear()
            self._lines[key] = line
        return line

    def notify_style_update(self) -> None:
        self._lines.clear()  # the theme or the CSS changed: every line is drawn again
        super().notify_style_update()

    def format_row(self, c: Contribution, width: int, cursor: Style | None = None) -> Strip:
        """One line: time, kind, star, text, then author, tags and dots on the right.

        Built as segments, not as a Rich `Text` rendered by the console: each new row of
        every terminal in a room is drawn here at each sync, and that was most of it."""
        muted = self.get_component_rich_style("contribution-list--muted")
        pieces: list[tuple[str, Style | None]] = [
            (f" {c.created_at[11:16]} ", muted),
            (kind_label(c.kind.value).ljust(_kind_width(ui_language())), _kind_style(c.kind)),
            ("★ " if c.starred else "  ", _STAR),
        ]
        right: list[tuple[str, Style | None]] = []
        if width >= 70:  # columns on the right: author, tags, dots (narrower below 100)
            wide = width >= 100
            tag_style = self.get_component_rich_style("contribution-list--tag")
            right = [
                (_fit(f"  {one_line(c.author or '—')}", 18 if wide else 13), muted),
                (
                    _fit(" " + one_line(" ".join(f"#{t}" for t in c.tags)), 18 if wide else 10),
                    tag_style,
                ),
                (f"{'●' + str(c.votes) if c.votes else '':>5} ", _BOLD),
            ]
        used = sum(cell_len(text) for text, _style in pieces + right)
        prefix = ""
        if c.parked:
            prefix += "‖ "
        if c.merged_count:
            prefix += f"⊕{c.merged_count} "
        if c.responds_to:  # the point it answers, as the bar's syntax writes it
            prefix += f"^{c.responds_to[:8]} "
        if c.cluster:
            prefix += f"[{one_line(c.cluster, 20)}] "
        if c.owner or c.due:
            prefix += f"→{one_line(c.owner or '?', 16)}{' ' + c.due[5:] if c.due else ''} "
        room = max(width - used, 8)
        # Cut in reading order, then shown (`said_in`): with --bidi a long right-to-left
        # sentence keeps its beginning.
        pieces.append((_fit(prefix + said_in(c.text, room - cell_len(prefix)), room), None))
        pieces += right
        segments = [
            # Blank cells need no colour of their own: they then join the pieces around them
            # (fewer colour changes to send each session at each sync).
            Segment(text, cursor if text.isspace() or not style else style + cursor)
            for text, style in pieces
        ]
        return Strip(segments)


def _fit(text: str, width: int) -> str:
    """`text` in exactly `width` cells: cut with an ellipsis, or padded with spaces."""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


_STAR = Style(color="yellow", bold=True)
_BOLD = Style(bold=True)


@cache
def _kind_style(kind: Kind) -> Style:
    return Style.parse(KIND_STYLES[kind])


class _Drawing(NamedTuple):
    """What the lines of one drawing of the list share."""

    width: int
    top: int
    base: Style
    cursor: Style


@cache
def _kind_width(language: str) -> int:
    """The kind column fits the longest kind's name in the interface language (English's
    "disagreement" is 12 characters, French's "préoccupation" 13)."""
    return max(len(kind_label(kind.value)) for kind in Kind)


_MOVES: dict[str, Callable[[ContributionList], None]] = {
    "up": lambda lst: lst.action_move(-1),
    "down": lambda lst: lst.action_move(1),
    "pageup": lambda lst: lst.action_page(-1),
    "pagedown": lambda lst: lst.action_page(1),
    "home": ContributionList.action_to_start,
    "end": ContributionList.action_to_end,
}
"""The list's own moves, run in its queue (its bindings name them for the help and palette)."""
