"""巾帼志愿者 (seed, 2014 plan item 11): the members of the teams; a register due by 18 March.

Its ledger lists the members team by team; a director may be a member of several teams.
"""

from django.utils.translation import gettext_lazy as _

from federation.web.registers import Deadline, Register, declare
from outreach import selectors
from outreach.exports import VOLUNTEERS_LEDGER
from outreach.forms import VolunteerMemberForm
from outreach.imports import VolunteerImporter
from outreach.models import VolunteerMember
from outreach.registers._pages import PAGES


def _members(*, user, village, year: int) -> int:
    return VolunteerMember.objects.for_user(user).filter(village=village).count()


declare(
    Register(
        title=_("巾帼志愿者"),
        model=VolunteerMember,
        path="volunteers",
        form_base=VolunteerMemberForm,
        list_columns=("name", "team", (_("所在村"), "village"), "work_unit", "joined_on"),
        list_attrs={
            "select": staticmethod(selectors.member_list),
            "search_placeholder": _("姓名或队名"),
            "add_label": _("添加队员"),
        },
        page_attrs={**PAGES, "create_title": _("添加队员")},
        deadline=Deadline("volunteers", 3, 18, _("巾帼\n志愿"), order=60, size=_members),
        ledgers=(VOLUNTEERS_LEDGER,),
        importer=VolunteerImporter,
    )
)
