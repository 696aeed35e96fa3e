"""Decisions (exercise 4): argmax vs the minimum expected cost, refer to a doctor, calibration."""

from functools import partial

import numpy as np
import pandas as pd
import streamlit as st
import torch

from lib import describe
from lib.charts.decisions import recall_chart, reject_chart, reliability_chart
from lib.decisions import (
    BINS,
    C_REJECT,
    COSTLY_PAIR,
    DANGEROUS,
    FACTORS,
    PRESETS,
    RARE_FACTOR,
    adjust_to_priors,
    base_rates,
    class_priors,
    compare,
    expected_calibration_error,
    expected_costs,
    field_accuracy,
    field_cost,
    field_weights,
    min_cost_decisions,
    min_cost_with_reject,
    preset_costs,
    read_costs,
    recall_per_class,
    refer_summary,
    reject_curve,
    reject_option,
    reliability,
    shifted_priors,
    threshold_answers,
    total_cost,
    with_refer,
)
from lib.i18n import t
from lib.metrics import predict, predict_test_set
from ui.a11y import chart
from ui.context import show_code
from ui.lang import class_names, lang, tr, widget_key
from ui.panels import run_on_test_set

THRESHOLDS = np.round(np.arange(0.10, 1.0001, 0.01), 2)  # the curve's sweep
BIN_CHOICES = (5, 10, 15, 20, 30)


def header_width(text: str) -> int:
    """Pixels for a column whose header must show in full: a CJK character is about twice
    as wide as a Latin one; the table scrolls sideways inside its box when it is wider."""
    units = sum(2 if ord(c) >= 0x2E80 else 1 for c in text)
    return max(64, 8 * units + 28)


def cost_matrix(names):
    """The preset, edited by the student; the last valid matrix while a cell is wrong."""
    # Translated option labels: one widget per language, the choice kept across the switch.
    kept = st.session_state.setdefault(
        "decisions.kept", {"preset": "equal", "dangerous": list(DANGEROUS)}
    )
    if st.query_params.get("preset") in PRESETS:  # a link (the lesson's step) names one
        kept["preset"] = st.query_params.pop("preset")
        st.session_state.pop(widget_key("decisions.preset"), None)
    labels = {p: tr(f"decisions.preset.{p}") for p in PRESETS}
    preset = kept["preset"] = st.radio(
        tr("decisions.preset"),
        PRESETS,
        index=PRESETS.index(kept["preset"]),
        horizontal=True,
        key=widget_key("decisions.preset"),
        format_func=labels.get,
    )
    dangerous = DANGEROUS
    if preset == "medical":
        kept["dangerous"] = st.multiselect(
            tr("decisions.dangerous"),
            range(len(names)),
            default=kept["dangerous"],
            key=widget_key("decisions.dangerous"),
            format_func=names.__getitem__,
        )
        dangerous = tuple(kept["dangerous"])
    st.markdown(
        tr(f"decisions.explain.{preset}", truth=names[COSTLY_PAIR[0]], answer=names[COSTLY_PAIR[1]])
    )
    c_reject = st.slider(
        tr("decisions.c_reject"),
        0.01,
        0.99,
        C_REJECT,
        0.01,
        key="decisions.c_reject",
        help=tr("decisions.c_reject_help"),
    )
    q, refer = len(names), tr("decisions.refer.column")
    start = pd.DataFrame(
        with_refer(preset_costs(preset, q, dangerous), c_reject).numpy(),
        index=list(names),
        columns=[*names, refer],
    )
    # A new preset (or language) gets a fresh editor: its edits belonged to the old table.
    # A new c keeps them: the refer column is read-only and the table's shape stays the same.
    key = widget_key(f"decisions.editor.{preset}.{'-'.join(map(str, dangerous))}")
    columns = {
        name: st.column_config.NumberColumn(
            name, min_value=0.0, format="%g", width=header_width(name)
        )
        for name in names
    }
    columns[refer] = st.column_config.NumberColumn(
        refer,
        format="%g",
        width=header_width(refer),
        disabled=True,
        help=tr("decisions.refer.column_help"),
    )
    edited = st.data_editor(
        start,
        key=key,
        column_config={
            "_index": st.column_config.Column(
                tr("decisions.corner"), width=max(header_width(tr("decisions.corner")), 120)
            ),
            **columns,
        },
    )
    st.caption(tr("decisions.editor_help") + " " + tr("decisions.refer.column_help"))
    C, bad = read_costs(edited.iloc[:, :q], q)
    if C is None:
        cells = ", ".join(f"({names[i]}, {names[j]})" for i, j in bad[:8])
        st.error(tr("decisions.bad", cells=cells + (" …" if len(bad) > 8 else "")))
        last = st.session_state.get("decisions.last_valid")
        return (last if last is not None else read_costs(start.iloc[:, :q], q)[0]), c_reject
    st.session_state["decisions.last_valid"] = C
    return C, c_reject


