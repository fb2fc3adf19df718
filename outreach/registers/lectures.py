"""讲座培训 (seed: the 2011 plan's 30 家庭教育讲座 a year, 家长学校, 技能培训, 艾滋病面对面, 普法)."""

from django.utils.translation import gettext_lazy as _

from federation.web.registers import Menu, Register, declare
from outreach.forms import LectureForm
from outreach.lecture_ledger import LectureImporter
from outreach.lectures import lecture_list
from outreach.models import Lecture
from outreach.registers._pages import PAGES
from outreach.views.lectures import LectureCreateView, LectureDetailView, LectureUpdateView

declare(
    Register(
        model=Lecture,
        path="lectures",
        form_base=LectureForm,
        list_columns=(
            (_("日期"), "held_on"),
            "kind",
            "topic",
            (_("组织单位"), "organiser_label"),
            "speaker",
            (_("总人数"), "total"),
        ),
        list_attrs={
            "select": staticmethod(lecture_list),
            "search_placeholder": _("主题、主讲人或地点"),
            "template_name": "outreach/lecture_list.html",
        },
        page_attrs=PAGES,
        views={"detail": LectureDetailView, "create": LectureCreateView, "update": LectureUpdateView},
        menu=Menu("outreach", 9, section=4),
        help=_(
            "讲座培训：家庭教育讲座、家长学校、技能培训、艾滋病面对面、普法等，办完后登记日期、地点、主讲人、"
            "主题和参加人员（已登记的居民逐一选出，其他人只计人数）；办之前可打印签到表。"
        ),
        importer=LectureImporter,
    )
)
