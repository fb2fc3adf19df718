"""``manage.py backup`` and ``restore``: the demo backed up, restored into a new database, and still whole.

The commands run as an office runs them, in their own process with ``DATABASE_URL`` and
``FEDERATION_VAR_DIR`` naming a scratch installation; the rows are counted with SQLite (or psycopg)
directly, not by the code under test. The PostgreSQL case runs when ``DATABASE_URL`` names a
PostgreSQL server (CI), in two scratch databases of its own.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from federation.core.backups import (
    DAMAGED,
    WRONG_PASSPHRASE,
    BackupError,
    DecryptingReader,
    EncryptingWriter,
    _allowed,
    backup_unpack,
    count_differences,
    fingerprint_warning,
)
from federation.core.keys import fingerprint_of

ROOT = Path(__file__).resolve().parents[2]
# The commands run on the database DATABASE_URL names: run again on PostgreSQL (scripts/test.sh).
pytestmark = pytest.mark.both_databases

DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRESQL = DATABASE_URL.startswith(("postgres://", "postgresql://", "pgsql://"))
# The SQLite installation's tests run in the SQLite run only (scripts/test.sh runs the suite on both).
# The installation is a copy of the test database (tests/conftest.py, migrated_installation).
on_a_copy = pytest.mark.django_db(transaction=True)


def sqlite_run(test):
    only_on_sqlite = pytest.mark.skipif(ON_POSTGRESQL, reason="the SQLite path is tested in the SQLite run")
    return only_on_sqlite(on_a_copy(test))


PASSPHRASE = "妇联备份 2026!"
SCAN = secrets.token_bytes(5000)  # a scanned paper's bytes


def manage(
    installation: dict[str, str], *args: str, passphrase: str | None = None
) -> subprocess.CompletedProcess:
    """Run ``manage.py`` for ``installation`` (DATABASE_URL, FEDERATION_VAR_DIR); return what it did."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"BACKUP_PASSPHRASE", "MEDIA_ROOT", "SECRET_KEY", "DATABASE_URL"}
    }
    environment.update(installation, DJANGO_SETTINGS_MODULE="federation.project.settings")
    if passphrase is not None:
        environment["BACKUP_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,  # no terminal: nothing may wait for a prompt
        capture_output=True,
        text=True,
        timeout=600,
    )


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def sqlite_installation(folder: Path) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    return {"DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}", "FEDERATION_VAR_DIR": str(folder)}


def sqlite_rows(path: Path) -> dict[str, int]:
    """Return the rows of every table of the SQLite database at ``path``, counted by SQLite itself."""
    with sqlite3.connect(path) as db:
        tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}


def signed_applications(output: str) -> int:
    match = re.search(r"已核验 (\d+) 份已签字的申请，全部与签字时一致", output)
    assert match, output
    return int(match.group(1))


def key_put_back(demo, folder: str) -> None:
    """Put the source installation's signing key in ``folder`` as its keeper would, apart from the backup."""
    shutil.copy2(demo["base"] / "source" / "signing_key", demo["base"] / folder / "signing_key")


@pytest.fixture(scope="module")
def demo(tmp_path_factory, migrated_installation):
    """The demo township in its own SQLite installation, with a scanned paper; its two backups."""
    base = tmp_path_factory.mktemp("backup")
    source = migrated_installation(base / "source")
    ok(manage(source, "seed_demo"))
    scan = base / "source" / "media" / "loans" / "1" / "scan.pdf"
    scan.parent.mkdir(parents=True)
    scan.write_bytes(SCAN)
    export = base / "source" / "exports" / "old-export.xlsx"
    export.parent.mkdir(parents=True)
    export.write_bytes(b"generated, made again on request")
    plain, encrypted = base / "plain.tar.gz", base / "encrypted.tar.gz.enc"
    ok(manage(source, "backup", "--output", str(plain)))
    ok(manage(source, "backup", "--output", str(encrypted), passphrase=PASSPHRASE))
    return {"base": base, "source": source, "plain": plain, "encrypted": encrypted}


