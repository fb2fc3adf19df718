"""The admin deletes as the pages do (softly, restorable); only the administrator purges, with a reason.

Also the admin's smaller leaks: its sidebar filters offer only what the user sees, and its
view-on-site link answers 404 alike for a record outside the scope and for one that does not exist.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from federation.core.models import PurgeRecord
from registry.models import Household, HouseholdIncome, Person
from tests.helpers.factories import HouseholdFactory
from tests.helpers.registers import make_record

CHANGELIST = reverse("admin:registry_person_changelist")
DELETED = f"{CHANGELIST}?deleted=1"
#: What Django's own confirmation pages say of a delete that takes related rows with it.
HARD_DELETE_WORDS = ["都将被删除", "将都会被删除", "related items will be deleted"]


def delete_selected(client, *people, confirmed: bool):
    data = {"action": "delete_selected", "_selected_action": [p.pk for p in people]}
    if confirmed:
        data["post"] = "yes"
    return client.post(CHANGELIST, data)


def purge(client, *records, reason: str | None, url: str = DELETED):
    data = {"action": "purge_deleted", "_selected_action": [r.pk for r in records]}
    if reason is not None:
        data |= {"post": "yes", "reason": reason}
    return client.post(url, data)


def soft_deleted(person) -> bool:
    return (
        not Person.objects.filter(pk=person.pk).exists() and Person.all_objects.get(pk=person.pk).is_deleted
    )


# -- soft delete and restore -------------------------------------------------------------------------


def test_an_admin_delete_is_soft_and_the_township_restores_it(world, login):
    client = login(world.staff)
    url = reverse("admin:registry_person_delete", args=[world.woman_a.pk])
    page = client.get(url).content.decode()
    assert "乡镇妇联可以在“已删除的记录”中恢复" in page
    assert not any(words in page for words in HARD_DELETE_WORDS)
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert soft_deleted(world.woman_a)
    latest = Person.all_objects.get(pk=world.woman_a.pk).history.first()
    assert (latest.history_user, latest.history_change_reason) == (world.staff, "管理后台")
    # The township's 恢复 on the pages brings her back.
    assert "妇女A" in client.get(reverse("registry:person_deleted")).content.decode()
    assert client.post(reverse("registry:person_restore", args=[world.woman_a.pk])).status_code == 302
    assert Person.objects.filter(pk=world.woman_a.pk).exists()


def test_delete_selected_is_soft_and_the_admin_restores_them(world, login):
    client = login(world.staff)
    page = delete_selected(client, world.woman_a, world.woman_b, confirmed=False).content.decode()
    assert "确定删除所选的 2 条" in page and "可以在“已删除的记录”中恢复" in page
    assert not any(words in page for words in HARD_DELETE_WORDS)
    assert Person.objects.filter(pk=world.woman_a.pk).exists()  # asking deletes nothing
    assert delete_selected(client, world.woman_a, world.woman_b, confirmed=True).status_code == 302
    assert soft_deleted(world.woman_a) and soft_deleted(world.woman_b)
    # The list of deleted records shows them (in the staff's scope only), and restores them.
    listing = client.get(DELETED)
    assert {p.pk for p in listing.context["cl"].result_list} == {world.woman_a.pk, world.woman_b.pk}
    restore = {"action": "restore_deleted", "_selected_action": [world.woman_a.pk, world.woman_b.pk]}
    assert client.post(DELETED, restore).status_code == 302
    assert Person.objects.filter(pk__in=[world.woman_a.pk, world.woman_b.pk]).count() == 2


def test_an_inline_delete_is_soft(world, login):
    income = HouseholdIncome.objects.create(household=world.household_a, year=2025, per_capita_income=3000)
    client = login(world.staff)
    url = reverse("admin:registry_household_change", args=[world.household_a.pk])
    page = client.get(url)
    data = form_data_of(page)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    data[f"{prefix}-0-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert not HouseholdIncome.objects.filter(pk=income.pk).exists()
    assert HouseholdIncome.all_objects.get(pk=income.pk).is_deleted


def test_the_director_of_another_township_does_not_see_the_deleted_records(world, login):
    delete_selected(login(world.staff), world.woman_a, confirmed=True)
    listing = login(world.other_staff).get(DELETED)
    assert list(listing.context["cl"].result_list) == []


# -- purge -------------------------------------------------------------------------------------------


def test_a_township_user_cannot_purge(world, login):
    client = login(world.chair)
    delete_selected(client, world.woman_a, confirmed=True)
    listing = client.get(DELETED)
    actions = [name for name, _label in listing.context["action_form"].fields["action"].choices]
    assert "restore_deleted" in actions and "purge_deleted" not in actions
    purge(client, world.woman_a, reason="重复登记")
    assert Person.all_objects.filter(pk=world.woman_a.pk).exists()
    assert not PurgeRecord.objects.exists()


def test_the_administrator_purges_with_a_reason_and_it_is_recorded(world, login):
    woman = world.woman_a
    client = login(world.admin)
    delete_selected(client, woman, confirmed=True)
    page = purge(client, woman, reason=None).content.decode()  # the confirmation page first
    assert "彻底删除后不能恢复" in page and 'name="reason"' in page
    assert Person.all_objects.filter(pk=woman.pk).exists()
    response = purge(client, woman, reason="  重复登记，已核实  ")
    assert response.status_code == 302
    assert not Person.all_objects.filter(pk=woman.pk).exists()
    assert not Person.history.filter(id=woman.pk).exists()  # her history is gone with her
    record = PurgeRecord.objects.get()
    assert (record.purged_by, record.model, record.object_pk) == (
        world.admin,
        "registry.person",
        str(woman.pk),
    )
    assert (record.label, record.reason, record.model_name) == ("妇女A", "重复登记，已核实", "居民")
    assert woman.id_number not in "|".join(str(v) for v in PurgeRecord.objects.values_list().get())
    records = reverse("admin:federation_purgerecord_changelist")  # the administrator reads them there
    assert "重复登记，已核实" in client.get(records).content.decode()
    assert login(world.chair).get(records).status_code == 403


def assert_not_purged(client, person, *, reason: str, refusal: str) -> None:
    """Delete ``person``, then purge her with ``reason``: the page says ``refusal``, she stays, no record."""
    delete_selected(client, person, confirmed=True)
    response = purge(client, person, reason=reason)
    assert response.status_code == 200
    assert refusal in response.content.decode()
    assert Person.all_objects.filter(pk=person.pk).exists()
    assert not PurgeRecord.objects.exists()


def test_a_purge_without_a_reason_is_refused(world, login):
    assert_not_purged(login(world.admin), world.woman_a, reason="   ", refusal="请填写彻底删除的原因")


def test_a_record_in_use_is_not_purged(world, login):
    entry = make_record("poorwoman", world.village_a)
    assert_not_purged(login(world.admin), entry.person, reason="重复登记", refusal="不能彻底删除")


def test_a_purge_takes_what_belongs_to_the_record_and_records_each(world, login):
    household = HouseholdFactory(village=world.village_a, group=world.group_a, number="0777")
    HouseholdIncome.objects.create(household=household, year=2025, per_capita_income=Decimal("3000"))
    client = login(world.admin)
    url = reverse("admin:registry_household_changelist")
    client.post(url, {"action": "delete_selected", "_selected_action": [household.pk], "post": "yes"})
    page = purge(client, household, reason=None, url=f"{url}?deleted=1").content.decode()
    assert "2025年 3000.00 元" in page  # the income that goes with it is named before it goes
    purge(client, household, reason="空户，误建", url=f"{url}?deleted=1")
    assert not Household.all_objects.filter(pk=household.pk).exists()
    assert not HouseholdIncome.all_objects.filter(household_id=household.pk).exists()
    assert sorted(PurgeRecord.objects.values_list("model", flat=True)) == [
        "registry.household",
        "registry.householdincome",
    ]


def test_only_deleted_records_are_purged(world, login):
    client = login(world.admin)
    purge(client, world.woman_a, reason="试一下", url=DELETED)  # she is not deleted: not on that list
    assert Person.objects.filter(pk=world.woman_a.pk).exists()
    purge(client, world.woman_a, reason="试一下", url=CHANGELIST)  # nor is purge offered on the list
    assert Person.objects.filter(pk=world.woman_a.pk).exists()
    assert not PurgeRecord.objects.exists()


# -- the admin's filters and view-on-site -------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "foreign"),
    [
        ("admin:registry_person_changelist", "光明村"),
        ("admin:registry_household_changelist", "光明村"),
        ("admin:registry_leftbehindwoman_changelist", "光明村"),
        ("admin:outreach_visit_changelist", "光明村"),
        ("admin:outreach_petition_changelist", "光明村"),
        ("admin:federation_village_changelist", "团结镇"),
        ("admin:federation_villagegroup_changelist", "光明村"),
    ],
)
def test_the_sidebar_filters_offer_only_what_the_user_sees(world, login, url_name, foreign):
    staff_page = login(world.staff).get(reverse(url_name))
    assert staff_page.status_code == 200
    assert foreign not in staff_page.content.decode()
    assert foreign not in choices_of(staff_page)
    assert foreign in choices_of(login(world.admin).get(reverse(url_name)))  # the administrator sees all


def test_view_on_site_answers_404_alike_outside_the_scope_and_for_a_missing_record(world, login):
    client = login(world.staff)
    person_type = ContentType.objects.get_for_model(Person).pk

    def view_on_site(pk):
        return client.get(reverse("admin:view_on_site", args=[person_type, pk]))

    own = view_on_site(world.woman_a.pk)
    assert (own.status_code, own["Location"]) == (302, world.woman_a.get_absolute_url())
    assert view_on_site(world.woman_c.pk).status_code == 404
    assert view_on_site(999_999).status_code == 404
    assert view_on_site("not-a-number").status_code == 404
    assert client.get(reverse("admin:view_on_site", args=[999_999, world.woman_a.pk])).status_code == 404


def choices_of(changelist_page) -> list[str]:
    """Return the labels the sidebar filters of a changelist page offer."""
    specs = changelist_page.context["cl"].filter_specs
    return [str(label) for spec in specs for _value, label in getattr(spec, "lookup_choices", [])]


def form_data_of(response) -> dict:
    """Return the POST data of an admin change form as shown: its fields and its inlines' forms."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += list(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return data


