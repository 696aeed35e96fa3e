"""A bounded self-test of the hostile cases in docs/security.md, against a local server.

    .venv/bin/python -m scripts.attack                        # starts its own server
    .venv/bin/python -m scripts.attack --url http://127.0.0.1:8501
    .venv/bin/python -m scripts.attack --only flood --messages 2000

Not part of the pytest run (tests/test_flood.py runs the flood case itself). The
server must be on this machine: any host but 127.0.0.1, ::1 or localhost is
refused before anything is sent. Without --url the script starts `streamlit run
serve.py` on a free loopback port (FASHION_MNIST_ROOT passed on, a SQLite store in
a temporary folder) and stops it at the end. Every case speaks Streamlit's own
protocol with scripts.loadtest's WsStudent; each is bounded in messages and in
seconds (--timeout per step, --deadline in all), and the script stops by itself.

Cases, one row each in docs/security.md's table:
- flood: a victim opens the page and trains 1 epoch, alone (its normal times);
  then again while an attacker sends --messages rerun_script messages on one
  WebSocket as fast as it can (with --max-sockets N > 1 it reconnects and
  floods again, at most N sockets, until the victim is done). Figures: the victim's times
  and their ratio to normal, messages sent per socket before the server closed
  it, the close code and reason; then /_stcore/health and a fresh session.
- clear_cache: a session sends the clear_cache BackMsg (which would empty every
  student's shared caches: the training engine, the store); the server must drop
  it (its log says so when this script started the server) and keep serving.
- forged_cookie: page loads with identity cookies the server never issued (the
  right length, 10 KB, SQL, non-ASCII, HTML): the page must render with no
  exception shown and the server stay healthy.
- upload: a 6 MB file (the limit is 5 MB) PUT to the upload route of a live
  session, with and without Content-Length: it must be refused (413).
Exit code 0 when every case held.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import os
import secrets
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from lib.config import TrainConfig
from scripts.loadtest import Plan, WsStudent, stop
from scripts.local_server import free_port, start_streamlit, wait_healthy

ONE_EPOCH = Plan(TrainConfig(num_epochs=1), 0)  # what each student of the attack trains

LOCAL_HOSTS = ("127.0.0.1", "::1", "localhost")
CASES = ("flood", "clear_cache", "forged_cookie", "upload")
UPLOAD_LIMIT_MB = 5  # .streamlit/config.toml server.maxUploadSize
CLOSE_WAIT_S = 10  # s an attacker socket waits for the server to close it
GUARD_DROPPED = "flood guard: dropped a clear_cache"  # flood_guard's log line


class RefusedHost(ValueError):
    """A URL that is not this machine's loopback."""


def local_url(url: str) -> str:
    """`url` without a trailing slash, if it is http://127.0.0.1/::1/localhost; else RefusedHost."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOCAL_HOSTS:
        raise RefusedHost(f"{url}: only http://127.0.0.1, ::1 or localhost may be attacked")
    return url.rstrip("/")


def health(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as r:
            return r.read().decode().strip() == "ok"
    except OSError:
        return False


# ---- flood ---------------------------------------------------------------------------


async def opened_attacker(url: str, timeout: float) -> WsStudent:
    attacker = WsStudent(url, ONE_EPOCH, timeout)
    await attacker.open()
    return attacker


async def flood_socket(url: str, messages: int, timeout: float, attacker=None) -> dict:
    """One attacker socket (`attacker`, or a new one that opens the page first): send
    `messages` rerun_script messages as fast as possible without reading; stop when the
    server closes the socket."""
    from websockets.exceptions import ConnectionClosed

    attacker = attacker or await opened_attacker(url, timeout)
    payload, sent, t = attacker._rerun(), 0, time.perf_counter()
    with contextlib.suppress(ConnectionClosed):
        for _ in range(messages):
            await attacker.ws.send(payload)
            sent += 1
    with contextlib.suppress(asyncio.TimeoutError):  # an unguarded server never closes it
        await asyncio.wait_for(attacker.ws.wait_closed(), min(timeout, CLOSE_WAIT_S))
    code, reason = attacker.ws.close_code, attacker.ws.close_reason
    await attacker.close()
    return {"sent": sent, "seconds": time.perf_counter() - t, "code": code, "reason": reason}


async def victim_times(url: str, timeout: float) -> tuple[float, float]:
    """(page load s, click-to-result s of a 1-epoch training) of a fresh student."""
    victim = WsStudent(url, ONE_EPOCH, timeout)
    t = time.perf_counter()
    await victim.open()
    opened = time.perf_counter() - t
    t = time.perf_counter()
    await victim.train()
    trained = time.perf_counter() - t
    await victim.close()
    return opened, trained


async def flood(url: str, messages: int, max_sockets: int, timeout: float) -> dict:
    """The flood case: the victim's normal times, its times under the flood, the sockets."""
    await victim_times(url, timeout)  # warm-up: the data set loads on the first training
    normal = [await victim_times(url, timeout) for _ in range(2)]
    normal_open = statistics.median(o for o, _ in normal)
    normal_train = statistics.median(t for _, t in normal)
    sockets: list[dict] = []
    done = asyncio.Event()

    first = await opened_attacker(url, timeout)  # its page load is not the flood

    async def attack():
        sockets.append(await flood_socket(url, messages, timeout, first))
        while not done.is_set() and len(sockets) < max_sockets:
            sockets.append(await flood_socket(url, messages, timeout))

    attacker = asyncio.create_task(attack())
    try:
        flooded_open, flooded_train = await victim_times(url, timeout)
    finally:
        done.set()
        await attacker
    fresh = await victim_times(url, timeout)
    return {
        "normal_open_s": normal_open,
        "normal_train_s": normal_train,
        "flooded_open_s": flooded_open,
        "flooded_train_s": flooded_train,
        "open_ratio": flooded_open / normal_open,
        "train_ratio": flooded_train / normal_train,
        "sockets": sockets,
        "healthy_after": health(url),
        "fresh_session_open_s": fresh[0],
    }


