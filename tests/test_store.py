"""The store on SQLite and on PostgreSQL: round trips, upgrades, concurrency, classes, faults.

Every test that takes `store` or `db_url` runs twice: on a SQLite file and on
a fresh PostgreSQL database. PostgreSQL is SOFTMAX_TEST_PG_URL when set (a
role that may CREATE DATABASE); else a throw-away server started here
(scripts/postgres.py). With REQUIRE_POSTGRES=1 (CI) a missing PostgreSQL
fails the tests instead of skipping them.
"""

import csv
import io
import math
import os
import threading
import time
import unicodedata
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
import torch
from helpers import FakeClock

from lib.config import TrainConfig
from lib.data import FashionMNIST
from lib.runs import Run
from lib.store import (
    DEFAULT_URL,
    SCHEMA_VERSION,
    ClassError,
    LimitError,
    PollError,
    SafeStore,
    Store,
    StoreError,
    Unavailable,
    new_token,
    owner_of,
)
from lib.store import classes as store_classes
from lib.store import db as store_db
from lib.store import safe as store_safe
from lib.store.engine import ROOT, make_engine
from lib.store.migrations import upgrade
from lib.store.schema import metadata
from lib.store.values import CODE_ALPHABET, NAME_MAX
from lib.trainers import EpochRecord, train
from lib.trainers.contract import Breakdown
from scripts.local_server import free_port
from scripts.postgres import PgCluster, drop_database, new_database_at

# the tests' server: no fsync (its data lives for one session), room for the
# 30-students test's connections
TEST_SETTINGS = "-c fsync=off -c max_connections=200"


def _need_postgres(why: str):
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.fail(f"REQUIRE_POSTGRES=1 but {why}")
    pytest.skip(why)


