"""Train: the chapter's model, live, with the book's three curves.

The controls are made from TrainConfig's fields (lib/config.py) within the
app's limits; the URL holds the same settings, so a link reproduces a run.
"""

import math

import streamlit as st

from lib import config, describe
from lib import settings as S
from lib.charts.training import (
    GROWTH_KEYS,
    compare_chart,
    curves_table,
    growth_chart,
    training_chart,
)
from lib.config import Choices, app_allowed, fields
from lib.overflow import exp_limits, exp_rounds_to_zero, nan_prediction
from lib.runs import growth_frame, long_frame, runs_csv, saturation
from lib.text import plain
from lib.trainers import code, framework_available
from ui.a11y import announce, chart, spec
from ui.context import device_text, server, show_code
from ui.lang import class_names, field_help, field_label, lang, tr, widget_key
from ui.notebook import download_notebook
from ui.runs import delete_run, run_label, status_text, trained_runs
from ui.training import cancel_pending, pending_config, run_training

BREAKDOWN_PAGES = {
    "exp_overflow": "overflow",
    "logits_overflow": "overflow",
    "log_zero": "cross_entropy",
    "grad_overflow": "cross_entropy",
    "log_zero_wrong_class": "cross_entropy",
    "loss_overflow": "cross_entropy",
    "unknown": "overflow",
}


def setting_key(f) -> str:
    """train.w.<URL name>; a choice of words also carries the language: its translated
    labels make it a new widget after a switch, which would otherwise show no choice."""
    allowed = app_allowed(f)
    words = isinstance(allowed, Choices) and all(isinstance(v, str) for v in allowed.values)
    key = f"train.w.{f.metadata['query']}"
    return widget_key(key) if words else key


def url_fields():
    return [f for f in fields(config.TrainConfig, app_only=True) if f.metadata["query"]]


def sync_settings_with_url() -> None:
    """A link's settings win once; later the controls write themselves into the URL."""
    cls = config.TrainConfig  # looked up now: a test may extend it with a setting
    names = S.query_names(cls)
    query = {k: st.query_params[k] for k in names if k in st.query_params}
    kept = st.session_state.get("train.settings")
    kept = kept if isinstance(kept, cls) else cls()
    if query and query != {k: v for k, v in S.to_query(kept).items() if k in query}:
        kept, notes = S.from_query(query, cls)
        if not framework_available(kept.framework):
            notes.append(S.Note("framework", kept.framework, "scratch"))
            kept = cls(**{**kept.to_dict(), "framework": "scratch"})
        st.session_state["train.notes"] = notes
        for f in url_fields():
            st.session_state[setting_key(f)] = getattr(kept, f.name)
    for f in url_fields():
        st.session_state.setdefault(setting_key(f), getattr(kept, f.name))


def option_label(name: str, value) -> str:
    key = f"{name}.{value}"
    return tr(key, default=str(value))


def control(f, where):
    """The widget of one setting, by the kind of values the app allows for it."""
    allowed, key = app_allowed(f), setting_key(f)
    label, help = field_label(f.name), field_help(f)
    if isinstance(allowed, Choices) and isinstance(allowed.values[0], str):
        options = [v for v in allowed.values if f.name != "framework" or framework_available(v)]
        labels = {v: option_label(f.name, v) for v in options}
        value = where.radio(label, options, key=key, format_func=labels.get, help=help)
        missing = [v for v in allowed.values if v not in options]
        if missing:
            where.caption(
                tr(
                    "train.framework_missing",
                    names=", ".join(option_label(f.name, v) for v in missing),
                )
            )
        return value
    if isinstance(allowed, Choices):
        return where.select_slider(
            label, allowed.values, key=key, help=help, format_func=S.format_value
        )
    if f.type not in ("int", int):
        return where.slider(label, float(allowed.low), float(allowed.high), key=key, help=help)
    if allowed.high - allowed.low <= 100:
        return where.slider(label, int(allowed.low), int(allowed.high), key=key, help=help)
    return int(
        where.number_input(label, int(allowed.low), int(allowed.high), step=1, key=key, help=help)
    )


def controls():
    numbers = [f for f in url_fields() if not isinstance(f.default, str)]
    words = [f for f in url_fields() if f not in numbers]
    c1, c2, c3 = st.columns([3, 3, 2])
    half = (len(numbers) + 1) // 2
    values = {f.name: control(f, c1 if i < half else c2) for i, f in enumerate(numbers)}
    values.update({f.name: control(f, c3) for f in words})
    chosen = config.TrainConfig(**values)
    st.session_state["train.settings"] = chosen
    st.query_params.update(S.to_query(chosen))
    return chosen


