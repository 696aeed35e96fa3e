"""Softmax Explorer: the router.

    streamlit run app.py

Every page lives in lessons/; this file sets up the page, the sidebar
(language, device, server load) and the navigation, then runs the chosen page.
The folder is not called pages/: Streamlit treats a pages/ folder as its
older automatic navigation, and a fresh server's first deep link (a teacher's
shared /overflow?lang=zh) then ran the page without this router.
"""
import os

# Cap torch's threads once per process, before torch is imported. One thread
# per training: several trainings run side by side (SOFTMAX_MAX_TRAININGS), and
# OpenMP threads that spin on busy cores made an epoch up to 25x slower here.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import streamlit as st  # noqa: E402

import ui  # noqa: E402

st.set_page_config(page_title="Softmax Explorer", page_icon="🧮", layout="wide")
ui.server()  # once per process: torch threads, device, the training queue
ui.settle_interrupted_runs()


def page(name, key, icon):
    return st.Page(f"lessons/{name}.py", title=ui.tr(key), icon=f":material/{icon}:",
                   url_path=name, default=name == "train")


PAGES = {  # section -> pages, each (file, title key, Material icon)
    "nav.section.train": [("train", "nav.train", "show_chart")],
    "nav.section.math": [("overflow", "nav.overflow", "local_fire_department"),
                         ("cross_entropy", "nav.cross_entropy", "functions")],
    "nav.section.results": [("per_class", "nav.per_class", "grid_view"),
                            ("gallery", "nav.gallery", "photo_library"),
                            ("your_image", "nav.your_image", "photo_camera")],
    "nav.section.exercises": [("decisions", "nav.decisions", "balance"),
                              ("many_classes", "nav.many_classes", "library_books")],
}

current = st.navigation({ui.tr(section): [page(*p) for p in pages]
                         for section, pages in PAGES.items()})
with st.sidebar:
    st.markdown(f"### {ui.tr('app.title')}")
    st.caption(ui.tr("app.tagline"))
    ui.language_switch()
    st.markdown(ui.tr("sidebar.device", device=ui.device_name()))
    running, waiting = ui.server()["slots"].load()
    st.caption(ui.tr("sidebar.load", running=running, waiting=waiting))
current.run()
