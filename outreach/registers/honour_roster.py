"""三八红旗手、三八红旗集体 (seed, 2014 plan 一): the roster of a year's awards, of a person or a unit."""

from django.utils.translation import gettext_lazy as _

from federation.web.registers import Menu, Register, declare
from outreach.honour_forms import RedBannerAwardForm
from outreach.honour_ledger import AwardImporter
from outreach.honours import award_list
from outreach.models import RedBannerAward
from outreach.registers._pages import PAGES

declare(
    Register(
        model=RedBannerAward,
        path="red-banner",
        form_base=RedBannerAwardForm,
        list_columns=(
            "kind",
            (_("姓名或集体名称"), "shown_name"),
            (_("所属"), "unit_label"),
            "level",
            "year",
            "document",
        ),
        list_attrs={
            "select": staticmethod(award_list),
            "choice_filters": ("kind", "level"),
            "search_placeholder": _("姓名、单位或文件"),
        },
        page_attrs=PAGES,
        menu=Menu("outreach", 12, section=4),
        help=_(
            "三八红旗手（个人）和三八红旗集体（单位）：按年度登记获奖的个人或集体、级别和表彰文件；"
            "获奖人是登记的居民时选她，她的档案里也能看到。"
        ),
        importer=AwardImporter,
    )
)
