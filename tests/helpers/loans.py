"""Builders of the microloan tests, on top of the named ``world`` of tests/conftest.py.

``build_loan_world`` (the fixture ``loan_world`` of tests/loans/conftest.py) adds, in each of the
three villages, a household whose head is a husband working in another province and whose spouse is
an unemployed woman born on 10 April 1990 (``applicant_a``, ``applicant_b``, ``applicant_c``); a
director for ``village_c`` (``dir_c``) and a chair for the other township (``other_chair``), so that
loans can go their whole path there too. The other builders draft applications and take their steps.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from decimal import Decimal
from io import StringIO

from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone

from federation.core.roles import Role
from federation.core.services import user_create
from loans.models import Guarantor, GuarantorKind, LoanApplication
from loans.services import application_save, application_transition
from loans.states import Action, Status
from registry.models import Employment, WorkPlace
from tests.helpers.factories import HouseholdFactory, fresh_household_number, id_number_for, member
from tests.helpers.web import PASSWORD

APPLICANT_BORN = dt.date(1990, 4, 10)
_guarantor_names = itertools.count(1)


def build_loan_world(world):
    """Return ``world`` with the loan applicants and the extra users (see the module docstring)."""
    w = world
    for key in ("a", "b", "c"):
        village, group = getattr(w, f"village_{key}"), getattr(w, f"group_{key}")
        household = HouseholdFactory(
            village=village, group=group, number=fresh_household_number(), address=f"{village.name}一组 8 号"
        )
        husband = member(
            household,
            "head",
            f"丈夫{key.upper()}",
            dt.date(1986, 2, 3),
            sex="M",
            employment=Employment.MIGRANT,
            work_place=WorkPlace.OUT_PROVINCE,
            work_place_detail="广东省东莞市",
            phone="13900000000",
        )
        wife = member(
            household,
            "spouse",
            f"申请人{key.upper()}",
            APPLICANT_BORN,
            employment=Employment.UNEMPLOYED,
            phone="13800000000",
        )
        setattr(w, f"husband_{key}", husband)
        setattr(w, f"applicant_{key}", wife)
    return add_signers(w)


def add_signers(w):
    """Return ``w`` with the users who sign in village C and its township: ``dir_c``, ``other_chair``."""
    w.dir_c = user_create(
        username="dir_c", password=PASSWORD, full_name="周燕", role=Role.VILLAGE_DIRECTOR, unit=w.village_c
    )
    w.other_chair = user_create(
        username="other_chair",
        password=PASSWORD,
        full_name="吴静",
        role=Role.TOWNSHIP_CHAIR,
        unit=w.other_township,
    )
    return w


def set_clock(monkeypatch, day: dt.date) -> None:
    """Make ``timezone.now()`` (and so every step's time and "today") 10:00 on ``day``."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def guarantor(*, kind: str = GuarantorKind.PUBLIC_FUNDED, **fields) -> Guarantor:
    """Return an unsaved, valid guarantor (public-funded at the township school unless told)."""
    n = next(_guarantor_names)
    values = {
        "name": f"担保人{n}",
        "id_number": id_number_for(dt.date(1975, 1, 1) + dt.timedelta(days=n), "M"),
        "phone": f"1370000{n:04d}",
        "kind": kind,
    }
    if kind == GuarantorKind.PUBLIC_FUNDED:
        values["work_unit"] = "幸福乡中心校"
    else:
        values.update(bank="示范县农村信用合作联社", deposit_amount=Decimal("50000"))
    values.update(fields)
    return Guarantor(**values)


def director_of(w, person):
    return {w.village_a.pk: w.dir_a, w.village_b.pk: w.dir_b, w.village_c.pk: w.dir_c}[person.village_id]


def township_users(w, person) -> tuple:
    """Return (staff, chair) of the person's township."""
    if person.village.township_id == w.township.pk:
        return w.staff, w.chair
    return w.other_staff, w.other_chair


def draft(
    w,
    applicant,
    *,
    amount: Decimal | int = 50000,
    guarantors: list[Guarantor] | None = None,
    applied_on: dt.date | None = None,
    **fields,
) -> LoanApplication:
    """Save a draft through the service as the applicant's village director; return it."""
    if guarantors is None:
        guarantors = [guarantor(), guarantor(kind=GuarantorKind.DEPOSIT)]
    application = LoanApplication(
        applicant=applicant,
        amount=Decimal(str(amount)),
        project=fields.pop("project", "生猪养殖"),
        purpose=fields.pop("purpose", "购买仔猪 20 头和饲料"),
        own_funds=fields.pop("own_funds", Decimal("10000")),
        term_months=fields.pop("term_months", 24),
        applied_on=applied_on or timezone.localdate(),
        **fields,
    )
    return application_save(user=director_of(w, applicant), application=application, guarantors=guarantors)


#: The steps in order, each with who takes it and the data it records.
def path_steps(w, application) -> list[tuple[str, str, object, dict]]:
    """Return (status before, action, user, data) of the whole forward path of ``application``."""
    director = director_of(w, application.applicant)
    staff, chair = township_users(w, application.applicant)
    today = timezone.localdate()
    return [
        (Status.DRAFT, Action.SUBMIT, director, {}),
        (Status.SUBMITTED, Action.SIGN_VILLAGE, director, {}),
        (Status.VILLAGE_SIGNED, Action.SIGN_TOWNSHIP, chair, {}),
        (
            Status.TOWNSHIP_SIGNED,
            Action.COOPERATIVE_AGREE,
            staff,
            {"decided_on": today, "loan_number": f"XY{application.pk:06d}"},
        ),
        (Status.COOPERATIVE_AGREED, Action.STAMP, chair, {}),
        (
            Status.STAMPED,
            Action.DISBURSE,
            staff,
            {
                "disbursed_on": today,
                "disbursed_amount": application.amount,
                "disbursed_term_months": application.term_months,
                "interest_rate": Decimal("4.35"),
            },
        ),
        (Status.DISBURSED, Action.REPAY, staff, {"repaid_on": today}),
    ]


def advance(w, application: LoanApplication, to: str, **recorded) -> LoanApplication:
    """Take the forward steps until ``application`` reaches status ``to``; return it.

    ``recorded`` replaces what the steps record (e.g. ``interest_rate=Decimal("4.75")``), in the step
    that records it.
    """
    steps = path_steps(w, application)
    start = next(i for i, step in enumerate(steps) if step[0] == application.status)
    for _before, action, user, data in steps[start:]:
        if application.status == to:
            break
        data = {name: recorded.get(name, value) for name, value in data.items()}
        application = application_transition(application=application, user=user, action=action, **data)
    assert application.status == to
    return application


def run_verify() -> tuple[int, str]:
    """Run ``verify_signatures``; return its exit status and what it printed."""
    out = StringIO()
    try:
        call_command("verify_signatures", stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def raw_sql(sql: str, params: list) -> None:
    """Change the database behind the system's back, as a database writer would."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def sign_at_once(*signings: tuple) -> dict[str, object]:
    """Take the step 村级妇联签字 of each (user, application) of ``signings`` at the same moment, each
    on a thread and connection of its own; return what each user got, by username: "signed", the
    ``ValidationError`` that refused her, or the repr of any other failure (a database error)."""
    start = threading.Barrier(len(signings))
    outcomes: dict[str, object] = {}

    def sign(user, application) -> None:
        try:
            start.wait()
            application_transition(application=application, user=user, action=Action.SIGN_VILLAGE)
            outcomes[user.username] = "signed"
        except ValidationError as exc:
            outcomes[user.username] = exc
        except Exception as exc:  # any other failure is what the test must show
            outcomes[user.username] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=signing) for signing in signings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes
