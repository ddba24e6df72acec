"""The call engine, for a driver with an HTTP stack of its own (aiohttp, httpx, urllib, ...).

A :class:`Call` is the core's state machine for one API call, the same one the Rust, C and Go
clients and :class:`bidcert.Client` drive: it hands out each :class:`Attempt` (signed afresh,
with a new nonce), is fed what the HTTP stack saw (:meth:`Call.on_response`, or
:meth:`Call.on_transport_error` with one of :data:`TRANSPORT_KINDS`), and answers
:class:`Done`, :class:`Retry` (wait ``after`` seconds, then ask again) or :class:`Fail`
(``raise decision.error``). Retries, backoff, the time budget, the body limit, the user agent
and clock-skew correction are decided there; a driver only moves bytes. The clock, the nonce
and the jitter default to the system's and can be given, to replay a call.

A driver on urllib (an aiohttp or httpx one has the same shape, with ``await``)::

    import http.client
    import socket
    import time
    import urllib.error
    import urllib.request
    from typing import Any, TypeVar

    import bidcert
    from bidcert.exchange import Call, Done, Retry

    T = TypeVar("T")

    def read(response: Any, limit: int) -> bytes:
        # At most `limit` bytes; a body shorter than its Content-Length was cut off.
        body: bytes = response.read(limit)
        if len(body) < limit and response.length:
            raise http.client.IncompleteRead(body, response.length)
        return body

    def drive(call: Call[T]) -> T:
        while True:
            attempt = call.next_request()
            request = urllib.request.Request(
                attempt.url, data=attempt.body, method=attempt.method, headers=attempt.headers
            )
            limit = attempt.max_body_bytes + 1  # one byte more: the call refuses a longer body
            try:
                try:
                    with urllib.request.urlopen(request, timeout=attempt.timeout) as r:
                        decision = call.on_response(r.status, r.headers, read(r, limit))
                except urllib.error.HTTPError as e:  # urllib raises for a 4xx or 5xx answer
                    decision = call.on_response(e.code, e.headers, read(e.fp, limit))
            except urllib.error.URLError as e:  # no connection
                kind = "timeout" if isinstance(e.reason, socket.timeout) else "connect"
                decision = call.on_transport_error(kind, str(e.reason))
            except socket.timeout as e:
                decision = call.on_transport_error("timeout", str(e))
            except (OSError, http.client.HTTPException) as e:  # reset, closed, truncated
                decision = call.on_transport_error("reset", str(e))
            if isinstance(decision, Done):
                return decision.value
            if not isinstance(decision, Retry):
                raise decision.error
            time.sleep(decision.after)

    signer = bidcert.Signer(credentials, crm_endpoint=endpoint)  # endpoint: for the emulator
    call = Call(bidcert.QueryCertifiedInfo(pk, "NORMAL"), signer)
    info = drive(call)
    print(info.is_certified)
    clock_offset = call.clock_offset  # start the next Call with it: Call(..., clock_offset=...)
"""

from __future__ import annotations

from typing import TypeVar, Union

from bidcert._native import (
    RESPONSE_HEADERS,
    TRANSPORT_KINDS,
    Attempt,
    Call,
    Done,
    Fail,
    Policy,
    Retry,
)

__all__ = [
    "Call",
    "Attempt",
    "Done",
    "Retry",
    "Fail",
    "Decision",
    "Policy",
    "TRANSPORT_KINDS",
    "RESPONSE_HEADERS",
]

_T = TypeVar("_T")

#: What :meth:`Call.on_response` and :meth:`Call.on_transport_error` answer.
Decision = Union[Done[_T], Retry, Fail]
