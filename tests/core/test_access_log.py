"""The access log: each read of personal data writes one record (who, when, what, whose, from where)
and never the data read; the township chair searches her township's, the administrator all."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from federation.core import access
from federation.core.models import AccessRecord
from federation.ledgers.models import ExportRecord
from outreach.models import PetitionCategory
from registry.models import Person
from tests.helpers.loans import build_loan_world, draft
from tests.helpers.outreach import YEAR, petition, screening
from tests.helpers.registers import PERSON_REGISTERS, list_url, make_record

Kind = AccessRecord.Kind


def only_record() -> AccessRecord:
    """Return the one access record written, failing when there is none or more than one."""
    records = list(AccessRecord.objects.all())
    assert len(records) == 1, [(r.kind, r.path) for r in records]
    return records[0]


def assert_nothing_read_is_kept(record: AccessRecord, *secrets: str) -> None:
    """Fail when any column of ``record`` holds one of ``secrets`` (an ID number, a search, a text)."""
    values = [str(getattr(record, field.attname)) for field in AccessRecord._meta.concrete_fields]
    for secret in secrets:
        assert secret and not any(secret in value for value in values), (secret, values)


def assert_read(record: AccessRecord, *, kind, user, obj, person, village) -> None:
    assert record.kind == kind
    assert record.user == user and record.username == user.username
    assert record.content_type == ContentType.objects.get_for_model(obj)
    assert record.object_id == obj.pk
    assert record.person_id == person.pk
    assert record.village_id == village.pk
    assert record.address == "127.0.0.1"
    assert timezone.now() - record.at < dt.timedelta(minutes=1)


# -- each read writes one record ---------------------------------------------------------------------


def test_a_persons_page_is_recorded_once_without_her_id_number(world, login):
    w = world
    url = reverse("registry:person_detail", args=[w.woman_a.pk])
    response = login(w.dir_a).get(url)
    assert response.status_code == 200 and w.woman_a.id_number in response.content.decode()
    record = only_record()
    assert_read(record, kind=Kind.PERSON, user=w.dir_a, obj=w.woman_a, person=w.woman_a, village=w.village_a)
    assert record.path == url
    assert_nothing_read_is_kept(record, w.woman_a.id_number, w.woman_a.name)


def test_a_page_refused_or_not_found_records_nothing(world, login):
    w = world
    assert login(w.dir_a).get(reverse("registry:person_detail", args=[w.woman_c.pk])).status_code == 404
    assert login(w.dir_a).get(reverse("registry:person_detail", args=[999999])).status_code == 404
    assert not AccessRecord.objects.exists()


def test_a_search_by_whole_id_number_records_the_person_found_not_the_number(world, login):
    w = world
    number = w.woman_a.id_number
    response = login(w.staff).get(reverse("registry:person_list"), {"q": number.lower()})
    assert w.woman_a.name in response.content.decode()
    record = only_record()
    assert record.kind == Kind.ID_SEARCH and record.user == w.staff
    assert record.person_id == w.woman_a.pk and record.village_id == w.village_a.pk
    assert record.content_type is None and record.object_id is None
    assert record.path == reverse("registry:person_list")
    assert_nothing_read_is_kept(record, number, number.lower(), number[6:14])


def test_a_search_by_whole_id_number_in_the_womens_ledger_is_recorded_too(world, login):
    w = world
    response = login(w.dir_a).get(reverse("registry:women_ledger"), {"q": w.woman_a.id_number})
    assert w.woman_a.name in response.content.decode()
    record = only_record()
    assert record.kind == Kind.ID_SEARCH and record.person_id == w.woman_a.pk
    assert_nothing_read_is_kept(record, w.woman_a.id_number)


@pytest.mark.parametrize("key", PERSON_REGISTERS)
def test_a_search_by_whole_id_number_in_a_register_records_the_person_found(world, login, key):
    record = make_record(key, world.village_a)
    number = record.person.id_number
    response = login(world.dir_a).get(list_url(key, q=number))
    assert record.person.name in response.content.decode()
    logged = only_record()
    assert logged.kind == Kind.ID_SEARCH and logged.person_id == record.person_id
    assert logged.village_id == world.village_a.pk
    assert_nothing_read_is_kept(logged, number)


def test_a_search_by_whole_id_number_in_the_screening_list_records_the_person_found(world, login):
    screening(world.woman_a)
    number = world.woman_a.id_number
    response = login(world.dir_a).get(reverse("outreach:screening_list"), {"q": number, "year": YEAR})
    assert world.woman_a.name in response.content.decode()
    logged = only_record()
    assert logged.kind == Kind.ID_SEARCH and logged.person_id == world.woman_a.pk
    assert_nothing_read_is_kept(logged, number)


def test_a_register_searched_by_name_is_not_logged(world, login):
    record = make_record("poorwoman", world.village_a)
    login(world.dir_a).get(list_url("poorwoman", q=record.person.name))
    assert not AccessRecord.objects.exists()


def test_an_id_number_search_that_finds_no_one_is_recorded_with_no_person(world, login):
    w = world
    login(w.dir_a).get(reverse("registry:person_list"), {"q": w.woman_c.id_number})  # another township
    record = only_record()
    assert record.kind == Kind.ID_SEARCH and record.person_id is None and record.village_id is None
    assert_nothing_read_is_kept(record, w.woman_c.id_number)


def test_searching_by_name_or_last_four_is_not_an_id_number_search(world, login):
    w = world
    client = login(w.dir_a)
    client.get(reverse("registry:person_list"), {"q": w.woman_a.name})
    client.get(reverse("registry:person_list"), {"q": w.woman_a.id_number[-4:]})
    client.get(reverse("registry:person_list"))
    assert not AccessRecord.objects.exists()


@pytest.mark.parametrize("page", ["detail", "update"])
def test_a_screening_record_is_recorded_on_its_pages(world, login, page):
    w = world
    record_read = screening(w.woman_a, result="precancerous")
    response = login(w.dir_a).get(reverse(f"outreach:screening_{page}", args=[record_read.pk]))
    assert response.status_code == 200
    record = only_record()
    assert_read(
        record, kind=Kind.SCREENING, user=w.dir_a, obj=record_read, person=w.woman_a, village=w.village_a
    )
    assert_nothing_read_is_kept(record, "precancerous", w.woman_a.id_number)


def test_a_domestic_violence_case_is_recorded_and_other_petitions_are_not(world, login):
    w = world
    dv = petition(
        w.village_a,
        category=PetitionCategory.DOMESTIC_VIOLENCE,
        person=w.woman_a,
        summary="丈夫酒后殴打",
    )
    ordinary = petition(w.village_a, summary="宅基地纠纷")
    client = login(w.staff)
    assert client.get(reverse("outreach:petition_detail", args=[ordinary.pk])).status_code == 200
    assert not AccessRecord.objects.exists()
    for page in ("detail", "update"):
        body = client.get(reverse(f"outreach:petition_{page}", args=[dv.pk])).content.decode()
        assert "丈夫酒后殴打" in body
    records = list(AccessRecord.objects.order_by("id"))
    assert [r.kind for r in records] == [Kind.DOMESTIC_VIOLENCE, Kind.DOMESTIC_VIOLENCE]
    assert_read(
        records[0], kind=Kind.DOMESTIC_VIOLENCE, user=w.staff, obj=dv, person=w.woman_a, village=w.village_a
    )
    for record in records:
        assert_nothing_read_is_kept(record, "丈夫酒后殴打", "殴打")


def test_the_loan_pdf_is_recorded_with_its_applicant(world, login, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    w = build_loan_world(world)
    application = draft(w, w.applicant_a)
    monkeypatch.setattr("loans.views.render_application_pdf", lambda **kwargs: b"%PDF-1.4\n%%EOF\n")
    response = login(w.chair).get(reverse("loans:application_pdf", args=[application.pk]))
    assert response.status_code == 200
    record = only_record()
    assert_read(
        record, kind=Kind.LOAN_PDF, user=w.chair, obj=application, person=w.applicant_a, village=w.village_a
    )
    numbers = [w.applicant_a.id_number, *(g.id_number for g in application.guarantors.all())]
    assert_nothing_read_is_kept(record, *numbers)


def test_a_scanned_loan_paper_downloaded_is_recorded_with_its_applicant(world, login, settings, tmp_path):
    from django.core.files.base import ContentFile

    from loans.models import Attachment

    settings.MEDIA_ROOT = tmp_path / "media"
    w = build_loan_world(world)
    application = draft(w, w.applicant_a)
    attachment = Attachment(
        application=application, kind="application_form", original_name="身份证复印件.pdf",
        content_type="application/pdf", size=9, sha256="0" * 64, uploaded_by=w.dir_a,
    )  # fmt: skip
    attachment.file.save("scan.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    response = login(w.dir_a).get(reverse("loans:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4\n"
    record = only_record()
    assert_read(
        record, kind=Kind.LOAN_PAPER, user=w.dir_a, obj=attachment, person=w.applicant_a, village=w.village_a
    )
    assert_nothing_read_is_kept(record, "身份证复印件", w.applicant_a.id_number)
    assert login(w.dir_b).get(reverse("loans:attachment_download", args=[attachment.pk])).status_code == 404
    assert AccessRecord.objects.count() == 1  # a paper outside the scope was not read


def test_a_household_page_is_recorded(world, login):
    w = world
    household = w.woman_a.household
    response = login(w.dir_a).get(reverse("registry:household_detail", args=[household.pk]))
    assert response.status_code == 200 and w.woman_a.name in response.content.decode()
    record = only_record()
    assert record.kind == Kind.HOUSEHOLD and record.user == w.dir_a and record.object_id == household.pk
    assert record.village_id == w.village_a.pk
    assert_nothing_read_is_kept(record, w.woman_a.id_number)


def test_an_admin_change_page_of_a_domain_record_is_recorded(world, login):
    w = world
    client = login(w.staff)
    assert client.get(reverse("admin:registry_person_changelist")).status_code == 200
    assert client.get(reverse("admin:federation_village_change", args=[w.village_a.pk])).status_code == 200
    assert not AccessRecord.objects.exists()  # a list, and a village (no domain record), are not
    url = reverse("admin:registry_person_change", args=[w.woman_a.pk])
    assert client.get(url).status_code == 200
    record = only_record()
    assert_read(record, kind=Kind.ADMIN, user=w.staff, obj=w.woman_a, person=w.woman_a, village=w.village_a)
    assert_nothing_read_is_kept(record, w.woman_a.id_number)


def test_an_admin_change_page_outside_the_scope_records_nothing(world, login):
    w = world
    response = login(w.other_staff).get(reverse("admin:registry_person_change", args=[w.woman_a.pk]))
    assert response.status_code == 404
    assert not AccessRecord.objects.exists()


def test_an_export_is_recorded_once_linked_to_its_export_record(world, login):
    w = world
    response = login(w.dir_a).get(reverse("exports:export", args=["women", "xlsx"]), {"q": "妇女"})
    assert response.status_code == 200
    export = ExportRecord.objects.get()
    record = only_record()
    assert record.kind == Kind.EXPORT and record.user == w.dir_a and record.address == "127.0.0.1"
    assert record.content_type == ContentType.objects.get_for_model(ExportRecord)
    assert record.object_id == export.pk and record.person_id is None
    assert_nothing_read_is_kept(record, "妇女", quote("妇女"), w.woman_a.id_number)


# -- from where ------------------------------------------------------------------------------------


def test_the_address_is_the_connections_unless_it_is_a_trusted_proxy(world, login, settings):
    client = login(world.dir_a)
    page = reverse("registry:person_detail", args=[world.woman_a.pk])
    client.get(page, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    client.get(page, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    first, second = AccessRecord.objects.order_by("pk").values_list("address", flat=True)
    assert first == "10.0.0.2"  # a header from a client is not believed
    assert second == "203.0.113.9"  # from the proxy: the entry it added, the same rule as the log-in's


# -- who may search it --------------------------------------------------------------------------------


@pytest.fixture
def reads(world, login):
    """Reads of persons of both townships: by a director, the county viewer and the other township."""
    w = world
    login(w.dir_a).get(reverse("registry:person_detail", args=[w.woman_a.pk]))
    login(w.dir_b).get(reverse("registry:person_detail", args=[w.woman_b.pk]))
    login(w.county_viewer).get(reverse("registry:person_detail", args=[w.woman_a.pk]))
    login(w.other_staff).get(reverse("registry:person_detail", args=[w.woman_c.pk]))
    assert AccessRecord.objects.count() == 4
    return w


def log_rows(client, **query) -> list[tuple[str, str]]:
    """Return (user name, person's name) of each row the log page shows for ``query``."""
    response = client.get(reverse("registry:access_log"), query)
    assert response.status_code == 200
    return [(row.username, name) for row, name in response.context["rows"]]


def test_the_chair_searches_the_reads_of_her_townships_persons_and_users_only(reads, login):
    w = reads
    rows = log_rows(login(w.chair))
    assert sorted(rows) == sorted([("dir_a", "妇女A"), ("dir_b", "妇女B"), ("county", "妇女A")])


def test_the_chair_searches_by_a_persons_name_or_whole_id_number(reads, login):
    w = reads
    client = login(w.chair)
    assert sorted(log_rows(client, person="妇女A")) == [("county", "妇女A"), ("dir_a", "妇女A")]
    assert sorted(log_rows(client, person=w.woman_a.id_number)) == [("county", "妇女A"), ("dir_a", "妇女A")]
    assert log_rows(client, person=w.woman_c.id_number) == []  # another township's person


def test_the_chair_searches_by_user_kind_and_dates(reads, login):
    w = reads
    client = login(w.chair)
    assert log_rows(client, user=w.dir_b.pk) == [("dir_b", "妇女B")]
    assert log_rows(client, kind=Kind.ID_SEARCH) == []
    AccessRecord.objects.filter(username="dir_a").update(at=timezone.now() - dt.timedelta(days=40))
    today = timezone.localdate()
    recent = log_rows(client, start=(today - dt.timedelta(days=7)).isoformat(), end=today.isoformat())
    assert sorted(recent) == [("county", "妇女A"), ("dir_b", "妇女B")]
    # The other township's users are not hers to choose.
    response = client.get(reverse("registry:access_log"), {"user": w.other_staff.pk})
    assert response.context["rows"] == [] and "该选择不在可用的选项中" in response.content.decode()


def test_bad_dates_answer_a_message_not_an_error(reads, login):
    client = login(reads.chair)
    response = client.get(reverse("registry:access_log"), {"start": "2026-13-45"})
    assert response.status_code == 200 and "有效的日期" in response.content.decode()
    response = client.get(reverse("registry:access_log"), {"start": "2026-05-02", "end": "2026-05-01"})
    assert "开始日期不能晚于结束日期" in response.content.decode() and response.context["rows"] == []


def test_the_administrator_searches_every_read(reads, login):
    w = reads
    assert len(log_rows(login(w.admin))) == 4
    assert log_rows(login(w.admin), user=w.other_staff.pk) == [("other_staff", "妇女C")]


@pytest.mark.parametrize("who", ["dir_a", "staff", "county_viewer", "other_staff", "nobody"])
def test_the_other_roles_cannot_open_the_log(reads, login, who):
    assert login(getattr(reads, who)).get(reverse("registry:access_log")).status_code == 404


def test_the_log_is_in_the_menu_of_the_chair_and_the_administrator_only(world, login):
    w = world
    url = reverse("registry:access_log")
    for user, shown in ((w.chair, True), (w.admin, True), (w.staff, False), (w.county_viewer, False)):
        assert (url in login(user).get(reverse("home")).content.decode()) is shown, user


def test_reading_the_log_shows_no_id_number(reads, login):
    body = login(reads.chair).get(reverse("registry:access_log")).content.decode()
    assert reads.woman_a.id_number not in body and "妇女A" in body


# -- how long it is kept ------------------------------------------------------------------------------


def _aged(days: int) -> AccessRecord:
    return AccessRecord.objects.create(
        username="dir_a", kind=Kind.PERSON, path="/", at=timezone.now() - dt.timedelta(days=days)
    )


def test_pruning_removes_the_records_older_than_the_setting_and_keeps_the_newer(db, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 200
    old, kept = _aged(201), _aged(199)
    assert access.prune() == 1
    assert list(AccessRecord.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not AccessRecord.objects.filter(pk=old.pk).exists()


def test_pruning_removes_the_log_ins_django_axes_kept_as_long_ago(db, settings):
    from axes.models import AccessLog

    settings.ACCESS_LOG_RETENTION_DAYS = 200
    now = timezone.now()
    for days in (201, 199):
        AccessLog.objects.create(
            username=f"dir_{days}", ip_address="10.0.0.2", user_agent="Chromium", attempt_time=now
        )
        AccessLog.objects.filter(username=f"dir_{days}").update(attempt_time=now - dt.timedelta(days=days))
    access.prune()
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["dir_199"]


def test_the_log_is_kept_six_months_whatever_the_setting_says(db, settings, capsys):
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    kept, old = _aged(100), _aged(190)
    call_command("prune_access_log")
    assert "已删除 1 条超过 183 天的访问记录" in capsys.readouterr().out
    assert list(AccessRecord.objects.values_list("pk", flat=True)) == [kept.pk]
    assert old.pk not in AccessRecord.objects.values_list("pk", flat=True)


def test_the_daily_pruning_is_scheduled_after_migrate_and_only_once(db):
    schedule = Schedule.objects.get(name=access.PRUNE_SCHEDULE)
    assert schedule.func == "federation.core.access.prune" and schedule.schedule_type == Schedule.DAILY
    access.schedule_pruning()
    assert Schedule.objects.filter(name=access.PRUNE_SCHEDULE).count() == 1


def test_a_persons_record_stays_searchable_once_she_is_deleted(reads, login):
    Person.all_objects.filter(pk=reads.woman_b.pk).update(deleted_at=timezone.now())
    assert log_rows(login(reads.chair), person="妇女B") == [("dir_b", "妇女B")]


def test_a_past_version_in_the_admin_history_is_recorded_and_the_list_of_changes_is_not(world, login):
    w = world
    client = login(w.staff)
    assert client.get(reverse("admin:registry_person_history", args=[w.woman_a.pk])).status_code == 200
    assert not AccessRecord.objects.exists()
    version = w.woman_a.history.first()
    url = reverse("admin:registry_person_simple_history", args=[w.woman_a.pk, version.history_id])
    assert client.get(url).status_code == 200
    record = only_record()
    assert_read(record, kind=Kind.ADMIN, user=w.staff, obj=w.woman_a, person=w.woman_a, village=w.village_a)
    assert_nothing_read_is_kept(record, w.woman_a.id_number)


@pytest.mark.django_db(transaction=True)
def test_a_record_written_outside_a_transaction_is_committed_and_leaves_the_connection_as_it_was(world):
    from django.db import connection

    request = RequestFactory().get("/registry/persons/1/", REMOTE_ADDR="192.168.1.20")
    request.user = world.dir_a
    assert not connection.in_atomic_block
    if connection.vendor == "postgresql":  # the tests' connections commit without waiting (tests/settings.py)
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO on")
    written = access.record(request, Kind.PERSON, world.woman_a)
    assert not connection.in_atomic_block
    stored = AccessRecord.objects.get()  # committed: this test runs in no transaction of its own
    assert (stored.address, stored.person_id, stored.kind) == (written.address, world.woman_a.pk, Kind.PERSON)
    assert stored.address == "192.168.1.20"
    if connection.vendor == "postgresql":  # the log's insert alone did not wait for the disk
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"


def test_the_log_in_the_admin_is_the_administrators_and_read_only(reads, login):
    w = reads
    url = reverse("admin:federation_accessrecord_changelist")
    assert login(w.chair).get(url).status_code == 403
    body = login(w.admin).get(url).content.decode()
    assert "dir_a" in body and "other_staff" in body
    record = AccessRecord.objects.first()
    change = login(w.admin).post(reverse("admin:federation_accessrecord_change", args=[record.pk]), {})
    assert change.status_code == 403
    assert login(w.admin).get(reverse("admin:federation_accessrecord_add")).status_code == 403
