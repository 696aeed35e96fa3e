"""lib/image.py: a photo made Fashion-MNIST-like, and every bad file refused clearly.

The memory tests preprocess each file in a fresh process, the decoder child's work done
in that same process, and read the kernel's peak resident size (VmHWM) before and after:
any file of at most 5 MB may raise it by < 50 MB. Refusals of costly files from their
scans, sides and CPU time: tests/test_decode.py.
"""

import io
import struct
import subprocess
import sys
import threading
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from test_decode import png_of_rows

import lib.decode as decode_mod
import lib.image as image
from lib.decode import MAX_BYTES
from lib.i18n import LANGS, STRINGS, t
from lib.image import (
    CANVAS,
    LRU,
    OBJECT_SIZE,
    ImageError,
    center_on_canvas,
    crop_to_object,
    dark_background,
    preprocess,
)

ROOT = Path(__file__).resolve().parents[1]


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


def chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk: length, type, body, CRC."""
    crc = struct.pack(">I", zlib.crc32(kind + body))
    return struct.pack(">I", len(body)) + kind + body + crc


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height pixels (a decompression bomb's shape)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def big_png(width: int, height: int, mode: str = "RGBA", flat: bool = False) -> bytes:
    """A light PNG, with a dark band across the middle third unless flat, written row by
    row so the test never holds the full-size picture in memory."""
    pixel = {
        "L": (b"\xe6", b"\x1e"),
        "RGB": (b"\xe6" * 3, b"\x1e" * 3),
        "RGBA": (b"\xe6" * 3 + b"\xff", b"\x1e" * 3 + b"\xff"),
    }[mode]
    light, dark = pixel
    third = width // 3
    plain = b"\x00" + light * width  # filter byte 0, pixels
    band = b"\x00" + light * third + dark * third + light * (width - 2 * third)
    z = zlib.compressobj(9)
    idat = (
        b"".join(
            z.compress(band if not flat and height // 3 <= y < 2 * height // 3 else plain)
            for y in range(height)
        )
        + z.flush()
    )
    colour_type = {"L": 0, "RGB": 2, "RGBA": 6}[mode]
    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def big_jpeg(width: int, height: int, noise: bool = False, **kw) -> bytes:
    """A dark box on light paper (or, with noise, random pixels: a big file) as JPEG."""
    if noise:
        rng = np.random.default_rng(0)
        img = Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))
    else:
        img = photo(
            (width, height),
            (width // 3, height // 3, 2 * width // 3, 2 * height // 3),
            bg=(230, 228, 220),
            fg=(30, 30, 60),
        )
    return encode(img, "JPEG", quality=90, **kw)


def test_dark_object_on_light_png_is_inverted_cropped_and_centred():
    p = preprocess(encode(photo()))
    assert p.x.shape == (784,) and p.x.dtype == np.float32
    assert p.x.min() >= 0.0 and p.x.max() <= 1.0 and p.x.max() > 0.9
    assert p.inverted
    top, bottom, left, right = bbox(p.x)
    assert bottom - top + 1 == pytest.approx(OBJECT_SIZE, abs=1)  # the taller side fills 24 px
    assert right - left + 1 == pytest.approx(OBJECT_SIZE * 101 / 221, abs=1.5)  # aspect kept
    assert (top + bottom) / 2 == pytest.approx(13.5, abs=1)  # centred, although the
    assert (left + right) / 2 == pytest.approx(13.5, abs=1)  # object sat top-left
    corners = p.x.reshape(28, 28)[[0, 0, -1, -1], [0, -1, 0, -1]]
    assert corners.max() == 0.0  # black background


def test_light_background_jpeg_is_inverted_dark_background_is_not():
    light = preprocess(encode(photo(bg=(235, 230, 220), fg=(90, 60, 40)), "JPEG", quality=90))
    assert light.inverted and light.x.max() > 0.9
    dark = preprocess(encode(photo(bg="black", fg=(220, 220, 220)), "JPEG", quality=90))
    assert not dark.inverted and dark.x.max() > 0.9
    assert bbox(light.x) == pytest.approx(bbox(dark.x), abs=1)  # same shape either way


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
    img = photo(size=(400, 300), box=(100, 120, 299, 179))  # stored wide (200 × 60)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° to view"
    p = preprocess(encode(img, "JPEG", exif=exif.tobytes()))
    top, bottom, left, right = bbox(p.x)
    assert bottom - top > right - left  # shown tall


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
    assert bbox(canvas) == (9, 17, 0, 27)  # 9 × 28, in the middle


@pytest.mark.parametrize("i", range(6))
def test_a_fashion_mnist_image_survives_the_round_trip(real_data, i):
    """A test image blown up to 280×280 comes back as itself (up to a 1-px shift)."""
    x = real_data.X_test[i].numpy()
    big = Image.fromarray(np.uint8(x.reshape(28, 28) * 255)).resize((280, 280), Image.NEAREST)
    for data, inverted in ((big, False), (Image.eval(big, lambda v: 255 - v), True)):
        p = preprocess(encode(data))
        assert p.inverted == inverted
        back = p.x.reshape(28, 28)
        best = max(
            np.corrcoef(np.roll(back, (dy, dx), (0, 1)).ravel(), x)[0, 1]
            for dy in (-1, 0, 1)
            for dx in (-1, 0, 1)
        )
        assert best > 0.97


@pytest.mark.parametrize(
    "data, key",
    [
        (b"", "your_image.err.empty"),
        (b"just some text, not a picture\n" * 10, "your_image.err.not_image"),
        (np.random.default_rng(0).bytes(5000), "your_image.err.not_image"),
        (b"\x89PNG\r\n\x1a\n" + bytes(MAX_BYTES), "your_image.err.too_big"),
        (png_claiming(100_000, 100_000), "your_image.err.too_many_pixels"),  # 10 gigapixels
        (png_claiming(7_000, 7_000), "your_image.err.too_many_pixels"),  # 49 megapixels
    ],
)
def test_bad_bytes_raise_one_clear_error(data, key):
    assert error_key(data) == key


def test_truncated_png_and_jpeg_are_corrupt():
    png = encode(photo())
    jpeg = encode(photo(), "JPEG")
    assert error_key(png[: len(png) // 2]) == "your_image.err.corrupt"
    assert error_key(jpeg[:600]) == "your_image.err.corrupt"


def test_too_many_pixels_is_refused_before_decoding():
    data = encode(Image.new("L", (8000, 6000)))  # 48 MP, a tiny file
    assert len(data) < MAX_BYTES
    assert error_key(data) == "your_image.err.too_many_pixels"


def test_other_formats_and_blank_pictures_are_refused():
    assert error_key(encode(photo(), "GIF")) == "your_image.err.not_image"
    assert error_key(encode(Image.new("RGB", (120, 90), (200, 180, 160)))) == "your_image.err.blank"


def test_every_error_has_a_message_in_both_languages():
    keys = [k for k in STRINGS if k.startswith("your_image.err.")]
    assert len(keys) == 10
    fields = {"mb": 6.0, "limit": 5, "width": 1, "height": 9, "seconds": 3}
    for key in keys:
        for lang in LANGS:
            assert t(key, lang, **fields)


def test_a_16_bit_grey_png_is_read_as_grey():
    img = photo(fg=40, mode="L")
    wide = Image.fromarray(np.asarray(img).astype(np.uint16) * 257)  # 16 bits, same picture
    assert Image.open(io.BytesIO(encode(wide))).mode == "I;16"
    np.testing.assert_array_equal(preprocess(encode(wide)).x, preprocess(encode(img)).x)


def test_exif_rotation_is_applied_after_shrinking():
    img = photo(size=(1600, 1200), box=(400, 480, 1199, 719))  # stored wide, shrunk first
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° to view"
    p = preprocess(encode(img, "JPEG", exif=exif.tobytes()))
    assert p.original.size == (384, 512)  # shown tall, at WORK_SIZE
    top, bottom, left, right = bbox(p.x)
    assert bottom - top > right - left


@pytest.mark.parametrize(
    "data, limit",
    [
        (big_png(3500, 2600, "RGB"), 8),  # 9.1 MP colour PNG: 4 bytes a pixel
        (big_png(2500, 1700, "RGBA"), 4),  # 4.3 MP with alpha: and a premultiplied copy
        (big_jpeg(6000, 3990, progressive=True), 10),  # 24 MP progressive: all its DCT coefficients
        (big_png(7280, 5450, "RGBA", flat=True), 24),  # 39.7 MP: over MAX_PIXELS, from the header
    ],
)
def test_files_that_would_decode_beyond_the_budget_say_their_limit(data, limit):
    assert len(data) < MAX_BYTES
    with pytest.raises(ImageError) as info:
        image.prepare(data)
    assert info.value.key == "your_image.err.too_many_pixels"
    assert info.value.fields["limit"] == limit
    assert f"more than {limit} megapixels" in t(info.value.key, "en", **info.value.fields)


# Runs in a child process: warms Pillow's plugins up, resets the peak to the current size,
# preprocesses the file and prints the outcome and how far the peak rose (MB).
MEASURE = """
import io, sys
from PIL import Image
import lib.decode as decode, lib.image as image
from lib.image import ImageError, prepare

