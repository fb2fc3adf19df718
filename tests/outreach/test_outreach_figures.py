"""Figures kept for the pages of many villages (federation.core.figures): the same numbers as counted
live, forgotten when a village's records change, recomputed when old, refreshed by the nightly task."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from federation.core import figures, history
from federation.core.models import StoredFigure
from outreach.selectors import (
    ScreeningRow,
    open_petitions_by_village,
    screening_statistics,
    visits_by_village,
)
from registry.models import Person
from tests.helpers.outreach import TODAY, YEAR, visit

EARLIER = TODAY - dt.timedelta(days=1) if TODAY.timetuple().tm_yday > 1 else TODAY
KEPT = override_settings(FIGURES_LIVE_VILLAGES=1)


@pytest.fixture(autouse=True)
def committed(outreach_world):
    """Run what the world's writes left for their commit (a test's transaction never commits)."""
    for _savepoints, callback, _robust in connection.run_on_commit:
        callback()
    connection.run_on_commit.clear()


def _visits(user) -> dict[str, tuple[int, int]]:
    return {row.village.name: (row.done, row.owed) for row in visits_by_village(user=user, year=YEAR)}


def _overview_numbers(client) -> dict:
    context = client.get(reverse("outreach:overview"), {"year": YEAR}).context
    return {
        "registered": context["registered_chart"].values,
        "visits": context["visits_chart"].values,
        "coverage": context["coverage_chart"].values,
        "results": context["screening_chart"].values,
        "petitions": [(row.village.name, row.open) for row in context["petitions"]],
    }


def test_a_township_reads_the_same_figures_kept_as_counted_live(outreach_world, login):
    w = outreach_world
    live_overview = _overview_numbers(login(w.staff))
    live_home = login(w.staff).get(reverse("home")).context["rows"]
    with KEPT:
        assert _overview_numbers(login(w.staff)) == live_overview  # computed and kept
        assert StoredFigure.objects.filter(village=w.village_a).exists()
        assert _overview_numbers(login(w.staff)) == live_overview  # read as kept
        kept_home = login(w.staff).get(reverse("home")).context["rows"]
    assert [(v, [n for _f, n in cells]) for v, cells in kept_home] == [
        (v, [n for _f, n in cells]) for v, cells in live_home
    ]


def test_a_change_in_a_village_forgets_its_figures_when_it_commits(
    outreach_world, django_capture_on_commit_callbacks
):
    w = outreach_world
    with KEPT:
        before = _visits(w.staff)
        kept = StoredFigure.objects.filter(key__startswith="outreach.visits")
        assert kept.filter(village=w.village_a).exists() and kept.filter(village=w.village_b).exists()
        with django_capture_on_commit_callbacks(execute=True):
            visit(w.o.lbw_a.person, EARLIER)
        assert not StoredFigure.objects.filter(village=w.village_a).exists()  # every figure of the village
        assert kept.filter(village=w.village_b).exists()  # the other village's stay
        after = _visits(w.staff)
    done, owed = before[w.village_a.name]
    assert after[w.village_a.name] == (done + 1, owed)
    assert after[w.village_b.name] == before[w.village_b.name]


def test_a_transaction_of_many_writes_forgets_once(outreach_world, django_capture_on_commit_callbacks):
    w = outreach_world
    with KEPT:
        visits_by_village(user=w.staff, year=YEAR)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            visit(w.o.lbw_a.person, EARLIER)
            visit(w.o.lbw_b.person, EARLIER)
        with CaptureQueriesContext(connection) as queries:
            for callback in callbacks:
                callback()
        deletes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DELETE")]
        assert len(deletes) == 1  # both villages at once
        assert not StoredFigure.objects.filter(village__in=[w.village_a, w.village_b]).exists()


def test_a_bulk_write_forgets_the_villages_it_wrote(outreach_world, django_capture_on_commit_callbacks):
    w = outreach_world
    with KEPT:
        assert visits_by_village(user=w.staff, year=YEAR)
        assert StoredFigure.objects.filter(village=w.village_b).exists()
        person = Person.objects.filter(village=w.village_b).first()
        copy = Person(
            village=w.village_b,
            household=person.household,
            name="批量新人",
            sex="F",
            birth_date=dt.date(1990, 1, 1),
        )
        with django_capture_on_commit_callbacks(execute=True):
            history.bulk_create([copy], actor=None, reason="test")
        assert not StoredFigure.objects.filter(village=w.village_b).exists()
        assert StoredFigure.objects.filter(village=w.village_a).exists()


def test_an_old_figure_is_counted_again(outreach_world):
    w = outreach_world
    with KEPT:
        _visits(w.staff)
        # a change no signal saw (a raw UPDATE): the figure is wrong until it is too old
        StoredFigure.objects.filter(key__startswith="outreach.visits", village=w.village_a).update(
            values=[9, 9, 9]
        )
        assert _visits(w.staff)[w.village_a.name][0] == 9
        StoredFigure.objects.update(computed_at=timezone.now() - figures.max_age() - dt.timedelta(seconds=1))
        assert _visits(w.staff)[w.village_a.name][0] != 9


def test_domestic_violence_cases_are_counted_only_for_whom_may_see_them(outreach_world):
    w = outreach_world
    with KEPT:
        staff = {row.village.name: row.open for row in open_petitions_by_village(user=w.staff)}
        county = {row.village.name: row.open for row in open_petitions_by_village(user=w.county_viewer)}
    assert staff[w.village_a.name] == county[w.village_a.name] + 1  # the domestic-violence case


def test_the_nightly_refresh_keeps_every_declared_figure_of_this_year(outreach_world):
    w = outreach_world
    with KEPT:
        live = screening_statistics(user=w.staff, year=TODAY.year)
        StoredFigure.objects.all().delete()
        kept = figures.refresh(today=TODAY)
        assert kept > 0
        names = {key.split(":")[0] for key in StoredFigure.objects.values_list("key", flat=True)}
        assert {"outreach.visits", "outreach.screening", "outreach.registered", "outreach.petitions"} <= names
        assert {"home.registry.persons", "home.registry.households"} <= names
        with_queries = screening_statistics(user=w.staff, year=TODAY.year)
    assert with_queries.total == live.total


def test_a_directors_village_is_always_counted_live(outreach_world):
    w = outreach_world
    with KEPT:
        visits_by_village(user=w.dir_a, year=YEAR)
    assert not StoredFigure.objects.exists()


# --- the county's figures, kept per township -----------------------------------------------------------


def _county_and_townships(client, url, numbers) -> tuple[dict, dict]:
    """Return the county's page's numbers by township and each township page's (``?township=``) summed."""
    county = numbers(client.get(url, {"year": YEAR}).context)
    opened = {}
    for township in county:
        context = client.get(url, {"year": YEAR, "township": township.pk}).context
        opened[township] = [sum(column) for column in zip(*numbers(context).values(), strict=True)]
    return {t: list(n) for t, n in county.items()}, opened


