"""Contributions: capture (one or 100,000 at a time), reading, search, edits and soft delete."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from hubworkshop.domain.errors import InputError, NotFoundError
from hubworkshop.domain.events import EventName
from hubworkshop.domain.i18n import _, ngettext
from hubworkshop.domain.languages import language_code
from hubworkshop.domain.model import Contribution, Kind
from hubworkshop.domain.names import name_key
from hubworkshop.domain.records import Draft
from hubworkshop.storage.base import Database
from hubworkshop.storage.catalog import Catalog
from hubworkshop.storage.participants import Participants
from hubworkshop.storage.rows import (
    CONTRIBUTION_SELECT,
    INSERT_CONTRIBUTION,
    KIND_OF,
    clean_tags,
    clean_text,
    enum,
    plain,
    read_contributions,
    read_every_contribution,
)
from hubworkshop.storage.search import LIKE, filters, search_terms
from hubworkshop.storage.sql import Db
from hubworkshop.storage.version import EVENT_UID

BULK_ROWS = 500  # from this many rows in one batch, index them for search in one go


class Contributions:
    """Contributions: capture (one or in bulk), reading, search, edits, tags."""

    def __init__(self, database: Database, catalog: Catalog, participants: Participants) -> None:
        self.database = database
        self.catalog = catalog
        self.participants = participants

    def add(self, draft: Draft, *, note_taker: str | None = None) -> Contribution:
        return self.add_many([draft], note_taker=note_taker)[0]

    def add_many(
        self, drafts: Sequence[Draft], *, note_taker: str | None = None
    ) -> list[Contribution]:
        """Store contributions in one transaction; returns them once committed."""
        return self.by_ids(self.bulk_import(drafts, note_taker=note_taker))

    def bulk_import(self, drafts: Sequence[Draft], *, note_taker: str | None = None) -> list[str]:
        """Store contributions in one transaction; returns their ids once committed.

        Everything is checked before the transaction starts, so a bad line stores nothing.
        The rows of one import share one time: the moment it was saved.
        """
        rooms = self.catalog.rooms()
        # The bank's questions are read only when a line names one (a plain `add` does not).
        questions = self.catalog.questions() if any(d.question is not None for d in drafts) else {}
        checked = []
        kinds: dict[object, str] = {}  # each kind's stored value, looked up once
        answered: dict[str, str] = {}  # each point answered, by the id or short id given
        new_id = self.database.new_id
        for draft in drafts:
            if draft.room not in rooms:
                self.catalog.room(draft.room)  # raises, naming the known rooms
            if draft.question is not None and draft.question not in questions:
                self.catalog.question(draft.question)
            kind = kinds.get(draft.kind)
            if kind is None:
                kind = kinds[draft.kind] = (
                    KIND_OF.get(draft.kind) or enum(Kind, draft.kind, "kind")
                ).value
            if draft.responds_to is not None:  # an unambiguous short id names the point too
                if draft.responds_to not in answered:
                    answered[draft.responds_to] = self.get(draft.responds_to).id
                draft = draft._replace(responds_to=answered[draft.responds_to])
            checked.append((new_id(), draft, kind, clean_text(draft.text)))
        languages = self.languages_of([(d, text) for _cid, d, _kind, text in checked])
        no_tags: tuple[str, ...] = ()
        tags = [tuple(clean_tags(d.tags)) if d.tags else no_tags for _c, d, _k, _t in checked]
        bulk = len(checked) >= BULK_ROWS
        with self.database.write() as db:
            now = self.database.clock()
            authors: dict[str, int] = {}
            # Most lines share kind, question and tags: one JSON payload for each.
            payloads: dict[tuple[str, str | None, tuple[str, ...]], str] = {}
            rows: list[tuple[Any, ...]] = []
            events: list[tuple[Any, ...]] = []
            add_row, add_event = rows.append, events.append
            added = EventName.CONTRIBUTION_ADD.value
            for (cid, draft, kind, text), row_tags, language in zip(
                checked, tags, languages, strict=True
            ):
                room, question, name = draft.room, draft.question, draft.author
                author = None
                if name:
                    if name not in authors:
                        authors[name] = self.participants.id_in(db, name, room, note_taker)
                    author = authors[name]
                add_row(
                    (cid, room, question, kind, text, language, author, int(draft.parked),
                     note_taker, now, now, draft.responds_to)
                )  # fmt: skip
                key = (kind, question, row_tags)
                payload = payloads.get(key)
                if payload is None:
                    payload = payloads[key] = json.dumps(
                        {"kind": kind, "question": question, "tags": list(row_tags)}
                    )
                add_event((now, note_taker, room, added, cid, payload))
            # executemany on the raw connection: a bulk import of 100,000 lines is one
            # statement per table, not 300,000 round trips through a wrapper.
            if bulk:
                self._insert_bulk(db, rows)
            else:
                db.conn.executemany(INSERT_CONTRIBUTION, rows)
            db.conn.executemany(
                "INSERT INTO contribution_tags (contribution, tag) VALUES (?, ?)",
                [
                    (row[0], tag)
                    for row, row_tags in zip(rows, tags, strict=True)
                    for tag in row_tags
                ],
            )
            db.conn.executemany(
                "INSERT INTO events (at, actor, room, action, subject, data, uid) "
                f"VALUES (?, ?, ?, ?, ?, ?, {EVENT_UID})",
                events,
            )
        return [row[0] for row in rows]

    def languages_of(self, drafts: Sequence[tuple[Draft, str]]) -> list[str]:
        """Each contribution's language: as given (checked: ISO 639-1; `%xx` always wins),
        else the text's own, detected among the workshop's languages and the speaker's
        registered one when the text is long enough to be sure (`detect.long_enough`), else
        the speaker's registered language, else detected anyway, else the workshop's first.
        Worked out before the write lock is taken."""
        workshop = self.catalog.workshop()
        speakers: dict[str, str] = {}
        if any(d.author and not d.language for d, _text in drafts):
            speakers = {name_key(p.name): p.language for p in self.participants.all() if p.language}
        found: list[str | None] = []
        own: dict[int, str] = {}  # the speaker's registered language, where detection may win
        codes: dict[str, str] = {}  # each language given, checked once
        for i, (draft, _text) in enumerate(drafts):
            if draft.language:
                if draft.language not in codes:
                    try:
                        codes[draft.language] = language_code(draft.language)
                    except ValueError as error:
                        raise InputError(str(error)) from None
                found.append(codes[draft.language])
                continue
            speaker = speakers.get(name_key(draft.author)) if draft.author else None
            found.append(None)
            if speaker:
                own[i] = speaker
        if own:
            from hubworkshop.domain.detect import long_enough

            for i, speaker in own.items():
                if not long_enough(drafts[i][1]):
                    found[i] = speaker  # a few words: the registration is surer
        # What is left is detected, in groups asking the same languages.
        groups: dict[tuple[str, ...], list[int]] = {}
        for i, language in enumerate(found):
            if language is None:
                candidates = workshop.languages
                speaker = own.get(i)
                if speaker and speaker.partition("-")[0] not in {
                    code.partition("-")[0] for code in candidates
                }:
                    candidates = (*candidates, speaker)
                groups.setdefault(candidates, []).append(i)
        for candidates, indexes in groups.items():
            if len(candidates) < 2:
                continue
            from hubworkshop.domain.detect import detect_language, detect_languages

            texts = [drafts[i][1] for i in indexes]
            if len(texts) == 1:
                detected = [detect_language(texts[0], candidates)]
            else:
                detected = detect_languages(texts, candidates)
            for i, language in zip(indexes, detected, strict=True):
                speaker = own.get(i)
                if language and speaker and language.partition("-")[0] == speaker.partition("-")[0]:
                    language = speaker  # the speaker's region kept: pt-BR, not pt
                found[i] = language or speaker
        return [
            language or own.get(i) or workshop.default_language for i, language in enumerate(found)
        ]

    def _insert_bulk(self, db: Db, rows: list[tuple[Any, ...]]) -> None:
        """Inside a write: insert many rows, then index them for search in one statement.

        FTS5 indexes a batch several times faster than row by row through the insert
        trigger, so the trigger steps aside for this transaction (and only for it: the
        schema change commits or rolls back with the rows).
        """
        conn = db.conn
        trigger = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'contributions_ai'"
        ).fetchone()
        before = conn.execute("SELECT coalesce(max(seq), 0) FROM contributions").fetchone()[0]
        if trigger is not None:
            conn.execute('DROP TRIGGER "contributions_ai"')
        conn.executemany(INSERT_CONTRIBUTION, rows)
        conn.execute(
            'INSERT INTO "contributions_fts" (rowid, "text") '
            "SELECT seq, text FROM contributions WHERE seq > ?",
            [before],
        )
        if trigger is not None:
            conn.execute(trigger[0])

    def find(
        self,
        *,
        room: str | None = None,
        question: str | None = None,
        kind: Kind | str | None = None,
        tag: str | None = None,
        search: str | None = None,
        include_deleted: bool = False,
        after_seq: int = 0,
        limit: int | None = None,
    ) -> list[Contribution]:
        """Contributions in the order they were captured, filtered as asked."""
        where, params = filters(
            room=room, question=question, kind=kind, tag=tag, search=search, after_seq=after_seq
        )
        if not include_deleted:
            where.append("c.deleted_at IS NULL")
        sql = f"{CONTRIBUTION_SELECT} WHERE {' AND '.join(where)} ORDER BY c.seq"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        with self.database.read() as db:
            return read_contributions(db, sql, params)

    def every(self) -> list[Contribution]:
        """What `contributions()` returns with no filter, read the fastest way for reports."""
        with self.database.read() as db:
            return read_every_contribution(db)

    def by_ids(self, ids: Iterable[str]) -> list[Contribution]:
        ids = list(ids)
        rows: dict[str, Contribution] = {}
        with self.database.read() as db:
            for start in range(0, len(ids), 5000):  # SQLite caps the number of parameters
                chunk = ids[start : start + 5000]
                marks = ", ".join("?" for _ in chunk)
                sql = f"{CONTRIBUTION_SELECT} WHERE c.id IN ({marks})"
                rows.update((c.id, c) for c in read_contributions(db, sql, chunk))
        return [rows[i] for i in ids if i in rows]

    def get(self, contribution_id: str) -> Contribution:
        """One contribution by its id, or by an unambiguous prefix of it (the short id)."""
        with self.database.read() as db:
            rows = read_contributions(
                db,
                f"{CONTRIBUTION_SELECT} WHERE c.id = ? OR c.id LIKE ? LIMIT 2",
                [contribution_id, contribution_id.replace("%", "").replace("_", "") + "%"],
            )
        exact = [c for c in rows if c.id == contribution_id]
        if exact or len(rows) == 1:
            return (exact or rows)[0]
        if rows:
            raise NotFoundError(
                _("contribution id '{contribution_id}' is ambiguous").format(
                    contribution_id=contribution_id
                )
            )
        raise NotFoundError(
            _("unknown contribution '{contribution_id}'").format(contribution_id=contribution_id)
        )

    def count(self, *, room: str | None = None) -> int:
        sql = "SELECT count(*) FROM contributions WHERE deleted_at IS NULL"
        params: list[Any] = []
        if room is not None:
            sql += " AND room = ?"
            params.append(room)
        with self.database.read() as db:
            return int(db.execute(sql, params).fetchone()[0])

    def update(
        self,
        contribution_id: str,
        *,
        text: str | None = None,
        kind: Kind | str | None = None,
        question: str | None = None,
        starred: bool | None = None,
        parked: bool | None = None,
        author: str | None = None,
        actor: str | None = None,
    ) -> Contribution:
        """Change a contribution; the event log keeps what it was before.

        `author` is a participant name (added as anonymous if new); "" removes the author.
        """
        current = self.get(contribution_id)
        changes: dict[str, Any] = {}
        if text is not None and clean_text(text) != current.text:
            changes["text"] = clean_text(text)
        if kind is not None and enum(Kind, kind, "kind") != current.kind:
            changes["kind"] = enum(Kind, kind, "kind").value
        if question is not None and question != current.question:
            self.catalog.question(question)
            changes["question"] = question
        if starred is not None and starred != current.starred:
            changes["starred"] = int(starred)
        if parked is not None and parked != current.parked:
            changes["parked"] = int(parked)
        new_author = author is not None and (author or None) != current.author
        if not changes and not new_author:
            return current
        before = {key: plain(getattr(current, key)) for key in changes}
        with self.database.write() as db:
            if new_author:
                pid = self.participants.id_in(db, author, current.room, actor) if author else None
                if pid != current.author_id:
                    changes["author"] = pid
                    before["author"] = current.author_id
            if not changes:
                return current
            db.update(
                "contributions",
                "seq",
                current.seq,
                {**changes, "updated_at": self.database.clock()},
            )
            self.database.log(
                EventName.CONTRIBUTION_EDIT,
                subject=current.id,
                room=current.room,
                actor=actor,
                data={"before": before, "after": changes},
            )
        return self.get(current.id)

    def delete(self, contribution_id: str, *, actor: str | None = None) -> None:
        """Soft delete: the row stays (and can be restored); lists and exports skip it."""
        with self.database.write() as db:
            current = self.get(contribution_id)
            if current.merged_count:
                # Its merged points would vanish with it: they must stand alone first.
                raise InputError(
                    ngettext(
                        "{id} has {n} point merged into it: split it (M) before deleting it",
                        "{id} has {n} points merged into it: split it (M) before deleting it",
                        current.merged_count,
                    ).format(
                        id=current.short_id,
                        n=current.merged_count,
                    )
                )
            now = self.database.clock()
            db.execute(
                "UPDATE contributions SET deleted_at = ?, updated_at = ? "
                "WHERE id = ? AND deleted_at IS NULL",
                [now, now, current.id],
            )
            self.database.log(
                EventName.CONTRIBUTION_DELETE, subject=current.id, room=current.room, actor=actor
            )
            self._log_group_changed(current, actor)

    def restore(self, contribution_id: str, *, actor: str | None = None) -> None:
        with self.database.write() as db:
            current = self.get(contribution_id)
            if current.merged_into and self.get(current.merged_into).deleted_at:
                # The point it was merged into is deleted: it comes back standing alone.
                current = current._replace(merged_into=None)
            db.execute(
                "UPDATE contributions SET deleted_at = NULL, merged_into = ?, updated_at = ? "
                "WHERE id = ?",
                [current.merged_into, self.database.clock(), current.id],
            )
            self.database.log(
                EventName.CONTRIBUTION_RESTORE, subject=current.id, room=current.room, actor=actor
            )
            self._log_group_changed(current, actor)

    def _log_group_changed(self, member: Contribution, actor: str | None) -> None:
        """A point merged into another was deleted or restored: the other's ⊕ count changed,
        so every screen reads it again."""
        if member.merged_into:
            self.database.log(
                EventName.CONTRIBUTION_EDIT,
                subject=member.merged_into,
                room=member.room,
                actor=actor,
                data={"member": member.id},
            )

    def set_tags(
        self, contribution_id: str, tags: Iterable[str], *, actor: str | None = None
    ) -> Contribution:
        current = self.get(contribution_id)
        tags = clean_tags(tags)
        if sorted(tags) == sorted(current.tags):
            return current  # nothing changes, and nothing is logged
        with self.database.write() as db:
            db.execute("DELETE FROM contribution_tags WHERE contribution = ?", [current.id])
            db.insert_all(
                "contribution_tags",
                [{"contribution": current.id, "tag": t} for t in tags],
            )
            now = self.database.clock()
            db.execute(
                "UPDATE contributions SET updated_at = ?, changed = json_set(changed, '$.tags', ?) "
                "WHERE id = ?",
                [now, now, current.id],
            )
            self.database.log(
                EventName.CONTRIBUTION_TAG,
                subject=current.id,
                room=current.room,
                actor=actor,
                data={"before": list(current.tags), "after": tags},
            )
        return self.get(current.id)

    def seqs(
        self,
        *,
        room: str | None = None,
        question: str | None = None,
        kind: Kind | str | None = None,
        tag: str | None = None,
        search: str | None = None,
    ) -> list[int]:
        """The seqs of matching points, oldest first: cheap even for 100,000 rows.

        Contributions merged into another point are not points of their own.
        """
        where, params = filters(room=room, question=question, kind=kind, tag=tag)
        where += ["c.deleted_at IS NULL", "c.merged_into IS NULL"]
        match, likes = search_terms(search) if search else (None, [])
        where += [LIKE] * len(likes)
        params += likes
        source = "contributions c"
        if match:
            # Walk the index's matches and fetch each row by its key, rather than walk the
            # room's rows and probe the list of matches: 52 -> 40 ms for two common words
            # matching a third of 100,000 rows. CROSS JOIN is how SQLite is told the order.
            # Within a room, each match is looked up in the room's index of live points
            # rather than in the table: p99 48-52 -> 42-43 ms for 100,000 rows.
            live = " INDEXED BY contributions_live" if room is not None else ""
            source = f"contributions_fts f CROSS JOIN contributions c{live} ON c.seq = f.rowid"
            where.insert(0, "f.contributions_fts MATCH ?")
            params.insert(0, match)
        sql = f"SELECT c.seq FROM {source} WHERE {' AND '.join(where)} ORDER BY c.seq"
        with self.database.read() as db:
            return [row[0] for row in db.execute(sql, params)]

    def by_seqs(self, seqs: Sequence[int]) -> dict[int, Contribution]:
        if not seqs:
            return {}
        marks = ", ".join("?" for _ in seqs)
        with self.database.read() as db:
            sql = f"{CONTRIBUTION_SELECT} WHERE c.seq IN ({marks})"
            return {c.seq: c for c in read_contributions(db, sql, list(seqs))}

    def tags(self, *, room: str | None = None) -> list[str]:
        """Every tag of the workshop, for completion and the tag filter in every room: rooms
        share one vocabulary, which the theme summaries need. (Read from the tag index in a
        few milliseconds; the tags of one room, asked for only by the tag dialog, took 130 ms
        to join in a room of 100,000.)"""
        with self.database.read() as db:
            if room is None:
                sql = "SELECT DISTINCT tag FROM contribution_tags ORDER BY tag"
                return [row[0] for row in db.execute(sql)]
            sql = (
                "SELECT DISTINCT t.tag FROM contribution_tags t JOIN contributions c "
                "ON c.id = t.contribution WHERE c.room = ? AND c.deleted_at IS NULL ORDER BY t.tag"
            )
            return [row[0] for row in db.execute(sql, [room])]
