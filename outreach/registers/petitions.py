"""来信来访 (seed, 2014 plan item 13): letters, visits and calls received, and family-dispute mediation."""

from django.utils.translation import gettext_lazy as _

from federation.web.registers import Menu, Register, declare
from outreach.forms import PetitionForm
from outreach.imports import PetitionImporter
from outreach.models import Petition
from outreach.registers._pages import PAGES
from outreach.views.petitions import (
    PetitionCreateView,
    PetitionDetailView,
    PetitionListView,
    PetitionUpdateView,
)

declare(
    Register(
        model=Petition,
        path="petitions",
        form_base=PetitionForm,
        list_columns=(
            (_("来访人"), "petitioner"),
            "village",
            "received_on",
            "category",
            "handling",
            "closed_on",
            (_("已用天数"), "days_open"),
        ),
        page_attrs=PAGES,
        views={
            "list": PetitionListView,
            "create": PetitionCreateView,
            "detail": PetitionDetailView,
            "update": PetitionUpdateView,
        },
        menu=Menu("outreach", 7, section=2),
        help=_(
            "来信来访：群众来信、来访、来电要及时受理，村里处理不了的及时上报乡镇；"
            "妇女的家庭纠纷积极参与调解，记下经过和结果。"
        ),
        importer=PetitionImporter,
    )
)
