"""The loan rules of the seed (2014 plan, item 9), each boundary on both sides, every rule named."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from federation.core.services import user_create
from loans.eligibility import check_eligibility
from loans.models import GuarantorKind, LoanApplication, LoanSettings
from loans.services import EligibilityError, application_save, application_transition
from loans.states import Action, Status
from registry.models import Employment
from registry.services import person_move
from tests.helpers.factories import PersonFactory, id_number_for
from tests.helpers.loans import advance, draft, guarantor
from tests.helpers.web import PASSWORD

ON = dt.date(2026, 3, 18)


def rules(problems) -> set[str]:
    return {p.rule for p in problems}


def woman(village, born: dt.date, **fields):
    return PersonFactory(
        village=village, birth_date=born, employment=fields.pop("employment", Employment.UNEMPLOYED), **fields
    )


def judge(applicant, amount, guarantors=None, on=ON):
    if guarantors is None:
        guarantors = [guarantor(), guarantor()]
    return check_eligibility(applicant=applicant, amount=Decimal(amount), guarantors=guarantors, on=on)


# --- amount ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "accepted"),
    [("19999", False), ("20000", True), ("80000", True), ("80001", False), ("19999.99", False)],
)
def test_the_amount_is_from_20000_to_80000_both_included(loan_world, amount, accepted):
    problems = judge(loan_world.applicant_a, amount)
    assert ("amount" not in rules(problems)) is accepted
    assert rules(problems) <= {"amount"}
    if not accepted:
        message = next(p.message for p in problems if p.rule == "amount")
        assert "金额条件" in message and "20,000" in message and "80,000" in message


# --- guarantors -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "count", "accepted"),
    [
        ("20000", 1, True),
        ("30000", 1, True),
        ("30001", 1, False),
        ("30001", 2, True),
        ("80000", 2, True),
        ("20000", 0, False),
        ("80000", 1, False),
    ],
)
def test_up_to_30000_one_guarantor_above_two(loan_world, amount, count, accepted):
    problems = judge(loan_world.applicant_a, amount, [guarantor() for _ in range(count)])
    assert rules(problems) == (set() if accepted else {"guarantor_count"})


def test_each_guarantor_is_public_funded_with_work_unit_or_holds_a_fixed_deposit(loan_world):
    w = loan_world
    good = [guarantor(), guarantor(kind=GuarantorKind.DEPOSIT)]
    assert judge(w.applicant_a, "50000", good) == []
    cases = {
        "guarantor_work_unit": guarantor(work_unit=""),
        "guarantor_deposit": guarantor(kind=GuarantorKind.DEPOSIT, bank=""),
        "guarantor_kind": guarantor(kind=""),
    }
    for rule, bad in cases.items():
        problems = judge(w.applicant_a, "50000", [guarantor(), bad])
        assert rules(problems) == {rule}, rule
        assert bad.name in problems[0].message
    no_amount = guarantor(kind=GuarantorKind.DEPOSIT, deposit_amount=None)
    assert rules(judge(w.applicant_a, "50000", [guarantor(), no_amount])) == {"guarantor_deposit"}


def test_a_guarantor_is_never_the_applicant_compared_by_id_number(loan_world):
    w = loan_world
    herself = guarantor(name="另一个名字", id_number=w.applicant_a.id_number.lower())
    problems = judge(w.applicant_a, "50000", [guarantor(), herself])
    assert rules(problems) == {"guarantor_is_applicant"}
    assert "本人不能做自己的担保人" in problems[0].message


def test_a_guarantor_is_never_listed_twice(loan_world):
    first = guarantor()
    again = guarantor(name="换了名字", id_number=first.id_number)
    problems = judge(loan_world.applicant_a, "50000", [first, again])
    assert rules(problems) == {"guarantor_twice"}


def test_a_guarantor_with_an_invalid_id_number_is_refused(loan_world):
    bad = guarantor(id_number="513401197501010000")
    assert rules(judge(loan_world.applicant_a, "20000", [bad])) == {"guarantor_id_number"}


# --- the applicant ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "accepted"),
    [
        (dt.date(2008, 3, 18), True),  # 18 on the application date
        (dt.date(2008, 3, 19), False),  # the day before her 18th birthday
        (dt.date(1975, 3, 19), True),  # 50, her 51st birthday is tomorrow
        (dt.date(1975, 3, 18), False),  # her 51st birthday itself
    ],
)
def test_she_is_18_to_50_on_the_application_date_from_her_id_number(loan_world, born, accepted):
    applicant = woman(loan_world.village_a, born)
    problems = judge(applicant, "50000")
    assert rules(problems) == (set() if accepted else {"age"})
    if not accepted:
        assert "年龄条件" in problems[0].message and "2026-03-18" in problems[0].message


def test_the_age_comes_from_the_id_number_not_the_typed_birth_date(loan_world):
    applicant = woman(loan_world.village_a, dt.date(1990, 1, 1))
    applicant.birth_date = dt.date(1960, 1, 1)  # a wrong birth date typed elsewhere is not used
    assert judge(applicant, "50000") == []
    applicant.id_number = None
    assert rules(judge(applicant, "50000")) == {"id_number_missing"}


@pytest.mark.parametrize(
    "employment",
    [Employment.FARMING, Employment.EMPLOYED, Employment.BUSINESS, Employment.MIGRANT, ""],
)
def test_she_has_no_employment(loan_world, employment):
    applicant = woman(loan_world.village_a, dt.date(1990, 1, 1), employment=employment)
    problems = judge(applicant, "50000")
    assert rules(problems) == {"employed"}
    assert "未就业" in problems[0].message


def test_the_applicant_is_a_living_woman(loan_world):
    assert rules(judge(loan_world.husband_a, "50000")) == {"not_a_woman", "employed"}
    deceased = woman(loan_world.village_a, dt.date(1990, 1, 1), deceased=True)
    assert rules(judge(deceased, "50000")) == {"deceased"}


def test_every_failed_rule_is_returned_at_once(loan_world):
    applicant = woman(loan_world.village_a, dt.date(1970, 1, 1), employment=Employment.FARMING)
    problems = judge(applicant, "90000", [guarantor(work_unit="")])
    assert rules(problems) == {"amount", "age", "employed", "guarantor_count", "guarantor_work_unit"}
    assert all(p.message for p in problems)


# --- once in a life ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [Status.SUBMITTED, Status.VILLAGE_SIGNED, Status.STAMPED, Status.DISBURSED, Status.REPAID],
)
def test_a_pending_or_granted_loan_blocks_another(loan_world, status):
    w = loan_world
    advance(w, draft(w, w.applicant_a), status)
    problems = check_eligibility(
        applicant=w.applicant_a, amount=Decimal("20000"), guarantors=[guarantor()], on=timezone.localdate()
    )
    assert rules(problems) == {"once_in_a_life"}
    # It names the year and village of the earlier loan, granted or still pending.
    assert f"已于 {timezone.localdate().year} 年在红旗村" in problems[0].message
    assert "每人一生只能申请一次" in problems[0].message
    with pytest.raises(EligibilityError) as refused:
        draft(w, w.applicant_a, amount=20000, guarantors=[guarantor()])
    assert "once_in_a_life" in {p.rule for p in refused.value.problems}


def test_a_draft_does_not_block_but_the_second_submission_is_refused(loan_world):
    w = loan_world
    first = draft(w, w.applicant_a)
    second = draft(w, w.applicant_a)
    application_transition(application=first, user=w.dir_a, action=Action.SUBMIT)
    with pytest.raises(EligibilityError) as refused:
        application_transition(application=second, user=w.dir_a, action=Action.SUBMIT)
    assert {p.rule for p in refused.value.problems} == {"once_in_a_life"}
    second.refresh_from_db()
    assert second.status == Status.DRAFT and not second.transitions.exists()


@pytest.mark.parametrize(
    ("ending", "user_key", "data"),
    [
        (Action.REFUSE_VILLAGE, "dir_a", {"reason": "不符合条件"}),
        (Action.WITHDRAW, "dir_a", {"reason": "自愿撤回"}),
    ],
)
def test_a_refused_or_withdrawn_application_does_not_block(loan_world, ending, user_key, data):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), Status.SUBMITTED)
    ended = application_transition(application=application, user=getattr(w, user_key), action=ending, **data)
    ended_as = {Action.REFUSE_VILLAGE: Status.REFUSED, Action.WITHDRAW: Status.WITHDRAWN}[ending]
    assert ended.status == ended_as
    again = advance(w, draft(w, w.applicant_a), Status.VILLAGE_SIGNED)
    assert again.pk != ended.pk
    statuses = dict(LoanApplication.objects.filter(applicant=w.applicant_a).values_list("pk", "status"))
    assert statuses == {ended.pk: ended_as, again.pk: Status.VILLAGE_SIGNED}


def test_a_refusal_by_the_cooperative_does_not_block(loan_world):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), Status.TOWNSHIP_SIGNED)
    refused = application_transition(
        application=application,
        user=w.staff,
        action=Action.COOPERATIVE_REFUSE,
        decided_on=timezone.localdate(),
        reason="信用社额度已满",
    )
    assert refused.status == Status.REFUSED
    assert judge(w.applicant_a, "20000", [guarantor()], on=timezone.localdate()) == []


def test_once_in_a_life_holds_across_villages_and_townships(loan_world):
    """She moves to 光明村 of another township; its director cannot see the old loan, yet it blocks."""
    w = loan_world
    advance(w, draft(w, w.applicant_a), Status.DISBURSED)
    from federation.core.roles import Role

    administrator = user_create(
        username="mover", password=PASSWORD, full_name="迁移员", role=Role.ADMINISTRATOR, unit=w.county
    )
    moved = person_move(
        user=administrator, person=w.applicant_a, to_household=w.household_c, relation="other"
    )
    assert not LoanApplication.objects.for_user(w.dir_c).exists()
    assert LoanApplication.objects.for_user(w.staff).count() == 1  # it stays with the township that signed
    with pytest.raises(EligibilityError) as refused:
        draft(w, moved, amount=20000, guarantors=[guarantor()])
    assert {p.rule for p in refused.value.problems} == {"once_in_a_life"}


def test_once_in_a_life_is_matched_by_the_id_number_frozen_in_the_application(loan_world):
    """A corrected number freed the old one; a person registered with it is still the same woman."""
    w = loan_world
    number = w.applicant_a.id_number
    advance(w, draft(w, w.applicant_a), Status.STAMPED)
    w.applicant_a.id_number = id_number_for(dt.date(1990, 4, 10), "F")
    w.applicant_a.save()
    again = PersonFactory(
        village=w.village_b, name="同一人", id_number=number, employment=Employment.UNEMPLOYED
    )
    assert rules(judge(again, "20000", [guarantor()], on=timezone.localdate())) == {"once_in_a_life"}


# --- yearly settings --------------------------------------------------------------------------------------


def test_the_rule_values_are_yearly_settings(loan_world):
    LoanSettings.objects.create(year=2026, max_amount=Decimal("100000"), max_age=55)
    older = woman(loan_world.village_a, dt.date(1972, 1, 1))
    assert judge(older, "90000", on=dt.date(2026, 3, 18)) == []
    assert rules(judge(older, "90000", on=dt.date(2025, 3, 18))) == {"amount", "age"}


def test_the_application_keeps_the_values_it_was_judged_by(loan_world):
    w = loan_world
    year = timezone.localdate().year
    LoanSettings.objects.create(year=year, max_amount=Decimal("100000"))
    application = draft(w, w.applicant_a, amount=90000)
    application = advance(w, application, Status.SUBMITTED)
    assert application.rule_max_amount == Decimal("100000")
    assert application.rule_min_age == 18 and application.rule_one_guarantor_limit == Decimal("30000")
    LoanSettings.objects.filter(year=year).update(max_amount=Decimal("80000"))
    # Judged by the values frozen at submission: the village may still sign.
    application = advance(w, application, Status.VILLAGE_SIGNED)
    assert application.rule_max_amount == Decimal("100000")


# --- the service's check is the one that counts -----------------------------------------------------------


def test_the_service_refuses_what_the_form_would(loan_world):
    w = loan_world
    with pytest.raises(EligibilityError) as refused:
        draft(w, w.applicant_a, amount=30001, guarantors=[guarantor()])
    assert [p.rule for p in refused.value.problems] == ["guarantor_count"]
    assert not LoanApplication.all_objects.exists()


def test_the_rules_are_checked_again_at_each_signature(loan_world):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), Status.SUBMITTED)
    w.applicant_a.employment = Employment.BUSINESS
    w.applicant_a.save()
    with pytest.raises(EligibilityError) as refused:
        application_transition(application=application, user=w.dir_a, action=Action.SIGN_VILLAGE)
    assert [p.rule for p in refused.value.problems] == ["employed"]
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert not application.transitions.filter(action=Action.SIGN_VILLAGE).exists()
    w.applicant_a.employment = Employment.UNEMPLOYED
    w.applicant_a.save()
    application = advance(w, application, Status.VILLAGE_SIGNED)
    w.applicant_a.employment = Employment.EMPLOYED
    w.applicant_a.save()
    with pytest.raises(EligibilityError):
        application_transition(application=application, user=w.chair, action=Action.SIGN_TOWNSHIP)


def test_a_draft_cannot_be_saved_for_a_woman_outside_the_scope(loan_world):
    w = loan_world
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        application_save(
            user=w.dir_a,
            application=LoanApplication(
                applicant=w.applicant_b, amount=Decimal("20000"), project="x", purpose="y", term_months=12
            ),
            guarantors=[guarantor()],
        )
