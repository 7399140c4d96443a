"""Candidate pairs: which volunteer may fill which skill slot of which request.

Never all pairs: for each (request, skill slot) a k-d tree over that skill's holders yields the
nearest ones, the pair tests of the rules in force (`matching.rules`: H1 level and expiry, H2
team, H7 insurance, H9 forbidden, H6 distance, per-pair limits, H3 availability, and any rule a
caller adds) are run on them in bulk, and the `keep` nearest that pass are kept. The query widens
until `keep` pass or the pool is exhausted, and until the last kept one is provably nearer than
every holder not looked at, so the cut only ever drops candidates farther than all kept ones.
Pinned pairs and pairs with a caller override are always added (a pinned pair that breaks a rule
is reported as a pin conflict, which makes the problem infeasible).

The bulk check runs cheapest first: the tests that need no distance (`Registry.static_ok`), then
the distance tests on a lower bound of the distance (the k-d tree's chord on a sphere smaller
than the ellipsoid), and only the pairs still in get the exact distance and the exact check
(`Registry.travel_ok`); start pieces of flexible requests are built for kept rows only.
`pair_reasons` is the one-pair-at-a-time form with reason codes (explanations, forced pairs).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from matching.arrays import Arrays, SkillPool
from matching.geo import MIN_RADIUS_KM, geodesic_km, travel_minutes, unit_vectors
from matching.rules import RULES, Pairs, Registry, member
from matching.rules.availability import flex_domains

__all__ = ["BATCH_PAIRS", "TEAM_POOL_SHARE", "Candidates", "flex_domains", "generate", "merge", "pair_distance",
           "pair_reasons"]

#: above this share of a skill's holders, a team-restricted search uses the skill's own index
TEAM_POOL_SHARE = 0.3
#: a widening round of the batched search checks at most this many pairs; slots still open after
#: it are searched one by one
BATCH_PAIRS = 400_000
#: start pieces per row of a flexible request
Domains = list[list[tuple[int, int]] | None]


@dataclass
class Candidates:
    """One row per feasible (volunteer, request, skill slot); arrays of equal length."""

    v: np.ndarray
    r: np.ndarray
    k: np.ndarray
    km: np.ndarray
    metres: np.ndarray
    minutes: np.ndarray
    domains: dict[int, list[tuple[int, int]]] = field(default_factory=dict)   # row -> start pieces (flexible)
    truncated: set[tuple[int, int]] = field(default_factory=set)             # (request, slot) cut by the cap
    pin_conflicts: list[tuple[int, int, str]] = field(default_factory=list)  # (volunteer, request, reason)

    def __len__(self) -> int:
        return len(self.v)

    def sorted(self) -> Candidates:
        """The same rows ordered by (request, slot, volunteer)."""
        order = np.lexsort((self.v, self.k, self.r))
        pos = np.empty(len(order), np.int64)
        pos[order] = np.arange(len(order))
        return Candidates(self.v[order], self.r[order], self.k[order], self.km[order], self.metres[order],
                          self.minutes[order], {int(pos[i]): d for i, d in self.domains.items()},
                          self.truncated, self.pin_conflicts)


def pair_distance(arr: Arrays, v: np.ndarray, r: np.ndarray | int) -> tuple[np.ndarray, np.ndarray]:
    """distance_km and travel_minutes of volunteers v to requests r (overrides applied)."""
    km = geodesic_km(arr.vlat[v], arr.vlon[v], arr.rlat[r], arr.rlon[r]) * arr.detour
    km = np.atleast_1d(km)
    minutes = travel_minutes(km, arr.speed_kmh)
    if arr.overrides:
        vv = np.atleast_1d(np.asarray(v, np.int64))
        rr = np.broadcast_to(np.asarray(r, np.int64), vv.shape)
        hit = np.nonzero(member(arr.pair_keys("overrides"), vv * arr.nr + rr))[0]
        for i, vi, ri in zip(hit.tolist(), vv[hit].tolist(), rr[hit].tolist()):
            o = arr.overrides[vi, ri]
            if o[0] is not None:
                km[i] = o[0]
            minutes[i] = o[1] if o[1] is not None else travel_minutes(km[i], arr.speed_kmh)
    return km, minutes


def pair_reasons(arr: Arrays, v: np.ndarray, level: np.ndarray, last_day: np.ndarray, r: np.ndarray | int,
                 min_level: np.ndarray | int, km: np.ndarray, minutes: np.ndarray, rules: Registry = RULES
                 ) -> tuple[np.ndarray, Domains]:
    """Per pair (v[i], r[i]) -- v holding the slot's skill at `level`, valid until `last_day` --
    the first pair test it fails (0 = none; `rules.reasons` names it) and, for a flexible
    request, the start pieces it allows."""
    n = len(v)
    rr = np.broadcast_to(np.asarray(r, np.int64), (n,))
    pairs = Pairs(arr, v, rr, level, last_day, np.broadcast_to(np.asarray(min_level, np.int64), (n,)), km, minutes)
    reason = rules.first_failed(pairs)
    domains: Domains = [None] * n
    flex = np.nonzero(~arr.r_fixed[rr] & (reason == 0))[0]
    if len(flex):
        found = flex_domains(arr, v[flex], rr[flex], minutes[flex], last_day[flex])
        for i, pieces in zip(flex.tolist(), found):
            domains[i] = pieces
    return reason, domains


class _Builder:
    def __init__(self, arr: Arrays) -> None:
        self.arr = arr
        self.rows: list[tuple[np.ndarray, ...]] = []
        self.domains: dict[int, list[tuple[int, int]]] = {}
        self.count = 0
        self.seen: set[tuple[int, int, int]] = set()

    def add(self, v: np.ndarray, r: int | np.ndarray, k: int | np.ndarray, km: np.ndarray, minutes: np.ndarray,
            domains: Domains | dict[int, list[tuple[int, int]]]) -> None:
        items = domains.items() if isinstance(domains, dict) else enumerate(domains)
        for i, d in items:
            if d is not None:
                self.domains[self.count + i] = d
        n = len(v)
        self.rows.append((v, np.broadcast_to(r, (n,)).copy(), np.broadcast_to(k, (n,)).copy(), km, minutes))
        self.count += n

    def build(self, truncated: set[tuple[int, int]], conflicts: list[tuple[int, int, str]]) -> Candidates:
        if not self.rows:
            z = np.zeros(0, np.int64)
            return Candidates(z, z, z, np.zeros(0), z, z, {}, truncated, conflicts)
        v, r, k, km, mins = (np.concatenate(c) for c in zip(*self.rows))
        return Candidates(v.astype(np.int64), r.astype(np.int64), k.astype(np.int64), km,
                          np.rint(km * 1000).astype(np.int64), mins.astype(np.int64), self.domains,
                          truncated, conflicts)


def generate(arr: Arrays, keep_per_slot: int, requests: list[int] | None = None,
             keep_for: dict[int, int] | None = None, rules: Registry = RULES) -> Candidates:
    """Kept candidate rows of `requests` (default all) under the pair tests of `rules`. Slots
    asking for the same skill are queried together (one k-d tree query, one vectorised rule
    check); slots whose first look is not conclusive widen together. `keep_for` raises the cap
    of single requests. Rows come out sorted by (request, slot, volunteer): a stable order."""
    keep_for = keep_for or {}
    b = _Builder(arr)
    truncated: set[tuple[int, int]] = set()
    forced: dict[int, set[int]] = {}
    for v, r in arr.pins:
        forced.setdefault(r, set()).add(v)
    for v, r in arr.overrides:
        forced.setdefault(r, set()).add(v)
    rxyz = unit_vectors(arr.rlat, arr.rlon)
    # slots grouped by skill and eligible teams: each group queries the k-d tree of the skill's
    # holders in those teams, so team rules never starve the nearest-first search
    slots: dict[tuple[str, bytes], list[tuple[int, int, int, int]]] = {}
    for r in (range(arr.nr) if requests is None else requests):
        teams = arr.r_teams[r].tobytes() if arr.r_teams[r].any() else b""
        cap = keep_for.get(r, keep_per_slot)
        for k, (skill, count, min_level) in enumerate(arr.r_needs[r]):
            if skill in arr.skills:
                slots.setdefault((skill, teams), []).append((r, k, cap + count - 1, min_level))
    for skill, teams in sorted(slots):
        pool = arr.skills[skill]
        group = slots[skill, teams]
        sub = _team_pool(arr, skill, teams, group[0][0]) if teams else pool
        _batch(arr, rules, sub, rxyz, group, forced, b, truncated)
        for r, k, _, min_level in group:
            extra = forced.get(r)
            if extra:
                idx = np.nonzero(np.isin(pool.vidx, np.fromiter(extra, np.int64)))[0]
                vv = pool.vidx[idx]
                km, mins = pair_distance(arr, vv, r)
                reason, doms = pair_reasons(arr, vv, pool.level[idx], pool.last_day[idx], r, min_level, km, mins,
                                            rules)
                ok = reason == 0
                b.add(vv[ok], r, k, km[ok], mins[ok], [d for d, o in zip(doms, ok) if o])
    conflicts = _pin_conflicts(arr, b, None if requests is None else set(requests), rules)
    return b.build(truncated, conflicts).sorted()


def _team_pool(arr: Arrays, skill: str, teams: bytes, r: int) -> SkillPool:
    """The holders of a skill who belong to one of request r's eligible teams (cached)."""
    def build() -> SkillPool:
        pool = arr.skills[skill]
        held = arr.memo(("team pools", skill), lambda: arr.v_teams[pool.vidx])   # the holders' team bitsets
        bits = arr.r_teams[r]
        mask = (held[:, 0] & bits[0]) != 0 if len(bits) == 1 else (held & bits).any(axis=1)
        # a team set holding most of the skill's holders is cheaper to filter than to index
        return pool if mask.mean() > TEAM_POOL_SHARE else SkillPool(pool.vidx[mask], pool.level[mask],
                                                                     pool.last_day[mask])
    return arr.memo(("team pools", skill, teams), build)


