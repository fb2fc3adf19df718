"""Entry without a network (issue 16, part B): the installable app's service worker, its manifest, the
pages the phone keeps, and what the pages' script (``static/js/offline.js``) is told.

What a village director enters offline is queued on the phone and sent later through the API
(``/api/v1/``), so the server judges it with the same forms and services as the pages. Which pages
the phone may keep is decided here, once: the home, the queue and the roster, and the new and edit
pages of :data:`OFFLINE_RESOURCES` (a person, a household, a visit, the registers of persons) —
never a screening's health results, a petition's text, a list with phones or whole ID numbers.

An edit page's form holds the record's whole ID number, phone and birth date: it is marked to be
kept only masked (``X-Offline: edit``). The worker does not keep it as it is; the page's script
keeps a copy whose fields :func:`masked_fields` names hold the masked values (the shapes of
``federation.core.masking``) or nothing (a birth date), with every other ID number on it masked.
"""

from __future__ import annotations

import re
from functools import cache

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from federation.api.resources import all_resources
from federation.core import masking, policy
from federation.core.roles import Role
from federation.core.scoping import membership_of

#: The API resources a director may enter offline (by their path below ``/api/v1/``).
OFFLINE_RESOURCES = (
    "visits",
    "persons",
    "households",
    "left-behind-women",
    "left-behind-children",
    "poor-women",
    "hardship-children",
)
#: The header the service worker looks for before it keeps a page on the phone: "keep" (as it is)
#: or "edit" (only the masked copy the page's script makes).
KEEP_HEADER = "X-Offline"


def offline_enabled(user) -> bool:
    """Return True when ``user`` is a village director: the one role that enters on a phone offline."""
    member = membership_of(user) if user is not None and user.is_authenticated else None
    return member is not None and member.role == Role.VILLAGE_DIRECTOR


@cache
def _routes() -> tuple[dict, ...]:
    """Return, for each resource of :data:`OFFLINE_RESOURCES`, its new page, its edit page (as
    patterns) and the API address each is sent to."""
    routes = []
    for resource in all_resources():
        if resource.path not in OFFLINE_RESOURCES:
            continue
        meta = resource.model._meta
        try:
            create = reverse(f"{meta.app_label}:{meta.model_name}_create")
            update = reverse(f"{meta.app_label}:{meta.model_name}_update", kwargs={"pk": 987654321})
        except NoReverseMatch:
            continue
        api = reverse(f"api-{resource.name}-list")
        routes.append(
            {
                "resource": resource.path,
                "model": resource.model,
                "create": create,
                "update": "^" + re.escape(update).replace("987654321", r"(\d+)") + "$",
                "api": api,
                "fields": tuple(resource.form_class.base_fields),
            }
        )
    return tuple(routes)


def routes_for(user) -> list[dict]:
    """Return the offline routes of the resources ``user`` may add or change, as the script takes them."""
    out = []
    for route in _routes():
        meta = route["model"]._meta
        if user.has_perm(f"{meta.app_label}.add_{meta.model_name}") or user.has_perm(
            f"{meta.app_label}.change_{meta.model_name}"
        ):
            out.append({k: route[k] for k in ("resource", "create", "update", "api")})
    return out


def kept_as(request) -> str | None:
    """Return how the page answering ``request`` may be kept on the director's phone: ``"keep"`` as
    it is, ``"edit"`` only as the masked copy of an edit page, or None (not at all)."""
    match = getattr(request, "resolver_match", None)
    if match is None or request.method != "GET" or not offline_enabled(request.user):
        return None
    if match.view_name in ("home", "offline_queue", "offline_roster", "offline_unavailable"):
        return "keep"
    path = request.path
    routes = routes_for(request.user)
    if any(path == r["create"] for r in routes):
        return "keep"
    if any(re.match(r["update"], path) for r in routes):
        return "edit"
    return None


@cache
def masked_fields() -> dict[str, list[str]]:
    """Return the names of the offline forms' fields that an edit page's kept copy holds masked: the
    ID numbers and phones (masked as ``federation.core.masking`` masks them) and the birth dates
    (emptied), by the rules of ``federation.core.masking``."""
    names = sorted({name for route in _routes() for name in route["fields"]})
    return {
        "id_number": [n for n in names if masking.is_id_number_field(n)],
        "phone": [n for n in names if masking.is_phone_field(n)],
        "birth": [n for n in names if masking.is_birth_field(n)],
    }


def masking_config() -> dict:
    """Return what ``offline.js`` masks an edit page's copy by: the fields and the masks' shapes, and
    the day ages are counted on (a person chosen shows her age in place of her birth date)."""
    return {
        **masked_fields(),
        "mask": masking.MASK,
        "id_head": masking.ID_SHOWN_HEAD,
        "id_tail": masking.ID_SHOWN_TAIL,
        "phone_hidden": masking.PHONE_HIDDEN,
        "phone_tail": masking.PHONE_SHOWN_TAIL,
        "ages_on": policy.ages_on().isoformat(),
    }


class KeepOfflineMiddleware:
    """Mark the pages the service worker may keep (``X-Offline: keep``) and the edit pages it may keep
    only masked (``X-Offline: edit``); it keeps no other."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        kind = kept_as(request) if response.status_code == 200 else None
        if kind is not None:
            response[KEEP_HEADER] = kind
        return response


def page_config(request) -> dict:
    """Return what ``offline.js`` is told on every page (``{% offline_config %}`` in base.html)."""
    user = request.user
    enabled = offline_enabled(user)
    config = {
        "user": user.pk if user.is_authenticated else None,
        "enabled": enabled,
        "wipe_days": settings.OFFLINE_WIPE_DAYS,
        "worker": reverse("offline_worker"),
        "queue": reverse("offline_queue"),
        "unavailable": reverse("offline_unavailable"),
        "idb": static("idb/umd.js"),
    }
    if enabled:
        routes = routes_for(user)
        config["routes"] = routes
        if kept_as(request) == "edit":  # only an edit page makes a masked copy (ages_on reads the year)
            config["masking"] = masking_config()
        config["keep"] = [
            reverse("home"),
            reverse("offline_queue"),
            reverse("offline_roster"),
            reverse("offline_roster_data"),
            reverse("offline_unavailable"),
            *(r["create"] for r in routes),
        ]
    return config


@require_GET
@cache_control(no_cache=True)
def worker(request):
    """Return the service worker (``static/js/sw.js``) from the site's root, so its scope is the site."""
    with open(finders.find("js/sw.js"), encoding="utf-8") as source:
        script = source.read()
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest(request):
    """Return the web app manifest: the app installs to the phone's home screen, opens at the home."""
    icons = [
        {"src": static("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
    ]
    data = {
        "name": "乡镇妇联工作台账系统",
        "short_name": "妇联台账",
        "lang": "zh-Hans",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b5172f",
        "icons": icons,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@login_required
def queue(request):
    """Return the page of the entries waiting on this phone (drawn by ``offline.js`` from IndexedDB)."""
    return render(request, "offline/queue.html")


def unavailable(request):
    """Return the page the phone shows offline for a page it does not keep."""
    return render(request, "offline/unavailable.html")
