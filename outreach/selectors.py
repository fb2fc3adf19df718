"""Reads of outreach: to-do lists, progress per village, statistics — always through the scope.

Statistics are aggregate queries; screening statistics return numbers only, never rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from federation.core import figures
from federation.core.models import Village
from federation.web.registers import Register, by_deadline_key, counted, with_deadlines
from outreach.models import (
    DOMESTIC_VIOLENCE_PERMISSION,
    Petition,
    PetitionCategory,
    RegisterReport,
    Screening,
    ScreeningResult,
    Visit,
    VolunteerActivity,
    VolunteerMember,
    VolunteerTeam,
    register_deadlines,
    year_bounds,
)
from outreach.rules import LATE_STATUSES, ReportStatus, report_status, screening_birth_range, visits_owed
from registry.models import LeftBehindWoman, Person
from registry.selectors import person_search


def villages_of(user, township=None, villages: list[Village] | None = None) -> list[Village]:
    """Return the villages ``user`` sees (those of ``township`` when given), in code order.

    ``villages``, when given, is that list already read: a page of several figures reads it once.
    """
    if villages is not None:
        return villages
    villages = Village.objects.for_user(user).select_related("township").order_by("code")
    return list(villages.filter(township=township) if township is not None else villages)


# --- visits ---------------------------------------------------------------------------------------


def _visit_count(year: int) -> Coalesce:
    """Return the number of a register entry's person's visits dated in ``year``, as an annotation.

    Every visit of her counts, whatever group it was recorded for (a left-behind woman visited as a
    poor one was visited); the visits of a person on no left-behind register count for nobody, as
    only the register's entries are annotated.
    """
    first, last = year_bounds(year)
    visits = (
        Visit.objects.filter(person_id=OuterRef("person_id"), visited_on__range=(first, last))
        .order_by()
        .values("person_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(visits, output_field=IntegerField()), Value(0))


def visit_progress(*, user, year: int) -> QuerySet[LeftBehindWoman]:
    """Return the left-behind women of ``year`` that ``user`` sees, each with ``visits_done`` that year:
    every woman active at any time in the year (one who ended in May is still owed her visits)."""
    return (
        LeftBehindWoman.objects.for_user(user)
        .filter(LeftBehindWoman.active_in_year_q(year))
        .annotate(visits_done=_visit_count(year))
        .select_related("person__village", "person__household__group")
        .order_by("visits_done", "person__village__code", "person__group_number", "person__name")
    )


def women_owed_visits(*, user, year: int) -> QuerySet[LeftBehindWoman]:
    """Return the left-behind women of ``year`` who have had fewer visits that year than they are owed."""
    return visit_progress(user=user, year=year).filter(visits_done__lt=visits_owed(year=year))


@dataclass(frozen=True)
class VillageVisits:
    """Visits of one village in a year: women registered, visits owed and done, women fully visited.

    ``done`` counts at most the owed number per woman, so three visits to one woman do not hide a
    woman nobody visited.
    """

    village: Village
    women: int
    owed: int
    done: int
    women_done: int

    @property
    def women_short(self) -> int:
        return self.women - self.women_done


def visits_by_village(
    *, user, year: int, township=None, villages=None, by_township: bool = False
) -> list[VillageVisits]:
    """Return, for each village ``user`` sees (of ``township`` if given), the visits done against the
    visits owed in ``year``; ``by_township``, for each of their townships instead (the township in
    ``village``: the county's pages).

    Each village's and township's figures are kept between views (``federation.core.figures``,
    "outreach.visits").
    """
    per_woman = visits_owed(year=year)
    villages = villages_of(user, township, villages)
    return [
        VillageVisits(unit, women=women, owed=women * per_woman, done=done, women_done=women_done)
        for unit, (women, done, women_done) in figures.unit_values(
            "outreach.visits", villages, by_township=by_township, year=year, per_woman=per_woman
        )
    ]


def _visits_of_villages(village_ids, *, year: int, per_woman: int) -> dict[int, list[int]]:
    """Return {village id: [women, visits counted, women fully visited]} of ``year``'s left-behind women.

    One query counts each woman's visits; capping them at the owed number needs a second level of
    aggregation, done here over those (village, count) pairs.
    """
    totals: dict[int, list[int]] = {}
    women = LeftBehindWoman.objects.filter(
        LeftBehindWoman.active_in_year_q(year), person__village_id__in=village_ids
    )
    for village_id, done in (
        women.annotate(visits_done=_visit_count(year))
        .order_by()
        .values_list("person__village", "visits_done")
    ):
        n, counted, full = totals.setdefault(village_id, [0, 0, 0])
        totals[village_id] = [n + 1, counted + min(done, per_woman), full + (done >= per_woman)]
    return totals


figures.add_figure(
    figures.Figure(
        "outreach.visits",
        _visits_of_villages,
        empty=[0, 0, 0],
        combine=figures.summed,
        refresh_params=lambda today: [{"year": today.year, "per_woman": visits_owed(year=today.year)}],
    )
)


def visit_list(*, user, search: str = "", year: int | None = None, visited_for: str = "") -> QuerySet[Visit]:
    """Return the visits ``user`` sees, searched by the person's name or ID number (whole or its last
    four), in calendar ``year``, of one group visited for (``VisitedFor``) when given."""
    qs = Visit.objects.for_user(user).select_related("person__village", "person__household__group")
    qs = person_search(qs, search, prefix="person__")
    if year:
        qs = qs.filter(visited_on__range=year_bounds(year))
    if visited_for:
        qs = qs.filter(visited_for=visited_for)
    return qs


# --- volunteers -------------------------------------------------------------------------------------


def team_list(*, user, search: str = "", year: int | None = None):
    """Return the teams ``user`` sees, with their members counted; ``year`` does not apply."""
    qs = VolunteerTeam.objects.for_user(user).select_related("village", "township")
    if search.strip():
        qs = qs.filter(Q(name__contains=search.strip()) | Q(village__name__contains=search.strip()))
    return qs.annotate(member_count=Count("members", filter=Q(members__deleted_at__isnull=True))).order_by(
        "township__code", "village__code", "name"
    )


def member_list(*, user, search: str = "", year: int | None = None):
    """Return the members ``user`` sees, searched by name or team."""
    qs = VolunteerMember.objects.for_user(user).select_related("team", "village")
    if search.strip():
        qs = qs.filter(Q(name__contains=search.strip()) | Q(team__name__contains=search.strip()))
    return qs


def activity_list(*, user, search: str = "", year: int | None = None):
    """Return the activities ``user`` sees in ``year``, searched by title or team."""
    qs = VolunteerActivity.objects.for_user(user).select_related("team__village")
    if search.strip():
        qs = qs.filter(Q(title__contains=search.strip()) | Q(team__name__contains=search.strip()))
    if year:
        qs = qs.filter(held_on__year=year)
    return qs


# --- two-cancer screening -------------------------------------------------------------------------


@dataclass
class ScreeningRow:
    """Two-cancer figures of one village (or of all, ``village`` None) for a year: numbers only.

    ``screened`` counts women (one with both screenings counts once); ``abnormal`` women with any
    result other than normal (an abnormal first screening and what it led to); ``precancerous``
    and ``confirmed`` women with such a result; ``treated`` and ``relief_*`` women likewise.
    """

    village: Village | None
    eligible: int = 0
    screened: int = 0
    screened_eligible: int = 0
    screenings: int = 0
    abnormal: int = 0
    precancerous: int = 0
    confirmed: int = 0
    treated: int = 0
    relief_applied: int = 0
    relief_granted: int = 0
    relief_amount: Decimal = Decimal("0")

    @property
    def coverage(self) -> int | None:
        """Return the eligible women screened, in whole per cent, or None without eligible women."""
        return round(100 * self.screened_eligible / self.eligible) if self.eligible else None

    NUMBERS = (
        "eligible",
        "screened",
        "screened_eligible",
        "screenings",
        "abnormal",
        "precancerous",
        "confirmed",
        "treated",
        "relief_applied",
        "relief_granted",
        "relief_amount",
    )


@dataclass
class ScreeningStatistics:
    year: int
    born_after: dt.date
    born_by: dt.date
    rows: list[ScreeningRow]
    total: ScreeningRow
    #: {(result, kind): screenings}
    results: dict[tuple[str, str], int] = field(default_factory=dict)


def screening_statistics(
    *, user, year: int, township=None, villages=None, by_township: bool = False
) -> ScreeningStatistics:
    """Return the two-cancer statistics of ``year`` for each village ``user`` sees (``by_township``:
    for each of their townships, the township in ``village``), and their total.

    Counts only: the county viewer, who may not read a person's result, reads these. Eligible
    women are living women aged 35 to 64 (settings) on the year's reference date. Each village's and
    township's figures are kept between views (``federation.core.figures``, "outreach.screening").
    """
    born_after, born_by = screening_birth_range(year=year)
    villages = villages_of(user, township, villages)
    kept = figures.unit_values(
        "outreach.screening",
        villages,
        by_township=by_township,
        year=year,
        born_after=born_after.isoformat(),
        born_by=born_by.isoformat(),
    )
    rows = []
    total = ScreeningRow(village=None)
    results: dict[tuple[str, str], int] = {}
    for unit, value in kept:
        numbers = dict(value)
        for key, n in numbers.pop("results", {}).items():
            result, kind = key.split("|")
            results[(result, kind)] = results.get((result, kind), 0) + n
        numbers["relief_amount"] = Decimal(numbers.get("relief_amount", "0"))
        row = ScreeningRow(village=unit, **numbers)
        rows.append(row)
        for name in ScreeningRow.NUMBERS:
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return ScreeningStatistics(
        year=year, born_after=born_after, born_by=born_by, rows=rows, total=total, results=results
    )


def _screening_of_villages(village_ids, *, year: int, born_after: str, born_by: str) -> dict[int, dict]:
    """Return {village id: its two-cancer numbers of ``year``}, results by "result|kind" included."""
    born_after_day, born_by_day = dt.date.fromisoformat(born_after), dt.date.fromisoformat(born_by)
    figures_of: dict[int, dict] = {}
    for village_id, n in (
        Person.objects.filter(
            village_id__in=village_ids,
            sex="F",
            deceased=False,
            birth_date__gt=born_after_day,
            birth_date__lte=born_by_day,
        )
        .order_by()
        .values("village")
        .annotate(n=Count("pk"))
        .values_list("village", "n")
    ):
        figures_of.setdefault(village_id, {})["eligible"] = n
    eligible_q = Q(person__birth_date__gt=born_after_day, person__birth_date__lte=born_by_day)
    not_normal = ~Q(result=ScreeningResult.NORMAL)
    screenings = Screening.objects.filter(year=year, person__village_id__in=village_ids)
    # Annotations are named n_<figure>: a name such as "treated" would shadow the field in later filters.
    for row in (
        screenings.order_by()
        .values("person__village")
        .annotate(
            n_screened=Count("person", distinct=True),
            n_screened_eligible=Count("person", distinct=True, filter=eligible_q),
            n_screenings=Count("pk"),
            n_abnormal=Count("person", distinct=True, filter=not_normal),
            n_precancerous=Count("person", distinct=True, filter=Q(result=ScreeningResult.PRECANCEROUS)),
            n_confirmed=Count("person", distinct=True, filter=Q(result=ScreeningResult.CANCER)),
            n_treated=Count("person", distinct=True, filter=Q(treated=True)),
            n_relief_applied=Count("person", distinct=True, filter=Q(relief_applied=True)),
            n_relief_granted=Count("person", distinct=True, filter=Q(relief_granted=True)),
            n_relief_amount=Coalesce(
                Sum("relief_amount", filter=Q(relief_granted=True)), Value(Decimal("0"))
            ),
        )
    ):
        numbers = figures_of.setdefault(row.pop("person__village"), {})
        numbers.update({name.removeprefix("n_"): value for name, value in row.items()})
        numbers["relief_amount"] = str(numbers["relief_amount"])
    for village_id, result, kind, n in (
        screenings.order_by()
        .values("person__village", "result", "kind")
        .annotate(n=Count("pk"))
        .values_list("person__village", "result", "kind", "n")
    ):
        figures_of.setdefault(village_id, {}).setdefault("results", {})[f"{result}|{kind}"] = n
    return figures_of


def _screening_refresh(today: dt.date) -> list[dict]:
    born_after, born_by = screening_birth_range(year=today.year)
    return [{"year": today.year, "born_after": born_after.isoformat(), "born_by": born_by.isoformat()}]


figures.add_figure(
    figures.Figure(
        "outreach.screening",
        _screening_of_villages,
        empty={},
        refresh_params=_screening_refresh,
        combine=figures.summed,
    )
)


def screening_list(*, user, search: str = "", year: int | None = None) -> QuerySet[Screening]:
    """Return the screenings whose results ``user`` may read (none without the health-data permission)."""
    qs = Screening.objects.for_user(user).select_related("person__village", "person__household__group")
    qs = person_search(qs, search, prefix="person__")  # name, whole ID number or its last four
    if year:
        qs = qs.filter(year=year)
    return qs


# --- registers per village ------------------------------------------------------------------------


def registered_by_village(
    *, user, year: int, township=None, villages=None, by_township: bool = False
) -> list[tuple[Any, dict[str, int]]]:
    """Return, for each village ``user`` sees (``by_township``: for each of their townships), the
    number of people in each counted register of ``year``.

    The registers are those declared ``counted`` (``federation.web.registers``), keyed by name; each
    village's and township's counts are kept between views (``federation.core.figures``,
    "outreach.registered").
    """
    registers = counted()
    villages = villages_of(user, township, villages)
    kept = figures.unit_values("outreach.registered", villages, by_township=by_township, year=year)
    return [(unit, {r.name: counts.get(r.name, 0) for r in registers}) for unit, counts in kept]


def _registered_of_villages(village_ids, *, year: int) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}
    for register in counted():
        for village_id, n in (
            register.model.objects.filter(year=year, person__village_id__in=village_ids)
            .order_by()
            .values("person__village")
            .annotate(n=Count("pk"))
            .values_list("person__village", "n")
        ):
            counts.setdefault(village_id, {})[register.name] = n
    return counts


figures.add_figure(
    figures.Figure(
        "outreach.registered",
        _registered_of_villages,
        empty={},
        combine=figures.summed,
        refresh_params=lambda today: [{"year": today.year}],
    )
)


# --- petitions ------------------------------------------------------------------------------------


def petition_selection(*, state: str, category: str, year: int | None) -> dict:
    """Return ``selectors.petition_list``'s filters for the list's state, category and year.

    The one rule of the list and of its export (``outreach.exports``): open cases of any year
    (the year is not asked); closed or all cases of the year chosen, if one is, else of every year.
    """
    return {
        "state": state if state in ("open", "closed") else "",
        "category": category,
        "year": year if state != "open" else None,
    }


def petition_list(
    *, user, search: str = "", state: str = "", category: str = "", year: int | None = None
) -> QuerySet[Petition]:
    """Return the petitions ``user`` sees (domestic violence only with its permission).

    ``state`` is "open" or "closed"; open cases come oldest first, so the longest waiting lead.
    """
    qs = Petition.objects.for_user(user).select_related("village", "person")
    search = search.strip()
    if search:
        qs = qs.filter(Q(petitioner_name__contains=search) | Q(person__name__contains=search))
    if category:
        qs = qs.filter(category=category)
    if year:
        qs = qs.filter(received_on__range=year_bounds(year))
    if state == "open":
        qs = qs.open().order_by("received_on", "id")
    elif state == "closed":
        qs = qs.filter(closed_on__isnull=False)
    return qs


@dataclass(frozen=True)
class VillagePetitions:
    village: Village
    open: int
    oldest_days: int | None


def open_petitions_by_village(
    *, user, today: dt.date | None = None, township=None, villages=None, by_township: bool = False
) -> list[VillagePetitions]:
    """Return, for each village ``user`` sees (``by_township``: for each of their townships), its open
    cases and how many days the oldest has waited.

    Each village's and township's figures are kept between views (``federation.core.figures``,
    "outreach.petitions").
    """
    today = today or timezone.localdate()
    villages = villages_of(user, township, villages)
    # Domestic-violence cases count only for the roles that may see them (``PetitionQuerySet.for_user``).
    with_dv = user.has_perm(DOMESTIC_VIOLENCE_PERMISSION)
    kept = figures.unit_values(
        "outreach.petitions", villages, by_township=by_township, domestic_violence=with_dv
    )
    return [
        VillagePetitions(
            village=unit, open=n, oldest_days=(today - dt.date.fromisoformat(oldest)).days if oldest else None
        )
        for unit, (n, oldest) in kept
    ]


def _petitions_combined(values: list[list]) -> list:
    """Return villages' [open cases, oldest day received] as one township's: the cases added up, the
    oldest day the earliest of its villages' (the longest wait)."""
    oldest = [day for _n, day in values if day]
    return [sum(n for n, _day in values), min(oldest, default=None)]