def show_notes() -> None:
    """Values from the link that were replaced; what the link said is shown as plain text."""
    notes = st.session_state.get("train.notes", [])
    if notes:
        st.warning(tr("train.fixed", n=len(notes)))
        st.dataframe(
            [
                {
                    tr("train.fixed.name"): n.name,
                    tr("train.fixed.given"): plain(n.given),
                    tr("train.fixed.used"): str(n.used),
                }
                for n in notes
            ],
            hide_index=True,
            key="train.notes_table",
        )


def draw(run, chart_box, bar, live_box=None):
    """One run's curves and progress; called after every epoch and once at rest.

    While training (live_box given) a screen reader hears the progress at each quarter
    of the run; the chart's name follows the curves as they grow.
    """
    last, language = run.history[-1], lang()
    bar.progress(
        run.epochs_run / run.cfg.num_epochs,
        text=tr(
            "train.progress", epoch=last["epoch"], total=run.cfg.num_epochs, acc=last["test_acc"]
        ),
    )
    long = long_frame([run])
    with chart_box.container():
        chart(
            # speed: a spec without Altair's schema validation (tests/test_charts_training.py
            # validates this chart): it is redrawn after every epoch of every student's run
            spec(training_chart(long, run.cfg.num_epochs, language), validate=False),
            describe.training(long, language),
            curves_table(long, language),
            title=run.name,
        )
        # speed: while classmates train too, how W grew is drawn once the run ends
        if live_box is None or server().engine.load()[0] <= 1:
            growth = growth_frame([run])  # under the accuracy: how large W and the logits grew
            chart(
                spec(growth_chart(growth, run.cfg.num_epochs, language), validate=False),
                describe.growth(growth, language),
                curves_table(growth, language, GROWTH_KEYS),
                title=tr("train.growth"),
            )
    if live_box is not None and last["epoch"] in describe.announce_epochs(run.cfg.num_epochs):
        announce(
            tr(
                "a11y.progress", epoch=last["epoch"], total=run.cfg.num_epochs, acc=last["test_acc"]
            ),
            live_box,
        )


def verdict(run) -> str:
    """How the run ended, in a box; returns the text (for the announcement)."""
    if run.status == "breakdown":
        b, nan = run.breakdown, nan_prediction()
        text = tr(
            "train.breakdown",
            number=run.number,
            epoch=b.epoch,
            batch=b.batch,
            cause=tr(
                f"breakdown.{b.cause}",
                max_logit=b.max_logit,
                min_p_true=b.min_p_true,
                high=exp_limits("float32")[1],  # exp(x) is inf above it
                **exp_rounds_to_zero("float32"),
            ),
            class_name=class_names()[nan["nan_class"]],
            **nan,
        )
        st.error(text)
        page = BREAKDOWN_PAGES[b.cause]
        st.page_link(
            f"lessons/{page}.py",
            label=tr(f"train.breakdown_link.{page}"),
            icon=":material/local_fire_department:",
        )
    elif run.status == "diverged":
        text = tr(
            "train.diverged",
            number=run.number,
            start=run.history[0]["train_loss"],
            end=run.history[-1]["train_loss"],
        )
        st.warning(text)
    elif run.status == "saturated":
        text = saturated_text(run)
        st.warning(text)
    elif run.status == "stopped":
        one = ".one" if run.epochs_run == 1 else ""
        text = tr(f"train.stopped{one}", number=run.number, epochs=run.epochs_run)
        st.warning(text)
    else:
        text = tr(
            "train.done.one" if run.epochs_run == 1 else "train.done",
            number=run.number,
            acc=run.history[-1]["test_acc"],
            epochs=run.epochs_run,
            seconds=run.seconds,
        )
        st.success(text)
    return text.replace("**", "")


def saturated_text(run) -> str:
    """A stable run at a large lr: the loss fell, but W grew and the predictions saturated."""
    figures = saturation(run)
    parts = [tr("train.saturated", **figures)]
    if figures["w_norm"] is not None and figures["max_logit"] is not None:
        parts.append(tr("train.saturated.weights", **figures))
    parts.append(tr("train.saturated.accuracy", **figures))
    return tr("train.sentence_sep").join(parts)


def announce_end(run, text: str, live_box) -> None:
    """Say how the latest run ended, once: after it finished, stopped or broke down (Stop
    ends the script run, so the next one says it), not on every visit of the page."""
    if st.session_state.get("train.announced") != ended(run):
        st.session_state["train.announced"] = ended(run)
        announce(text, live_box)


def ended(run) -> tuple:
    return (run.id, run.status, run.epochs_run)


WORDS = ("softmax", "framework")  # the runs table's columns of words, in short


