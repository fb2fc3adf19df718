"""The signing keys live outside the database: in SIGNING_KEY or a file made once with mode 0600."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import stat
import threading

import pytest

from federation.core import keys


@pytest.fixture
def key_file(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("SIGNING_KEY", raising=False)
    settings.SIGNING_KEY_FILE = tmp_path / "var" / "signing_key"
    return settings.SIGNING_KEY_FILE


def test_the_key_file_is_made_on_first_use_for_its_owner_only_and_then_kept(key_file):
    assert not key_file.exists()
    first = keys.current_key()
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.secret) == 32
    assert first.secret.hex() in key_file.read_text()
    assert keys.current_key() == first  # read again, not made again
    assert keys.key_fingerprint() == hashlib.sha256(first.secret).hexdigest()[:16] == first.id
    assert first.secret.hex() not in repr(first)  # a key printed by mistake shows only its id


def test_two_processes_starting_at_once_share_one_key(key_file):
    found = []
    threads = [threading.Thread(target=lambda: found.append(keys.current_key().id)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(found)) == 1 and found[0] == keys.key_fingerprint()


def test_the_environment_variable_wins_over_the_file(key_file, monkeypatch):
    from_file = keys.current_key()
    secret = secrets.token_hex(32)
    monkeypatch.setenv("SIGNING_KEY", secret)
    assert keys.current_key().secret == bytes.fromhex(secret) != from_file.secret
    assert keys.key_source() == "环境变量 SIGNING_KEY"
    # Several keys: the old ones verify up to their number, the last one seals.
    old = secrets.token_hex(32)
    monkeypatch.setenv("SIGNING_KEY", f"{old}:41, {secret}")
    ring = keys.keyring()
    assert [k.secret.hex() for k in ring] == [old, secret]
    assert ring[0].may_seal(41) and not ring[0].may_seal(42) and ring[1].may_seal(10**9)
    assert keys.find_key(ring[0].id) == ring[0] and keys.find_key("0" * 16) is None


@pytest.mark.parametrize(
    "value",
    ["short", "g" * 64, "ab" * 31, f"{'a' * 64}:5", f"{'a' * 64},{'b' * 64}:3", "abc" + "0" * 62],
)
def test_a_malformed_key_is_refused_with_what_to_do(key_file, monkeypatch, value):
    monkeypatch.setenv("SIGNING_KEY", value)
    with pytest.raises(keys.SigningKeyError) as refused:
        keys.current_key()
    message = str(refused.value)
    assert "环境变量 SIGNING_KEY" in message
    assert ("格式不对" in message and "secrets.token_hex(32)" in message) or "最后一把密钥" in message


def test_rotation_keeps_the_old_key_to_verify_what_it_sealed(key_file):
    old = keys.current_key()
    retired, new = keys.rotate(last_position=17)
    assert retired.id == old.id and retired.retired_after == 17 and new.id != old.id
    assert keys.current_key() == new
    ring = keys.keyring()
    assert [k.id for k in ring] == [old.id, new.id] and ring[0].retired_after == 17
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    message = b"record"
    assert ring[0].sign(message) == hmac.new(old.secret, message, hashlib.sha256).hexdigest()
    _retired, newest = keys.rotate(last_position=30)
    assert [k.retired_after for k in keys.keyring()] == [17, 30, None]
    assert keys.current_key() == newest
    assert not list(key_file.parent.glob(".signing_key.*"))  # no temporary file left behind


def test_rotation_cannot_rewrite_the_environment_and_says_what_to_set(key_file, monkeypatch):
    monkeypatch.setenv("SIGNING_KEY", secrets.token_hex(32))
    with pytest.raises(keys.SigningKeyError) as refused:
        keys.rotate(last_position=3)
    assert "本命令不能改写它" in str(refused.value) and ":3" in str(refused.value)
    assert not key_file.exists()


def test_a_key_file_others_can_read_is_warned_about(key_file):
    keys.current_key()
    assert keys.file_mode_warning() == ""
    key_file.chmod(0o644)
    assert "其他用户也能读取" in keys.file_mode_warning() and "chmod 600" in keys.file_mode_warning()
