"""Backups of an installation: one file with the database, the uploaded papers and a manifest.

``manage.py backup`` writes it, ``manage.py restore`` reads it back (README, "Running a real office").
The file is a gzip'd tar with, in this order:

- ``manifest.json``: when, the app's version, the migrations applied, the rows of every table and the
  fingerprint of the signature key (never the key itself);
- ``database.sqlite3`` (a copy made by SQLite's online backup API, consistent while the app writes) or
  ``database.pgdump`` (``pg_dump --format=custom``, taken in the same snapshot as the row counts);
- ``media/…``: ``MEDIA_ROOT``, the scanned papers, which nothing else can give back. The generated
  exports (``VAR_DIR/exports``, kept 7 days, made again on request) and uploads waiting to be
  confirmed (``VAR_DIR/imports``, 2 days) are left out, and so are ``SECRET_KEY``'s file and the
  signature key: whoever holds the backup must not be able to sign.

With a passphrase the whole tar is encrypted (:class:`EncryptingWriter`): AES-256-GCM in chunks of
1 MiB, the key derived from the passphrase by scrypt with a random salt kept in the header, each
chunk's nonce numbered and the last one marked (the STREAM construction), so a chunk changed,
dropped, moved or cut off is detected. Nothing is held in memory whole: the database is copied to a
temporary file next to the backup, and the tar is written and read as a stream.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import unicodedata
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA = "media"
PASSPHRASE_ENV = "BACKUP_PASSPHRASE"
# Django's bookkeeping: a database that has only these rows has been migrated but holds no data.
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


class BackupError(Exception):
    """A backup that cannot be written or read; the message says why, for the person at the keyboard."""


# --- the signature key ---------------------------------------------------------------------------


def _key_fingerprint() -> str | None:
    """Return the fingerprint of this installation's signing key (federation.core.keys), or None
    while it has none (nothing signed yet, no ``SIGNING_KEY``) or it cannot be read. A backup
    or a restore never creates a key."""
    from federation.core import keys

    if not os.environ.get(keys.ENV_VAR, "").strip() and not keys.key_file().exists():
        return None
    try:
        return keys.key_fingerprint()
    except keys.SigningKeyError:
        return None


def fingerprint_warning(backup_fingerprint: str | None, current_fingerprint: str | None) -> str | None:
    """Return the warning to show when the backup was signed with another key than this one, else None."""
    if backup_fingerprint and current_fingerprint and backup_fingerprint != current_fingerprint:
        return (
            f"警告：备份时的签名密钥（指纹 {backup_fingerprint}）不是本机现在的签名密钥（指纹 "
            f"{current_fingerprint}）。用本机的密钥，恢复的签字将无法核验（verify_signatures 会报错）；"
            "请把备份时的密钥文件放回原处，再运行 python manage.py verify_signatures。"
        )
    if backup_fingerprint and not current_fingerprint:
        return (
            f"注意：本机还没有签名密钥。请把备份时的签名密钥（指纹 {backup_fingerprint}，不在备份里）"
            "放回密钥文件或环境变量 SIGNING_KEY，再运行 python manage.py verify_signatures；"
            "在此之前不要签字，否则会生成一把新的密钥。"
        )
    return None


# --- encryption ----------------------------------------------------------------------------------

MAGIC = b"FLBACKUP"  # the first bytes of an encrypted backup; a plain one starts with gzip's 1f 8b
CHUNK = 1 << 20
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 15, 8, 1  # 32 MiB of memory and about 0.1 s to try one passphrase
_HEADER = struct.Struct(">8sBBBB16s32s7s")  # magic, format, log2 n, r, p, salt, key check, nonce prefix
_LENGTH = struct.Struct(">I")
WRONG_PASSPHRASE = "口令不对，没有恢复任何内容（wrong passphrase: nothing restored）。"
DAMAGED = "备份文件已损坏或被改动，没有恢复任何内容（the backup file is damaged: nothing restored）。"


def _derive(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> tuple[bytes, bytes]:
    """Return the AES key and the key check derived from ``passphrase`` (NFC, UTF-8) and ``salt``."""
    normalised = unicodedata.normalize("NFC", passphrase).encode()
    derived = Scrypt(salt=salt, length=64, n=1 << log2_n, r=r, p=p).derive(normalised)
    return derived[:32], hashlib.sha256(derived[32:]).digest()


def _nonce(prefix: bytes, counter: int, *, last: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


def is_encrypted(path: Path) -> bool:
    """Return whether the backup file at ``path`` is encrypted (starts with :data:`MAGIC`)."""
    with path.open("rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


class EncryptingWriter(io.RawIOBase):
    """A write-only stream that encrypts what it is given into ``raw``, chunk by chunk."""

    def __init__(self, raw: IO[bytes], passphrase: str, *, chunk: int = CHUNK):
        super().__init__()
        salt, prefix = secrets.token_bytes(16), secrets.token_bytes(7)
        key, check = _derive(passphrase, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
        self._header = _HEADER.pack(MAGIC, FORMAT, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P, salt, check, prefix)
        self._raw, self._aead, self._prefix, self._chunk = raw, AESGCM(key), prefix, chunk
        self._buffer = bytearray()
        self._counter = 0
        raw.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._buffer += data
        # Keep at least one byte back: the last chunk is written by close(), marked as the last.
        while len(self._buffer) > self._chunk:
            self._emit(bytes(self._buffer[: self._chunk]), last=False)
            del self._buffer[: self._chunk]
        return len(data)

    def _emit(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._counter, last=last), plain, self._header)
        self._raw.write(_LENGTH.pack(len(sealed)) + sealed)
        self._counter += 1

    def close(self) -> None:
        if not self.closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
        super().close()


class DecryptingReader(io.RawIOBase):
    """A read-only stream of the plain bytes of an encrypted backup; wrong passphrase or damage raise."""

    def __init__(self, raw: IO[bytes], passphrase: str):
        super().__init__()
        self._header = raw.read(_HEADER.size)
        if len(self._header) != _HEADER.size or not self._header.startswith(MAGIC):
            raise BackupError(DAMAGED)
        _magic, version, log2_n, r, p, salt, check, prefix = _HEADER.unpack(self._header)
        if version != FORMAT or not (10 <= log2_n <= 22 and 1 <= r <= 32 and 1 <= p <= 16):
            raise BackupError(DAMAGED)
        key, expected = _derive(passphrase, salt, log2_n, r, p)
        if not secrets.compare_digest(check, expected):
            raise BackupError(WRONG_PASSPHRASE)
        self._raw, self._aead, self._prefix = raw, AESGCM(key), prefix
        self._plain = b""
        self._counter = 0
        self._done = False

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> None:
        length = self._raw.read(_LENGTH.size)
        if len(length) != _LENGTH.size:
            raise BackupError(DAMAGED)  # cut off before its last chunk
        (size,) = _LENGTH.unpack(length)
        if size > CHUNK + 16 or size < 16:
            raise BackupError(DAMAGED)
        sealed = self._raw.read(size)
        for last in (False, True):
            try:
                self._plain = self._aead.decrypt(
                    _nonce(self._prefix, self._counter, last=last), sealed, self._header
                )
            except InvalidTag:
                continue
            self._counter += 1
            self._done = last
            if last and self._raw.read(1):
                raise BackupError(DAMAGED)  # something after the last chunk
            return
        raise BackupError(DAMAGED)

    def readinto(self, buffer) -> int:
        while not self._plain and not self._done:
            self._next_chunk()
        count = min(len(buffer), len(self._plain))
        buffer[:count] = self._plain[:count]
        self._plain = self._plain[count:]
        return count


# --- what is in the database ---------------------------------------------------------------------


def vendor() -> str:
    """Return the configured database's vendor, ``sqlite`` or ``postgresql``; refuse any other."""
    name = connections["default"].vendor
    if name not in DATABASE_FILES:
        raise BackupError(f"不支持备份 {name} 数据库，只支持 SQLite 和 PostgreSQL。")
    return name


