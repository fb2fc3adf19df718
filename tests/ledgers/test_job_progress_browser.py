"""In Chromium: a background job's page follows its progress (static/js/job-progress.js) until it ends."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from federation.ledgers.models import ExportRecord, ImportRecord
from tests.helpers.web import sign_in

pytestmark = pytest.mark.browser


def started(model, user, ledger: str, **fields):
    """Return a record of ``model`` (an export's or an import's) that ``user`` started for ``ledger``."""
    return model.objects.create(user=user, requested_by=user.username, ledger=ledger, title=ledger, **fields)


def test_an_export_page_shows_the_rows_written_then_offers_the_file(phone, world):
    running = ExportRecord.Status.RUNNING
    record = started(ExportRecord, world.staff, "women", format="xlsx", status=running, rows_total=40)
    sign_in(phone, "staff")
    phone.wait_for_selector("h1")
    phone.go(reverse("exports:job", args=[record.pk]))
    assert phone.locator("#export-download").is_hidden()
    reloads = []
    phone.on("framenavigated", lambda frame: reloads.append(frame.url))

    ExportRecord.objects.filter(pk=record.pk).update(rows_done=10)
    expect(phone.locator("#export-rows")).to_have_text("10")
    assert phone.locator("#export-bar").inner_text() == "25%"
    assert phone.locator("#export-download").is_hidden()

    ExportRecord.objects.filter(pk=record.pk).update(
        status=ExportRecord.Status.DONE, rows_done=40, file_name="幸福乡妇女基本情况台账.xlsx"
    )
    link = phone.locator("#export-download")
    link.wait_for(state="visible")
    assert link.inner_text() == "下载 幸福乡妇女基本情况台账.xlsx"
    assert phone.locator("#export-bar").inner_text() == "100%"
    assert phone.locator("#export-status-label").inner_text() == "已完成"
    assert phone.locator("#export-hint").is_hidden()
    assert reloads == []  # followed in place, the page never reloaded


def test_an_import_page_follows_the_check_and_shows_its_outcome_when_it_ends(phone, world):
    checking = ImportRecord.Status.CHECKING
    record = started(
        ImportRecord, world.dir_a, "persons", village=world.village_a, status=checking, rows_total=20
    )
    sign_in(phone, "dir_a")
    phone.wait_for_selector("h1")
    phone.go(reverse("imports:record", args=[record.pk]))
    assert phone.locator("#import-bar").inner_text() == "0%"
    reloads = []
    phone.on("framenavigated", lambda frame: reloads.append(frame.url))

    ImportRecord.objects.filter(pk=record.pk).update(rows_done=5)
    expect(phone.locator("#import-rows")).to_have_text("5")
    assert phone.locator("#import-bar").inner_text() == "25%"
    assert reloads == []

    # The check ends: the page reloads and says so, with no progress bar any more.
    with phone.expect_navigation(timeout=15_000):
        ImportRecord.objects.filter(pk=record.pk).update(status=ImportRecord.Status.INVALID)
    assert phone.locator("#import-bar").count() == 0
    assert "有错误，未导入" in phone.locator("main").inner_text()
