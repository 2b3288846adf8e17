"""A hard time limit for a query: it runs in a child process that is killed at the limit.

pyoxigraph cannot interrupt a query in-process (an aggregate gives control back only when it
finishes, and a thread cannot be stopped; see engines.md), so the query runs in a forked
child. The child inherits the store (an in-memory store is shared copy-on-write, an on-disk
store is opened read-only), sends its answer back through a pipe, and is killed when the
limit passes.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from ..errors import PharmakgError, QueryTimeoutError, StoreError

__all__ = ["run_with_timeout"]

T = TypeVar("T")


def _child(action: Callable[[], Any], conn: Connection) -> None:
    try:
        conn.send(("ok", action()))
    except PharmakgError as error:
        conn.send(
            (
                "error",
                (type(error), error.message, error.file, error.line, error.term, error.choices),
            )
        )
    except Exception as error:  # anything else is reported, not lost with the child
        conn.send(("error", (StoreError, f"the query failed: {error}", None, None, None, ())))
    finally:
        conn.close()


def run_with_timeout(action: Callable[[], T], seconds: float) -> T:
    """Run ``action`` in a forked child; its result, or :class:`QueryTimeoutError` at ``seconds``.

    :raises QueryTimeoutError: the limit passed; the child was killed.
    """
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(action, child), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(seconds):
            raise QueryTimeoutError(
                f"the query ran longer than {seconds:g} s and was stopped; "
                "narrow it (LIMIT, fewer joins) or give a longer --timeout"
            )
        try:
            status, payload = parent.recv()
        except EOFError as error:
            raise StoreError("the query process ended without an answer") from error
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        parent.close()
    if status == "error":
        cls, message, file, line, term, choices = payload
        raise cls(message, file=file, line=line, term=term, choices=choices)
    result: T = payload
    return result
