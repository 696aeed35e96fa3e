"""Helpers for AppTest: open the app on a page, in a language, with some runs."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 120  # training on real data and the first data load take seconds, not 3


def open_app(
    page: str | None = None,
    lang: str | None = None,
    query: dict | None = None,
    runs: list | None = None,
) -> AppTest:
    """Run app.py once, on lessons/<page>.py, with `runs` as if trained before.

    The data folder is FASHION_MNIST_ROOT: tests change it with monkeypatch.
    """
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if lang:
        at.query_params["lang"] = lang
    if runs is not None:
        at.session_state["runs"] = runs
    if page:
        from lessons import PAGES

        spec = next(p for p in PAGES if p.name == page)
        if spec.url not in ("", spec.name):
            # Before the first run AppTest finds a page by its URL path = file name;
            # a page at another path (/class) is only found once the navigation exists.
            at.run()
        at.switch_page(f"lessons/{page}.py")  # before the first run: the page alone runs
    at.run()
    return at


def texts(at: AppTest) -> str:
    """All the visible text of markdown, titles, captions, alerts in one string."""
    parts = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
    ):
        parts.extend(str(e.value) for e in getattr(at, kind))
    return "\n".join(parts)


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def fixed_notes(at: AppTest) -> dict:
    """The Train page's corrected link values: {URL name: (given, used)}, read from its table."""
    from lib.i18n import t

    lang = at.session_state["lang"]
    heads = [t(f"train.fixed.{k}", lang) for k in ("name", "given", "used")]
    tables = [d.value for d in at.dataframe if list(d.value.columns) == heads]
    if not tables:
        return {}
    frame = tables[0]
    return {row[0]: (row[1], row[2]) for row in frame.itertuples(index=False)}
