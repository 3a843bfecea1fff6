"""Small widgets of the app's screens."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive, reactive
from textual.screen import Screen
from textual.suggester import Suggester
from textual.widgets import Digits, Footer, Input, Static

from hubworkshop.domain.model import Phase, Question
from hubworkshop.domain.text import printable
from hubworkshop.domain.timer import format_remaining

CAPTURE_HINT = (
    "Type what was said, Enter to save  ·  ? question  ! concern  + proposal  = agree  "
    "~ disagree  > action  @name  #tag"
)


def plain(text: str) -> Content:
    """User (or plan) text as literal content: never markup, no control characters."""
    return Content(printable(text, keep_newlines=True))


def cell(text: str) -> Text:
    """User text for a DataTable cell (a plain `str` cell would be parsed as markup)."""
    return Text(printable(text))


class NameSuggester(Suggester):
    """Completes `@Na` to `@Name` from the room's participants."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.names: list[str] = []

    async def get_suggestion(self, value: str) -> str | None:
        at = value.rfind("@")
        if at < 0 or (at > 0 and not value[at - 1].isspace()):
            return None
        typed = value[at + 1 :]
        if not typed or "  " in typed:
            return None
        for name in self.names:
            if name.casefold().startswith(typed.casefold()) and len(name) > len(typed):
                return value[: at + 1] + name
        return None


class CaptureBar(Input):
    """Where note-takers type. Enter saves; Up in an empty bar recalls the last entry."""

    BINDINGS = [
        Binding("up", "recall", "Recall last", show=False),
        Binding("escape", "leave", "To the list", show=False),
    ]

    recalling: reactive[bool] = reactive(False)
    """True while the bar holds a recalled entry: Enter corrects it instead of adding."""

    virtual_size = Reactive(Size(0, 0), layout=False)
    """Textual's Input resizes its scrollable width on every keystroke, and a widget's
    `virtual_size` asks for a layout of the whole screen when it changes. The bar's own size
    is fixed by the CSS, so a repaint of the bar is enough."""

    class Recall(Message):
        """Up was pressed in an empty bar."""

    class Leave(Message):
        """Escape: the note-taker wants the list."""

    class MultiLinePaste(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, **kwargs) -> None:
        self.names = NameSuggester()
        super().__init__(placeholder=CAPTURE_HINT, suggester=self.names, **kwargs)

    def action_recall(self) -> None:
        if not self.value:
            self.post_message(self.Recall())

    def action_leave(self) -> None:
        if self.recalling:
            self.recalling = False
            self.value = ""
        else:
            self.post_message(self.Leave())

    def watch_recalling(self, recalling: bool) -> None:
        self.set_class(recalling, "-recalling")
        self.border_title = "correcting the last entry · Esc to cancel" if recalling else None

    def _on_paste(self, event: events.Paste) -> None:
        lines = [line for line in event.text.splitlines() if line.strip()]
        if len(lines) > 1:
            event.stop()
            event.prevent_default()
            self.post_message(self.MultiLinePaste(event.text))
            return
        super()._on_paste(event)


class CountdownDisplay(Vertical):
    """The phase clock, in big digits: warning colour in the last minute, red past zero."""

    DEFAULT_CSS = """
    CountdownDisplay { width: auto; height: auto; padding: 0 1; }
    CountdownDisplay Digits { width: auto; }
    CountdownDisplay #timer-state { width: auto; color: $text-muted; }
    CountdownDisplay.-warning Digits { color: $warning; }
    CountdownDisplay.-over Digits { color: $error; }
    """

    def compose(self) -> ComposeResult:
        yield Digits("0:00", id="timer-digits")
        yield Static("", id="timer-state")

    def show(self, remaining: float, running: bool, total_seconds: int) -> None:
        shown = (format_remaining(remaining), running, total_seconds)
        if shown == getattr(self, "_shown", None):
            return  # an idle room repaints nothing
        self._shown = shown
        self.query_one(Digits).update(shown[0])
        state = "▶ running" if running else ("⏸ paused" if remaining < total_seconds else "ready")
        self.query_one("#timer-state", Static).update(state if total_seconds else "no timer")
        self.set_class(0 <= remaining < 60 and total_seconds > 0, "-warning")
        self.set_class(remaining < 0, "-over")


class QuestionPanel(Vertical):
    """The current question, large and readable, in one language or two side by side."""

    DEFAULT_CSS = """
    QuestionPanel { height: auto; }
    QuestionPanel .phase { color: $text-muted; }
    QuestionPanel Horizontal { height: auto; }
    QuestionPanel .question {
        text-style: bold; padding: 1 2; border: round $primary; width: 1fr; height: auto;
    }
    QuestionPanel .follow-ups { color: $text-muted; padding: 0 2; height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", classes="phase")
        with Horizontal():
            yield Static("", classes="question", id="question-a")
            yield Static("", classes="question", id="question-b")
        yield Static("", classes="follow-ups")

    def show(
        self,
        question: Question | None,
        languages: list[str],
        phase: Phase | None,
        position: str,
    ) -> None:
        phase_line = ""
        if phase is not None:
            part = f"{phase.part} · " if phase.part else ""
            phase_line = f"{part}{phase.title} ({phase.activity.value}) · "
        self.query_one(".phase", Static).update(plain(f"{phase_line}{position}"))
        first, second = self.query_one("#question-a", Static), self.query_one("#question-b", Static)
        if question is None:
            first.update(plain("No question is open."))
            second.display = False
            return
        first.update(plain(question.text.get_text(languages[0])))
        first.border_title = languages[0].upper()
        second.display = len(languages) > 1
        if len(languages) > 1:
            second.update(plain(question.text.get_text(languages[1])))
            second.border_title = languages[1].upper()
        follow_ups = "\n".join(
            "  ·  ".join(f"• {f.get_text(lang)}" for lang in languages) for f in question.follow_ups
        )
        self.query_one(".follow-ups", Static).update(plain(follow_ups))


class DetailPane(Static):
    """The highlighted contribution in full, under the list: at most six lines.

    In a busy room every new contribution lands here, so it sets its own height and asks
    for a layout of the screen only when that height changes (an auto height would lay the
    screen out on every update, which cost more than the rest of the update together).
    """

    _lines = 0

    def show(self, content: Content) -> None:
        self.update(content, layout=False)
        self._fit()

    def on_resize(self) -> None:
        self._fit()  # a new width wraps the text differently

    def _fit(self) -> None:
        width = self.content_region.width
        if width <= 0:  # not laid out yet: the resize that follows fits it
            return
        lines = min(self.visual.get_height(self.styles, width), 5) if self.visual else 1
        if lines != self._lines:
            self._lines = lines
            self.styles.height = lines + self.styles.gutter.height  # the border on top


class StatusBar(Static):
    """Always visible: the database, who is typing where, and whether everything is saved."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    StatusBar.-error { background: $error 40%; color: $text; }
    """


class KeyFooter(Footer):
    """Textual's Footer, rebuilt only when the keys it shows change.

    The stock Footer recomposes every key on every change of focus; most focus changes
    (the start screen mounting, moving between the capture bar and the list) show the same
    keys, and the rebuild was a quarter of the start-up time.
    """

    _shown: tuple | None = None

    def bindings_changed(self, screen: Screen) -> None:
        shown = tuple(
            (binding.key, binding.description, binding.action, enabled, tooltip)
            for (_node, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show or binding.action == "app.command_palette"
        )
        if shown == self._shown and self.is_attached and self.screen is screen:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # what the recompose below will show
        super().bindings_changed(screen)