def test_every_admin_screen_of_a_domain_record_opens_with_its_version(ledger_world, login):
    from django.contrib import admin

    from federation.core.models import DomainModel
    from tests.helpers.loans import build_loan_world, draft
    from tests.helpers.outreach import build_outreach_world

    w = build_outreach_world(build_loan_world(ledger_world))
    draft(w, w.applicant_a)
    client = login(w.admin)
    opened = set()
    for model, model_admin in admin.site._registry.items():
        if not issubclass(model, DomainModel):
            continue
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        listing = client.get(changelist)
        assert listing.status_code == 200, model
        assert client.get(f"{changelist}?deleted=1").status_code == 200, model
        add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        may_add = model_admin.has_add_permission(listing.wsgi_request)
        assert add.status_code == (200 if may_add else 403), model
        record = model.objects.first()
        if record is None:
            continue
        page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]))
        assert page.status_code == 200, model
        editable = model_admin.has_change_permission(page.wsgi_request, record)
        assert (f'name="version" value="{record.version}"' in page.content.decode()) == editable, model
        opened.add(opts.model_name)
    assert opened >= {"person", "household", "leftbehindwoman", "visit", "petition", "loanapplication"}


def test_the_purge_service_refuses_a_township_user_and_a_blank_reason(world):
    from django.core.exceptions import PermissionDenied, ValidationError

    from federation.core.services import domain_record_delete, domain_records_purge

    domain_record_delete(user=world.staff, instance=world.woman_a)
    deleted = Person.all_objects.get(pk=world.woman_a.pk)
    with pytest.raises(PermissionDenied):
        domain_records_purge(user=world.chair, records=[deleted], reason="重复登记")
    with pytest.raises(ValidationError, match="请填写彻底删除的原因"):
        domain_records_purge(user=world.admin, records=[deleted], reason=" \n ")
    with pytest.raises(ValidationError, match="没有被删除"):
        domain_records_purge(user=world.admin, records=[world.woman_b], reason="重复登记")
    assert Person.all_objects.filter(pk__in=[world.woman_a.pk, world.woman_b.pk]).count() == 2
    assert not PurgeRecord.objects.exists()


def test_a_purge_label_keeps_no_id_number():
    from federation.core.services import purge_label

    assert purge_label("张红 513401198805060023") == "张红 …"
    assert purge_label("张红 51340119880506002X（2026）") == "张红 …（2026）"
    assert purge_label("2026年 3000.00 元") == "2026年 3000.00 元"
