"""RQ job functions for the fault tests: the real `workers.queue.jobs.convert_job` with the engine's first OCR call
made to stall, so a job is slow *by construction* on any machine, however fast.

Worker processes import these by path (`tests.workers.stalls.…`) from their working directory, the repo
root, outside pytest: this module imports nothing from pytest or the test suite.

- `convert_with_a_python_stall`: the OCR call sleeps in Python, which rq's soft timeout (SIGALRM) does
  interrupt: the job fails with `timeout` through rq's own timeout path.
- `convert_with_a_native_hang`: the OCR call sleeps in native code (a C function compiled by the test,
  `HANG_C`) that restarts its sleep after every signal, as a wedged onnxruntime or OpenCV call would: rq's
  soft timeout cannot end it, the worker's watchdog must.
"""

from __future__ import annotations

import ctypes
import time
from collections.abc import Callable
from typing import Any

STALL_S = 3600
"""How long a stalled OCR call lasts: far beyond any job timeout the tests set."""

HANG_C = r"""
#include <errno.h>
#include <time.h>
/* Sleep `seconds` in native code, restarting after every signal: a call Python cannot interrupt. */
void gongwen_test_hang(unsigned seconds) {
    struct timespec left = {seconds, 0};
    while (nanosleep(&left, &left) == -1 && errno == EINTR) {}
}
"""

PYTHON_STALL_FUNC = "tests.workers.stalls.convert_with_a_python_stall"
NATIVE_HANG_FUNC = "tests.workers.stalls.convert_with_a_native_hang"


def _convert_with_stalled_ocr(sha256: str, filename: str, options: dict[str, Any],
                              stall: Callable[[], None]) -> Any:
    """The real convert_job, with `stall()` run before the engine's first page recognition."""
    from workers.queue import jobs

    rt = jobs.runtime()
    real = rt.engine

    class StalledEngine:
        def recognise(self, image: Any, page: int) -> Any:
            stall()
            return real.recognise(image, page)

        def recognise_crops(self, crops: Any) -> Any:
            return real.recognise_crops(crops)

    rt.engine = StalledEngine()
    try:
        return jobs.convert_job(sha256, filename, options)
    finally:
        rt.engine = real


def convert_with_a_python_stall(sha256: str, filename: str, options: dict[str, Any]) -> Any:
    """RQ job function: convert_job whose OCR call sleeps STALL_S in Python (interruptible by SIGALRM)."""
    return _convert_with_stalled_ocr(sha256, filename, options, lambda: time.sleep(STALL_S))


def convert_with_a_native_hang(sha256: str, filename: str, options: dict[str, Any], library: str) -> Any:
    """RQ job function: convert_job whose OCR call hangs STALL_S in native code (`library` built from HANG_C)."""
    return _convert_with_stalled_ocr(sha256, filename, options,
                                     lambda: ctypes.CDLL(library).gongwen_test_hang(STALL_S))
