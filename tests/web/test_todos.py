"""The 待办 card of each role's home, the header's count, and the reminders before a deadline."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from federation.core.models import Reminder, YearSettings
from federation.core.reminders import create_due
from federation.ledgers.models import ImportRecord
from federation.web.views import home_todo_count
from loans.services import application_transition
from loans.states import Action, Status
from outreach.models import RegisterReport
from registry.models import Household, HouseholdIncome, Person, WorkPlace
from registry.models.registers import default_entered_on
from registry.todos import entries_to_recheck
from tests.helpers.factories import PersonFactory
from tests.helpers.loans import advance, build_loan_world, draft
from tests.helpers.outreach import left_behind_woman
from tests.helpers.registers import PERSON_REGISTER_MODELS, PERSON_REGISTERS, make_record
from tests.helpers.registers import YEAR as REGISTER_YEAR

TODAY = timezone.localdate()
#: The day the helpers' entries are entered on (their year's default): judged again on it, an entry
#: fails exactly the rules its form would refuse now.
ENTERED = default_entered_on(REGISTER_YEAR).isoformat()


def home(login, user) -> str:
    response = login(user).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def header_count(html: str) -> int:
    """Return the header's to-do count (0 when the badge is not shown)."""
    found = re.search(r'id="todo-count"[^>]*>待办 (\d+)<', html)
    return int(found.group(1)) if found else 0


# -- a director ------------------------------------------------------------------------------------


def test_a_director_sees_all_her_persons_without_id_number_linked(world, login, client):
    for n in range(12):
        PersonFactory(village=world.village_a, name=f"无证{n:02d}", id_number=None)
    html = home(login, world.dir_a)
    assert "还有 12 位居民没有身份证号" in html
    assert f"{reverse('registry:person_list')}?missing_id=1" in html
    assert html.count("补录") >= 10
    listed = client.get(reverse("registry:person_list"), {"missing_id": "1"}).content.decode()
    assert all(f"无证{n:02d}" in listed for n in range(12))  # every one of them, not 10
    assert header_count(html) >= 12


def test_another_director_does_not_see_this_villages_persons_without_id_number(world, login):
    PersonFactory(village=world.village_a, name="无证甲", id_number=None)
    html = home(login, world.dir_b)
    assert "无证甲" not in html
    assert "没有身份证号" not in html


def test_a_director_sees_an_entry_that_no_longer_fits_its_register(
    world, login, django_capture_on_commit_callbacks
):
    entry = left_behind_woman(world.village_a, name="留守甲")
    assert 'id="recheck"' not in home(login, world.dir_a)  # she fitted when entered
    husband = entry.person.household.members.get(sex="M")
    with django_capture_on_commit_callbacks(execute=True):
        husband.work_place = WorkPlace.HOME
        husband.save()  # he is back home: she is no longer left behind
    html = home(login, world.dir_a)
    card = html[html.index('id="recheck"') :]
    assert "留守甲" in card and "丈夫不在县外务工" in card
    assert entry.get_absolute_url() in card
    assert "留守甲" not in home(login, world.dir_b)


def test_a_director_is_told_of_the_visits_owed_this_year_with_the_deadline(world, login):
    left_behind_woman(world.village_a, name="留守乙")
    html = home(login, world.dir_a)
    owed = html[html.index('id="visits-owed"') :]
    assert '还有 <strong class="text-danger">1</strong> 位留守妇女没有走访够' in owed
    assert f"{TODAY.year}年12月31日" in owed
    assert 'id="visits-owed"' not in home(login, world.dir_b)


def test_a_director_sees_the_loan_returned_to_her_with_the_reason(world, login):
    w = build_loan_world(world)
    application = advance(w, draft(w, w.applicant_a), Status.SUBMITTED)
    application_transition(
        application=application, user=w.dir_a, action=Action.RETURN, reason="担保人材料不全"
    )
    html = home(login, w.dir_a)
    card = html[html.index('id="loans-waiting"') :]
    assert "申请人A" in card and "已退回修改：担保人材料不全" in card
    assert "申请人A" not in home(login, w.dir_b)


