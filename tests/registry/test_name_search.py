"""A search by a name of one or two characters finds every name holding them, as longer ones do (on
PostgreSQL through the indexes of names' characters, registry 0022, and two-character pieces, 0016)."""

from __future__ import annotations

from django.db import connection
from django.urls import reverse

from registry.selectors import person_search
from tests.helpers.factories import PersonFactory
from tests.helpers.registers import list_url, make_record

NAMES = ["叶悦", "叶悦华", "王叶悦", "叶华悦", "悦叶"]


def test_two_characters_find_every_name_that_holds_them_and_no_other(world):
    for name in NAMES:
        PersonFactory(village=world.village_a, name=name)

    def found(text):
        return sorted(person_search(world.village_a.persons.all(), text).values_list("name", flat=True))

    assert found("叶悦") == sorted(["叶悦", "叶悦华", "王叶悦"])
    assert found("叶悦华") == ["叶悦华"]
    assert found("悦") == sorted(NAMES)


def test_a_register_searched_by_two_characters_lists_her_and_the_other_village_does_not(world, login):
    entry = make_record("leftbehindwoman", world.village_a, name="叶悦")
    make_record("leftbehindwoman", world.village_a, name="叶华悦")
    response = login(world.dir_a).get(list_url("leftbehindwoman", year=entry.year, q="叶悦"))
    assert list(response.context["object_list"]) == [entry]
    response = login(world.dir_b).get(list_url("leftbehindwoman", year=entry.year, q="叶悦"))
    assert list(response.context["object_list"]) == []
    response = login(world.staff).get(reverse("registry:person_list") + "?q=叶悦")
    # Her husband's name holds hers (the builder names him so); 叶华悦 and her husband do not.
    assert sorted(p.name for p in response.context["object_list"]) == ["叶悦", "叶悦丈夫"]


def test_one_character_finds_every_name_that_holds_it_anywhere_and_no_other(world):
    for name in [*NAMES, "王芳", "李华"]:
        PersonFactory(village=world.village_a, name=name)
    searched = person_search(world.village_a.persons.all(), "华")
    assert sorted(searched.values_list("name", flat=True)) == sorted(["叶悦华", "叶华悦", "李华"])
    # On PostgreSQL the search names the function its index of characters is made of, so that index
    # can serve it beyond a village (a county's persons searched for 王).
    assert ("registry_name_characters" in str(searched.query)) == (connection.vendor == "postgresql")


def test_the_county_viewer_finds_persons_by_one_character_of_their_name(world, login):
    PersonFactory(village=world.village_a, name="欧阳华")
    PersonFactory(village=world.village_b, name="华丽")
    PersonFactory(village=world.village_b, name="王芳")
    response = login(world.county_viewer).get(reverse("registry:person_list") + "?q=华")
    assert sorted(p.name for p in response.context["object_list"]) == ["华丽", "欧阳华"]
