"""Store: students' runs, lesson progress and classes in SQLite or PostgreSQL.

    store = Store()                      # SOFTMAX_DB_URL, else state/softmax.db
    token = new_token()                  # kept in the student's browser
    store.save_run(token, run)           # after the run ends or is stopped
    store.runs(token)                    # [Run, ...], oldest first, weights included
    code, secret = store.create_class("Monday 10:00")
    store.join_class(code, other_token, "Ada")
    store.save_run(other_token, run2, class_code=code)
    store.class_runs(code)               # [BoardRun, ...] for the board

Every query about a student's runs filters by owner, the SHA-256 of the
student's token, so a student reaches only their own runs. Teacher actions
need the class's teacher secret. A run is written once when it ends (or is
stopped) and again if it changes: never per epoch.

Errors: StoreError/LimitError/ClassError (lib/store/errors.py) for bad input,
caps and refusals; SQLAlchemy's errors when the database itself fails
(lib/store/safe.py turns those into "not saved, kept in memory").
"""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa

from lib.config import TrainConfig
from lib.data import NUM_INPUTS, NUM_OUTPUTS
from lib.runs import STATUSES, Run
from lib.server_settings import ServerSettings
from lib.store import values as v
from lib.store.classes import BoardRun, Classes, ClassInfo, _drop_classes, _postable
from lib.store.engine import DEFAULT_URL, make_engine
from lib.store.errors import FileReplaced, LimitError, StoreError
from lib.store.migrations import upgrade
from lib.store.polls import Polls
from lib.store.schema import class_members, classes, identities, progress, runs
from lib.trainers.contract import Breakdown

log = logging.getLogger(__name__)

MAX_RUNS_PER_STUDENT = 200
MAX_PROGRESS_BYTES = 64_000
W_SHAPE, B_SHAPE = (NUM_INPUTS, NUM_OUTPUTS), (NUM_OUTPUTS,)


__all__ = ["Store", "BoardRun", "ClassInfo", "MAX_RUNS_PER_STUDENT"]


