"""Reads of the registry: lists and summaries, always through the scoping rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import connections
from django.db.models import Count, Exists, Func, OuterRef, Q, QuerySet, Subquery, TextField
from django.utils import timezone

from federation.core.idnumber import is_whole_id_number
from federation.core.models import Village, year_settings
from federation.core.roles import Level
from federation.core.rules import years_before
from federation.core.scoping import membership_of
from federation.web.registers import registers
from registry.models import Household, LeftBehindWoman, Person, PoorWoman, RegisterEntry, Relation


def filter_given(qs: QuerySet, **lookups: Any) -> QuerySet:
    """Return ``qs`` filtered by those of ``lookups`` whose value is given (a list's filters left empty
    keep every row)."""
    given = {lookup: value for lookup, value in lookups.items() if value}
    return qs.filter(**given) if given else qs


def person_list(
    *,
    user,
    search: str = "",
    group_id: int | None = None,
    village_id: int | None = None,
    register: str = "",
    missing_id: bool = False,
) -> QuerySet[Person]:
    """Return the persons ``user`` sees, searched by name, whole ID number or its last 4 characters.

    ``register`` keeps those entered in a yearly register (its declared name) in any year;
    ``missing_id`` keeps those whose ID number is still to be completed.
    """
    qs = Person.objects.for_user(user).select_related("village", "household__group")
    qs = filter_given(person_search(qs, search), household__group_id=group_id, village_id=village_id)
    declared = registers.get(register) if register else None
    if declared is not None and declared.counted:
        qs = qs.filter(Exists(declared.model.objects.filter(person_id=OuterRef("pk"))))
    if missing_id:
        qs = qs.filter(id_number__isnull=True)
    return qs


def household_list(
    *, user, search: str = "", group_id: int | None = None, village_id: int | None = None
) -> QuerySet[Household]:
    """Return the households ``user`` sees, searched by number, address or a member's name."""
    qs = Household.objects.for_user(user).select_related("village", "group").prefetch_related("incomes")
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(number=search) | Q(address__contains=search) | Q(members__name__contains=search)
        ).distinct()
    return filter_given(qs, group_id=group_id, village_id=village_id)


def village_figures(*, village: Village, **_kwargs) -> dict:
    """Return the figures of a village director's home page: households, residents, women, missing IDs."""
    persons = Person.objects.filter(village=village)
    return {
        "household_count": Household.objects.filter(village=village).count(),
        "person_count": persons.count(),
        "women_count": persons.filter(sex="F", deceased=False).count(),
        "missing_id_count": persons.filter(Q(id_number__isnull=True) | Q(id_number="")).count(),
    }


def missing_id_todo(*, village: Village, **_kwargs) -> dict:
    """Return the to-do of a director's residents whose ID number is still to be completed: 10
    listed, all of them counted (the persons list filtered by 未填身份证号 shows them all)."""
    missing = Person.objects.filter(village=village).filter(Q(id_number__isnull=True) | Q(id_number=""))
    listed = list(missing.order_by("group_number", "household_number", "name", "pk")[:10])
    count = len(listed) if len(listed) < 10 else missing.count()
    return {"missing_id": listed, "count": count}


def counts_by_village(model, village_ids) -> dict[int, int]:
    """Return {village id: live rows of ``model``} of ``village_ids``, in one query."""
    rows = (
        model.objects.filter(village_id__in=village_ids).order_by().values("village").annotate(n=Count("pk"))
    )
    return {row["village"]: row["n"] for row in rows}


def in_womens_registers(*, year: int) -> Q:
    """Return the condition on persons of being in a women's register (left-behind, poor) of ``year``
    or the year before: the women a visit is recorded for."""
    years = [year, year - 1]
    return Q(pk__in=LeftBehindWoman.objects.filter(year__in=years).values("person_id")) | Q(
        pk__in=PoorWoman.objects.filter(year__in=years).values("person_id")
    )


