"""The workshop plan: a TOML file with the event, its agenda and its breakout rooms.

The plan names its question bank by a path relative to the plan file, and its rooms name
questions by bank id. See README, "Writing a workshop plan".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hubworkshop.domain.errors import Problem, SourceError
from hubworkshop.domain.i18n import N_, _
from hubworkshop.domain.languages import is_language
from hubworkshop.domain.model import (
    Activity,
    Bank,
    Phase,
    Plan,
    Room,
    add_minutes,
    minutes_between,
)
from hubworkshop.sources.bank import ID_PATTERN, load_bank
from hubworkshop.sources.files import UnreadableFile, read_source

_WORKSHOP_KEYS = {
    "id": str,
    "title": str,
    "date": dt.date,
    "start": dt.time,
    "end": dt.time,
    "timezone": str,
    "languages": list,
    "bank": str,
    "note": str,
    "dots": int,
    "url": str,
    "organisers": str,
}
_WORKSHOP_REQUIRED = ("id", "title", "date", "start", "end", "bank")
_PHASE_KEYS = {
    "id": str,
    "title": str,
    "part": str,
    "minutes": int,
    "start": dt.time,
    "activity": str,
    "questions": list,
}
_ROOM_KEYS = {"id": str, "name": str, "questions": list, "language": str}
_TYPE_NAMES = {
    str: N_('a "string"'),
    int: N_("a whole number"),
    list: N_("a list [ ... ]"),
    dt.date: N_("a date like 2021-11-27"),
    dt.time: N_("a time like 13:00:00"),
}
_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")


class _Lines:
    """Finds the line of a table, key or string value in a TOML file.

    tomllib keeps no positions, so this reads the text once more, line by line. It only
    needs to be right for the plain layouts a plan uses; where it cannot tell, it points
    at the enclosing table.
    """

    _HEADER = re.compile(r"\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?")
    _KEY = re.compile(r"\s*([A-Za-z0-9_-]+)\s*=")

    def __init__(self, text: str):
        # (table, index) -> header line; (table, index, key) -> (first line, last line)
        self.tables: dict[tuple[str, int], int] = {}
        self.keys: dict[tuple[str, int, str], tuple[int, int]] = {}
        self.lines = text.splitlines()
        counts: dict[str, int] = {}
        table, index = "", 0
        current: tuple[str, int, str] | None = None
        for number, line in enumerate(self.lines, start=1):
            header = self._HEADER.match(line)
            key = self._KEY.match(line)
            if header:
                table = header[2]
                index = counts.get(table, 0)
                if header[1] == "[[":
                    counts[table] = index + 1
                self.tables[(table, index)] = number
                current = None
            elif key:
                current = (table, index, key[1])
                self.keys[current] = (number, number)
            elif current and line.strip() and not line.lstrip().startswith("#"):
                first, _ = self.keys[current]
                self.keys[current] = (first, number)

    def of(
        self, table: str, index: int = 0, key: str | None = None, value: str | None = None
    ) -> int:
        if key is not None and (table, index, key) in self.keys:
            first, last = self.keys[(table, index, key)]
            if value is not None:
                quoted = (f'"{value}"', f"'{value}'")
                for number in range(first, last + 1):
                    if any(q in self.lines[number - 1] for q in quoted):
                        return number
            return first
        return self.tables.get((table, index), 1)


@dataclass
class _Checker:
    path: Path
    lines: _Lines
    problems: list[Problem]

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def table(
        self, data: Any, name: str, index: int, schema: Mapping[str, type], label: str
    ) -> dict[str, Any]:
        """Keep the known keys of a table that have the right type; report the others."""
        where = self.lines.of(name, index)
        if not isinstance(data, dict):
            self.error(where, _("{label} must be a table").format(label=label))
            return {}
        result: dict[str, Any] = {}
        for key, value in data.items():
            line = self.lines.of(name, index, key)
            expected = schema.get(key)
            if expected is None:
                known = ", ".join(schema)
                self.error(
                    line,
                    _("unknown field '{key}' in {label} (known: {known})").format(
                        key=key, label=label, known=known
                    ),
                )
            elif not _has_type(value, expected):
                self.error(
                    line,
                    _("{label}: '{key}' must be {TYPE_NAMES}").format(
                        label=label, key=key, TYPE_NAMES=_(_TYPE_NAMES[expected])
                    ),
                )
            else:
                result[key] = value
        return result


def _has_type(value: Any, expected: type) -> bool:
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is dt.date:
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if expected is dt.time:
        return isinstance(value, dt.time)
    return isinstance(value, expected)


MAX_DOTS = 100
"""More dots than this per person is not dot-voting any more."""
MAX_MINUTES = 24 * 60
"""A phase lasts at most a day."""


def is_timezone(name: str) -> bool:
    """Whether `name` is a time zone the machine's IANA database knows."""
    if name == "UTC":
        return True
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def load_plan(path: Path) -> tuple[Plan | None, list[Problem]]:
    """Read and check a plan and the bank it names; returns the plan (or None) and problems."""
    path = Path(path)
    problems: list[Problem] = []
    try:
        raw = read_source(path)
    except UnreadableFile as problem:
        return None, [Problem(path, None, str(problem))]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem(path, line, _("not UTF-8 text"))]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _TOML_POSITION.search(message)
        at: int | None = getattr(error, "lineno", None) or (int(found[1]) if found else None)
        message = _TOML_POSITION.sub("", message).strip()
        return None, [Problem(path, at, _("TOML syntax error: {message}").format(message=message))]

    check = _Checker(path, _Lines(text), problems)
    for key in data:
        if key not in ("workshop", "agenda", "room"):
            check.error(
                check.lines.of(key),
                _("unknown table '{key}' (a plan has [workshop], [[agenda]] and [[room]])").format(
                    key=key
                ),
            )
    workshop = check.table(data.get("workshop", {}), "workshop", 0, _WORKSHOP_KEYS, "[workshop]")
    if "workshop" not in data:
        check.error(1, _("missing the [workshop] table"))
    for key in _WORKSHOP_REQUIRED:
        if key not in workshop and "workshop" in data and key not in data["workshop"]:
            check.error(
                check.lines.of("workshop"), _("[workshop] is missing '{key}'").format(key=key)
            )

    bank = None
    if "bank" in workshop:
        bank_dir = (path.parent / workshop["bank"]).resolve()
        bank, bank_problems = load_bank(bank_dir)
        problems.extend(bank_problems)
        if bank is None:
            check.error(
                check.lines.of("workshop", 0, "bank"),
                _("the question bank at {bank} has errors (listed above)").format(
                    bank=workshop["bank"]
                ),
            )

    languages = tuple(workshop.get("languages", bank.languages if bank else ("en",)))
    if not languages:
        check.error(
            check.lines.of("workshop", 0, "languages"),
            _("'languages' lists no language (the first is the workshop's own)"),
        )
    if len(set(map(str, languages))) < len(languages):
        check.error(check.lines.of("workshop", 0, "languages"), _("'languages' lists one twice"))
    for code in languages:
        line = check.lines.of("workshop", 0, "languages", str(code))
        if not isinstance(code, str) or not is_language(code):
            check.error(
                line, _("unknown language '{code}' (use ISO 639-1 codes)").format(code=code)
            )
        elif bank and code not in bank.languages:
            check.error(
                line,
                _("language '{code}' is not in the question bank's languages").format(code=code),
            )
    dots = workshop.get("dots", 3)
    if not 1 <= dots <= MAX_DOTS:
        check.error(
            check.lines.of("workshop", 0, "dots"),
            _("'dots' must be between 1 and {MAX_DOTS}, not {dots}").format(
                MAX_DOTS=MAX_DOTS, dots=dots
            ),
        )
        dots = 3
    timezone = workshop.get("timezone", "UTC")
    if "timezone" in workshop and not is_timezone(timezone):
        check.error(
            check.lines.of("workshop", 0, "timezone"),
            _(
                "unknown time zone '{timezone}' (use an IANA name such as 'UTC' or 'Europe/Paris')"
            ).format(timezone=timezone),
        )
    if "start" in workshop and "end" in workshop and workshop["end"] <= workshop["start"]:
        check.error(check.lines.of("workshop", 0, "end"), _("the workshop ends before it starts"))

    phases = _phases(check, data.get("agenda", []), workshop, bank)
    rooms = _rooms(check, data.get("room", []), bank, languages)

    if any(p.severity == "error" for p in problems) or bank is None:
        return None, problems
    plan = Plan(
        id=workshop["id"],
        title=workshop["title"],
        date=workshop["date"],
        start=workshop["start"],
        end=workshop["end"],
        timezone=timezone,
        languages=languages,
        note=workshop.get("note", ""),
        dots=dots,
        phases=tuple(phases),
        rooms=tuple(rooms),
        bank=bank,
        url=workshop.get("url", ""),
        organisers=workshop.get("organisers", ""),
        source=str(path.resolve()),
        fingerprint=hashlib.sha256(raw).hexdigest(),
    )
    return plan, problems