def table_names() -> list[str]:
    """Return the tables of the installed models that exist in the configured database, sorted."""
    connection = connections["default"]
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _count_rows(cursor, tables: list[str], quote) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def row_counts() -> dict[str, int]:
    """Return the rows of every table of the installed models in the configured database."""
    connection = connections["default"]
    with connection.cursor() as cursor:
        return _count_rows(cursor, table_names(), connection.ops.quote_name)


def has_data() -> bool:
    """Return whether the configured database holds any row beyond Django's own bookkeeping."""
    connection = connections["default"]
    tables = [t for t in connection.introspection.table_names() if t not in BOOKKEEPING_TABLES]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
            if cursor.fetchone():
                return True
    return False


def app_version() -> str:
    """Return the installed version of this app (``pyproject.toml``), or ``unknown``."""
    try:
        return metadata.version("township-federation")
    except metadata.PackageNotFoundError:
        return "unknown"


# --- writing a backup ----------------------------------------------------------------------------


@dataclass
class BackupResult:
    """What :func:`backup_write` wrote: the file, its manifest and whether it is encrypted."""

    path: Path
    manifest: dict[str, Any]
    encrypted: bool
    size: int = 0


def _media_files(root: Path) -> list[tuple[Path, str]]:
    """Return the regular files under ``root`` with their names in the archive; no link is followed."""
    if not root.is_dir():
        return []
    skipped = _secret_paths()
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file() or path.resolve() in skipped:
                continue
            found.append((path, str(PurePosixPath(MEDIA, path.relative_to(root).as_posix()))))
    return found