@pytest.fixture(scope="session")
def pg_cluster():
    """A throw-away PostgreSQL server for this session (None when SOFTMAX_TEST_PG_URL is set)."""
    if os.environ.get("SOFTMAX_TEST_PG_URL"):
        yield None
        return
    try:
        cluster = PgCluster.start(TEST_SETTINGS)
    except (RuntimeError, OSError) as exc:
        _need_postgres(f"no PostgreSQL server could be started: {exc}")
    yield cluster
    cluster.destroy()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def db_url(request, tmp_path):
    """The URL of an empty database: a SQLite file, or a new PostgreSQL database (the slow
    tier: the fast one keeps to SQLite, what a newcomer has; CI runs both)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'state' / 'softmax.db'}"
        return
    cluster = request.getfixturevalue("pg_cluster")
    admin = os.environ["SOFTMAX_TEST_PG_URL"] if cluster is None else cluster.admin_url
    url = new_database_at(admin)
    yield url
    drop_database(admin, url)


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.close()


def make_run(number=1, epochs=2, lr=0.1, seed=0, nan=False) -> Run:
    """A run with `epochs` epochs of made-up figures and random weights (NaN ones if asked)."""
    g = torch.Generator().manual_seed(seed)
    run = Run(
        number=number,
        cfg=TrainConfig(lr=lr, num_epochs=epochs, batch_size=64, seed=seed, softmax="stable"),
    )
    for epoch in range(epochs + 1):
        W = torch.randn(10, 784, generator=g).T  # (784, 10), column by column as trained
        b = torch.randn(10, generator=g)
        broken = None
        if nan and epoch == epochs:
            W[3, 4], W[5, 6], b[0] = float("nan"), float("inf"), float("-inf")
            broken = Breakdown("log_zero", epoch, 7, float("inf"), float("nan"))
        loss = float("nan") if broken else 2.3 - 0.1 * epoch
        run.add(EpochRecord(epoch, loss, 0.1 * epoch, 0.05 + 0.1 * epoch, 0.01, broken, W, b))
    run.device = "cpu · 1 thread"
    return run


def bits(t: torch.Tensor) -> torch.Tensor:
    """The float32 bit patterns (NaN == NaN here, unlike torch.equal on the values)."""
    return t.contiguous().view(torch.int32)


def same_history(a: list[dict], b: list[dict]) -> bool:
    """Equal, where NaN equals NaN."""

    def key(rows):
        return [
            {k: ("nan" if isinstance(x, float) and math.isnan(x) else x) for k, x in r.items()}
            for r in rows
        ]

    return key(a) == key(b)


# ---- round trips -------------------------------------------------------------------------


def test_a_run_comes_back_bit_for_bit(store):
    token = new_token()
    run = make_run(epochs=3)
    store.save_run(token, run)
    (back,) = store.runs(token)
    assert torch.equal(back.W, run.W) and torch.equal(back.b, run.b)
    assert back.W.dtype == torch.float32 and back.W.shape == (784, 10)
    assert back.history == run.history
    assert back.cfg == run.cfg
    assert (back.id, back.number, back.status, back.device) == (
        run.id,
        run.number,
        run.status,
        run.device,
    )
    assert back.breakdown is None and back.seconds == pytest.approx(run.seconds)
    assert abs(back.created - run.created) < 1e-5


def test_nan_and_inf_survive_in_history_weights_and_breakdown(store):
    token = new_token()
    run = make_run(epochs=2, nan=True)
    assert run.status == "breakdown"
    store.save_run(token, run)
    (back,) = store.runs(token)
    assert torch.equal(bits(back.W), bits(run.W)) and torch.equal(bits(back.b), bits(run.b))
    assert math.isnan(back.history[-1]["train_loss"]) and same_history(back.history, run.history)
    assert back.breakdown.cause == "log_zero" and back.breakdown.max_logit == math.inf
    assert math.isnan(back.breakdown.min_p_true)
    assert back.status == "breakdown" and not back.usable


def test_a_real_training_run_round_trips(store):
    g = torch.Generator().manual_seed(0)
    centres = torch.rand(10, 784, generator=g)
    y = torch.arange(300) % 10
    X = (centres[y] + 0.1 * torch.randn(300, 784, generator=g)).clamp(0, 1)
    cfg = TrainConfig(num_epochs=2, batch_size=32, device="cpu")
    run = Run(number=1, cfg=cfg)
    for record in train(cfg, FashionMNIST(X, y, X[:100], y[:100])):
        run.add(record)
    token = new_token()
    store.save_run(token, run)
    (back,) = store.runs(token)
    assert torch.equal(back.W, run.W) and torch.equal(back.b, run.b)
    assert back.history == run.history and back.status == run.status == "done"


def test_a_run_without_weights_and_an_unfinished_one(store):
    token = new_token()
    empty = Run(number=1, cfg=TrainConfig(), status="stopped")
    store.save_run(token, empty)
    (back,) = store.runs(token)
    assert back.W is None and back.b is None and back.history == [] and back.epochs_run == 0


def test_saving_a_run_again_updates_it(store):
    token = new_token()
    run = make_run(epochs=1)
    run.status = "stopped"
    store.save_run(token, run)
    more = make_run(epochs=3, seed=5)
    run.history, run.W, run.b, run.status = more.history, more.W, more.b, "done"
    store.save_run(token, run)
    (back,) = store.runs(token)
    assert store.count_runs(token) == 1
    assert back.status == "done" and back.epochs_run == 3 and torch.equal(back.W, more.W)


def test_runs_come_oldest_first(store):
    token = new_token()
    runs = [make_run(number=n, seed=n) for n in (1, 2, 3)]
    for k, run in enumerate(runs):
        run.created = time.time() - 100 + k
    for run in reversed(runs):
        store.save_run(token, run)
    assert [r.number for r in store.runs(token)] == [1, 2, 3]


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE runs SET w = :half",  # bytes cut short
        "UPDATE runs SET w_shape = '10,784'",  # the wrong shape
        "UPDATE runs SET b_shape = 'ten'",  # not a shape
        "UPDATE runs SET b = NULL",  # one of the two missing
    ],
)
def test_corrupted_weights_are_refused_with_a_clear_error(store, damage):
    token = new_token()
    run = make_run()
    store.save_run(token, run)
    good = make_run(number=2, seed=9)
    with store.engine.begin() as conn:
        conn.execute(sa.text(damage), {"half": b"\0" * 100})
    store.save_run(token, good)  # saved after the damage: not touched by it
    with pytest.raises(StoreError, match=f"run {run.id}.*(bytes|shape)"):
        store.runs(token)
    assert [r.id for r in store.runs(token, skip_corrupt=True)] == [good.id]


def test_weights_of_the_wrong_shape_or_status_are_not_saved(store):
    token = new_token()
    run = make_run()
    run.W = run.W.T
    with pytest.raises(StoreError, match="shapes"):
        store.save_run(token, run)
    run = make_run()
    run.status = "exploded"
    with pytest.raises(StoreError, match="status"):
        store.save_run(token, run)
    run = make_run()
    run.id = "../../etc/passwd"
    with pytest.raises(StoreError, match="run id"):
        store.save_run(token, run)
    assert store.count_runs(token) == 0


def test_no_pickle_weights_are_plain_little_endian_float32(store):
    token = new_token()
    run = make_run()
    store.save_run(token, run)
    with store.engine.connect() as conn:
        row = conn.execute(sa.text("SELECT w, w_shape, b_shape, owner FROM runs")).one()
    assert row.w_shape == "784,10" and row.b_shape == "10" and len(row.w) == 784 * 10 * 4
    expected = run.W.contiguous().numpy().astype("<f4").tobytes()
    assert bytes(row.w) == expected
    assert row.owner == owner_of(token) and token not in str(tuple(row))


# ---- schema versions and upgrades --------------------------------------------------------


def _columns(engine) -> dict:
    inspector = sa.inspect(engine)
    return {
        t: sorted(c["name"] for c in inspector.get_columns(t)) for t in inspector.get_table_names()
    }


def test_a_fresh_database_has_the_schema_of_schema_py(store):
    expected = {t.name: sorted(c.name for c in t.columns) for t in metadata.sorted_tables}
    assert _columns(store.engine) == expected
    assert store.version == SCHEMA_VERSION == 5 and store.upgraded_from == 0
    with store.engine.connect() as conn:
        versions = conn.execute(sa.text("SELECT version FROM schema_version")).scalars().all()
    assert sorted(versions) == [1, 2, 3, 4, 5]


def test_a_version_1_database_is_upgraded_without_losing_rows(db_url):
    engine = make_engine(db_url)
    upgrade(engine, target=1)
    token, other = new_token(), new_token()
    runs = [make_run(number=1), make_run(number=2, nan=True, seed=3)]
    v1_runs = sa.Table("runs", sa.MetaData(), autoload_with=engine)
    assert "class_code" not in v1_runs.c and not sa.inspect(engine).has_table("classes")
    with engine.begin() as conn:
        for run in runs:
            conn.execute(v1_runs.insert().values(owner=owner_of(token), **store_db._run_row(run)))
        conn.execute(
            sa.text("INSERT INTO progress (owner, data, updated) VALUES (:o, :d, :t)"),
            {"o": owner_of(other), "d": '{"lesson":{"step":3}}', "t": store_db.v.utc_now()},
        )
    engine.dispose()

    store = Store(db_url)  # upgrades 1 -> 2
    try:
        assert (store.upgraded_from, store.version) == (1, SCHEMA_VERSION)
        back = store.runs(token)
        assert [r.id for r in back] == [r.id for r in runs]
        for old, new in zip(runs, back, strict=True):
            assert torch.equal(bits(new.W), bits(old.W)) and same_history(new.history, old.history)
        assert store.progress(other) == {"lesson": {"step": 3}}
        expected = {t.name: sorted(c.name for c in t.columns) for t in metadata.sorted_tables}
        assert _columns(store.engine) == expected
        code, _ = store.create_class()  # the new tables work on old rows
        store.join_class(code, token, "Ada")
        store.save_run(token, back[0], class_code=code)
        assert [r.run_id for r in store.class_runs(code)] == [runs[0].id]
    finally:
        store.close()
    again = Store(db_url)  # nothing left to do the second time
    assert (again.upgraded_from, again.version) == (SCHEMA_VERSION, SCHEMA_VERSION)
    again.close()


def test_a_version_2_database_gets_unique_run_numbers_without_losing_rows(db_url):
    """Two tabs saved "Run #1" twice before version 3: the newer one is renumbered."""
    engine = make_engine(db_url)
    upgrade(engine, target=2)
    token, other = new_token(), new_token()
    runs = [make_run(number=1, seed=1), make_run(number=1, seed=2), make_run(number=2, seed=3)]
    runs[1].created = runs[0].created + 5  # the second tab's run
    v2_runs = sa.Table("runs", sa.MetaData(), autoload_with=engine)
    with engine.begin() as conn:
        for run in runs:
            conn.execute(v2_runs.insert().values(owner=owner_of(token), **store_db._run_row(run)))
        conn.execute(
            v2_runs.insert().values(owner=owner_of(other), **store_db._run_row(make_run(seed=4)))
        )
    engine.dispose()
    store = Store(db_url)  # upgrades 2 -> 3
    try:
        assert (store.upgraded_from, store.version) == (2, SCHEMA_VERSION)
        numbers = {r.id: r.number for r in store.runs(token)}
        assert numbers == {runs[0].id: 1, runs[1].id: 3, runs[2].id: 2}
        assert [r.number for r in store.runs(other)] == [1]
        assert store.next_run_number(token) == 4 and store.link_version(token) == 0
        expected = {t.name: sorted(c.name for c in t.columns) for t in metadata.sorted_tables}
        assert _columns(store.engine) == expected
        with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as conn:
            conn.execute(
                v2_runs.insert().values(owner=owner_of(token), **store_db._run_row(make_run()))
            )
    finally:
        store.close()


def test_a_version_4_database_gets_polls_without_losing_rows(db_url):
    """step_5 adds the poll tables beside a class and its runs, whatever version 4 holds."""
    engine = make_engine(db_url)
    upgrade(engine, target=4)
    assert not sa.inspect(engine).has_table("polls")
    engine.dispose()
    old = Store.__new__(Store)  # the version-4 tables, through today's class code
    old.engine, old.writer = make_engine(db_url), None
    old.writer = old.engine.execution_options(write=True)
    old.file_id = None
    code, secret = old.create_class("before polls")
    token = new_token()
    old.join_class(code, token, "Ada")
    run = make_run()
    old.save_run(token, run, class_code=code)
    old.close()

    store = Store(db_url)  # upgrades 4 -> 5
    try:
        assert (store.upgraded_from, store.version) == (4, SCHEMA_VERSION)
        assert [r.run_id for r in store.class_runs(code)] == [run.id]
        assert store.membership(token) == (code, "Ada")
        expected = {t.name: sorted(c.name for c in t.columns) for t in metadata.sorted_tables}
        assert _columns(store.engine) == expected
        poll = store.ask_poll(code, secret, "typed", "Ready?", ["yes", "no"])
        store.answer_poll(code, token, poll, 0)
        assert store.current_poll(code, token).mine == 0
    finally:
        store.close()


def test_a_database_from_a_newer_release_is_refused(db_url):
    Store(db_url).close()
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO schema_version (version, applied) VALUES (99, :t)"),
            {"t": store_db.v.utc_now()},
        )
    engine.dispose()
    with pytest.raises(StoreError, match="newer"):
        Store(db_url)


def test_servers_starting_together_on_a_fresh_database_do_not_race(db_url):
    barrier, errors, stores = threading.Barrier(8), [], []

    def start():
        barrier.wait()
        try:
            stores.append(Store(db_url))
        except Exception as exc:  # noqa: BLE001 - any failure is the test's finding
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(s.upgraded_from for s in stores) == [0] + [SCHEMA_VERSION] * 7
    with stores[0].engine.connect() as conn:
        versions = conn.execute(sa.text("SELECT version FROM schema_version")).scalars().all()
    assert sorted(versions) == list(range(1, SCHEMA_VERSION + 1))
    for s in stores:
        s.close()


# ---- concurrency ----------------------------------------------------------------------------


@pytest.mark.parametrize("shared", [True, False], ids=["one-process", "30-processes"])
def test_30_students_saving_at_once_all_land(db_url, shared):
    """30 writers at the same moment: one Store (one server) or one Store each (replicas)."""
    first = Store(db_url)
    stores = [first] * 30 if shared else [first] + [Store(db_url) for _ in range(29)]
    tokens = [new_token() for _ in range(30)]
    runs = [make_run(number=1, seed=k) for k in range(30)]
    barrier, errors = threading.Barrier(30), []

    def save(k):
        barrier.wait()
        try:
            stores[k].save_run(tokens[k], runs[k])
            stores[k].save_run(tokens[k], make_run(number=2, seed=100 + k))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(k,)) for k in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with first.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM runs")).scalar() == 60
    for k in (0, 17, 29):
        assert torch.equal(first.runs(tokens[k])[0].W, runs[k].W)
    for s in set(stores):
        s.close()


# ---- identities -----------------------------------------------------------------------------


def test_tokens_are_random_and_only_their_hash_is_kept():
    a, b = new_token(), new_token()
    assert a != b and len(a) == 32 and owner_of(a) != owner_of(b)
    assert len(owner_of(a)) == 64 and a not in owner_of(a)


def test_one_student_never_sees_or_changes_anothers_runs(store):
    alice, bob = new_token(), new_token()
    run = make_run()
    store.save_run(alice, run)
    assert store.runs(bob) == [] and store.count_runs(bob) == 0
    assert store.delete_run(bob, run.id) is False
    assert store.delete_runs(bob) == 0
    stolen = make_run(seed=4)
    stolen.id = run.id  # bob guesses alice's run id and saves over it
    with pytest.raises(StoreError, match="another student"):
        store.save_run(bob, stolen)
    (kept,) = store.runs(alice)
    assert torch.equal(kept.W, run.W)
    assert store.delete_run(alice, run.id) is True and store.runs(alice) == []


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "short",
        "x" * 10_000,
        "a" * 31,
        "a" * 31 + " ",
        "' OR 1=1 --" + "a" * 30,
        "ä" * 32,
        12345,
        "../" * 11,
    ],
)
def test_garbage_tokens_are_refused(store, token):
    with pytest.raises(StoreError, match="token"):
        store.runs(token)
    with pytest.raises(StoreError, match="token"):
        store.save_run(token, make_run())
    with pytest.raises(StoreError, match="token"):
        store.join_class("ABCDEF", token, "x")


def test_delete_all_of_a_students_runs(store):
    alice, bob = new_token(), new_token()
    for n in (1, 2, 3):
        store.save_run(alice, make_run(number=n, seed=n))
    store.save_run(bob, make_run(seed=8))
    assert store.delete_runs(alice) == 3 and store.runs(alice) == []
    assert store.count_runs(bob) == 1


def test_a_cap_on_runs_per_student(store, monkeypatch):
    monkeypatch.setattr(store_db, "MAX_RUNS_PER_STUDENT", 3)
    token = new_token()
    runs = [make_run(number=n, seed=n) for n in (1, 2, 3, 4)]
    for run in runs[:3]:
        store.save_run(token, run)
    with pytest.raises(LimitError, match="at most 3"):
        store.save_run(token, runs[3])
    store.save_run(token, runs[2])  # saving an existing run again is not a new one
    store.save_run(new_token(), runs[3])  # the cap is per student
    store.delete_run(token, runs[0].id)
    store.save_run(token, make_run(number=5, seed=5))
    assert store.count_runs(token) == 3


# ---- lesson progress ------------------------------------------------------------------------


def test_lesson_progress_round_trip(store):
    alice, bob = new_token(), new_token()
    assert store.progress(alice) == {}
    data = {"lesson": {"step": 2, "answers": ["naive", None, "a\x00b"]}, "guess": float("nan")}
    store.save_progress(alice, data)
    back = store.progress(alice)
    assert back["lesson"] == data["lesson"] and math.isnan(back["guess"])
    store.save_progress(alice, {"lesson": {"step": 3}})
    assert store.progress(alice) == {"lesson": {"step": 3}} and store.progress(bob) == {}
    with pytest.raises(StoreError, match="bytes"):
        store.save_progress(alice, {"x": "a" * 100_000})
    with pytest.raises(StoreError, match="dict"):
        store.save_progress(alice, ["not", "a", "dict"])
    with pytest.raises(StoreError, match="JSON"):
        store.save_progress(alice, {"x": object()})
    assert store.progress(alice) == {"lesson": {"step": 3}}


# ---- classes -------------------------------------------------------------------------------


def test_a_class_from_start_to_delete(store):
    code, secret = store.create_class("Monday <b>10:00</b>")
    assert len(code) == 6 and set(code) <= set(CODE_ALPHABET) and len(secret) == 32
    info = store.class_info(code)
    assert info.title == "Monday <b>10:00</b>" and not info.closed and info.students == 0
    assert store.is_teacher(code, secret) and not store.is_teacher(code, new_token())

    ada, bo, cy = new_token(), new_token(), new_token()
    assert store.join_class(code.lower(), ada, "Ada") == "Ada"
    assert store.join_class(f" {code[:3]} {code[3:]} ", bo, "").startswith("Student ")
    assert store.membership(ada) == (code, "Ada") and store.membership(cy) is None
    run_a, run_b, run_c = make_run(seed=1), make_run(seed=2, nan=True), make_run(seed=3)
    store.save_run(ada, run_a, class_code=code)
    store.save_run(bo, run_b, class_code=code)
    store.save_run(cy, run_c, class_code=code)  # not a member: not posted
    board = store.class_runs(code, token=ada)
    assert [(r.student, r.run_id, r.mine) for r in board] == [
        ("Ada", run_a.id, True),
        (store.membership(bo)[1], run_b.id, False),
    ]
    assert board[0].settings == run_a.cfg.to_dict() and board[0].epochs_run == 2
    assert board[0].test_acc == pytest.approx(0.25) and board[0].history == run_a.history
    assert board[1].status == "breakdown" and board[1].test_acc == pytest.approx(0.25)

    store.set_hide_names(code, secret, True)
    assert [r.student for r in store.class_runs(code)] == ["#1", "#2"]
    store.set_hide_names(code, secret, False)

    assert store.remove_class_run(code, secret, run_b.id) is True
    assert [r.run_id for r in store.class_runs(code)] == [run_a.id]
    store.save_run(bo, run_b, class_code=code)  # saved again: stays off the board
    assert [r.run_id for r in store.class_runs(code)] == [run_a.id]
    assert [r.id for r in store.runs(bo)] == [run_b.id]  # the student keeps it

    store.close_class(code, secret)
    with pytest.raises(ClassError) as refused:
        store.join_class(code, cy, "Cy")
    assert refused.value.reason == "closed"
    late = make_run(number=2, seed=4)
    store.save_run(ada, late, class_code=code)  # saved, but not posted
    assert store.count_runs(ada) == 2 and len(store.class_runs(code)) == 1

    store.delete_class(code, secret)
    assert store.class_info(code) is None and store.class_runs(code) == []
    assert store.membership(ada) is None and store.count_runs(ada) == 2


def test_rejoining_keeps_the_membership_and_may_rename(store):
    code, _ = store.create_class()
    ada = new_token()
    store.join_class(code, ada, "Ada")
    store.save_run(ada, make_run(), class_code=code)
    assert store.join_class(code, ada, "") == "Ada"  # no name: the old one
    assert store.join_class(code, ada, "Ada L.") == "Ada L."
    assert store.class_info(code).students == 1
    assert [r.student for r in store.class_runs(code)] == ["Ada L."]
    store.leave_class(ada)
    assert store.membership(ada) is None and store.class_info(code).students == 0
    assert [r.student for r in store.class_runs(code)] == ["Ada L."]  # posted runs stay


def test_membership_is_the_latest_class_joined(store):
    (one, _), (two, _) = store.create_class(), store.create_class()
    ada = new_token()
    store.join_class(one, ada, "Ada")
    store.join_class(two, ada, "Ada 2")
    assert store.membership(ada) == (two, "Ada 2")
    store.join_class(one, ada, "")
    assert store.membership(ada) == (one, "Ada")


def test_the_board_mark_changes_with_everything_the_board_shows(store):
    """The board is drawn again only when its mark changes: every change must change it."""
    code, secret = store.create_class("marked")
    ada, bo = new_token(), new_token()
    marks = [store.board_mark(code)]

    def changed():
        marks.append(store.board_mark(code))
        return marks[-1] != marks[-2]

    store.join_class(code, ada, "Ada")
    assert changed()
    first = make_run(number=1, seed=1)
    store.save_run(ada, first, class_code=code)
    assert changed()
    first.status = "stopped"
    store.save_run(ada, first, class_code=code)  # the same run saved again
    assert changed()
    store.join_class(code, ada, "Ada Lovelace")  # renamed
    assert changed()
    store.join_class(code, bo, "Bo")
    assert changed()
    store.set_hide_names(code, secret, True)
    assert changed()
    store.remove_class_run(code, secret, first.id)
    assert changed()
    store.leave_class(bo)
    assert changed()
    assert not changed()  # nothing happened: the same mark
    store.close_class(code, secret)
    assert changed()
    assert store.board_mark("ZZZZZZ") is None and store.board_mark("nonsense") is None


def test_the_board_reads_histories_only_for_the_curves_drawn(store):
    code, _ = store.create_class()
    token = new_token()
    store.join_class(code, token, "Ada")
    runs = [make_run(number=n, seed=n) for n in (1, 2)]
    for run in runs:
        store.save_run(token, run, class_code=code)
    light = store.class_runs(code, history=False)
    assert [r.history for r in light] == [[], []]
    assert [r.test_acc for r in light] == [r.test_acc for r in store.class_runs(code)]
    got = store.class_histories(code, [runs[1].id, "f" * 32])
    assert list(got) == [runs[1].id] and same_history(got[runs[1].id], runs[1].history)


def test_only_the_teacher_may_act_on_a_class(store):
    code, secret = store.create_class()
    ada = new_token()
    store.join_class(code, ada, "Ada")
    run = make_run()
    store.save_run(ada, run, class_code=code)
    for wrong in (new_token(), "", None, secret[:-1] + ("A" if secret[-1] != "A" else "B"), ada):
        for act in (
            lambda s: store.set_hide_names(code, s, True),
            lambda s: store.remove_class_run(code, s, run.id),
            lambda s: store.close_class(code, s),
            lambda s: store.delete_class(code, s),
            lambda s: store.class_csv(code, s),
        ):
            with pytest.raises(ClassError) as refused:
                act(wrong)
            assert refused.value.reason == "not_teacher"
        assert not store.is_teacher(code, wrong)
    info = store.class_info(code)
    assert not info.closed and not info.hide_names and info.runs == 1
    (other, other_secret) = store.create_class()
    with pytest.raises(ClassError, match="not_teacher"):
        store.close_class(code, other_secret)  # another class's teacher


# ---- class polls ------------------------------------------------------------------------------


def poll_class(store, students=3):
    """A class, its secret, and `students` members' tokens."""
    code, secret = store.create_class("polled")
    tokens = [new_token() for _ in range(students)]
    for k, token in enumerate(tokens):
        store.join_class(code, token, f"S{k}")
    return code, secret, tokens