class Store(Classes, Polls):
    """One database: see the module docstring. Thread-safe; one per process is enough.

    The class operations (create_class, join_class, class_runs, ...) are in
    lib/store/classes.py, the class polls (ask_poll, answer_poll, ...) in lib/store/polls.py.
    """

    def __init__(
        self, url: str | None = None, busy_timeout: float = 10.0, max_members: int | None = None
    ):
        settings = ServerSettings.from_env()
        self.url = url or settings.db_url or DEFAULT_URL
        self.max_members = max_members or settings.class_max_members  # students per class
        self.engine = make_engine(self.url, busy_timeout=busy_timeout)
        self.writer = self.engine.execution_options(write=True)
        try:
            self.upgraded_from, self.version = upgrade(self.engine)
        except BaseException:
            self.engine.dispose()
            raise
        # SQLite: which file was opened, so a write never goes to a deleted one (see _write)
        self.path = self.engine.url.database if self.engine.dialect.name == "sqlite" else None
        self.file_id = _file_id(self.path) if self.path else None

    def close(self) -> None:
        self.engine.dispose()

    def _check_file(self) -> None:
        """SQLite: FileReplaced when the database file vanished or is another file now.

        A pooled connection keeps writing into a deleted file's inode without an
        error, and all of it is gone when the process ends: so every write asks
        first (one stat call).
        """
        if self.file_id is not None and _file_id(self.path) != self.file_id:
            raise FileReplaced(f"the database file {self.path} was deleted or replaced")

    @contextmanager
    def _write(self, lock: str | None = None):
        """A write transaction; `lock` serialises writers of one student or class (PG)."""
        self._check_file()
        with self.writer.begin() as conn:
            if lock and conn.dialect.name == "postgresql":
                conn.execute(
                    sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": lock}
                )
            yield conn

    def check(self) -> None:
        """Ask the database for SELECT 1; SQLAlchemy's error when it does not answer."""
        self._check_file()
        with self.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))

    def ping(self) -> bool:
        """Whether the database answers."""
        try:
            self.check()
        except sa.exc.SQLAlchemyError:
            return False
        return True

    # ---- runs -------------------------------------------------------------------------

    def save_run(self, token: str, run: Run, class_code: str | None = None) -> None:
        """Insert or update `run` (by run.id) for the student; post it to their class.

        A new run whose number the student already has (it was numbered while the
        database was down) gets the next free one: run.number is changed to it.
        The run goes on the class board only if the student is a member of
        `class_code` and the class is open; a run the teacher removed stays off.
        LimitError when a new run would pass MAX_RUNS_PER_STUDENT.
        """
        owner = v.owner_of(token)
        row = _run_row(run)
        with self._write(lock=owner) as conn:
            old = conn.execute(
                sa.select(runs.c.owner, runs.c.class_code).where(runs.c.id == run.id)
            ).first()
            if old is not None and old.owner != owner:
                raise StoreError("this run id belongs to another student")
            if old is None and _count(conn, owner) >= MAX_RUNS_PER_STUDENT:
                raise LimitError(
                    f"at most {MAX_RUNS_PER_STUDENT} saved runs per student: "
                    "delete some to save new ones"
                )
            if class_code and (old is None or old.class_code is None):
                row["class_code"] = _postable(conn, owner, class_code)
            if old is None and _number_taken(conn, owner, row["number"]):
                # numbered while the database was down, and the number is taken since
                run.number = row["number"] = _allocate(conn, owner)
            if old is None:
                conn.execute(runs.insert().values(owner=owner, **row))
            else:
                conn.execute(runs.update().where(runs.c.id == run.id).values(**row))

    def runs(self, token: str, skip_corrupt: bool = False) -> list[Run]:
        """The student's runs, oldest first; StoreError on a corrupted one (or skip it)."""
        owner = v.owner_of(token)
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(runs).where(runs.c.owner == owner).order_by(runs.c.created, runs.c.number)
            ).all()
        result = []
        for row in rows:
            try:
                result.append(_run_from(row))
            except StoreError as exc:
                if not skip_corrupt:
                    raise
                log.warning("skipping a stored run: %s", exc)
        return result

    def count_runs(self, token: str) -> int:
        with self.engine.connect() as conn:
            return _count(conn, v.owner_of(token))

    def delete_run(self, token: str, run_id: str) -> bool:
        """Delete one of the student's runs; False when they have no run with that id."""
        with self._write() as conn:
            result = conn.execute(
                runs.delete().where(runs.c.owner == v.owner_of(token), runs.c.id == str(run_id))
            )
        return result.rowcount == 1

    def delete_runs(self, token: str) -> int:
        """Delete all of the student's runs; how many there were."""
        with self._write() as conn:
            return conn.execute(runs.delete().where(runs.c.owner == v.owner_of(token))).rowcount

    def next_run_number(self, token: str) -> int:
        """The student's next run number: unique, whatever their tabs and servers do."""
        owner = v.owner_of(token)
        with self._write(lock=owner) as conn:
            return _allocate(conn, owner)

    # ---- identities: the personal link's version ------------------------------------------

    def link_version(self, token: str) -> int:
        """The version of the student's personal link (0 until they asked for a new one)."""
        with self.engine.connect() as conn:
            return _identity(conn, v.owner_of(token)).link_version

    def new_link_version(self, token: str) -> int:
        """Revoke the student's personal link: the next version, which links must carry."""
        owner = v.owner_of(token)
        with self._write(lock=owner) as conn:
            version = _identity(conn, owner).link_version + 1
            _set_identity(conn, owner, link_version=version)
        return version

    def knows(self, token: str) -> bool:
        """Whether the store holds anything of this student's (runs, progress, a class)."""
        owner = v.owner_of(token)
        with self.engine.connect() as conn:
            for table in (runs, progress, identities, class_members):
                found = conn.execute(
                    sa.select(table.c.owner).where(table.c.owner == owner).limit(1)
                ).first()
                if found:
                    return True
        return False

    # ---- lesson progress ----------------------------------------------------------------

    def progress(self, token: str) -> dict:
        with self.engine.connect() as conn:
            data = conn.execute(
                sa.select(progress.c.data).where(progress.c.owner == v.owner_of(token))
            ).scalar()
        return v.from_json(data) if data is not None else {}

    def save_progress(self, token: str, data: dict) -> None:
        owner = v.owner_of(token)
        if not isinstance(data, dict):
            raise StoreError("lesson progress must be a dict")
        data = v.to_json(data)
        try:
            size = len(v.json_text(data))
        except (TypeError, ValueError) as exc:
            raise StoreError(f"lesson progress is not JSON: {exc}") from None
        if size > MAX_PROGRESS_BYTES:
            raise StoreError(f"lesson progress is {size} bytes, at most {MAX_PROGRESS_BYTES}")
        with self._write(lock=owner) as conn:
            done = conn.execute(
                progress.update()
                .where(progress.c.owner == owner)
                .values(data=data, updated=v.utc_now())
            )
            if done.rowcount == 0:
                conn.execute(progress.insert().values(owner=owner, data=data, updated=v.utc_now()))

    # ---- retention --------------------------------------------------------------------

    def purge(self, older_than_days: float) -> dict[str, int]:
        """Delete runs, classes (with their members) and progress older than that."""
        if not older_than_days > 0:
            raise ValueError("older_than_days must be a positive number of days")
        cutoff = v.utc_now() - timedelta(days=older_than_days)
        with self._write() as conn:
            old = sa.select(classes.c.code).where(classes.c.created < cutoff).scalar_subquery()
            counts = _drop_classes(conn, old)
            counts["runs"] = conn.execute(runs.delete().where(runs.c.created < cutoff)).rowcount
            counts["progress"] = conn.execute(
                progress.delete().where(progress.c.updated < cutoff)
            ).rowcount
        return counts