def _petitions_of_villages(village_ids, *, domestic_violence: bool) -> dict[int, list]:
    """Return {village id: [open cases, the oldest one's day received (ISO) or None]}, the
    domestic-violence cases counted only when ``domestic_violence``."""
    cases = Petition.objects.filter(village_id__in=village_ids)
    if not domestic_violence:
        cases = cases.exclude(category=PetitionCategory.DOMESTIC_VIOLENCE)
    return {
        row["village"]: [row["n"], row["oldest"].isoformat() if row["oldest"] else None]
        for row in cases.open()
        .order_by()
        .values("village")
        .annotate(n=Count("pk"), oldest=Min("received_on"))
    }


figures.add_figure(
    figures.Figure(
        "outreach.petitions",
        _petitions_of_villages,
        empty=[0, None],
        combine=_petitions_combined,
        refresh_params=lambda today: [{"domestic_violence": True}, {"domestic_violence": False}],
    )
)


# --- register deadlines ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportCell:
    register: str
    due_on: dt.date
    status: ReportStatus
    report: RegisterReport | None

    @property
    def label(self) -> str:
        declared = by_deadline_key(self.register)
        return declared.title if declared else self.register

    @property
    def is_late(self) -> bool:
        return self.status in LATE_STATUSES


@dataclass
class ReportTable:
    year: int
    today: dt.date
    registers: list[Register]
    deadlines: dict[str, dt.date]
    rows: list[tuple[Village, list[ReportCell]]]

    @property
    def columns(self) -> list[tuple[str, str, str, dt.date]]:
        """Return (register key, label, short heading, deadline) of each column."""
        return [
            (r.deadline.key, r.title, r.deadline.short, self.deadlines[r.deadline.key])
            for r in self.registers
        ]

    def count(self, status: str) -> int:
        return sum(1 for _, cells in self.rows for cell in cells if cell.status == status)


