"""妇女基本信息台账 (seed, 2014 plan item 2): every woman of the village of the adult age.

Derived from persons and households, never typed twice: the register is a page and a ledger of
its own, and it comes in through the roster's import (``persons``, which answers to ``women``).
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from federation.core.models import year_settings
from federation.ledgers.exports.registry import Ledger
from federation.web.registers import Deadline, Menu, Register, declare
from registry import selectors
from registry.exports import WOMEN, women_queryset, women_rows


def register_help(year: int) -> str:
    """Return the list page's help: the 2014 plan's definition (item 2) with ``year``'s adult age."""
    rules = year_settings(year)
    return gettext(
        "妇女基本信息台账：本村年满 {adult_age} 周岁的妇女（成年女子都算，不只是已婚的），"
        "记村组、姓名、年龄、婚否、身份证号和丈夫、子女的情况；由居民和户籍信息生成，不必重复录入。"
        "年龄按 {on:%Y}年{on.month}月{on.day}日（统计截止日）计算；3月30日前完成。"
    ).format(adult_age=rules.adult_age, on=rules.ages_on)


def _size(*, user, village, year: int) -> int:
    return selectors.women_ledger(user=user, year=year).filter(village=village).count()


declare(
    Register(
        name="women_ledger",
        title=str(_("妇女基本信息台账")),
        app_label="registry",
        list_url_name="registry:women_ledger",
        permission="registry.view_person",
        help=register_help,
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
