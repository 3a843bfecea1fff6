"""People's names as people write them: one person, however the name is typed or pasted.

Two spellings are the same name when they match after Unicode NFC normalization (a name
pasted from a video call's participant list often has decomposed accents), case folding
(`Élodie` and `élodie`) and collapsed spaces. SQLite's NOCASE folds ASCII only, so names are
compared here, never in SQL.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hubworkshop.domain.model import Participant


def clean_name(name: str) -> str:
    """A name as it is stored: NFC, with single spaces, no spaces around it."""
    return unicodedata.normalize("NFC", " ".join(str(name).split()))


def name_key(name: str) -> str:
    """What two spellings of one name have in common."""
    return clean_name(name).casefold()


def room_first(people: Iterable[Participant], room: str) -> list[str]:
    """Names for a picker: this room's participants first, then everyone else, each group
    in alphabetical order as people read it (case and accents folded)."""
    order = sorted(people, key=lambda p: (p.room != room, reading_order(p.name), p.name))
    return [p.name for p in order]


def reading_order(name: str) -> str:
    """A sort key that reads Émile beside Emile, not after Zoé: accents and case folded."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def similar_names(name: str, names: Iterable[str], limit: int = 3) -> list[str]:
    """Names a person may have meant when `name` matches none: the same letters without
    their accents (`Jose Nandu` for `José Ñandú`), else names close in spelling."""

    letters = loose_key  # folded twice: casefold can bring a mark back (İ → i̇)
    wanted = letters(name)
    by_letters: dict[str, list[str]] = {}
    for known in names:
        by_letters.setdefault(letters(known), []).append(known)
    if wanted in by_letters:
        return by_letters[wanted][:limit]
    from difflib import get_close_matches  # only when a name was not found

    close = get_close_matches(wanted, list(by_letters), n=limit, cutoff=0.75)
    return [known for key in close for known in by_letters[key]][:limit]


def either(names: Iterable[str]) -> str:
    """Names offered as a choice: `'José Ñandú' or 'Jöse Nandu'`."""
    from hubworkshop.domain.i18n import _

    return _(" or ").join(f"'{name}'" for name in names)


_PUNCTUATION = ".,;:!?\"'"


def _folded(word: str) -> str:
    """A word as names are compared when typed: case and accents folded, no trailing
    punctuation (`@Kwame:`)."""
    return reading_order(reading_order(word.rstrip(_PUNCTUATION)))


def _fit(typed: list[str], name: str) -> tuple[int, int]:
    """How well the typed words fit a name: (whole words that match, words used). All of a
    name's words typed in another order (given names: "José María" for "María José") fit
    as well as in order; otherwise the words are read in order, each a whole word of the
    name, the last perhaps only its beginning. (0, 0): no fit."""
    words = [_folded(w) for w in name.split()]
    size = len(words)
    if size > 1 and len(typed) >= size and sorted(typed[:size]) == sorted(words):
        return size, size
    whole = used = 0
    for mine, theirs in zip(typed, words, strict=False):
        if mine == theirs:
            whole, used = whole + 1, used + 1
        elif mine and theirs.startswith(mine):
            used += 1
            break
        else:
            break
    return whole, used


def meant(
    typed: list[str], names: Iterable[str], room: Iterable[str] = ()
) -> tuple[str, int] | None:
    """Who the words typed after `@` name, and how many of those words the name takes: the
    person whose name the words fit best (whole words over a beginning, more words over
    fewer), the room's own people first; None when no one fits, or when two people fit
    equally well, so a beginning alone never picks one person when another fits the words
    as well or better. The capture bar's completion and its Enter both ask this."""
    wanted = [_folded(w) for w in typed]
    if not wanted or not wanted[0]:
        return None
    here = set(room)
    best: list[tuple[tuple[int, int, bool], str]] = []
    for name in {n for n in names if n}:
        whole, used = _fit(wanted, name)
        if used:
            best.append(((whole, used, name in here), name))
    if not best:
        return None
    best.sort(key=lambda fit: fit[0], reverse=True)
    top = [name for score, name in best if score == best[0][0]]
    if len(top) > 1:
        return None
    return top[0], best[0][0][1]


def loose_key(name: str) -> str:
    """What two spellings have in common once accents are left out too (`jose nandu` and
    `José Ñandú`): how a free-text name, such as an action's owner, may point at a person."""
    return reading_order(reading_order(" ".join(str(name).split())))


def name_token(name: str, salt: str) -> str:
    """A keyed hash of a name as people write it (`name_key`), salted with the workshop's id:
    what the record of an erasure keeps instead of the name."""
    import hashlib
    import hmac

    return hmac.new(salt.encode(), name_key(name).encode(), hashlib.sha256).hexdigest()