def _secret_paths() -> set[Path]:
    """Return the key files that are never put in a backup, should they lie among the uploads."""
    paths = {Path(settings.VAR_DIR) / "secret_key"}
    paths.add(Path(settings.SIGNING_KEY_FILE))
    return {path.resolve() for path in paths}


def _sqlite_snapshot(target: Path) -> tuple[list[str], dict[str, int]]:
    """Copy the SQLite database to ``target`` (online backup API); return its migrations and row counts."""
    connection = connections["default"]
    connection.ensure_connection()
    tables = table_names()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
        cursor = destination.cursor()
        counts = _count_rows(cursor, tables, lambda name: '"' + name.replace('"', '""') + '"')
        migrations = [
            f"{app}.{name}" for app, name in cursor.execute("SELECT app, name FROM django_migrations")
        ]
    finally:
        destination.close()
    return sorted(migrations), counts


def _pg_connection_args(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Return the command-line options and environment that let pg_dump, pg_restore and psql connect."""
    args = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args.append(f"{option}={settings_dict[key]}")
    environment = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, environment


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    except FileNotFoundError as error:
        raise BackupError(
            f"找不到 {command[0]}：请安装 PostgreSQL 的客户端程序"
            "（Debian：apt-get install postgresql-client）。"
        ) from error
    if result.returncode:
        raise BackupError(f"{Path(command[0]).name} 失败：{result.stderr.strip()[-2000:]}")
    return result


def _postgresql_snapshot(target: Path) -> tuple[list[str], dict[str, int]]:
    """Dump PostgreSQL to ``target`` (custom format) in the snapshot of its migrations and row counts."""
    connection = connections["default"]
    args, environment = _pg_connection_args(connection.settings_dict)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = row_counts()
        cursor.execute("SELECT app, name FROM django_migrations")
        migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
        # pg_dump reads the same snapshot while this transaction holds it open.
        _run(
            [
                "pg_dump",
                *args,
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={target}",
                "--no-password",
                connection.settings_dict["NAME"],
            ],
            env=environment,
        )
    return sorted(migrations), counts


def backup_write(*, path: Path, passphrase: str | None) -> BackupResult:
    """Write a backup of the configured database and ``MEDIA_ROOT`` to ``path``; return what it holds.

    The file appears under its name only once complete (written as ``….partial`` and renamed), readable
    by its owner only. ``passphrase`` (when not empty) encrypts it.
    """
    kind = vendor()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with scratch_folder(path.parent) as scratch:
        database = scratch / DATABASE_FILES[kind]
        snapshot = _sqlite_snapshot if kind == "sqlite" else _postgresql_snapshot
        migrations, counts = snapshot(database)
        media = _media_files(Path(settings.MEDIA_ROOT))
        manifest = {
            "format": FORMAT,
            "created_at": timezone.localtime().isoformat(timespec="seconds"),
            "app_version": app_version(),
            "database": {"vendor": kind, "file": DATABASE_FILES[kind]},
            "migrations": migrations,
            "row_counts": counts,
            "rows": sum(counts.values()),
            "media": {"files": len(media), "bytes": sum(p.stat().st_size for p, _ in media)},
            "key_fingerprint": _key_fingerprint(),
        }
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with open(fd, "wb") as raw:
                sink: IO[bytes] = EncryptingWriter(raw, passphrase) if passphrase else raw
                with (
                    gzip.GzipFile(fileobj=sink, mode="wb", compresslevel=6, mtime=0) as zipped,
                    tarfile.open(fileobj=zipped, mode="w|", format=tarfile.PAX_FORMAT) as tar,
                ):
                    _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
                    tar.add(database, arcname=DATABASE_FILES[kind], recursive=False)
                    for source, name in media:
                        tar.add(source, arcname=name, recursive=False)
                if sink is not raw:
                    sink.close()
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    return BackupResult(path=path, manifest=manifest, encrypted=bool(passphrase), size=path.stat().st_size)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
    tar.addfile(info, io.BytesIO(data))


class scratch_folder:
    """A private temporary folder beside ``parent`` (same disk, so a restore can move files in)."""

    def __init__(self, parent: Path):
        self.parent = parent

    def __enter__(self) -> Path:
        self.parent.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
        self.path = self.parent / f".backup-{stamp}-{secrets.token_hex(4)}"
        self.path.mkdir(mode=0o700)
        return self.path

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def backup_files(folder: Path) -> list[Path]:
    """Return the backups ``manage.py backup`` wrote in ``folder``, oldest first."""
    return sorted(p for p in folder.glob("federation-*.tar.gz*") if not p.name.endswith(".partial"))


def backup_prune(folder: Path, *, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups in ``folder``; return the deleted files."""
    old = backup_files(folder)[:-keep] if keep > 0 else []
    for path in old:
        path.unlink()
    return old


# --- reading a backup ----------------------------------------------------------------------------


@dataclass
class Unpacked:
    """A backup checked and unpacked into a scratch folder: its manifest, database file and media folder."""

    folder: Path
    manifest: dict[str, Any]
    database: Path
    media: Path
    files: list[str] = field(default_factory=list)


def _allowed(name: str) -> bool:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return False
    return (
        name == MANIFEST
        or name in DATABASE_FILES.values()
        or (path.parts[0] == MEDIA and len(path.parts) > 1)
    )


@contextmanager
def _open_plain(path: Path, passphrase: str | None) -> Iterator[IO[bytes]]:
    """Yield the plain bytes of the backup at ``path``, decrypted when it is encrypted."""
    with path.open("rb") as raw:
        if raw.read(len(MAGIC)) == MAGIC:
            if not passphrase:
                raise BackupError(
                    f"这份备份是加密的：请用环境变量 {PASSPHRASE_ENV} 或 --passphrase-file 给出口令"
                    "（the backup is encrypted: give its passphrase）。"
                )
            raw.seek(0)
            yield io.BufferedReader(DecryptingReader(raw, passphrase), CHUNK)
        else:
            raw.seek(0)
            yield raw


def backup_unpack(path: Path, *, passphrase: str | None, into: Path) -> Unpacked:
    """Check and unpack the backup at ``path`` into the folder ``into``; return what it holds.

    Every byte is read (and, when encrypted, authenticated) before anything is restored, so a wrong
    passphrase, a damaged or cut-off file raise :class:`BackupError` here with nothing changed.
    """
    if not path.is_file():
        raise BackupError(f"找不到备份文件 {path}。")
    names = []
    try:
        with (
            _open_plain(path, passphrase) as plain,
            gzip.GzipFile(fileobj=plain, mode="rb") as zipped,
            tarfile.open(fileobj=zipped, mode="r|") as tar,
        ):
            for member in tar:
                if not member.isfile() or not _allowed(member.name):
                    raise BackupError(f"备份里有不该有的内容（{member.name}），不是本系统写的备份。")
                target = into / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as source, target.open("wb") as out:
                    shutil.copyfileobj(source, out, CHUNK)
                names.append(member.name)
    except (OSError, EOFError, zlib.error, tarfile.TarError) as error:
        if isinstance(error, OSError) and error.errno is not None:  # a full disk, no permission: not damage
            raise BackupError(f"无法读写：{error}") from error
        raise BackupError(DAMAGED) from error
    if not names or names[0] != MANIFEST:
        raise BackupError("这不是本系统写的备份（没有 manifest.json）。")
    manifest = json.loads((into / MANIFEST).read_text())
    database = into / manifest["database"]["file"]
    if manifest.get("format") != FORMAT or not database.is_file():
        raise BackupError("这份备份的格式本版本不认识，或缺少数据库文件。")
    return Unpacked(folder=into, manifest=manifest, database=database, media=into / MEDIA, files=names)


def restore_database(unpacked: Unpacked) -> None:
    """Replace the configured database's content with the backup's; all or nothing."""
    kind = unpacked.manifest["database"]["vendor"]
    if kind != vendor():
        raise BackupError(
            f"备份是 {kind} 数据库的，现在配置的是 {vendor()} 数据库：不能直接恢复（DATABASE_URL）。"
        )
    connection = connections["default"]
    if kind == "sqlite":
        _restore_sqlite(unpacked.database, Path(connection.settings_dict["NAME"]))
    else:
        _restore_postgresql(unpacked.database, connection.settings_dict)
    connections.close_all()


def _restore_sqlite(source: Path, target: Path) -> None:
    check = sqlite3.connect(source)
    try:
        if check.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(DAMAGED)
    except sqlite3.DatabaseError as error:
        raise BackupError(DAMAGED) from error
    connections.close_all()
    target.parent.mkdir(parents=True, exist_ok=True)
    destination = sqlite3.connect(target)
    try:
        # The online backup API overwrites every page of the destination in one go, under its lock.
        check.backup(destination)
    finally:
        destination.close()
        check.close()


#: The functions a migration made in the database (an index's expression), not an extension's: the
#: dump creates them again, so the restore drops them with the tables.
OWN_FUNCTIONS = """
    SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = current_schema()
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
"""


def _restore_postgresql(dump: Path, settings_dict: dict[str, Any]) -> None:
    """Drop the database's tables and own functions and load the dump, in one transaction of psql:
    all or nothing."""
    connection = connections["default"]
    quote = connection.ops.quote_name
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        cursor.execute(OWN_FUNCTIONS)
        functions = [row[0] for row in cursor.fetchall()]
    preamble = dump.with_name("preamble.sql")
    preamble.write_text(
        (f"DROP TABLE IF EXISTS {', '.join(quote(t) for t in tables)} CASCADE;\n" if tables else "")
        + "".join(f"DROP FUNCTION IF EXISTS {function} CASCADE;\n" for function in functions)
    )
    connections.close_all()
    args, environment = _pg_connection_args(settings_dict)
    script = subprocess.Popen(
        ["pg_restore", "--no-owner", "--no-privileges", "--file=-", str(dump)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _run(
            [
                "psql",
                *args,
                "--no-password",
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                f"--file={preamble}",
                "--file=-",
                f"--dbname={settings_dict['NAME']}",
            ],
            env=environment,
            stdin=script.stdout,
        )
    finally:
        script.stdout.close()
        errors = script.stderr.read().decode(errors="replace")
        failed = script.wait()
    # (after psql's own error, if it stopped first: then pg_restore only lost its reader)
    if failed:
        raise BackupError(f"pg_restore 失败：{errors.strip()[-2000:]}")


def restore_media(unpacked: Unpacked) -> Path | None:
    """Put the backup's papers in ``MEDIA_ROOT``; return where the papers that were there were moved."""
    root = Path(settings.MEDIA_ROOT)
    moved = None
    if root.exists() and any(root.iterdir()):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        moved = root.with_name(f"{root.name}.before-restore-{stamp}")
        root.rename(moved)
    elif root.exists():
        root.rmdir()
    root.parent.mkdir(parents=True, exist_ok=True)
    if unpacked.media.is_dir():
        try:
            unpacked.media.rename(root)
        except OSError:  # another disk: copy
            shutil.copytree(unpacked.media, root)
    else:
        root.mkdir()
    return moved


def count_differences(expected: dict[str, int], found: dict[str, int]) -> list[str]:
    """Return one line for each table whose rows after the restore differ from the backup's manifest."""
    lines = []
    for table in sorted(set(expected) | set(found)):
        if expected.get(table) != found.get(table):
            lines.append(
                f"{table}：备份时 {expected.get(table, '无此表')} 行，恢复后 {found.get(table, '无此表')} 行"
            )
    return lines
