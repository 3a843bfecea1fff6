"""The words of a summary that are ours, not the participants': labels and headings per language.

A summary is written in one of the languages here (`SUMMARY_LANGUAGES`); any other falls
back to English. Participants' words and the bank's questions are never translated here.
"""

from __future__ import annotations

from hubworkshop.domain.model import Kind

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "summary": "summary",
        "lead": "Summary of the {title}, held on {date}, {start}–{end} {tz}: {rooms}, "
        "{participants}, {contributions}.",
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
        "abstention). Roles with equal points share a rank. A room that recorded no agreed "
        "order counts as its participants' own orders combined the same way; the orders of "
        "people who spoke off the record are not counted.",
        "no_ranking": "No task ranking was recorded.",
        "points": "points",
        "tie": "tie",
        "room_orders": "Each room's ranking",
        "own_orders": "Participants' own rankings",
        "purpose": "Why hubs exist: purpose statements",
        "no_purpose": "No purpose statement was recorded.",
        "draft": "draft",
        "coverage": "Coverage",
        "coverage_help": "Each cell: how long the question was open in that room (from the "
        "session's event log; no time where the room's clock never showed it), and how many "
        "contributions it received.",
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
        "outcomes": "Outcomes",
        "organised": "Organised by {organisers}",
        "event_page": "Event page",
        "reading_strong": "Strong support across rooms: {roles}.",
        "reading_split": "Split between rooms: {roles}.",
        "reading_low": "Little support: {roles}.",
        "of_points": "{points} of {possible} points",
        "key_takeaways": "Key takeaways",
        "no_takeaways": "No room chose its key takeaways.",
        "most_voted": "Most-voted points",
        "convergence": "Where people agreed, and where they did not",
        "no_convergence": "No agreement or disagreement was recorded.",
        "actions_parking": "Action items and parking lot",
        "actions_heading": "Action items",
        "no_actions": "No action item was recorded.",
        "open_questions": "Open questions",
        "questions_asked": "Questions participants asked",
        "no_questions_asked": "No question was recorded.",
    },
    "fr": {
        "summary": "synthèse",
        "lead": "Synthèse de l'atelier « {title} », tenu le {date}, {start}–{end} {tz} : {rooms}, "
        "{participants}, {contributions}.",
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
        "ne reçoit rien d'elle (abstention). Les rôles à égalité de points partagent un rang. "
        "Une salle sans classement commun compte pour les classements de ses participants, "
        "combinés de la même façon ; ceux des personnes qui ont parlé en off ne sont pas "
        "comptés.",
        "no_ranking": "Aucun classement des tâches n'a été enregistré.",
        "points": "points",
        "tie": "égalité",
        "room_orders": "Classement de chaque salle",
        "own_orders": "Classements individuels des participants",
        "purpose": "Pourquoi les hubs existent : déclarations d'intention",
        "no_purpose": "Aucune déclaration d'intention n'a été enregistrée.",
        "draft": "brouillon",
        "coverage": "Couverture",
        "coverage_help": "Chaque case : combien de temps la question est restée ouverte dans "
        "cette salle (d'après le journal de la session ; sans durée si l'horloge de la salle "
        "ne l'a jamais affichée), et combien de contributions elle a reçues.",
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
        "outcomes": "Résultats",
        "organised": "Organisé par {organisers}",
        "event_page": "Page de l'événement",
        "reading_strong": "Fort soutien dans toutes les salles : {roles}.",
        "reading_split": "Avis partagés entre les salles : {roles}.",
        "reading_low": "Peu de soutien : {roles}.",
        "of_points": "{points} points sur {possible}",
        "key_takeaways": "Points clés retenus",
        "no_takeaways": "Aucune salle n'a choisi ses points clés.",
        "most_voted": "Points ayant reçu le plus de votes",
        "convergence": "Points d'accord et de désaccord",
        "no_convergence": "Aucun accord ni désaccord n'a été enregistré.",
        "actions_parking": "Actions à mener et points en suspens",
        "actions_heading": "Actions à mener",
        "no_actions": "Aucune action n'a été enregistrée.",
        "open_questions": "Questions ouvertes",
        "questions_asked": "Questions posées par les participants",
        "no_questions_asked": "Aucune question n'a été enregistrée.",
    },
}

PLURALS: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "rooms": ("{n} breakout room", "{n} breakout rooms"),
        "participants": ("{n} participant", "{n} participants"),
        "contributions": ("{n} contribution", "{n} contributions"),
        "points": ("{n} point", "{n} points"),
    },
    "fr": {
        "rooms": ("{n} salle de discussion", "{n} salles de discussion"),
        "participants": ("{n} participant", "{n} participants"),
        "contributions": ("{n} contribution", "{n} contributions"),
        "points": ("{n} point", "{n} points"),
    },
}
"""Counted words, (one, other) per language: English says one for 1 only, French for 0
and 1 (CLDR's plural rules)."""


def plural(lang: str, key: str, n: int) -> str:
    """`n` with its word in the right form, e.g. "1 breakout room", "0 point" in French."""
    forms = PLURALS.get(lang, PLURALS["en"])[key]
    one = n in (0, 1) if lang == "fr" else n == 1
    return forms[0 if one else 1].format(n=n)


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

SUMMARY_LANGUAGES = tuple(LABELS)


def summary_language(lang: str) -> str:
    """The language a summary asked for in `lang` is written in."""
    return lang if lang in LABELS else "en"
