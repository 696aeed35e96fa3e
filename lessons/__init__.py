"""The app's pages: one file per page; the page list itself is data in lib/pages.py.

app.py builds the navigation with pages(), each spec of lib.pages.SECTIONS
made an st.Page, titled in the session's language.
"""

from __future__ import annotations

import streamlit as st

from lib.pages import DEFAULT_PAGE, PAGES, SECTIONS, PageSpec

__all__ = ["DEFAULT_PAGE", "PAGES", "SECTIONS", "PageSpec", "page", "pages"]


def page(spec: PageSpec, title: str) -> st.Page:
    return st.Page(
        spec.path,
        title=title,
        icon=f":material/{spec.icon}:",
        url_path=spec.url or spec.name,
        default=spec.url == "",
    )


def pages(tr) -> dict[str, list[st.Page]]:
    """The navigation: {section title: [st.Page, ...]}, titles from tr(key)."""
    return {
        tr(section): [page(spec, tr(f"nav.{spec.name}")) for spec in specs]
        for section, specs in SECTIONS.items()
    }
