"""巾帼志愿者 (seed, 2014 plan item 11): the volunteer teams and their members, due by 18 March."""

from django.utils.translation import gettext_lazy as _

from federation.web.registers import Deadline, Register, declare
from outreach.models import VolunteerMember


def _members(*, user, village, year: int) -> int:
    return VolunteerMember.objects.for_user(user).filter(village=village).count()


declare(
    Register(
        name="volunteers",
        title=str(_("巾帼志愿者")),
        app_label="outreach",
        list_url_name="outreach:volunteerteam_list",
        permission="outreach.view_volunteerteam",
        deadline=Deadline("volunteers", 3, 18, _("巾帼\n志愿"), order=60, size=_members),
    )
)