def person_search(qs: QuerySet, search: str, prefix: str = "") -> QuerySet:
    """Return ``qs`` searched by a person's name, whole ID number, or its last four characters.

    Records that keep their person's name (a register entry's ``person_name``) are searched by it: a
    scope's entries of the year are read from their own index and filtered, where the person's name
    needs every person of the scope (no index serves one character).
    """
    search = search.strip()
    if not search:
        return qs
    name = f"{prefix}name"
    if prefix == "person__" and any(f.name == "person_name" for f in qs.model._meta.concrete_fields):
        name = "person_name"
    upper = search.upper()
    if len(upper) == 4 and upper[:3].isdigit() and (upper[3].isdigit() or upper[3] == "X"):
        # Both sides on the person: an OR across the entry's kept name and her id_last4 is a join
        # no index serves (a county's count read every entry: 4 s).
        return qs.filter(Q(**{f"{prefix}id_last4": upper}) | Q(**{f"{prefix}name__contains": search}))
    if is_whole_id_number(upper):
        return qs.filter(**{f"{prefix}id_number": upper})
    if name != "person_name" and len(search) == 1 and connections[qs.db].vendor == "postgresql":
        # By the index of the names' characters (registry 0022): neither the trigram index nor the
        # two-character pieces serve one character, so the county's persons searched for 王 read
        # every person. A name holds the character exactly when one of its characters is it; the
        # LIKE is left out, which the planner would take for a second condition and expect a few
        # rows (then join them one by one to the scope's villages: 7,788 persons for 向 in the
        # county, 21 of its count's 35 ms).
        return qs.alias(_name_chars=NameCharacters(f"{prefix}name")).filter(_name_chars__contains=[search])
    qs = qs.filter(**{f"{name}__contains": search})
    if name != "person_name" and len(search) == 2 and connections[qs.db].vendor == "postgresql":
        # Also by the index of names' two-character pieces (registry 0016): the trigram index serves
        # three characters or more, so a county's register searched for 王芳 read its every entry.
        qs = qs.alias(_name_bigrams=NameBigrams(f"{prefix}name")).filter(_name_bigrams__contains=[search])
    return qs


class NameBigrams(Func):
    """A name's two-character pieces (叶悦华 → {叶悦, 悦华}), PostgreSQL's function of registry 0016."""

    function = "registry_name_bigrams"
    output_field = ArrayField(TextField())


class NameCharacters(Func):
    """A name's characters (叶悦华 → {叶, 悦, 华}), PostgreSQL's function of registry 0022."""

    function = "registry_name_characters"
    output_field = ArrayField(TextField())


@dataclass(frozen=True)
class ActiveOn:
    """Which entries of a register's year a list (and its ledgers) shows: those active on ``day``,
    or, with ``day`` None, everyone active at any time in ``year``.

    ``default`` is the day a list opens on (today in the current year, 31 December for a past one,
    1 January for a later one); ``reference`` the year's reference date (统计截止日, the county's
    March report), one click away.
    """

    year: int
    day: dt.date | None
    default: dt.date
    reference: dt.date

    @property
    def all_year(self) -> bool:
        return self.day is None

    @property
    def ages_on(self) -> dt.date:
        """Return the day the list's ages are counted at: the chosen day, else the default day."""
        return self.day or self.default

    def filter(self, qs: QuerySet) -> QuerySet:
        """Return the entries of ``qs`` (of this year) that this choice keeps."""
        if self.day is None:
            return qs.filter(RegisterEntry.active_in_year_q(self.year))
        return qs.filter(RegisterEntry.active_on_q(self.day))

    def label(self) -> str:
        """Return what a list or a ledger says of its rows, e.g. 2026年12月7日在册."""
        if self.day is None:
            return f"{self.year}年内曾在册（全年）"
        return f"{self.day.year}年{self.day.month}月{self.day.day}日在册"


def default_active_day(year: int) -> dt.date:
    """Return the day a register's list of ``year`` opens on: today in the current year, 31 December
    for a past year, 1 January for a later one."""
    today = timezone.localdate()
    if year == today.year:
        return today
    return dt.date(year, 12, 31) if year < today.year else dt.date(year, 1, 1)


def active_on(query: Mapping[str, Any], year: int) -> ActiveOn:
    """Return the list's choice read from its query string: ``active=year`` (everyone active at any
    time in the year), ``on=YYYY-MM-DD`` (a day of the year; another year's day or a day that does not
    exist is ignored), else the default day."""
    default = default_active_day(year)
    reference = year_settings(year).ages_on
    if str(query.get("active", "")) == "year":
        return ActiveOn(year, None, default, reference)
    day = None
    try:
        day = dt.date.fromisoformat(str(query.get("on", "")).strip())
    except ValueError:
        day = None
    if day is None or day.year != year:
        day = default
    return ActiveOn(year, day, default, reference)


