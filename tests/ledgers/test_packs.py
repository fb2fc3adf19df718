"""The inspection pack (迎检材料): one ZIP of the period's ledgers and archives, with a cover index."""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone

from federation.ledgers import archives
from federation.ledgers.exports import all_ledgers
from federation.ledgers.models import ExportRecord
from federation.ledgers.packs import ARCHIVES, COVER, PACK, PackSpec, Period, pack_plan
from tests.helpers.ledgers import flat, pdf_text, workbook
from tests.helpers.loans import advance, build_loan_world, draft

YEAR = timezone.localdate().year


def build(client, tmp_path, **data):
    """Post the pack's form (by default: this year, every part offered) and return (record, files).

    ``files`` are the ZIP's members, unpacked under ``tmp_path``, by name.
    """
    page = client.get(reverse("exports:pack"))
    offered = [value for value, _label in page.context["form"].fields["parts"].choices]
    response = client.post(
        reverse("exports:pack"), {"period": "year", "year": YEAR, "parts": offered, **data}
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    record = ExportRecord.objects.get(ledger=PACK)
    assert response.url == reverse("exports:pack_job", args=[record.pk])
    download = client.get(reverse("exports:download", args=[record.pk]))
    bundle = zipfile.ZipFile(BytesIO(b"".join(download.streaming_content)))
    bundle.extractall(tmp_path / "pack")
    return record, {name: tmp_path / "pack" / name for name in bundle.namelist()}


@pytest.mark.django_db
def test_the_township_pack_holds_exactly_its_index_and_every_file_opens(
    ledger_world, login, tmp_path, sync_tasks
):
    w = ledger_world
    archive = archives.archive_close(user=w.staff, ledger="left_behind_women", year=YEAR, village=w.village_a)
    record, files = build(login(w.staff), tmp_path)

    assert record.status == ExportRecord.Status.DONE and record.format == "zip" and record.background
    assert record.title == f"幸福乡迎检材料（{YEAR}年度）" and record.requested_by == "王芳"
    cover = pdf_text(files[COVER])
    text = flat(cover)
    assert f"{YEAR}年度" in text and "王芳（乡镇妇联干部）" in text
    # Every file but the cover is listed once with its SHA-256, and nothing else is in the ZIP.
    others = {name: path for name, path in files.items() if name != COVER}
    assert f"共{len(files)}个（含本封面）" in text
    for name, path in others.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() in text, name
    for name in others:
        assert flat(name.rsplit("/", 1)[-1]) in text, name
    # Every ledger the staff may export is there (no list of names), each Excel opens, each PDF reads.
    for ledger in all_ledgers():
        if ledger.allowed(w.staff):
            assert any(ledger.title in name for name in others), ledger.name
    for name, path in others.items():
        if name.endswith(".xlsx"):
            assert workbook(path).active.max_row >= 3, name
        else:
            assert name.endswith(".pdf") and pdf_text(path).strip(), name
    # The township's PDF of a register is one file a village; the women's Excel one sheet for both.
    women = [n for n in others if "妇女基本信息台账" in n and "已归档" not in n]
    assert len([n for n in women if n.endswith(".xlsx")]) == 1
    assert {("红旗村" in n, "胜利村" in n) for n in women if n.endswith(".pdf")} == {
        (True, False),
        (False, True),
    }
    # The closed year of village A is there as archived, with its row count.
    archived = [n for n in others if n.startswith(f"{YEAR}年度/已归档/")]
    assert {n.rsplit(".", 1)[-1] for n in archived} == {"xlsx", "pdf"}
    assert all("幸福乡红旗村" in n for n in archived)
    assert "已归档" in flat(pdf_text(next(files[n] for n in archived if n.endswith(".pdf"))))
    # The index gives each file's rows as its builder counted them (the cover's row after its name).
    archived_xlsx = next(n for n in archived if n.endswith(".xlsx"))
    assert f"{flat(archived_xlsx.rsplit('/', 1)[-1])}{archive.row_count}" in text


@pytest.mark.django_db
def test_a_directors_pack_holds_only_her_village(ledger_world, login, tmp_path, sync_tasks):
    w = ledger_world
    client = login(w.dir_a)
    assert f'href="{reverse("exports:pack")}"' in client.get("/").content.decode()  # 台账 → 迎检材料
    form = client.get(reverse("exports:pack")).context["form"]
    assert list(form.fields["villages"].queryset) == [w.village_a]
    assert ARCHIVES in dict(form.fields["parts"].choices)
    # Another village's id, typed into the form, is refused with a message; nothing is queued.
    refused = client.post(
        reverse("exports:pack"),
        {"period": "year", "year": YEAR, "parts": ["women"], "villages": [w.village_b.pk]},
    )
    assert refused.status_code == 200 and refused.context["form"].errors["villages"]
    assert not ExportRecord.objects.filter(ledger=PACK).exists()

    record, files = build(client, tmp_path)
    assert record.scope == "幸福乡红旗村"
    everything = "".join(
        pdf_text(path)
        if name.endswith(".pdf")
        else "".join(
            str(cell) for row in workbook(path).active.iter_rows(values_only=True) for cell in row if cell
        )
        for name, path in files.items()
    )
    assert "妇女A" in everything and "红旗村" in everything
    assert "妇女B" not in everything and "胜利村" not in everything and "光明村" not in everything
    # Her exports' list leads to the pack's own page; someone else's pack is not hers to see.
    assert client.get(reverse("exports:job", args=[record.pk])).url == reverse(
        "exports:pack_job", args=[record.pk]
    )
    assert login(w.dir_b).get(reverse("exports:pack_job", args=[record.pk])).status_code == 404
    assert login(w.nobody).get(reverse("exports:pack")).status_code == 404


@pytest.mark.django_db
def test_a_period_is_checked_and_a_range_takes_every_year_it_touches(ledger_world, login):
    client = login(ledger_world.staff)
    url = reverse("exports:pack")
    backwards = client.post(
        url, {"period": "range", "start": f"{YEAR}-06-30", "end": f"{YEAR - 1}-07-01", "parts": ["women"]}
    )
    assert "开始日期不能晚于结束日期。" in backwards.content.decode()
    nothing = client.post(url, {"period": "year", "year": YEAR})
    assert "请至少选择一项材料。" in nothing.content.decode()
    assert not ExportRecord.objects.filter(ledger=PACK).exists()

    period = Period(dt.date(YEAR - 1, 7, 1), dt.date(YEAR, 6, 30))
    plan = pack_plan(ledger_world.staff, PackSpec(period, ("women",)))
    assert {item.folder for item in plan.items} == {f"{YEAR - 1}年度", f"{YEAR}年度"}
    assert period.label == f"{YEAR - 1}年7月1日至{YEAR}年6月30日"
    assert f"涉及 {YEAR - 1}、{YEAR} 年度" in period.note


@pytest.mark.django_db
def test_a_county_pack_is_one_pack_a_township(ledger_world, login):
    client = login(ledger_world.county_viewer)
    response = client.post(reverse("exports:pack"), {"period": "year", "year": YEAR, "parts": ["women"]})
    assert response.url == reverse("exports:job_list")
    packs = ExportRecord.objects.filter(ledger=PACK).order_by("scope_code")
    assert [(r.title, r.status) for r in packs] == [
        (f"幸福乡迎检材料（{YEAR}年度）", "done"),
        (f"团结镇光明村迎检材料（{YEAR}年度）", "done"),  # the township's one village
    ]
    # While a pack of hers waits in the queue, another is refused with a message; nothing is queued.
    packs.filter(scope_code=ledger_world.township.code).update(status="queued")
    again = client.post(reverse("exports:pack"), {"period": "year", "year": YEAR, "parts": ["women"]})
    assert "您已有迎检材料正在生成，请等它完成后再生成。" in again.content.decode()
    assert ExportRecord.objects.filter(ledger=PACK).count() == 2


@pytest.mark.django_db
def test_the_pack_holds_the_loan_forms_that_bear_a_signature(world, login, tmp_path, sync_tasks):
    w = build_loan_world(world)
    advance(w, draft(w, w.applicant_a), "village_signed")
    advance(w, draft(w, w.applicant_b), "submitted")  # in the ledger, awaiting the village's signature

    _record, files = build(login(w.staff), tmp_path, parts=["loan_forms"])

    forms = [name for name in files if name != COVER]
    assert forms and all("贴息申请审批表" in name for name in forms)
    text = flat("".join(pdf_text(files[name]) for name in forms))
    assert "申请人A" in text and "申请人B" not in text
