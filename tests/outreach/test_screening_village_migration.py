"""Migrations outreach 0013–0015: every screening keeps its woman's village, the old ones and their
history rows too (filled by 0014), before 0015 requires it. A short walk: only 0014 and 0015 are
unapplied and applied again."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers.migrations import migrate_to, migrate_to_newest, old_villages

BEFORE_FILL = [("outreach", "0013_screening_village")]


@pytest.mark.django_db(transaction=True)
def test_old_screenings_and_their_history_get_their_womans_village():
    old = migrate_to(BEFORE_FILL, others_newest=True)
    Person = old.get_model("registry", "Person")
    red, east = old_villages(old, "红旗村", "东风村")
    women = {
        village.pk: Person.objects.create(village=village, name=f"{village.name}妇女")
        for village in (red, east)
    }
    Screening = old.get_model("outreach", "Screening")
    screenings = [
        Screening.objects.create(
            person=woman,
            year=2026,
            kind=kind,
            screened_on=dt.date(2026, 5, 1),
            institution="县妇幼保健院",
            result="normal",
        )
        for woman in women.values()
        for kind in ("cervical", "breast")
    ]
    History = old.get_model("outreach", "HistoricalScreening")
    first = screenings[0]
    History.objects.create(
        id=first.pk,
        person_id=first.person_id,
        year=2026,
        kind="cervical",
        screened_on=dt.date(2026, 5, 1),
        institution="县妇幼保健院",
        result="normal",
        history_date=dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC),
        history_type="+",
        version=1,
        created_at=dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC),
        updated_at=dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC),
    )
    assert not Screening.objects.exclude(village=None).exists()

    migrate_to_newest()

    from outreach.models import Screening as NewScreening

    kept = {s.pk: s.village_id for s in NewScreening.all_objects.all()}
    assert kept == {s.pk: s.person.village_id for s in screenings}
    assert set(kept.values()) == {red.pk, east.pk}
    assert list(NewScreening.history.model.objects.values_list("village_id", flat=True)) == [red.pk]
