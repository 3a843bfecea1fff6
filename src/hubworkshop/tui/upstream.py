"""Where the app leans on Textual's private internals, each named with why.

Kept in one module so that an upgrade of the pinned Textual shows at once what to check
(`tests/test_typing.py` types through a real terminal and fails when one stops working;
`test_upstream_internals_are_there` names what is gone).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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
    `[` or `O` in one burst stays a sequence: no terminal can tell those apart.)"""
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