def comparison(pred, C, names):
    result = compare(pred.probs, pred.y, C)
    acc_a, acc_m = result.accuracy(result.y_argmax), result.accuracy(result.y_min_cost)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(tr("decisions.metric.cost_argmax"), f"{result.cost_argmax:,.0f}")
    m2.metric(
        tr("decisions.metric.cost_min"),
        f"{result.cost_min_cost:,.0f}",
        delta=f"{result.cost_min_cost - result.cost_argmax:+,.0f}",
        delta_color="inverse",
    )
    m3.metric(tr("decisions.metric.acc_min"), f"{acc_m:.4f}", delta=f"{acc_m - acc_a:+.4f}")
    m4.metric(tr("decisions.metric.changed"), f"{result.changed:,}")
    st.caption(
        tr(
            "decisions.summary",
            mean_a=result.cost_argmax / result.n,
            mean_m=result.cost_min_cost / result.n,
            acc_a=acc_a,
            acc_m=acc_m,
        )
    )
    if bool((C > 1).any()):
        st.caption(tr("decisions.costly", a=result.costly_argmax, m=result.costly_min_cost))
    if result.changed == 0:
        st.info(tr("decisions.verdict.same"))
    elif result.cost_min_cost < result.cost_argmax:
        st.success(
            tr(
                "decisions.verdict.better",
                changed=result.changed,
                n=result.n,
                saved=result.cost_argmax - result.cost_min_cost,
            )
        )
    else:
        st.warning(tr("decisions.verdict.worse", changed=result.changed, n=result.n))
    st.markdown(f"**{tr('decisions.recall.header')}**")
    chart(  # its data: the table below
        recall_chart(result.recall_argmax, result.recall_min_cost, names, lang()),
        describe.recall(result.recall_argmax, result.recall_min_cost, names, lang()),
    )
    table = pd.DataFrame(
        {
            tr("decisions.col.class"): names,
            tr("decisions.col.recall_argmax"): result.recall_argmax.numpy(),
            tr("decisions.col.recall_min"): result.recall_min_cost.numpy(),
        }
    )
    table[tr("decisions.col.change")] = table.iloc[:, 2] - table.iloc[:, 1]
    st.dataframe(
        table,
        hide_index=True,
        column_config={c: st.column_config.NumberColumn(format="%.3f") for c in table.columns[1:]},
    )


def factor_label(factor: float, language: str) -> str:
    """The factor as the slider shows it; the language is bound when the widget is made."""
    if factor < 1:
        return t("decisions.prior.rarer", language, factor=f"{factor:g}", times=f"{1 / factor:g}")
    if factor > 1:
        return t("decisions.prior.commoner", language, factor=f"{factor:g}")
    return t("decisions.prior.same", language)


