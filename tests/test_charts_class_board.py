"""The class board's data and chart (lib/charts/class_board.py), without Streamlit."""

import math

import pytest

from lib.charts.class_board import (
    acc_domain,
    best_run,
    board_chart,
    board_frame,
    broken_strip,
    curves_frame,
    lr_domain,
    scatter_chart,
    setting_names,
    split,
)
from lib.config import TrainConfig, fields
from lib.i18n import t
from lib.store import BoardRun


def board_run(k, lr=0.1, softmax="stable", status="done", acc=0.8, epochs=2, **settings):
    history = [
        {
            "epoch": e,
            "train_loss": 2.3 - e / 10,
            "train_acc": 0.1 + e / 10,
            "test_acc": acc if e == epochs else 0.1,
            "seconds": 0.5,
            "broke_down": False,
        }
        for e in range(epochs + 1)
    ]
    return BoardRun(
        student=f"S{k}",
        run_id=f"{k:032x}",
        number=1,
        settings={"lr": lr, "softmax": softmax, "num_epochs": epochs, **settings},
        status=status,
        epochs_run=epochs,
        test_acc=acc,
        created=1e9 + k,
        history=history,
    )


@pytest.fixture
def runs():
    return [
        board_run(1, lr=0.1, acc=0.83),
        board_run(2, lr=1.0, softmax="naive", status="breakdown", acc=None),
        board_run(3, lr=0.03, softmax="naive", acc=0.79, framework="concise"),
        board_run(4, lr=10.0, softmax="naive", status="breakdown", acc=0.1),  # finite acc
        board_run(5, lr=1.0, softmax="naive", status="breakdown", acc=math.nan),
        board_run(6, lr=3.0, status="stopped", acc=0.84, epochs=1),
        board_run(7, lr=30.0, status="diverged", acc=0.55),
    ]


def test_one_row_per_run_with_the_settings_of_trainconfig(runs):
    frame = board_frame(runs)
    assert len(frame) == len(runs)
    names = [f.name for f in fields(TrainConfig, app_only=True)]
    assert setting_names() == names and set(names) <= set(frame.columns)
    assert "device" not in frame.columns  # not an app setting
    row = frame.iloc[2]
    assert (row["lr"], row["softmax"], row["framework"]) == (0.03, "naive", "concise")
    assert row["batch_size"] == TrainConfig().batch_size  # missing from the stored dict
    assert list(frame["student"]) == [f"S{k}" for k in range(1, 8)]


def test_broken_down_runs_are_split_off_and_counted(runs):
    points, broken = split(board_frame(runs))
    assert sorted(points["student"]) == ["S1", "S3", "S6", "S7"]  # every finished run
    assert sorted(broken["student"]) == ["S2", "S4", "S5"]  # status breakdown or NaN
    assert points["test_acc"].notna().all()
    assert broken["test_acc"].isna().all()  # S4's 0.1 from NaN weights is not kept


def test_a_nan_accuracy_is_broken_whatever_the_status():
    frame = board_frame([board_run(1, acc=math.inf), board_run(2, acc=None)])
    assert frame["broke_down"].all()


def test_the_scatter_has_one_point_per_finished_run_on_a_log_lr_axis(runs):
    frame = board_frame(runs)
    spec = scatter_chart(frame).to_dict()
    data = spec["datasets"][spec["data"]["name"]]
    assert sorted(p["student"] for p in data) == ["S1", "S3", "S6", "S7"]
    assert all(math.isfinite(p["test_acc"]) for p in data)
    x = spec["encoding"]["x"]
    assert x["field"] == "lr" and x["scale"]["type"] == "log"
    assert x["scale"]["domain"] == lr_domain(frame) == [0.001, 100.0]
    assert spec["encoding"]["color"]["field"] == "softmax_label"
    assert spec["encoding"]["shape"]["field"] == "framework_label"


def test_the_broken_runs_get_their_own_row_with_counts(runs):
    frame = board_frame(runs)
    chart = board_chart(frame, "en").to_dict()
    assert len(chart["vconcat"]) == 2 and chart["resolve"]["scale"]["x"] == "shared"
    strip = broken_strip(frame).to_dict()
    counts = strip["datasets"][strip["data"]["name"]]
    assert sorted((c["lr"], c["n"]) for c in counts) == [(1.0, 2), (10.0, 1)]
    assert sum(c["n"] for c in counts) == len(split(frame)[1]) == 3
    assert {c["row"] for c in counts} == {t("class_board.chart.broken", "en")}
    assert strip["layer"][0]["encoding"]["x"]["scale"]["type"] == "log"


def test_without_broken_runs_the_chart_is_the_scatter_alone():
    frame = board_frame([board_run(1), board_run(2, lr=0.3)])
    assert "vconcat" not in board_chart(frame).to_dict()


def test_an_lr_outside_the_apps_choices_widens_the_axis():
    assert lr_domain(board_frame([board_run(1, lr=500.0), board_run(2, lr=1e-4)])) == [1e-4, 500.0]


def test_the_best_run_ignores_broken_ones():
    runs = [
        board_run(1, acc=0.80),
        board_run(2, acc=0.84),
        board_run(3, acc=0.84),
        board_run(4, status="breakdown", acc=0.95),
    ]
    assert best_run(board_frame(runs)) == f"{2:032x}"  # the earliest of equals
    assert best_run(board_frame([board_run(1, status="breakdown", acc=None)])) is None
    assert best_run(board_frame([])) is None


def test_an_empty_board_has_the_columns_and_a_chart():
    frame = board_frame([])
    assert frame.empty and "lr" in frame.columns
    assert board_chart(frame).to_dict()["mark"]["type"] == "point"


def test_labels_follow_the_language(runs):
    spec = scatter_chart(board_frame(runs), "zh").to_dict()
    assert spec["encoding"]["x"]["title"] == t("class_board.chart.lr", "zh")
    data = spec["datasets"][spec["data"]["name"]]
    assert {p["softmax_label"] for p in data} == {
        t("softmax.naive", "zh"),
        t("softmax.stable", "zh"),
    }


def test_curves_frame_is_the_long_form_of_the_histories(runs):
    long = curves_frame(runs[:2], lambda r: r.student)
    assert list(long.columns) == ["run", "epoch", "metric", "value"]
    assert len(long) == 2 * 3 * 3  # 2 runs x epochs 0..2 x 3 metrics
    assert set(long["metric"]) == {"train_loss", "train_acc", "test_acc"}
    last = long[(long["run"] == "S1") & (long["epoch"] == 2) & (long["metric"] == "test_acc")]
    assert last["value"].item() == 0.83


@pytest.mark.parametrize(
    "accs, domain",
    [
        ([0.83, 0.85], [0.8, 0.9]),
        ([0.8], [0.8, 0.9]),
        ([0.1, 0.84], [0.1, 0.9]),
        ([1.0], [0.9, 1.0]),
        ([], [0.0, 1.0]),
    ],
)
def test_the_accuracy_axis_spans_whole_tenths_around_the_points(accs, domain):
    frame = board_frame([board_run(k, acc=a) for k, a in enumerate(accs)])
    assert acc_domain(frame) == pytest.approx(domain)
    assert all(domain[0] <= a <= domain[1] for a in accs)
