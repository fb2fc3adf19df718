"""The path of a microloan application: its statuses, actions and the one table of allowed moves.

DESIGN.md, "Microloans", and the seed (2014 plan, item 9): the village women's federation checks and
signs, then the township federation signs; the credit cooperative agrees; the federation stamps.
``loans.services.application_transition`` is the only code that moves an application along this
table; views, forms and the admin never assign a status.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交，待村级签字")
    VILLAGE_SIGNED = "village_signed", _("村级已签字，待乡妇联签字")
    TOWNSHIP_SIGNED = "township_signed", _("乡妇联已签字，待信用社意见")
    COOPERATIVE_AGREED = "cooperative_agreed", _("信用社已同意，待妇联盖章")
    STAMPED = "stamped", _("妇联已盖章，待放款")
    DISBURSED = "disbursed", _("已放款")
    REPAID = "repaid", _("已还清")
    REFUSED = "refused", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class Action(models.TextChoices):
    SUBMIT = "submit", _("提交申请")
    RETURN = "return", _("退回修改")
    SIGN_VILLAGE = "sign_village", _("村级妇联签字")
    REFUSE_VILLAGE = "refuse_village", _("村级不予通过")
    SIGN_TOWNSHIP = "sign_township", _("乡妇联签字")
    REFUSE_TOWNSHIP = "refuse_township", _("乡妇联不予通过")
    COOPERATIVE_AGREE = "cooperative_agree", _("登记信用社同意")
    COOPERATIVE_REFUSE = "cooperative_refuse", _("登记信用社不同意")
    STAMP = "stamp", _("妇联盖章")
    DISBURSE = "disburse", _("登记放款")
    REPAY = "repay", _("登记还清")
    WITHDRAW = "withdraw", _("撤回申请")


#: A pending application (filed, not yet decided) blocks another one of the same woman.
PENDING = frozenset(
    {
        Status.SUBMITTED,
        Status.VILLAGE_SIGNED,
        Status.TOWNSHIP_SIGNED,
        Status.COOPERATIVE_AGREED,
        Status.STAMPED,
    }
)
#: A granted loan blocks too: one woman gets this loan once in her life.
GRANTED = frozenset({Status.DISBURSED, Status.REPAID})
BLOCKING = PENDING | GRANTED
#: Statuses in which the content is frozen by the village signature.
SIGNED = frozenset(
    {
        Status.VILLAGE_SIGNED,
        Status.TOWNSHIP_SIGNED,
        Status.COOPERATIVE_AGREED,
        Status.STAMPED,
        Status.DISBURSED,
        Status.REPAID,
    }
)
#: Actions that are signatures ("签字意味着责任"): each at most once per application.
SIGNATURES = frozenset({Action.SIGN_VILLAGE, Action.SIGN_TOWNSHIP, Action.COOPERATIVE_AGREE, Action.STAMP})


@dataclass(frozen=True)
class Move:
    """One allowed move: ``action`` takes an application from ``source`` to ``target``.

    ``permission`` is the role permission the actor needs (declared on LoanApplication.Meta and
    given to roles in ``loans/permissions.py``); ``fields`` are the data the action records;
    ``awaits`` marks a step somebody has to take (it puts the application in that person's queue).
    """

    source: str
    action: str
    target: str
    permission: str
    fields: tuple[str, ...] = ()
    awaits: bool = False

    @property
    def label(self) -> str:
        return Action(self.action).label

    @property
    def is_signature(self) -> bool:
        return self.action in SIGNATURES

    @property
    def needs_reason(self) -> bool:
        return "reason" in self.fields


_FORWARD = (
    Move(Status.DRAFT, Action.SUBMIT, Status.SUBMITTED, "loans.submit_application", awaits=True),
    Move(Status.SUBMITTED, Action.RETURN, Status.DRAFT, "loans.sign_village", fields=("reason",)),
    Move(Status.SUBMITTED, Action.SIGN_VILLAGE, Status.VILLAGE_SIGNED, "loans.sign_village", awaits=True),
    Move(Status.SUBMITTED, Action.REFUSE_VILLAGE, Status.REFUSED, "loans.sign_village", fields=("reason",)),
    Move(
        Status.VILLAGE_SIGNED,
        Action.SIGN_TOWNSHIP,
        Status.TOWNSHIP_SIGNED,
        "loans.sign_township",
        awaits=True,
    ),
    Move(
        Status.VILLAGE_SIGNED,
        Action.REFUSE_TOWNSHIP,
        Status.REFUSED,
        "loans.sign_township",
        fields=("reason",),
    ),
    Move(
        Status.TOWNSHIP_SIGNED,
        Action.COOPERATIVE_AGREE,
        Status.COOPERATIVE_AGREED,
        "loans.record_cooperative",
        fields=("decided_on", "loan_number"),
        awaits=True,
    ),
    Move(
        Status.TOWNSHIP_SIGNED,
        Action.COOPERATIVE_REFUSE,
        Status.REFUSED,
        "loans.record_cooperative",
        fields=("decided_on", "reason"),
    ),
    Move(Status.COOPERATIVE_AGREED, Action.STAMP, Status.STAMPED, "loans.stamp", awaits=True),
    Move(
        Status.STAMPED,
        Action.DISBURSE,
        Status.DISBURSED,
        "loans.record_disbursement",
        fields=("disbursed_on", "disbursed_amount", "disbursed_term_months", "interest_rate"),
        awaits=True,
    ),
    Move(Status.DISBURSED, Action.REPAY, Status.REPAID, "loans.record_disbursement", fields=("repaid_on",)),
)
#: Withdrawal, with its reason, at any step before the money is paid out.
_WITHDRAWALS = tuple(
    Move(source, Action.WITHDRAW, Status.WITHDRAWN, "loans.withdraw_application", fields=("reason",))
    for source in (Status.DRAFT, *sorted(PENDING))
)

#: The explicit table: (current status, action) → the move. Nothing else is allowed.
TRANSITIONS: dict[tuple[str, str], Move] = {(m.source, m.action): m for m in (*_FORWARD, *_WITHDRAWALS)}


def moves_from(status: str) -> list[Move]:
    """Return the moves allowed from ``status``, in the order of the table."""
    return [move for (source, _action), move in TRANSITIONS.items() if source == status]


#: The action an application in each status waits for (the step of its queue).
AWAITED: dict[str, Move] = {m.source: m for m in _FORWARD if m.awaits}


def takes_steps(user) -> bool:
    """Return whether ``user``'s role takes any awaited step (so she has a queue of loans to handle)."""
    return any(user.has_perm(move.permission) for move in AWAITED.values())
