"""Run a command in a child process and measure its wall time and peak memory, without psutil.

Peak memory is the largest sum of resident set sizes (VmRSS) over the child and all its
descendants (e.g. a process pool), sampled from /proc every 50 ms until the child prints the
line `SOLVED` (or exits). The kernel's own figure for the largest single process of the tree
(`os.wait4` ru_maxrss) is reported beside it.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Measured:
    returncode: int
    wall_s: float  # until SOLVED (or exit)
    tree_peak_mb: float  # sampled, sum over the process tree
    max_single_mb: float  # kernel figure, largest single process
    stderr: str


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process, from /proc/<pid>/stat."""
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    out[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
                continue
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def tree_rss_mb(pid: int) -> float:
    """Current total RSS of pid and all its descendants, in MB."""
    children: dict[int, list[int]] = {}
    for child, parent in _parents().items():
        children.setdefault(parent, []).append(child)
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += _rss_kb(p)
        stack.extend(children.get(p, ()))
    return total / 1024


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run cmd to completion; sample memory until it reports SOLVED."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    state = {"peak": 0.0, "solved_at": None}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            state["peak"] = max(state["peak"], tree_rss_mb(proc.pid))
            done.wait(0.05)

    def read_stdout() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == "SOLVED" and state["solved_at"] is None:
                state["solved_at"] = time.perf_counter()
                done.set()

    sampler, reader = threading.Thread(target=sample), threading.Thread(target=read_stdout)
    sampler.start()
    reader.start()
    assert proc.stderr is not None
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    reader.join()
    proc.stdout.close()  # type: ignore[union-attr]
    proc.stderr.close()
    end = state["solved_at"] or time.perf_counter()
    return Measured(proc.returncode, end - t0, state["peak"], usage.ru_maxrss / 1024, stderr[-4000:])
