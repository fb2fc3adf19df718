"""The village director's title is one setting (DIRECTOR_TITLE): the role, the register and its ledger."""

from __future__ import annotations

from django.urls import reverse

from federation.core.roles import Role
from federation.ledgers.exports.registry import get_ledger
from registry.models import VillageDirector


def test_one_setting_names_the_director_on_every_page_and_ledger(world, login, settings):
    page = login(world.staff).get(reverse("home")).content.decode()
    assert ">村妇联主席</a>" in page  # the register's menu entry, by default
    settings.DIRECTOR_TITLE = "村妇代会主任"
    assert str(Role.VILLAGE_DIRECTOR.label) == "村妇代会主任"
    assert str(VillageDirector._meta.verbose_name_plural) == "村妇代会主任"
    assert str(get_ledger("village_directors").title) == "村妇代会主任登记表"
    page = login(world.staff).get(reverse("home")).content.decode()
    assert ">村妇代会主任</a>" in page and ">村妇联主席</a>" not in page
    header = login(world.dir_a).get(reverse("home")).content.decode()
    assert "张红 · 村妇代会主任 · 红旗村" in header
    listed = login(world.staff).get(reverse("registry:villagedirector_list")).content.decode()
    assert "<h1" in listed and "村妇代会主任" in listed
