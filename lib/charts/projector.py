"""The class board's chart for a projector: read from the back of the room.

    projector_chart(frame, "en")   # accuracy against lr, a fixed axis, big type, one chart
    projector_table(frame, "en")   # what it draws, as a table (the chart's data expander)

The board's scatter (lib.charts.class_board.scatter_chart: colour = softmax in
Okabe-Ito's vermillion and blue, filled or hollow, shape = framework) drawn
with PROJECTOR: bigger points, legends above the plot (outside it). The
accuracy axis is fixed at 0..1 (ACC_TICKS), so it does not move as runs
arrive. Runs that broke down sit on a row below 0 (BROKE_Y), under a dashed
rule, a cross per lr and softmax with how many runs it stands for. Everything
is one layered chart, not the board's two stacked ones, so it can take its
column's width (a stacked chart's axes spill past it).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from lib.charts.class_board import Look, lr_domain, scatter_chart, split
from lib.charts.palette import GREY
from lib.i18n import t

ACC_TICKS = [k / 10 for k in range(11)]  # 0.0 .. 1.0: the whole range, fixed
BROKE_Y = -0.12  # the row of the runs that broke down, below the axis's 0
RULE_Y = -0.06  # a dashed line between that row and the accuracies
Y_DOMAIN = [-0.18, 1.0]
PROJECTOR = Look(height=550, point_size=300, legend="top")  # height: legends and axes too
LABEL_PX = 20  # axis and legend labels, the ×n beside a cross
TITLE_PX = 22
TABLE_COLUMNS = ("student", "run", "lr", "softmax", "framework", "epochs_run", "test_acc")


def _broken_counts(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per (lr, softmax) among the runs that broke down: n, '×n', its label."""
    _, broken = split(frame)
    counts = broken.groupby(["lr", "softmax"], as_index=False).agg(n=("run_id", "size"))
    counts["softmax_label"] = [t(f"softmax.{v}", lang, default=str(v)) for v in counts["softmax"]]
    counts["times"] = [f"×{n}" for n in counts["n"]]
    counts["y"] = BROKE_Y
    return counts


def _broken_layers(frame: pd.DataFrame, lang: str) -> list:
    """The runs that broke down: the dashed rule, the row's name, crosses and ×n."""
    counts = _broken_counts(frame, lang)
    rule = alt.Chart(pd.DataFrame({"y": [RULE_Y]})).mark_rule(strokeDash=[6, 4], color=GREY)
    name = pd.DataFrame(
        {"lr": [lr_domain(frame)[0]], "y": [BROKE_Y], "text": [t("class_board.chart.broken", lang)]}
    )
    row_name = (
        alt.Chart(name)
        .mark_text(align="right", dx=-12, fontSize=LABEL_PX, color=GREY)
        .encode(x="lr:Q", y="y:Q", text="text:N")
    )
    base = alt.Chart(counts).encode(
        x="lr:Q",
        y="y:Q",
        tooltip=[alt.Tooltip("lr:Q", format="~g"), alt.Tooltip("softmax_label:N"), "n:Q"],
    )
    crosses = base.mark_point(shape="cross", filled=False, size=PROJECTOR.point_size, strokeWidth=3)
    crosses = crosses.encode(color=alt.Color("softmax_label:N", legend=None))
    times = base.mark_text(align="left", dx=14, fontSize=LABEL_PX, color=GREY)  # light & dark
    times = times.encode(text="times:N")
    return [rule.encode(y="y:Q"), row_name, crosses, times]


def projector_chart(frame: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """The board's chart of `frame` (board_frame), sized and lettered for a projector."""
    scatter = scatter_chart(frame, lang, PROJECTOR).encode(
        y=alt.Y(
            "test_acc:Q",
            title=t("class_board.chart.acc", lang),
            scale=alt.Scale(domain=Y_DOMAIN, nice=False, zero=False),
            axis=alt.Axis(values=ACC_TICKS, format=".1f"),
        )
    )
    return (
        alt.layer(scatter, *_broken_layers(frame, lang))
        .properties(height=PROJECTOR.height)
        .configure_axis(labelFontSize=LABEL_PX, titleFontSize=TITLE_PX)
        .configure_legend(
            labelFontSize=LABEL_PX,
            titleFontSize=TITLE_PX,
            symbolSize=240,
            symbolFillColor=GREY,  # the framework's shapes: seen on a light and a dark theme
            symbolStrokeColor=GREY,
            labelLimit=400,
            direction="vertical",  # side by side, each a column: narrower than one row
        )
    )


def column_name(name: str, lang: str) -> str:
    """The board's name of a column (class_board.col.*, else the Train page's train.col.*)."""
    return t(f"class_board.col.{name}", lang, default=None) or t(f"train.col.{name}", lang)


def projector_table(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The chart's data, newest run first, with the board's column names; a run that broke
    down shows the words instead of an accuracy."""
    df = frame.iloc[::-1][list(TABLE_COLUMNS)].reset_index(drop=True)
    broke = t("class_board.chart.broken", lang)
    df["test_acc"] = [broke if pd.isna(a) else f"{float(a):.4f}" for a in df["test_acc"]]
    df["softmax"] = [t(f"softmax.{v}", lang, default=str(v)) for v in df["softmax"]]
    df["framework"] = [t(f"framework.{v}", lang, default=str(v)) for v in df["framework"]]
    return df.rename(columns={c: column_name(c, lang) for c in TABLE_COLUMNS})
