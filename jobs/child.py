"""A run's solve in a child process of its own: killed when the run is cancelled, and bounded in
memory, so a runaway scenario fails alone instead of growing the server.

`solve_apart(target, args, ...)` starts a child (multiprocessing's forkserver context, the engine
preloaded, so a child starts in milliseconds and shares no database connection or thread with
the server) that calls `target(*args, progress=...)`, a module-level function, and sends back
progress events and the picklable result over a pipe. The calling thread relays each event to
`progress` (which may raise RunCancelled) and asks `cancelled()` a few times a second; on
cancellation, or whatever else ends the wait, the child's process group (the child and the engine's
pool workers it started) is killed at once.

A child whose server is gone (killed, say, before it could kill the child) notices within a
second, since its heartbeat on the pipe breaks, and kills its own process group.

The child's address space is limited to `memory_mb` (RLIMIT_AS): an allocation past it raises
MemoryError there, and the run fails with the reason "memory limit: ...". An error of one of the
`known` types fails the run with its message; any other error, or a child that dies, fails it
pointing to the server log, where the child's traceback is written.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import resource
import signal
import threading
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from jobs.queue import RunCancelled, RunFailed

#: seconds between two looks at cancellation while the child works
POLL_SECONDS = 0.1
#: seconds a killed child is given to be reaped
REAP_SECONDS = 5.0
#: seconds between two heartbeats of the child, by which it learns that its server is gone
WATCH_SECONDS = 1.0

CONTEXT = mp.get_context("forkserver")
CONTEXT.set_forkserver_preload(["jobs.child", "matching", "matching.scenarios.runner"])


class SolverCrashed(Exception):
    """The solve raised an unexpected error in the child (`name`: its type; the message holds the
    child's traceback, for the server log)."""

    def __init__(self, name: str, trace: str) -> None:
        super().__init__(f"{name} in the solver process:\n{trace}")
        self.name = name


def solve_apart(target: Callable[..., Any], args: tuple[Any, ...], *, memory_mb: int,
                progress: Callable[[Any], None], cancelled: Callable[[], bool],
                known: tuple[type[Exception], ...]) -> Any:
    """`target(*args, progress=...)` in a child process, as described in the module docstring."""
    receiver, sender = CONTEXT.Pipe(duplex=False)
    child = CONTEXT.Process(target=_child, args=(sender, memory_mb, target, args, known), name="wenming solve")
    child.start()
    sender.close()  # the child (and pool workers it forks) hold the sending end
    try:
        while True:
            if cancelled():
                raise RunCancelled()
            if not receiver.poll(POLL_SECONDS):
                if not child.is_alive() and not receiver.poll():  # died, its pool workers holding the pipe
                    raise _stopped(child, memory_mb)
                continue
            try:
                kind, value = receiver.recv()
            except EOFError:
                raise _stopped(child, memory_mb) from None
            if kind == "progress":
                progress(value)
            elif kind == "beat":
                pass
            elif kind == "done":
                return value
            elif kind == "memory":
                raise RunFailed(f"memory limit: the run needed more than {memory_mb} MB "
                                "(WENMING_RUN_MEMORY_MB); make the scenario or the scope smaller")
            elif kind == "known":
                raise RunFailed(value)
            else:
                raise SolverCrashed(*value)
    finally:
        _kill(child)
        receiver.close()


def _stopped(child: Any, memory_mb: int) -> RunFailed:
    child.join(REAP_SECONDS)
    return RunFailed(f"the solver process stopped unexpectedly (exit code {child.exitcode}), perhaps past its "
                     f"memory limit of {memory_mb} MB; see the server log")


def _kill(child: Any) -> None:
    """Kill the child's process group (its pool workers too), or the child alone if it has not made
    its group yet, and reap it."""
    if child.pid is not None:
        # ended with its group, or not yet its own group leader: then the child alone
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGKILL)
        if child.is_alive():
            child.kill()
    child.join(REAP_SECONDS)
    child.close()


def _child(conn: Connection, memory_mb: int, target: Callable[..., Any], args: tuple[Any, ...],
           known: tuple[type[Exception], ...]) -> None:
    """The child's life: its own process group, its server watch, its memory limit (last: the
    watch's thread is started within it), the solve, one last message."""
    os.setpgrp()
    lock = threading.Lock()

    def send(message: tuple[str, Any]) -> None:
        with lock:
            conn.send(message)

    threading.Thread(target=_watch, args=(send,), name="server watch", daemon=True).start()
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    message: tuple[str, Any]
    try:
        message = ("done", target(*args, progress=lambda event: send(("progress", event))))
    except MemoryError:
        message = ("memory", None)
    except known as exc:
        message = ("known", str(exc))
    except Exception as exc:  # noqa: BLE001 -- reported to the parent, which fails the run
        message = ("crashed", (type(exc).__name__, "".join(traceback.format_exception(exc))))
    try:
        send(message)
    except MemoryError:  # the result itself is too large to send within the limit
        send(("memory", None))
    conn.close()


def _watch(send: Callable[[tuple[str, Any]], None]) -> None:
    """Beat on the pipe every WATCH_SECONDS; once the server's end is closed, kill this process group."""
    while True:
        time.sleep(WATCH_SECONDS)
        try:
            send(("beat", None))
        except OSError:  # BrokenPipeError: nobody waits for this solve any more
            os.killpg(0, signal.SIGKILL)
