"""The projector view's numbers and chart (lib/projector.py, lib/charts/projector.py)."""

import math

import pytest
from test_charts_class_board import board_run

from lib.charts.class_board import SOFTMAX_COLOURS, board_frame, lr_domain
from lib.charts.palette import NAIVE, STABLE
from lib.charts.projector import (
    ACC_TICKS,
    BROKE_Y,
    LABEL_PX,
    Y_DOMAIN,
    projector_chart,
    projector_table,
)
from lib.i18n import t
from lib.projector import Counts, class_counts, counts_line


@pytest.fixture
def runs():
    return [
        board_run(1, lr=0.1, acc=0.83),
        board_run(2, lr=1.0, softmax="naive", status="breakdown", acc=None),
        board_run(3, lr=0.03, softmax="naive", acc=0.79, framework="concise"),
        board_run(4, lr=10.0, softmax="naive", status="breakdown", acc=0.1),
        board_run(5, lr=1.0, softmax="naive", status="breakdown", acc=math.nan),
        board_run(6, lr=3.0, status="stopped", acc=0.84, epochs=1),
    ]


# ---- the counts ----------------------------------------------------------------------


def test_the_counts_come_from_the_board(runs):
    frame = board_frame(runs)
    assert class_counts(24, frame) == Counts(students=24, runs=6, broken=3)
    assert class_counts(0, board_frame([])) == Counts(0, 0, 0)
    with pytest.raises(ValueError, match="-1 students"):
        class_counts(-1, frame)


@pytest.mark.parametrize(
    "counts, en, zh",
    [
        (
            Counts(24, 31, 3),
            "24 students · 31 runs · 3 broke down",
            "24 名学生 · 31 条训练记录 · 3 次数值崩溃",
        ),
        (
            Counts(1, 1, 1),
            "1 student · 1 run · 1 broke down",
            "1 名学生 · 1 条训练记录 · 1 次数值崩溃",
        ),
        (
            Counts(0, 0, 0),
            "0 students · 0 runs · 0 broke down",
            "0 名学生 · 0 条训练记录 · 0 次数值崩溃",
        ),
        (
            Counts(2, 1, 0),
            "2 students · 1 run · 0 broke down",
            "2 名学生 · 1 条训练记录 · 0 次数值崩溃",
        ),
    ],
)
def test_the_counts_line_in_both_languages_with_plurals(counts, en, zh):
    assert counts_line(counts, "en") == en
    assert counts_line(counts, "zh") == zh


# ---- the chart -------------------------------------------------------------------------


def layers(frame, lang="en"):
    spec = projector_chart(frame, lang).to_dict()
    return spec, spec["layer"], spec["datasets"]


def data(spec, layer):
    return spec["datasets"][layer["data"]["name"]]


@pytest.mark.parametrize(
    "accs", [[0.83, 0.85], [0.1], [0.5, 0.99], []], ids=["close", "low", "wide", "none"]
)
def test_the_accuracy_axis_is_fixed_whatever_the_runs(accs):
    frame = board_frame([board_run(k, acc=a) for k, a in enumerate(accs)])
    spec, (scatter, *_), _ = layers(frame)
    y = scatter["encoding"]["y"]
    assert y["scale"]["domain"] == Y_DOMAIN and y["scale"]["nice"] is False
    assert y["axis"]["values"] == ACC_TICKS == pytest.approx([k / 10 for k in range(11)])
    assert Y_DOMAIN[0] < BROKE_Y < 0 and Y_DOMAIN[1] == 1.0


def test_finished_runs_are_points_and_broken_ones_crosses_below_zero(runs):
    frame = board_frame(runs)
    spec, (scatter, rule, name, crosses, times), _ = layers(frame)
    assert sorted(p["test_acc"] for p in data(spec, scatter)) == [0.79, 0.83, 0.84]
    assert scatter["encoding"]["x"]["scale"]["domain"] == lr_domain(frame)
    counts = data(spec, crosses)
    assert sorted((c["lr"], c["n"]) for c in counts) == [(1.0, 2), (10.0, 1)]
    assert {c["y"] for c in counts} == {BROKE_Y}
    assert crosses["mark"]["shape"] == "cross"
    assert sorted(c["times"] for c in data(spec, times)) == ["×1", "×2"]
    assert data(spec, name)[0]["text"] == t("class_board.chart.broken", "en")
    assert data(spec, rule)[0]["y"] > BROKE_Y  # the dashed rule sits between


def test_colours_are_okabe_itos_distinct_hues_and_legends_sit_outside(runs):
    spec, (scatter, *_), _ = layers(board_frame(runs), "zh")
    colour = scatter["encoding"]["color"]
    assert colour["scale"]["range"] == [NAIVE, STABLE] == list(SOFTMAX_COLOURS.values())
    assert NAIVE != STABLE
    assert colour["scale"]["domain"] == [t("softmax.naive", "zh"), t("softmax.stable", "zh")]
    for channel in ("color", "shape"):  # above the plot, never on it
        assert scatter["encoding"][channel]["legend"]["orient"] == "top"
    assert spec["config"]["axis"]["labelFontSize"] == LABEL_PX >= 20
    assert spec["config"]["legend"]["labelFontSize"] >= 20


def test_an_empty_board_still_draws_its_axes():
    spec, (scatter, rule, name, crosses, times), _ = layers(board_frame([]))
    assert data(spec, scatter) == [] and data(spec, crosses) == []
    assert scatter["encoding"]["y"]["scale"]["domain"] == Y_DOMAIN


def test_the_table_is_what_the_chart_draws_newest_first(runs):
    table = projector_table(board_frame(runs), "zh")
    assert list(table.columns)[:3] == [
        t("class_board.col.student", "zh"),
        t("train.col.run", "zh"),
        t("train.col.lr", "zh"),
    ]
    acc = table[t("train.col.test_acc", "zh")]
    assert list(table[t("class_board.col.student", "zh")]) == [f"S{k}" for k in range(6, 0, -1)]
    assert list(acc) == [
        "0.8400",
        *[t("class_board.chart.broken", "zh")] * 2,
        "0.7900",
        t("class_board.chart.broken", "zh"),
        "0.8300",
    ]
    assert set(table[t("train.col.softmax", "zh")]) == {
        t("softmax.naive", "zh"),
        t("softmax.stable", "zh"),
    }
