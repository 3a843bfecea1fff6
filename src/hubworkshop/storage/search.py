"""Filters and full-text search over contributions (a trigram index: any script, substrings)."""

from __future__ import annotations

from typing import Any

from hubworkshop.domain.model import Kind
from hubworkshop.storage.rows import enum


def filters(
    *,
    room: str | None = None,
    question: str | None = None,
    kind: Kind | str | None = None,
    tag: str | None = None,
    search: str | None = None,
    after_seq: int = 0,
) -> tuple[list[str], list[Any]]:
    """WHERE clauses (on `contributions c`) and their parameters for the common filters."""
    where: list[str] = ["c.seq > ?"]
    params: list[Any] = [after_seq]
    for clause, value in (("c.room = ?", room), ("c.question = ?", question)):
        if value is not None:
            where.append(clause)
            params.append(value)
    if kind is not None:
        where.append("c.kind = ?")
        params.append(enum(Kind, kind, "kind").value)
    if tag is not None:
        where.append("c.id IN (SELECT contribution FROM contribution_tags WHERE tag = ?)")
        params.append(tag.lstrip("#"))
    if search:
        clause, search_params = search_clause(search)
        where.append(clause)
        params.extend(search_params)
    return where, params


def search_terms(search: str) -> tuple[str | None, list[str]]:
    """Every word must occur, as a substring, case-insensitively, in any script.

    Returns the trigram index's MATCH query for words of three characters or more, and LIKE
    patterns for shorter words (and CJK pairs), checked on the rows the index found.
    """
    terms = search.split()
    long_terms = [t for t in terms if len(t) >= 3]
    match = " ".join('"' + t.replace('"', '""') + '"' for t in long_terms) or None
    likes = []
    for term in (t for t in terms if len(t) < 3):
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        likes.append(f"%{escaped}%")
    return match, likes


LIKE = "c.text LIKE ? ESCAPE '\\'"


def search_clause(search: str) -> tuple[str, list[Any]]:
    match, likes = search_terms(search)
    clauses = [LIKE] * len(likes)
    params: list[Any] = list(likes)
    if match:
        clauses.insert(
            0, "c.seq IN (SELECT rowid FROM contributions_fts WHERE contributions_fts MATCH ?)"
        )
        params.insert(0, match)
    return " AND ".join(clauses) or "1", params
