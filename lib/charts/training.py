"""The book's three curves (train loss, train acc, test acc) per epoch."""

import altair as alt
import pandas as pd

from lib.charts.palette import BLUE, DASHES, GREEN, SERIES, SHAPES, VERMILLION
from lib.i18n import t

EDGE_PX = 8  # room around the plot: epoch 0 and the largest value are drawn inside it
METRIC_KEYS = {
    "train_loss": "chart.train_loss",
    "train_acc": "chart.train_acc",
    "test_acc": "chart.test_acc",
}
GROWTH_KEYS = {"w_norm": "chart.w_norm", "max_logit": "chart.max_logit"}


def _labelled(long_df: pd.DataFrame, lang: str, keys: dict = METRIC_KEYS) -> pd.DataFrame:
    df = long_df.copy()
    df["curve"] = df["metric"].map(lambda m: t(keys[m], lang))
    return df


def training_chart(long_df: pd.DataFrame, num_epochs: int, lang: str = "en") -> alt.Chart:
    """One run: three lines with a point per epoch, x fixed from 0 (the start) to num_epochs."""
    df = _labelled(long_df, lang)
    order = [t(k, lang) for k in METRIC_KEYS.values()]
    values = pd.to_numeric(df["value"])
    finite = values[values.abs() < float("inf")]  # NaN and inf are left out (not drawn)
    top = max([1.0, *finite])  # 0..1 at least: the axes stay put while the curves grow
    return (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "epoch:Q",
                title=t("chart.epoch", lang),
                scale=alt.Scale(domain=[0, num_epochs], padding=EDGE_PX),
                axis=alt.Axis(tickMinStep=1, format="d"),
            ),
            y=alt.Y(
                "value:Q",
                title=t("chart.value", lang),
                scale=alt.Scale(domain=[0, top], padding=EDGE_PX),
            ),
            color=alt.Color(
                "curve:N",
                sort=order,
                title=None,
                scale=alt.Scale(domain=order, range=[VERMILLION, GREEN, BLUE]),
                legend=alt.Legend(orient="bottom"),
            ),
            strokeDash=alt.StrokeDash(  # a second channel: loss solid, accuracies dashed
                "curve:N", sort=order, scale=alt.Scale(domain=order, range=list(DASHES[:3]))
            ),
            tooltip=[
                alt.Tooltip("epoch:Q"),
                alt.Tooltip("curve:N"),
                alt.Tooltip("value:Q", format=".4f"),
            ],
        )
        .properties(height=320)
    )


def growth_chart(growth_df: pd.DataFrame, num_epochs: int, lang: str = "en") -> alt.Chart:
    """One run's ‖W‖ and largest |logit| per epoch (lib.runs.growth_frame), on a log scale:
    at a large lr both grow with it, by orders of magnitude."""
    df = _labelled(growth_df, lang, GROWTH_KEYS)
    order = [t(k, lang) for k in GROWTH_KEYS.values()]
    return (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "epoch:Q",
                title=t("chart.epoch", lang),
                scale=alt.Scale(domain=[0, num_epochs]),
                axis=alt.Axis(tickMinStep=1, format="d"),
            ),
            y=alt.Y("value:Q", title=t("chart.log_value", lang), scale=alt.Scale(type="log")),
            color=alt.Color(
                "curve:N",
                sort=order,
                title=None,
                scale=alt.Scale(domain=order, range=[BLUE, VERMILLION]),
                legend=alt.Legend(orient="bottom", columns=1),  # one per line: fits a phone
            ),
            strokeDash=alt.StrokeDash(
                "curve:N", sort=order, scale=alt.Scale(domain=order, range=list(DASHES[:2]))
            ),
            shape=alt.Shape("curve:N", sort=order, scale=alt.Scale(range=list(SHAPES[:2]))),
            tooltip=[
                alt.Tooltip("epoch:Q"),
                alt.Tooltip("curve:N"),
                alt.Tooltip("value:Q", format=".4g"),
            ],
        )
        .properties(height=340)  # the legend and axes take ~120 px of it
    )


def compare_chart(long_df: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Several runs overlaid: one panel per curve, one colour per run."""
    df = _labelled(long_df, lang)
    order = [t(k, lang) for k in METRIC_KEYS.values()]
    return (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "epoch:Q", title=t("chart.epoch", lang), axis=alt.Axis(tickMinStep=1, format="d")
            ),
            y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
            color=alt.Color(
                "run:N",
                title=t("chart.run", lang),
                scale=alt.Scale(range=list(SERIES)),
                legend=alt.Legend(orient="bottom", labelLimit=400, columns=2),
            ),
            # runs differ by dash and point shape too, not by colour alone
            strokeDash=alt.StrokeDash("run:N", scale=alt.Scale(range=list(DASHES)), legend=None),
            shape=alt.Shape("run:N", scale=alt.Scale(range=list(SHAPES)), legend=None),
            tooltip=["run:N", "epoch:Q", alt.Tooltip("value:Q", format=".4f")],
        )
        .properties(width=220, height=220)
        .facet(column=alt.Column("curve:N", sort=order, title=None))
        .resolve_scale(y="independent")
    )


def curves_table(long_df: pd.DataFrame, lang: str = "en", keys: dict = METRIC_KEYS) -> pd.DataFrame:
    """What the curves draw, as a table: one row per (run, epoch), a column per curve.

    The run column is kept only when several runs are drawn; keys: GROWTH_KEYS for
    growth_chart's curves.
    """
    # speed: a dict per row instead of pandas' pivot_table, which costs ~6 ms for a
    # 33-row frame of Arrow strings, on every redraw of every student's live chart
    rows: dict[tuple, dict] = {}
    for run, epoch, metric, value in long_df[["run", "epoch", "metric", "value"]].itertuples(
        index=False
    ):
        rows.setdefault((run, epoch), {})[t(keys[metric], lang)] = value
    several = len({run for run, _ in rows}) > 1
    run_col, epoch_col = t("chart.run", lang), t("chart.epoch", lang)
    order = [t(k, lang) for k in keys.values()]
    records = [
        {**({run_col: run} if several else {}), epoch_col: epoch, **values}
        for (run, epoch), values in rows.items()
    ]
    columns = [*([run_col] if several else []), epoch_col, *order]
    present = [c for c in columns if any(c in r for r in records)] if records else columns
    return pd.DataFrame(records, columns=present)
