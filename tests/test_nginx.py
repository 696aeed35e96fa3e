"""deploy/nginx.conf and deploy/streamlit-hosted.toml, checked by the real nginx.

The site is rendered for loopback ports the way the load test renders it
(scripts/local_server.render_site), with a self-signed certificate made by the
openssl CLI, passed through `nginx -t`, and started in front of a tiny HTTP
server that stands in for a Streamlit replica. Without nginx or openssl these
tests are skipped, unless REQUIRE_NGINX=1 (CI), where they fail.
"""

import http.client
import os
import re
import shutil
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import tomllib

from scripts.local_server import (
    NGINX,
    NGINX_SITE,
    ROOT,
    free_port,
    nginx_check,
    render_site,
    self_signed_cert,
    start_nginx,
    wait_healthy,
)

PROFILE = ROOT / "deploy" / "streamlit-hosted.toml"


@pytest.fixture(scope="module")
def tools():
    """nginx and openssl, or a skip (a failure where REQUIRE_NGINX=1)."""
    missing = [
        name
        for name, path in (("nginx", NGINX), ("openssl", shutil.which("openssl")))
        if not (path and os.access(path, os.X_OK))
    ]
    if missing:
        message = f"not installed: {', '.join(missing)} (apt-get install nginx openssl)"
        if os.environ.get("REQUIRE_NGINX") == "1":
            pytest.fail(message)
        pytest.skip(message)


class Replica(BaseHTTPRequestHandler):
    """A stand-in for a Streamlit replica: answers every path with its own name; /hold
    answers only once `release` is set (a long-lived request, like a WebSocket)."""

    protocol_version = "HTTP/1.1"
    seen: list[str] = []
    held = threading.Semaphore(0)
    release = threading.Event()

    def do_GET(self):
        type(self).seen.append(self.path)
        if self.path == "/hold":
            type(self).held.release()
            type(self).release.wait()
        body = b"ok" if self.path == "/_stcore/health" else f"replica {self.path}".encode()
        self.send_response(200)
        if self.path == "/xsrf":  # as Streamlit sets it, over plain HTTP: not Secure
            self.send_header("Set-Cookie", "_streamlit_xsrf=2|abc|def|123; Path=/; SameSite=Lax")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def nginx_dir(tmp_path_factory):
    """The proxy's folder: its config, certificate and logs."""
    return tmp_path_factory.mktemp("nginx")


@pytest.fixture(scope="module")
def proxy(tools, nginx_dir):
    """nginx with TLS in front of one stand-in replica: (https port, http port, SSL context)."""
    tmp = nginx_dir
    replica = ThreadingHTTPServer(("127.0.0.1", 0), Replica)
    replica.daemon_threads = True
    threading.Thread(target=replica.serve_forever, daemon=True).start()
    cert = self_signed_cert(tmp)
    https, http = free_port(), free_port()
    nginx = start_nginx(tmp, render_site([replica.server_address[1]], https, cert, http))
    context = ssl.create_default_context(cafile=str(cert[0]))  # trusts our certificate only
    try:
        wait_healthy(f"https://127.0.0.1:{https}", nginx, context=context)
        yield https, http, context
    finally:
        Replica.release.set()
        nginx.terminate()
        nginx.wait()
        replica.shutdown()