def test_a_poll_one_answer_per_student_changed_until_the_reveal(store):
    code, secret, (ada, bo, cy) = poll_class(store)
    assert store.current_poll(code) is None
    poll = store.ask_poll(code, secret, "lr1_naive", "", ["breaks", "trains", "slow", "later"])
    store.answer_poll(code, ada, poll, 1)
    store.answer_poll(code, ada, poll, 0)  # changed: still one answer
    store.answer_poll(code, bo, poll, 0)
    store.answer_poll(code, cy, poll, 3)
    view = store.current_poll(code, ada)
    assert (view.id, view.kind, view.options) == (
        poll,
        "lr1_naive",
        ("breaks", "trains", "slow", "later"),
    )
    assert view.answered == 3 and view.mine == 0 and not view.revealed
    assert view.counts is None  # hidden: nobody gets the distribution before the reveal
    assert store.current_poll(code).counts is None  # the teacher's view neither
    assert (
        store.current_poll(code, cy).mine == 3
        and store.current_poll(code, new_token()).mine is None
    )
    store.reveal_poll(code, secret, poll)
    view = store.current_poll(code, bo)
    assert view.revealed and view.counts == (2, 0, 0, 1) and view.answered == 3 and view.mine == 0
    with pytest.raises(PollError) as late:
        store.answer_poll(code, cy, poll, 0)  # fixed after the reveal
    assert late.value.reason == "revealed"
    assert store.current_poll(code).counts == (2, 0, 0, 1)
    store.reveal_poll(code, secret, poll)  # twice: nothing changes
    assert store.current_poll(code).counts == (2, 0, 0, 1)


