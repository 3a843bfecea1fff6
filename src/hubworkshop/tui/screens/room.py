"""The breakout room: question, timer, capture bar, contribution list.

The screen composes the room's parts, each owning its keys and actions: the facilitator's
controls (`room_controls.py`, a facilitator's only), the list and the actions on its
selected point (`room_list.py`), the capture bar and its save queue (`room_capture.py`), the
panels (`tui/widgets/room_panels.py`). It reads the room and hands each part what it shows,
passes on what one part tells another (Textual messages), and keeps what is the whole
room's: undo and redo (Ctrl+Z, Ctrl+Y), retrying a save (Ctrl+R), the search and filters,
the question's language (F2), the presenter view (F3), the activity screens, the palette.

Every database call runs in a thread worker and comes back as a message (`tui/workers.py`).
The undo history of this terminal's own changes is the room's (`room_service.py`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input

from hubworkshop.domain.i18n import N_, _, role_label
from hubworkshop.domain.languages import languages_shown, next_mode
from hubworkshop.domain.model import Contribution, Kind, Room
from hubworkshop.tui.screens.base import HubScreen
from hubworkshop.tui.screens.room_capture import CaptureDesk
from hubworkshop.tui.screens.room_controls import FacilitatorControls
from hubworkshop.tui.screens.room_list import ContributionPanel
from hubworkshop.tui.screens.room_service import RoomService
from hubworkshop.tui.widgets.capture_bar import CaptureBar, for_the_bar
from hubworkshop.tui.widgets.contribution_list import ContributionList
from hubworkshop.tui.widgets.glyphs import AppHeader
from hubworkshop.tui.widgets.key_footer import KeyFooter
from hubworkshop.tui.widgets.pending import CaptureQueue, PendingPanel
from hubworkshop.tui.widgets.room_panels import (
    CountdownDisplay,
    QuestionPanel,
    RoomHead,
    StatusBar,
)
from hubworkshop.workshop.room_view import (
    Changes,
    RoomView,
    RowFilter,
    read_changes,
    read_room,
    read_rows,
)

__all__ = ["RoomScreen", "RoomView"]


class RoomScreen(HubScreen):
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
    """

    # Every binding's tooltip is its name in the command palette (Ctrl+P), which is built
    # from these bindings and the parts' (`tui/commands.py`, `key_owners`).
    BINDINGS = [
        Binding(
            "f2",
            "cycle_language",
            N_("Language"),
            tooltip=N_("Question language: each of the plan's, then two side by side"),
        ),
        Binding("f3", "presenter", N_("Present"), tooltip=N_("Presenter view, for screen sharing")),
        Binding("ctrl+z", "undo", N_("Undo"), show=False, tooltip=N_("Undo your last change")),
        Binding("ctrl+y", "redo", N_("Redo"), show=False, tooltip=N_("Redo the change you undid")),
        Binding("ctrl+r", "retry", N_("Retry"), show=False, tooltip=N_("Try saving again")),
        Binding("ctrl+f", "search", N_("Search"), show=False, tooltip=N_("Search contributions")),
        Binding(
            "escape", "clear_filters", N_("Clear filter"), show=False, tooltip=N_("Clear filters")
        ),
    ]

    FACILITATOR_ACTIONS = FacilitatorControls.ACTIONS | {"hide"}
    """What the menu and the palette offer a facilitator only: the controls' (which a
    note-taker's room does not even have) and moderation."""

    language_mode: reactive[str] = reactive("", init=False)
    """The question's language(s): one of the plan's, or BOTH; empty: the room's own."""

    def __init__(self, room_id: str) -> None:
        super().__init__()
        self.room_id = room_id
        self.service = RoomService(
            self,
            room_id,
            status=lambda message, error: self.refresh_status(message, error=error),
            sync=self.sync,
        )
        self.history = self.service.history
        self._controls: FacilitatorControls | None = None
        # The parts, kept as composed: the status line is redrawn at every key and save, and
        # a query of the DOM each time cost a capture about a millisecond (side by side, #31).
        self._points: ContributionPanel | None = None
        self._capture: CaptureDesk | None = None
        self._status: StatusBar | None = None
        self.snapshot: RoomView | None = None
        self.bar_ready = False
        """Whether keys typed elsewhere can go straight into the bar (from on_mount on)."""
        self.last_event_seq = 0
        self._list_lock = threading.Lock()
        self._room_lock = threading.Lock()
        self._list_loaded = False  # until the first read of the list, there is nothing to sync
        self._list_asked: tuple[int, RowFilter | None] = (0, None)  # the latest list read

    # -- the parts --------------------------------------------------------------------------

    @property
    def room(self) -> Room:
        return self.store.catalog.room(self.room_id)

    @property
    def points(self) -> ContributionPanel:
        return self._points or self.query_one(ContributionPanel)

    @property
    def capture(self) -> CaptureDesk:
        return self._capture or self.query_one(CaptureDesk)

    @property
    def controls(self) -> FacilitatorControls | None:
        """The facilitator's controls: None in a note-taker's room."""
        return self._controls

    @property
    def contribution_list(self) -> ContributionList:
        return self.points.list

    @property
    def queue(self) -> CaptureQueue:
        return self.capture.queue

    def key_owners(self) -> list[Widget]:
        """The room and its parts with keys and actions of their own, outermost first."""
        owners: list[Widget] = [self]
        if (controls := self.controls) is not None:
            owners.append(controls)
        return [*owners, self.points]

    def question_languages(self, mode: str) -> list[str]:
        """The languages the question is shown in for an F2 mode: the room's own first."""
        return languages_shown(self.store.catalog.workshop().languages, mode, self.room.language)

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
        # The facilitator's keys are over the whole room's body; a note-taker's room has none.
        if self.hub_app.facilitator:
            self._controls = FacilitatorControls(self.service, id="room")
        body = self._controls or Vertical(id="room")
        with body:
            with RoomHead(id="top"):
                yield QuestionPanel((view.question, shown, view.phase, view.position))
                yield CountdownDisplay(clock)
            yield (
                points := ContributionPanel(
                    self.service,
                    allows=self.palette_allows,
                    typed=self.type_from_list,
                    id="points",
                )
            )
            yield (pending := PendingPanel("", id="pending"))
            yield (
                capture := CaptureDesk(
                    self.service, pending, saved=self.show_captured, id="capture-desk"
                )
            )
            yield (status := StatusBar("", id="status"))
        self._points, self._capture, self._status = points, capture, status
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = self.room.name
        self.sub_title = (
            f"{role_label(self.hub_app.role)} · {self.hub_app.user_name or _('unnamed')}"
        )
        if (controls := self.controls) is not None:
            controls.snapshot = self.snapshot
        capture = self.capture
        capture.bar.cursor_blink = self.hub_app.cursor_blinks
        self.query_one("#search", Input).cursor_blink = self.hub_app.cursor_blinks
        capture.bar.focus()
        capture.restore_bar()
        capture.type_into_bar(self.hub_app.typed_ahead())
        self.bar_ready = True
        self.refresh_status()
        self.tick()
        # The list and the rest of the room after the first frame, so that frame (the
        # question) is not kept waiting by their threads.
        self.call_after_refresh(self.load_room)
        self.call_after_refresh(self.reload_list)
        self.call_after_refresh(capture.restore_drafts)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys the footer shows, in the room's order: the room's own first, then each
        part's from the outside in, the app's last (Textual lists the focused widget's
        first; the footer showed F2 F3 F5 F8 Enter when all were the screen's, and still
        does). Which binding a key runs is Textual's choice, unchanged."""
        found = super().active_bindings

        def depth(item: tuple[str, ActiveBinding]) -> float:
            node = item[1].node
            return float("inf") if node is self.app else len(node.ancestors)

        return dict(sorted(found.items(), key=depth))

    # -- reading, in workers ----------------------------------------------------------------

    # Reads whose results replace what is on screen share a lock held until their result is
    # posted, so an older read can never overwrite a newer one.

    def load_room(self) -> None:
        self.run_store(
            self._read_snapshot, self.show_snapshot, serial=self._room_lock, group="room-state"
        )

    def _read_snapshot(self, *, everything: bool = True) -> RoomView:
        """What the room shows above the list (`workshop/room_view.py`)."""
        return read_room(self.store, self.room_id, everything=everything)

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
            rows = read_rows(store, self.room_id, row_filter)
            self.last_event_seq = max(self.last_event_seq, rows.last_event)
            return rows.seqs, row_filter

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

        def read() -> Changes | None:
            changes = read_changes(store, self.room_id, self.last_event_seq, known_tags)
            if changes is not None:
                self.last_event_seq = changes.last_event
            return changes

        def show(changes: Changes | None) -> None:
            if changes is not None:
                self.apply_changes(changes.rows)
                if changes.room_changed:
                    self.load_room()
                if changes.renamed:  # the list shows who said what: read it again
                    self.reload_list()

        self.run_store(read, show, serial=self._list_lock, group="sync")

    # -- showing ---------------------------------------------------------------------------

    def show_snapshot(self, snapshot: RoomView) -> None:
        if snapshot == self.snapshot:
            return  # nothing to redraw
        self.snapshot = snapshot
        if (controls := self.controls) is not None:
            controls.snapshot = snapshot
        self.capture.show_known(snapshot.names, snapshot.tags, snapshot.room_names)
        self.show_question()
        self.refresh_status()
        self.tick()

    def show_question(self) -> None:
        heads = self.query(RoomHead)
        if self.snapshot is None or not heads:
            return
        shown = self.question_languages(self.language_mode)
        view = self.snapshot
        heads.first().show_question(view.question, shown, view.phase, view.position)

    def watch_language_mode(self) -> None:
        self.show_question()

    def tick(self) -> None:
        """Called every second by the app: redraw the clock from the shared countdown."""
        heads = self.query(RoomHead)
        if self.snapshot is None or not heads:  # not composed yet, or closing
            return
        heads.first().tick(self.snapshot.countdown, self.hub_app.now())

    def show_seqs(self, seqs: list[int], row_filter: RowFilter) -> None:
        self.contribution_list.set_seqs(seqs, row_filter=row_filter)
        self.points.update_header()
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
            self.points.show_detail_of(self.contribution_list.highlighted)
        self.points.update_header()

    # -- what one part tells another --------------------------------------------------------

    def show_captured(self, rows: list[Contribution]) -> None:
        """New entries from the capture desk, in the list."""
        self.contribution_list.upsert(rows)
        self.points.update_header()

    @on(CaptureDesk.EditAsked)
    def edit_asked(self, event: CaptureDesk.EditAsked) -> None:
        self.points.edit_contribution(event.contribution)

    @on(CaptureBar.Leave)
    def leave_capture(self) -> None:
        self.contribution_list.focus()

    def type_from_list(self, text: str, point: Contribution | None) -> None:
        """Keys typed on the list are the bar's (answering the highlighted point with `=`)."""
        self.capture.type_from_list(text, point)

    # The app (type-ahead from the start screen) and the tests speak to the room; these pass
    # it on to the part concerned.

    def type_into_bar(self, text: str) -> None:
        self.capture.type_into_bar(text)

    def edit_contribution(self, c: Contribution) -> None:
        self.points.edit_contribution(c)

    def _show_if_still_pending(self, key: int) -> None:
        self.capture.show_if_still_pending(key)

    @on(ContributionPanel.ActionChosen)
    def action_chosen(self, event: ContributionPanel.ActionChosen) -> None:
        self.perform(event.action)

    def perform(self, action: str) -> None:
        """Run a menu's or the palette's action on the part that has it (none: a
        facilitator's action in a note-taker's room does not exist)."""
        from hubworkshop.tui.dialogs.actions import action_name

        name = action_name(action)
        for owner in reversed(self.key_owners()):
            if hasattr(owner, f"action_{name}"):
                self.call_later(owner.run_action, action)
                return

    def on_descendant_focus(self) -> None:
        self.refresh_status()  # the status line says where keys go: the list, or the bar

    def refresh_status(self, message: str | None = None, *, error: bool = False) -> None:
        """The status line: where keys go, whether all is saved, the vote, who is here."""
        capture, status = self._capture, self._status
        if status is None:
            return  # not composed yet
        status.show_room(
            self.hub_app,
            in_list=isinstance(self.focused, ContributionList),
            saving=self.service.saving,
            waiting=capture.waiting if capture else 0,
            held=capture.held if capture else False,
            vote=self.snapshot.vote if self.snapshot is not None else None,
            message=message,
            error=error,
        )

    # -- the room's own keys and actions ----------------------------------------------------

    def palette_allows(self, action: str) -> bool:
        """Only the facilitator moves the room's clock and question, and moderates."""
        return action not in self.FACILITATOR_ACTIONS or self.hub_app.facilitator

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
        if self.points.cancel_merge():
            return
        search = self.query_one("#search", Input)
        search.remove_class("-open")
        with search.prevent(Input.Changed):
            search.value = ""
        if self.asked_filter.active:
            self.reload_list(RowFilter())
        self.contribution_list.focus()

    def on_paste(self, event: events.Paste) -> None:
        """A paste that reaches the room (the list had the focus) is for the capture bar,
        as typing there is: it was lost without a word."""
        if isinstance(self.focused, ContributionList) or self.focused is None:
            event.stop()
            bar = self.query_one(CaptureBar)
            bar.focus()
            bar.post_message(events.Paste(event.text))

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

    def action_undo(self) -> None:
        self.service.step(undo=True)

    def action_redo(self) -> None:
        self.service.step(undo=False)

    def action_retry(self) -> None:
        """Ctrl+R, wherever the focus is: the status line offers it there."""
        self.capture.retry()

    def action_cycle_language(self) -> None:
        self.language_mode = next_mode(
            self.store.catalog.workshop().languages, self.language_mode, self.room.language
        )

    def action_presenter(self) -> None:
        from hubworkshop.tui.screens.presenter import PresenterScreen

        self.app.push_screen(PresenterScreen(self.room_id, self))

    # -- the room's activity screens --------------------------------------------------------

    def action_ranking(self) -> None:
        from hubworkshop.tui.screens.ranking import RankingScreen

        self.app.push_screen(RankingScreen(self.room_id))

    def action_purpose(self) -> None:
        from hubworkshop.tui.screens.purpose import PurposeScreen

        self.app.push_screen(PurposeScreen(self.room_id))

    def action_roster(self) -> None:
        from hubworkshop.tui.screens.roster import RosterScreen

        self.app.push_screen(RosterScreen(self.room_id, self.history))

    def action_participants(self) -> None:
        from hubworkshop.tui.screens.participants import ParticipantsScreen

        self.app.push_screen(ParticipantsScreen(self.room_id, self.history))
