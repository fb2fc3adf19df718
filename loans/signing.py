"""What a signature covers, its SHA-256 digest, and the check that signed content is unchanged.

The digest shows a change only to someone who cannot recompute it; the seal of ``loans.chain``
(an HMAC with a key outside the database, chained over all records) is what a database writer
cannot forge. :class:`Break` is what either check finds.

DESIGN.md: "a signature records who signed, in which role, when, and a digest of exactly what was
signed. Nothing signed can be edited afterwards; the system can show at any time that a signed
application is unchanged." The seed (2014 plan, item 9): 签字意味着责任.

The covered content is the application as filed (applicant and spouse as frozen at submission,
amount, project, purpose, own funds, term, date, the rule values) and its guarantors. A digest is
taken over that content together with the step, the signer, her role, the time and what the step
recorded, as sorted-key JSON; changing any of them afterwards shows in :func:`find_mismatches`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loans.states import Action, Status

if TYPE_CHECKING:
    from loans.models import Guarantor, LoanApplication, Transition

#: The application's own covered fields (guarantors are added by :func:`content_of`).
COVERED_FIELDS = (
    "village",
    "applicant",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_address",
    "spouse_name",
    "spouse_id_number",
    "spouse_phone",
    "spouse_work",
    "amount",
    "own_funds",
    "project",
    "purpose",
    "term_months",
    "applied_on",
    "rule_min_amount",
    "rule_max_amount",
    "rule_one_guarantor_limit",
    "rule_min_age",
    "rule_max_age",
)
GUARANTOR_FIELDS = ("name", "id_number", "phone", "kind", "work_unit", "bank", "deposit_amount")

#: The signatures an application in each signed status must carry.
REQUIRED_SIGNATURES: dict[str, tuple[str, ...]] = {
    Status.VILLAGE_SIGNED: (Action.SIGN_VILLAGE,),
    Status.TOWNSHIP_SIGNED: (Action.SIGN_VILLAGE, Action.SIGN_TOWNSHIP),
    Status.COOPERATIVE_AGREED: (Action.SIGN_VILLAGE, Action.SIGN_TOWNSHIP, Action.COOPERATIVE_AGREE),
    **{
        status: (Action.SIGN_VILLAGE, Action.SIGN_TOWNSHIP, Action.COOPERATIVE_AGREE, Action.STAMP)
        for status in (Status.STAMPED, Status.DISBURSED, Status.REPAID)
    },
}


def plain_value(value: Any) -> Any:
    """Return ``value`` in its one canonical JSON form (numbers without trailing zeros, ISO dates)."""
    if value is None:
        return None
    if isinstance(value, Decimal | float):
        return format(Decimal(str(value)).normalize(), "f")
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _field_value(instance, name: str) -> Any:
    model_field = instance._meta.get_field(name)
    raw = getattr(instance, model_field.attname)
    return plain_value(model_field.to_python(raw) if raw not in (None, "") else raw)


def guarantor_content(guarantor: Guarantor) -> dict[str, Any]:
    """Return one guarantor's covered fields in canonical form."""
    return {name: _field_value(guarantor, name) for name in GUARANTOR_FIELDS}


def content_of(application: LoanApplication, guarantors: Iterable[Guarantor] | None = None) -> dict:
    """Return the covered content of ``application``: its filed fields and its (live) guarantors.

    ``guarantors`` defaults to the stored ones; pass a prefetched list to save queries.
    """
    from loans.models import Guarantor

    if guarantors is None:
        guarantors = Guarantor.objects.filter(application_id=application.pk) if application.pk else []
    content = {name: _field_value(application, name) for name in COVERED_FIELDS}
    content["id"] = application.pk
    content["guarantors"] = sorted(
        (guarantor_content(g) for g in guarantors if g.deleted_at is None),
        key=lambda g: (g["id_number"] or "", g["name"] or ""),
    )
    return content


def canonical_json(payload: Any) -> str:
    """Return ``payload`` as sorted-key, compact JSON (the bytes that are hashed)."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest_of(*, content: dict, action: str, user_id: int, role: str, at: dt.datetime, details: dict) -> str:
    """Return the SHA-256 hex digest of a step taken on ``content`` (who, role, when and what it recorded)."""
    payload = {
        "content": content,
        "action": str(action),
        "user": user_id,
        "role": str(role),
        "at": plain_value(at),
        "details": details,
    }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def transition_digest(transition: Transition, content: dict) -> str:
    """Return the digest of ``content`` signed by ``transition`` (its step, signer, role, time, details)."""
    return digest_of(
        content=content,
        action=transition.action,
        user_id=transition.user_id,
        role=transition.role,
        at=transition.at,
        details=transition.details,
    )


def transition_matches(transition: Transition, content: dict) -> bool:
    """Return True when ``transition``'s stored digest is that of ``content`` and its own record."""
    return transition.digest == transition_digest(transition, content)


