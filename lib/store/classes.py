"""Classes: a teacher's join code, the students who joined, the runs on the board.

Store (lib/store/db.py) gets these operations from the Classes mixin below;
they use its engine and its write transactions.

    code, secret = store.create_class("Monday 10:00")   # the secret only the teacher has
    store.join_class(" k7px3q ", token, "Ada")           # -> "Ada" (code normalised)
    store.save_run(token, run, class_code=code)          # posted: the student is a member
    store.class_runs(code)                               # [BoardRun, ...], oldest first
    store.close_class(code, secret)                      # ClassError("not_teacher") if wrong
    store.remove_member(code, secret, member.key)        # off the board, runs too; no rejoining
    new_secret = store.rotate_teacher(code, secret)      # the old secret stops working

A code is 6 characters from an alphabet without 0/O/1/I/L. Display names are
cleaned to plain one-line text (lib/store/values.py); the page shows them as
text, never as markdown or HTML. The teacher's secret is stored as its SHA-256.
A class takes at most Store.max_members students who have not left
(SOFTMAX_CLASS_MAX_MEMBERS).
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field

import sqlalchemy as sa

from lib.config import TrainConfig
from lib.runs import EPOCH_COLUMNS, settings_row
from lib.store import values as v
from lib.store.errors import ClassError, StoreError
from lib.store.schema import class_members, classes, runs

MAX_STUDENTS_PER_CLASS = 200  # SOFTMAX_CLASS_MAX_MEMBERS's default (lib/server_settings.py)


@dataclass(frozen=True)
class ClassInfo:
    code: str
    title: str
    created: float  # seconds since 1970, UTC
    closed: bool  # no new students, no new runs
    hide_names: bool  # the board shows "#1", "#2" … instead of names
    students: int  # members who have not left
    runs: int  # runs on the board


@dataclass(frozen=True)
class BoardRun:
    """One run as the class board shows it (no weights)."""

    student: str  # display name, or "#k" while the teacher hides names
    run_id: str
    number: int
    settings: dict  # TrainConfig.to_dict()
    status: str
    epochs_run: int
    test_acc: float | None
    created: float
    history: list = field(repr=False)
    mine: bool = False  # the run of the student whose token was passed


@dataclass(frozen=True)
class Member:
    """A student of a class as the teacher's controls list them."""

    key: str  # stands for the student in the page (not their owner hash: see member_key)
    name: str  # display name, or "#k" while the teacher hides names
    runs: int  # their runs on the board
    left: bool  # left the class (their runs stay on the board)


def member_key(owner: str) -> str:
    """A student's handle in the teacher's page, derived from (never equal to) the owner."""
    return hashlib.sha256(f"member:{owner}".encode()).hexdigest()[:16]