def merge(old: Candidates, new: Candidates, replaced: set[int]) -> Candidates:
    """`old` with the rows of requests `replaced` swapped for the rows of `new`."""
    keep = ~np.isin(old.r, np.fromiter(replaced, np.int64, len(replaced)))
    idx = np.nonzero(keep)[0]
    pos = np.full(len(old), -1, np.int64)
    pos[idx] = np.arange(len(idx))
    domains = {int(pos[i]): d for i, d in old.domains.items() if keep[i]}
    domains.update({len(idx) + i: d for i, d in new.domains.items()})
    both = Candidates(
        np.concatenate((old.v[idx], new.v)), np.concatenate((old.r[idx], new.r)),
        np.concatenate((old.k[idx], new.k)), np.concatenate((old.km[idx], new.km)),
        np.concatenate((old.metres[idx], new.metres)), np.concatenate((old.minutes[idx], new.minutes)),
        domains, {s for s in old.truncated if s[0] not in replaced} | new.truncated,
        [c for c in old.pin_conflicts if c[1] not in replaced] + new.pin_conflicts)
    return both.sorted()


def _batch(arr: Arrays, rules: Registry, pool: SkillPool, rxyz: np.ndarray, slots: list[tuple[int, int, int, int]],
           forced: dict[int, set[int]], out: _Builder, truncated: set[tuple[int, int]]) -> None:
    """Every slot of one pool at once: one k-d tree query and one vectorised rule check per
    round, the kept rows picked for all slots together; slots not settled widen together in the
    next round. Adds kept rows to `out` and cut slots to `truncated`."""
    n = len(pool.vidx)
    if n == 0:
        return
    keep_max = max(s[2] for s in slots)
    kq = min(n, max(4 * keep_max, 64))
    pending = slots
    forced_keys = np.asarray(sorted(r * arr.nv + v for r, vs in forced.items() for v in vs), np.int64)
    forced_reqs = np.fromiter(forced, np.int64, len(forced))
    while pending:
        m = len(pending)
        rs = np.fromiter((s[0] for s in pending), np.int64, m)
        ks = np.fromiter((s[1] for s in pending), np.int64, m)
        keep = np.fromiter((s[2] for s in pending), np.int64, m)
        chord, idx = pool.kdtree(arr.vxyz).query(rxyz[rs], k=kq)
        idx, chord = idx.reshape(m, -1), chord.reshape(m, -1)
        width = idx.shape[1]
        vv = pool.vidx[idx]
        rr = np.repeat(rs, width)
        flat_v = vv.ravel()
        level, last_day = pool.level[idx].ravel(), pool.last_day[idx].ravel()
        min_levels = np.repeat(np.fromiter((s[3] for s in pending), np.int64, m), width)
        # the tests without distance first, then the distance tests only for the pairs still in:
        # on a lower bound of the distance (the chord's), and what is left on the exact figure
        pairs = Pairs(arr, flat_v, rr, level, last_day, min_levels)
        passing = rules.static_ok(pairs)
        if len(forced_keys):                                        # added on their own
            some = np.nonzero(np.isin(rr, forced_reqs))[0]
            passing[some] &= ~member(forced_keys, rr[some] * arr.nv + flat_v[some])
        # (overridden pairs are forced, so out here: the geodesic bound holds for all the rest)
        live = np.nonzero(passing)[0]
        low_km = MIN_RADIUS_KM * 2 * np.arcsin(np.minimum(1.0, chord.ravel()[live] / 2)) * arr.detour * (1 - 1e-9)
        low = pairs.take(live)
        passing[live] = rules.travel_ok(low.with_travel(low_km, travel_minutes(low_km, arr.speed_kmh)))
        live = live[passing[live]]
        km = np.full(len(flat_v), np.inf)
        mins = np.zeros(len(flat_v), np.int64)
        km[live], mins[live] = pair_distance(arr, flat_v[live], rr[live])
        passing[live] = rules.travel_ok(pairs.take(live).with_travel(km[live], mins[live]))
        km2 = np.where(passing, km, np.inf).reshape(m, width)
        order = np.argsort(km2, axis=1, kind="stable")
        npass = passing.reshape(m, width).sum(axis=1)
        exhausted = kq >= n
        kth_col = np.take_along_axis(order, np.clip(keep - 1, 0, width - 1)[:, None], axis=1)
        kth = np.take_along_axis(km2, kth_col, axis=1)[:, 0]       # the keep-th nearest passing
        unseen_km = MIN_RADIUS_KM * 2 * np.arcsin(np.minimum(1.0, chord[:, -1] / 2))
        settled = exhausted | ((npass >= keep) & (kth / arr.detour <= unseen_km))
        take = np.minimum(keep, npass)
        # rows in (slot, distance) order: the first `take` of each settled slot's order
        srow, rank = np.nonzero((np.arange(width)[None, :] < take[:, None]) & settled[:, None])
        scol = order[srow, rank]
        flat = srow * width + scol
        sv, sr = vv[srow, scol], rs[srow]
        flex = np.nonzero(~arr.r_fixed[sr])[0]
        found = flex_domains(arr, sv[flex], sr[flex], mins[flat[flex]], last_day[flat[flex]])
        out.add(sv, sr, ks[srow], km[flat], mins[flat], dict(zip(flex.tolist(), found)))
        cut = settled & ((npass > keep) | (not exhausted))
        truncated.update(zip(rs[cut].tolist(), ks[cut].tolist()))
        pending = [s for s, ok in zip(pending, settled.tolist()) if not ok]
        kq = min(n, kq * 4)
        if len(pending) * kq > BATCH_PAIRS:
            break
    for r, k, keep_r, min_level in pending:       # the hard few: one slot at a time
        kept, was_cut = _nearest_passing(arr, rules, pool, rxyz[r], r, k, keep_r, min_level, forced.get(r, set()))
        if was_cut:
            truncated.add((r, k))
        if kept is not None:
            out.add(*kept)


