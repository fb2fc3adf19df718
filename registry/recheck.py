"""待核实: the active entries judged again by their register's rules on a day, and the exits they propose.

An entry was judged on its entry date; the facts its rule reads change during the year (a husband
back home, a 51st or 16th birthday, a death, a household's income of the year). Each entry of the
day's year active on that day is judged again on it by the same rule function
(``RegisterEntry.problems(on)``) and, when it fails, proposes its exit
(``RegisterEntry.proposed_exit``: the reason mapped from the failed rule, beside the exit reasons).
Nothing ends here: a director ends it with one click (the exit page, its confirmation) or says it is
still valid (``registry.services.register_entry_keep``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from federation.core.models import yearly_values_kept
from registry.models.registers import ProposedExit, RegisterEntry
from registry.rules import judged_together


@dataclass(frozen=True)
class Proposal:
    """An active entry whose rule fails on ``on``, with the exit the facts propose."""

    register: object  # its declaration (``federation.web.registers.Register``)
    entry: RegisterEntry
    exit: ProposedExit

    @property
    def exit_url(self) -> str:
        from django.urls import reverse

        return reverse(self.register.url_name("exit"), args=[self.entry.pk])


def entry_registers() -> list:
    """Return the declared registers of persons (their models are ``RegisterEntry``)."""
    from registry.services import entry_registers

    return entry_registers()


def proposals(village_ids, *, on: dt.date, registers=None) -> list[Proposal]:
    """Return the proposed exits of the entries of ``on``'s year in ``village_ids`` active on ``on``,
    register by register in the register book's order (a few queries a register, whatever the number
    of entries: ``judged_together``)."""
    found: list[Proposal] = []
    with yearly_values_kept():
        for register in registers if registers is not None else entry_registers():
            entries = judged_together(
                register.model.objects.filter(year=on.year, village_id__in=list(village_ids))
                .filter(RegisterEntry.active_on_q(on))
                .select_related("person__village")
                .order_by("village_id", "person__group_number", "person__name", "pk")
            )
            for entry in entries:
                proposed = entry.proposed_exit(on)
                if proposed is not None:
                    found.append(Proposal(register, entry, proposed))
    return found
