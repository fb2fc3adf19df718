"""结对帮扶, 爱心妈妈, 代理家长 (issue 17 part 4): a helper paired with a child or a poor woman of the
registers, and the follow-ups of each pairing (``aid_follow_ups``)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from federation.web.registers import Menu, Register, declare
from registry import aid
from registry.aid_ledger import PAIRING_LEDGER, PairingImporter
from registry.entries import person_list
from registry.forms.aid import PairingForm
from registry.models import Pairing
from registry.views.aid import PairingCreateView, PairingDetailView

declare(
    Register(
        model=Pairing,
        path="pairings",
        form_base=PairingForm,
        list_columns=(
            *person_list("name", "group"),
            "kind",
            "helper_name",
            "since",
            "until",
            (_("本年跟进"), "follow_up_count"),
        ),
        list_attrs={
            "select": staticmethod(aid.pairing_list),
            "search_placeholder": _("对象或帮扶人姓名"),
            "choice_filters": ("kind",),
            "add_label": _("登记结对"),
        },
        page_attrs={"create_title": _("登记结对帮扶")},
        views={"create": PairingCreateView, "detail": PairingDetailView},
        menu=Menu("registers", 61, section=1),
        help=lambda year: gettext(
            "结对帮扶、爱心妈妈、代理家长：帮扶人与留守儿童、特殊困难儿童（结对帮扶也可以是农村贫困妇女）"
            "结成对子，对象须在结对当年或上一年的台账上。列出 {year} 年度内在结对的；每次看望、给钱给物、"
            "陪伴几个小时，在结对页面“记录跟进”。"
        ).format(year=year),
        ledgers=(PAIRING_LEDGER,),
        importer=PairingImporter,
    )
)
