"""A real `wenming serve` process on a free port over a fresh, migrated SQLite file, for the
external checks (GraphQL over HTTP audit, fuzzing)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from db.migrate import upgrade


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def wenming_serve(directory: Path, **env: str) -> Iterator[tuple[str, str]]:
    """Yield (GraphQL URL, database URL) of a `wenming serve` subprocess; stop it afterwards."""
    url = f"sqlite:///{directory / 'served.db'}"
    upgrade(url)
    port = free_port()
    environment = {**os.environ, "WENMING_DATABASE_URL": url, "WENMING_LOG_LEVEL": "WARNING", **env}
    process = subprocess.Popen([sys.executable, "-m", "wenming", "serve", "--host", "127.0.0.1", "--port", str(port)],
                               env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, f"wenming serve exited: {process.stderr.read().decode() if process.stderr else ''}"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "wenming serve did not answer /healthz within 30 s"
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/graphql", url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()
