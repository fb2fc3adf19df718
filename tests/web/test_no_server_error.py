"""No refusal of a rule ever reaches a 500: every create and edit form of the site, posted with
values that break the rules of its model, answers 200 with the message, what was typed kept.

The pages are found from the URLs (every ``*_create``, ``*_update`` and ``*_move`` page), so a new
register's pages are walked without naming them here. Each form is read as a browser reads it
(its inputs, selects and text areas as rendered), and posted again with one field broken at a
time: left empty, too long, not a number, not a date, a choice that does not exist. A create form
is also posted with the values of a record that exists, which breaks the model's uniqueness
constraints (one 户号 a village, one entry a person and year…). The test client raises the
exception of any 500, so a failure names the page, the field and the error.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse

from tests.helpers.ledgers import make_ledger_world
from tests.helpers.loans import build_loan_world, draft
from tests.helpers.outreach import build_outreach_world
from tests.helpers.urls import named_pages

SKIPPED_NAMES = {"csrfmiddlewaretoken", "version", "next"}


def form_pages() -> list[str]:
    """Return the URL name of every create, edit and move page of the site (the admin's aside)."""
    return sorted(
        name
        for name, pattern in named_pages()
        if name.rsplit("_", 1)[-1] in ("create", "update", "move") and hasattr(pattern.callback, "view_class")
    )


class FormReader(HTMLParser):
    """The fields of a page's post form as a browser sends them, with what the page says of each."""

    def __init__(self):
        super().__init__()
        self.in_form = False
        self.data: dict[str, list[str]] = {}
        self.fields: dict[str, dict] = {}  # name -> {"tag", "type", "maxlength", "required", "options"}
        self._select = self._textarea = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if (
            tag == "form"
            and (a.get("method") or "").lower() == "post"
            and "logout" not in (a.get("action") or "")
        ):
            self.in_form = True
        if not self.in_form or not a.get("name") and tag != "option":
            if tag == "option" and self._select is not None:
                self._options.append((a.get("value", ""), "selected" in a))
            return
        name = a.get("name")
        if tag == "input":
            kind = a.get("type", "text")
            self.fields.setdefault(name, {"tag": tag, "type": kind, **a})
            if kind in ("checkbox", "radio"):
                self.fields[name].setdefault("values", []).append(a.get("value", "on"))
                if "checked" in a:
                    self.data.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self.data[name] = [a.get("value", "")]
        elif tag == "select":
            self._select, self._options = name, []
            self.fields[name] = {"tag": tag, **a}
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = {"tag": tag, **a}
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            chosen = [v for v, selected in self._options if selected]
            field = self.fields[self._select]
            field["options"] = [v for v, _s in self._options]
            if "multiple" in field:
                self.data[self._select] = chosen
            else:
                self.data[self._select] = chosen[:1] or [v for v, _s in self._options[:1]]
            self._select = None


def read_form(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    return reader


def shows_errors(html: str) -> bool:
    return "is-invalid" in html or "alert-danger" in html or "invalid-feedback" in html


def broken_values(name: str, field: dict) -> list[tuple[str, list[str], str | None]]:
    """Return (what is broken, the value posted, a message the page must then show, or None)."""
    kind = field.get("type", field["tag"])
    cases = []
    required = "required" in field
    if kind in ("hidden", "submit", "button") or name.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "NUM_FORMS")):
        return []
    if kind in ("checkbox",):
        return [("unticked", [], "请勾选这一项" if required else None)]
    if required:
        # A file is chosen, not typed (请选择要上传的文件。).
        message = (
            "请填写这一项"
            if field["tag"] in ("input", "textarea") and kind not in ("radio", "file")
            else "请选择"
        )
        cases.append(("empty", [""], message))
    if kind in ("text", "textarea", "tel", "search") and field.get("maxlength"):
        limit = int(field["maxlength"])
        cases.append(("too long", ["字" * (limit + 1)], f"最多 {limit} 个字"))
    if kind == "number":
        cases += [
            ("not a number", ["很多"], "请填写"),
            ("negative", ["-1"], None),
            ("huge", ["99999999999999"], None),
            ("beyond the calendar", ["30000"], None),
            ("many decimals", ["1.23456"], None),
        ]
    if kind == "date":
        cases += [
            ("no such day", ["2026-02-30"], "日期不对"),
            ("long ago", ["1800-01-01"], None),
            ("far ahead", ["2999-12-31"], None),
        ]
    if field["tag"] == "select" or kind == "radio":
        cases.append(("no such choice", ["987654321"], "可选"))
    if name.endswith("id_number"):
        cases += [("bad ID number", ["110105194912310021"], None), ("short ID number", ["12345"], None)]
    return cases


