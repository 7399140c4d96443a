"""Hypothesis strategies for random small matching problems, as JSON documents.

Everything the contract lets a problem say is drawn: skills with levels and expiry, teams,
availability (none = always, weekly, dated, exceptions, or never), fixed and flexible times,
limits, travel caps, insurance, pins, forbids, partial staffing, priorities and weights, and
per-pair overrides; dates fall within two days. Places lie within ~5 km of a base point so that
travel caps and site-to-site trips actually bind. `fixed_only=True` keeps every time fixed (for
the brute-force comparison, whose enumeration does not choose start minutes); `dense=True` keeps
most pairs feasible, for comparisons where the objective, not the filters, decides.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.matching.helpers import DAY, NEXT_DAY, at, document, place

SKILLS = ("helper", "doctor", "teacher")
TEAMS = ("T1", "T2", "T3")
DATES = (NEXT_DAY, DAY, "2026-03-04")      # simplest first: valid through the period


def _rarely(draw: st.DrawFn, one_in: int) -> bool:
    """True about once in `one_in` draws; False is the simple case hypothesis shrinks towards."""
    return draw(st.integers(1, one_in)) == one_in


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def _place(draw: st.DrawFn) -> dict[str, float]:
    return place(draw(st.integers(-8, 8)) * 0.6, draw(st.integers(-8, 8)) * 0.6)


@st.composite
def _availability(draw: st.DrawFn, days: list[str]) -> dict[str, Any] | None:
    kind = draw(st.sampled_from(["always"] * 6 + ["weekly", "dated", "never"]))
    if kind == "always":
        return None
    if kind == "never":
        return {}
    doc: dict[str, Any] = {}
    start = draw(st.integers(14, 24)) * 30                 # 07:00 .. 12:00
    end = start + draw(st.integers(8, 20)) * 30            # 4 to 10 hours later
    if kind == "weekly":
        doc["weekly"] = [{"weekday": draw(st.sampled_from([3, 4])), "start": _clock(start),
                          "end": _clock(min(end, 1440))}]
    else:
        day = draw(st.sampled_from(days))
        doc["dated"] = [{"start": at(_clock(start), day), "end": at(_clock(min(end, 1439)), day)}]
    if draw(st.booleans()):
        cut = draw(st.integers(start // 30, end // 30 - 1)) * 30
        doc["exceptions"] = [{"start": at(_clock(cut), days[0]),
                              "end": at(_clock(min(cut + 60, 1439)), days[0])}]
    return doc


@st.composite
def _volunteer(draw: st.DrawFn, vid: str, days: list[str], request_ids: list[str],
               dense: bool) -> dict[str, Any]:
    held = draw(st.lists(st.sampled_from(SKILLS), min_size=2, max_size=3, unique=True))
    skills = []
    for s in held:
        entry: dict[str, Any] = {"skill": s, "level": draw(st.sampled_from([3, 3, 2, 1]))}
        if not dense and _rarely(draw, 5):
            entry["expires"] = draw(st.sampled_from(DATES))
        skills.append(entry)
    teams = draw(st.lists(st.sampled_from(TEAMS), min_size=1, max_size=2, unique=True))
    doc: dict[str, Any] = {"id": vid, "home": draw(_place()), "skills": skills, "teams": teams}
    availability = None if dense else draw(_availability(days))
    if availability is not None:
        doc["availability"] = availability
    limits = {}
    for key, values in (("tasks_per_day", st.integers(1, 2)), ("minutes_per_day", st.integers(30, 300)),
                        ("tasks_per_period", st.integers(1, 3)),
                        ("minutes_per_period", st.integers(60, 400))):
        if _rarely(draw, 3):
            limits[key] = draw(values)
    if limits:
        doc["limits"] = limits
    if dense:
        return doc
    if _rarely(draw, 3):
        doc["max_travel_km"] = draw(st.sampled_from([15, 10, 6, 3]))
    if not _rarely(draw, 4):
        doc["insurance_valid_until"] = draw(st.sampled_from(DATES[:2] * 2 + DATES[2:]))
    if _rarely(draw, 5):
        doc["forbidden"] = [draw(st.sampled_from(request_ids))]
    return doc


@st.composite
def _request(draw: st.DrawFn, rid: str, days: list[str], fixed_only: bool, dense: bool) -> dict[str, Any]:
    day = draw(st.sampled_from(days))
    start = draw(st.integers(16, 34)) * 30                 # 08:00 .. 17:00
    duration = draw(st.sampled_from([30, 60, 90, 120]))
    if fixed_only or draw(st.booleans()):
        time: dict[str, Any] = {"start": at(_clock(start), day), "duration": duration}
    else:
        slack = draw(st.sampled_from([0, 30, 90, 180]))
        time = {"earliest_start": at(_clock(start), day),
                "latest_end": at(_clock(min(start + duration + slack, 1439)), day), "duration": duration}
    wanted = draw(st.lists(st.sampled_from(SKILLS), min_size=1, max_size=2, unique=True))
    doc: dict[str, Any] = {
        "id": rid, "location": draw(_place()), "time": time,
        "skills": [{"skill": s, "count": draw(st.sampled_from([1, 1, 2])),
                    "min_level": draw(st.sampled_from([1, 1, 1, 2, 3]))} for s in wanted],
        "priority": draw(st.integers(1, 5)), "allow_partial": draw(st.booleans()),
        "requires_insurance": not dense and _rarely(draw, 4),
    }
    if not dense and _rarely(draw, 4):
        doc["eligible_teams"] = draw(st.lists(st.sampled_from(TEAMS), min_size=1, max_size=2, unique=True))
    return doc


@st.composite
def problems(draw: st.DrawFn, max_volunteers: int = 6, max_requests: int = 5,
             fixed_only: bool = False, dense: bool = False) -> dict[str, Any]:
    """A random problem document with 2..max_volunteers volunteers and 1..max_requests requests.

    `dense=True` drops the per-pair filters (expiry, availability, travel caps, insurance, teams
    required, forbids, pins) so that most volunteers could serve most requests and the outcome is
    decided by the objective, the limits and one-place-at-a-time.
    """
    days = [DAY, NEXT_DAY] if draw(st.booleans()) else [DAY]
    # sizes drawn largest-first: hypothesis favours the first choice, and bigger means more to decide
    request_ids = [f"R{j}" for j in range(draw(st.sampled_from(range(max_requests, 0, -1))))]
    requests = [draw(_request(rid, days, fixed_only, dense)) for rid in request_ids]
    count = draw(st.sampled_from(range(max_volunteers, 1, -1)))
    volunteers = [draw(_volunteer(f"V{i}", days, request_ids, dense)) for i in range(count)]
    if not dense and _rarely(draw, 6):  # one pin per problem at most: pins easily make a problem infeasible
        pinned = draw(st.sampled_from(volunteers))
        pinned["pinned"] = [draw(st.sampled_from(request_ids))]
        if pinned.get("forbidden") == pinned["pinned"]:
            del pinned["forbidden"]
    settings: dict[str, Any] = {}
    if draw(st.booleans()):
        settings["priority_weights"] = {str(p): draw(st.integers(1, 20)) for p in range(1, 6)}
    overrides = []
    for v in volunteers:
        for rid in request_ids:
            if _rarely(draw, 6):
                o: dict[str, Any] = {"volunteer": v["id"], "request": rid}
                if draw(st.booleans()):
                    o["distance_km"] = draw(st.integers(1, 300)) / 20
                if draw(st.booleans()) or "distance_km" not in o:
                    o["travel_minutes"] = draw(st.integers(0, 60))
                overrides.append(o)
    if overrides:
        settings["overrides"] = overrides
    extra: dict[str, Any] = {"skills": list(SKILLS), "teams": list(TEAMS)}
    if settings:
        extra["settings"] = settings
    return document(volunteers, requests, date_to=days[-1], **extra)
