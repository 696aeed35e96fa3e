"""lib/decode.py: hostile pictures refused cheaply, and the decoder bounded in a child process.

Every hostile file is made here by code: a progressive JPEG whose scans are repeated
thousands of times (each scan is a full pass of the decoder over the picture), PNG
headers that claim a tall thin picture, 16-bit grey PNGs.
"""

import functools
import io
import re
import signal
import struct
import subprocess
import sys
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw

import lib.decode as decode_mod
from lib.decode import (
    CPU_SECONDS,
    MAX_ASPECT,
    MAX_SCANS,
    MAX_SIDE,
    WORK_SIZE,
    ImageError,
    answer,
    count_scans,
    decode,
    decode_here,
)
from lib.i18n import LANGS, t


def encode(img: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, fmt, **kw)
    return buffer.getvalue()


def item(size=(400, 300), mode="RGB", bg=(230, 228, 220), fg=(30, 30, 60)) -> Image.Image:
    """A dark box (the item) in the middle of light paper."""
    img = Image.new(mode, size, bg)
    w, h = size
    ImageDraw.Draw(img).rectangle((w // 3, h // 3, 2 * w // 3, 2 * h // 3), fill=fg)
    return img


def reference_scans(data: bytes) -> int:
    """SOS markers up to EOI, found byte by byte as the JPEG standard describes a decoder
    reading them (an independent check of count_scans)."""
    scans, i = 0, 2
    while i + 1 < len(data):
        if data[i] != 0xFF:
            i += 1  # compressed data, or stray bytes between segments
            continue
        code = data[i + 1]
        if code == 0xFF:
            i += 1  # a fill byte
        elif code == 0x00 or code == 0x01 or 0xD0 <= code <= 0xD7:
            i += 2  # a stuffed 0xFF, TEM or a restart marker: no length
        elif code == 0xD9:
            break  # EOI
        else:
            scans += code == 0xDA
            i += 2 + (data[i + 2] << 8 | data[i + 3])  # the marker and its segment
    return scans


def scan_spans(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each scan: its SOS segment and the compressed data after it."""
    spans, pos = [], 2
    while data[pos + 1] != 0xD9:
        end = pos + 2 + (data[pos + 2] << 8 | data[pos + 3])
        if data[pos + 1] == 0xDA:
            end = re.compile(rb"\xff[^\x00\xd0-\xd7]").search(data, end).start()
            spans.append((pos, end))
        pos = end
    return spans


@functools.lru_cache
def many_scans(repeat: int, side: int = 4000) -> bytes:
    """A flat progressive grey JPEG whose smallest scan (31 bytes, yet one pass over all
    side² / 64 blocks) is repeated `repeat` times more: the 'progressive bomb'."""
    data = encode(Image.new("L", (side, side), 200), "JPEG", progressive=True, quality=90)
    start, end = min(scan_spans(data), key=lambda span: span[1] - span[0])
    return data[:end] + data[start:end] * repeat + data[end:]


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_of_rows(width: int, height: int, row: bytes) -> bytes:
    """An 8-bit grey PNG of `height` identical rows, compressed as it is written: a
    1 × 24,000,000 picture is a 24 KB file."""
    z = zlib.compressobj(9)
    lines = (b"\x00" + row) * 1000  # filter byte 0, then the pixels; 1000 rows at a time
    idat = b"".join(z.compress(lines) for _ in range(height // 1000))
    idat += z.compress((b"\x00" + row) * (height % 1000)) + z.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def refusal(data: bytes) -> ImageError:
    with pytest.raises(ImageError) as info:
        decode(data)
    return info.value


@pytest.fixture
def child_is(monkeypatch):
    """child_is([...]): decode with this command as the child; its spare ends with the test."""
    spare = decode_mod.Spare()
    monkeypatch.setattr(decode_mod, "SPARE", spare)
    yield lambda command: monkeypatch.setattr(decode_mod, "CHILD", command)
    spare.close()


@pytest.fixture
def no_child(monkeypatch):
    """Fails the test if a decoder child is asked for: the refusal came from the bytes."""

    class NoChild:
        def take(self):
            raise AssertionError("a child process was started")

    monkeypatch.setattr(decode_mod, "SPARE", NoChild())


# ---- counting a JPEG's scans ----------------------------------------------------------


@pytest.mark.parametrize("progressive", [False, True])
@pytest.mark.parametrize("mode", ["L", "RGB"])
def test_scans_of_ordinary_jpegs_are_counted_as_a_decoder_reads_them(progressive, mode):
    noise = np.random.default_rng(0).integers(0, 256, (300, 400, len(mode)), dtype=np.uint8)
    data = encode(Image.fromarray(noise.squeeze()), "JPEG", progressive=progressive)
    assert data.count(b"\xff\x00") > 50  # plenty of stuffed 0xFF bytes in the scans
    assert count_scans(data) == reference_scans(data) == len(scan_spans(data))
    assert (count_scans(data) > 1) == progressive  # a baseline JPEG is one interleaved scan


def test_restart_markers_fill_bytes_and_markers_inside_segments_are_not_scans():
    img = item()
    plain = encode(img, "JPEG")
    with_rst = encode(img, "JPEG", restart_marker_blocks=4)
    assert re.search(rb"\xff[\xd0-\xd7]", with_rst)  # restart markers inside the scan
    fake = b"\xff\xda\x00\x02" * 1000  # SOS markers as the payload of a comment
    comment = b"\xff\xfe" + struct.pack(">H", len(fake) + 2) + fake
    commented = plain[:2] + comment + plain[2:]
    exif = Image.Exif()
    exif[0x010E] = fake.decode("latin-1")  # and inside the EXIF segment (APP1)
    in_exif = encode(img, "JPEG", exif=exif.tobytes())
    filled = plain.replace(b"\xff\xda", b"\xff\xff\xff\xda", 1)  # fill bytes before SOS
    after_end = plain + b"\xff\xda\x00\x02" * 1000  # after EOI: never read
    for data in (with_rst, commented, in_exif, filled, after_end):
        assert count_scans(data) == reference_scans(data) == 1
        assert decode(data).size == img.size  # and each is still a good picture


def test_repeated_scans_are_counted_and_counting_stops_past_the_limit():
    once = many_scans(0, side=64)
    assert count_scans(many_scans(7, side=64)) == count_scans(once) + 7
    assert count_scans(many_scans(5000, side=64), limit=10) == 11  # stops at limit + 1


def test_a_jpeg_with_thousands_of_scans_is_refused_before_decoding(no_child):
    data = many_scans(20_000)  # 20,000 passes over 4000 × 4000 pixels: ~20 s of CPU
    assert len(data) < decode_mod.MAX_BYTES
    err = refusal(data)
    assert err.key == "your_image.err.too_many_scans" and err.fields == {"limit": MAX_SCANS}


def test_a_jpeg_with_the_most_scans_allowed_decodes():
    data = many_scans(MAX_SCANS - count_scans(many_scans(0, side=512)), side=512)
    assert count_scans(data) == MAX_SCANS
    assert decode(data).size == (512, 512)


# ---- the decoder's CPU time ------------------------------------------------------------


def test_a_decode_over_its_cpu_time_is_stopped_with_a_clear_message(monkeypatch):
    """With the scan limit lifted, the child runs the progressive bomb until RLIMIT_CPU
    stops it (after CPU_SECONDS = 1 here, of the ~20 s the file would take)."""
    monkeypatch.setattr(decode_mod, "MAX_SCANS", 10**6)
    monkeypatch.setattr(decode_mod, "CPU_SECONDS", 1)
    err = refusal(many_scans(20_000))
    assert err.key == "your_image.err.too_slow" and err.fields == {"seconds": 1}
    assert decode(encode(item())).size == (400, 300)  # the next picture decodes as usual


def test_the_child_is_ended_by_sigxcpu_at_its_limit():
    """The child itself, with a 1-second limit, told to decode the bomb: killed by the kernel."""
    child = decode_mod.start_child()
    data = many_scans(20_000)
    child.communicate(b"1\n" + data, timeout=120)
    assert child.returncode == -signal.SIGXCPU  # the soft limit; SIGKILL comes a second later


def test_a_child_that_hangs_is_stopped_after_the_wall_clock_limit(monkeypatch, child_is):
    monkeypatch.setattr(decode_mod, "WALL_SECONDS", 0.5)
    child_is([sys.executable, "-c", "import time; time.sleep(60)"])
    err = refusal(encode(item()))
    assert err.key == "your_image.err.too_slow" and err.fields == {"seconds": CPU_SECONDS}


@pytest.mark.parametrize(
    "reply",
    [
        b"",
        b"not json\n",
        b'{"size": [600, 10]}\n' + bytes(600 * 10 * 4),  # larger than WORK_SIZE
        b'{"size": [10, 10]}\n' + bytes(10),  # fewer pixels than it says
        b'{"key": "train.title", "fields": {}}\n',  # not an image refusal
        b"[1, 2]\n",
    ],
)
def test_a_malformed_reply_from_the_child_is_corrupt_never_trusted(reply):
    with pytest.raises(ImageError) as info:
        answer(reply)
    assert info.value.key == "your_image.err.corrupt"


def test_a_child_that_fails_gives_corrupt(child_is):
    child_is([sys.executable, "-c", "import sys; sys.exit(3)"])
    assert refusal(encode(item())).key == "your_image.err.corrupt"


def test_the_child_imports_only_pillow():
    """The child must start fast: no numpy, no torch, no streamlit."""
    code = (
        f"import sys; sys.path[:0] = [{decode_mod.ROOT!r}, {decode_mod.PIL_HOME!r}]; "
        "import lib.decode; print(sorted(m for m in ('numpy', 'torch', 'streamlit', 'pandas') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


# ---- sides and aspect, from the header -------------------------------------------------


@pytest.mark.parametrize(
    "size, key",
    [
        ((1, 24_000_000), "your_image.err.too_long"),  # 24 MP: a 24 KB file
        ((MAX_SIDE + 1, 1000), "your_image.err.too_long"),
        ((3, 3 * MAX_ASPECT + 1), "your_image.err.too_thin"),
        ((4000, 4000 // MAX_ASPECT - 1), "your_image.err.too_thin"),
    ],
)
def test_long_or_thin_pictures_are_refused_from_the_header(size, key):
    width, height = size
    data = png_of_rows(width, height, b"\x80" * width)
    assert len(data) < decode_mod.MAX_BYTES
    err = refusal(data)
    assert err.key == key and err.fields["width"] == width and err.fields["height"] == height
    for lang in LANGS:
        assert f"{width:,} × {height:,}" in t(key, lang, **err.fields)


def test_the_tall_thin_png_is_refused_without_decoding_its_pixels(monkeypatch):
    """In this process: the header alone refuses it (Image.load is never called)."""
    data = png_of_rows(1, 24_000_000, b"\x80")

    def no_load(img):
        raise AssertionError("decoded")

    monkeypatch.setattr(Image.Image, "load", no_load)
    monkeypatch.setattr("PIL.ImageFile.ImageFile.load", no_load)
    with pytest.raises(ImageError) as info:
        decode_here(data)
    assert info.value.key == "your_image.err.too_long"


def test_the_longest_and_thinnest_pictures_allowed_decode():
    for size in ((MAX_SIDE, MAX_SIDE // MAX_ASPECT), (100, 100 * MAX_ASPECT)):
        img = item(size, "L", 220, 40)
        assert decode(encode(img)).size == decode_mod.fitted(size)


# ---- 16-bit grey PNGs ------------------------------------------------------------------


@pytest.mark.parametrize("width", [300, 600, 2100, 4100])  # 2048+: Pillow's reduce() refused
def test_a_16_bit_grey_png_of_any_width_is_its_top_8_bits(width):
    img8 = item((width, max(300, width // 4)), "L", 220, 40)
    x16 = np.asarray(img8).astype(np.uint16) * 257  # 16 bits: both bytes are the 8-bit value
    img16 = Image.fromarray(x16)
    data16 = encode(img16)
    assert Image.open(io.BytesIO(data16)).mode == "I;16"
    got = np.asarray(decode(data16))
    assert got.shape[1] == min(width, WORK_SIZE)
    np.testing.assert_array_equal(got[..., 3], 255)  # opaque
    # the same as the 8-bit picture shrunk the same way, up to one level of rounding
    want = img8.resize(decode_mod.fitted(img8.size), Image.BICUBIC)
    assert np.abs(got[..., 0].astype(int) - np.asarray(want).astype(int)).max() <= 1


# ---- messages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, fields",
    [
        ("your_image.err.too_many_scans", {"limit": MAX_SCANS}),
        ("your_image.err.too_slow", {"seconds": CPU_SECONDS}),
        ("your_image.err.too_long", {"width": 1, "height": 24_000_000, "limit": MAX_SIDE}),
        ("your_image.err.too_thin", {"width": 10, "height": 900, "limit": MAX_ASPECT}),
    ],
)
def test_each_new_refusal_has_a_plain_message_in_both_languages(key, fields):
    en, zh = t(key, "en", **fields), t(key, "zh", **fields)
    assert en != zh and all(f"{v:,}" in en and f"{v:,}" in zh for v in fields.values())
    assert "<" not in en + zh and "**" not in en + zh  # plain text
