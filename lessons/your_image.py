"""Your own image: a photo made to look like Fashion-MNIST, classified by the chosen run."""

import streamlit as st

from lib import describe
from lib.charts.gallery import probability_chart, probability_frame
from lib.decode import MAX_BYTES, decode
from lib.gallery import pixels
from lib.image import (
    ImageError,
    center_on_canvas,
    crop_to_object,
    dark_background,
    prepare,
    preprocess,
    to_gray,
)
from lib.metrics import classify
from ui.a11y import chart
from ui.context import show_code
from ui.lang import class_names, lang, tr
from ui.panels import require_run


def picture_bytes() -> bytes | None:
    """The uploaded file or the camera shot (the camera only behind the toggle).

    Only the bytes are used: the file's name is never shown (the uploader itself shows it as
    plain text), so a crafted name cannot put markdown or HTML on the page.
    """
    if st.toggle(tr("your_image.camera_toggle"), key="your_image.use_camera"):
        shot = st.camera_input(tr("your_image.camera"), key="your_image.camera", width=480)
    else:
        shot = st.file_uploader(
            tr("your_image.upload"),
            type=["png", "jpg", "jpeg"],
            help=tr("your_image.upload_help"),
            key="your_image.upload",
            max_upload_size=MAX_BYTES // 2**20,
        )
        st.caption(tr("your_image.upload_hint"))
    return None if shot is None else shot.getvalue()


def show_result(data: bytes, run) -> None:
    """Preprocess the bytes (once per file: reruns reuse the result) and show picture,
    model input and probabilities."""
    try:
        prepared = preprocess(data)
    except ImageError as exc:
        st.error(tr(exc.key, **exc.fields))
        return
    c1, c2, c3 = st.columns([2, 1, 3])
    names, language = class_names(), lang()
    probs = classify(prepared.x, run.W, run.b) if run is not None else None  # (10,), sums to 1
    best = int(probs.argmax()) if probs is not None else None
    seen = describe.input_image(
        language, *((names[best], float(probs[best])) if probs is not None else ())
    )
    c1.image(
        prepared.original, caption=tr("your_image.original"), alt=describe.upload_image(language)
    )
    c2.image(pixels(prepared.x, 6), caption=tr("your_image.input"), alt=seen)
    if prepared.inverted:
        c2.caption(tr("your_image.inverted"))
    if run is None:
        c3.info(tr("your_image.no_model"))
        return
    c3.subheader(tr("your_image.probs"))
    c3.markdown(tr("your_image.verdict", pred=names[best], p=float(probs[best])))
    with c3:
        chart(
            probability_chart(probs, names, language),
            describe.probabilities(probs.tolist(), names, language),
            probability_frame(probs, names, language).drop(columns="role_key"),
        )


st.title(tr("your_image.title"))
st.markdown(tr("your_image.intro"))
run = require_run("your_image")

data = picture_bytes()
if data is None:
    st.info(tr("your_image.waiting"))
else:
    show_result(data, run)

with st.expander(tr("your_image.why_title"), expanded=data is not None):
    st.markdown(tr("your_image.why"))
show_code(
    preprocess,
    prepare,
    decode,
    to_gray,
    dark_background,
    crop_to_object,
    center_on_canvas,
    classify,
)
