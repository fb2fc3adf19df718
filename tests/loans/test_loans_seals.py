"""Signatures a database writer cannot forge: every step sealed with a key outside the database, in
one chain over the installation; verify_signatures names the first break; the approval form's code
checks a paper copy; the key can be rotated; the upgrade seals what was there."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import subprocess
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from federation.core import keys
from loans import chain, services
from loans.models import ChainHead, Transition
from loans.services import application_transition
from loans.signing import canonical_json, content_of, transition_digest
from loans.states import Action, Status
from tests.helpers.loans import advance, draft, raw_sql, run_verify, sign_at_once


def records() -> list[Transition]:
    return list(Transition.objects.order_by("sequence"))


def step(application, action: str) -> Transition:
    return Transition.objects.get(application=application, action=action)


@pytest.fixture
def two_stamped(loan_world):
    """Return (tampered, untouched, world): two applications of 幸福乡 stamped one after the other."""
    w = loan_world
    tampered = advance(w, draft(w, w.applicant_a), Status.STAMPED)
    untouched = advance(w, draft(w, w.applicant_b), Status.STAMPED)
    return tampered, untouched, w


# --- every step is sealed, in one chain, with a key that is not in the database ---------------------------


def test_each_step_is_sealed_with_the_key_over_its_record_and_the_seal_before_it(two_stamped):
    tampered, _untouched, _w = two_stamped
    key = keys.current_key()
    rows = records()
    assert [t.sequence for t in rows] == list(range(1, 11))  # 5 steps each, in the order taken
    assert rows[0].previous_seal == "0" * 64
    for before, record in zip(rows, rows[1:], strict=False):
        assert record.previous_seal == before.seal
    for record in rows:
        # Recomputed here from its definition: HMAC-SHA256 with the key over the sealed record.
        payload = canonical_json(chain.sealed_record(record)).encode()
        assert record.seal == hmac.new(key.secret, payload, hashlib.sha256).hexdigest()
        assert record.key_id == key.id and not record.sealed_by_migration
        assert record.seal != hashlib.sha256(payload).hexdigest()
    head = ChainHead.objects.get()
    assert (head.sequence, head.seal) == (10, rows[-1].seal)
    signed = step(tampered, Action.SIGN_VILLAGE)
    assert chain.sealed_record(signed)["digest"] == signed.digest  # the content digest is inside


def test_the_key_is_never_stored_in_the_database(two_stamped):
    out = StringIO()
    call_command("dumpdata", "loans", "federation", "auth", stdout=out)
    secret = keys.current_key().secret
    dump = out.getvalue()
    assert keys.key_fingerprint() in dump  # the key id beside each seal, safe to show
    assert secret.hex() not in dump and secret.hex().upper() not in dump
    assert all(len(t.key_id) == 16 for t in records())


def test_verify_passes_and_says_what_it_checked(two_stamped):
    code, output = run_verify()
    assert code == 0
    assert "已核验 2 份已签字的申请，全部与签字时一致；签字链的 10 条记录" in output
    assert f"签字密钥指纹 {keys.key_fingerprint()}" in output


# --- what a database writer without the key tries ---------------------------------------------------------


def test_an_amount_changed_with_its_digests_recomputed_without_the_key_is_caught(two_stamped, login):
    tampered, untouched, w = two_stamped
    # The attacker changes the amount and recomputes every signature's SHA-256 digest, as the old
    # check could not tell; and even seals them again with a key of his own.
    raw_sql("UPDATE loans_loanapplication SET amount = 80000 WHERE id = %s", [tampered.pk])
    changed = tampered.__class__.all_objects.get(pk=tampered.pk)
    content = content_of(changed)
    for record in [t for t in Transition.objects.filter(application=tampered) if t.is_signature]:
        forged = transition_digest(record, content)
        record.digest = forged
        own_key = keys.SigningKey(id=record.key_id, secret=secrets.token_bytes(32))
        raw_sql(
            "UPDATE loans_transition SET digest = %s, seal = %s WHERE id = %s",
            [forged, chain.seal_of(record, own_key), record.pk],
        )
    code, output = run_verify()
    assert code == 1
    village = step(tampered, Action.SIGN_VILLAGE)
    first_line = next(line for line in output.splitlines() if line.startswith("第一处断裂"))
    assert "（封印不符）" in first_line and f"申请 #{tampered.pk} 申请人A（红旗村）" in first_line
    assert f"“村级妇联签字”（张红，第 {village.sequence} 号记录）的封印不符" in first_line
    assert f"#{untouched.pk} " not in output
    assert tampered.applicant_id_number not in output
    # The township's page names the same break; the other township's sees only that something is wrong.
    body = login(w.staff).get(reverse("loans:verify")).content.decode()
    assert "第一处断裂（封印不符）" in body and f"申请 #{tampered.pk}" in body
    other = login(w.other_staff).get(reverse("loans:verify")).content.decode()
    assert f"申请 #{tampered.pk}" not in other and "您的工作范围以外还有" in other


def test_a_deleted_signature_is_caught_and_named_by_its_number(two_stamped, login):
    tampered, _untouched, w = two_stamped
    stamp = step(tampered, Action.STAMP)
    raw_sql("DELETE FROM loans_transition WHERE id = %s", [stamp.pk])
    code, output = run_verify()
    assert code == 1
    assert f"第一处断裂（记录被删除）：签字链：第 {stamp.sequence} 号记录被删除了" in output
    assert f"申请 #{tampered.pk} 申请人A（红旗村）" in output and "却没有“妇联盖章”的签字记录" in output
    body = login(w.staff).get(reverse("loans:verify")).content.decode()
    assert "第一处断裂（记录被删除）" in body and f"第 {stamp.sequence} 号记录被删除了" in body
    # A break of the whole chain is shown in every township, by its number only.
    other = login(w.other_staff).get(reverse("loans:verify")).content.decode()
    assert f"第 {stamp.sequence} 号记录被删除了" in other and f"申请 #{tampered.pk}" not in other


def test_the_newest_record_deleted_is_caught_by_the_chains_end(two_stamped):
    _tampered, untouched, _w = two_stamped
    newest = step(untouched, Action.STAMP)
    assert newest.sequence == 10
    raw_sql("DELETE FROM loans_transition WHERE id = %s", [newest.pk])
    code, output = run_verify()
    assert code == 1 and "最后的第 10 号记录被删除了" in output


def test_the_chains_end_deleted_is_reported_and_signing_goes_on(two_stamped):
    tampered, _untouched, w = two_stamped
    raw_sql("DELETE FROM loans_chainhead", [])
    code, output = run_verify()
    assert code == 1 and "签字链的末端记录被删除了" in output
    application_transition(
        application=tampered,
        user=w.staff,
        action=Action.DISBURSE,
        **{
            "disbursed_on": tampered.applied_on,
            "disbursed_amount": tampered.amount,
            "disbursed_term_months": 24,
            "interest_rate": "4.35",
        },
    )
    assert records()[-1].sequence == 11 and records()[-1].previous_seal == records()[-2].seal
    assert run_verify()[0] == 0


@pytest.mark.parametrize("swap", [["sequence"], ["sequence", "previous_seal", "seal"]])
def test_two_signatures_swapped_in_the_chain_are_caught_as_reordered(two_stamped, swap):
    tampered, _untouched, _w = two_stamped
    village, township = step(tampered, Action.SIGN_VILLAGE), step(tampered, Action.SIGN_TOWNSHIP)
    # Move one out of the way first: the chain's positions are unique.
    raw_sql("UPDATE loans_transition SET sequence = 999999 WHERE id = %s", [village.pk])
    for target, source in ((township, village), (village, township)):
        sets = ", ".join(f"{name} = %s" for name in swap)
        raw_sql(
            f"UPDATE loans_transition SET {sets} WHERE id = %s",  # noqa: S608 — the test's own names
            [getattr(source, name) for name in swap] + [target.pk],
        )
    code, output = run_verify()
    assert code == 1
    first_line = next(line for line in output.splitlines() if line.startswith("第一处断裂"))
    assert "（顺序被调换）" in first_line and f"申请 #{tampered.pk}" in first_line
    assert f"封印时它是第 {township.sequence} 号记录" in first_line


def test_a_record_inserted_behind_the_systems_back_has_no_seal(two_stamped):
    tampered, _untouched, w = two_stamped
    raw_sql(
        "INSERT INTO loans_transition (application_id, action, from_status, to_status, user_id, user_name,"
        " role, at, reason, details, digest, previous_seal, seal, key_id, sealed_by_migration)"
        " VALUES (%s, 'withdraw', 'stamped', 'withdrawn', %s, '赵敏', 'township_chair', %s, '', '{}', '',"
        " '', '', '', %s)",
        [tampered.pk, w.chair.pk, step(tampered, Action.STAMP).at, False],
    )
    code, output = run_verify()
    assert code == 1 and "（没有封印）" in output and "不是由系统写入的" in output


def test_a_step_sealed_when_the_key_is_unavailable_is_refused_with_a_clear_message(loan_world, monkeypatch):
    w = loan_world
    application = draft(w, w.applicant_a)
    monkeypatch.setenv("SIGNING_KEY", "not-a-key")
    with pytest.raises(services.TransitionError) as refused:
        application_transition(application=application, user=w.dir_a, action=Action.SUBMIT)
    assert "签字密钥不可用" in refused.value.messages[0] and "格式不对" in refused.value.messages[0]
    application.refresh_from_db()
    assert application.status == Status.DRAFT and not Transition.objects.exists()


# --- the key ------------------------------------------------------------------------------------------


def test_a_changed_key_makes_verify_fail_saying_the_key_was_replaced(two_stamped, monkeypatch, login):
    _tampered, _untouched, w = two_stamped
    sealed_with = keys.key_fingerprint()
    monkeypatch.setenv("SIGNING_KEY", secrets.token_hex(32))
    code, output = run_verify()
    assert code == 1
    assert "密钥被换掉了或丢失了" in output and sealed_with in output and keys.key_fingerprint() in output
    assert "环境变量 SIGNING_KEY" in output
    body = login(w.staff).get(reverse("loans:verify")).content.decode()
    assert "签字无法核验" in body and "密钥被换掉了或丢失了" in body


def test_a_lost_key_file_makes_verify_fail_too(two_stamped, signing_key_file):
    signing_key_file.unlink()  # a restore without the key file: a new key is made on first use
    code, output = run_verify()
    assert code == 1 and "密钥被换掉了或丢失了" in output


def test_rotation_keeps_old_seals_and_codes_valid_and_refuses_the_old_key_for_new_records(
    loan_world, signing_key_file, monkeypatch
):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), Status.VILLAGE_SIGNED)
    old_key = keys.current_key()
    codes_before = {t.pk: t.check_code for t in records()}
    out = StringIO()
    call_command("rotate_signing_key", stdout=out)
    new_key = keys.current_key()
    assert new_key.id != old_key.id
    assert f"新密钥指纹 {new_key.id}" in out.getvalue() and "封印到第 2 号记录为止" in out.getvalue()
    assert f"{old_key.secret.hex()}:2" in signing_key_file.read_text()

    application = advance(w, application, Status.COOPERATIVE_AGREED)
    rows = records()
    assert [t.key_id for t in rows] == [old_key.id] * 2 + [new_key.id] * 2
    assert {t.pk: t.check_code for t in rows[:2]} == codes_before  # nothing sealed before was touched
    assert run_verify()[0] == 0

    # Someone holding the retired key reseals a newer record with it: refused, the key had retired.
    newest = rows[-1]
    newest.details = {**newest.details, "loan_number": "FAKE"}
    raw_sql(
        "UPDATE loans_transition SET details = %s, key_id = %s, seal = %s WHERE id = %s",
        [json.dumps(newest.details), old_key.id, chain.seal_of(newest, old_key), newest.pk],
    )
    code, output = run_verify()
    assert code == 1 and "已停用的密钥" in output and "是伪造的" in output

    # Without the old key the old seals cannot be checked, and verify says which key is missing.
    monkeypatch.setenv("SIGNING_KEY", new_key.secret.hex())
    code, output = run_verify()
    assert code == 1 and f"所用的密钥 {old_key.id} 不在本机的环境变量 SIGNING_KEY里" in output


def test_rotation_refuses_to_rewrite_the_environment_variable(loan_world, monkeypatch):
    monkeypatch.setenv("SIGNING_KEY", secrets.token_hex(32))
    with pytest.raises(CommandError) as refused:
        call_command("rotate_signing_key", stdout=StringIO())
    assert "本命令不能改写它" in str(refused.value)


# --- two steps at once ------------------------------------------------------------------------------------


def test_two_records_cannot_take_the_same_place_in_the_chain(two_stamped):
    tampered, _untouched, w = two_stamped
    taken = records()[-1]
    duplicate = Transition(
        application=tampered,
        action=Action.WITHDRAW,
        from_status=Status.STAMPED,
        to_status=Status.WITHDRAWN,
        user=w.chair,
        user_name="赵敏",
        at=taken.at,
        digest="",
        sequence=taken.sequence,
        previous_seal=taken.previous_seal,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


@pytest.mark.django_db(transaction=True)
def test_the_chain_holds_when_two_villages_sign_at_the_same_moment(loan_world, monkeypatch):
    """Two directors sign two applications at once, on two connections: two places, one after the other."""
    if connection.vendor != "postgresql":
        pytest.skip("needs two real concurrent database connections: runs on PostgreSQL")
    w = loan_world
    first = advance(w, draft(w, w.applicant_a), Status.SUBMITTED)
    second = advance(w, draft(w, w.applicant_b), Status.SUBMITTED)
    locking = chain.lock_head

    def slow_lock():
        # Hold the chain's end long enough that the other signer surely arrives meanwhile.
        head = locking()
        time.sleep(0.5)
        return head

    monkeypatch.setattr(chain, "lock_head", slow_lock)
    outcomes = sign_at_once((w.dir_a, first), (w.dir_b, second))
    assert outcomes == {"dir_a": "signed", "dir_b": "signed"}
    rows = records()
    assert [t.sequence for t in rows] == [1, 2, 3, 4]
    assert rows[2].previous_seal == rows[1].seal and rows[3].previous_seal == rows[2].seal
    assert ChainHead.objects.get().sequence == 4
    assert run_verify()[0] == 0


# --- the code on the paper form ---------------------------------------------------------------------------


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(text.split())  # pdftotext spaces CJK text as it pleases


def test_the_approval_form_prints_the_code_of_its_signatures(loan_world, login, tmp_path):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), Status.TOWNSHIP_SIGNED)
    response = login(w.dir_a).get(reverse("loans:application_pdf", args=[application.pk]))
    text = pdf_text(response.content, tmp_path)
    last = step(application, Action.SIGN_TOWNSHIP)
    assert len(last.check_code) == 11 and last.check_code[5] == "-"
    assert last.check_code == last.seal[:10].upper()[:5] + "-" + last.seal[:10].upper()[5:]
    assert f"签字核验码{last.check_code}" in text and "截至乡妇联签字" in text
    assert f"输入申请编号{application.pk}和这个核验码" in text
    assert text.count(f"核验码{last.check_code}") >= 2  # the box and the foot of its one page
    village = step(application, Action.SIGN_VILLAGE)
    village_block = text[text.index("村级妇联意见") : text.index("乡（镇）妇联意见")]
    assert f"电子签字核验码：{village.check_code}" in village_block
    assert "SHA-256" not in text  # the plain digest proves nothing on paper


def check(client, application_id, code) -> str:
    response = client.get(reverse("loans:verify"), {"application": application_id, "code": code})
    assert response.status_code == 200
    return response.content.decode()


def test_a_paper_code_is_checked_against_the_system(two_stamped, login):
    tampered, untouched, w = two_stamped
    client = login(w.staff)
    village = step(untouched, Action.SIGN_VILLAGE)
    # Typed as read from paper: lower case, spaces, a full-width dash.
    typed = village.check_code.lower().replace("-", " － ")
    body = check(client, untouched.pk, typed)
    assert "alert-success" in body and "记录完好，与纸质表一致" in body
    assert f"申请 #{untouched.pk} 的“村级妇联签字”（李梅" in body and "此后这份申请又办理了" in body
    assert "与申请 #" in check(client, untouched.pk, "00000-00000") and "都不符" in check(
        client, untouched.pk, "00000-00000"
    )
    assert "都不符" in check(client, tampered.pk, village.check_code)  # another application's code
    assert "核验码应为 10 位" in check(client, untouched.pk, "XYZ")
    assert "核验码应为 10 位" in check(client, untouched.pk, "")
    assert "您的工作范围内没有" in check(client, "abc", village.check_code)
    # The other township cannot check (or learn about) this township's application.
    assert "您的工作范围内没有" in check(login(w.other_staff), untouched.pk, village.check_code)
    # A director has no signature check at all.
    assert login(w.dir_a).get(reverse("loans:verify"), {"application": untouched.pk}).status_code == 404


def test_the_code_of_a_changed_record_is_not_confirmed(two_stamped, login):
    _tampered, untouched, w = two_stamped
    village = step(untouched, Action.SIGN_VILLAGE)
    raw_sql("UPDATE loans_loanapplication SET amount = 79999 WHERE id = %s", [untouched.pk])
    body = check(login(w.staff), untouched.pk, village.check_code)
    assert "alert-danger" in body and "已不可信（内容被改动）" in body
    raw_sql("UPDATE loans_transition SET user_name = '别人' WHERE id = %s", [village.pk])
    assert "已不可信（封印不符）" in check(login(w.staff), untouched.pk, village.check_code)


# --- the upgrade ------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_seals_the_existing_records_once_in_the_order_they_were_written(loan_world):
    w = loan_world
    first = advance(w, draft(w, w.applicant_a), Status.VILLAGE_SIGNED)
    second = advance(w, draft(w, w.applicant_b), Status.SUBMITTED)
    executor = MigrationExecutor(connection)
    executor.migrate([("loans", "0002_role_permissions")])  # back to digests only
    # Written before the seals, the second submission's clock said earlier than every other step.
    submitted = Transition.objects.filter(application=second).values_list("id", flat=True).get()
    raw_sql("UPDATE loans_transition SET at = '2020-01-01 00:00:00' WHERE id = %s", [submitted])

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    rows = records()
    assert [(t.application_id, t.action) for t in rows] == [
        (second.pk, Action.SUBMIT),
        (first.pk, Action.SUBMIT),
        (first.pk, Action.SIGN_VILLAGE),
    ]
    assert [t.sequence for t in rows] == [1, 2, 3] and all(t.sealed_by_migration for t in rows)
    assert all(t.key_id == keys.key_fingerprint() for t in rows)
    assert ChainHead.objects.get().sequence == 3
    code, output = run_verify()
    assert code == 0 and "其中 3 条是升级时补封的" in output
    # The mark is inside the seal: clearing it is a forgery like any other change.
    raw_sql("UPDATE loans_transition SET sealed_by_migration = %s WHERE id = %s", [False, rows[0].pk])
    assert run_verify()[0] == 1
    raw_sql("UPDATE loans_transition SET sealed_by_migration = %s WHERE id = %s", [True, rows[0].pk])
    # New steps follow on the same chain.
    advance(w, first, Status.TOWNSHIP_SIGNED)
    newest = records()[-1]
    assert newest.sequence == 4 and newest.previous_seal == rows[-1].seal and not newest.sealed_by_migration
    assert run_verify()[0] == 0


def test_the_applications_page_shows_each_steps_code(two_stamped, login):
    tampered, _untouched, w = two_stamped
    body = login(w.dir_a).get(reverse("loans:application_detail", args=[tampered.pk])).content.decode()
    for record in Transition.objects.filter(application=tampered):
        assert f'核验码 <span class="id-number">{record.check_code}</span>' in body