def test_a_directors_new_draft_is_no_to_do(world, login):
    w = build_loan_world(world)
    draft(w, w.applicant_a)
    assert 'id="loans-waiting"' not in home(login, w.dir_a)


def _entries_some_no_longer_fitting(village, count: int) -> None:
    """Save ``count`` entries of each register of persons in ``village``, then make some of them no
    longer fit: a husband back home, a husband died, a richer household, a household deleted, a child
    died."""
    made = {key: [make_record(key, village) for _ in range(count)] for key in PERSON_REGISTERS}
    women, poor = made["leftbehindwoman"], made["poorwoman"]
    Person.objects.filter(household=women[0].person.household, sex="M").update(work_place=WorkPlace.HOME)
    Person.objects.filter(household=women[-1].person.household, sex="M").update(deceased=True)
    HouseholdIncome.objects.filter(household=poor[0].person.household).update(per_capita_income=9000)
    Household.objects.filter(pk=poor[-1].person.household_id).update(deleted_at=timezone.now())
    Person.objects.filter(pk=made["leftbehindchild"][0].person_id).update(deceased=True)


def test_rechecking_a_village_reads_as_many_queries_for_many_entries_as_for_a_few(world):
    _entries_some_no_longer_fitting(world.village_a, 2)
    with CaptureQueriesContext(connection) as few:
        entries_to_recheck([world.village_a.pk], on=ENTERED)
    _entries_some_no_longer_fitting(world.village_a, 8)
    with CaptureQueriesContext(connection) as many:
        found = entries_to_recheck([world.village_a.pk], on=ENTERED)
    assert len(many) == len(few) <= 16  # the entries, their households' members and incomes, a register
    assert found[world.village_a.pk][0] == 10  # 2 of the first 8 entries, 8 of the next 32


def test_rechecking_many_entries_at_once_judges_each_as_its_form_does(world):
    """The entries judged together (their households fetched once) fail the rules, with the same
    first message, that each entry read alone fails (its problems(), the form's check)."""
    _entries_some_no_longer_fitting(world.village_a, 3)
    expected: dict[str, str] = {}
    for model in PERSON_REGISTER_MODELS:
        for entry in model.objects.filter(village=world.village_a):
            problems = model.objects.get(pk=entry.pk).problems()
            if problems:
                expected[entry.get_absolute_url()] = str(problems[0].message)
    count, listed = entries_to_recheck([world.village_a.pk], on=ENTERED)[world.village_a.pk]
    assert count == len(expected) == 5
    assert {url: message for _register, _name, message, url in listed} == expected
    messages = " ".join(expected.values())
    assert "丈夫不在县外务工" in messages and "户中没有登记她的丈夫" in messages
    assert "不低于贫困线" in messages and "不属于任何户" in messages and "此人已故" in messages


# -- the township ----------------------------------------------------------------------------------


