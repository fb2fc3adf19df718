"""The API holds to the pages' rules: the same form and messages, the same save (history naming
her), the same optimistic version (409), the same masking, permissions and access log."""

from __future__ import annotations

from django.urls import reverse

from federation.core.masking import mask_id_number
from federation.core.models import AccessRecord
from loans.models import LoanApplication
from registry.models import Household, Person
from tests.helpers.imports import new_id, person_row, xlsx


def test_a_new_person_is_refused_with_the_pages_message_and_nothing_is_saved(api_world, api_as, login):
    w = api_world
    data = {"name": "重复", "id_number": w.woman_b.id_number, "sex": "F", "ethnicity": "汉族"}
    page = login(w.dir_a).post(reverse("registry:person_create"), data)
    on_page = [str(m) for m in page.context["form"].errors["id_number"]]

    answer = api_as(w.dir_a).post("/api/v1/persons/", data, format="json")

    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "invalid" and body["detail"]
    assert body["errors"]["id_number"] == on_page
    assert "已在本乡镇其他村登记" in body["errors"]["id_number"][0]
    assert not Person.objects.filter(name="重复").exists()


def test_a_household_made_through_the_api_is_in_her_village_with_her_name_in_its_history(api_world, api_as):
    w = api_world
    answer = api_as(w.dir_a).post(
        "/api/v1/households/",
        {"group": w.group_a.pk, "number": "0999", "address": "红旗村一组 99 号", "income_year": 2026},
        format="json",
    )

    assert answer.status_code == 201, answer.json()
    household = Household.objects.get(pk=answer.json()["id"])
    assert household.village == w.village_a and answer.json()["village"] == w.village_a.pk
    assert household.history.latest().history_user == w.dir_a


def test_a_stale_change_gets_409_with_the_record_as_it_is_now_and_keeps_the_other_change(api_world, api_as):
    w = api_world
    director, staff = api_as(w.dir_a), api_as(w.staff)
    url = f"/api/v1/persons/{w.woman_a.pk}/"
    read = director.get(url).json()

    first = staff.patch(url, {"version": read["version"], "phone": "13912345678"}, format="json")
    assert first.status_code == 200, first.json()
    late = director.patch(url, {"version": read["version"], "phone": "13700000000"}, format="json")

    assert late.status_code == 409
    body = late.json()
    assert body["code"] == "stale"
    assert body["current"]["phone"] == "13912345678"
    assert body["current"]["version"] == read["version"] + 1
    assert "13912345678" in body["changes"].values()
    person = Person.objects.get(pk=w.woman_a.pk)
    assert person.phone == "13912345678"
    assert person.history.latest().history_user == w.staff


def test_a_change_without_its_version_is_refused(api_world, api_as):
    w = api_world
    url = f"/api/v1/persons/{w.woman_a.pk}/"
    answer = api_as(w.dir_a).patch(url, {"phone": "13700000000"}, format="json")
    assert answer.status_code == 400
    assert "版本" in answer.json()["errors"]["__all__"][0]
    assert Person.objects.get(pk=w.woman_a.pk).phone != "13700000000"


def test_id_numbers_are_masked_for_the_county_and_every_read_of_a_person_is_logged(api_world, api_as):
    w = api_world
    url = f"/api/v1/persons/{w.woman_a.pk}/"
    whole = api_as(w.dir_a).get(url).json()
    masked = api_as(w.county_viewer).get(url).json()

    assert whole["id_number"] == w.woman_a.id_number and whole["birth_date"] == "1988-05-06"
    assert masked["id_number"] == mask_id_number(w.woman_a.id_number)
    assert masked["birth_date"] is None and "*" in masked["phone"]
    reads = AccessRecord.objects.filter(kind=AccessRecord.Kind.PERSON, person_id=w.woman_a.pk)
    assert sorted(reads.values_list("username", flat=True)) == ["county", "dir_a"]
    assert reads.first().path == url


def test_health_and_domestic_violence_data_only_with_their_permissions(api_world, api_as):
    w, o = api_world, api_world.o
    county, staff = api_as(w.county_viewer), api_as(w.staff)

    assert county.get("/api/v1/screening/").status_code == 404
    assert county.get(f"/api/v1/screening/{o.screening_a.pk}/").status_code == 404
    assert county.get(f"/api/v1/petitions/{o.dv_a.pk}/").status_code == 404
    assert county.get(f"/api/v1/petitions/{o.petition_a.pk}/").status_code == 200
    assert o.dv_a.pk not in [p["id"] for p in county.get("/api/v1/petitions/").json()["results"]]

    assert staff.get(f"/api/v1/screening/{o.screening_a.pk}/").json()["result"] == "precancerous"
    assert staff.get(f"/api/v1/petitions/{o.dv_a.pk}/").status_code == 200
    kinds = set(AccessRecord.objects.filter(username="staff").values_list("kind", flat=True))
    assert kinds == {AccessRecord.Kind.SCREENING, AccessRecord.Kind.DOMESTIC_VIOLENCE}


