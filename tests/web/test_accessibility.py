"""Every page kind passes axe-core's WCAG 2 A/AA rules, and its touch targets are 44 px or more.

A village director at 375 px and the township staff at 1280 px open the home, a list, a record, a
form, the person page, the statistics, the import pages, the loan pages, the 404 page and the log-in
page; axe-core (bundled by axe-playwright-python, injected into the page) finds nothing, and every
button, link shown as a button, menu item, pagination link and radio or checkbox with its label is
at least 44 px tall (and a button 44 px wide).
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from federation.ledgers.models import ImportRecord
from registry.models import LeftBehindWoman
from tests.crosschecks.helpers import checked_list
from tests.helpers.factories import HouseholdFactory
from tests.helpers.loans import build_loan_world, draft
from tests.helpers.outreach import build_outreach_world
from tests.helpers.web import sign_in

pytestmark = pytest.mark.browser

WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

#: What a finger taps: its box must be 44 px high (WCAG 2.5.5); a radio or checkbox is measured with
#: its label, which is what takes the tap.
TARGETS = """
() => {
  const seen = (el) => { const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden"; };
  const out = [];
  const add = (el, kind, box) => { const r = (box || el).getBoundingClientRect();
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 20);
    out.push({kind, text, width: Math.round(r.width), height: Math.round(r.height)}); };
  const buttons = ".btn, button, .page-link, .dropdown-item, .navbar .nav-link, .nav-pills .nav-link";
  document.querySelectorAll(buttons).forEach((el) => { if (seen(el)) add(el, "button"); });
  document.querySelectorAll("input[type=radio], input[type=checkbox]").forEach((el) => {
    if (!seen(el)) return;
    const label = el.closest("label") || (el.id && document.querySelector(`label[for="${el.id}"]`));
    add(el, "choice", label && seen(label) ? label : el);
  });
  return out;
}
"""


def violations(page) -> list[str]:
    """Return axe-core's WCAG 2 A/AA violations on the page, one line each."""
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AA}})
    return [
        f"{v['id']}: {[node['target'] for node in v['nodes']][:3]}" for v in result.response["violations"]
    ]


def small_targets(page) -> list[dict]:
    """Return the touch targets of the page smaller than 44 px."""
    return [
        t for t in page.evaluate(TARGETS) if t["height"] < 44 or (t["kind"] == "button" and t["width"] < 44)
    ]


@pytest.fixture
def site(world):
    """Return ``world`` with a record of every kind: registers, outreach, a loan, 60 households."""
    from tests.helpers.ledgers import make_ledger_world

    w = build_loan_world(build_outreach_world(make_ledger_world(world)))
    w.loan = draft(w, w.applicant_a)
    w.entry = LeftBehindWoman.objects.get(person=w.woman_a)
    for number in range(10, 70):  # more than a page of households: the pagination is measured
        HouseholdFactory(village=w.village_a, group=w.group_a, number=f"{number:04d}")
    w.checked_imports = {user.username: checked_import(user, w.village_a) for user in (w.dir_a, w.staff)}
    # A department's list checked (比对核实): a difference in each village, and one waiting for its columns.
    rows = [
        (1, w.woman_a.name, w.woman_a.id_number, w.woman_a.name, "胜利村"),
        (2, "外来人", "", "某某", "胜利村"),
    ]
    w.department_list = checked_list(w.staff, w, ["序号", "姓名", "身份证号", "户主姓名", "村"], rows)
    w.draft_list = checked_list(
        w.staff, w, ["序号", "姓名", "身份证号", "户主姓名", "村"], rows, confirmed=False
    )
    return w


def checked_import(user, village) -> ImportRecord:
    """Return a checked import of ``user``, waiting for confirmation: its preview and a warning."""
    preview = {
        "headers": [{"title": "姓名", "kind": "text"}, {"title": "身份证号", "kind": "id_number"}],
        "rows": [
            {"row": 4, "cells": ["王小燕", "513401199003040022"]},
            {"row": 5, "cells": ["王小梅", None]},
        ],
    }
    return ImportRecord.objects.create(
        user=user,
        requested_by=user.username,
        ledger="persons",
        title="居民花名册",
        village=village,
        file_name="花名册.xlsx",
        status=ImportRecord.Status.CHECKED,
        rows_total=2,
        preview=preview,
        warnings=[{"where": "unit", "written": "幸福乡大河村"}],
    )