def register_entries(
    *,
    model,
    user,
    search: str = "",
    group_id: int | None = None,
    village_id: int | None = None,
    year: int | None = None,
    active: ActiveOn | None = None,
) -> QuerySet:
    """Return a register's entries that ``user`` sees, for a year, searched, filtered by village and
    group, and (``active``) to those active on a day of it or at any time in it."""
    qs = model.objects.for_user(user).select_related("person__village", "person__household__group")
    qs = qs.prefetch_related(*getattr(model, "prefetch_with_entries", ()))
    qs = person_search(qs, search, "person__")
    qs = filter_given(qs, person__village_id=village_id, person__household__group_id=group_id, year=year)
    if active is not None:
        qs = active.filter(qs.filter(year=active.year))
    return qs


def left_behind_woman_candidates(*, user, year: int, village_id: int | None = None) -> QuerySet[Person]:
    """Return the women ``user`` sees (of ``village_id`` only, when given) who meet the left-behind
    conditions but are not registered.

    The same conditions as ``registry.rules.left_behind_woman_problems`` (which the tests hold
    this query to), expressed as one query: aged within the bounds on the year's reference date,
    head or spouse of a household whose other partner, a man, works outside the county since
    at least the required months before that date.
    """
    from federation.core.models import year_settings
    from federation.core.rules import add_months
    from registry.models import LeftBehindWoman, Relation, WorkPlace

    settings = year_settings(year)
    on = settings.ages_on
    youngest_birth = years_before(on, settings.left_behind_woman_min_age)  # born on or before
    oldest_birth = years_before(on, settings.left_behind_woman_max_age + 1)  # born after
    away_before = add_months(on, -settings.husband_away_months)
    # her entry of the year, looked up by its index: not every entry of the county read and hashed
    registered = LeftBehindWoman.objects.filter(year=year, person_id=OuterRef("pk"))
    partner = {
        Relation.HEAD: Relation.SPOUSE,
        Relation.SPOUSE: Relation.HEAD,
    }
    husbands = Person.objects.filter(
        household_id=OuterRef("household_id"),
        sex="M",
        work_place__in=[WorkPlace.OUT_COUNTY, WorkPlace.OUT_PROVINCE],
        away_since__lte=away_before,
        deceased=False,
    )
    qs = Person.objects.for_user(user).filter(
        sex="F", deceased=False, birth_date__lte=youngest_birth, birth_date__gt=oldest_birth
    )
    if village_id:
        qs = qs.filter(village_id=village_id)
    condition = Q()
    for her_relation, his_relation in partner.items():
        condition |= Q(relation=her_relation) & Exists(husbands.filter(relation=his_relation))
    return (
        qs.filter(condition)
        .exclude(Exists(registered))
        .select_related("village", "household__group")
        .order_by("group_number", "name")
    )


def women_ledger(
    *, user, year: int, search: str = "", group_id: int | None = None, village_id: int | None = None
) -> QuerySet[Person]:
    """Return the women of the women's basic-information ledger (妇女基本信息台账) for ``year``,
    searched and filtered by village and group (its page and its export alike).

    Seed, 2014 plan item 2: every woman of the village who is of the adult age (a setting, 18 by
    default) on the year's reference date. Derived from persons and households, never typed twice.
    """
    from django.db.models import Prefetch

    from federation.core.models import year_settings

    settings = year_settings(year)
    members = Person.objects.order_by("birth_date")
    qs = filter_given(Person.objects.for_user(user), village_id=village_id, household__group_id=group_id)
    return (
        person_search(qs, search)
        .filter(sex="F", deceased=False, birth_date__lte=years_before(settings.ages_on, settings.adult_age))
        .select_related("village", "household__group")
        .prefetch_related(Prefetch("household__members", queryset=members))
        .order_by("village__code", "group_number", "household_number", "id")
    )


def ledger_family(woman: Person) -> tuple[Person | None, list[Person]]:
    """Return the husband and the children of a ledger woman, from her prefetched household."""
    if woman.household_id is None:
        return None, []
    return family_among(woman.pk, woman.relation, woman.household.members.all())


def family_among(woman_pk: int, relation: str, members: Iterable[Any]) -> tuple[Any | None, list[Any]]:
    """Return the husband and the children of a woman among her household's ``members``.

    The one rule of the women's ledger (its page through ``ledger_family``, its export on plain
    rows): a household's head or spouse has as husband the other partner, a man, and as children
    its members entered as children; deleted members count for nothing. ``members`` are persons or
    anything with their ``pk``, ``relation``, ``sex`` and ``deleted_at``, in the order to list them.
    """
    if relation == Relation.HEAD:
        partner_relation = Relation.SPOUSE
    elif relation == Relation.SPOUSE:
        partner_relation = Relation.HEAD
    else:
        return None, []
    others = [m for m in members if m.pk != woman_pk and m.deleted_at is None]
    husband = next((m for m in others if m.relation == partner_relation and m.sex == "M"), None)
    children = [m for m in others if m.relation == Relation.CHILD]
    return husband, children


