"""The path of an application: only the table's moves, each by the role that may take it, in scope."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from loans.models import Transition
from loans.selectors import application_queue
from loans.services import TransitionError, application_save, application_transition
from loans.signing import canonical_json, content_of
from loans.states import TRANSITIONS, Action, Status
from registry.models import Employment, WorkPlace
from tests.helpers.factories import PersonFactory
from tests.helpers.loans import advance, draft, guarantor, path_steps, set_clock

#: The statuses of the forward path, in order: up to the township's signature, then to the end.
FORWARD = [Status.DRAFT, Status.SUBMITTED, Status.VILLAGE_SIGNED, Status.TOWNSHIP_SIGNED]
FORWARD += [Status.COOPERATIVE_AGREED, Status.STAMPED, Status.DISBURSED, Status.REPAID]


def step_data(w, application, action) -> dict:
    return next(data for _s, a, _u, data in path_steps(w, application) if a == action)


def assert_unchanged(application, status):
    count = application.transitions.count()
    application.refresh_from_db()
    assert application.status == status
    assert application.transitions.count() == count


@pytest.mark.parametrize("status", FORWARD)
def test_only_the_moves_of_the_table_are_allowed(loan_world, status):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), status)
    for action in Action:
        if (status, action) in TRANSITIONS:
            continue
        with pytest.raises(TransitionError) as refused:
            application_transition(application=application, user=w.admin, action=action)
        assert str(Action(action).label) in refused.value.messages[0]
        assert_unchanged(application, status)


def test_the_whole_path_in_order_with_who_did_what(loan_world):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), Status.REPAID)
    steps = list(application.transitions.order_by("at", "pk"))
    assert [(t.action, t.user_name, t.role) for t in steps] == [
        (Action.SUBMIT, "张红", "village_director"),
        (Action.SIGN_VILLAGE, "张红", "village_director"),
        (Action.SIGN_TOWNSHIP, "赵敏", "township_chair"),
        (Action.COOPERATIVE_AGREE, "王芳", "township_staff"),
        (Action.STAMP, "赵敏", "township_chair"),
        (Action.DISBURSE, "王芳", "township_staff"),
        (Action.REPAY, "王芳", "township_staff"),
    ]
    assert [t.to_status for t in steps] == FORWARD[1:]
    assert application.loan_number == f"XY{application.pk:06d}"
    assert application.disbursed_amount == Decimal("50000") and application.interest_rate == Decimal("4.35")
    assert application.repaid_on == timezone.localdate()


#: (status, action, who may, who may not). "dir_b" and "other_*" are outside the scope.
PERMISSIONS = [
    (Status.DRAFT, Action.SUBMIT, "dir_a", ["dir_b", "staff", "chair", "county_viewer"]),
    (Status.SUBMITTED, Action.SIGN_VILLAGE, "dir_a", ["dir_b", "staff", "chair", "admin", "county_viewer"]),
    (Status.VILLAGE_SIGNED, Action.SIGN_TOWNSHIP, "chair", ["dir_a", "staff", "other_chair", "admin"]),
    (Status.TOWNSHIP_SIGNED, Action.COOPERATIVE_AGREE, "staff", ["dir_a", "chair", "other_staff", "admin"]),
    (Status.COOPERATIVE_AGREED, Action.STAMP, "chair", ["dir_a", "staff", "other_chair", "admin"]),
    (Status.STAMPED, Action.DISBURSE, "staff", ["dir_a", "chair", "other_staff", "county_viewer"]),
    (Status.DISBURSED, Action.REPAY, "staff", ["dir_a", "chair", "other_staff"]),
]


@pytest.mark.parametrize(("status", "action", "allowed", "refused"), PERMISSIONS)
def test_each_step_is_taken_only_by_its_role_in_its_scope(loan_world, status, action, allowed, refused):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), status)
    data = step_data(w, application, action)
    for user_key in refused:
        with pytest.raises(PermissionDenied):
            application_transition(application=application, user=getattr(w, user_key), action=action, **data)
        assert_unchanged(application, status)
    done = application_transition(application=application, user=getattr(w, allowed), action=action, **data)
    assert done.status == TRANSITIONS[(status, action)].target


def test_a_village_director_cannot_give_the_township_signature(loan_world):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), Status.VILLAGE_SIGNED)
    with pytest.raises(PermissionDenied) as refused:
        application_transition(application=application, user=w.dir_a, action=Action.SIGN_TOWNSHIP)
    assert "乡妇联签字" in str(refused.value)
    assert_unchanged(application, Status.VILLAGE_SIGNED)


@pytest.mark.parametrize(
    ("status", "action", "user_key", "extra"),
    [
        (Status.SUBMITTED, Action.REFUSE_VILLAGE, "dir_a", {}),
        (Status.VILLAGE_SIGNED, Action.REFUSE_TOWNSHIP, "chair", {}),
        (Status.TOWNSHIP_SIGNED, Action.COOPERATIVE_REFUSE, "staff", {"decided_on": "today"}),
    ],
)
def test_refusal_with_its_reason_at_village_township_and_cooperative(
    loan_world, status, action, user_key, extra
):
    w = loan_world
    extra = {key: timezone.localdate() for key in extra}
    application = advance(w, draft(w, w.applicant_a), status)
    user = getattr(w, user_key)
    with pytest.raises(ValidationError) as missing:
        application_transition(application=application, user=user, action=action, reason="  ", **extra)
    assert "reason" in missing.value.message_dict
    assert_unchanged(application, status)
    refused = application_transition(
        application=application, user=user, action=action, reason="项目不可行", **extra
    )
    assert refused.status == Status.REFUSED
    record = refused.transitions.get(action=action)
    assert record.reason == "项目不可行" and record.from_status == status
    if extra:
        assert refused.cooperative_decided_on == timezone.localdate()


@pytest.mark.parametrize("status", FORWARD[:6])
def test_withdrawal_with_reason_at_any_step_before_disbursement(loan_world, status):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), status)
    user = w.dir_a if status in (Status.DRAFT, Status.SUBMITTED) else w.staff
    withdrawn = application_transition(
        application=application, user=user, action=Action.WITHDRAW, reason="申请人自愿撤回"
    )
    assert withdrawn.status == Status.WITHDRAWN
    assert withdrawn.transitions.get(action=Action.WITHDRAW).reason == "申请人自愿撤回"


@pytest.mark.parametrize("status", [Status.DISBURSED, Status.REPAID, Status.REFUSED])
def test_no_withdrawal_once_disbursed_or_decided(loan_world, status):
    w = loan_world
    application = draft(w, w.applicant_a)
    if status == Status.REFUSED:
        application = advance(w, application, Status.SUBMITTED)
        application = application_transition(
            application=application, user=w.dir_a, action=Action.REFUSE_VILLAGE, reason="不符合"
        )
    else:
        application = advance(w, application, status)
    with pytest.raises(TransitionError):
        application_transition(application=application, user=w.staff, action=Action.WITHDRAW, reason="x")
    assert_unchanged(application, status)


def test_submission_freezes_the_applicant_her_spouse_and_the_rule_values(loan_world):
    w = loan_world
    application = draft(w, w.applicant_a)
    assert application.spouse_name == "" and application.rule_min_amount is None
    application = advance(w, application, Status.SUBMITTED)
    assert application.applicant_name == "申请人A"
    assert application.applicant_id_number == w.applicant_a.id_number
    assert application.applicant_address == "红旗村一组 8 号"
    assert application.spouse_name == "丈夫A"
    assert application.spouse_id_number == w.husband_a.id_number
    assert application.spouse_work == "外出务工 省外 广东省东莞市"
    assert (application.rule_min_amount, application.rule_max_amount) == (Decimal("20000"), Decimal("80000"))
    assert (application.rule_min_age, application.rule_max_age) == (18, 50)
    # Later changes in the registers do not reach the filed application.
    w.husband_a.name = "改名了"
    w.husband_a.work_place = WorkPlace.HOME
    w.husband_a.save()
    application.refresh_from_db()
    assert application.spouse_name == "丈夫A" and "省外" in application.spouse_work


def test_a_signature_records_signer_role_time_and_the_sha256_of_what_was_signed(loan_world):
    w = loan_world
    before = timezone.now()
    application = advance(w, draft(w, w.applicant_a), Status.VILLAGE_SIGNED)
    signature = application.transitions.get(action=Action.SIGN_VILLAGE)
    assert signature.user == w.dir_a and signature.user_name == "张红"
    assert signature.role == "village_director"
    assert before <= signature.at <= timezone.now()
    payload = {
        "content": content_of(application),
        "action": "sign_village",
        "user": w.dir_a.pk,
        "role": "village_director",
        "at": signature.at.astimezone(dt.UTC).isoformat(),
        "details": {},
    }
    assert signature.digest == hashlib.sha256(canonical_json(payload).encode()).hexdigest()
    content = payload["content"]
    assert content["amount"] == "50000" and content["applicant_name"] == "申请人A"
    assert len(content["guarantors"]) == 2 and content["spouse_name"] == "丈夫A"


def test_the_cooperative_decision_needs_its_date_and_loan_number(loan_world):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), Status.TOWNSHIP_SIGNED)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        application_transition(
            application=application, user=w.staff, action=Action.COOPERATIVE_AGREE, decided_on=tomorrow
        )
    assert set(refused.value.message_dict) == {"decided_on", "loan_number"}
    assert_unchanged(application, Status.TOWNSHIP_SIGNED)


def test_the_cooperative_decides_after_the_township_signed_and_money_follows_the_stamp(
    loan_world, monkeypatch
):
    w = loan_world
    set_clock(monkeypatch, dt.date(2026, 3, 2))
    application = advance(w, draft(w, w.applicant_a, applied_on=dt.date(2026, 3, 1)), Status.VILLAGE_SIGNED)
    set_clock(monkeypatch, dt.date(2026, 3, 10))
    application = advance(w, application, Status.TOWNSHIP_SIGNED)
    for day in (dt.date(2026, 3, 9), dt.date(2026, 3, 11)):
        with pytest.raises(ValidationError) as refused:
            application_transition(
                application=application,
                user=w.staff,
                action=Action.COOPERATIVE_AGREE,
                decided_on=day,
                loan_number="XY-1",
            )
        assert "decided_on" in refused.value.message_dict  # before the signature, or after today
    application = application_transition(
        application=application,
        user=w.staff,
        action=Action.COOPERATIVE_AGREE,
        decided_on=dt.date(2026, 3, 10),
        loan_number="XY-1",
    )
    set_clock(monkeypatch, dt.date(2026, 3, 20))
    application = advance(w, application, Status.STAMPED)
    data = step_data(w, application, Action.DISBURSE) | {"disbursed_on": dt.date(2026, 3, 19)}
    with pytest.raises(ValidationError) as refused:
        application_transition(application=application, user=w.staff, action=Action.DISBURSE, **data)
    assert "放款日期不能早于 2026-03-20" in refused.value.message_dict["disbursed_on"][0]


def test_the_disbursement_cannot_exceed_the_amount_applied_for(loan_world):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), Status.STAMPED)
    data = step_data(w, application, Action.DISBURSE) | {"disbursed_amount": Decimal("50000.01")}
    with pytest.raises(ValidationError) as refused:
        application_transition(application=application, user=w.staff, action=Action.DISBURSE, **data)
    assert "disbursed_amount" in refused.value.message_dict
    assert_unchanged(application, Status.STAMPED)


def test_returned_to_the_draft_the_director_corrects_and_submits_again(loan_world):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), Status.SUBMITTED)
    application = application_transition(
        application=application, user=w.dir_a, action=Action.RETURN, reason="用途写得不清楚"
    )
    assert application.status == Status.DRAFT
    application.purpose = "购买仔猪 20 头、饲料 3 吨"
    application_save(user=w.dir_a, application=application, guarantors=list(application.guarantors.all()))
    application = advance(w, application, Status.VILLAGE_SIGNED)
    assert application.purpose == "购买仔猪 20 头、饲料 3 吨"


def test_a_draft_of_a_woman_who_moved_away_cannot_be_submitted(loan_world):
    w = loan_world
    application = draft(w, w.applicant_a)
    w.applicant_a.village = w.village_b
    w.applicant_a.household = None
    w.applicant_a.relation = ""
    w.applicant_a.save()
    with pytest.raises(TransitionError) as refused:
        application_transition(application=application, user=w.admin, action=Action.SUBMIT)
    assert "迁往其他村" in refused.value.messages[0]


def test_a_step_record_is_never_changed_or_deleted(loan_world):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), Status.VILLAGE_SIGNED)
    signature = application.transitions.get(action=Action.SIGN_VILLAGE)
    signature.user_name = "别人"
    with pytest.raises(ValidationError):
        signature.save()
    with pytest.raises(ValidationError):
        signature.delete()
    assert Transition.objects.get(pk=signature.pk).user_name == "张红"


def test_each_queue_holds_what_waits_for_its_role_oldest_first(loan_world):
    w = loan_world
    first = advance(w, draft(w, w.applicant_a), Status.SUBMITTED)
    second = advance(w, draft(w, w.applicant_b), Status.VILLAGE_SIGNED)
    first = advance(w, first, Status.VILLAGE_SIGNED)  # signed after the second: it has waited less
    other = advance(w, draft(w, w.applicant_c), Status.VILLAGE_SIGNED)
    assert [(a.pk, m.action) for a, m in application_queue(user=w.chair)] == [
        (second.pk, Action.SIGN_TOWNSHIP),
        (first.pk, Action.SIGN_TOWNSHIP),
    ]
    assert [a.pk for a, _m in application_queue(user=w.other_chair)] == [other.pk]
    assert application_queue(user=w.staff) == []
    second = advance(w, second, Status.TOWNSHIP_SIGNED)
    assert [a.pk for a, _m in application_queue(user=w.chair)] == [first.pk]
    assert [(a.pk, m.action) for a, m in application_queue(user=w.staff)] == [
        (second.pk, Action.COOPERATIVE_AGREE)
    ]
    newcomer = PersonFactory(village=w.village_b, name="新申请人", employment=Employment.UNEMPLOYED)
    drafted = draft(w, newcomer, amount=20000, guarantors=[guarantor()])
    assert [(a.pk, m.action) for a, m in application_queue(user=w.dir_b)] == [(drafted.pk, Action.SUBMIT)]
    assert application_queue(user=w.county_viewer) == []