def refuse_if_signed_content_changed(application: LoanApplication) -> None:
    """Raise ``SignedContentError`` when ``application`` is signed and what is to be saved differs.

    Called by ``LoanApplication.save()``, so form, admin, import and scripts are all refused.
    """
    from loans.models import SignedContentError, Transition

    signature = Transition.objects.filter(application_id=application.pk, action=Action.SIGN_VILLAGE).first()
    if signature is None:
        return
    if application.deleted_at is not None:
        raise SignedContentError(_("村级妇联已签字的申请不能删除。"))
    if not transition_matches(signature, content_of(application)):
        raise SignedContentError(
            _("村级妇联已于 %(on)s 签字：签字所涵盖的申请内容和担保人不能再修改。")
            % {"on": f"{signature.at.astimezone(dt.UTC).date():%Y-%m-%d}"}
        )


class BreakKind(models.TextChoices):
    """What kind of difference between the records and what was signed or sealed."""

    CONTENT_CHANGED = "content_changed", gettext_lazy("内容被改动")
    SEAL_FORGED = "seal_forged", gettext_lazy("封印不符")
    UNKNOWN_KEY = "unknown_key", gettext_lazy("密钥不符")
    DELETED = "deleted", gettext_lazy("记录被删除")
    REORDERED = "reordered", gettext_lazy("顺序被调换")
    UNSEALED = "unsealed", gettext_lazy("没有封印")


@dataclass
class Break:
    """One place where the records differ from what was signed or sealed: its kind, where, a message."""

    kind: str
    message: str
    #: The position in the seal chain it is found at (None: not at one record, e.g. a missing one).
    position: int | None = None
    transition: Transition | None = None
    #: The application it concerns; None for a break of the chain as a whole (a deleted record).
    application_id: int | None = None

    @property
    def kind_label(self) -> str:
        return BreakKind(self.kind).label

    def sort_key(self) -> tuple:
        return (self.position is None, self.position or 0)


def content_breaks(application: LoanApplication) -> list[Break]:
    """Return how ``application``'s stored content and records differ from its signatures.

    Each signature's digest is recomputed from the content as stored now; a signed status must
    carry its signatures (a loan granted before the system, imported, has none and must have
    none); the loan number must be the one the cooperative's record holds. Uses the prefetched
    ``transitions`` and ``guarantors`` when there are.
    """
    transitions = [t for t in application.transitions.all() if t.is_signature]
    if not transitions and application.status not in REQUIRED_SIGNATURES:
        return []
    content = content_of(application, guarantors=application.guarantors.all())
    found = []
    for transition in transitions:
        if not transition_matches(transition, content):
            found.append(
                Break(
                    kind=BreakKind.CONTENT_CHANGED,
                    message=_("“%(step)s”（%(who)s）签字时的内容已被改动。")
                    % {"step": transition.get_action_display(), "who": transition.user_name},
                    position=transition.sequence,
                    transition=transition,
                    application_id=application.pk,
                )
            )
    present = {t.action for t in transitions}
    if application.before_system and transitions:
        # An imported loan has no signatures: one that carries some was marked so behind the system.
        found.append(
            Break(
                kind=BreakKind.CONTENT_CHANGED,
                message=_("标为“系统前发放”（导入的贷款没有签字），却有系统中的签字记录。"),
                position=transitions[0].sequence,
                transition=transitions[0],
                application_id=application.pk,
            )
        )
    required = () if application.before_system else REQUIRED_SIGNATURES.get(application.status, ())
    for action in required:
        if action not in present:
            found.append(
                Break(
                    kind=BreakKind.DELETED,
                    message=_("状态为“%(status)s”，却没有“%(step)s”的签字记录。")
                    % {"status": application.get_status_display(), "step": Action(action).label},
                    application_id=application.pk,
                )
            )
    agreed = next((t for t in transitions if t.action == Action.COOPERATIVE_AGREE), None)
    if agreed is not None and (
        agreed.details.get("loan_number") != application.loan_number
        or agreed.details.get("decided_on") != plain_value(application.cooperative_decided_on)
    ):
        found.append(
            Break(
                kind=BreakKind.CONTENT_CHANGED,
                message=_("贷款编号或信用社意见日期与信用社意见记录不一致。"),
                position=agreed.sequence,
                transition=agreed,
                application_id=application.pk,
            )
        )
    return found


@dataclass
class Mismatch:
    """An application whose stored record no longer matches what was signed or sealed, and why."""

    application: LoanApplication
    problems: list[str] = field(default_factory=list)
    breaks: list[Break] = field(default_factory=list)


def find_mismatches(applications: Iterable[LoanApplication]) -> list[Mismatch]:
    """Return the applications (of those given) whose content or records differ from their signatures.

    Only the contents (:func:`content_breaks`); ``loans.verification`` adds the seal chain.
    """
    found = []
    for application in applications:
        breaks = content_breaks(application)
        if breaks:
            problems = [b.message for b in breaks]
            found.append(Mismatch(application=application, problems=problems, breaks=breaks))
    return found
