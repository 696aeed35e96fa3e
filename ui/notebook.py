"""The "Download as notebook" button: a run's settings as a Jupyter notebook (lib/notebook.py),
in the page's language, on the Train page and on each step of the guided lesson."""

from __future__ import annotations

import streamlit as st

from lib import notebook
from lib.config import TrainConfig
from ui.lang import lang, tr

MIME = "application/x-ipynb+json"


@st.cache_data(show_spinner=False, max_entries=64)
def notebook_bytes(settings: tuple, _cfg: TrainConfig, language: str) -> bytes:
    """The student's copy (no solutions) of the run with these settings, as file bytes.

    Cached by `settings` (cfg's fields as a tuple); `_cfg` itself is not hashed."""
    return notebook.to_bytes(_cfg, solutions=False, lang=language)


def download_notebook(cfg: TrainConfig, key: str) -> None:
    """The button; downloading does not rerun the page."""
    st.download_button(
        tr("notebook.download"),
        notebook_bytes(tuple(cfg.to_dict().items()), cfg, lang()),
        file_name=notebook.file_name(cfg),
        mime=MIME,
        key=key,
        icon=":material/download:",
        on_click="ignore",
        help=tr("notebook.download.help", settings=notebook.settings_text(cfg)),
    )
