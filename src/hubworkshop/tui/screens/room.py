"""The breakout room: question, timer, capture bar, contribution list.

Every database call runs in a thread worker and comes back as a message (`tui/workers.py`).
The screen keeps the undo history of this terminal's own changes (`workshop/history.py`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Input, Static

from hubworkshop.domain.events import EventName
from hubworkshop.domain.i18n import N_, _, kind_label, ngettext, role_label
from hubworkshop.domain.languages import next_mode
from hubworkshop.domain.model import Contribution, Kind
from hubworkshop.domain.records import Event
from hubworkshop.domain.timer import Countdown
from hubworkshop.storage.pages import SELF_TYPED
from hubworkshop.tui.screens.room_actions import RoomView
from hubworkshop.tui.screens.room_capture import RoomCapture
from hubworkshop.tui.widgets.capture_bar import CaptureBar, for_the_bar
from hubworkshop.tui.widgets.contribution_list import ContributionList, RowFilter
from hubworkshop.tui.widgets.glyphs import AppHeader
from hubworkshop.tui.widgets.inputs import OrderedInput
from hubworkshop.tui.widgets.key_footer import KeyFooter
from hubworkshop.tui.widgets.pending import PendingPanel
from hubworkshop.tui.widgets.room_panels import (
    CountdownDisplay,
    DetailPane,
    QuestionPanel,
    StatusBar,
)
from hubworkshop.tui.widgets.text import plain, said_wrapped

_PEOPLE_CHANGED = frozenset({EventName.PARTICIPANT_RENAME, EventName.PARTICIPANT_MERGE})


def _may_change_room(event: Event, known_tags: set[str]) -> bool:
    """Whether the question, phase, clock, names or tags may have moved. Most events are new
    contributions: with thirty terminals in a room, re-reading the room for each one was
    most of the work a commit caused. A dot changes the open vote's count on the status
    line, so it counts."""
    if event.action is EventName.CONTRIBUTION_ADD:
        return not set(event.data.get("tags") or ()) <= known_tags
    return True


class RoomScreen(RoomCapture):
    """A breakout room, for a facilitator or a note-taker."""

    # No focus until on_mount gives it to the bar: Textual's own choice after compose would be
    # the first focusable widget, the hidden search field, which then took what was typed.
    AUTO_FOCUS = ""

    DEFAULT_CSS = """
    /* In a small terminal the question, the detail and the waiting entries give way, so the
       capture bar and the status line always stay on screen. */
    RoomScreen #top { height: auto; max-height: 40%; overflow-y: auto; padding: 0 1; }
    RoomScreen #pending { max-height: 15%; }
    RoomScreen QuestionPanel { width: 1fr; }
    RoomScreen #list-header { height: 1; padding: 0 1; color: $text-muted; }
    RoomScreen #search { display: none; }
    RoomScreen #search.-open { display: block; }
    RoomScreen #detail {
        height: auto; max-height: 6; padding: 0 1; border-top: solid $primary-darken-2;
        color: $text;
    }
    RoomScreen CaptureBar { margin: 0 0; overflow-x: hidden; }
    """

    # Every binding's tooltip is its name in the command palette (Ctrl+P), which is built
    # from these bindings (`tui/commands.py`).
    BINDINGS = [
        Binding(
            "f2",
            "cycle_language",
            N_("Language"),
            tooltip=N_("Question language: each of the plan's, then two side by side"),
        ),
        Binding("f3", "presenter", N_("Present"), tooltip=N_("Presenter view, for screen sharing")),
        Binding("f5", "toggle_timer", N_("Timer ▶/‖"), tooltip=N_("Start or pause the timer")),
        Binding(
            "f6", "extend(1)", N_("+1 min"), show=False, tooltip=N_("Extend the timer by 1 minute")
        ),
        Binding(
            "f7", "extend(5)", N_("+5 min"), show=False, tooltip=N_("Extend the timer by 5 minutes")
        ),
        Binding("f8", "move_question(1)", N_("Next Q"), tooltip=N_("Next question")),
        Binding(
            "f9", "move_question(-1)", N_("Prev Q"), show=False, tooltip=N_("Previous question")
        ),
        # No printable key is a command in the room: a sentence typed while the list has
        # the focus is written, never run. The list's actions are in the menu Enter opens
        # (tui/dialogs/actions.py) and in the palette; these keys nobody types in a sentence.
        Binding("enter", "actions", N_("Actions"), tooltip=N_("Actions on the selected point")),
        Binding(
            "delete",
            "delete",
            N_("Delete"),
            show=False,
            tooltip=N_("Delete the selected contribution"),
        ),
        Binding("ctrl+z", "undo", N_("Undo"), show=False, tooltip=N_("Undo your last change")),
        Binding("ctrl+y", "redo", N_("Redo"), show=False, tooltip=N_("Redo the change you undid")),
        Binding("ctrl+r", "retry", N_("Retry"), show=False, tooltip=N_("Try saving again")),
        Binding("ctrl+f", "search", N_("Search"), show=False, tooltip=N_("Search contributions")),
        Binding(
            "escape", "clear_filters", N_("Clear filter"), show=False, tooltip=N_("Clear filters")
        ),
    ]

    FACILITATOR_ACTIONS = {
        "toggle_timer",
        "extend",
        "move_question",
        "toggle_vote",
        "report_back",
        "hide",
    }
    LIST_ACTIONS = {"actions", "delete"}
    """Keys of the list only: in the bar, Enter saves and Delete deletes a character."""

    language_mode: reactive[str] = reactive("", init=False)
    """The question's language(s): one of the plan's, or BOTH; empty: the room's own."""

    def __init__(self, room_id: str) -> None:
        super().__init__(room_id)
        self._detail_shown: str | None = None
        self.last_event_seq = 0
        self.rang_at_zero = False
        self._list_lock = threading.Lock()
        self._room_lock = threading.Lock()
        self._list_loaded = False  # until the first read of the list, there is nothing to sync
        self._list_asked: tuple[int, RowFilter | None] = (0, None)  # the latest list read

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The first frame shows the question from one small read (the room's state; the
        # question and phase come from the plan, cached): people see where they are at once.
        # Names, tags and the list follow from workers.
        view = self.snapshot = self._read_snapshot(everything=False)
        shown = self.question_languages(self.language_mode)
        yield AppHeader()
        countdown = view.countdown
        clock = (
            countdown.remaining(self.hub_app.now()),
            countdown.running,
            countdown.total_seconds,
        )
        with Horizontal(id="top"):
            yield QuestionPanel((view.question, shown, view.phase, view.position))
            yield CountdownDisplay(clock)
        yield Static("", id="list-header")
        yield OrderedInput(
            placeholder=_("Search: every word, any script · Esc to close"), id="search"
        )
        yield ContributionList(
            self.store.contributions.by_seqs,
            typed=self.type_from_list,
            enter=self.action_actions,
            id="contributions",
        )
        yield DetailPane("", id="detail")
        yield PendingPanel("", id="pending")
        yield CaptureBar(id="capture")
        yield StatusBar("", id="status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = self.room.name
        self.sub_title = (
            f"{role_label(self.hub_app.role)} · {self.hub_app.user_name or _('unnamed')}"
        )
        self.query_one("#capture", CaptureBar).cursor_blink = self.hub_app.cursor_blinks
        self.query_one("#search", Input).cursor_blink = self.hub_app.cursor_blinks
        self.query_one(CaptureBar).focus()
        self.restore_bar()
        self.type_into_bar(self.hub_app.typed_ahead())
        self.bar_ready = True
        self.refresh_status()
        self.tick()
        # The list and the rest of the room after the first frame, so that frame (the
        # question) is not kept waiting by their threads.
        self.call_after_refresh(self.load_room)
        self.call_after_refresh(self.reload_list)
        self.call_after_refresh(self.restore_drafts)

    # -- reading, in workers ----------------------------------------------------------------

    # Reads whose results replace what is on screen share a lock held until their result is
    # posted, so an older read can never overwrite a newer one.

    def load_room(self) -> None:
        self.run_store(
            self._read_snapshot, self.show_snapshot, serial=self._room_lock, group="room-state"
        )

    def _read_snapshot(self, *, everything: bool = True) -> RoomView:
        """What the room shows above the list; without `everything`, no names and tags."""
        store, room = self.store, self.room
        people = store.participants.all() if everything else []
        state = store.rooms.state(self.room_id)
        question = store.catalog.questions().get(state.question) if state.question else None
        phase = next((p for p in store.catalog.phases() if p.id == state.phase), None)
        position = ""
        if state.question in room.questions:
            position = _("question {n} of {total}").format(
                n=room.questions.index(state.question) + 1, total=len(room.questions)
            )
        return RoomView(
            question=question,
            phase=phase,
            countdown=Countdown(
                state.timer_seconds, state.timer_elapsed_ms, state.timer_started_at
            ),
            position=position,
            names=[p.name for p in people],
            tags=store.contributions.tags() if everything else [],
            vote=store.votes.round(self.room_id) if everything else None,
            room_names=tuple(p.name for p in people if p.room == self.room_id),
        )

    @property
    def asked_filter(self) -> RowFilter:
        """The filter the list was last asked to show (it may still be reading)."""
        return self._list_asked[1] or self.contribution_list.row_filter

    def reload_list(self, row_filter: RowFilter | None = None) -> None:
        """Read the list again (with `row_filter`, else the one asked for last). Reads run in
        threads and may finish in any order: only the latest one asked for is shown (typing
        `gate` in the search field showed the rows of `gat`, read last)."""
        count, _wanted = self._list_asked
        row_filter = row_filter or self.asked_filter
        self._list_asked = asked = (count + 1, row_filter)
        store = self.store

        def read() -> tuple[list[int], RowFilter]:
            # Everything logged after this point will be replayed by sync(): nothing is missed.
            last_event = store.events.last_seq()
            seqs = store.contributions.seqs(
                room=self.room_id,
                question=row_filter.question,
                kind=row_filter.kind,
                tag=row_filter.tag,
                search=row_filter.search or None,
            )
            self.last_event_seq = max(self.last_event_seq, last_event)
            return seqs, row_filter

        def show(found: tuple[list[int], RowFilter]) -> None:
            if self._list_asked is asked:
                self.show_seqs(*found)

        self.run_store(read, show, serial=self._list_lock, group="list-seqs")

    def sync(self) -> None:
        """Load what changed since the last look: the log says which rows to read again."""
        if not self._list_loaded:
            return  # the list's first read is under way: it sees everything up to now
        store = self.store
        known_tags = set(self.snapshot.tags) if self.snapshot else set()

        def read() -> tuple[list[Contribution], bool, bool] | None:
            events = store.events.all(
                room=self.room_id, after_seq=self.last_event_seq, with_global=True
            )
            if not events:
                return None
            changed_ids = list(
                dict.fromkeys(
                    e.subject for e in events if e.subject and e.action.names_contribution
                )
            )
            rows = self._changed(changed_ids)
            self.last_event_seq = events[-1].seq
            renamed = any(
                e.action in _PEOPLE_CHANGED or e.action.changes_drawn_names for e in events
            )
            return rows, any(_may_change_room(e, known_tags) for e in events), renamed

        def show(changes: tuple[list[Contribution], bool, bool] | None) -> None:
            if changes is not None:
                rows, room_changed, renamed = changes
                self.apply_changes(rows)
                if room_changed:
                    self.load_room()
                if renamed:  # the list shows who said what: read it again
                    self.reload_list()

        self.run_store(read, show, serial=self._list_lock, group="sync")

    def _changed(self, ids: list[str]) -> list[Contribution]:
        found: list[Contribution] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found.extend(self.store.contributions.by_ids(chunk))
        return found

    # -- showing ---------------------------------------------------------------------------

    def show_snapshot(self, snapshot: RoomView) -> None:
        if snapshot == self.snapshot:
            return  # nothing to redraw
        self.snapshot = snapshot
        suggester = self.query_one(CaptureBar).names
        suggester.names, suggester.tags = snapshot.names, snapshot.tags
        suggester.room_names = list(snapshot.room_names)
        self.show_question()
        self.refresh_status()
        self.tick()

    def show_question(self) -> None:
        if self.snapshot is None:
            return
        shown = self.question_languages(self.language_mode)
        self.query_one(QuestionPanel).show(
            self.snapshot.question, shown, self.snapshot.phase, self.snapshot.position
        )

    def watch_language_mode(self) -> None:
        self.show_question()

    def tick(self) -> None:
        """Called every second by the app: redraw the clock from the shared countdown."""
        displays = self.query(CountdownDisplay)
        if self.snapshot is None or not displays:  # not composed yet, or closing
            return
        countdown = self.snapshot.countdown
        remaining = countdown.remaining(self.hub_app.now())
        displays.first().show(remaining, countdown.running, countdown.total_seconds)
        if countdown.running and remaining <= 0 and not self.rang_at_zero:
            self.rang_at_zero = True
            self.app.bell()
            self.notify(_("Time is up for this phase."), markup=False, severity="warning")
        elif remaining > 0:
            self.rang_at_zero = False

    def show_seqs(self, seqs: list[int], row_filter: RowFilter) -> None:
        self.contribution_list.set_seqs(seqs, row_filter=row_filter)
        self.update_list_header()
        if not self._list_loaded:
            self._list_loaded = True
            self.sync()  # anything committed while the list was first read

    def apply_changes(self, rows: Iterable[Contribution]) -> None:
        rows = list(rows)
        if self.contribution_list.row_filter.search:
            self.reload_list()
        else:
            self.contribution_list.upsert(rows)
            # Now rather than when the list's Highlighted message arrives: the list and the
            # detail are then drawn in one frame, not two (every terminal in a room draws
            # each sync; the message that follows finds nothing to change).
            self.show_detail_of(self.contribution_list.highlighted)
        self.update_list_header()

    @on(ContributionList.Highlighted)
    def show_detail(self, event: ContributionList.Highlighted) -> None:
        self.show_detail_of(event.contribution)

    def show_detail_of(self, c: Contribution | None) -> None:
        detail = self.query_one("#detail", DetailPane)
        if c is None:
            self._detail_shown = None
            detail.show(plain(_("Nothing here yet: type in the bar below and press Enter.")))
            return
        width = detail.content_region.width  # 0 before the first layout: not wrapped here
        text = (
            said_wrapped(c.text, width)
            if len(c.text) <= 2000
            else said_wrapped(c.text[:2000], width)
            + _("… ({n} more characters)").format(n=len(c.text) - 2000)
        )
        author = c.author or _("no speaker recorded")
        if c.note_taker == SELF_TYPED:
            author += " · " + _("typed by a participant")
        tags = " ".join(f"#{t}" for t in c.tags)
        dots = " · " + ngettext("{n} dot", "{n} dots", c.votes).format(n=c.votes) if c.votes else ""
        action = ""
        if c.owner or c.due:
            action = " · " + kind_label("action") + (f": {c.owner}" if c.owner else "")
            action += _(", due {date}").format(date=c.due) if c.due else ""
        if c.responds_to:
            action += " · " + _("answers {id}").format(id=c.responds_to[:8])
        shown = (
            f"{c.short_id} · {kind_label(c.kind.value)} · {author} · {c.created_at[11:19]} UTC"
            f"{' · ' + tags if tags else ''}{' · ★ ' + _('key point') if c.starred else ''}"
            f"{dots}{action}\n{text}"
        )
        if shown != self._detail_shown:
            self._detail_shown = shown
            detail.show(plain(shown))

    @on(CaptureBar.Recall)
    def recall_last(self) -> None:
        """Up in an empty bar: the last entry, in the edit form."""
        if self.last_entry is None:
            self.notify(_("Nothing to recall yet."), markup=False, timeout=2)
            return
        self.edit_contribution(self.last_entry)

    def on_descendant_focus(self) -> None:
        self.refresh_status()  # the status line says where keys go: the list, or the bar

    @on(CaptureBar.Leave)
    def leave_capture(self) -> None:
        self.contribution_list.focus()

    @on(CaptureBar.MultiLinePaste)
    def multi_line_paste(self, event: CaptureBar.MultiLinePaste) -> None:
        from hubworkshop.tui.dialogs.contribution import PasteDialog

        text = event.text

        def chosen(choice: str | None) -> None:
            if choice == "lines":
                lines = [line for line in text.splitlines() if line.strip()]
                self.queue.add(text, lines)
            elif choice == "join":
                bar = self.query_one(CaptureBar)
                bar.insert_text_at_cursor(
                    " ".join(line.strip() for line in text.splitlines() if line.strip())
                )

        self.app.push_screen(PasteDialog(text), chosen)

    # -- list actions ----------------------------------------------------------------------

    def palette_allows(self, action: str) -> bool:
        """Only the facilitator moves the room's clock and question."""
        return action not in self.FACILITATOR_ACTIONS or self.hub_app.facilitator

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.palette_allows(action):
            return False  # hidden: only the facilitator moves the room's clock and question
        # While typing, the list's letter keys are text: show them as unavailable.
        return not (action in self.LIST_ACTIONS and isinstance(self.focused, Input))

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.add_class("-open")
        search.focus()

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        current = self.asked_filter
        self.reload_list(current._replace(search=event.value.strip()))

    @on(Input.Submitted, "#search")
    def search_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.contribution_list.focus()

    def action_filter(self) -> None:
        from hubworkshop.tui.dialogs.contribution import FilterDialog

        def chosen(choice: tuple[str, str | None] | None) -> None:
            if choice is None:
                return
            current = self.asked_filter
            what, value = choice
            if what == "kind" and value is not None:
                self.reload_list(current._replace(kind=Kind(value)))
            elif what == "tag":
                self.reload_list(current._replace(tag=value))
            elif what == "question":
                open_now = self.snapshot.question if self.snapshot else None
                question = open_now.id if open_now is not None else None
                self.reload_list(current._replace(question=question))
            else:
                self.action_clear_filters()

        self.app.push_screen(FilterDialog(self.snapshot.tags if self.snapshot else []), chosen)

    def action_clear_filters(self) -> None:
        if self.merging is not None:
            self.merging = None
            self.refresh_status(_("Merge cancelled."))
            return
        search = self.query_one("#search", Input)
        search.remove_class("-open")
        with search.prevent(Input.Changed):
            search.value = ""
        if self.asked_filter.active:
            self.reload_list(RowFilter())
        self.contribution_list.focus()

    def action_focus_capture(self) -> None:
        self.query_one(CaptureBar).focus()

    def action_actions(self) -> None:
        """Enter on the list: a merge under way is completed on this point; otherwise the
        menu of the point's actions and the room's (`tui/dialogs/actions.py`)."""
        if self.merging is not None:
            self.action_merge()
            return
        from hubworkshop.tui.dialogs.actions import MENU, ActionMenu

        c = self.contribution_list.highlighted
        point = f"{c.short_id} · {c.text}" if c is not None else None

        def chosen(action: str | None) -> None:
            if action:
                self.call_later(self.run_action, action)

        self.app.push_screen(ActionMenu(point, MENU, self.palette_allows), chosen)

    def on_key(self, event: events.Key) -> None:
        # Escape in the search box closes it (and clears the search).
        if event.key == "escape" and self.focused is self.query_one("#search", Input):
            event.stop()
            self.action_clear_filters()
            return
        # A character that reaches the room itself was typed while the room was opening,
        # before the bar had the focus (a fast typist, a browser's queued keys): it goes to
        # the bar, in order, rather than to a key binding or nowhere. (The bar and the search
        # box take their own characters; the list sends its typing to the bar.)
        if self.focused in (None, self.query_one(CaptureBar)) and (typed := for_the_bar(event)):
            event.stop()
            event.prevent_default()
            self.type_into_bar(typed)

    # -- facilitator actions ---------------------------------------------------------------

    def action_cycle_language(self) -> None:
        self.language_mode = next_mode(
            self.store.catalog.workshop().languages, self.language_mode, self.room.language
        )

    def action_presenter(self) -> None:
        from hubworkshop.tui.screens.presenter import PresenterScreen

        self.app.push_screen(PresenterScreen(self.room_id, self))
