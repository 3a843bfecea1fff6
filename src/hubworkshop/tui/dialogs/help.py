"""The help screen: keys and the quick-capture syntax."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from hubworkshop.domain.i18n import N_

HELP = """\
# hubworkshop — keys

Everything is reachable from the keyboard; **Ctrl+P** opens the command palette with every action.

## Anywhere in a room

| Key | Action |
| --- | --- |
| F1 | this help (also `?` when not typing) |
| F2 | question language: English · French · both |
| F3 | presenter view (for screen sharing) |
| F4 | export: summaries (Markdown, wikitext) and data, with preview |
| F5 | start / pause the timer (facilitator) |
| F6 / F7 | add 1 / 5 minutes to the timer (facilitator) |
| F8 / F9 | next / previous question (facilitator) |
| Tab | move between the capture bar and the list |
| Ctrl+T or Alt+T | dark / light theme |
| Ctrl+Q | quit (everything is already saved) |

## Capture bar

| Type | Means |
| --- | --- |
| Enter | save (committed to the database before it shows in the list) |
| `?` `!` `+` `=` `~` `>` first | question, concern, proposal, agreement, disagreement, action |
| `@Name` | who said it (Tab/→ completes a known name; a new name is added as anonymous) |
| `#tag` | tag it |
| `\\` first | keep a leading `?` `!` … as text |
| Up (empty bar) | your last entry, in the edit form |
| Esc | to the list |

## Contribution list

| Key | Action |
| --- | --- |
| ↑ ↓ PgUp PgDn Home End | move |
| e | edit: text, kind, speaker and tags, each a field |
| Delete | delete (it says what it deleted) · u undo your last change · U redo it |
| 1–7 | kind: idea, question, concern, proposal, agreement, disagreement, action |
| t | tags · s star as a key point |
| / | search · f filter by kind or tag · Esc clears |
| Enter or i | back to the capture bar |
| v · V | a dot for this point · open or close the vote (facilitator) |
| m then m · M | merge into another point · split |
| c · p · o | cluster · park · action owner and due date |
| W · R · P | wrap-up takeaways · task ranking · purpose statement |
| B · N | report-back (facilitator) · participants |
| F10 | dashboard: every room at a glance |
"""


class HelpScreen(ModalScreen[None]):
    """The keys, as a facilitator or note-taker needs them."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; background: $background 60%; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 100; height: 90%; border: thick $primary; background: $surface;
    }
    """
    BINDINGS = [
        Binding("escape,f1,q,question_mark", "dismiss", N_("Close")),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(HELP)
