"""The poll's distribution: one horizontal bar per option, the right one green and marked.

    poll_chart(lib.poll.poll_rows(view, "zh"), "zh")   # an Altair chart

The axis names each option by its letter (A, B, …), so the bars keep the width
on a phone; the options' texts are in the tooltip, in the chart's accessible
name and its table (lib/poll.py describe_poll, poll_rows), and on the page.
Colour is not the only sign of the right answer: its count is followed by "✓".
The count stands at the end of every bar (0 included).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from lib.charts.palette import GREEN, GREY
from lib.i18n import t

STEP = 44  # pixels per option: bars as tall as a projector needs


def poll_frame(rows: list[dict], lang: str) -> pd.DataFrame:
    """The rows of lib.poll.poll_rows with the words the chart shows."""
    df = pd.DataFrame(rows, columns=["option", "answers", "share", "right"])
    df["kind"] = [t("poll.chart.right" if r else "poll.chart.other", lang) for r in df["right"]]
    df["label"] = [f"{n} ✓" if r else f"{n}" for n, r in zip(df["answers"], df["right"])]
    df["letter"] = [option.split(".", 1)[0] for option in df["option"]]  # "A. …" -> "A"
    return df


def poll_chart(rows: list[dict], lang: str) -> alt.Chart:
    df = poll_frame(rows, lang)
    kinds = [t("poll.chart.right", lang), t("poll.chart.other", lang)]
    y = alt.Y(
        "letter:N",
        sort=list(df["letter"]),
        title=None,
        axis=alt.Axis(labelFontSize=16, labelFontWeight="bold", labelPadding=8, ticks=False),
    )
    top = max(1, int(df["answers"].max()) if len(df) else 1)
    x = alt.X(
        "answers:Q",
        title=t("poll.col.answers", lang),
        scale=alt.Scale(domain=[0, top * 1.15]),
        axis=alt.Axis(tickMinStep=1, format="d"),
    )
    colour = alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=[GREEN, GREY]), legend=None)
    tooltip = [
        alt.Tooltip("option:N", title=t("poll.col.option", lang)),
        alt.Tooltip("answers:Q", title=t("poll.col.answers", lang)),
        alt.Tooltip("share:Q", title=t("poll.col.share", lang), format=".0%"),
    ]
    base = alt.Chart(df).encode(y=y)
    bars = base.mark_bar(height={"band": 0.7}).encode(x=x, color=colour, tooltip=tooltip)
    counts = base.mark_text(align="left", dx=4, fontSize=16, fontWeight="bold").encode(
        x=x, text="label:N"
    )
    return (bars + counts).properties(height=alt.Step(STEP))
