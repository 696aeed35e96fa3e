"""The prediction gallery: one image's probabilities, and W as ten templates."""

import altair as alt
import numpy as np
import pandas as pd

from lib.charts.palette import BLUE, GREY, LIGHT_GREY, VERMILLION
from lib.i18n import t

COLORS = {"pred": VERMILLION, "true": BLUE, "both": BLUE, "other": LIGHT_GREY}


def probability_frame(
    probs, names, lang: str = "en", true_class: int | None = None
) -> pd.DataFrame:
    """One row per class: its probability and its role (predicted, true, both, other)."""
    probs = np.asarray(probs, dtype=np.float64).reshape(-1)
    pred = int(probs.argmax())
    roles = [
        "both"
        if k == pred == true_class
        else "pred"
        if k == pred
        else "true"
        if k == true_class
        else "other"
        for k in range(len(probs))
    ]
    return pd.DataFrame(
        {
            "class": list(names),
            "probability": probs,
            "role": [t(f"gallery.chart.role.{r}", lang) for r in roles],
            "role_key": roles,
        }
    )


def probability_chart(
    probs, names, lang: str = "en", true_class: int | None = None
) -> alt.LayerChart:
    """Horizontal bars of the softmax output, classes in label order."""
    df = probability_frame(probs, names, lang, true_class)
    keys = [k for k in COLORS if k in set(df["role_key"])]
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X(
                "probability:Q",
                title=t("gallery.chart.probability", lang),
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            y=alt.Y("class:N", sort=list(names), title=None),
            color=alt.Color(
                "role:N",
                title=None,
                legend=alt.Legend(orient="bottom"),
                scale=alt.Scale(
                    domain=[t(f"gallery.chart.role.{k}", lang) for k in keys],
                    range=[COLORS[k] for k in keys],
                ),
            ),
            tooltip=[
                alt.Tooltip("class:N", title=t("gallery.chart.class", lang)),
                alt.Tooltip(
                    "probability:Q", title=t("gallery.chart.probability", lang), format=".4f"
                ),
            ],
        )
    )
    labels = bars.mark_text(align="left", dx=3, fontSize=11).encode(
        text=alt.Text("probability:Q", format=".1%"), color=alt.value(GREY)
    )
    return (bars + labels).properties(height=alt.Step(28))


def templates_frame(W, names) -> pd.DataFrame:
    """W (784, 10) as long rows: class, pixel row, pixel column, weight."""
    W = np.asarray(W, dtype=np.float64).reshape(28, 28, -1)  # (784, 10) -> (28, 28, 10)
    rows, cols, classes = np.meshgrid(range(28), range(28), range(W.shape[2]), indexing="ij")
    names = np.array(names)
    return pd.DataFrame(
        {
            "class": names[classes.ravel()],
            "row": rows.ravel(),
            "col": cols.ravel(),
            "weight": W.ravel().round(4),
        }
    )


def class_maps(
    df: pd.DataFrame,
    value: str,
    title: str,
    class_title: str,
    limit: float,
    names,
    size: int = 140,
    fmt: str = ".4f",
) -> alt.FacetChart:
    """Ten 28×28 heatmaps of df[value] (long rows: class, row, col, value), red above 0,
    blue below, white at 0, on a scale from -limit to limit. The gallery's W templates
    and the minibatch page's W.grad maps are both drawn by this."""
    return (
        alt.Chart(df)
        .mark_rect()
        .encode(
            x=alt.X("col:O", axis=None),
            y=alt.Y("row:O", axis=None),
            color=alt.Color(
                f"{value}:Q",
                title=title,
                scale=alt.Scale(scheme="redblue", reverse=True, domain=[-limit, limit], clamp=True),
            ),
            tooltip=[
                alt.Tooltip("class:N", title=class_title),
                alt.Tooltip("row:O"),
                alt.Tooltip("col:O"),
                alt.Tooltip(f"{value}:Q", title=title, format=fmt),
            ],
        )
        .properties(width=size, height=size)
        .facet(
            facet=alt.Facet(
                "class:N", sort=list(names), title=None, header=alt.Header(labelFontSize=13)
            ),
            columns=5,
            spacing=8,
        )
    )


def templates_chart(W, names, lang: str = "en") -> alt.FacetChart:
    """Ten 28×28 heatmaps, one per class column of W; red pulls towards the class."""
    df = templates_frame(W, names)
    limit = float(np.quantile(np.abs(df["weight"]), 0.99)) or 1.0  # a few outliers stay saturated
    return class_maps(
        df, "weight", t("gallery.chart.weight", lang), t("gallery.chart.class", lang), limit, names
    )
