"""The outcomes of a summary: what the workshop concluded, before the discussion behind it.

What a drafting committee reads first (issue #15): each room's purpose statement, the task
ranking with a reading of its numbers, each room's key takeaways and the most-voted points,
where people agreed and where they did not, the action items and the parking lot, and the
questions left open. Every number here is computed from the record; nothing is invented.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from hubworkshop.domain.model import Activity, Contribution, Kind, Room, Theme
from hubworkshop.domain.ranking import ChartRow, across_rooms, ranking_chart, read_ranking
from hubworkshop.domain.records import PurposeStatement
from hubworkshop.reports.document import (
    Chart,
    Span,
    bullets,
    em,
    heading,
    label,
    numbered,
    paragraph,
    strong,
    text,
)
from hubworkshop.reports.labels import plural

if TYPE_CHECKING:
    from hubworkshop.reports.summary import Discussed, SummaryWriter

MOST_VOTED = 5
SPACE, COLON = label(" "), label(":")


def write_outcomes(
    w: SummaryWriter,
    themes: list[Theme],
    rooms: Mapping[str, Room],
    points: list[Contribution],
    discussed: Discussed,
) -> None:
    """The outcomes section. A theme's summary has no purpose statements or ranking: rooms
    make those, not themes."""
    w.out(heading(2, label(w.t("outcomes"))))
    live = [c for c in points if not c.parked]
    if not w.theme_id:
        # A plan without the activity gets no section for it (unless a room did it anyway).
        if w.has_activity(Activity.PURPOSE_STATEMENT) or w.record.purpose_statements:
            purpose(w, rooms)
        if w.record.roles and (w.has_activity(Activity.TASK_RANKING) or w.record.rankings):
            ranking(w, rooms)
    takeaways(w, rooms, live)
    convergence(w, themes, rooms, live)
    actions(w, rooms, points)
    open_questions(w, themes, rooms, live, discussed)


def purpose(w: SummaryWriter, rooms: Mapping[str, Room]) -> None:
    part = next(
        (p.part for p in w.record.phases if p.activity is Activity.PURPOSE_STATEMENT and p.part),
        "",
    )
    # The plan's own words for what the statements answer ("Part I: Why do … exist?").
    w.out(heading(3, label(w.t("purpose_of", part=part) if part else w.t("purpose"))))
    latest: dict[str, PurposeStatement] = {}
    for statement in w.record.purpose_statements:  # in order: the final one wins, else newest
        if w.room_id not in (None, statement.room):
            continue
        current = latest.get(statement.room)
        if current is None or statement.final or not current.final:
            latest[statement.room] = statement
    if not latest:
        w.out(paragraph(label(w.t("no_purpose"))))
        return
    items: list[list[Span]] = []
    for room_id in rooms:
        chosen = latest.get(room_id)
        if chosen is None:
            continue
        item: list[Span] = [strong(text(rooms[room_id].name), COLON), SPACE, text(chosen.text)]
        if not chosen.final:
            item += [SPACE, em(label(f"({w.t('draft')})"))]
        items.append(item)
    w.out(bullets(items))


def ranking(w: SummaryWriter, rooms: Mapping[str, Room]) -> None:
    subject = w.record.workshop.ranking_subject.get_text(w.lang)
    w.out(heading(3, label(w.t("ranking_of", subject=subject) if subject else w.t("ranking"))))
    roles = w.record.roles
    rankings = w.consent.ballots(w.record.rankings)
    if w.room_id:
        rankings = {r: b for r, b in rankings.items() if r == w.room_id}
    if not rankings:
        w.out(paragraph(label(w.t("no_ranking"))))
        return
    names = {r.id: r.label.get_text(w.lang) for r in roles}
    scores, orders = across_rooms(rankings, [r.id for r in roles])
    reading = read_ranking(scores, orders)
    points = {s.role: s.points for s in scores}
    said: list[Span] = []
    for key, group in (
        ("reading_strong" if len(orders) > 1 else "reading_strong_one", reading.strong),
        ("reading_split", reading.split),
        ("reading_low", reading.low),
    ):
        if not group:
            continue
        parts = []
        for role in group:
            share = plural(w.lang, "of_points", points[role], possible=reading.possible)
            parts.append(f"{names[role]} ({share})")
        said += [SPACE] if said else []
        said.append(text(w.t(key, items="; ".join(parts))))
    tie = f" ({w.t('tie')})"
    w.out(
        paragraph(label(w.t("ranking_method", n=len(roles), top=len(roles) - 1))),
        *([paragraph(*said)] if said else []),
        # A bullet list: a numbered one would renumber shared ranks.
        bullets(
            [
                [
                    strong(label(f"{score.rank}.")),
                    SPACE,
                    text(names[score.role]),
                    label(
                        f" — {plural(w.lang, 'points', score.points)}{tie if score.tied else ''}"
                    ),
                ]
                for score in scores
            ]
        ),
        Chart(
            w.t("chart_ranking"),
            ranking_chart(scores, names),
            [f"{plural(w.lang, 'points', s.points)}{tie if s.tied else ''}" for s in scores],
        ),
        paragraph(strong(label(w.t("room_orders")))),
    )
    items: list[list[Span]] = []
    for room_id in (r for r in rooms if r in orders):  # in the plan's order
        item: list[Span] = [text(rooms[room_id].name), label(":")]
        for i, role in enumerate(orders[room_id]):
            item += [label(f"{',' if i else ''} {i + 1}. "), text(names[role])]
        items.append(item)
    w.out(bullets(items))
    own = w.consent.named_ballots(rankings)
    if own:
        w.out(paragraph(strong(label(w.t("own_orders")))))
        people: list[list[Span]] = []
        for room_id in (r for r in rooms if r in own):
            for who, order in own[room_id].items():
                person: list[Span] = [
                    text(who),
                    label(" ("),
                    text(rooms[room_id].name),
                    label("):"),
                ]
                for i, role in enumerate(order):
                    person += [label(f"{',' if i else ''} {i + 1}. "), text(names[role])]
                people.append(person)
        w.out(bullets(people))


def takeaways(w: SummaryWriter, rooms: Mapping[str, Room], live: list[Contribution]) -> None:
    """Each room's key takeaways, in its order; then the most-voted points across rooms."""
    w.out(heading(3, label(w.t("key_takeaways"))))
    in_scope = {c.id for c in w.scope.contributions(w.record)}
    chosen = {
        room_id: [
            c for c in w.consent.visible(w.record.takeaways.get(room_id, ())) if c.id in in_scope
        ]
        for room_id in ([w.room_id] if w.room_id else rooms)
    }
    if not any(chosen.values()):
        w.out(paragraph(label(w.t("no_takeaways"))))
    for room_id, chosen_points in chosen.items():
        if chosen_points:
            w.out(
                paragraph(strong(text(rooms[room_id].name))),
                numbered(w.point(c, rooms, room=False) for c in chosen_points),
            )
    voted = sorted((c for c in live if c.votes), key=lambda c: (-c.votes, c.seq))[:MOST_VOTED]
    if voted:
        w.out(
            paragraph(strong(label(w.t("most_voted")))),
            bullets(w.point(c, rooms, key=True) for c in voted),
            Chart(
                w.t("chart_votes"),
                [
                    ChartRow(1 + sum(o.votes > c.votes for o in voted), c.text, c.votes)
                    for c in voted
                ],
                [plural(w.lang, "dots", c.votes) for c in voted],
            ),
        )


