"""In Chromium at 375 px: a village director enters without a network (issue 16, part B).

One world, one phone: after one visit online the home and the visit form open offline; an edit page
is kept only with its ID numbers, phones and birth dates masked; a visit and a new person entered
offline wait on the phone across a closed page and are sent through the API when the network returns
(history naming her); an entry that breaks a rule comes back with its message to fix and resend; a
record the township changed meanwhile is shown side by side and keeps her choice, its masked ID
number left whole; a new household and a register entry made offline reach the server too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from federation.core.masking import mask_id_number, mask_phone
from federation.core.services import domain_record_save
from outreach.models import Visit
from registry.models import Household, HouseholdIncome, Person, PoorWoman
from tests.helpers.factories import id_number_for
from tests.helpers.outreach import left_behind_woman
from tests.helpers.web import choose, sign_in

pytestmark = pytest.mark.browser

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def ready(page) -> None:
    """Wait until the phone keeps the pages (the service worker is active and the pages are stored)."""
    page.wait_for_selector("html[data-offline-ready='1']", state="attached")


def shot(page, name: str) -> None:
    """Write the page's screenshot at its width to var/screenshots (looked at by the change's author)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SHOTS / f"offline-{name}-{width}.png"), full_page=True)


def badge(page, text: str) -> None:
    """Wait until the header's count says ``text`` (the script counts the queue after the page loads)."""
    expect(page.locator("#sync-count")).to_have_text(text)


KEPT_TEXT = """async () => {
  const cache = await caches.open("federation-offline");
  const texts = [];
  for (const request of await cache.keys()) {
    if (new URL(request.url).pathname.startsWith("/static/")) continue;
    texts.push(request.url + "\\n" + await (await cache.match(request)).text());
  }
  return texts.join("\\n");
}"""


def kept_text(page) -> str:
    """Return every page and answer the phone keeps (not the static files), one after the other."""
    return page.evaluate(KEPT_TEXT)


def phone_entries(page) -> str:
    """Return the entries the phone's queue holds, as JSON."""
    return page.evaluate(
        'async () => JSON.stringify(await (await idb.openDB("federation-offline", 1)).getAll("entries"))'
    )


def new_person(page, name: str, id_number: str) -> None:
    """Fill the new person form (the household chosen from the roster the phone keeps) and save it."""
    page.go("/registry/persons/new/")
    choose(page, "id_household", "0001")
    page.select_option("#id_relation", label="子女")
    page.fill("#id_name", name)
    page.fill("#id_id_number", id_number)
    page.select_option("#id_sex", "F")
    page.click("main button[type=submit]")
    page.wait_for_url("**/offline/queue/**")


