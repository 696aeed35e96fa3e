"""Charts of the two math pages: exp in each dtype, naive vs stable softmax, loss vs gap."""

import math

import altair as alt
import pandas as pd

from lib.charts.palette import BLUE, GREEN, GREY, NAIVE, ORANGE, PURPLE, STABLE, VERMILLION
from lib.i18n import t
from lib.overflow import DTYPES, exp_limits

DTYPE_COLORS = alt.Scale(domain=list(DTYPES), range=[VERMILLION, PURPLE, BLUE, GREEN])  # + widths
X_RANGE = (0.5, 1000.0)  # log scale: the limits 11, 89, 710 spread out
# fit the width only: `height` is then the plot's own height, legends and axes come on top
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


def exp_chart(curve: pd.DataFrame, x: float, lang: str = "en") -> alt.LayerChart:
    """log10 exp(x) per dtype, log-log: each line ends where exp overflows; your x in grey."""
    names = {d: t("overflow.chart.legend", lang, dtype=d, limit=exp_limits(d)[1]) for d in DTYPES}
    df = curve.dropna().assign(dtype=lambda f: f["dtype"].map(names))
    x_axis = alt.X(
        "x:Q", title=t("overflow.chart.x", lang), scale=alt.Scale(type="log", domain=list(X_RANGE))
    )
    color = alt.Color(
        "dtype:N",
        title=t("overflow.chart.dtype", lang),
        scale=alt.Scale(domain=list(names.values()), range=DTYPE_COLORS.range),
        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400),
    )
    # the curves coincide until they stop: widest first, so every one stays visible
    lines = [
        alt.Chart(df[df["dtype"] == names[d]])
        .mark_line(strokeWidth=w)
        .encode(
            x=x_axis,
            y=alt.Y(
                "log10_exp:Q", title=t("overflow.chart.log10", lang), scale=alt.Scale(type="log")
            ),
            color=color,
            tooltip=[alt.Tooltip("x:Q", format=".4g"), alt.Tooltip("log10_exp:Q", format=".4g")],
        )
        for d, w in zip(reversed(DTYPES), (11, 7, 4, 2), strict=True)
    ]
    limits = pd.DataFrame({"x": [exp_limits(d)[1] for d in DTYPES], "dtype": list(names.values())})
    layers = [*lines, alt.Chart(limits).mark_rule(strokeDash=[4, 4]).encode(x=x_axis, color=color)]
    if X_RANGE[0] <= x <= X_RANGE[1]:
        layers.append(
            alt.Chart(pd.DataFrame({"x": [x]})).mark_rule(color=GREY, size=2).encode(x=x_axis)
        )
    return alt.layer(*layers).properties(height=280, autosize=FIT_WIDTH)


def softmax_bars(table: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """Naive and stable probabilities side by side per entry; 'NaN' where the naive one is."""
    methods = {m: t(f"overflow.method.{m}", lang) for m in ("naive", "stable")}
    rows = []
    for j, row in table.iterrows():
        entry = f"{j}: {row['o']:g}"
        for m, name in methods.items():
            p = row[m]
            rows.append(
                {
                    "entry": entry,
                    "j": j,
                    "method": name,
                    "p": p if math.isfinite(p) else None,
                    "nan": "" if math.isfinite(p) else t("overflow.chart.nan", lang),
                }
            )
    df = pd.DataFrame(rows)
    order = list(methods.values())
    x = alt.X(
        "entry:N",
        sort=alt.SortField("j"),
        title=t("overflow.chart.entry", lang),
        axis=alt.Axis(labelAngle=0),
    )
    offset = alt.XOffset("method:N", sort=order)
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=x,
            xOffset=offset,
            y=alt.Y("p:Q", title=t("overflow.chart.prob", lang), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(
                "method:N",
                sort=order,
                title=t("overflow.chart.method", lang),
                scale=alt.Scale(range=[NAIVE, STABLE]),
                legend=alt.Legend(orient="bottom"),
            ),
            # a second channel: the naive bars are pale with a full outline
            fillOpacity=alt.FillOpacity(
                "method:N", sort=order, scale=alt.Scale(range=[0.35, 1.0]), legend=None
            ),
            stroke=alt.Stroke(
                "method:N", sort=order, scale=alt.Scale(range=[NAIVE, STABLE]), legend=None
            ),
            strokeWidth=alt.value(1.5),
            tooltip=["entry:N", "method:N", alt.Tooltip("p:Q", format=".6g")],
        )
    )
    nans = (
        alt.Chart(df[df["nan"] != ""])
        .mark_text(color=GREY, fontWeight="bold", dy=-8, fontSize=14)
        .encode(x=x, xOffset=offset, y=alt.datum(0), text="nan:N")
    )
    return alt.layer(bars, nans).properties(height=240, autosize=FIT_WIDTH)