def left_behind_child_candidates(
    *, user, year: int, village_id: int | None = None
) -> list[tuple[Person, str]]:
    """Return (child, parents away) for unregistered children under the age limit whose parents work away.

    A parent is the household's head or spouse (``registry.rules.parents_of``), alive; "away" is
    working outside the county since the year's reference date or before (a start not known: away),
    as ``registry.rules.left_behind_child_family_problems`` judges it. At most 100 children, with the
    prefilled answer "both", "father" or "mother".
    """
    from django.db.models import Prefetch

    from federation.core.models import year_settings
    from registry.models import LeftBehindChild, ParentsAway, Relation, WorkPlace

    settings = year_settings(year)
    on = settings.ages_on
    away = [WorkPlace.OUT_COUNTY, WorkPlace.OUT_PROVINCE]
    parents_away = Person.objects.filter(
        Q(away_since__isnull=True) | Q(away_since__lte=on),
        household_id=OuterRef("household_id"),
        relation__in=[Relation.HEAD, Relation.SPOUSE],
        work_place__in=away,
        deceased=False,
    )
    children = (
        Person.objects.for_user(user)
        .filter(
            relation=Relation.CHILD,
            deceased=False,
            birth_date__gt=years_before(on, settings.child_age_limit),
        )
        .filter(Exists(parents_away), **({"village_id": village_id} if village_id else {}))
        .exclude(Exists(LeftBehindChild.objects.filter(year=year, person_id=OuterRef("pk"))))
        .select_related("village", "household__group")
        .prefetch_related(
            Prefetch(
                "household__members",
                queryset=Person.objects.filter(relation__in=[Relation.HEAD, Relation.SPOUSE]),
            )
        )
        .order_by("group_number", "name")[:100]
    )
    result = []
    for child in children:
        parents = [p for p in child.household.members.all() if p.deleted_at is None and not p.deceased]
        away_sexes = {
            p.sex for p in parents if p.work_place in away and (p.away_since is None or p.away_since <= on)
        }
        which = (
            ParentsAway.BOTH
            if away_sexes == {"M", "F"}
            else (ParentsAway.FATHER if "M" in away_sexes else ParentsAway.MOTHER)
        )
        result.append((child, which))
    return result


def poor_woman_candidates(*, user, year: int, village_id: int | None = None) -> QuerySet[Person]:
    """Return the women ``user`` sees (of ``village_id`` only, when given) who meet the poor women's
    conditions of ``year`` but are not registered that year.

    The conditions of ``registry.rules.poor_woman_problems`` (which the tests hold this query to),
    as one query: a living woman of the adult age on the year's reference date, of a household
    whose per-capita income of ``year`` is below the year's poverty line (annotated as ``income``).
    Each household's income and each woman's entry are looked up by their (household, year) and
    (person, year) indexes.
    """
    from federation.core.models import year_settings
    from registry.models import HouseholdIncome, PoorWoman

    settings = year_settings(year)
    poor = HouseholdIncome.objects.filter(
        household_id=OuterRef("household_id"), year=year, per_capita_income__lt=settings.poverty_line
    )
    registered = PoorWoman.objects.filter(year=year, person_id=OuterRef("pk"))
    qs = Person.objects.for_user(user).filter(
        sex="F",
        deceased=False,
        household__isnull=False,
        birth_date__lte=years_before(settings.ages_on, settings.adult_age),
    )
    if village_id:
        qs = qs.filter(village_id=village_id)
    return (
        qs.filter(Exists(poor))
        .exclude(Exists(registered))
        .annotate(income=Subquery(poor.values("per_capita_income")[:1]))  # shown: why she is listed
        .select_related("village", "household__group")
        .order_by("group_number", "household_number", "name")
    )


def hardship_child_candidates(*, user, year: int, village_id: int | None = None) -> QuerySet[Person]:
    """Return the children ``user`` sees (of ``village_id`` only, when given) whose parents are both
    recorded deceased and who are not registered as children in hardship of ``year``.

    A child of a household (子女) under the age limit on the year's reference date, alive, whose
    household's head and spouse are both recorded deceased: the case ``registry.rules.
    hardship_child_family_problems`` accepts as 父母双亡 (the one reason the records decide).
    """
    from federation.core.models import year_settings
    from registry.models import HardshipChild

    settings = year_settings(year)
    dead = Person.objects.filter(household_id=OuterRef("household_id"), deceased=True)
    registered = HardshipChild.objects.filter(year=year, person_id=OuterRef("pk"))
    qs = Person.objects.for_user(user).filter(
        relation=Relation.CHILD,
        deceased=False,
        birth_date__gt=years_before(settings.ages_on, settings.child_age_limit),
    )
    if village_id:
        qs = qs.filter(village_id=village_id)
    return (
        qs.filter(Exists(dead.filter(relation=Relation.HEAD)), Exists(dead.filter(relation=Relation.SPOUSE)))
        .exclude(Exists(registered))
        .select_related("village", "household__group")
        .order_by("group_number", "household_number", "name")
    )


