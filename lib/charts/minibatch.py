"""The minibatch page's chart: W.grad (784, 10) as ten 28x28 maps, one per class."""

import altair as alt
import numpy as np

from lib.charts.gallery import class_maps, templates_frame
from lib.i18n import t


def gradient_maps_chart(W_grad, names, lang: str = "en") -> alt.FacetChart:
    """Ten heatmaps of the gradient, one per column of W.grad.

    SGD subtracts lr * W.grad / batch_size: where a map is red (positive) the
    weight goes down, where it is blue it goes up. The colour scale is symmetric
    around 0 so white means "this pixel's weight does not move".
    """
    df = templates_frame(W_grad, names).rename(columns={"weight": "grad"})  # 7,840 rows
    limit = float(np.abs(df["grad"]).max()) or 1.0
    return class_maps(
        df,
        "grad",
        t("minibatch.chart.grad", lang),
        t("minibatch.chart.class", lang),
        limit,
        names,
        size=110,
        fmt=".4g",
    )
