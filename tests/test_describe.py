"""The text alternatives (lib/describe.py): the figures in them are the chart's own, in
English and in Chinese. Expected figures are computed here from the same inputs with
torch and pandas, never written out by hand."""

import math
import re

import pandas as pd
import pytest
import torch

from lib import describe
from lib.charts.training import curves_table
from lib.decisions import reliability
from lib.i18n import class_names

LANGS = ("en", "zh")
CJK = re.compile(r"[\u4e00-\u9fff]")


def history_frame(test_acc, train_loss, train_acc=None, run="#1") -> pd.DataFrame:
    """The long form lib.runs.long_frame gives the training chart (epoch 0 is the start)."""
    train_acc = train_acc if train_acc is not None else test_acc
    rows = [
        {"run": run, "epoch": e, "metric": m, "value": float(v)}
        for m, values in (
            ("train_loss", train_loss),
            ("train_acc", train_acc),
            ("test_acc", test_acc),
        )
        for e, v in enumerate(values)
    ]
    return pd.DataFrame(rows, columns=["run", "epoch", "metric", "value"])


@pytest.fixture
def curves():
    g = torch.Generator().manual_seed(22)
    acc = torch.sort(torch.rand(11, generator=g)).values  # rising: 11 points, epochs 0..10
    loss = torch.sort(torch.rand(11, generator=g) * 3, descending=True).values
    return acc.tolist(), loss.tolist()


def test_training_says_where_accuracy_and_loss_started_and_ended(curves):
    acc, loss = curves
    text = describe.training(history_frame(acc, loss), "en")
    assert f"test accuracy rose from {acc[0]:.2f} to {acc[-1]:.2f} in 10 epochs" in text
    assert f"loss fell from {loss[0]:.2f} to {loss[-1]:.2f}" in text
    zh = describe.training(history_frame(acc, loss), "zh")
    assert f"10 个迭代周期内测试精度从 {acc[0]:.2f} 升到 {acc[-1]:.2f}" in zh
    assert f"损失从 {loss[0]:.2f} 降到 {loss[-1]:.2f}" in zh


def test_training_follows_the_chart_as_it_grows(curves):
    acc, loss = curves
    for epochs in (1, 4, 10):
        text = describe.training(history_frame(acc[: epochs + 1], loss[: epochs + 1]), "en")
        unit = "1 epoch" if epochs == 1 else f"{epochs} epochs"
        assert f"to {acc[epochs]:.2f} in {unit};" in text


def test_one_run_and_one_epoch_are_said_in_the_singular(curves):
    acc, loss = curves
    one = describe.compare(history_frame(acc[:2], loss[:2], run="#7"), "en")
    assert one == f"1 run, final test accuracy: #7: {acc[1]:.2f} after 1 epoch."
    frame = pd.DataFrame([{"student": "Ada", "lr": 0.1, "test_acc": 0.8123, "broke_down": False}])
    assert describe.board(frame, "en") == (
        "Test accuracy against learning rate for 1 run of 1 student: 0.8123 at lr 0.1 (Ada)."
    )
    broken = frame.assign(test_acc=float("nan"), broke_down=True)
    assert describe.board(broken, "en") == (
        "1 run on the board; it broke down and has no test accuracy."
    )
    assert " 1 runs" not in describe.board(pd.concat([frame, broken]), "en")


def test_training_names_a_breakdown_and_a_flat_curve():
    text = describe.training(history_frame([0.1, 0.1, 0.1], [2.3, math.nan, math.inf]), "en")
    assert "test accuracy stayed at 0.10" in text and "loss became inf or NaN" in text
    zh = describe.training(history_frame([0.1, 0.1, 0.1], [2.3, math.nan, math.inf]), "zh")
    assert "测试精度保持在 0.10" in zh and "损失变成了 inf 或 NaN" in zh


def test_compare_lists_each_runs_last_accuracy_best_first(curves):
    acc, loss = curves
    worse = [a / 2 for a in acc]
    long = pd.concat(
        [
            history_frame(worse, loss, run="#1 lr 0.01"),
            history_frame(acc, loss, run="#2 lr 0.1"),
            history_frame([0.1, math.nan], loss[:2], run="#3 lr 10"),
        ]
    )
    text = describe.compare(long, "en")
    assert text.startswith("3 runs overlaid")
    best, second = f"#2 lr 0.1: {acc[-1]:.2f}", f"#1 lr 0.01: {worse[-1]:.2f}"
    assert text.index(best) < text.index(second) < text.index("#3 lr 10: inf or NaN")
    assert f"#2 lr 0.1：10 个迭代周期后 {acc[-1]:.2f}" in describe.compare(long, "zh")


