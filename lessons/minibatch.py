"""One minibatch, step by step: the chapter's training step on 256 real images, and the
chapter's small worked examples above it.

All the computing is lib/minibatch.py. The student's current weights live in
st.session_state["minibatch.state"]: the book's init or a trained run's weights,
then one SGD step per click on "Next minibatch".
"""

import streamlit as st

from lib import describe
from lib import minibatch as mb
from lib.charts.gallery import templates_frame
from lib.charts.minibatch import gradient_maps_chart
from lib.config import APP_LIMITS
from lib.settings import format_value
from ui.a11y import chart
from ui.context import get_data, show_code
from ui.lang import class_names, lang, tr, widget_key
from ui.panels import pick_run

STATE = "minibatch.state"


def choice(where, name: str, options: tuple):
    """A radio with translated labels; the choice is kept across a language switch."""
    kept_key = f"{name}.kept"
    kept = st.session_state.get(kept_key, options[0])
    labels = {o: tr(f"{name}.{o}") for o in options}
    value = where.radio(
        tr(name),
        options,
        index=options.index(kept),
        horizontal=True,
        key=widget_key(name),
        format_func=labels.get,
    )
    st.session_state[kept_key] = value
    return value


def controls():
    """(origin, W, b, seed, split, lr); origin names where the weights started."""
    c1, c2, c3, c4 = st.columns([3, 2, 3, 4])
    source = choice(c1, "minibatch.source", ("init", "run"))
    seed = int(
        c2.number_input(
            tr("minibatch.seed"),
            0,
            9999,
            0,
            step=1,
            key="minibatch.seed",
            help=tr("minibatch.seed_help"),
        )
    )
    split = choice(c3, "minibatch.split", mb.SPLITS)
    lr = c4.select_slider(
        tr("minibatch.lr"),
        APP_LIMITS["lr"].values,
        value=0.1,
        key="minibatch.lr",
        format_func=format_value,
    )
    if source == "run":
        run = pick_run("minibatch.run")
        if run is None:
            st.info(tr("minibatch.no_runs"))
        elif not run.usable:
            st.warning(tr("run.unusable"))
            return None
        else:
            return ("run", run.id), run.W, run.b, seed, split, lr
    W, b = mb.start_weights(seed)
    return ("init", seed), W, b, seed, split, lr


def current_state(origin, W0, b0) -> dict:
    """The student's weights and step count; a new start when the origin changed."""
    state = st.session_state.get(STATE)
    if state is None or state["origin"] != origin:
        state = {"origin": origin, "W": W0.clone(), "b": b0.clone(), "steps": 0, "history": []}
        st.session_state[STATE] = state
    return state


def next_minibatch():
    """Keep the step on screen: its updated weights become the current ones."""
    state = st.session_state.get(STATE)
    if state and state.get("next"):
        nxt = state.pop("next")
        state["W"], state["b"] = nxt["W"], nxt["b"]
        state["history"].append(nxt["row"])
        state["steps"] += 1


def reset():
    st.session_state.pop(STATE, None)


def show_images(batch, names):
    pictures = mb.images(batch, 8)  # (8, 28, 28) uint8
    shown = [names[int(k)] for k in batch.y[: len(pictures)]]
    alts = [describe.training_image(n, k + 1, len(shown), lang()) for k, n in enumerate(shown)]
    st.image(list(pictures), caption=shown, width=72, alt=alts)


def step_table(walk, W):
    table = mb.steps_table(walk, W)
    table["step"] = [tr(f"minibatch.step.{key}") for key in table["step"]]
    st.dataframe(
        table.rename(columns={c: tr(f"minibatch.col.{c}") for c in table.columns}),
        hide_index=True,
        height="content",
    )


def rows_table(walk, names):
    table = mb.first_rows(walk, 5)
    table["y"] = [f"{k} {names[k]}" for k in table["y"]]
    columns = {c: st.column_config.NumberColumn(c, format="%.4f") for c in table.columns[1:]}
    columns["y"] = tr("minibatch.col.true")
    columns["sum"] = st.column_config.NumberColumn(tr("minibatch.col.sum"), format="%.6f")
    columns["picked"] = st.column_config.NumberColumn("y_hat[i, y]", format="%.4f")
    st.dataframe(table, hide_index=True, column_config=columns)
    low, high = mb.row_sum_range(walk)
    st.caption(tr("minibatch.rows.sums", n=len(walk.y), low=low, high=high))


def derivative(walk, names):
    """dl/dO by the formula, its first rows, and the largest difference from autograd."""
    grad = mb.logit_gradient(walk.O, walk.y)
    table = mb.gradient_rows(grad, walk.y, 5)
    table["y"] = [f"{k} {names[k]}" for k in table["y"]]
    columns = {c: st.column_config.NumberColumn(c, format="%.5f") for c in table.columns[1:]}
    columns["y"] = tr("minibatch.col.true")
    columns["sum"] = st.column_config.NumberColumn(tr("minibatch.col.sum"), format="%.1e")
    st.dataframe(table, hide_index=True, column_config=columns)
    st.caption(
        tr(
            "minibatch.dldo.check",
            n=len(walk.y),
            q=walk.O.shape[1],
            diff=f"{grad.max_abs_diff:.2e}",
        )
    )


def before_after(walk):
    c1, c2 = st.columns(2)
    c1.metric(
        tr("minibatch.metric.loss"),
        f"{walk.loss_after:.4f}",
        delta=f"{walk.loss_after - walk.loss_before:+.4f}",
        delta_color="inverse",
    )
    c1.caption(tr("minibatch.metric.before", value=f"{walk.loss_before:.4f}"))
    c2.metric(
        tr("minibatch.metric.acc"),
        f"{walk.acc_after:.4f}",
        delta=f"{walk.acc_after - walk.acc_before:+.4f}",
    )
    c2.caption(tr("minibatch.metric.before", value=f"{walk.acc_before:.4f}"))


