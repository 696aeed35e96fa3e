"""Every visible string of the app, in English and Chinese, as plain data.

Each module in this package holds the strings of one page (or of the shared
frame) as STRINGS = {key: {"en": ..., "zh": ...}}. They are merged here; a key
defined twice, or missing a language, is an error at import time.

    from lib.i18n import t
    t("train.title", "zh")                 # -> "训练"
    t("train.progress", "en", epoch=3, total=10, acc=0.8)  # str.format fields
    class_names("zh")[9]                   # -> "短靴"
    t(f"status.{s}", "en", default=s)      # s itself when status.<s> has no text
    widget_key("decisions.preset", "zh")   # -> "decisions.preset.zh"

Every language decision is made here: code elsewhere asks for a key and a
language and gets text back, so a third language touches this package only.
"""

import importlib
import pkgutil

LANGS = ("en", "zh")
LANG_NAMES = {"en": "English", "zh": "中文"}  # each language in its own words (the switch)
NUM_CLASSES = 10
DEFAULT_LANG = "en"


def _collect() -> dict:
    strings = {}
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        for key, texts in importlib.import_module(f"{__name__}.{module}").STRINGS.items():
            if key in strings:
                raise KeyError(f"string {key!r} is defined twice (again in {module})")
            if set(texts) != set(LANGS):
                raise KeyError(f"string {key!r} must have exactly {LANGS}, has {sorted(texts)}")
            strings[key] = texts
    return strings


STRINGS = _collect()


def normalize_lang(lang) -> str:
    """'zh', 'zh-CN', 'ZH' -> 'zh'; anything unknown -> English."""
    lang = str(lang or "").strip().lower()[:2]
    return lang if lang in LANGS else DEFAULT_LANG


_REQUIRED = object()


def t(key: str, lang: str = DEFAULT_LANG, *, default=_REQUIRED, **fields) -> str:
    """The text of `key` in `lang`, with str.format fields filled in.

    A key with no text is a KeyError, unless a `default` is given: then that is
    returned as it is (for keys made from values, e.g. f"status.{run.status}").
    With n=1, "<key>.one" is used where there is one ("1 run", not "1 runs").
    """
    if default is not _REQUIRED and key not in STRINGS:
        return default
    if fields.get("n") == 1 and f"{key}.one" in STRINGS:
        key = f"{key}.one"
    text = STRINGS[key][normalize_lang(lang)]
    return text.format(**fields) if fields else text


def widget_key(name: str, lang: str) -> str:
    """A widget's key for one language: a widget whose options are translated texts
    must be a new widget after a language switch (its old choice would match no option)."""
    return f"{name}.{normalize_lang(lang)}"


def class_names(lang: str = DEFAULT_LANG) -> tuple[str, ...]:
    """The ten class names in `lang`, indexed by label (0 = t-shirt ... 9 = ankle boot)."""
    return tuple(t(f"class.{k}", lang) for k in range(NUM_CLASSES))
