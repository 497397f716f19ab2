"""Run one write in many processes at the same moment against one database, as many
browser sessions (or app servers) would: each process opens its own connection, waits at a
barrier, then acts. Returns what each one got: saved, refused (a DomainError, with its
class), or unhandled (anything else, with the traceback).

The database is what the ``db_path`` fixture gives: a SQLite file, or with
``DASHBOARD_TEST_ENGINE=postgresql`` a PostgreSQL URL, so the suite runs on both engines."""

from __future__ import annotations

import multiprocessing
import traceback
from dataclasses import dataclass
from typing import Any, Callable

from models import store
from models.errors import DomainError

PROCESSES = 20
TIMEOUT_SECONDS = 120


@dataclass
class Outcome:
    index: int
    status: str  # saved | refused | unhandled
    value: Any = None
    error: str = ""
    kind: str = ""


def _child(database, worker, args, barrier, queue, index) -> None:
    try:  # (store forgets the parent's pooled connections in a forked child: os.register_at_fork)
        with store.opened(database) as db:
            barrier.wait(timeout=TIMEOUT_SECONDS)
            try:
                queue.put(Outcome(index, "saved", worker(db, *args)))
            except DomainError as error:
                queue.put(Outcome(index, "refused", error=str(error), kind=type(error).__name__))
    except BaseException:  # noqa: BLE001 - reported to the parent, which fails the test
        queue.put(Outcome(index, "unhandled", error=traceback.format_exc()))


def at_once(database, worker: Callable, arguments: list[tuple]) -> list[Outcome]:
    """``worker(db, *args)`` for each ``args`` in ``arguments``, each in its own process,
    all released together, on ``database`` (a file path or a PostgreSQL URL). ``worker``
    must be a module-level function (it is pickled)."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(arguments))
    queue = context.Queue()
    processes = [context.Process(target=_child, args=(str(database), worker, args, barrier, queue, i))
                 for i, args in enumerate(arguments)]
    for process in processes:
        process.start()
    outcomes = [queue.get(timeout=TIMEOUT_SECONDS) for _ in processes]
    for process in processes:
        process.join(timeout=TIMEOUT_SECONDS)
    return sorted(outcomes, key=lambda o: o.index)


def unhandled(outcomes: list[Outcome]) -> list[str]:
    return [o.error for o in outcomes if o.status == "unhandled"]


def not_saved(outcomes: list[Outcome]) -> list[tuple[str, str, str]]:
    """(status, kind, message) of each outcome that was not saved: [] when all were."""
    return [(o.status, o.kind, o.error) for o in outcomes if o.status != "saved"]


def audit_count(db, entity: str, action: str, entity_id=None) -> int:
    sql, params = "SELECT COUNT(*) FROM audit_log WHERE entity = :entity AND action = :action", {"entity": entity, "action": action}
    if entity_id is not None:
        sql += " AND entity_id = :entity_id"
        params["entity_id"] = str(entity_id)
    return db.execute(sql, params).fetchone()[0]
