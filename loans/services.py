"""Writes of the microloans: saving a draft, the one transition function, scanned papers.

Every write checks the actor's role permission and scope, runs in one transaction and keeps its
record; views, forms and the admin call these functions and never assign a status themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.core import history
from federation.core.keys import SigningKeyError
from federation.core.roles import Role
from federation.core.rules import Problem
from federation.core.scoping import membership_of, require_in_scope
from federation.core.services import SOFT_DELETE_FIELDS, domain_record_raise_version
from federation.core.uploads import (  # noqa: F401 - the upload limits, one rule for every app
    ATTACHMENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    detect_attachment_type,
)
from loans import chain
from loans.eligibility import check_eligibility
from loans.models import (
    LONGEST_TERM,
    SHORTEST_TERM,
    Attachment,
    AttachmentKind,
    Guarantor,
    LoanApplication,
    Transition,
    loan_settings,
)
from loans.signing import content_of, digest_of, plain_value, transition_matches
from loans.states import TRANSITIONS, Action, Move, Status
from registry.models import Person
from registry.rules import spouse_of


class TransitionError(ValidationError):
    """A step the table of moves or the state of the application does not allow; the message says why."""


class EligibilityError(ValidationError):
    """The application fails loan rules; ``problems`` lists every one, each naming its rule."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__([ValidationError(p.message, code=p.rule) for p in self.problems])


def _require_scope(user, application: LoanApplication) -> None:
    require_in_scope(user, application, _("这份申请不在您的工作范围内。"))


def _actor(user) -> tuple[str, str]:
    """Return (name, role) of the user as a step records them."""
    membership = membership_of(user)
    role = membership.role if membership is not None else (Role.ADMINISTRATOR if user.is_superuser else "")
    return (user.get_full_name() or user.first_name or user.username), role


# --- drafts ------------------------------------------------------------------------------------------


def application_save(
    *,
    user,
    application: LoanApplication,
    guarantors: Sequence[Guarantor],
    expected_version: int | None = None,
) -> LoanApplication:
    """Validate and save a draft with its guarantors; return the application.

    ``guarantors`` is the full list: saved ones (edited in place), unsaved ones (added); a saved
    guarantor left out is deleted (softly, its history kept). Only a draft can be saved, by a role
    with the add or change permission, for an applicant of the user's scope; the loan rules are
    checked here and a failure raises :class:`EligibilityError` naming every rule that fails.
    """
    creating = application.pk is None
    if not user.has_perm("loans.add_loanapplication" if creating else "loans.change_loanapplication"):
        raise PermissionDenied(_("您的角色不能填写贷款申请。"))
    applicant = Person.objects.for_user(user).filter(pk=application.applicant_id).first()
    if applicant is None:
        raise PermissionDenied(_("申请人不在您的工作范围内。"))
    # A draft belongs to the applicant's village; once submitted it stays where it was filed.
    application.village_id = applicant.village_id
    with transaction.atomic():
        kept_ids: set[int] = set()
        _require_scope(user, application)  # the write side: a township's staff, her own villages only
        if not creating:
            current = LoanApplication.objects.select_for_update().get(pk=application.pk)
            if current.status != Status.DRAFT:
                raise TransitionError(
                    _("申请已%(status)s，不能再修改。") % {"status": current.get_status_display()}
                )
            # Refuse a form opened before someone else's save, naming what changed; the next version.
            domain_record_raise_version(application, expected_version=expected_version)
            application.status = current.status
        application.full_clean()
        for guarantor in guarantors:
            guarantor.full_clean(exclude=["application"])
        problems = check_eligibility(
            applicant=application.applicant,
            amount=application.amount,
            guarantors=guarantors,
            on=application.applied_on,
            exclude_application=application,
            settings=loan_settings(application.applied_on.year),
        )
        if problems:
            raise EligibilityError(problems)
        history.save(application, actor=user)
        for guarantor in guarantors:
            guarantor.application = application
            if guarantor.pk is not None:
                guarantor.version += 1
            history.save(guarantor, actor=user)
            kept_ids.add(guarantor.pk)
        for gone in Guarantor.objects.filter(application=application).exclude(pk__in=kept_ids):
            gone.mark_deleted()
            gone.version += 1
            history.save(gone, actor=user)
    return application


# --- the path ----------------------------------------------------------------------------------------


def _not_allowed(application: LoanApplication, action: str) -> TransitionError:
    done = application.transitions.filter(action=action).order_by("-at").first()
    if done is not None:
        return TransitionError(
            _("“%(step)s”已由%(who)s于 %(at)s 办理，不能重复办理。")
            % {
                "step": Action(action).label,
                "who": done.user_name,
                "at": f"{timezone.localtime(done.at):%Y-%m-%d %H:%M}",
            },
            code="already_done",
        )
    return TransitionError(
        _("申请现在的状态是“%(status)s”，不能办理“%(step)s”。")
        % {"status": application.get_status_display(), "step": Action(action).label},
        code="not_allowed",
    )