#: kept rows of one slot: volunteers, request, slot, km, minutes, start pieces
_Rows = tuple[np.ndarray, int, int, np.ndarray, np.ndarray, Domains]


def _nearest_passing(arr: Arrays, rules: Registry, pool: SkillPool, xyz: np.ndarray, r: int, k: int, keep: int,
                     min_level: int, exclude: set[int]) -> tuple[_Rows | None, bool]:
    """The `keep` nearest holders passing every pairwise rule, and whether any passing holder
    was left out (one slot, widening the query until the answer is certain)."""
    tree = pool.kdtree(arr.vxyz)
    n = len(pool.vidx)
    kq = min(n, max(16 * keep, 256))
    while True:
        chord, idx = tree.query(xyz, k=kq)
        idx = np.atleast_1d(idx)
        chord = np.atleast_1d(chord)
        exhausted = kq >= n
        vv = pool.vidx[idx]
        if exclude:
            mask = ~np.isin(vv, np.fromiter(exclude, np.int64))
            idx, chord, vv = idx[mask], chord[mask], vv[mask]
        km, mins = pair_distance(arr, vv, r)
        reason, doms = pair_reasons(arr, vv, pool.level[idx], pool.last_day[idx], r, min_level, km, mins, rules)
        ok = np.nonzero(reason == 0)[0]
        order = ok[np.argsort(km[ok], kind="stable")]
        if exhausted:
            sel = order[:keep]
            cut = len(order) > keep
            break
        unseen_km = MIN_RADIUS_KM * 2 * np.arcsin(min(1.0, float(chord[-1]) / 2)) if len(chord) else 0.0
        if len(order) >= keep and km[order[keep - 1]] / arr.detour <= unseen_km:
            sel = order[:keep]
            cut = True
            break
        kq = min(n, kq * 4)
    if not len(sel):
        return None, cut
    return (vv[sel], r, k, km[sel], mins[sel], [doms[i] for i in sel]), cut


def _pin_conflicts(arr: Arrays, b: _Builder, requests: set[int] | None, rules: Registry
                   ) -> list[tuple[int, int, str]]:
    """Pinned pairs that no kept row covers: the pin contradicts a pairwise rule."""
    if not arr.pins:
        return []
    covered: set[tuple[int, int]] = set()
    for v, r, *_ in b.rows:
        covered.update(zip(v.tolist(), r.tolist()))
    shipped = {rule.code for rule in RULES.rules}
    extra = [rule.code for rule in rules.rules if rule.pair_tests and rule.code not in shipped]
    why = ("the pinned pair breaks a pairwise rule (skill, team, range, insurance, availability, limits "
           f"or forbidden{''.join(f', or {code}' for code in extra)})")
    return [(v, r, why) for v, r in arr.pins
            if (v, r) not in covered and (requests is None or r in requests)]