class Classes:
    """The class operations of Store (needs self.engine and self._write)."""

    # ---- students ------------------------------------------------------------

    def create_class(self, title: str = "") -> tuple[str, str]:
        """A new class: (join code, teacher secret). Only the secret's hash is stored."""
        secret = v.new_token()
        for _ in range(20):
            code = v.new_code()
            try:
                with self._write() as conn:
                    conn.execute(
                        classes.insert().values(
                            code=code,
                            title=v.clean_text(title, v.TITLE_MAX),
                            teacher=v.owner_of(secret),
                            created=v.utc_now(),
                        )
                    )
                return code, secret
            except sa.exc.IntegrityError:
                continue  # that code is taken: draw another
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
            posted = conn.execute(
                sa.select(sa.func.count())
                .select_from(runs)
                .where(runs.c.class_code == code, runs.c.on_board)
            ).scalar()
        return ClassInfo(
            row.code,
            row.title,
            v.from_utc(row.created),
            row.closed,
            row.hide_names,
            students,
            posted,
        )

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
            old = conn.execute(
                sa.select(
                    class_members.c.display_name,
                    class_members.c.left_at,
                    class_members.c.removed,
                ).where(class_members.c.code == code, class_members.c.owner == owner)
            ).first()
            if old is not None and old.removed:
                raise ClassError("removed")
            cap = getattr(self, "max_members", MAX_STUDENTS_PER_CLASS)
            if (old is None or old.left_at is not None) and _count_members(conn, code) >= cap:
                raise ClassError("full", f"at most {cap} students")
            name = name or (old.display_name if old else v.friendly_name())
            values = {"display_name": name, "joined": v.utc_now(), "left_at": None}
            if old is None:
                conn.execute(class_members.insert().values(code=code, owner=owner, **values))
            else:
                conn.execute(
                    class_members.update()
                    .where(class_members.c.code == code, class_members.c.owner == owner)
                    .values(**values)
                )
        return name

    def membership(self, token: str) -> tuple[str, str] | None:
        """(code, display name) of the class the student joined last and has not left."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(class_members.c.code, class_members.c.display_name)
                .where(
                    class_members.c.owner == v.owner_of(token), class_members.c.left_at.is_(None)
                )
                .order_by(class_members.c.joined.desc())
                .limit(1)
            ).first()
        return (row.code, row.display_name) if row else None

    def leave_class(self, token: str) -> None:
        """Leave every class; runs already posted stay on their boards, under the name."""
        with self._write() as conn:
            conn.execute(
                class_members.update()
                .where(
                    class_members.c.owner == v.owner_of(token), class_members.c.left_at.is_(None)
                )
                .values(left_at=v.utc_now())
            )

    def board_mark(self, code: str) -> tuple | None:
        """What the board shows changed when this changed (None: no such class).

        One query of aggregates over the indexed rows (runs by class, members by
        class): the class's flags and title, how many runs are on the board and
        when the last was saved, how many members joined or left and when last.
        The page keeps the board it drew under this mark (lessons/class_board.py),
        so a refresh of an unchanged class costs this query, whatever its size.
        """
        try:
            code = v.class_code(code)
        except ClassError:
            return None
        on_board = sa.and_(runs.c.class_code == code, runs.c.on_board)
        of_class = class_members.c.code == code
        query = sa.select(
            classes.c.title,
            classes.c.closed,
            classes.c.hide_names,
            sa.select(sa.func.count()).select_from(runs).where(on_board).scalar_subquery(),
            sa.select(sa.func.max(runs.c.saved)).where(on_board).scalar_subquery(),
            sa.select(sa.func.count()).select_from(class_members).where(of_class).scalar_subquery(),
            sa.select(sa.func.max(class_members.c.joined)).where(of_class).scalar_subquery(),
            sa.select(sa.func.max(class_members.c.left_at)).where(of_class).scalar_subquery(),
            sa.select(sa.func.count())
            .select_from(class_members)
            .where(of_class, class_members.c.left_at.is_(None))
            .scalar_subquery(),
        ).where(classes.c.code == code)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return (code, *row) if row else None

    def class_histories(self, code: str, run_ids) -> dict[str, list]:
        """{run_id: history} of these runs on the class's board (for the curves drawn)."""
        ids = [str(i) for i in run_ids][:50]
        if not ids:
            return {}
        code = v.class_code(code)
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(runs.c.id, runs.c.history).where(
                    runs.c.class_code == code, runs.c.on_board, runs.c.id.in_(ids)
                )
            ).all()
        return {r.id: v.from_json(r.history) for r in rows}

    def class_runs(
        self, code: str, token: str | None = None, history: bool = True
    ) -> list[BoardRun]:
        """The runs on a class's board, oldest first ([] for an unknown or malformed code).

        history=False leaves each run's history out (an empty list): the board's
        chart and table need only the last figures, kept in their own columns."""
        info = self.class_info(code)
        if info is None:
            return []
        me = v.owner_of(token) if token else None
        with self.engine.connect() as conn:
            members = conn.execute(
                sa.select(class_members.c.owner, class_members.c.display_name)
                .where(class_members.c.code == info.code)
                .order_by(class_members.c.joined)
            ).all()
            rows = conn.execute(_board_query(info.code, history)).all()
        names = {m.owner: m.display_name for m in members}
        if info.hide_names:
            names = {m.owner: f"#{k}" for k, m in enumerate(members, start=1)}
        return [
            BoardRun(
                names.get(r.owner, "?"),
                r.id,
                r.number,
                r.settings,
                r.status,
                r.epochs_run,
                r.test_acc,
                v.from_utc(r.created),
                v.from_json(r.history) if history else [],
                r.owner == me,
            )
            for r in rows
        ]

    # ---- the teacher -------------------------------------------------------------

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
            conn.execute(
                classes.update().where(classes.c.code == code).values(hide_names=bool(hide))
            )

    def close_class(self, code: str, secret: str) -> None:
        """No new students and no new runs; the board stays readable."""
        with self._write() as conn:
            code = _teacher(conn, code, secret)
            conn.execute(classes.update().where(classes.c.code == code).values(closed=True))

    def remove_class_run(self, code: str, secret: str, run_id: str) -> bool:
        """Take a run off the board (the student keeps it); False if it was not on it."""
        with self._write() as conn:
            code = _teacher(conn, code, secret)
            done = conn.execute(
                runs.update()
                .where(runs.c.class_code == code, runs.c.id == str(run_id), runs.c.on_board)
                .values(on_board=False)
            )
        return done.rowcount == 1

    def rotate_teacher(self, code: str, secret: str) -> str:
        """A new teacher secret for the class: the old one stops working everywhere."""
        new = v.new_token()
        with self._write(lock="class:" + str(code)) as conn:
            code = _teacher(conn, code, secret)
            conn.execute(
                classes.update().where(classes.c.code == code).values(teacher=v.owner_of(new))
            )
        return new

    def class_members(self, code: str, secret: str) -> list[Member]:
        """The class's students in the order they joined (removed ones left out)."""
        with self.engine.connect() as conn:
            code = _teacher(conn, code, secret)
            hide = conn.execute(
                sa.select(classes.c.hide_names).where(classes.c.code == code)
            ).scalar()
            on_board = (
                sa.select(sa.func.count())
                .select_from(runs)
                .where(
                    runs.c.class_code == code,
                    runs.c.on_board,
                    runs.c.owner == class_members.c.owner,
                )
                .scalar_subquery()
            )
            rows = conn.execute(
                sa.select(
                    class_members.c.owner,
                    class_members.c.display_name,
                    class_members.c.left_at,
                    class_members.c.removed,
                    on_board,
                )
                .where(class_members.c.code == code)
                .order_by(class_members.c.joined)
            ).all()
        return [
            Member(
                member_key(r.owner),
                f"#{k}" if hide else r.display_name,
                r[4],
                r.left_at is not None,
            )
            for k, r in enumerate(rows, start=1)
            if not r.removed
        ]

    def remove_member(self, code: str, secret: str, key: str) -> int:
        """Remove a student (Member.key) and take their runs off the board: they may not
        join again (the runs stay theirs). How many runs left the board; ClassError
        "unknown_member" when no such student is in the class."""
        with self._write(lock="class:" + str(code)) as conn:
            code = _teacher(conn, code, secret)
            owners = conn.execute(
                sa.select(class_members.c.owner).where(
                    class_members.c.code == code, sa.not_(class_members.c.removed)
                )
            ).scalars()
            owner = next((o for o in owners if member_key(o) == key), None)
            if owner is None:
                raise ClassError("unknown_member")
            conn.execute(
                class_members.update()
                .where(class_members.c.code == code, class_members.c.owner == owner)
                .values(
                    removed=True, left_at=sa.func.coalesce(class_members.c.left_at, v.utc_now())
                )
            )
            done = conn.execute(
                runs.update()
                .where(runs.c.class_code == code, runs.c.owner == owner, runs.c.on_board)
                .values(on_board=False)
            )
        return done.rowcount

    def delete_class(self, code: str, secret: str) -> None:
        """Delete the class and its members; the students' runs stay theirs."""
        with self._write() as conn:
            code = _teacher(conn, code, secret)
            _drop_classes(conn, [code])

    def class_csv(self, code: str, secret: str) -> str:
        """Every epoch of every run on the board, with student and settings, as CSV."""
        with self.engine.connect() as conn:
            code = _teacher(conn, code, secret)
            names = dict(
                conn.execute(
                    sa.select(class_members.c.owner, class_members.c.display_name).where(
                        class_members.c.code == code
                    )
                ).all()
            )
            rows = conn.execute(_board_query(code)).all()
        buffer = io.StringIO()
        out = None
        for r in rows:
            settings = settings_row(TrainConfig.from_dict(r.settings))
            for h in v.from_json(r.history):
                line = {
                    "student": _cell(names.get(r.owner, "?")),
                    "run": r.number,
                    "run_id": r.id,
                    "status": r.status,
                    **settings,
                    **{c: h.get(c) for c in EPOCH_COLUMNS},
                }
                if out is None:
                    out = csv.DictWriter(buffer, fieldnames=list(line), lineterminator="\n")
                    out.writeheader()
                out.writerow(line)
        return buffer.getvalue()


