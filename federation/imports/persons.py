"""Import the residents' roster (居民花名册, ledger ``persons``) of one village: all or nothing.

The whole file is checked first and every bad row is collected as (row number, column header,
reason); nothing is written unless every row is clean, and then everything is written in one
transaction. A resident already registered is matched by ID number and updated, never duplicated;
a resident without an ID number is matched by name within her household. The rules are those of
the model (:meth:`registry.models.Person.clean`), so a person registered in another village, or
whose record was deleted, is refused with the same message as in a form.

Households are not created here: 户号 must name a household the village already has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from federation.imports.cells import normalize_header, parse_date, parse_id, parse_text
from federation.imports.reader import Table, read_ledger
from registry.models import (
    Education,
    Employment,
    Household,
    MaritalStatus,
    Person,
    Relation,
    SexChoice,
    WorkPlace,
)

#: (field key, header texts) of the roster, as the export writes it and as villages type it.
PERSON_FIELDS: list[tuple[str, list[str]]] = [
    ("household", ["户号"]),
    ("name", ["姓名"]),
    ("relation", ["与户主关系"]),
    ("sex", ["性别"]),
    ("birth_date", ["出生日期", "出生年月日"]),
    ("id_number", ["身份证号", "身份证号码", "公民身份号码"]),
    ("ethnicity", ["民族"]),
    ("phone", ["联系电话", "电话"]),
    ("marital_status", ["婚姻状况"]),
    ("education", ["文化程度"]),
    ("employment", ["就业状况"]),
    ("work_place", ["务工地点"]),
]
_LABELS = {key: texts[0] for key, texts in PERSON_FIELDS}

_CHOICES: dict[str, Any] = {
    "relation": Relation,
    "sex": SexChoice,
    "marital_status": MaritalStatus,
    "education": Education,
    "employment": Employment,
}
#: What villages write for a choice, beside its label.
_ALIASES = {
    "education": {"文盲": "none", "半文盲": "none", "高中": "senior", "中专": "senior", "本科": "bachelor"},
    "sex": {"女性": "F", "男性": "M"},
}
#: Model field -> the column its error is shown under.
_FIELD_COLUMN = {
    "household": "household",
    "relation": "relation",
    "name": "name",
    "id_number": "id_number",
    "sex": "sex",
    "birth_date": "birth_date",
    "ethnicity": "ethnicity",
    "phone": "phone",
    "marital_status": "marital_status",
    "education": "education",
    "employment": "employment",
    "work_place": "work_place",
    "work_place_detail": "work_place",
}
_DECEASED = re.compile(r"[（(]已故[)）]$")


@dataclass(frozen=True)
class RowError:
    """One reason a row cannot be imported: its Excel row number, its column header, why."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"第 {self.row} 行【{self.column}】{self.reason}"


