"""两癌检查 (seed, 2014 plan item 10): a woman's cervical and breast screenings; health data.

Individual records are shown only with the health-data permission; the statistics (numbers only)
are a page and a ledger of their own, for the county viewer too.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from federation.core.labels import DIRECTOR
from federation.web.registers import Menu, Register, declare
from outreach import selectors
from outreach.exports import SCREENING_LEDGER, SCREENING_STATISTICS_LEDGER
from outreach.forms import ScreeningForm
from outreach.imports import ScreeningImporter
from outreach.models import HEALTH_DATA_PERMISSION, Screening, outreach_settings
from outreach.registers._pages import PAGES
from outreach.views.screening import ScreeningDetailView, ScreeningUpdateView

declare(
    Register(
        model=Screening,
        path="screening",
        form_base=ScreeningForm,
        list_columns=(
            "person.name",  # then 村, where the list holds several villages (PlaceFiltersMixin)
            "year",
            "kind",
            "screened_on",
            "result",
            (_("已治疗"), "treated"),
        ),
        list_attrs={"select": staticmethod(selectors.screening_list), "search_placeholder": _("姓名")},
        page_attrs={**PAGES, "extra_permissions": (HEALTH_DATA_PERMISSION,)},
        views={"detail": ScreeningDetailView, "update": ScreeningUpdateView},
        menu=Menu("outreach", 3, section=1, permissions=(HEALTH_DATA_PERMISSION,)),
        help=lambda year: gettext(
            "两癌检查：宫颈癌和乳腺癌的检查，{year} 年适龄为 {min_age} 至 {max_age} 周岁的妇女。"
            "个人检查结果属于健康信息，只有本村{director}和乡镇妇联可以查看；请勿外传。"
        ).format(
            min_age=outreach_settings(year).screening_min_age,
            max_age=outreach_settings(year).screening_max_age,
            year=year,
            director=DIRECTOR,
        ),
        ledgers=(SCREENING_LEDGER, SCREENING_STATISTICS_LEDGER),
        importer=ScreeningImporter,
    )
)
