"""Group commit: one thread writes all that is queued in one transaction, then acknowledges it."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from kbgen.errors import StoreError, StoreRefused

log = logging.getLogger(__name__)

Item = tuple[str, tuple[Any, ...]]
_STOP = object()
MAX_BATCH = 512


class BatchWriter:
    """Serialises writes on one thread; a future completes only after its batch is committed.

    Whatever arrives while a commit (and its fsync) is under way goes into the next batch,
    so the cost of making a vote durable is shared by every vote waiting with it.
    """

    def __init__(self, write: Callable[[list[Item]], None], *, name: str) -> None:
        self._write = write
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._closed = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, item: Item) -> Future[None]:
        """Queue `item`; its future resolves when it is committed, or fails with the error."""
        future: Future[None] = Future()
        with self._lock:
            if self._closed:
                raise StoreError("the feedback store is closed")
            self._queue.put((item, future))
        return future

    def close(self) -> None:
        """Write what is queued, then stop the thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(_STOP)
        self._thread.join()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is _STOP:
                return
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is _STOP:
                    stopping = True
                    break
                batch.append(nxt)
            self._commit(batch)

    def _commit(self, batch: list[tuple[Item, Future[None]]]) -> None:
        try:
            self._write([item for item, _ in batch])
        except Exception as exc:  # every waiter learns why, the thread lives on
            refused = isinstance(exc, StoreRefused) or not isinstance(exc, StoreError)
            if len(batch) > 1 and refused:
                # One item the database refuses must not fail the others that came with it:
                # the batch was rolled back, so each is written again on its own. (A store that
                # cannot be reached fails them all at once.)
                for one in batch:
                    self._commit([one])
                return
            if not isinstance(exc, StoreError):
                log.exception("feedback store write failed")
            for _, future in batch:
                future.set_exception(exc)
        else:
            for _, future in batch:
                future.set_result(None)
