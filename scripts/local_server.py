"""Start `streamlit run serve.py` (the app behind its flood guard) on a free loopback port
and wait until it is healthy; render deploy/nginx.conf for loopback ports and start nginx
in front of replicas.

Shared by the browser tests (tests/e2e), the nginx test (tests/test_nginx.py) and the
load test (scripts/loadtest.py).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Debian's Chromium, headless, as root, on a machine with no outside network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_streamlit(
    port: int, log, env: dict | None = None, prelude: str | None = None, script: str = "serve.py"
) -> subprocess.Popen:
    """The app on 127.0.0.1:port, its output into the open file `log`.

    `script`: serve.py, as deployed (app.py behind flood_guard); "app.py" runs the
    app without the guard.

    `prelude`: Python code the server process runs before Streamlit starts (the
    load test times the store's calls this way); the command is then
    `python -c "<prelude>; <streamlit's main>" run serve.py ...`.
    """
    launch = ["-m", "streamlit"]
    if prelude:
        launch = [
            "-c",
            f"{prelude}\nimport sys\nfrom streamlit.web.cli import main\n"
            "sys.exit(main(prog_name='streamlit'))",
        ]
    return subprocess.Popen(
        [
            sys.executable,
            *launch,
            "run",
            script,
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=dict(os.environ) if env is None else env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_healthy(
    url: str,
    proc: subprocess.Popen | None,
    timeout: float = 60,
    context: ssl.SSLContext | None = None,
) -> None:
    """Return once url/_stcore/health answers 'ok' (over https with `context`);
    RuntimeError if proc exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2, context=context) as r:
                if r.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url}/_stcore/health did not answer 'ok' within {timeout} s")


# ---- nginx in front of replicas (the load test, tests/test_nginx.py) -------------------

NGINX_SITE = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, valid one day, made with the openssl CLI:
    (cert.pem, key.pem) in folder. For loopback tests only."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _sub_once(pattern: str, repl, text: str, what: str, flags=re.M) -> str:
    text, n = re.subn(pattern, repl, text, flags=flags)
    if n != 1:
        raise RuntimeError(f"{NGINX_SITE}: expected one {what}, found {n}")
    return text


def render_site(
    replicas: list[int],
    listen: int,
    tls: tuple[Path, Path] | None = None,
    http_listen: int | None = None,
) -> str:
    """deploy/nginx.conf for loopback ports: the replica list, and either HTTPS on `listen`
    with the certificate `tls` (and the redirect on `http_listen`), or plain HTTP on
    `listen` (the redirect server, TLS lines, HSTS and the cookies' Secure flags removed)."""
    site = NGINX_SITE.read_text()
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=2 fail_timeout=10s;\n" for p in replicas)
    site = _sub_once(
        r"(# replicas: begin\n).*?(\s*# replicas: end)",
        lambda m: m.group(1) + servers + m.group(2).lstrip("\n"),
        site,
        "replica block",
        flags=re.S,
    )
    redirect = r"^server \{\n    listen 80;\n.*?^\}\n"
    if tls is None:
        site = _sub_once(redirect, "", site, "port-80 server", flags=re.M | re.S)
        site = _sub_once(
            r"^(\s*)listen 443 ssl http2;.*$",
            rf"\1listen 127.0.0.1:{listen};",
            site,
            "listen 443 line",
        )
        site = re.sub(
            r"^[ \t]*ssl_\w+[ \t].*\n|^.*Strict-Transport-Security.*\n", "", site, flags=re.M
        )
        site = _sub_once(r"^[ \t]*proxy_cookie_flags .*\n", "", site, "XSRF cookie's Secure flag")
        return _sub_once(r"Secure; ", "", site, "Secure cookie flag")
    cert, key = tls
    site = _sub_once(
        r"^(\s*)listen 80;",
        rf"\1listen 127.0.0.1:{http_listen or free_port()};",
        site,
        "listen 80 line",
    )
    site = _sub_once(
        r"https://\$host\$request_uri", f"https://$host:{listen}$request_uri", site, "redirect"
    )
    site = _sub_once(
        r"^(\s*)listen 443 ssl http2;",
        rf"\1listen 127.0.0.1:{listen} ssl http2;",
        site,
        "listen 443 line",
    )
    site = _sub_once(r"^(\s*ssl_certificate\s+)\S+;", rf"\g<1>{cert};", site, "certificate")
    return _sub_once(r"^(\s*ssl_certificate_key\s+)\S+;", rf"\g<1>{key};", site, "key")


def nginx_config(tmp: Path, site: str) -> Path:
    """A main config in tmp (no root paths, no daemon) that includes the rendered site.
    The site's own access log (its secret-free format) goes to tmp/private.log, and
    next to it tmp/access.log in the load test's format (also without query strings)."""
    site = re.sub(
        r"^([ \t]*)access_log /var/log/nginx/\S+ softmax_private;",
        rf"\1access_log {tmp}/access.log lt;\n\1access_log {tmp}/private.log softmax_private;",
        site,
        flags=re.M,
    )
    (tmp / "site.conf").write_text(site)
    path = tmp / "nginx.conf"
    path.write_text(f"""
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 2048; }}
http {{
    # the replica(s) tried, the request without its query string (as in the site's own
    # log: no secrets), the status, the affinity cookie sent and the hash key used (on a
    # first visit: the value of the cookie it hands out)
    log_format lt '$upstream_addr "$request_method $uri $server_protocol" $status '
                  '$cookie_softmax_replica $softmax_replica';
    access_log {tmp}/access.log lt;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include /etc/nginx/mime.types;
    include {tmp}/site.conf;
}}
""")
    return path


def nginx_check(tmp: Path, site: str) -> subprocess.CompletedProcess:
    """`nginx -t` on the rendered site; the result holds nginx's verdict in stderr."""
    os.chmod(tmp, 0o777)  # the workers run as an unprivileged user
    conf = nginx_config(tmp, site)
    return subprocess.run(
        [NGINX, "-t", "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(conf)],
        capture_output=True,
        text=True,
    )


def start_nginx(tmp: Path, site: str) -> subprocess.Popen:
    """nginx in the foreground on the rendered site, after `nginx -t` (RuntimeError if bad)."""
    check = nginx_check(tmp, site)
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
    return subprocess.Popen(
        [NGINX, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(tmp / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "stderr.log", "w"),
    )
