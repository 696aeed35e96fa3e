"""Softmax & overflow (exercises 1 and 3): where exp overflows, and the max-subtraction fix."""
import streamlit as st

import ui
from lib.charts.overflow import exp_chart, softmax_bars
from lib.overflow import (DTYPES, MAX_LOGITS, LogitsError, exp_curve, exp_table, parse_logits,
                          softmax_table, summary)
from lib.softmax import softmax_naive, softmax_stable

BAD = "background-color: rgba(228, 87, 86, 0.25)"  # the entries the naive softmax got wrong


def number(v) -> str:
    return "NaN" if v != v else f"{v:.6g}"   # inf stays "inf"


def styled(df, columns, status_prefix, number_columns):
    """Translated headers and statuses, numbers as %.6g (inf, NaN kept), broken rows in red."""
    bad = df["status"] != "ok"
    shown = df[columns].assign(status=df["status"].map(lambda s: ui.tr(f"{status_prefix}.{s}")))
    for c in number_columns:
        shown[c] = shown[c].map(number)
    shown.columns = [ui.tr(f"overflow.col.{c}") for c in columns]
    return shown.style.apply(lambda row: [BAD if bad[row.name] else ""] * len(row), axis=1)


def exp_section():
    st.subheader(ui.tr("overflow.exp.header"))
    left, right = st.columns([1, 3])
    x = left.number_input(ui.tr("overflow.exp.x"), -2000.0, 2000.0, 50.0, step=1.0,
                          key="overflow.x", help=ui.tr("overflow.exp.x_help"))
    table = exp_table(x)
    right.dataframe(styled(table, ["dtype", "exp_x", "status", "max_x", "min_x"],
                           "overflow.exp_status", ["exp_x", "max_x", "min_x"]), hide_index=True)
    left, right = st.columns([2, 3])
    left.markdown(ui.tr("overflow.exp.explain"))
    right.altair_chart(exp_chart(exp_curve(), x, ui.lang()))
    right.caption(ui.tr("overflow.chart.caption"))


def logits_from_input():
    """The student's logits, or None after a clear message about what to type."""
    left, right = st.columns([3, 2])
    text = left.text_input(ui.tr("overflow.sm.logits"), "1, 2, 100", key="overflow.logits")
    dtype = right.radio(ui.tr("overflow.sm.dtype"), list(DTYPES), index=1, horizontal=True,
                        key="overflow.dtype")
    st.caption(ui.tr("overflow.sm.logits_help"))
    try:
        return parse_logits(text), dtype
    except LogitsError as err:
        st.error(ui.tr(f"overflow.err.{err.reason}", token=err.token, max=MAX_LOGITS))
        return None, dtype


def softmax_section():
    st.subheader(ui.tr("overflow.sm.header"))
    logits, dtype = logits_from_input()
    if logits is None:
        return
    table = softmax_table(logits, dtype)
    facts = summary(table)
    if facts["bad"]:
        st.error(ui.tr("overflow.sm.broken", dtype=dtype, **facts))
    else:
        st.success(ui.tr("overflow.sm.fine", dtype=dtype, **facts))
    table.insert(0, "j", range(len(table)))
    columns = ["j", "o", "exp_o", "naive", "o_shifted", "exp_shifted", "stable", "status"]
    st.dataframe(styled(table, columns, "overflow.sm_status", columns[1:-1]), hide_index=True,
                 height="content")
    st.altair_chart(softmax_bars(table, ui.lang()))


st.title(ui.tr("overflow.title"))
st.markdown(ui.tr("overflow.intro"))
exp_section()
softmax_section()

st.subheader(ui.tr("overflow.fix.header"))
st.latex(ui.tr("overflow.fix.latex"))
st.markdown(ui.tr("overflow.fix.explain"))
st.info(ui.tr("overflow.fix.log0"))
st.page_link("lessons/cross_entropy.py", label=ui.tr("overflow.next"), icon=":material/functions:")

ui.show_code(softmax_naive, softmax_stable, softmax_table, exp_table, parse_logits)