def _date(data: dict, name: str, label: str, *, not_before: dt.date | None, errors: dict) -> dt.date | None:
    value = data.get(name)
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, dt.date):
        errors[name] = _("请填写%(label)s。") % {"label": label}
        return None
    if value > timezone.localdate():
        errors[name] = _("%(label)s不能在今天之后。") % {"label": label}
    elif not_before is not None and value < not_before:
        errors[name] = _("%(label)s不能早于 %(on)s。") % {"label": label, "on": not_before.isoformat()}
    return value


def _decimal(data: dict, name: str, label: str, errors: dict) -> Decimal | None:
    try:
        value = Decimal(str(data.get(name)))
    except (InvalidOperation, ValueError):
        errors[name] = _("请填写%(label)s。") % {"label": label}
        return None
    if not value.is_finite() or value <= 0:
        errors[name] = _("%(label)s须大于 0。") % {"label": label}
        return None
    return value


def _signed_on(application: LoanApplication, action: str) -> dt.date | None:
    """Return the local date ``action`` was taken on ``application``, or None."""
    step = application.transitions.filter(action=action).first()
    return timezone.localtime(step.at).date() if step else None


def _clean_data(move: Move, application: LoanApplication, data: dict) -> dict:
    """Return the data ``move`` records, checked; raise ValidationError by field when wrong."""
    unknown = set(data) - set(move.fields)
    if unknown:
        raise TypeError(f"{move.action} records no {sorted(unknown)}")
    errors: dict[str, str] = {}
    cleaned: dict = {}

    def text(name: str, missing: str, length: int) -> None:
        value = (data.get(name) or "").strip()
        if not value:
            errors[name] = missing
        cleaned[name] = value[:length]

    def date(name: str, label: str, not_before: dt.date | None) -> None:
        cleaned[name] = _date(data, name, label, not_before=not_before, errors=errors)

    if "reason" in move.fields:
        text("reason", _("请写明理由。"), 1000)
    if "decided_on" in move.fields:
        # The cooperative sees the form once the township has signed it.
        signed = _signed_on(application, Action.SIGN_TOWNSHIP)
        date("decided_on", _("信用社意见日期"), signed or application.applied_on)
    if "loan_number" in move.fields:
        text("loan_number", _("请填写信用社的贷款编号。"), 40)
    if "disbursed_on" in move.fields:
        date("disbursed_on", _("放款日期"), _signed_on(application, Action.STAMP) or application.applied_on)
        amount = _decimal(data, "disbursed_amount", _("放款金额"), errors)
        if amount is not None and amount > application.amount:
            errors["disbursed_amount"] = _("放款金额不能超过申请金额 %(amount)s 元。") % {
                "amount": application.amount
            }
        cleaned["disbursed_amount"] = amount
        term = data.get("disbursed_term_months")
        if not isinstance(term, int) or not SHORTEST_TERM <= term <= LONGEST_TERM:
            errors["disbursed_term_months"] = _("放款期限应为 %(shortest)d 至 %(longest)d 个月。") % {
                "shortest": SHORTEST_TERM,
                "longest": LONGEST_TERM,
            }
        cleaned["disbursed_term_months"] = term
        rate = _decimal(data, "interest_rate", _("年利率"), errors)
        if rate is not None and rate > 30:
            errors["interest_rate"] = _("年利率按百分数填写，例如 4.35。")
        cleaned["interest_rate"] = rate
    if "repaid_on" in move.fields:
        date("repaid_on", _("还清日期"), application.disbursed_on)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _freeze(application: LoanApplication) -> None:
    """Copy the applicant, her spouse (from the household) and the year's rule values into the application."""
    person = application.applicant
    application.applicant_name = person.name
    application.applicant_id_number = person.id_number or ""
    application.applicant_phone = person.phone
    application.applicant_address = person.household.address if person.household_id else ""
    spouse = spouse_of(person)
    application.spouse_name = spouse.name if spouse else ""
    application.spouse_id_number = (spouse.id_number or "") if spouse else ""
    application.spouse_phone = spouse.phone if spouse else ""
    application.spouse_work = (
        " ".join(
            part
            for part in (
                spouse.get_employment_display(),
                spouse.get_work_place_display() if spouse.work_place else "",
                spouse.work_place_detail,
            )
            if part
        )
        if spouse
        else ""
    )
    rules = loan_settings(application.applied_on.year)
    application.rule_min_amount = rules.min_amount
    application.rule_max_amount = rules.max_amount
    application.rule_one_guarantor_limit = rules.one_guarantor_limit
    application.rule_min_age = rules.min_age
    application.rule_max_age = rules.max_age


_RECORDED_FIELDS = {
    "decided_on": "cooperative_decided_on",
    "loan_number": "loan_number",
    "disbursed_on": "disbursed_on",
    "disbursed_amount": "disbursed_amount",
    "disbursed_term_months": "disbursed_term_months",
    "interest_rate": "interest_rate",
    "repaid_on": "repaid_on",
}


