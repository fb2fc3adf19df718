"""The attendance ledger of lectures and training (讲座培训登记表): out to Excel and PDF, and back in.

One row a session, in the county's layout: organiser, date, kind, topic, speaker, place, the
attendees named (each as 姓名（村组）, so that a name two residents share is still one person), how
many were named, how many only counted, and the total (``rules.lecture_total``). The same columns
read a file back (``LectureImporter``): a session is matched by organiser, date, kind and topic
and updated, else created; its attendees are found among the organiser's residents by name and
place. Every bad row is named and nothing is written until the whole file is clean.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from federation.ledgers.columns import Column, Kind, Total
from federation.ledgers.exports import Table
from federation.ledgers.exports.context import ExportContext, ExportFilters
from federation.ledgers.imports.framework import UNCHANGED, ImportRow, RowInvalid
from federation.ledgers.model_ledgers import LedgerImporter, model_ledger
from outreach.lectures import lecture_list
from outreach.models import Lecture, LectureKind
from outreach.rules import lecture_attendee_problems, lecture_total
from registry.models import Person

KINDS = {str(label): value for value, label in LectureKind.choices}

COLUMNS = (
    Column(
        "organiser",
        _("组织单位"),
        width=10,
        source="organiser_label",
        help=_("村名或乡镇名；空着为导入的村。"),
    ),
    Column.of_field("held_on", _("日期"), Kind.DATE, aliases=("讲座日期", "培训日期"), required=True),
    Column.of_field("kind", _("类别"), Kind.CHOICE, value_aliases=KINDS, required=True),
    Column.of_field("topic", _("主题"), width=20, wrap=True, aliases=("讲座主题", "培训内容"), required=True),
    Column.of_field("speaker", _("主讲人"), width=10, aliases=("授课人",), required=True),
    Column.of_field("place", _("地点"), width=12, wrap=True, required=True),
    Column(
        "attendees",
        _("参加人员（已登记）"),
        width=30,
        wrap=True,
        aliases=("参加人员",),
        help=_(
            "已登记居民的姓名，用顿号分开；写成 姓名（村组），如 王芳（红旗村一组）；"
            "同组有同名的加身份证后四位，如 王芳（红旗村一组，尾号1234）。"
        ),
    ),
    Column("named", _("登记人数"), Kind.INT, total=Total.SUM, read=False),
    Column(
        "unnamed", _("未登记人数"), Kind.INT, total=Total.SUM, source="unnamed_count", help=_("空着为 0。")
    ),
    Column("total", _("合计人数"), Kind.INT, total=Total.SUM, read=False),
    Column.of_field("notes", _("备注"), width=12, wrap=True),
)

LECTURES = Table(
    title=_("讲座培训登记表"),
    columns=COLUMNS,
    count_unit="场",
    landscape=True,
    notes=(
        "包括家庭教育讲座、家长学校、技能培训、艾滋病面对面、普法等；本表按日期列出本年度的全部场次，一场一行。",
        "合计人数 = 登记人数（逐一登记姓名的居民）+ 未登记人数。",
    ),
)


def _place(person: Person) -> str:
    group = person.household.group if person.household_id else ""
    return f"{person.village.name}{group}"


def _tail(person: Person) -> str:
    return f"尾号{person.id_number[-4:]}" if person.id_number else ""


def attendee_text(person: Person, namesakes: set[tuple[str, str]]) -> str:
    """Return how the ledger names an attendee: 姓名（村组）, with her ID number's last four when
    another resident of that place has her name (``namesakes``: such (name, place) pairs)."""
    place = _place(person)
    if (person.name, place) in namesakes and person.id_number:
        return f"{person.name}（{place}，{_tail(person)}）"
    return f"{person.name}（{place}）"


def _namesakes(attendees: list[Person]) -> set[tuple[str, str]]:
    """Return the (name, place) pairs of ``attendees`` that two residents share (one query)."""
    if not attendees:
        return set()
    residents = Person.objects.filter(
        village__in={p.village_id for p in attendees}, name__in={p.name for p in attendees}
    ).select_related("village", "household__group")
    seen: dict[tuple[str, str], int] = {}
    for person in residents:
        key = (person.name, _place(person))
        seen[key] = seen.get(key, 0) + 1
    return {key for key, n in seen.items() if n > 1}


def lectures_queryset(user: Any, filters: ExportFilters) -> QuerySet[Lecture]:
    """Return the sessions of the year as the list shows them, village by village (the township's last)."""
    year = filters.year or timezone.localdate().year
    qs = lecture_list(user=user, search=filters.search, year=year)
    if filters.village_id:
        qs = qs.filter(village_id=filters.village_id)
    # The names are those she may see (a township's session has residents of other villages); the
    # counts are the session's own (``named_count``), numbers naming nobody.
    people = (
        Person.objects.for_user(user)
        .select_related("village", "household__group")
        .order_by("village__code", "group_number", "name", "pk")
    )
    return (
        qs.select_related("village", "township")
        .prefetch_related(Prefetch("attendees", queryset=people))
        .order_by("township__code", "village__code", "held_on", "pk")
    )


def lecture_row(lecture: Lecture, ctx: ExportContext) -> dict[str, Any]:
    attendees = list(lecture.attendees.all())
    named = getattr(lecture, "named_count", len(attendees))
    namesakes = _namesakes(attendees)
    return {
        "attendees": "、".join(attendee_text(p, namesakes) for p in attendees),
        "named": named,
        "total": lecture_total(named=named, unnamed=lecture.unnamed_count),
    }


LECTURES_LEDGER = model_ledger(
    Lecture,
    "lectures",
    LECTURES,
    lectures_queryset,
    row=lecture_row,
    pdf_per_village=False,  # a year's sessions of a township are one book, its own sessions in it
)

#: One attendee of the cell: a name, and in brackets her place and the last four of her ID number.
_TOKEN = re.compile(r"[^、,，;；\n（(]+(?:[（(][^）)]*[）)])?")
_NAMED = re.compile(
    r"^(?P<name>[^（(]+?)\s*(?:[（(](?P<place>[^）)，,]*)(?:[，,]\s*(?P<tail>[^）)]*))?[）)])?$"
)


class LectureImporter(LedgerImporter, ledger=LECTURES_LEDGER, model=Lecture):
    """讲座培训登记表 (ledger ``lectures``): one row a session, with its attendees."""

    noun = _("场")
    unique_key = None
    person_column = "topic"
    village_keys = ()
    field_columns = {"village": "organiser", "township": "organiser", "unnamed_count": "unnamed"}
    notes = (
        _("一场讲座或培训一行；同一组织单位、同一日期、同一类别、同一主题的已登记场次会被更新。"),
        _("参加人员须是组织单位已登记的居民（村里的讲座为本村居民），其他参加者计入未登记人数。"),
        _("日期不能晚于今天；登记人数和合计人数由系统计算，不必填写。"),
    )

    def prepare(self, rows: list[ImportRow]) -> None:
        self.township = self.village.township
        self.people_of_village = list(
            Person.objects.filter(village=self.village).select_related("village", "household__group")
        )
        self._township_people: list[Person] | None = None
        self.sessions = {
            (lecture.village_id, lecture.held_on, lecture.kind, lecture.topic): lecture
            for lecture in Lecture.objects.filter(township=self.township).prefetch_related("attendees")
        }

    def township_people(self) -> list[Person]:
        if self._township_people is None:
            self._township_people = list(
                Person.objects.filter(village__township=self.township).select_related(
                    "village", "household__group"
                )
            )
        return self._township_people

    def _organiser(self, row: ImportRow):
        """Return the village of the row's session (None: the township's), or fail the row."""
        return self.own_unit(
            row,
            "organiser",
            township_refused=gettext("乡镇组织的讲座培训由乡镇妇联登记，村里只能导入本村的。"),
            elsewhere=gettext(
                "“%(text)s”不是%(village)s或%(township)s：只能导入本村或本乡镇组织的讲座培训。"
            ),
        )

    def _attendees(self, row: ImportRow, village) -> list[Person]:
        people = self.people_of_village if village is not None else self.township_people()
        found: list[Person] = []
        for token in _TOKEN.findall(row.get("attendees") or ""):
            token = token.strip()
            if not token:
                continue
            match = _NAMED.match(token)
            name, place, tail = (token, "", "")
            if match:
                name, place, tail = (
                    match[key].strip() if match[key] else "" for key in ("name", "place", "tail")
                )
            candidates = [p for p in people if p.name == name]
            if place:
                candidates = [p for p in candidates if place in (_place(p), p.village.name)]
            if tail:
                candidates = [p for p in candidates if _tail(p) == tail or p.id_number[-4:] == tail]
            if not candidates:
                row.fail(
                    "attendees",
                    gettext("找不到居民“%(who)s”：请先登记她，或计入未登记人数。") % {"who": token},
                )
            elif len(candidates) > 1:
                row.fail(
                    "attendees",
                    gettext("“%(who)s”有 %(n)s 位同名居民，请写成 姓名（村组，尾号身份证后四位）。")
                    % {"who": token, "n": len(candidates)},
                )
            elif candidates[0] in found:
                row.fail("attendees", gettext("“%(who)s”写了两次。") % {"who": token})
            else:
                found.append(candidates[0])
        return found

    def apply_row(self, row: ImportRow) -> str:
        village = self._organiser(row)
        attendees = self._attendees(row, village)
        kind, held_on, topic = row.get("kind"), row.get("held_on"), (row.get("topic") or "").strip()
        key = (village.pk if village is not None else None, held_on, kind, topic)
        record = self.sessions.get(key) or Lecture(
            township=self.township, village=village, held_on=held_on, kind=kind, topic=topic
        )
        for problem in lecture_attendee_problems(lecture=record, attendees=attendees):
            row.fail("attendees", problem.message)
        if row.errors:
            raise RowInvalid
        values = {
            "speaker": (row.get("speaker") or "").strip(),
            "place": (row.get("place") or "").strip(),
            "unnamed_count": row.get("unnamed", 0),
            "notes": (row.get("notes") or "").strip() if row.has("notes") else record.notes,
        }
        same_people = record.pk is not None and {p.pk for p in record.attendees.all()} == {
            p.pk for p in attendees
        }
        outcome = self.store(record, values, row, also_changed=not same_people)
        if outcome != UNCHANGED:
            record.attendees.set(attendees)
            self.sessions[key] = record
        return outcome