def test_curves_table_holds_every_point_of_the_chart(curves):
    acc, loss = curves
    long = history_frame(acc, loss)
    for lang in LANGS:
        table = curves_table(long, lang)
        assert len(table) == len(acc) and table.shape[1] == 4  # epoch + three curves
        assert table.iloc[:, 3].tolist() == pytest.approx(acc)  # test acc, the last curve
        assert table.iloc[:, 1].tolist() == pytest.approx(loss)
    two = curves_table(pd.concat([long, history_frame(acc, loss, run="#2")]), "en")
    assert len(two) == 2 * len(acc) and list(two.columns[:2]) == ["run", "epoch"]


def test_confusion_names_the_right_ones_and_the_top_mistake():
    C = torch.randint(0, 50, (10, 10), generator=torch.Generator().manual_seed(1))
    C.fill_diagonal_(900)
    off = C.clone().fill_diagonal_(-1)
    i, j = divmod(int(off.argmax()), 10)
    for lang in LANGS:
        names = class_names(lang)
        text = describe.confusion(C, names, lang)
        assert f"{int(C.sum()):,}" in text and f"{int(torch.trace(C)):,}" in text
        assert names[i] in text and names[j] in text and f"{int(C[i, j]):,}" in text
        assert text.index(names[i]) < text.index(names[j])  # true class first


def test_probabilities_give_the_two_most_likely_and_the_true_class():
    probs = torch.softmax(torch.randn(10, generator=torch.Generator().manual_seed(3)), 0)
    top = torch.topk(probs, 2)
    true = int(torch.argmin(probs))
    for lang in LANGS:
        names = class_names(lang)
        text = describe.probabilities(probs.tolist(), names, lang, true_class=true)
        first, second = (int(k) for k in top.indices)
        assert f"{names[first]} {describe.pct(float(top.values[0]), lang, 1)}" in text
        assert f"{names[second]} {describe.pct(float(top.values[1]), lang, 1)}" in text
        assert f"{names[true]}" in text and describe.pct(float(probs[true]), lang, 1) in text


def test_gallery_image_reads_like_its_caption():
    en, zh = class_names("en"), class_names("zh")
    assert (
        describe.gallery_image(en[9], en[9], 0.97, "en") == "ankle boot, predicted ankle boot, 97 %"
    )
    assert (
        describe.gallery_image(zh[9], zh[7], 0.514, "zh") == f"{zh[9]}，预测为{zh[7]}（错误），51%"
    )


def test_class_accuracy_names_the_lowest_and_highest_class():
    g = torch.Generator().manual_seed(5)
    table = pd.DataFrame(
        {"name": class_names("en"), "accuracy": torch.rand(10, generator=g).tolist()}
    )
    low, high = table["accuracy"].idxmin(), table["accuracy"].idxmax()
    overall = float(table["accuracy"].mean())
    text = describe.class_accuracy(table, overall, "en")
    assert f"lowest {table.name[low]} {100 * table.accuracy[low]:.1f} %" in text
    assert f"highest {table.name[high]} {100 * table.accuracy[high]:.1f} %" in text
    assert f"overall {100 * overall:.1f} %" in text


def test_reliability_points_at_the_bin_with_the_largest_gap():
    g = torch.Generator().manual_seed(7)
    probs = torch.softmax(3 * torch.randn(2000, 10, generator=g), dim=1)
    y = torch.randint(0, 10, (2000,), generator=g)
    table = reliability(probs, y, 10)
    used = table[table["count"] > 0]
    row = used.loc[(used["confidence"] - used["accuracy"]).abs().idxmax()]
    for lang in LANGS:
        text = describe.reliability(table, lang)
        assert f"({row['lower']:.2f}, {row['upper']:.2f}]" in text
        assert f"{row['confidence']:.3f}" in text and f"{row['accuracy']:.3f}" in text


def test_maps_say_what_the_picture_is():
    for lang in LANGS:
        text = describe.class_maps("weights", class_names(lang), lang)
        assert "28×28" in text and all(name in text for name in class_names(lang))


@pytest.mark.parametrize("n", range(1, 41))
def test_progress_is_announced_at_most_three_times_never_at_the_end(n):
    marks = describe.announce_epochs(n)
    assert marks == sorted(set(marks)) and len(marks) <= 3
    assert all(0 < m < n for m in marks)
    if n >= 4:
        assert len(marks) == 3 and marks[1] == math.ceil(n / 2)


def test_every_text_has_its_language():
    names = class_names("zh")
    zh = [
        describe.gallery_image(names[0], names[0], 0.5, "zh"),
        describe.training_image(names[0], 1, 8, "zh"),
        describe.input_image("zh"),
        describe.upload_image("zh"),
        describe.class_maps("grad", names, "zh"),
    ]
    assert all(CJK.search(text) for text in zh)
    assert not CJK.search(describe.class_maps("grad", class_names("en"), "en"))
