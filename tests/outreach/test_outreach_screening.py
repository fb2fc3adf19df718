"""Two-cancer screening: statistics against hand-counted fixtures, and results as health data.

Ages are counted on the year's reference date, 18 March (no YearSettings row in these tests).
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from outreach.models import OutreachSettings, Screening
from outreach.selectors import screening_statistics
from tests.helpers.factories import PersonFactory
from tests.helpers.outreach import TODAY, YEAR, saved, screening

REFERENCE = dt.date(YEAR, 3, 18)


def born_aged(age: int, *, day_after: bool = False) -> dt.date:
    """Return the birth date of someone exactly ``age`` on the reference date (or a day short of it)."""
    birth = REFERENCE.replace(year=YEAR - age)
    return birth + dt.timedelta(days=1) if day_after else birth


@pytest.fixture
def screened(world):
    """The hand-counted fixture: see the expected figures in the tests below."""
    a, b = world.village_a, world.village_b
    turned_35 = PersonFactory(village=a, name="刚满35", birth_date=born_aged(35))
    aged_34 = PersonFactory(village=a, name="差一天35", birth_date=born_aged(35, day_after=True))
    aged_64 = PersonFactory(village=a, name="六十四", birth_date=born_aged(65, day_after=True))
    PersonFactory(village=a, name="刚满65", birth_date=born_aged(65))
    PersonFactory(village=a, name="已故", birth_date=born_aged(50), deceased=True)
    PersonFactory(village=a, name="男", sex="M", birth_date=born_aged(50))
    PersonFactory(village=b, name="四十", birth_date=born_aged(40))
    PersonFactory(village=world.village_c, name="他乡", birth_date=born_aged(40))
    screening(world.woman_a, kind="cervical", result="normal")
    screening(world.woman_a, kind="breast", result="abnormal", follow_up="已复查")
    screening(turned_35, kind="cervical", result="precancerous", treated=True)
    screening(
        aged_34,
        kind="breast",
        result="cancer",
        treated=True,
        relief_applied=True,
        relief_granted=True,
        relief_amount=Decimal("10000"),
    )
    screening(aged_64, kind="cervical", result="cancer", treated=True, relief_applied=True)
    screening(
        world.woman_a, kind="cervical", result="cancer", year=YEAR - 1, screened_on=dt.date(YEAR - 1, 5, 1)
    )
    gone = screening(world.woman_b, kind="breast", result="cancer", treated=True)
    gone.mark_deleted()
    gone.save()
    screening(world.woman_b, kind="cervical", result="normal")
    saved(
        Screening(
            person=world.woman_b,
            year=YEAR,
            kind="breast",
            result="normal",
            screened_on=TODAY,
            institution="县妇幼",
        )
    )
    screening(world.woman_c, kind="cervical", result="cancer", treated=True)
    return world


def figures(row) -> dict:
    return {name: getattr(row, name) for name in row.NUMBERS}


def test_statistics_per_village_match_the_hand_count(screened):
    stats = screening_statistics(user=screened.staff, year=YEAR)
    rows = {row.village.name: row for row in stats.rows}
    assert list(rows) == ["红旗村", "胜利村"]
    assert figures(rows["红旗村"]) == {
        "eligible": 3,  # 妇女A (born 1988), 刚满35, 六十四; not 差一天35, 刚满65, 已故, 男
        "screened": 4,
        "screened_eligible": 3,
        "screenings": 5,
        "abnormal": 4,  # 妇女A's breast, 刚满35, 差一天35, 六十四
        "precancerous": 1,
        "confirmed": 2,
        "treated": 3,
        "relief_applied": 2,
        "relief_granted": 1,
        "relief_amount": Decimal("10000"),
    }
    assert figures(rows["胜利村"]) == {
        "eligible": 2,
        "screened": 1,
        "screened_eligible": 1,
        "screenings": 2,
        "abnormal": 0,
        "precancerous": 0,
        "confirmed": 0,
        "treated": 0,
        "relief_applied": 0,
        "relief_granted": 0,
        "relief_amount": Decimal("0"),
    }
    assert stats.total.eligible == 5 and stats.total.screened == 5 and stats.total.coverage == 80
    assert stats.results == {
        ("normal", "cervical"): 2,
        ("normal", "breast"): 1,
        ("abnormal", "breast"): 1,
        ("precancerous", "cervical"): 1,
        ("cancer", "breast"): 1,
        ("cancer", "cervical"): 1,
    }


def test_the_age_bounds_are_a_yearly_setting(screened):
    OutreachSettings.objects.create(year=YEAR, screening_min_age=36, screening_max_age=65)
    row = screening_statistics(user=screened.dir_a, year=YEAR).rows[0]
    assert row.eligible == 3  # 妇女A, 六十四, 刚满65; no longer 刚满35
    assert row.screened_eligible == 2


def test_last_years_statistics_count_last_year_only(screened):
    row = screening_statistics(user=screened.dir_a, year=YEAR - 1).rows[0]
    assert (row.screened, row.confirmed) == (1, 1)


def test_the_county_viewer_reads_counts_but_no_persons_result(screened, login):
    client = login(screened.county_viewer)
    response = client.get(reverse("outreach:screening_statistics"), {"year": YEAR})
    assert response.status_code == 200
    body = response.content.decode()
    township_a, township_c = screened.village_a.township, screened.village_c.township
    # the county's rows are its townships, each opening its villages
    assert f'data-village="{township_a.name}"' in body and f'data-village="{township_c.name}"' in body
    opened = client.get(reverse("outreach:screening_statistics"), {"year": YEAR, "township": township_c.pk})
    assert (
        'data-village="光明村"' in opened.content.decode()
        and 'data-village="红旗村"' not in opened.content.decode()
    )
    for name in ("妇女A", "刚满35", "差一天35", "六十四", "他乡"):
        assert name not in body + opened.content.decode()
    assert response.context["statistics"].total.confirmed == 3  # 红旗村 2, 光明村 1
    assert opened.context["statistics"].total.confirmed == 1
    record = Screening.objects.filter(person=screened.woman_a, year=YEAR, kind="breast").get()
    assert client.get(reverse("outreach:screening_list")).status_code == 404
    assert client.get(reverse("outreach:screening_detail", args=[record.pk])).status_code == 404
    assert not Screening.objects.for_user(screened.county_viewer).exists()
    assert Screening.objects.for_counting(screened.county_viewer).count() == 9


def test_the_other_villages_director_is_refused_a_persons_result(screened, login):
    record = Screening.objects.filter(person=screened.woman_a, year=YEAR, kind="breast").get()
    client = login(screened.dir_b)
    assert client.get(reverse("outreach:screening_detail", args=[record.pk])).status_code == 404
    assert client.get(reverse("outreach:screening_update", args=[record.pk])).status_code == 404
    body = client.get(reverse("outreach:screening_list"), {"year": YEAR}).content.decode()
    assert "妇女B" in body and "妇女A" not in body


@pytest.mark.parametrize("user_key", ["dir_a", "staff", "chair"])
def test_the_roles_holding_the_health_data_permission_read_the_result(screened, login, user_key):
    record = Screening.objects.filter(person=screened.woman_a, year=YEAR, kind="breast").get()
    response = login(getattr(screened, user_key)).get(reverse("outreach:screening_detail", args=[record.pk]))
    assert response.status_code == 200
    assert "初筛异常" in response.content.decode()


def test_the_health_data_permission_is_given_as_declared(world):
    holders = {
        key: getattr(world, key).has_perm("outreach.view_health_data")
        for key in ("dir_a", "staff", "chair", "county_viewer", "nobody")
    }
    assert holders == {"dir_a": True, "staff": True, "chair": True, "county_viewer": False, "nobody": False}


def test_a_result_is_never_written_to_the_log_nor_into_a_records_name(world, login, caplog):
    caplog.set_level(logging.DEBUG)
    response = login(world.dir_a).post(
        reverse("outreach:screening_create"),
        {
            "year": YEAR,
            "person": world.woman_a.pk,
            "kind": "breast",
            "screened_on": TODAY.isoformat(),
            "institution": "县妇幼保健院",
            "result": "cancer",
            "treated": "on",
        },
    )
    assert response.status_code == 302
    record = Screening.objects.get()
    assert record.result == "cancer"
    assert "癌症" not in str(record) and "cancer" not in str(record)
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "cancer" not in logged and "确诊" not in logged


def test_the_screening_rules(world):
    with pytest.raises(ValidationError) as refused:
        screening(
            world.woman_a,
            result="normal",
            treated=True,
            relief_granted=True,
            screened_on=dt.date(YEAR - 1, 6, 1),
        )
    errors = refused.value.message_dict
    assert {"screened_on", "treated", "relief_granted", "relief_amount"} <= set(errors)
    man = PersonFactory(village=world.village_a, sex="M", name="男")
    with pytest.raises(ValidationError, match="须为妇女"):
        screening(man)
    screening(world.woman_a, kind="cervical")
    with pytest.raises(ValidationError, match="已经登记过"):
        screening(world.woman_a, kind="cervical")
