"""A person's whole file (一人一档): every section to the roles that may see it, and only to them.

One woman of village A (``王秀英``) is a registered left-behind woman with a visit, a screening, a
loan on its way, two petitions (one of domestic violence) and a volunteer team; her file shows each
to her director, keeps the screening and the domestic-violence case from the county viewer, and
answers 404 to another village's director.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from federation.core import history
from federation.core.models import AccessRecord, YearSettings
from outreach import models as outreach_models
from registry.models import Person
from tests.helpers.factories import PersonFactory, member
from tests.helpers.loans import add_signers, advance, draft, guarantor
from tests.helpers.outreach import left_behind_woman, petition, saved, screening, visit

TODAY = timezone.localdate()
YEAR = TODAY.year


@pytest.fixture
def her(world):
    """Return the world with 王秀英 (``world.her``) and everything of hers (see the module docstring)."""
    w = world
    entry = left_behind_woman(w.village_a, name="王秀英", born=dt.date(YEAR - 36, 6, 1))
    woman = entry.person
    woman.employment, woman.phone = "unemployed", "13812345678"
    history.save(woman, actor=w.dir_a)
    visit(woman, TODAY, visitors="张红、李芳")
    screening(woman, result="precancerous")
    petition(w.village_a, person=woman, petitioner_name="")
    petition(
        w.village_a,
        person=woman,
        petitioner_name="",
        category=outreach_models.PetitionCategory.DOMESTIC_VIOLENCE,
    )
    team = saved(
        outreach_models.VolunteerTeam(
            township=w.township, village=w.village_a, name="红旗村普法队", speciality="legal"
        )
    )
    saved(outreach_models.VolunteerMember(team=team, person=woman))
    add_signers(w)
    application = draft(w, woman, amount=30000, guarantors=[guarantor()])
    advance(w, application, "village_signed")
    w.her, w.entry, w.loan = woman, entry, application
    return w


def page_of(client, person) -> str:
    response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_her_director_reads_every_section_of_her_file(her, login):
    text = page_of(login(her.dir_a), her.her)
    assert "36 周岁" in text or "35 周岁" in text  # her age, beside her birth date
    assert her.her.id_number in text
    assert 'id="person-family"' in text and "王秀英的丈夫" in text and "户主" in text
    assert 'id="person-registers"' in text and f'data-year="{YEAR}"' in text and "农村留守妇女" in text
    assert 'id="person-visits"' in text and "张红、李芳" in text
    assert f"{reverse('outreach:visit_create')}?person={her.her.pk}&amp;next=" in text
    assert 'id="person-screenings"' in text and "癌前病变" in text
    assert 'id="person-loans"' in text and "30000 元" in text and "村级妇联签字" in text
    assert 'id="person-petitions"' in text and "家庭暴力" in text and "婚姻家庭" in text
    assert 'id="person-teams"' in text and "红旗村普法队" in text
    assert 'id="person-history"' in text and "登记" in text


def test_the_county_viewer_reads_no_screening_nor_domestic_violence_and_masked_numbers(her, login):
    text = page_of(login(her.county_viewer), her.her)
    assert 'id="person-screenings"' not in text and "癌前病变" not in text
    assert "家庭暴力" not in text and "婚姻家庭" in text
    assert her.her.id_number not in text and her.her.id_number[-4:] in text
    assert "13812345678" not in text and "138****5678" in text
    assert 'id="person-loans"' in text and 'id="person-visits"' in text
    assert "记录走访" not in text and "登记到台账" not in text  # she reads, she does not write
    assert "年龄" in text and "出生日期" not in text


def test_another_villages_director_and_another_township_get_404(her, login):
    for user in (her.dir_b, her.other_staff, her.nobody):
        assert login(user).get(her.her.get_absolute_url()).status_code == 404


def test_the_history_names_who_changed_what_and_masks_for_the_county(her, login):
    from federation.core.services import domain_record_save

    woman = Person.objects.get(pk=her.her.pk)
    woman.phone = "13900001111"
    domain_record_save(user=her.dir_a, instance=woman, expected_version=woman.version)
    events = history.events(woman)
    assert events[0].kind == "changed" and events[0].user == her.dir_a
    assert [c.field.name for c in events[0].changes] == ["phone"]
    director = page_of(login(her.dir_a), woman)
    assert "联系电话：13812345678 → 13900001111" in director and "张红" in director
    county = page_of(login(her.county_viewer), woman)
    assert "联系电话：138****5678 → 139****1111" in county and "13900001111" not in county


def test_a_screening_shown_on_the_file_is_recorded_as_read(her, login):
    page_of(login(her.dir_a), her.her)
    kinds = list(AccessRecord.objects.filter(person_id=her.her.pk).values_list("kind", flat=True))
    assert sorted(kinds) == ["person", "screening"]
    AccessRecord.objects.all().delete()
    page_of(login(her.county_viewer), her.her)
    assert list(AccessRecord.objects.values_list("kind", flat=True)) == ["person"]


def test_the_file_reads_a_bounded_number_of_queries(her, login, django_assert_max_num_queries):
    client = login(her.dir_a)
    client.get(her.her.get_absolute_url())  # the session and the caches warmed
    for n in range(5):  # more visits, a household member more: the count does not grow with them
        visit(her.her, TODAY - dt.timedelta(days=n + 1))
    member(her.her.household, "child", "王小妹", dt.date(YEAR - 9, 1, 1))
    # 31 today: the session and the user's permissions, her and her family, the year's settings, one
    # query a register of persons, two for visits, one each for screenings, petitions, teams, loans
    # and their steps, her history, the access records, two for her aid and pairings, two for her
    # awards and her family's 最美家庭 proposals. Five visits more would add five.
    with django_assert_max_num_queries(33):
        page_of(client, her.her)


# -- the buttons of the registers she fits -------------------------------------------------------


def offered(client, person) -> str:
    text = page_of(client, person)
    start = text.find('id="person-offered"')
    return text[start : text.find("</div>", start)] if start >= 0 else ""


def test_an_eight_year_old_girl_is_offered_the_childrens_registers_only(world, login):
    girl = member(world.household_a, "child", "小芳", dt.date(YEAR - 8, 1, 1))
    buttons = offered(login(world.dir_a), girl)
    assert "留守儿童" in buttons and "特殊困难儿童" in buttons
    assert "留守妇女" not in buttons and "贫困妇女" not in buttons


def test_a_38_year_old_man_is_offered_no_register_of_women_or_children(world, login):
    man = member(world.household_a, "spouse", "刘强", dt.date(YEAR - 38, 1, 1), sex="M")
    client = login(world.dir_a)
    assert offered(client, man) == ""
    text = page_of(client, man)  # nor a visit, a screening or a loan, which are for women
    assert 'id="person-visits"' not in text and 'id="person-screenings"' not in text
    assert f"?applicant={man.pk}" not in text
    assert "妇女A" in text  # his household's head, on his file


def test_a_woman_of_36_is_offered_the_womens_registers_and_of_60_the_poor_womens_only(world, login):
    client = login(world.dir_a)
    young = PersonFactory(village=world.village_a, name="青年", birth_date=dt.date(YEAR - 36, 1, 1))
    old = PersonFactory(village=world.village_a, name="老年", birth_date=dt.date(YEAR - 60, 1, 1))
    buttons = offered(client, young)
    assert "留守妇女" in buttons and "贫困妇女" in buttons and "儿童" not in buttons
    buttons = offered(client, old)
    assert "贫困妇女" in buttons and "留守妇女" not in buttons


def test_the_ages_come_from_the_years_settings(world, login):
    girl = member(world.household_a, "child", "小兰", dt.date(YEAR - 10, 1, 1))
    client = login(world.dir_a)
    assert "留守儿童" in offered(client, girl)
    YearSettings.objects.update_or_create(year=YEAR, defaults={"child_age_limit": 10})
    assert "留守儿童" not in offered(client, girl)


def test_a_register_she_is_entered_in_this_year_is_not_offered_again(her, login):
    buttons = offered(login(her.dir_a), her.her)
    assert "农村留守妇女" not in buttons and "农村贫困妇女" in buttons
