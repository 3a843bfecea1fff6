"""The summary for the Movement Charter drafting committee, as Markdown.

One summary, two renderers: this module writes Markdown (user text escaped so it can only
ever be text), and `wikitext.py` turns that Markdown into Meta-Wiki wikitext by walking
markdown-it-py's token stream.

Consent: names appear only with `attribute`, and only for participants whose consent is
"named"; contributions of participants who are off the record are left out and counted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from hubworkshop.model import Consent, Contribution, Kind, Question, Room, Theme
from hubworkshop.ranking import across_rooms
from hubworkshop.store import Store
from hubworkshop.timer import parse_time

# Dropped from summaries (the database, JSON and CSV keep them): control characters, which
# HTML cannot carry (MediaWiki strips them too), and the invisible bidi controls that
# reorder the text around them, since one contribution must not rearrange its neighbours.
_INVISIBLE = dict.fromkeys(
    [
        *range(0x00, 0x09),
        0x0B,
        0x0C,
        *range(0x0E, 0x20),
        *range(0x7F, 0xA0),
        *map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"),
    ]
)

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "summary": "summary",
        "lead": "Summary of the {title}, held on {date}, {start}–{end} {tz}: {rooms} breakout "
        "rooms, {participants} participants, {contributions} contributions.",
        "date": "Date",
        "rooms": "Rooms",
        "participants": "Participants",
        "contributions": "Contributions",
        "methods": "Methods",
        "decisions": "Decisions",
        "withheld": "Withheld contributions",
        "withheld_text": "{n} (from participants who asked to stay off the record)",
        "scope": "Scope",
        "scope_room": "{name}",
        "scope_theme": "theme {name}",
        "by_theme": "Discussion by theme",
        "discussed_in": "Discussed in",
        "not_discussed": "No contributions recorded.",
        "key_points": "Key points",
        "parking": "Parking lot",
        "no_question": "Not tied to a question",
        "ranking": "What hubs should do: task ranking",
        "ranking_method": "Borda count across rooms: in a ranking of {n} roles the first earns "
        "{top} points and the last 0; a role a room left out earns nothing from it (an "
        "abstention). Roles with equal points share a rank.",
        "no_ranking": "No task ranking was recorded.",
        "points": "points",
        "tie": "tie",
        "room_orders": "Each room's ranking",
        "purpose": "Why hubs exist: purpose statements",
        "no_purpose": "No purpose statement was recorded.",
        "draft": "draft",
        "coverage": "Coverage",
        "coverage_help": "Each cell: how long the question was open in that room (from the "
        "session's event log), and how many contributions it received.",
        "question": "Question",
        "minutes": "min",
        "not_reached": "Questions no room reached",
        "all_reached": "Every question was discussed in at least one room.",
        "counts": "Contributions by theme and kind",
        "theme": "Theme",
        "total": "Total",
        "sources": "Each point ends with the short ids of the contributions it comes from.",
        "brainstorm": "brainstorming",
        "discussion": "discussion",
        "purpose-statement": "purpose statements",
        "task-ranking": "task ranking",
        "dot-voting": "dot-voting",
        "wrap-up": "wrap-up",
        "plenary": "plenary",
        "dots": "dots",
        "dot": "dot",
        "also": "merged with:",
        "cluster": "cluster",
        "owner": "owner",
        "due": "due",
        "takeaways": "Key takeaways by room",
    },
    "fr": {
        "summary": "synthèse",
        "lead": "Synthèse de l'atelier « {title} », tenu le {date}, {start}–{end} {tz} : {rooms} "
        "salles de discussion, {participants} participants, {contributions} contributions.",
        "date": "Date",
        "rooms": "Salles",
        "participants": "Participants",
        "contributions": "Contributions",
        "methods": "Méthodes",
        "decisions": "Décisions",
        "withheld": "Contributions non publiées",
        "withheld_text": "{n} (de participants qui ont demandé à rester hors du compte rendu)",
        "scope": "Portée",
        "scope_room": "{name}",
        "scope_theme": "thème {name}",
        "by_theme": "Discussion par thème",
        "discussed_in": "Discuté dans",
        "not_discussed": "Aucune contribution enregistrée.",
        "key_points": "Points clés",
        "parking": "En suspens",
        "no_question": "Sans question associée",
        "ranking": "Ce que les hubs devraient faire : classement des tâches",
        "ranking_method": "Méthode de Borda entre les salles : dans un classement de {n} rôles, "
        "le premier reçoit {top} points et le dernier 0 ; un rôle qu'une salle n'a pas classé "
        "ne reçoit rien d'elle (abstention). Les rôles à égalité de points partagent un rang.",
        "no_ranking": "Aucun classement des tâches n'a été enregistré.",
        "points": "points",
        "tie": "égalité",
        "room_orders": "Classement de chaque salle",
        "purpose": "Pourquoi les hubs existent : déclarations d'intention",
        "no_purpose": "Aucune déclaration d'intention n'a été enregistrée.",
        "draft": "brouillon",
        "coverage": "Couverture",
        "coverage_help": "Chaque case : combien de temps la question est restée ouverte dans "
        "cette salle (d'après le journal de la session), et combien de contributions elle a "
        "reçues.",
        "question": "Question",
        "minutes": "min",
        "not_reached": "Questions qu'aucune salle n'a abordées",
        "all_reached": "Chaque question a été abordée dans au moins une salle.",
        "counts": "Contributions par thème et par type",
        "theme": "Thème",
        "total": "Total",
        "sources": "Chaque point se termine par les identifiants courts des contributions "
        "dont il provient.",
        "brainstorm": "remue-méninges",
        "discussion": "discussion",
        "purpose-statement": "déclarations d'intention",
        "task-ranking": "classement des tâches",
        "dot-voting": "vote par points",
        "wrap-up": "conclusion",
        "plenary": "plénière",
        "dots": "points",
        "dot": "point",
        "also": "fusionné avec :",
        "cluster": "groupe",
        "owner": "responsable",
        "due": "échéance",
        "takeaways": "Points clés retenus par salle",
    },
}

KIND_HEADINGS: dict[str, dict[Kind, str]] = {
    "en": {
        Kind.PROPOSAL: "Proposals",
        Kind.IDEA: "Ideas",
        Kind.CONCERN: "Concerns",
        Kind.QUESTION: "Open questions",
        Kind.AGREEMENT: "Agreements (convergence)",
        Kind.DISAGREEMENT: "Disagreements (divergence)",
        Kind.ACTION: "Action items",
    },
    "fr": {
        Kind.PROPOSAL: "Propositions",
        Kind.IDEA: "Idées",
        Kind.CONCERN: "Préoccupations",
        Kind.QUESTION: "Questions ouvertes",
        Kind.AGREEMENT: "Accords (convergence)",
        Kind.DISAGREEMENT: "Désaccords (divergence)",
        Kind.ACTION: "Actions à mener",
    },
}
KIND_ORDER = list(KIND_HEADINGS["en"])
KIND_NAMES: dict[str, dict[Kind, str]] = {
    "en": {kind: kind.value for kind in Kind},
    "fr": {
        Kind.IDEA: "idée",
        Kind.QUESTION: "question",
        Kind.CONCERN: "préoccupation",
        Kind.PROPOSAL: "proposition",
        Kind.AGREEMENT: "accord",
        Kind.DISAGREEMENT: "désaccord",
        Kind.ACTION: "action",
    },
}

# -- escaping ------------------------------------------------------------------------------------

# Characters that mean something inline, anywhere in a line (js-default preset: no HTML,
# tables, strikethrough): escaped with a backslash, which CommonMark allows before any
# ASCII punctuation.
_INLINE = re.compile(r"([\\`*_\[\]<>!&|~])")
# What opens a block at the start of a line: headings, quotes, lists, setext lines, fences.
_BLOCK_START = re.compile(r"^(\s*)([#>+\-=:]|\d+(?=[.)]))")


def md_escape(text: str) -> str:
    """User text as Markdown that can only ever render as that same text, on one line."""
    text = text.translate(_INVISIBLE)
    text = " / ".join(part.strip() for part in text.splitlines() if part.strip())
    text = _INLINE.sub(r"\\\1", text)
    match = _BLOCK_START.match(text)
    if match:
        start = match.end(1)
        marker = match.group(2)
        if marker[0].isdigit():
            text = text[: match.end()] + "\\" + text[match.end() :]
        else:
            text = text[:start] + "\\" + text[start:]
    return text.strip()


def plain_text(text: str) -> str:
    """What `md_escape(text)` renders to: the text as it reads in the summary."""
    text = text.translate(_INVISIBLE)
    return " / ".join(part.strip() for part in text.splitlines() if part.strip())


# -- the summary as data ------------------------------------------------------------------------


@dataclass
class QuestionSection:
    question: Question | None
    rooms: list[tuple[Room, int]] = field(default_factory=list)
    points: list[Contribution] = field(default_factory=list)


@dataclass
class ThemeSection:
    theme: Theme | None
    questions: list[QuestionSection] = field(default_factory=list)


def _minutes_per_question(store: Store) -> dict[tuple[str, str], int]:
    """(room, question) -> whole minutes it was open, from the event log.

    A room's first question counts from the room's first recorded activity (timer start or
    contribution); a question still open counts until the room's last event.
    """
    events = store.events()
    by_room: dict[str, list] = defaultdict(list)
    for event in events:
        if event.room:
            by_room[event.room].append(event)
    spent: dict[tuple[str, str], float] = defaultdict(float)
    initial = {room: store.room_state(room) for room in store.rooms()}
    for room, room_events in by_room.items():
        activity = [e for e in room_events if e.action in ("timer.start", "contribution.add")]
        opens = [e for e in room_events if e.action == "question.open"]
        first_question = None
        if opens:
            first_close = next((e for e in room_events if e.action == "question.close"), None)
            first_question = first_close.subject if first_close else None
        elif initial.get(room):
            first_question = initial[room].question
        current, since = first_question, (activity[0].at if activity else None)
        for event in room_events:
            if event.action == "question.open":
                if current and since:
                    spent[(room, current)] += _seconds(since, event.at)
                current, since = event.subject, event.at
        if current and since:
            spent[(room, current)] += _seconds(since, room_events[-1].at)
    return {key: round(seconds / 60) for key, seconds in spent.items()}


def _seconds(start: str, end: str) -> float:
    return max((parse_time(end) - parse_time(start)).total_seconds(), 0.0)


def _key(c: Contribution) -> tuple:
    return (-int(c.starred), -c.votes, c.seq)


class SummaryWriter:
    """Builds the Markdown summary of a workshop, a room or a theme."""

    def __init__(
        self,
        store: Store,
        *,
        room: str | None = None,
        theme: str | None = None,
        lang: str = "en",
        attribute: bool = False,
    ) -> None:
        self.store = store
        self.room_id = room
        self.theme_id = theme
        self.lang = lang if lang in LABELS else "en"
        self.attribute = attribute
        self.labels = LABELS[self.lang]
        self.lines: list[str] = []
        self.consents = {p.name.casefold(): p.consent for p in store.participants()}
        if room is not None:
            store.room(room)
        if theme is not None and theme not in {t.id for t in store.themes()}:
            from hubworkshop.errors import NotFoundError

            known = ", ".join(t.id for t in store.themes())
            raise NotFoundError(f"unknown theme '{theme}' (themes: {known})")

    # -- helpers ---------------------------------------------------------------------------

    def t(self, key: str, **values: object) -> str:
        return self.labels[key].format(**values)

    def text(self, local) -> str:
        return md_escape(local.get_text(self.lang))

    def may_name(self, name: str) -> bool:
        """An action owner is a name too: shown only with `attribute`, and never for a
        participant who did not agree to be named."""
        if not self.attribute:
            return False
        consent = self.consents.get(name.casefold())
        return consent is None or consent is Consent.NAMED

    def out(self, *lines: str) -> None:
        self.lines.extend(lines)

    def point(self, c: Contribution, rooms: dict[str, Room], *, key: bool = False) -> str:
        marks = []
        if c.starred and key:
            marks.append("★")
        if c.votes:
            marks.append(f"{c.votes} {self.t('dot' if c.votes == 1 else 'dots')}")
        prefix = f"**{' · '.join(marks)}** " if marks else ""
        author = ""
        if self.attribute and c.consent is Consent.NAMED and c.author:
            author = f"**{md_escape(c.author)}:** "
        kind = f"*{KIND_NAMES[self.lang][c.kind]}:* " if key else ""
        room = md_escape(rooms[c.room].name)
        ids = [c.short_id]
        # The user's text stays one text token of its own (for <bdi> in wikitext).
        line = f"- {prefix}{kind}{author}{md_escape(c.text)}"
        for merged in self.merged.get(c.id, []):  # a merged point keeps every text and author
            ids.append(merged.short_id)
            who = ""
            if self.attribute and merged.consent is Consent.NAMED and merged.author:
                who = f"**{md_escape(merged.author)}:** "
            line += f" *{self.t('also')}* {who}{md_escape(merged.text)}"
        details = []
        if c.cluster:
            details.append(f"{self.t('cluster')}: {md_escape(c.cluster)}")
        if c.owner and self.may_name(c.owner):
            details.append(f"{self.t('owner')}: {md_escape(c.owner)}")
        if c.due:
            details.append(f"{self.t('due')}: {c.due}")
        if details:
            line += f" ({'; '.join(details)})"
        return f"{line} *({room}; {', '.join(ids)})*"

    # -- the document ----------------------------------------------------------------------

    def render(self) -> str:
        store = self.store
        workshop = store.workshop()
        rooms = store.rooms()
        themes = store.themes()
        if self.theme_id:
            themes = [t for t in themes if t.id == self.theme_id]
        theme_questions = {q.id for t in themes for q in t.questions}
        everything = store.contributions(room=self.room_id)
        if self.theme_id:
            everything = [c for c in everything if c.question in theme_questions]
        kept = [c for c in everything if c.consent is not Consent.OFF_RECORD]
        self.kept = kept
        withheld = len(everything) - len(kept)
        minutes = _minutes_per_question(store)
        self.merged: dict[str, list[Contribution]] = defaultdict(list)
        for c in kept:
            if c.merged_into:
                self.merged[c.merged_into].append(c)
        points = [c for c in kept if not c.merged_into]

        self.header(workshop, rooms, kept, withheld)
        self.by_theme(themes, rooms, points, minutes)
        if not self.theme_id:
            self.ranking(rooms)
            self.purpose(rooms)
            self.takeaways(rooms)
        self.coverage(themes, rooms, kept, minutes)
        self.counts(themes, kept)
        return "\n".join(self.lines).rstrip() + "\n"

    def header(self, workshop: dict, rooms: dict[str, Room], kept: list, withheld: int) -> None:
        date = dt.date.fromisoformat(workshop["date"])
        shown_rooms = [rooms[self.room_id]] if self.room_id else list(rooms.values())
        authors = {c.author_id for c in kept if c.author_id is not None}
        participants = len(authors) if self.room_id else len(self.store.participants())
        self.out(f"# {md_escape(workshop['title'])} — {self.t('summary')}", "")
        self.out(
            md_escape(
                self.t(
                    "lead",
                    title=workshop["title"],
                    date=date.isoformat(),
                    start=workshop["start"],
                    end=workshop["end"],
                    tz=workshop["timezone"],
                    rooms=len(shown_rooms),
                    participants=participants,
                    contributions=len(kept),
                )
            ),
            "",
        )
        methods = self.methods()
        facts = [
            (
                self.t("date"),
                f"{date.isoformat()}, {workshop['start']}–{workshop['end']} {workshop['timezone']}",
            ),
            (self.t("rooms"), "; ".join(r.name for r in shown_rooms)),
            (self.t("participants"), str(participants)),
            (self.t("contributions"), str(len(kept))),
            (self.t("methods"), ", ".join(methods)),
        ]
        if workshop["note"]:
            facts.append((self.t("decisions"), workshop["note"]))
        if withheld:
            facts.append((self.t("withheld"), self.t("withheld_text", n=withheld)))
        if self.room_id:
            facts.append((self.t("scope"), self.t("scope_room", name=rooms[self.room_id].name)))
        if self.theme_id:
            theme = next(t for t in self.store.themes() if t.id == self.theme_id)
            facts.append(
                (self.t("scope"), self.t("scope_theme", name=theme.title.get_text(self.lang)))
            )
        for label, value in facts:
            self.out(f"- **{label}:** {md_escape(value)}")
        self.out("", self.t("sources"), "")

    def methods(self) -> list[str]:
        seen: list[str] = []
        for phase in self.store.phases():
            name = phase.activity.value
            if name not in ("break", "plenary") and self.t(name) not in seen:
                seen.append(self.t(name))
        if any(c.votes for c in self.kept):
            seen.append(self.t("dot-voting"))
        return seen

    def by_theme(self, themes: list[Theme], rooms, kept: list[Contribution], minutes) -> None:
        self.out(f"## {self.t('by_theme')}", "")
        by_question: dict[str | None, list[Contribution]] = defaultdict(list)
        for c in kept:
            by_question[c.question].append(c)
        for theme in themes:
            discussed = []
            for question in theme.questions:
                points = by_question.get(question.id, [])
                rooms_here = [
                    (rooms[r], minutes.get((r, question.id), 0))
                    for r in rooms
                    if minutes.get((r, question.id)) or any(c.room == r for c in points)
                ]
                if self.room_id:
                    rooms_here = [(room, m) for room, m in rooms_here if room.id == self.room_id]
                if rooms_here:  # questions no room reached are listed under Coverage
                    discussed.append((question, points, rooms_here))
            if not discussed:
                continue
            self.out(f"### {self.text(theme.title)}", "")
            for question, points, rooms_here in discussed:
                self.out(f"#### {self.text(question.text)}", "")
                if rooms_here:
                    where = "; ".join(
                        f"{md_escape(room.name)} ({m} {self.t('minutes')})"
                        for room, m in rooms_here
                    )
                    self.out(f"*{self.t('discussed_in')}: {where}*", "")
                self.points(points, rooms)
        loose = by_question.get(None, [])
        if loose and not self.theme_id:
            self.out(f"### {self.t('no_question')}", "")
            self.points(loose, rooms)

    def points(self, points: list[Contribution], rooms: dict[str, Room]) -> None:
        if not points:
            self.out(self.t("not_discussed"), "")
            return
        live = [c for c in points if not c.parked]
        key_points = sorted((c for c in live if c.starred or c.votes), key=_key)
        if key_points:
            self.out(f"**{self.t('key_points')}**", "")
            self.out(*(self.point(c, rooms, key=True) for c in key_points), "")
        chosen = {c.id for c in key_points}
        for kind in KIND_ORDER:
            group = [c for c in live if c.kind is kind and c.id not in chosen]
            if group:
                self.out(f"**{KIND_HEADINGS[self.lang][kind]}**", "")
                self.out(*(self.point(c, rooms) for c in group), "")
        parked = [c for c in points if c.parked]
        if parked:
            self.out(f"**{self.t('parking')}**", "")
            self.out(*(self.point(c, rooms) for c in parked), "")

    def ranking(self, rooms: dict[str, Room]) -> None:
        self.out(f"## {self.t('ranking')}", "")
        roles = self.store.roles()
        rankings = self.store.rankings()
        if self.room_id:
            rankings = {r: b for r, b in rankings.items() if r == self.room_id}
        if not rankings:
            self.out(self.t("no_ranking"), "")
            return
        labels = {r.id: md_escape(r.label.get_text(self.lang)) for r in roles}
        scores, orders = across_rooms(rankings, [r.id for r in roles])
        self.out(self.t("ranking_method", n=len(roles), top=len(roles) - 1), "")
        for score in scores:  # a bullet list: a numbered one would renumber shared ranks
            tie = f" ({self.t('tie')})" if score.tied else ""
            self.out(
                f"- **{score.rank}.** {labels[score.role]} — {score.points} {self.t('points')}{tie}"
            )
        self.out("", f"**{self.t('room_orders')}**", "")
        for room_id in (r for r in rooms if r in orders):  # in the plan's order
            order = orders[room_id]
            ranked = ", ".join(f"{i + 1}. {labels[role]}" for i, role in enumerate(order))
            self.out(f"- {md_escape(rooms[room_id].name)}: {ranked}")
        self.out("")

    def takeaways(self, rooms: dict[str, Room]) -> None:
        chosen = {
            room_id: [
                c for c in self.store.takeaways(room_id) if c.consent is not Consent.OFF_RECORD
            ]
            for room_id in ([self.room_id] if self.room_id else rooms)
        }
        if not any(chosen.values()):
            return
        self.out(f"## {self.t('takeaways')}", "")
        for room_id, points in chosen.items():
            if points:
                self.out(f"**{md_escape(rooms[room_id].name)}**", "")
                self.out(
                    *(
                        self.point(c, rooms).replace("- ", f"{i + 1}. ", 1)
                        for i, c in enumerate(points)
                    ),
                    "",
                )

    def purpose(self, rooms: dict[str, Room]) -> None:
        self.out(f"## {self.t('purpose')}", "")
        statements = self.store.purpose_statements(self.room_id)
        latest: dict[str, object] = {}
        for statement in statements:  # in order: the final one wins, else the newest
            current = latest.get(statement.room)
            if current is None or statement.final or not current.final:
                latest[statement.room] = statement
        if not latest:
            self.out(self.t("no_purpose"), "")
            return
        for room_id in rooms:
            statement = latest.get(room_id)
            if statement is None:
                continue
            draft = "" if statement.final else f" *({self.t('draft')})*"
            self.out(f"- **{md_escape(rooms[room_id].name)}:** {md_escape(statement.text)}{draft}")
        self.out("")

    def coverage(self, themes, rooms, kept: list[Contribution], minutes) -> None:
        self.out(f"## {self.t('coverage')}", "", self.t("coverage_help"), "")
        room_ids = [self.room_id] if self.room_id else list(rooms)
        counts = Counter((c.room, c.question) for c in kept)
        header = [self.t("question"), *(md_escape(rooms[r].name) for r in room_ids)]
        self.out("| " + " | ".join(header) + " |", "|" + " --- |" * len(header))
        unreached = []
        for theme in themes:
            for question in theme.questions:
                cells = []
                reached = False
                for r in room_ids:
                    n, m = counts.get((r, question.id), 0), minutes.get((r, question.id), 0)
                    if n or m:
                        reached = True
                        cells.append(f"{m} {self.t('minutes')}, {n}")
                    else:
                        cells.append("")
                if not reached:
                    unreached.append(question)
                else:
                    self.out(f"| {self.text(question.text)} | " + " | ".join(cells) + " |")
        self.out("", f"**{self.t('not_reached')}**", "")
        if unreached:
            self.out(*(f"- {self.text(q.text)} *({q.id})*" for q in unreached), "")
        else:
            self.out(self.t("all_reached"), "")

    def counts(self, themes: list[Theme], kept: list[Contribution]) -> None:
        self.out(f"## {self.t('counts')}", "")
        theme_of = {q.id: t.id for t in themes for q in t.questions}
        table = Counter((theme_of.get(c.question), c.kind) for c in kept if c.question in theme_of)
        kinds = KIND_ORDER
        names = [KIND_HEADINGS[self.lang][k].split(" (")[0] for k in kinds]
        self.out(
            f"| {self.t('theme')} | " + " | ".join(names) + f" | {self.t('total')} |",
            "|" + " --- |" * (len(kinds) + 2),
        )
        for theme in themes:
            row = [table.get((theme.id, k), 0) for k in kinds]
            self.out(
                f"| {self.text(theme.title)} | " + " | ".join(map(str, row)) + f" | {sum(row)} |"
            )
        loose = Counter(c.kind for c in kept if c.question is None)
        if loose and not self.theme_id:
            row = [loose.get(k, 0) for k in kinds]
            self.out(
                f"| {self.t('no_question')} | " + " | ".join(map(str, row)) + f" | {sum(row)} |"
            )
        totals = [
            sum(table.get((t.id, k), 0) for t in themes) + (0 if self.theme_id else loose.get(k, 0))
            for k in kinds
        ]
        self.out(
            f"| **{self.t('total')}** | " + " | ".join(map(str, totals)) + f" | {sum(totals)} |", ""
        )


def to_markdown(store: Store, **scope) -> str:
    return SummaryWriter(store, **scope).render()
