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
import os
import re
import subprocess
import sys
from types import SimpleNamespace
from urllib.parse import parse_qs

import pandas as pd
import pytest
import torch
from streamlit.dataframe_util import convert_pandas_df_to_arrow_bytes
from streamlit.proto.Dataframe_pb2 import Dataframe

import ui.identity
from lib.config import APP_LIMITS, TrainConfig
from lib.i18n import LANGS, class_names, t
from lib.overflow import nan_prediction
from lib.runs import Run
from lib.settings import from_query, to_query
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


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("acc", [0.81234, float("nan")])
def test_the_final_message_is_read_back(acc, lang):
    text = t("train.done", lang, number=7, acc=acc, epochs=10, seconds=12.345)
    found = loadtest.DONE.search(text)
    assert found is not None
    assert (int(found["number"]), loadtest.acc_text(float(found["acc"]))) == (
        7,
        loadtest.acc_text(acc),
    )
    assert (int(found["epochs"]), float(found["seconds"])) == (10, 12.35)


@pytest.mark.parametrize("lang", LANGS)
def test_the_waiting_texts_are_read_back_in_every_language(lang):
    wait = t("train.engine_wait", lang, ahead=12) + " " + t("train.together_soon", lang, n=4)
    assert loadtest.ENGINE_WAIT.search(wait) == {"ahead": "12"}
    assert loadtest.QUEUE.search(wait) is None
    assert loadtest.QUEUE.search(t("train.queue", lang, ahead=3)) == {"ahead": "3"}
    assert loadtest.ENGINE_WAIT.search(t("train.queue", lang, ahead=3)) is None
    assert loadtest.TOGETHER.search(t("train.together", lang, n=14)) == {"n": "14"}
    assert loadtest.TOGETHER_ONE.search(t("train.together.one", lang)) == {}
    nan = nan_prediction()  # the page fills these fields too (lessons/train.py)
    broke = t(
        "train.breakdown",
        lang,
        number=5,
        epoch=2,
        batch=31,
        cause="exp overflowed.",
        class_name=class_names(lang)[nan["nan_class"]],
        **nan,
    )
    assert loadtest.BREAKDOWN.search(broke)["number"] == "5"
    assert loadtest.DONE.search(broke) is None
    grew = t("train.diverged", lang, number=6, start=2.3, end=9.1)
    assert loadtest.DIVERGED.search(grew)["number"] == "6"


def test_the_browser_reads_the_waiting_texts_with_the_same_patterns():
    """The browser's watcher gets unnamed groups; Python's re reads them the same way
    for these texts (JavaScript's RegExp, without the u flag, accepts the escapes)."""
    for lang, source in zip(LANGS, loadtest.ENGINE_WAIT.js_sources(), strict=True):
        assert "?P<" not in source
        found = re.search(source, t("train.engine_wait", lang, ahead=7))
        assert found is not None and found.group(1) == "7"


def test_identical_students_are_the_defaults_with_their_epochs():
    plans = loadtest.draw_class(5, "identical", epochs=7, ramp=0, seed=1)
    assert [p.cfg for p in plans] == [TrainConfig(num_epochs=7)] * 5
    assert {p.delay for p in plans} == {0}
    assert {p.group for p in plans} == {"default seed"}
    assert parse_qs(plans[0].query) == {k: [v] for k, v in to_query(plans[0].cfg).items()}


def test_a_mixed_class_has_the_promised_shares():
    n, default = 40, TrainConfig()
    plans = loadtest.draw_class(n, "class", epochs=10, ramp=5, seed=3)
    cfgs = [p.cfg for p in plans]
    shares = loadtest.MIX_SHARES
    assert sum(c.lr != default.lr for c in cfgs) == round(shares["lr"] * n)
    assert {c.lr for c in cfgs} <= set(APP_LIMITS["lr"].values)
    assert sum(c.softmax != default.softmax for c in cfgs) == round(shares["softmax"] * n)
    assert {c.softmax for c in cfgs} == {"naive", "stable"}
    assert sum(c.seed != default.seed for c in cfgs) == round(shares["seed"] * n)
    assert all(0 <= c.seed <= APP_LIMITS["seed"].high for c in cfgs)
    assert sum(c.framework == "concise" for c in cfgs) == round(shares["framework"] * n)
    low, high = loadtest.MIX_EPOCHS
    assert all(low <= c.num_epochs <= high for c in cfgs)
    assert len({c.num_epochs for c in cfgs}) > 5  # drawn, not one value
    assert all(0 <= p.delay <= 5 for p in plans) and len({p.delay for p in plans}) == n
    # every other setting at the default, and every query a link the page accepts as it is
    for p in plans:
        assert (p.cfg.batch_size, p.cfg.init_std) == (default.batch_size, default.init_std)
        cfg, notes = from_query({k: v[0] for k, v in parse_qs(p.query).items()})
        assert (cfg, notes) == (p.cfg, [])


def test_the_same_mix_seed_draws_the_same_class_and_another_seed_another():
    one = loadtest.draw_class(30, "class", epochs=10, ramp=5, seed=0)
    assert one == loadtest.draw_class(30, "class", epochs=10, ramp=5, seed=0)
    assert one != loadtest.draw_class(30, "class", epochs=10, ramp=5, seed=1)


