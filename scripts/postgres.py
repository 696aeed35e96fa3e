"""A throw-away PostgreSQL server, and fresh databases on any server: one copy for
the store tests (tests/test_store.py), the load test (scripts/loadtest.py) and the
store benchmark (bench/store_cost.py).

    cluster = PgCluster.start()          # initdb in a temporary folder, a free port
    url = cluster.new_database()         # postgresql+psycopg://postgres@127.0.0.1:PORT/t_...
    cluster.stop(); cluster.restart()    # the database going down and coming back
    cluster.destroy()

The server binaries come from Debian's `postgresql` package
(/usr/lib/postgresql/<version>/bin). initdb refuses to run as root, so as root
the server runs as the `postgres` user. It listens on 127.0.0.1 only, with
trust authentication: it lives for one test session (or one load test) and holds
test data only.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from scripts.local_server import free_port


def pg_bin() -> Path | None:
    """The folder holding initdb and pg_ctl, newest version first (None: not installed)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]),
        reverse=True,
    )
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PgCluster:
    """A PostgreSQL server in a temporary folder; see the module docstring."""

    def __init__(self, folder: Path, port: int, user: str | None, settings: str = ""):
        self.folder, self.port, self.user, self.settings = folder, port, user, settings
        self.data = folder / "data"
        self.admin_url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    @classmethod
    def start(cls, settings: str = "") -> PgCluster:
        """initdb and start; RuntimeError saying why when that is not possible here.

        `settings`: more server options, e.g. "-c fsync=off" (the tests' speed-up;
        the load test measures the default settings)."""
        bindir = pg_bin()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        user = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("running as root and there is no postgres user") from None
            user = "postgres"
        folder = Path(tempfile.mkdtemp(prefix="softmax-pg-"))
        if user:
            shutil.chown(folder, user)
        cluster = cls(folder, free_port(), user, settings)
        cluster.bindir = bindir
        cluster._run(
            "initdb",
            "-D",
            str(cluster.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )
        cluster.restart()
        return cluster

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stderr.strip() or done.stdout.strip()}")

    def restart(self) -> None:
        """Start the server (again) on the same port and data."""
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories='{self.folder}' {self.settings}"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self) -> None:
        """Stop the server now (connections are cut, as in a crash or a restart)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def new_database(self) -> str:
        """A fresh, empty database on this server; its URL."""
        return new_database_at(self.admin_url)

    def destroy(self) -> None:
        with contextlib.suppress(RuntimeError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def _admin_engine(url: str) -> sa.Engine:
    """An engine outside transactions (CREATE and DROP DATABASE need that), with the
    driver this project installs (psycopg 3) for a postgres:// or postgresql:// URL."""
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return sa.create_engine(url, isolation_level="AUTOCOMMIT")


def drop_database(admin_url: str, url: str, tries: int = 40) -> None:
    """Drop the database of `url` (made by new_database_at), connected through `admin_url`.

    WITH (FORCE) ends the database's other sessions, but a role that is neither superuser
    nor in pg_signal_backend may not end an autovacuum worker that happens to be in it
    ("must be a member of the role whose process is being terminated"): the worker is
    done within moments, so the drop is tried again, a quarter second apart."""
    name = sa.make_url(url).database
    engine = _admin_engine(admin_url)
    try:
        for attempt in range(tries):
            try:
                with engine.connect() as conn:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                return
            except sa.exc.ProgrammingError as error:
                if "pg_signal_backend" not in str(error) or attempt == tries - 1:
                    raise
                time.sleep(0.25)
    finally:
        engine.dispose()


def new_database_at(url: str, prefix: str = "t_") -> str:
    """A fresh database on the server behind `url` (a role allowed to CREATE DATABASE);
    its URL, with `url`'s credentials."""
    name = prefix + uuid.uuid4().hex[:12]
    engine = _admin_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        return engine.url.set(database=name).render_as_string(hide_password=False)
    finally:
        engine.dispose()
