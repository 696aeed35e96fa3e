"""Every visible string in both languages, and every page in both languages."""

import re
import string
from pathlib import Path

import pytest
from apptest_helpers import has_chinese, open_app

from lib.i18n import LANG_NAMES, LANGS, STRINGS, normalize_lang, t, widget_key
from lib.pages import PAGES as ALL_PAGES
from lib.pages import book_links

ROOT = Path(__file__).resolve().parents[1]
PAGES = [page.name for page in ALL_PAGES]
SOURCES = [ROOT / "app.py", *(p for d in ("ui", "lessons") for p in ROOT.glob(f"{d}/*.py"))]
SOURCES += ROOT.glob("lib/**/*.py")
# Keys built at run time, spelled out: every value they can take has a string.


def _fields(text):
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_both_languages_fill_the_same_fields(key):
    assert _fields(STRINGS[key]["en"]) == _fields(STRINGS[key]["zh"]), key


def test_chinese_strings_are_translated():
    untranslated = [
        k
        for k, v in STRINGS.items()
        if v["zh"] == v["en"] and re.search(r"[a-z]{4,} [a-z]{4,}", v["en"])
    ]
    assert not untranslated
    assert sum(has_chinese(v["zh"]) for v in STRINGS.values()) > 0.9 * len(STRINGS)


def test_every_key_the_code_asks_for_exists():
    used = set()
    for path in SOURCES:
        used |= set(re.findall(r"""\btr?\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""", path.read_text()))
    assert used, "the pattern found no keys at all"
    assert sorted(used - set(STRINGS)) == []


def runtime_keys() -> set:
    """Keys the code builds with f-strings, from the lists of values they are built from."""
    from lib.config import Choices, TrainConfig, fields
    from lib.pages import SECTIONS
    from lib.runs import STATUSES, Run
    from lib.trainers.contract import CAUSES

    keys = {f"status.{s}" for s in STATUSES} | {f"breakdown.{c}" for c in CAUSES}
    keys |= {f"nav.{p}" for p in PAGES} | set(SECTIONS)
    keys |= {f"class.{k}" for k in range(10)}
    keys |= {"train.breakdown_link.overflow", "train.breakdown_link.cross_entropy"}
    for f in fields(TrainConfig, app_only=True):
        keys |= {f"config.{f.name}", f"config.{f.name}.help"}
        if isinstance(f.metadata["allowed"], Choices):
            keys |= {f"{f.name}.{v}" for v in f.metadata["allowed"].values}
            if f.name == "framework":
                keys |= {f"train.code_note.{v}" for v in f.metadata["allowed"].values}
    keys |= {f"train.col.{name}" for name in Run(1, TrainConfig()).summary()}
    return keys


def test_every_key_built_at_run_time_exists():
    assert sorted(runtime_keys() - set(STRINGS)) == []


def test_language_codes():
    assert normalize_lang("zh-CN") == "zh" and normalize_lang("ZH") == "zh"
    assert normalize_lang("fr") == "en" and normalize_lang(None) == "en"
    assert t("nav.train", "zh") == "训练"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_in_both_languages(page, lang, real_data, trained_run):
    at = open_app(page=page, lang=lang, runs=[trained_run])
    assert not at.exception
    title = at.title[0].value
    assert has_chinese(title) == (lang == "zh"), title
    assert at.query_params["lang"] == lang  # kept in the URL on every page
    shown = [(b.proto.label, b.proto.url) for b in at.get("link_button")]  # the book, at the end
    book = [(t(link.key, lang), link.url) for link in book_links(page, lang)]
    assert shown[-len(book) :] == book


def test_a_default_stands_in_only_for_a_missing_key():
    assert t("no.such.key", "zh", default="raw") == "raw"
    assert t("status.done", "zh", default="raw") == STRINGS["status.done"]["zh"]
    with pytest.raises(KeyError):
        t("no.such.key", "en")


def test_widget_keys_and_language_names_cover_every_language():
    assert {widget_key("decisions.preset", lang) for lang in LANGS} == {
        f"decisions.preset.{lang}" for lang in LANGS
    }
    assert widget_key("x", "ZH-cn") == "x.zh"
    assert set(LANG_NAMES) == set(LANGS)


def test_one_run_is_not_one_runs(monkeypatch):
    """t() takes "<key>.one" for n=1 where there is one: 1 run, not 1 runs."""
    from ui import lang

    monkeypatch.setattr(lang, "lang", lambda: "en")
    assert "(1 run)" in lang.tr("me.adopted", n=1)
    assert "(3 runs)" in lang.tr("me.adopted", n=3)
    assert "1 run of its own" in lang.tr("me.offer.mine", n=1)