def convergence(
    w: SummaryWriter, themes: list[Theme], rooms: Mapping[str, Room], live: list[Contribution]
) -> None:
    """The agreements and disagreements recorded, theme by theme."""
    w.out(heading(3, label(w.t("convergence"))))
    wanted = (Kind.AGREEMENT, Kind.DISAGREEMENT)
    groups: list[tuple[Span, list[Contribution]]] = []
    for theme in themes:
        questions = {q.id for q in theme.questions}
        found = [c for c in live if c.kind in wanted and c.question in questions]
        if found:
            groups.append((w.local(theme.title), found))
    loose = [c for c in live if c.kind in wanted and c.question is None]
    if loose and not w.theme_id:
        groups.append((label(w.t("no_question")), loose))
    if not groups:
        w.out(paragraph(label(w.t("no_convergence"))))
    for title, found in groups:
        ordered = sorted(found, key=lambda c: (wanted.index(c.kind), c.seq))
        w.out(paragraph(strong(title)), bullets(w.point(c, rooms, key=True) for c in ordered))


def actions(w: SummaryWriter, rooms: Mapping[str, Room], points: list[Contribution]) -> None:
    """Action items (owners named only with consent) and the parking lot."""
    w.out(heading(3, label(w.t("actions_parking"))))
    todo = [c for c in points if c.kind is Kind.ACTION and not c.parked]
    parked = [c for c in points if c.parked]
    if todo:
        w.out(
            paragraph(strong(label(w.t("actions_heading")))),
            bullets(w.point(c, rooms) for c in todo),
        )
    else:
        w.out(paragraph(label(w.t("no_actions"))))
    if parked:
        w.out(
            paragraph(strong(label(w.t("parking")))),
            bullets(w.point(c, rooms) for c in parked),
        )


def open_questions(
    w: SummaryWriter,
    themes: list[Theme],
    rooms: Mapping[str, Room],
    live: list[Contribution],
    discussed: Discussed,
) -> None:
    """The bank's questions no room reached, and the questions participants asked (the
    record has no link from a question to its answer, so every one is listed)."""
    w.out(heading(3, label(w.t("open_questions"))))
    unreached = [
        q
        for t in themes
        for q in t.questions
        if q.id not in discussed and w.scope.has_question(w.record, q.id)
    ]
    w.out(paragraph(strong(label(w.t("not_reached")))))
    if unreached:
        w.out(bullets([[w.local(q.text), SPACE, em(label(f"({q.id})"))] for q in unreached]))
    else:
        w.out(paragraph(label(w.t("all_reached"))))
    asked: Sequence[Contribution] = [c for c in live if c.kind is Kind.QUESTION]
    w.out(paragraph(strong(label(w.t("questions_asked")))))
    if asked:
        w.out(bullets(w.point(c, rooms) for c in asked))
    else:
        w.out(paragraph(label(w.t("no_questions_asked"))))
