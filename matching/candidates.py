"""Candidate pairs: which volunteer may fill which skill slot of which request.

Never all pairs: for each (request, skill slot) a k-d tree over that skill's holders yields the
nearest ones, the pairwise hard rules are checked on them in bulk (`pair_reasons`: H1 skill,
level and expiry; H2 team; H7 insurance; H9 forbidden; H6 distance; per-pair limits; H3
availability), and the `keep` nearest that pass are kept. The query widens until `keep` pass or
the pool is exhausted, and until the last kept one is provably nearer than every holder not
looked at, so the cut only ever drops candidates farther than all kept ones. Pinned pairs and
pairs with a caller override are always added (a pinned pair that breaks a rule is reported as
a pin conflict, which makes the problem infeasible).

The bulk check runs cheapest first: the rules that need no distance (`_static_ok`), then travel
cap, minute limits and availability on a lower bound of the distance (the k-d tree's chord on a
sphere smaller than the ellipsoid), and only the pairs still in get the exact distance and the
exact check (`_distance_ok`); start pieces of flexible requests are built for kept rows only.
`pair_reasons` stays the one-pair-at-a-time form with reason codes (explanations, forced pairs).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from matching.arrays import NEVER, Arrays, SkillPool
from matching.geo import MIN_RADIUS_KM, geodesic_km, travel_minutes, unit_vectors
from matching.result import Reason

OK = 0
#: above this share of a skill's holders, a team-restricted search uses the skill's own index
TEAM_POOL_SHARE = 0.3
#: a widening round of the batched search checks at most this many pairs; slots still open after
#: it are searched one by one
BATCH_PAIRS = 400_000
#: volunteers with at most this many availability pieces are checked piece by piece, not by search
FEW_PIECES = 4
#: reason codes of `pair_reasons`, in the order the rules are checked
CODES = (None, Reason.LESS_QUALIFIED, Reason.SKILL_EXPIRED, Reason.NOT_IN_ELIGIBLE_TEAM, Reason.NO_INSURANCE,
         Reason.FORBIDDEN, Reason.OUT_OF_RANGE, Reason.LIMITS_REACHED, Reason.UNAVAILABLE)


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


def service_day(arr: Arrays, r: np.ndarray | int) -> np.ndarray:
    """The earliest possible service day of requests r (their day when the time is fixed)."""
    return np.asarray(arr.r_earliest[r] // 1440)


def pair_distance(arr: Arrays, v: np.ndarray, r: np.ndarray | int) -> tuple[np.ndarray, np.ndarray]:
    """distance_km and travel_minutes of volunteers v to requests r (overrides applied)."""
    km = geodesic_km(arr.vlat[v], arr.vlon[v], arr.rlat[r], arr.rlon[r]) * arr.detour
    km = np.atleast_1d(km)
    minutes = travel_minutes(km, arr.speed_kmh)
    if arr.overrides:
        vv = np.atleast_1d(np.asarray(v, np.int64))
        rr = np.broadcast_to(np.asarray(r, np.int64), vv.shape)
        hit = np.nonzero(_member(_override_keys(arr), vv * arr.nr + rr))[0]
        for i, vi, ri in zip(hit.tolist(), vv[hit].tolist(), rr[hit].tolist()):
            o = arr.overrides[vi, ri]
            if o[0] is not None:
                km[i] = o[0]
            minutes[i] = o[1] if o[1] is not None else travel_minutes(km[i], arr.speed_kmh)
    return km, minutes


def _member(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Whether each of `keys` is in `sorted_keys` (a sorted int array): `np.isin` by binary search."""
    if not len(sorted_keys):
        return np.zeros(np.shape(keys), bool)
    pos = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[pos] == keys


def _override_keys(arr: Arrays) -> np.ndarray:
    """Sorted keys volunteer * nr + request of the overridden pairs (cached)."""
    return _pair_keys(arr, "overrides")


def forbidden_keys(arr: Arrays) -> np.ndarray:
    """Sorted keys volunteer * nr + request of the forbidden pairs (cached)."""
    return _pair_keys(arr, "forbidden")


