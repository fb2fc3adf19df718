"""The password of the world's users, signing in through the log-in form of a browser, filling in forms."""

from __future__ import annotations

PASSWORD = "Fulian@2026"


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Fill the log-in form in the browser and submit it."""
    page.go("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def choose(page, field_id: str, typed: str) -> None:
    """Type ``typed`` into the autocomplete of the form field ``field_id`` (Tom Select) and pick its
    first option with the keyboard."""
    control = page.locator(f"#{field_id}-ts-control")
    control.locator("xpath=..").click()  # the box: its input hides while a choice is shown
    control.type(typed)
    page.locator(f"#{field_id}-ts-dropdown .option").first.wait_for()
    page.keyboard.press("Enter")


def fill_form(page, **fields: str) -> None:
    """Fill the form fields ``#id_<name>`` with ``fields``: a select by choosing the value, any other
    by typing it."""
    for name, value in fields.items():
        selector = f"#id_{name}"
        if page.eval_on_selector(selector, "e => e.tagName") == "SELECT":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)


def submit(page, then: str = "text=已保存") -> None:
    """Submit the page's form and wait for ``then`` (a selector: by default the saved message) to show."""
    page.click("main button[type=submit]")
    page.wait_for_selector(then)


def page_width(page) -> int:
    """Return the width the page lays out to, once it has loaded: measured before its style sheets
    arrive (the live server answers one request at a time on SQLite), a bare table is wider than it
    will be."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth")


def admin_form_data(response, **changes) -> dict:
    """Return the POST data of the admin change form in ``response`` as it is shown, with ``changes``."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return {**data, **changes}