def report_table(
    *, user, year: int, today: dt.date | None = None, township=None, villages=None
) -> ReportTable:
    """Return the village × register table of ``year``: reported on time, late, or open on ``today``.

    Its columns are the registers declared with a deadline, in the grid's order.
    """
    today = today or timezone.localdate()
    deadlines = register_deadlines(year)
    registers = with_deadlines()
    reports = {
        (r.village_id, r.register): r
        for r in RegisterReport.objects.for_user(user).filter(year=year).select_related("reported_by")
    }
    rows = []
    for village in villages_of(user, township, villages):
        cells = []
        for declared in registers:
            register = declared.deadline.key
            report = reports.get((village.pk, register))
            cells.append(
                ReportCell(
                    register=register,
                    due_on=deadlines[register],
                    status=report_status(
                        due_on=deadlines[register],
                        reported_on=report.reported_on if report else None,
                        today=today,
                    ),
                    report=report,
                )
            )
        rows.append((village, cells))
    return ReportTable(year=year, today=today, registers=registers, deadlines=deadlines, rows=rows)


@dataclass(frozen=True)
class TownshipReportCell:
    """One register of a township's villages: how many reported, how many are late or overdue."""

    register: str
    due_on: dt.date
    villages: int
    reported: int
    late: int
    overdue: int

    @property
    def status(self) -> str:
        """The worst of its villages': overdue, late, open (some not reported yet), else on time."""
        if self.overdue:
            return ReportStatus.OVERDUE
        if self.late:
            return ReportStatus.LATE
        return ReportStatus.ON_TIME if self.reported == self.villages else ReportStatus.OPEN