def decode_in_this_process(data):  # what lib.decode.decode does, its child's part included
    decode.check_bytes(data)
    return decode.decode_here(data)

image.decode = decode_in_this_process

def peak_kb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))

for fmt in ("PNG", "JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "white").save(buffer, fmt)
    try:
        prepare(buffer.getvalue())
    except ImageError:
        pass
data = open(sys.argv[1], "rb").read()
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")                                  # VmHWM := the current VmRSS
before = peak_kb()
try:
    prepare(data)
    outcome = "ok"
except ImageError as exc:
    outcome = exc.key
print(outcome, (peak_kb() - before) / 1024)
"""


def peak_rise_mb(data: bytes, tmp_path: Path) -> tuple[str, float]:
    """(outcome, MB the peak resident size rose by) of prepare(data) in a fresh process."""
    path = tmp_path / "upload"
    path.write_bytes(data)
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return out[0], float(out[1])


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux's /proc")
@pytest.mark.parametrize(
    "build, outcome",
    [
        (lambda: big_png(7280, 5450, "RGBA", flat=True), "too_many_pixels"),  # 40 MP, 160 KB
        (lambda: big_jpeg(2640, 1980, noise=True), "ok"),  # 4.8 MB of noise
        (lambda: big_png(2400, 1700, "RGBA"), "ok"),  # the largest PNGs accepted, by mode
        (lambda: big_png(3450, 2300, "RGB"), "ok"),
        (lambda: big_png(6000, 3990, "L"), "ok"),
        (lambda: big_jpeg(6000, 3990), "ok"),  # 24 MP, decoded at 1/8 scale
        (lambda: big_jpeg(12000, 2000), "ok"),  # a panorama: 1/8 scale too
        (lambda: png_of_rows(1, 24_000_000, b"\x80"), "too_long"),  # 24 KB, from the header
        (lambda: big_jpeg(3800, 2600, progressive=True), "ok"),
    ],
    ids=[
        "png-40mp-flat",
        "jpeg-5mb-noise",
        "png-rgba-4mp",
        "png-rgb-8mp",
        "png-grey-24mp",
        "jpeg-24mp",
        "jpeg-panorama",
        "png-1x24000000",
        "jpeg-progressive-10mp",
    ],
)
def test_any_file_up_to_5_mb_raises_peak_memory_by_less_than_50_mb(build, outcome, tmp_path):
    data = build()
    assert len(data) < MAX_BYTES
    got, rise = peak_rise_mb(data, tmp_path)
    assert got.endswith(outcome)
    assert rise < 50, f"peak memory rose by {rise:.1f} MB"


def test_a_rerun_with_the_same_file_reuses_the_result(monkeypatch):
    calls = []
    real = image.prepare
    monkeypatch.setattr(image, "prepare", lambda data: calls.append(1) or real(data))
    monkeypatch.setattr(image, "CACHE", LRU(4))
    data = encode(photo(size=(333, 222)))
    first = preprocess(data)
    assert preprocess(bytes(data)) is first and len(calls) == 1  # same bytes, same result
    blank = encode(Image.new("RGB", (90, 60), "grey"))
    for _ in range(2):
        with pytest.raises(ImageError) as info:  # a refusal is kept too,
            preprocess(blank)
        assert info.value.key == "your_image.err.blank"  # and raised afresh
    assert len(calls) == 2


def test_the_cache_keeps_the_most_recently_used():
    cache = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "b" is now the oldest
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c"), len(cache)) == (1, None, 3, 2)


def test_at_most_two_pictures_are_decoded_at_once(monkeypatch):
    inside, most, lock = [], [0], threading.Lock()
    two_in, gate = threading.Event(), threading.Event()

    class SlowChild:
        """Stands for a decoder child: waits at the gate, then answers as the child does."""

        returncode = 0

        def communicate(self, message, timeout=None):
            with lock:
                inside.append(self)
                most[0] = max(most[0], len(inside))
                if len(inside) == 2:
                    two_in.set()
            gate.wait()
            img = decode_mod.decode_here(message.partition(b"\n")[2])
            with lock:
                inside.remove(self)
            return b'{"size": [%d, %d]}\n' % img.size + img.tobytes(), b""

    class Children:
        def take(self):
            return SlowChild()

    monkeypatch.setattr(image, "CACHE", LRU(8))
    monkeypatch.setattr(decode_mod, "DECODES", threading.BoundedSemaphore(decode_mod.MAX_DECODES))
    monkeypatch.setattr(decode_mod, "SPARE", Children())
    threads = [
        threading.Thread(target=preprocess, args=(encode(photo(size=(300 + i, 200))),))
        for i in range(4)
    ]
    for thread in threads:
        thread.start()
    assert two_in.wait(60)
    assert not decode_mod.DECODES.acquire(blocking=False)  # both slots are taken
    assert len(inside) == 2  # the others wait outside
    gate.set()
    for thread in threads:
        thread.join()
    assert most[0] == decode_mod.MAX_DECODES == 2