def test_only_the_teacher_asks_reveals_and_closes_a_poll(store):
    code, secret, (ada, _, _) = poll_class(store)
    other_code, other_secret = store.create_class()
    options = ["a", "b"]
    for wrong in (new_token(), ada, other_secret, "", None):
        with pytest.raises(ClassError, match="not_teacher"):
            store.ask_poll(code, wrong, "typed", "Q", options)
    poll = store.ask_poll(code, secret, "typed", "Q", options)
    store.answer_poll(code, ada, poll, 1)
    for wrong in (new_token(), ada, other_secret):
        for act in (store.reveal_poll, store.close_poll):
            with pytest.raises(ClassError, match="not_teacher"):
                act(code, wrong, poll)
    assert store.current_poll(code).counts is None
    with pytest.raises(PollError, match="no_poll"):
        store.reveal_poll(other_code, other_secret, poll)  # another class's poll id
    assert not store.current_poll(code).revealed
    store.close_poll(code, secret, poll)
    assert store.current_poll(code) is None
    with pytest.raises(PollError, match="no_poll"):
        store.answer_poll(code, ada, poll, 0)


def test_only_members_answer_and_only_an_option(store):
    code, secret, (ada, bo, _) = poll_class(store)
    poll = store.ask_poll(code, secret, "typed", "Q", ["a", "b", "c"])
    for bad in (-1, 3, True, 1.0, "1", None):
        with pytest.raises(PollError, match="bad_choice"):
            store.answer_poll(code, ada, poll, bad)
    with pytest.raises(PollError, match="not_member"):
        store.answer_poll(code, new_token(), poll, 0)
    store.leave_class(bo)
    with pytest.raises(PollError, match="not_member"):
        store.answer_poll(code, bo, poll, 0)
    other, other_secret, (stranger,) = poll_class(store, 1)
    with pytest.raises(PollError, match="no_poll"):
        store.answer_poll(other, stranger, poll, 0)  # the poll of another class
    with pytest.raises(PollError, match="no_poll"):
        store.answer_poll(code, ada, "1", 0)
    assert store.current_poll(code).answered == 0