def township_report_table(*, user, year: int, today: dt.date | None = None, villages=None) -> ReportTable:
    """Return the township × register table of ``year``: each cell counts its villages' statuses.

    What the county reads first; from the reports' days alone, no report loaded.
    """
    today = today or timezone.localdate()
    deadlines = register_deadlines(year)
    registers = with_deadlines()
    days = _report_days(user=user, year=year)
    summed: dict[Any, list[list[int]]] = {}
    for village in villages_of(user, villages=villages):
        totals = summed.setdefault(village.township, [[0, 0, 0, 0] for _register in registers])
        for total, declared in zip(totals, registers, strict=True):
            key = declared.deadline.key
            day = days.get((village.pk, key))
            status = report_status(due_on=deadlines[key], reported_on=day, today=today)
            total[0] += 1
            total[1] += day is not None
            total[2] += status == ReportStatus.LATE
            total[3] += status == ReportStatus.OVERDUE
    rows = [
        (
            township,
            [
                TownshipReportCell(declared.deadline.key, deadlines[declared.deadline.key], *numbers)
                for declared, numbers in zip(registers, totals, strict=True)
            ],
        )
        for township, totals in summed.items()
    ]
    return ReportTable(year=year, today=today, registers=registers, deadlines=deadlines, rows=rows)


