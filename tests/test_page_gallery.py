"""Prediction gallery: filters, pages, pixels and charts from lib, and the page via AppTest."""

import altair as alt
import numpy as np
import pytest
import torch
from apptest_helpers import has_chinese, open_app, texts
from streamlit.testing.v1 import AppTest

from lib.charts.gallery import (
    probability_chart,
    probability_frame,
    templates_chart,
    templates_frame,
)
from lib.gallery import RIGHT_RGB, WRONG_RGB, num_pages, page_of, pick_images, pixels
from lib.i18n import class_names
from lib.metrics import Predictions, predict

CLASS_NAMES_EN, ZH = class_names("en"), class_names("zh")

PAGE = "gallery"


def open_page(lang="en", runs=None) -> AppTest:
    return open_app(page=PAGE, lang=lang, runs=runs)


def trained_run_pred(run, data):
    return predict(run.W, run.b, data.X_test, data.y_test)


def made_up_predictions(n=500, seed=0):
    g = torch.Generator().manual_seed(seed)
    probs = torch.softmax(torch.randn(n, 10, generator=g) * 3, dim=1)
    return Predictions(probs, probs.argmax(dim=1), torch.randint(0, 10, (n,), generator=g))


# ---- lib --------------------------------------------------------------------


def test_pick_images_filters_like_plain_python():
    pred = made_up_predictions()
    y, y_pred = pred.y.tolist(), pred.y_pred.tolist()
    cases = [
        dict(),
        dict(wrong_only=True),
        dict(true_class=3),
        dict(pred_class=5),
        dict(wrong_only=True, true_class=6, pred_class=0),
    ]
    for f in cases:
        expected = [
            i
            for i in range(len(y))
            if (not f.get("wrong_only") or y[i] != y_pred[i])
            and f.get("true_class", y[i]) == y[i]
            and f.get("pred_class", y_pred[i]) == y_pred[i]
        ]
        assert pick_images(pred, **f).tolist() == expected
    assert len(pick_images(pred, true_class=3, pred_class=3, wrong_only=True)) == 0


def test_shuffle_is_a_seeded_permutation_of_the_same_images():
    pred = made_up_predictions()
    plain = pick_images(pred, wrong_only=True)
    a, b, c = (pick_images(pred, wrong_only=True, seed=s) for s in (1, 1, 2))
    assert sorted(a.tolist()) == plain.tolist() and a.tolist() != plain.tolist()
    assert a.tolist() == b.tolist() and a.tolist() != c.tolist()


def test_pages_cover_every_image_once_and_clamp():
    indices = np.arange(50)
    assert num_pages(50, 24) == 3 and num_pages(48, 24) == 2 and num_pages(0, 24) == 1
    pages = [page_of(indices, p, 24) for p in (1, 2, 3)]
    assert np.concatenate(pages).tolist() == list(range(50)) and len(pages[2]) == 2
    assert page_of(indices, 9, 24).tolist() == [48, 49] and page_of(indices, 0, 24).tolist()[0] == 0


def test_pixels_are_blocky_uint8_with_a_coloured_frame():
    x = torch.linspace(0, 1, 784)
    img = pixels(x, 3)
    assert img.shape == (84, 84) and img.dtype == np.uint8
    assert img[0, 0] == img[2, 2] == 0 and img[-1, -1] == 255  # each pixel a 3×3 block
    framed = pixels(x, 4, WRONG_RGB)
    assert framed.shape == (112, 112, 3)
    assert tuple(framed[0, 50]) == WRONG_RGB and tuple(framed[50, -1]) == WRONG_RGB
    assert tuple(framed[50, 50]) == (img[37, 37],) * 3 and RIGHT_RGB != WRONG_RGB


def test_probability_frame_marks_prediction_and_true_label():
    probs = np.array([0.05, 0.6, 0.05, 0.2, 0.02, 0.02, 0.02, 0.02, 0.01, 0.01])
    df = probability_frame(probs, CLASS_NAMES_EN, "en", true_class=3)
    assert df["role_key"].tolist()[:4] == ["other", "pred", "other", "true"]
    assert df["class"][1] == "trouser"
    assert probability_frame(probs, ZH, "zh", true_class=1)["role_key"][1] == "both"
    spec = str(probability_chart(probs, ZH, "zh", true_class=3).to_dict())
    assert (
        "概率" in spec
        and "真实标签" in spec
        and "probability" not in spec.replace("'probability", "")
    )


