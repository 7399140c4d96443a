"""Real servers for the tests that need a socket, and the one way the tests wait for something.

- `wenming_serve`: a `wenming serve` process on a free port over a fresh, migrated SQLite file
  (or a given database), for the external checks (GraphQL over HTTP audit, fuzzing) and the
  several-process tests.
- `serve_in_thread`: an ASGI app under uvicorn in a thread of this process, on a socket bound
  here (so no other process can take the port between choosing and binding it).
- `wait_for`: poll a condition until it holds, failing with a message once a deadline passes.
  A test never sleeps a fixed time and hopes that something happened meanwhile.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import uvicorn

from db.migrate import upgrade

T = TypeVar("T")

#: seconds between two polls of a condition: short enough not to slow the tests down, long enough
#: not to busy-wait a CPU away from the server being waited for
POLL_INTERVAL = 0.05


def wait_for(check: Callable[[], T | None], timeout: float, failure: str | Callable[[], str]) -> T:
    """Call `check` until it returns something other than None or False, and return that. When
    `timeout` seconds pass first, fail with `failure` (or what it returns, called only then)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value is not None and value is not False:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"{failure if isinstance(failure, str) else failure()} (waited {timeout:g} s)")
        time.sleep(POLL_INTERVAL)  # the pause between two polls of `check`, not a wait on its own


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


#: how many ports `wenming serve` is started on before giving up, when another process took the
#: free port in the moment between choosing it and the server binding it
SERVE_ATTEMPTS = 3


@contextmanager
def wenming_serve(directory: Path, database_url: str | None = None, **env: str) -> Iterator[tuple[str, str]]:
    """Yield (GraphQL URL, database URL) of a `wenming serve` subprocess (on `database_url`, a
    migrated database, or else a fresh SQLite file in `directory`); stop it afterwards."""
    url = database_url or f"sqlite:///{directory / 'served.db'}"
    if database_url is None:
        upgrade(url)
    environment = {**os.environ, "WENMING_DATABASE_URL": url, "WENMING_LOG_LEVEL": "WARNING", **env}
    for attempt in range(1, SERVE_ATTEMPTS + 1):
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "wenming", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            if _answers_healthz(process, port):
                yield f"http://127.0.0.1:{port}/graphql", url
                return
            log = process.stderr.read().decode() if process.stderr else ""
            if "address already in use" not in log.lower() or attempt == SERVE_ATTEMPTS:
                raise AssertionError(f"wenming serve exited before answering /healthz: {log}")
        finally:
            _stop(process)


def _answers_healthz(process: subprocess.Popen[bytes], port: int) -> bool:
    """Wait until the server answers /healthz (True) or has exited (False)."""

    def outcome() -> str | None:
        if process.poll() is not None:
            return "exited"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return "answered"
        except httpx.TransportError:
            pass
        return None

    return wait_for(outcome, 30, "wenming serve did not answer /healthz") == "answered"


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stderr is not None:
        process.stderr.close()


class _Server(uvicorn.Server):
    """A uvicorn server that tells when its startup is over, whether it started or gave up."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.startup_over = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets=sockets)
        finally:
            self.startup_over.set()


@contextmanager
def serve_in_thread(app: Any, timeout: float = 10) -> Iterator[str]:
    """Serve `app` (websockets included) in a thread; yield its "host:port" once it accepts
    connections, stop it afterwards."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    address = f"127.0.0.1:{sock.getsockname()[1]}"
    server = _Server(uvicorn.Config(app, ws="websockets-sansio", log_level="warning", lifespan="on"))

    def run() -> None:
        try:
            server.run(sockets=[sock])
        finally:
            server.startup_over.set()  # also when it failed before its startup began
            sock.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        assert server.startup_over.wait(timeout), f"uvicorn did not finish starting within {timeout:g} s"
        assert server.started, "uvicorn gave up starting (see the log above)"
        yield address
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert not thread.is_alive(), "uvicorn did not stop within 10 s"
