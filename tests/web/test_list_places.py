"""Every list shows each row's village and has the 乡镇 → 村 → 村民小组 filters, kept in the address.

The lists are found from the URL patterns (every view of ``PlaceFiltersMixin``), so a new register's
list is checked here without a line of its own.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from federation.web.generic import PlaceFiltersMixin
from tests.helpers.factories import VillageGroupFactory
from tests.helpers.urls import named_pages, without_arguments

pytestmark = pytest.mark.django_db


def _lists() -> list[str]:
    """Return every list page with the place filters (``PlaceFiltersMixin``)."""
    return sorted(
        {
            name
            for name, pattern in named_pages()
            if without_arguments(pattern)
            and issubclass(getattr(pattern.callback, "view_class", object), PlaceFiltersMixin)
        }
    )


LISTS = _lists()


def options(page: str, name: str) -> list[str]:
    """Return the texts of the options of the drop-down ``name`` on ``page`` ([] when it is not there)."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1)) if select else []


def table(page: str) -> str:
    return page[page.index("<table") : page.index("</table>")]


def may_read(user, name: str) -> bool:
    from django.urls import resolve

    view = resolve(reverse(name)).func.view_class()
    return user.has_perms(view.get_permission_required())


def test_every_list_of_the_site_is_checked():
    assert len(LISTS) >= 25  # persons, households, registers, outreach, loans and their deleted lists
    for name in ("registry:person_list", "registry:leftbehindwoman_list", "outreach:petition_list"):
        assert name in LISTS
    assert "loans:application_list" in LISTS and "registry:poorwoman_deleted" in LISTS


@pytest.mark.parametrize("name", LISTS)
def test_the_township_sees_the_village_of_every_row_and_chooses_a_village_then_a_group(world, login, name):
    VillageGroupFactory(village=world.village_b, number=2, name="二组")
    client = login(world.staff)
    page = client.get(reverse(name)).content.decode()
    assert options(page, "village") == ["全部村", "红旗村", "胜利村"]  # never the other township's
    assert options(page, "group") == []  # no list of the township's every group
    assert options(page, "township") == []  # one township: nothing to choose
    assert re.search(r"<th[^>]*>[^<]*村", table(page)), "no village column"
    assert len(re.findall(r"<th[^>]*>村</th>", table(page))) <= 1, "the village twice"
    chosen = client.get(reverse(name), {"village": world.village_b.pk}).content.decode()
    assert re.search(rf'<option value="{world.village_b.pk}" selected>胜利村</option>', chosen)
    group_names = options(chosen, "group")
    assert group_names in (["全部村民小组", "一组", "二组"], [])  # [] only for a record of no person or group
    if group_names:
        group = client.get(reverse(name), {"village": world.village_b.pk, "group": world.group_b.pk})
        assert re.search(rf'<option value="{world.group_b.pk}" selected>', group.content.decode())
        # another village's group is not kept: the list is the chosen village's
        mixed = client.get(reverse(name), {"village": world.village_b.pk, "group": world.group_a.pk})
        group_select = re.search(r'<select[^>]*name="group".*?</select>', mixed.content.decode(), re.S)
        assert "selected" not in group_select.group(0)


@pytest.mark.parametrize("name", LISTS)
def test_a_director_has_no_village_to_choose_and_sees_her_groups(world, login, name):
    page = login(world.dir_a).get(reverse(name)).content.decode()
    assert options(page, "village") == [] and options(page, "township") == []
    assert options(page, "group") in (["全部村民小组", "一组"], [])


@pytest.mark.parametrize("name", LISTS)
def test_the_county_chooses_a_township_then_one_of_its_villages(world, login, name):
    client = login(world.county_viewer)
    if not may_read(world.county_viewer, name):
        assert client.get(reverse(name)).status_code == 404
        return
    page = client.get(reverse(name)).content.decode()
    assert options(page, "township") == ["全部乡镇", world.township.name, "团结镇"]
    assert options(page, "village") == []  # a county's villages only once a township is chosen
    assert re.search(r"<th[^>]*>[^<]*村", table(page)), "no village column"
    chosen = client.get(reverse(name), {"township": world.other_township.pk}).content.decode()
    assert options(chosen, "village") == ["全部村", "光明村"]
    # a village in the address without its township: the township follows from it
    village = client.get(reverse(name), {"village": world.village_a.pk}).content.decode()
    assert re.search(rf'<option value="{world.township.pk}" selected>', village)
    assert options(village, "village") == ["全部村", "红旗村", "胜利村"]


