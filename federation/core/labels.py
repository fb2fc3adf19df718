"""Labels that differ from county to county, each one setting.

The village women's director is called 村妇联主席 since the federations' reform and 村妇代会主任
in the 2014 plan and in counties that keep its forms: ``DIRECTOR_TITLE`` (environment variable
of the same name) says which, and every page, ledger and message takes it from here.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.functional import lazy
from django.utils.text import format_lazy

DEFAULT_DIRECTOR_TITLE = "村妇联主席"


def director_title() -> str:
    """Return the title of a village women's director in this county (``DIRECTOR_TITLE``)."""
    return str(getattr(settings, "DIRECTOR_TITLE", DEFAULT_DIRECTOR_TITLE) or DEFAULT_DIRECTOR_TITLE)


#: The director's title, read when it is shown (so a setting changed in a test is honoured).
DIRECTOR = lazy(director_title, str)()


def with_director(text: str):
    """Return ``text`` with ``{director}`` replaced by the director's title, when it is shown."""
    return format_lazy(text, director=DIRECTOR)
