"""Per-class results: accuracy bars and the confusion-matrix heatmap."""

import altair as alt
import pandas as pd

from lib.charts.palette import BLUE, GREY
from lib.i18n import t

INSIDE_FROM = 0.15  # accuracy from which a bar holds its own label


def accuracy_chart(table: pd.DataFrame, overall: float, lang: str = "en") -> alt.LayerChart:
    """One bar per class (hardest on top) and a rule at the overall accuracy."""
    df = table
    order = df.sort_values("accuracy")["name"].tolist()
    bars = (
        alt.Chart(df)
        .mark_bar(color=BLUE)  # white labels on it: 5.2:1
        .encode(
            x=alt.X(
                "accuracy:Q",
                title=t("per_class.chart.accuracy", lang),
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            y=alt.Y("name:N", sort=order, title=None),
            tooltip=[
                alt.Tooltip("name:N", title=t("per_class.chart.class", lang)),
                alt.Tooltip("accuracy:Q", title=t("per_class.chart.accuracy", lang), format=".1%"),
                alt.Tooltip("count:Q", title=t("per_class.chart.count", lang)),
            ],
        )
    )
    # the figure inside a bar wide enough for it (white on blue), else just right of the bar in
    # grey: a class at 0 % (a broken-down run) has no bar, and white on white is unreadable
    inside = alt.datum.accuracy >= INSIDE_FROM
    text = alt.Text("accuracy:Q", format=".1%")
    labels = alt.layer(
        bars.mark_text(align="right", dx=-4, fontSize=11, color="white")
        .encode(text=text)
        .transform_filter(inside),
        bars.mark_text(align="left", dx=4, fontSize=11, color=GREY)
        .encode(text=text)
        .transform_filter(~inside),
    )
    rule = (
        alt.Chart(pd.DataFrame({"overall": [overall]}))
        .mark_rule(color=GREY, strokeDash=[4, 3], strokeWidth=2)
        .encode(
            x="overall:Q",
            tooltip=[
                alt.Tooltip("overall:Q", format=".1%", title=t("per_class.chart.overall", lang))
            ],
        )
    )
    return (bars + rule + labels).properties(height=alt.Step(28))  # labels over the rule


def confusion_frame(C, names) -> pd.DataFrame:
    """The matrix as long rows: true, predicted, images, share of the true class."""
    totals = C.sum(dim=1).clamp(min=1)
    return pd.DataFrame(
        [
            {
                "true": names[i],
                "predicted": names[j],
                "images": int(C[i, j]),
                "share": float(C[i, j] / totals[i]),
            }
            for i in range(len(C))
            for j in range(len(C))
        ]
    )


def confusion_chart(C, names, lang: str = "en") -> alt.LayerChart:
    """Rows: the true class; columns: the predicted one; each cell shows its count."""
    df = confusion_frame(C, names)
    names = list(names)
    dark = max(int(C.max()) * 0.3, 1)  # cells darker than this get white text
    base = alt.Chart(df).encode(
        x=alt.X(
            "predicted:N",
            sort=names,
            title=t("per_class.chart.predicted", lang),
            axis=alt.Axis(labelAngle=-40, orient="top", labelOverlap=False),
        ),
        y=alt.Y(
            "true:N",
            sort=names,
            title=t("per_class.chart.true", lang),
            axis=alt.Axis(
                titleAngle=0, titleAlign="right", titleBaseline="bottom", titleX=-8, titleY=-8
            ),
        ),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("images:Q", scale=alt.Scale(scheme="blues", type="sqrt"), legend=None),
        tooltip=[
            alt.Tooltip("true:N", title=t("per_class.chart.true", lang)),
            alt.Tooltip("predicted:N", title=t("per_class.chart.predicted", lang)),
            alt.Tooltip("images:Q", title=t("per_class.chart.count", lang)),
            alt.Tooltip("share:Q", title=t("per_class.chart.share", lang), format=".1%"),
        ],
    )
    text = base.mark_text(fontSize=11).encode(
        text="images:Q",
        color=alt.condition(alt.datum.images > dark, alt.value("white"), alt.value("#1f2430")),
    )
    return (cells + text).properties(width=alt.Step(52), height=alt.Step(40))
