"""签字意味着责任: nothing signed changes on any path, a change made behind the system's back is found,
and two people signing at once give one signature and one refusal."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from federation.core.roles import Role
from federation.core.services import user_create
from loans import services
from loans.models import Guarantor, LoanApplication, SignedContentError, Transition
from loans.services import TransitionError, application_save, application_transition
from loans.states import Action, Status
from tests.helpers.loans import advance, draft, guarantor, raw_sql, run_verify, sign_at_once
from tests.helpers.web import PASSWORD


@pytest.fixture
def signed(loan_world):
    """Return an application of 红旗村 signed by the village (and the world)."""
    w = loan_world
    return advance(w, draft(w, w.applicant_a), Status.VILLAGE_SIGNED), w


def form_data(application, **changes) -> dict:
    guarantors = list(application.guarantors.all())
    data = {
        "applicant": application.applicant_id,
        "applied_on": application.applied_on.isoformat(),
        "amount": str(application.amount),
        "term_months": application.term_months,
        "own_funds": str(application.own_funds),
        "project": application.project,
        "purpose": application.purpose,
        "version": application.version,
        "guarantors-TOTAL_FORMS": len(guarantors),
        "guarantors-INITIAL_FORMS": len(guarantors),
        "guarantors-MIN_NUM_FORMS": 0,
        "guarantors-MAX_NUM_FORMS": 4,
    }
    for i, g in enumerate(guarantors):
        for name in ("name", "id_number", "phone", "kind", "work_unit", "bank"):
            data[f"guarantors-{i}-{name}"] = getattr(g, name)
        data[f"guarantors-{i}-deposit_amount"] = g.deposit_amount or ""
        data[f"guarantors-{i}-id"] = g.pk
        data[f"guarantors-{i}-application"] = application.pk
    data.update(changes)
    return data


def snapshot(application) -> tuple:
    application = LoanApplication.all_objects.get(pk=application.pk)
    guarantors = tuple(
        Guarantor.all_objects.filter(application=application).values_list("name", "phone", "deleted_at")
    )
    return application.amount, application.project, application.version, application.deleted_at, guarantors


# --- no path changes what was signed ------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.VILLAGE_SIGNED, Status.STAMPED])
def test_the_form_refuses_to_edit_a_filed_application(loan_world, login, status):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), status)
    before = snapshot(application)
    client = login(w.dir_a)
    url = reverse("loans:application_update", args=[application.pk])
    response = client.post(url, form_data(application, amount="80000", project="改过的项目"), follow=True)
    assert response.redirect_chain[0] == (application.get_absolute_url(), 302)
    assert "不能再修改" in response.content.decode()
    assert snapshot(application) == before
    assert client.get(url).status_code == 302


def test_the_admin_shows_a_signed_application_read_only_and_refuses_a_post(signed, login):
    application, w = signed
    before = snapshot(application)
    url = reverse("admin:loans_loanapplication_change", args=[application.pk])
    for user in (w.admin, w.staff):
        client = login(user)
        page = client.get(url)
        assert page.status_code == 200
        assert 'name="amount"' not in page.content.decode()
        assert client.post(url, form_data(application, amount="80000")).status_code == 403
        delete = reverse("admin:loans_loanapplication_delete", args=[application.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    assert snapshot(application) == before


def test_the_model_refuses_to_save_changed_signed_content(signed):
    application, _w = signed
    before = snapshot(application)
    for field, value in (("amount", Decimal("80000")), ("project", "改了"), ("spouse_name", "别人")):
        changed = LoanApplication.objects.get(pk=application.pk)
        setattr(changed, field, value)
        with pytest.raises(SignedContentError) as refused:
            changed.save()
        assert "村级妇联已于" in refused.value.messages[0]
    gone = LoanApplication.objects.get(pk=application.pk)
    gone.mark_deleted()
    with pytest.raises(SignedContentError):
        gone.save()
    with pytest.raises(SignedContentError):
        LoanApplication.objects.get(pk=application.pk).delete()
    assert snapshot(application) == before


def test_a_signed_applications_guarantors_cannot_be_changed_added_or_deleted(signed):
    application, _w = signed
    before = snapshot(application)
    first = application.guarantors.first()
    first.phone = "13000000000"
    with pytest.raises(SignedContentError):
        first.save()
    first.refresh_from_db()
    with pytest.raises(SignedContentError):
        first.delete()
    first.mark_deleted()
    with pytest.raises(SignedContentError):
        first.save()
    extra = guarantor()
    extra.application = application
    with pytest.raises(SignedContentError):
        extra.save()
    assert snapshot(application) == before


def test_a_guarantor_cannot_be_moved_away_from_a_signed_application(signed):
    application, w = signed
    other = draft(w, w.applicant_b)
    moved = application.guarantors.first()
    moved.application = other
    with pytest.raises(SignedContentError):
        moved.save()


def test_the_service_refuses_to_save_a_filed_application(signed):
    application, w = signed
    application.amount = Decimal("60000")
    with pytest.raises(TransitionError):
        application_save(user=w.dir_a, application=application, guarantors=list(application.guarantors.all()))
    assert LoanApplication.objects.get(pk=application.pk).amount == Decimal("50000")


def test_steps_after_the_signature_save_the_application_without_touching_its_content(signed):
    application, w = signed
    application = advance(w, application, Status.REPAID)
    assert application.status == Status.REPAID
    assert Transition.objects.filter(application=application).count() == 7


# --- a change made behind the system's back is found ----------------------------------------------------


def test_verify_signatures_passes_on_untouched_applications(loan_world):
    w = loan_world
    advance(w, draft(w, w.applicant_a), Status.REPAID)
    advance(w, draft(w, w.applicant_b), Status.VILLAGE_SIGNED)
    draft(w, w.applicant_c)
    code, output = run_verify()
    assert code == 0
    assert "已核验 2 份已签字的申请，全部与签字时一致" in output


@pytest.mark.parametrize(
    ("sql", "why"),
    [
        ("UPDATE loans_loanapplication SET amount = 80000 WHERE id = %s", "内容已被改动"),
        ("UPDATE loans_loanapplication SET spouse_name = '别人' WHERE id = %s", "内容已被改动"),
        ("UPDATE loans_guarantor SET phone = '13000000000' WHERE application_id = %s", "内容已被改动"),
        ("DELETE FROM loans_guarantor WHERE application_id = %s", "内容已被改动"),
        ("UPDATE loans_transition SET role = 'township_chair' WHERE application_id = %s", "内容已被改动"),
        ("UPDATE loans_loanapplication SET loan_number = 'FAKE' WHERE id = %s", "贷款编号"),
        ("DELETE FROM loans_transition WHERE action = 'stamp' AND application_id = %s", "没有“妇联盖章”"),
    ],
)
def test_verify_signatures_catches_a_change_made_with_sql(loan_world, login, sql, why):
    w = loan_world
    tampered = advance(w, draft(w, w.applicant_a), Status.STAMPED)
    untouched = advance(w, draft(w, w.applicant_b), Status.STAMPED)
    raw_sql(sql, [tampered.pk])
    code, output = run_verify()
    assert code == 1
    assert f"申请 #{tampered.pk} 申请人A（红旗村）" in output
    assert f"#{untouched.pk} " not in output
    assert why in output and "1 份申请的内容或记录与签字时不一致" in output
    assert tampered.applicant_id_number not in output  # no ID number in the output

    # The township's page lists the same application; a director has no such page.
    body = login(w.staff).get(reverse("loans:verify")).content.decode()
    assert f"申请 #{tampered.pk}" in body and f"申请 #{untouched.pk}" not in body
    assert login(w.dir_a).get(reverse("loans:verify")).status_code == 404
    assert f"申请 #{tampered.pk}" not in login(w.other_staff).get(reverse("loans:verify")).content.decode()


def test_a_tampered_application_cannot_go_further(signed):
    application, w = signed
    raw_sql("UPDATE loans_loanapplication SET amount = 79999 WHERE id = %s", [application.pk])
    with pytest.raises(TransitionError) as refused:
        application_transition(application=application, user=w.chair, action=Action.SIGN_TOWNSHIP)
    assert "与村级签字时不一致" in refused.value.messages[0]
    assert not application.transitions.filter(action=Action.SIGN_TOWNSHIP).exists()


# --- no double signature ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_people_signing_at_once_give_one_signature_and_one_clear_refusal(loan_world, monkeypatch):
    """Two directors of 红旗村 sign the same application at the same moment, on two connections."""
    if connection.vendor != "postgresql":
        pytest.skip("needs two real concurrent database connections: runs on PostgreSQL")
    w = loan_world
    second = user_create(
        username="dir_a2", password=PASSWORD, full_name="钱芳", role=Role.VILLAGE_DIRECTOR, unit=w.village_a
    )
    application = advance(w, draft(w, w.applicant_a), Status.SUBMITTED)
    checking = services.check_eligibility

    def slow_check(**kwargs):
        # Hold the step open long enough that the other signer surely arrives meanwhile.
        problems = checking(**kwargs)
        time.sleep(0.5)
        return problems

    monkeypatch.setattr(services, "check_eligibility", slow_check)
    outcomes = sign_at_once((w.dir_a, application), (second, application))
    assert sorted(str(v) for v in outcomes.values() if not isinstance(v, TransitionError)) == ["signed"]
    refusals = [v for v in outcomes.values() if isinstance(v, TransitionError)]
    assert len(refusals) == 1
    winner = next(u for u, v in outcomes.items() if v == "signed")
    winner_name = {"dir_a": "张红", "dir_a2": "钱芳"}[winner]
    assert f"“村级妇联签字”已由{winner_name}于" in refusals[0].messages[0]
    assert "不能重复办理" in refusals[0].messages[0]
    signatures = Transition.objects.filter(application=application, action=Action.SIGN_VILLAGE)
    assert signatures.count() == 1
    assert signatures.get().user.username == winner
    assert LoanApplication.objects.get(pk=application.pk).status == Status.VILLAGE_SIGNED
