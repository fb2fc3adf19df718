"""The seal chain: every step's record sealed with the installation's key and the seal before it.

Issue 14, part 5. A plain SHA-256 digest (``loans.signing``) shows that content changed only to
someone who cannot recompute it; a database writer can. So each :class:`~loans.models.Transition`
also carries a *seal*: the HMAC-SHA256, with the key kept outside the database
(``federation.core.keys``), of the record itself (its content digest, step, signer, role, time,
what it recorded) together with its position in the chain and the seal of the record before it.
The chain runs over all records of the installation in the order they were written, so a writer
without the key can neither change, delete nor move one unseen: :func:`find_breaks` names each break.

The first 10 hex digits of a seal, grouped (:func:`check_code`), are printed on the approval form:
a paper copy can be checked against the system with them.
"""

from __future__ import annotations

import bisect
import hmac
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from federation.core import keys as signing_keys
from federation.core.keys import SigningKey
from loans.signing import Break, BreakKind, canonical_json, plain_value

if TYPE_CHECKING:
    from loans.models import ChainHead, Transition

#: The "seal before" the first record.
GENESIS = "0" * 64
#: How many hex digits of a seal the printed code shows (40 bits: no guess finds another record).
CODE_LENGTH = 10


def sealed_record(transition, *, position: int | None = None, previous: str | None = None) -> dict:
    """Return what a seal covers: the record's fields, its chain position and the seal before it.

    ``transition`` may be a live or a historical (migration) model instance. ``position`` and
    ``previous`` replace the stored ones (to test where a moved record came from).
    """
    return {
        "v": 1,
        "position": transition.sequence if position is None else position,
        "previous": transition.previous_seal if previous is None else previous,
        "application": transition.application_id,
        "action": str(transition.action),
        "from": str(transition.from_status),
        "to": str(transition.to_status),
        "user": transition.user_id,
        "user_name": transition.user_name,
        "role": str(transition.role),
        "at": plain_value(transition.at),
        "reason": transition.reason,
        "details": transition.details,
        "digest": transition.digest,
        "migrated": bool(transition.sealed_by_migration),
    }


def seal_of(transition, key: SigningKey, **place) -> str:
    """Return the seal of ``transition`` with ``key`` (``place``: see :func:`sealed_record`)."""
    return key.sign(canonical_json(sealed_record(transition, **place)).encode("utf-8"))


def lock_head() -> ChainHead:
    """Return the chain's end row, locked until the transaction ends.

    Made by the migration; should it be gone, it is made again from the last sealed record, so
    steps can still be taken (``find_breaks`` reports it missing until then).
    """
    from loans.models import ChainHead, Transition

    head, created = ChainHead.objects.select_for_update().get_or_create(pk=1)
    if created:
        last = Transition.objects.filter(sequence__isnull=False).order_by("-sequence").first()
        if last is not None:
            head.sequence, head.seal = last.sequence, last.seal
            head.save(update_fields=["sequence", "seal"])
    return head


def append(transition: Transition) -> Transition:
    """Seal ``transition`` (unsaved) as the chain's next record and save it; return it.

    Must run inside the transaction that writes the step. The end row is locked first and the
    current key read only then, so a concurrent step or a key rotation waits for this one to commit.
    The unique position is a second guard: a record can never share its place with another.
    """
    head = lock_head()
    key = signing_keys.current_key()
    transition.sequence = head.sequence + 1
    transition.previous_seal = head.seal or GENESIS
    transition.key_id = key.id
    transition.seal = seal_of(transition, key)
    transition.save()
    type(head).objects.filter(pk=head.pk).update(sequence=transition.sequence, seal=transition.seal)
    return transition


# --- the printed code --------------------------------------------------------------------------------


def check_code(seal: str) -> str:
    """Return the printed code of a seal: its first 10 hex digits, upper case, as XXXXX-XXXXX."""
    if not seal:
        return ""
    code = seal[:CODE_LENGTH].upper()
    return f"{code[:5]}-{code[5:]}"


