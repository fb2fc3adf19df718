"""What loans contributes to the API: the applications (read) and their steps, each a POST that
calls the one transition function (``loans.services.application_transition``) with the data its
page's confirmation form (``ActionForm``) takes and checks, the signer's pledge included."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from federation.api.errors import FormRefused, form_errors
from federation.api.resources import Resource, add_resource
from federation.api.views import Action
from loans.forms import ActionForm
from loans.models import LoanApplication
from loans.services import application_transition
from loans.states import TRANSITIONS
from loans.states import Action as Step


class StepSerializer(serializers.Serializer):
    """The data of a step (those its move records; see ``loans.states``) and the signer's pledge."""

    reason = serializers.CharField(required=False)
    decided_on = serializers.DateField(required=False)
    loan_number = serializers.CharField(required=False)
    disbursed_on = serializers.DateField(required=False)
    disbursed_amount = serializers.CharField(required=False)
    disbursed_term_months = serializers.IntegerField(required=False)
    interest_rate = serializers.CharField(required=False)
    repaid_on = serializers.DateField(required=False)
    pledge = serializers.BooleanField(
        required=False, help_text="A signature's pledge: 我已严格把关，核对了上面的内容；签字意味着责任。"
    )


def take_step(request, application: LoanApplication, step: str) -> LoanApplication:
    """Take ``step`` on ``application`` for the request's user; return it. Refused with the page's
    messages (a step the table or her role does not allow, a value the form refuses, a loan rule)."""
    move = TRANSITIONS.get((application.status, step))
    if move is None or not request.user.has_perm(move.permission):
        label = Step(step).label if step in Step.values else step
        raise ValidationError(_("这份申请现在不能由您办理“%(step)s”。") % {"step": label})
    data = request.data if hasattr(request.data, "get") else {}
    form = ActionForm(data=data, move=move, application=application)
    if not form.is_valid():
        raise FormRefused(form_errors(form))
    return application_transition(application=application, user=request.user, action=step, **form.step_data())


add_resource(
    Resource(
        path="loans",
        name="loans",
        model=LoanApplication,
        fields=(
            "applicant",
            "amount",
            "project",
            "purpose",
            "own_funds",
            "term_months",
            "applied_on",
            "status",
            "applicant_name",
            "applicant_id_number",
            "applicant_phone",
            "spouse_name",
            "spouse_id_number",
            "loan_number",
            "disbursed_on",
            "disbursed_amount",
            "repaid_on",
            "bank",
            "before_system",
        ),
        filters=("status",),
        select_related=("applicant",),
        actions={
            "step": Action(
                run=take_step,
                url_path=r"steps/(?P<step>[a-z_]+)",
                request=StepSerializer,
                description="Take one step of the application's path (submit, sign_village, …).",
                parameters=(
                    OpenApiParameter("step", OpenApiTypes.STR, OpenApiParameter.PATH, enum=Step.values),
                ),
            )
        },
    )
)