# ---- clear_cache, forged cookies, uploads ----------------------------------------------


async def clear_cache(url: str, timeout: float, log: Path | None) -> dict:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    student = WsStudent(url, ONE_EPOCH, timeout)
    await student.open()
    msg = BackMsg()
    msg.clear_cache = True
    await student.ws.send(msg.SerializeToString())
    await student.ws.send(student._rerun())
    await student._read_until(lambda alert: None)  # the page still renders
    await student.close()
    dropped = None if log is None else GUARD_DROPPED in log.read_text(errors="replace")
    return {"dropped": dropped, "healthy_after": health(url)}


FORGED = {
    "well-formed, never issued": secrets.token_hex(24),
    "10 KB": "a" * 10_000,
    "SQL": "x' OR '1'='1",
    "non-ASCII": "学生" * 20,
    "HTML": "<script>alert(1)</script>",
}


SHOWN, REFUSED = "page shown", "connection refused"
FORGED_TIMEOUT = 10  # s: a server that does not answer a handshake has refused it


async def forged_cookie(url: str, timeout: float) -> dict:
    """Each forged cookie: the page is shown, or the server refuses the connection (a
    header too large for it); an exception on the page or a dead server is a failure."""
    from websockets.exceptions import InvalidStatus

    pages = {}
    for name, value in FORGED.items():
        student = WsStudent(
            url, ONE_EPOCH, min(timeout, FORGED_TIMEOUT), cookie=urllib.parse.quote(value)
        )
        try:
            await student.open()
            pages[name] = SHOWN
        except (TimeoutError, OSError, InvalidStatus) as exc:  # no session for it
            pages[name] = f"{REFUSED} ({type(exc).__name__})"
        except Exception as exc:  # noqa: BLE001 - an exception on the page, reported
            pages[name] = f"{type(exc).__name__}: {str(exc)[:80]}"
        finally:
            with contextlib.suppress(Exception):
                await student.close()
    return {"pages": pages, "healthy_after": health(url)}


