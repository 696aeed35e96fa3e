"""Softmax & overflow (exercises 1 and 3): where exp overflows, and the max-subtraction fix."""

from contextlib import suppress

import streamlit as st

from lib import describe
from lib.charts.overflow import exp_chart, softmax_bars
from lib.overflow import (
    BROKEN,
    DTYPES,
    MAX_CHARS,
    MAX_LOGITS,
    LogitsError,
    compare,
    exp_curve,
    exp_limits,
    exp_table,
    parse_logits,
    softmax_table,
)
from lib.softmax import softmax_naive, softmax_stable
from lib.text import plain
from ui.a11y import chart
from ui.context import show_code
from ui.lang import lang, tr

BAD = "background-color: rgba(228, 87, 86, 0.25)"  # entries the naive softmax got wrong
SHAKY = "background-color: rgba(245, 133, 24, 0.22)"  # exp(o_j) is 0 or subnormal: bits lost


def number(v) -> str:
    return "NaN" if v != v else f"{v:.6g}"  # inf stays "inf"


def bits(v) -> str:
    return "—" if v is None or v != v else f"{v:.0f}"  # no bits to count in inf


def styled(df, columns, status_prefix, number_columns):
    """Translated headers and statuses, numbers as %.6g (inf, NaN kept), problem rows coloured."""
    colour = df["status"].map(lambda s: BAD if s in BROKEN else "" if s == "ok" else SHAKY)
    shown = df[columns].assign(status=df["status"].map(lambda s: tr(f"{status_prefix}.{s}")))
    for c in number_columns:
        shown[c] = shown[c].map(number)
    shown["bits"] = shown["bits"].map(bits)
    shown.columns = [tr(f"overflow.col.{c}") for c in columns]
    return shown.style.apply(lambda row: [colour[row.name]] * len(row), axis=1)


def limit_fields() -> dict:
    """The limits from exp_limits, as the explanation's fields: lo32="−103.97", hib16="88.72"."""
    fields = {}
    for name in DTYPES:
        low, high = exp_limits(name)
        suffix = name.replace("float", "")  # 16, b16, 32, 64
        fields[f"lo{suffix}"] = f"{low:.2f}".replace("-", "−")
        fields[f"hi{suffix}"] = f"{high:.2f}"
    return fields


def exp_section():
    st.subheader(tr("overflow.exp.header"))
    left, right = st.columns([1, 4])
    start = 50.0
    linked = st.query_params.pop("x", None)  # a link (the lesson's step) names an x
    with suppress(ValueError):
        if linked is not None and -2000 <= float(linked) <= 2000:
            start = float(linked)
            st.session_state.pop("overflow.x", None)  # the link's x, not the last one typed
    x = left.number_input(
        tr("overflow.exp.x"),
        -2000.0,
        2000.0,
        start,
        step=1.0,
        key="overflow.x",
        help=tr("overflow.exp.x_help"),
    )
    table = exp_table(x)
    right.dataframe(
        styled(
            table,
            ["dtype", "exp_x", "status", "bits", "max_x", "min_x"],
            "overflow.exp_status",
            ["exp_x", "max_x", "min_x"],
        ),
        hide_index=True,
    )
    left, right = st.columns([2, 3])
    left.markdown(tr("overflow.exp.explain", **limit_fields()))
    curve = exp_curve()
    with right:
        chart(
            exp_chart(curve, x, lang()),
            describe.exp_overflow({d: exp_limits(d)[1] for d in DTYPES}, x, lang()),
            curve.dropna(),
        )
    right.caption(tr("overflow.chart.caption"))


def logits_from_input():
    """The student's logits, or None after a clear message about what to type.

    The offending token is the student's own text: it goes in a plain-text code
    box, never into the markdown of the message.
    """
    left, right = st.columns([3, 2])
    # Streamlit cuts the value to max_chars on the server too; one more than parse_logits
    # accepts, so an over-long paste gets a message instead of being silently cut short.
    text = left.text_input(
        tr("overflow.sm.logits"), "1, 2, 100", key="overflow.logits", max_chars=MAX_CHARS + 1
    )
    dtype = right.radio(
        tr("overflow.sm.dtype"),
        list(DTYPES),
        index=list(DTYPES).index("float32"),
        horizontal=True,
        key="overflow.dtype",
    )
    st.caption(tr("overflow.sm.logits_help"))
    try:
        return parse_logits(text), dtype
    except LogitsError as err:
        if err.reason == "too_many":
            st.error(tr("overflow.err.too_many", count=int(err.token), max=MAX_LOGITS))
        elif err.reason == "too_long":
            st.error(tr("overflow.err.too_long", max=MAX_CHARS, logits=MAX_LOGITS))
        else:
            st.error(tr(f"overflow.err.{err.reason}"))
        if err.reason in ("not_number", "not_finite"):
            shown = plain(err.token)
            st.code(shown, language=None)
            if shown != err.token:
                st.caption(tr("overflow.err.token_note"))
        return None, dtype


def verdict(facts: dict, dtype: str) -> None:
    """Broken, disagreeing (and why) or agreeing, within the stated tolerance."""
    if facts["verdict"] == "broken":
        st.error(tr("overflow.sm.broken", dtype=dtype, **facts))
    elif facts["verdict"] == "disagree":
        st.warning(
            tr("overflow.sm.disagree", dtype=dtype, **facts)
            + "\n\n"
            + tr(f"overflow.sm.cause.{facts['cause']}", dtype=dtype, **facts)
        )
    else:
        st.success(tr("overflow.sm.fine", dtype=dtype, **facts))


def softmax_section():
    st.subheader(tr("overflow.sm.header"))
    logits, dtype = logits_from_input()
    if logits is None:
        return
    table = softmax_table(logits, dtype)
    verdict(compare(table, dtype), dtype)
    table.insert(0, "j", range(len(table)))
    columns = ["j", "o", "exp_o", "bits", "naive", "o_shifted", "exp_shifted", "stable", "status"]
    numbers = ["o", "exp_o", "naive", "o_shifted", "exp_shifted", "stable"]
    st.dataframe(
        styled(table, columns, "overflow.sm_status", numbers), hide_index=True, height="content"
    )
    # its data is the table above
    chart(softmax_bars(table, lang()), describe.softmax_bars(table, lang()))


st.title(tr("overflow.title"))
st.markdown(tr("overflow.intro"))
exp_section()
softmax_section()

st.subheader(tr("overflow.fix.header"))
st.latex(tr("overflow.fix.latex"))
st.markdown(tr("overflow.fix.explain"))
st.info(tr("overflow.fix.log0"))
st.page_link("lessons/cross_entropy.py", label=tr("overflow.next"), icon=":material/functions:")

show_code(
    softmax_naive, softmax_stable, softmax_table, compare, exp_table, exp_limits, parse_logits
)
