"""Per-class accuracy: the table and charts from lib, and the page through AppTest."""

import pytest
import torch
from apptest_helpers import has_chinese, open_app, texts
from streamlit.testing.v1 import AppTest

from lib.charts.classes import accuracy_chart, confusion_chart, confusion_frame
from lib.i18n import class_names
from lib.metrics import class_table, confusion_matrix, predict, predict_test_set
from lib.runs import Run

EN, ZH = class_names("en"), class_names("zh")

PAGE = "per_class"


def open_page(lang="en", runs=None) -> AppTest:
    return open_app(page=PAGE, lang=lang, runs=runs)


# ---- lib --------------------------------------------------------------------


def made_up_C():
    """100 right per class; shirts taken for T-shirts (60) and pullovers (40),
    coats for pullovers (30)."""
    C = torch.eye(10, dtype=torch.int64) * 100
    C[6, 0], C[6, 2], C[4, 2] = 60, 40, 30
    return C


def test_class_table_is_sorted_hardest_first_with_both_names():
    table = class_table(made_up_C(), ZH, also=EN)
    assert table["also"].tolist()[:3] == ["shirt", "coat", "t-shirt"]
    assert table["name"].tolist()[:3] == ["衬衫", "外套", "T恤"]
    assert table["accuracy"].tolist()[:3] == pytest.approx([0.5, 100 / 130, 1.0])
    assert table["count"].tolist()[:3] == [200, 130, 100]
    assert table["confused_with"].tolist()[:2] == ["T恤", "套衫"]
    assert table["confused_with"][2:].isna().all()  # never wrong: no name
    assert table["confused_count"].tolist()[:3] == [60, 30, 0]
    assert class_table(made_up_C(), EN)["confused_with"][0] == "t-shirt"


def test_class_table_on_a_real_run_matches_plain_counting(real_data, trained_run):
    pred = predict_test_set(trained_run.W, trained_run.b, real_data)
    direct = predict(trained_run.W, trained_run.b, real_data.X_test, real_data.y_test)
    assert torch.equal(pred.y_pred, direct.y_pred)
    table = class_table(confusion_matrix(pred.y, pred.y_pred), EN).set_index("class")
    for k in range(10):
        mine = pred.y == k
        assert table.loc[k, "count"] == int(mine.sum()) == 1000
        right = float((pred.y_pred[mine] == k).float().mean())
        assert table.loc[k, "accuracy"] == pytest.approx(right)
    assert table["accuracy"].is_monotonic_increasing


def test_confusion_chart_has_every_cell_and_translated_axes():
    C = made_up_C()
    df = confusion_frame(C, ZH)
    assert len(df) == 100 and df["images"].sum() == int(C.sum())
    cell = df[(df.true == "衬衫") & (df.predicted == "T恤")]
    assert cell["images"].item() == 60 and cell["share"].item() == pytest.approx(0.3)
    spec = str(confusion_chart(C, ZH, "zh").to_dict())
    assert "真实标签" in spec and "预测标签" in spec and "true label" not in spec
    table = class_table(torch.eye(10, dtype=torch.int64) * 100, EN)
    assert "overall accuracy" in str(accuracy_chart(table, 1.0, "en").to_dict())


# ---- the page -----------------------------------------------------------------


def test_missing_data_shows_the_fix_not_a_traceback(no_data):
    at = open_page("en")
    assert not at.exception
    assert "not available" in texts(at) and "FASHION_MNIST_ROOT" in texts(at)
    assert not at.dataframe and not at.button


@pytest.mark.parametrize(
    "lang, prompt", [("en", "No trained model yet"), ("zh", "还没有训练好的模型")]
)
def test_prompt_then_train_here_then_the_table(real_data, lang, prompt):
    at = open_page(lang)
    assert not at.exception
    assert prompt in texts(at) and not at.dataframe
    at.button(key=f"{PAGE}.train").click().run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 10 and table["accuracy"].is_monotonic_increasing
    assert "confused_with" in table.columns
    shown = texts(at)
    assert ("Overall test accuracy" in shown) == (lang == "en")
    assert ("总体测试精度" in shown) == (lang == "zh")


def test_chinese_page_with_a_run(real_data, trained_run):
    at = open_page("zh", runs=[trained_run])
    assert not at.exception
    assert at.title[0].value == "各类别的分类精度"
    table = at.dataframe[0].value
    assert set(table["name"]) == {
        "T恤",
        "裤子",
        "套衫",
        "连衣裙",
        "外套",
        "凉鞋",
        "衬衫",
        "运动鞋",
        "包",
        "短靴",
    }
    assert set(table["also"]) == set(EN)  # and the other language
    assert has_chinese("".join(table["confused_with"]))  # names in the session language
    assert "最难的类别：**" + table["name"][0] in texts(at)


def test_a_broken_down_run_is_refused_with_a_warning(real_data, trained_run):
    bad = Run(
        number=2,
        cfg=trained_run.cfg,
        history=trained_run.history,
        W=torch.full_like(trained_run.W, float("nan")),
        b=trained_run.b,
        status="breakdown",
    )
    at = open_page("en", runs=[bad])
    assert not at.exception
    assert "broke down" in " ".join(w.value for w in at.warning)
    assert not at.dataframe
