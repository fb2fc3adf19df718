"""Personal API tokens: a user makes, lists and revokes her own on a page of her own.

A token is django-rest-knox's: stored as a hash (the text is shown once, when it is made), expiring
after ``API_TOKEN_DAYS`` days (90 by default), at most ``API_TOKENS_PER_USER`` a user. Its name and
its last use (when, from where) are ``TokenUse``'s.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from knox.models import AuthToken

from federation.api.models import TokenUse
from federation.core.forms import FriendlyErrorsMixin


def token_create(*, user, name: str) -> tuple[AuthToken, str]:
    """Make a token for ``user`` named ``name``; return it and its text (never stored, shown once).

    Refused (``ValidationError``) past ``API_TOKENS_PER_USER`` live tokens.
    """
    with transaction.atomic():
        live = tokens_of(user)
        if live.count() >= settings.API_TOKENS_PER_USER:
            raise ValidationError(
                _("您已有 %(count)s 个令牌，请先撤销不用的再新建。") % {"count": settings.API_TOKENS_PER_USER}
            )
        token, text = AuthToken.objects.create(user=user, expiry=dt.timedelta(days=settings.API_TOKEN_DAYS))
        TokenUse.objects.create(token=token, name=name)
    return token, text


def tokens_of(user):
    """Return ``user``'s tokens that have not expired, newest first, with their use."""
    return (
        AuthToken.objects.filter(user=user, expiry__gt=timezone.now())
        .select_related("use")
        .order_by("-created")
    )


def token_revoke(*, user, digest: str) -> None:
    """Revoke ``user``'s token ``digest`` (another user's answers 404)."""
    get_object_or_404(AuthToken, user=user, digest=digest).delete()


class TokenForm(FriendlyErrorsMixin, forms.Form):
    name = forms.CharField(
        label=_lazy("用途"),
        max_length=60,
        help_text=_lazy("写明这个令牌给什么程序用，例如“村里的录入脚本”，以后撤销时认得出。"),
    )


class TokenListView(LoginRequiredMixin, View):
    """Her tokens (name, made, expires, last used and from where) and a form to make one.

    A token made is shown on the answer to the form, once: it is kept only as a hash.
    """

    template_name = "api/tokens.html"

    def get(self, request):
        return self.render(request, TokenForm())

    def post(self, request):
        form = TokenForm(request.POST)
        made = None
        if form.is_valid():
            try:
                _token, made = token_create(user=request.user, name=form.cleaned_data["name"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                form = TokenForm()
        return self.render(request, form, made=made)

    def render(self, request, form, made: str | None = None):
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "made": made,
                "tokens": tokens_of(request.user),
                "days": settings.API_TOKEN_DAYS,
            },
        )


class TokenRevokeView(LoginRequiredMixin, View):
    """GET asks to confirm; POST revokes one of her tokens."""

    def get(self, request, digest: str):
        token = get_object_or_404(AuthToken.objects.select_related("use"), user=request.user, digest=digest)
        return render(request, "api/token_revoke.html", {"token": token})

    def post(self, request, digest: str):
        token_revoke(user=request.user, digest=digest)
        messages.success(request, _("令牌已撤销：用它的程序不能再访问。"))
        return redirect("api_tokens")