# ---- rows in and out ----------------------------------------------------------------------


def _run_row(run: Run) -> dict:
    """The columns of a run (without owner and class), checked."""
    if not (
        isinstance(run.id, str)
        and len(run.id) == 32
        and all(c in "0123456789abcdef" for c in run.id)
    ):
        raise StoreError("a run id is 32 hex digits (uuid4().hex)")
    if run.status not in STATUSES:
        raise StoreError(f"unknown run status {run.status!r}")
    w, w_shape = v.weights_to_bytes(run.W)
    b, b_shape = v.weights_to_bytes(run.b)
    if (w_shape, b_shape) not in ((None, None), ("784,10", "10")):
        raise StoreError(f"W and b have shapes {w_shape} and {b_shape}, expected 784,10 and 10")
    last = run.history[-1] if run.history else {}
    test_acc = last.get("test_acc")
    return {
        "id": run.id,
        "number": int(run.number),
        "created": v.to_utc(run.created),
        "saved": v.utc_now(),
        "settings": run.cfg.to_dict(),
        "framework": run.cfg.framework,
        "status": run.status,
        "breakdown": v.to_json(run.breakdown.to_dict()) if run.breakdown else None,
        "device": v.clean_text(str(run.device), 120),
        "history": v.to_json(list(run.history)),
        "seconds": float(run.seconds),
        "epochs_run": run.epochs_run,
        "test_acc": test_acc if isinstance(test_acc, float) and test_acc == test_acc else None,
        "w": w,
        "w_shape": w_shape,
        "b": b,
        "b_shape": b_shape,
    }


def _run_from(row) -> Run:
    """A Run from its row; StoreError when the weights or the settings do not check out."""
    try:
        cfg = TrainConfig.from_dict(row.settings)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"run {row.id}: stored settings no longer valid ({exc})") from None
    try:
        W = v.weights_from_bytes(row.w, row.w_shape, W_SHAPE)
        b = v.weights_from_bytes(row.b, row.b_shape, B_SHAPE)
    except StoreError as exc:
        raise StoreError(f"run {row.id}: {exc}") from None
    breakdown = Breakdown.from_dict(v.from_json(row.breakdown)) if row.breakdown else None
    return Run(
        number=row.number,
        cfg=cfg,
        history=v.from_json(row.history),
        W=W,
        b=b,
        status=row.status,
        breakdown=breakdown,
        device=row.device,
        created=v.from_utc(row.created),
        id=row.id,
    )


# ---- small queries inside a transaction ---------------------------------------------------


def _count(conn, owner: str) -> int:
    return conn.execute(
        sa.select(sa.func.count()).select_from(runs).where(runs.c.owner == owner)
    ).scalar()


def _number_taken(conn, owner: str, number: int) -> bool:
    return (
        conn.execute(
            sa.select(runs.c.id).where(runs.c.owner == owner, runs.c.number == number).limit(1)
        ).first()
        is not None
    )


def _allocate(conn, owner: str) -> int:
    """The next run number, above every number handed out or stored (in a write)."""
    stored = conn.execute(
        sa.select(sa.func.max(runs.c.number)).where(runs.c.owner == owner)
    ).scalar()
    number = max(_identity(conn, owner).last_run, stored or 0) + 1
    _set_identity(conn, owner, last_run=number)
    return number


class _NoIdentity:
    link_version = 0
    last_run = 0


def _identity(conn, owner: str):
    """The student's identities row (zeros when there is none yet)."""
    row = conn.execute(
        sa.select(identities.c.link_version, identities.c.last_run).where(
            identities.c.owner == owner
        )
    ).first()
    return row or _NoIdentity


def _set_identity(conn, owner: str, **values) -> None:
    values["updated"] = v.utc_now()
    done = conn.execute(identities.update().where(identities.c.owner == owner).values(**values))
    if done.rowcount == 0:
        conn.execute(identities.insert().values(owner=owner, **values))


def _file_id(path: str) -> tuple[int, int] | None:
    """(device, inode) of a file; None when there is no file."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino
