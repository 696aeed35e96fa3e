"""Schema versions and the steps between them, applied when a Store opens a database.

Each step brings a database from version n - 1 to version n, in the same
transaction as the row that records it in `schema_version`. A step only adds
(tables, columns, indexes) or moves data: it never drops what students made.
The table definitions inside a step are frozen copies, as they were in that
version: lib/store/schema.py describes the newest version and may change,
these may not.

    version 1   runs, progress, schema_version
    version 2   classes, class_members; runs.class_code and runs.on_board
    version 3   identities (personal-link version, run counter); runs (owner, number) unique
    version 4   class_members.removed (a member the teacher removed cannot rejoin)
    version 5   polls, poll_answers (class polls)

To change the schema: add the next step below, append it to STEPS, update
lib/store/schema.py and SCHEMA_VERSION, and add a test that upgrades a
database of the version before holding rows (tests/test_store.py has them for each step).

Two servers starting at once on a fresh database do not race: SQLite's
BEGIN IMMEDIATE and PostgreSQL's transaction-level advisory lock let one of
them upgrade while the other waits, then finds the version current.
"""

from __future__ import annotations

import sqlalchemy as sa

from lib.store.errors import StoreError
from lib.store.schema import SCHEMA_VERSION
from lib.store.values import utc_now

LOCK_KEY = 0x50F7_3A11  # pg_advisory_xact_lock key for schema upgrades


