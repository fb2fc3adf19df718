"""What a role may read of outreach beyond which rows: health data and domestic-violence cases.

Which rows a user sees and may change is the core's scoping rule (``federation.core.scoping``).
"""

from __future__ import annotations


def can_see_health_data(user) -> bool:
    """Return True when the user's role may read a person's screening results."""
    return bool(user and user.is_authenticated and user.has_perm("outreach.view_health_data"))


def can_see_domestic_violence(user) -> bool:
    """Return True when the user's role may read domestic-violence cases."""
    return bool(user and user.is_authenticated and user.has_perm("outreach.view_domestic_violence"))
