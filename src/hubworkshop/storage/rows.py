"""Rows to domain records, and the checks a value passes before it is stored."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Any, TypeVar

from hubworkshop.domain.errors import InputError
from hubworkshop.domain.i18n import _
from hubworkshop.domain.model import Consent, Contribution, Kind, LocalText, Participant
from hubworkshop.domain.names import clean_name as normalized_name
from hubworkshop.storage.sql import Db

INSERT_CONTRIBUTION = """
INSERT INTO contributions
    (id, room, question, kind, text, language, author, parked, note_taker, created_at, updated_at,
     responds_to, phase)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT phase FROM room_state WHERE room = ?2))
"""

CONTRIBUTION_SELECT = """
SELECT c.id, c.seq, c.room, c.question, c.kind, c.text, c.language, c.author,
    p.name, p.consent, c.note_taker, c.created_at, c.updated_at, c.deleted_at,
    c.parked, c.starred,
    (SELECT group_concat(tag, ' ') FROM
        (SELECT tag FROM contribution_tags t WHERE t.contribution = c.id ORDER BY tag)),
    (SELECT coalesce(sum(dots), 0) FROM votes v WHERE v.contribution = c.id),
    c.merged_into,
    (SELECT count(*) FROM contributions m WHERE m.merged_into = c.id AND m.deleted_at IS NULL),
    c.cluster, c.owner, c.due, c.phase, c.responds_to
FROM contributions c LEFT JOIN participants p ON p.id = c.author
"""
KIND_OF = {kind.value: kind for kind in Kind}
CONSENT_OF = {consent.value: consent for consent in Consent} | {None: None}


def read_contributions(db: Db, sql: str, params: Sequence[Any] = ()) -> list[Contribution]:
    """Rows of `CONTRIBUTION_SELECT` as contributions: by position, since a 100,000-row
    export spends more time building dicts than SQLite spends finding the rows. The select
    lists the columns in the order of Contribution's fields."""
    contributions = []
    for row in db.execute(sql, params):
        fields = list(row)
        fields[_KIND] = KIND_OF[fields[_KIND]]
        fields[_CONSENT] = CONSENT_OF[fields[_CONSENT]]
        fields[_PARKED] = bool(fields[_PARKED])
        fields[_STARRED] = bool(fields[_STARRED])
        tags = fields[_TAGS]  # space-joined: a tag is one word
        fields[_TAGS] = tuple(tags.split(" ")) if tags else ()
        contributions.append(Contribution._make(fields))
    return contributions


EVERY_CONTRIBUTION = """
SELECT c.id, c.seq, c.room, c.question, c.kind, c.text, c.language, c.author,
    p.name, p.consent, c.note_taker, c.created_at, c.updated_at, c.deleted_at,
    c.parked, c.starred, NULL, 0, c.merged_into, 0, c.cluster, c.owner, c.due,
    c.phase, c.responds_to
FROM contributions c LEFT JOIN participants p ON p.id = c.author
WHERE c.deleted_at IS NULL ORDER BY c.seq
"""


def read_every_contribution(db: Db) -> list[Contribution]:
    """Every contribution not deleted, as `read_contributions` would read them, for reports:
    tags, dots and merged counts come from one grouped query each instead of three
    subqueries per row (a third of a 100,000-contribution export's reading)."""
    tags: dict[str, list[str]] = {}
    for contribution, tag in db.execute(
        "SELECT contribution, tag FROM contribution_tags ORDER BY contribution, tag"
    ):
        tags.setdefault(contribution, []).append(tag)
    votes = dict(
        db.execute("SELECT contribution, sum(dots) FROM votes GROUP BY contribution").fetchall()
    )
    merged = dict(
        db.execute(
            "SELECT merged_into, count(*) FROM contributions "
            "WHERE merged_into IS NOT NULL AND deleted_at IS NULL GROUP BY merged_into"
        ).fetchall()
    )
    contributions = []
    for row in db.execute(EVERY_CONTRIBUTION):
        fields = list(row)
        cid = fields[0]
        fields[_KIND] = KIND_OF[fields[_KIND]]
        fields[_CONSENT] = CONSENT_OF[fields[_CONSENT]]
        fields[_PARKED] = bool(fields[_PARKED])
        fields[_STARRED] = bool(fields[_STARRED])
        fields[_TAGS] = tuple(tags.get(cid, ()))
        fields[_VOTES] = votes.get(cid, 0)
        fields[_MERGED_COUNT] = merged.get(cid, 0)
        contributions.append(Contribution._make(fields))
    return contributions


_KIND, _CONSENT, _PARKED, _STARRED, _TAGS, _VOTES, _MERGED_COUNT = (
    Contribution._fields.index(name)
    for name in ("kind", "consent", "parked", "starred", "tags", "votes", "merged_count")
)


def participant(row: dict[str, Any]) -> Participant:
    return Participant(
        id=row["id"],
        name=row["name"],
        consent=Consent(row["consent"]),
        language=row["language"],
        room=row["room"],
    )


def clean_text(text: str) -> str:
    """Contribution text is kept exactly as typed, but must be non-blank, encodable text."""
    if not isinstance(text, str) or not text.strip():
        raise InputError(_("a contribution needs some text"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(_("the text holds invalid characters (unpaired surrogates)")) from None
    return text


def clean_name(name: str) -> str:
    """A participant's name as stored (`domain/names.py`), or an InputError."""
    name = normalized_name(name)
    if not name:
        raise InputError(_("a participant needs a name"))
    clean_text(name)
    return name


def clean_tags(tags: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags:
        tag = str(tag).strip().lstrip("#")
        if not tag:
            continue
        if any(ch.isspace() or ord(ch) < 32 for ch in tag):
            raise InputError(_("a tag is one word: {tag!r}").format(tag=tag))
        clean_text(tag)
        if tag not in cleaned:
            cleaned.append(tag)
    return sorted(cleaned)


E = TypeVar("E", bound=Enum)


def enum(enum_type: type[E], value: object, what: str) -> E:
    """`value` as a member of `enum_type`, or an InputError listing the known values."""
    try:
        return enum_type(value)
    except ValueError:
        known = ", ".join(str(member.value) for member in enum_type)
        raise InputError(
            _("unknown {what} '{value}' (one of: {known})").format(
                what=what, value=value, known=known
            )
        ) from None


def plain(value: object) -> object:
    """An enum member as the value stored for it."""
    return value.value if isinstance(value, Kind | Consent) else value


def dumps(text: LocalText) -> str:
    return json.dumps(text.as_dict(), ensure_ascii=False)


def first(rows: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    return next(iter(rows), None)
