"""The installation's signing keys, kept outside the database: in ``SIGNING_KEY`` or a file of var/.

A database writer who can change a record and recompute a plain SHA-256 digest cannot compute an
HMAC without the key, so the key must never be where the records are. It comes from the
environment variable ``SIGNING_KEY`` when that is set, or else from the file
``settings.SIGNING_KEY_FILE`` (var/signing_key), which is created with a random 32-byte key and mode
0600 the first time a key is needed, as settings.py does for SECRET_KEY.

Both hold a *keyring*: one entry per key, separated by new lines (the file; ``#`` starts a comment)
or commas (the variable). An entry is the key as 64 hexadecimal digits, for a retired key followed by
``:N``, the last position N of the chain it sealed. The last entry is the current key, the one that
seals; the ones before it only verify what they sealed (up to N), so a rotation keeps every earlier
seal, and the codes printed on paper, valid. A key's id is its fingerprint, the first 16 hex digits
of its SHA-256: stored beside each seal, safe to show, and it tells a replaced key from a forgery.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

#: The environment variable that, when set, holds the keyring instead of the file.
ENV_VAR = "SIGNING_KEY"
#: Length of a new key in bytes (a key is given as twice as many hex digits).
KEY_BYTES = 32
_ENTRY = re.compile(r"^(?P<secret>[0-9a-fA-F]{64,})(?::(?P<last>\d+))?$")


class SigningKeyError(ImproperlyConfigured):
    """The keyring cannot be read or changed; the message says what to do, in Chinese."""


@dataclass(frozen=True)
class SigningKey:
    """One key of the keyring: its id (fingerprint), its secret, the last chain position it may seal."""

    id: str
    secret: bytes = b""
    #: None for the current key (or a retired key written without a limit).
    retired_after: int | None = None

    def __repr__(self) -> str:  # never print the secret
        return f"SigningKey(id={self.id!r}, retired_after={self.retired_after!r})"

    def may_seal(self, position: int) -> bool:
        """Return True when this key may have sealed the chain's ``position`` (1, 2, …)."""
        return self.retired_after is None or position <= self.retired_after

    def sign(self, message: bytes) -> str:
        """Return the HMAC-SHA256 of ``message`` with this key, as 64 hex digits."""
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()


def fingerprint_of(secret: bytes) -> str:
    """Return the fingerprint of a key: the first 16 hex digits of its SHA-256 (its id)."""
    return hashlib.sha256(secret).hexdigest()[:16]


def key_file() -> Path:
    """Return the path of the keyring file (``settings.SIGNING_KEY_FILE``)."""
    return Path(settings.SIGNING_KEY_FILE)


def key_source() -> str:
    """Return where the keys come from, as a user reads it in a message."""
    if os.environ.get(ENV_VAR, "").strip():
        return f"环境变量 {ENV_VAR}"
    return f"密钥文件 {key_file()}"


def _parse(text: str, source: str) -> list[SigningKey]:
    keys = []
    entries = [e.strip() for line in text.splitlines() for e in line.split("#", 1)[0].split(",")]
    for entry in filter(None, entries):
        match = _ENTRY.match(entry)
        if match is None or len(match["secret"]) % 2:
            raise SigningKeyError(
                f"{source}格式不对：每把密钥应为至少 64 位十六进制数字，停用的密钥后面跟“:序号”。"
                f'新密钥可以这样生成：python -c "import secrets; print(secrets.token_hex({KEY_BYTES}))"'
            )
        secret = bytes.fromhex(match["secret"])
        last = int(match["last"]) if match["last"] is not None else None
        keys.append(SigningKey(id=fingerprint_of(secret), secret=secret, retired_after=last))
    if not keys:
        raise SigningKeyError(f"{source}里没有密钥。")
    current = keys[-1]
    if current.retired_after is not None:
        raise SigningKeyError(f"{source}的最后一把密钥是现用的密钥，后面不能有“:序号”。")
    return keys


def _create_file(path: Path) -> None:
    """Create the keyring file with one random key, readable by its owner only (never overwritten)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole under another name, then linked in: a process that finds the file finds the key
    # in it, and link() fails where the file is there already (another process made it first).
    scratch = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    handle = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(_file_text([secrets.token_hex(KEY_BYTES)]))
        with contextlib.suppress(FileExistsError):  # another process created it meanwhile: use that one
            os.link(scratch, path)
    finally:
        scratch.unlink()


def _file_text(entries: list[str]) -> str:
    return (
        "# 小额贷款电子签字的密钥。请保密，并与数据库分开备份；丢失后已有的签字将无法核验。\n"
        '# Signing keys: the last one seals, the ones before it (":N" = last position sealed) verify.\n'
        + "".join(f"{entry}\n" for entry in entries)
    )


def keyring() -> list[SigningKey]:
    """Return the keys, oldest first, the current one last; create the key file on first use."""
    text = os.environ.get(ENV_VAR, "").strip()
    if text:
        return _parse(text, f"环境变量 {ENV_VAR}")
    path = key_file()
    if not path.exists():
        _create_file(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SigningKeyError(f"读不了密钥文件 {path}：{exc}") from None
    return _parse(text, f"密钥文件 {path}")


def file_mode_warning() -> str:
    """Return a warning when the key file can be read by others than its owner, else ""."""
    path = key_file()
    if os.environ.get(ENV_VAR, "").strip() or not path.exists():
        return ""
    if path.stat().st_mode & 0o077:
        return f"密钥文件 {path} 其他用户也能读取，请改为只有本账户可读：chmod 600 {path}"
    return ""


def current_key() -> SigningKey:
    """Return the key that seals now (the keyring's last)."""
    return keyring()[-1]


def key_fingerprint() -> str:
    """Return the current key's fingerprint: safe to show, print and keep with a backup."""
    return current_key().id


def find_key(key_id: str, keys: list[SigningKey] | None = None) -> SigningKey | None:
    """Return the key of id ``key_id`` from ``keys`` (default: the keyring), or None."""
    return next((key for key in (keys if keys is not None else keyring()) if key.id == key_id), None)


def rotate(*, last_position: int) -> tuple[SigningKey, SigningKey]:
    """Make a new random key the current one in the key file; return (retired key, new key).

    The key current until now is kept, marked to verify only positions up to ``last_position``
    (the caller holds the chain's lock, so nothing is sealed in between). The file is replaced in
    one step (a temporary file, then a rename), mode 0600. With ``SIGNING_KEY`` set the variable
    cannot be rewritten from here: raise :class:`SigningKeyError` saying what to set instead.
    """
    keys = keyring()
    old = keys[-1]
    if os.environ.get(ENV_VAR, "").strip():
        raise SigningKeyError(
            f"签字密钥来自环境变量 {ENV_VAR}，本命令不能改写它。请生成一把新密钥"
            f'（python -c "import secrets; print(secrets.token_hex({KEY_BYTES}))"），'
            f"把 {ENV_VAR} 改为“原有的各把密钥（现用的一把后面加 :{last_position}）,新密钥”，然后重新启动。"
        )
    new_secret = secrets.token_hex(KEY_BYTES)
    entries = [
        key.secret.hex() + (f":{key.retired_after}" if key.retired_after is not None else "")
        for key in keys[:-1]
    ]
    entries += [f"{old.secret.hex()}:{last_position}", new_secret]
    path = key_file()
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(_file_text(entries))
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
    retired = SigningKey(id=old.id, secret=old.secret, retired_after=last_position)
    return retired, keyring()[-1]
