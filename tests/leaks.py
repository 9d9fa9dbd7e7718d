"""The test session's last sweep for what was left open (tests/conftest.py's `pytest_sessionfinish`).

A socket, file or other resource that nothing closed is freed by the cyclic garbage collector when it sits
in a reference cycle, maybe minutes later and in another test, maybe only at the session's end (where its
ResourceWarning once failed a green run under `filterwarnings = error`). `sweep_unclosed` runs that
collection itself and says what it freed open and, when tracemalloc traces, where each one was made:
run the tests with `-X tracemalloc=20` to see it (PYTHONTRACEMALLOC=20 works too; the worker and API
processes the tests start do not inherit it: tests/conftest.py's `worker_env` drops it, as tracing made
their model load miss WORKER_READY_TIMEOUT_S).
"""

from __future__ import annotations

import gc
import os
import tracemalloc
import warnings
from pathlib import Path

LOOPBACK_HEX = "0100007F"
"""127.0.0.1 as /proc/net/tcp writes it."""


def sweep_unclosed() -> list[str]:
    """Collect garbage now; one report per object the collection found left open (its ResourceWarning), with
    the traceback of its allocation (oldest call first) when tracemalloc traced it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        gc.collect()
    reports = []
    for warning in caught:
        if not issubclass(warning.category, ResourceWarning):
            continue
        report = str(warning.message)
        where = tracemalloc.get_object_traceback(warning.source) if warning.source is not None else None
        if where is not None:
            report += "\nallocated at:\n" + "\n".join(where.format())
        reports.append(report)
    return reports


def connections_to(port: int) -> list[str]:
    """This process's TCP sockets whose peer is 127.0.0.1:`port`, in any state (one to a killed server stays
    open, half-closed, until closed), as "local port, state" strings: read from /proc/net/tcp and this
    process's file descriptors. A client that was dropped without `close()` still holds its socket until the
    cyclic collector frees it, so a test's own servers can check at teardown that their clients were closed."""
    ours = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # a descriptor closed while listing (the listing's own)
            continue
        if target.startswith("socket:["):
            ours.add(target[len("socket:["):-1])
    found = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()  # sl local_address rem_address st … inode (addresses hex ip:port, ip little-endian)
        remote_ip, remote_port = fields[2].split(":")
        if remote_ip == LOOPBACK_HEX and int(remote_port, 16) == port and fields[9] in ours:
            found.append(f"{int(fields[1].split(':')[1], 16)}, state {fields[3]}")
    return found

