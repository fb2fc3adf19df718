"""Log-in, lock-out and the home page of each role."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.core.models import Village
from federation.core.roles import Role
from federation.core.scoping import membership_of, sees_everything

LOCKED_MESSAGE = _("登录失败次数过多，该账户已被锁定 15 分钟，请稍后再试或联系乡镇妇联管理员。")


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def lockout_response(request, original_response=None, credentials=None, *args, **kwargs):
    """Return the log-in page with the lock-out message (django-axes' AXES_LOCKOUT_CALLABLE).

    The same answer whether or not the user name exists, so a lock-out reveals no accounts.
    """
    context = {"form": AuthenticationForm(request), "locked_message": LOCKED_MESSAGE}
    return render(request, "registration/login.html", context, status=429)


@login_required
def home(request):
    """Return the home page of the user's role: a village's to-dos, or the villages of a scope.

    A director's to-dos include the left-behind women still owed a visit this year and the
    registers not yet reported; the township's page links to the overview and shows its alarms.
    """
    from outreach.selectors import home_outreach
    from registry.selectors import village_summary

    membership = membership_of(request.user)
    if membership is None and not sees_everything(request.user):
        return render(request, "federation/no_membership.html", status=403)
    villages = Village.objects.for_user(request.user).select_related("township")
    today = timezone.localdate()
    if membership is not None and membership.role == Role.VILLAGE_DIRECTOR:
        village = villages.get()
        context = village_summary(village=village)
        context.update(home_outreach(user=request.user, year=today.year, today=today))
        return render(request, "federation/home_village.html", context)
    rows = villages.annotate(
        household_count=Count("households", filter=Q(households__deleted_at__isnull=True), distinct=True),
        person_count=Count("persons", filter=Q(persons__deleted_at__isnull=True), distinct=True),
    )
    context = {"villages": rows, "today": today}
    context.update(home_outreach(user=request.user, year=today.year, today=today))
    return render(request, "federation/home_township.html", context)