async def session_id(student: WsStudent, timeout: float) -> str:
    """The Streamlit session id of an open student (from the next run's new_session)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    await student.ws.send(student._rerun())
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(await asyncio.wait_for(student.ws.recv(), timeout))
        if msg.WhichOneof("type") == "new_session":
            return msg.new_session.initialize.session_id


def put_file(url: str, path: str, headers: dict, size: int, chunked: bool) -> int:
    """PUT a multipart body carrying `size` bytes; the HTTP status (or 0: connection cut)."""
    boundary = "attack" + secrets.token_hex(8)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    body = [head, *(b"\0" * (1 << 20) for _ in range(size >> 20)), tail]
    try:
        if chunked:
            conn.request("PUT", path, body=iter(body), headers=headers, encode_chunked=True)
        else:
            conn.request("PUT", path, body=b"".join(body), headers=headers)
        return conn.getresponse().status
    except OSError:
        return 0
    finally:
        conn.close()


def xsrf_cookie(url: str) -> str:
    """The XSRF cookie the server hands out (with /_stcore/health, as the browser gets it);
    an upload must carry it and the same value in its X-Xsrftoken header."""
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as r:
        for cookie in r.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            if name.strip() == "_streamlit_xsrf":
                return value.strip()
    raise RuntimeError("the server set no _streamlit_xsrf cookie")


async def upload(url: str, timeout: float) -> dict:
    student = WsStudent(url, ONE_EPOCH, timeout)
    await student.open()
    sid = await session_id(student, timeout)
    xsrf = await asyncio.to_thread(xsrf_cookie, url)
    student.jar["_streamlit_xsrf"] = xsrf
    headers = {"Cookie": student._cookie_header(), "X-Xsrftoken": xsrf}
    size = (UPLOAD_LIMIT_MB + 1) << 20
    path = f"/_stcore/upload_file/{sid}/attack-file"
    statuses = {
        kind: await asyncio.to_thread(put_file, url, path, headers, size, kind == "chunked")
        for kind in ("content-length", "chunked")
    }
    await student.close()
    return {"size_mb": size >> 20, "statuses": statuses, "healthy_after": health(url)}


# ---- running the cases -----------------------------------------------------------------


async def run_cases(args, log: Path | None) -> dict:
    results = {}
    for case in args.only or CASES:
        t = time.perf_counter()
        if case == "flood":
            r = await flood(args.url, args.messages, args.max_sockets, args.timeout)
        elif case == "clear_cache":
            r = await clear_cache(args.url, args.timeout, log)
        elif case == "forged_cookie":
            r = await forged_cookie(args.url, args.timeout)
        else:
            r = await upload(args.url, args.timeout)
        r["held"] = held(case, r)
        r["case_s"] = time.perf_counter() - t
        results[case] = r
        print_case(case, r)
    return results


def held(case: str, r: dict) -> bool:
    if not r["healthy_after"]:
        return False
    if case == "flood":
        first = r["sockets"][0]
        return r["open_ratio"] <= 2 and r["train_ratio"] <= 2 and first["code"] == 1008
    if case == "clear_cache":
        return r["dropped"] is not False
    if case == "forged_cookie":
        return all(v.startswith((SHOWN, REFUSED)) for v in r["pages"].values())
    return all(status == 413 for status in r["statuses"].values())


def print_case(case: str, r: dict) -> None:
    print(f"\n== {case}: {'held' if r['held'] else 'FAILED'} ({r['case_s']:.1f} s)")
    if case == "flood":
        print(
            f"victim page load {r['normal_open_s']:.2f} s normally, "
            f"{r['flooded_open_s']:.2f} s under the flood ({r['open_ratio']:.2f}x)"
        )
        print(
            f"victim training {r['normal_train_s']:.2f} s normally, "
            f"{r['flooded_train_s']:.2f} s under the flood ({r['train_ratio']:.2f}x)"
        )
        for i, s in enumerate(r["sockets"], 1):
            print(
                f"socket {i}: {s['sent']} messages sent in {s['seconds']:.2f} s, "
                f"closed with {s['code']} {s['reason']!r}"
            )
        print(
            f"afterwards: health ok {r['healthy_after']}, a fresh page in "
            f"{r['fresh_session_open_s']:.2f} s"
        )
    else:
        print({k: v for k, v in r.items() if k not in ("held", "case_s")})


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", help="a running server on this machine (default: start one)")
    p.add_argument("--only", nargs="+", choices=CASES, help="run these cases only")
    p.add_argument("--messages", type=int, default=2000, help="rerun messages per socket")
    p.add_argument(
        "--max-sockets",
        type=int,
        default=1,
        help="attacker sockets: >1 reconnects and floods again until the victim is done",
    )
    p.add_argument("--timeout", type=float, default=60, help="seconds per step")
    p.add_argument("--deadline", type=float, default=600, help="seconds in all")
    args = p.parse_args(argv)
    if not 1 <= args.messages <= 10_000 or not 1 <= args.max_sockets <= 100:
        p.error("--messages must be 1..10000 and --max-sockets 1..100")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        args.url = local_url(args.url) if args.url else None
    except RefusedHost as exc:
        print(exc, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="attack-") as tmp:
        server, log = None, None
        if args.url is None:
            port, log = free_port(), Path(tmp) / "server.log"
            env = {**os.environ, "SOFTMAX_DB_URL": f"sqlite:///{tmp}/softmax.db"}
            server = start_streamlit(port, open(log, "w"), env=env)  # noqa: SIM115
            args.url = f"http://127.0.0.1:{port}"
        try:
            if server is not None:
                wait_healthy(args.url, server)
            results = asyncio.run(asyncio.wait_for(run_cases(args, log), args.deadline))
        finally:
            if server is not None:
                stop(server)
    failed = [case for case, r in results.items() if not r["held"]]
    print(f"\n{len(results) - len(failed)} of {len(results)} cases held", end="")
    print(f"; failed: {', '.join(failed)}" if failed else "")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
