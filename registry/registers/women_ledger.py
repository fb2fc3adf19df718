"""妇女基本信息台账 (seed, 2014 plan item 2): every woman of the village of the adult age.

Derived from persons and households, never typed twice: the register is a page and a ledger of
its own, and it comes in through the roster's import (``persons``, which answers to ``women``).
"""

from django.utils.translation import gettext_lazy as _

from federation.ledgers.exports.registry import Ledger
from federation.web.registers import Deadline, Menu, Register, declare
from registry import selectors
from registry.exports import WOMEN, women_queryset, women_rows


def _size(*, user, village, year: int) -> int:
    return selectors.women_ledger(user=user, year=year).filter(village=village).count()


declare(
    Register(
        name="women_ledger",
        title=str(_("妇女基本信息台账")),
        app_label="registry",
        list_url_name="registry:women_ledger",
        permission="registry.view_person",
        menu=Menu("registers", 0),
        deadline=Deadline("women_ledger", 3, 30, _("妇女\n台账"), order=10, size=_size),
        ledgers=(
            Ledger(
                name="women",
                layout=WOMEN,
                queryset=women_queryset,
                rows=women_rows,
                permission="registry.view_person",
                list_views=("registry:women_ledger",),
            ),
        ),
    )
)