@dataclass
class ImportResult:
    """What an import did or, on a dry run or with errors, would do."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (
            f"共 {self.rows} 行：新建 {self.created} 人，更新 {self.updated} 人，无变化 {self.unchanged} 人。"
        )


@dataclass
class _Plan:
    row: int
    person: Person
    is_new: bool
    changed: bool


def _choice(key: str, raw: Any) -> tuple[str, str | None]:
    text, _ = parse_text(raw)
    if not text:
        return "", None
    choices = _CHOICES[key]
    wanted = normalize_header(text)
    for value, label in choices.choices:
        if wanted in (normalize_header(label), normalize_header(value)):
            return value, None
    alias = _ALIASES.get(key, {}).get(wanted)
    if alias is not None:
        return alias, None
    allowed = "、".join(str(label) for _value, label in choices.choices)
    return "", f"“{text}”不是允许的值，应为：{allowed}。"


def _work_place(raw: Any) -> tuple[tuple[str, str], str | None]:
    """Return (work place, detail) from "省外 广东东莞" as the export writes it."""
    text, _ = parse_text(raw)
    if not text:
        return (WorkPlace.HOME, ""), None
    labels = sorted(((str(label), value) for value, label in WorkPlace.choices), key=lambda p: -len(p[0]))
    for label, value in labels:
        if text.startswith(label):
            return (value, text[len(label) :].strip()), None
    allowed = "、".join(str(label) for _value, label in WorkPlace.choices)
    return ("", ""), f"“{text}”应以务工地点之一开头：{allowed}（后面可写具体地点）。"


class PersonImporter:
    """Check and write a roster table for one village."""

    def __init__(self, village, *, user=None) -> None:
        self.village = village
        self.user = user

    def _title(self, table: Table, key: str) -> str:
        column = table.mapping.get(key)
        return column.title if column is not None else _LABELS.get(key, key)

    def check(self, table: Table) -> tuple[list[_Plan], list[RowError]]:
        """Return the plan of every row and every error; nothing is written."""
        errors: list[RowError] = []
        plans: list[_Plan] = []
        if "name" not in table.mapping:
            errors.append(RowError(table.header_rows[0], "姓名", "找不到“姓名”列。"))
            return plans, errors
        households = {h.number: h for h in Household.objects.filter(village=self.village)}
        numbers = []
        for row in table.rows:
            number, _error = parse_id(row.values.get("id_number"))
            if number:
                numbers.append(number)
        known = {p.id_number: p for p in Person.all_objects.filter(id_number__in=numbers)}
        first_row_of: dict[str, int] = {}

        for row in table.rows:
            row_errors: list[RowError] = []

            def fail(key: str, reason: str, row_errors=row_errors, row=row) -> None:
                row_errors.append(RowError(row.number, self._title(table, key), reason))

            values: dict[str, Any] = {}
            for key in table.mapping:
                raw = row.values.get(key)
                if key == "id_number":
                    value, error = parse_id(raw)
                    if value and value in first_row_of:
                        error = f"与第 {first_row_of[value]} 行的身份证号重复。"
                    elif value:
                        first_row_of[value] = row.number
                elif key == "birth_date":
                    value, error = parse_date(raw)
                elif key in _CHOICES:
                    value, error = _choice(key, raw)
                elif key == "work_place":
                    value, error = _work_place(raw)
                elif key == "household":
                    text, _ = parse_text(raw)
                    value, error = households.get(text or ""), None
                    if text and value is None:
                        error = f"本村没有户号为“{text}”的户，请先在系统中建户。"
                else:
                    value, error = parse_text(raw)
                    value = value or ""
                if error:
                    fail(key, error)
                values[key] = value
            name = values.get("name") or ""
            if not name:
                fail("name", "姓名不能为空。")
            if row_errors:
                errors.extend(row_errors)
                continue
            deceased = bool(_DECEASED.search(name))
            values["name"] = _DECEASED.sub("", name).rstrip() if deceased else name

            person = self._match(values, known)
            is_new = person.pk is None
            before = {f: getattr(person, f) for f in self._fields(values)}
            self._assign(person, values, deceased)
            try:
                person.full_clean(validate_unique=False)
            except ValidationError as exc:
                for model_field, messages in exc.message_dict.items():
                    key = _FIELD_COLUMN.get(model_field, "name")
                    for message in messages:
                        fail(key, message)
                errors.extend(row_errors)
                continue
            changed = is_new or any(getattr(person, f) != old for f, old in before.items())
            plans.append(_Plan(row.number, person, is_new, changed))
        return plans, errors

    @staticmethod
    def _fields(values: dict[str, Any]) -> list[str]:
        fields = []
        for key in values:
            if key == "work_place":
                fields += ["work_place", "work_place_detail"]
            elif key == "household":
                fields.append("household_id")
            else:
                fields.append(key)
        return [*fields, "deceased"] if "name" in values else fields

    def _match(self, values: dict[str, Any], known: dict[str, Person]) -> Person:
        number = values.get("id_number")
        if number:
            existing = known.get(number)
            if existing is not None and existing.village_id == self.village.pk and not existing.is_deleted:
                return existing
            return Person(village=self.village)
        same = Person.objects.filter(village=self.village, name=values["name"], id_number__isnull=True)
        if "household" in values:
            same = same.filter(household=values["household"])
        matches = list(same[:2])
        return matches[0] if len(matches) == 1 else Person(village=self.village)

    @staticmethod
    def _assign(person: Person, values: dict[str, Any], deceased: bool) -> None:
        for key, value in values.items():
            if key == "work_place":
                person.work_place, person.work_place_detail = value
            elif key == "household":
                person.household = value
            elif key == "id_number":
                person.id_number = value or None
            elif key == "birth_date":
                if value is not None or not values.get("id_number"):
                    person.birth_date = value
            elif key == "sex":
                if value or not values.get("id_number"):
                    person.sex = value
            else:
                setattr(person, key, value)
        if "name" in values:
            person.deceased = deceased

    def run(self, table: Table, *, dry_run: bool = False) -> ImportResult:
        """Check the whole table; write it in one transaction unless a row is bad or ``dry_run``."""
        plans, errors = self.check(table)
        result = ImportResult(rows=len(table.rows), errors=errors)
        if errors:
            return result
        result.created = sum(1 for p in plans if p.is_new)
        result.updated = sum(1 for p in plans if p.changed and not p.is_new)
        result.unchanged = sum(1 for p in plans if not p.changed)
        if dry_run:
            return result
        with transaction.atomic():
            for plan in plans:
                if plan.changed:
                    if self.user is not None:
                        plan.person._history_user = self.user
                    plan.person.save()
        result.written = True
        return result


def import_persons(source, *, village, user=None, dry_run: bool = False, **read_options: Any) -> ImportResult:
    """Read ``source`` (see :func:`federation.imports.reader.read_ledger`) and import it into ``village``.

    Raise :class:`federation.imports.reader.ImportRefused` for a file refused before reading.
    """
    table = read_ledger(source, PERSON_FIELDS, **read_options)
    return PersonImporter(village, user=user).run(table, dry_run=dry_run)
