"""An untrusted PNG or JPEG decoded within a budget, in a child process.

A small upload can be a huge or a slow picture: a one-colour 40-megapixel PNG is
160 KB, a 1 × 24,000,000 one is 30 KB, and a 700 KB progressive JPEG made of
20,000 scans keeps a decoder busy for 40 s. So:

1. here, on the bytes: the size (MAX_BYTES) and a JPEG's scans (at most
   MAX_SCANS, counted by walking its markers, before anything is decoded);
2. in a child process, a fresh Python that imports only Pillow and may use at
   most CPU_SECONDS of CPU time (RLIMIT_CPU), so the server never runs the
   decoder itself: the header (at most MAX_PIXELS, MAX_SIDE px a side, at most
   MAX_ASPECT times longer than wide), the memory the decoding would take (at
   most DECODE_BUDGET; a JPEG is decoded at 1/2, 1/4 or 1/8 scale), then the
   decoding, shrunk to WORK_SIZE and turned by its EXIF orientation. The child
   sends back RGBA pixels, checked before use.

At most MAX_DECODES children decode at once; one more is started ahead, so an
upload does not wait for Python and Pillow to load.

    from lib.decode import decode
    img = decode(open("shirt.jpg", "rb").read())  # RGBA, at most WORK_SIZE px a side

Every refusal raises ImageError; its `key` names a message in lib/i18n/your_image.py.
This module imports only the standard library and Pillow: the child imports it too.
"""

from __future__ import annotations

import io
import json
import logging
import math
import re
import resource
import signal
import struct
import subprocess
import sys
import threading
import warnings
from pathlib import Path

import PIL
from PIL import Image, ImageOps

MAX_BYTES = 5 * 1024 * 1024  # the upload limit (.streamlit/config.toml: maxUploadSize = 5)
MAX_PIXELS = 24_000_000  # 24 megapixels (a 6000 × 4000 camera): refused from the header
MAX_SIDE = 12_000  # px; a phone's panorama is about 10,000 px long
MAX_ASPECT = 8  # the longer side over the shorter: a panorama is 4 to 6
MAX_SCANS = 100  # a progressive JPEG has about 10 (libjpeg, mozjpeg); each one is a full pass
DECODE_BUDGET = 32 * 2**20  # bytes one decode may use; with the rest, a file costs < 50 MB
CPU_SECONDS = 3  # CPU time one decode may use; the largest ordinary files take < 0.5 s
WALL_SECONDS = 30  # a child still running then is stopped (on a busy machine: CPU × 10)
MAX_DECODES = 2  # pictures decoded at the same time, per server process
WORK_SIZE = 512  # shrink big photos to this before the pixel work (fast)
FORMATS = ("PNG", "JPEG")

DECODES = threading.BoundedSemaphore(MAX_DECODES)
LOG = logging.getLogger(__name__)

# A JPEG marker: 0xFF then a code. Not one: 0xFF00 (a stuffed 0xFF byte inside the
# compressed data), 0xFF01 (TEM) and 0xFFD0-0xFFD7 (restart markers inside a scan),
# 0xFFFF (fill bytes before a marker: the last 0xFF is the one matched).
JPEG_MARKER = re.compile(rb"\xff([\x02-\xcf\xd8-\xfe])")
SOS, EOI = 0xDA, 0xD9  # start of scan, end of image


class ImageError(ValueError):
    """A file that cannot become a model input; `key` names the message to show."""

    def __init__(self, key: str, **fields):
        super().__init__(key)
        self.key = key  # e.g. "your_image.err.empty"
        self.fields = fields  # str.format fields of that message


# ---- on the bytes, in the server ----------------------------------------------------


def count_scans(data: bytes, limit: int = MAX_SCANS) -> int:
    """The scans (SOS markers) of a JPEG up to its end (EOI), counted up to limit + 1.

    Every segment has a 2-byte length after its marker and is skipped whole (an EXIF
    thumbnail inside it is not counted); after a scan's header comes its compressed
    data, where 0xFF is followed by 0x00 or a restart marker: JPEG_MARKER skips those,
    as a decoder does.
    """
    scans, pos = 0, 2  # after SOI (0xFFD8)
    while scans <= limit:
        found = JPEG_MARKER.search(data, pos)
        if found is None or found[1][0] == EOI or found.end() + 2 > len(data):
            break
        length = struct.unpack_from(">H", data, found.end())[0]  # counts its own 2 bytes
        if length < 2:
            break  # a decoder stops here: the file is corrupt
        scans += found[1][0] == SOS
        pos = found.end() + length
    return scans


