"""The lr sweep: one stacked run of every loss at every lr, its table, and the lesson step."""

import math

import pytest
import torch
from apptest_helpers import has_chinese, open_app
from helpers import synthetic

from lib import describe
from lib import lr_sweep as S
from lib.charts.lr_sweep import sweep_chart, sweep_frame
from lib.softmax import EPS
from lib.trainers import train


@pytest.fixture(scope="module")
def table():
    return S.sweep_table(synthetic(), num_epochs=2)


def test_one_row_per_loss_and_lr_with_each_runs_own_last_epoch(table):
    assert len(table) == len(S.VARIANTS) * len(S.LRS)
    assert list(table.softmax.unique()) == list(S.VARIANTS) and sorted(set(table.lr)) == list(S.LRS)
    data = S.sweep_slice(synthetic())
    for _, r in table[table.lr == 1.0].iterrows():  # the same run trained alone
        cfg = S.sweep_configs(num_epochs=2)[S.VARIANTS.index(r.softmax) * len(S.LRS) + 2]
        last = list(train(cfg, data))[-1]
        assert r.epochs_run == last.epoch
        assert r.test_acc == pytest.approx(last.test_acc, abs=0.01)
        if not last.broke_down:
            assert r.w_norm == pytest.approx(float(torch.linalg.norm(last.W)), rel=1e-4)
            O = (data.X_train.reshape(-1, 784) @ last.W + last.b).double()
            P = torch.softmax(O, dim=1)
            assert r.sure == pytest.approx(
                float((P.max(1).values > S.SURE).double().mean()), abs=0.01
            )
            p_true = P[torch.arange(len(data.y_train)), data.y_train]
            assert r.below_eps == pytest.approx(float((p_true < EPS).double().mean()), abs=0.01)


def test_the_naive_loss_breaks_where_stable_and_clamp_do_not_and_stable_w_grows_with_lr(table):
    naive, stable = table[table.softmax == "naive"], table[table.softmax == "stable"]
    assert naive.breakdown_epoch.notna().any()
    assert table[table.softmax != "naive"].breakdown_epoch.isna().all()  # no NaN ever
    norms = stable.sort_values("lr").w_norm.tolist()
    assert norms == sorted(norms) and norms[-1] > 10 * norms[0]
    found = S.findings(table)
    first = naive[naive.breakdown_epoch.notna()].lr.min()
    assert found["naive_lr"] == first
    assert found["stable_per_lr"] == pytest.approx(norms[-1] / max(S.LRS))
    assert found["at_1"]["clamp"]["softmax"] == "clamp"


def test_chart_table_and_alt_text_come_from_the_sweep(table):
    sweep_chart(table, "en").to_dict()  # validated by Altair
    frame = sweep_frame(table, "zh")
    assert len(frame) == len(table) and "‖W‖" in frame.columns
    text = describe.lr_sweep(table, "en")
    stable = table[table.softmax == "stable"]
    assert f"{stable.w_norm.max():.4g}" in text
    assert has_chinese(describe.lr_sweep(table, "zh"))


@pytest.fixture(scope="module")
def real_table(real_data):
    """The page's sweep (its settings), computed here: the figures its text must quote."""
    return S.sweep_table(real_data, **S.PAGE)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_lesson_step_runs_the_sweep_and_quotes_its_figures(real_table, lang):
    at = open_app(page="lesson", lang=lang)
    at.button(key="lesson.sweep.run").click().run()
    assert not at.exception
    table = real_table
    found = S.findings(table)
    text = " ".join(box.value for box in at.info)
    assert f"{found['stable_w_norm']:.0f}" in text and f"{found['stable_per_lr']:.1f}" in text
    assert f"{found['at_1']['clamp']['test_acc']:.3f}" in text
    if found["naive_lr"] is not None:
        assert f"{found['naive_lr']:g}" in text
    names = [c.proto.alt for c in at.get("vega_lite_chart")]
    assert any(describe.lr_sweep(table, lang) == name for name in names), names
    assert not math.isnan(found["stable_sure"])
