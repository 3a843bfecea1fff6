"""Who a typed name means, for the faces where a person is named by typing it: the command
line's `--by` (`vote cast`, `rank set`, `owner`, `add`) and line mode.

A name is found as a capture finds its speaker (case, accents, however typed) and spelled as
the roster spells it (`domain/names.py`). A name on no one is a new person only when asked:
a typo must not create a voter; the roster says who may have been meant.
"""

from __future__ import annotations

from hubworkshop.domain.errors import InputError
from hubworkshop.domain.i18n import _
from hubworkshop.domain.text import printable
from hubworkshop.storage.store import Store


def known_as(store: Store, name: str, *, new: bool, anyone: bool = False) -> str:
    """The participant `name` means, spelled as the roster spells them. A name on no one is
    taken as given only with `new` (a new participant, anonymous until their consent is
    recorded) or, with `anyone` (an action's owner, who may be no participant), when it is
    close to no one; else InputError, saying who may have been meant."""
    from hubworkshop.domain.names import either, name_key, similar_names

    names = [p.name for p in store.participants()]
    found = next((n for n in names if name_key(n) == name_key(name)), None)
    if found is not None or new:
        return found or name
    meant = similar_names(name, names)
    if anyone and not meant:
        return name
    hint = (_("did you mean {names}? ").format(names=either(meant)) if meant else "") + _(
        "--new adds '{name}' as a new participant"
    ).format(name=name)
    raise InputError(
        printable(_("no participant called '{name}': {hint}").format(name=name, hint=hint))
    )


def maybe_meant(store: Store, name: str) -> list[str]:
    """When `name` is on no one yet, the people it may have been meant for (a typo, or
    accents left out: `--by "jose nandu"` for José Ñandú)."""
    from hubworkshop.domain.names import name_key, similar_names

    names = [p.name for p in store.participants()]
    if name_key(name) in {name_key(n) for n in names}:
        return []
    return similar_names(name, names)
