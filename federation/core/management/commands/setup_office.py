"""``manage.py setup_office FILE [--username NAME] [--generate-password]``: set up a real office.

On an empty database (migrated, nothing else): the county, its township(s) and villages from FILE,
and the first administrator, whose password is typed twice or generated and shown once. The
database is flagged as an office's (``federation.core.models.Installation``): ``seed_demo`` refuses it.

FILE is UTF-8 text, one division a line, ``代码,名称`` (a tab or a Chinese comma also separates; lines
starting with ``#`` and blank lines are skipped; a first line ``代码,名称`` or ``code,name`` is a header).
The code says what the line is (统计用区划代码, see docs/design.md): 6 digits the county, 9 digits
or 12 digits ending in 000 a township, any other 12 digits a village. The file is checked whole
first, by the models' own rules: every bad line is named and nothing is written. Example:
``docs/divisions_example.csv``.
"""

from __future__ import annotations

import getpass
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from federation.core.demo import DEMO_PASSWORD
from federation.core.models import County, Installation, InstallationRefused, Township, Village
from federation.core.roles import Role
from federation.core.services import user_create

SEPARATOR = re.compile(r"[,，\t]")
HEADER_WORDS = {"code", "代码", "区划代码", "统计用区划代码"}
#: Characters of a generated password: no 0/O, 1/l/I to misread when copying it down.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class Division:
    """One line of the file: its number, the 6- or 12-digit code it stands for, and the name."""

    line: int
    code: str
    name: str

    @property
    def level(self) -> str:
        if len(self.code) == 6:
            return "county"
        return "township" if self.code.endswith("000") else "village"


class DivisionFileError(Exception):
    """The file has bad lines; ``problems`` says each one, with its line number."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def read_divisions(data: bytes) -> list[Division]:
    """Return the divisions of the file's ``data``; raise :class:`DivisionFileError` naming every bad line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DivisionFileError(
            [f"第 {line} 行：文件不是 UTF-8 编码。请用记事本或 WPS 另存为“UTF-8”后再试。"]
        ) from error
    problems: list[str] = []
    divisions: list[Division] = []
    seen: dict[str, int] = {}
    first = True
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = [field.strip().strip('"').strip() for field in SEPARATOR.split(line)]
        if first and fields[0].lower() in HEADER_WORDS:
            first = False
            continue
        first = False
        if len(fields) != 2 or not fields[1]:
            problems.append(f"第 {number} 行：应为“代码,名称”两项，如“513401105000,幸福乡”。")
            continue
        code, name = fields
        if not code.isascii() or not code.isdigit() or len(code) not in (6, 9, 12):
            problems.append(
                f"第 {number} 行：代码“{code}”应为 6 位（县）、9 位或以 000 结尾的 12 位（乡镇）、"
                "12 位（村）数字。"
            )
            continue
        code = code + "000" if len(code) == 9 else code
        if code in seen:
            problems.append(f"第 {number} 行：代码 {code} 与第 {seen[code]} 行重复。")
            continue
        seen[code] = number
        divisions.append(Division(line=number, code=code, name=name))
    counties = [d for d in divisions if d.level == "county"]
    if not counties and not problems:
        problems.append("文件里没有县：应有一行 6 位代码的县，如“513401,示范县”。")
    for extra in counties[1:]:
        problems.append(
            f"第 {extra.line} 行：只能有一个县，第 {counties[0].line} 行已是县“{counties[0].name}”。"
        )
    if counties and not any(d.level == "township" for d in divisions) and not problems:
        problems.append("文件里没有乡镇：应至少有一行 12 位、以 000 结尾（或 9 位）代码的乡镇。")
    if problems:
        raise DivisionFileError(problems)
    return divisions


def _messages(error: ValidationError) -> str:
    return "；".join(message for messages in error.message_dict.values() for message in messages)


def _saved(division: Township | Village, line: Division, problems: list[tuple[int, str]]) -> bool:
    """Save ``division`` if its model accepts it and return True; else add why to ``problems``."""
    try:
        division.full_clean()
    except ValidationError as error:
        problems.append((line.line, _messages(error)))
        return False
    division.save()
    return True


