"""Independent parts: connected components of the request-volunteer candidate graph.

Two requests are in one part when some volunteer is a candidate for both (directly or through
a chain), so parts share no volunteer and no rule links them: each is solved on its own, in
parallel, and the optima add up level by level. A `Part` is plain picklable data (numpy arrays
and tuples, local indices) so that it can travel to a process pool or a Dask worker.

Time conflicts are found here too: for two requests of a part sharing a candidate volunteer,
`conflicts` holds (r1, r2, travel minutes between the sites, certain) when some choice of starts
would break H4 (one place at a time); `certain` when both times are fixed and they always clash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from matching.arrays import NO_LIMIT, Arrays
from matching.candidates import Candidates
from matching.geo import geodesic_km, travel_minutes


@dataclass
class Part:
    """One independent subproblem in local indices (requests 0..nr-1, volunteers 0..nv-1)."""

    pid: int
    req: np.ndarray                 # global request rows
    vol: np.ndarray                 # global volunteer rows
    counts: tuple[tuple[int, ...], ...]   # per request, headcount per skill slot
    weight: np.ndarray
    partial: np.ndarray
    earliest: np.ndarray
    latest_end: np.ndarray
    duration: np.ndarray
    fixed: np.ndarray
    tasks_day: np.ndarray
    minutes_day: np.ndarray
    tasks_period: np.ndarray
    minutes_period: np.ndarray
    teams: np.ndarray               # (nv, words) bitsets
    rv: np.ndarray                  # candidate rows: local volunteer
    rr: np.ndarray                  # local request
    rk: np.ndarray                  # skill slot
    metres: np.ndarray
    minutes: np.ndarray
    pinned: np.ndarray              # bool per row
    grows: np.ndarray               # global candidate row of each local row
    domains: dict[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)   # row -> start pieces
    conflicts: tuple[tuple[int, int, int, bool], ...] = ()
    prefer: np.ndarray | None = None        # rows of a previous result (stability level)
    hint: np.ndarray | None = None          # bool per row: a known feasible solution
    hint_starts: np.ndarray | None = None   # its start per request
    flow: Any = None                        # its flow relaxation's answer, when already solved (flow.FlowSolution)

    @property
    def nr(self) -> int:
        return len(self.req)

    @property
    def nv(self) -> int:
        return len(self.vol)

    @property
    def size(self) -> int:
        return len(self.rv)

    def has_pins(self) -> bool:
        return bool(self.pinned.any())


def split(arr: Arrays, cand: Candidates, prefer: set[tuple[int, int]] | None = None) -> list[Part]:
    """Parts of the candidate graph (requests without candidates form no part), in a stable
    order: by the smallest request row they contain."""
    if len(cand) == 0:
        return []
    nv, nr = arr.nv, arr.nr
    n = len(cand)
    graph = coo_matrix((np.ones(n, np.int8), (cand.v, nv + cand.r)), shape=(nv + nr, nv + nr))
    _, label = connected_components(graph, directed=False)
    row_label = label[cand.v]
    order = np.argsort(row_label, kind="stable")
    bounds = np.flatnonzero(np.diff(row_label[order])) + 1
    groups = np.split(order, bounds)
    groups.sort(key=lambda g: int(cand.r[g].min()))
    pins = set(arr.pins)
    return [_part(arr, cand, pid, rows, pins, prefer) for pid, rows in enumerate(groups)]


def _part(arr: Arrays, cand: Candidates, pid: int, rows: np.ndarray, pins: set[tuple[int, int]],
          prefer: set[tuple[int, int]] | None) -> Part:
    rows = np.sort(rows)
    req, rr = np.unique(cand.r[rows], return_inverse=True)
    vol, rv = np.unique(cand.v[rows], return_inverse=True)
    gv, gr = cand.v[rows], cand.r[rows]
    pinned = np.fromiter(((a, b) in pins for a, b in zip(gv.tolist(), gr.tolist())), bool, len(rows)) \
        if pins else np.zeros(len(rows), bool)
    pref = None
    if prefer:
        pref = np.fromiter(((a, b) in prefer for a, b in zip(gv.tolist(), gr.tolist())), bool, len(rows))
    domains = {i: tuple(cand.domains[int(g)]) for i, g in enumerate(rows) if int(g) in cand.domains}
    part = Part(
        pid=pid, req=req, vol=vol,
        counts=tuple(tuple(c for _, c, _ in arr.r_needs[r]) for r in req.tolist()),
        weight=arr.r_weight[req], partial=arr.r_partial[req], earliest=arr.r_earliest[req],
        latest_end=arr.r_latest_end[req], duration=arr.r_duration[req], fixed=arr.r_fixed[req],
        tasks_day=arr.tasks_day[vol], minutes_day=arr.minutes_day[vol], tasks_period=arr.tasks_period[vol],
        minutes_period=arr.minutes_period[vol], teams=arr.v_teams[vol],
        rv=rv.astype(np.int64), rr=rr.astype(np.int64), rk=cand.k[rows], metres=cand.metres[rows],
        minutes=cand.minutes[rows], pinned=pinned, grows=rows, domains=domains, prefer=pref)
    part.conflicts = tuple(_conflicts(arr, part))
    return part


def _conflicts(arr: Arrays, part: Part) -> list[tuple[int, int, int, bool]]:
    """Request pairs of the part that share a candidate and whose times may clash (H4)."""
    by_vol: dict[int, set[int]] = {}
    for v, r in zip(part.rv.tolist(), part.rr.tolist()):
        by_vol.setdefault(v, set()).add(r)
    pairs = sorted({(a, b) for rs in by_vol.values() if len(rs) > 1
                    for a in rs for b in rs if a < b})
    if not pairs:
        return []
    p = np.asarray(pairs, np.int64)
    a, b = p[:, 0], p[:, 1]
    ga, gb = part.req[a], part.req[b]
    km = geodesic_km(arr.rlat[ga], arr.rlon[ga], arr.rlat[gb], arr.rlon[gb]) * arr.detour
    t = travel_minutes(km, arr.speed_kmh)
    es, le, d = part.earliest, part.latest_end, part.duration
    ls = le - d
    # some start difference s_b - s_a in [es_b - ls_a, ls_b - es_a] lies in (-(d_b + t), d_a + t)
    clash = (es[b] - ls[a] < d[a] + t) & (ls[b] - es[a] > -(d[b] + t))
    clash &= ~((d[a] + t == 0) & (d[b] + t == 0))
    certain = clash & part.fixed[a] & part.fixed[b]
    return [(int(x), int(y), int(z), bool(c)) for x, y, z, c, k in zip(a, b, t, certain, clash) if k]


def limited(values: np.ndarray) -> np.ndarray:
    """Mask of entries that carry a real limit (not NO_LIMIT)."""
    return values < NO_LIMIT
