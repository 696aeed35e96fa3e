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
from lessons import DEFAULT_PAGE, SECTIONS, PageSpec  # noqa: E402

st.set_page_config(page_title="Softmax Explorer", page_icon="🧮", layout="wide")
ui.server()  # once per process: torch threads, device, the training queue
ui.identity()  # who this browser is (its cookie), before any run is read
ui.settle_interrupted_runs()


def page(spec: PageSpec) -> st.Page:
    return st.Page(
        spec.path,
        title=ui.tr(f"nav.{spec.name}"),
        icon=f":material/{spec.icon}:",
        url_path=spec.url or spec.name,
        default=spec.url == "",
    )


current = st.navigation(
    {ui.tr(section): [page(spec) for spec in pages] for section, pages in SECTIONS.items()}
)
with st.sidebar:
    st.markdown(f"### {ui.tr('app.title')}")
    st.caption(ui.tr("app.tagline"))
    ui.language_switch()
    st.markdown(ui.tr("sidebar.device", device=ui.device_name()))
    running, waiting = ui.server().slots.load()
    st.caption(ui.tr("sidebar.load", running=running, waiting=waiting))
    ui.class_badge()
    ui.identity_panel()
    ui.storage_notice()
    ui.write_identity_cookie()
    ui.page_frame(current.title)  # the tab's title, <html lang>, contrast, live region
ui.release_elsewhere(current.url_path or DEFAULT_PAGE)  # a queue place kept elsewhere
ui.class_join_prompt()  # ?class=CODE: join that class first
current.run()