def application_transition(*, application: LoanApplication, user, action: str, **data) -> LoanApplication:
    """Take one step of the table ``states.TRANSITIONS``; return the application as it is after it.

    Under a row lock: the step must be allowed from the current status (so two people taking the
    same step at once give one signature and one refusal naming who signed), the user must hold its
    permission and see the application, and a signature must be given by a person in her role
    (not by the administrator). Submission freezes the applicant, spouse and rule values; the loan
    rules are checked again at submission and at every signature. Each step writes a
    :class:`Transition` with the SHA-256 digest of the covered content and of the step itself,
    sealed as the next record of the installation's chain (``loans.chain.append``).
    """
    with transaction.atomic():
        try:
            locked = LoanApplication.objects.select_for_update().get(pk=application.pk)
        except LoanApplication.DoesNotExist:
            raise PermissionDenied(_("这份申请不在您的工作范围内。")) from None
        _require_scope(user, locked)
        move = TRANSITIONS.get((locked.status, action))
        if move is None:
            raise _not_allowed(locked, action)
        if not user.has_perm(move.permission):
            raise PermissionDenied(_("您的角色不能办理“%(step)s”。") % {"step": Action(action).label})
        name, role = _actor(user)
        if move.is_signature and (membership_of(user) is None or role == Role.ADMINISTRATOR):
            raise PermissionDenied(_("签字须由负责这一步的妇联干部本人以其角色签署。"))
        cleaned = _clean_data(move, locked, data)
        village_signature = locked.transitions.filter(action=Action.SIGN_VILLAGE).first()
        if village_signature is not None and not transition_matches(village_signature, content_of(locked)):
            raise TransitionError(
                _("这份申请的内容与村级签字时不一致，已停止办理。请乡镇妇联核验签字并查明原因。"),
                code="tampered",
            )
        if action == Action.SUBMIT:
            if locked.applicant.village_id != locked.village_id:
                raise TransitionError(_("申请人已迁往其他村，这份草稿不能再提交。"), code="moved")
            _freeze(locked)
        if action == Action.SUBMIT or move.is_signature:
            applicant = Person.all_objects.select_for_update().get(pk=locked.applicant_id)
            problems = check_eligibility(
                applicant=applicant,
                amount=locked.amount,
                guarantors=list(locked.guarantors.all()),
                on=locked.applied_on,
                exclude_application=locked,
                settings=locked.judged_settings(),
            )
            if problems:
                raise EligibilityError(problems)
        for key, attribute in _RECORDED_FIELDS.items():
            if key in cleaned:
                setattr(locked, attribute, cleaned[key])
        now = timezone.now()
        details = {key: plain_value(value) for key, value in cleaned.items() if key != "reason"}
        digest = digest_of(
            content=content_of(locked), action=action, user_id=user.pk, role=role, at=now, details=details
        )
        locked.status = move.target
        locked.version += 1
        history.save(locked, actor=user)
        step = Transition(
            application=locked,
            action=action,
            from_status=move.source,
            to_status=move.target,
            user=user,
            user_name=name,
            role=role,
            at=now,
            reason=cleaned.get("reason", ""),
            details=details,
            digest=digest,
        )
        try:
            with transaction.atomic():
                chain.append(step)
        except SigningKeyError as exc:
            raise TransitionError(
                _("签字密钥不可用，这一步没有办理。请联系管理员：%(why)s") % {"why": exc}, code="key"
            ) from None
        except IntegrityError:
            # Only reachable if the row locks were bypassed: the constraints still allow one
            # signature per step and one record per place of the chain.
            if move.is_signature and locked.transitions.filter(action=action).exists():
                raise _not_allowed(locked, action) from None
            raise
    return locked


# --- scanned papers ----------------------------------------------------------------------------------


def attachment_add(*, user, application: LoanApplication, upload: UploadedFile, kind: str) -> Attachment:
    """Store a scanned paper of ``application`` under MEDIA_ROOT (outside the web root); return it."""
    if not user.has_perm("loans.add_attachment"):
        raise PermissionDenied(_("您的角色不能上传附件。"))
    _require_scope(user, application)
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": _("请选择材料类别。")})
    content_type = detect_attachment_type(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        application=application,
        kind=kind,
        original_name=(upload.name or "")[-200:],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    with transaction.atomic():
        attachment.file.save(f"upload.{attachment.extension}", upload, save=False)
        history.save(attachment, actor=user)
    return attachment


def attachment_delete(*, user, attachment: Attachment) -> None:
    """Soft-delete a scanned paper; once the village has signed, papers stay (they are evidence)."""
    if not user.has_perm("loans.delete_attachment"):
        raise PermissionDenied(_("您的角色不能删除附件。"))
    _require_scope(user, attachment.application)
    if attachment.application.status not in (Status.DRAFT, Status.SUBMITTED):
        raise TransitionError(_("村级妇联签字后，附件不能删除。"))
    with transaction.atomic():
        attachment.mark_deleted()
        attachment.version += 1
        history.save(attachment, actor=user, update_fields=SOFT_DELETE_FIELDS)