def test_templates_frame_puts_each_weight_at_its_pixel():
    W = torch.randn(784, 10, generator=torch.Generator().manual_seed(0))
    df = templates_frame(W.numpy(), CLASS_NAMES_EN)
    assert len(df) == 7840
    for cls, name, r, c in [(0, "t-shirt", 0, 0), (1, "trouser", 5, 17), (9, "ankle boot", 27, 3)]:
        row = df[(df["class"] == name) & (df.row == r) & (df.col == c)]
        assert row["weight"].item() == pytest.approx(float(W[r * 28 + c, cls]), abs=1e-4)
    with alt.data_transformers.disable_max_rows():  # 7,840 cells > 5,000
        spec = templates_chart(W.numpy(), ZH, "zh").to_dict()
    assert "权重" in str(spec) and spec["columns"] == 5


# ---- the page -----------------------------------------------------------------


def captions(at):
    return [c.value for c in at.caption if "/" in c.value]


def shown_indices(at):
    """The test-set indices on the current page, from the close-up picker's options."""
    options = at.selectbox(key="gallery.chosen").options  # "test image #123: coat → shirt"
    return [int(o.split("#")[1].replace("：", ":").split(":")[0]) for o in options]


def test_missing_data_shows_the_fix_not_a_traceback(no_data):
    at = open_page("zh")
    assert not at.exception
    assert "本服务器上没有可用的 Fashion-MNIST 数据集" in texts(at)
    assert not at.image


@pytest.mark.parametrize(
    "lang, prompt", [("en", "No trained model yet"), ("zh", "还没有训练好的模型")]
)
def test_prompt_before_a_run(real_data, lang, prompt):
    at = open_page(lang)
    assert not at.exception and prompt in texts(at)
    assert at.button(key=f"{PAGE}.train") and not at.image


def test_train_here_then_the_gallery(real_data):
    at = open_page("en")
    at.button(key=f"{PAGE}.train").click().run()
    assert not at.exception
    assert len(captions(at)) == 24 and len(at.image) == 24 + 1  # the grid and the close-up


def test_chinese_gallery_with_a_run(real_data, trained_run):
    at = open_page("zh", runs=[trained_run])
    assert not at.exception
    assert at.title[0].value == "预测图库"
    assert all(c.startswith(("真实：", ":red[:material/cancel: 真实：")) for c in captions(at))
    assert has_chinese(at.selectbox(key="gallery.true").options[0])
    assert "W 学到了什么" in texts(at)


def test_filters_pages_and_the_empty_message(real_data, trained_run):
    at = open_page("en", runs=[trained_run])
    first = captions(at)
    assert len(first) == 24
    assert any(":red[" in c for c in first) and any(":red[" not in c for c in first)

    at.toggle(key="gallery.wrong").set_value(True).run()
    wrong = captions(at)
    assert not at.exception and len(wrong) == 24
    assert all(c.startswith(":red[:material/cancel:") for c in wrong)
    assert at.error and "Wrong: the model says" in at.error[0].value

    at.selectbox(key="gallery.true").set_value(6).run()  # shirts taken for something else
    assert all("true: shirt /" in c for c in captions(at))
    page1 = shown_indices(at)
    at.number_input(key="gallery.page").set_value(2).run()
    page2 = shown_indices(at)
    assert not at.exception and len(page2) == 24 and not set(page1) & set(page2)
    assert page1 == sorted(page1) and page1[-1] < page2[0]  # in test-set order
    at.selectbox(key="gallery.chosen").set_value(page2[5]).run()  # a closer look
    pred = trained_run_pred(trained_run, real_data)
    assert f"the model says **{CLASS_NAMES_EN[int(pred.y_pred[page2[5]])]}**" in at.error[0].value

    rare = min(
        (n, k)
        for k in range(10)  # a short list: 1 page
        if (n := int(((pred.y == 6) & (pred.y_pred == k)).sum())) and k != 6
    )
    assert rare[0] <= 24
    at.selectbox(key="gallery.pred").set_value(rare[1]).run()  # page 2 no longer exists
    assert not at.exception and at.number_input(key="gallery.page").value == 1
    assert len(shown_indices(at)) == rare[0]

    at.selectbox(key="gallery.pred").set_value(6).run()  # wrong AND shirt -> shirt: none
    assert not at.exception
    assert "No test image matches" in texts(at) and not captions(at)
    assert "What W learned" in texts(at)  # the templates stay

    at.selectbox(key="gallery.pred").set_value(None).run()  # loosened: images again
    assert not at.exception and len(captions(at)) == 24


def test_shuffle_changes_the_images_and_in_order_restores_them(real_data, trained_run):
    at = open_page("en", runs=[trained_run])
    ordered = shown_indices(at)
    assert ordered == list(range(24))
    at.button(key="gallery.shuffle").click().run()
    assert not at.exception and shown_indices(at) != ordered
    at.button(key="gallery.order").click().run()
    assert shown_indices(at) == ordered
