"""Charts of the Decisions page: recall per class for two rules, accuracy vs coverage."""
import altair as alt
import pandas as pd

from lib.i18n import t


def recall_chart(recall_argmax, recall_min_cost, names, lang: str = "en") -> alt.Chart:
    """Grouped bars: for each true class, its recall under argmax and under min. expected cost."""
    rules = [t("decisions.rule.argmax", lang), t("decisions.rule.min_cost", lang)]
    rows = [{"class": name, "rule": rule, "recall": float(r[i])}
            for rule, r in zip(rules, (recall_argmax, recall_min_cost))
            for i, name in enumerate(names)]
    return alt.Chart(pd.DataFrame(rows)).mark_bar().encode(
        x=alt.X("class:N", sort=list(names), title=t("decisions.chart.class", lang),
                axis=alt.Axis(labelAngle=-30)),
        xOffset=alt.XOffset("rule:N", sort=rules),
        y=alt.Y("recall:Q", title=t("decisions.chart.recall", lang),
                scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("rule:N", sort=rules, title=t("decisions.chart.rule", lang),
                        scale=alt.Scale(range=["#8da0cb", "#d9480f"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("class:N", title=t("decisions.chart.class", lang)),
                 alt.Tooltip("rule:N", title=t("decisions.chart.rule", lang)),
                 alt.Tooltip("recall:Q", title=t("decisions.chart.recall", lang), format=".3f")],
    ).properties(height=320)


def reject_chart(curve: pd.DataFrame, threshold: float, coverage: float, accuracy: float,
                 lang: str = "en") -> alt.LayerChart:
    """Accuracy on the answered images against coverage, one point per threshold; the chosen one in red."""
    x = alt.X("coverage:Q", title=t("decisions.chart.coverage", lang),
              scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("accuracy:Q", title=t("decisions.chart.accuracy", lang), scale=alt.Scale(zero=False))
    tooltip = [alt.Tooltip("threshold:Q", title=t("decisions.chart.threshold", lang), format=".2f"),
               alt.Tooltip("coverage:Q", title=t("decisions.chart.coverage", lang), format=".3f"),
               alt.Tooltip("accuracy:Q", title=t("decisions.chart.accuracy", lang), format=".4f")]
    line = alt.Chart(curve.dropna()).mark_line(point=alt.OverlayMarkDef(size=18)).encode(
        x=x, y=y, tooltip=tooltip)
    layers = [line]
    if accuracy == accuracy:   # not NaN: something was answered at this threshold
        now = pd.DataFrame([{"threshold": threshold, "coverage": coverage, "accuracy": accuracy,
                             "label": f"{t('decisions.chart.threshold', lang)} {threshold:.2f}"}])
        point = alt.Chart(now).encode(x=x, y=y, tooltip=tooltip)
        layers += [point.mark_point(size=160, filled=True, color="#d9480f"),
                   point.mark_text(align="right", dx=-10, dy=14, color="#d9480f").encode(
                       text="label:N")]
    return alt.layer(*layers).properties(height=320)
