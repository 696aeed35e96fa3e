"""The minibatch page's chart: W.grad (784, 10) as ten 28x28 maps, one per class."""

import altair as alt
import numpy as np

from lib.charts.gallery import templates_frame
from lib.i18n import t


def gradient_maps_chart(W_grad, names, lang: str = "en") -> alt.FacetChart:
    """Ten heatmaps of the gradient, one per column of W.grad.

    SGD subtracts lr * W.grad / batch_size: where a map is red (positive) the
    weight goes down, where it is blue it goes up. The colour scale is symmetric
    around 0 so white means "this pixel's weight does not move".
    """
    df = templates_frame(W_grad, names).rename(columns={"weight": "grad"})  # 7,840 rows
    limit = float(np.abs(df["grad"]).max()) or 1.0
    title = t("minibatch.chart.grad", lang)
    return (
        alt.Chart(df)
        .mark_rect()
        .encode(
            x=alt.X("col:O", axis=None),
            y=alt.Y("row:O", axis=None),
            color=alt.Color(
                "grad:Q",
                title=title,
                scale=alt.Scale(scheme="redblue", reverse=True, domain=[-limit, limit]),
            ),
            tooltip=[
                alt.Tooltip("class:N", title=t("minibatch.chart.class", lang)),
                alt.Tooltip("row:O"),
                alt.Tooltip("col:O"),
                alt.Tooltip("grad:Q", title=title, format=".4g"),
            ],
        )
        .properties(width=110, height=110)
        .facet(
            facet=alt.Facet(
                "class:N", sort=list(names), title=None, header=alt.Header(labelFontSize=12)
            ),
            columns=5,
            spacing=6,
        )
    )
