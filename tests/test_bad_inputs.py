"""Bad input never reaches the trainer and never shows a traceback.

The Train page's settings arrive in the URL, so anyone can send anything:
lib.settings.from_query checks every value on the server (the sliders alone
would not), replaces a bad one by the nearest allowed one and says so.
Then the extremes the sliders do allow, impatient clicking, page switches and
two students at once.
"""

import random
import string

import pytest
from apptest_helpers import fixed_notes, open_app, texts

from lib import settings as S
from lib.config import APP_LIMITS, TrainConfig
from lib.i18n import t

LR_CHOICES = APP_LIMITS["lr"].values
BATCH_CHOICES = APP_LIMITS["batch_size"].values
EPOCHS, SEEDS = APP_LIMITS["num_epochs"], APP_LIMITS["seed"]
SOFTMAX_CHOICES = ("naive", "stable")
FIELD = {
    "lr": "lr",
    "epochs": "num_epochs",
    "batch": "batch_size",
    "seed": "seed",
    "softmax": "softmax",
}  # URL name -> TrainConfig field

needs_data = pytest.mark.usefixtures("real_data")  # fails, not skips, under REQUIRE_DATA=1

WIDGETS = {
    "lr": ("select_slider", "train.w.lr"),
    "epochs": ("slider", "train.w.epochs"),
    "batch": ("select_slider", "train.w.batch"),
    "seed": ("number_input", "train.w.seed"),
}


def controls(at) -> dict:
    """The Train page's control values, by query name."""
    values = {name: getattr(at, kind)(key=key).value for name, (kind, key) in WIDGETS.items()}
    # the softmax radio's key ends in the language (train.w.softmax.en): find it by prefix
    (radio,) = [r for r in at.radio if (r.key or "").startswith("train.w.softmax")]
    return {**values, "softmax": radio.value}


def url_value(at, name: str) -> str:
    """The URL's value of a query parameter (the last one when repeated)."""
    value = at.query_params[name]
    return str(value[-1] if isinstance(value, list) else value)


def assert_allowed(values: dict) -> None:
    assert values["lr"] in LR_CHOICES
    assert EPOCHS.low <= values["epochs"] <= EPOCHS.high
    assert isinstance(values["epochs"], int)
    assert values["batch"] in BATCH_CHOICES
    assert SEEDS.low <= values["seed"] <= SEEDS.high
    assert values["softmax"] in SOFTMAX_CHOICES


# ---- the URL, checked on the server ------------------------------------------

BAD_QUERIES = [  # (query, the values the page must use instead)
    (
        {"lr": "-1", "epochs": "0", "batch": "0", "seed": "-5"},
        {"lr": 0.001, "epochs": 1, "batch": 32, "seed": 0},
    ),
    (
        {"lr": "1e9", "epochs": "1000000", "batch": "99999", "seed": "1e12"},
        {"lr": 100.0, "epochs": 50, "batch": 1024, "seed": 9999},
    ),
    (
        {"lr": "nan", "epochs": "inf", "batch": "-inf", "seed": "NaN"},
        {"lr": 0.1, "epochs": 10, "batch": 256, "seed": 0},
    ),
    (
        {"lr": "1e309", "epochs": "3.7", "batch": "300", "softmax": "STABLE "},
        {"lr": 0.1, "epochs": 4, "batch": 256, "softmax": "stable"},
    ),
    (
        {"lr": "", "epochs": " ", "batch": "0x100", "seed": "7.0.1", "softmax": ""},
        {"lr": 0.1, "epochs": 10, "batch": 256, "seed": 0, "softmax": "naive"},
    ),
    (
        {"lr": "<script>alert(1)</script>", "epochs": "ten", "softmax": "'; DROP TABLE runs;--"},
        {"lr": 0.1, "epochs": 10, "softmax": "naive"},
    ),
    (
        {"lr": "`**x**`", "epochs": "五", "batch": "１２８", "seed": "\u202e9"},
        {"lr": 0.1, "epochs": 10, "seed": 0},
    ),
]


@pytest.mark.parametrize("query, expected", BAD_QUERIES)
def test_bad_url_values_are_replaced_with_a_warning(query, expected):
    at = open_app(query=query)
    assert not at.exception
    values = controls(at)
    assert_allowed(values)
    for name, value in expected.items():
        assert values[name] == value, name
    assert at.warning, "a corrected link must say so"
    for name, value in expected.items():  # the URL now holds what is really used
        assert url_value(at, name) == S.to_query(TrainConfig(**{FIELD[name]: value}))[name]


def test_every_bad_value_gets_its_own_note():
    query = {"lr": "0", "epochs": "-1", "batch": "7", "seed": "x", "softmax": "fast"}
    at = open_app(query=query)
    assert not at.exception
    notes = fixed_notes(at)
    assert {name: given for name, (given, _) in notes.items()} == query
    assert len(at.warning) == 1  # one warning, the values in a table of plain text


INJECTIONS = [  # (URL value, what the page must show for it: plain text, cut at 40)
    (
        "0.1`[Sign in again](https://example.invalid/login)",
        "0.1`[Sign in again](https://example.inva…",
    ),
    (
        "<a href='https://example.invalid'>x</a><script>alert(1)</script>",
        "<a href='https://example.invalid'>x</a><…",
    ),
    ("**bold** _it_ [x](javascript:alert(1))", "**bold** _it_ [x](javascript:alert(1))"),
    ("\u202e1.0\u200b", "\\u202e1.0\\u200b"),
]


@pytest.mark.parametrize("value, shown", INJECTIONS)
def test_link_values_are_shown_as_plain_text_never_markdown(value, shown):
    """A crafted ?lr= once closed the warning's code span and rendered a foreign link."""
    at = open_app(query={"lr": value})
    assert not at.exception
    assert fixed_notes(at)["lr"][0] == shown
    rendered = " ".join(
        e.value
        for kind in ("warning", "markdown", "error", "info", "caption")
        for e in getattr(at, kind)
    )
    assert "example.invalid" not in rendered and "javascript:" not in rendered
    assert "\u202e" not in rendered


def test_a_very_long_value_does_not_break_the_page():
    at = open_app(query={"lr": "9" * 5000, "epochs": "1" * 300, "softmax": "x" * 5000})
    assert not at.exception and len(fixed_notes(at)) == 3
    assert all(len(given) <= 41 for given, _ in fixed_notes(at).values())
    assert_allowed(controls(at))
    assert controls(at)["epochs"] == 50 and controls(at)["softmax"] == "naive"


def test_valid_links_give_no_warning_and_unknown_parameters_are_ignored():
    at = open_app(
        query={"lr": "0.10", "epochs": "10.0", "batch": "256", "foo": "bar", "lang": "klingon"}
    )
    assert not at.exception and not at.warning
    assert controls(at)["lr"] == 0.1 and controls(at)["epochs"] == 10
    assert at.session_state["lang"] == "en"


@pytest.mark.parametrize(
    "lang_param, lang", [("zh-CN", "zh"), ("ZH", "zh"), ("", "en"), ("<b>zh</b>", "en")]
)
def test_the_language_parameter_is_normalised(lang_param, lang):
    at = open_app(query={"lang": lang_param})
    assert not at.exception
    assert at.session_state["lang"] == lang
    assert at.title[0].value == t("train.title", lang)


def test_random_garbage_never_escapes_the_allowed_values():
    rng = random.Random(0)
    alphabet = string.printable + "∞−１２³½中文\u00a0\u202e"
    pieces = [
        "",
        "0",
        "-0",
        "1e-400",
        "1e400",
        "nan",
        "inf",
        "-inf",
        "1_000",
        "0b1",
        "1j",
        "+5",
        " 7 ",
        "3.",
        ".5",
        "1e2",
        "naive",
        "stable",
    ]
    for _ in range(2000):
        query = {
            name: rng.choice(pieces)
            if rng.random() < 0.5
            else "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
            for name in ("lr", "epochs", "batch", "seed", "softmax")
            if rng.random() < 0.8
        }
        cfg, notes = S.from_query(query)
        assert_allowed(
            {
                "lr": cfg.lr,
                "epochs": cfg.num_epochs,
                "batch": cfg.batch_size,
                "seed": cfg.seed,
                "softmax": cfg.softmax,
            }
        )
        assert {n for n, _, _ in notes} <= set(query)


