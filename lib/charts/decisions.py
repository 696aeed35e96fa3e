"""Charts of the Decisions page: recall per class, accuracy vs coverage, reliability diagram."""

import altair as alt
import pandas as pd

from lib.charts.palette import BLUE, GREY, LIGHT_GREY, SKY, VERMILLION
from lib.i18n import t


def recall_chart(recall_argmax, recall_min_cost, names, lang: str = "en") -> alt.Chart:
    """Grouped bars: for each true class, its recall under argmax and under min. expected cost."""
    rules = [t("decisions.rule.argmax", lang), t("decisions.rule.min_cost", lang)]
    rows = [
        {"class": name, "rule": rule, "recall": float(r[i])}
        for rule, r in zip(rules, (recall_argmax, recall_min_cost))
        for i, name in enumerate(names)
    ]
    return (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar()
        .encode(
            x=alt.X(
                "class:N",
                sort=list(names),
                title=t("decisions.chart.class", lang),
                axis=alt.Axis(labelAngle=-30),
            ),
            xOffset=alt.XOffset("rule:N", sort=rules),
            y=alt.Y(
                "recall:Q", title=t("decisions.chart.recall", lang), scale=alt.Scale(domain=[0, 1])
            ),
            color=alt.Color(
                "rule:N",
                sort=rules,
                title=t("decisions.chart.rule", lang),
                scale=alt.Scale(range=[BLUE, VERMILLION]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("class:N", title=t("decisions.chart.class", lang)),
                alt.Tooltip("rule:N", title=t("decisions.chart.rule", lang)),
                alt.Tooltip("recall:Q", title=t("decisions.chart.recall", lang), format=".3f"),
            ],
        )
        .properties(height=320)
    )


def reject_chart(
    curve: pd.DataFrame,
    threshold: float,
    coverage: float,
    accuracy: float,
    lang: str = "en",
    chow: tuple | None = None,
) -> alt.LayerChart:
    """Accuracy on the answered images against coverage, one point per threshold.

    The chosen threshold is drawn in red; chow = (threshold, coverage, accuracy)
    of the rule "refer costs c" with 0-1 costs (threshold 1 - c), in blue.
    """
    x = alt.X(
        "coverage:Q", title=t("decisions.chart.coverage", lang), scale=alt.Scale(domain=[0, 1])
    )
    y = alt.Y("accuracy:Q", title=t("decisions.chart.accuracy", lang), scale=alt.Scale(zero=False))
    tooltip = [
        alt.Tooltip("threshold:Q", title=t("decisions.chart.threshold", lang), format=".2f"),
        alt.Tooltip("coverage:Q", title=t("decisions.chart.coverage", lang), format=".3f"),
        alt.Tooltip("accuracy:Q", title=t("decisions.chart.accuracy", lang), format=".4f"),
    ]
    line = (
        alt.Chart(curve.dropna())
        .mark_line(point=alt.OverlayMarkDef(size=18))
        .encode(x=x, y=y, tooltip=tooltip)
    )
    layers = [line]
    marks = [
        (
            threshold,
            coverage,
            accuracy,
            VERMILLION,
            "right",
            14,
            f"{t('decisions.chart.threshold', lang)} {threshold:.2f}",
        )
    ]
    if chow is not None:
        marks.append((*chow, BLUE, "left", -14, t("decisions.chart.chow", lang, threshold=chow[0])))
    for th, cov, acc, color, align, dy, label in marks:
        if acc != acc:  # NaN: nothing answered at this threshold, no point to draw
            continue
        now = pd.DataFrame([{"threshold": th, "coverage": cov, "accuracy": acc, "label": label}])
        point = alt.Chart(now).encode(x=x, y=y, tooltip=tooltip)
        layers += [
            point.mark_point(size=160, filled=True, color=color),
            point.mark_text(
                align=align, dx=-10 if align == "right" else 10, dy=dy, color=color
            ).encode(text="label:N"),
        ]
    return alt.layer(*layers).properties(height=320)


def reliability_chart(table: pd.DataFrame, lang: str = "en", width: int = 640) -> alt.VConcatChart:
    """Reliability diagram: accuracy per confidence bin against the diagonal, counts below.

    table: lib.decisions.reliability(). A bar under the diagonal is a bin
    where the model was surer than it was right (overconfident).
    """
    df = table.copy()
    df["share"] = df["count"] / max(int(df["count"].sum()), 1)
    df["range"] = [f"({lo:.2f}, {hi:.2f}]" for lo, hi in zip(df["lower"], df["upper"])]
    used = df[df["count"] > 0]
    conf_title = t("decisions.chart.confidence", lang)
    x = alt.X("lower:Q", title=conf_title, scale=alt.Scale(domain=[0, 1]))
    tooltip = [
        alt.Tooltip("range:N", title=t("decisions.chart.bin", lang)),
        alt.Tooltip("count:Q", title=t("decisions.chart.count", lang), format=","),
        alt.Tooltip("confidence:Q", title=t("decisions.chart.mean_conf", lang), format=".3f"),
        alt.Tooltip("accuracy:Q", title=t("decisions.chart.bin_acc", lang), format=".3f"),
    ]
    base = alt.Chart(used).encode(x=x, x2="upper:Q", tooltip=tooltip)
    # rects, not bars: a bar with x and x2 would be drawn as a thin horizontal range
    bars = base.mark_rect(color=SKY, stroke="white", strokeWidth=1).encode(
        y=alt.Y(
            "accuracy:Q", title=t("decisions.chart.bin_acc", lang), scale=alt.Scale(domain=[0, 1])
        ),
        y2=alt.datum(0),
    )
    gap = base.mark_rect(color=VERMILLION, opacity=0.35).encode(y="accuracy:Q", y2="confidence:Q")
    middle = alt.Chart(used).transform_calculate(middle="(datum.lower + datum.upper) / 2")
    counts = middle.mark_text(dy=-6, fontSize=10, color=GREY).encode(
        x="middle:Q", y="accuracy:Q", text=alt.Text("count:Q", format=","), tooltip=tooltip
    )
    ideal = pd.DataFrame(
        {
            "lower": [0.0, 1.0],
            "accuracy": [0.0, 1.0],
            "label": [t("decisions.chart.ideal", lang)] * 2,
        }
    )
    diagonal = (
        alt.Chart(ideal)
        .mark_line(strokeDash=[6, 4], color=GREY)
        .encode(x="lower:Q", y="accuracy:Q")
    )
    diagonal_label = (
        alt.Chart(ideal.iloc[[0]])
        .mark_text(  # near (0, 0): clear of the bars
            align="left", dx=8, dy=-4, angle=0, color=GREY
        )
        .encode(x="lower:Q", y="accuracy:Q", text="label:N")
    )
    top = alt.layer(bars, gap, diagonal, diagonal_label, counts).properties(height=320, width=width)
    hist = (
        alt.Chart(df)
        .mark_rect(color=LIGHT_GREY, stroke="white", strokeWidth=1)
        .encode(
            x=x,
            x2="upper:Q",
            y=alt.Y("share:Q", title=t("decisions.chart.share", lang), axis=alt.Axis(format="%")),
            y2=alt.datum(0),
            tooltip=tooltip,
        )
        .properties(height=90, width=width)
    )
    return alt.vconcat(top, hist)
