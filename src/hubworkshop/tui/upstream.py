"""Every use of Textual's private internals, each named with why and the upstream issue.

No other module touches a private name of Textual (`tests/test_structure.py` checks it):
an upgrade of the pinned Textual shows here, at once, what to check. `INTERNALS` lists each
private name used and `HOOKS` each private method our widgets override (Textual calls them by
name); `tests/test_upstream.py` fails with the name and the reason when an upgrade removes or
changes one, and `tests/test_typing.py` types through a real terminal and fails when one
stops working. textual-serve's are in `cli/upstream_serve.py`, for the same reasons.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from textual.binding import BindingsMap
    from textual.dom import DOMNode
    from textual.geometry import Size
    from textual.message import Message
    from textual.message_pump import MessagePump
    from textual.screen import Screen
    from textual.widget import Widget
    from textual.widgets import Input


class Internal(NamedTuple):
    """A private name of an upstream package: where it is, what it must be, and why we use it."""

    module: str
    owner: str
    """The class holding it ("" for a module-level name)."""
    name: str
    parameters: tuple[str, ...] | None
    """A method's parameter names after `self` (None: not a function, or not checked)."""
    why: str


ORDERED_KEYS = (
    "Textual issue #6605 (Input's keys other than characters run as bindings after the keys"
    " queued behind them), fixed upstream by PR #6631 (not released in 8.2.8)"
)
TRANSLATED_BINDINGS = (
    "no upstream issue found: Textual has no public way to change a class's BINDINGS after"
    " it is defined (we translate key descriptions when the interface language changes)"
)
ESC_AND_KEY = (
    "no upstream issue found: Esc then a digit in one burst is read as the start of a"
    " sequence and comes back as `^` (the backtracking of Textual PR #570) or as macOS's"
    " Option character"
)
SUGGESTER_PER_KEY = (
    "no upstream issue found: Input starts a completion worker on every change of its value"
    " (Textual PR #2604 added suggestions), even when the suggester can have nothing to say"
)
MULTI_LINE_PASTE = (
    "no upstream issue found: Input has no public hook to take a paste before it inserts it"
    " (it joins a multi-line paste into one line)"
)
SCROLL_LIMITS = (
    "no upstream issue found: a ScrollView has no public way to update its scroll limits"
    " without the whole screen's layout that setting `virtual_size` asks for"
)
CLICK_ROW = (
    "no upstream issue found: a ScrollView drawn line by line (`render_lines`) has no public"
    " click handler that replaces Widget's own"
)

INTERNALS: tuple[Internal, ...] = (
    Internal("textual.widgets", "Input", "_restart_blink", (), ORDERED_KEYS),
    Internal("textual.screen", "Screen", "_binding_chain", None, ORDERED_KEYS),
    Internal("textual.message_pump", "MessagePump", "_peek_message", (), ORDERED_KEYS),
    Internal("textual.message_pump", "MessagePump", "_pending_message", None, ORDERED_KEYS),
    Internal("textual.message_pump", "MessagePump", "_message_queue", None, ORDERED_KEYS),
    Internal("textual.dom", "DOMNode", "_merged_bindings", None, TRANSLATED_BINDINGS),
    Internal("textual.dom", "DOMNode", "_merge_bindings", (), TRANSLATED_BINDINGS),
    Internal("textual.dom", "DOMNode", "_bindings", None, TRANSLATED_BINDINGS),
    Internal("textual._ansi_sequences", "", "ANSI_SEQUENCES_KEYS", None, ESC_AND_KEY),
    Internal(
        "textual._xterm_parser",
        "XTermParser",
        "_sequence_to_key_events",
        ("sequence", "alt"),
        ESC_AND_KEY,
    ),
    Internal("textual.widgets", "Input", "_suggestion", None, SUGGESTER_PER_KEY),
    Internal("textual.widget", "Widget", "_scroll_update", ("virtual_size",), SCROLL_LIMITS),
)
"""The private names this module reads, calls or replaces."""

HOOKS: tuple[Internal, ...] = (
    Internal("textual.widgets", "Input", "_on_key", ("event",), ORDERED_KEYS),
    Internal("textual.widgets", "Input", "_watch_value", ("value",), SUGGESTER_PER_KEY),
    Internal("textual.widgets", "Input", "_on_paste", ("event",), MULTI_LINE_PASTE),
    Internal("textual.widget", "Widget", "_on_click", ("event",), CLICK_ROW),
)
"""Private methods our widgets override (`OrderedInput` and the start screen's `NameInput`:
`_on_key`; `CaptureBar`: `_watch_value`, `_on_paste`; `ContributionList`: `_on_click`).
Textual calls them by these names, so they cannot move here; this names them instead, and
the structure test allows these names, and only these, to be defined elsewhere."""


# -- keys in the order typed (OrderedInput, tui/widgets/inputs.py) -------------------------


def restart_blink(field: Input) -> None:
    """Show the cursor at once, as Input does when it inserts a character itself."""
    field._restart_blink()


def binding_chain(screen: Screen[Any]) -> list[tuple[DOMNode, BindingsMap]]:
    """The bindings a key would meet, from the focused widget up to the app."""
    return screen._binding_chain


