"""The two baselines the engine is measured against, behind one name each.

- `greedy(problem)`: the greedy nearest-qualified dispatcher, what staff do by hand
  (`benchmarks.baseline_greedy`).
- `naive_cpsat(problem, time_limit, workers, seed)`: one CP-SAT model over every candidate pair,
  no decomposition, a single weighted objective (`benchmarks.baseline_naive`); raises
  `ModelTooLarge` when it could not even be built within its budget.

Both take the public `matching.Problem` and return a `matching.Result` that `matching.validate`
checks like any engine result. They share no code with the engine (see `baseline_rules`).
"""

from __future__ import annotations

from benchmarks.baseline_greedy import greedy
from benchmarks.baseline_naive import MAX_MODEL_TERMS, MAX_PAIR_TESTS, ModelTooLarge, naive_cpsat

__all__ = ["MAX_MODEL_TERMS", "MAX_PAIR_TESTS", "ModelTooLarge", "greedy", "naive_cpsat"]