def test_the_chair_sees_the_loans_waiting_for_her_signature_with_their_age(world, login, monkeypatch):
    w = build_loan_world(world)
    first = advance(w, draft(w, w.applicant_a), Status.VILLAGE_SIGNED)
    advance(w, draft(w, w.applicant_b), Status.COOPERATIVE_AGREED)  # waits for her stamp
    advance(w, draft(w, w.applicant_c), Status.VILLAGE_SIGNED)  # another township's
    html = home(login, w.chair)
    card = html[html.index('id="loans-waiting"') :]
    assert "等您办理的小额贷款（2 笔）" in card
    assert "申请人A" in card and "乡妇联签字" in card
    assert "申请人B" in card and "妇联盖章" in card
    assert "已等 0 天" in card
    assert "申请人C" not in html
    later = timezone.now() + dt.timedelta(days=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "已等 5 天" in home(login, w.chair)
    assert first.get_absolute_url() in card


def test_the_staff_see_villages_late_visits_owed_and_imports_waiting(world, login):
    w = world
    left_behind_woman(w.village_b, name="留守丙")
    ImportRecord.objects.create(
        user=w.staff,
        requested_by="王芳",
        ledger="persons",
        title="居民花名册",
        village=w.village_a,
        file_name="红旗村居民.xlsx",
        status=ImportRecord.Status.CHECKED,
    )
    html = home(login, w.staff)
    late = html[html.index('id="late-villages"') :]
    if dt.date(TODAY.year, 3, 30) < TODAY:  # every deadline of the year has passed, none reported
        assert "红旗村" in late and "胜利村" in late and "光明村" not in late
    visits = html[html.index('id="village-visits"') :]
    assert "胜利村" in visits and "还有 1 人" in visits
    imports = html[html.index('id="imports-waiting"') :]
    assert (
        "红旗村居民.xlsx" in imports
        and reverse("imports:record", args=[ImportRecord.objects.get().pk]) in imports
    )
    # the other township's staff sees none of it; the chair does not confirm the staff's import
    other = home(login, w.other_staff)
    assert "胜利村" not in other and "红旗村" not in other
    assert "红旗村居民.xlsx" not in home(login, w.chair)


def test_the_county_sees_the_townships_late(world, login):
    html = home(login, world.county_viewer)
    if dt.date(TODAY.year, 3, 30) < TODAY:
        late = html[html.index('id="late-townships"') :]
        assert world.township.name in late and "团结镇" in late
    assert "等您办理" not in html


# -- the header's count ----------------------------------------------------------------------------


def _request(user, session):
    request = RequestFactory().get(reverse("registry:person_list"))
    request.user, request.session = user, session
    return request


def test_the_header_count_is_counted_once_then_read_in_a_few_queries(
    world, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    for n in range(3):
        PersonFactory(village=world.village_a, name=f"无证{n}", id_number=None)
    session = SessionStore()
    with django_assert_max_num_queries(40):
        first = home_todo_count(_request(world.dir_a, session))
    with django_assert_max_num_queries(2):
        assert home_todo_count(_request(world.dir_a, session)) == first
    staff_session = SessionStore()
    home_todo_count(_request(world.staff, staff_session))
    with django_assert_max_num_queries(2):
        home_todo_count(_request(world.staff, staff_session))
    # a change in her village counts it again at once
    with django_capture_on_commit_callbacks(execute=True):
        PersonFactory(village=world.village_a, name="无证新", id_number=None)
    assert home_todo_count(_request(world.dir_a, session)) == first + 1


def test_the_header_shows_the_count_and_links_to_the_home_card(world, login, client):
    PersonFactory(village=world.village_a, name="无证丁", id_number=None)
    html = home(login, world.dir_a)
    count = header_count(html)
    assert count >= 1
    assert f'href="{reverse("home")}#todo"' in html
    page = client.get(reverse("registry:person_list")).content.decode()
    assert header_count(page) == count
    login(world.nobody)  # no membership: no home of to-dos, no count
    assert header_count(client.get(reverse("home")).content.decode()) == 0


# -- reminders -------------------------------------------------------------------------------------


NEXT = TODAY.year + 1
MARCH_18 = dt.date(NEXT, 3, 18)


def reminders_of(user) -> list[str]:
    return list(Reminder.objects.filter(user=user).order_by("key").values_list("key", flat=True))


def test_reminders_appear_14_7_and_1_day_before_a_deadline_once(world):
    RegisterReport.objects.create(village=world.village_b, year=NEXT, register="left_behind_women")
    assert create_due(MARCH_18 - dt.timedelta(days=15)) == 0
    made = create_due(MARCH_18 - dt.timedelta(days=14))
    assert made > 0
    assert create_due(MARCH_18 - dt.timedelta(days=14)) == 0  # twice: nothing twice
    assert create_due(MARCH_18 - dt.timedelta(days=13)) == 0
    keys = reminders_of(world.dir_a)
    assert keys and all(key.endswith(":14") for key in keys)
    assert any("left_behind_women" in key for key in keys)
    # village B has reported that register: its director is not reminded of it
    assert not any("left_behind_women" in key for key in reminders_of(world.dir_b))
    # the township's staff and chair: one reminder a register, not one a village
    staff_keys = reminders_of(world.staff)
    assert len(staff_keys) == len({key.split(":")[2] for key in staff_keys})
    assert reminders_of(world.chair) == staff_keys
    assert not any(f"township{world.other_township.pk}" in key for key in staff_keys)
    assert reminders_of(world.county_viewer) == []
    create_due(MARCH_18 - dt.timedelta(days=7))
    create_due(MARCH_18 - dt.timedelta(days=1))
    assert create_due(MARCH_18) == 0  # the day itself: too late for a reminder
    days = {key.rsplit(":", 1)[1] for key in reminders_of(world.dir_a) if f":{NEXT}:" in key}
    assert days == {"14", "7", "1"}
    message = Reminder.objects.filter(user=world.dir_a, key__endswith=":7").first().message
    assert "3月18日截止上报，还有 7 天" in message


def test_a_missed_day_is_caught_up_the_next(world):
    assert create_due(MARCH_18 - dt.timedelta(days=12)) > 0  # the job did not run 14 or 13 days before
    assert all(key.endswith(":14") for key in reminders_of(world.dir_a))


def test_the_yearly_setting_changes_the_days(world):
    YearSettings.objects.create(year=NEXT, reminder_days="10,3")
    assert create_due(MARCH_18 - dt.timedelta(days=14)) == 0
    assert create_due(MARCH_18 - dt.timedelta(days=10)) > 0
    assert create_due(MARCH_18 - dt.timedelta(days=3)) > 0
    assert {key.rsplit(":", 1)[1] for key in reminders_of(world.dir_a)} == {"10", "3"}


@pytest.mark.parametrize("value", ["14,x", "0", "400", "14;7", "-1", "7,,1"])
def test_the_reminder_days_refuse_what_is_not_days(world, value):
    settings = YearSettings(year=NEXT, reminder_days=value)
    with pytest.raises(ValidationError) as refused:
        settings.full_clean()
    assert "请填写 1 到 365 之间的天数" in str(refused.value.message_dict["reminder_days"])


def test_the_reminder_days_take_a_chinese_comma(world):
    settings = YearSettings(year=NEXT, reminder_days="14，7, 1")
    settings.full_clean()
    assert settings.reminder_day_list == (14, 7, 1)


def test_the_daily_job_is_scheduled_once(db):
    from django.core.management import call_command
    from django_q.models import Schedule

    from federation.core.reminders import REMINDER_SCHEDULE

    call_command("migrate", verbosity=0)
    call_command("migrate", verbosity=0)
    schedule = Schedule.objects.get(name=REMINDER_SCHEDULE)
    assert schedule.func == "federation.core.reminders.create_due"
    assert schedule.schedule_type == Schedule.DAILY


def test_a_reminder_shows_on_her_home_and_is_marked_read_by_her_only(world, login, client):
    create_due(MARCH_18 - dt.timedelta(days=7))
    reminder = Reminder.objects.filter(user=world.dir_a).first()
    html = home(login, world.dir_a)
    assert reminder.message in html and 'id="reminders"' in html
    url = reverse("reminder_read", args=[reminder.pk])
    assert client.get(url).status_code == 405  # a POST only
    # another director cannot mark it read: 404, as for one that does not exist
    login(world.dir_b)
    assert client.post(url).status_code == 404
    reminder.refresh_from_db()
    assert reminder.read_at is None
    login(world.dir_a)
    response = client.post(url)
    assert response.status_code == 302 and response.url.endswith("#todo")
    reminder.refresh_from_db()
    assert reminder.read_at is not None
    assert reminder.message not in home(login, world.dir_a)


def test_marking_read_needs_the_csrf_token(world, client):
    from django.test import Client

    create_due(MARCH_18 - dt.timedelta(days=7))
    reminder = Reminder.objects.filter(user=world.dir_a).first()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.dir_a, backend="federation.core.backends.RoleBackend")
    assert strict.post(reverse("reminder_read", args=[reminder.pk])).status_code == 403
    reminder.refresh_from_db()
    assert reminder.read_at is None
