"""Your own image: upload or camera -> preprocessing -> the chosen run's probabilities (AppTest).

Only the tests with a trained run need Fashion-MNIST; the rest run anywhere.
"""

import io

import pytest
import torch
from apptest_helpers import has_chinese, open_app, texts
from PIL import Image, ImageDraw
from streamlit.testing.v1 import AppTest

from lib.metrics import classify

PAGE = "your_image"


def open_page(lang="en", runs=None) -> AppTest:
    return open_app(page=PAGE, lang=lang, runs=runs)


def trouser_photo(fmt="PNG") -> bytes:
    """A dark pair of trousers (two legs) on light paper, as a phone might see it."""
    img = Image.new("RGB", (600, 800), (230, 228, 220))
    d = ImageDraw.Draw(img)
    d.rectangle((200, 100, 400, 250), fill=(30, 30, 60))  # waist
    d.polygon([(200, 250), (290, 250), (280, 720), (190, 720)], fill=(30, 30, 60))
    d.polygon([(310, 250), (400, 250), (410, 720), (320, 720)], fill=(30, 30, 60))
    buffer = io.BytesIO()
    img.save(buffer, fmt)
    return buffer.getvalue()


def upload(at, name, data, mime="image/png"):
    at.file_uploader(key=f"{PAGE}.upload").set_value((name, data, mime))
    return at.run()


def test_classify_is_the_softmax_of_one_image():
    g = torch.Generator().manual_seed(0)
    x, W, b = torch.rand(784, generator=g), torch.randn(784, 10, generator=g), torch.randn(10)
    probs = classify(x.numpy(), W, b)
    assert probs.shape == (10,)
    torch.testing.assert_close(torch.from_numpy(probs), torch.softmax(x @ W + b, dim=0))


def test_before_anything_the_page_asks_for_a_picture():
    at = open_page("en")
    assert not at.exception
    assert "Upload a picture or take a photo" in texts(at)
    assert at.button(key=f"{PAGE}.train")  # no run yet: train here
    assert at.file_uploader(key=f"{PAGE}.upload").allowed_type == [".png", ".jpg", ".jpeg"]
    assert not at.camera_input  # no camera until asked


def test_chinese_page():
    at = open_page("zh")
    assert not at.exception
    assert at.title[0].value == "你自己的图片" and has_chinese(texts(at))
    assert "还没有训练好的模型" in texts(at)


def test_an_upload_without_a_model_shows_the_28x28_input():
    at = upload(open_page("en"), "trousers.png", trouser_photo())
    assert not at.exception and not at.error
    assert len(at.image) == 2  # the photo, the model input
    assert "inverted" in texts(at)
    assert "Train a model (above)" in texts(at)


def flat_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 200, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.png", b"", "The file is empty"),
        ("notes.png", b"these are my notes, not a picture", "not a PNG or JPEG"),
        ("cut.png", trouser_photo()[:3000], "damaged or incomplete"),
        ("flat.jpg", flat_jpeg(), "No object found"),
        ("huge.png", b"\x89PNG" + bytes(6 * 2**20), "The file is 6.0 MB; the limit is 5 MB"),
    ],
)
def test_bad_files_get_a_clear_message(name, data, message):
    at = upload(open_page("en"), name, data)
    assert not at.exception
    assert len(at.error) == 1 and message in at.error[0].value
    assert not at.image


def test_bad_file_message_in_chinese():
    at = upload(open_page("zh"), "notes.png", b"not a picture")
    assert not at.exception
    assert "不是 PNG 或 JPEG 图片" in at.error[0].value


def test_the_camera_is_behind_a_toggle_and_its_photo_is_classified():
    at = open_page("en")
    at.toggle(key=f"{PAGE}.use_camera").set_value(True).run()
    assert not at.exception and at.camera_input and not at.file_uploader
    shot = ("photo.jpg", trouser_photo("JPEG"), "image/jpeg")
    at.camera_input(key=f"{PAGE}.camera").set_value(shot)
    at.run()
    assert not at.exception and len(at.image) == 2


@pytest.mark.parametrize(
    "lang, verdict", [("en", "The model says **trouser**"), ("zh", "模型认为这是 **裤子**")]
)
def test_a_trained_run_recognises_the_trousers(real_data, trained_run, lang, verdict):
    at = upload(open_page(lang, runs=[trained_run]), "trousers.png", trouser_photo())
    assert not at.exception and not at.error
    assert verdict in texts(at)
    assert len(at.image) == 2


def test_a_rerun_does_not_decode_the_same_file_again(monkeypatch):
    import lib.image as image

    calls = []
    real = image.prepare
    monkeypatch.setattr(image, "CACHE", image.LRU(4))
    monkeypatch.setattr(image, "prepare", lambda data: calls.append(1) or real(data))
    at = upload(open_page("en"), "trousers.png", trouser_photo())
    at.run()  # any click reruns the page
    at.run()
    assert not at.exception and len(at.image) == 2
    assert len(calls) == 1


@pytest.mark.parametrize("data", [b"not a picture", None])
def test_a_crafted_file_name_is_never_rendered(data):
    name = "x`[Sign in again](https://example.invalid/login)<b>bold</b>\u202e.png"
    at = upload(open_page("en"), name, trouser_photo() if data is None else data)
    assert not at.exception
    assert "example.invalid" not in texts(at) and "<b>" not in texts(at)