@pytest.fixture
def full_world(world, media_root):
    """The named world with a row of every register, every outreach record and a loan draft."""
    w = build_outreach_world(build_loan_world(make_ledger_world(world)))
    w.draft_a = draft(w, w.applicant_a)
    return w


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _record_to_edit(model, user):
    manager = model._default_manager
    qs = manager.editable_by(user) if hasattr(manager, "editable_by") else manager.for_user(user)
    statuses = [value for value, _label in getattr(_field(model, "status"), "choices", None) or ()]
    if "draft" in statuses:  # a loan is edited while a draft (other records: ``editable_by`` says)
        qs = qs.filter(status="draft")
    return qs.order_by("pk").first()


def _page_url(name: str, user) -> tuple[str, object] | None:
    """Return (url, model) of page ``name`` for ``user``: an edit page opens a record she may edit."""
    pattern = dict(named_pages())[name]
    view = pattern.callback.view_class
    model = getattr(view, "model", None)
    if name.endswith("_create") and not pattern.pattern.converters:
        return reverse(name), model
    if name.endswith("_create"):  # a record added under another (an objection to a proposal): its page
        record = model._default_manager.for_user(user).order_by("pk").first()
    else:
        record = _record_to_edit(model, user)
    return (reverse(name, args=[record.pk]), model) if record is not None else None


def _post(client, url, data):
    return client.post(url, {k: v for k, v in data.items() if k not in ("next",)})


@pytest.mark.parametrize("name", form_pages())
@pytest.mark.parametrize("who", ["staff", "dir_a"])
def test_a_form_refuses_broken_values_on_the_page_never_with_a_500(name, who, full_world, login):
    w = full_world
    user = getattr(w, who)
    client = login(user)
    page = _page_url(name, user)
    if page is None:
        pytest.skip(f"{who} has no record to edit on {name}")
    url, model = page
    response = client.get(url)
    if response.status_code in (302, 403, 404):  # not a page of this role (the township's move, say)
        pytest.skip(f"{name} is not {who}'s")
    assert response.status_code == 200
    form = read_form(response.content.decode())
    assert form.fields, f"{name}: no form read"
    tried = 0
    for field_name, field in form.fields.items():
        if field_name in SKIPPED_NAMES:
            continue
        for broken, value, message in broken_values(field_name, field):
            data = {**form.data, field_name: value}
            response = _post(client, url, data)
            tried += 1
            assert response.status_code in (200, 302), (name, field_name, broken, response.status_code)
            html = response.content.decode()
            if message is not None:
                assert response.status_code == 200, (name, field_name, broken, "saved")
                assert message in html, (
                    name,
                    field_name,
                    broken,
                    re.findall(r"<strong>(.*?)</strong>", html),
                )
            if response.status_code == 200:
                assert shows_errors(html), (name, field_name, broken, "200 without a message")
                typed = read_form(html).data.get(field_name)
                typable = field["tag"] == "textarea" or field.get("type", "text") in ("text", "tel")
                if message is not None and value != [""] and field["tag"] != "select" and typable:
                    assert typed == value, (name, field_name, broken, "what was typed is lost")
            else:  # saved: read the form again (an edit's version moved on)
                if not name.endswith("_create"):
                    form = read_form(client.get(url).content.decode())
    assert tried


def _copyable() -> list[str]:
    """The create pages of a record on its own (not added under another's page)."""
    pages = dict(named_pages())
    return [n for n in form_pages() if n.endswith("_create") and not pages[n].pattern.converters]


@pytest.mark.parametrize("name", _copyable())
def test_a_copy_of_a_record_is_refused_by_its_uniqueness_on_the_page(name, full_world, login):
    """A new record with the values of one that exists: 200 with the constraint's message."""
    w = full_world
    client = login(w.staff)
    create_url, model = _page_url(name, w.staff)
    existing = _record_to_edit(model, w.staff)
    edit_name = name.replace("_create", "_update")
    if edit_name not in dict(named_pages()):  # a notice is published, never edited: nothing to copy
        pytest.skip(f"{name} has no edit page")
    if existing is None or client.get(create_url).status_code != 200:
        pytest.skip(f"nothing to copy on {name}")
    copied = read_form(client.get(reverse(edit_name, args=[existing.pk])).content.decode()).data
    response = _post(client, create_url, copied)
    assert response.status_code in (200, 302)
    constraints = [
        c
        for c in model._meta.constraints
        if getattr(c, "fields", None) and c.condition is not None and len(c.condition.children) == 1
    ]
    if constraints and "village" not in {f for c in constraints for f in c.fields} - set(copied):
        html = response.content.decode()
        assert response.status_code == 200, f"{name}: a copy was saved"
        # The constraint's message, or the model's own rule that finds the same twin first
        # ("2026 年度已登记过此人。"): on the page, never a 500.
        assert shows_errors(html), name


def test_the_walk_covers_the_forms_of_every_app():
    names = form_pages()
    assert {"registry:household_create", "registry:person_update", "loans:application_create"} <= set(names)
    assert any(n.startswith("outreach:") for n in names)
    assert len(names) >= 30
