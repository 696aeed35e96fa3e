"""lib/pages.py: the page list as data, and the app's address from a page's address."""

import re
from urllib.parse import urlsplit

import pytest

from lib.pages import (
    CHAPTER,
    DEFAULT_PAGE,
    FORUM,
    PAGES,
    SECTIONS,
    SECTIONS_OF_THE_BOOK,
    app_url,
    book_links,
    page_name,
    page_path,
)


def test_every_page_is_listed_once_with_its_own_url():
    assert len({p.name for p in PAGES}) == len(PAGES) == sum(len(s) for s in SECTIONS.values())
    assert len({p.url for p in PAGES}) == len(PAGES)
    assert [p.name for p in PAGES if p.url == ""] == [DEFAULT_PAGE]
    assert page_path("class_board") == "class" and page_path(DEFAULT_PAGE) == ""


@pytest.mark.parametrize(
    "address, page, base",
    [
        ("http://localhost:8501/class", "class", "http://localhost:8501/"),
        ("http://localhost:8501/lesson?lang=zh&x=1", "lesson", "http://localhost:8501/"),
        ("http://localhost:8501/", "", "http://localhost:8501/"),
        ("http://localhost:8501", "", "http://localhost:8501/"),
        # behind a proxy that serves the app under /softmax/: the prefix stays
        ("https://host/softmax/class", "class", "https://host/softmax/"),
        ("https://host/softmax/class?teach=ABC.x", "class", "https://host/softmax/"),
        ("https://host/softmax/lesson/", "lesson", "https://host/softmax/"),
        ("https://host/softmax/lesson#top", "lesson", "https://host/softmax/"),
        ("https://host/softmax/", "", "https://host/softmax/"),
        ("https://host/softmax/?me=abc", "", "https://host/softmax/"),
        # a prefix that happens to end like a page is kept: only the page's own path goes
        ("https://host/class/", "", "https://host/class/"),
        ("https://host/class/class", "class", "https://host/class/"),
        # no address (AppTest, no browser): links relative to the host's root, as before
        (None, "class", "/"),
        ("", "", "/"),
        ("not a url", "class", "/"),
    ],
)
def test_the_app_url_keeps_the_path_prefix(address, page, base):
    assert app_url(address, page) == base


def test_links_made_from_it_open_the_app_under_its_prefix():
    from lib import lesson as L

    base = app_url("https://host/softmax/lesson?lang=en", page_path("lesson"))
    assert L.link_url(L.BY_ID["keepdim"], "en", base) == "https://host/softmax/minibatch?lang=en"
    assert f"{app_url('https://host/softmax/class', 'class')}?class=ABC" == (
        "https://host/softmax/?class=ABC"
    )


# ---- the book beside every page --------------------------------------------------------

BOOK_PATH = {  # edition -> (host, the chapter's folder)
    "zh": ("zh.d2l.ai", "/chapter_linear-networks/"),
    "en": ("d2l.ai", "/chapter_linear-classification/"),
}


def well_formed(url: str) -> bool:
    parts = urlsplit(url)
    return (
        parts.scheme == "https"
        and bool(parts.netloc)
        and not (parts.query or parts.fragment)
        and url == url.strip()
        and " " not in url
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_page_links_its_section_in_both_editions_and_the_forum(page, lang):
    links = book_links(page.name, lang)
    assert [link.key for link in links] == ["book.zh", "book.en", "book.forum"]
    assert all(well_formed(link.url) for link in links), links
    for link, edition in zip(links[:2], ("zh", "en"), strict=True):
        host, folder = BOOK_PATH[edition]
        parts = urlsplit(link.url)
        assert parts.netloc == host and parts.path == f"{folder}{page.book}.html"
    assert page.book in SECTIONS_OF_THE_BOOK
    forum = urlsplit(links[2].url)
    assert forum.netloc == "discuss.d2l.ai" and re.fullmatch(r"/t/\d+", forum.path)
    assert links[2].url == FORUM[lang]


def test_the_chapter_is_the_default_and_the_nearest_sections_are_used():
    assert sum(p.book == CHAPTER for p in PAGES) >= len(PAGES) - 3
    by_name = {p.name: p.book for p in PAGES}
    assert by_name["minibatch"] == by_name["train"] == by_name["decisions"] == CHAPTER
    assert by_name["overflow"] == "softmax-regression-concise"  # its LogSumExp trick
    assert by_name["cross_entropy"] == "softmax-regression"  # where the loss is derived
    assert FORUM["zh"] != FORUM["en"]  # each edition's own thread


def test_page_name_from_the_navigations_url_path():
    for p in PAGES:
        assert page_name(p.url or p.name) == p.name
    assert page_name("") == page_name(None) == DEFAULT_PAGE
    assert page_name("/class/") == "class_board"
