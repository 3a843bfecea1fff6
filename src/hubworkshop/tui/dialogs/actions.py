"""The room's actions menu: Enter on a point in the list.

In a room every printable key writes: a sentence typed while the list has the focus goes to
the capture bar, whole and in order, and never runs a command (`ContributionList.on_key`).
So the list's actions have no letter of their own in the room. Enter on a point opens this
menu, where each action has its letter (the same in every language, shown beside it) and ↑ ↓
Enter work too; Esc closes it. A few keys act directly because nobody types them into a
sentence: Delete, Ctrl+Z / Ctrl+Y (undo, redo), Ctrl+F (search), Esc, the F-keys. Every
action is also in the command palette (Ctrl+P).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from hubworkshop.domain.i18n import N_, _
from hubworkshop.tui.dialogs.common import DIALOG_CSS
from hubworkshop.tui.widgets.text import plain


class MenuItem(NamedTuple):
    """One action of the menu: its letter there, the room's action, its words."""

    key: str
    action: str
    label: str
    on_point: bool
    """Acts on the selected point (offered only when there is one)."""


KIND_ITEMS = [
    MenuItem(str(i), f"set_kind('{kind}')", label, True)
    for i, (kind, label) in enumerate(
        [
            ("idea", N_("Kind: idea")),
            ("question", N_("Kind: question")),
            ("concern", N_("Kind: concern")),
            ("proposal", N_("Kind: proposal")),
            ("agreement", N_("Kind: agreement")),
            ("disagreement", N_("Kind: disagreement")),
            ("action", N_("Kind: action")),
        ],
        start=1,
    )
]

MENU: list[MenuItem] = [
    MenuItem("e", "edit", N_("Edit the selected contribution"), True),
    MenuItem("t", "tag", N_("Tag the selected contribution"), True),
    MenuItem("s", "star", N_("Star or unstar as a key point"), True),
    *KIND_ITEMS,
    MenuItem("v", "vote", N_("Vote: a dot for the selected point"), True),
    MenuItem("m", "merge", N_("Merge into another point"), True),
    MenuItem("M", "split", N_("Split a merged point"), True),
    MenuItem("c", "cluster", N_("Cluster: group under a name"), True),
    MenuItem("p", "park", N_("Park or unpark (kept in the record)"), True),
    MenuItem("o", "action_owner", N_("Action owner and due date"), True),
    MenuItem("d", "delete", N_("Delete the selected contribution"), True),
    MenuItem("h", "hide", N_("Hide (moderation: logged; approved back from J)"), True),
    MenuItem("/", "search", N_("Search contributions"), False),
    MenuItem("f", "filter", N_("Filter by kind or tag"), False),
    MenuItem("u", "undo", N_("Undo your last change"), False),
    MenuItem("U", "redo", N_("Redo the change you undid"), False),
    MenuItem("V", "toggle_vote", N_("Open or close the dot-vote"), False),
    MenuItem("W", "takeaways", N_("Wrap-up: key takeaways"), False),
    MenuItem("R", "ranking", N_("Task ranking"), False),
    MenuItem("P", "purpose", N_("Purpose statement"), False),
    MenuItem("B", "report_back", N_("Report-back in plenary"), False),
    MenuItem("N", "roster", N_("Participants: consent, language"), False),
    MenuItem("J", "participants", N_("Participants' page: QR code, link, moderation"), False),
]
"""Every action of the menu, in its order. The letters are the room's keys of old, so
hands that knew them find them one Enter away."""


def action_name(action: str) -> str:
    """`set_kind('idea')` -> `set_kind`: what the room's role check knows it by."""
    return action.partition("(")[0]


class ActionMenu(ModalScreen[str | None]):
    """The actions on `point` (a short description of it, or None), and the room's."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="ActionMenu")
        + "ActionMenu > Vertical { max-width: 64; } ActionMenu OptionList { height: auto; "
        "max-height: 55vh; }"
    )
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(
        self, point: str | None, items: Sequence[MenuItem], allows: Callable[[str], bool]
    ) -> None:
        super().__init__()
        self.point = point
        self.items = [
            i
            for i in items
            if allows(action_name(i.action)) and (point is not None or not i.on_point)
        ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                plain(_("Actions: {point}").format(point=self.point))
                if self.point
                else plain(_("Actions")),
                classes="title",
            )
            options: list[Option | None] = []
            for i, item in enumerate(self.items):
                if i and item.on_point != self.items[i - 1].on_point:
                    options.append(None)  # a separator: the point's, then the room's
                label = Text(f" {item.key}  ", style="bold").append(_(item.label))
                options.append(Option(label, id=item.action))
            yield OptionList(*options, id="actions")
            yield Static(_("A letter or Enter chooses · Esc closes"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        chosen = next((i for i in self.items if i.key == event.character), None)
        if chosen is not None:
            event.stop()
            event.prevent_default()
            self.dismiss(chosen.action)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