def _visit_rows(context) -> dict:
    return {row.village: (row.women, row.owed, row.done, row.women_done) for row in context["villages"]}


def _screening_rows(context) -> dict:
    rows = context["statistics"].rows
    return {row.village: tuple(getattr(row, name) for name in ScreeningRow.NUMBERS) for row in rows}


def _home_rows(context) -> dict:
    return {unit: tuple(n for _figure, n in cells) for unit, cells in context["rows"]}


@pytest.mark.parametrize(
    "url, numbers",
    [
        (reverse_lazy("outreach:visit_progress"), _visit_rows),
        (reverse_lazy("outreach:screening_statistics"), _screening_rows),
        (reverse_lazy("home"), _home_rows),
    ],
    ids=["visit progress", "two-cancer statistics", "home"],
)
def test_the_countys_figures_are_the_sums_of_its_township_pages(outreach_world, login, url, numbers):
    w = outreach_world
    client = login(w.county_viewer)
    live_county, live_opened = _county_and_townships(client, url, numbers)
    with KEPT:
        kept_county, kept_opened = _county_and_townships(client, url, numbers)
        # read again: from the townships' kept rows
        assert _county_and_townships(client, url, numbers) == (kept_county, kept_opened)
        assert StoredFigure.objects.filter(township=w.township).exists()
    assert set(kept_county) == {w.township, w.other_township}
    assert kept_county == live_county == kept_opened == live_opened
    assert any(any(n) for n in kept_county.values())


def test_the_overview_of_the_county_is_read_from_its_townships_rows(outreach_world, login):
    w = outreach_world
    client = login(w.county_viewer)
    live = _overview_numbers(client)
    with KEPT:
        assert _overview_numbers(client) == live
        StoredFigure.objects.filter(village__isnull=False).delete()  # only the townships' rows are left
        with CaptureQueriesContext(connection) as queries:
            assert _overview_numbers(client) == live
    counted = ("outreach_visit", "outreach_screening", "outreach_petition", "registry_leftbehindwoman")
    assert not any(table in q["sql"] for q in queries for table in counted)  # nothing counted again


def test_a_change_in_a_village_changes_the_countys_figure_on_the_next_view(
    outreach_world, django_capture_on_commit_callbacks
):
    w = outreach_world
    township = w.o.lbw_a.person.village.township
    with KEPT:
        before = {
            row.village: row.done
            for row in visits_by_village(user=w.county_viewer, year=YEAR, by_township=True)
        }
        kept = StoredFigure.objects.filter(key__startswith="outreach.visits", township__isnull=False)
        assert set(kept.values_list("township", flat=True)) == {w.township.pk, w.other_township.pk}
        with django_capture_on_commit_callbacks(execute=True):
            visit(w.o.lbw_a.person, EARLIER)
        # forgotten with its village's figures; the other township's stays
        assert set(kept.values_list("township", flat=True)) == {w.other_township.pk}
        after = {
            row.village: row.done
            for row in visits_by_village(user=w.county_viewer, year=YEAR, by_township=True)
        }
        villages = visits_by_village(user=w.county_viewer, year=YEAR)
    assert after[township] == before[township] + 1
    for unit, done in after.items():
        assert done == sum(row.done for row in villages if row.village.township_id == unit.pk)