def peek_message(pump: MessagePump) -> Message | None:
    """The next message waiting in `pump`'s queue, held aside (`take_peeked` takes it)."""
    return pump._peek_message()


def take_peeked(pump: MessagePump) -> None:
    """Take the message `peek_message` returned off `pump`'s queue."""
    pump._pending_message = None
    pump._message_queue.task_done()


# -- translated key descriptions (tui/translation.py) ---------------------------------------


def merge_bindings_again(cls: type[DOMNode]) -> None:
    """Recompute `cls`'s bindings from its own and its parents' BINDINGS, as Textual does
    once when the class is defined."""
    cls._merged_bindings = cls._merge_bindings()


def take_class_bindings(node: DOMNode) -> None:
    """Give `node` its class's bindings as they are now (a node copies them when made)."""
    merged = type(node)._merged_bindings
    if merged is not None:
        node._bindings = merged.copy()


# -- the capture bar (tui/widgets/capture_bar.py) -------------------------------------------


def shown_suggestion(field: Input) -> str:
    """The completion Input shows in grey after the cursor ("" for none)."""
    return field._suggestion


def input_watch_value(field: Input, value: str) -> None:
    """Input's own reaction to a new value (cursor, validation, the suggester's worker)."""
    from textual.widgets import Input

    Input._watch_value(field, value)


# -- the contribution list (tui/widgets/contribution_list.py) -------------------------------


def scroll_update(view: Widget, virtual_size: Size) -> None:
    """Update `view`'s scroll limits and scrollbars to `virtual_size`, without a layout."""
    view._scroll_update(virtual_size)


# -- Esc and a key in one burst (the terminal's parser) -------------------------------------

MACOS_OPTION_DIGITS = (
    "\x1b§", "\x1b1", "\x1b2", "\x1b3", "\x1b4", "\x1b5", "\x1b6", "\x1b7", "\x1b8", "\x1b9",
    "\x1b0", "\x1b-", "\x1b=",
)  # fmt: skip
"""Textual reads Esc followed at once by a digit, `-` or `=` as the character macOS's
Option key makes of it (`textual/_ansi_sequences.py`: Esc 1 is `¡`, Esc = is `≠`), for
WezTerm on macOS. A note-taker's Esc and the next key come together in a burst (a browser's
queued keys, a fast typist): `1 more thing` became `¡ more thing`. Without these entries
Esc 1 is Alt+1, whose character is `1`, which the room writes (a `¡` typed as itself, in
Spanish, is untouched: it never comes after an Esc)."""

INTRODUCERS = frozenset("[O]P_^\\")
"""What may follow Esc in a sequence a terminal sends (CSI, SS3, OSC, DCS, APC, PM, ST)."""

_installed = False


def read_esc_and_key_as_typed() -> None:
    """Esc and a printable key that come together are Alt+key, whatever the key.

    Textual's parser (`textual/_xterm_parser.py`) reads Esc and a letter as Alt+letter, but
    Esc and a digit or a sign as the start of an escape sequence it waits to complete; when
    none does, it reissues the Esc as a `^` character: `?00 000`, typed in a burst after
    Esc, was saved as `^?00 000`. Here Esc and any printable key other than a sequence's
    introducer (`[`, `O`, …) is Alt+key at once, whose character the room writes. (Esc then
    `[` or `O` in one burst stays a sequence: no terminal can tell those apart.)

    An introducer followed by more than 32 characters that end no sequence (Esc, then `P`
    and a sentence, in one burst) is given up: Textual then reissues the Esc as `^`, which
    was saved at the start of the sentence. Here that Esc makes the next key Alt+key, as
    Textual itself does when such a sequence is given up for a pause."""
    global _installed
    if _installed:
        return
    _installed = True
    from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
    from textual._xterm_parser import XTermParser

    for sequence in MACOS_OPTION_DIGITS:
        ANSI_SEQUENCES_KEYS.pop(sequence, None)  # type: ignore[attr-defined]
    original = XTermParser._sequence_to_key_events

    def sequence_to_key_events(self: Any, sequence: str, alt: bool = False) -> Iterable[Any]:
        # A lone Esc comes here only from a given-up sequence reissued key by key.
        if sequence == "\x1b" and not alt:
            self.hubworkshop_alt_next = True
            return []
        if getattr(self, "hubworkshop_alt_next", False):
            self.hubworkshop_alt_next = False
            alt = True
        found = list(original(self, sequence, alt))
        if (
            not found
            and len(sequence) == 2
            and sequence[0] == "\x1b"
            and sequence[1].isprintable()
            and sequence[1] not in INTRODUCERS
        ):
            found = list(original(self, sequence[1], alt=True))
        return found

    XTermParser._sequence_to_key_events = sequence_to_key_events  # type: ignore[method-assign]


def heading_anchor(title: str) -> str:
    """The anchor `Markdown.goto_anchor` finds a heading by: Textual's own slug of its
    title (`textual/_slug.py`, private), so the export preview opens on the Outcomes
    whatever the slugging does to accents and punctuation."""
    from textual._slug import TrackedSlugs

    return TrackedSlugs().slug(title)
