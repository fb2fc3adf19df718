"""Lectures and training: the progress of a year against its targets, and the sign-in sheet PDF.

Reads go through the scoping rule (``for_user``); the sign-in sheet is laid out as the ledgers
are (``federation.ledgers.exports.pdf``: the CJK font on ``html``, A4, the header repeated).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from federation.core.models import Township, Village
from federation.ledgers.exports.pdf import FONT_FAMILY, LedgerHTML
from outreach.models import Lecture, LectureKind, LectureTarget

#: The blank lines a sign-in sheet prints when nobody is named and no number is given.
BLANK_LINES = 30


def lecture_list(*, user, search: str = "", year: int | None = None) -> QuerySet[Lecture]:
    """Return the sessions ``user`` sees (of ``year``), searched by topic, speaker or place, each
    with how many attendees are named (``named_count``: the list's totals read no row twice)."""
    qs = Lecture.objects.for_user(user).select_related("village", "township")
    search = search.strip()
    if search:
        qs = qs.filter(Q(topic__contains=search) | Q(speaker__contains=search) | Q(place__contains=search))
    if year:
        qs = qs.filter(held_on__year=year)
    return qs.annotate(named_count=Count("attendees")).order_by("-held_on", "-pk")


@dataclass
class Progress:
    """One unit's sessions of a year: ``cells`` by kind, each (done, target or None)."""

    unit: Any
    is_township: bool
    cells: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def shown(self) -> list[tuple[str, int, int | None]]:
        """Return (kind's label, done, target) in the kinds' order, for the page."""
        return [(self.labels[kind], done, target) for kind, (done, target) in self.cells.items()]

    @property
    def label(self) -> str:
        return f"{self.unit.name}（全乡镇）" if self.is_township else self.unit.name


def lecture_progress(*, user, year: int) -> tuple[list[tuple[str, str]], list[Progress]]:
    """Return (kinds shown, a row a unit) of ``year``: each unit's sessions done against its target.

    A village counts its own sessions; a township (shown to those who see all its villages)
    counts every session of the township, its own and its villages'. The kinds shown are those
    with a target or a session in the year; a unit with neither is left out.
    """
    sessions = Lecture.objects.for_user(user).filter(held_on__year=year)
    by_village = {
        (row["village"], row["kind"]): row["n"]
        for row in sessions.filter(village__isnull=False).values("village", "kind").annotate(n=Count("pk"))
    }
    by_township = {
        (row["township"], row["kind"]): row["n"]
        for row in sessions.values("township", "kind").annotate(n=Count("pk"))
    }
    targets = LectureTarget.objects.for_user(user).filter(year=year)
    village_targets = {(t.village_id, t.kind): t.sessions for t in targets if t.village_id}
    township_targets = {(t.township_id, t.kind): t.sessions for t in targets if not t.village_id}
    kinds = [
        (value, label)
        for value, label in LectureKind.choices
        if any(k == value for _unit, k in (*by_village, *by_township, *village_targets, *township_targets))
    ]
    villages = list(Village.objects.for_user(user).select_related("township").order_by("code"))
    seen_per_township: dict[int, int] = {}
    for village in villages:
        seen_per_township[village.township_id] = seen_per_township.get(village.township_id, 0) + 1
    whole = Township.objects.filter(pk__in=seen_per_township).annotate(n=Count("villages")).order_by("code")
    rows: list[Progress] = []
    for township in whole:
        if township.n != seen_per_township[township.pk]:
            continue  # a director sees her village, not the township's whole figure
        row = Progress(township, True, labels=dict(kinds))
        for kind, _label in kinds:
            row.cells[kind] = (
                by_township.get((township.pk, kind), 0),
                township_targets.get((township.pk, kind)),
            )
        rows.append(row)
    for village in villages:
        row = Progress(village, False, labels=dict(kinds))
        for kind, _label in kinds:
            row.cells[kind] = (by_village.get((village.pk, kind), 0), village_targets.get((village.pk, kind)))
        if any(done or target for done, target in row.cells.values()):
            rows.append(row)
    return kinds, rows


@dataclass(frozen=True)
class SignInLine:
    name: str = ""
    place: str = ""


def sign_in_lines(lecture: Lecture | None, *, user, blank: int | None = None) -> list[SignInLine]:
    """Return the lines of a sign-in sheet: the attendees ``user`` sees by name (village and group),
    then blank lines, as many as the session's unnamed count (or ``blank``; 30 when neither)."""
    lines: list[SignInLine] = []
    if lecture is not None and lecture.pk:
        people = (
            lecture.attendees.model.objects.for_user(user)
            .filter(pk__in=lecture.attendees.values("pk"))
            .select_related("village", "household__group")
            .order_by("village__code", "group_number", "household_number", "name")
        )
        for person in people:
            group = person.household.group if person.household_id else ""
            lines.append(SignInLine(person.name, f"{person.village.name}{group}"))
        if blank is None:
            blank = lecture.unnamed_count
    if blank is None or (not lines and blank == 0):
        blank = BLANK_LINES
    return lines + [SignInLine() for _ in range(max(blank, 0))]


def render_sign_in_pdf(
    *,
    organiser: str,
    kind: str,
    held_on: dt.date | None,
    place: str,
    speaker: str,
    topic: str,
    lines: list[SignInLine],
) -> bytes:
    """Return the sign-in sheet (签到表) as PDF bytes: A4 portrait, the CJK font embedded."""
    html = render_to_string(
        "outreach/lecture_signin_pdf.html",
        {
            "font_family": FONT_FAMILY,
            "landscape": False,
            "organiser": organiser,
            "kind": kind,
            "held_on": held_on,
            "place": place,
            "speaker": speaker,
            "topic": topic,
            "lines": lines,
            "printed_on": timezone.localdate(),
        },
    )
    return LedgerHTML(string=html).write_pdf()
