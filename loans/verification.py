"""The signature check of ``verify_signatures`` and /loans/verify/: contents, seals and the chain.

Three checks, each naming what it finds (``loans.signing.Break``): every signature's digest against
the content stored now (``loans.signing.content_breaks``), every record's seal with the key kept
outside the database, and the chain over all records of the installation (``loans.chain``). The
chain is always checked whole; a page shows the breaks of the applications its user sees, the
breaks of the chain as a whole (a deleted record, named by its number only) and a count of the rest.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from federation.core import keys as signing_keys
from loans import chain
from loans.models import ChainHead, LoanApplication, Transition
from loans.selectors import signed_applications
from loans.signing import Break, BreakKind, Mismatch, content_breaks


@dataclass
class SignatureReport:
    """What a signature check found."""

    #: Signed applications whose contents were checked (those the user sees).
    checked: int = 0
    #: Sealed records of the whole installation whose seals and links were checked.
    records: int = 0
    #: Of those, the records sealed by the upgrade (written when there were digests only).
    migrated: int = 0
    #: Loans granted before the system (imported) that the user sees: no signatures, none checked.
    before_system: int = 0
    #: Every break found, in chain order: the first is where the records first differ.
    breaks: list[Break] = field(default_factory=list)
    #: The applications with a break, each with its breaks' messages.
    mismatches: list[Mismatch] = field(default_factory=list)
    #: Breaks in applications outside the user's scope (a page only counts them).
    hidden: int = 0
    #: Set when the keys cannot be read, or none of them sealed these records (a replaced key).
    key_problem: str = ""
    fingerprint: str = ""

    @property
    def first(self) -> Break | None:
        """Return the first break in chain order, or None."""
        return self.breaks[0] if self.breaks else None

    @property
    def chain_breaks(self) -> list[Break]:
        """Return the breaks of the chain as a whole (not of one application)."""
        return [b for b in self.breaks if b.application_id is None]

    @property
    def ok(self) -> bool:
        return not (self.breaks or self.hidden or self.key_problem)


def signature_report(*, user=None) -> SignatureReport:
    """Return the check of the applications ``user`` sees (None: the whole installation)."""
    visible = LoanApplication.all_objects.all()
    if user is not None:
        visible = visible.for_user(user)
    signed = list(signed_applications(visible))
    report = SignatureReport(checked=len(signed))
    report.before_system = visible.filter(before_system=True).count()
    try:
        keys = signing_keys.keyring()
    except signing_keys.SigningKeyError as exc:
        report.key_problem = str(exc)
        return report
    report.fingerprint = keys[-1].id
    records = list(Transition.objects.order_by("sequence", "pk"))
    report.records = sum(1 for t in records if t.sequence is not None)
    report.migrated = sum(1 for t in records if t.sealed_by_migration)
    sealed_keys = {t.key_id for t in records if t.sequence is not None}
    if sealed_keys and not sealed_keys & {k.id for k in keys}:
        report.key_problem = _(
            "本机的签字密钥（指纹 %(mine)s，来自%(source)s）不是封印这些记录的密钥（%(theirs)s）："
            "密钥被换掉了或丢失了，所有封印都无法核验。请换回原来的密钥（从备份恢复密钥文件，"
            "或改回 SIGNING_KEY）后再核验。"
        ) % {
            "mine": keys[-1].id,
            "source": signing_keys.key_source(),
            "theirs": "、".join(sorted(sealed_keys)),
        }
    found = chain.find_breaks(records, head=ChainHead.objects.filter(pk=1).first(), keys=keys)
    for application in signed:
        found += content_breaks(application)
    found.sort(key=Break.sort_key)

    named = {b.application_id for b in found if b.application_id}
    visible_ids = set(visible.filter(pk__in=named).values_list("pk", flat=True))
    shown = [b for b in found if b.application_id is None or b.application_id in visible_ids]
    report.hidden = len(found) - len(shown)
    report.breaks = shown
    by_application: dict[int, list[Break]] = defaultdict(list)
    for b in shown:
        if b.application_id is not None:
            by_application[b.application_id].append(b)
    applications = LoanApplication.all_objects.select_related("village").in_bulk(list(by_application))
    report.mismatches = [
        Mismatch(application=applications[pk], problems=[b.message for b in breaks], breaks=breaks)
        for pk, breaks in sorted(by_application.items())
    ]
    return report


# --- the code printed on the approval form -----------------------------------------------------------


@dataclass
class CodeCheck:
    """The answer to "does this paper's code match the system?"."""

    ok: bool
    message: str
    transition: Transition | None = None


def check_paper_code(*, user, application_id: int | None, code: str) -> CodeCheck:
    """Return whether ``code`` (from a printed approval form) is that of a sound record of the application.

    The application must be one ``user`` sees. The record the code names must still carry its
    seal (made with a key of this installation) and, for a signature, the content it signed.
    """
    typed = chain.normalize_code(code)
    if typed is None:
        return CodeCheck(False, _("核验码应为 10 位，由数字 0–9 和字母 A–F 组成，例如 3F2A9-B1C07。"))
    scoped = LoanApplication.all_objects.for_user(user)
    application = scoped.filter(pk=application_id).first() if application_id else None
    if application is None:
        return CodeCheck(False, _("您的工作范围内没有这个编号的申请。请核对表上的“申请编号”。"))
    record = next((t for t in application.transitions.all() if t.seal.startswith(typed)), None)
    if record is None:
        return CodeCheck(
            False,
            _("核验码与申请 #%(pk)s 的任何签字记录都不符：纸质表与系统的记录不一致，或核验码抄错了。")
            % {"pk": application.pk},
        )
    when = f"{timezone.localtime(record.at):%Y-%m-%d %H:%M}"
    what = _("申请 #%(pk)s 的“%(step)s”（%(who)s，%(when)s）") % {
        "pk": application.pk,
        "step": record.get_action_display(),
        "who": record.user_name,
        "when": when,
    }
    try:
        keys = signing_keys.keyring()
    except signing_keys.SigningKeyError as exc:
        return CodeCheck(False, str(exc), record)
    problem = chain.verify_record(record, keys)
    if problem is None and record.is_signature:
        changed = [b for b in content_breaks(application) if b.transition is not None]
        problem = next((b for b in changed if b.transition.pk == record.pk), None)
    if problem is not None:
        return CodeCheck(
            False,
            _("核验码对应%(what)s，但这条记录已不可信（%(kind)s）：%(why)s")
            % {"what": what, "kind": BreakKind(problem.kind).label, "why": problem.message},
            record,
        )
    later = [t for t in application.transitions.all() if t.sequence and t.sequence > (record.sequence or 0)]
    message = _("核验码对应%(what)s，记录完好，与纸质表一致。") % {"what": what}
    if later:
        message += _("此后这份申请又办理了：%(steps)s。") % {
            "steps": "、".join(t.get_action_display() for t in later)
        }
    return CodeCheck(True, message, record)
