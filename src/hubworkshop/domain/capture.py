"""Quick-capture syntax: what a note-taker types in the capture bar.

    ? question   ! concern   + proposal   = agreement   ~ disagreement   > action

as the first character sets the kind (an idea otherwise; a leading backslash keeps the
character as text). `@Name` anywhere (at the start of a word) names who said it, matching the
longest known participant name, so `@Amina Diallo` works when that participant exists.
`#tag` tags it. `%fr` (an ISO 639-1 code, at the start of a word) says which language it
was said in, when that is neither the speaker's registered language nor what detection would
find. `^3f2a9c1e` (a point's id or short id) names the point an agreement or disagreement
answers; the room types it for you when `=` or `~` is typed with a point selected in the list.
The markers are removed from the stored text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from hubworkshop.domain.languages import language_code
from hubworkshop.domain.model import Kind
from hubworkshop.domain.names import meant, name_key

PREFIX_KINDS: dict[str, Kind] = {
    "?": Kind.QUESTION,
    "!": Kind.CONCERN,
    "+": Kind.PROPOSAL,
    "=": Kind.AGREEMENT,
    "~": Kind.DISAGREEMENT,
    ">": Kind.ACTION,
}
KIND_PREFIXES: dict[Kind, str] = {kind: prefix for prefix, kind in PREFIX_KINDS.items()}

_TAG = re.compile(r"(?<!\S)#([^\W\d_][\w-]*)")
_MENTION = re.compile(r"(?<!\S)@(\S+)")
_LANGUAGE = re.compile(r"(?<!\S)%([A-Za-z]{2}(?:[-_][A-Za-z]{2})?)(?!\S)")
_ANSWERS = re.compile(r"(?<!\S)\^([0-9a-fA-F][0-9a-fA-F-]{3,35})(?=[.,;:!?]?(?!\S))")
_TRAILING_PUNCTUATION = ".,;:!?\"'"


class Capture(NamedTuple):
    text: str
    kind: Kind = Kind.IDEA
    author: str | None = None
    tags: tuple[str, ...] = ()
    language: str | None = None
    responds_to: str | None = None
    """The id (or short id) of the point this line answers (`^id`)."""


def parse_capture(
    raw: str, known_names: Iterable[str] = (), room_names: Iterable[str] = ()
) -> Capture:
    """Split what was typed into kind, author, tags and the text to store. `room_names`:
    the room's own people, whom an `@name` that could mean two people prefers."""
    text = raw.strip()
    kind = Kind.IDEA
    if text.startswith("\\"):
        text = text[1:]
    elif text[:1] in PREFIX_KINDS:
        kind = PREFIX_KINDS[text[0]]
        text = text[1:].lstrip()

    spans: list[tuple[int, int]] = []
    author: str | None = None
    names = sorted({n for n in known_names if n}, key=len, reverse=True)
    room = frozenset(room_names)
    for match in _MENTION.finditer(text):
        start = match.start()
        end, author = _mentioned(text, start + 1, names, match[1], room)
        if author and start == 0 and text[end : end + 1] in (":", ","):
            end += 1  # "@Kwame: we should..." -> "we should..."
        if author:
            spans.append((start, end))
            break

    tags: list[str] = []
    for match in _TAG.finditer(text):
        if any(s <= match.start() < e for s, e in spans):
            continue
        tag = match[1]
        if tag not in tags:
            tags.append(tag)
        spans.append((match.start(), match.start() + 1 + len(tag)))

    language: str | None = None
    for match in _LANGUAGE.finditer(text):
        if any(s <= match.start() < e for s, e in spans):
            continue
        try:
            language = language_code(match[1])
        except ValueError:
            continue  # "%xy" that is no language stays text
        spans.append(match.span())
        break

    responds_to: str | None = None
    for match in _ANSWERS.finditer(text):
        if not any(s <= match.start() < e for s, e in spans):
            responds_to = match[1]
            spans.append((match.start(), match.end()))
            break

    return Capture(_remove(text, spans), kind, author, tuple(tags), language, responds_to)


def _mentioned(
    text: str, at: int, names: list[str], token: str, room: frozenset[str] = frozenset()
) -> tuple[int, str | None]:
    """The end of a mention starting at `at` and the name it stands for: a known name as
    it is spelled (case, accents composed or not), else the person the words typed fit best
    (accents left out, given names in another order, the beginning of a name: `@Ami` for
    Amina Diallo; `names.meant`), else the typed word, a new name."""
    exact: tuple[int, str] | None = None
    for name in names:  # the longest first
        key = name_key(name)
        # Slices of the original text, which stays as typed: a decomposed accent makes the
        # typed name longer than the known one.
        for end in range(at + len(name), min(len(text), at + 2 * len(name)) + 1):
            if name_key(text[at:end]) == key and (end == len(text) or not _is_name_char(text[end])):
                exact = (end, name)
                break
        if exact:
            break
    words = list(_WORD.finditer(text, at))[:_MAX_NAME_WORDS]
    # Only the words right after the @, one space apart.
    for i in range(1, len(words)):
        if words[i].start() != words[i - 1].end() + 1:
            del words[i:]
            break
    found = meant([w[0] for w in words], names, room)
    if found is not None:
        name, used = found
        last = words[used - 1]
        end = last.start() + len(last[0].rstrip(_TRAILING_PUNCTUATION))
        if exact is None or end > exact[0]:  # `@maria jose` is María José, not Maria
            return end, name
    if exact is not None:
        return exact
    return _new_name(text, at, token, words)


