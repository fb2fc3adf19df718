"""Log-in, lock-out, one's own password and the home page of each role."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from federation.core.figures import largest
from federation.core.logins import password_change_waive
from federation.core.models import Reminder, Township, Village
from federation.core.reminders import mark_read
from federation.core.roles import Level
from federation.core.scoping import membership_of, sees_everything
from federation.web.generic import int_param
from federation.web.login_security import MUST_CHANGE_KEY
from federation.web.pages import home_page, todo_count, village_figures_for
from federation.web.todos import CHANGE_MARKER

LOCKED_MESSAGE = _(
    "登录失败次数过多，该账户在您所在的网络地址已被锁定 15 分钟，请稍后再试或联系管理员解除锁定。"
)
ADDRESS_REFUSED_MESSAGE = _(
    "您所在的网络地址登录失败次数过多，15 分钟内不能从这里登录任何账户，请稍后再试或联系管理员解除限制。"
)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def lockout_response(request, original_response=None, credentials=None, *args, **kwargs):
    """Return the log-in page with the lock-out message (django-axes' AXES_LOCKOUT_CALLABLE).

    The lock of the name at this address, or the refusal of the whole address
    (``federation.web.login_security``); the same answer whether or not the user name exists, so a
    lock-out reveals no accounts.
    """
    refused = getattr(request, "login_refused_for_address", False)
    message = ADDRESS_REFUSED_MESSAGE if refused else LOCKED_MESSAGE
    context = {"form": AuthenticationForm(request), "locked_message": message}
    return render(request, "registration/login.html", context, status=429)


class OwnPasswordChangeForm(PasswordChangeForm):
    """Django's form (the old password checked, AUTH_PASSWORD_VALIDATORS on the new one), refusing
    the old password again: a change the administrator demanded must change it."""

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("new_password2")
        if new and self.user.check_password(new):
            self.add_error("new_password2", ValidationError(_("新密码不能与原密码相同。"), code="unchanged"))
        return cleaned


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every user changes her own password here, from the link in the page header; a user whose
    change the administrator demanded is kept here until she has made it."""

    form_class = OwnPasswordChangeForm
    # Not registration/password_change_form.html: the admin's own page uses that name.
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["forced"] = bool(self.request.session.get(MUST_CHANGE_KEY))
        return context

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps her signed in with the new password
        password_change_waive(user=self.request.user)
        self.request.session.pop(MUST_CHANGE_KEY, None)
        messages.success(self.request, _("密码已修改，下次登录请使用新密码。"))
        return response


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
        changed_at = _changed_at([village.pk])  # the header's count is taken after these markers
        sections = home_page(user, level="village", today=today, village=village)
        has_todo = _count_todos(request, sections, changed_at)
        context = {"village": village, "sections": sections, "has_todo": has_todo}
        return render(request, "federation/home_village.html", context)
    township = Township.objects.for_user(user).filter(pk=int_param(request, "township")).first()
    by_township = township is None and (membership is None or membership.level == Level.COUNTY)
    if township is not None:
        villages = villages.filter(township=township)
    villages = list(villages)
    figures = village_figures_for(user, villages, by_township=by_township)
    link = next((f.url_name for f, _counts in figures if f.url_name), "")
    # one row a village (a township's) or a township (the county's): the figures' units, in order
    if figures:
        units = [unit for unit, _n in figures[0][1]]
    else:
        units = list(dict.fromkeys(village.township for village in villages)) if by_township else villages
    rows = [(unit, [(f, counts[i][1]) for f, counts in figures]) for i, unit in enumerate(units)]
    # the figures, cards and to-dos are of the user's whole scope: not shown as if of the township opened
    sections, has_todo = {}, None
    if township is None:
        changed_at = _changed_at([village.pk for village in villages])  # before the header's count
        sections = home_page(user, level="township", today=today, villages=villages)
        has_todo = _count_todos(request, sections, changed_at)
    context = {
        "sections": sections,
        "has_todo": has_todo,
        "figures": [figure for figure, _counts in figures],
        "rows": rows,
        "by_township": by_township,
        "township": township,
        "village_link": reverse(link) if link else "",
    }
    return render(request, "federation/home_township.html", context)


#: How long the header's count is kept in the session at most (a change of the user's villages
#: counts it again at once; her own imports and reminders, and a new day, after this).
TODO_COUNT_SECONDS = 60
TODO_COUNT_KEY = "todo_count"


def _count_todos(request, sections, changed_at: float) -> int:
    """Return the to-dos of the home's 待办 card, kept for the header's count (``home_todo_count``)."""
    count = sum(int(section.data.get("count") or 0) for section in sections["todo"])
    _keep_todo_count(request, count, changed_at)
    return count


def _fresh_todo_count(request, changed_at: float) -> int | None:
    """Return the count kept in the session when it is this user's, taken after ``changed_at`` and
    less than ``TODO_COUNT_SECONDS`` ago; else None."""
    kept = request.session.get(TODO_COUNT_KEY) if hasattr(request, "session") else None
    if not isinstance(kept, dict) or kept.get("user") != request.user.pk:
        return None
    at = kept.get("at", 0)
    return kept.get("n") if changed_at <= at and time.time() - at < TODO_COUNT_SECONDS else None


def _keep_todo_count(request, count: int | None, changed_at: float) -> None:
    """Keep ``count`` in the session, unless the same count is kept there fresh: the session is
    written at most once a minute (``federation.web.sessions``), a home page shown again included."""
    request.todo_count = count
    if count is None or not hasattr(request, "session") or _fresh_todo_count(request, changed_at) == count:
        return
    request.session[TODO_COUNT_KEY] = {"user": request.user.pk, "n": count, "at": time.time()}


def _todo_scope(user) -> tuple[str, list[int]] | None:
    """Return the level of ``user``'s home ("village" or "township") and her villages' ids, or None
    when she has no home of to-dos."""
    membership = membership_of(user)
    if membership is not None and membership.level == Level.VILLAGE:
        return "village", [membership.village_id]
    if membership is not None or sees_everything(user):
        return "township", list(Village.objects.for_user(user).values_list("pk", flat=True))
    return None


def _changed_at(village_ids: list[int]) -> float:
    """Return when a record of these villages last changed (their to-dos' markers), 0 for never."""
    return largest(CHANGE_MARKER, village_ids) or 0


def home_todo_count(request) -> int | None:
    """Return how many to-dos ``request``'s user has on her home page (None for no home of to-dos).

    The page header's count (``federation.web.context_processors``), on every page, so counted
    seldom: kept in her session until a record of one of her villages changes (the villages'
    markers, ``federation.web.todos.CHANGE_MARKER``, are forgotten with their kept figures) or for
    ``TODO_COUNT_SECONDS``; the home page counts it whenever it is shown.
    """
    if hasattr(request, "todo_count"):
        return request.todo_count
    user = getattr(request, "user", None)
    request.todo_count = None
    if user is None or not user.is_authenticated:
        return None
    scope = _todo_scope(user)
    if scope is None:
        return None
    level, village_ids = scope
    changed_at = _changed_at(village_ids)
    kept = _fresh_todo_count(request, changed_at)
    if kept is not None:
        request.todo_count = kept
        return kept
    today = timezone.localdate()
    if level == "village":
        village = Village.objects.for_user(user).select_related("township").first()
        count = todo_count(user, level=level, today=today, village=village) if village else None
    else:
        count = todo_count(user, level=level, today=today)
    _keep_todo_count(request, count, changed_at)
    return count


@login_required
@require_POST
def reminder_read(request, pk: int):
    """Mark one of the user's own reminders read (another user's answers 404) and go back home."""
    reminder = get_object_or_404(Reminder.objects.filter(user=request.user), pk=pk)
    mark_read(user=request.user, reminder=reminder)
    request.session.pop(TODO_COUNT_KEY, None)
    return redirect(f"{reverse('home')}#todo")