def test_asking_again_closes_the_open_poll_and_starts_from_zero(store):
    code, secret, (ada, _, _) = poll_class(store)
    first = store.ask_poll(code, secret, "typed", "First?", ["a", "b"])
    store.answer_poll(code, ada, first, 0)
    second = store.ask_poll(code, secret, "start_loss", "", ["zero", "tenth", "ln10", "ten"])
    view = store.current_poll(code, ada)
    assert view.id == second != first and view.answered == 0 and view.mine is None
    with pytest.raises(PollError, match="no_poll"):
        store.answer_poll(code, ada, first, 1)
    store.close_class(code, secret)
    with pytest.raises(ClassError, match="closed"):
        store.ask_poll(code, secret, "typed", "Third?", ["a", "b"])


@pytest.mark.parametrize(
    "question, options",
    [
        ("", ["a", "b"]),  # a typed question needs its text
        ("Q", ["a"]),
        ("Q", [str(k) for k in range(7)]),
        ("Q", ["a", "a"]),
        ("Q", ["a", " \u200b "]),
        ("x" * 201, ["a", "b"]),
        ("Q", ["a", "y" * 81]),
        ("Q", "ab"),
    ],
)
def test_a_bad_question_is_refused_by_the_store_itself(store, question, options):
    code, secret, _ = poll_class(store, 0)
    with pytest.raises(PollError, match="bad_question"):
        store.ask_poll(code, secret, "typed", question, options)
    assert store.current_poll(code) is None


def test_typed_text_is_kept_as_plain_text(store):
    code, secret, _ = poll_class(store, 0)
    store.ask_poll(
        code, secret, "typed", "  **Best** <b>lr</b>?\n", ["[x](https://e.invalid)", "`1`"]
    )
    view = store.current_poll(code)
    assert view.question == "**Best** <b>lr</b>?"
    assert view.options == ("[x](https://e.invalid)", "`1`")


def test_deleting_a_class_deletes_its_polls_and_answers(store):
    code, secret, (ada, _, _) = poll_class(store)
    poll = store.ask_poll(code, secret, "typed", "Q", ["a", "b"])
    store.answer_poll(code, ada, poll, 1)
    store.delete_class(code, secret)
    with store.engine.connect() as conn:
        left = [
            conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar()
            for t in ("polls", "poll_answers")
        ]
    assert left == [0, 0] and store.current_poll(code) is None


def test_thirty_students_answering_at_once_all_count(db_url):
    store = Store(db_url)
    try:
        code, secret, tokens = poll_class(store, 30)
        poll = store.ask_poll(code, secret, "typed", "Q", ["a", "b", "c"])
        barrier, errors = threading.Barrier(30), []

        def answer(k, token):
            barrier.wait()
            try:
                store.answer_poll(code, token, poll, k % 3)
                store.answer_poll(code, token, poll, (k + 1) % 3)  # changed at once
            except Exception as exc:  # noqa: BLE001 - any failure is the test's finding
                errors.append(exc)

        threads = [threading.Thread(target=answer, args=(k, t)) for k, t in enumerate(tokens)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        store.reveal_poll(code, secret, poll)
        assert store.current_poll(code).counts == (10, 10, 10)
    finally:
        store.close()


def test_safestore_refuses_poll_actions_while_down_and_reads_nothing(tmp_path):
    def broken():
        raise sa.exc.OperationalError("connect", {}, Exception("no server"))

    safe = SafeStore(broken)
    assert not safe.available
    assert safe.current_poll("ABCDEF") is None and safe.class_size("ABCDEF") == 0
    with pytest.raises(Unavailable):
        safe.answer_poll("ABCDEF", new_token(), 1, 0)
    with pytest.raises(Unavailable):
        safe.ask_poll("ABCDEF", new_token(), "typed", "Q", ["a", "b"])
    with pytest.raises(Unavailable):
        safe.reveal_poll("ABCDEF", new_token(), 1)


def test_the_class_csv_has_a_row_per_epoch_and_no_formulas(store):
    code, secret = store.create_class()
    evil, ada = new_token(), new_token()
    store.join_class(code, evil, '=HYPERLINK("http://x","y")')
    store.join_class(code, ada, 'Ada, "the" first')
    store.save_run(evil, make_run(epochs=2), class_code=code)
    store.save_run(ada, make_run(epochs=1, lr=1.0, seed=2), class_code=code)
    rows = list(csv.DictReader(io.StringIO(store.class_csv(code, secret))))
    assert len(rows) == 3 + 2
    assert rows[0]["student"] == '\'=HYPERLINK("http://x","y")'
    assert rows[-1]["student"] == 'Ada, "the" first' and rows[-1]["lr"] == "1.0"
    assert [r["epoch"] for r in rows] == ["0", "1", "2", "0", "1"]
    assert {
        "run",
        "run_id",
        "status",
        "num_epochs",
        "batch_size",
        "softmax",
        "train_loss",
        "test_acc",
    } <= set(rows[0])


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Ada", "Ada"),
        ("  Ada  Lovelace \n", "Ada Lovelace"),
        ("`rm -rf /`", "`rm -rf /`"),  # kept, shown as plain text
        ("[click](https://evil.example)", "[click](https://evil.example)"),
        ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
        ("**bold** _x_ # h1", "**bold** _x_ # h1"),
        ("李华", "李华"),
        ("Zoe\u0308", "Zoë"),
        ("🦊 fox", "🦊 fox"),
        ("Ada\u200b\u200d\u2060", "Ada"),  # zero-width characters
        ("Ada\u202eevil\u202c", "Adaevil"),  # a right-to-left override
        ("Ada\x00\x07\x1b[31m", "Ada[31m"),  # control characters
        ("Ada\tBo\u2028Cy", "Ada Bo Cy"),  # tabs and line separators
        ("x" * 10_000, "x" * NAME_MAX),
        ("a" + " " * 3000 + "b", "a b"),
    ],
)
def test_display_names_are_plain_one_line_capped_text(store, name, expected):
    code, _ = store.create_class()
    token = new_token()
    assert store.join_class(code, token, name) == expected
    assert store.membership(token) == (code, expected)


