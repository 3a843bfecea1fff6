"""What a ballot of a task ranking must be, for every face and for the store: apart from
`domain/ranking.py` (which counts ballots), so that storing one - every `add` loads the
store - does not load the counting's dataclasses."""

from __future__ import annotations

from collections.abc import Sequence

from hubworkshop.domain.errors import InputError
from hubworkshop.domain.i18n import _


def check_ballot(order: Sequence[str], items: Sequence[str]) -> list[str]:
    """The ballot `order` as it is recorded, or InputError: empty, an item the bank does not
    have, or one item twice. (Items left out are abstentions.)"""
    if not order:
        raise InputError(_("a ranking lists at least one item"))
    known = set(items)
    unknown = [r for r in order if r not in known]
    if unknown:
        raise InputError(
            _("unknown item '{unknown}' (the items to rank: {known})").format(
                unknown=unknown[0], known=", ".join(sorted(known))
            )
        )
    if len(set(order)) != len(order):
        raise InputError(_("a ranking lists each item once"))
    return list(order)
