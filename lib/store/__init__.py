"""Where students' work lasts: runs, lesson progress and classes in a database.

    from lib.store import SafeStore, Store, new_token
    store = SafeStore(Store)        # SQLite under state/ unless SOFTMAX_DB_URL says otherwise
    token = new_token()             # a student's secret, kept in their browser
    store.save_run(token, run)      # True: saved; False: kept in memory (database down)
    store.runs(token)               # that student's runs, oldest first, weights included

The modules:
    db.py          Store: runs, lesson progress, retention
    classes.py     Store's class operations: join codes, members, the board, the teacher
    polls.py       Store's class polls: ask, answer until the reveal, reveal, close
    safe.py        SafeStore: Store that keeps working in memory when the database fails
    engine.py      the SQLAlchemy engine: SQLite (WAL, busy timeout) or PostgreSQL
    schema.py      the tables, as they are now
    migrations.py  schema versions and the upgrade steps run when a Store opens
    values.py      identities, names, class codes, weights as bytes, JSON with NaN
    errors.py      StoreError, LimitError, ClassError, Unavailable

SOFTMAX_DB_URL: sqlite:///path/to/file.db (default: state/softmax.db beside the
app) or postgresql+psycopg://user:password@host:5432/database.
docs/store.md has the schema, the versions, upgrading and measured costs.
"""

from lib.store.classes import MAX_STUDENTS_PER_CLASS, BoardRun, ClassInfo
from lib.store.db import MAX_RUNS_PER_STUDENT, Store
from lib.store.engine import DEFAULT_URL
from lib.store.errors import REASONS, ClassError, LimitError, StoreError, Unavailable
from lib.store.polls import PollError, PollView
from lib.store.safe import SafeStore
from lib.store.schema import SCHEMA_VERSION
from lib.store.values import clean_name, new_token, owner_of

__all__ = [
    "Store",
    "SafeStore",
    "BoardRun",
    "ClassInfo",
    "StoreError",
    "LimitError",
    "ClassError",
    "Unavailable",
    "PollError",
    "PollView",
    "REASONS",
    "new_token",
    "owner_of",
    "clean_name",
    "MAX_RUNS_PER_STUDENT",
    "MAX_STUDENTS_PER_CLASS",
    "SCHEMA_VERSION",
    "DEFAULT_URL",
]