# ---- the extremes the sliders allow -------------------------------------------


@needs_data
@pytest.mark.parametrize("lr", [LR_CHOICES[0], LR_CHOICES[-1]])
@pytest.mark.parametrize("softmax", SOFTMAX_CHOICES)
def test_one_epoch_at_either_end_of_the_learning_rate_slider(lr, softmax):
    at = open_app(query={"lr": f"{lr:g}", "epochs": "1", "softmax": softmax})
    at.button(key="train.start").click().run()
    assert not at.exception
    (run,) = at.session_state["runs"]
    assert run.cfg.lr == lr and run.epochs_run == 1
    banner = [e.value for e in at.error if "NaN" in e.value]
    if run.status == "breakdown":
        assert banner and "broke down numerically in epoch 1" in banner[0]
        assert not run.usable
    else:
        assert run.status in ("done", "diverged", "saturated") and run.usable and not banner
    if softmax == "naive" and lr == LR_CHOICES[-1]:
        assert run.status == "breakdown"  # lr = 100 with the book's softmax: inf / inf
        assert run.breakdown.cause == "exp_overflow"
    if lr == LR_CHOICES[0]:
        assert run.status == "done"


# ---- page switches, two students (impatient clicking: tests/e2e) ----------------


@needs_data
def test_runs_survive_page_switches_and_an_interrupted_run_is_kept_as_stopped():
    at = open_app(query={"epochs": "2", "softmax": "stable"})
    at.button(key="train.start").click().run()
    (run,) = at.session_state["runs"]
    assert run.status == "done"
    for page in ("per_class", "overflow", "gallery", "train"):
        at.switch_page(f"lessons/{page}.py").run()
        assert not at.exception, page
        assert len(at.session_state["runs"]) == 1 and at.session_state["runs"][0] is run
    # A page switch in the middle of training ends the script run with the Run
    # still marked 'running'; the next script run must keep it as 'stopped'.
    run.status = "running"
    at.switch_page("lessons/per_class.py").run()
    assert not at.exception
    assert len(at.session_state["runs"]) == 1 and at.session_state["runs"][0] is run
    assert run.status == "stopped"
    assert run.epochs_run == 2 and run.usable
    at.switch_page("lessons/train.py").run()
    assert t("train.stopped", "en", number=1, epochs=2) in texts(at)


@needs_data
def test_two_sessions_are_independent():
    first = open_app(query={"epochs": "1", "lr": "0.3", "softmax": "stable"})
    second = open_app()
    first.button(key="train.start").click().run()
    second.run()
    assert not first.exception and not second.exception
    assert len(first.session_state["runs"]) == 1
    assert "runs" not in second.session_state or second.session_state["runs"] == []
    assert controls(second)["lr"] == 0.1 and controls(second)["epochs"] == 10
    third = open_app(lang="zh")  # another student's language is theirs alone
    first.run()
    assert third.session_state["lang"] == "zh" and first.session_state["lang"] == "en"
    assert first.title[0].value == t("train.title", "en")
    second.slider(key="train.w.epochs").set_value(2).run()
    second.button(key="train.start").click().run()
    first.run()
    (mine,) = first.session_state["runs"]
    (theirs,) = second.session_state["runs"]
    assert mine is not theirs and mine.number == theirs.number == 1
    assert (mine.cfg.lr, mine.cfg.num_epochs) == (0.3, 1)
    assert (theirs.cfg.lr, theirs.cfg.num_epochs) == (0.1, 2)


# ---- no data on the server ------------------------------------------------------


def test_train_without_data_explains_instead_of_failing(no_data):
    at = open_app(query={"epochs": "1"})
    at.button(key="train.start").click().run()
    assert not at.exception
    assert any(e.value == t("data.missing.title", "en") for e in at.error)
    assert not at.session_state["runs"]  # nothing trained, nothing kept
    at.switch_page("lessons/overflow.py").run()
    assert not at.exception and at.title
