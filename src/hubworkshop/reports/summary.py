"""The summary of a workshop, for the people who act on what it said.

One summary, two renderers: this module describes the summary once as a document of blocks
and spans (`document.py`), where what participants wrote is always a text span, never
markup; `document.to_markdown` and `wikitext.to_wikitext` render it.

It reads one `WorkshopRecord` (a consistent snapshot of the database) and applies the
consent rule of the summary surface (`domain/consent.py`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping

from hubworkshop.domain.consent import Surface, policy
from hubworkshop.domain.events import EventName
from hubworkshop.domain.languages import display_name
from hubworkshop.domain.model import Activity, Contribution, Kind, LocalText, Room, Theme
from hubworkshop.domain.records import Event, Workshop, WorkshopRecord
from hubworkshop.domain.timer import parse_time
from hubworkshop.reports.document import (
    Block,
    Fold,
    ListBlock,
    Span,
    bullets,
    em,
    heading,
    join_markdown,
    label,
    link,
    markdown_block,
    paragraph,
    strong,
    table,
    text,
)
from hubworkshop.reports.labels import (
    KIND_HEADINGS,
    KIND_NAMES,
    KIND_ORDER,
    LABELS,
    labels_fallback,
    plural,
)
from hubworkshop.reports.outcomes import write_outcomes
from hubworkshop.reports.scope import ExportRequest
from hubworkshop.reports.wikitext import join_wikitext, wikitext_block

Minutes = dict[tuple[str, str], int]
Discussed = dict[str | None, tuple[list[Contribution], list[tuple[Room, int]]]]
"""Question id (None: points tied to no question) -> its points, and the rooms that
discussed it with their minutes."""
SPACE, COLON = label(" "), label(":")

# -- what the summary says ---------------------------------------------------------------------


def minutes_per_question(record: WorkshopRecord) -> Minutes:
    """(room, question) -> whole minutes it was open, from the event log.

    A room's first question counts from the room's first recorded activity (timer start or
    contribution); a question still open counts until the room's last event.
    """
    by_room: dict[str, list[Event]] = defaultdict(list)
    for event in record.timeline:
        if event.room:
            by_room[event.room].append(event)
    spent: dict[tuple[str, str], float] = defaultdict(float)
    initial = record.room_states
    for room, room_events in by_room.items():
        activity = [e for e in room_events if e.action in _ACTIVITY]
        opens = [e for e in room_events if e.action is EventName.QUESTION_OPEN]
        first_question = None
        if opens:
            first_close = next(
                (e for e in room_events if e.action is EventName.QUESTION_CLOSE), None
            )
            first_question = first_close.subject if first_close else None
        elif initial.get(room):
            first_question = initial[room].question
        current, since = first_question, (activity[0].at if activity else None)
        for event in room_events:
            if event.action is EventName.QUESTION_OPEN:
                if current and since:
                    spent[(room, current)] += _seconds(since, event.at)
                current, since = event.subject, event.at
        if current and since:
            spent[(room, current)] += _seconds(since, room_events[-1].at)
    return {key: round(seconds / 60) for key, seconds in spent.items()}


def opened_questions(record: WorkshopRecord) -> set[tuple[str, str]]:
    """(room, question) pairs a room had open: opened by an event, or the question a room
    stood on while it did anything at all (a room starts on its first question)."""
    opened = {
        (e.room, e.subject)
        for e in record.timeline
        if e.room and e.subject and e.action in _QUESTION_EVENTS  # a closed one was open
    }
    active = {e.room for e in record.timeline if e.room}
    for room, state in record.room_states.items():
        if state.question and room in active:
            opened.add((room, state.question))
    return opened


def _seconds(start: str, end: str) -> float:
    return max((parse_time(end) - parse_time(start)).total_seconds(), 0.0)


_ACTIVITY = (EventName.TIMER_START, EventName.CONTRIBUTION_ADD)
_RESPONSES = (Kind.AGREEMENT, Kind.DISAGREEMENT)
_QUESTION_EVENTS = (EventName.QUESTION_OPEN, EventName.QUESTION_CLOSE)


def _key(c: Contribution) -> tuple[int, int, int]:
    return (-int(c.starred), -c.votes, c.seq)


class SummaryWriter:
    """Describes the summary of a workshop, a room or a theme as a document (`document.py`)."""

    def __init__(self, record: WorkshopRecord, request: ExportRequest) -> None:
        self.record = record
        self.scope = request.scope
        self.scope.check(record)
        self.room_id = request.room
        self.theme_id = request.theme
        self.lang = request.lang
        """The summary's language: the bank's questions are in it (where the bank has them);
        headings and labels are in `summary_language(lang)`, English when no catalog."""
        self.fallback = labels_fallback(request.lang)
        self.labels = LABELS[self.lang]
        self._sink: Callable[[Block], None] = _nowhere
        self.consent = policy(
            Surface.SUMMARY, attribute=request.attribute, participants=record.participants
        )
        self.merged: dict[str, list[Contribution]] = defaultdict(list)
        self.kept: list[Contribution] = []
        self.by_id: dict[str, Contribution] = {}
        """The contributions shown, by id: the points responses answer."""

    # -- helpers ---------------------------------------------------------------------------

    def t(self, key: str, **values: object) -> str:
        return self.labels[key].format(**values)

    def local(self, value: LocalText) -> Span:
        """Bank and plan text in the summary's language."""
        return text(value.get_text(self.lang))

    def out(self, *blocks: Block) -> None:
        for block in blocks:
            self._sink(block)

    def author(self, c: Contribution) -> list[Span]:
        name = self.consent.author(c)
        if name:
            return [strong(text(name), COLON), SPACE]
        return []

    def response(self, c: Contribution, answered: Contribution) -> list[Span]:
        """An agreement or disagreement with the point it answers. A response whose text
        goes on from its speaker's name (`= @Kwame agrees` keeps "agrees") is one sentence:
        "Kwame agrees" where the name may be shown, "A participant agrees" where not."""
        with_ = "agreement_with" if c.kind is Kind.AGREEMENT else "disagreement_with"
        spans: list[Span] = [em(label(f"{self.t(with_)}:")), SPACE, *self.said(answered)]
        spans += [SPACE, em(label(f"({answered.short_id})")), label(" — ")]
        if c.text[:1].islower():
            name = self.consent.author(c)
            spans += [strong(text(name)) if name else label(self.t("a_participant")), SPACE]
        else:
            spans += self.author(c)
        return spans + self.said(c)

    def said(self, c: Contribution) -> list[Span]:
        """What was said, marked with its language when that is not the summary's: `(fr)`."""
        if c.language.partition("-")[0] == self.lang.partition("-")[0]:
            return [text(c.text)]
        return [text(c.text), SPACE, em(text(f"({c.language})"))]  # from a file: data

    def point(
        self,
        c: Contribution,
        rooms: Mapping[str, Room],
        *,
        key: bool = False,
        room: bool = True,
    ) -> list[Span]:
        """One point, its merged points, details and provenance: the short ids always, the
        room where `room` (not in a room's own summary, nor where one room discussed the
        question)."""
        spans: list[Span] = []
        marks = []
        if c.starred and key:
            marks.append("★")
        if c.votes:
            marks.append(f"{c.votes} {self.t('dot' if c.votes == 1 else 'dots')}")
        if marks:
            spans += [strong(label(" · ".join(marks))), SPACE]
        answered = self.by_id.get(c.responds_to or "") if c.kind in _RESPONSES else None
        if answered is not None:  # "Agreement with: … — Kwame agrees"
            spans += self.response(c, answered)
        else:
            if key:
                spans += [em(label(f"{KIND_NAMES[self.lang][c.kind]}:")), SPACE]
            spans += self.author(c)
            spans += self.said(c)
        ids = [c.short_id]
        for merged in self.merged.get(c.id, []):  # a merged point keeps every text and author
            ids.append(merged.short_id)
            spans += [SPACE, em(label(self.t("also"))), SPACE, *self.author(merged)]
            spans += self.said(merged)
        details: list[list[Span]] = []
        if c.cluster:
            details.append([label(f"{self.t('cluster')}: "), text(c.cluster)])
        if c.owner and self.consent.may_name(c.owner):
            details.append([label(f"{self.t('owner')}: "), text(c.owner)])
        if c.due:
            details.append([label(f"{self.t('due')}: "), text(c.due)])
        if details:
            spans.append(label(" ("))
            for i, detail in enumerate(details):
                if i:
                    spans.append(label("; "))
                spans += detail
            spans.append(label(")"))
        if room and not self.room_id:
            spans += [
                SPACE,
                em(label("("), text(rooms[c.room].name), label(f"; {', '.join(ids)})")),
            ]
        else:
            spans += [SPACE, em(label(f"({', '.join(ids)})"))]
        return spans

    # -- the document ----------------------------------------------------------------------

    def document(self) -> list[Block]:
        """The whole summary as a list of blocks."""
        blocks: list[Block] = []
        self.write(lambda block: blocks.append(_kept(block)))
        return blocks

    def write(self, sink: Callable[[Block], None]) -> None:
        """Hand the summary's blocks to `sink`, in order, as they are made.

        A renderer that turns each block into text at once keeps only text in memory: a
        summary of 100,000 contributions is about a million spans, and holding them all
        made the cycle collector walk a growing heap again and again."""
        self._sink = sink
        record = self.record
        workshop = record.workshop
        rooms = record.rooms
        themes = self.scope.themes(record)
        everything = self.scope.contributions(record)
        kept = self.consent.visible(everything)
        self.kept = kept
        answered = _answered(kept)  # once: in the comprehension's test it was O(n²)
        self.by_id = {c.id: c for c in kept if c.id in answered}
        withheld = len(everything) - len(kept)
        minutes = minutes_per_question(record)
        self.merged = defaultdict(list)
        for c in kept:
            if c.merged_into:
                self.merged[c.merged_into].append(c)
        points = [c for c in kept if not c.merged_into]
        discussed = self.discussed(themes, rooms, points, minutes)

        self.header(workshop, rooms, kept, withheld)
        write_outcomes(self, themes, rooms, points, discussed)
        self.by_theme(themes, rooms, points, discussed)
        self.coverage(themes, rooms, kept, minutes)
        self.counts(themes, kept)
        self._sink = _nowhere

    def render(self) -> str:
        """The summary as Markdown."""
        parts: list[str] = []
        self.write(lambda block: parts.append(markdown_block(block)))
        return join_markdown(parts)

    def render_wikitext(self) -> str:
        """The summary as wikitext for Meta-Wiki."""
        parts: list[str] = []
        self.write(lambda block: parts.append(wikitext_block(block)))
        return join_wikitext(parts)

    def header(
        self,
        workshop: Workshop,
        rooms: Mapping[str, Room],
        kept: list[Contribution],
        withheld: int,
    ) -> None:
        date = dt.date.fromisoformat(workshop.date)
        shown_rooms = [rooms[self.room_id]] if self.room_id else list(rooms.values())
        # The workshop's participants; in a room's or a theme's summary, the people whose
        # words it shows.
        scoped = self.room_id or self.theme_id
        speakers = {c.author_id for c in kept if c.author_id is not None}
        participants = len(speakers) if scoped else len(self.record.participants)
        lead = self.t(
            "lead",
            title=workshop.title,
            date=date.isoformat(),
            start=workshop.start,
            end=workshop.end,
            tz=workshop.timezone,
            rooms=plural(self.lang, "rooms", len(shown_rooms)),
            participants=plural(self.lang, "participants", participants),
            contributions=plural(self.lang, "contributions", len(kept)),
        )
        spans: list[Span] = [text(lead)]
        if workshop.organisers:
            spans += [SPACE, text(self.t("organised", organisers=workshop.organisers) + ".")]
        if workshop.note:
            spans += [SPACE, text(workshop.note)]
        if workshop.url:
            spans += [SPACE, link(workshop.url, self.t("event_page")), label(".")]
        self.out(
            heading(1, text(workshop.title), label(f" — {self.t('summary')}")),
            paragraph(*spans),
        )
        if self.fallback:  # said in the file, never a silent copy in another language
            self.out(
                paragraph(
                    em(
                        label(
                            self.t(
                                "fallback_note",
                                language=display_name(self.lang),
                                fallback=display_name(self.fallback),
                            )
                        )
                    )
                )
            )
        facts = [
            (
                self.t("date"),
                f"{date.isoformat()}, {workshop.start}–{workshop.end} {workshop.timezone}",
            ),
            (self.t("rooms"), "; ".join(r.name for r in shown_rooms)),
            (self.t("participants"), str(participants)),
            (self.t("contributions"), str(len(kept))),
            (self.t("methods"), ", ".join(self.methods())),
        ]
        if workshop.note:
            facts.append((self.t("note"), workshop.note))
        if withheld:
            facts.append((self.t("withheld"), self.t("withheld_text", n=withheld)))
        if self.room_id:
            facts.append((self.t("scope"), self.t("scope_room", name=rooms[self.room_id].name)))
        if self.theme_id:
            theme = next(t for t in self.record.themes if t.id == self.theme_id)
            facts.append(
                (self.t("scope"), self.t("scope_theme", name=theme.title.get_text(self.lang)))
            )
        self.out(
            bullets([[strong(label(f"{name}:")), SPACE, text(value)] for name, value in facts]),
            paragraph(label(self.t("sources"))),
        )

    def has_activity(self, activity: Activity) -> bool:
        """Whether the plan's agenda has a phase for this activity."""
        return any(p.activity is activity for p in self.record.phases)

    def methods(self) -> list[str]:
        seen: list[str] = []
        for phase in self.record.phases:
            name = phase.activity.value
            if name not in ("break", "plenary") and self.t(name) not in seen:
                seen.append(self.t(name))
        if any(c.votes for c in self.kept):
            seen.append(self.t("dot-voting"))
        return seen

    def discussed(
        self,
        themes: list[Theme],
        rooms: Mapping[str, Room],
        points: list[Contribution],
        minutes: Minutes,
    ) -> Discussed:
        """Each question some room reached, in bank order: its points, and the rooms that
        discussed it with their minutes. Questions no room reached are left out."""
        by_question: dict[str | None, list[Contribution]] = defaultdict(list)
        for c in points:
            by_question[c.question].append(c)
        opened = opened_questions(self.record)
        found: Discussed = {}
        for theme in themes:
            for question in theme.questions:
                here = by_question.get(question.id, [])
                rooms_with_points = {c.room for c in here}
                rooms_here = [
                    (rooms[r], minutes.get((r, question.id), 0))
                    for r in rooms
                    if minutes.get((r, question.id))
                    or r in rooms_with_points
                    or (r, question.id) in opened
                ]
                if self.room_id:
                    rooms_here = [(room, m) for room, m in rooms_here if room.id == self.room_id]
                if rooms_here:
                    found[question.id] = (here, rooms_here)
        loose = by_question.get(None, [])
        if loose and not self.theme_id:
            found[None] = (loose, [])
        return found

    def by_theme(
        self,
        themes: list[Theme],
        rooms: Mapping[str, Room],
        points: list[Contribution],
        discussed: Discussed,
    ) -> None:
        """The details, theme by theme: each theme's discussion folds away on Meta-Wiki."""
        self.out(heading(2, label(self.t("by_theme"))))
        for theme in themes:
            reached = [q for q in theme.questions if q.id in discussed]
            if not reached:
                continue
            self.out(heading(3, self.local(theme.title)), Fold(True))
            for question in reached:
                here, rooms_here = discussed[question.id]
                where: list[Span] = [label(f"{self.t('discussed_in')}: ")]
                for i, (room, m) in enumerate(rooms_here):
                    if i:
                        where.append(label("; "))
                    where.append(text(room.name))
                    if m:  # no time when the room's clock never showed the question
                        where.append(label(f" ({m} {self.t('minutes')})"))
                self.out(paragraph(strong(self.local(question.text))), paragraph(em(*where)))
                self.points(here, rooms, room=len(rooms_here) > 1)
            self.out(Fold(False))
        if None in discussed:
            self.out(heading(3, label(self.t("no_question"))), Fold(True))
            self.loose(discussed[None][0], rooms)
            self.out(Fold(False))

    def loose(self, points: list[Contribution], rooms: Mapping[str, Room]) -> None:
        """The points tied to no question, by room, then by the agenda phase they were made
        in ("Purpose statements — Room 1"): the room is named once, on its group."""
        phases = {p.id: i for i, p in enumerate(self.record.phases)}
        titles = {p.id: p.title for p in self.record.phases}
        order = {r: i for i, r in enumerate(rooms)}
        groups: dict[tuple[str, str | None], list[Contribution]] = defaultdict(list)
        for c in points:
            groups[(c.room, c.phase if c.phase in phases else None)].append(c)
        for room_id, phase in sorted(
            groups, key=lambda k: (order[k[0]], phases.get(k[1] or "", len(phases)))
        ):
            title: list[Span] = [text(titles[phase]) if phase else label(self.t("no_phase"))]
            if not self.room_id:  # a room's own summary names no room
                title += [label(" — "), text(rooms[room_id].name)]
            self.out(paragraph(strong(*title)))
            self.points(groups[(room_id, phase)], rooms, room=False)

    def points(
        self, points: list[Contribution], rooms: Mapping[str, Room], *, room: bool = True
    ) -> None:
        if not points:
            self.out(paragraph(label(self.t("not_discussed"))))
            return
        live = [c for c in points if not c.parked]
        key_points = sorted((c for c in live if c.starred or c.votes), key=_key)
        if key_points:
            self.out(
                paragraph(strong(label(self.t("key_points")))),
                bullets(self.point(c, rooms, key=True, room=room) for c in key_points),
            )
        chosen = {c.id for c in key_points}
        by_kind: dict[Kind, list[Contribution]] = defaultdict(list)
        for c in live:
            if c.id not in chosen:
                by_kind[c.kind].append(c)
        for kind in KIND_ORDER:
            if by_kind[kind]:
                self.out(
                    paragraph(strong(label(KIND_HEADINGS[self.lang][kind]))),
                    bullets(self.point(c, rooms, room=room) for c in by_kind[kind]),
                )
        parked = [c for c in points if c.parked]
        if parked:
            self.out(
                paragraph(strong(label(self.t("parking")))),
                bullets(self.point(c, rooms, room=room) for c in parked),
            )

    def coverage(
        self,
        themes: list[Theme],
        rooms: Mapping[str, Room],
        kept: list[Contribution],
        minutes: Minutes,
    ) -> None:
        self.out(heading(2, label(self.t("coverage"))), paragraph(label(self.t("coverage_help"))))
        room_ids = [self.room_id] if self.room_id else list(rooms)
        counts = Counter((c.room, c.question) for c in kept)
        header: list[list[Span]] = [[label(self.t("question"))]]
        header += [[text(rooms[r].name)] for r in room_ids]
        rows: list[list[list[Span]]] = []
        for theme in themes:
            for question in theme.questions:
                cells: list[list[Span]] = []
                for r in room_ids:
                    n, m = counts.get((r, question.id), 0), minutes.get((r, question.id), 0)
                    shown = f"{m} {self.t('minutes')}, {n}" if m else (str(n) if n else "")
                    cells.append([label(shown)] if shown else [])
                if any(cells):  # the questions no room reached are under Open questions
                    rows.append([[self.local(question.text)], *cells])
        self.out(Fold(True), table(header, rows), Fold(False))

    def counts(self, themes: list[Theme], kept: list[Contribution]) -> None:
        theme_of = {q.id: t.id for t in themes for q in t.questions}
        tally = Counter((theme_of.get(c.question), c.kind) for c in kept if c.question in theme_of)
        names = [KIND_HEADINGS[self.lang][k].split(" (")[0] for k in KIND_ORDER]
        header: list[list[Span]] = [[label(self.t("theme"))]]
        header += [[label(n)] for n in names]
        header.append([label(self.t("total"))])

        def row(first: Span, numbers: list[int]) -> list[list[Span]]:
            cells: list[list[Span]] = [[label(str(n))] for n in numbers]
            return [[first], *cells, [label(str(sum(numbers)))]]

        rows = [
            row(self.local(t.title), [tally.get((t.id, k), 0) for k in KIND_ORDER]) for t in themes
        ]
        loose = Counter(c.kind for c in kept if c.question is None)
        if loose and not self.theme_id:
            rows.append(row(label(self.t("no_question")), [loose.get(k, 0) for k in KIND_ORDER]))
        totals = [
            sum(tally.get((t.id, k), 0) for t in themes) + (0 if self.theme_id else loose.get(k, 0))
            for k in KIND_ORDER
        ]
        rows.append(row(strong(label(self.t("total"))), totals))
        self.out(heading(2, label(self.t("counts"))), Fold(True), table(header, rows), Fold(False))


def summary_markdown(record: WorkshopRecord, request: ExportRequest) -> str:
    return SummaryWriter(record, request).render()


def summary_wikitext(record: WorkshopRecord, request: ExportRequest) -> str:
    return SummaryWriter(record, request).render_wikitext()


def _kept(block: Block) -> Block:
    """A block that can be read more than once: list items made as they are read are made
    now."""
    if isinstance(block, ListBlock) and not isinstance(block.items, list):
        return ListBlock(block.ordered, list(block.items))
    return block


def _answered(kept: list[Contribution]) -> set[str]:
    return {c.responds_to for c in kept if c.responds_to}


def _nowhere(block: Block) -> None:
    raise RuntimeError("SummaryWriter.out() called outside write()")
