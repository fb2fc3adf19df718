"""妇女基本信息台账 (seed, 2014 plan item 2): every woman of the village of the adult age.

Derived from persons and households, never typed twice: the register is a page and a ledger of
its own. Its file comes in as the roster's rows of its women (:class:`WomenLedgerImporter`), whose
husbands' columns are compared with the husbands registered in their households.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from federation.ledgers.columns import import_columns, with_model_choices
from federation.ledgers.imports.cells import parse_id
from federation.ledgers.imports.framework import UNCHANGED, UPDATED, ImportRow, RowInvalid
from federation.ledgers.model_ledgers import model_ledger
from federation.web.registers import Deadline, Menu, Register, declare, settings_help
from registry import selectors
from registry.exports import WOMEN, women_queryset, women_rows
from registry.imports.persons import PersonImporter
from registry.models import Person
from registry.models.people import person_problems

# -- the import -----------------------------------------------------------------------------------

#: The husband's model fields -> the columns their messages go under.
HUSBAND_COLUMNS = {
    "id_number": "husband_id",
    "work_place": "husband_work",
    "work_place_detail": "husband_work",
}


class WomenLedgerImporter(PersonImporter):
    """妇女基本信息台账 (ledger ``women``): its women as the roster imports them, and their husbands.

    A woman is matched, updated or registered as a roster's row (姓名, 身份证号, 婚否). Her husband's
    columns are compared with the husband registered in her household (``selectors.family_among``,
    the ledger's own rule): the same name and ID number match; a number he has not got yet is filled
    in when the row names him; a work place that differs is written to him; any other difference
    refuses the row with both values. 年龄 is checked against her birth date; 村组 and 子女 are not read.
    """

    name = "women"
    title = gettext("妇女基本信息台账")
    yearly = True  # its ages are those of a year
    fields = with_model_choices(import_columns(WOMEN.declared_columns), Person)
    village_keys = ("place",)
    notes = (
        _(
            "妇女基本信息台账由户和人生成：导入本表，按身份证号找到本村已登记的妇女并更新她的姓名、婚否；没有登记的妇女会登记（不建户）。"
        ),
        _(
            "丈夫的姓名、身份证号与她户中登记的丈夫（户主或配偶）核对：不一致的行不导入，并列出两边的值；"
            "丈夫还没有身份证号的，填了并填上他的姓名就补录；务工地点与登记的不同时更新。"
        ),
        _("年龄填了的，与身份证号核对；村组、子女由户籍得出，导入时不读取。"),
    )

    def prepare(self, rows: list[ImportRow]) -> None:
        super().prepare(rows)
        # The households of the women the file names, for their husbands: one query a 900 of them.
        ids = sorted({p.household_id for p in self.known.values() if p.household_id})
        ids += sorted({p.household_id for ps in self.unnumbered.values() for p in ps if p.household_id})
        self.members: dict[int, list[Person]] = defaultdict(list)
        ids = sorted(set(ids))
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            for member in Person.objects.filter(household_id__in=chunk).order_by("birth_date", "pk"):
                member = self.known.get(member.id_number, member) if member.id_number else member
                self.members[member.household_id].append(member)

    def husband_of(self, woman: Person) -> Person | None:
        """Return the husband registered in the woman's household (the women's ledger's rule)."""
        if woman.pk is None or woman.household_id is None:
            return None
        husband, _children = selectors.family_among(
            woman.pk, woman.relation, self.members.get(woman.household_id, ())
        )
        return husband

    def apply_row(self, row: ImportRow) -> str:
        outcome = super().apply_row(row)
        if self.apply_husband(row, row.record) and outcome == UNCHANGED:
            return UPDATED
        return outcome

    def apply_husband(self, row: ImportRow, woman: Person) -> bool:
        """Match, correct or refuse the row's husband columns; return whether the husband changed."""
        typed = {key: row.get(key) for key in ("husband", "husband_id", "husband_work")}
        if not any(typed.values()):
            return False
        husband = self.husband_of(woman)
        if husband is None:
            first = next(key for key, value in typed.items() if value)
            row.fail(
                first,
                gettext(
                    "表中填了丈夫，但她户中没有登记丈夫（户主或配偶）。"
                    "请先在居民花名册或“居民”中登记她的户和丈夫，或把丈夫几列留空。"
                ),
            )
            raise RowInvalid
        name, number, work = typed["husband"], typed["husband_id"], typed["husband_work"]
        values: dict[str, Any] = {}
        if name and name != husband.name:
            row.fail(
                "husband",
                gettext("填的是“%(name)s”，她户中登记的丈夫是“%(registered)s”。请核对，或先在居民中更正。")
                % {"name": name, "registered": husband.name},
            )
        if number and number != husband.id_number:
            if husband.id_number:
                row.fail(
                    "husband_id",
                    gettext(
                        "填的是 %(typed)s，她户中登记的丈夫“%(name)s”的身份证号是 %(registered)s。"
                        "请核对，或先在居民中更正。"
                    )
                    % {"typed": number, "name": husband.name, "registered": husband.id_number},
                )
            elif name != husband.name:
                row.fail(
                    "husband_id",
                    gettext(
                        "她户中登记的丈夫“%(name)s”还没有身份证号；"
                        "要补录 %(typed)s，请在丈夫姓名中填上“%(name)s”。"
                    )
                    % {"typed": number, "name": husband.name},
                )
            else:
                valid, error = parse_id(number)
                if error:
                    row.fail("husband_id", error)
                else:
                    values["id_number"] = valid
        if work:
            place, detail, error = self._work_place(work)
            if error:
                row.fail("husband_work", error)
            elif (place, detail) != (husband.work_place, husband.work_place_detail):
                values["work_place"], values["work_place_detail"] = place, detail
        if row.errors:
            raise RowInvalid
        if not self.changed(husband, values):
            return False
        problems = person_problems(husband, clash=self._clash, taken=self._taken)
        for model_field, error in problems.items():
            for message in error.messages:
                row.fail(HUSBAND_COLUMNS.get(model_field, "husband"), message)
        if row.errors:
            raise RowInvalid
        self.save(husband, row, exclude=("village", "household"), clean=lambda: None)
        husband.fill_derived()  # as save() would: the batched write does not call it
        if husband.id_number:
            self.known[husband.id_number] = husband
        return True


def _size(*, user, village, year: int) -> int:
    return selectors.women_ledger(user=user, year=year).filter(village=village).count()


declare(
    Register(
        name="women_ledger",
        title=str(_("妇女基本信息台账")),
        app_label="registry",
        list_url_name="registry:women_ledger",
        permission="registry.view_person",
        # The list page's help: the 2014 plan's definition (item 2) with the year's adult age.
        help=settings_help(
            _(
                "妇女基本信息台账：本村年满 {settings.adult_age} 周岁的妇女（成年女子都算，不只是已婚的），"
                "记村组、姓名、年龄、婚否、身份证号和丈夫、子女的情况；由居民和户籍信息生成，不必重复录入。"
                "年龄按 {settings.ages_on:%Y}年{settings.ages_on.month}月{settings.ages_on.day}日"
                "（统计截止日）计算；3月30日前完成。"
            )
        ),
        menu=Menu("registers", 0),
        deadline=Deadline("women_ledger", 3, 30, _("妇女\n台账"), order=10, size=_size),
        ledgers=(
            model_ledger(
                Person,
                "women",
                WOMEN,
                queryset=women_queryset,
                rows=women_rows,
                list_views=("registry:women_ledger",),
            ),
        ),
        importer=WomenLedgerImporter,
    )
)