def normalize_code(text: str) -> str | None:
    """Return a typed code as 10 lower-case hex digits (spaces, dashes, full-width forms allowed), or None."""
    plain = unicodedata.normalize("NFKC", text or "").lower()
    plain = "".join(ch for ch in plain if ch not in " -_—－.·\t")
    if len(plain) != CODE_LENGTH or any(ch not in "0123456789abcdef" for ch in plain):
        return None
    return plain


# --- the check -------------------------------------------------------------------------------------------


def _named(transition: Transition) -> str:
    return _("“%(step)s”（%(who)s，第 %(n)s 号记录）") % {
        "step": transition.get_action_display(),
        "who": transition.user_name,
        "n": transition.sequence if transition.sequence is not None else "—",
    }


def _at(transition: Transition, kind: str, message: str) -> Break:
    return Break(
        kind=kind,
        message=message,
        position=transition.sequence,
        transition=transition,
        application_id=transition.application_id,
    )


def _matches(transition: Transition, key: SigningKey, seal: str, **place) -> bool:
    return hmac.compare_digest(seal_of(transition, key, **place), seal)


#: How far (in positions) a record whose seal fails is looked for among the other failing ones,
#: and up to how many failing records that search is made (beyond, a mass change, not a swap).
MOVE_REACH = 32
MOVE_SEARCH_LIMIT = 64


def _came_from(
    record: Transition, bad: list[Transition], by_seal: dict, keys: list[SigningKey]
) -> int | None:
    """Return the position ``record`` was sealed at when it now stands elsewhere, or None.

    Tried: the place after the record its own "previous seal" names, and the places of the other
    records whose seals fail within ``MOVE_REACH`` positions (with its own seal, or with theirs when
    the seals were swapped too), unless more than ``MOVE_SEARCH_LIMIT`` fail. ``bad`` is in chain
    order; the limits keep the check of a mass change quick.
    """
    key = signing_keys.find_key(record.key_id, keys)
    if key is None:
        return None
    near = []
    if len(bad) <= MOVE_SEARCH_LIMIT:
        low = bisect.bisect_left(bad, record.sequence - MOVE_REACH, key=lambda t: t.sequence)
        high = bisect.bisect_right(bad, record.sequence + MOVE_REACH, key=lambda t: t.sequence)
        near = [other for other in bad[low:high] if other is not record]
    places = {other.sequence for other in near}
    before = by_seal.get(record.previous_seal)
    if before is not None:
        places.add(before.sequence + 1)
    elif record.previous_seal == GENESIS:
        places.add(1)
    for place in sorted(places - {record.sequence}):
        if key.may_seal(place) and _matches(record, key, record.seal, position=place):
            return place
    for other in near:
        if key.may_seal(other.sequence) and _matches(
            record, key, other.seal, position=other.sequence, previous=other.previous_seal
        ):
            return other.sequence
    return None