def priors_section(data, pred, C, names):
    """Base rates: one class rarer or commoner in the field than in the test set."""
    st.subheader(tr("decisions.prior.header"))
    st.markdown(tr("decisions.prior.intro"))
    # Translated labels: one widget per language, the choice kept across the switch.
    kept = st.session_state.setdefault(
        "decisions.prior.kept", {"cls": DANGEROUS[0], "factor": RARE_FACTOR}
    )
    c1, c2 = st.columns(2)
    cls = kept["cls"] = c1.selectbox(
        tr("decisions.prior.class"),
        range(len(names)),
        index=kept["cls"],
        key=widget_key("decisions.prior.class"),
        format_func=names.__getitem__,
    )
    factor = kept["factor"] = c2.select_slider(
        tr("decisions.prior.factor"),
        FACTORS,
        value=kept["factor"],
        key=widget_key("decisions.prior.factor"),
        format_func=partial(factor_label, language=lang()),
    )
    train = class_priors(data.y_train, len(names))  # (q,) the shares the model learned
    shift = base_rates(pred.probs, pred.y, C, train, cls, factor)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(tr("decisions.prior.cost_plain"), f"{shift.cost_plain:.4f}")
    m2.metric(
        tr("decisions.prior.cost_adjusted"),
        f"{shift.cost_adjusted:.4f}",
        delta=f"{shift.cost_adjusted - shift.cost_plain:+.4f}",
        delta_color="inverse",
    )
    m3.metric(
        tr("decisions.prior.acc_adjusted"),
        f"{shift.acc_adjusted:.4f}",
        delta=f"{shift.acc_adjusted - shift.acc_plain:+.4f}",
    )
    m4.metric(tr("decisions.prior.changed"), f"{shift.changed:,}")
    st.caption(
        tr(
            "decisions.prior.summary",
            name=names[cls],
            train=float(shift.train[cls]),
            field=float(shift.field[cls]),
            plain=shift.answered(shift.y_plain),
            adjusted=shift.answered(shift.y_adjusted),
            n=len(pred.y),
            acc_plain=shift.acc_plain,
        )
    )
    if shift.changed == 0:
        st.info(tr("decisions.prior.verdict.same"))
    elif shift.cost_adjusted < shift.cost_plain:
        st.success(
            tr(
                "decisions.prior.verdict.better",
                changed=shift.changed,
                saved=shift.cost_plain - shift.cost_adjusted,
                per=10_000 * (shift.cost_plain - shift.cost_adjusted),
            )
        )
    else:
        st.warning(tr("decisions.prior.verdict.worse", changed=shift.changed))
    table = pd.DataFrame(
        {
            tr("decisions.col.class"): names,
            tr("decisions.prior.col.train"): shift.train.numpy(),
            tr("decisions.prior.col.field"): shift.field.numpy(),
            tr("decisions.prior.col.plain"): torch.bincount(shift.y_plain, minlength=len(names)),
            tr("decisions.prior.col.adjusted"): torch.bincount(
                shift.y_adjusted, minlength=len(names)
            ),
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        column_config={c: st.column_config.NumberColumn(format="%.4f") for c in table.columns[1:3]},
    )
    st.caption(tr("decisions.prior.read", n=len(pred.y)))


def reject(pred, C, c_reject):
    st.subheader(tr("decisions.reject.header"))
    st.markdown(tr("decisions.reject.intro"))
    threshold = st.slider(
        tr("decisions.reject.threshold"), 0.10, 1.00, 0.50, 0.01, key="decisions.threshold"
    )
    coverage, accuracy = reject_option(pred.probs, pred.y, threshold)
    c1, c2, c3 = st.columns(3)
    c1.metric(tr("decisions.reject.coverage"), f"{coverage:.1%}")
    c2.metric(tr("decisions.reject.accuracy"), "—" if accuracy != accuracy else f"{accuracy:.4f}")
    c3.metric(tr("decisions.reject.referred"), f"{round((1 - coverage) * len(pred.y)):,}")
    if accuracy != accuracy:
        st.warning(tr("decisions.reject.nothing"))
    chow = 1 - c_reject
    refer_priced(pred, C, c_reject)
    curve = reject_curve(pred.probs, pred.y, THRESHOLDS)
    chart(
        reject_chart(
            curve,
            threshold,
            coverage,
            accuracy,
            lang(),
            chow=(chow, *reject_option(pred.probs, pred.y, chow)),
        ),
        describe.reject(curve, threshold, coverage, accuracy, lang()),
        curve,
        title=tr("decisions.reject.header"),
    )
    st.caption(tr("decisions.reject.curve_chow"))


def refer_priced(pred, C, c_reject):
    """Refer as one more answer costing c: the minimum expected cost over q + 1 answers."""
    st.markdown(f"**{tr('decisions.refer.header')}**")
    st.markdown(tr("decisions.refer.intro", c=c_reject, threshold=1 - c_reject))
    s = refer_summary(pred.probs, pred.y, C, c_reject)
    c1, c2, c3 = st.columns(3)
    c1.metric(tr("decisions.refer.referred"), f"{s['referred']:,}")
    c2.metric(
        tr("decisions.refer.accuracy"),
        "—" if s["accuracy"] != s["accuracy"] else f"{s['accuracy']:.4f}",
    )
    c3.metric(
        tr("decisions.refer.cost"),
        f"{s['cost']:,.1f}",
        delta=f"{s['cost'] - s['cost_without']:+,.1f}",
        delta_color="inverse",
        help=tr("decisions.refer.cost_help"),
    )
    q = C.shape[0]
    zero_one = preset_costs("equal", q)
    priced = min_cost_with_reject(pred.probs, zero_one, c_reject)
    same = int((priced == threshold_answers(pred.probs, 1 - c_reject)).sum())
    st.caption(
        tr(
            "decisions.refer.chow_check",
            c=c_reject,
            threshold=1 - c_reject,
            same=same,
            n=len(pred.y),
            referred=int((priced == q).sum()),
        )
    )
    if not torch.equal(C, zero_one):
        st.caption(tr("decisions.refer.not_01"))


def calibration(pred):
    st.subheader(tr("decisions.calib.header"))
    st.markdown(tr("decisions.calib.intro"))
    bins = st.select_slider(
        tr("decisions.calib.bins"), BIN_CHOICES, value=BINS, key="decisions.bins"
    )
    table = reliability(pred.probs, pred.y, bins)
    ece = expected_calibration_error(pred.probs, pred.y, bins)
    conf = float(pred.probs.max(dim=1).values.double().mean())
    acc = float((pred.probs.argmax(dim=1) == pred.y).double().mean())
    c1, c2, c3 = st.columns(3)
    c1.metric(tr("decisions.calib.ece"), f"{ece:.4f}")
    c2.metric(tr("decisions.calib.mean_conf"), f"{conf:.4f}")
    c3.metric(tr("decisions.calib.accuracy"), f"{acc:.4f}")
    verdict = "over" if conf > acc + 0.01 else "under" if conf < acc - 0.01 else "fair"
    st.markdown(tr(f"decisions.calib.{verdict}", conf=conf, acc=acc))
    chart(
        reliability_chart(table, lang()),
        describe.reliability(table, lang()),
        table,
        title=tr("decisions.calib.header"),
    )
    st.caption(tr("decisions.calib.read"))


st.title(tr("decisions.title"))
st.markdown(tr("decisions.intro"))
chosen = run_on_test_set("decisions")
if chosen is not None:
    data, run, pred = chosen
    names = class_names()
    st.caption(tr("decisions.model", run=run.name, n=len(pred.y)))
    st.subheader(tr("decisions.costs.header"))
    C, c_reject = cost_matrix(names)
    st.subheader(tr("decisions.result.header"))
    comparison(pred, C, names)
    priors_section(data, pred, C, names)
    reject(pred, C, c_reject)
    calibration(pred)
    show_code(
        predict_test_set,
        predict,
        expected_costs,
        min_cost_decisions,
        total_cost,
        recall_per_class,
        class_priors,
        shifted_priors,
        adjust_to_priors,
        field_weights,
        field_cost,
        field_accuracy,
        base_rates,
        reject_option,
        reject_curve,
        with_refer,
        min_cost_with_reject,
        threshold_answers,
        refer_summary,
        reliability,
        expected_calibration_error,
    )
