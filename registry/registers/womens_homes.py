"""妇女之家 (seed, 2014 plan item 1): each village's women's home, its signboard and equipment."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from federation.ledgers.columns import Column, Kind, Total
from federation.ledgers.exports.definitions import Table
from federation.web.registers import declare
from registry.entries import village_register
from registry.forms.registers import DATE_INPUT
from registry.models import WomensHome

TABLE = Table(
    title=_("妇女之家建设情况登记表"),
    columns=(
        Column("village", _("村"), width=12, source="village.name"),
        Column("signed_up", _("是否挂牌"), Kind.BOOL, total=Total.COUNT, field="signed_up"),
        Column("signed_up_on", _("挂牌时间"), Kind.DATE, field="signed_up_on"),
        Column("has_office", _("妇联办公室"), Kind.BOOL, total=Total.COUNT, field="has_office"),
        Column(
            "equipment",
            _("已配备设备"),
            width=30,
            wrap=True,
            source=lambda home, ctx: "、".join(
                line.strip() for line in home.equipment.splitlines() if line.strip()
            ),
        ),
        Column(
            "equipment_received_on", _("设备到位时间"), Kind.DATE, width=12, field="equipment_received_on"
        ),
        Column("notes", _("备注"), width=16, wrap=True, field="notes"),
    ),
    count_unit="个",
    landscape=False,
    notes=(
        "各村委会应设妇联办公室，并挂“××村妇女之家”牌子；设备由县妇联逐步配备（2014 年工作要点第 1 条）。",
        "合计行“是否挂牌”“妇联办公室”栏为“是”的个数。",
    ),
)

declare(
    village_register(
        model=WomensHome,
        path="womens-homes",
        ledger="womens_homes",
        table=TABLE,
        widgets={"signed_up_on": DATE_INPUT, "equipment_received_on": DATE_INPUT},
        list_columns=("village", "signed_up", "signed_up_on", (_("妇联办公室"), "has_office")),
        list_attrs={"add_label": _("登记妇女之家")},
        help=lambda year: gettext(
            "妇女之家：每村在村委会设妇联办公室，挂“××村妇女之家”的牌子；这里记是否挂牌和县上配发的设备。"
        ),
        menu_order=11,
    )
)
