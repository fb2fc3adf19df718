"""The village and group filters of the registry's lists: the village first where a user sees several."""

import re

import pytest
from django.urls import reverse

from tests.helpers.factories import VillageGroupFactory

pytestmark = pytest.mark.django_db


def options(page: str, name: str) -> list[str]:
    """Return the texts of the options of the drop-down ``name`` on ``page`` ([] when it is not there)."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1)) if select else []


@pytest.mark.parametrize(
    ("page", "row_a", "row_b"),
    [
        ("registry:person_list", "妇女A", "妇女B"),
        ("registry:women_ledger", "妇女A", "妇女B"),
        ("registry:household_list", "红旗村一组", "胜利村一组"),  # the households' addresses
    ],
)
def test_the_township_chooses_a_village_first_then_one_of_its_groups(world, login, page, row_a, row_b):
    VillageGroupFactory(village=world.village_b, number=2, name="二组")
    client = login(world.staff)
    everything = client.get(reverse(page)).content.decode()
    assert options(everything, "village") == ["全部村", "红旗村", "胜利村"]  # not the other township's
    assert options(everything, "group") == []  # no list of every group of the township
    assert row_a in everything and row_b in everything
    chosen = client.get(reverse(page), {"village": world.village_b.pk}).content.decode()
    assert options(chosen, "group") == ["全部村民小组", "一组", "二组"]
    assert re.search(rf'<option value="{world.village_b.pk}" selected>胜利村</option>', chosen)
    assert row_b in chosen and row_a not in chosen


def test_a_director_has_her_groups_and_no_village_to_choose(world, login):
    page = login(world.dir_a).get(reverse("registry:person_list")).content.decode()
    assert options(page, "village") == [] and options(page, "group") == ["全部村民小组", "一组"]


def test_a_register_list_is_filtered_by_the_village_chosen(world, login):
    from registry.models import PoorWoman

    for woman in (world.woman_a, world.woman_b):
        PoorWoman.objects.create(person=woman, year=2026, reason="illness")
    client = login(world.staff)
    url = reverse("registry:poorwoman_list")
    both = client.get(url, {"year": 2026}).content.decode()
    assert "妇女A" in both and "妇女B" in both and options(both, "village") == ["全部村", "红旗村", "胜利村"]
    one = client.get(url, {"year": 2026, "village": world.village_a.pk}).content.decode()
    assert "妇女A" in one and "妇女B" not in one and options(one, "group") == ["全部村民小组", "一组"]