def get(port, path, context=None, cookie=None):
    """(status, headers as (name, value) pairs, body) of one GET to 127.0.0.1:port."""
    if context is None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    else:
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=60, context=context)
    try:
        conn.request("GET", path, headers={"Cookie": f"softmax_replica={cookie}"} if cookie else {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read().decode()
    finally:
        conn.close()


def header(headers, name):
    return [value for key, value in headers if key.lower() == name.lower()]


@pytest.mark.parametrize("tls", [True, False], ids=["https", "plain-for-the-load-test"])
def test_the_config_passes_nginx_t(tools, tmp_path, tls):
    cert = self_signed_cert(tmp_path) if tls else None
    check = nginx_check(tmp_path, render_site([8501, 8502], free_port(), cert, free_port()))
    assert check.returncode == 0, check.stderr
    assert "test is successful" in check.stderr


def test_plain_http_is_sent_to_https(proxy):
    https, http, _ = proxy
    status, headers, _ = get(http, "/?lang=zh&lr=0.1")
    assert status == 301
    assert header(headers, "Location") == [f"https://127.0.0.1:{https}/?lang=zh&lr=0.1"]


def test_https_answers_with_the_security_headers_and_a_secure_cookie(proxy):
    https, _, context = proxy
    status, headers, body = get(https, "/?lang=en", context)
    assert status == 200 and body == "replica /?lang=en"
    assert header(headers, "Strict-Transport-Security") == ["max-age=31536000"]
    assert header(headers, "X-Frame-Options") == ["SAMEORIGIN"]
    assert header(headers, "Referrer-Policy") == ["no-referrer"]  # secrets in links stay put
    [cookie] = header(headers, "Set-Cookie")
    name_value, *flags = [part.strip() for part in cookie.split(";")]
    assert name_value.startswith("softmax_replica=") and len(name_value) > 20
    assert {"Secure", "HttpOnly", "SameSite=Lax", "Path=/"} <= set(flags)


def test_the_cookie_is_kept_and_is_not_the_clients_to_invent_on_first_visit(proxy):
    https, _, context = proxy
    _, headers, _ = get(https, "/", context, cookie="abc123")
    assert header(headers, "Set-Cookie")[0].startswith("softmax_replica=abc123;")
    first = [header(get(https, "/", context)[1], "Set-Cookie")[0] for _ in range(2)]
    assert first[0] != first[1]  # a fresh random key per new browser


@pytest.mark.parametrize(
    "path",
    [
        "/_stcore/metrics",
        "/_stcore/metrics?format=proto",
        "//_stcore/metrics",
        "/_stcore/%6Detrics",
        "/_stcore/metrics/",
    ],
)
def test_metrics_are_not_public(proxy, path):
    https, _, context = proxy
    before = len(Replica.seen)
    status, headers, body = get(https, path, context)
    assert status == 404 and "replica" not in body
    assert Replica.seen[before:] == []  # never reached the replica
    assert header(headers, "X-Frame-Options") == ["SAMEORIGIN"]


def limit(name: str) -> int:
    """The number in `limit_conn <name> N;` of deploy/nginx.conf."""
    line = next(
        line
        for line in (ROOT / "deploy" / "nginx.conf").read_text().splitlines()
        if line.strip().startswith(f"limit_conn {name} ")
    )
    return int(line.split()[2].rstrip(";"))


@pytest.mark.parametrize("holder", ["student-a", None], ids=["cookie", "no-cookie-yet"])
def test_connection_limit_is_per_client_not_per_address(proxy, holder):
    """One client holding the limit's worth of open requests is refused one more; another
    client from the same address (a classmate behind the school's NAT) is not."""
    https, _, context = proxy
    n = limit("softmax_conn")
    assert 30 <= n <= 200  # a class's tabs fit, a flood does not
    Replica.release.clear()
    threads = [
        threading.Thread(target=get, args=(https, "/hold", context, holder)) for _ in range(n)
    ]
    for thread in threads:
        thread.start()
    try:
        for _ in range(n):
            assert Replica.held.acquire(timeout=60)  # all n are open inside nginx
        assert get(https, "/", context, holder)[0] == 429
        assert get(https, "/", context, "classmate")[0] == 200
    finally:
        Replica.release.set()
        for thread in threads:
            thread.join()
    assert get(https, "/", context, holder)[0] == 200  # free again once they ended


def options(toml: dict, prefix: str = "") -> dict:
    """'theme.light.primaryColor' -> value: Streamlit's option names, sections nested."""
    flat = {}
    for name, value in toml.items():
        if isinstance(value, dict):
            flat.update(options(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def test_the_hosted_profile_is_the_repo_config_plus_the_hosting_settings():
    hosted = tomllib.loads(PROFILE.read_text())
    local = options(tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text()))
    flat = options(hosted)
    for name, value in local.items():
        assert flat.get(name) == value, f"{name} differs"
    server = hosted["server"]
    assert server["address"] == "127.0.0.1"  # only nginx reaches a replica
    assert server["enableXsrfProtection"] and server["enableCORS"]
    assert server["allowedHosts"] and all(
        "/" not in h and ":" not in h for h in server["allowedHosts"]
    )


def test_streamlit_knows_every_option_and_enforces_the_allowed_hosts():
    from streamlit import config
    from streamlit.web.server.starlette.starlette_websocket import is_host_allowed

    hosted = tomllib.loads(PROFILE.read_text())
    known = config.get_config_options()
    names = list(options(hosted))
    assert [n for n in names if n not in known] == []  # a typo would be ignored silently
    allowed = hosted["server"]["allowedHosts"]
    try:
        config.set_option("server.allowedHosts", allowed)
        assert is_host_allowed(f"{allowed[0]}:443")  # the port is ignored
        assert not is_host_allowed("attacker.example")  # DNS rebinding: refused
    finally:
        config.set_option("server.allowedHosts", [])


def policy(headers, name: str) -> dict[str, list[str]]:
    """A policy header's directives: {'img-src': ["'self'", 'data:'], ...}."""
    [value] = header(headers, name)
    return {d.split()[0]: d.split()[1:] for d in value.split(";") if d.strip()}


def test_the_content_security_policy_allows_this_origin_only(proxy):
    https, _, context = proxy
    csp = policy(get(https, "/", context)[1], "Content-Security-Policy")
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'self'"] and csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
    # the WebSocket to this host (nginx fills in the host the browser asked for)
    assert csp["connect-src"] == ["'self'", "wss://127.0.0.1", "data:"]
    for directive, sources in csp.items():
        foreign = [s for s in sources if s not in ("'self'", "'none'", "'unsafe-inline'", "data:")]
        assert foreign in ([], ["wss://127.0.0.1"]), f"{directive}: {foreign}"
        assert "'unsafe-eval'" not in sources and "*" not in sources and "https:" not in sources
    # why each relaxation is there is written next to it in deploy/nginx.conf
    assert {d for d, s in csp.items() if "'unsafe-inline'" in s} == {"script-src", "style-src"}


def test_permissions_policy_allows_the_camera_here_and_nothing_else(proxy):
    https, _, context = proxy
    [value] = header(get(https, "/", context)[1], "Permissions-Policy")
    permissions = dict(item.strip().split("=") for item in value.split(","))
    assert permissions.pop("camera") == "(self)"  # the Your image page's camera
    assert {"microphone", "geolocation", "payment", "usb", "display-capture"} <= set(permissions)
    assert set(permissions.values()) == {"()"}  # every other feature: off


@pytest.mark.parametrize("path", ["/", "/_stcore/metrics", "/no-such-page"])
def test_nginx_does_not_say_its_version(proxy, path):
    https, http, context = proxy
    for _, headers, body in (get(https, path, context), get(http, path)):
        assert header(headers, "Server") == ["nginx"]  # server_tokens off: no version
        assert not re.search(r"nginx/\d", body)


def test_the_xsrf_cookie_is_made_secure_behind_tls(proxy):
    https, _, context = proxy
    cookies = header(get(https, "/xsrf", context)[1], "Set-Cookie")
    [xsrf] = [c for c in cookies if c.startswith("_streamlit_xsrf=")]
    assert "secure" in [flag.strip().lower() for flag in xsrf.split(";")]
    assert xsrf.startswith("_streamlit_xsrf=2|abc|def|123;")  # the value untouched


def test_the_plain_rendering_for_the_load_test_drops_the_secure_flags():
    site = render_site([8501], 8080)
    assert "proxy_cookie_flags" not in site and "Secure;" not in site
    assert "proxy_cookie_flags _streamlit_xsrf secure;" in NGINX_SITE.read_text()


def test_the_access_logs_hold_no_query_string_and_no_referer(proxy, nginx_dir):
    https_port, http_port, context = proxy
    secret = "/?me=SECRET-identity&teach=SECRET.token"
    for conn in (
        http.client.HTTPSConnection("127.0.0.1", https_port, timeout=60, context=context),
        http.client.HTTPConnection("127.0.0.1", http_port, timeout=60),  # the redirect server
    ):
        conn.request("GET", secret, headers={"Referer": f"https://elsewhere.example{secret}"})
        assert conn.getresponse().status in (200, 301)
        conn.close()
    private = (nginx_dir / "private.log").read_text()  # the site's own format
    assert '"GET / HTTP/1.1" 200' in private and '"GET / HTTP/1.1" 301' in private
    for log in ("private.log", "access.log"):  # the load test's format too
        assert "SECRET" not in (nginx_dir / log).read_text()
