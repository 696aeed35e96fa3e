"""lib/image.py: a photo made Fashion-MNIST-like, and every bad file refused clearly."""
import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw

from lib.i18n import LANGS, STRINGS, t
from lib.image import (CANVAS, MAX_BYTES, OBJECT_SIZE, ImageError, center_on_canvas,
                       crop_to_object, dark_background, preprocess)


def encode(img: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, fmt, **kw)
    return buffer.getvalue()


def photo(size=(400, 300), box=(20, 30, 120, 250), bg="white", fg=(40, 40, 40), mode="RGB"):
    """A plain background with one filled rectangle (the 'object'), off-centre."""
    img = Image.new(mode, size, bg)
    ImageDraw.Draw(img).rectangle(box, fill=fg)
    return img


def bbox(x, level=0.5):
    """(top, bottom, left, right) of the pixels above `level` on the 28×28 canvas."""
    rows, cols = np.nonzero(x.reshape(CANVAS, CANVAS) > level)
    return rows.min(), rows.max(), cols.min(), cols.max()


def error_key(data: bytes) -> str:
    with pytest.raises(ImageError) as info:
        preprocess(data)
    return info.value.key


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height pixels (a decompression bomb's shape)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)      # 8-bit grey
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b""))
            + chunk(b"IEND", b""))


def test_dark_object_on_light_png_is_inverted_cropped_and_centred():
    p = preprocess(encode(photo()))
    assert p.x.shape == (784,) and p.x.dtype == np.float32
    assert 0.0 <= p.x.min() and p.x.max() <= 1.0 and p.x.max() > 0.9
    assert p.inverted
    top, bottom, left, right = bbox(p.x)
    assert bottom - top + 1 == pytest.approx(OBJECT_SIZE, abs=1)    # the taller side fills 24 px
    assert right - left + 1 == pytest.approx(OBJECT_SIZE * 101 / 221, abs=1.5)  # aspect kept
    assert (top + bottom) / 2 == pytest.approx(13.5, abs=1)          # centred, although the
    assert (left + right) / 2 == pytest.approx(13.5, abs=1)          # object sat top-left
    corners = p.x.reshape(28, 28)[[0, 0, -1, -1], [0, -1, 0, -1]]
    assert corners.max() == 0.0                                       # black background


def test_light_background_jpeg_is_inverted_dark_background_is_not():
    light = preprocess(encode(photo(bg=(235, 230, 220), fg=(90, 60, 40)), "JPEG", quality=90))
    assert light.inverted and light.x.max() > 0.9
    dark = preprocess(encode(photo(bg="black", fg=(220, 220, 220)), "JPEG", quality=90))
    assert not dark.inverted and dark.x.max() > 0.9
    assert bbox(light.x) == pytest.approx(bbox(dark.x), abs=1)        # same shape either way


def test_wide_object_keeps_its_aspect_ratio():
    p = preprocess(encode(photo(size=(500, 500), box=(50, 200, 449, 299))))  # 400 × 100
    top, bottom, left, right = bbox(p.x)
    assert right - left + 1 == pytest.approx(OBJECT_SIZE, abs=1)
    assert bottom - top + 1 == pytest.approx(OBJECT_SIZE / 4, abs=1.5)


def test_transparent_background_counts_as_paper():
    img = photo(bg=(0, 0, 0, 0), fg=(30, 30, 30, 255), mode="RGBA")
    p = preprocess(encode(img))
    assert p.inverted and p.x.max() > 0.9


def test_exif_rotation_of_a_phone_photo_is_applied():
    img = photo(size=(400, 300), box=(100, 120, 299, 179))            # stored wide (200 × 60)
    exif = Image.Exif()
    exif[0x0112] = 6                                                  # "rotate 90° to view"
    p = preprocess(encode(img, "JPEG", exif=exif.tobytes()))
    top, bottom, left, right = bbox(p.x)
    assert bottom - top > right - left                                # shown tall


def test_steps_one_by_one():
    gray = np.full((50, 80), 0.9, dtype=np.float32)
    gray[10:20, 30:60] = 0.1
    flipped, inverted = dark_background(gray)
    assert inverted
    assert flipped[0, 0] == pytest.approx(0.1) and flipped[15, 40] == pytest.approx(0.9)
    obj = crop_to_object(flipped)
    assert obj.shape == (10, 30) and obj.max() == pytest.approx(1.0)
    canvas = center_on_canvas(obj)
    assert canvas.shape == (28, 28)
    assert bbox(canvas) == (9, 17, 0, 27)                             # 9 × 28, in the middle


@pytest.mark.parametrize("i", range(6))
def test_a_fashion_mnist_image_survives_the_round_trip(real_data, i):
    """A test image blown up to 280×280 comes back as itself (up to a 1-px shift)."""
    x = real_data.X_test[i].numpy()
    big = Image.fromarray(np.uint8(x.reshape(28, 28) * 255)).resize((280, 280), Image.NEAREST)
    for data, inverted in ((big, False), (Image.eval(big, lambda v: 255 - v), True)):
        p = preprocess(encode(data))
        assert p.inverted == inverted
        back = p.x.reshape(28, 28)
        best = max(np.corrcoef(np.roll(back, (dy, dx), (0, 1)).ravel(), x)[0, 1]
                   for dy in (-1, 0, 1) for dx in (-1, 0, 1))
        assert best > 0.97


@pytest.mark.parametrize("data, key", [
    (b"", "your_image.err.empty"),
    (b"just some text, not a picture\n" * 10, "your_image.err.not_image"),
    (np.random.default_rng(0).bytes(5000), "your_image.err.not_image"),
    (b"\x89PNG\r\n\x1a\n" + bytes(MAX_BYTES), "your_image.err.too_big"),
    (png_claiming(100_000, 100_000), "your_image.err.too_many_pixels"),   # 10 gigapixels
    (png_claiming(7_000, 7_000), "your_image.err.too_many_pixels"),       # 49 megapixels
])
def test_bad_bytes_raise_one_clear_error(data, key):
    assert error_key(data) == key


def test_truncated_png_and_jpeg_are_corrupt():
    png = encode(photo())
    jpeg = encode(photo(), "JPEG")
    assert error_key(png[: len(png) // 2]) == "your_image.err.corrupt"
    assert error_key(jpeg[:600]) == "your_image.err.corrupt"


def test_too_many_pixels_is_refused_before_decoding():
    data = encode(Image.new("L", (8000, 6000)))                      # 48 MP, a tiny file
    assert len(data) < MAX_BYTES
    assert error_key(data) == "your_image.err.too_many_pixels"


def test_other_formats_and_blank_pictures_are_refused():
    assert error_key(encode(photo(), "GIF")) == "your_image.err.not_image"
    assert error_key(encode(Image.new("RGB", (120, 90), (200, 180, 160)))) == "your_image.err.blank"


def test_every_error_has_a_message_in_both_languages():
    keys = [k for k in STRINGS if k.startswith("your_image.err.")]
    assert len(keys) == 6
    for key in keys:
        for lang in LANGS:
            assert t(key, lang, mb=6.0, limit=5.0)