REGISTERS = [
    "registry:person_list",
    "registry:household_list",
    "registry:women_ledger",
    "registry:leftbehindwoman_list",
    "registry:leftbehindchild_list",
    "registry:hardshipchild_list",
    "registry:poorwoman_list",
    "registry:villagedirector_list",
    "registry:womenshome_list",
]


@pytest.mark.parametrize("name", REGISTERS)
def test_the_rows_are_the_chosen_villages_and_say_which_village(ledger_world, login, name):
    w = ledger_world
    client = login(w.staff)
    both = table(client.get(reverse(name)).content.decode())
    assert "红旗村" in both and "胜利村" in both and "光明村" not in both
    one = table(client.get(reverse(name), {"village": w.village_b.pk}).content.decode())
    assert "胜利村" in one and "红旗村" not in one
    county = login(w.county_viewer)
    other = table(county.get(reverse(name), {"township": w.other_township.pk}).content.decode())
    assert "光明村" in other and "红旗村" not in other and "胜利村" not in other


@pytest.mark.parametrize("name", REGISTERS)
def test_a_director_never_sees_another_villages_rows_even_when_she_asks_for_them(ledger_world, login, name):
    w = ledger_world
    page = table(login(w.dir_a).get(reverse(name), {"village": w.village_b.pk}).content.decode())
    assert "胜利村" not in page and w.woman_b.name not in page
    assert "<td" in page and "没有" not in page  # her own rows, the filter for another village ignored


@pytest.mark.parametrize("name", [n for n in LISTS if n != "loans:application_list"])
def test_the_export_buttons_carry_the_filters(world, login, name):
    client = login(world.staff)
    page = client.get(reverse(name), {"village": world.village_b.pk, "group": world.group_b.pk, "q": "妇女"})
    links = re.findall(r'href="([^"]+)"[^>]*data-export=', page.content.decode())
    for link in links:
        query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
        assert query["village"] == [str(world.village_b.pk)] and query["group"] == [str(world.group_b.pk)]
        assert query["q"] == ["妇女"]


def test_a_filtered_export_keeps_only_the_chosen_village(ledger_world, login):
    from tests.helpers.ledgers import workbook

    w = ledger_world
    client = login(w.staff)
    page = client.get(reverse("registry:leftbehindwoman_list"), {"village": w.village_b.pk}).content.decode()
    link = re.search(r'href="([^"]+)"[^>]*data-export="xlsx"', page).group(1).replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 200
    sheet = workbook(b"".join(response)).active
    text = " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)
    assert w.woman_b.name in text and w.woman_a.name not in text


def test_a_list_filtered_in_the_address_comes_back_with_its_filters_chosen(world, login):
    client = login(world.staff)
    url = reverse("outreach:petition_list")
    page = client.get(url, {"state": "all", "village": world.village_a.pk, "year": 2025}).content.decode()
    assert re.search(rf'<option value="{world.village_a.pk}" selected>红旗村</option>', page)
    assert '<input type="hidden" name="state" value="all">' in page


def test_the_loan_ledger_has_the_same_place_filters(world, login):
    url = reverse("loans:ledger")
    page = login(world.staff).get(url, {"village": world.village_b.pk}).content.decode()
    assert options(page, "village") == ["全部村", "红旗村", "胜利村"] and options(page, "group") == [
        "全部村民小组",
        "一组",
    ]
    links = re.findall(r'href="([^"]+)"[^>]*data-export=', page)
    assert links and all(f"village={world.village_b.pk}" in link for link in links)
    county = login(world.county_viewer).get(url).content.decode()
    assert options(county, "township") == ["全部乡镇", world.township.name, "团结镇"]
    assert options(login(world.dir_a).get(url).content.decode(), "village") == []


def test_the_loan_ledger_keeps_the_chosen_villages_loans(world, login):
    from tests.helpers.loans import advance, build_loan_world, draft

    w = build_loan_world(world)
    for applicant in (w.applicant_a, w.applicant_b):
        advance(w, draft(w, applicant), "submitted")
    client = login(w.staff)
    both = client.get(reverse("loans:ledger")).content.decode()
    assert "申请人A" in both and "申请人B" in both
    one = client.get(reverse("loans:ledger"), {"village": w.village_a.pk}).content.decode()
    assert "申请人A" in one and "申请人B" not in one
