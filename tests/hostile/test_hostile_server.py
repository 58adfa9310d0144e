"""Issue 24, item 10: `yibao serve` closes connections that send nothing, or send a request too slowly
(1,100 idle sockets under `ulimit -n 1024` locked every client out). A few dozen idle sockets and a
short deadline show it; the deadline itself is server/timeouts.py's."""
from __future__ import annotations

import socket
import threading
import time

import pytest

uvicorn = pytest.importorskip("uvicorn")

from yibao.server.timeouts import guarded_h11  # noqa: E402

WAIT = 60  # a guard against hanging, not a timing assertion
IDLE = 40


async def _hello(scope, receive, send):
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture
def server():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(_hello, log_level="warning", access_log=False, lifespan="off",
                            http=guarded_h11(read_timeout=1.0), timeout_keep_alive=1)
    s = uvicorn.Server(config)
    thread = threading.Thread(target=s.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(600):  # start-up, not a timing assertion
        if s.started or not thread.is_alive():
            break
        time.sleep(0.05)
    assert s.started
    yield sock.getsockname()
    s.should_exit = True
    thread.join(30)


def _closed_by_server(conn: socket.socket) -> bool:
    """Whether the server closes this connection (read until it does; WAIT guards a hang)."""
    conn.settimeout(WAIT)
    try:
        while conn.recv(4096):
            pass
        return True
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


def _get(address) -> bytes:
    with socket.create_connection(address, timeout=WAIT) as c:
        c.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := c.recv(4096):
            data += chunk
        return data


def test_idle_connections_that_never_send_a_request_are_closed(server):
    idle = [socket.create_connection(server, timeout=WAIT) for _ in range(IDLE)]
    try:
        assert all(_closed_by_server(c) for c in idle)
        assert _get(server).startswith(b"HTTP/1.1 200")  # and the server still serves
    finally:
        for c in idle:
            c.close()


def test_a_request_sent_a_byte_at_a_time_is_cut_off(server):
    """Slowloris: headers that never end, a byte at a time (each byte reset uvicorn's own keep-alive
    timer, where one was armed at all)."""
    request = b"GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 400  # no end of headers
    with socket.create_connection(server, timeout=WAIT) as c:
        cut = False
        for byte in request:
            try:
                c.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                cut = True
                break
            time.sleep(0.05)  # pacing the attacker, not a measurement
        assert cut or _closed_by_server(c)
    assert _get(server).startswith(b"HTTP/1.1 200")


def test_a_slow_answer_is_not_cut_off_once_the_request_is_in(server):
    """The deadline is on reading the request; keep-alive then serves the next one on the same socket."""
    with socket.create_connection(server, timeout=WAIT) as c:
        for _ in range(2):
            c.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert c.recv(4096).startswith(b"HTTP/1.1 200")


def test_yibao_serve_uses_the_guarded_protocol_and_a_keep_alive(monkeypatch):
    import argparse
    from yibao.server import command
    seen = {}

    class Recorder:
        def __init__(self, config):
            seen["config"], self.started = config, True

        def run(self):
            pass
    monkeypatch.setattr(uvicorn, "Server", Recorder)
    monkeypatch.setattr("yibao.server.app.create_app", lambda policies=None, cors=(): _hello)
    command.run(argparse.Namespace(host="127.0.0.1", port=0, policies=None, cors=[]))
    config = seen["config"]
    assert config.http.__name__ == "GuardedH11Protocol" and config.timeout_keep_alive == 5
