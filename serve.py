"""Softmax Explorer's server: the app (app.py) behind the flood guard.

    streamlit run serve.py [--server.port 8501 ...]

Streamlit finds the st.App below and serves it with uvicorn; the pages, the
settings (.streamlit/config.toml, command-line flags) and the address are those
of `streamlit run app.py`. The difference is flood_guard.FloodGuard in front of
every WebSocket: per-tab message limits, so one tab cannot stall the class
(docs/security.md). `streamlit run app.py` still works, without those limits.
"""

import streamlit as st
from starlette.middleware import Middleware

from flood_guard import FloodGuard

app = st.App("app.py", middleware=[Middleware(FloodGuard)])