def _pair_keys(arr: Arrays, name: str) -> np.ndarray:
    """Sorted keys volunteer * nr + request of the (volunteer, request) pairs `arr.<name>` (cached)."""
    cache = arr.__dict__.setdefault("_pair_keys", {})
    if name not in cache:
        pairs = getattr(arr, name)
        cache[name] = np.sort(np.fromiter((v * arr.nr + r for v, r in pairs), np.int64, len(pairs)))
    return cache[name]


def pair_reasons(arr: Arrays, v: np.ndarray, level: np.ndarray, last_day: np.ndarray, r: np.ndarray | int,
                 min_level: np.ndarray | int, km: np.ndarray, minutes: np.ndarray
                 ) -> tuple[np.ndarray, list[list[tuple[int, int]] | None]]:
    """Per pair (v[i], r[i]) -- v holding the slot's skill at `level`, valid until `last_day` --
    the first pairwise rule it breaks (0 = none) and, for a flexible request, the start pieces
    it allows."""
    n = len(v)
    r = np.broadcast_to(np.asarray(r, np.int64), (n,))
    day = service_day(arr, r)
    reason = np.zeros(n, np.int8)

    def mark(mask: np.ndarray, code: int) -> None:
        reason[(reason == 0) & mask] = code

    mark(level < min_level, 1)
    mark(last_day < day, 2)
    has_teams = arr.r_teams[r].any(axis=1)
    if has_teams.any():
        mark(has_teams & ~(arr.v_teams[v] & arr.r_teams[r]).any(axis=1), 3)
    mark(arr.r_insurance[r] & (arr.insured_until[v] < day), 4)
    if arr.forbidden:
        mark(_member(forbidden_keys(arr), v * arr.nr + r), 5)
    mark(km > arr.max_km[v], 6)
    work = arr.r_duration[r] + minutes
    mark((arr.tasks_day[v] < 1) | (arr.tasks_period[v] < 1) | (work > arr.minutes_day[v])
         | (work > arr.minutes_period[v]), 7)
    domains: list[list[tuple[int, int]] | None] = [None] * n
    fixed = arr.r_fixed[r]
    todo = np.nonzero(fixed & ~arr.v_always[v] & (reason == 0))[0]
    if len(todo):
        vv, rr = v[todo], r[todo]
        begin = arr.r_earliest[rr] - minutes[todo]
        end = arr.r_earliest[rr] + arr.r_duration[rr]
        lo, hi = arr.av_ptr[vv], arr.av_ptr[vv + 1]
        # the piece that could hold `begin`: the last one of v starting at or before it
        key = np.searchsorted(_piece_keys(arr), vv * (1 << 32) + (begin + (1 << 31)), side="right") - 1
        keyc = np.clip(key, 0, max(len(arr.av_start) - 1, 0))
        ok = (key >= lo) & (key < hi)
        if len(arr.av_start):
            ok &= (arr.av_end[keyc] >= end) & (arr.av_start[keyc] <= begin)
        reason[todo[~ok]] = 8
    flex = np.nonzero(~fixed & (reason == 0))[0]
    if len(flex):
        found = flex_domains(arr, v[flex], r[flex], minutes[flex], last_day[flex])
        for i, pieces in zip(flex.tolist(), found):
            if pieces:
                domains[i] = pieces
            else:
                reason[i] = 8
    return reason, domains


