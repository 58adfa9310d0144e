"""The language server's wire (standard input and output) made safe for any client: a message is read
only up to a size (a `Content-Length: 1000000000000` was read whole, MemoryError), a message that is
not JSON-RPC is answered per the protocol (Parse error, Invalid Request: id null) instead of a Python
traceback on standard error, and what pygls logs is one line, never a traceback."""
from __future__ import annotations

import json
import logging
import sys
import threading

MAX_MESSAGE = 16 << 20  # bytes of one message: a 1 MB buffer (the largest checked, E109) as JSON, and more
MAX_HEADER = 1 << 16  # bytes of one header line
_CHUNK = 1 << 20
PARSE_ERROR, INVALID_REQUEST = -32700, -32600
REFUSED = "$/yibao/refused"  # what pygls is handed instead of a refused message: a no-op notification
_REFUSED_BODY = json.dumps({"jsonrpc": "2.0", "method": REFUSED, "params": {}}).encode()


class Wire:
    """Standard input as pygls reads it (readline, read) and standard output as it writes it, one
    lock around every write (the wire answers refused messages itself, from the reading thread)."""

    def __init__(self, stdin, stdout, protocol):
        self.stdin, self.stdout, self.protocol = stdin, stdout, protocol
        self.lock = threading.Lock()

    # ---- reading ----
    def readline(self) -> bytes:
        return self.stdin.readline(MAX_HEADER)

    def read(self, n: int) -> bytes:
        if n > MAX_MESSAGE:
            got = self._skip(n)
            return self._refuse(None, INVALID_REQUEST, f"a message of {n} bytes (at most {MAX_MESSAGE})",
                                answer=got == n)
        body = self.stdin.read(n)
        if len(body) < n:  # the client is gone: pygls ends on an empty read
            return b""
        try:
            raw = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            return self._refuse(None, PARSE_ERROR, f"not JSON: {' '.join(str(exc).split())[:200]}")
        if not isinstance(raw, dict) or raw.get("jsonrpc") != "2.0" or not (
                isinstance(raw.get("method"), str) or "result" in raw or "error" in raw):
            return self._refuse(_id(raw), INVALID_REQUEST, "not a JSON-RPC 2.0 message")
        try:  # as pygls will read it: a message whose params do not fit its method is refused here
            json.loads(body, object_hook=self.protocol.structure_message)
        except Exception as exc:  # noqa: BLE001 — pygls's reason, whatever it is, answered as the protocol says
            code = getattr(exc, "code", INVALID_REQUEST)
            return self._refuse(_id(raw), code if isinstance(code, int) else INVALID_REQUEST,
                                f"{raw.get('method', 'a message')}: {type(exc).__name__} {exc}".strip(),
                                answer="id" in raw)
        return body

    def _skip(self, n: int) -> int:
        """Read past n bytes without keeping them: how many there were (fewer at the end of input)."""
        got = 0
        while got < n:
            part = self.stdin.read(min(_CHUNK, n - got))
            if not part:
                break
            got += len(part)
        return got

    def _refuse(self, msg_id, code: int, message: str, answer: bool = True) -> bytes:
        say(f"refused {message}")
        if answer:
            self.write(_frame({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}}))
        return _REFUSED_BODY

    # ---- writing ----
    def write(self, data: bytes) -> None:
        with self.lock:
            self.stdout.write(data)
            self.stdout.flush()

    def flush(self):
        with self.lock:
            self.stdout.flush()

    def close(self):
        self.stdout.close()


def _id(raw):
    """A message's id where it is one JSON-RPC allows (else null, as the protocol says)."""
    i = raw.get("id") if isinstance(raw, dict) else None
    return i if isinstance(i, (int, str)) and not isinstance(i, bool) else None


def _frame(message: dict) -> bytes:
    body = json.dumps(message, ensure_ascii=False).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def say(message: str):
    print(f"yibao lsp: {message}", file=sys.stderr, flush=True)


class _OneLine(logging.Formatter):
    def format(self, record):
        lines = record.getMessage().splitlines() or [""]
        return f"yibao lsp: {lines[0][:300]}"


def quiet_logs():
    """pygls's (and asyncio's) warnings and errors as one line each on standard error, without the
    traceback."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLine())
    for name in ("pygls", "asyncio"):
        log = logging.getLogger(name)
        log.handlers[:] = [handler]
        log.setLevel(logging.WARNING)
        log.propagate = False