def _report_days(*, user, year: int) -> dict[tuple[int, str], dt.date]:
    """Return {(village id, register): the local day it was reported} of ``year`` that ``user`` sees."""
    # the local day, as RegisterReport.reported_on says it, counted by the database (TruncDate takes
    # the current time zone, Asia/Shanghai): a date is quicker to read than a time with its zone
    return {
        (village_id, register): day
        for village_id, register, day in RegisterReport.objects.for_user(user)
        .filter(year=year)
        .annotate(day=TruncDate("reported_at"))
        .values_list("village_id", "register", "day")
    }


def late_report_count(*, user, year: int, today: dt.date, villages=None) -> int:
    """Return how many (village, register) cells of ``year``'s table are late or overdue on ``today``.

    What the home pages count: the table's statuses from the reports' days alone, no record loaded.
    ``villages``, when given, are the villages ``user`` sees, already read.
    """
    deadlines = register_deadlines(year)
    keys = [declared.deadline.key for declared in with_deadlines()]
    reported = _report_days(user=user, year=year)
    if villages is not None:
        village_ids = [village.pk for village in villages]
    else:
        village_ids = Village.objects.for_user(user).values_list("pk", flat=True)
    return sum(
        report_status(due_on=deadlines[key], reported_on=reported.get((village_id, key)), today=today)
        in LATE_STATUSES
        for village_id in village_ids
        for key in keys
    )


