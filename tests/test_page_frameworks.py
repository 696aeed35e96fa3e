"""The Train page with each framework through AppTest: the run, its name, its code, the overlay.

MindSpore's cases skip without MindSpore, and fail instead with REQUIRE_MINDSPORE=1.
"""

import pytest
from apptest_helpers import open_app
from conftest import require

from lib.trainers import FRAMEWORKS, framework_available

OWN_CODE = {
    "scratch": "lib.trainers.scratch.train_scratch",
    "concise": "lib.trainers.concise.train_concise",
    "mindspore": "lib.trainers.mindspore.train_mindspore",
}
# The book's minibatch loop (its train_epoch_ch3), written in the from-scratch
# section and reused by the concise one, as the book does.
SHARED = {"concise": {"lib.trainers.scratch.train_epoch"}}


def needs(framework: str) -> None:
    if not framework_available(framework):
        require(
            framework, f"{framework} is not importable; pip install -r requirements-mindspore.txt"
        )


def shown(at) -> list[str]:
    return at.session_state["_shown_code"]


@pytest.mark.parametrize("framework", list(FRAMEWORKS))
def test_two_epochs_with_each_framework(real_data, framework):
    needs(framework)
    at = open_app(query={"framework": framework, "epochs": "2"})
    assert not at.exception and not at.warning
    assert at.radio(key="train.w.framework.en").value == framework
    at.button(key="train.start").click().run()
    assert not at.exception
    [run] = at.session_state["runs"]
    assert run.cfg.framework == framework and run.status == "done"
    assert [h["epoch"] for h in run.history] == [0, 1, 2]
    assert framework in run.name
    assert shown(at)[0] == OWN_CODE[framework]
    others = [name.rsplit(".", 1)[0] + "." for fw, name in OWN_CODE.items() if fw != framework]
    borrowed = [name for name in shown(at) if name.startswith(tuple(others))]
    assert set(borrowed) <= SHARED.get(framework, set())
    sources = "\n".join(str(c.value) for c in at.code)
    assert f"def {OWN_CODE[framework].rsplit('.', 1)[1]}(" in sources


@pytest.mark.parametrize("framework", list(FRAMEWORKS))
def test_the_code_follows_the_chosen_framework_before_any_run(framework):
    needs(framework)
    at = open_app(query={"framework": framework})
    assert not at.exception
    assert shown(at)[0] == OWN_CODE[framework]


def test_the_overlay_compares_one_run_of_each_framework(real_data):
    for framework in FRAMEWORKS:
        needs(framework)
    at = open_app(query={"epochs": "1"})
    for framework in FRAMEWORKS:
        at.radio(key="train.w.framework.en").set_value(framework).run()
        at.button(key="train.start").click().run()
        assert not at.exception
    runs = at.session_state["runs"]
    assert [r.cfg.framework for r in runs] == list(FRAMEWORKS)
    assert all(r.status == "done" for r in runs)
    [overlay] = [m for m in at.multiselect if (m.key or "").startswith("train.compare")]
    assert overlay.value == [r.name for r in runs]  # all three on one chart
    assert len(at.get("vega_lite_chart")) >= 2  # the live chart and the overlay
    accuracies = [r.history[-1]["test_acc"] for r in runs]
    assert max(accuracies) - min(accuracies) < 0.01  # the same model, the same data


def test_chinese_labels_for_the_frameworks():
    at = open_app(lang="zh")
    assert not at.exception
    radio = at.radio(key="train.w.framework.zh")
    assert "PyTorch 从零实现" in radio.options
