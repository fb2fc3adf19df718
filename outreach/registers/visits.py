"""走访记录 (seed, 2014 plan item 6): visits to residents of any group (the director's 民情日记), two
a year to each left-behind woman."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from federation.web.registers import Menu, Register, declare
from outreach import selectors
from outreach.forms import VisitForm
from outreach.imports import VisitImporter
from outreach.models import Visit, outreach_settings
from outreach.registers._pages import PAGES
from outreach.views.visits import VisitCreateView

declare(
    Register(
        model=Visit,
        path="visits",
        form_base=VisitForm,
        list_columns=(
            "person.name",  # then 村, where the list holds several villages (PlaceFiltersMixin)
            "visited_for",
            "visited_on",
            (_("方式"), "get_mode_display"),
            "visitors",
            (_("贫困"), "is_poor"),
        ),
        list_attrs={
            "select": staticmethod(selectors.visit_list),
            "search_placeholder": _("姓名"),
            "choice_filters": ("visited_for",),
            "add_label": _("记录走访"),
        },
        page_attrs={**PAGES, "create_title": _("记录走访")},
        views={"create": VisitCreateView},
        menu=Menu("outreach", 2, section=1),
        help=lambda year: gettext(
            "走访记录：乡村两级上门看望农村留守妇女，{year} 年每人至少 {visits} 次；记下她家是否贫困及原因、"
            "生产生活情况、有什么需要解决的困难，以及帮她做了什么。贫困妇女、单亲母亲、流动妇女和涉案、"
            "矛盾纠纷、上访家庭的走访也记在这里，选好走访对象类别，一本民情日记。"
        ).format(visits=outreach_settings(year).visits_per_year, year=year),
        importer=VisitImporter,
    )
)
