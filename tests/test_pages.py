"""lib/pages.py: the page list as data, and the app's address from a page's address."""

import pytest

from lib.pages import DEFAULT_PAGE, PAGES, SECTIONS, app_url, page_path


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
