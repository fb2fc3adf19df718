"""Each register's list page says what the register is and the year's rule values, from the settings."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from federation.core.models import YearSettings
from federation.web.registers import registers
from outreach.models import OutreachSettings

pytestmark = pytest.mark.django_db


def _page(client, url_name: str, **params) -> str:
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    return response.content.decode()


def test_every_register_list_says_its_help(world, login):
    client = login(world.staff)
    year = timezone.localdate().year
    shown = []
    for register in registers:
        if register.help is None or not world.staff.has_perm(register.view_permission):
            continue
        assert register.help_text(year) in _page(client, register.url_name("list")), register.name
        shown.append(register.name)
    assert {"leftbehindwoman", "poorwoman", "leftbehindchild", "women_ledger", "visit"} <= set(shown)


def test_left_behind_women_help_follows_the_year_settings(world, login):
    client = login(world.dir_a)
    year = timezone.localdate().year
    page = _page(client, "registry:leftbehindwoman_list")
    assert "20 至 50 周岁" in page and "县外务工 3 个月以上" in page
    YearSettings.objects.create(
        year=year, left_behind_woman_min_age=22, left_behind_woman_max_age=48, husband_away_months=6
    )
    page = _page(client, "registry:leftbehindwoman_list")
    assert "22 至 48 周岁" in page and "县外务工 6 个月以上" in page
    assert "20 至 50 周岁" not in page


def test_a_year_shows_its_own_values(world, login):
    client = login(world.dir_a)
    YearSettings.objects.create(year=2014, poverty_line=Decimal("2300"))
    YearSettings.objects.create(year=2015, poverty_line=Decimal("2855.50"))
    assert "低于 2300 元（2014 年度的贫困线）" in _page(client, "registry:poorwoman_list", year=2014)
    page = _page(client, "registry:poorwoman_list", year=2015)
    assert "低于 2855.50 元（2015 年度的贫困线）" in page and "2300" not in page


def test_women_ledger_and_visits_follow_their_settings(world, login):
    client = login(world.dir_a)
    year = timezone.localdate().year
    YearSettings.objects.create(year=year, adult_age=16)
    OutreachSettings.objects.create(year=year, visits_per_year=4)
    assert "本村年满 16 周岁的妇女" in _page(client, "registry:women_ledger")
    assert f"{year} 年每人至少 4 次" in _page(client, "outreach:visit_list")


def test_no_rule_value_is_typed_into_the_list_pages():
    """The values live in the settings: the page classes carry no fixed definition of their own."""
    from registry.views import registers as pages

    assert not hasattr(pages.LeftBehindWomanListView, "intro")
