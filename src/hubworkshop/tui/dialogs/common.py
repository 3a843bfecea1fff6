"""Dialogs every screen uses: pick a participant, or type one line of text."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from hubworkshop.domain.i18n import N_, _
from hubworkshop.tui.widgets.capture_bar import CompletingInput, WordSuggester
from hubworkshop.tui.widgets.inputs import OrderedInput
from hubworkshop.tui.widgets.text import plain

DIALOG_CSS = """
{name} {{ align: center middle; background: $background 60%; }}
{name} > Vertical {{
    width: 80%; max-width: 110; height: auto; max-height: 90%;
    border: thick $primary; background: $surface; padding: 1 2;
}}
{name} .hint {{ color: $text-muted; margin-top: 1; }}
{name} .problem {{ color: $error; height: auto; }}
{name} TextArea {{ height: 12; }}
"""


class ParticipantPicker(ModalScreen[str | None]):
    """Who is voting? Pick a participant, or type a new name."""

    # A long roster scrolls inside the list, so the new-name field stays on screen.
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="ParticipantPicker")
        + "ParticipantPicker #people { height: auto; max-height: 40vh; }"
    )
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, title: str, names: list[str], remaining: dict[str, int] | None = None):
        super().__init__()
        self.title_text = title
        self.names = names
        self.remaining = remaining or {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.title_text), classes="title")
            options = []
            for name in self.names:
                left = self.remaining.get(name)
                suffix = f"  ({left} left)" if left is not None else ""
                options.append(Option(plain(f"{name}{suffix}"), id=name))
            yield OptionList(*options, id="people")
            yield OrderedInput(placeholder=_("…or type a new name and press Enter"), id="new-name")

    def on_mount(self) -> None:
        people = self.query_one("#people", OptionList)
        (people if self.names else self.query_one("#new-name", Input)).focus()

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @on(Input.Submitted)
    def typed(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextDialog(ModalScreen[str | None]):
    """One line of text (a cluster name, an owner and due date...)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="TextDialog")
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(
        self,
        title: str,
        value: str = "",
        hint: str = "",
        check: Callable[[str], str | None] | None = None,
        suggestions: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.title_text, self.value, self.hint = title, value, hint
        self.check = check
        self.suggestions = suggestions
        """Says what is wrong with a value (shown in the dialog, which stays open), or None."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.title_text), classes="title")
            yield CompletingInput(
                self.value,
                id="text",
                select_on_focus=False,
                suggester=WordSuggester(self.suggestions) if self.suggestions else None,
            )
            yield Static("", id="problem", classes="problem")
            yield Static(plain(self.hint), classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem = self.check(event.value) if self.check is not None else None
        if problem:
            self.query_one("#problem", Static).update(plain(problem))
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A yes-or-no question before something that cannot be undone (y or Enter / n or Esc)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmDialog")
    BINDINGS = [
        Binding("y,enter", "answer(True)", N_("Yes")),
        Binding("n,escape", "answer(False)", N_("No")),
    ]

    def __init__(self, question: str, hint: str | None = None) -> None:
        super().__init__()
        self.question, self.hint = question, hint or _("y or Enter: yes · n or Esc: no")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.question), classes="title")
            yield Static(plain(self.hint), classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ChoiceDialog(ModalScreen[str | None]):
    """One of a few choices, each shown whole (a consent level): ↑ ↓ and Enter, or Esc.
    The one preselected is the safe one; nothing is stepped through on the way."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="ChoiceDialog") + "ChoiceDialog OptionList { height: auto; }"
    )
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(
        self, title: str, choices: list[tuple[str, str]], selected: str, hint: str = ""
    ) -> None:
        super().__init__()
        self.title_text, self.choices, self.selected, self.hint = title, choices, selected, hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.title_text), classes="title")
            yield OptionList(
                *(Option(plain(label), id=value) for value, label in self.choices), id="choices"
            )
            yield Static(
                plain(self.hint or _("↑ ↓ and Enter chooses · Esc cancels")), classes="hint"
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = [value for value, _label in self.choices].index(self.selected)
        options.focus()

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