def step_1(conn: sa.Connection) -> None:
    """The first schema: runs, lesson progress, and the version table."""
    m = sa.MetaData()
    sa.Table(
        "schema_version",
        m,
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("applied", sa.DateTime, nullable=False),
    )
    sa.Table(
        "runs",
        m,
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("saved", sa.DateTime, nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("framework", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("breakdown", sa.JSON, nullable=True),
        sa.Column("device", sa.String(120), nullable=False),
        sa.Column("history", sa.JSON, nullable=False),
        sa.Column("seconds", sa.Float, nullable=False),
        sa.Column("epochs_run", sa.Integer, nullable=False),
        sa.Column("test_acc", sa.Float, nullable=True),
        sa.Column("w", sa.LargeBinary, nullable=True),
        sa.Column("w_shape", sa.String(32), nullable=True),
        sa.Column("b", sa.LargeBinary, nullable=True),
        sa.Column("b_shape", sa.String(32), nullable=True),
        sa.Index("runs_owner", "owner", "created"),
        sa.Index("runs_created", "created"),
    )
    sa.Table(
        "progress",
        m,
        sa.Column("owner", sa.String(64), primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
    )
    m.create_all(conn)


def step_2(conn: sa.Connection) -> None:
    """Classes: the class tables, and which class (if any) each run was posted to."""
    m = sa.MetaData()
    classes = sa.Table(
        "classes",
        m,
        sa.Column("code", sa.String(6), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("teacher", sa.String(64), nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("closed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("hide_names", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Index("classes_created", "created"),
    )
    members = sa.Table(
        "class_members",
        m,
        sa.Column(
            "code",
            sa.String(6),
            sa.ForeignKey("classes.code", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("owner", sa.String(64), primary_key=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("joined", sa.DateTime, nullable=False),
        sa.Column("left_at", sa.DateTime, nullable=True),
        sa.Index("class_members_owner", "owner", "joined"),
    )
    m.create_all(conn, tables=[classes, members])
    # existing runs belong to no class and, once posted, show on the board
    conn.execute(sa.text("ALTER TABLE runs ADD COLUMN class_code VARCHAR(6)"))
    conn.execute(sa.text("ALTER TABLE runs ADD COLUMN on_board BOOLEAN NOT NULL DEFAULT TRUE"))
    conn.execute(sa.text("CREATE INDEX runs_class ON runs (class_code)"))


def step_3(conn: sa.Connection) -> None:
    """Identities (a student's personal-link version and run counter); run numbers unique
    per student. Two tabs could both save "Run #1" before: such duplicates are
    renumbered past the student's highest number (oldest keeps its number) first."""
    m = sa.MetaData()
    identities = sa.Table(
        "identities",
        m,
        sa.Column("owner", sa.String(64), primary_key=True),
        sa.Column("link_version", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_run", sa.Integer, nullable=False, server_default="0"),
        sa.Column("updated", sa.DateTime, nullable=False),
    )
    m.create_all(conn, tables=[identities])
    _renumber_duplicates(conn)
    conn.execute(sa.text("CREATE UNIQUE INDEX runs_owner_number ON runs (owner, number)"))


def _renumber_duplicates(conn: sa.Connection) -> None:
    """Give every run but the oldest of a (owner, number) pair a new number above the top."""
    rows = conn.execute(
        sa.text(
            "SELECT r.id, r.owner, r.number FROM runs r JOIN ("
            " SELECT owner, number FROM runs GROUP BY owner, number HAVING COUNT(*) > 1"
            ") d ON r.owner = d.owner AND r.number = d.number"
            " ORDER BY r.owner, r.number, r.created, r.id"
        )
    ).all()
    seen, top = set(), {}
    for row in rows:
        if (row.owner, row.number) not in seen:
            seen.add((row.owner, row.number))
            continue
        if row.owner not in top:
            top[row.owner] = conn.execute(
                sa.text("SELECT MAX(number) FROM runs WHERE owner = :o"), {"o": row.owner}
            ).scalar()
        top[row.owner] += 1
        conn.execute(
            sa.text("UPDATE runs SET number = :n WHERE id = :i"), {"n": top[row.owner], "i": row.id}
        )


def step_4(conn: sa.Connection) -> None:
    """A member the teacher removed (with their runs) is marked: they cannot join again."""
    conn.execute(
        sa.text("ALTER TABLE class_members ADD COLUMN removed BOOLEAN NOT NULL DEFAULT FALSE")
    )


def step_5(conn: sa.Connection) -> None:
    """Class polls: the questions a teacher asks a class, and one answer per student."""
    m = sa.MetaData()
    sa.Table("classes", m, sa.Column("code", sa.String(6), primary_key=True))  # for the key
    polls = sa.Table(
        "polls",
        m,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "code",
            sa.String(6),
            sa.ForeignKey("classes.code", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("question", sa.String(400), nullable=False),
        sa.Column("options", sa.JSON, nullable=False),
        sa.Column("asked", sa.DateTime, nullable=False),
        sa.Column("revealed", sa.DateTime, nullable=True),
        sa.Column("closed", sa.DateTime, nullable=True),
        sa.Index("polls_code", "code", "asked"),
    )
    answers = sa.Table(
        "poll_answers",
        m,
        sa.Column(
            "poll_id",
            sa.Integer,
            sa.ForeignKey("polls.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("owner", sa.String(64), primary_key=True),
        sa.Column("choice", sa.Integer, nullable=False),
        sa.Column("answered", sa.DateTime, nullable=False),
    )
    m.create_all(conn, tables=[polls, answers])


STEPS = {
    1: step_1,
    2: step_2,
    3: step_3,
    4: step_4,
    5: step_5,
}  # version -> the step that reaches it from version - 1


def version_of(conn: sa.Connection) -> int:
    """The schema version of the database behind `conn` (0: empty)."""
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(sa.text("SELECT MAX(version) FROM schema_version")).scalar() or 0


def upgrade(engine: sa.Engine, target: int = SCHEMA_VERSION) -> tuple[int, int]:
    """Bring the database up to `target`, in one transaction; (version before, after)."""
    if sorted(STEPS) != list(range(1, SCHEMA_VERSION + 1)) or not 0 <= target <= SCHEMA_VERSION:
        raise StoreError(f"no upgrade path to schema version {target}")
    with engine.connect() as conn:
        conn.execution_options(write=True)  # SQLite: BEGIN IMMEDIATE (see db.py)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            before = version_of(conn)
            if before > SCHEMA_VERSION:
                raise StoreError(
                    f"the database has schema version {before}, newer than this "
                    f"release knows ({SCHEMA_VERSION}): upgrade the app"
                )
            for version in range(before + 1, target + 1):
                STEPS[version](conn)
                conn.execute(
                    sa.text("INSERT INTO schema_version (version, applied) VALUES (:v, :t)"),
                    {"v": version, "t": utc_now()},
                )
    return before, max(before, target)