@pytest.mark.parametrize("name", ["", "   ", "\u200b\u200b", "\n\t", "\u202e", None, 42])
def test_an_empty_name_gets_a_friendly_generated_one(store, name):
    code, _ = store.create_class()
    given = store.join_class(code, new_token(), name)
    assert given.startswith("Student ") and len(given) == 11
    assert all(not unicodedata.category(c).startswith("C") for c in given)


@pytest.mark.parametrize(
    "typed",
    [
        "{code}",
        "{lower}",
        " {code} ",
        "{a} {b}",
        "{a}-{b}",
        "\u200b{code}\u200b",
        "{wide}",
    ],
)
def test_a_class_code_typed_loosely_still_joins(store, typed):
    code, _ = store.create_class()
    wide = "".join(chr(ord(c) + 0xFEE0) for c in code)  # full-width, as a Chinese IME types
    text = typed.format(code=code, lower=code.lower(), a=code[:3], b=code[3:], wide=wide)
    assert store.join_class(text, new_token(), "x") == "x"


@pytest.mark.parametrize(
    "typed, reason",
    [
        ("", "malformed"),
        ("   ", "malformed"),
        ("ABC", "malformed"),
        ("ABCDEFG", "malformed"),
        ("ABCDE0", "malformed"),
        ("ABCDEI", "malformed"),
        ("ABCDEL", "malformed"),
        ("[x](y)", "malformed"),
        ("<b>AB</b>", "malformed"),
        ("`ABCD`", "malformed"),
        ("A" * 10_000, "malformed"),
        (None, "malformed"),
        (123456, "malformed"),
        ("ZZZZZZ", "unknown"),
        ("zz zz zz", "unknown"),
    ],
)
def test_bad_class_codes_get_a_reason(store, typed, reason):
    with pytest.raises(ClassError) as refused:
        store.join_class(typed, new_token(), "x")
    assert refused.value.reason == reason
    assert store.class_info(typed) is None and store.class_runs(typed) == []


def test_a_cap_on_students_per_class(db_url):
    store = Store(db_url, max_members=3)  # SOFTMAX_CLASS_MAX_MEMBERS
    code, _ = store.create_class()
    students = [new_token() for _ in range(4)]
    for token in students[:3]:
        store.join_class(code, token, "s")
    with pytest.raises(ClassError) as refused:
        store.join_class(code, students[3], "s")
    assert refused.value.reason == "full"
    assert store.join_class(code, students[0], "renamed") == "renamed"  # members may rejoin
    store.leave_class(students[1])
    assert store.join_class(code, students[3], "s") == "s"
    store.close()


def test_the_member_cap_comes_from_the_setting(db_url, monkeypatch):
    assert Store(db_url).max_members == store_classes.MAX_STUDENTS_PER_CLASS == 200
    monkeypatch.setenv("SOFTMAX_CLASS_MAX_MEMBERS", "2")
    store = Store(db_url)
    code, _ = store.create_class()
    store.join_class(code, new_token(), "a")
    store.join_class(code, new_token(), "b")
    with pytest.raises(ClassError) as refused:
        store.join_class(code, new_token(), "c")
    assert refused.value.reason == "full"
    store.close()


def test_rotating_the_teacher_secret_revokes_the_old_one(store):
    code, old = store.create_class()
    new = store.rotate_teacher(code, old)
    assert new != old and len(new) == 32
    assert store.is_teacher(code, new) and not store.is_teacher(code, old)
    with pytest.raises(ClassError) as refused:
        store.rotate_teacher(code, old)
    assert refused.value.reason == "not_teacher"
    store.set_hide_names(code, new, True)  # the new one does everything
    with pytest.raises(ClassError):
        store.close_class(code, old)


def test_removing_a_member_takes_their_runs_off_and_keeps_them_out(store):
    code, secret = store.create_class()
    ada, bo = new_token(), new_token()
    store.join_class(code, ada, "Ada")
    store.join_class(code, bo, "Bo")
    for k in (1, 2):
        store.save_run(ada, make_run(number=k, seed=k), class_code=code)
    store.save_run(bo, make_run(number=1, seed=9), class_code=code)
    members = store.class_members(code, secret)
    assert [(m.name, m.runs, m.left) for m in members] == [("Ada", 2, False), ("Bo", 1, False)]
    assert owner_of(ada) not in {m.key for m in members}  # a handle, not the owner hash
    with pytest.raises(ClassError) as refused:
        store.class_members(code, new_token())
    assert refused.value.reason == "not_teacher"
    with pytest.raises(ClassError) as refused:
        store.remove_member(code, secret, "0" * 16)
    assert refused.value.reason == "unknown_member"
    mark = store.board_mark(code)
    assert store.remove_member(code, secret, members[0].key) == 2
    assert store.board_mark(code) != mark  # the boards redraw
    assert [r.student for r in store.class_runs(code)] == ["Bo"]
    assert len(store.runs(ada)) == 2  # still Ada's
    assert store.membership(ada) is None and store.class_info(code).students == 1
    assert [m.name for m in store.class_members(code, secret)] == ["Bo"]
    with pytest.raises(ClassError) as refused:
        store.join_class(code, ada, "Ada again")
    assert refused.value.reason == "removed"
    store.save_run(ada, make_run(number=3, seed=3), class_code=code)  # not posted
    assert [r.student for r in store.class_runs(code)] == ["Bo"]
    store.set_hide_names(code, secret, True)
    assert [m.name for m in store.class_members(code, secret)] == ["#2"]  # as the board says


def test_a_version_3_database_gets_the_removed_flag_without_losing_rows(db_url):
    engine = make_engine(db_url)
    upgrade(engine, target=3)
    token = new_token()
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO classes (code, title, teacher, created, closed, hide_names)"
                " VALUES ('ABCDEF', 't', :t, :c, FALSE, FALSE)"
            ),
            {"t": owner_of(new_token()), "c": store_db.v.utc_now()},
        )
        conn.execute(
            sa.text(
                "INSERT INTO class_members (code, owner, display_name, joined)"
                " VALUES ('ABCDEF', :o, 'Ada', :j)"
            ),
            {"o": owner_of(token), "j": store_db.v.utc_now()},
        )
    engine.dispose()
    store = Store(db_url)  # upgrades 3 -> 4
    try:
        assert (store.upgraded_from, store.version) == (3, SCHEMA_VERSION)
        expected = {t.name: sorted(c.name for c in t.columns) for t in metadata.sorted_tables}
        assert _columns(store.engine) == expected
        assert store.membership(token) == ("ABCDEF", "Ada")  # not removed
        assert store.join_class("ABCDEF", token, "Ada L") == "Ada L"
    finally:
        store.close()


