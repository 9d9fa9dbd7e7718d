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
import tracemalloc
import warnings


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