def _gap_chart(long_df, marks, y_title, lang):
    """Lines over the gap, one per way of computing, with dotted rules where one breaks."""
    order = [t(f"cross_entropy.method.{m}", lang) for m in ("naive", "log0", "stable")]
    x = alt.X("gap:Q", title=t("cross_entropy.chart.gap", lang))
    color = alt.Color(
        "method:N",
        sort=order,
        title=t("cross_entropy.chart.method", lang),
        scale=alt.Scale(domain=order, range=[NAIVE, ORANGE, STABLE]),
        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400),
    )
    # the three coincide until one breaks: the widest first, so every one stays visible
    layers = [
        alt.Chart(long_df[long_df["method"] == name].dropna())
        .mark_line(strokeWidth=width, strokeDash=dash, clip=True)
        .encode(
            x=x,
            y=alt.Y("value:Q", title=y_title),
            color=color,
            tooltip=[
                "method:N",
                alt.Tooltip("gap:Q", format=".4g"),
                alt.Tooltip("value:Q", format=".6g"),
            ],
        )
        for name, width, dash in zip(
            reversed(order), (8, 4, 2), ([1, 0], [6, 3], [1, 0]), strict=True
        )
    ]
    if len(marks):
        layers.append(
            alt.Chart(marks).mark_rule(strokeDash=[3, 3], size=2).encode(x=x, color=color)
        )
        text = (
            alt.Chart(marks)
            .mark_text(align="left", dx=4)
            .encode(x=x, y=alt.Y("row:Q", scale=None, axis=None), text="label:N", color=color)
        )
        # the labels are placed in pixels, so they get a y scale of their own
        layers = [alt.layer(*layers), text]
        return (
            alt.layer(*layers)
            .resolve_scale(y="independent")
            .properties(height=240, autosize=FIT_WIDTH)
        )
    return alt.layer(*layers).properties(height=240, autosize=FIT_WIDTH)


def _long(table, prefix, lang):
    columns = [f"{prefix}_{m}" for m in ("naive", "log0", "stable")]
    df = table.melt(id_vars="gap", value_vars=columns, var_name="method", value_name="value")
    df["method"] = df["method"].map(lambda c: t(f"cross_entropy.method.{c.split('_')[1]}", lang))
    df.loc[~df["value"].apply(math.isfinite), "value"] = None  # inf / NaN: the line stops
    return df


def _marks(breaks: dict, label_key: str, lang: str) -> pd.DataFrame:
    found = [(m, g) for m, g in breaks.items() if g is not None]
    rows = [
        {
            "gap": g,
            "method": t(f"cross_entropy.method.{m}", lang),
            "row": 12 + 16 * i,
            "label": f"{t(label_key, lang)} ({g:.1f})",
        }
        for i, (m, g) in enumerate(found)
    ]
    return pd.DataFrame(rows, columns=["gap", "method", "row", "label"])


def loss_chart(table: pd.DataFrame, breaks: dict, lang: str = "en") -> alt.LayerChart:
    """Loss vs gap; `breaks` maps a way ('naive', 'log0') to the gap where its loss is inf."""
    return _gap_chart(
        _long(table, "loss", lang),
        _marks(breaks, "cross_entropy.chart.inf", lang),
        t("cross_entropy.chart.loss", lang),
        lang,
    )


def grad_chart(table: pd.DataFrame, breaks: dict, lang: str = "en") -> alt.LayerChart:
    """d loss / d o_y vs gap; `breaks` maps a way to the gap where its gradient is NaN."""
    return _gap_chart(
        _long(table, "grad", lang),
        _marks(breaks, "cross_entropy.chart.nan", lang),
        t("cross_entropy.chart.grad", lang),
        lang,
    )
