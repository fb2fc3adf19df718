"""In Chromium at 375 px: a director finds a woman by the last 4 digits of her ID number from the
header's search, opens her file, sees her registers, visits and loan, and records a visit from it.

Screenshots of the file and of the results go to /tmp/shots/person/ (looked at by hand; the
test does not read them) when that folder exists.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from federation.core import history
from outreach.models import Visit
from tests.helpers.loans import add_signers, advance, draft, guarantor
from tests.helpers.outreach import left_behind_woman, screening, visit
from tests.helpers.web import page_width, sign_in

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots/person")
TODAY = timezone.localdate()


def shot(page, name: str) -> None:
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def woman(world):
    entry = left_behind_woman(world.village_a, name="陈桂兰", born=dt.date(TODAY.year - 34, 5, 2))
    person = entry.person
    person.employment, person.phone = "unemployed", "13912345678"
    history.save(person, actor=world.dir_a)
    visit(person, TODAY - dt.timedelta(days=30), visitors="张红")
    screening(person)
    add_signers(world)
    advance(world, draft(world, person, amount=30000, guarantors=[guarantor()]), "village_signed")
    return person


def test_a_director_opens_her_file_from_the_header_search_and_records_a_visit(phone, world, woman):
    sign_in(phone, "dir_a")
    phone.get_by_role("button", name="菜单").click()
    phone.wait_for_selector("#nav.show")  # opened, not opening
    search = phone.get_by_role("searchbox", name="查找居民和户：姓名、身份证号、后四位、电话或户号")
    search.fill(woman.id_number[-4:])
    shot(phone, "header-375-menu")
    search.press("Enter")
    phone.wait_for_selector("#search-persons")
    assert page_width(phone) <= 375
    row = phone.locator("#search-persons tr", has_text="陈桂兰")
    assert "农村留守妇女" in row.inner_text()
    shot(phone, "search-375-director")
    row.get_by_role("link", name="陈桂兰").click()

    phone.wait_for_selector("#person-registers")
    assert page_width(phone) <= 375
    assert "农村留守妇女" in phone.locator("#person-registers").inner_text()
    assert "张红" in phone.locator("#person-visits").inner_text()
    assert "30000 元" in phone.locator("#person-loans").inner_text()
    shot(phone, "file-375-director")
    phone.locator("#person-visits").get_by_role("link", name="记录走访").click()

    assert phone.locator("#id_person option:checked").inner_text().startswith("陈桂兰")
    phone.get_by_label("入户走访").check()
    phone.fill("#id_visitors", "张红")
    phone.fill("#id_living_situation", "在家种菜，丈夫在广东务工。")
    phone.click("main button[type=submit]")
    phone.wait_for_selector("#person-visits")
    assert phone.url.endswith(woman.get_absolute_url())
    assert Visit.objects.filter(person=woman).count() == 2
    assert f"（{TODAY.year} 年 2 次）" in phone.locator("#person-visits").inner_text()


def test_screens_of_the_file_and_the_results_at_both_widths(chromium, live_server, world, woman):
    """Not an assertion of looks: the screenshots at 375 and 1280 px, as the director and the county."""
    for width, height in ((375, 740), (1280, 900)):
        for user in ("dir_a", "county"):
            context = chromium.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
            page = context.new_page()
            page.go = lambda path, page=page: page.goto(live_server.url + path)
            sign_in(page, user)
            page.go(woman.get_absolute_url())
            page.wait_for_selector("#person-registers")
            assert page_width(page) <= width
            shot(page, f"file-{width}-{user}")
            page.go(f"/registry/search/?q={woman.id_number[-4:]}")
            page.wait_for_selector("#search-persons")
            assert page_width(page) <= width
            shot(page, f"search-{width}-{user}")
            context.close()
