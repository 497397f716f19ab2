"""Run one write in many processes at the same moment against one database file, as
many browser sessions would: each process opens its own connection, waits at a barrier,
then acts. Returns what each one got: saved, refused (a DomainError, with its class), or
unhandled (anything else, with the traceback)."""

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


def _child(db_path, worker, args, barrier, queue, index) -> None:
    try:
        with store.opened(db_path) as db:
            barrier.wait(timeout=TIMEOUT_SECONDS)
            try:
                queue.put(Outcome(index, "saved", worker(db, *args)))
            except DomainError as error:
                queue.put(Outcome(index, "refused", error=str(error), kind=type(error).__name__))
    except BaseException:  # noqa: BLE001 - reported to the parent, which fails the test
        queue.put(Outcome(index, "unhandled", error=traceback.format_exc()))


def at_once(db_path, worker: Callable, arguments: list[tuple]) -> list[Outcome]:
    """``worker(db, *args)`` for each ``args`` in ``arguments``, each in its own process,
    all released together. ``worker`` must be a module-level function (it is pickled)."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(arguments))
    queue = context.Queue()
    processes = [context.Process(target=_child, args=(str(db_path), worker, args, barrier, queue, i))
                 for i, args in enumerate(arguments)]
    for process in processes:
        process.start()
    outcomes = [queue.get(timeout=TIMEOUT_SECONDS) for _ in processes]
    for process in processes:
        process.join(timeout=TIMEOUT_SECONDS)
    return sorted(outcomes, key=lambda o: o.index)


def unhandled(outcomes: list[Outcome]) -> list[str]:
    return [o.error for o in outcomes if o.status == "unhandled"]


def audit_count(db, entity: str, action: str, entity_id=None) -> int:
    sql, params = "SELECT COUNT(*) FROM audit_log WHERE entity = :entity AND action = :action", {"entity": entity, "action": action}
    if entity_id is not None:
        sql += " AND entity_id = :entity_id"
        params["entity_id"] = str(entity_id)
    return db.execute(sql, params).fetchone()[0]