@sqlite_run
def test_the_demo_restores_into_a_new_database_whole_and_its_signatures_verify(demo):
    target = sqlite_installation(demo["base"] / "plain-target")
    output = ok(manage(target, "restore", str(demo["plain"])))

    before, after = (
        sqlite_rows(demo["base"] / "source" / "db.sqlite3"),
        sqlite_rows(demo["base"] / "plain-target" / "db.sqlite3"),
    )
    assert after == before
    assert before["registry_person"] > 5000 and before["loans_loanapplication"] > 0
    assert "与备份一致" in output
    # The key is not in the backup: until it is put back, the signatures cannot be verified.
    assert "本机还没有签名密钥" in output
    assert not (demo["base"] / "plain-target" / "signing_key").exists()  # the restore made no key
    without_key = manage(target, "verify_signatures")
    assert without_key.returncode == 1
    key_put_back(demo, "plain-target")
    assert signed_applications(ok(manage(target, "verify_signatures"))) > 0
    assert (demo["base"] / "plain-target" / "media" / "loans" / "1" / "scan.pdf").read_bytes() == SCAN


@sqlite_run
def test_an_encrypted_backup_restores_with_its_passphrase_only(demo):
    folder = demo["base"] / "encrypted-target"
    target = sqlite_installation(folder)

    wrong = manage(target, "restore", str(demo["encrypted"]), passphrase="不是这个口令")
    assert wrong.returncode == 1
    assert "口令不对，没有恢复任何内容" in wrong.stderr
    missing = manage(target, "restore", str(demo["encrypted"]))
    assert missing.returncode == 1 and "这份备份是加密的" in missing.stderr
    assert sqlite_rows(folder / "db.sqlite3") == {}
    assert not (folder / "media").exists()

    key_put_back(demo, "encrypted-target")
    output = ok(manage(target, "restore", str(demo["encrypted"]), passphrase=PASSPHRASE))
    assert "签名密钥" not in output  # the key put back is the backup's: nothing to warn of
    assert sqlite_rows(folder / "db.sqlite3") == sqlite_rows(demo["base"] / "source" / "db.sqlite3")
    assert signed_applications(ok(manage(target, "verify_signatures"))) > 0
    assert (folder / "media" / "loans" / "1" / "scan.pdf").read_bytes() == SCAN


@sqlite_run
def test_the_encrypted_file_shows_nothing_of_what_it_holds(demo):
    data = demo["encrypted"].read_bytes()
    assert b"registry_person" not in data and SCAN[:64] not in data and b"manifest" not in data


@sqlite_run
def test_a_backup_holds_the_database_the_papers_and_the_manifest_and_no_key(demo):
    with gzip.open(demo["plain"]) as unzipped:
        content = unzipped.read()
    with tarfile.open(fileobj=io.BytesIO(content)) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))

    # The generated export and the key files of var/ stay out; the scanned paper is in.
    assert names == ["manifest.json", "database.sqlite3", "media/loans/1/scan.pdf"]
    secret_key = (demo["base"] / "source" / "secret_key").read_text().strip()
    assert secret_key.encode() not in content
    assert "loans.0001_microloans" in manifest["migrations"]
    key = (demo["base"] / "source" / "signing_key").read_text()
    secret = [line for line in key.splitlines() if line and not line.startswith("#")][-1]
    assert manifest["key_fingerprint"] == fingerprint_of(bytes.fromhex(secret))
    assert secret.encode() not in content and bytes.fromhex(secret) not in content
    source = sqlite_rows(demo["base"] / "source" / "db.sqlite3")
    assert manifest["row_counts"]["registry_person"] == source["registry_person"]
    assert manifest["media"] == {"files": 1, "bytes": len(SCAN)}


