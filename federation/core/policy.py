"""What a role may see of a record, beyond which rows (that is ``federation.core.scoping``).

One decision, :func:`can_see_full_id_number`, says whether a user sees a person's personal data
whole: her ID number, her birth date and her phone numbers go together, because any one of them
given whole helps to rebuild a masked ID number (the birth date is digits 7–14 of it). A role that
sees them masked (the county viewer) gets the ID number and phones masked by
``federation.core.masking`` and, in place of a birth date, the age in whole years on the year's
reference date (统计截止日), the date every ledger counts ages on. A fixed day of the year, not
today: an age counted on today would change on the birthday and tell it to whoever watches it.

Pages (``federation.web.templatetags``), ledgers (``federation.ledgers.exports.context``) and the
admin all call these functions.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from federation.core.idnumber import age_on
from federation.core.masking import mask_id_number, mask_phone


def can_see_full_id_number(user) -> bool:
    """Return True when the user's role needs personal data whole: ID numbers, birth dates, phones.

    The permission ``federation.view_full_id_number`` (the village director and the township
    roles hold it, the county viewer does not; the administrator holds every permission).
    """
    return bool(user and user.is_authenticated and user.has_perm("federation.view_full_id_number"))


def id_number_for(user, number: str | None) -> str:
    """Return ``number`` as ``user`` may see it: whole, or masked to the first 3 and last 4."""
    if not number:
        return ""
    return number if can_see_full_id_number(user) else mask_id_number(number)


def phone_for(user, phone: str | None) -> str:
    """Return ``phone`` as ``user`` may see it: whole, or with its middle 4 digits masked."""
    if not phone:
        return ""
    return phone if can_see_full_id_number(user) else mask_phone(phone)


def birth_date_for(user, birth_date: dt.date | None) -> dt.date | None:
    """Return ``birth_date`` when ``user`` may see it, else None (she sees :func:`masked_age` instead)."""
    return birth_date if can_see_full_id_number(user) else None


def ages_on(year: int | None = None) -> dt.date:
    """Return the reference date (统计截止日) of ``year`` (this year by default), when ages are counted."""
    from federation.core.models import year_settings

    return year_settings(year or timezone.localdate().year).ages_on


def masked_age(birth_date: dt.date | None, on: dt.date) -> int | None:
    """Return the age in whole years on ``on`` shown in place of a birth date (a month: its first day)."""
    return age_on(birth_date, on) if birth_date else None
