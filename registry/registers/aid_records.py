"""春蕾计划 and 贫困母亲 (issue 17 part 4): the grants to girls and poor mothers of the registers."""

from django.utils.translation import gettext_lazy as _

from federation.web.registers import Menu, Register, declare, settings_help
from registry import aid
from registry.aid_ledger import AID_LEDGER, AidRecordImporter
from registry.entries import person_list
from registry.forms.aid import AidRecordForm
from registry.models import AidRecord
from registry.views.aid import AidCreateView

declare(
    Register(
        model=AidRecord,
        path="aid",
        form_base=AidRecordForm,
        list_columns=(
            *person_list("name", "group"),
            "kind",
            (_("学年"), "school_year_label"),
            "given_on",
            "amount",
            "goods",
        ),
        list_attrs={
            "select": staticmethod(aid.aid_list),
            "search_placeholder": _("姓名或身份证号后四位"),
            "choice_filters": ("kind",),
            "add_label": _("登记资助"),
        },
        page_attrs={"create_title": _("登记春蕾计划或贫困母亲救助")},
        views={"create": AidCreateView},
        menu=Menu("registers", 60, section=1),
        help=settings_help(
            _(
                "春蕾计划资助贫困家庭的女童上学：{year} 年度在留守儿童、特殊困难儿童台账上，或家里有妇女在"
                "农村贫困妇女台账上的不满 {settings.child_age_limit} 周岁女童，按学年登记金额或物品。"
                "贫困母亲救助给 {year} 年度在农村贫困妇女台账上的妇女。"
            )
        ),
        ledgers=(AID_LEDGER,),
        importer=AidRecordImporter,
    )
)
