"""The min-cost-flow core: a part as pure assignment, solved exactly by OR-Tools.

Network: source -> volunteer (one unit arc per possible task, the k-th costing 2k-1, so a
volunteer's arcs sum to n(v)^2: workload balance is a convex cost) -> [volunteer x request,
when a volunteer qualifies for several slots of one request: at most once per request] ->
(request, slot) -> sink (capacity = headcount); a bypass source -> sink carries unfilled slots.
Pair arcs cost `-weight * M1 (- prefer * MP) + metres * M2`: with M2 above any workload
difference and M1 (MP) above any travel-and-workload difference, minimum cost is exactly the
lexicographic optimum of staffing (stability), travel and workload.

Pins (H8) are kept by a bonus on pinned arcs larger than anything dropping a pin could gain
(one unit of flow freed is worth less than `2 * M1 * max weight`), so the flow uses every pin
whenever the pins fit together in the network, and its optimum is the best flow that keeps them.
What the network cannot say is dropped: time clashes (H4), minutes limits, per-day caps beyond
one day, all-or-nothing staffing and flexible start choice. So the flow optimum is a
relaxation: its levels bound every solution of the part, and when its solution happens to keep
every dropped rule (see `matching.feasibility`), it is optimal for the part.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from matching.parts import Part

_COST_LIMIT = 1 << 60


@dataclass
class FlowSolution:
    x: np.ndarray           # bool per candidate row
    staffing: int
    preferred: int
    travel_m: int
    workload: int
    exact_workload: bool    # the workload level was part of the cost (no overflow fallback)


def capacities(part: Part) -> np.ndarray:
    """Most tasks each volunteer can take in the relaxation: period cap, distinct candidate
    requests, and the day cap times the distinct days of those requests."""
    pairs = np.unique(np.column_stack((part.rv, part.rr)), axis=0)
    nreq = np.bincount(pairs[:, 0], minlength=part.nv)
    days = part.earliest[pairs[:, 1]] // 1440
    span = (part.latest_end - part.duration)[pairs[:, 1]] // 1440 - days + 1
    vd = np.unique(np.column_stack((pairs[:, 0], days)), axis=0)
    ndays = np.bincount(vd[:, 0], minlength=part.nv) + np.bincount(pairs[:, 0], weights=span - 1,
                                                                      minlength=part.nv).astype(np.int64)
    cap = np.minimum(nreq, part.tasks_period)
    out: np.ndarray = np.minimum(cap, part.tasks_day * np.maximum(ndays, 1)).astype(np.int64)
    return out


def clash_groups(part: Part) -> np.ndarray:
    """Per candidate row, its volunteer's clash group: the requests of one volunteer linked by
    possible time clashes (H4) form a group, numbered from 0; -1 for a request that clashes with
    none of the volunteer's others."""
    vols_of: dict[int, set[int]] = {}
    for v, r in zip(part.rv.tolist(), part.rr.tolist()):
        vols_of.setdefault(r, set()).add(v)
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(a: tuple[int, int]) -> tuple[int, int]:
        while parent.get(a, a) != a:
            parent[a] = parent.get(parent[a], parent[a])
            a = parent[a]
        return a

    for a, b, _, _ in part.conflicts:
        for v in vols_of.get(a, set()) & vols_of.get(b, set()):
            ra, rb = find((v, a)), find((v, b))
            parent.setdefault(ra, ra)
            parent.setdefault(rb, rb)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    roots = {key: find(key) for key in list(parent)}
    numbers = {root: i for i, root in enumerate(sorted(set(roots.values())))}
    return np.fromiter((numbers[roots[(v, r)]] if (v, r) in roots else -1
                        for v, r in zip(part.rv.tolist(), part.rr.tolist())), np.int64, part.size)


