"""讲座培训年度目标: how many sessions of each kind a unit should hold in a year (the 2011 plan: 30)."""

from django.utils.translation import gettext_lazy as _

from federation.web.registers import Menu, Register, declare
from outreach.forms import LectureTargetForm
from outreach.models import LectureTarget
from outreach.registers._pages import PAGES

declare(
    Register(
        model=LectureTarget,
        path="lecture-targets",
        form_base=LectureTargetForm,
        list_columns=("year", (_("单位"), "unit_label"), "kind", "sessions"),
        list_attrs={"add_label": _("设定年度目标")},
        page_attrs={**PAGES, "create_title": _("设定讲座培训年度目标")},
        menu=Menu("outreach", 11, section=4),
        help=_(
            "年度目标：每个村或全乡镇每年各类讲座培训应办的场次"
            "（如 2011 年计划全年举办家庭教育讲座 30 场）；"
            "村的目标只计本村办的，全乡镇的目标计乡镇和各村办的全部场次。"
        ),
    )
)