def check_bytes(data: bytes) -> None:
    """What can be refused without Pillow: no bytes, too many, too many JPEG scans."""
    if not data:
        raise ImageError("your_image.err.empty")
    if len(data) > MAX_BYTES:
        raise ImageError("your_image.err.too_big", mb=len(data) / 2**20, limit=MAX_BYTES / 2**20)
    if data.startswith(b"\xff\xd8") and count_scans(data) > MAX_SCANS:
        raise ImageError("your_image.err.too_many_scans", limit=MAX_SCANS)


# ---- with Pillow, in the child --------------------------------------------------------


def fitted(size: tuple[int, int], box: int = WORK_SIZE) -> tuple[int, int]:
    """(width, height) shrunk to fit in box × box, aspect kept (never enlarged)."""
    scale = min(1.0, box / max(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def decode_cost(img: Image.Image, full_size: tuple[int, int]) -> int:
    """Bytes Pillow needs to decode and shrink `img` (its size after draft)."""
    per_pixel = 1 if img.mode in ("1", "L", "P") else 2 if img.mode.startswith("I;16") else 4
    copies = 2 if img.mode in ("LA", "RGBA") else 1  # shrinking makes a premultiplied copy
    cost = img.width * img.height * per_pixel * copies
    if img.format == "JPEG" and img.info.get("progressive"):
        # A progressive JPEG keeps every DCT coefficient (2 bytes) of the full-size picture,
        # for each colour component at its own sampling (Cb and Cr often at 1/4).
        h_max, v_max = max(c[1] for c in img.layer), max(c[2] for c in img.layer)
        planes = sum(h * v for _, h, v, _ in img.layer) / (h_max * v_max)
        cost += int(2 * planes * full_size[0] * full_size[1])
    return cost


def too_many_pixels(pixels: int, cost: int) -> ImageError:
    """The refusal, saying the most megapixels a file like this one may have."""
    limit = min(MAX_PIXELS, pixels * DECODE_BUDGET // max(cost, 1))
    return ImageError("your_image.err.too_many_pixels", limit=math.floor(limit / 1e6))


def check_header(size: tuple[int, int]) -> None:
    """Refuse from the header's width and height alone."""
    (width, height), (short, long) = size, sorted(size)
    if width * height > MAX_PIXELS:
        raise ImageError("your_image.err.too_many_pixels", limit=MAX_PIXELS / 1e6)
    if long > MAX_SIDE:
        raise ImageError("your_image.err.too_long", width=width, height=height, limit=MAX_SIDE)
    if long > MAX_ASPECT * short:
        raise ImageError("your_image.err.too_thin", width=width, height=height, limit=MAX_ASPECT)


def eight_bit(img: Image.Image) -> Image.Image:
    """A 16-bit grey picture (mode I;16, two bytes a pixel, low byte first): its top 8 bits."""
    return Image.frombytes("L", img.size, img.tobytes("raw", "I;16")[1::2])


def open_checked(data: bytes) -> Image.Image:
    """Read the header, refuse what would cost too much, then decode already shrunk."""
    img = Image.open(io.BytesIO(data), formats=FORMATS)  # reads the header only
    full_size = img.size
    check_header(full_size)
    img.draft("RGB", fitted(full_size))  # JPEG: decode at 1/2, 1/4 or 1/8 scale
    cost = decode_cost(img, full_size)
    if cost > DECODE_BUDGET:
        raise too_many_pixels(full_size[0] * full_size[1], cost)
    img.load()
    if img.mode == "I;16":  # a 16-bit grey PNG: Pillow cannot reduce() it, only resample
        img.thumbnail((WORK_SIZE, WORK_SIZE), reducing_gap=None)
        img = eight_bit(img)
    else:
        img.thumbnail((WORK_SIZE, WORK_SIZE), reducing_gap=2.0)  # reduce, then resample
    return img


def decode_here(data: bytes) -> Image.Image:
    """The child's work: PNG/JPEG bytes -> RGBA, at most WORK_SIZE px a side, upright."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = open_checked(data)
            img = ImageOps.exif_transpose(img)  # the camera's rotation, on the small copy
            return img.convert("RGBA")  # transparency kept: it counts as white paper
    except ImageError:
        raise
    except Image.UnidentifiedImageError as exc:
        raise ImageError("your_image.err.not_image") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError("your_image.err.too_many_pixels", limit=MAX_PIXELS / 1e6) from exc
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
        raise ImageError("your_image.err.corrupt") from exc


def limit_cpu(seconds: int) -> None:
    """From now on this process may use `seconds` more of CPU time, then it gets SIGXCPU
    (which ends it) and, a second later, SIGKILL. No core file either way."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(used.ru_utime + used.ru_stime) + seconds
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 1))


def serve() -> None:
    """The child's main: read 'seconds\\n' and the file from stdin, decode within that
    CPU time, write one JSON line ({"size": [w, h]} or {"key", "fields"}) then the pixels."""
    for fmt in FORMATS:  # warm up (plugins, decoders) while waiting, not during the decode
        buffer = io.BytesIO()
        Image.new("RGB", (64, 48), "white").save(buffer, fmt)
        decode_here(buffer.getvalue())
    line = sys.stdin.buffer.readline()
    if not line:
        return  # the server went away before using this spare child
    limit_cpu(int(line))
    data = sys.stdin.buffer.read()
    try:
        img = decode_here(data)
        head, pixels = {"size": list(img.size)}, img.tobytes()
    except ImageError as exc:
        head, pixels = {"key": exc.key, "fields": exc.fields}, b""
    sys.stdout.buffer.write(json.dumps(head).encode() + b"\n" + pixels)


# ---- the child, seen from the server ------------------------------------------------

ROOT = str(Path(__file__).resolve().parents[1])  # the folder that holds lib/
PIL_HOME = str(Path(PIL.__file__).resolve().parents[1])  # the folder that holds PIL/
# -I -S: no environment variables, user or site packages; only the project and Pillow.
CHILD = [
    sys.executable,
    "-I",
    "-S",
    "-c",
    f"import sys; sys.path[:0] = [{ROOT!r}, {PIL_HOME!r}]; import lib.decode as d; d.serve()",
]


def start_child() -> subprocess.Popen:
    return subprocess.Popen(
        CHILD, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


class Spare:
    """One child started ahead of time; each child decodes one file, then ends."""

    def __init__(self):
        self._child, self._lock = None, threading.Lock()

    def take(self) -> subprocess.Popen:
        with self._lock:
            child, self._child = self._child, start_child()  # the next one starts loading
        if child is None or child.poll() is not None:
            child = start_child()
        return child

    def close(self) -> None:
        """End the waiting child (at shutdown, or when a test replaces the command)."""
        with self._lock:
            child, self._child = self._child, None
        if child is not None:
            child.kill()
            child.communicate()


SPARE = Spare()


def answer(out: bytes) -> Image.Image:
    """The child's reply -> the picture, or its ImageError; anything else is corrupt."""
    head, _, pixels = out.partition(b"\n")
    try:
        reply = json.loads(head)
        refused = str(reply.get("key", ""))
        fields = dict(reply.get("fields", {}))
        width, height = (int(v) for v in reply.get("size", (0, 0)))
    except (ValueError, TypeError, AttributeError):
        refused, fields, width, height = "your_image.err.corrupt", {}, 0, 0
    if refused.startswith("your_image.err."):
        raise ImageError(refused, **fields)
    if (
        not (0 < width <= WORK_SIZE and 0 < height <= WORK_SIZE)
        or len(pixels) != width * height * 4
    ):
        raise ImageError("your_image.err.corrupt")
    return Image.frombytes("RGBA", (width, height), pixels)


def decode(data: bytes) -> Image.Image:
    """PNG/JPEG bytes -> RGBA at most WORK_SIZE px a side, decoded by a child process
    that may use CPU_SECONDS of CPU time; every bad or costly file raises ImageError."""
    check_bytes(data)
    too_slow = ImageError("your_image.err.too_slow", seconds=CPU_SECONDS)
    with DECODES:  # at most MAX_DECODES children at once
        child = SPARE.take()
        try:
            out, err = child.communicate(b"%d\n" % CPU_SECONDS + data, timeout=WALL_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            raise too_slow from None
    if child.returncode in (-signal.SIGXCPU, -signal.SIGKILL):  # over its CPU time
        raise too_slow
    if child.returncode != 0:
        LOG.warning("image decoder exited with %s: %s", child.returncode, err[-2000:])
        raise ImageError("your_image.err.corrupt")
    return answer(out)
