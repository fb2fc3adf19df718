"""A record page printed (Chromium's print to PDF): the record only, black on white, no menu or buttons."""

from __future__ import annotations

import subprocess

import pytest

from registry.models import LeftBehindWoman
from tests.helpers.loans import build_loan_world, draft
from tests.helpers.outreach import build_outreach_world
from tests.helpers.web import sign_in

pytestmark = pytest.mark.browser

SHOWN = """
() => [...document.querySelectorAll(".navbar, .btn, button, form")]
  .filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
  .map((el) => el.className || el.tagName)
"""


@pytest.fixture
def records(world):
    from tests.helpers.ledgers import make_ledger_world

    w = build_loan_world(build_outreach_world(make_ledger_world(world)))
    loan = draft(w, w.applicant_a, project="农家乐经营")
    return w, {
        "person": (w.woman_a.get_absolute_url(), w.woman_a.name),
        "loan": (loan.get_absolute_url(), "农家乐经营"),
        "visit": (w.o.visit_a.get_absolute_url(), "帮扶A"),
        "record": (
            LeftBehindWoman.objects.get(person=w.woman_a).get_absolute_url(),
            "-5元的困难",
        ),  # pdftotext drops the spaces
    }


def pdf_text(path) -> str:
    """Return the text of a PDF without white space (pdftotext spaces CJK text as it pleases)."""
    return "".join(
        subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )


def test_a_printed_record_is_the_record_only(chromium, live_server, records, tmp_path):
    w, pages = records
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.go = lambda path: page.goto(live_server.url + path)
    try:
        sign_in(page, "staff")
        page.wait_for_selector("h1")
        for name, (path, text) in pages.items():
            assert page.go(path).status == 200, name
            page.emulate_media(media="print")
            assert page.evaluate(SHOWN) == [], name  # no menu, button or form on paper
            colours = page.evaluate(
                "() => [getComputedStyle(document.body).backgroundColor,"
                " getComputedStyle(document.querySelector('h1')).color]"
            )
            assert colours == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"], name
            pdf = tmp_path / f"{name}.pdf"
            page.pdf(path=str(pdf), format="A4", print_background=True)
            printed = pdf_text(pdf)
            # The header's words (its brand, 修改密码) are not on paper; "退出" alone no longer tells,
            # since an entry's page names its 退出日期.
            assert text in printed and "妇联工作台账" not in printed and "修改密码" not in printed, name
            page.emulate_media(media="screen")
            assert "修改密码" in page.inner_text("nav")  # the screen keeps its menu
    finally:
        context.close()


def test_another_village_director_prints_none_of_them(phone, records):
    _w, pages = records
    sign_in(phone, "dir_b")
    phone.wait_for_selector("h1")
    for name, (path, _text) in pages.items():
        assert phone.go(path).status == 404, name
