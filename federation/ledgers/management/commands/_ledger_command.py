"""What ``export_ledger`` and ``import_ledger`` share: the ledger named first, ``--list``, ``--as`` and
who acts.

(A module whose name starts with ``_`` is not a command.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from federation.core.actors import command_actor


def add_list_and_as(parser: CommandParser, doing: str) -> None:
    """Add ``--list`` (the ledgers one can ``doing``) and ``--as USER`` (who does it)."""
    parser.add_argument("--list", action="store_true", help=f"列出可以{doing}的台账")
    parser.add_argument(
        "--as", dest="as_user", metavar="USER", help=f"以这个账号的身份{doing}（默认：系统账号 system）"
    )


def actor_of(unit: Any, as_user: str | None) -> Any:
    """Return who acts on ``unit``: the system user, or ``as_user``; a refusal as the command's error."""
    try:
        return command_actor(unit, as_user)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


class LedgerCommand(BaseCommand):
    """A command on the ledger its first argument names; ``--list`` lists the ledgers instead."""

    #: What it does to a ledger, as its options' help says it (导出, 导入).
    doing = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ledger", nargs="?", help="台账名称（--list 列出全部）")
        self.add_ledger_arguments(parser)
        add_list_and_as(parser, self.doing)

    def add_ledger_arguments(self, parser: CommandParser) -> None:
        """Add the command's own arguments, after the ledger's name."""

    def listed(self) -> Iterable[str]:
        """Return the lines of ``--list``: one a ledger."""
        raise NotImplementedError

    def handle(self, *args, **options) -> None:
        if options["list"]:
            for line in self.listed():
                self.stdout.write(line)
            return
        self.handle_ledger(options["ledger"], **options)

    def handle_ledger(self, name: str | None, **options) -> None:
        """Do the command to the ledger ``name`` (None when not given) with the command's ``options``."""
        raise NotImplementedError