def deadline_summary(table: ReportTable) -> str:
    """Return the deadlines of ``table`` in words, one date after another (…3 月 30 日前，…)."""
    by_day: dict[dt.date, list[str]] = {}
    for register in table.registers:
        by_day.setdefault(table.deadlines[register.deadline.key], []).append(str(register.title))
    parts = []
    for day, titles in by_day.items():
        names = titles[0] if len(titles) == 1 else "、".join(titles[:-1]) + "和" + titles[-1]
        parts.append(f"{names} {day.month} 月 {day.day} 日前")
    return "，".join(parts)


def register_size(*, user, village: Village, year: int, register: str) -> int:
    """Return how many entries ``village`` holds in ``register`` for ``year`` (shown before reporting)."""
    declared = by_deadline_key(register)
    return declared.size(user=user, village=village, year=year) if declared else 0


# --- home pages ---------------------------------------------------------------------------------


def home_visits(*, user, today: dt.date, **_kwargs) -> dict:
    """Return a director's card of left-behind women still owed a visit this year (up to 30 listed)."""
    year = today.year
    owed = women_owed_visits(user=user, year=year) if user.has_perm("outreach.view_visit") else None
    by_village = visits_by_village(user=user, year=year) if owed is not None else []
    return {
        "year": year,
        "owed_women": owed[:30] if owed is not None else [],
        "owed_count": owed.count() if owed is not None else 0,
        "visits_per_woman": visits_owed(year=year),
        "visits_done": sum(row.done for row in by_village),
        "visits_owed": sum(row.owed for row in by_village),
    }


def home_reports_due(*, user, today: dt.date, **_kwargs) -> dict | None:
    """Return the to-do of a director's registers not reported yet this year (None without the right)."""
    if not user.has_perm("outreach.view_registerreport"):
        return None
    table = report_table(user=user, year=today.year, today=today)
    due = [(village, cell) for village, cells in table.rows for cell in cells if cell.report is None]
    return {"year": today.year, "reports_due": due, "count": len(due)}


def home_township(*, user, today: dt.date, villages=None, **_kwargs) -> dict:
    """Return the township's figures: visits done against owed, late registers, open petitions.

    ``villages``: the villages ``user`` sees, when the home has read them already.
    """
    year = today.year
    villages = villages_of(user, None, villages)
    # Many townships (the county's): their kept sums, 20 rows instead of 500; the totals are the same.
    scope = {"villages": villages, "by_township": len({v.township_id for v in villages}) > 1}
    may_read_visits = user.has_perm("outreach.view_visit")
    by_village = visits_by_village(user=user, year=year, **scope) if may_read_visits else []
    may_read_reports = user.has_perm("outreach.view_registerreport")
    late = late_report_count(user=user, year=year, today=today, villages=villages) if may_read_reports else 0
    return {
        "year": year,
        "visits_done": sum(row.done for row in by_village),
        "visits_owed": sum(row.owed for row in by_village),
        "late_reports": late,
        "open_petitions": sum(row.open for row in open_petitions_by_village(user=user, **scope))
        if user.has_perm("outreach.view_petition")
        else 0,
    }