def _claim_id(
    check: _Checker,
    entry: dict[str, Any],
    table: str,
    index: int,
    label: str,
    seen: set[str],
    kind: str,
) -> str:
    """The `id` of an [[agenda]] or [[room]] entry: well formed and not used before."""
    value = str(entry.get("id", ""))
    if not value or not ID_PATTERN.fullmatch(value):
        check.error(
            check.lines.of(table, index),
            _("{label} needs an 'id' of lower-case letters, digits and '-'").format(label=label),
        )
    elif value in seen:
        check.error(
            check.lines.of(table, index, "id"),
            _("duplicate {kind} id '{value}'").format(kind=kind, value=value),
        )
    seen.add(value)
    return value


def _phases(
    check: _Checker, agenda: Any, workshop: dict[str, Any], bank: Bank | None = None
) -> list[Phase]:
    if not isinstance(agenda, list) or not agenda:
        check.error(1, _("the plan has no [[agenda]] phases"))
        return []
    phases: list[Phase] = []
    seen: set[str] = set()
    clock: dt.time | None = workshop.get("start")
    previous: Phase | None = None
    for index, raw in enumerate(agenda):
        label = f"[[agenda]] #{index + 1}"
        entry = check.table(raw, "agenda", index, _PHASE_KEYS, label)
        where = check.lines.of("agenda", index)
        phase_id = _claim_id(check, entry, "agenda", index, label, seen, "phase")
        label = _("phase '{id}'").format(id=phase_id or index + 1)
        if not entry.get("title"):
            check.error(where, _("{label} needs a 'title'").format(label=label))
        try:
            activity = Activity(entry.get("activity", "plenary"))
        except ValueError:
            known = ", ".join(a.value for a in Activity)
            check.error(
                check.lines.of("agenda", index, "activity"),
                _("{label}: unknown activity '{activity}' (known: {known})").format(
                    label=label, activity=entry["activity"], known=known
                ),
            )
            activity = Activity.PLENARY
        minutes = entry.get("minutes")
        if minutes is None:
            check.error(where, _("{label} needs 'minutes'").format(label=label))
            minutes = 0
        elif not 0 < minutes <= MAX_MINUTES:
            check.error(
                check.lines.of("agenda", index, "minutes"),
                _("{label}: 'minutes' must be between 1 and {MAX_MINUTES}, not {minutes}").format(
                    label=label, MAX_MINUTES=MAX_MINUTES, minutes=minutes
                ),
            )
            minutes = 0
        start = entry.get("start", clock)
        if start is None:
            continue
        if clock is not None and start < clock and previous is not None:
            check.error(
                check.lines.of("agenda", index, "start"),
                _(
                    "{label} starts at {start:%H:%M}, overlapping phase '{id}' (until {clock:%H:%M})"
                ).format(label=label, start=start, id=previous.id, clock=clock),
            )
        elif "start" in workshop and start < workshop["start"]:
            check.error(
                check.lines.of("agenda", index, "start"),
                _("{label} starts at {start:%H:%M}, before the workshop ({workshop:%H:%M})").format(
                    label=label, start=start, workshop=workshop["start"]
                ),
            )
        questions = [str(q) for q in entry.get("questions", [])]
        for qid in questions:
            if bank is not None and qid not in bank.questions:
                check.error(
                    check.lines.of("agenda", index, "questions", qid),
                    _("{label}: unknown question id '{qid}'").format(label=label, qid=qid),
                )
        phase = Phase(
            id=phase_id,
            title=entry.get("title", ""),
            activity=activity,
            start=start,
            minutes=max(minutes, 0),
            part=entry.get("part", ""),
            questions=tuple(questions),
        )
        end = workshop.get("end")
        if end is not None and minutes > 0 and minutes_between(start, end) < minutes:
            check.error(
                check.lines.of("agenda", index, "minutes"),
                _(
                    "{label} runs until {until:%H:%M}, past the end of the workshop ({end:%H:%M})"
                ).format(label=label, until=add_minutes(start, minutes), end=end),
            )
        phases.append(phase)
        previous = phase
        clock = phase.end
    return phases


