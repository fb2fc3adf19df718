"""What a role may see of a record, beyond which rows (that is ``federation.core.scoping``)."""

from __future__ import annotations

from federation.core.idnumber import mask_id_number


def can_see_full_id_number(user) -> bool:
    """Return True when the user's role needs whole ID numbers (not the county viewer by default)."""
    return bool(user and user.is_authenticated and user.has_perm("federation.view_full_id_number"))


def id_number_for(user, number: str | None) -> str:
    """Return ``number`` as ``user`` may see it: whole, or masked to the first 6 and last 4."""
    if not number:
        return ""
    return number if can_see_full_id_number(user) else mask_id_number(number)
