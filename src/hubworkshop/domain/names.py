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
