"""The capture bar, where note-takers type, and its @name and #tag completion."""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Sequence
from typing import Any

from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.suggester import Suggester

from hubworkshop.domain.i18n import N_, _
from hubworkshop.domain.names import meant, name_key, reading_order
from hubworkshop.tui import upstream
from hubworkshop.tui.widgets.inputs import OrderedInput
from hubworkshop.workshop.capture import has_text

CAPTURE_HINT = N_(
    "Type what was said, Enter to save  ·  ? question  ! concern  + proposal  = agree  "
    "~ disagree  > action  @name  #tag"
)


_EDITS = {
    "backspace": ("\b", "delete_left"),
    "ctrl+u": ("\x15", "delete_left_all"),
    "ctrl+w": ("\x17", "delete_left_word"),
}
"""The bar's editing keys that reach it from elsewhere: the character each stands for in
what is typed into the bar (`CaptureBar.type_from_elsewhere`), and Input's action it runs
there. A sentence typed on the list in one burst may correct itself before the bar has
the focus."""
EDITS = frozenset(_EDITS)
_EDIT_ACTIONS = dict(_EDITS.values())
_EDIT = re.compile(f"([{''.join(_EDIT_ACTIONS)}])")


def for_the_bar(event: events.Key) -> str:
    """What a key that reached something else adds to the capture bar (`type_into_bar`): its
    character, "\n" for Enter (which saves), an edit (`EDITS`), or nothing."""
    if event.key == "enter":
        return "\n"
    if event.key in _EDITS:
        return _EDITS[event.key][0]
    return (event.character or "") if event.is_printable else ""


class KnownSuggester(Suggester):
    """A suggester that knows its answer at once (from lists in memory): a completion can be
    accepted before the worker that shows it in grey has run."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    @abstractmethod
    def suggest(self, value: str) -> str | None:
        """`value` completed, or None."""

    async def get_suggestion(self, value: str) -> str | None:
        return self.suggest(value)


class NameSuggester(KnownSuggester):
    """Completes `@Na` to `@Name` from the participants, and `#fu` to `#funding` from the
    workshop's tags; a name matches however it is typed (case, accents composed or not, or
    left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.tags: list[str] = []
        self.room_names: list[str] = []
        """The room's own people, whom a name that could mean two people prefers."""

    def suggest(self, value: str) -> str | None:
        return complete_mention(value, self.names, self.tags, self.room_names)


def complete_mention(
    value: str, names: Sequence[str], tags: Sequence[str], room_names: Sequence[str] = ()
) -> str | None:
    """`value` with its last `@name` or `#tag` completed, or None. A name is completed to
    the person Enter would save (`names.meant`), and only when the words typed are all
    that person's: what is shown in grey is exactly who is saved."""
    marker = max(value.rfind("@"), value.rfind("#"))
    if marker < 0 or (marker > 0 and not value[marker - 1].isspace()):
        return None
    typed = value[marker + 1 :]
    if not typed or "  " in typed or (value[marker] == "#" and " " in typed):
        return None
    if value[marker] == "@":
        words = typed.split()
        found = meant(words, names, room_names)
        if found is None or found[1] != len(words) or len(found[0]) <= len(typed.strip()):
            return None
        return value[: marker + 1] + found[0]
    choices = tags
    # As typed (case, composed or decomposed accents), else with the accents left out.
    for fold in (name_key, reading_order):
        key = fold(typed)
        for known in choices:
            if fold(known).startswith(key) and len(known) > len(typed):
                return value[: marker + 1] + known
    return None


class WordSuggester(KnownSuggester):
    """Completes the whole value from a list of known words (cluster names, tags)."""

    def __init__(self, words: list[str], *, last_word: bool = False) -> None:
        super().__init__()
        self.words = words
        self.last_word = last_word

    def suggest(self, value: str) -> str | None:
        head, typed = ("", value)
        if self.last_word:
            cut = value.rfind(" ") + 1
            head, typed = value[:cut], value[cut:]
        prefix = typed.startswith("#")
        key = name_key(typed.lstrip("#"))
        if not key:
            return None
        for word in self.words:
            if name_key(word).startswith(key) and len(word) > len(typed.lstrip("#")):
                return head + ("#" if prefix else "") + word
        return None


