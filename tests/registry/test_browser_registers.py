"""In Chromium at 375 px: a director registers a family and finds it in the registers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from federation.core.idnumber import make_id_number
from registry.models import LeftBehindChild, LeftBehindWoman
from tests.helpers.web import fill_form, page_width, sign_in, submit

pytestmark = pytest.mark.browser


def add_member(page, household_url, relation, name, id_number, **fields):
    """Add a member to the household at ``household_url`` through its form, the other fields as typed."""
    page.goto(household_url)
    page.click("text=添加成员")
    page.select_option("#id_relation", relation)
    page.fill("#id_name", name)
    page.type("#id_id_number", id_number)
    fill_form(page, **fields)
    submit(page)


def test_director_registers_a_family_and_finds_it_in_the_registers(phone, world):
    year = timezone.localdate().year
    reference = dt.date(year, 3, 18)
    sign_in(phone, "dir_a")
    phone.wait_for_selector("h1")

    phone.go(reverse("registry:household_create"))
    fill_form(phone, group=str(world.group_a.pk), number="0201", address="红旗村一组 18 号")
    submit(phone)
    household_url = phone.url
    assert page_width(phone) <= 375

    def id_number(age: int, seq: int) -> str:
        return make_id_number("513401", reference.replace(year=year - age), seq)

    add_member(
        phone,
        household_url,
        "head",
        "王强",
        id_number(40, 31),
        marital_status="married",
        employment="migrant",
        work_place="out_province",
        work_place_detail="广东省东莞市",
        away_since=(reference - dt.timedelta(days=200)).isoformat(),
    )
    add_member(phone, household_url, "spouse", "李秀兰", id_number(36, 42), marital_status="married")
    add_member(phone, household_url, "child", "王小明", id_number(9, 53))

    # The wife meets every condition: she is offered among the left-behind women.
    phone.go(reverse("registry:leftbehindwoman_list"))
    candidate = phone.locator("li", has_text="李秀兰")
    candidate.locator("text=登记").click()
    phone.click("main button[type=submit]")
    phone.wait_for_selector("text=已保存")
    phone.go(reverse("registry:leftbehindwoman_list"))
    assert "李秀兰" in phone.inner_text("table")
    assert LeftBehindWoman.objects.get(person__name="李秀兰").year == year

    # The child, whose father works in another province, is offered among the left-behind children.
    phone.go(reverse("registry:leftbehindchild_list"))
    candidate = phone.locator("li", has_text="王小明")
    assert "父亲外出" in candidate.inner_text()
    candidate.locator("text=登记").click()
    assert phone.input_value("#id_parents_away") == "father"
    fill_form(phone, guardian_name="李秀兰", guardian_relation="mother", school="红旗村小学")
    submit(phone)
    phone.go(reverse("registry:leftbehindchild_list"))
    assert "王小明" in phone.inner_text("table")
    assert LeftBehindChild.objects.get(person__name="王小明").guardian_name == "李秀兰"
    assert page_width(phone) <= 375


def test_a_director_finds_a_child_by_part_of_her_name_picks_her_by_touch_and_saves(
    chromium, live_server, transactional_db, world
):
    from federation.core.idnumber import make_id_number
    from registry.models import HardshipChild
    from tests.helpers.factories import PersonFactory

    for n in range(35):
        PersonFactory(village=world.village_a, name=f"村民{n:02d}", birth_date=dt.date(1980, 1, 1))
    child = PersonFactory(
        village=world.village_a,
        name="要找的孩子",
        birth_date=dt.date(2016, 2, 3),
        id_number=make_id_number("513401", dt.date(2016, 2, 3), 88),
    )
    PersonFactory(village=world.village_b, name="要找的别村孩子", birth_date=dt.date(2016, 1, 1))
    context = chromium.new_context(
        viewport={"width": 375, "height": 740}, has_touch=True, is_mobile=True, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.go = lambda path: page.goto(live_server.url + path)
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, "dir_a")
    page.wait_for_selector("h1")
    page.go(reverse("registry:hardshipchild_create"))
    assert page.locator("#id_person option").count() == 1  # the page holds no list of persons
    page.locator("#id_person-ts-control").tap()
    page.locator("#id_person-ts-control").type("要找")
    options = page.locator("#id_person-ts-dropdown .option")
    options.first.wait_for()
    assert options.count() == 1 and "要找的孩子" in options.first.inner_text()  # never another village's
    assert child.id_number[-4:] in options.first.inner_text()
    options.first.tap()
    assert page.eval_on_selector("#id_person", "s => s.value") == str(child.pk)
    fill_form(page, reason="both_dead", guardian_name="外婆", guardian_relation="maternal_grandparent")
    assert page_width(page) <= 375
    submit(page)
    assert HardshipChild.objects.get(person=child).guardian_name == "外婆"
    assert refused == []
    context.close()
