"""Progress events of a solve, for a terminal line, a dispatch run's row or a notebook.

`SolveOptions.progress` receives one `Progress` per event; `str(event)` is the line a terminal
shows, and the fields say the same for a program: the phase, how many independent parts are solved
of how many, and the objective of the parts solved so far (parts share no volunteer, so their
objectives add up; once every part of the last round is solved it is the result's objective).
"""

from __future__ import annotations

from dataclasses import dataclass

from matching.result import Objective


@dataclass(frozen=True)
class Progress:
    """One event: `phase` is "candidates", "decomposed", "solving" or "widening"."""

    phase: str
    message: str
    parts_done: int = 0
    parts_total: int = 0
    objective: Objective | None = None

    def __str__(self) -> str:
        return self.message