class CompletingInput(OrderedInput):
    """A field where End, like →, accepts the completion shown in grey."""

    BINDINGS = [Binding("end", "accept_or_end", N_("End"), show=False)]

    async def act_on_key(self, event: events.Key) -> bool:
        """→ and End accept a completion here, in order: as bindings, → and Enter pressed
        together saved `@jose n` without the completion."""
        if event.key in ("right", "end") and self.accept_completion():
            return True
        return await super().act_on_key(event)

    def accept_completion(self) -> bool:
        """Take the completion of what is in the field, if the cursor is at its end: the
        one shown in grey, or, typed faster than the grey one is worked out (keys arriving
        together), the one it will show."""
        if not self.cursor_at_end:
            return False
        suggester = self.suggester
        if isinstance(suggester, KnownSuggester):
            completion = suggester.suggest(self.value)
        else:
            completion = upstream.shown_suggestion(self)
        if not completion:
            return False
        self.value = completion
        self.cursor_position = len(self.value)
        return True

    def action_accept_or_end(self) -> None:
        self.accept_completion()
        self.action_end()


class CaptureBar(CompletingInput):
    """Where note-takers type. Enter saves; Up in an empty bar opens the last entry to edit."""

    BINDINGS = [  # and CompletingInput's End
        Binding("up", "recall", N_("Recall last"), show=False),
        Binding("escape", "leave", N_("To the list"), show=False),
    ]

    virtual_size = Reactive(Size(0, 0), layout=False)
    """Textual's Input resizes its scrollable width on every keystroke, and a widget's
    `virtual_size` asks for a layout of the whole screen when it changes. The bar's own size
    is fixed by the CSS, so a repaint of the bar is enough."""

    class Recall(Message):
        """Up was pressed in an empty bar."""

    class Leave(Message):
        """Escape: the note-taker wants the list."""

    class NothingToSave(Message):
        """Enter on a line of markers and nothing else: the bar kept it."""

        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    class MultiLinePaste(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, **kwargs: Any) -> None:
        self.names = NameSuggester()
        # Focus never selects the text: the next key would replace what is already there.
        kwargs.setdefault("select_on_focus", False)
        super().__init__(placeholder=_(CAPTURE_HINT), suggester=self.names, **kwargs)

    async def act_on_key(self, event: events.Key) -> bool:
        """Enter takes the bar's text and empties the bar here, in order with the keys
        around it (`OrderedInput`): as Input's binding, a fast typist's next keys reached
        the bar first, glued to this entry, which the Enters queued meanwhile sent again."""
        if event.key == "enter":
            self.submit_now()
            return True
        return await super().act_on_key(event)

    def type_from_elsewhere(self, text: str) -> None:
        """Keys meant for the bar that reached something else, in order: characters inserted
        at the cursor, `EDITS` done as Input does them."""
        for piece in _EDIT.split(text):
            if piece in _EDIT_ACTIONS:
                getattr(self, f"action_{_EDIT_ACTIONS[piece]}")()
            elif piece:
                self.insert_text_at_cursor(piece)

    def submit_now(self) -> None:
        """Take the bar's text and empty the bar, as Enter does. A line of markers and
        nothing else (`! #funding`) has nothing to save: it stays in the bar, in order with
        the keys around it (the room says why), so a Ctrl+U typed next always empties it."""
        value = self.value
        if value.strip() and not has_text(value, self.names.names):
            # Said, not submitted: the room must not put the line back later, when a Ctrl+U
            # queued behind this Enter may have emptied the bar (it came back, and the next
            # sentence was glued to it).
            self.post_message(self.NothingToSave(value))
            return
        self.value = ""
        self.post_message(self.Submitted(self, value))

    def _watch_value(self, value: str) -> None:
        """Input starts a completion worker on every key; most notes hold no `@` or `#`, and
        a worker per key is a measurable share of what each key costs a served session."""
        if self.suggester is None or "@" in value or "#" in value:
            upstream.input_watch_value(self, value)
            return
        suggester, self.suggester = self.suggester, None
        try:
            upstream.input_watch_value(self, value)
        finally:
            self.suggester = suggester

    def action_recall(self) -> None:
        if not self.value:
            self.post_message(self.Recall())

    def action_leave(self) -> None:
        self.post_message(self.Leave())

    def _on_paste(self, event: events.Paste) -> None:
        """Several lines: the room asks how to take them. One: into the bar, once (Textual
        runs Input's own handler after this one unless told not to: a pasted line was
        inserted twice)."""
        event.stop()
        event.prevent_default()
        lines = [line for line in event.text.splitlines() if line.strip()]
        if len(lines) > 1:
            self.post_message(self.MultiLinePaste(event.text))
        elif lines:
            self.replace(lines[0], *self.selection)
