"""`yibao serve`'s connection timeouts. uvicorn closes a connection idle after a response
(timeout_keep_alive) but not one that never sends a request, nor one that sends it a byte at a time:
each such socket held a file descriptor for ever, and 1,100 of them under `ulimit -n 1024` locked every
client out. Here a whole request (its headers and body) must arrive within READ_TIMEOUT seconds of
the connection opening or of the previous response; else the connection is closed. The time the
notice takes to answer is not counted."""
from __future__ import annotations

KEEP_ALIVE = 5  # seconds a connection may stay idle after a response (uvicorn's own default)
READ_TIMEOUT = 20  # seconds to send a whole request, headers and body


def guarded_h11(read_timeout: float = READ_TIMEOUT):
    """uvicorn's h11 protocol with a deadline on reading each request."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class GuardedH11Protocol(H11Protocol):
        _deadline = None

        def connection_made(self, transport):
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.conn.their_state in (h11.DONE, h11.MUST_CLOSE, h11.CLOSED):  # the request is in
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()  # the next request, if any, within the deadline too

        def connection_lost(self, exc) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self):
            self._disarm()
            self._deadline = self.loop.call_later(read_timeout, self._too_slow)

        def _disarm(self):
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _too_slow(self):
            self._deadline = None
            if not self.transport.is_closing() and (self.cycle is None or self.cycle.response_complete
                                                    or self.conn.their_state is not h11.DONE):
                self.transport.close()

    return GuardedH11Protocol
