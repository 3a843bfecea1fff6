"""The words of a summary that are ours, not the participants': labels and headings.

The English text here is the source; each language's words live in its gettext catalog
(`locale/<lang>/LC_MESSAGES/hubworkshop.po`, `domain/i18n.py`), each label with its key as
context, since the same English word can need two translations. A summary is written in the
first language of its request's fallback chain that has a catalog ("fr-CA" -> "fr"), else in
English. Participants' words and the bank's questions are never translated here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import TypeVar

from hubworkshop.domain.i18n import NNP_, NP_, available, resolve, translation
from hubworkshop.domain.model import Kind

K = TypeVar("K")

_LABELS: dict[str, tuple[str, str]] = {
    "summary": NP_("summary", "summary"),
    "lead": NP_(
        "lead",
        "Summary of the {title}, held on {date}, {start}–{end} {tz}: {rooms}, {participants}, {contributions}.",
    ),
    "date": NP_("date", "Date"),
    "rooms": NP_("rooms", "Rooms"),
    "participants": NP_("participants", "Participants"),
    "contributions": NP_("contributions", "Contributions"),
    "methods": NP_("methods", "Methods"),
    "note": NP_("note", "Note"),
    "withheld": NP_("withheld", "Withheld contributions"),
    "withheld_text": NP_(
        "withheld_text", "{n} (from participants who asked to stay off the record)"
    ),
    "scope": NP_("scope", "Scope"),
    "scope_room": NP_("scope_room", "{name}"),
    "scope_theme": NP_("scope_theme", "theme {name}"),
    "by_theme": NP_("by_theme", "Discussion by theme"),
    "discussed_in": NP_("discussed_in", "Discussed in"),
    "not_discussed": NP_("not_discussed", "No contributions recorded."),
    "key_points": NP_("key_points", "Key points"),
    "parking": NP_("parking", "Parking lot"),
    "no_question": NP_("no_question", "Not tied to a question"),
    "no_phase": NP_("no_phase", "Outside the agenda's phases"),
    "agreement_with": NP_("agreement_with", "Agreement with"),
    "disagreement_with": NP_("disagreement_with", "Disagreement with"),
    "a_participant": NP_("a_participant", "A participant"),
    "ranking": NP_("ranking", "Task ranking"),
    "ranking_of": NP_("ranking_of", "Task ranking: {subject}"),
    "ranking_method": NP_(
        "ranking_method",
        "Borda count across rooms: in a ranking of {n} items the first earns {top} points and the last 0; an item a room left out earns nothing from it (an abstention). Items with equal points share a rank. A room that recorded no agreed order counts as its participants' own orders combined the same way; the orders of people who spoke off the record are not counted.",
    ),
    "no_ranking": NP_("no_ranking", "No task ranking was recorded."),
    "points": NP_("points", "points"),
    "tie": NP_("tie", "tie"),
    "room_orders": NP_("room_orders", "Each room's ranking"),
    "own_orders": NP_("own_orders", "Participants' own rankings"),
    "purpose": NP_("purpose", "Purpose statements"),
    "purpose_of": NP_("purpose_of", "Purpose statements ({part})"),
    "no_purpose": NP_("no_purpose", "No purpose statement was recorded."),
    "draft": NP_("draft", "draft"),
    "coverage": NP_("coverage", "Coverage"),
    "coverage_help": NP_(
        "coverage_help",
        "Each cell: how long the question was open in that room (from the session's event log; no time where the room's clock never showed it), and how many contributions it received.",
    ),
    "question": NP_("question", "Question"),
    "minutes": NP_("minutes", "min"),
    "not_reached": NP_("not_reached", "Questions no room reached"),
    "all_reached": NP_("all_reached", "Every question was discussed in at least one room."),
    "counts": NP_("counts", "Contributions by theme and kind"),
    "theme": NP_("theme", "Theme"),
    "total": NP_("total", "Total"),
    "fallback_note": NP_(
        "fallback_note",
        "hubworkshop has no {language} catalog yet, so this summary's headings and labels are in {fallback}; the bank's questions are in {language} where the bank has them, and what people said stays in the language they said it in.",
    ),
    "sources": NP_(
        "sources", "Each point ends with the short ids of the contributions it comes from."
    ),
    "brainstorm": NP_("brainstorm", "brainstorming"),
    "discussion": NP_("discussion", "discussion"),
    "purpose-statement": NP_("purpose-statement", "purpose statements"),
    "task-ranking": NP_("task-ranking", "task ranking"),
    "dot-voting": NP_("dot-voting", "dot-voting"),
    "wrap-up": NP_("wrap-up", "wrap-up"),
    "plenary": NP_("plenary", "plenary"),
    "dots": NP_("dots", "dots"),
    "dot": NP_("dot", "dot"),
    "also": NP_("also", "merged with:"),
    "cluster": NP_("cluster", "cluster"),
    "owner": NP_("owner", "owner"),
    "due": NP_("due", "due"),
    "takeaways": NP_("takeaways", "Key takeaways by room"),
    "outcomes": NP_("outcomes", "Outcomes"),
    "organised": NP_("organised", "Organised by {organisers}"),
    "event_page": NP_("event_page", "Event page"),
    "reading_strong": NP_("reading_strong", "Strong support across rooms: {items}."),
    "reading_strong_one": NP_("reading_strong_one", "Strong support: {items}."),
    "reading_split": NP_("reading_split", "Split between rooms: {items}."),
    "reading_low": NP_("reading_low", "Little support: {items}."),
    "key_takeaways": NP_("key_takeaways", "Key takeaways"),
    "no_takeaways": NP_("no_takeaways", "No room chose its key takeaways."),
    "most_voted": NP_("most_voted", "Most-voted points"),
    "chart_ranking": NP_("chart_ranking", "Points each item earned across rooms"),
    "chart_votes": NP_("chart_votes", "Dots each point received"),
    "convergence": NP_("convergence", "Where people agreed, and where they did not"),
    "no_convergence": NP_("no_convergence", "No agreement or disagreement was recorded."),
    "actions_parking": NP_("actions_parking", "Action items and parking lot"),
    "actions_heading": NP_("actions_heading", "Action items"),
    "no_actions": NP_("no_actions", "No action item was recorded."),
    "open_questions": NP_("open_questions", "Open questions"),
    "questions_asked": NP_("questions_asked", "Questions participants asked"),
    "no_questions_asked": NP_("no_questions_asked", "No question was recorded."),
}

_PLURALS: dict[str, tuple[str, str, str]] = {
    "rooms": NNP_("rooms", "{n} breakout room", "{n} breakout rooms"),
    "participants": NNP_("participants", "{n} participant", "{n} participants"),
    "contributions": NNP_("contributions", "{n} contribution", "{n} contributions"),
    "points": NNP_("points", "{n} point", "{n} points"),
    "dots": NNP_("dots", "{n} dot", "{n} dots"),
    # TRANSLATORS: counted by {n}, the points an item earned: "1 point sur 16" in French.
    "of_points": NNP_("of_points", "{n} of {possible} points", "{n} of {possible} points"),
}

_KIND_HEADINGS: dict[Kind, tuple[str, str]] = {
    Kind.PROPOSAL: NP_("kind heading", "Proposals"),
    Kind.IDEA: NP_("kind heading", "Ideas"),
    Kind.CONCERN: NP_("kind heading", "Concerns"),
    Kind.QUESTION: NP_("kind heading", "Open questions"),
    Kind.AGREEMENT: NP_("kind heading", "Agreements (convergence)"),
    Kind.DISAGREEMENT: NP_("kind heading", "Disagreements (divergence)"),
    Kind.ACTION: NP_("kind heading", "Action items"),
}

_KIND_NAMES: dict[Kind, tuple[str, str]] = {
    Kind.IDEA: NP_("kind", "idea"),
    Kind.QUESTION: NP_("kind", "question"),
    Kind.CONCERN: NP_("kind", "concern"),
    Kind.PROPOSAL: NP_("kind", "proposal"),
    Kind.AGREEMENT: NP_("kind", "agreement"),
    Kind.DISAGREEMENT: NP_("kind", "disagreement"),
    Kind.ACTION: NP_("kind", "action"),
}


class _InLanguage(Mapping[str, Mapping[K, str]]):
    """`TABLE[lang]`: a table's words in `lang`'s summary language, looked up in the catalog
    once per language (a summary reads a kind's name for every point it lists)."""

    def __init__(self, table: Mapping[K, tuple[str, str]]) -> None:
        self.table = table
        self.done: dict[str, Mapping[K, str]] = {}

    def __getitem__(self, lang: str) -> Mapping[K, str]:
        lang = summary_language(lang)
        if lang not in self.done:
            t = translation(lang)
            words = {key: t.pgettext(ctx, text) for key, (ctx, text) in self.table.items()}
            self.done[lang] = MappingProxyType(words)
        return self.done[lang]

    def __iter__(self) -> Iterator[str]:
        return iter(available())

    def __len__(self) -> int:
        return len(available())


LABELS = _InLanguage(_LABELS)
KIND_HEADINGS = _InLanguage(_KIND_HEADINGS)
KIND_NAMES = _InLanguage(_KIND_NAMES)


def plural(lang: str, key: str, n: int, **values: object) -> str:
    """`n` with its word in the right form by the language's plural rules (from its
    catalog), e.g. "1 breakout room", and "0 salle" in French, which says one for 0 too."""
    ctx, one, other = _PLURALS[key]
    return translation(summary_language(lang)).npgettext(ctx, one, other, n).format(n=n, **values)


KIND_ORDER = list(_KIND_HEADINGS)


def summary_language(lang: str) -> str:
    """The language of the headings and labels of a summary asked for in `lang`."""
    return resolve(lang)


def labels_fallback(lang: str) -> str | None:
    """When hubworkshop has no catalog for `lang`, the language a summary in `lang` takes its
    headings and labels from (the bank's questions are still in `lang`); None when it has
    one. A summary says so in a note, and the command line on stderr: never a silent copy."""
    used = summary_language(lang)
    return None if used in (lang, lang.replace("_", "-").partition("-")[0]) else used


def fallback_notice(lang: str) -> str | None:
    """The line the command line writes on stderr when a summary in `lang` has its headings
    in another language (see `labels_fallback`), in the interface language; None if not."""
    from hubworkshop.domain.i18n import _
    from hubworkshop.domain.languages import display_name

    fallback = labels_fallback(lang)
    if fallback is None:
        return None
    return _(
        "note: no {language} catalog yet: the summary's headings and labels are in {fallback}, its questions in {language} (from the bank)"
    ).format(language=display_name(lang), fallback=display_name(fallback))
