"""Whether the background task of an import or an export is alive, and what is left of a dead one.

A task beats while it runs: :class:`Heartbeat` writes its record's ``heartbeat_at`` (and the
progress it was told) every ``TASK_HEARTBEAT_SECONDS`` from a thread of its own, so a long PDF page
or a long write beats as a short one does, and a worker killed (SIGKILL, a power cut, django-q2's
own timeout) stops beating with it. A record whose heartbeat is older than ``TASK_STALE_SECONDS``
and whose task is not waiting in the queue (a task queued behind another has not started beating)
belongs to a dead worker: the imports and exports services mark it failed
(``import_fail_dead``, ``export_fail_dead``, both through :func:`fail_dead`) and :func:`forget` its queue row.
Both of django-q2's brokers the settings offer are read so (the database's queue, or Redis's: see
the section on the queue below); tasks are queued through :func:`enqueue`.

Each attempt carries a token, kept on the record and passed to the task: django-q2 hands a task
whose worker died to a worker again once its lock expires (the ORM broker: ``Q_CLUSTER["retry"]``,
about an hour later); by then the record holds another token or another status, and the task does nothing.

On SQLite the database has one writer: while an import writes in its one transaction the heartbeat
waits, and a record cannot be marked failed either (the same lock), so a live import is never taken
for a dead one. ``TASK_STALE_SECONDS`` (10 minutes) is far above what the longest import holds it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import traceback
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import DatabaseError, OperationalError, connections, models, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


def heartbeat_seconds() -> float:
    """Return how often a running task beats (setting ``TASK_HEARTBEAT_SECONDS``, 5 s)."""
    return float(getattr(settings, "TASK_HEARTBEAT_SECONDS", 5))


def stale_seconds() -> float:
    """Return after how long without a heartbeat a task is dead (setting ``TASK_STALE_SECONDS``, 600 s)."""
    return float(getattr(settings, "TASK_STALE_SECONDS", 600))


def stale_before(now: dt.datetime | None = None) -> dt.datetime:
    """Return the time before which a heartbeat is too old for a live task."""
    return (now or timezone.now()) - dt.timedelta(seconds=stale_seconds())


def stale(now: dt.datetime | None = None) -> models.Q:
    """Return the condition of a record whose task has not beaten since :func:`stale_before`.

    A record without a heartbeat (queued before heartbeats were kept) counts from its creation.
    """
    cutoff = stale_before(now)
    return models.Q(heartbeat_at__lt=cutoff) | models.Q(heartbeat_at__isnull=True, created_at__lt=cutoff)


def fail_dead(
    records: models.QuerySet,
    *,
    running: Iterable[str],
    failed: dict[str, Any],
    now: dt.datetime,
    then: Callable[[Any], None],
) -> int:
    """Write ``failed`` on the records among ``records`` whose worker died; return how many.

    Dead: a status of ``running``, no heartbeat since :func:`stale_before` and its task not waiting
    in the queue. Each is marked only if it still holds the token and the status it was found with
    (a task that beat or ended meanwhile is left alone); then its queue row is forgotten and
    ``then(record)`` runs (the record as found: its half-written file, say). On SQLite a record whose
    write lock a live import holds is skipped: it is not dead.
    """
    running = list(running)
    candidates = list(records.filter(status__in=running).filter(stale(now)))
    if not candidates:
        return 0
    try:
        waiting = waiting_tokens()
    except QueueUnreachable as exc:  # Redis down: whether they wait cannot be told, none is dead yet
        logger.warning("task queue unreachable, no task taken for dead: %s", type(exc).__name__)
        return 0
    count = 0
    for record in candidates:
        if record.task_token and record.task_token in waiting:
            continue  # queued behind another task: it has not started yet
        rows = type(record)._default_manager.filter(pk=record.pk, task_token=record.task_token)
        try:
            with transaction.atomic():
                marked = rows.filter(status__in=running).filter(stale(now)).update(**failed)
        except OperationalError:  # SQLite: the write lock is held, by a live task's transaction
            continue
        if marked:
            forget(record.task_token)
            then(record)
            count += marked
    return count


def new_token() -> str:
    """Return the token of a new attempt of a task."""
    return uuid.uuid4().hex


class Heartbeat:
    """Beat for the running task of one record, from a thread, while the ``with`` block runs.

    Each beat writes ``heartbeat_at`` and the values last given to :meth:`report` to the record,
    only while it still holds ``token`` and a status of ``running``: a beat that comes late (a beat
    waiting for SQLite's write lock when the task ends) cannot undo what the task wrote last.
    """

    def __init__(self, model: type[models.Model], pk: int, token: str, running: Iterable[str]) -> None:
        self.rows = model._default_manager.filter(pk=pk, task_token=token, status__in=list(running))
        self.values: dict[str, Any] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"heartbeat-{model.__name__}-{pk}", daemon=True
        )

    def report(self, **values: Any) -> None:
        """Keep ``values`` (e.g. ``rows_done``) for the next beat to write."""
        self.values = {**self.values, **values}  # a new dict: the beat's thread reads the old one whole

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=1)

    def _run(self) -> None:
        try:
            while not self._stop.wait(heartbeat_seconds()):
                self.beat()
        finally:
            connections.close_all()  # this thread's own connections

    def beat(self) -> None:
        """Write the heartbeat now (through this thread's connection: visible at once)."""
        try:
            self.rows.update(heartbeat_at=timezone.now(), **self.values)
        except DatabaseError as exc:  # SQLite's write lock held by the task's own transaction
            logger.debug("heartbeat skipped: %s", type(exc).__name__)


# -- django-q2's queue ------------------------------------------------------------------------------
#
# Two brokers (``Q_CLUSTER`` in federation/project/settings.py, setting ``Q_BROKER_URL``):
#
# - the ORM broker keeps a task as a row of django_q's ``OrmQ`` in the database. A worker that takes
#   it locks the row until ``Q_CLUSTER["retry"]`` and deletes it when the task ends; a dead worker's
#   row stays locked, and is handed out again once the lock expires unless :func:`forget` deletes it.
# - the Redis broker keeps a task in a Redis list; a worker takes it by popping it (``BLPOP``), and
#   nothing of it is left in Redis: a dead worker's task is never handed out again. A task still in
#   the list waits; :func:`forget` removes an attempt's entry if one is there all the same.
#
# A task taken by a worker (off the list, or its row locked) counts as started in both. (A cluster
# takes up to ``queue_limit`` tasks ahead of its workers, Q_WORKERS² by default; one taken so has not
# begun to beat either, and counts from its record's creation like any: TASK_STALE_SECONDS is long.)


class QueueUnreachable(Exception):
    """The task queue (Redis) cannot be reached: which tasks wait there is not known."""


def _broker():
    from django_q.brokers import get_broker

    return get_broker()


def _on_redis(broker: Any) -> bool:
    from django_q.brokers.redis_broker import Redis

    return isinstance(broker, Redis)


def _queue_rows():
    from django_q.conf import Conf
    from django_q.models import OrmQ

    return OrmQ.objects.using(Conf.ORM or "default")


def _token_in(args: Any) -> str | None:
    return next((a for a in args or () if isinstance(a, str) and len(a) == 32), None)


def _token_of(row: Any) -> str | None:
    return _token_in(row.args())


def _redis_entries(broker: Any) -> list[tuple[bytes, str | None]]:
    """Return each entry waiting in the Redis list with the token of its task (None: not ours)."""
    from django_q.signing import BadSignature, SignedPackage

    entries = []
    for payload in broker.connection.lrange(broker.list_key, 0, -1):
        try:
            task = SignedPackage.loads(payload.decode() if isinstance(payload, bytes) else payload)
        except (BadSignature, UnicodeDecodeError):  # another site's task, signed with its own key
            entries.append((payload, None))
            continue
        entries.append((payload, _token_in(task.get("args"))))
    return entries


def waiting_tokens() -> set[str]:
    """Return the tokens of the tasks waiting in the queue that no worker has taken yet.

    Raise :class:`QueueUnreachable` when the queue is on a Redis that does not answer.
    """
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    broker = _broker()
    if _on_redis(broker):
        try:
            return {token for _payload, token in _redis_entries(broker) if token}
        except (RedisConnectionError, RedisTimeoutError) as exc:
            raise QueueUnreachable(str(exc)) from exc
    return {t for row in _queue_rows().filter(lock__lte=timezone.now()) if (t := _token_of(row))}


def forget(token: str) -> int:
    """Delete what the queue keeps of the attempt ``token`` (a dead worker's); return how many entries.

    On the ORM broker it is the task's row, locked for an hour: without this, django-q2 would hand
    the task to a worker again once the lock expires. On Redis a taken task has left the list, so
    there is nothing to delete but a stray entry of the same attempt.
    """
    if not token:
        return 0
    broker = _broker()
    if _on_redis(broker):
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        try:
            return sum(
                broker.connection.lrem(broker.list_key, 0, payload)
                for payload, found in _redis_entries(broker)
                if found == token
            )
        except (RedisConnectionError, RedisTimeoutError) as exc:
            # A stray entry left behind is harmless: the attempt it names no longer holds its record's
            # token, so a worker that takes it does nothing.
            logger.warning("task queue unreachable, a dead attempt's entry left: %s", type(exc).__name__)
            return 0
    gone = [row.pk for row in _queue_rows() if _token_of(row) == token]
    if gone:
        _queue_rows().filter(pk__in=gone).delete()
    return len(gone)


def enqueue(func: str, *args: Any, **options: Any) -> None:
    """Queue the task ``func(*args)`` for django-q2's workers (``options`` as ``async_task`` takes them).

    On the ORM broker the task's row is written at once, in the caller's transaction: it commits, or
    is rolled back, with the record it runs for. A Redis queue is outside the database, and a worker
    (on another host, say) takes a task within milliseconds: there the task is queued once the
    caller's transaction commits, so that its worker finds the record, and never for a rolled-back one.
    A Redis that does not answer then is logged, the request goes on: the record, queued but on no
    queue, is taken for dead after ``TASK_STALE_SECONDS`` (once Redis answers again) and failed.
    """
    from django_q.tasks import async_task

    if _on_redis(_broker()):
        transaction.on_commit(lambda: async_task(func, *args, **options), robust=True)
    else:
        async_task(func, *args, **options)


def log_failure(log: logging.Logger, what: str, record: Any, exc: BaseException) -> None:
    """Log that ``record``'s task (``what``: "import", "export") failed: the exception's type and
    place only, never its message, which may quote a cell (an ID number, a health result)."""
    where = traceback.extract_tb(exc.__traceback__)[-1]
    log.error(
        "%s %s (%s) failed: %s at %s:%s",
        what,
        record.pk,
        record.ledger,
        type(exc).__name__,
        where.filename,
        where.lineno,
    )
