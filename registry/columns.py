"""The columns the registry's ledgers share, so that each is declared once and a ledger reads as a table.

The column of a record's own field is ``Column.of_field`` (its key is the field's name, as the
import matches it), a field of wrapped text :func:`text_column`. The columns that several ledgers
repeat, a person's 村组, 姓名, 年龄, 身份证号, 联系电话, 文化程度, 务工地点 and husband or a
village record's 村, are made here; a ledger takes one as it is or ``replace``-s what it says
otherwise (its source, its help).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from federation.ledgers.columns import Column, Kind
from registry.imports import derived
from registry.imports.aliases import EDUCATION_ALIASES
from registry.models import Education


def text_column(key: str, header: Any, *, width: float = 14, **options: Any) -> Column:
    """Return the column of the record's text field ``key``, wrapped in ``width`` (备注, 学校 …)."""
    return Column.of_field(key, header, width=width, wrap=True, **options)


def work_place_column(key: str, *, aliases: tuple[str, ...] = (), help: Any = "") -> Column:
    """Return a 务工地点 column (where a person works, e.g. 省外 广东东莞; ``registry.places``)."""
    return Column(key, _("务工地点"), width=16, wrap=True, aliases=aliases, help=help)


def village_column(*aliases: str) -> Column:
    """Return the 村 column of a ledger of village records: its village's name, which the import
    checks is the importer's own (``registry.entries.check_own_village``)."""
    return Column(
        "village", _("村"), width=12, source="village.name", aliases=aliases, help=_("本村村名，可以空着。")
    )


#: The 村组 of a person's row, worked out (``ExportContext.village_group``: 红旗村一组 across villages).
PLACE = Column("place", _("村组"), width=14, read=False, aliases=("村（组）", "组别"))
#: A person's 姓名 (the row's own).
NAME = Column("name", _("姓名"), width=10, required=True)
#: A person's 年龄, worked out; a filled one is checked against her birth date.
AGE = Column("age", _("年龄"), Kind.INT, read=False, derive=derived.age)
#: A person's 身份证号 (the row's own; a register's reads it ``source="person.id_number"``).
ID_NUMBER = Column("id_number", _("身份证号"), Kind.ID_NUMBER, aliases=("身份证号码", "公民身份号码"))
#: Her husband's 姓名, under the group 丈夫 (the women's ledgers).
HUSBAND = Column("husband", _("姓名"), aliases=("丈夫情况姓名",))
#: A person's 联系电话.
PHONE = Column("phone", _("联系电话"), Kind.PHONE, aliases=("电话",))
#: A person's 文化程度.
EDUCATION = Column(
    "education", _("文化程度"), Kind.CHOICE, choices=Education, value_aliases=EDUCATION_ALIASES
)