def create_divisions(divisions: list[Division]) -> tuple[County, list[Township], list[Village]]:
    """Create the county, townships and villages, each checked by its model; return them.

    Raise :class:`DivisionFileError` naming every line the models refuse; the caller's transaction
    then writes nothing.
    """
    problems: list[tuple[int, str]] = []
    (county_line,) = [d for d in divisions if d.level == "county"]
    county = County(code=county_line.code, name=county_line.name)
    try:
        county.full_clean()
    except ValidationError as error:
        raise DivisionFileError([f"第 {county_line.line} 行：{_messages(error)}"]) from error
    county.save()
    township_lines = {d.code[:9]: d for d in divisions if d.level == "township"}
    townships: dict[str, Township] = {}
    for line in township_lines.values():
        township = Township(county=county, code=line.code, name=line.name)
        if _saved(township, line, problems):
            townships[line.code[:9]] = township
    villages: list[Village] = []
    for line in (d for d in divisions if d.level == "village"):
        township = townships.get(line.code[:9])
        if township is None:
            if line.code[:9] in township_lines:
                problem = f"所属乡镇（第 {township_lines[line.code[:9]].line} 行）有错，请先改正那一行。"
            else:
                problem = f"村“{line.name}”的代码前 9 位 {line.code[:9]} 不是文件中任何乡镇的代码。"
            problems.append((line.line, problem))
            continue
        village = Village(township=township, code=line.code, name=line.name)
        if _saved(village, line, problems):
            villages.append(village)
    if problems:
        raise DivisionFileError([f"第 {number} 行：{problem}" for number, problem in sorted(problems)])
    return county, list(townships.values()), villages


def new_password() -> str:
    """Return a random password of 16 characters in four groups, easy to copy down."""
    chars = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


class Command(BaseCommand):
    help = (
        "设置正式使用的单位：从区划文件（每行“代码,名称”，UTF-8）建立县、乡镇和村，"
        "并建立第一个系统管理员。只用于空数据库。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="区划文件：每行“代码,名称”，如 docs/divisions_example.csv。")
        parser.add_argument("--username", default="admin", help="系统管理员的用户名（默认 admin）。")
        parser.add_argument("--full-name", default="系统管理员", help="系统管理员的姓名（默认 系统管理员）。")
        parser.add_argument(
            "--generate-password",
            action="store_true",
            help="生成一个随机密码并显示一次（不加时请输入两遍密码）。",
        )

    def handle(self, *args, file: str, username: str, full_name: str, generate_password: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到区划文件：{file}")
        try:
            divisions = read_divisions(path.read_bytes())
            self._write(divisions, admin=None)  # checks the database and the file, writes nothing
        except DivisionFileError as error:
            raise CommandError(f"区划文件 {file} 有错，什么也没写入：\n{error}") from error
        except InstallationRefused as error:
            raise CommandError(f"{error}（什么也没写入。）") from error
        password = new_password() if generate_password else self._typed_password(username, full_name)
        try:
            county, townships, villages = self._write(
                divisions, admin={"username": username, "full_name": full_name, "password": password}
            )
        except (DivisionFileError, InstallationRefused) as error:
            raise CommandError(f"未设置，什么也没写入：\n{error}") from error
        self.stdout.write(self.style.SUCCESS(f"已设置为正式使用：{county.name}（{county.code}）。"))
        for township in townships:
            count = sum(v.township_id == township.pk for v in villages)
            self.stdout.write(f"  {township.name}（{township.code}）：村 {count} 个")
        self.stdout.write(f"系统管理员：{username}（{full_name}）")
        if generate_password:
            self.stdout.write(self.style.WARNING(f"密码（只显示这一次，请立即记下）：{password}"))
        self.stdout.write(
            "下一步：用这个账号登录，在“管理”里添加各村的村民小组和各人的账号；"
            "正式服务前运行 python manage.py check --deploy（见 README“Running a real office”）。"
        )

    def _write(self, divisions: list[Division], *, admin: dict | None):
        """Set the office up in one transaction; with no ``admin``, only check and roll back."""
        with transaction.atomic():
            Installation.claim_for_office()
            created = create_divisions(divisions)
            if admin is None:
                transaction.set_rollback(True)
            else:
                user_create(role=Role.ADMINISTRATOR, unit=created[0], **admin)
        return created

    def _typed_password(self, username: str, full_name: str) -> str:
        """Return a password typed twice that passes the password rules; refuse after three tries."""
        user = get_user_model()(username=username, first_name=full_name)
        for _ in range(3):
            try:
                first = getpass.getpass(f"系统管理员 {username} 的密码：")
                again = getpass.getpass("再输入一遍：")
            except (EOFError, KeyboardInterrupt) as error:
                raise CommandError(
                    "没有输入密码，未设置。请在终端里运行，或加 --generate-password 生成密码。"
                ) from error
            if first != again:
                self.stderr.write("两次输入的密码不一致，请重新输入。")
                continue
            if first == DEMO_PASSWORD:
                self.stderr.write("不能用演示密码，请换一个。")
                continue
            try:
                validate_password(first, user)
            except ValidationError as error:
                self.stderr.write("".join(error.messages))
                continue
            return first
        raise CommandError("三次都没有输入可用的密码，未设置。")
