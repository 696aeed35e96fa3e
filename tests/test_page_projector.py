"""The projector view (/class?view=projector&code=CODE) through AppTest: what it shows,
and that no teacher secret or personal link reaches its page, whoever opens it.

"Reaches the page" is read from everything the script sends to the browser: every
element's protobuf in the app's tree (texts, code boxes, HTML, links, tables, charts).
"""

import json

import pytest
from apptest_helpers import has_chinese, open_app
from test_page_class_board import PAGE, TEACH, run, start_class

from lib.charts.projector import Y_DOMAIN
from lib.i18n import t
from lib.projector import Counts, counts_line
from lib.store import Store
from lib.store.values import new_token


def sent(at) -> str:
    """Everything the script run sent to the page, as text."""
    found = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            found.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(found)


def html(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def projector(code: str, lang: str | None = None, **query):
    """A new browser on the projector view of `code` (nobody: not a member, not a teacher)."""
    at = open_app(query={"view": "projector", "code": code, **query}, lang=lang)
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


@pytest.fixture
def store():
    s = Store()
    yield s
    s.close()


@pytest.fixture
def room(store):
    """A teacher (who opened the teacher link box), two students, 3 runs, one broke down."""
    teacher, code, secret = start_class("Period 3")
    ada, eve = new_token(), new_token()  # students who joined (the join page: elsewhere)
    store.join_class(code, ada, "Ada Lovelace")
    store.join_class(code, eve, "Eve Noether")
    for who, r in (
        (ada, run(lr=0.1, acc=0.83)),
        (ada, run(lr=1.0, softmax="naive", status="breakdown", number=2)),
        (eve, run(lr=0.3, acc=0.85)),
    ):
        store.save_run(who, r, class_code=code)
    teacher.toggle(key=f"class_board.show_teach.{code}").set_value(True).run()
    assert secret in sent(teacher)  # the teacher's own board shows it now: `sent` can see it
    return {"teacher": teacher, "code": code, "secret": secret}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_projector_shows_counts_code_qr_and_chart(room, lang):
    at = projector(room["code"], lang)
    page = html(at)
    assert counts_line(Counts(students=2, runs=3, broken=1), lang) in page
    assert f'<p class="sx-proj-code">{room["code"]}</p>' in page
    link = f"/?class={room['code']}"
    assert t("projector.qr", lang, link=link) in page  # the QR code's alt text: the link
    assert 'src="data:image/svg+xml;base64,' in page
    assert f"<h1>{t('projector.title', lang, code=room['code'])}</h1>" in page
    (chart,) = at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == Y_DOMAIN  # fixed axis
    summary = dict(n=3, students=2, acc=0.85, lr="0.3", student="Eve Noether", broken=1)
    assert chart.proto.alt == t("describe.board", lang, **summary)  # the chart's name
    assert t("class_board.refresh", lang, seconds=3) in [c.value for c in at.caption]
    assert has_chinese(page) == (lang == "zh")
    (table,) = [d.value for d in at.dataframe]
    assert len(table) == 3  # the chart's data, one click away
    assert not at.toggle and not at.button  # read-only: no teacher's controls


def test_no_teacher_secret_even_in_the_teachers_own_browser(room):
    """The teacher's session (secret held, teacher link box open, personal link box open)
    turns to the projector view: neither secret reaches the page."""
    at = room["teacher"]
    at.session_state["me.show"] = True  # the sidebar's personal link, switched on
    at.run()
    assert "?me=" in sent(at) and room["secret"] in sent(at)  # on the board: both shown
    at.query_params.update({"view": "projector", "code": room["code"]})
    at.run()
    assert not at.exception
    assert at.session_state[TEACH] == {room["code"]: room["secret"]}  # still the teacher
    everything = sent(at)
    assert room["code"] in everything
    assert room["secret"] not in everything
    assert "teach=" not in everything
    # (AppTest has no cookies, so the identity cookie's script runs on every run here; a
    # real browser's cookie stops it: tests/e2e/test_projector.py checks that page whole)
    assert "?me=" not in everything  # no personal link on the projector
    assert not at.toggle  # no teacher toggle, no personal-link toggle


def test_a_teacher_link_in_the_projectors_address_is_dropped_not_adopted(room):
    secret = f"{room['code']}.{room['secret']}"
    at = projector(room["code"], teach=secret)
    assert room["secret"] not in sent(at)
    assert TEACH not in at.session_state  # not adopted
    at.run()
    assert "teach" not in at.query_params
    assert room["secret"] not in sent(at)


def test_hidden_names_stay_hidden_on_the_projector(room):
    teacher = room["teacher"]
    teacher.query_params.clear()
    teacher.run()
    teacher.toggle(key="class_board.hide").set_value(True).run()
    at = projector(room["code"])
    everything = sent(at)
    assert "Ada Lovelace" not in everything and "Eve Noether" not in everything
    names = set(at.dataframe[0].value[t("class_board.col.student", "en")])
    assert names == {t("class_board.hidden_name", "en", k=k) for k in (1, 2)}


def test_the_teachers_board_has_a_button_to_the_projector(room):
    teacher = room["teacher"]
    (button,) = [
        b for b in teacher.get("link_button") if b.proto.label == t("projector.open", "en")
    ]
    assert button.proto.url.endswith(f"/class?view=projector&code={room['code']}")
    assert room["secret"] not in button.proto.url


def test_a_new_run_changes_the_counts_on_the_next_refresh(room, store):
    at = projector(room["code"])
    late = new_token()
    store.join_class(room["code"], late, "Late")
    store.save_run(late, run(lr=3.0, acc=0.8), class_code=room["code"])
    at.run()
    assert counts_line(Counts(3, 4, 1), "en") in html(at)


@pytest.mark.parametrize(
    "code, message",
    [
        ("", "projector.no_code"),
        ("no!", "class.join.malformed"),
        ("ZZZZZZ", "class.join.unknown"),
    ],
)
def test_a_missing_or_wrong_code_says_so(code, message):
    at = projector(code)
    shown = [e.value for kind in ("info", "error", "warning") for e in getattr(at, kind)]
    assert t(message, "en") in shown
    assert at.title[0].value == t("class_board.title", "en")  # the page keeps its h1
    assert 'class="sx-proj-code"' not in html(at) and not at.get("vega_lite_chart")
