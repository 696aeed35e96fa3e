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
"""
from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

MAX_BYTES = 5 * 1024 * 1024   # the upload limit (.streamlit/config.toml: maxUploadSize = 5)
MAX_PIXELS = 40_000_000       # 40 megapixels: refuse decompression bombs before decoding
WORK_SIZE = 512               # shrink big photos to this before the pixel work (fast)
CANVAS = 28                   # Fashion-MNIST's image side
OBJECT_SIZE = 28              # the object's longer side: in Fashion-MNIST it spans all 28 px
FORMATS = ("PNG", "JPEG")


class ImageError(ValueError):
    """A file that cannot become a model input; `key` names the message to show."""

    def __init__(self, key: str, **fields):
        super().__init__(key)
        self.key = key          # e.g. "your_image.err.empty"
        self.fields = fields    # str.format fields of that message


@dataclass(frozen=True)
class Prepared:
    """The photo as shown and as the model sees it."""

    original: Image.Image     # the photo, RGB, at most WORK_SIZE px on a side
    x: np.ndarray             # (784,) float32 in [0, 1], light object on black
    inverted: bool            # True when the background was light and got flipped


def open_image(data: bytes) -> Image.Image:
    """Check size and format before decoding, then decode the whole file."""
    if not data:
        raise ImageError("your_image.err.empty")
    if len(data) > MAX_BYTES:
        raise ImageError("your_image.err.too_big", mb=len(data) / 2**20, limit=MAX_BYTES / 2**20)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=FORMATS)  # reads the header only
            if img.width * img.height > MAX_PIXELS:
                raise ImageError("your_image.err.too_many_pixels", limit=MAX_PIXELS / 1e6)
            img.draft("RGB", (WORK_SIZE, WORK_SIZE))  # JPEG: decode at a smaller scale
            img.load()
            img = ImageOps.exif_transpose(img)        # phone photos: the camera's rotation
            img.thumbnail((WORK_SIZE, WORK_SIZE))
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
    gray = np.clip(gray - np.median(border), 0, 1)       # background -> about 0
    if gray.max() < 0.1:
        raise ImageError("your_image.err.blank")
    gray = gray / gray.max()                             # contrast: brightest pixel -> 1
    rows, cols = np.nonzero(gray > threshold)
    return gray[rows.min():rows.max() + 1, cols.min():cols.max() + 1]


def center_on_canvas(obj: np.ndarray, size: int = OBJECT_SIZE,
                     canvas: int = CANVAS) -> np.ndarray:
    """Resize so the longer side is `size` px (aspect kept), paste in the middle."""
    h, w = obj.shape
    scale = size / max(h, w)
    new_w, new_h = max(1, round(w * scale)), max(1, round(h * scale))
    small = Image.fromarray(np.uint8(obj * 255)).resize((new_w, new_h), Image.LANCZOS)
    out = np.zeros((canvas, canvas), dtype=np.float32)    # black, like Fashion-MNIST
    top, left = (canvas - new_h) // 2, (canvas - new_w) // 2
    out[top:top + new_h, left:left + new_w] = np.asarray(small, dtype=np.float32) / 255
    return out


def preprocess(data: bytes) -> Prepared:
    """PNG/JPEG bytes -> one Fashion-MNIST-like input vector x of 784 pixels."""
    img = open_image(data)
    gray, inverted = dark_background(to_gray(img))
    x = center_on_canvas(crop_to_object(gray))           # (28, 28)
    return Prepared(img.convert("RGB"), x.reshape(-1), inverted)  # x: (784,)
