"""People on the roster, the same way from every face: who a typed name means, and one
person entered twice made one.

A name typed on the command line (`--by` of `vote cast`, `rank set`, `owner`; `add`'s
speaker) is found as a capture finds its speaker (case, however typed) and spelled as the
roster spells it (`domain/names.py`). A name on no one is a new person only when asked: a
typo must not create a voter; the roster says who may have been meant.

Two entries of one person are merged by the roster screen (the room's participants, N) and
`hubworkshop participant NAME --merge-into OTHER` alike: when the two entries' consents
differ, the person's own is asked for, never chosen for them (`ConsentToAsk`); with the
room's history, Ctrl+Z brings the other entry back.
"""

from __future__ import annotations

from hubworkshop.domain.errors import InputError
from hubworkshop.domain.i18n import _
from hubworkshop.domain.model import Consent, Participant
from hubworkshop.domain.text import printable
from hubworkshop.storage.store import Store
from hubworkshop.workshop.history import History, MergePeople, apply


class ConsentToAsk(InputError):
    """Two entries of one person gave different consents: which did the person give?"""

    def __init__(self, one: Participant, other: Participant) -> None:
        super().__init__(
            _("{name} and {target} are one person: which consent did they give?").format(
                name=one.name, target=other.name
            )
        )
        self.one, self.other = one, other


def merge(
    store: Store,
    source: str,
    target: str,
    *,
    consent: Consent | str | None,
    actor: str | None,
    history: History | None = None,
) -> MergePeople:
    """`source` and `target` are one person: `target` keeps everything of `source`'s, under
    `consent` (required when the two entries' consents differ: `ConsentToAsk`)."""
    from hubworkshop.domain.consent import merge_needs_asking
    from hubworkshop.domain.names import name_key

    people = {name_key(p.name): p for p in store.participants.all()}
    one, other = people.get(name_key(source)), people.get(name_key(target))
    if (
        consent is None
        and one is not None
        and other is not None
        and merge_needs_asking(one.consent, other.consent)
    ):
        raise ConsentToAsk(one, other)
    change = MergePeople(source, target, Consent(consent) if consent else None)
    done = apply(store, change, actor, history)
    assert isinstance(done, MergePeople)
    return done


def known_as(store: Store, name: str, *, new: bool, anyone: bool = False) -> str:
    """The participant `name` means, spelled as the roster spells them. A name on no one is
    taken as given only with `new` (a new participant, anonymous until their consent is
    recorded) or, with `anyone` (an action's owner, who may be no participant), when it is
    close to no one; else InputError, saying who may have been meant."""
    from hubworkshop.domain.names import either, name_key, similar_names

    names = [p.name for p in store.participants.all()]
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

    names = [p.name for p in store.participants.all()]
    if name_key(name) in {name_key(n) for n in names}:
        return []
    return similar_names(name, names)
