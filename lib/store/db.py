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

import csv
import io
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from lib.breakdown import Breakdown
from lib.config import TrainConfig
from lib.data import NUM_INPUTS, NUM_OUTPUTS
from lib.runs import EPOCH_COLUMNS, STATUSES, Run, settings_row
from lib.store import values as v
from lib.store.engine import DEFAULT_URL, make_engine
from lib.store.errors import ClassError, LimitError, StoreError
from lib.store.migrations import upgrade
from lib.store.schema import class_members, classes, progress, runs

log = logging.getLogger(__name__)

MAX_RUNS_PER_STUDENT = 200
MAX_STUDENTS_PER_CLASS = 100
MAX_PROGRESS_BYTES = 64_000
W_SHAPE, B_SHAPE = (NUM_INPUTS, NUM_OUTPUTS), (NUM_OUTPUTS,)


@dataclass(frozen=True)
class ClassInfo:
    code: str
    title: str
    created: float          # seconds since 1970, UTC
    closed: bool            # no new students, no new runs
    hide_names: bool        # the board shows "#1", "#2" … instead of names
    students: int           # members who have not left
    runs: int               # runs on the board


@dataclass(frozen=True)
class BoardRun:
    """One run as the class board shows it (no weights)."""

    student: str            # display name, or "#k" while the teacher hides names
    run_id: str
    number: int
    settings: dict          # TrainConfig.to_dict()
    status: str
    epochs_run: int
    test_acc: float | None
    created: float
    history: list = field(repr=False)
    mine: bool = False      # the run of the student whose token was passed