def solve_flow(part: Part, allowed: np.ndarray | None = None, one_per_clash: bool = False) -> FlowSolution:
    """The lexicographic optimum of the part's pure-assignment relaxation (using only the
    `allowed` candidate rows when given). With `one_per_clash` each volunteer serves at most one
    request of each clash group: no longer a relaxation but a restriction, whose answer keeps H4
    by construction (a good starting point for large parts)."""
    cap = capacities(part)
    slot_base = np.zeros(part.nr + 1, np.int64)
    slot_base[1:] = np.cumsum([len(c) for c in part.counts])
    nslots = int(slot_base[-1])
    total = int(sum(sum(c) for c in part.counts))
    prefer = part.prefer if part.prefer is not None else np.zeros(part.size, bool)
    # tight ranges of the lower levels keep the multipliers (and OR-Tools' cost scaling) small:
    # travel is at most the farthest candidate per filled slot, workload at most sum of cap^2
    # and at most (filled slots) x (largest cap)
    slot_of_row = slot_base[part.rr] + part.rk
    far = np.zeros(nslots, np.int64)
    np.maximum.at(far, slot_of_row, part.metres)
    counts_flat = np.asarray([c for cs in part.counts for c in cs], np.int64)
    d_max = int((far * counts_flat).sum())
    w_max = int(min((cap.astype(np.int64) ** 2).sum(), total * int(cap.max(initial=0))))
    p_max = int(prefer.sum())
    exact = True
    m2 = w_max + 1
    mp = d_max * m2 + w_max + 1
    m1 = p_max * mp + mp
    key = part.rv * max(part.nr, 1) + part.rr
    _, inv, mult = np.unique(key, return_inverse=True, return_counts=True)
    shared = mult[inv] > 1
    shared_pairs = np.unique(inv[shared])
    n_nodes = 2 + part.nv + nslots + len(shared_pairs)
    pin_factor = 3 if part.pinned.any() else 1         # the pin bonus below: 2 * M1 * max weight
    if (pin_factor * int(part.weight.max(initial=1)) * m1 + d_max) * (n_nodes + 1) >= _COST_LIMIT:
        exact, m2, w_scale = False, 1, 0
        mp = d_max + 1
        m1 = p_max * mp + mp
    else:
        w_scale = 1
    src, sink = 0, 1
    vnode = 2 + np.arange(part.nv, dtype=np.int64)
    snode = 2 + part.nv + np.arange(nslots, dtype=np.int64)
    tails, heads, caps, costs = [], [], [], []
    # workload arcs: volunteer v gets cap[v] unit arcs costing 1, 3, 5, ...
    rep = np.repeat(np.arange(part.nv), cap)
    kth = np.arange(len(rep)) - np.repeat(np.cumsum(cap) - cap, cap) + 1
    tails.append(np.full(len(rep), src))
    heads.append(vnode[rep])
    caps.append(np.ones(len(rep), np.int64))
    costs.append((2 * kth - 1) * w_scale)
    # pair arcs, through a (volunteer, request) node when one volunteer fits several slots of r
    pair_cost = -part.weight[part.rr] * m1 - prefer.astype(np.int64) * mp + part.metres * m2
    if part.pinned.any():
        pair_cost = np.where(part.pinned, pair_cost - 2 * m1 * int(part.weight.max()), pair_cost)
    target = snode[slot_base[part.rr] + part.rk]
    # one node per (volunteer, request) pair that several slots share
    mid = 2 + part.nv + nslots + np.searchsorted(shared_pairs, inv)
    row_tail = vnode[part.rv]
    if one_per_clash:
        group = clash_groups(part)
        grouped = group >= 0
        gnode = n_nodes + group                   # one node per clash group, fed with capacity 1
        n_groups = int(group.max(initial=-1)) + 1
        if n_groups:
            first_of = np.full(n_groups, -1, np.int64)
            first_of[group[grouped][::-1]] = np.nonzero(grouped)[0][::-1]
            tails.append(vnode[part.rv[first_of]])
            heads.append(n_nodes + np.arange(n_groups))
            caps.append(np.ones(n_groups, np.int64))
            costs.append(np.zeros(n_groups, np.int64))
            row_tail = np.where(grouped, gnode, row_tail)
        n_nodes += n_groups
    if shared.any():
        sel = np.nonzero(shared)[0]
        _, g_first = np.unique(inv[sel], return_index=True)
        tails.append(row_tail[sel[g_first]])
        heads.append(mid[sel[g_first]])
        caps.append(np.ones(len(g_first), np.int64))
        costs.append(np.zeros(len(g_first), np.int64))
    tails.append(np.where(shared, mid, row_tail))
    heads.append(target)
    caps.append(np.ones(part.size, np.int64) if allowed is None else allowed.astype(np.int64))
    costs.append(pair_cost)
    pair_arc0 = sum(len(t) for t in tails) - part.size
    tails.append(snode)
    heads.append(np.full(nslots, sink))
    caps.append(counts_flat)
    costs.append(np.zeros(nslots, np.int64))
    tails.append(np.asarray([src]))
    heads.append(np.asarray([sink]))
    caps.append(np.asarray([total]))
    costs.append(np.asarray([0]))
    mcf = min_cost_flow.SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(np.concatenate(tails).astype(np.int32),
                                             np.concatenate(heads).astype(np.int32),
                                             np.concatenate(caps).astype(np.int64),
                                             np.concatenate(costs).astype(np.int64))
    supplies = np.zeros(n_nodes, np.int64)
    supplies[src], supplies[sink] = total, -total
    mcf.set_nodes_supplies(np.arange(n_nodes, dtype=np.int32), supplies)
    status = mcf.solve()
    if status != mcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = mcf.flows(np.arange(pair_arc0, pair_arc0 + part.size, dtype=np.int32))
    x = flows > 0
    n = np.bincount(part.rv[x], minlength=part.nv)
    return FlowSolution(x, int(part.weight[part.rr[x]].sum()), int(prefer[x].sum()), int(part.metres[x].sum()),
                        int((n.astype(np.int64) ** 2).sum()), exact)