def test_class_titles_are_cleaned_too(store):
    code, _ = store.create_class("\u202e" + "T" * 500 + "\x00")
    assert store.class_info(code).title == "T" * 80


# ---- retention --------------------------------------------------------------------------


def test_purge_removes_what_is_older_than_the_retention(store):
    alice, bob = new_token(), new_token()
    old, new = make_run(number=1), make_run(number=2, seed=2)
    old.created = time.time() - 40 * 86400
    old_code, _ = store.create_class("old")
    new_code, _ = store.create_class("new")
    for code in (old_code, new_code):
        store.join_class(code, alice, "Ada")
    store.save_run(alice, old, class_code=old_code)
    store.save_run(alice, new, class_code=old_code)
    store.save_progress(bob, {"step": 1})
    store.save_progress(alice, {"step": 9})
    with store.engine.begin() as conn:
        past = store_db.v.to_utc(time.time() - 31 * 86400)
        conn.execute(
            sa.text("UPDATE classes SET created = :t WHERE code = :c"), {"t": past, "c": old_code}
        )
        conn.execute(
            sa.text("UPDATE progress SET updated = :t WHERE owner = :o"),
            {"t": past, "o": owner_of(bob)},
        )
    counts = store.purge(30)
    assert counts == {"classes": 1, "members": 1, "runs": 1, "progress": 1}
    assert [r.id for r in store.runs(alice)] == [new.id]
    assert store.class_info(old_code) is None and store.class_info(new_code) is not None
    assert store.membership(alice) == (new_code, "Ada")
    assert store.progress(bob) == {} and store.progress(alice) == {"step": 9}
    assert store.purge(30) == {"classes": 0, "members": 0, "runs": 0, "progress": 0}
    for bad in (0, -1, float("nan")):
        with pytest.raises(ValueError):
            store.purge(bad)


# ---- URLs ---------------------------------------------------------------------------------


def test_the_url_comes_from_the_argument_the_environment_or_the_default(tmp_path, monkeypatch):
    assert sa.make_url(DEFAULT_URL).database == str(ROOT / "state" / "softmax.db")
    monkeypatch.setenv("SOFTMAX_DB_URL", f"sqlite:///{tmp_path / 'env' / 'a.db'}")
    s = Store()
    assert s.ping() and (tmp_path / "env" / "a.db").exists()
    s.close()
    assert make_engine("postgresql://u@h/d").dialect.driver == "psycopg"
    assert make_engine("postgres://u@h/d").dialect.driver == "psycopg"
    for bad in ("mysql://u@h/d", "sqlite://", "sqlite:///:memory:", "not a url"):
        with pytest.raises(StoreError):
            make_engine(bad)


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'w.db'}")
    with s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    s.close()


def test_run_numbers_come_from_the_database_one_per_tab(db_url):
    """Tabs (threads, two servers) asking at once each get their own number."""
    stores = [Store(db_url), Store(db_url)]
    token = new_token()
    got, barrier = [], threading.Barrier(12)

    def tab(k):
        barrier.wait()
        got.append(stores[k % 2].next_run_number(token))

    threads = [threading.Thread(target=tab, args=(k,)) for k in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == list(range(1, 13))
    assert stores[0].next_run_number(new_token()) == 1  # per student
    for s in stores:
        s.close()


def test_a_run_saved_with_a_taken_number_gets_the_next_free_one(store):
    token = new_token()
    first, clash = make_run(number=1, seed=1), make_run(number=1, seed=2)
    store.save_run(token, first)
    store.save_run(token, clash)  # numbered while the database was down
    assert clash.number == 2 and [r.number for r in store.runs(token)] == [1, 2]
    store.save_run(token, clash)  # saving it again keeps its (new) number
    assert [r.number for r in store.runs(token)] == [1, 2]
    assert store.next_run_number(token) == 3


def test_a_new_personal_link_version_revokes_the_old(store):
    token = new_token()
    assert store.link_version(token) == 0 and not store.knows(token)
    assert store.new_link_version(token) == 1 and store.new_link_version(token) == 2
    assert store.link_version(token) == 2 and store.knows(token)
    assert store.link_version(new_token()) == 0
    saver = new_token()
    store.save_run(saver, make_run())
    assert store.knows(saver)


# ---- the database down: SafeStore keeps working in memory ------------------------------------


def test_sqlite_unreachable_at_start_then_back(tmp_path):
    blocker = tmp_path / "state"
    blocker.write_text("a file where the database folder should be")
    url = f"sqlite:///{blocker / 'softmax.db'}"
    safe = SafeStore(lambda: Store(url), retry_seconds=0)
    assert not safe.available and "Error" in safe.error
    token = new_token()
    run = make_run()
    assert safe.save_run(token, run) is False
    assert safe.runs(token) == [run] and safe.runs(new_token()) == []
    assert safe.pending == 1 and safe.count_runs(token) == 1
    with pytest.raises(Unavailable):
        safe.join_class("ABCDEF", token, "Ada")
    assert safe.class_runs("ABCDEF") == [] and safe.membership(token) is None

    blocker.unlink()  # the disk is back
    assert safe.flush(wait=True) is True and safe.pending == 0
    (back,) = Store(url).runs(token)
    assert torch.equal(back.W, run.W) and back.history == run.history


def test_sqlite_locked_during_a_run_then_free(tmp_path, monkeypatch):
    """The retries follow a fake clock: no background retry can start (and find the
    database readable) between the failed save and the read of what memory holds."""
    clock = FakeClock()
    monkeypatch.setattr(store_safe, "time", SimpleNamespace(monotonic=clock))
    url = f"sqlite:///{tmp_path / 'softmax.db'}"
    safe = SafeStore(lambda: Store(url, busy_timeout=0.2), retry_seconds=30)
    token = new_token()
    before, during = make_run(number=1), make_run(number=2, seed=2)
    assert safe.save_run(token, before) is True and safe.available

    holder = sa.create_engine(url)  # another process holds the write lock
    with holder.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        conn.exec_driver_sql("UPDATE runs SET number = number")
        assert safe.save_run(token, during) is False
        assert not safe.available and "locked" in safe.error
        assert [r.id for r in safe.runs(token)] == [during.id]  # only what memory holds
        clock.now += 31  # a retry is due
        assert safe.flush(wait=True) is False  # still locked
        conn.exec_driver_sql("ROLLBACK")
    holder.dispose()

    clock.now += 31
    assert safe.flush(wait=True) is True
    assert [r.id for r in safe.runs(token)] == [before.id, during.id]
    assert [r.id for r in Store(url).runs(token)] == [before.id, during.id]


def test_sqlite_disk_full_then_space_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'softmax.db'}"
    store = Store(url)
    safe = SafeStore(lambda: store, retry_seconds=0)
    token = new_token()
    assert safe.save_run(token, make_run(number=1))

    def full(dbapi_connection, _record):  # no page beyond those in use
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    sa.event.listen(store.engine, "connect", full)
    store.engine.dispose()
    big = make_run(number=2, epochs=5, seed=3)
    assert safe.save_run(token, big) is False and "full" in safe.error
    sa.event.remove(store.engine, "connect", full)
    store.engine.dispose()
    assert safe.flush(wait=True) and [r.number for r in safe.store.runs(token)] == [1, 2]


