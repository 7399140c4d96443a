"""How to run a solve: time limit, parallel workers, seed, executor choice, extra rules."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matching.rules import Rule

#: the deterministic budget of a one-worker solve, as a share of its time limit: what is left
#: covers candidates, model building, relaxations and explanations, and a machine slower or
#: busier than ordinary (the week scenario, 20 s: 14.7 and 16.5 s on 2 cores, identical KPIs;
#: at 0.6 a busy machine's clock cut it)
DETERMINISTIC_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """Options of `solve` and `resolve`.

    time_limit   wall-clock seconds for the whole solve (best solution so far returned after it)
    workers      parallel processes for independent parts (1 = run in this process) and CP-SAT
                 search workers per part
    seed         random seed for CP-SAT; with workers=1 the same problem and seed give the same result
    deterministic_time  deterministic seconds bounding the searches (default:
                 `DETERMINISTIC_SHARE` of `time_limit` when workers=1 without Dask, else none).
                 With it every phase sizes its work by deterministic time (CP-SAT's, and the
                 LP's iterations), never by the clock, so the same problem and options give the
                 same result however loaded the machine is; the wall clock is only a safety cap,
                 and a result it cut says so (`Result.message`). With more workers, parts on a
                 pool each get this budget
    dask_scheduler  address of a Dask scheduler (`tcp://host:8786`); when set, parts run on that
                 cluster (the library reads no environment: the command lines and the API pass
                 WENMING_DASK_SCHEDULER here)
    candidates_per_slot  how many nearest qualified volunteers to keep per skill slot (a pruning
                 cap; pins and a request's only qualified people are always kept)
    explain      compute explanations and open-request reasons
    progress     optional callable(Progress) receiving progress events (str() of one is its line)
    extra_rules  hard rules of the caller's own (`matching.rules.Rule`, pairwise: candidate
                 filters), in force beside H1-H10; `validate(..., extra_rules=...)` checks them
    """

    time_limit: float = 10.0
    workers: int = 1
    seed: int = 0
    dask_scheduler: str | None = None
    candidates_per_slot: int = 30
    explain: bool = True
    progress: object = None
    extra_rules: tuple[Rule, ...] = ()
    deterministic_time: float | None = None


@dataclass(frozen=True, slots=True)
class Budget:
    """Search time for a part: a wall-clock `deadline` (a `time.time()` instant) and, for
    reproducible runs, a deterministic budget (`deterministic` seconds). With one, the searches
    stop on deterministic time and the deadline is only the safety cap that keeps the solve
    within its limit on a machine too slow or loaded for the budget."""

    deadline: float
    deterministic: float | None = None

    def wall_out(self) -> bool:
        """Whether the clock has reached the deadline."""
        return time.time() >= self.deadline
