"""tests/leaks.py: the session's last sweep names what was left open and where it was made."""

from __future__ import annotations

import inspect
import socket
import tracemalloc

from leaks import connections_to, sweep_unclosed  # tests/leaks.py (tests/ is on sys.path)


class _Cycle:
    """An object that refers to itself: freed only by the cyclic collector, as the leaked clients were."""

    def __init__(self) -> None:
        self.me = self
        self.sock = socket.socket()
        self.line = inspect.currentframe().f_lineno - 1  # type: ignore[union-attr]


def test_a_socket_left_open_in_a_cycle_is_reported_with_where_it_was_made() -> None:
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start(5)
    try:
        line = _Cycle().line
        reports = sweep_unclosed()
    finally:
        if not tracing:
            tracemalloc.stop()
    ours = [r for r in reports if f'test_leaks.py", line {line}' in r]
    assert len(ours) == 1, reports
    assert ours[0].startswith("unclosed <socket.socket") and "allocated at:" in ours[0]


def test_a_closed_socket_is_not_reported() -> None:
    cycle = _Cycle()
    cycle.sock.close()
    del cycle
    assert not [r for r in sweep_unclosed() if "unclosed <socket" in r]


def test_connections_to_lists_this_process_s_open_sockets_to_a_port() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = server.accept()
        assert connections_to(port) == [f"{client.getsockname()[1]}, state 01"]  # established; not the server's
        accepted.close()
        assert len(connections_to(port)) == 1  # the peer has gone: half-closed, still open here
        client.close()
        assert connections_to(port) == []
