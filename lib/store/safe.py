"""SafeStore: the Store the app uses, which keeps working when the database does not.

    store = SafeStore(Store)             # one per process (the factory may fail: DB down)
    store.flush()                        # on every script run: cheap when all is saved
    saved = store.save_run(token, run)   # False: kept in memory, not yet in the database
    if not store.available: ...          # show "your runs are not being saved"

Every call to the database is guarded. When it fails (unreachable, locked,
disk full: SQLAlchemy's DBAPIError or a pool timeout) the store is marked
unavailable and:
- save_run and save_progress keep the run (the progress) in an in-memory
  outbox, per process, bounded (OUTBOX_SIZE runs: the oldest goes first);
- reads return what the outbox holds for that student and nothing else
  (runs, progress), or nothing (classes, membership);
- what cannot wait (joining a class, deleting saved runs, teacher actions)
  raises Unavailable, which the page shows as a message.
flush() retries in a background thread at most once every `retry_seconds`
while the database is down, so no page waits on a dead server; when the
database answers again the outbox is written, oldest first, and `available`
is True again. Nothing already in the database is touched by any of this.

A SQLite file that was deleted or replaced under the open Store (FileReplaced,
checked before every write) is an outage too; the retry opens the path again,
which re-creates the database, and adds one to `generation`: the sessions then
save again the runs they still hold (ui/runs.py), since what went into the
deleted file is lost. Run numbers handed out while down come from a counter
in this process; a number that turns out taken is replaced when the run is
finally saved (Store.save_run).

Bad input (StoreError, LimitError, ClassError) passes through unchanged; a
statement the database refuses (a constraint, a value it cannot hold)
becomes a StoreError and is not kept for a retry.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict

import sqlalchemy as sa

from lib.runs import Run
from lib.store import values as v
from lib.store.db import Store
from lib.store.errors import FileReplaced, StoreError, Unavailable

log = logging.getLogger(__name__)

OUTBOX_SIZE = 500  # runs kept in memory while the database is down (~35 KB each)
# the database refused one statement (a constraint, a value, a missing table): not "down";
# passed on as a StoreError, and never kept for a retry that would fail the same way
REFUSED = (sa.exc.IntegrityError, sa.exc.DataError, sa.exc.ProgrammingError)
# anything else from the driver or the pool: unreachable, locked, full, read-only, ...
DB_ERRORS = (sa.exc.DBAPIError, sa.exc.TimeoutError, OSError)


class SafeStore:
    """A Store behind a guard: see the module docstring. Thread-safe."""

    def __init__(
        self, store_factory=Store, retry_seconds: float = 5.0, outbox_size: int = OUTBOX_SIZE
    ):
        self._factory = store_factory
        self.retry_seconds = retry_seconds
        self.outbox_size = outbox_size
        self._store: Store | None = None
        self._runs: OrderedDict[str, tuple] = OrderedDict()  # run.id -> (token, run, code)
        self._progress: dict[str, tuple] = {}  # owner -> (token, data)
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None
        self._last_try = time.monotonic()
        self._numbers: dict[str, int] = {}  # owner -> the last run number handed out here
        self.available = False
        self.generation = 0  # +1 each time a vanished SQLite file was re-created
        self.error = ""  # the last failure, for logs
        try:
            self._store = store_factory()
            self.available = True
        except Exception as exc:  # noqa: BLE001 - any failure
            self._down(exc)

    # ---- state --------------------------------------------------------------------------

    @property
    def store(self) -> Store | None:
        """The Store underneath (None while it could not be opened)."""
        return self._store

    @property
    def pending(self) -> int:
        """Runs waiting in memory for the database."""
        return len(self._runs)

    def _down(self, exc: BaseException) -> None:
        if self.available or not self.error:
            log.warning("database unavailable, keeping work in memory: %s", exc)
        self.available = False
        self.error = f"{type(exc).__name__}: {exc}"[:500]
        self._last_try = time.monotonic()

    def flush(self, wait: bool = False) -> bool:
        """Write what waits in memory (in the background); whether the store is available.

        Cheap when everything is saved. While the database is down, a retry
        starts at most once every retry_seconds. wait=True waits for it.
        """
        if self.available and not self._runs and not self._progress:
            return True
        if wait and self._worker is not None:
            self._worker.join()  # one already under way first
        with self._lock:
            due = self.available or time.monotonic() - self._last_try >= self.retry_seconds
            if due and (self._worker is None or not self._worker.is_alive()):
                self._last_try = time.monotonic()
                self._worker = threading.Thread(target=self._retry, name="store-flush", daemon=True)
                self._worker.start()
            worker = self._worker
        if wait and worker is not None:
            worker.join()
        return self.available

    def _retry(self) -> None:
        try:
            if self._store is None:
                self._store = self._factory()
            try:
                self._store.check()
            except FileReplaced as exc:
                self._reopen(exc)
        except Exception as exc:  # noqa: BLE001
            self._down(exc)
            return
        if not self.available:
            log.warning("database available again; writing %d runs kept in memory", len(self._runs))
        self.available = True
        for key, entry in list(self._runs.items()):
            if not self._write(lambda e=entry: self._store.save_run(*e)):
                return
            with self._lock:
                if self._runs.get(key) is entry:  # not queued again meanwhile
                    del self._runs[key]
        for owner, entry in list(self._progress.items()):
            if not self._write(lambda e=entry: self._store.save_progress(*e)):
                return
            with self._lock:
                if self._progress.get(owner) is entry:
                    del self._progress[owner]

    def _reopen(self, why: FileReplaced) -> None:
        """Open the database path again (re-creating it) after its file vanished."""
        log.warning("%s: opening it again, then saving what is still in memory", why)
        old, self._store = self._store, None
        old.close()
        self._store = self._factory()
        self.generation += 1

    def _write(self, save) -> bool:
        """Run one queued save; False when the database failed (stop flushing)."""
        try:
            save()
        except (StoreError, *REFUSED) as exc:  # a cap or bad data: drop it
            log.warning("dropping work kept in memory: %s", exc)
        except DB_ERRORS as exc:
            self._down(exc)
            return False
        return True

    def _call(self, name: str, *args, fallback):
        """store.name(*args) when the database is up; fallback() when it is not."""
        self.flush()
        if self.available and self._store is not None:
            try:
                return getattr(self._store, name)(*args)
            except REFUSED as exc:
                raise StoreError(f"the database refused this: {exc.orig}") from exc
            except DB_ERRORS as exc:
                self._down(exc)
        return fallback()

    @staticmethod
    def _refuse():
        raise Unavailable("the database is not reachable right now; try again in a minute")

    # ---- runs -----------------------------------------------------------------------------

    def save_run(self, token: str, run: Run, class_code: str | None = None) -> bool:
        """True: saved. False: kept in memory until the database is back."""
        v.owner_of(token)  # garbage is refused, not queued
        entry = (token, run, class_code)
        if self._call("save_run", *entry, fallback=lambda: False) is None:
            with self._lock:
                self._runs.pop(run.id, None)
            return True
        with self._lock:
            self._runs[run.id] = entry
            self._runs.move_to_end(run.id)
            while len(self._runs) > self.outbox_size:
                _, (_, dropped, _) = self._runs.popitem(last=False)
                log.warning("outbox full: dropped run %s kept in memory", dropped.id)
        return False

    def next_run_number(self, token: str, taken=()) -> int:
        """The student's next run number from the database; while it is down, one above
        `taken` (the numbers this session holds) and above any handed out here before."""
        owner = v.owner_of(token)
        number = self._call("next_run_number", token, fallback=lambda: None)
        with self._lock:
            if number is None:
                number = max(self._numbers.get(owner, 0), *taken, 0) + 1
            self._numbers[owner] = max(self._numbers.get(owner, 0), number)
        return number

    def _waiting(self, token: str) -> list[Run]:
        with self._lock:
            return [run for t, run, _ in self._runs.values() if t == token]

    def runs(self, token: str) -> list[Run]:
        """The student's saved runs and those waiting in memory, oldest first."""
        saved = self._call("runs", token, True, fallback=list)
        waiting = self._waiting(token)
        ids = {run.id for run in waiting}
        merged = [run for run in saved if run.id not in ids] + waiting
        return sorted(merged, key=lambda run: (run.created, run.number))

    def count_runs(self, token: str) -> int:
        return self._call("count_runs", token, fallback=lambda: 0) + len(self._waiting(token))

    def delete_run(self, token: str, run_id: str) -> bool:
        """Delete a run, saved or waiting; while down, Unavailable for a saved one."""
        with self._lock:
            entry = self._runs.get(run_id)
            queued = entry is not None and entry[0] == token
            if queued:
                del self._runs[run_id]
        # a run only in memory is gone now; one in the database must wait for it
        fallback = (lambda: True) if queued else self._refuse
        return self._call("delete_run", token, run_id, fallback=fallback) or queued

    def delete_runs(self, token: str) -> int:
        deleted = self._call("delete_runs", token, fallback=self._refuse)
        with self._lock:
            for key in [k for k, (t, _, _) in self._runs.items() if t == token]:
                del self._runs[key]
                deleted += 1
        return deleted

    # ---- progress ---------------------------------------------------------------------------

    def progress(self, token: str) -> dict:
        with self._lock:
            waiting = self._progress.get(v.owner_of(token))
        if waiting is not None:
            return dict(waiting[1])
        return self._call("progress", token, fallback=dict)

    def save_progress(self, token: str, data: dict) -> bool:
        """True: saved. False: kept in memory until the database is back."""
        owner = v.owner_of(token)
        saved = self._call("save_progress", token, data, fallback=lambda: False) is None
        with self._lock:
            if saved:
                self._progress.pop(owner, None)
            else:
                self._progress[owner] = (token, dict(data))
        return saved

    # ---- classes and the rest: read with a fallback, or refuse while down --------------------

    def link_version(self, token: str) -> int | None:
        """The personal link's version; None while the database is down (not checked)."""
        return self._call("link_version", token, fallback=lambda: None)

    def new_link_version(self, token: str) -> int:
        return self._call("new_link_version", token, fallback=self._refuse)

    def knows(self, token: str) -> bool:
        return self._call("knows", token, fallback=lambda: False)

    def ping(self) -> bool:
        return self._call("ping", fallback=lambda: False)

    def membership(self, token: str):
        return self._call("membership", token, fallback=lambda: None)

    def class_info(self, code: str):
        return self._call("class_info", code, fallback=lambda: None)

    def class_runs(self, code: str, token: str | None = None, history: bool = True) -> list:
        return self._call("class_runs", code, token, history, fallback=list)

    def board_mark(self, code: str):
        return self._call("board_mark", code, fallback=lambda: None)

    def class_histories(self, code: str, run_ids) -> dict:
        return self._call("class_histories", code, run_ids, fallback=dict)

    def is_teacher(self, code: str, secret: str) -> bool:
        return self._call("is_teacher", code, secret, fallback=lambda: False)

    def create_class(self, title: str = "") -> tuple[str, str]:
        return self._call("create_class", title, fallback=self._refuse)

    def join_class(self, code: str, token: str, display_name: str = "") -> str:
        return self._call("join_class", code, token, display_name, fallback=self._refuse)

    def leave_class(self, token: str) -> None:
        return self._call("leave_class", token, fallback=self._refuse)

    def set_hide_names(self, code: str, secret: str, hide: bool) -> None:
        return self._call("set_hide_names", code, secret, hide, fallback=self._refuse)

    def remove_class_run(self, code: str, secret: str, run_id: str) -> bool:
        return self._call("remove_class_run", code, secret, run_id, fallback=self._refuse)

    def close_class(self, code: str, secret: str) -> None:
        return self._call("close_class", code, secret, fallback=self._refuse)

    def rotate_teacher(self, code: str, secret: str) -> str:
        return self._call("rotate_teacher", code, secret, fallback=self._refuse)

    def class_members(self, code: str, secret: str) -> list:
        return self._call("class_members", code, secret, fallback=self._refuse)

    def remove_member(self, code: str, secret: str, key: str) -> int:
        return self._call("remove_member", code, secret, key, fallback=self._refuse)

    def delete_class(self, code: str, secret: str) -> None:
        return self._call("delete_class", code, secret, fallback=self._refuse)

    def class_csv(self, code: str, secret: str) -> str:
        return self._call("class_csv", code, secret, fallback=self._refuse)

    # ---- class polls (lib/store/polls.py): read with a fallback, act only when up ----------

    def current_poll(self, code: str, token: str | None = None):
        return self._call("current_poll", code, token, fallback=lambda: None)

    def class_size(self, code: str) -> int:
        return self._call("class_size", code, fallback=lambda: 0)

    def ask_poll(self, code: str, secret: str, kind: str, question: str, options) -> int:
        return self._call("ask_poll", code, secret, kind, question, options, fallback=self._refuse)

    def answer_poll(self, code: str, token: str, poll_id: int, choice: int) -> None:
        return self._call("answer_poll", code, token, poll_id, choice, fallback=self._refuse)

    def reveal_poll(self, code: str, secret: str, poll_id: int) -> None:
        return self._call("reveal_poll", code, secret, poll_id, fallback=self._refuse)

    def close_poll(self, code: str, secret: str, poll_id: int) -> None:
        return self._call("close_poll", code, secret, poll_id, fallback=self._refuse)

    def purge(self, older_than_days: float) -> dict:
        return self._call("purge", older_than_days, fallback=self._refuse)
