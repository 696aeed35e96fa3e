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

Every bad input (empty, too big, not a PNG/JPEG, corrupt, blank, too costly
to decode) raises ImageError; its `key` names a message in
lib/i18n/your_image.py.

The file is decoded within a budget by lib.decode (sizes and JPEG scans
checked first, the decoding itself in a child process with a CPU-time limit,
shrunk to WORK_SIZE there); the result of each file is kept by its SHA-256,
so a rerun of the page costs nothing.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from PIL import Image

from lib.decode import ImageError, decode

CACHE_SIZE = 16  # prepared files kept (about 1 MB each)
CANVAS = 28  # Fashion-MNIST's image side
OBJECT_SIZE = 28  # the object's longer side: in Fashion-MNIST it spans all 28 px


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


def to_gray(img: Image.Image) -> np.ndarray:
    """(H, W) float32 in [0, 1]; transparent parts count as white paper."""
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
    img = decode(data)  # RGBA, at most WORK_SIZE px on a side
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
