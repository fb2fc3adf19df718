"""走访记录 (seed, 2014 plan item 6): visits to left-behind (and poor) women, two a woman a year."""

from django.utils.translation import gettext_lazy as _

from federation.web.registers import Menu, Register, declare
from outreach import selectors
from outreach.exports import VISITS_LEDGER
from outreach.forms import VisitForm
from outreach.models import Visit
from outreach.registers._pages import PAGES
from outreach.views.visits import VisitCreateView

declare(
    Register(
        model=Visit,
        path="visits",
        form_base=VisitForm,
        list_columns=(
            "person.name",
            "person.village",
            "visited_on",
            (_("方式"), "get_mode_display"),
            "visitors",
            (_("贫困"), "is_poor"),
        ),
        list_attrs={
            "select": staticmethod(selectors.visit_list),
            "search_placeholder": _("姓名"),
            "add_label": _("记录走访"),
            "intro": _(
                "农村留守妇女每人每年至少走访两次；走访内容包括是否贫困及原因、生产生活情况、需要解决的困难。"
            ),
        },
        page_attrs={**PAGES, "create_title": _("记录走访")},
        views={"create": VisitCreateView},
        menu=Menu("outreach", 2, section=1),
        ledgers=(VISITS_LEDGER,),
    )
)