def page_kinds(w, *, township: bool) -> dict[str, str]:
    """Return the address of every page kind, by name."""
    kinds = {
        "home": reverse("home"),
        "list": reverse("registry:household_list"),
        "register list": reverse("registry:leftbehindwoman_list"),
        "record": w.entry.get_absolute_url(),
        "exit form": reverse("registry:leftbehindwoman_exit", args=[w.entry.pk]),
        "carry over": reverse("registry:carry_over"),
        "visit": w.o.visit_a.get_absolute_url(),
        "form": reverse("registry:person_create"),
        "radio form": reverse("outreach:visit_create"),
        "person": w.woman_a.get_absolute_url(),
        "screening statistics": reverse("outreach:screening_statistics"),
        "import": reverse("imports:start"),
        "import history": reverse("imports:history"),
        "import preview": reverse(
            "imports:record", args=[w.checked_imports["staff" if township else "dir_a"].pk]
        ),
        "loans": reverse("loans:application_list"),
        "loan": w.loan.get_absolute_url(),
        "loan form": reverse("loans:application_create"),
        "not found": "/no-such-page/",
    }
    kinds["cross-checks"] = reverse("crosschecks:departmentlist_list")
    kinds["cross-check"] = w.department_list.get_absolute_url()
    if township:
        kinds["cross-check upload"] = reverse("crosschecks:departmentlist_create")
        kinds["cross-check columns"] = w.draft_list.get_absolute_url()
        kinds["overview"] = reverse("outreach:overview")
        kinds["visit progress"] = reverse("outreach:visit_progress")
    else:
        kinds["loan form"] = reverse("loans:application_update", args=[w.loan.pk])
    return kinds


def check_every_kind(page, kinds: dict[str, str]) -> None:
    found = {}
    for name, path in kinds.items():
        response = page.go(path)
        assert response.status == (404 if name == "not found" else 200), name
        problems = violations(page) + [
            f"{t['kind']} {t['text']!r} {t['width']}×{t['height']}" for t in small_targets(page)
        ]
        if problems:
            found[name] = problems
    assert found == {}


def test_every_page_kind_at_375_px_as_a_director(phone, site):
    phone.go(reverse("login"))
    assert violations(phone) == [] and small_targets(phone) == []
    sign_in(phone, "dir_a")
    phone.wait_for_selector("h1")
    check_every_kind(phone, page_kinds(site, township=False))
    # The menu, opened: its items are 44 px high too.
    phone.go(reverse("home"))
    phone.click(".navbar-toggler")
    phone.locator(".navbar .dropdown-toggle").first.click()
    phone.wait_for_selector(".dropdown-menu.show")
    opened = [t for t in phone.evaluate(TARGETS) if t["height"] >= 44]
    assert len(opened) > 5 and small_targets(phone) == []


def test_every_page_kind_at_1280_px_as_the_township(chromium, live_server, site):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.go = lambda path: page.goto(live_server.url + path)
    try:
        sign_in(page, "staff")
        page.wait_for_selector("h1")
        check_every_kind(page, page_kinds(site, township=True))
        page.go(reverse("registry:household_list") + f"?village={site.village_a.pk}")
        assert page.locator(".page-link").count() >= 2 and small_targets(page) == []
    finally:
        context.close()


def test_the_other_village_director_does_not_reach_the_record_pages(phone, site):
    """The twin: the pages checked above are refused to another village's director."""
    sign_in(phone, "dir_b")
    phone.wait_for_selector("h1")
    for path in (
        site.entry.get_absolute_url(),
        site.woman_a.get_absolute_url(),
        site.loan.get_absolute_url(),
    ):
        assert phone.go(path).status == 404