def find_breaks(
    transitions: Iterable[Transition], *, head: ChainHead | None, keys: list[SigningKey]
) -> list[Break]:
    """Return every break of the chain, in chain order: seals that fail, moved, deleted or unsealed records.

    ``transitions`` are all records of the installation; ``head`` the chain's end row; ``keys`` the
    keyring. Each record is reported at most once, by its first cause; a record whose only fault
    is to follow a broken one is not reported again.
    """
    rows = list(transitions)
    sealed = sorted((t for t in rows if t.sequence is not None), key=lambda t: (t.sequence, t.pk))
    by_seal = {t.seal: t for t in sealed if t.seal}
    found: dict[int, Break] = {}
    bad: list[Transition] = []
    for record in sealed:
        key = signing_keys.find_key(record.key_id, keys)
        if key is None:
            found[record.pk] = _at(
                record,
                BreakKind.UNKNOWN_KEY,
                _("%(record)s的封印所用的密钥 %(key)s 不在本机的%(source)s里。")
                % {
                    "record": _named(record),
                    "key": record.key_id or "—",
                    "source": signing_keys.key_source(),
                },
            )
        elif not key.may_seal(record.sequence):
            found[record.pk] = _at(
                record,
                BreakKind.SEAL_FORGED,
                _("%(record)s的封印用的是第 %(last)d 号之后已停用的密钥 %(key)s：是伪造的。")
                % {"record": _named(record), "last": key.retired_after, "key": key.id},
            )
        elif not _matches(record, key, record.seal):
            bad.append(record)
    for record in bad:
        place = _came_from(record, bad, by_seal, keys)
        if place is not None:
            found[record.pk] = _at(
                record,
                BreakKind.REORDERED,
                _("%(record)s的顺序被调换了：封印时它是第 %(place)d 号记录。")
                % {"record": _named(record), "place": place},
            )
        else:
            found[record.pk] = _at(
                record,
                BreakKind.SEAL_FORGED,
                _("%(record)s的封印不符：这条记录写入后被改动过，或封印是不用密钥伪造的。")
                % {"record": _named(record)},
            )
    chain_breaks: list[Break] = []
    previous: Transition | None = None
    for record in sealed:
        expected = previous.seal if previous is not None else GENESIS
        next_place = previous.sequence + 1 if previous is not None else 1
        if record.pk not in found and record.previous_seal != expected:
            earlier = by_seal.get(record.previous_seal)
            follows_a_break = (previous is not None and previous.pk in found) or (
                earlier is not None and earlier.pk in found
            )
            if earlier is None and record.sequence > next_place:
                chain_breaks.append(_deleted(next_place, record.sequence - 1, position=next_place))
            elif follows_a_break:
                pass  # its only fault is to follow a record already reported
            elif earlier is not None:
                found[record.pk] = _at(
                    record,
                    BreakKind.REORDERED,
                    _("%(record)s的顺序被调换了：封印时它接在第 %(place)d 号记录之后。")
                    % {"record": _named(record), "place": earlier.sequence},
                )
            else:
                found[record.pk] = _at(
                    record,
                    BreakKind.SEAL_FORGED,
                    _("%(record)s与前一条记录接不上：前一条记录的封印被改过。") % {"record": _named(record)},
                )
        previous = record
    last = previous.sequence if previous is not None else 0
    if head is not None and head.sequence > last:
        chain_breaks.append(_deleted(last + 1, head.sequence, position=last + 1, newest=True))
    elif head is None and sealed:
        chain_breaks.append(
            Break(
                kind=BreakKind.DELETED,
                message=_("签字链的末端记录被删除了：最新的几条记录是否也被删除，已无法确认。"),
            )
        )
    for record in rows:
        if record.sequence is None:
            found[record.pk] = _at(
                record,
                BreakKind.UNSEALED,
                _("%(record)s没有封印：这条记录不是由系统写入的。") % {"record": _named(record)},
            )
    return sorted([*found.values(), *chain_breaks], key=Break.sort_key)


def _deleted(first: int, last: int, *, position: int, newest: bool = False) -> Break:
    numbers = f"{first}" if first == last else f"{first}–{last}"
    message = (
        _("最后的第 %(numbers)s 号记录被删除了（签字链末端记着第 %(last)d 号）。")
        if newest
        else _("第 %(numbers)s 号记录被删除了（第 %(next)d 号记录接的是一条已不存在的记录）。")
    ) % {"numbers": numbers, "last": last, "next": last + 1}
    return Break(kind=BreakKind.DELETED, message=message, position=position)


def verify_record(transition: Transition, keys: list[SigningKey]) -> Break | None:
    """Return what is wrong with one record's own seal (not its place in the chain), or None."""
    if transition.sequence is None:
        return _at(transition, BreakKind.UNSEALED, _("这条记录没有封印。"))
    key = signing_keys.find_key(transition.key_id, keys)
    if key is None:
        return _at(transition, BreakKind.UNKNOWN_KEY, _("封印所用的密钥不在本机。"))
    if not key.may_seal(transition.sequence) or not _matches(transition, key, transition.seal):
        return _at(transition, BreakKind.SEAL_FORGED, _("这条记录写入后被改动过，或封印是伪造的。"))
    return None
