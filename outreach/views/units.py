"""Which units a page of many villages shows: a township's villages, or the county's townships.

The county's 500 villages are no table to read, and no chart: a county-wide page shows one row per
township, each opening that township's villages (``?township=``); a township's page shows its
villages. A township's figures are its villages' summed, kept per township
(``federation.core.figures.township_values``: the selectors' ``by_township``).
"""

from __future__ import annotations

from dataclasses import dataclass

from federation.core.models import Township
from federation.web.generic import int_param


@dataclass(frozen=True)
class Units:
    #: the township opened with ``?township=`` (one of the user's), or None
    township: Township | None
    #: the rows are townships: the user sees several and has opened none
    by_township: bool

    @property
    def label(self) -> str:
        return "乡镇" if self.by_township else "村"

    @property
    def query(self) -> str:
        """Return the address parameter that keeps the township opened (``&township=N``) or ""."""
        return f"&township={self.township.pk}" if self.township is not None else ""


def units_of(request) -> Units:
    user = request.user
    township = Township.objects.for_user(user).filter(pk=int_param(request, "township")).first()
    by_township = township is None and Township.objects.for_user(user)[:2].count() > 1
    return Units(township=township, by_township=by_township)


def units_of_places(places) -> Units:
    """Return the same choice as :func:`units_of` from a list's place filters, which have read the
    user's townships already (``federation.web.generic.Places``: its townships when she sees
    several, and the one she chose)."""
    township = next((t for t in places.townships if t.pk == places.township_id), None)
    return Units(township=township, by_township=bool(places.townships) and township is None)
