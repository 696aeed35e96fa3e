"""The SQLAlchemy engine for a store URL: SQLite (the default) or PostgreSQL.

    engine = make_engine("sqlite:////srv/softmax/state/softmax.db")
    engine = make_engine("postgresql+psycopg://softmax:secret@db:5432/softmax")

SQLite: the folder is created; each connection turns on WAL (readers never
wait for the writer), a busy timeout (a writer waits its turn for up to
`busy_timeout` seconds instead of failing) and foreign keys. The driver's own
transaction handling is switched off so that BEGIN is ours: a plain BEGIN for
reads and BEGIN IMMEDIATE for a connection with the execution option
write=True, which takes the write lock up front (a deferred transaction that
reads first and writes later can fail at once under concurrent writers).

PostgreSQL (psycopg 3): connections are checked before use (pool_pre_ping), so
a restarted server costs one reconnect, and a connection attempt gives up
after `connect_timeout` seconds.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from lib.store.errors import StoreError
from lib.store.values import json_text

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = f"sqlite:///{ROOT / 'state' / 'softmax.db'}"


def make_engine(url: str, busy_timeout: float = 10.0, connect_timeout: int = 5) -> sa.Engine:
    """An engine for `url` (sqlite:///path or postgresql[+psycopg]://...)."""
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError("the database URL is not a URL") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite(parsed, busy_timeout)
    if backend == "postgresql":
        return sa.create_engine(
            parsed,
            pool_pre_ping=True,
            json_serializer=json_text,
            connect_args={"connect_timeout": connect_timeout},
        )
    raise StoreError(f"unsupported database {backend!r}: use sqlite or postgresql+psycopg")


def _sqlite(url: sa.URL, busy_timeout: float) -> sa.Engine:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise StoreError("SQLite needs a file path, e.g. sqlite:///state/softmax.db")
    Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, json_serializer=json_text)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # no implicit BEGIN: see _on_begin
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        write = conn.get_execution_options().get("write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
