"""The room's list and what is done to the point selected in it: edit, delete, kinds, stars,
tags, dots, merge and split, clusters, parking, action owners, moderation.

Enter on the list opens the menu of the point's actions and the room's (`tui/dialogs/
actions.py`); Delete deletes. The panel shows the selected point in full under the list and
says above it what the list shows. It reads nothing of its own: the room hands it rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from hubworkshop.domain.i18n import N_, _, kind_label, ngettext
from hubworkshop.domain.model import Contribution
from hubworkshop.domain.names import room_first
from hubworkshop.domain.records import VoteRound
from hubworkshop.domain.text import one_line
from hubworkshop.storage.pages import SELF_TYPED
from hubworkshop.tui.screens.room_service import RoomService
from hubworkshop.tui.widgets.contribution_list import ContributionList
from hubworkshop.tui.widgets.inputs import OrderedInput
from hubworkshop.tui.widgets.room_panels import DetailPane
from hubworkshop.tui.widgets.text import plain, said_wrapped
from hubworkshop.workshop import points, voting
from hubworkshop.workshop.history import (
    Delete,
    Edit,
    Moderate,
    SetAction,
    SetCluster,
)


class ContributionPanel(Vertical):
    """The list, its header and search field above, the selected point in full below."""

    # No printable key is a command in the room: a sentence typed while the list has the
    # focus is written, never run. The list's actions are in the menu Enter opens and in the
    # palette; these keys nobody types in a sentence.
    BINDINGS = [
        Binding("enter", "actions", N_("Actions"), tooltip=N_("Actions on the selected point")),
        Binding(
            "delete",
            "delete",
            N_("Delete"),
            show=False,
            tooltip=N_("Delete the selected contribution"),
        ),
    ]

    LIST_ACTIONS = frozenset({"actions", "delete"})
    """Keys of the list only: in a text field, Enter saves and Delete deletes a character."""

    class ActionChosen(Message):
        """An action chosen in the menu Enter opened, for whichever part of the room has it."""

        def __init__(self, action: str) -> None:
            super().__init__()
            self.action = action

    def __init__(
        self,
        service: RoomService,
        *,
        allows: Callable[[str], bool],
        typed: Callable[[str, Contribution | None], None],
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.service = service
        self._allows = allows
        self._typed = typed
        self.merging: Contribution | None = None
        """The point `m` picked, to be merged into the one Enter is pressed on next."""
        self._detail_shown: str | None = None
        self._list: ContributionList | None = None  # kept as composed (read at every key)

    def compose(self) -> ComposeResult:
        yield Static("", id="list-header")
        yield OrderedInput(
            placeholder=_("Search: every word, any script · Esc to close"), id="search"
        )
        self._list = ContributionList(
            self.service.store.contributions.by_seqs,
            typed=lambda text: self._typed(text, self.list.highlighted),
            enter=self.action_actions,
            id="contributions",
        )
        yield self._list
        yield DetailPane("", id="detail")

    @property
    def list(self) -> ContributionList:
        return self._list or self.query_one(ContributionList)

    @property
    def highlighted(self) -> Contribution | None:
        return self.list.highlighted

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self._allows(action):
            return False  # moderation is the facilitator's
        # While typing, the list's keys are text: show them as unavailable.
        return not (action in self.LIST_ACTIONS and isinstance(self.screen.focused, Input))

    # -- showing ----------------------------------------------------------------------------

    def update_header(self) -> None:
        cl = self.list
        if cl.row_filter.active and not cl.count:
            shown = _("no match (Esc clears)")
        else:
            shown = _("{n} shown").format(n=cl.count)
        self.query_one("#list-header", Static).update(
            plain(f"{cl.row_filter.describe()} · {shown}"),
            layout=False,  # one line
        )

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

    # -- Enter: the menu --------------------------------------------------------------------

    def action_actions(self) -> None:
        """Enter on the list: a merge under way is completed on this point; otherwise the
        menu of the point's actions and the room's. It opens now, in the list's own queue:
        the keys typed right after Enter are the menu's (`ContributionList.on_key`)."""
        if self.merging is not None:
            self.action_merge()
            return
        from hubworkshop.tui.dialogs.actions import MENU, ActionMenu

        c = self.highlighted
        point = f"{c.short_id} · {c.text}" if c is not None else None

        def chosen(action: str | None) -> None:
            if action:
                self.post_message(self.ActionChosen(action))

        self.app.push_screen(ActionMenu(point, MENU, self._allows), chosen)

    # -- the selected point -----------------------------------------------------------------

    def _target(self) -> Contribution | None:
        c = self.highlighted
        if c is None:
            self.notify(_("No contribution selected."), markup=False, timeout=2)
        return c

    def action_edit(self) -> None:
        c = self._target()
        if c is not None:
            self.edit_contribution(c)

    def edit_contribution(self, c: Contribution) -> None:
        """The edit form: only what the note-taker changes is changed."""
        from hubworkshop.tui.dialogs.contribution import EditDialog, EditedFields, edit_of

        def edited(result: EditedFields | None) -> None:
            if result is None:
                return
            change = edit_of(c, result)
            if change is None:
                self.notify(_("Nothing changed."), markup=False, timeout=2)
                return
            self.service.change(_("Edit"), change)

        self.app.push_screen(EditDialog(c, self.service.app.drafts()), edited)

    def action_delete(self) -> None:
        c = self._target()
        if c is not None:
            said = _("Deleted «{text}» · Ctrl+Z undoes it").format(text=one_line(c.text, 50))
            self.service.change(_("Delete"), Delete(c), said=said)

    def action_set_kind(self, kind: str) -> None:
        c = self._target()
        if c is not None and c.kind.value != kind:
            self.service.change(_("Kind"), Edit(c, kind=kind))

    def action_star(self) -> None:
        c = self._target()
        if c is not None:
            self.service.change(_("Star"), Edit(c, starred=not c.starred))

    def action_tag(self) -> None:
        from hubworkshop.tui.dialogs.contribution import TagDialog

        c = self._target()
        if c is None:
            return

        def tagged(tags: list[str] | None) -> None:
            if tags is not None:
                self.service.change(_("Tag"), Edit(c, tags=tuple(tags)))

        store, room_id = self.service.store, self.service.room_id

        def ask(tags: tuple[list[str], list[str]]) -> None:
            here, everywhere = tags
            self.app.push_screen(TagDialog(c.tags, here, everywhere), tagged)

        self.service.read(
            lambda: (store.contributions.tags(room=room_id), store.contributions.tags()), ask
        )

    def action_vote(self) -> None:
        """v: a participant puts a dot on the selected point."""
        from hubworkshop.tui.dialogs.common import ParticipantPicker

        c = self._target()
        if c is None:
            return
        service = self.service
        store, room_id, note_taker = service.store, service.room_id, service.app.user_name

        def read() -> tuple[VoteRound | None, list[str]]:
            people = room_first(store.participants.all(), room_id)
            return store.votes.round(room_id), people

        def ask(data: tuple[VoteRound | None, list[str]]) -> None:
            round_, names = data
            if round_ is None:
                self.notify(
                    _("No vote is open in this room: a facilitator opens one with V."),
                    severity="warning",
                    timeout=4,
                    markup=False,
                )
                return
            remaining = {n: voting.left(round_, n) for n in names}
            title = _("Dot for: {text}").format(text=one_line(c.text, 60))
            history = service.history

            def voted(name: str | None) -> None:
                if name:
                    service.write(
                        _("Vote"),
                        lambda: voting.cast(
                            store, c.id, name, note_taker=note_taker, room=room_id, history=history
                        ),
                        said=_("A dot from {name} · Ctrl+Z undoes it").format(name=name),
                    )

            self.app.push_screen(ParticipantPicker(title, names, remaining), voted)

        service.read(read, ask)

    def action_merge(self) -> None:
        """m on a point, then m (or Enter) on the point to merge it into."""
        c = self._target()
        if c is None:
            return
        if self.merging is None:
            self.merging = c
            self.service.status(
                _(
                    "Merging {id}: move to the point to merge it into, then Enter · Esc cancels"
                ).format(id=c.short_id)
            )
            return
        source, self.merging = self.merging, None
        store, actor, history = self.service.store, self.service.app.user_name, self.service.history
        self.service.write(
            _("Merge"),
            lambda: points.merge(store, source, c, actor=actor, history=history),
            said=_("Merged {source} into {target} · Ctrl+Z undoes it").format(
                source=source.short_id, target=c.short_id
            ),
        )

    def cancel_merge(self) -> bool:
        """Esc while a merge is under way: no merge. Whether there was one."""
        if self.merging is None:
            return False
        self.merging = None
        self.service.status(_("Merge cancelled."))
        return True

    def action_split(self) -> None:
        c = self._target()
        if c is None:
            return
        if not points.can_split(c):
            self.notify(_("Nothing is merged into this point."), markup=False, timeout=2)
            return
        store, actor, history = self.service.store, self.service.app.user_name, self.service.history
        self.service.write(
            _("Split"),
            lambda: points.split(store, c, actor=actor, history=history),
            said=_("Split {id} · Ctrl+Z merges it again").format(id=c.short_id),
        )

    def action_cluster(self) -> None:
        from hubworkshop.tui.dialogs.common import TextDialog

        c = self._target()
        if c is None:
            return

        def named(name: str | None) -> None:
            if name is not None:
                self.service.change(_("Cluster"), SetCluster(c, name))

        def ask(known: list[str]) -> None:
            self.app.push_screen(
                TextDialog(
                    _("Cluster name"),
                    c.cluster or "",
                    _("Points with the same name form a cluster; empty removes it.")
                    + " "
                    + (
                        _("Known here: {names}.").format(names=", ".join(known[:12])) + " "
                        if known
                        else ""
                    )
                    + _("→ or End accepts a completion."),
                    suggestions=known,
                ),
                named,
            )

        store, room_id = self.service.store, self.service.room_id
        self.service.read(lambda: store.points.clusters(room_id), ask)

    def action_park(self) -> None:
        c = self._target()
        if c is not None:
            self.service.change(_("Park"), Edit(c, parked=not c.parked))
            self.notify(
                _("Parked (kept in the record).") if not c.parked else _("Back in the discussion."),
                markup=False,
                timeout=2,
            )

    def action_action_owner(self) -> None:
        from hubworkshop.tui.dialogs.common import TextDialog

        c = self._target()
        if c is None:
            return

        def given(value: str | None) -> None:
            if value is None:
                return
            owner, _sep, due = value.partition(";")
            self.service.change(_("Action"), SetAction(c, owner, due))

        def check(value: str) -> str | None:
            due = value.partition(";")[2].strip()
            try:
                dt.date.fromisoformat(due) if due else None
            except ValueError:
                return _("“{due}” is not a date: write it as 2021-12-15.").format(due=due)
            return None

        current = "; ".join(x for x in (c.owner or "", c.due or "") if x)
        self.app.push_screen(
            TextDialog(
                _("Action: owner; due date"),
                current,
                _("For example: Amina; 2021-12-15. Either part may be empty."),
                check=check,
            ),
            given,
        )

    def action_hide(self) -> None:
        """Moderation: the point leaves the room's lists, pages and exports, logged (the
        participants' page screen approves it back)."""
        c = self.highlighted
        if c is not None:
            self.service.change(
                _("Hide"), Moderate(c, "hide", self.service.app.role), said=_("Hidden.")
            )

    def action_takeaways(self) -> None:
        """W: the wrap-up's key takeaways, chosen among the starred points."""
        from hubworkshop.tui.dialogs.contribution import TakeawaysDialog
        from hubworkshop.workshop.history import SetTakeaways

        store, room_id = self.service.store, self.service.room_id

        def read() -> tuple[list[Contribution], list[str]]:
            starred = [c for c in store.contributions.find(room=room_id) if c.starred]
            return starred, [c.id for c in store.points.takeaways(room_id)]

        def ask(data: tuple[list[Contribution], list[str]]) -> None:
            starred, chosen = data
            if not starred:
                self.notify(
                    _("Star the key points first (s), then choose the takeaways."),
                    markup=False,
                    timeout=3,
                )
                return

            def chosen_(ids: list[str] | None) -> None:
                if ids is not None and ids != chosen:
                    self.service.change(
                        _("Takeaways"), SetTakeaways(room_id, tuple(chosen), tuple(ids))
                    )

            self.app.push_screen(TakeawaysDialog(starred, chosen), chosen_)

        self.service.read(read, ask)
