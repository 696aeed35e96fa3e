"""Cross-entropy & log(0) (exercises 2 and 3): -log of a probability that underflowed to 0."""

import numpy as np
import streamlit as st
import torch

from lib import describe
from lib.charts.overflow import grad_chart, loss_chart
from lib.overflow import DTYPES, breaking_gaps, exp_limits, loss_vs_gap, table_gaps
from lib.softmax import cross_entropy_naive, cross_entropy_stable, softmax_naive, softmax_stable
from ui.a11y import chart
from ui.context import show_code
from ui.lang import lang, tr

LOSS_COLUMNS = ["gap", "p_true", "loss_naive", "loss_log0", "loss_stable"]
GRAD_COLUMNS = ["gap", "grad_naive", "grad_log0", "grad_stable"]


@st.cache_data(show_spinner=False)
def breaks_for(dtype: str) -> dict:
    return breaking_gaps(dtype)  # a fine grid, the same for everyone: once per dtype


def where(gap) -> str:
    return f"{gap:.1f}" if gap is not None else tr("cross_entropy.never")


def values_table(table, columns):
    """The values at a few gaps; inf and NaN in bold red."""
    table = table[columns]
    red = np.where(np.isfinite(table), "", "color: #e45756; font-weight: bold")
    shown = table.map(lambda v: "NaN" if v != v else f"{v:.6g}")  # inf stays "inf"
    shown.columns = [tr(f"cross_entropy.col.{c}") for c in columns]
    return shown.style.apply(lambda _: red, axis=None)


st.title(tr("cross_entropy.title"))
st.markdown(tr("cross_entropy.intro"))
st.markdown(tr("cross_entropy.setup"))

left, right = st.columns([3, 2])
gap_max = left.slider(
    tr("cross_entropy.gap_max"),
    10,
    1000,
    200,
    step=10,
    key="cross_entropy.gap_max",
    help=tr("cross_entropy.gap_help"),
)
dtype = right.radio(
    tr("cross_entropy.dtype"),
    list(DTYPES),
    index=list(DTYPES).index("float32"),  # the dtype training uses
    horizontal=True,
    key="cross_entropy.dtype",
)

breaks = breaks_for(dtype)
st.warning(
    tr(
        "cross_entropy.verdict",
        dtype=dtype,
        naive=where(breaks["loss_naive"]),
        log0=where(breaks["loss_log0"]),
        log0_grad=where(breaks["grad_log0"]),
    )
)
low, high = exp_limits(dtype)  # the same limits as the Softmax & overflow page
st.caption(
    tr(
        "cross_entropy.limits",
        dtype=dtype,
        high=f"{high:.2f}",
        low=f"{low:.2f}".replace("-", "−"),
        neg_low=f"{-low:.2f}",
    )
)

curve = loss_vs_gap(torch.linspace(0, gap_max, 401, dtype=torch.float64), dtype)
shown = {k: (v if v is not None and v <= gap_max else None) for k, v in breaks.items()}
left, right = st.columns(2)
for box, kind, draw in ((left, "loss", loss_chart), (right, "grad", grad_chart)):
    marks = {"naive": shown[f"{kind}_naive"], "log0": shown[f"{kind}_log0"]}
    with box:  # the data: the two tables below
        chart(draw(curve, marks, lang()), describe.gap_chart(kind, gap_max, marks, lang()))
st.caption(tr("cross_entropy.chart.caption"))

st.subheader(tr("cross_entropy.table"))
values = loss_vs_gap(table_gaps(dtype, gap_max), dtype)
st.dataframe(values_table(values, LOSS_COLUMNS), hide_index=True, height="content")
st.dataframe(values_table(values, GRAD_COLUMNS), hide_index=True, height="content")
st.caption(tr("cross_entropy.table_note"))

st.subheader(tr("cross_entropy.lse.header"))
st.latex(tr("cross_entropy.lse.latex"))
st.markdown(tr("cross_entropy.lse.explain"))
c1, c2 = st.columns(2)
c1.page_link(
    "lessons/overflow.py",
    label=tr("cross_entropy.back"),
    icon=":material/local_fire_department:",
)
c2.page_link("lessons/train.py", label=tr("cross_entropy.train"), icon=":material/show_chart:")

show_code(
    cross_entropy_naive,
    cross_entropy_stable,
    softmax_naive,
    softmax_stable,
    loss_vs_gap,
    breaking_gaps,
    exp_limits,
)
