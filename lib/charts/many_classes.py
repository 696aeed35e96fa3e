"""Charts of the Many-classes page: time and memory against K, log-log, one line per method."""

import altair as alt
import pandas as pd

from lib.charts.palette import DASHES, GREY, SERIES, SHAPES
from lib.i18n import t

METHOD_ORDER = ("full", "sampled", "hierarchical", "tree")
COLORS = SERIES[: len(METHOD_ORDER)]


def _frame(rows, lang):
    df = pd.DataFrame(list(rows), columns=["method", "K", "ms", "mb", "peak_mb", "loss", "status"])
    df["method_name"] = df["method"].map(lambda m: t(f"many_classes.method.{m}", lang))
    return df


def cost_chart(rows, metric: str, lang: str = "en", cap_mb: float | None = None) -> alt.LayerChart:
    """metric "ms": measured time (measured sizes only); "mb": computed memory (every size)."""
    df = _frame(rows, lang)
    if metric == "ms":
        df = df[df["status"] == "ok"]
    names = [t(f"many_classes.method.{m}", lang) for m in METHOD_ORDER]
    title = t(f"many_classes.chart.{metric}", lang)
    x = alt.X(
        "K:Q",
        title=t("many_classes.chart.k", lang),
        scale=alt.Scale(type="log"),
        axis=alt.Axis(format="~s"),
    )
    # the title goes above the chart: a long y-axis title is cut off in a narrow column
    y = alt.Y(f"{metric}:Q", title=None, scale=alt.Scale(type="log"))
    lines = (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "method_name:N",
                sort=names,
                title=None,
                scale=alt.Scale(domain=names, range=list(COLORS)),
                legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0),
            ),
            # the methods differ by point shape and dash too, not by colour alone
            shape=alt.Shape(
                "method_name:N", scale=alt.Scale(domain=names, range=list(SHAPES)), legend=None
            ),
            strokeDash=alt.StrokeDash(
                "method_name:N", scale=alt.Scale(domain=names, range=list(DASHES)), legend=None
            ),
            tooltip=[
                alt.Tooltip("method_name:N", title=t("many_classes.col.method", lang)),
                alt.Tooltip("K:Q", format=","),
                alt.Tooltip(f"{metric}:Q", title=title, format=",.3f"),
            ],
        )
    )
    layers = [lines]
    if cap_mb is not None and metric == "mb":
        cap = pd.DataFrame(
            [{"mb": cap_mb, "label": t("many_classes.chart.cap", lang, mb=f"{cap_mb:,.0f}")}]
        )
        rule = alt.Chart(cap).encode(y="mb:Q")
        layers += [
            rule.mark_rule(strokeDash=[6, 4], color=GREY),
            rule.mark_text(align="left", baseline="bottom", x=4, dy=-2, color=GREY).encode(
                text="label:N"
            ),
        ]
    # Streamlit fits a container-wide chart's whole height (title and legend included):
    # 460 px leaves the plot about 300 px under the four-line legend
    return alt.layer(*layers).properties(
        height=460, title=alt.TitleParams(title, anchor="start", fontSize=13)
    )


def cost_charts(rows, lang: str = "en", cap_mb: float | None = None) -> tuple:
    """(time chart, memory chart), each as wide as its container: side by side on a wide
    screen (two columns), one under the other on a phone, never cut off."""
    return (
        cost_chart(rows, "ms", lang).properties(width="container"),
        cost_chart(rows, "mb", lang, cap_mb).properties(width="container"),
    )
