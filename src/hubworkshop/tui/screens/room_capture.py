"""The capture desk: the bar note-takers type in, and its save queue.

Enter queues exactly the bar's text and empties the bar; the queue saves entries in order,
each once (`tui/widgets/pending.py`), and what waits is listed under the list and kept on
disk until it is saved. The bar's keys are its own (`tui/widgets/capture_bar.py`): Enter,
Up (the last entry, to edit), Esc (to the list).
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input

from hubworkshop.domain.capture import parse_capture
from hubworkshop.domain.i18n import _, ngettext
from hubworkshop.domain.model import Contribution
from hubworkshop.tui.screens.room_service import RoomService
from hubworkshop.tui.widgets.capture_bar import CaptureBar
from hubworkshop.tui.widgets.pending import CaptureQueue, Pending, PendingPanel
from hubworkshop.workshop.capture import Captured, capture_lines, has_text
from hubworkshop.workshop.history import Added

PENDING_SHOWN_AFTER = 0.3  # seconds an entry waits before it is listed under the list
DRAFTS_FLUSHED_EVERY = 0.5  # seconds: at most this much typing is lost to a crash


class CaptureDesk(Vertical):
    """The capture bar, its save queue, and the drafts a crash must not lose. The entries
    waiting are shown in `pending`, a panel the room lays out above the desk (a share of the
    room's height, which a panel inside this auto-height desk could not have)."""

    DEFAULT_CSS = """
    CaptureDesk { height: auto; }
    CaptureDesk CaptureBar { margin: 0 0; overflow-x: hidden; }
    """

    class EditAsked(Message):
        """Up in the empty bar: the last entry, in the edit form."""

        def __init__(self, contribution: Contribution) -> None:
            super().__init__()
            self.contribution = contribution

    def __init__(
        self,
        service: RoomService,
        pending: PendingPanel,
        *,
        saved: Callable[[list[Contribution]], None],
        id: str | None = None,
    ) -> None:
        """`saved`: what the room does with entries once they are in the database (shows them
        in its list). A function the room gives, not a message: called at once, the row is
        on screen in the same frame as "saved", as when this was the screen's own code (a
        message bubbling up took a turn of two more queues: capture p50 went from about
        13 to 25 ms on a busy machine)."""
        super().__init__(id=id)
        self.service = service
        self.pending = pending
        self._saved = saved
        self.queue = CaptureQueue(self._save_pending, self._show_pending)
        self.last_entry: Contribution | None = None
        self._flush_pending = False

    def compose(self) -> ComposeResult:
        yield CaptureBar(id="capture")

    @property
    def bar(self) -> CaptureBar:
        return self.query_one(CaptureBar)

    @property
    def waiting(self) -> int:
        """Entries typed but not saved yet."""
        return len(self.queue.items)

    @property
    def held(self) -> bool:
        """Whether the entries waiting are held until the person says (a save failed, or
        they were left by a crash): nothing is being saved."""
        return self.queue.failure is not None

    def show_known(self, names: list[str], tags: list[str], room_names: tuple[str, ...]) -> None:
        """The people and tags the bar completes `@` and `#` from."""
        suggester = self.bar.names
        suggester.names, suggester.tags = names, tags
        suggester.room_names = list(room_names)

    # -- keys typed elsewhere ---------------------------------------------------------------

    def type_into_bar(self, text: str) -> None:
        """Keys meant for the bar that reached something else (the list, the room while it
        opened, the start screen after its Enter), in order: characters into the bar, "\n"
        as Enter (saved). The bar takes the focus, so the next key goes there too."""
        if not text:
            return
        bar = self.bar
        self.app.set_focus(bar)
        for n, line in enumerate(text.split("\n")):
            if n:
                bar.submit_now()
            bar.type_from_elsewhere(line)

    def type_from_list(self, text: str, point: Contribution | None) -> None:
        """Keys typed while the list has the focus: `=` or `~` first, with a point
        highlighted, answers that point (`= ^3f2a9c1e `, its short id in the bar, where
        it can be seen and deleted); anything else goes to the bar as typed."""
        if text[:1] and text[0] in "=~" and not self.bar.value and point is not None:
            text = f"{text[0]} ^{point.short_id} {text[1:].lstrip()}"
        self.type_into_bar(text)

    # -- the bar ----------------------------------------------------------------------------

    @on(Input.Submitted, "#capture")
    def submit_capture(self, event: Input.Submitted) -> None:
        """Exactly the text in the bar at Enter goes to the queue (the bar emptied itself
        then, and may already hold the next entry's first keys)."""
        raw = event.value
        if not raw.strip():
            self.queue.retry()  # Enter in an empty bar tries a failed entry again
            return
        bar = self.bar
        if not has_text(raw, bar.names.names):
            # Markers and nothing else (`! #funding`): no entry to save, and queued it would
            # fail for good and hold every entry after it. The bar keeps such a line itself
            # (`NothingToSave`); this one it emptied, as the names it knew then made it text:
            # it goes back in the bar.
            if not bar.value:
                bar.value = raw
                bar.cursor_position = len(raw)
            self.say_nothing_to_save(raw)
            return
        self.queue.add(raw, [raw])

    @on(CaptureBar.NothingToSave)
    def nothing_to_save(self, event: CaptureBar.NothingToSave) -> None:
        self.say_nothing_to_save(event.line)

    def say_nothing_to_save(self, line: str) -> None:
        self.notify(
            _("Nothing to save: «{line}» has no text besides its markers.").format(
                line=line.strip()
            ),
            severity="warning",
            timeout=4,
            markup=False,
        )

    @on(CaptureBar.Recall)
    def recall_last(self) -> None:
        """Up in an empty bar: the last entry, in the edit form (the list's)."""
        if self.last_entry is None:
            self.notify(_("Nothing to recall yet."), markup=False, timeout=2)
            return
        self.post_message(self.EditAsked(self.last_entry))

    @on(CaptureBar.MultiLinePaste)
    def multi_line_paste(self, event: CaptureBar.MultiLinePaste) -> None:
        from hubworkshop.tui.dialogs.contribution import PasteDialog

        bar = self.bar
        lines = [line.strip() for line in event.text.splitlines() if line.strip()]
        # A line of markers only has nothing to save: queued with the others, it failed
        # the whole paste, and held every entry typed after it.
        kept = [line for line in lines if has_text(line, bar.names.names)]
        empty = [line for line in lines if line not in kept]

        def join() -> None:  # in the bar, over what is selected, as a one-line paste is
            bar.replace(" ".join(lines), *bar.selection)

        if not kept:  # markers only: in the bar, to be completed, as a typed line stays
            join()
            return

        def chosen(choice: str | None) -> None:
            if choice == "lines":
                if empty:
                    self.say_nothing_to_save("  ".join(empty))
                self.queue.add("\n".join(kept), kept)
            elif choice == "join":
                join()

        self.app.push_screen(PasteDialog(event.text, storable=len(kept)), chosen)

    # -- drafts: what a crash must not lose -------------------------------------------------

    @on(Input.Changed, "#capture")
    def keep_draft(self, event: Input.Changed) -> None:
        """What is in the bar is kept as it is typed, to be offered back after a crash: in
        memory at each key, on disk within half a second (`DRAFTS_FLUSHED_EVERY`)."""
        self.service.app.drafts().stage(f"{self.service.room_id}/bar", event.value)
        self._flush_drafts_soon()

    def _flush_drafts_soon(self) -> None:
        if not self._flush_pending:
            self._flush_pending = True
            self.set_timer(DRAFTS_FLUSHED_EVERY, self._flush_drafts)

    def _flush_drafts(self) -> None:
        self._flush_pending = False
        self.service.app.drafts().flush()

    def on_unmount(self) -> None:
        self.service.app.drafts().flush()

    def restore_bar(self) -> None:
        """After a restart, the bar's unsent text back in the bar: on mount, before any key
        can reach the bar."""
        text = self.service.app.drafts().get(f"{self.service.room_id}/bar")
        bar = self.bar
        if isinstance(text, str) and text and not bar.value:
            with bar.prevent(Input.Changed):
                bar.value = text
            bar.cursor_position = len(text)
            self.notify(_("Your unsent text is back in the bar."), timeout=4, markup=False)

    def restore_drafts(self) -> None:
        """After a restart: entries that were still waiting to be saved back in the queue
        (unless they did reach the database), and a word about unsaved edits."""
        service = self.service
        drafts, store, room_id = service.app.drafts(), service.store, service.room_id
        me = service.app.user_name
        edits = [slot.removeprefix("edit/") for slot in drafts.slots if slot.startswith("edit/")]
        if edits:

            def kept_edits() -> list[str]:
                rows = store.contributions.by_ids(edits)
                return [c.short_id for c in rows if c.room == room_id]

            def offer_edits(short_ids: list[str]) -> None:
                if short_ids:
                    self.notify(
                        _(
                            "Unsaved edits of {ids} were kept: "
                            "e on that contribution brings yours back."
                        ).format(ids=", ".join(short_ids)),
                        timeout=6,
                        markup=False,
                    )

            service.read(kept_edits, offer_edits)
        waiting = drafts.get(f"{room_id}/pending")
        if not isinstance(waiting, list) or not waiting or self.queue.items:
            return

        def unsaved() -> list[str]:
            names = [p.name for p in store.participants.all()]
            stored = {(c.text, c.note_taker) for c in store.contributions.find(room=room_id)}
            return [
                raw
                for raw in (w for w in waiting if isinstance(w, str))
                if (parse_capture(raw, names).text, me) not in stored
            ]

        def offer(raws: list[str]) -> None:
            if not raws:
                drafts.forget(f"{room_id}/pending")
                return
            said = ngettext(
                "{n} entry from before the app stopped: Ctrl+R saves it",
                "{n} entries from before the app stopped: Ctrl+R saves them",
                len(raws),
            ).format(n=len(raws))
            self.queue.hold([(raw, [raw]) for raw in raws], said)
            service.status(said, error=True)  # said once, not "saving…" besides
            self.notify(said, severity="warning", markup=False)

        service.read(unsaved, offer)

    # -- the queue --------------------------------------------------------------------------

    def retry(self) -> None:
        if not self.queue.retry():
            self.notify(_("Nothing is waiting to be saved."), markup=False, timeout=2)

    def _show_pending(self) -> None:
        """The status line says "saving…" at once. The panel under the list shows entries
        only once they wait (for a lock held elsewhere) or fail: an entry saved in a few
        milliseconds must not lay the screen out twice."""
        self.service.status()
        self.service.app.drafts().stage(
            f"{self.service.room_id}/pending", [item.raw for item in self.queue.items]
        )
        self._flush_drafts_soon()
        panel = self.pending
        if self.queue.failure is not None or len(self.queue.items) > 1 or not self.queue.items:
            if self.queue.items or panel.has_class("-shown"):
                panel.show_queue(self.queue)
        else:
            waiting = self.queue.items[0].key
            self.set_timer(PENDING_SHOWN_AFTER, lambda: self.show_if_still_pending(waiting))

    def show_if_still_pending(self, key: int) -> None:
        """Only if that entry still waits: the next one, entered meanwhile and about to be
        saved, is not a reason to lay the screen out twice (a fast burst of entries did, for
        one entry in four)."""
        if any(item.key == key for item in self.queue.items):
            self.pending.show_queue(self.queue)

    def _save_pending(
        self, items: list[Pending], saved: Callable[[], None], failed: Callable[[str], None]
    ) -> None:
        """Parse with the participants the database knows now, then store, then confirm."""
        service = self.service
        store, room_id, actor = service.store, service.room_id, service.app.user_name
        lines = [line for item in items for line in item.lines]

        def save() -> Captured:
            return capture_lines(store, room_id, lines, note_taker=actor)

        def done(result: Captured) -> None:
            rows, new_people = result
            self.capture_saved(rows)
            for person in new_people:  # a new name is a new person: say so, never silently
                self.notify(
                    _(
                        "New participant «{name}», anonymous until their consent is recorded "
                        "(N: participants)"
                    ).format(name=person),
                    timeout=5,
                    markup=False,
                )
            saved()

        def not_saved(message: str) -> None:
            failed(message)
            self.capture_failed(message)

        service.read(save, done, failed=not_saved, group="writes")

    def capture_saved(self, saved: list[Contribution]) -> None:
        for c in saved:
            self.service.history.record(Added(c))
        self.last_entry = saved[-1]
        self.service.app.mark_saved()
        self._saved(saved)
        self.service.status()
        names = self.bar.names
        for c in saved:
            if c.author and c.author not in names.names:
                names.names.append(c.author)
            names.tags.extend(t for t in c.tags if t not in names.tags)

    def capture_failed(self, message: str) -> None:
        self.service.status(_("NOT SAVED: {message}").format(message=message), error=True)
        self.notify(
            _(
                "Not saved — your text waits under the list; Enter in the empty bar or Ctrl+R "
                "tries again. {message}"
            ).format(message=message),
            severity="error",
            markup=False,
        )
