"""The app in Chromium behind deploy/nginx.conf (HTTPS, its Content-Security-Policy on):
every page works and breaks no rule of the policy, an upload and a camera shot work, and
a costly picture is refused with a clear message (screenshots in both languages, on a
laptop and a phone screen).
"""

from __future__ import annotations

import io
import os
import shutil
import ssl
import struct
import tempfile
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from lib.decode import MAX_SCANS
from lib.i18n import t
from lib.pages import PAGES
from scripts.local_server import (
    CHROMIUM_ARGS,
    NGINX,
    free_port,
    render_site,
    self_signed_cert,
    start_nginx,
    wait_healthy,
)

from .browser import assert_healthy, open_url, settle, shoot
from .conftest import chromium_path

# Chromium reports this one: protobuf's long.js tries WebAssembly, is refused (no
# 'wasm-unsafe-eval'), and falls back to plain JavaScript (deploy/nginx.conf).
KNOWN = {"script-src wasm-eval"}
RECORD = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"""


@pytest.fixture(scope="module")
def site(live_server):
    """https://127.0.0.1:<port> of nginx (TLS, self-signed) in front of the live server."""
    if not (os.access(NGINX, os.X_OK) and shutil.which("openssl")):
        pytest.skip("nginx and openssl are needed (apt-get install nginx openssl)")
    # Not under pytest's tmp folder: its parents are private to this user, and nginx's
    # workers (another user) write request bodies over 16 KB (a camera shot) in tmp/body.
    tmp = Path(tempfile.mkdtemp(prefix="nginx-browser-"))
    https = free_port()
    nginx = start_nginx(tmp, render_site([live_server.port], https, self_signed_cert(tmp)))
    url = f"https://127.0.0.1:{https}"
    try:
        wait_healthy(url, nginx, context=ssl._create_unverified_context())
        yield url
    finally:
        nginx.terminate()
        nginx.wait()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def camera_browser(browser):
    """Chromium with a fake camera that needs no click to allow it."""
    fake = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
    chromium = browser.browser_type.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS + fake
    )
    yield chromium
    chromium.close()


@pytest.fixture
def open_site(site, camera_browser):
    contexts = []

    def make(width=1280, height=720):
        context = camera_browser.new_context(
            ignore_https_errors=True, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(60_000)
        context.grant_permissions(["camera"], origin=site)
        context.add_init_script(RECORD)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def violations(page) -> set[str]:
    return {v.strip() for v in page.evaluate("window.__csp")} - KNOWN


def upload(page, name: str, data: bytes, mime: str) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        {"name": name, "mimeType": mime, "buffer": data}
    )
    page.wait_for_timeout(1000)
    settle(page)


def shirt() -> bytes:
    img = Image.new("RGB", (600, 400), "white")
    ImageDraw.Draw(img).rectangle((200, 100, 400, 300), fill=(30, 30, 30))
    buffer = io.BytesIO()
    img.save(buffer, "JPEG")
    return buffer.getvalue()


def scan_bomb() -> bytes:
    """A progressive JPEG whose last scan is repeated MAX_SCANS times more."""
    buffer = io.BytesIO()
    Image.new("L", (256, 256), 200).save(buffer, "JPEG", progressive=True)
    data = buffer.getvalue()
    last = data.rindex(b"\xff\xda")  # 0xFFDA is never inside compressed data
    return data[:-2] + data[last:-2] * MAX_SCANS + data[-2:]


def thin_png() -> bytes:
    """1 × 24,000,000 grey pixels: a 24 KB file."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    z = zlib.compressobj(9)
    idat = b"".join(z.compress(b"\x00\x80" * 1000) for _ in range(24_000)) + z.flush()
    ihdr = struct.pack(">IIBBBBB", 1, 24_000_000, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_every_page_works_behind_nginx_with_its_security_policy(open_site, site):
    page = open_site()
    for spec in PAGES:
        open_url(page, f"{site}/{spec.url}?lang=zh")
        assert_healthy(page, spec.name)
        # the app's own inline scripts ran: they set the page's language
        assert page.evaluate("document.documentElement.lang") == "zh-CN", spec.name
    assert violations(page) == set()
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["_streamlit_xsrf"]["secure"]  # nginx added the flag


def test_an_upload_and_a_camera_shot_work_behind_nginx(open_site, site):
    page = open_site()
    open_url(page, f"{site}/your_image?lang=en")
    upload(page, "shirt.jpg", shirt(), "image/jpeg")
    images = page.locator('[data-testid="stImage"] img')
    assert images.count() == 2  # the picture and what the model sees
    page.get_by_text(t("your_image.camera_toggle", "en")).click()
    settle(page)
    page.wait_for_function("document.querySelector('video')?.readyState >= 2")  # streaming
    page.get_by_role("button", name="Take Photo").click()
    images.nth(1).wait_for()  # the fake camera's shot, prepared
    settle(page)
    assert images.count() == 2
    assert violations(page) == set()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width, height", [(1280, 720), (375, 812)], ids=["laptop", "phone"])
def test_costly_pictures_are_refused_with_a_clear_message(open_site, site, lang, width, height):
    page = open_site(width, height)
    open_url(page, f"{site}/your_image?lang={lang}")
    for name, data, mime, key in (
        ("bomb.jpg", scan_bomb(), "image/jpeg", "your_image.err.too_many_scans"),
        ("thin.png", thin_png(), "image/png", "your_image.err.too_long"),
    ):
        upload(page, name, data, mime)
        error = page.locator('[data-testid="stAlertContentError"]')
        assert error.count() == 1, name
        message = error.inner_text()
        first_words = t(key, lang, limit=MAX_SCANS, width=1, height=24_000_000)[:12]
        assert message.startswith(first_words), message
        assert_healthy(page, f"{lang} {name}")
        shoot(page, f"your-image-refused-{key.rsplit('.', 1)[1]}-{lang}-{width}x{height}")
    upload(page, "shirt.jpg", shirt(), "image/jpeg")  # the page keeps working
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    assert page.locator('[data-testid="stImage"] img').count() == 2