def test_the_groups_follow_seed_and_framework():
    def group(**kw):
        return loadtest.Plan(TrainConfig(**kw), 0).group

    assert group() == group(lr=3.0, softmax="stable", num_epochs=20) == "default seed"
    assert group(seed=5) == "other seed"
    assert group(framework="concise") == group(framework="concise", seed=5) == "torch.nn"


def test_the_report_splits_the_class_by_group():
    results = [
        {"group": "default seed", "train_s": 10.0, "first_s": 1.0, "ending": "done"},
        {"group": "default seed", "train_s": 20.0, "first_s": 3.0, "ending": "breakdown"},
        {"group": "default seed", "error": "RuntimeError: no final message"},
        {"group": "torch.nn", "train_s": 30.0, "first_s": 2.0, "ending": "done"},
    ]
    groups = loadtest.group_stats(results)
    assert set(groups) == {"default seed", "torch.nn"}  # no other-seed student: no row
    d = groups["default seed"]
    assert (d["sessions"], d["completed"]) == (3, 2)
    assert (d["train_p50_s"], d["train_max_s"], d["first_max_s"]) == (15.0, 20.0, 3.0)
    assert d["train_p95_s"] == pytest.approx(19.5)  # interpolated between 10 and 20
    assert d["endings"] == {"done": 1, "breakdown": 1}
    assert groups["torch.nn"]["train_p95_s"] == 30.0


def test_the_baseline_is_the_lone_students_median():
    alone = [{"train_s": 3.0, "first_s": 0.25}, {"train_s": 5.0, "first_s": 0.5}, {"train_s": 4.0}]
    b = loadtest.baseline(alone, class_p95=12.0, epochs=10)
    assert (b["median_s"], b["first_median_s"], b["epochs"]) == (4.0, 0.375, 10)
    assert b["class_p95_over_alone"] == 3.0
    assert loadtest.baseline([], 12.0, 10) is None


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
        '127.0.0.1:1 "GET / HTTP/1.1" 200 - key-a\n'
        '127.0.0.1:2 "GET / HTTP/1.1" 200 - key-b\n'
        '127.0.0.1:1 "GET /_stcore/stream HTTP/1.1" 101 key-a key-a\n'
    )
    offset = log.stat().st_size
    with log.open("a") as f:
        f.write(
            '127.0.0.1:1, 127.0.0.1:2 "GET / HTTP/1.1" 200 key-a key-a\n'
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
        ["--mix", "class", "--client", "browser"],  # a browser reads only train.done
        ["--ramp", "-1"],
        ["--mix", "everyone"],
        ["--replicas", "2", "--kill-replica-after", "5", "--store", "off"],
        ["--url", "http://127.0.0.1:1", "--store", "sqlite"],
    ):
        with pytest.raises(SystemExit):
            loadtest.parse_args(argv)
    assert loadtest.parse_args([]).store == "sqlite"
    args = loadtest.parse_args(["--mix", "class", "--mix-seed", "4", "--ramp", "5", "--baseline"])
    assert (args.mix, args.mix_seed, args.ramp, args.baseline) == ("class", 4, 5.0, True)


def run_loadtest(*args: str) -> dict:
    """The whole script in a child process, as an operator runs it; its JSON summary."""
    done = subprocess.run(
        [sys.executable, "-m", "scripts.loadtest", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow  # starts a server and two students
def test_a_class_of_two_trains_and_finds_its_runs_stored(real_data, tmp_path):
    """The whole script against a real server: 2 ws students, 1 epoch, SQLite store."""
    summary = run_loadtest(
        "--sessions",
        "2",
        "--epochs",
        "1",
        "--open-concurrency",
        "2",
        "--no-warmup",
        "--json",
    )
    assert (summary["completed"], summary["failed"], summary["store"]) == (2, 0, "sqlite")
    assert summary["db"]["rows"] == summary["db"]["expected_rows"] == 2
    assert (summary["db"]["lost"], summary["db"]["students_equal"]) == (0, 2)
    assert summary["reload"]["students_listing_exactly_their_runs"] == 2
    assert summary["store_calls"]["save_run"]["calls"] == 2


@pytest.mark.slow  # starts a server, three lone students and a mixed class of four
def test_a_mixed_class_with_a_baseline_reports_each_group(real_data):
    summary = run_loadtest(
        "--sessions",
        "4",
        "--mix",
        "class",
        "--mix-seed",
        "3",
        "--ramp",
        "1",
        "--baseline",
        "--epochs",
        "1",
        "--no-warmup",
        "--json",
    )
    plans = loadtest.draw_class(4, "class", epochs=1, ramp=1, seed=3)
    expected = {g: sum(p.group == g for p in plans) for g in loadtest.GROUPS}
    assert {g: s["completed"] for g, s in summary["groups"].items()} == {
        g: n for g, n in expected.items() if n
    }
    assert len(summary["alone"]["runs_s"]) == loadtest.BASELINE_RUNS
    assert summary["db"]["lost"] == 0
    assert summary["db"]["rows"] == 4 + loadtest.BASELINE_RUNS


def test_the_server_prelude_caps_torch_s_threads_as_the_app_does():
    """The prelude imports torch before app.py could cap its threads: it must cap them
    itself, or the measured server trains with a thread per core per training."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    probe = f"{loadtest.SERVER_PRELUDE}\nimport torch\nprint(torch.get_num_threads())"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-1] == "1"
