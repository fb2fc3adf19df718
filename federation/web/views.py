"""Log-in, lock-out and the home page of each role."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.core.models import Township, Village
from federation.core.roles import Level
from federation.core.scoping import membership_of, sees_everything
from federation.web.generic import int_param
from federation.web.pages import home_page, village_figures_for

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
    """Return the home page of the user's role, made of what the apps contribute (``federation.web.pages``).

    A village director's home is her village's figures, cards and to-dos; the roles that see
    several villages get the township's figures and a table of their villages. The county (and the
    administrator) get a table of the townships, each opening its villages (``?township=``): a
    county's 500 villages are no page to read.
    """
    user = request.user
    membership = membership_of(user)
    if membership is None and not sees_everything(user):
        return render(request, "federation/no_membership.html", status=403)
    villages = Village.objects.for_user(user).select_related("township").order_by("code")
    today = timezone.localdate()
    if membership is not None and membership.level == Level.VILLAGE:
        village = villages.get()
        sections = home_page(user, level="village", today=today, village=village)
        has_todo = any(section.data.get("count") for section in sections["todo"])
        context = {"village": village, "sections": sections, "has_todo": has_todo}
        return render(request, "federation/home_village.html", context)
    figures = village_figures_for(user)
    link = next((f.url_name for f, _counts in figures if f.url_name), "")
    township = Township.objects.for_user(user).filter(pk=int_param(request, "township")).first()
    by_township = township is None and (membership is None or membership.level == Level.COUNTY)
    if township is not None:
        villages = villages.filter(township=township)
    rows = [(village, [(f, counts.get(village.pk, 0)) for f, counts in figures]) for village in villages]
    context = {
        # the figures and cards are of the user's whole scope: not shown as if of the township opened
        "sections": home_page(user, level="township", today=today) if township is None else {},
        "figures": [figure for figure, _counts in figures],
        "rows": _by_township(rows) if by_township else rows,
        "by_township": by_township,
        "township": township,
        "village_link": reverse(link) if link else "",
    }
    return render(request, "federation/home_township.html", context)


def _by_township(rows: list) -> list:
    """Return the villages' rows summed township by township, in the order of the villages."""
    summed: dict = {}
    for village, cells in rows:
        totals = summed.setdefault(village.township, [0] * len(cells))
        for i, (_figure, n) in enumerate(cells):
            totals[i] += n
    figures = [figure for figure, _n in rows[0][1]] if rows else []
    return [(township, list(zip(figures, totals, strict=True))) for township, totals in summed.items()]
