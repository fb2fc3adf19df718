from django import template

from loans.states import Status

register = template.Library()

_BADGES = {
    Status.DRAFT: "text-bg-secondary",
    Status.SUBMITTED: "text-bg-warning",
    Status.VILLAGE_SIGNED: "text-bg-info",
    Status.TOWNSHIP_SIGNED: "text-bg-info",
    Status.COOPERATIVE_AGREED: "text-bg-primary",
    Status.STAMPED: "text-bg-primary",
    Status.DISBURSED: "text-bg-success",
    Status.REPAID: "text-bg-light border",
    Status.REFUSED: "text-bg-danger",
    Status.WITHDRAWN: "text-bg-dark",
}


@register.filter
def status_badge(status: str) -> str:
    """Return the Bootstrap badge class of an application status."""
    return _BADGES.get(status, "text-bg-secondary")


@register.filter
def move_button(move) -> str:
    """Return the button class of a step: signatures stand out, refusals warn."""
    if move.is_signature or move.awaits:
        return "btn-federation"
    if move.target in (Status.REFUSED, Status.WITHDRAWN):
        return "btn-outline-danger"
    return "btn-outline-secondary"


@register.filter
def attr(obj, name: str):
    """Return ``obj.name`` (a ledger row's column)."""
    return getattr(obj, name)