def _board_query(code: str, history: bool = True):
    cols = [
        runs.c.id,
        runs.c.owner,
        runs.c.number,
        runs.c.settings,
        runs.c.status,
        runs.c.epochs_run,
        runs.c.test_acc,
        runs.c.created,
        *([runs.c.history] if history else []),
    ]
    return (
        sa.select(*cols)
        .where(runs.c.class_code == code, runs.c.on_board)
        .order_by(runs.c.created, runs.c.id)
    )


def _cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text (a leading = + - @ would start a formula)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# ---- small queries inside a transaction ---------------------------------------------------


def _count_members(conn, code: str) -> int:
    return conn.execute(
        sa.select(sa.func.count())
        .select_from(class_members)
        .where(class_members.c.code == code, class_members.c.left_at.is_(None))
    ).scalar()


def _postable(conn, owner: str, code: str) -> str | None:
    """`code` if the student may post runs there now (a member, class open); else None."""
    try:
        code = v.class_code(code)
    except ClassError:
        return None
    ok = conn.execute(
        sa.select(classes.c.code)
        .join(class_members, class_members.c.code == classes.c.code)
        .where(
            classes.c.code == code,
            sa.not_(classes.c.closed),
            class_members.c.owner == owner,
            class_members.c.left_at.is_(None),
        )
    ).first()
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