def test_a_loans_steps_go_through_its_transition_function(api_world, api_as):
    w = api_world
    director = api_as(w.dir_a)
    url = f"/api/v1/loans/{w.loan_a.pk}/steps/"

    submitted = director.post(f"{url}submit/", {}, format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    unsigned = director.post(f"{url}sign_village/", {}, format="json")
    assert unsigned.status_code == 400 and unsigned.json()["errors"]["pledge"]
    wrong = director.post(f"{url}stamp/", {}, format="json")
    assert wrong.status_code == 400 and "不能由您办理" in wrong.json()["errors"]["__all__"][0]
    signed = director.post(f"{url}sign_village/", {"pledge": True}, format="json")
    assert signed.status_code == 200 and signed.json()["status"] == "village_signed"

    application = LoanApplication.objects.get(pk=w.loan_a.pk)
    assert application.status == "village_signed"
    assert [t.action for t in application.transitions.order_by("pk")][-2:] == ["submit", "sign_village"]


def test_lists_are_narrowed_by_the_lists_filters(api_world, api_as):
    w = api_world
    staff = api_as(w.staff)
    every = staff.get("/api/v1/persons/?page_size=200").json()["results"]
    village_b = staff.get(f"/api/v1/persons/?village={w.village_b.pk}&page_size=200").json()["results"]

    assert {p["village"] for p in every} == {w.village_a.pk, w.village_b.pk}
    assert village_b and {p["village"] for p in village_b} == {w.village_b.pk}
    men = staff.get("/api/v1/persons/?sex=M&page_size=200").json()["results"]
    assert men and {p["sex"] for p in men} == {"M"}


def test_a_ledger_is_exported_polled_and_downloaded_by_her_alone(api_world, api_as):
    w = api_world
    staff = api_as(w.staff)
    started = staff.post("/api/v1/exports/", {"ledger": "hardship_children", "format": "xlsx"}, format="json")
    assert started.status_code in (201, 202), started.json()
    pk = started.json()["id"]

    polled = staff.get(f"/api/v1/exports/{pk}/").json()
    assert polled["status"] == "done" and polled["rows_done"] == 2
    download = staff.get(f"/api/v1/exports/{pk}/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    assert api_as(w.chair).get(f"/api/v1/exports/{pk}/").status_code == 404
    assert AccessRecord.objects.filter(kind=AccessRecord.Kind.EXPORT, username="staff").count() == 1
    refused = api_as(w.county_viewer).post("/api/v1/exports/", {"ledger": "nothing", "format": "xlsx"})
    assert refused.status_code == 404


def test_a_roster_is_uploaded_checked_and_confirmed_by_her_alone(world, api_as):
    w = world
    director = api_as(w.dir_a)
    rows = [person_row("新人甲", new_id(1990)), person_row("新人乙", new_id(1995, 4))]
    before = Person.objects.count()

    started = director.post(
        "/api/v1/imports/",
        {"ledger": "persons", "village": w.village_a.pk, "file": xlsx(rows)},
        format="multipart",
    )
    assert started.status_code == 201, started.json()
    pk = started.json()["id"]
    assert director.get(f"/api/v1/imports/{pk}/").json()["status"] == "checked"
    assert Person.objects.count() == before
    assert api_as(w.dir_b).post(f"/api/v1/imports/{pk}/confirm/").status_code == 404

    done = director.post(f"/api/v1/imports/{pk}/confirm/")
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["created"] == 2
    assert Person.objects.count() == before + 2
    other = director.post(
        "/api/v1/imports/",
        {"ledger": "persons", "village": w.village_b.pk, "file": xlsx(rows)},
        format="multipart",
    )
    assert other.status_code == 400 and other.json()["errors"]["village"]


def test_a_directors_village_record_goes_to_her_village_without_naming_it(world, api_as):
    answer = api_as(world.dir_a).post("/api/v1/womens-homes/", {"signed_up": True}, format="json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["village"] == world.village_a.pk


def test_a_search_by_a_whole_id_number_is_logged_with_whom_it_found(api_world, api_as):
    w = api_world
    number = w.woman_a.id_number
    found = api_as(w.dir_a).get(f"/api/v1/persons/?q={number}").json()["results"]
    assert [p["id"] for p in found] == [w.woman_a.pk]
    assert api_as(w.dir_b).get(f"/api/v1/persons/?q={number}").json()["results"] == []
    entries = api_as(w.dir_a).get(f"/api/v1/left-behind-women/?q={number[-4:]}").json()["results"]
    assert [e["person"] for e in entries] == [w.woman_a.pk]

    searches = AccessRecord.objects.filter(kind=AccessRecord.Kind.ID_SEARCH)
    assert sorted(searches.values_list("username", "person_id")) == [("dir_a", w.woman_a.pk), ("dir_b", None)]
    assert not AccessRecord.objects.filter(path__contains=number).exists()
