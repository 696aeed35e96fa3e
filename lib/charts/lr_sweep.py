"""The lr sweep (lib/lr_sweep.py): test accuracy and ‖W‖ against the learning rate, per loss."""

import altair as alt
import pandas as pd

from lib.charts.palette import BLUE, DASHES, GREEN, SHAPES, VERMILLION
from lib.i18n import t


def _labelled(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    df = table[["softmax", "lr", "test_acc", "w_norm"]].copy()
    df["variant"] = df["softmax"].map(lambda s: t(f"softmax.{s}", lang))
    return df


def sweep_chart(table: pd.DataFrame, lang: str = "en") -> alt.VConcatChart:
    """Two panels over a log lr axis: test accuracy (a broken-down run's is its NaN-argmax
    share), and ‖W‖ on a log scale (a broken-down run's W is NaN: not drawn)."""
    df = _labelled(table, lang)
    order = [t(f"softmax.{s}", lang) for s in table["softmax"].unique()]
    n = len(order)
    x = alt.X("lr:Q", title=t("lesson.sweep.lr", lang), scale=alt.Scale(type="log"))
    variant = {
        "color": alt.Color(
            "variant:N",
            sort=order,
            title=None,
            scale=alt.Scale(domain=order, range=[VERMILLION, BLUE, GREEN][:n]),
            legend=alt.Legend(orient="bottom", columns=1),  # one per line: fits a phone
        ),
        "strokeDash": alt.StrokeDash(
            "variant:N", sort=order, scale=alt.Scale(domain=order, range=list(DASHES[:n]))
        ),
        "shape": alt.Shape("variant:N", sort=order, scale=alt.Scale(range=list(SHAPES[:n]))),
    }
    base = alt.Chart(df).mark_line(point=True).properties(height=180)
    acc = base.encode(
        x=x,
        y=alt.Y("test_acc:Q", title=t("chart.test_acc", lang), scale=alt.Scale(domain=[0, 1])),
        tooltip=["variant:N", "lr:Q", alt.Tooltip("test_acc:Q", format=".4f")],
        **variant,
    )
    norm = base.transform_filter("isFinite(datum.w_norm) && datum.w_norm > 0").encode(
        x=x,
        y=alt.Y("w_norm:Q", title=t("chart.w_norm", lang), scale=alt.Scale(type="log")),
        tooltip=["variant:N", "lr:Q", alt.Tooltip("w_norm:Q", format=".4g")],
        **variant,
    )
    return alt.vconcat(acc, norm)


def sweep_frame(table: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The sweep as the page's table: one row per run, columns named in the language."""
    cause = table["cause"].map(
        lambda c: t(f"lesson.sweep.cause.{c}", lang, default=str(c)) if isinstance(c, str) else "–"
    )
    columns = {
        "softmax": table["softmax"].map(lambda s: t(f"softmax.{s}", lang)),
        "lr": table["lr"],
        "test_acc": table["test_acc"],
        "w_norm": table["w_norm"],
        "max_logit": table["max_logit"],
        "sure": table["sure"],
        "below_eps": table["below_eps"],
        "breakdown_epoch": table["breakdown_epoch"],
        "cause": cause,
    }
    return pd.DataFrame({t(f"lesson.sweep.col.{k}", lang): v for k, v in columns.items()})
