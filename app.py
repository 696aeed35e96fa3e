"""Softmax Explorer: the router.

    streamlit run serve.py     # behind the flood guard, as hosted (serve.py)
    streamlit run app.py       # the same pages, without it

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

import altair.utils.schemapi  # noqa: E402
import streamlit as st  # noqa: E402

# speed: Altair checks every part of a chart against Vega-Lite's schema as it is built
# (a third of building the live chart, redrawn for every student's epoch); the chart tests
# validate every chart's whole spec instead (to_dict(validate=True), tests/test_charts_*).
altair.utils.schemapi.DEBUG_MODE = False

from lessons import pages  # noqa: E402
from lib.pages import DEFAULT_PAGE, page_name  # noqa: E402
from ui.a11y import page_frame  # noqa: E402
from ui.book import book_footer  # noqa: E402
from ui.classroom import class_badge, class_join_prompt  # noqa: E402
from ui.context import device_name, load, server, storage_notice  # noqa: E402
from ui.identity import identity, write_identity_cookie  # noqa: E402
from ui.lang import language_switch, tr  # noqa: E402
from ui.panels import identity_panel  # noqa: E402
from ui.projector import projecting  # noqa: E402
from ui.runs import settle_interrupted_runs  # noqa: E402
from ui.training import release_elsewhere  # noqa: E402

st.set_page_config(page_title="Softmax Explorer", page_icon="🧮", layout="wide")
server()  # once per process: torch threads, device, the training queue
identity()  # who this browser is (its cookie), before any run is read
settle_interrupted_runs()

current = st.navigation(pages(tr))
with st.sidebar:
    st.markdown(f"### {tr('app.title')}")
    st.caption(tr("app.tagline"))
    language_switch()
    st.markdown(tr("sidebar.device", device=device_name()))
    running, waiting = load()
    st.caption(tr("sidebar.load", running=running, waiting=waiting))
    class_badge()
    if not projecting(current.url_path):  # no personal link on the projector
        identity_panel(current.url_path)
    storage_notice()
    write_identity_cookie()
    page_frame(current.title)  # the tab's title, <html lang>, contrast, live region
release_elsewhere(current.url_path or DEFAULT_PAGE)  # a queue place kept elsewhere
class_join_prompt()  # ?class=CODE: join that class first
current.run()
book_footer(page_name(current.url_path))  # the book's section and forum, after the page