# -- the search of the page header -------------------------------------------------------------------

#: The most persons, and households, a search of the header lists: a narrower search finds the rest.
SEARCH_CAP = 200


def _last4(text: str) -> bool:
    """Return whether ``text`` is the last 4 characters of an ID number (3 digits, a digit or X)."""
    return len(text) == 4 and text[:3].isdigit() and (text[3].isdigit() or text[3] == "X")


#: The shortest name searched anywhere in a name over more than one village: on PostgreSQL the
#: trigram index (migration 0009) serves 3 characters and more, the index of names' two-character
#: pieces (0016) two; a surname alone is matched from the name's start, which the name's own index
#: serves. A director's village is read whole: any part of a name is found there.
NAME_ANYWHERE = 2


def _one_village(user) -> bool:
    """Return whether ``user``'s scope is one village (a director's): small enough to read whole."""
    membership = membership_of(user)
    return membership is not None and membership.level == Level.VILLAGE


def _phone_forms(text: str, digits: str) -> set[str]:
    """Return the ways a phone number may be stored (typed): as searched, its digits alone, and a
    mobile number's 3-4-4 groups with dashes or spaces (each form is read from the phone's index)."""
    forms = {text, digits}
    if len(digits) == 11:
        forms |= {sep.join((digits[:3], digits[3:7], digits[7:])) for sep in ("-", " ")}
    return forms


def search_everywhere(*, user, text: str) -> tuple[QuerySet[Person], QuerySet[Household]]:
    """Return the persons and the households ``user`` sees that ``text`` finds (the header's search).

    A whole ID number finds its person; 4 characters the persons whose ID number ends with them
    (``id_last4``); 5 or more digits (spaces and dashes aside) a phone number, however its digits
    were grouped (``_phone_forms``); anything else a part of a name (:func:`person_search`; beyond
    one village, a name of fewer than ``NAME_ANYWHERE`` characters from its start). Every search
    but a whole ID number also finds the households of that 户号. Each of these is read from an index.
    """
    text = " ".join(text.split())
    persons = Person.objects.for_user(user).select_related("village", "household__group")
    households = Household.objects.for_user(user).select_related("village", "group")
    if not text:
        return persons.none(), households.none()
    upper = text.upper()
    compact = text.replace(" ", "").replace("-", "")
    if is_whole_id_number(upper):
        return persons.filter(id_number=upper), households.none()
    if _last4(upper):
        persons = persons.filter(id_last4=upper)
    elif compact.isdigit() and len(compact) >= 5:
        persons = persons.filter(phone__in=_phone_forms(text, compact))
    elif compact.isdigit():
        persons = persons.none()  # a 户号
    elif len(text) >= NAME_ANYWHERE or _one_village(user):
        persons = person_search(persons, text)
    else:
        persons = persons.filter(name__startswith=text)
    return persons, households.filter(number=text)


def registers_of(*, user, person_ids: Iterable[int]) -> dict[int, list[tuple[Any, int]]]:
    """Return {person id: [(register, latest year), …]} of the yearly registers ``user`` may read
    that ``person_ids`` are entered in: one query for all of them (a UNION of the registers)."""
    from django.db.models import IntegerField, Max, Value

    person_ids = list(person_ids)
    readable = [r for r in registers if r.counted and user.has_perm(r.view_permission)]
    if not person_ids or not readable:
        return {}
    parts = [
        register.model.objects.for_user(user)
        .filter(person_id__in=person_ids)
        .order_by()
        .values("person_id")
        .annotate(latest=Max("year"), which=Value(n, output_field=IntegerField()))
        .values_list("person_id", "which", "latest")
        for n, register in enumerate(readable)
    ]
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    found: dict[int, list[tuple[Any, int]]] = {}
    for person_id, which, latest in sorted(rows, key=lambda row: (row[0], row[1])):
        found.setdefault(person_id, []).append((readable[which], latest))
    return found
