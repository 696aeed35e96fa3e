"""The "Download as notebook" button: a run's settings as a Jupyter notebook (lib/notebook.py),
in the page's language, on the Train page and on each step of the guided lesson."""

from __future__ import annotations

import streamlit as st

from lib import notebook
from lib.config import TrainConfig
from ui.lang import lang, tr

MIME = "application/x-ipynb+json"


def download_notebook(cfg: TrainConfig, key: str) -> None:
    """The button; the notebook is made when it is pressed (speed: ~0.1 s each, which 30
    students with 30 settings would otherwise pay at the end of every run), and downloading
    does not rerun the page."""
    language = lang()

    def made() -> bytes:  # called when the button is pressed, on another thread
        return notebook.to_bytes(cfg, solutions=False, lang=language)

    st.download_button(
        tr("notebook.download"),
        made,
        file_name=notebook.file_name(cfg),
        mime=MIME,
        key=key,
        icon=":material/download:",
        on_click="ignore",
        help=tr("notebook.download.help", settings=notebook.settings_text(cfg)),
    )
