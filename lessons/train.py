"""Train: the chapter's model, live, with the book's three curves."""
import streamlit as st

import ui
from lib import settings as S
from lib.charts.training import compare_chart, training_chart
from lib.runs import long_frame, runs_csv
from lib.softmax import cross_entropy_naive, cross_entropy_stable, logits, softmax_naive
from lib.train import TrainConfig, sgd, train, train_epoch

# Widget keys. The softmax radio's key carries the language: its translated
# labels make it a new widget after a switch, which would show no choice.
KEYS = {"lr": "train.w.lr", "epochs": "train.w.epochs", "batch": "train.w.batch",
        "seed": "train.w.seed", "softmax": f"train.w.softmax.{ui.lang()}"}


def sync_settings_with_url() -> None:
    """A link's settings win once; later the controls write themselves into the URL."""
    query = {k: st.query_params[k] for k in KEYS if k in st.query_params}
    kept: S.Settings = st.session_state.get("train.settings", S.Settings())
    if query and query != {k: v for k, v in kept.query().items() if k in query}:
        kept, notes = S.from_query(query)
        st.session_state["train.notes"] = notes
        for name, key in KEYS.items():
            st.session_state[key] = getattr(kept, name)
    for name, key in KEYS.items():
        st.session_state.setdefault(key, getattr(kept, name))


def controls() -> S.Settings:
    c1, c2, c3 = st.columns([3, 3, 2])
    lr = c1.select_slider(ui.tr("train.lr"), S.LR_CHOICES, key=KEYS["lr"],
                          format_func=lambda v: f"{v:g}", help=ui.tr("train.lr_help"))
    epochs = c1.slider(ui.tr("train.epochs"), *S.EPOCHS_RANGE, key=KEYS["epochs"])
    batch = c2.select_slider(ui.tr("train.batch"), S.BATCH_CHOICES, key=KEYS["batch"])
    seed = c2.number_input(ui.tr("train.seed"), *S.SEED_RANGE, step=1, key=KEYS["seed"],
                           help=ui.tr("train.seed_help"))
    labels = {v: ui.tr(f"softmax.{v}") for v in S.SOFTMAX_CHOICES}
    softmax = c3.radio(ui.tr("train.softmax"), S.SOFTMAX_CHOICES, key=KEYS["softmax"],
                       format_func=labels.get)
    chosen = S.Settings(lr=lr, epochs=epochs, batch=batch, seed=int(seed), softmax=softmax)
    st.session_state["train.settings"] = chosen
    st.query_params.update(chosen.query())
    return chosen


def draw(run, chart_box, bar):
    """One run's curves and progress; called after every epoch and once at rest."""
    last = run.history[-1]
    bar.progress(len(run.history) / run.cfg.num_epochs,
                 text=ui.tr("train.progress", epoch=last["epoch"], total=run.cfg.num_epochs,
                            acc=last["test_acc"]))
    chart_box.altair_chart(training_chart(long_frame([run]), run.cfg.num_epochs, ui.lang()))


def verdict(run):
    last = run.history[-1]
    if run.status == "diverged":
        st.error(ui.tr("train.diverged", number=run.number, epoch=last["epoch"]))
        st.page_link("lessons/overflow.py", label=ui.tr("train.diverged_link"), icon=":material/local_fire_department:")
    elif run.status == "stopped":
        st.warning(ui.tr("train.stopped", number=run.number, epochs=len(run.history)))
    else:
        st.success(ui.tr("train.done", number=run.number, acc=last["test_acc"],
                         epochs=len(run.history), seconds=run.summary()["seconds"]))


def runs_table(all_runs):
    st.subheader(ui.tr("train.runs"))
    rows = [dict(r.summary(), status=ui.status_text(r)) for r in reversed(all_runs)]
    columns = {name: ui.tr(f"train.col.{name}") for name in rows[0]}
    columns.update(
        train_loss=st.column_config.NumberColumn(columns["train_loss"], format="%.4f"),
        train_acc=st.column_config.NumberColumn(columns["train_acc"], format="%.4f"),
        seconds=st.column_config.NumberColumn(columns["seconds"], format="%.2f"),
        test_acc=st.column_config.ProgressColumn(columns["test_acc"], min_value=0.0,
                                                 max_value=1.0, format="%.4f"))
    st.dataframe(rows, hide_index=True, column_config=columns)
    names = [r.name for r in all_runs]
    chosen = st.multiselect(ui.tr("train.compare"), names, default=names[-3:], key="train.compare")
    picked = [r for r in all_runs if r.name in chosen]
    if picked:
        st.altair_chart(compare_chart(long_frame(picked), ui.lang()))
    st.download_button(ui.tr("train.csv"), runs_csv(all_runs), "softmax_runs.csv",
                       "text/csv", key="train.csv")


st.title(ui.tr("train.title"))
st.markdown(ui.tr("train.intro"))
sync_settings_with_url()
for name, given, used in st.session_state.get("train.notes", []):
    st.warning(ui.tr("train.fixed", name=name, given=given, used=used))
chosen = controls()
with st.container(horizontal=True):
    start = st.button(ui.tr("train.button"), type="primary", key="train.start")
    st.button(ui.tr("train.stop"), key="train.stop")  # any click ends the running loop
st.caption(ui.tr("train.share"))

wait_box, bar, chart_box = st.empty(), st.empty(), st.empty()
if start:
    st.session_state["train.notes"] = []
    cfg = TrainConfig(lr=chosen.lr, num_epochs=chosen.epochs, batch_size=chosen.batch,
                      seed=chosen.seed, softmax=chosen.softmax)
    ui.run_training(cfg, lambda run: draw(run, chart_box, bar), wait_box)

all_runs = [r for r in ui.runs() if r.history]
if not all_runs:
    st.info(ui.tr("train.no_runs"))
else:
    draw(all_runs[-1], chart_box, bar)
    verdict(all_runs[-1])
    runs_table(all_runs)
ui.show_code(train, train_epoch, sgd, logits, softmax_naive, cross_entropy_naive,
             cross_entropy_stable)