def table_row(run) -> dict:
    """A run's row of the runs table, its words (softmax, framework, device, status) in the
    session's language."""
    row = run.summary()
    words = {name: tr(f"{name}.short.{row[name]}", default=row[name]) for name in WORDS}
    extra = {"device": device_text(row["device"])} if "device" in row else {}
    loss = row["train_loss"]  # NaN or inf after a breakdown: said so, not a blank "None"
    if loss is None:
        loss = "–"  # the one sign for a missing value
    else:
        loss = f"{loss:.4f}" if math.isfinite(loss) else "NaN" if loss != loss else str(loss)
    return {**row, **words, **extra, "train_loss": loss, "status": status_text(run)}


def runs_table(all_runs):
    st.subheader(tr("train.runs"))
    rows = [table_row(r) for r in reversed(all_runs)]
    columns = {name: tr(f"train.col.{name}", default=field_label(name)) for name in rows[0]}
    columns.update(
        train_loss=st.column_config.TextColumn(columns["train_loss"]),
        train_acc=st.column_config.NumberColumn(columns["train_acc"], format="%.4f"),
        seconds=st.column_config.NumberColumn(columns["seconds"], format="%.2f"),
        test_acc=st.column_config.ProgressColumn(
            columns["test_acc"], min_value=0.0, max_value=1.0, format="%.4f"
        ),
    )
    st.dataframe(rows, hide_index=True, column_config=columns)
    names = [run_label(r) for r in all_runs]  # in the reader's language
    # keyed by the newest run: a new run resets the choice to the latest three
    chosen = st.multiselect(
        tr("train.compare"),
        names,
        default=names[-3:],
        key=widget_key(f"train.compare.{all_runs[-1].id}"),
    )
    picked = [r for r in all_runs if run_label(r) in chosen]
    if picked:
        long = long_frame(picked, label=run_label)
        chart(
            compare_chart(long, lang()),
            describe.compare(long, lang()),
            curves_table(long, lang()),
            title=tr("train.compare"),
        )
    st.download_button(
        tr("train.csv"), runs_csv(all_runs), "softmax_runs.csv", "text/csv", key="train.csv"
    )
    delete_one(all_runs)


def delete_one(all_runs):
    """Delete a run, here and in the store (all runs: the sidebar's identity panel)."""
    with st.expander(tr("train.delete.header"), icon=":material/delete:"):
        by_id = {r.id: r for r in reversed(all_runs)}
        run_id = st.selectbox(
            tr("train.delete.which"),
            list(by_id),
            key="train.delete.which",
            format_func=lambda i: by_id[i].name,
        )
        if st.button(tr("train.delete.button"), key="train.delete.button") and delete_run(
            by_id[run_id]
        ):
            st.rerun()


st.title(tr("train.title"))
st.markdown(tr("train.intro"))
sync_settings_with_url()
show_notes()
chosen = controls()
with st.container(horizontal=True):
    start = st.button(tr("train.button"), type="primary", key="train.start")
    stop_box = st.empty()
st.caption(tr("train.share"))
waiting = pending_config("train")  # a click interrupted the wait: keep the place
stop_box.button(  # enabled only while a run waits or trains (during this script run)
    tr("train.stop"), key="train.stop", on_click=cancel_pending, disabled=not (start or waiting)
)

wait_box, bar, chart_box = st.empty(), st.empty(), st.empty()
live_box = st.sidebar.empty()  # announcements: a script that takes no room
if "train.announced" not in st.session_state:  # what a screen reader has heard already
    before = trained_runs()
    st.session_state["train.announced"] = ended(before[-1]) if before else None
if start or waiting:
    st.session_state["train.notes"] = []
    run_training(
        chosen if start else waiting,
        lambda run: draw(run, chart_box, bar, live_box),
        wait_box,
        page="train",
    )
    stop_box.button(tr("train.stop"), key="train.stop.idle", disabled=True)  # it is over

all_runs = trained_runs()  # at least one epoch: a run stopped at epoch 0 is not kept
if not all_runs:
    st.info(tr("train.no_runs"))
else:
    draw(all_runs[-1], chart_box, bar)
    announce_end(all_runs[-1], verdict(all_runs[-1]), live_box)
    download_notebook(all_runs[-1].cfg, key="train.notebook")
    runs_table(all_runs)
last = all_runs[-1] if all_runs else None
cfg = last.cfg if last else chosen  # the code of the run on screen, else of the settings
stacked = cfg.framework == "scratch"  # the engine trains these in cohorts (lib/engine.py)
show_code(
    *code(cfg, broke_down=bool(last and last.breakdown), engine=True),
    note=(f"train.code_note.{cfg.framework}", *(("train.code_note.stacked",) if stacked else ())),
)