def _rooms(
    check: _Checker, rooms: Any, bank: Bank | None, languages: tuple[str, ...]
) -> list[Room]:
    if not isinstance(rooms, list) or not rooms:
        check.error(1, _("the plan has no [[room]] tables"))
        return []
    result: list[Room] = []
    seen: set[str] = set()
    known = bank.questions if bank else None
    for index, raw in enumerate(rooms):
        label = f"[[room]] #{index + 1}"
        entry = check.table(raw, "room", index, _ROOM_KEYS, label)
        where = check.lines.of("room", index)
        room_id = _claim_id(check, entry, "room", index, label, seen, "room")
        label = _("room '{id}'").format(id=room_id or index + 1)
        questions = entry.get("questions", [])
        if not questions:
            check.error(where, _("{label} has no questions").format(label=label))
        for qid in questions:
            line = check.lines.of("room", index, "questions", str(qid))
            if not isinstance(qid, str):
                check.error(
                    line,
                    _("{label}: question ids are strings, not {qid!r}").format(
                        label=label, qid=qid
                    ),
                )
            elif known is not None and qid not in known:
                check.error(
                    line, _("{label}: unknown question id '{qid}'").format(label=label, qid=qid)
                )
        if len(set(map(str, questions))) != len(questions):
            check.error(
                check.lines.of("room", index, "questions"),
                _("{label} lists a question twice").format(label=label),
            )
        language = entry.get("language", "")
        if language and language not in languages:
            check.error(
                check.lines.of("room", index, "language"),
                _("{label}: language '{code}' is not one of the workshop's ({known})").format(
                    label=label, code=language, known=", ".join(map(str, languages))
                ),
            )
        result.append(
            Room(
                id=room_id,
                name=entry.get("name") or room_id,
                questions=tuple(map(str, questions)),
                language=language,
            )
        )
    return result


def read_plan(path: Path) -> Plan:
    """Read a plan or raise SourceError listing every error with its file and line."""
    plan, problems = load_plan(path)
    if plan is None:
        raise SourceError(problems)
    return plan