def test_a_township_is_as_old_as_its_oldest_village(outreach_world):
    w = outreach_world
    with KEPT:
        visits_by_village(user=w.county_viewer, year=YEAR, by_township=True)
        StoredFigure.objects.filter(village=w.village_a).update(
            computed_at=timezone.now() - figures.max_age() + dt.timedelta(seconds=30)
        )
        StoredFigure.objects.filter(township=w.township).delete()
        visits_by_village(user=w.county_viewer, year=YEAR, by_township=True)  # made again from its villages
        oldest = StoredFigure.objects.get(key__startswith="outreach.visits", village=w.village_a).computed_at
        assert (
            StoredFigure.objects.get(key__startswith="outreach.visits", township=w.township).computed_at
            == oldest
        )


def test_the_nightly_refresh_keeps_the_townships_sums(outreach_world):
    w = outreach_world
    with KEPT:
        live = {
            row.village: row.open for row in open_petitions_by_village(user=w.county_viewer, by_township=True)
        }
        StoredFigure.objects.all().delete()
        figures.refresh(today=TODAY)
        assert StoredFigure.objects.filter(township=w.township, key__startswith="outreach.petitions").exists()
        with CaptureQueriesContext(connection) as queries:
            kept = {
                row.village: row.open
                for row in open_petitions_by_village(user=w.county_viewer, by_township=True)
            }
    assert kept == live
    assert not any("outreach_petition" in q["sql"] for q in queries)  # nothing counted again


def test_summed_adds_up_numbers_lists_mappings_and_amounts():
    assert figures.summed([[1, 2, 3], [4, 5, 6]]) == [5, 7, 9]
    assert figures.summed([{"a": 1, "r": {"x|y": 2}}, {"b": 2, "r": {"x|y": 3, "z|y": 1}}, {}]) == {
        "a": 1,
        "r": {"x|y": 5, "z|y": 1},
        "b": 2,
    }
    assert figures.summed([{"relief_amount": "10.50"}, {"relief_amount": "0"}]) == {"relief_amount": "10.50"}
    assert figures.summed([3, 4]) == 7


def test_the_figures_past_half_their_age_are_counted_again_before_a_page_finds_them_aged(outreach_world):
    w = outreach_world
    with KEPT:
        live = {
            row.village: row.done
            for row in visits_by_village(user=w.county_viewer, year=YEAR, by_township=True)
        }
        StoredFigure.objects.all().delete()
        assert figures.refresh_aging(today=TODAY) > 0  # what is not kept is counted
        assert StoredFigure.objects.filter(
            township=w.other_township, key__startswith="outreach.visits"
        ).exists()
        assert figures.refresh_aging(today=TODAY) == 0  # what is fresh is left alone
        halfway = timezone.now() - figures.max_age() / 2 - dt.timedelta(seconds=1)
        StoredFigure.objects.filter(village=w.village_c).update(computed_at=halfway)
        StoredFigure.objects.filter(township=w.other_township).update(computed_at=halfway)
        aged = StoredFigure.objects.filter(village=w.village_c).count()
        assert figures.refresh_aging(today=TODAY) == aged  # village_c's figures only
        assert not StoredFigure.objects.filter(computed_at__lte=halfway).exists()
        with CaptureQueriesContext(connection) as queries:
            kept_now = {
                row.village: row.done
                for row in visits_by_village(user=w.county_viewer, year=YEAR, by_township=True)
            }
    assert kept_now == live
    assert not any("outreach_visit" in q["sql"] for q in queries)


def test_the_refresh_before_the_figures_age_is_scheduled_once(outreach_world):
    from django_q.models import Schedule

    figures.schedule_refresh()
    figures.schedule_refresh()
    schedule = Schedule.objects.get(name=figures.AGING_SCHEDULE)
    assert schedule.func == "federation.core.figures.refresh_aging"
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 5, -1)
    assert Schedule.objects.filter(name=figures.REFRESH_SCHEDULE).count() == 1


def test_the_largest_of_a_figure_is_one_aggregate_once_every_village_is_kept(
    outreach_world, django_capture_on_commit_callbacks
):
    """What the header's to-do count asks on every page: when her villages last changed."""
    from federation.web.todos import CHANGE_MARKER

    w = outreach_world
    ids = [w.village_a.pk, w.village_b.pk, w.village_c.pk]
    first = figures.largest(CHANGE_MARKER, ids)
    kept = {row.village_id: row.values for row in StoredFigure.objects.filter(key=CHANGE_MARKER)}
    assert sorted(kept) == sorted(ids) and first == max(kept.values())
    with CaptureQueriesContext(connection) as read:
        assert figures.largest(CHANGE_MARKER, ids) == first
    assert len(read.captured_queries) == 1
    with django_capture_on_commit_callbacks(execute=True):
        visit(w.o.lbw_a.person, EARLIER)  # village A's markers are forgotten with its figures
    assert figures.largest(CHANGE_MARKER, ids) > first
    assert figures.largest(CHANGE_MARKER, []) is None
