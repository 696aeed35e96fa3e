"""Prediction gallery: the chapter's predict step on test images, and W as templates."""

import random

import streamlit as st
import torch

from lib import describe
from lib.charts.gallery import (
    probability_chart,
    probability_frame,
    templates_chart,
    templates_frame,
)
from lib.gallery import RIGHT_RGB, WRONG_RGB, num_pages, page_of, pick_images, pixels
from lib.metrics import predict, predict_test_set
from lib.softmax import softmax_stable
from ui.a11y import chart
from ui.context import show_code
from ui.lang import class_names, lang, tr
from ui.panels import run_on_test_set

PER_PAGE, PER_ROW = 24, 8


def reshuffle(seed):
    st.session_state["gallery.seed"] = seed
    st.session_state["gallery.page"] = 1


def filters(names):
    # Labels are made now, not inside format_func: AppTest calls it outside the script run.
    labels = [tr("gallery.any"), *names]
    classes = [None, *range(len(names))]
    c1, c2, c3 = st.columns(3, vertical_alignment="bottom")
    wrong_only = c1.toggle(tr("gallery.wrong_only"), key="gallery.wrong")
    true_class = c2.selectbox(
        tr("gallery.true_class"),
        classes,
        key="gallery.true",
        format_func=lambda k: labels[0 if k is None else k + 1],
    )
    pred_class = c3.selectbox(
        tr("gallery.pred_class"),
        classes,
        key="gallery.pred",
        format_func=lambda k: labels[0 if k is None else k + 1],
    )
    return wrong_only, true_class, pred_class


def order_buttons(c1, c2):
    c1.button(
        tr("gallery.shuffle"),
        key="gallery.shuffle",
        icon=":material/shuffle:",
        on_click=reshuffle,
        args=(random.randrange(2**31),),
        width="stretch",
    )
    c2.button(
        tr("gallery.in_order"),
        key="gallery.order",
        icon=":material/sort:",
        on_click=reshuffle,
        args=(None,),
        width="stretch",
    )


def caption(i, pred, names):
    true, guess = names[int(pred.y[i])], names[int(pred.y_pred[i])]
    if true == guess:
        return tr("gallery.caption", true=true, pred=guess)
    return ":red[" + tr("gallery.caption_wrong", true=true, pred=guess) + "]"


def alt(i, pred, names) -> str:
    """What the picture of test image i says to a sighted student: its class, the
    prediction, how sure (the caption and the frame's colour)."""
    y, y_hat = int(pred.y[i]), int(pred.y_pred[i])
    return describe.gallery_image(names[y], names[y_hat], float(pred.probs[i][y_hat]), lang())


def grid(shown, images, pred, names):
    for start in range(0, len(shown), PER_ROW):
        for col, k in zip(st.columns(PER_ROW), range(start, min(start + PER_ROW, len(shown)))):
            i = shown[k]
            wrong = bool(pred.y[i] != pred.y_pred[i])
            col.image(
                pixels(images[k], 4, WRONG_RGB if wrong else RIGHT_RGB), alt=alt(i, pred, names)
            )
            col.caption(caption(i, pred, names))


def closer_look(shown, images, pred, names):
    options = {
        int(i): tr(
            "gallery.option",
            index=int(i),
            true=names[int(pred.y[i])],
            pred=names[int(pred.y_pred[i])],
        )
        for i in shown
    }
    i = st.selectbox(
        tr("gallery.chosen"), list(options), format_func=options.get, key="gallery.chosen"
    )  # a test-set index
    k = list(options).index(i)  # its place on this page
    probs, y, y_hat = pred.probs[i], int(pred.y[i]), int(pred.y_pred[i])
    left, right = st.columns([1, 2])
    left.image(
        pixels(images[k], 8, WRONG_RGB if y != y_hat else RIGHT_RGB), alt=alt(i, pred, names)
    )
    if y == y_hat:
        left.success(tr("gallery.right", pred=names[y_hat], p=float(probs[y_hat])))
    else:
        left.error(
            tr(
                "gallery.wrong",
                pred=names[y_hat],
                p=float(probs[y_hat]),
                true=names[y],
                p_true=float(probs[y]),
            )
        )
    with right:
        chart(
            probability_chart(probs.numpy(), names, lang(), true_class=y),
            describe.probabilities(probs.tolist(), names, lang(), true_class=y),
            probability_frame(probs.numpy(), names, lang(), true_class=y).drop(columns="role_key"),
        )


st.title(tr("gallery.title"))
st.markdown(tr("gallery.intro"))

chosen = run_on_test_set("gallery")
if chosen is None:
    st.stop()

data, run, pred = chosen  # pred: probs (10000, 10), y_pred, y
names = class_names()
wrong_only, true_class, pred_class = filters(names)
indices = pick_images(
    pred, wrong_only, true_class, pred_class, seed=st.session_state.get("gallery.seed")
)
wrong = int((pred.y[indices] != pred.y_pred[indices]).sum()) if len(indices) else 0
info, shuffle, in_order, pager = st.columns([4, 1, 1, 1], vertical_alignment="bottom")
info.markdown(tr("gallery.matches", n=len(indices), wrong=wrong))
order_buttons(shuffle, in_order)

if len(indices) == 0:
    st.info(tr("gallery.empty"))
else:
    pages = num_pages(len(indices), PER_PAGE)
    if st.session_state.get("gallery.page", 1) > pages:
        st.session_state["gallery.page"] = pages  # the filters shrank the set
    page = pager.number_input(tr("gallery.page", pages=pages), 1, pages, step=1, key="gallery.page")
    shown = page_of(indices, page, PER_PAGE)
    rows = torch.as_tensor(shown, device=data.X_test.device)
    images = data.X_test[rows].cpu().numpy()  # (k, 784) pixels of this page
    grid(shown, images, pred, names)
    st.divider()
    closer_look(shown, images, pred, names)

st.divider()
st.subheader(tr("gallery.templates"))
st.markdown(tr("gallery.templates_help"))
chart(
    templates_chart(run.W.numpy(), names, lang()),
    describe.class_maps("weights", names, lang()),
    templates_frame(run.W.numpy(), names),
    title=tr("gallery.templates"),
    width="content",
)

show_code(predict_test_set, predict, softmax_stable, pick_images, templates_frame)