def test_a_director_enters_offline_and_her_entries_reach_the_server(phone, world, live_server):
    registered = left_behind_woman(world.village_a, name="李秀兰")
    Person.objects.filter(pk=world.woman_a.pk).update(phone="13812345678")
    HouseholdIncome.objects.create(  # what her entry as a poor woman needs
        household=world.household_a, year=timezone.localdate().year, per_capita_income=Decimal("1800")
    )
    woman = Person.objects.get(pk=world.woman_a.pk)
    sign_in(phone, "dir_a")
    ready(phone)
    phone.go(f"/registry/persons/{woman.pk}/edit/")  # opened online: kept, masked, for an edit offline
    ready(phone)
    phone.go(f"/registry/left-behind-women/{registered.pk}/edit/")  # she is chosen in it: her age shown
    ready(phone)
    context = phone.context

    # What the phone keeps holds no whole ID number, phone or birth date; the edit page's are masked.
    kept = kept_text(phone)
    assert f"/registry/persons/{woman.pk}/edit/" in kept and "李秀兰（女，" in kept
    for person in (woman, registered.person):
        assert person.id_number not in kept and person.birth_date.isoformat() not in kept
    assert mask_id_number(woman.id_number) in kept
    assert "13812345678" not in kept and mask_phone("13812345678") in kept

    # Offline: the home and the visit form open from the phone; a page not kept says so.
    context.set_offline(True)
    phone.go("/")
    assert "李秀兰" in phone.locator("main").inner_text()
    shot(phone, "home")
    phone.go("/registry/access-log/")
    assert "这一页不能离线打开" in phone.locator("main").inner_text()

    phone.go("/outreach/visits/new/")
    choose(phone, "id_person", "李秀兰")
    phone.fill("#id_visited_on", timezone.localdate().isoformat())
    phone.get_by_label("入户走访").check()
    phone.fill("#id_visitors", "张红")
    phone.fill("#id_living_situation", "种玉米，孩子上小学。")
    phone.click("main button[type=submit]")
    phone.wait_for_url("**/offline/queue/**")
    born = dt.date(2012, 3, 4)
    new_person(phone, "周小燕", id_number_for(born, "F"))
    badge(phone, "待同步 2")

    # Closed and opened again, still offline: the queue holds both.
    phone.close()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.go = lambda path: page.goto(live_server.url + path)
    page.go("/offline/queue/")
    entries = page.locator(".offline-entry")
    entries.nth(1).wait_for()
    assert entries.count() == 2
    assert "李秀兰" in entries.nth(0).inner_text() and "周小燕" in entries.nth(1).inner_text()
    badge(page, "待同步 2")
    shot(page, "queue")
    page.set_viewport_size({"width": 1280, "height": 800})
    shot(page, "queue")
    page.set_viewport_size({"width": 375, "height": 740})

    # Online again: both are sent at once, and the server's history names her.
    context.set_offline(False)
    page.wait_for_selector(".offline-empty")
    assert page.locator("#sync-count").is_hidden()
    visit = Visit.objects.get(person__name="李秀兰")
    person = Person.objects.get(name="周小燕")
    assert visit.history.latest().history_user == world.dir_a
    assert person.history.latest().history_user == world.dir_a
    assert person.birth_date == born and person.village == world.village_a

    # An entry that breaks a rule (an ID number already registered) comes back with its message.
    context.set_offline(True)
    new_person(page, "周小红", person.id_number)
    context.set_offline(False)
    refused = page.locator(".offline-entry[data-status=refused]")
    refused.wait_for()
    assert "退回修改" in refused.inner_text()
    message = refused.locator(".offline-field-error").inner_text()
    assert "身份证" in message or "已" in message
    refused.get_by_role("link", name="按提示修改").click()
    expect(page.locator("#id_name")).to_have_value("周小红")
    expect(page.locator(".offline-error").first).to_contain_text(message)
    page.fill("#id_id_number", id_number_for(dt.date(2014, 5, 6), "F"))
    page.click("main button[type=submit]")
    page.wait_for_selector(".offline-empty")
    assert Person.objects.filter(name="周小红").exists()

    # A conflict: she edits 妇女A's phone offline (her page's masked copy) while the township changes it.
    context.set_offline(True)
    page.go(f"/registry/persons/{woman.pk}/edit/")
    expect(page.locator("#id_id_number")).to_have_value(mask_id_number(woman.id_number))
    expect(page.locator("#id_birth_date")).to_have_value("")
    shot(page, "edit-masked")
    page.fill("#id_phone", "13900000001")
    page.click("main button[type=submit]")
    page.wait_for_url("**/offline/queue/**")
    woman.refresh_from_db()
    woman.phone = "13700000002"
    domain_record_save(user=world.staff, instance=woman, expected_version=woman.version)
    context.set_offline(False)
    conflict = page.locator(".offline-entry[data-status=conflict]")
    conflict.wait_for()
    row = conflict.locator("tr", has_text="电话")
    assert woman.id_number not in phone_entries(page)  # of the record now, the queue keeps what she sent
    assert "13900000001" in row.inner_text() and "13700000002" in row.inner_text()
    shot(page, "conflict")
    assert Person.objects.get(pk=woman.pk).phone == "13700000002"  # never overwritten silently
    conflict.get_by_role("button", name="按所选保存").click()
    page.wait_for_selector(".offline-empty")
    saved = Person.objects.get(pk=woman.pk)
    assert saved.phone == "13900000001"
    assert saved.history.latest().history_user == world.dir_a
    assert (saved.id_number, saved.birth_date) == (woman.id_number, woman.birth_date)  # left as they were

    # A new household and a register entry (a poor woman), entered offline, reach the server.
    context.set_offline(True)
    page.go("/registry/households/new/")
    page.select_option("#id_group", label="一组")
    number = page.input_value("#id_number")  # the group's next number, as the kept page proposes it
    assert number
    page.fill("#id_address", "红旗村二组路口")
    page.click("main button[type=submit]")
    page.wait_for_url("**/offline/queue/**")
    page.go("/registry/poor-women/new/")
    choose(page, "id_person", "妇女A")
    page.select_option("#id_reason", label="因病")
    page.click("main button[type=submit]")
    page.wait_for_url("**/offline/queue/**")
    badge(page, "待同步 2")
    context.set_offline(False)
    page.wait_for_selector(".offline-empty")
    household = Household.objects.get(village=world.village_a, number=number)
    assert household.address == "红旗村二组路口" and household.group == world.group_a
    assert household.history.latest().history_user == world.dir_a
    poor = PoorWoman.objects.get(person=woman)
    assert poor.reason == "illness" and poor.history.latest().history_user == world.dir_a