def _flex_pieces(arr: Arrays, v: np.ndarray, r: np.ndarray, travel: np.ndarray, last_day: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`allowed_starts` of many pairs (v[i], r[i]) of flexible requests at once: the non-empty
    pieces as (pair index, lo, hi), in pair order and, per pair, in availability order.
    `last_day` is the skill's last valid day; the insurance limit is applied here."""
    last = np.minimum(last_day, np.where(arr.r_insurance[r], arr.insured_until[v], NEVER))
    lo = arr.r_earliest[r]
    d = arr.r_duration[r]
    hi = np.minimum(arr.r_latest_end[r] - d, (last + 1) * 1440 - 1)
    always = arr.v_always[v]
    first = arr.av_ptr[v]
    cnt = np.where(always, 1, arr.av_ptr[v + 1] - first)
    owner = np.repeat(np.arange(len(v)), cnt)
    piece = first[owner] + np.arange(len(owner)) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    a, b = lo[owner], hi[owner]
    real = ~always[owner]
    if real.any():
        k = piece[real]
        a[real] = np.maximum(a[real], arr.av_start[k] + travel[owner[real]])
        b[real] = np.minimum(b[real], arr.av_end[k] - d[owner[real]])
    good = a <= b
    return owner[good], a[good], b[good]


def flex_domains(arr: Arrays, v: np.ndarray, r: np.ndarray, travel: np.ndarray, last_day: np.ndarray
                 ) -> list[list[tuple[int, int]]]:
    """Per pair of a flexible request, `allowed_starts` (an empty list: no start fits)."""
    out: list[list[tuple[int, int]]] = [[] for _ in range(len(v))]
    owner, a, b = _flex_pieces(arr, v, r, travel, last_day)
    for i, lo, hi in zip(owner.tolist(), a.tolist(), b.tolist()):
        out[i].append((lo, hi))
    return out


def _fixed_available(arr: Arrays, v: np.ndarray, r: np.ndarray, travel: np.ndarray) -> np.ndarray:
    """H3 for pairs of fixed-time requests: [start - travel, end] inside one piece of v."""
    ok = arr.v_always[v].copy()
    todo = np.nonzero(~ok)[0]
    if not len(todo) or not len(arr.av_start):
        return ok
    vv, rr = v[todo], r[todo]
    begin = arr.r_earliest[rr] - travel[todo]
    end = arr.r_earliest[rr] + arr.r_duration[rr]
    lo, hi = arr.av_ptr[vv], arr.av_ptr[vv + 1]
    most = _most_pieces(arr)
    if most <= FEW_PIECES:          # look at each of the few pieces
        found = np.zeros(len(todo), bool)
        last = len(arr.av_start) - 1
        for j in range(most):
            k = np.minimum(lo + j, last)
            found |= (lo + j < hi) & (arr.av_start[k] <= begin) & (arr.av_end[k] >= end)
    else:                           # the piece that could hold `begin`: the last one starting at or before it
        key = np.searchsorted(_piece_keys(arr), vv * (1 << 32) + (begin + (1 << 31)), side="right") - 1
        keyc = np.maximum(key, 0)
        found = (key >= lo) & (key < hi) & (arr.av_end[keyc] >= end) & (arr.av_start[keyc] <= begin)
    ok[todo] = found
    return ok


def _most_pieces(arr: Arrays) -> int:
    """The largest number of availability pieces of one volunteer (cached)."""
    most = getattr(arr, "_most_pieces", None)
    if most is None:
        most = arr._most_pieces = int(np.diff(arr.av_ptr).max(initial=0))  # type: ignore[attr-defined]
    return most


def _static_ok(arr: Arrays, v: np.ndarray, level: np.ndarray, last_day: np.ndarray, r: np.ndarray,
               min_level: np.ndarray) -> np.ndarray:
    """The pairwise rules that need no distance: H1 level and expiry, H2, H7, H9, a task limit
    of zero and no available time at all (`pair_reasons` codes 1-5 and parts of 7 and 8)."""
    day = arr.r_earliest[r] // 1440
    ok = (level >= min_level) & (last_day >= day) & _may_serve(arr)[v]
    ok &= ~arr.r_insurance[r] | (arr.insured_until[v] >= day)
    rt = arr.r_teams[r]
    has_teams = rt.any(axis=1)
    if has_teams.any():
        ok &= ~has_teams | (arr.v_teams[v] & rt).any(axis=1)
    if arr.forbidden:
        some = np.nonzero(_forbids(arr)[v])[0]
        ok[some] &= ~_member(forbidden_keys(arr), v[some] * arr.nr + r[some])
    return ok


def _may_serve(arr: Arrays) -> np.ndarray:
    """Per volunteer: a task limit above zero and some available time (cached)."""
    may = getattr(arr, "_may_serve", None)
    if may is None:
        may = (arr.tasks_day >= 1) & (arr.tasks_period >= 1) & (arr.v_always | (np.diff(arr.av_ptr) > 0))
        arr._may_serve = may  # type: ignore[attr-defined]
    return may


def _forbids(arr: Arrays) -> np.ndarray:
    """Per volunteer: forbids some request (cached)."""
    some = getattr(arr, "_forbids", None)
    if some is None:
        some = np.zeros(arr.nv, bool)
        some[[v for v, _ in arr.forbidden]] = True
        arr._forbids = some  # type: ignore[attr-defined]
    return some


def _distance_ok(arr: Arrays, v: np.ndarray, r: np.ndarray, km: np.ndarray, minutes: np.ndarray,
                 last_day: np.ndarray) -> np.ndarray:
    """The pairwise rules that need the distance: H6, the per-pair limits, H3 (`pair_reasons`
    codes 6-8), for pairs that passed `_static_ok`."""
    work = arr.r_duration[r] + minutes
    ok = (km <= arr.max_km[v]) & (work <= arr.minutes_day[v]) & (work <= arr.minutes_period[v])
    idx = np.nonzero(ok)[0]
    ok[idx] = _time_ok(arr, v[idx], r[idx], minutes[idx], last_day[idx])
    return ok


def _time_ok(arr: Arrays, v: np.ndarray, r: np.ndarray, travel: np.ndarray, last_day: np.ndarray
             ) -> np.ndarray:
    """H3 (and, for a flexible window, a start day within `last_day` and the insurance): some
    start leaves [start - travel, end] available. Monotone in `travel`: what fails with a lower
    bound of the travel minutes fails with the exact figure."""
    ok = np.zeros(len(v), bool)
    fixed = arr.r_fixed[r]
    idx = np.nonzero(fixed)[0]
    ok[idx] = _fixed_available(arr, v[idx], r[idx], travel[idx])
    idx = np.nonzero(~fixed)[0]
    if len(idx):
        owner, _, _ = _flex_pieces(arr, v[idx], r[idx], travel[idx], last_day[idx])
        ok[idx] = np.bincount(owner, minlength=len(idx)) > 0
    return ok


def _piece_keys(arr: Arrays) -> np.ndarray:
    """Sorted keys volunteer * 2^32 + (piece start + 2^31), cached on the arrays object."""
    keys = getattr(arr, "_piece_keys", None)
    if keys is None:
        owner = np.repeat(np.arange(arr.nv, dtype=np.int64), np.diff(arr.av_ptr))
        keys = owner * (1 << 32) + (arr.av_start + (1 << 31))
        arr._piece_keys = keys  # type: ignore[attr-defined]
    return keys


class _Builder:
    def __init__(self, arr: Arrays) -> None:
        self.arr = arr
        self.rows: list[tuple[np.ndarray, ...]] = []
        self.domains: dict[int, list[tuple[int, int]]] = {}
        self.count = 0
        self.seen: set[tuple[int, int, int]] = set()

    def add(self, v: np.ndarray, r: int | np.ndarray, k: int | np.ndarray, km: np.ndarray, minutes: np.ndarray,
            domains: list[list[tuple[int, int]] | None] | dict[int, list[tuple[int, int]]]) -> None:
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
             keep_for: dict[int, int] | None = None) -> Candidates:
    """Kept candidate rows of `requests` (default all). Slots asking for the same skill are
    queried together (one k-d tree query, one vectorised rule check); slots whose first look
    is not conclusive widen together. `keep_for` raises the cap of single requests. Rows come
    out sorted by (request, slot, volunteer): a stable order."""
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
        _batch(arr, sub, rxyz, group, forced, b, truncated)
        for r, k, _, min_level in group:
            extra = forced.get(r)
            if extra:
                idx = np.nonzero(np.isin(pool.vidx, np.fromiter(extra, np.int64)))[0]
                vv = pool.vidx[idx]
                km, mins = pair_distance(arr, vv, r)
                reason, doms = pair_reasons(arr, vv, pool.level[idx], pool.last_day[idx], r, min_level, km, mins)
                ok = reason == 0
                b.add(vv[ok], r, k, km[ok], mins[ok], [d for d, o in zip(doms, ok) if o])
    conflicts = _pin_conflicts(arr, b, None if requests is None else set(requests))
    return b.build(truncated, conflicts).sorted()