class Store:
    """One database: see the module docstring. Thread-safe; one per process is enough."""

    def __init__(self, url: str | None = None, busy_timeout: float = 10.0):
        self.url = url or os.environ.get("SOFTMAX_DB_URL") or DEFAULT_URL
        self.engine = make_engine(self.url, busy_timeout=busy_timeout)
        self.writer = self.engine.execution_options(write=True)
        try:
            self.upgraded_from, self.version = upgrade(self.engine)
        except BaseException:
            self.engine.dispose()
            raise

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _write(self, lock: str | None = None):
        """A write transaction; `lock` serialises writers of one student or class (PG)."""
        with self.writer.begin() as conn:
            if lock and conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                             {"k": lock})
            yield conn

    def check(self) -> None:
        """Ask the database for SELECT 1; SQLAlchemy's error when it does not answer."""
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

        The run goes on the class board only if the student is a member of
        `class_code` and the class is open; a run the teacher removed stays off.
        LimitError when a new run would pass MAX_RUNS_PER_STUDENT.
        """
        owner = v.owner_of(token)
        row = _run_row(run)
        with self._write(lock=owner) as conn:
            old = conn.execute(sa.select(runs.c.owner, runs.c.class_code)
                               .where(runs.c.id == run.id)).first()
            if old is not None and old.owner != owner:
                raise StoreError("this run id belongs to another student")
            if old is None and _count(conn, owner) >= MAX_RUNS_PER_STUDENT:
                raise LimitError(f"at most {MAX_RUNS_PER_STUDENT} saved runs per student: "
                                 "delete some to save new ones")
            if class_code and (old is None or old.class_code is None):
                row["class_code"] = _postable(conn, owner, class_code)
            if old is None:
                conn.execute(runs.insert().values(owner=owner, **row))
            else:
                conn.execute(runs.update().where(runs.c.id == run.id).values(**row))

    def runs(self, token: str, skip_corrupt: bool = False) -> list[Run]:
        """The student's runs, oldest first; StoreError on a corrupted one (or skip it)."""
        owner = v.owner_of(token)
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(runs).where(runs.c.owner == owner)
                                .order_by(runs.c.created, runs.c.number)).all()
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
            result = conn.execute(runs.delete().where(runs.c.owner == v.owner_of(token),
                                                      runs.c.id == str(run_id)))
        return result.rowcount == 1

    def delete_runs(self, token: str) -> int:
        """Delete all of the student's runs; how many there were."""
        with self._write() as conn:
            return conn.execute(runs.delete().where(runs.c.owner == v.owner_of(token))).rowcount

    # ---- lesson progress ----------------------------------------------------------------

    def progress(self, token: str) -> dict:
        with self.engine.connect() as conn:
            data = conn.execute(sa.select(progress.c.data)
                                .where(progress.c.owner == v.owner_of(token))).scalar()
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
            done = conn.execute(progress.update().where(progress.c.owner == owner)
                                .values(data=data, updated=v.utc_now()))
            if done.rowcount == 0:
                conn.execute(progress.insert().values(owner=owner, data=data,
                                                      updated=v.utc_now()))

    # ---- classes: students ------------------------------------------------------------

    def create_class(self, title: str = "") -> tuple[str, str]:
        """A new class: (join code, teacher secret). Only the secret's hash is stored."""
        secret = v.new_token()
        for _ in range(20):
            code = v.new_code()
            try:
                with self._write() as conn:
                    conn.execute(classes.insert().values(
                        code=code, title=v.clean_text(title, v.TITLE_MAX),
                        teacher=v.owner_of(secret), created=v.utc_now()))
                return code, secret
            except sa.exc.IntegrityError:
                continue                     # that code is taken: draw another
        raise StoreError("could not find a free class code")

    def class_info(self, code: str) -> ClassInfo | None:
        """The class with this code, or None (unknown or malformed)."""
        try:
            code = v.class_code(code)
        except ClassError:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(classes).where(classes.c.code == code)).first()
            if row is None:
                return None
            students = _count_members(conn, code)
            posted = conn.execute(sa.select(sa.func.count()).select_from(runs).where(
                runs.c.class_code == code, runs.c.on_board)).scalar()
        return ClassInfo(row.code, row.title, v.from_utc(row.created), row.closed,
                         row.hide_names, students, posted)

    def join_class(self, code: str, token: str, display_name: str = "") -> str:
        """Join (or rejoin, renaming) a class; the display name kept, cleaned or generated."""
        owner = v.owner_of(token)
        code = v.class_code(code)
        name = v.clean_name(display_name)
        with self._write(lock="class:" + code) as conn:
            cls = conn.execute(sa.select(classes.c.closed).where(classes.c.code == code)).first()
            if cls is None:
                raise ClassError("unknown")
            if cls.closed:
                raise ClassError("closed")
            old = conn.execute(sa.select(class_members.c.display_name, class_members.c.left_at)
                               .where(class_members.c.code == code,
                                      class_members.c.owner == owner)).first()
            if (old is None or old.left_at is not None) and \
                    _count_members(conn, code) >= MAX_STUDENTS_PER_CLASS:
                raise ClassError("full", f"at most {MAX_STUDENTS_PER_CLASS} students")
            name = name or (old.display_name if old else v.friendly_name())
            values = {"display_name": name, "joined": v.utc_now(), "left_at": None}
            if old is None:
                conn.execute(class_members.insert().values(code=code, owner=owner, **values))
            else:
                conn.execute(class_members.update().where(
                    class_members.c.code == code, class_members.c.owner == owner).values(**values))
        return name

    def membership(self, token: str) -> tuple[str, str] | None:
        """(code, display name) of the class the student joined last and has not left."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(class_members.c.code, class_members.c.display_name)
                .where(class_members.c.owner == v.owner_of(token),
                       class_members.c.left_at.is_(None))
                .order_by(class_members.c.joined.desc()).limit(1)).first()
        return (row.code, row.display_name) if row else None

    def leave_class(self, token: str) -> None:
        """Leave every class; runs already posted stay on their boards, under the name."""
        with self._write() as conn:
            conn.execute(class_members.update().where(
                class_members.c.owner == v.owner_of(token), class_members.c.left_at.is_(None))
                .values(left_at=v.utc_now()))

    def class_runs(self, code: str, token: str | None = None) -> list[BoardRun]:
        """The runs on a class's board, oldest first ([] for an unknown or malformed code)."""
        info = self.class_info(code)
        if info is None:
            return []
        me = v.owner_of(token) if token else None
        with self.engine.connect() as conn:
            members = conn.execute(sa.select(class_members.c.owner, class_members.c.display_name)
                                   .where(class_members.c.code == info.code)
                                   .order_by(class_members.c.joined)).all()
            rows = conn.execute(_board_query(info.code)).all()
        names = {m.owner: m.display_name for m in members}
        if info.hide_names:
            names = {m.owner: f"#{k}" for k, m in enumerate(members, start=1)}
        return [BoardRun(names.get(r.owner, "?"), r.id, r.number, r.settings, r.status,
                         r.epochs_run, r.test_acc, v.from_utc(r.created),
                         v.from_json(r.history), r.owner == me) for r in rows]

    # ---- classes: the teacher -------------------------------------------------------------

    def is_teacher(self, code: str, secret: str) -> bool:
        try:
            with self.engine.connect() as conn:
                _teacher(conn, code, secret)
        except ClassError:
            return False
        return True

    def set_hide_names(self, code: str, secret: str, hide: bool) -> None:
        with self._write() as conn:
            code = _teacher(conn, code, secret)
            conn.execute(classes.update().where(classes.c.code == code)
                         .values(hide_names=bool(hide)))

    def close_class(self, code: str, secret: str) -> None:
        """No new students and no new runs; the board stays readable."""
        with self._write() as conn:
            code = _teacher(conn, code, secret)
            conn.execute(classes.update().where(classes.c.code == code).values(closed=True))

    def remove_class_run(self, code: str, secret: str, run_id: str) -> bool:
        """Take a run off the board (the student keeps it); False if it was not on it."""
        with self._write() as conn:
            code = _teacher(conn, code, secret)
            done = conn.execute(runs.update().where(runs.c.class_code == code,
                                                    runs.c.id == str(run_id), runs.c.on_board)
                                .values(on_board=False))
        return done.rowcount == 1

    def delete_class(self, code: str, secret: str) -> None:
        """Delete the class and its members; the students' runs stay theirs."""
        with self._write() as conn:
            code = _teacher(conn, code, secret)
            _drop_classes(conn, [code])

    def class_csv(self, code: str, secret: str) -> str:
        """Every epoch of every run on the board, with student and settings, as CSV."""
        with self.engine.connect() as conn:
            code = _teacher(conn, code, secret)
            names = dict(conn.execute(sa.select(class_members.c.owner,
                                                class_members.c.display_name)
                                      .where(class_members.c.code == code)).all())
            rows = conn.execute(_board_query(code)).all()
        buffer = io.StringIO()
        out = None
        for r in rows:
            settings = settings_row(TrainConfig.from_dict(r.settings))
            for h in v.from_json(r.history):
                line = {"student": _cell(names.get(r.owner, "?")), "run": r.number,
                        "run_id": r.id, "status": r.status, **settings,
                        **{c: h.get(c) for c in EPOCH_COLUMNS}}
                if out is None:
                    out = csv.DictWriter(buffer, fieldnames=list(line), lineterminator="\n")
                    out.writeheader()
                out.writerow(line)
        return buffer.getvalue()

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
            counts["progress"] = conn.execute(progress.delete()
                                              .where(progress.c.updated < cutoff)).rowcount
        return counts


