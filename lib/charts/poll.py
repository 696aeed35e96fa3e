"""The poll's distribution: one horizontal bar per option, the right one green and marked.

    poll_chart(lib.poll.poll_rows(view, "zh"), "zh")   # an Altair chart

Colour is not the only sign of the right answer: its bar is labelled "✓" and
the legend names it; the count stands at the end of every bar (0 included).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from lib.charts.palette import GREEN, GREY
from lib.i18n import t

LABEL_LIMIT = 260  # pixels of option text beside a bar before it is cut with "…"


def poll_frame(rows: list[dict], lang: str) -> pd.DataFrame:
    """The rows of lib.poll.poll_rows with the words the chart shows."""
    df = pd.DataFrame(rows, columns=["option", "answers", "share", "right"])
    df["kind"] = [t("poll.chart.right" if r else "poll.chart.other", lang) for r in df["right"]]
    df["label"] = [f"{n} ✓" if r else f"{n}" for n, r in zip(df["answers"], df["right"])]
    return df


def poll_chart(rows: list[dict], lang: str) -> alt.Chart:
    df = poll_frame(rows, lang)
    order = list(df["option"])
    kinds = [t("poll.chart.right", lang), t("poll.chart.other", lang)]
    has_right = bool(df["right"].any())
    y = alt.Y("option:N", sort=order, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT))
    top = max(1, int(df["answers"].max()) if len(df) else 1)
    x = alt.X(
        "answers:Q",
        title=t("poll.col.answers", lang),
        scale=alt.Scale(domain=[0, top * 1.15]),
        axis=alt.Axis(tickMinStep=1, format="d"),
    )
    colour = alt.Color(
        "kind:N",
        scale=alt.Scale(domain=kinds, range=[GREEN, GREY]),
        legend=alt.Legend(title=None, orient="bottom") if has_right else None,
    )
    tooltip = [
        alt.Tooltip("option:N", title=t("poll.col.option", lang)),
        alt.Tooltip("answers:Q", title=t("poll.col.answers", lang)),
        alt.Tooltip("share:Q", title=t("poll.col.share", lang), format=".0%"),
    ]
    base = alt.Chart(df).encode(y=y)
    bars = base.mark_bar(height={"band": 0.7}).encode(x=x, color=colour, tooltip=tooltip)
    counts = base.mark_text(align="left", dx=4, fontSize=14).encode(x=x, text="label:N")
    return (bars + counts).properties(height=max(120, 44 * len(df)))