@sqlite_run
def test_a_damaged_or_cut_off_backup_is_refused_before_anything_is_restored(demo, tmp_path):
    plain, encrypted = demo["plain"].read_bytes(), demo["encrypted"].read_bytes()
    changed = bytearray(encrypted)
    changed[len(changed) // 2] ^= 0x40
    for name, data in (("cut.tar.gz", plain[: len(plain) // 2]), ("changed.enc", bytes(changed))):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(BackupError, match=re.escape(DAMAGED)):
            backup_unpack(tmp_path / name, passphrase=PASSPHRASE, into=tmp_path / f"{name}-out")

    folder = demo["base"] / "damaged-target"
    refused = manage(
        sqlite_installation(folder), "restore", str(tmp_path / "changed.enc"), passphrase=PASSPHRASE
    )
    assert refused.returncode == 1 and "备份文件已损坏或被改动，没有恢复任何内容" in refused.stderr
    assert sqlite_rows(folder / "db.sqlite3") == {}


@sqlite_run
def test_a_database_with_data_is_replaced_only_when_forced(demo):
    folder = demo["base"] / "forced-target"
    target = sqlite_installation(folder)
    ok(manage(target, "restore", str(demo["plain"])))
    (folder / "media" / "loans" / "1" / "scan.pdf").write_bytes(b"changed after the backup")

    refused = manage(target, "restore", str(demo["plain"]))
    assert refused.returncode == 1 and "已经有数据，没有恢复" in refused.stderr
    assert (folder / "media" / "loans" / "1" / "scan.pdf").read_bytes() == b"changed after the backup"

    output = ok(manage(target, "restore", "--force", "--no-input", str(demo["plain"])))
    assert (folder / "media" / "loans" / "1" / "scan.pdf").read_bytes() == SCAN
    moved = re.search(r"原来的上传文件移到了 (\S+?)，", output).group(1)
    assert (Path(moved) / "loans" / "1" / "scan.pdf").read_bytes() == b"changed after the backup"
    assert sqlite_rows(folder / "db.sqlite3") == sqlite_rows(demo["base"] / "source" / "db.sqlite3")


@sqlite_run
def test_backup_into_a_folder_keeps_the_newest(demo, tmp_path):
    written = []
    for _ in range(2):
        output = ok(manage(demo["source"], "backup", "--output", str(tmp_path), "--keep", "1"))
        written.append(Path(re.search(r"已备份到 (\S+?)（", output).group(1)).name)

    assert sorted(p.name for p in tmp_path.iterdir()) == written[1:]
    assert all(re.fullmatch(r"federation-\d{8}-\d{6}\.tar\.gz", name) for name in written)


# --- the encrypted stream, in this process ------------------------------------------------------


def _seal(data: bytes, passphrase: str = PASSPHRASE, chunk: int = 100) -> bytes:
    out = io.BytesIO()
    writer = EncryptingWriter(out, passphrase, chunk=chunk)
    writer.write(data)
    writer.close()
    return out.getvalue()


def _open(sealed: bytes, passphrase: str = PASSPHRASE) -> bytes:
    return io.BufferedReader(DecryptingReader(io.BytesIO(sealed), passphrase)).read()


@pytest.mark.parametrize("size", [0, 1, 100, 101, 1000])
def test_what_is_encrypted_reads_back_the_same(size):
    data = secrets.token_bytes(size)
    assert _open(_seal(data)) == data


def test_a_wrong_passphrase_is_told_apart_from_damage():
    sealed = _seal(b"x" * 1000)
    with pytest.raises(BackupError, match=re.escape(WRONG_PASSPHRASE)):
        _open(sealed, "wrong")
    header = 8 + 4 + 16 + 32 + 7
    changed = bytearray(sealed)
    changed[header + 50] ^= 1
    with pytest.raises(BackupError, match=re.escape(DAMAGED)):
        _open(bytes(changed))


def test_a_chunk_cut_off_moved_or_added_is_detected():
    sealed = _seal(b"".join(bytes([i]) * 100 for i in range(5)))  # four chunks, then the last one
    header, record = 8 + 4 + 16 + 32 + 7, 4 + 100 + 16
    chunks = [sealed[header + i * record : header + (i + 1) * record] for i in range(4)]
    start, last = sealed[:header], sealed[header + 4 * record :]
    assert start + b"".join(chunks) + last == sealed and len(last) == record
    for damaged in (
        start + b"".join(chunks),  # the last chunk cut off
        start + b"".join(chunks[:3]) + last,  # two chunks dropped
        start + chunks[1] + chunks[0] + b"".join(chunks[2:]) + last,  # two chunks swapped
        sealed + b"more",  # something after the end
    ):
        with pytest.raises(BackupError, match=re.escape(DAMAGED)):
            _open(damaged)


def test_a_restore_warns_when_the_signature_key_is_not_the_one_of_the_backup():
    warning = fingerprint_warning("ab12", "cd34")
    assert "签名密钥" in warning and "ab12" in warning and "cd34" in warning and "无法核验" in warning
    assert fingerprint_warning("ab12", "ab12") is None
    assert fingerprint_warning(None, "ab12") is None
    assert "本机还没有签名密钥" in fingerprint_warning("ab12", None)


def test_a_backup_may_hold_only_its_own_parts():
    assert _allowed("manifest.json") and _allowed("database.pgdump") and _allowed("media/loans/1/a.pdf")
    for name in ("../etc/passwd", "/etc/passwd", "media/../../x", "media", "settings.py"):
        assert not _allowed(name), name


def test_the_row_count_check_names_each_table_that_differs():
    assert count_differences({"a": 1, "b": 2}, {"a": 1, "b": 2}) == []
    assert count_differences({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 0}) == [
        "b：备份时 2 行，恢复后 3 行",
        "c：备份时 无此表 行，恢复后 0 行",
    ]


# --- PostgreSQL -----------------------------------------------------------------------------------


@pytest.mark.skipif(not ON_POSTGRESQL, reason="DATABASE_URL names no PostgreSQL server (the SQLite run)")
@on_a_copy
def test_the_demo_restores_into_a_new_postgresql_database(tmp_path, migrated_installation):
    import psycopg

    server = DATABASE_URL.rsplit("/", 1)[0]
    source = migrated_installation(tmp_path / "source")
    names = [source["DATABASE_URL"].rsplit("/", 1)[1], f"backup_test_{os.getpid()}_{secrets.token_hex(3)}"]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{names[1]}"')
    try:
        target = {"DATABASE_URL": f"{server}/{names[1]}", "FEDERATION_VAR_DIR": str(tmp_path / "target")}
        ok(manage(source, "seed_demo"))
        backup = tmp_path / "pg.tar.gz.enc"
        ok(manage(source, "backup", "--output", str(backup), passphrase=PASSPHRASE))

        (tmp_path / "target").mkdir()
        shutil.copy2(tmp_path / "source" / "signing_key", tmp_path / "target" / "signing_key")
        ok(manage(target, "restore", str(backup), passphrase=PASSPHRASE))
        assert postgresql_rows(names[1]) == postgresql_rows(names[0])
        assert postgresql_rows(names[0])["registry_person"] > 5000
        assert signed_applications(ok(manage(target, "verify_signatures"))) > 0
        # Again over the restored tables: they are dropped and loaded in one transaction.
        ok(manage(target, "restore", "--force", "--no-input", str(backup), passphrase=PASSPHRASE))
        assert postgresql_rows(names[1]) == postgresql_rows(names[0])
        assert signed_applications(ok(manage(target, "verify_signatures"))) > 0
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{names[1]}" WITH (FORCE)')


def postgresql_rows(name: str) -> dict[str, int]:
    """Return the rows of every table of the PostgreSQL database ``name``, counted by psycopg."""
    import psycopg

    with psycopg.connect(f"{DATABASE_URL.rsplit('/', 1)[0]}/{name}") as db:
        tables = [t for (t,) in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