# ---- rows in and out ----------------------------------------------------------------------

def _run_row(run: Run) -> dict:
    """The columns of a run (without owner and class), checked."""
    if not (isinstance(run.id, str) and len(run.id) == 32 and
            all(c in "0123456789abcdef" for c in run.id)):
        raise StoreError("a run id is 32 hex digits (uuid4().hex)")
    if run.status not in STATUSES:
        raise StoreError(f"unknown run status {run.status!r}")
    w, w_shape = v.weights_to_bytes(run.W)
    b, b_shape = v.weights_to_bytes(run.b)
    if (w_shape, b_shape) not in ((None, None), ("784,10", "10")):
        raise StoreError(f"W and b have shapes {w_shape} and {b_shape}, expected 784,10 and 10")
    last = run.history[-1] if run.history else {}
    test_acc = last.get("test_acc")
    return {"id": run.id, "number": int(run.number), "created": v.to_utc(run.created),
            "saved": v.utc_now(), "settings": run.cfg.to_dict(),
            "framework": run.cfg.framework, "status": run.status,
            "breakdown": v.to_json(run.breakdown.to_dict()) if run.breakdown else None,
            "device": v.clean_text(str(run.device), 120), "history": v.to_json(list(run.history)),
            "seconds": float(run.seconds), "epochs_run": run.epochs_run,
            "test_acc": test_acc if isinstance(test_acc, float) and test_acc == test_acc
            else None,
            "w": w, "w_shape": w_shape, "b": b, "b_shape": b_shape}


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
    return Run(number=row.number, cfg=cfg, history=v.from_json(row.history), W=W, b=b,
               status=row.status, breakdown=breakdown, device=row.device,
               created=v.from_utc(row.created), id=row.id)


def _board_query(code: str):
    cols = [runs.c.id, runs.c.owner, runs.c.number, runs.c.settings, runs.c.status,
            runs.c.epochs_run, runs.c.test_acc, runs.c.created, runs.c.history]
    return (sa.select(*cols).where(runs.c.class_code == code, runs.c.on_board)
            .order_by(runs.c.created, runs.c.id))


def _cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text (a leading = + - @ would start a formula)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# ---- small queries inside a transaction ---------------------------------------------------

def _count(conn, owner: str) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(runs)
                        .where(runs.c.owner == owner)).scalar()


def _count_members(conn, code: str) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(class_members).where(
        class_members.c.code == code, class_members.c.left_at.is_(None))).scalar()


def _postable(conn, owner: str, code: str) -> str | None:
    """`code` if the student may post runs there now (a member, class open); else None."""
    try:
        code = v.class_code(code)
    except ClassError:
        return None
    ok = conn.execute(sa.select(classes.c.code).join(
        class_members, class_members.c.code == classes.c.code).where(
        classes.c.code == code, sa.not_(classes.c.closed), class_members.c.owner == owner,
        class_members.c.left_at.is_(None))).first()
    return code if ok else None


def _teacher(conn, code: str, secret: str) -> str:
    """The normalised code when `secret` is its teacher's; ClassError otherwise."""
    code = v.class_code(code)
    stored = conn.execute(sa.select(classes.c.teacher).where(classes.c.code == code)).scalar()
    if stored is None:
        raise ClassError("unknown")
    if not v.same_secret(secret, stored):
        raise ClassError("not_teacher")
    return code


def _drop_classes(conn, codes) -> dict[str, int]:
    """Detach runs from these classes, delete their members and them; how many of each."""
    conn.execute(runs.update().where(runs.c.class_code.in_(codes)).values(class_code=None))
    members = conn.execute(class_members.delete().where(class_members.c.code.in_(codes)))
    dropped = conn.execute(classes.delete().where(classes.c.code.in_(codes)))
    return {"classes": dropped.rowcount, "members": members.rowcount}
