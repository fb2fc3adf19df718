"""寻找"最美家庭" (seed, 2014 plan 二): a village proposes a family; the township reviews, puts the chosen
on a public notice, handles objections and confirms (``outreach/views/honours.py``)."""

from django.utils.translation import gettext_lazy as _

from federation.core.roles import Role
from federation.web.registers import Menu, Register, crud_grants, declare
from outreach.honour_forms import HonourNominationForm
from outreach.honour_ledger import NominationImporter
from outreach.honour_rules import notice_days
from outreach.honours import nomination_list
from outreach.models import REVIEW_HONOURS, HonourNomination
from outreach.models.base import outreach_settings
from outreach.registers._pages import PAGES
from outreach.views.honours import NominationDetailView

GRANTS = crud_grants(HonourNomination)
for _role in (Role.TOWNSHIP_STAFF, Role.TOWNSHIP_CHAIR):
    GRANTS[_role] = [*GRANTS[_role], REVIEW_HONOURS]


def _help(year: int) -> str:
    settings = outreach_settings(year)
    return str(
        _(
            "寻找“最美家庭”：村里推荐在夫妻和睦、孝老爱亲、亲善教子、热心公益、勤俭持家、廉洁文明、温馨幸福、"
            "邻里互助等方面事迹突出的家庭。系统按推荐日期核实：常住本县；"
            "近 %(years)s 年内家庭成员没有家庭暴力、家庭纠纷来访，"
            "没有未办结的来信来访，没有在押、涉案记录。乡镇妇联选定后公示 %(days)s 天"
            "（公示开始那天算第 1 天），期满后第二天起、异议都核实处理后确认。"
        )
        % {"years": settings.honour_clean_years, "days": notice_days(year=year)}
    )


declare(
    Register(
        model=HonourNomination,
        path="honours",
        form_base=HonourNominationForm,
        list_columns=(
            (_("家庭"), "family_label"),
            "village",
            (_("事迹类别"), "headings_label"),
            "proposed_on",
            "status",
        ),
        list_attrs={
            "select": staticmethod(nomination_list),
            "choice_filters": ("status",),
            "search_placeholder": _("家庭成员姓名或户号"),
            "add_label": _("推荐最美家庭"),
        },
        page_attrs={**PAGES, "create_title": _("推荐最美家庭")},
        views={"detail": NominationDetailView},
        menu=Menu("outreach", 11, section=4, label=_("最美家庭")),
        help=_help,
        importer=NominationImporter,
        grants=GRANTS,
    )
)
