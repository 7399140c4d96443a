"""Run a command in a child process and measure its wall time and peak memory, without psutil.

Peak memory is the largest sum of resident set sizes (VmRSS) over the child and all its
descendants (e.g. a process pool), sampled from /proc every 50 ms until the child prints the
line `SOLVED` (or exits). The kernel's own figure for the largest single process of the tree
(`os.wait4` ru_maxrss) is reported beside it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Measured:
    returncode: int
    wall_s: float  # until SOLVED (or exit)
    tree_peak_mb: float  # sampled, sum over the process tree
    max_single_mb: float  # kernel figure, largest single process
    stderr: str
    killed: str | None = None  # why the run was stopped, if it was


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


def tree(pid: int) -> list[int]:
    """pid and all its descendants."""
    children: dict[int, list[int]] = {}
    for child, parent in _parents().items():
        children.setdefault(parent, []).append(child)
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        stack.extend(children.get(p, ()))
    return out


def tree_rss_mb(pid: int) -> float:
    """Current total RSS of pid and all its descendants, in MB."""
    return sum(_rss_kb(p) for p in tree(pid)) / 1024


def run_measured(cmd: list[str], env: dict[str, str] | None = None, max_tree_mb: float | None = None
                 ) -> Measured:
    """Run cmd to completion; sample memory until it reports SOLVED. A run whose process tree
    grows past `max_tree_mb` is killed (the machine is shared), and `killed` says so."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    state: dict[str, Any] = {"peak": 0.0, "solved_at": None, "killed": None}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            pids = tree(proc.pid)
            rss = sum(_rss_kb(p) for p in pids) / 1024
            state["peak"] = max(state["peak"], rss)
            if max_tree_mb is not None and rss > max_tree_mb:
                state["killed"] = (f"process tree RSS {rss:,.0f} MB passed the cap of {max_tree_mb:,.0f} MB "
                                   f"after {time.perf_counter() - t0:.0f} s")
                for p in reversed(pids):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(p, signal.SIGKILL)
                return
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
    return Measured(proc.returncode, end - t0, state["peak"], usage.ru_maxrss / 1024, stderr[-4000:],
                    state["killed"])