def test_postgres_unreachable_at_start_then_back(pg_cluster):
    admin = os.environ["SOFTMAX_TEST_PG_URL"] if pg_cluster is None else pg_cluster.admin_url
    url = new_database_at(admin)
    where = {"url": sa.make_url(url).set(port=_closed_port()).render_as_string(False)}
    safe = SafeStore(lambda: Store(where["url"]), retry_seconds=0)
    assert not safe.available
    token = new_token()
    run = make_run()
    assert safe.save_run(token, run) is False and safe.runs(token) == [run]
    where["url"] = url  # the right port
    assert safe.flush(wait=True) and safe.pending == 0
    assert torch.equal(safe.store.runs(token)[0].W, run.W)
    safe.store.close()
    drop_database(admin, url)


def test_postgres_stopped_during_a_run_then_restarted():
    """A server of its own, so that stopping it disturbs no other test."""
    try:
        cluster = PgCluster.start(TEST_SETTINGS)
    except (RuntimeError, OSError) as exc:
        _need_postgres(f"no PostgreSQL server could be started: {exc}")
    try:
        url = cluster.new_database()
        safe = SafeStore(lambda: Store(url), retry_seconds=0)
        token = new_token()
        before, during = make_run(number=1), make_run(number=2, seed=2)
        assert safe.save_run(token, before) is True
        code, secret = safe.create_class()
        cluster.stop()
        assert safe.save_run(token, during) is False and not safe.available
        assert [r.id for r in safe.runs(token)] == [during.id]
        assert safe.ping() is False and safe.class_info(code) is None
        with pytest.raises(Unavailable):
            safe.delete_run(token, before.id)  # saved: cannot be deleted while down
        with pytest.raises(Unavailable):
            safe.close_class(code, secret)
        assert safe.flush(wait=True) is False
        cluster.restart()
        assert safe.flush(wait=True) is True
        assert [r.id for r in safe.runs(token)] == [before.id, during.id]
        assert safe.class_info(code) is not None and safe.ping()
        safe.store.close()
    finally:
        cluster.destroy()


def _closed_port() -> int:
    return free_port()  # bound and released: nobody listens


def test_while_down_the_retry_is_rate_limited():
    calls = []

    def factory():
        calls.append(1)
        raise sa.exc.OperationalError("connect", {}, Exception("down"))

    safe = SafeStore(factory, retry_seconds=3600)
    for _ in range(5):
        safe.flush()
        safe.save_run(new_token(), make_run())
    assert len(calls) == 1 and safe.pending == 5


def test_the_outbox_is_bounded_and_keeps_the_newest(tmp_path):
    blocker = tmp_path / "state"
    blocker.write_text("")
    safe = SafeStore(
        lambda: Store(f"sqlite:///{blocker / 'x.db'}"), retry_seconds=3600, outbox_size=3
    )
    token = new_token()
    runs = [make_run(number=n, seed=n) for n in range(5)]
    for run in runs:
        assert safe.save_run(token, run) is False
    assert [r.number for r in safe.runs(token)] == [2, 3, 4]
    assert safe.delete_run(token, runs[3].id) is True and safe.pending == 2
    with pytest.raises(Unavailable):
        safe.delete_runs(token)


def test_safestore_passes_bad_input_through_and_saves_when_up(store):
    safe = SafeStore(lambda: store)
    with pytest.raises(StoreError, match="token"):
        safe.save_run("garbage", make_run())
    token = new_token()
    with pytest.raises(ClassError):
        safe.join_class("ZZZZZZ", token, "x")
    runs = [make_run(number=n, seed=n) for n in range(30)]
    threads = [threading.Thread(target=safe.save_run, args=(token, run)) for run in runs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert safe.available and safe.pending == 0 and safe.count_runs(token) == 30
    assert safe.save_progress(token, {"a": 1}) is True and safe.progress(token) == {"a": 1}
    assert safe.delete_runs(token) == 30


def test_a_statement_the_database_refuses_is_an_error_not_an_outage(store):
    with store.engine.begin() as conn:  # a rule this release does not know
        conn.execute(sa.text("CREATE UNIQUE INDEX one_device ON runs (owner, device)"))
    safe = SafeStore(lambda: store)
    token = new_token()
    assert safe.save_run(token, make_run(number=1)) is True
    with pytest.raises(StoreError, match="refused"):
        safe.save_run(token, make_run(number=2, seed=2))
    assert safe.available and safe.pending == 0 and safe.count_runs(token) == 1


def test_while_down_run_numbers_never_collide_with_stored_ones(tmp_path):
    url = f"sqlite:///{tmp_path / 'softmax.db'}"
    state = {"up": True}

    def factory():
        if not state["up"]:
            raise OSError("down (test)")
        return Store(url)

    safe = SafeStore(factory, retry_seconds=0)
    token = new_token()
    assert safe.next_run_number(token) == 1
    safe.save_run(token, make_run(number=1))
    other = Store(url)  # another server numbers and saves run 2 meanwhile
    other.save_run(token, make_run(number=other.next_run_number(token), seed=9))
    other.close()
    safe._store.close()
    safe._store, state["up"] = None, False
    safe._down(OSError("down (test)"))
    offline = [safe.next_run_number(token, [1]) for _ in range(2)]  # two tabs
    assert offline == [2, 3]
    runs = [make_run(number=n, seed=n) for n in offline]
    assert [safe.save_run(token, run) for run in runs] == [False, False]
    state["up"] = True
    assert safe.flush(wait=True) and safe.pending == 0
    numbers = [r.number for r in Store(url).runs(token)]
    assert sorted(numbers) == [1, 2, 3, 4] and runs[0].number == 3 and runs[1].number == 4


def _delete_database(path):
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_deleted_database_file_is_noticed_recreated_and_written_again(tmp_path, how):
    """A pooled SQLite connection writes on into a deleted file without an error: the
    store notices before writing, keeps the run in memory, re-creates the file."""
    path = tmp_path / "state" / "softmax.db"
    safe = SafeStore(lambda: Store(f"sqlite:///{path}"), retry_seconds=0)
    token = new_token()
    first, second = make_run(number=1, seed=1), make_run(number=2, seed=2)
    assert safe.save_run(token, first) is True
    _delete_database(path)
    if how == "replaced":  # e.g. an old backup copied over it
        Store(f"sqlite:///{path}").close()
    assert safe.save_run(token, second) is False  # not into the deleted file
    assert not safe.available and "deleted or replaced" in safe.error
    assert [r.id for r in safe.runs(token)] == [second.id]  # shown while degraded
    assert safe.flush(wait=True) is True and safe.generation == 1
    assert [r.id for r in Store(f"sqlite:///{path}").runs(token)] == [second.id]
    assert safe.save_run(token, first) is True  # what a session still holds goes back
    assert [r.id for r in Store(f"sqlite:///{path}").runs(token)] == [first.id, second.id]
