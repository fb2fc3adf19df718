"""What ``export_ledger`` and ``import_ledger`` share: their last two options and who acts.

(A module whose name starts with ``_`` is not a command.)
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

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
