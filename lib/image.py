"""A student's photo, made to look like a Fashion-MNIST image.

Fashion-MNIST images are 28×28 grey pixels: a light object on a black
background, cropped to the object and centred. A phone photo is large,
coloured, and usually a dark object on a light background, so it is
turned grey, inverted when the background is light, cropped to the
object's bounding box, shrunk (longer side OBJECT_SIZE px, aspect kept)
and centred on a black 28×28 canvas.

    from lib.image import ImageError, preprocess
    prepared = preprocess(open("shirt.jpg", "rb").read())
    prepared.x.shape          # (784,), float32 in [0, 1], ready for X @ W + b

Every bad input (empty, too big, not a PNG/JPEG, corrupt, blank) raises
ImageError; its `key` names a message in lib/i18n/your_image.py.

On a shared server a small file can still be a huge picture (a one-colour
40-megapixel PNG is 160 KB), so decoding keeps to a fixed memory budget:
the header is checked first (at most MAX_PIXELS), a JPEG is decoded at 1/2,
1/4 or 1/8 scale, a file whose decoding would still need more than
DECODE_BUDGET bytes is refused before it is decoded, the picture is shrunk
to WORK_SIZE before anything else is done with it, at most MAX_DECODES
pictures are decoded at once, and the result of each file is kept by its
SHA-256, so a rerun of the page costs nothing.
"""

from __future__ import annotations

import hashlib
import io
import math
import struct
import threading
import warnings
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

MAX_BYTES = 5 * 1024 * 1024  # the upload limit (.streamlit/config.toml: maxUploadSize = 5)
MAX_PIXELS = 24_000_000  # 24 megapixels (a 6000 × 4000 camera): refused from the header
DECODE_BUDGET = 32 * 2**20  # bytes one decode may use; with the rest, a file costs < 50 MB
MAX_DECODES = 2  # pictures decoded at the same time, per server process
CACHE_SIZE = 16  # prepared files kept (about 1 MB each)
WORK_SIZE = 512  # shrink big photos to this before the pixel work (fast)
CANVAS = 28  # Fashion-MNIST's image side
OBJECT_SIZE = 28  # the object's longer side: in Fashion-MNIST it spans all 28 px
FORMATS = ("PNG", "JPEG")

DECODES = threading.BoundedSemaphore(MAX_DECODES)


class ImageError(ValueError):
    """A file that cannot become a model input; `key` names the message to show."""

    def __init__(self, key: str, **fields):
        super().__init__(key)
        self.key = key  # e.g. "your_image.err.empty"
        self.fields = fields  # str.format fields of that message


@dataclass(frozen=True)
class Prepared:
    """The photo as shown and as the model sees it."""

    original: Image.Image  # the photo, RGB, at most WORK_SIZE px on a side
    x: np.ndarray  # (784,) float32 in [0, 1], light object on black
    inverted: bool  # True when the background was light and got flipped


class LRU:
    """A small thread-safe cache: the `size` most recently used entries, by key."""

    def __init__(self, size: int):
        self.size, self._items, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)  # used now: the last to go
            return self._items[key]

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)  # the least recently used

    def __len__(self) -> int:
        return len(self._items)


CACHE = LRU(CACHE_SIZE)  # sha256 of the file -> Prepared, or (key, fields) of its ImageError


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


def open_image(data: bytes) -> Image.Image:
    """Check size, format and decoding cost from the header, then decode already shrunk."""
    if not data:
        raise ImageError("your_image.err.empty")
    if len(data) > MAX_BYTES:
        raise ImageError("your_image.err.too_big", mb=len(data) / 2**20, limit=MAX_BYTES / 2**20)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=FORMATS)  # reads the header only
            full_size = img.size
            if img.width * img.height > MAX_PIXELS:
                raise ImageError("your_image.err.too_many_pixels", limit=MAX_PIXELS / 1e6)
            img.draft("RGB", fitted(img.size))  # JPEG: decode at 1/2, 1/4 or 1/8 scale
            cost = decode_cost(img, full_size)
            if cost > DECODE_BUDGET:
                raise too_many_pixels(full_size[0] * full_size[1], cost)
            with DECODES:  # at most MAX_DECODES at once
                img.load()
                img.thumbnail((WORK_SIZE, WORK_SIZE), reducing_gap=2.0)  # reduce, then resample
            ImageOps.exif_transpose(img, in_place=True)  # the camera's rotation, on the small copy
    except ImageError:
        raise
    except Image.UnidentifiedImageError as exc:
        raise ImageError("your_image.err.not_image") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError("your_image.err.too_many_pixels", limit=MAX_PIXELS / 1e6) from exc
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
        raise ImageError("your_image.err.corrupt") from exc
    return img


def to_gray(img: Image.Image) -> np.ndarray:
    """(H, W) float32 in [0, 1]; transparent parts count as white paper."""
    if img.mode.startswith("I"):  # a 16-bit grey PNG: its top 8 bits
        img = Image.fromarray((np.asarray(img) >> 8).astype(np.uint8))
    rgba = img.convert("RGBA")
    paper = Image.new("RGBA", rgba.size, "white")
    gray = Image.alpha_composite(paper, rgba).convert("L")
    return np.asarray(gray, dtype=np.float32) / 255


def dark_background(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """Fashion-MNIST is light on black: flip when the border is mostly light."""
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    if np.median(border) > 0.5:
        return 1 - gray, True
    return gray, False


def crop_to_object(gray: np.ndarray, threshold: float = 0.1) -> np.ndarray:
    """The bounding box of the pixels clearly brighter than the background."""
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    gray = np.clip(gray - np.median(border), 0, 1)  # background -> about 0
    if gray.max() < 0.1:
        raise ImageError("your_image.err.blank")
    gray = gray / gray.max()  # contrast: brightest pixel -> 1
    rows, cols = np.nonzero(gray > threshold)
    return gray[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]


def center_on_canvas(obj: np.ndarray, size: int = OBJECT_SIZE, canvas: int = CANVAS) -> np.ndarray:
    """Resize so the longer side is `size` px (aspect kept), paste in the middle."""
    h, w = obj.shape
    scale = size / max(h, w)
    new_w, new_h = max(1, round(w * scale)), max(1, round(h * scale))
    small = Image.fromarray(np.uint8(obj * 255)).resize((new_w, new_h), Image.LANCZOS)
    out = np.zeros((canvas, canvas), dtype=np.float32)  # black, like Fashion-MNIST
    top, left = (canvas - new_h) // 2, (canvas - new_w) // 2
    out[top : top + new_h, left : left + new_w] = np.asarray(small, dtype=np.float32) / 255
    return out


def prepare(data: bytes) -> Prepared:
    """PNG/JPEG bytes -> one Fashion-MNIST-like input vector x of 784 pixels."""
    img = open_image(data)  # at most WORK_SIZE px on a side
    gray, inverted = dark_background(to_gray(img))
    x = center_on_canvas(crop_to_object(gray))  # (28, 28)
    return Prepared(img.convert("RGB"), x.reshape(-1), inverted)  # x: (784,)


def preprocess(data: bytes) -> Prepared:
    """prepare(data), done once per file: the result or the refusal is kept by its SHA-256."""
    digest = hashlib.sha256(data).digest()
    kept = CACHE.get(digest)
    if kept is None:
        try:
            kept = prepare(data)
        except ImageError as exc:
            kept = (exc.key, exc.fields)  # a new ImageError each time, below
        CACHE.put(digest, kept)
    if isinstance(kept, tuple):
        raise ImageError(kept[0], **kept[1])
    return kept