COUNT_ENTRIES = """async () => {
  const d = await idb.openDB("federation-offline", 1);
  return (await d.getAll("entries")).length;
}"""
KEPT_PAGES = """async () => {
  if (!(await caches.has("federation-offline"))) return 0;
  const keys = await (await caches.open("federation-offline")).keys();
  return keys.filter((r) => !new URL(r.url).pathname.startsWith("/static/")).length;
}"""
EIGHT_DAYS_AGO = """async () => {
  const at = Date.now() - 8 * 86400000;
  const d = await idb.openDB("federation-offline", 1);
  await d.put("meta", {key: "lastSync", value: at});
  const cache = await caches.open("federation-offline");
  await cache.put("/offline/__meta", new Response(JSON.stringify({lastSync: at, days: 7})));
}"""


def log_out_answering(page, *, accept: bool) -> str:
    """Press 退出, answer the question it asks, and return the question.

    The form is submitted as the button submits it (``requestSubmit``: the page's script hears it)
    from a script call that returns at once: Playwright's click waited for a navigation that the open
    question held up, until its timeout. The question comes after the script has counted the queue in
    IndexedDB, which on a busy machine took more than 10 s: it is waited for as long as any step.
    """
    with page.expect_event("dialog", timeout=30_000) as asked:
        page.evaluate("document.querySelector('form[data-offline-logout]').requestSubmit()")
    dialog = asked.value
    message = dialog.message
    dialog.accept() if accept else dialog.dismiss()
    return message


def test_a_shared_phone_keeps_nothing_of_hers(phone, world, live_server):
    sign_in(phone, "dir_a")
    ready(phone)
    # An entry the server refused waits on the phone, online.
    phone.context.set_offline(True)
    new_person(phone, "周小红", world.woman_a.id_number)
    phone.context.set_offline(False)
    phone.locator(".offline-entry[data-status=refused]").wait_for()

    # Log-out refuses while it waits, unless she confirms; confirmed, nothing of hers is left.
    assert "还有 1 条记录没有同步" in log_out_answering(phone, accept=False)
    assert phone.url.endswith("/offline/queue/#saved") and phone.evaluate(COUNT_ENTRIES) == 1
    log_out_answering(phone, accept=True)
    phone.wait_for_url("**/login/**")
    assert phone.evaluate(KEPT_PAGES) == 0 and phone.evaluate(COUNT_ENTRIES) == 0

    # Another user signing in on the phone: what the last one left (her session simply ended) is wiped.
    sign_in(phone, "dir_a")
    ready(phone)
    phone.context.set_offline(True)
    new_person(phone, "周小红", world.woman_a.id_number)
    phone.context.clear_cookies()
    phone.context.set_offline(False)
    sign_in(phone, "dir_b")
    ready(phone)
    assert phone.evaluate(COUNT_ENTRIES) == 0
    assert phone.locator("#sync-count").is_hidden()

    # Seven days without a successful sync: offline, the phone shows none of what it kept.
    assert phone.evaluate(KEPT_PAGES) > 0
    phone.evaluate(EIGHT_DAYS_AGO)
    phone.context.set_offline(True)
    phone.go("/")
    assert "已经清除" in phone.locator("body").inner_text()
    assert phone.evaluate(KEPT_PAGES) == 0
