"""Worker processes that die with their parent.

A process pool's workers outlive a parent killed by SIGTERM or SIGKILL: they are re-parented,
never exit, and hold memory and the output pipe. :func:`worker_pool` starts workers that
(1) ask the Linux kernel to kill them when their parent dies (``prctl(PR_SET_PDEATHSIG)``),
(2) also watch their parent's id twice a second where that call is not available, and
(3) leave Ctrl-C to the parent. :func:`stop_pool` cancels what has not started and kills the
workers at once, so an interrupted run stops within the chunk in progress.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext

_PR_SET_PDEATHSIG = 1


def _die_with() -> None:
    """Initializer of every worker (module level, so it pickles). The parent is the process
    that started the worker: this process for ``fork``, the fork server (which exits with this
    process) for ``forkserver``."""
    parent = os.getppid()
    if parent == 1:  # already orphaned before it could ask
        os._exit(1)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    watch_parent(parent)


def watch_parent(parent: int) -> None:
    """In a worker: leave Ctrl-C to ``parent`` and exit within half a second once this
    process's parent is no longer ``parent`` (it died, killed included). The whole of a
    worker's tie to its parent where ``prctl(PR_SET_PDEATHSIG)`` cannot serve: that signal
    follows the *thread* that started the worker, so a pool started from a short-lived thread
    would lose its workers when the thread retires."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="guaranty-parent-watch", daemon=True).start()


def worker_pool(workers: int, mp_context: BaseContext | None = None) -> ProcessPoolExecutor:
    """A process pool of ``workers`` whose workers die with this process."""
    return ProcessPoolExecutor(workers, mp_context=mp_context, initializer=_die_with)


def stop_pool(pool: ProcessPoolExecutor, *, failed: bool) -> None:
    """Shut ``pool`` down: wait for it after success; after a failure or an interrupt, cancel
    the chunks not started and kill the workers now (their partial work is dropped)."""
    if not failed:
        pool.shutdown()
        return
    processes = list(getattr(pool, "_processes", {}).values())  # CPython's pool keeps them here
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=2.0)


@contextlib.contextmanager
def owned_pool(workers: int) -> Iterator[ProcessPoolExecutor | None]:
    """A :func:`worker_pool` for the ``with`` block (``None`` for one worker), stopped on the
    way out: waited for after success, killed after an error or an interrupt."""
    if workers <= 1:
        yield None
        return
    pool = worker_pool(workers)
    failed = True
    try:
        yield pool
        failed = False
    finally:
        stop_pool(pool, failed=failed)


def terminate_on_sigterm() -> None:
    """Turn SIGTERM into :class:`KeyboardInterrupt` in the main thread, so that ``finally``
    blocks stop worker pools and no partial output is written (the command-line entry point
    calls this). Both signals are unblocked too: a mask is inherited across exec, and a parent
    that started this process with SIGINT or SIGTERM blocked would leave Ctrl-C pending
    forever."""
    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    with contextlib.suppress(ValueError):  # not the main thread: leave signals alone
        signal.signal(signal.SIGTERM, handler)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