_QUOTES = {'"': '"', "\u201c": "\u201d", "\u00ab": "\u00bb", "\u201e": "\u201c", "'": "'"}
_PARTICLES = frozenset(
    [
        "al",
        "bin",
        "bint",
        "da",
        "das",
        "de",
        "del",
        "della",
        "der",
        "di",
        "do",
        "dos",
        "du",
        "el",
        "ibn",
        "la",
        "le",
        "van",
        "von",
        "y",
        "zu",
    ]
)
_MARKER = re.compile(r"[#%^]\S")


def _new_name(text: str, at: int, token: str, words: list[re.Match[str]]) -> tuple[int, str | None]:
    """A name on no one: `@"Ana María Pérez"` (in any quotes) as quoted; else the word typed,
    and the capitalised words after it (with particles: de, van, bin...) when they run to the
    end of the line or to its markers only, or end in the `:` of a line that starts with the
    name: `... @José Ñandú #funding`, `@José Ñandú: hubs first`. A word in capitals (an
    acronym: `@Lena WMF`) or "I" ends the name, as punctuation after a word does (`@Ana: Yes`).
    Words of a script without capitals, or a name in the middle of a sentence, need the
    quotes."""
    close = _QUOTES.get(text[at : at + 1])
    if close is not None:
        end = text.find(close, at + 1)
        quoted = " ".join(text[at + 1 : end].split()) if end > 0 else ""
        if quoted:
            return end + 1, quoted
    typed = token.rstrip(_TRAILING_PUNCTUATION)
    if close is not None:  # a quote never closed: the word after it
        at, typed = at + 1, typed[1:]
    if not typed:
        return at, None
    if typed != token.lstrip("".join(_QUOTES)):  # `@Ana: yes`, `@Ana, Kwame`: the name ends
        return at + len(typed), typed
    taken = 1
    for i, word in enumerate(words[1:_MAX_NEW_NAME_WORDS], start=1):
        first = word[0][:1]
        bare = word[0].rstrip(_TRAILING_PUNCTUATION)
        if bare == "I" or (len(bare) > 1 and bare.isupper()):  # "ASAP", "WMF", "I": no names
            break
        if first.isupper() or word[0].casefold() in _PARTICLES:
            taken = i + 1 if first.isupper() else taken
            if word[0].rstrip(_TRAILING_PUNCTUATION) != word[0]:
                break
        else:
            break
    if taken > 1:
        last = words[taken - 1]
        end = last.start() + len(last[0].rstrip(_TRAILING_PUNCTUATION))
        rest = text[end:]
        opening = at == 1 and rest[:1] in (":", ",")
        only_markers = all(_MARKER.match(w) for w in rest.lstrip(_TRAILING_PUNCTUATION).split())
        if opening or only_markers:
            name = " ".join(w[0] for w in words[:taken])
            return end, name.lstrip("".join(_QUOTES)).rstrip(_TRAILING_PUNCTUATION)
    return at + len(typed), typed


_MAX_NEW_NAME_WORDS = 5


_WORD = re.compile(r"\S+")
_MAX_NAME_WORDS = 6


def _is_name_char(ch: str) -> bool:
    return ch.isalnum() or ch in "-_'"


def _remove(text: str, spans: list[tuple[int, int]]) -> str:
    """Cut the marker spans out, each with one neighbouring space, keeping the rest as typed."""
    for start, end in sorted(spans, reverse=True):
        if end < len(text) and text[end] == " ":
            end += 1
        elif start > 0 and text[start - 1] == " ":
            start -= 1
        text = text[:start] + text[end:]
    return text.strip()


def compose_capture(capture: Capture) -> str:
    """The capture bar text that parses back into `capture` (for recalling an entry)."""
    parts = []
    if capture.kind is not Kind.IDEA:
        parts.append(KIND_PREFIXES[capture.kind] + " ")
    elif capture.text[:1] in PREFIX_KINDS or capture.text[:1] == "\\":
        parts.append("\\")
    body = capture.text
    parts.append(body)
    if capture.author:
        parts.append(f" @{capture.author}")
    parts.extend(f" #{tag}" for tag in capture.tags)
    if capture.language:
        parts.append(f" %{capture.language}")
    if capture.responds_to:
        parts.append(f" ^{capture.responds_to}")
    return "".join(parts)
