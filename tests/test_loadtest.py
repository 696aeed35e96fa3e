"""scripts/loadtest.py: its pieces on made-up input, and a class of 2 against a real server.

The pieces: the final message and the runs table read the way the ws students
read them, the store-call timer and its log lines, nginx's access log (which
replica a student was hashed to, requests passed on after a replica died),
and the count of each student's runs in the database. The smoke run starts the
app on a free port with a SQLite store (no warm-up training, to keep it short)
and checks that both students' runs are in the database and listed on the
reloaded page.
"""

import json
import subprocess
import sys
from types import SimpleNamespace

import pandas as pd
import pytest
import torch
from streamlit.dataframe_util import convert_pandas_df_to_arrow_bytes
from streamlit.proto.Dataframe_pb2 import Dataframe

import ui.identity
from lib.config import TrainConfig
from lib.i18n import t
from lib.runs import Run
from lib.store import Store, new_token
from lib.trainers import EpochRecord
from scripts import loadtest
from scripts.local_server import ROOT


def made_up_run(number: int, test_acc: float) -> Run:
    run = Run(number=number, cfg=TrainConfig(num_epochs=1, softmax="stable"))
    for epoch in (0, 1):
        run.add(
            EpochRecord(
                epoch,
                2.3 - epoch,
                0.1,
                test_acc if epoch else 0.1,
                0.01,
                None,
                torch.zeros(784, 10),
                torch.zeros(10),
            )
        )
    return run


def test_cookie_names_are_the_apps():
    assert loadtest.STUDENT_COOKIE == ui.identity.COOKIE


@pytest.mark.parametrize("acc", [0.81234, float("nan")])
def test_the_final_message_is_read_back(acc):
    text = t("train.done", "en", number=7, acc=acc, epochs=10, seconds=12.345)
    found = loadtest.DONE_RE.search(text)
    assert found is not None
    assert (int(found.group(1)), loadtest.acc_text(float(found.group(2)))) == (
        7,
        loadtest.acc_text(acc),
    )
    assert float(found.group(4)) == 12.35


def test_the_runs_table_is_told_from_other_tables():
    runs = [made_up_run(2, 0.8), made_up_run(1, 0.75)]
    frame = Dataframe()
    frame.arrow_data.data = convert_pandas_df_to_arrow_bytes(
        pd.DataFrame([dict(r.summary(), status="done") for r in runs])
    )
    assert loadtest.table_rows(frame) == [(2, "0.8000"), (1, "0.7500")]
    other = Dataframe()
    other.arrow_data.data = convert_pandas_df_to_arrow_bytes(pd.DataFrame({"name": ["lr"]}))
    assert loadtest.table_rows(other) is None
    assert loadtest.table_rows(Dataframe()) is None


def test_store_calls_are_timed_and_read_from_the_log(monkeypatch, tmp_path, capsys):
    for name, call in list(vars(Store).items()):  # undone after the test
        if callable(call) and not name.startswith("_"):
            monkeypatch.setattr(Store, name, call)
    loadtest.time_store_calls()
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    token = new_token()
    store.save_run(token, made_up_run(1, 0.5))
    assert store.count_runs(token) == 1
    store.close()
    log = tmp_path / "server-1.log"
    log.write_text("some other line\n" + capsys.readouterr().err)
    calls, down = loadtest.store_calls({log: 0}, loadtest.log_sizes(tmp_path))
    assert {name: c["calls"] for name, c in calls.items()} == {"save_run": 1, "count_runs": 1}
    assert calls["save_run"]["total_ms"] > 0 and down == 0
    later, _ = loadtest.store_calls(loadtest.log_sizes(tmp_path), loadtest.log_sizes(tmp_path))
    assert later == {}


def test_replicas_and_passed_on_requests_from_the_access_log(tmp_path):
    log = tmp_path / "access.log"
    log.write_text(
        '127.0.0.1:1 "GET /?epochs=10 HTTP/1.1" 200 - key-a\n'
        '127.0.0.1:2 "GET /?epochs=10 HTTP/1.1" 200 - key-b\n'
        '127.0.0.1:1 "GET /_stcore/stream HTTP/1.1" 101 key-a key-a\n'
    )
    offset = log.stat().st_size
    with log.open("a") as f:
        f.write(
            '127.0.0.1:1, 127.0.0.1:2 "GET /?epochs=10 HTTP/1.1" 200 key-a key-a\n'
            '127.0.0.1:1, 127.0.0.1:2 "GET /_stcore/stream HTTP/1.1" 101 key-a key-a\n'
            '127.0.0.1:2 "GET /_stcore/stream HTTP/1.1" 101 key-b key-b\n'
            '127.0.0.1:1 "GET /_stcore/health HTTP/1.1" 502 - x\n'
        )
    students = [SimpleNamespace(jar={"softmax_replica": key}) for key in ("key-a", "key-b", "c")]
    assert loadtest.student_replicas(log, students) == {0: "127.0.0.1:1", 1: "127.0.0.1:2"}
    assert loadtest.passed_on(log, offset) == {
        "requests": 4,
        "passed_on": 2,
        "passed_on_websocket": 1,
        "bad_gateway": 1,
    }


def test_the_database_count_finds_lost_and_extra_runs(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    store = Store(url)
    a, b, warm = (SimpleNamespace(token=new_token(), finished=[]) for _ in range(3))
    for student, runs in ((a, [(1, 0.8), (2, 0.7)]), (b, [(1, 0.6)]), (warm, [(1, 0.5)])):
        for number, acc in runs:
            store.save_run(student.token, made_up_run(number, acc))
    store.close()
    a.finished = [(1, "0.8000"), (2, "0.7000")]  # both stored
    b.finished = [(1, "0.6000"), (2, "0.9000")]  # #2 seen but not stored: lost
    found = loadtest.check_store(url, [a, b], [warm])
    assert {
        k: found[k]
        for k in ("rows", "warmup_runs", "seen_total", "found", "lost", "extra", "students_equal")
    } == {
        "rows": 4,
        "warmup_runs": 1,
        "seen_total": 4,
        "found": 3,
        "lost": 1,
        "extra": 0,
        "students_equal": 1,
    }
    b.finished = []  # b's stored run never seen: extra
    assert loadtest.check_store(url, [a, b], [warm])["extra"] == 1


def test_options_that_cannot_go_together_are_refused():
    for argv in (
        ["--kill-replica-after", "5"],  # one replica
        ["--replicas", "2", "--kill-replica-after", "5", "--store", "off"],
        ["--url", "http://127.0.0.1:1", "--store", "sqlite"],
    ):
        with pytest.raises(SystemExit):
            loadtest.parse_args(argv)
    assert loadtest.parse_args([]).store == "sqlite"


@pytest.mark.slow  # starts a server and two students
def test_a_class_of_two_trains_and_finds_its_runs_stored(real_data, tmp_path):
    """The whole script against a real server: 2 ws students, 1 epoch, SQLite store."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scripts.loadtest",
            "--sessions",
            "2",
            "--epochs",
            "1",
            "--open-concurrency",
            "2",
            "--no-warmup",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert (summary["completed"], summary["failed"], summary["store"]) == (2, 0, "sqlite")
    assert summary["db"]["rows"] == summary["db"]["expected_rows"] == 2
    assert (summary["db"]["lost"], summary["db"]["students_equal"]) == (0, 2)
    assert summary["reload"]["students_listing_exactly_their_runs"] == 2
    assert summary["store_calls"]["save_run"]["calls"] == 2
