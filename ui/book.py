"""The book beside every page: its section in both editions and the chapter's forum."""

from __future__ import annotations

import streamlit as st

from lib.pages import book_links
from ui.lang import lang, tr


def book_footer(name: str) -> None:
    """Three plain links (fixed text, each a tab stop) at the end of page `name`."""
    st.divider()
    st.caption(tr("book.header"))
    with st.container(horizontal=True):
        for link in book_links(name, lang()):
            st.link_button(tr(link.key), link.url, icon=":material/open_in_new:")
