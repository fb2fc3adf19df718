"""两癌检查 (seed, 2014 plan item 10): a woman's cervical and breast screenings; health data.

Individual records are shown only with the health-data permission; the statistics (numbers only)
are a page and a ledger of their own, for the county viewer too.
"""

from django.utils.translation import gettext_lazy as _

from federation.core.labels import with_director
from federation.web.registers import Menu, Register, declare
from outreach import selectors
from outreach.exports import SCREENING_STATISTICS_LEDGER
from outreach.forms import ScreeningForm
from outreach.models import HEALTH_DATA_PERMISSION, Screening
from outreach.registers._pages import PAGES
from outreach.views.screening import ScreeningDetailView, ScreeningUpdateView

declare(
    Register(
        model=Screening,
        path="screening",
        form_base=ScreeningForm,
        list_columns=(
            "person.name",
            "person.village",
            "year",
            "kind",
            "screened_on",
            "result",
            (_("已治疗"), "treated"),
        ),
        list_attrs={
            "select": staticmethod(selectors.screening_list),
            "search_placeholder": _("姓名"),
            "add_label": _("登记两癌检查"),
            "intro": with_director(
                "个人检查结果属于健康信息，只有本村{director}和乡镇妇联可以查看；请勿外传。"
            ),
        },
        page_attrs={**PAGES, "extra_permissions": (HEALTH_DATA_PERMISSION,)},
        views={"detail": ScreeningDetailView, "update": ScreeningUpdateView},
        menu=Menu("outreach", 3, section=1, permissions=(HEALTH_DATA_PERMISSION,)),
        ledgers=(SCREENING_STATISTICS_LEDGER,),
    )
)
