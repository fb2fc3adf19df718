"""Import the residents' roster (居民花名册, ledger ``persons``) of one village: households and persons.

The women's basic-information ledger is derived from households and persons, so this is how a
village's women enter the system. A resident already registered is matched by ID number and
updated, never duplicated; a resident without an ID number is matched by name within her household.
A 户号 the village does not have yet is created in the 村组 the row names. The rules are those of
the models (:meth:`registry.models.Person.clean`), so a person registered in another village, or
whose record was deleted, is refused with the same message as in a form.
"""

from __future__ import annotations

import re
from typing import Any

from federation.imports.framework import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Field,
    Importer,
    ImportResult,
    ImportRow,
    Kind,
    RowError,
    RowInvalid,
    register,
)
from registry.models import (
    Education,
    Employment,
    Household,
    MaritalStatus,
    Person,
    Relation,
    SexChoice,
)
from registry.places import find_group, parse_work_place

__all__ = ["PERSON_FIELDS", "ImportResult", "PersonImporter", "RowError", "import_persons"]

_DECEASED = re.compile(r"[（(]已故[)）]$")


class PersonImporter(Importer):
    name = "persons"
    aliases = ("women",)
    title = "居民花名册（户和人）"
    permission = "registry.add_person"
    yearly = False
    noun = "人"
    notes = (
        "妇女基本情况台账由户和人生成：导入居民花名册，就登记了本村的户和每一位居民。",
        "已登记的居民按身份证号找到并更新，不会重复登记；没有身份证号的居民按户号和姓名查找。",
        "户号是本村还没有的新户时，系统按“村组”一列建户，所以新户的每一行都要填村组。",
        "身份证号填了，出生日期和性别可以留空，由身份证号得出。已故的居民在姓名后写“（已故）”。",
    )
    fields = (
        Field(
            "place", "村组", aliases=("组别", "村（组）", "组"), help="村民小组，如 1组 或 一组；新户必填。"
        ),
        Field("household", "户号", help="本村的户号；新户号会按村组建户。不属于任何户的居民留空。"),
        Field("name", "姓名", required=True),
        Field(
            "relation",
            "与户主关系",
            Kind.CHOICE,
            choices=Relation,
            value_aliases={
                "妻子": "spouse",
                "丈夫": "spouse",
                "儿子": "child",
                "女儿": "child",
                "父亲": "parent",
                "母亲": "parent",
            },  # noqa: E501
            help="填了户号时必填。一户只能有一位户主、一位配偶。",
        ),
        Field("sex", "性别", Kind.CHOICE, choices=SexChoice, value_aliases={"女性": "F", "男性": "M"}),
        Field("birth_date", "出生日期", Kind.DATE, aliases=("出生年月日",)),
        Field("id_number", "身份证号", Kind.ID_NUMBER, aliases=("身份证号码", "公民身份号码")),
        Field("ethnicity", "民族", help="如 汉族、彝族；留空为汉族。"),
        Field("phone", "联系电话", Kind.PHONE, aliases=("电话",)),
        Field("marital_status", "婚姻状况", Kind.CHOICE, choices=MaritalStatus),
        Field(
            "education",
            "文化程度",
            Kind.CHOICE,
            choices=Education,
            value_aliases={
                "文盲": "none",
                "半文盲": "none",
                "高中": "senior",
                "中专": "senior",
                "本科": "bachelor",
            },  # noqa: E501
        ),
        Field("employment", "就业状况", Kind.CHOICE, choices=Employment),
        Field(
            "work_place",
            "务工地点",
            help="在家、县内、县外省内或省外，后面可写具体地点，如“省外 广东东莞”；"
            "也可以只写“广东省东莞市”。",
        ),
    )
    field_columns = {"work_place_detail": "work_place", "away_since": "work_place", "__all__": "name"}

    def prepare(self, rows: list[ImportRow]) -> None:
        numbers = [r.values["id_number"] for r in rows if r.values.get("id_number")]
        self.known = {
            p.id_number: p
            for p in Person.all_objects.filter(id_number__in=numbers).select_related("household")
        }
        self.households = {h.number: h for h in Household.objects.filter(village=self.village)}
        self.groups = list(self.village.groups.all())

    def _household(self, row: ImportRow) -> Household | None:
        number = row.get("household")
        if not number:
            return None
        household = self.households.get(number)
        if household is not None:
            return household
        place = row.get("place")
        if not place:
            row.fail(
                "household", f"本村没有户号为“{number}”的户。新户请在“村组”一列填写村民小组，系统会建户。"
            )
            return None
        group = find_group(self.groups, place, village_name=self.village.name)
        if group is None:
            names = "、".join(str(g) for g in self.groups) or "（本村还没有村民小组）"
            row.fail("place", f"本村没有“{place}”这个村民小组，应为：{names}。")
            return None
        household = Household(village=self.village, group=group, number=number)
        self.save(household, row)
        self.households[number] = household
        return household

    def _match(self, row: ImportRow, household: Household | None, name: str) -> Person:
        number = row.get("id_number")
        if number:
            existing = self.known.get(number)
            if existing is not None and existing.village_id == self.village.pk and not existing.is_deleted:
                return existing
            return Person(village=self.village)
        same = Person.objects.filter(village=self.village, name=name, id_number__isnull=True)
        if row.has("household"):
            same = same.filter(household=household)
        matches = list(same[:2])
        return matches[0] if len(matches) == 1 else Person(village=self.village)

    def apply_row(self, row: ImportRow) -> str:
        household = self._household(row) if row.has("household") else None
        raw_name = row.get("name", "")
        deceased = bool(_DECEASED.search(raw_name))
        name = _DECEASED.sub("", raw_name).rstrip() if deceased else raw_name
        person = self._match(row, household, name)
        values: dict[str, Any] = {"name": name, "deceased": deceased}
        if row.has("household"):
            values["household"] = household
            values["relation"] = row.get("relation", "")
        elif row.has("relation"):
            values["relation"] = row.get("relation", "")
        if row.has("id_number"):
            values["id_number"] = row.get("id_number")
        has_id = bool(row.get("id_number"))
        for key in ("sex", "birth_date"):
            # With an ID number these follow from it; a blank cell keeps what it gives.
            if row.has(key) and (row.get(key) is not None or not has_id):
                values[key] = row.get(key) if key == "birth_date" else row.get(key, "")
        for key in ("ethnicity", "phone", "marital_status", "education", "employment"):
            if row.has(key):
                values[key] = row.get(key, "汉族" if key == "ethnicity" else "")
        if row.has("work_place"):
            place, detail, error = parse_work_place(row.get("work_place", ""), county=self.village)
            if error:
                row.fail("work_place", error)
            values["work_place"], values["work_place_detail"] = place, detail
        if row.errors:
            raise RowInvalid
        is_new = person.pk is None
        if not self.changed(person, values) and not is_new:
            return UNCHANGED
        self.save(person, row)
        return CREATED if is_new else UPDATED


register(PersonImporter)

#: (field key, header texts) of the roster, as the export writes it and as villages type it.
PERSON_FIELDS = PersonImporter.specs()


def import_persons(source, *, village, user=None, dry_run: bool = False, **read_options: Any) -> ImportResult:
    """Read ``source`` (see :func:`federation.imports.reader.read_ledger`) and import it into ``village``.

    Raise :class:`federation.imports.reader.ImportRefused` for a file refused before reading.
    """
    return PersonImporter(village, user=user).import_file(source, dry_run=dry_run, **read_options)
