"""The capture bar's side of a room: Enter queues exactly the bar's text and empties it;
the queue saves entries in order, each once (`tui/widgets/pending.py`)."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.widgets import Input, Static

from hubworkshop.domain.capture import parse_capture
from hubworkshop.domain.i18n import _, ngettext
from hubworkshop.domain.model import Contribution
from hubworkshop.tui.screens.room_actions import ContributionActions
from hubworkshop.tui.widgets.capture_bar import CaptureBar
from hubworkshop.tui.widgets.pending import CaptureQueue, Pending, PendingPanel
from hubworkshop.tui.widgets.text import plain
from hubworkshop.workshop.capture import Captured, capture_lines, has_text
from hubworkshop.workshop.history import Added

PENDING_SHOWN_AFTER = 0.3  # seconds an entry waits before it is listed under the list
DRAFTS_FLUSHED_EVERY = 0.5  # seconds: at most this much typing is lost to a crash


class RoomCapture(ContributionActions):
    """Capture: the queue of entries, what is shown while they wait, and what they became."""

    def __init__(self, room_id: str) -> None:
        super().__init__(room_id)
        self.queue = CaptureQueue(self._save_pending, self._show_pending)
        self.last_entry: Contribution | None = None
        self._flush_pending = False

    bar_ready = False
    """Whether keys typed elsewhere can go straight into the bar (from on_mount on)."""

    def type_into_bar(self, text: str) -> None:
        """Keys meant for the bar that reached something else (the list, the room while it
        opened, the start screen after its Enter), in order: characters into the bar, "\n"
        as Enter (saved). The bar takes the focus, so the next key goes there too."""
        if not text:
            return
        bar = self.query_one(CaptureBar)
        self.app.set_focus(bar)
        for n, line in enumerate(text.split("\n")):
            if n:
                bar.submit_now()
            if line:
                bar.insert_text_at_cursor(line)

    def type_from_list(self, text: str) -> None:
        """Keys typed while the list has the focus: `=` or `~` first, with a point
        highlighted, answers that point (`= ^3f2a9c1e `, its short id in the bar, where
        it can be seen and deleted); anything else goes to the bar as typed."""
        bar = self.query_one(CaptureBar)
        point = self.contribution_list.highlighted
        if text[:1] and text[0] in "=~" and not bar.value and point is not None:
            text = f"{text[0]} ^{point.short_id} {text[1:].lstrip()}"
        self.type_into_bar(text)

    def update_list_header(self) -> None:
        cl = self.contribution_list
        if cl.row_filter.active and not cl.count:
            shown = _("no match (Esc clears)")
        else:
            shown = _("{n} shown").format(n=cl.count)
        self.query_one("#list-header", Static).update(
            plain(f"{cl.row_filter.describe()} · {shown}"),
            layout=False,  # one line
        )

    # -- capture ---------------------------------------------------------------------------

    @on(Input.Submitted, "#capture")
    def submit_capture(self, event: Input.Submitted) -> None:
        """Exactly the text in the bar at Enter goes to the queue (the bar emptied itself
        then, and may already hold the next entry's first keys)."""
        raw = event.value
        if not raw.strip():
            self.queue.retry()  # Enter in an empty bar tries a failed entry again
            return
        bar = self.query_one(CaptureBar)
        if not has_text(raw, bar.names.names):
            # Markers and nothing else (`! #funding`): no entry to save, and queued it would
            # fail for good and hold every entry after it. The bar kept it (`submit_now`);
            # from elsewhere (keys typed on the list), it goes back in the bar.
            if not bar.value:
                bar.value = raw
                bar.cursor_position = len(raw)
            self.notify(
                _("Nothing to save: «{line}» has no text besides its markers.").format(
                    line=raw.strip()
                ),
                severity="warning",
                timeout=4,
                markup=False,
            )
            return
        self.queue.add(raw, [raw])

    @on(Input.Changed, "#capture")
    def keep_draft(self, event: Input.Changed) -> None:
        """What is in the bar is kept as it is typed, to be offered back after a crash: in
        memory at each key, on disk within half a second (`DRAFTS_FLUSHED_EVERY`)."""
        self.hub_app.drafts().stage(f"{self.room_id}/bar", event.value)
        self._flush_drafts_soon()

    def _flush_drafts_soon(self) -> None:
        if not self._flush_pending:
            self._flush_pending = True
            self.set_timer(DRAFTS_FLUSHED_EVERY, self._flush_drafts)

    def _flush_drafts(self) -> None:
        self._flush_pending = False
        self.hub_app.drafts().flush()

    def on_unmount(self) -> None:
        self.hub_app.drafts().flush()

    def restore_bar(self) -> None:
        """After a restart, the bar's unsent text back in the bar: on mount, before any key
        can reach the bar."""
        text = self.hub_app.drafts().get(f"{self.room_id}/bar")
        bar = self.query_one(CaptureBar)
        if isinstance(text, str) and text and not bar.value:
            with bar.prevent(Input.Changed):
                bar.value = text
            bar.cursor_position = len(text)
            self.notify(_("Your unsent text is back in the bar."), timeout=4, markup=False)

    def restore_drafts(self) -> None:
        """After a restart: entries that were still waiting to be saved back in the queue
        (unless they did reach the database), and a word about unsaved edits."""
        drafts = self.hub_app.drafts()
        store, me = self.store, self.hub_app.user_name
        edits = [slot.removeprefix("edit/") for slot in drafts.slots if slot.startswith("edit/")]
        if edits:

            def kept_edits() -> list[str]:
                rows = store.contributions.by_ids(edits)
                return [c.short_id for c in rows if c.room == self.room_id]

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

            self.run_store(kept_edits, offer_edits)
        waiting = drafts.get(f"{self.room_id}/pending")
        if not isinstance(waiting, list) or not waiting or self.queue.items:
            return

        def unsaved() -> list[str]:
            names = [p.name for p in store.participants.all()]
            stored = {(c.text, c.note_taker) for c in store.contributions.find(room=self.room_id)}
            return [
                raw
                for raw in (w for w in waiting if isinstance(w, str))
                if (parse_capture(raw, names).text, me) not in stored
            ]

        def offer(raws: list[str]) -> None:
            if not raws:
                drafts.forget(f"{self.room_id}/pending")
                return
            said = ngettext(
                "{n} entry from before the app stopped: Ctrl+R saves it",
                "{n} entries from before the app stopped: Ctrl+R saves them",
                len(raws),
            ).format(n=len(raws))
            self.queue.hold([(raw, [raw]) for raw in raws], said)
            self.refresh_status(said, error=True)  # said once, not "saving…" besides
            self.notify(said, severity="warning", markup=False)

        self.run_store(unsaved, offer)

    @property
    def _waiting(self) -> int:
        return len(self.queue.items)

    @property
    def _held(self) -> bool:
        return self.queue.failure is not None

    def action_retry(self) -> None:
        if not self.queue.retry():
            self.notify(_("Nothing is waiting to be saved."), markup=False, timeout=2)

    def _show_pending(self) -> None:
        """The status line says "saving…" at once. The panel under the list shows entries
        only once they wait (for a lock held elsewhere) or fail: an entry saved in a few
        milliseconds must not lay the screen out twice."""
        self.refresh_status()
        self.hub_app.drafts().stage(
            f"{self.room_id}/pending", [item.raw for item in self.queue.items]
        )
        self._flush_drafts_soon()
        panel = self.query_one(PendingPanel)
        if self.queue.failure is not None or len(self.queue.items) > 1 or not self.queue.items:
            if self.queue.items or panel.has_class("-shown"):
                panel.show_queue(self.queue)
        else:
            waiting = self.queue.items[0].key
            self.set_timer(PENDING_SHOWN_AFTER, lambda: self._show_if_still_pending(waiting))

    def _show_if_still_pending(self, key: int) -> None:
        """Only if that entry still waits: the next one, entered meanwhile and about to be
        saved, is not a reason to lay the screen out twice (a fast burst of entries did, for
        one entry in four)."""
        if any(item.key == key for item in self.queue.items):
            self.query_one(PendingPanel).show_queue(self.queue)

    def _save_pending(
        self, items: list[Pending], saved: Callable[[], None], failed: Callable[[str], None]
    ) -> None:
        """Parse with the participants the database knows now, then store, then confirm."""
        store, actor = self.store, self.hub_app.user_name
        lines = [line for item in items for line in item.lines]

        def save() -> Captured:
            return capture_lines(store, self.room_id, lines, note_taker=actor)

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

        self.run_store(save, done, failed=not_saved, group="writes")

    def capture_saved(self, saved: list[Contribution]) -> None:
        bar = self.query_one(CaptureBar)
        for c in saved:
            self.history.record(Added(c))
        self.last_entry = saved[-1]
        self.hub_app.mark_saved()
        self.contribution_list.upsert(saved)
        self.update_list_header()
        self.refresh_status()
        for c in saved:
            if c.author and c.author not in bar.names.names:
                bar.names.names.append(c.author)
            bar.names.tags.extend(t for t in c.tags if t not in bar.names.tags)

    def capture_failed(self, message: str) -> None:
        self.refresh_status(_("NOT SAVED: {message}").format(message=message), error=True)
        self.notify(
            _(
                "Not saved — your text waits under the list; Enter in the empty bar or Ctrl+R "
                "tries again. {message}"
            ).format(message=message),
            severity="error",
            markup=False,
        )
