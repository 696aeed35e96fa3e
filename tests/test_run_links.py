"""Result pages open on the run a link names (a lesson step's), else on the newest usable
run, and say so when every run broke down; step links preselect what they talk about."""

from __future__ import annotations

import torch
from apptest_helpers import open_app, texts

from lib import lesson as L
from lib.config import TrainConfig
from lib.i18n import t
from lib.runs import Run


def made(run: Run, number: int, cfg: TrainConfig | None = None, broken: bool = False) -> Run:
    """A copy of a trained run under another number and settings, broken down if asked."""
    return Run(
        number=number,
        cfg=cfg or run.cfg,
        history=run.history,
        W=torch.full_like(run.W, float("nan")) if broken else run.W,
        b=run.b,
        status="breakdown" if broken else "done",
    )


def test_a_result_page_opens_on_the_newest_usable_run_not_the_newest(real_data, trained_run):
    at = open_app(page="per_class", runs=[made(trained_run, 1), made(trained_run, 2, broken=True)])
    assert not at.exception
    assert at.selectbox(key="per_class").value == 1
    assert t("run.unusable", "en") not in texts(at)
    assert at.dataframe  # the results of run 1 are shown


def test_when_every_run_broke_down_the_page_says_so(real_data, trained_run):
    at = open_app(page="gallery", runs=[made(trained_run, 1, broken=True)])
    assert not at.exception
    assert t("run.all_broken.one", "en", n=1) in texts(at)
    at = open_app(
        page="gallery",
        lang="zh",
        runs=[made(trained_run, 1, broken=True), made(trained_run, 2, broken=True)],
    )
    assert t("run.all_broken", "zh", n=2) in texts(at)
    assert at.button(key="gallery.train")  # and offers to train one here


def test_step_8_opens_decisions_on_step_4s_run_and_the_medical_preset(real_data, trained_run):
    book = L.BY_ID["train"].config()  # the run step 8 talks about
    other = TrainConfig(num_epochs=2, softmax="stable")
    link = {k: v for k, v in L.link_query(L.BY_ID["decide"], "en").items() if k != "lang"}
    runs = [made(trained_run, 1, book), made(trained_run, 2, other)]  # the other is newer
    at = open_app(page="decisions", query=link, runs=runs)
    assert not at.exception
    assert at.selectbox(key="decisions").value == 1
    assert at.radio(key="decisions.preset.en").value == "medical"
    assert "lr" not in at.query_params and "preset" not in at.query_params  # read once
    at.selectbox(key="decisions").set_value(2).run()  # the student's own choice then holds
    assert at.selectbox(key="decisions").value == 2


def test_a_link_to_a_run_not_trained_yet_offers_to_train_it(real_data, trained_run):
    link = {k: v for k, v in L.link_query(L.BY_ID["decide"], "en").items() if k != "lang"}
    other = made(trained_run, 2, TrainConfig(num_epochs=2, softmax="stable"))
    at = open_app(page="decisions", query=link, runs=[other])
    assert not at.exception
    settings = " · ".join(
        f"{k}={link[k]}" for k in ("lr", "epochs", "batch", "seed", "softmax", "framework")
    )
    assert t("run.linked_missing", "en", settings=settings) in texts(at)
    assert at.button(key="decisions.train").label == t("run.train_linked", "en", epochs=10)
    assert at.selectbox(key="decisions").value == 2  # meanwhile: the run there is


def test_step_5_opens_the_overflow_page_on_exp_50():
    at = open_app(page="overflow")
    at.number_input(key="overflow.x").set_value(100.0).run()
    at.query_params["x"] = "50"  # the step's link, followed later in the same session
    at.run()
    assert not at.exception
    assert at.number_input(key="overflow.x").value == 50.0
    assert "x" not in at.query_params


def test_the_run_picker_names_the_run_in_the_sessions_language(real_data, trained_run):
    at = open_app(page="per_class", lang="zh", runs=[made(trained_run, 1)])
    label = at.selectbox(key="per_class").options[0]
    assert "稳定版" in label and "从零实现" in label and "stable" not in label
    at = open_app(page="per_class", runs=[made(trained_run, 1)])
    assert at.selectbox(key="per_class").options[0].startswith(made(trained_run, 1).name)
