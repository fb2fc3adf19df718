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

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from federation.core.actors import SystemActor
from federation.ledgers.columns import import_columns
from federation.ledgers.imports.framework import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Importer,
    ImportResult,
    ImportRow,
    RowError,
    RowInvalid,
)
from registry.exports import PERSONS
from registry.models import (
    Household,
    Person,
    Relation,
)
from registry.models.people import clash_in_database, person_problems
from registry.places import find_group, no_group_reason, parse_work_place

__all__ = ["PERSON_FIELDS", "ImportResult", "PersonImporter", "RowError", "import_persons"]

_DECEASED = re.compile(r"[（(]已故[)）]$")
_ONE_PER_HOUSEHOLD = (Relation.HEAD, Relation.SPOUSE)
_ELSEWHERE = object()  # the household of a person whose household is not one of this village's
#: What a blank 民族 cell stores: the model's default (a value, not a message).
_ETHNICITY_DEFAULT = Person._meta.get_field("ethnicity").get_default()


class PersonImporter(Importer):
    name = "persons"
    title = _("居民花名册（户和人）")  # a str, translated when the class is declared: see Importer.title
    permission = "registry.add_person"
    yearly = False
    noun = gettext_lazy("人")
    notes = (
        gettext_lazy("妇女基本情况台账由户和人生成：导入居民花名册，就登记了本村的户和每一位居民。"),
        gettext_lazy("已登记的居民按身份证号找到并更新，不会重复登记；没有身份证号的居民按户号和姓名查找。"),
        gettext_lazy("户号是本村还没有的新户时，系统按“村组”一列建户，所以新户的每一行都要填村组。"),
        gettext_lazy(
            "身份证号填了，出生日期和性别可以留空，由身份证号得出。已故的居民在姓名后写“（已故）”。"
        ),
    )
    fields = import_columns(PERSONS.declared_columns)
    field_columns = {"work_place_detail": "work_place", "away_since": "work_place", "__all__": "name"}
    village_keys = ("place",)  # 村组, which a file of several villages writes 大河村一组
    bulk = True  # written in one batch after the last row: see Importer.keep

    def prepare(self, rows: list[ImportRow]) -> None:
        # Everything the rows' rules ask of the database is fetched here, once; the rows then keep it
        # up to date (a household created by a row above, a 户主 registered by a row above), and what
        # they create or change is written in bulk once every row passed (Importer.keep).
        numbers = [r.values["id_number"] for r in rows if r.values.get("id_number")]
        self.known: dict[str, Person] = {}
        for start in range(0, len(numbers), 5000):
            chunk = numbers[start : start + 5000]
            for p in Person.all_objects.filter(id_number__in=chunk).select_related("household__group"):
                self.known[p.id_number] = p
        self.known_numbers = set(numbers)
        self.created: set[int] = set()
        self.work_places: dict[str, tuple[str, str, str | None]] = {}
        households = Household.objects.filter(village=self.village).select_related("group")
        self.households = {h.number: h for h in households}
        self.by_pk = by_pk = {h.pk: h for h in self.households.values()}
        for p in self.known.values():
            if p.household_id in by_pk:
                p.household = by_pk[p.household_id]  # one object a household, as the rows hold it
        self.groups = list(self.village.groups.all())
        self._create_households(rows)
        # Who holds 户主 and 配偶 in each household (Person.clean: one of each a household).
        self.holders: dict[tuple[int, str], object] = {}
        self.holds: dict[object, tuple[int, str]] = {}
        live = Person.objects.filter(household__village=self.village, relation__in=_ONE_PER_HOUSEHOLD)
        for pk, household_id, relation in live.values_list("pk", "household_id", "relation"):
            if household_id in by_pk:
                self._hold(pk, by_pk[household_id], relation)
        # Residents without an ID number, matched by name (and household) within the village.
        self.unnumbered: dict[str, list[Person]] = {}
        for p in Person.objects.filter(village=self.village, id_number__isnull=True):
            if p.household_id in by_pk:
                p.household = by_pk[p.household_id]
            self.unnumbered.setdefault(p.name, []).append(p)

    def _create_households(self, rows: list[ImportRow]) -> None:
        """Create at once (with their history) the new households whose first row names a valid 村组.

        What the first row naming a new 户号 would create row by row, so that every person's household
        has its key when she is saved; any other new 户号 is left to its rows, which name what is wrong
        (or create it). Nothing of it stays on a dry run or with any bad row: the import rolls back.
        """
        first: dict[str, ImportRow] = {}
        for row in rows:
            number = row.get("household")
            if row.has("household") and number and number not in self.households:
                first.setdefault(number, row)
        new = []
        for number, row in first.items():
            place = row.get("place")
            group = find_group(self.groups, place, village_name=self.village.name) if place else None
            if group is None:
                continue
            household = Household(village=self.village, group=group, number=number)
            household.fill_derived()  # written in one batch: save() is not called
            try:
                household.full_clean(
                    exclude=["village", "group"], validate_unique=False, validate_constraints=False
                )
            except ValidationError:
                continue
            new.append(household)
        if new:
            self.create_now(new)
            for household in new:
                self.households[household.number] = household
                self.by_pk[household.pk] = household

    # -- what the rows keep up to date -----------------------------------------------------------------

    @staticmethod
    def _token(person: Person) -> object:
        return person.pk if person.pk is not None else ("new", id(person))

    def _hold(self, token: object, household: Household | None, relation: str) -> None:
        old = self.holds.pop(token, None)
        if old is not None and self.holders.get(old) == token:
            del self.holders[old]
        if household is not None and relation in _ONE_PER_HOUSEHOLD:
            key = (id(household), relation)
            self.holders[key] = token
            self.holds[token] = key

    def _taken(self, person: Person) -> bool:
        holder = self.holders.get((id(person.household), person.relation))
        return holder is not None and holder != self._token(person)

    def _clash(self, person: Person, number: str) -> tuple[int | None, Any] | None:
        other = self.known.get(number)
        if other is None:
            # Every number of the file was fetched; any other (none today) is asked of the database.
            return None if number in self.known_numbers else clash_in_database(person, number)
        if other is person or (other.pk is not None and other.pk == person.pk):
            return None
        return other.village_id, other.deleted_at

    def _work_place(self, text: str) -> tuple[str, str, str | None]:
        """Return parse_work_place's answer, once a text (a village writes a few dozen of them)."""
        if text not in self.work_places:
            self.work_places[text] = parse_work_place(text, county=self.village)
        return self.work_places[text]

    def _household_of(self, person: Person) -> Household | None | object:
        """Return the person's household without a query (another village's: a stand-in)."""
        if person.household_id is None:
            return person.household if Person.household.is_cached(person) else None
        return self.by_pk.get(person.household_id, _ELSEWHERE)

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
                "household",
                _("本村没有户号为“%(household)s”的户。新户请在“村组”一列填写村民小组，系统会建户。")
                % {"household": number},
            )
            return None
        group = find_group(self.groups, place, village_name=self.village.name)
        if group is None:
            row.fail("place", no_group_reason(self.groups, place))
            return None
        household = Household(village=self.village, group=group, number=number)
        household.fill_derived()  # written in one batch: save() is not called
        # The village and its group are this village's own: their keys need no query.
        self.save(household, row, exclude=("village", "group"))
        self.households[number] = household
        return household

    def _match(self, row: ImportRow, household: Household | None, name: str) -> Person:
        number = row.get("id_number")
        if number:
            existing = self.known.get(number)
            if existing is not None and existing.village_id == self.village.pk and not existing.is_deleted:
                return existing
            return Person(village=self.village)
        same = self.unnumbered.get(name, [])
        if row.has("household"):
            same = [p for p in same if self._household_of(p) is household]
        return same[0] if len(same) == 1 else Person(village=self.village)

    def apply_row(self, row: ImportRow) -> str:
        household = self._household(row) if row.has("household") else None
        raw_name = row.get("name", "")
        deceased = bool(_DECEASED.search(raw_name))
        name = _DECEASED.sub("", raw_name).rstrip() if deceased else raw_name
        person = self._match(row, household, name)
        row.record = person  # what the derived columns it fills (年龄) are checked against
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
                values[key] = row.get(key, _ETHNICITY_DEFAULT if key == "ethnicity" else "")
        if row.has("work_place"):
            place, detail, error = self._work_place(row.get("work_place", ""))
            if error:
                row.fail("work_place", error)
            values["work_place"], values["work_place_detail"] = place, detail
        if row.errors:
            raise RowInvalid
        is_new = person.pk is None and id(person) not in self.created
        old_name, old_number = person.name, person.id_number
        if not self.changed(person, values) and not is_new:
            return UNCHANGED
        # Person.clean's rules, with what prepare() fetched; the keys are the village's own records.
        self.save(
            person,
            row,
            exclude=("village", "household"),
            clean=lambda: _raise(person_problems(person, clash=self._clash, taken=self._taken)),
        )
        person.fill_derived()  # as save() would: the batched write does not call it
        if is_new:
            self.created.add(id(person))
        self._hold(self._token(person), person.household, person.relation)
        if old_number is None:
            entries = self.unnumbered.get(old_name, [])
            if any(p is person for p in entries):
                self.unnumbered[old_name] = [p for p in entries if p is not person]
        if person.id_number is None:
            self.unnumbered.setdefault(person.name, []).append(person)
        else:
            self.known[person.id_number] = person
        return CREATED if is_new else UPDATED


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


#: (field key, header texts) of the roster, as the export writes it and as villages type it.
PERSON_FIELDS = PersonImporter.specs()


def import_persons(source, *, village, user=None, dry_run: bool = False, **read_options: Any) -> ImportResult:
    """Read ``source`` (see ``federation.ledgers.imports.reader.read_ledger``) and import it into ``village``.

    ``user`` imports it; without one, the command line's system user does, for that village only.
    Raise :class:`federation.ledgers.imports.reader.ImportRefused` for a file refused before reading.
    """
    actor = user or SystemActor(village)
    return PersonImporter(village, user=actor).import_file(source, dry_run=dry_run, **read_options)
