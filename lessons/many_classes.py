"""Many classes (exercise 5): the cost of softmax as K grows, and three ways around it."""

import time

import pandas as pd
import streamlit as st

from lib import describe
from lib.charts.many_classes import cost_charts
from lib.many_classes import (
    METHODS,
    MeasureConfig,
    bytes_needed,
    clusters,
    full_loss,
    hierarchical_loss,
    measure,
    output_layer_memory,
    sampled_loss,
    time_pass,
    tree_loss,
    tree_paths,
    two_level_sentence,
    vocabularies,
)
from ui.a11y import chart
from ui.context import device, device_name, show_code
from ui.lang import lang, tr
from ui.training import in_slot, pending_config

N_CHOICES = (16, 32, 64, 128, 256, 512, 1024)
D_CHOICES = (16, 32, 64, 128, 256, 512, 784, 1024)
S_CHOICES = (16, 64, 128, 256, 512, 1024)


def controls() -> MeasureConfig:
    c1, c2, c3 = st.columns(3)
    n = c1.select_slider(tr("many_classes.n"), N_CHOICES, value=128, key="many_classes.n")
    d = c2.select_slider(tr("many_classes.d"), D_CHOICES, value=256, key="many_classes.d")
    S = c3.select_slider(tr("many_classes.S"), S_CHOICES, value=256, key="many_classes.S")
    log_q = st.checkbox(
        tr("many_classes.log_q"),
        value=True,
        key="many_classes.log_q",
        help=tr("many_classes.log_q_help"),
    )
    return MeasureConfig(n=n, d=d, num_sampled=S, log_q=log_q)


def method_name(method: str) -> str:
    return tr(f"many_classes.method.{method}")


def run_measurement(cfg: MeasureConfig) -> dict | None:
    """Wait for a server slot (shared with trainings), then measure every size."""
    wait_box, bar = st.empty(), st.progress(0.0)
    rows, start = [], time.perf_counter()

    def work():
        for row in measure(cfg, device()):
            rows.append(row)
            bar.progress(
                len(rows) / (len(cfg.ks) * len(METHODS)),
                text=tr("many_classes.progress", method=method_name(row["method"]), K=row["K"]),
            )

    try:
        if not in_slot(work, wait_box, "many_classes", cfg, "many_classes.queue", kind="measure"):
            return None
    except RuntimeError as exc:  # e.g. out of memory on a GPU that other work also uses
        st.error(tr("many_classes.failed", error=f"{type(exc).__name__}"))
    bar.empty()
    return {
        "cfg": cfg,
        "rows": rows,
        "device": device_name(),
        "seconds": time.perf_counter() - start,
    }


def show(result: dict) -> None:
    cfg, rows = result["cfg"], result["rows"]
    st.caption(
        tr(
            "many_classes.measured",
            device=result["device"],
            n=cfg.n,
            d=cfg.d,
            S=cfg.num_sampled,
            seconds=result["seconds"],
            repeats=cfg.repeats,
            log_q=tr("many_classes.on" if cfg.log_q else "many_classes.off"),
        )
    )
    cap = cfg.max_bytes / 2**20
    for status in ("too_big", "over_time", "no_reference"):
        items = [
            f"{method_name(r['method'])} K = {r['K']:,}" for r in rows if r["status"] == status
        ]
        if items:
            st.warning(tr(f"many_classes.{status}", cap=cap, items=", ".join(items)))
    summary = describe.costs(rows, lang())
    for column, figure in zip(st.columns(2), cost_charts(rows, lang(), cap_mb=cap), strict=True):
        with column:
            chart(figure, summary)  # its data: the table below
    table = pd.DataFrame(rows)
    for column in ("ms", "peak_mb", "loss"):  # None (not measured) -> NaN: an empty cell
        table[column] = pd.to_numeric(table[column], errors="coerce")
    table["method"] = table["method"].map(method_name)
    table["status"] = table["status"].map(lambda s: tr(f"many_classes.status.{s}"))
    columns = ["method", "K", "ms", "mb", "loss", "status"]
    if table["peak_mb"].notna().any():
        columns.insert(4, "peak_mb")
    st.dataframe(
        table[columns],
        hide_index=True,
        height=35 * (len(table) + 1) + 3,
        column_config={
            "method": tr("many_classes.col.method"),
            "K": st.column_config.NumberColumn("K", format="localized"),
            "ms": st.column_config.NumberColumn(
                tr("many_classes.col.ms"), format="%.3f", width="medium"
            ),
            "mb": st.column_config.NumberColumn(
                tr("many_classes.col.mb"), format="%.1f", width="medium"
            ),
            "peak_mb": st.column_config.NumberColumn(tr("many_classes.col.peak_mb"), format="%.1f"),
            "loss": st.column_config.NumberColumn(
                tr("many_classes.col.loss"), format="%.3f", width="medium"
            ),
            "status": tr("many_classes.col.status"),
        },
    )
    st.caption(tr("many_classes.loss_note"))
    key, fields = two_level_sentence(rows)
    st.info(tr(key, **fields))


def computed(cfg: MeasureConfig) -> None:
    st.subheader(tr("many_classes.computed.header"))
    st.markdown(tr("many_classes.computed.intro"))
    table = pd.DataFrame([output_layer_memory(v) for v in vocabularies(cfg.d, cfg.n)])
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "name": tr("many_classes.col.name"),
            "K": st.column_config.NumberColumn("K", format="localized"),
            "W_mb": st.column_config.NumberColumn(tr("many_classes.col.W_mb"), format="localized"),
            "logits_mb": st.column_config.NumberColumn(
                tr("many_classes.col.logits_mb"), format="localized"
            ),
        },
    )


st.title(tr("many_classes.title"))
st.markdown(tr("many_classes.intro"))
cfg = controls()
st.caption(
    tr(
        "many_classes.budget",
        seconds=cfg.budget_s,
        mb=cfg.max_bytes / 2**20,
        device=device_name(),
    )
)
waiting = pending_config("many_classes")  # a click interrupted the wait: keep the place
if st.button(tr("many_classes.measure"), type="primary", key="many_classes.measure") or waiting:
    result = run_measurement(waiting or cfg)
    if result is not None:
        st.session_state["many_classes.result"] = result
result = st.session_state.get("many_classes.result")
if result is None:
    st.info(tr("many_classes.press"))
else:
    show(result)
st.subheader(tr("many_classes.tradeoffs.header"))
st.markdown(tr("many_classes.tradeoffs"))
computed(cfg)
st.subheader(tr("many_classes.book.header"))
st.markdown(tr("many_classes.book"))
st.subheader(tr("many_classes.logq.header"))
st.markdown(tr("many_classes.logq"))
show_code(
    full_loss,
    sampled_loss,
    clusters,
    hierarchical_loss,
    tree_paths,
    tree_loss,
    bytes_needed,
    time_pass,
)
