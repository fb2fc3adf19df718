"""``outreach.demo.seed_outreach``: plausible records that pass every rule, once, the same for one rng."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import transaction
from django.db.models import F

from outreach import models
from outreach.demo import seed_outreach
from registry.models import LeftBehindWoman
from tests.helpers.outreach import TODAY, left_behind_family

#: A day of last year, so every date the demo draws lies in the past whatever today is.
DEMO_DAY = dt.date(TODAY.year - 1, 11, 20)
VOLUNTEERING = [models.VolunteerTeam, models.VolunteerMember, models.VolunteerActivity]
#: Every model the demo seeds.
MODELS = [
    models.Visit,
    models.Screening,
    *VOLUNTEERING,
    models.Petition,
    models.RegisterReport,
    models.Task,
    models.TaskAssignment,
    models.Lecture,
    models.LectureTarget,
    models.HonourNotice,
    models.HonourNomination,
    models.HonourObjection,
    models.RedBannerAward,
]
#: What names a related row of the demo in a fingerprint.
NAMES = {models.Task: "title", models.HonourNotice: "starts_on", models.HonourNomination: "household"}


@pytest.fixture
def township(world):
    """The world's township with five women who meet the left-behind conditions, none registered."""
    for village, names in ((world.village_a, ["甲", "乙", "丙"]), (world.village_b, ["丁", "戊"])):
        for name in names:
            left_behind_family(village, name=f"留守{name}", year=DEMO_DAY.year)
    return world.township


def fingerprint() -> list:
    """Return every outreach row of the demo by its content, without ids of rows the demo created.

    (PostgreSQL does not hand ids back when a transaction rolls back: a team is named by its name.)
    """
    rows = []
    for model in MODELS:
        fields = []
        for field in model._meta.concrete_fields:
            if field.name in {"id", "created_at", "updated_at"}:
                continue
            related = field.related_model
            fields.append(
                f"{field.name}__{NAMES.get(related, 'name')}" if related in MODELS else field.attname
            )
        rows.append(sorted(map(repr, model.objects.values_list(*fields))))
    return rows


def test_the_demo_registers_the_left_behind_women_and_fills_every_model(township, world):
    created = seed_outreach(rng=random.Random(7), township=township, today=DEMO_DAY)
    assert LeftBehindWoman.objects.filter(year=DEMO_DAY.year).count() == 5
    assert created == 5 + sum(model.objects.count() for model in MODELS)
    for model in (*VOLUNTEERING, models.Petition, models.Screening):
        assert model.objects.exists(), model
    assert models.VolunteerTeam.objects.filter(village__isnull=True, township=township).count() == 1
    assert set(models.Petition.objects.values_list("village__township", flat=True)) == {township.pk}
    for model in MODELS:
        for record in model.objects.all():
            record.full_clean()  # bulk inserts skip validation: every row must still pass the rules
    for activity in models.VolunteerActivity.objects.all():
        assert all(member.team_id == activity.team_id for member in activity.participants.all())
    assert not models.Visit.objects.exclude(visited_on__year=DEMO_DAY.year).exists()
    assert not models.Visit.objects.filter(person__village=world.village_c).exists()
    # Written in bulk, each visit still keeps its woman's village (PersonsVillage.fill_derived).
    assert models.Visit.objects.filter(village=world.village_a).exists()
    assert not models.Visit.objects.exclude(village_id=F("person__village_id")).exists()


def test_the_demo_is_created_once(township):
    assert seed_outreach(rng=random.Random(7), township=township, today=DEMO_DAY) > 0
    before = fingerprint()
    assert seed_outreach(rng=random.Random(8), township=township, today=DEMO_DAY) == 0
    assert fingerprint() == before


def test_the_same_rng_gives_the_same_records(township):
    prints = []
    for _ in range(2):
        with transaction.atomic():
            seed_outreach(rng=random.Random(2014), township=township, today=DEMO_DAY)
            prints.append(fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1] and prints[0][0]
    with transaction.atomic():
        seed_outreach(rng=random.Random(2015), township=township, today=DEMO_DAY)
        assert fingerprint() != prints[0]
        transaction.set_rollback(True)


def test_the_demo_township_has_tasks_of_the_year_done_late_and_open(township, world):
    from outreach.rules import ReportStatus
    from outreach.task_selectors import task_grid

    seed_outreach(rng=random.Random(7), township=township, today=DEMO_DAY)
    grid = task_grid(user=world.staff, year=DEMO_DAY.year, today=DEMO_DAY)
    assert len(grid.tasks) == 4 and grid.rows[0][0] == township  # the county's task, for the township
    statuses = [cell.status for _unit, cells in grid.rows for cell in cells if cell]
    assert statuses.count(ReportStatus.OPEN) == 2  # the open task, in both villages
    assert statuses.count(ReportStatus.OVERDUE) == 1 and statuses.count(ReportStatus.LATE) == 1
    assert statuses.count(ReportStatus.ON_TIME) == len(statuses) - 4
