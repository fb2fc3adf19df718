"""志愿服务活动 (seed, 2014 plan item 11): what the teams did, when, where and who took part."""

from django.utils.translation import gettext_lazy as _

from federation.web.registers import Menu, Register, declare
from outreach import selectors
from outreach.exports import ACTIVITIES_LEDGER
from outreach.forms import VolunteerActivityForm
from outreach.imports import ActivityImporter
from outreach.models import VolunteerActivity
from outreach.registers._pages import PAGES
from outreach.views.volunteers import ActivityCreateView, ActivityDetailView, ActivityUpdateView

declare(
    Register(
        model=VolunteerActivity,
        path="volunteer-activities",
        form_base=VolunteerActivityForm,
        list_columns=("title", "team", (_("日期"), "held_on"), "place", (_("服务人次"), "people_served")),
        list_attrs={
            "select": staticmethod(selectors.activity_list),
            "search_placeholder": _("活动名称或队名"),
            "add_label": _("记录活动"),
        },
        page_attrs={**PAGES, "create_title": _("记录志愿服务活动")},
        views={"detail": ActivityDetailView, "create": ActivityCreateView, "update": ActivityUpdateView},
        menu=Menu("outreach", 6, section=2),
        ledgers=(ACTIVITIES_LEDGER,),
        importer=ActivityImporter,
    )
)
