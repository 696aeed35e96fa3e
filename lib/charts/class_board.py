"""The class board's data and chart: every run of a class, one point each.

    frame = board_frame(board_runs)       # one row per run on the board (lib.store.BoardRun)
    points, broken = split(frame)         # runs with a test accuracy; runs that broke down
    board_chart(frame, "zh")              # accuracy against lr (log x), broken runs on a row below
    scatter_chart(frame, "en", look)      # the scatter alone, sized by a Look (the projector's)
    best_run(frame)                       # run_id of the most accurate run (None when none)
    curves_frame(board_runs, label)       # their histories, in the long form compare_chart draws

A run is anything with the attributes of lib.store.BoardRun (student, run_id,
number, settings, status, epochs_run, test_acc, history). The settings columns
come from TrainConfig's app fields, so a new setting shows up by itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import altair as alt
import pandas as pd

from lib.charts.palette import NAIVE, STABLE
from lib.config import APP_LIMITS, TrainConfig, fields
from lib.i18n import t
from lib.runs import METRICS

SOFTMAX_COLOURS = {"naive": NAIVE, "stable": STABLE}
SOFTMAX_FILL = {"naive": 0.0, "stable": 0.8}  # second channel: naive hollow, stable filled
WIDTH = 760
FIXED = ["run_id", "student", "run"]  # before the settings columns
RESULT = ["epochs_run", "test_acc", "status", "broke_down"]  # after them


@dataclass(frozen=True)
class Look:
    """How big the scatter is drawn and where its legends go (BOARD: the board's own)."""

    height: int = 340  # px
    point_size: int = 140
    legend: str = "bottom"  # Vega-Lite legend orient: outside the plot


BOARD = Look()


def setting_names() -> list[str]:
    """The settings the board shows, in TrainConfig's order (lr, num_epochs, batch_size, …)."""
    return [f.name for f in fields(TrainConfig, app_only=True)]


def _finite(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def board_frame(runs, student=lambda run: run.student) -> pd.DataFrame:
    """One row per run: FIXED columns, its settings, then RESULT columns.

    broke_down: the run's status is "breakdown" or it has no finite test
    accuracy; its test_acc is then None (the accuracy of NaN weights means
    nothing: it is neither plotted nor ranked).
    student(run) gives the name shown (the page maps hidden names to its language).
    """
    defaults = {f.name: f.default for f in fields(TrainConfig, app_only=True)}
    rows = []
    for run in runs:
        settings = {name: run.settings.get(name, default) for name, default in defaults.items()}
        broke_down = run.status == "breakdown" or not _finite(run.test_acc)
        rows.append(
            {
                "run_id": run.run_id,
                "student": student(run),
                "run": run.number,
                **settings,
                "epochs_run": run.epochs_run,
                "test_acc": None if broke_down else float(run.test_acc),
                "status": run.status,
                "broke_down": broke_down,
            }
        )
    return pd.DataFrame(rows, columns=[*FIXED, *defaults, *RESULT])


def split(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(runs with a test accuracy to plot, runs that broke down)."""
    broken = frame["broke_down"].astype(bool)
    return frame[~broken], frame[broken]


def best_run(frame: pd.DataFrame) -> str | None:
    """The run_id of the highest test accuracy among the runs that did not break down
    (the earliest of equals); None when there is none."""
    points, _ = split(frame)
    if points.empty:
        return None
    return points.loc[pd.to_numeric(points["test_acc"]).idxmax(), "run_id"]


def lr_domain(frame: pd.DataFrame) -> list[float]:
    """The x range: every learning rate the app offers, wider if a run went beyond it."""
    offered = APP_LIMITS["lr"].values
    lrs = [float(x) for x in frame["lr"] if _finite(x) and x > 0]
    return [min([*offered, *lrs]), max([*offered, *lrs])]


def _labelled(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    df = frame.copy()
    df["softmax_label"] = df["softmax"].map(lambda v: _label("softmax", v, lang))
    df["framework_label"] = df["framework"].map(lambda v: _label("framework", v, lang))
    return df


def _label(name: str, value, lang: str) -> str:
    key = f"{name}.{value}"
    return t(key, lang, default=str(value))


def acc_domain(points: pd.DataFrame) -> list[float]:
    """The y range: whole tenths around the accuracies (0.8..0.9 when all lie between),
    so close runs stay apart and the axis moves only when a run leaves that band."""
    accs = [float(a) for a in points["test_acc"] if _finite(a)]
    if not accs:
        return [0.0, 1.0]
    low = min(math.floor(min(accs) * 10) / 10, 0.9)
    high = max(math.ceil(max(accs) * 10) / 10, low + 0.1)
    return [max(0.0, low), min(1.0, high)]


def _x(frame: pd.DataFrame, lang: str, title: bool = True) -> alt.X:
    domain = lr_domain(frame)
    ticks = sorted({*APP_LIMITS["lr"].values, *domain})
    return alt.X(
        "lr:Q",
        title=t("class_board.chart.lr", lang) if title else None,
        scale=alt.Scale(type="log", domain=domain),
        axis=alt.Axis(values=ticks, format="~g", grid=True),
    )


def _fill(lang: str, legend: str = "bottom") -> dict:
    """Colour the outline and the inside the same; fill only the stable runs' marks, so naive
    and stable differ by more than their colour."""
    domain = [_label("softmax", k, lang) for k in SOFTMAX_FILL]
    return {
        "fill": _colour(lang, alt.Fill, legend),
        "fillOpacity": alt.FillOpacity(
            "softmax_label:N",
            scale=alt.Scale(domain=domain, range=list(SOFTMAX_FILL.values())),
            legend=None,
        ),
    }


def _colour(lang: str, channel=alt.Color, legend: str = "bottom") -> alt.Color:
    return channel(
        "softmax_label:N",
        title=t("class_board.chart.softmax", lang),
        scale=alt.Scale(
            domain=[_label("softmax", k, lang) for k in SOFTMAX_COLOURS],
            range=list(SOFTMAX_COLOURS.values()),
        ),
        legend=alt.Legend(orient=legend),
    )


def scatter_chart(frame: pd.DataFrame, lang: str = "en", look: Look = BOARD) -> alt.Chart:
    """The runs with an accuracy: test accuracy against lr on a log axis, colour = softmax,
    shape = framework. The x range covers all of `frame` (broken runs too)."""
    points, _ = split(frame)
    student = t("class_board.chart.student", lang)
    return (
        alt.Chart(_labelled(points, lang))
        .mark_point(filled=False, size=look.point_size, strokeWidth=2.5, opacity=0.85)
        .encode(
            x=_x(frame, lang),
            y=alt.Y(
                "test_acc:Q",
                title=t("class_board.chart.acc", lang),
                scale=alt.Scale(domain=acc_domain(points)),
                axis=alt.Axis(format=".2f"),
            ),
            color=_colour(lang, legend=look.legend),
            **_fill(lang, look.legend),
            shape=alt.Shape(
                "framework_label:N",
                title=t("class_board.chart.framework", lang),
                legend=alt.Legend(orient=look.legend),
            ),
            tooltip=[
                alt.Tooltip("student:N", title=student),
                alt.Tooltip("run:Q", title="#"),
                alt.Tooltip("lr:Q", format="~g"),
                alt.Tooltip("batch_size:Q"),
                alt.Tooltip("epochs_run:Q"),
                alt.Tooltip("test_acc:Q", format=".4f"),
            ],
        )
        .properties(width=WIDTH, height=look.height)
    )


def broken_strip(frame: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """The runs that broke down, on one row at their lr: a cross per lr and softmax, and
    how many runs it stands for."""
    _, broken = split(frame)
    counts = (
        _labelled(broken, lang)
        .groupby(["lr", "softmax_label"], as_index=False)
        .agg(n=("run_id", "size"))
    )
    counts["row"] = t("class_board.chart.broken", lang)
    counts["times"] = counts["n"].map(lambda n: f"×{n}")
    base = alt.Chart(counts).encode(
        x=_x(frame, lang, title=False),
        y=alt.Y("row:N", title=None),
        tooltip=[alt.Tooltip("lr:Q", format="~g"), alt.Tooltip("n:Q")],
    )
    crosses = base.mark_point(shape="cross", filled=False, size=160, strokeWidth=2).encode(
        color=_colour(lang), **_fill(lang)
    )
    labels = base.mark_text(align="left", dx=9, fontSize=13).encode(text="times:N")
    return alt.layer(crosses, labels).properties(width=WIDTH, height=50)


def board_chart(frame: pd.DataFrame, lang: str = "en") -> alt.Chart | alt.VConcatChart:
    """The scatter, with the broken-down runs' row under it (sharing the lr axis) when
    there are any."""
    top = scatter_chart(frame, lang)
    if not frame["broke_down"].astype(bool).any():
        return top
    return alt.vconcat(top, broken_strip(frame, lang), spacing=6).resolve_scale(x="shared")


def curves_frame(runs, label) -> pd.DataFrame:
    """The runs' per-epoch metrics stacked (run, epoch, metric, value), run = label(run):
    the long form lib.charts.training.compare_chart draws."""
    rows = [
        {"run": label(run), "epoch": h["epoch"], "metric": m, "value": h.get(m)}
        for run in runs
        for h in run.history
        for m in METRICS
    ]
    return pd.DataFrame(rows, columns=["run", "epoch", "metric", "value"])