def history(rows):
    if not rows:
        return
    st.markdown(f"**{tr('minibatch.history.header')}**")
    shown = [{tr(f"minibatch.col.{k}"): v for k, v in row.items()} for row in reversed(rows)]
    st.dataframe(shown[:20], hide_index=True)


def walk_section(data, names):
    chosen = controls()
    if chosen is None:
        return
    origin, W0, b0, seed, split, lr = chosen
    state = current_state(origin, W0, b0)
    batch = mb.take_batch(data, split, state["steps"], seed)
    walk = mb.walk_step(state["W"], state["b"], batch.X, batch.y, lr)
    state["next"] = {
        "W": walk.W_next,
        "b": walk.b_next,
        "row": {
            "number": state["steps"] + 1,
            "batch": f"{tr(f'minibatch.split.{split}')} {batch.epoch}·{batch.number}",
            "loss_before": round(walk.loss_before, 4),
            "loss_after": round(walk.loss_after, 4),
            "acc_before": round(walk.acc_before, 4),
            "acc_after": round(walk.acc_after, 4),
        },
    }
    with st.container(horizontal=True):
        st.button(
            tr("minibatch.next"),
            key="minibatch.next",
            type="primary",
            icon=":material/skip_next:",
            on_click=next_minibatch,
        )
        st.button(
            tr("minibatch.reset"),
            key="minibatch.reset",
            icon=":material/restart_alt:",
            on_click=reset,
        )
    st.markdown(
        tr(
            "minibatch.counter",
            steps=state["steps"],
            number=batch.number,
            per_epoch=batch.per_epoch,
            split=tr(f"minibatch.split.{split}"),
            n=len(batch.y),
            epoch=batch.epoch,
        )
    )
    if not walk.finite:
        st.error(tr("minibatch.broken"))

    st.subheader(tr("minibatch.x.header"))
    st.markdown(tr("minibatch.x.text", x_shape=mb.shape(batch.X), n=len(batch.y)))
    show_images(batch, names)
    st.subheader(tr("minibatch.table.header"))
    st.markdown(tr("minibatch.table.text"))
    step_table(walk, state["W"])
    st.subheader(tr("minibatch.rows.header"))
    st.markdown(tr("minibatch.rows.text"))
    rows_table(walk, names)
    st.subheader(tr("minibatch.dldo.header"))
    st.markdown(tr("minibatch.dldo.text", n=len(batch.y)))
    if walk.finite:
        derivative(walk, names)
    st.subheader(tr("minibatch.grad.header"))
    st.markdown(tr("minibatch.grad.text"))
    if walk.finite:
        W_grad = walk.W_grad.numpy()  # (784, 10)
        chart(
            gradient_maps_chart(W_grad, names, lang()),
            describe.class_maps("grad", names, lang()),
            templates_frame(W_grad, names).rename(columns={"weight": "grad"}),
            title=tr("minibatch.grad.header"),
            width="content",
        )
    st.subheader(tr("minibatch.sgd.header"))
    st.markdown(tr("minibatch.sgd.text", lr=format_value(lr), n=len(batch.y)))
    before_after(walk)
    history(state["history"])


def session(*lines) -> str:
    """Python lines, each followed by what it prints as a comment (as in a notebook)."""
    out = []
    for code, value in lines:
        out.append(code)
        if value is not None:
            out.extend("# " + line for line in str(value).splitlines())
    return "\n".join(out)


def examples(data):
    """The chapter's small examples, side by side: they come before training in the chapter."""
    st.subheader(tr("minibatch.examples.header"))
    c1, c2 = st.columns(2, gap="large")
    c3, c4 = st.columns(2, gap="large")
    X, by_column, by_row = mb.sum_example()
    c1.markdown(tr("minibatch.examples.sum"))
    c1.code(
        session(
            ("X = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])", None),
            ("X.sum(0, keepdim=True)", by_column),
            ("X.sum(1, keepdim=True)", by_row),
        ),
        language="python",
        wrap_lines=True,
    )
    X, X_prob, sums = mb.softmax_example()
    c2.markdown(tr("minibatch.examples.softmax"))
    c2.code(
        session(
            ("X = torch.normal(0, 1, (2, 5))", None),
            ("X_prob = softmax(X)", None),
            ("X_prob", X_prob),
            ("X_prob.sum(1)", sums),
        ),
        language="python",
        wrap_lines=True,
    )
    ex = mb.cross_entropy_example()
    c3.markdown(tr("minibatch.examples.cross_entropy"))
    c3.code(
        session(
            ("y = torch.tensor([0, 2])", None),
            ("y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])", None),
            ("y_hat[[0, 1], y]", ex.picked),
            ("cross_entropy(y_hat, y)", ex.loss),
            ("accuracy(y_hat, y) / len(y)", ex.accuracy),
        ),
        language="python",
        wrap_lines=True,
    )
    if data is None:
        c4.caption(tr("minibatch.examples.no_data"))
        return
    seed = int(st.session_state.get("minibatch.seed", 0))
    c4.markdown(tr("minibatch.examples.random", seed=seed))
    c4.metric(tr("minibatch.examples.random_metric"), f"{mb.random_accuracy(data, seed):.4f}")
    c4.caption(tr("minibatch.examples.random_note"))


st.title(tr("minibatch.title"))
st.markdown(tr("minibatch.intro"))
data = get_data()
examples(data)
st.divider()
if data is not None:
    st.header(tr("minibatch.walk.header"))
    walk_section(data, class_names())
show_code(*mb.shown_code(with_data=data is not None))