def _team_pool(arr: Arrays, skill: str, teams: bytes, r: int) -> SkillPool:
    """The holders of a skill who belong to one of request r's eligible teams (cached)."""
    cache = arr.__dict__.setdefault("_team_pools", {})
    if (skill, teams) not in cache:
        pool = arr.skills[skill]
        held = arr.__dict__.setdefault("_holder_teams", {})    # the holders' team bitsets, per skill
        if skill not in held:
            held[skill] = arr.v_teams[pool.vidx]
        bits = arr.r_teams[r]
        mask = (held[skill][:, 0] & bits[0]) != 0 if len(bits) == 1 else (held[skill] & bits).any(axis=1)
        # a team set holding most of the skill's holders is cheaper to filter than to index
        cache[skill, teams] = pool if mask.mean() > TEAM_POOL_SHARE else \
            SkillPool(pool.vidx[mask], pool.level[mask], pool.last_day[mask])
    return cache[skill, teams]


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


def _batch(arr: Arrays, pool: SkillPool, rxyz: np.ndarray, slots: list[tuple[int, int, int, int]],
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
        # the rules without distance first, then the distance (and the rules needing it) only
        # for the pairs still in; H6 is settled early where even the chord's lower bound is out
        passing = _static_ok(arr, flat_v, level, last_day, rr, min_levels)
        if len(forced_keys):                                        # added on their own
            some = np.nonzero(np.isin(rr, forced_reqs))[0]
            passing[some] &= ~_member(forced_keys, rr[some] * arr.nv + flat_v[some])
        # (overridden pairs are forced, so out here: the geodesic bound holds for all the rest)
        low_km = MIN_RADIUS_KM * 2 * np.arcsin(np.minimum(1.0, chord.ravel() / 2)) * arr.detour
        passing &= low_km <= arr.max_km[flat_v] * (1 + 1e-9)
        low_minutes = travel_minutes(low_km * (1 - 1e-9), arr.speed_kmh)
        low_work = arr.r_duration[rr] + low_minutes
        passing &= (low_work <= arr.minutes_day[flat_v]) & (low_work <= arr.minutes_period[flat_v])
        live = np.nonzero(passing)[0]
        passing[live] = _time_ok(arr, flat_v[live], rr[live], low_minutes[live], last_day[live])
        live = live[passing[live]]
        km = np.full(len(flat_v), np.inf)
        mins = np.zeros(len(flat_v), np.int64)
        km[live], mins[live] = pair_distance(arr, flat_v[live], rr[live])
        passing[live] = _distance_ok(arr, flat_v[live], rr[live], km[live], mins[live], last_day[live])
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
        kept, was_cut = _nearest_passing(arr, pool, rxyz[r], r, k, keep_r, min_level, forced.get(r, set()))
        if was_cut:
            truncated.add((r, k))
        if kept is not None:
            out.add(*kept)


def _nearest_passing(arr: Arrays, pool, xyz: np.ndarray, r: int, k: int, keep: int, min_level: int,
                     exclude: set[int]) -> tuple[tuple | None, bool]:
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
        reason, doms = pair_reasons(arr, vv, pool.level[idx], pool.last_day[idx], r, min_level, km, mins)
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


def _pin_conflicts(arr: Arrays, b: _Builder, requests: set[int] | None) -> list[tuple[int, int, str]]:
    """Pinned pairs that no kept row covers: the pin contradicts a pairwise rule."""
    if not arr.pins:
        return []
    covered: set[tuple[int, int]] = set()
    for v, r, *_ in b.rows:
        covered.update(zip(v.tolist(), r.tolist()))
    why = ("the pinned pair breaks a pairwise rule (skill, team, range, insurance, availability, limits "
           "or forbidden)")
    return [(v, r, why) for v, r in arr.pins
            if (v, r) not in covered and (requests is None or r in requests)]
