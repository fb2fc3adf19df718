"""A personal API token's name and its last use (the token itself is django-rest-knox's, stored hashed)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TokenUse(models.Model):
    """What the owner calls a token and when and from where it was last used (one row a token).

    Written when the token is made (``federation.api.tokens.token_create``) and on each request it
    authenticates (``federation.api.auth.RecordedTokenAuthentication``); it goes with the token.
    """

    token = models.OneToOneField(
        "knox.AuthToken",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="use",
        verbose_name=_("令牌"),
    )
    name = models.CharField(_("用途"), max_length=60)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    last_used_from = models.GenericIPAddressField(_("最近使用地址"), null=True, blank=True)
    uses = models.PositiveIntegerField(_("使用次数"), default=0)

    class Meta:
        verbose_name = _("接口令牌使用")
        verbose_name_plural = _("接口令牌使用")

    def __str__(self) -> str:
        return self.name
