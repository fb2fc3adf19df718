"""巾帼志愿者服务队 (seed, 2014 plan item 11): the teams, of a village or of the township."""

from django.utils.translation import gettext_lazy as _

from federation.core.labels import with_director
from federation.web.registers import Menu, Register, declare
from outreach import selectors
from outreach.forms import VolunteerTeamForm
from outreach.models import VolunteerTeam
from outreach.registers._pages import PAGES
from outreach.views.volunteers import TeamDetailView

declare(
    Register(
        model=VolunteerTeam,
        path="volunteer-teams",
        form_base=VolunteerTeamForm,
        list_columns=(
            "name",
            (_("所属"), "level_label"),
            "speciality",
            "leader",
            (_("队员"), "member_count"),
        ),
        list_attrs={
            "select": staticmethod(selectors.team_list),
            "yearly": False,
            "search_placeholder": _("队名或村名"),
            "add_label": _("新建服务队"),
        },
        page_attrs=PAGES,
        views={"detail": TeamDetailView},
        menu=Menu("outreach", 5, section=2),
        help=lambda year: str(
            with_director(
                "巾帼志愿者服务队：各村{director}按自己的特长参加一个或几个服务队，"
                "配合县乡开展巾帼志愿服务活动；3月18日前报齐队员。"
            )
        ),
    )
)
