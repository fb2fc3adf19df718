"""The follow-ups of a pairing (跟进记录): recorded and listed on the pairing's page, so no menu entry;
their sums of the year are columns of the pairings' ledger (``registry.aid_ledger``)."""

from federation.web.registers import Register, declare
from registry.forms.aid import PairingFollowUpForm
from registry.models import PairingFollowUp
from registry.views.aid import FollowUpCreateView, FollowUpDetailView

declare(
    Register(
        model=PairingFollowUp,
        path="pairing-follow-ups",
        form_base=PairingFollowUpForm,
        list_columns=("on", "pairing", "money", "goods", "hours"),
        views={"create": FollowUpCreateView, "detail": FollowUpDetailView},
    )
)
