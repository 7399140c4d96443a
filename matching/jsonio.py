"""Problem JSON in (`load_problem`), problem JSON out (`dump_problem`), and the result JSON both
ways (`result_to_json`, `load_result`).

Loading is two passes: the document is checked against `problem.schema.json` (shape, types,
ranges), then `_Reader` builds the dataclasses while checking what a schema cannot say (dates
that exist, windows that end after they start, unique ids, references to known ids, skills and
teams). Every failure is a `ProblemError` whose message starts with the JSON path, e.g.
`requests[12].time.latest_end: ends before earliest_start`.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

from matching.errors import ProblemError
from matching.jsonbase import json_path, read_json, schema_error, write_json
from matching.problem import (
    Availability,
    Cover,
    Limits,
    Override,
    Problem,
    Request,
    Settings,
    SkillLevel,
    SkillNeed,
    TimeSpec,
    Volunteer,
    WeeklyWindow,
    format_minute,
    parse_clock,
    parse_minute,
)
from matching.resultio import RESULT_FORMAT, load_result, result_to_json
from matching.shape import check_volunteer_shape

__all__ = ["PROBLEM_FORMAT", "RESULT_FORMAT", "check_volunteer_shape", "dump_problem", "json_path", "load_problem",
           "load_result", "result_to_json"]

PROBLEM_FORMAT = "wenming.matching/problem"
SCHEMA_VOLUNTEERS_LIMIT = 5000


@lru_cache(maxsize=4096)
def _parse_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def load_problem(source: str | Path | dict[str, Any]) -> Problem:
    """Read a problem from a JSON file path or an already parsed dict; raise `ProblemError`
    naming the JSON path of the first problem found."""
    doc = read_json(source, ProblemError)
    if not isinstance(doc, dict):
        raise ProblemError("", "a problem must be a JSON object")
    volunteers = doc.get("volunteers")
    if isinstance(volunteers, list) and len(volunteers) > SCHEMA_VOLUNTEERS_LIMIT:
        # the generic validator costs ~0.5 ms a volunteer: above the limit the volunteers get the
        # equivalent hand-written checks of `check_volunteer_shape` and the rest the schema
        schema_error({**doc, "volunteers": []}, "problem.schema.json", ProblemError)
        for i, v in enumerate(volunteers):
            check_volunteer_shape(v, f"volunteers[{i}]")
    else:
        schema_error(doc, "problem.schema.json", ProblemError)
    return _Reader(doc).problem()


#: above this many volunteers the schema check of each volunteer is done by `check_volunteer_shape`

class _Reader:
    """Builds the dataclasses from a schema-valid document, checking the semantic rules."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.date_from = self._date(doc["date_from"], "date_from")
        self.date_to = self._date(doc["date_to"], "date_to")
        if self.date_to < self.date_from:
            raise ProblemError("date_to", "is before date_from")
        self.num_days = (self.date_to - self.date_from).days + 1
        self.cache: dict[tuple[Any, ...], Any] = {}

    @staticmethod
    def _date(text: str, path: str) -> dt.date:
        try:
            return _parse_date(text)
        except ValueError as exc:
            raise ProblemError(path, f"not a valid date: {text!r}") from exc

    def _minute(self, text: str, path: str) -> int:
        try:
            return parse_minute(text, self.date_from)
        except ValueError as exc:
            raise ProblemError(path, f"not a valid local time {text!r}: {exc}") from exc

    def _interval(self, item: dict[str, str], path: str) -> tuple[int, int]:
        start = self._minute(item["start"], f"{path}.start")
        end = self._minute(item["end"], f"{path}.end")
        if end <= start:
            raise ProblemError(f"{path}.end", "ends before it starts (end must be after start)")
        return start, end

    def problem(self) -> Problem:
        doc = self.doc
        requests = tuple(self._request(r, i) for i, r in enumerate(doc["requests"]))
        volunteers = tuple(self._volunteer(v, i) for i, v in enumerate(doc["volunteers"]))
        self._unique(volunteers, "volunteers")
        self._unique(requests, "requests")
        request_ids = {r.id for r in requests}
        volunteer_ids = {v.id for v in volunteers}
        for i, vol in enumerate(volunteers):
            for key in ("pinned", "forbidden"):
                for j, rid in enumerate(getattr(vol, key)):
                    if rid not in request_ids:
                        raise ProblemError(f"volunteers[{i}].{key}[{j}]", f"unknown request {rid!r}")
        held_skills = {s.skill for v in volunteers for s in v.skills} | set(doc.get("skills", ()))
        held_teams = {t for v in volunteers for t in v.teams} | set(doc.get("teams", ()))
        for i, req in enumerate(requests):
            for j, need in enumerate(req.skills):
                if need.skill not in held_skills:
                    raise ProblemError(f"requests[{i}].skills[{j}].skill",
                                       f"unknown skill {need.skill!r} (held by nobody and not in 'skills')")
            for j, team in enumerate(req.eligible_teams):
                if team not in held_teams:
                    raise ProblemError(f"requests[{i}].eligible_teams[{j}]",
                                       f"unknown team {team!r} (nobody belongs to it and not in 'teams')")
        settings = self._settings(doc.get("settings", {}), volunteer_ids, request_ids)
        return Problem(self.date_from, self.date_to, volunteers, requests, settings,
                       tuple(doc.get("skills", ())), tuple(doc.get("teams", ())))

    @staticmethod
    def _unique(items: tuple[Any, ...], key: str) -> None:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in seen:
                raise ProblemError(f"{key}[{i}].id", f"duplicate id {item.id!r} (first at {key}[{seen[item.id]}])")
            seen[item.id] = i

    def _volunteer(self, v: dict[str, Any], i: int) -> Volunteer:
        """One volunteer. Skill lists, availability and limits recur across thousands of
        volunteers, so each distinct one is built (and checked) once and shared: the objects
        are immutable."""
        path = f"volunteers[{i}]"
        cache = self.cache
        raw_skills = v.get("skills", ())
        skey = ("s", *((s["skill"], s["level"], s.get("expires")) for s in raw_skills))
        skills = cache.get(skey)
        if skills is None:
            built: list[SkillLevel] = []
            for j, s in enumerate(raw_skills):
                expires = s.get("expires")
                if s["skill"] in {k.skill for k in built}:
                    raise ProblemError(f"{path}.skills[{j}].skill", f"duplicate skill {s['skill']!r}")
                built.append(SkillLevel(s["skill"], s["level"],
                                        self._date(expires, f"{path}.skills[{j}].expires") if expires else None))
            skills = cache[skey] = tuple(built)
        availability = None
        if "availability" in v:
            a = v["availability"]
            akey = ("a", tuple((w["weekday"], w["start"], w["end"]) for w in a.get("weekly", ())),
                    tuple((d["start"], d["end"]) for d in a.get("dated", ())),
                    tuple((d["start"], d["end"]) for d in a.get("exceptions", ())))
            availability = cache.get(akey)
            if availability is None:
                availability = cache[akey] = self._availability(a, path)
        lim = v.get("limits", {})
        lkey = ("l", lim.get("tasks_per_day"), lim.get("minutes_per_day"), lim.get("tasks_per_period"),
                lim.get("minutes_per_period"))
        limits = cache.get(lkey)
        if limits is None:
            limits = cache[lkey] = Limits(*lkey[1:])
        insurance = v.get("insurance_valid_until")
        teams = tuple(v.get("teams", ()))
        teams = cache.setdefault(("t", teams), teams)
        return Volunteer(
            v["id"], float(v["home"]["lat"]), float(v["home"]["lon"]), skills, teams, availability, limits,
            v.get("max_travel_km"),
            self._date(insurance, f"{path}.insurance_valid_until") if insurance else None,
            tuple(v.get("pinned", ())), tuple(v.get("forbidden", ())), tuple(sorted(v.get("attributes", {}).items())),
            self._covers(v.get("insurance_covers", ()), path))

    def _covers(self, raw: Any, path: str) -> tuple[Cover, ...]:
        covers = []
        for j, c in enumerate(raw):
            cpath = f"{path}.insurance_covers[{j}]"
            start = self._date(c["valid_from"], f"{cpath}.valid_from")
            end = self._date(c["valid_until"], f"{cpath}.valid_until")
            if end < start:
                raise ProblemError(f"{cpath}.valid_until", "ends before valid_from")
            covers.append(Cover(c["activity"], start, end))
        return tuple(covers)

    def _availability(self, a: dict[str, Any], path: str) -> Availability:
        weekly = []
        for j, w in enumerate(a.get("weekly", ())):
            wpath = f"{path}.availability.weekly[{j}]"
            start, end = self._clock(w["start"], f"{wpath}.start"), self._clock(w["end"], f"{wpath}.end")
            if end <= start:
                raise ProblemError(f"{wpath}.end", "ends before it starts (end must be after start)")
            weekly.append(WeeklyWindow(w["weekday"], start, end))
        return Availability(
            tuple(weekly),
            tuple(self._interval(d, f"{path}.availability.dated[{j}]") for j, d in enumerate(a.get("dated", ()))),
            tuple(self._interval(d, f"{path}.availability.exceptions[{j}]")
                  for j, d in enumerate(a.get("exceptions", ()))))

    @staticmethod
    def _clock(text: str, path: str) -> int:
        try:
            return parse_clock(text)
        except ValueError as exc:
            raise ProblemError(path, f"{text!r} {exc}") from exc

    def _request(self, r: dict[str, Any], i: int) -> Request:
        path = f"requests[{i}]"
        t = r["time"]
        if "start" in t:
            start = self._minute(t["start"], f"{path}.time.start")
            time = TimeSpec.at(start, t["duration"])
        else:
            start = self._minute(t["earliest_start"], f"{path}.time.earliest_start")
            end = self._minute(t["latest_end"], f"{path}.time.latest_end")
            if end < start:
                raise ProblemError(f"{path}.time.latest_end", "ends before earliest_start")
            if end - start < t["duration"]:
                raise ProblemError(f"{path}.time.latest_end", "window is shorter than the duration")
            time = TimeSpec.window(start, end, t["duration"])
        if not 0 <= start // 1440 < self.num_days:
            key = "start" if "start" in t else "earliest_start"
            raise ProblemError(f"{path}.time.{key}", "starts outside the period date_from..date_to")
        needs: list[SkillNeed] = []
        for j, s in enumerate(r["skills"]):
            if s["count"] < 1:
                raise ProblemError(f"{path}.skills[{j}].count", f"headcount must be at least 1, got {s['count']}")
            if s["skill"] in {n.skill for n in needs}:
                raise ProblemError(f"{path}.skills[{j}].skill", f"skill {s['skill']!r} listed twice")
            needs.append(SkillNeed(s["skill"], s["count"], s.get("min_level", 1)))
        if not needs:
            raise ProblemError(f"{path}.skills", "a request needs at least one skill slot")
        return Request(r["id"], float(r["location"]["lat"]), float(r["location"]["lon"]), time, tuple(needs),
                       tuple(r.get("eligible_teams", ())), r.get("priority", 3), r.get("allow_partial", False),
                       r.get("requires_insurance", False), tuple(sorted(r.get("attributes", {}).items())),
                       r.get("activity"))

    @staticmethod
    def _settings(s: dict[str, Any], volunteer_ids: set[str], request_ids: set[str]) -> Settings:
        weights = {p: p for p in range(1, 6)}
        weights.update({int(k): v for k, v in s.get("priority_weights", {}).items()})
        overrides = []
        for j, o in enumerate(s.get("overrides", ())):
            if o["volunteer"] not in volunteer_ids:
                raise ProblemError(f"settings.overrides[{j}].volunteer", f"unknown volunteer {o['volunteer']!r}")
            if o["request"] not in request_ids:
                raise ProblemError(f"settings.overrides[{j}].request", f"unknown request {o['request']!r}")
            overrides.append(Override(o["volunteer"], o["request"], o.get("distance_km"), o.get("travel_minutes")))
        return Settings(weights, float(s.get("speed_kmh", 25.0)), float(s.get("detour_factor", 1.3)), tuple(overrides),
                        s.get("staffing", "people"))


def dump_problem(problem: Problem, path: str | Path | None = None) -> dict[str, Any]:
    """The problem as its JSON document (written atomically to `path` when given)."""
    d0 = problem.date_from

    def iso(m: int) -> str:
        return format_minute(m, d0)

    def clock(m: int) -> str:
        return f"{m // 60:02d}:{m % 60:02d}"

    vols = []
    for v in problem.volunteers:
        item: dict[str, Any] = {"id": v.id, "home": {"lat": v.lat, "lon": v.lon},
                                "skills": [{"skill": s.skill, "level": s.level,
                                            **({"expires": s.expires.isoformat()} if s.expires else {})}
                                           for s in v.skills],
                                "teams": list(v.teams)}
        if v.availability is not None:
            a = v.availability
            item["availability"] = {
                "weekly": [{"weekday": w.weekday, "start": clock(w.start), "end": clock(w.end)} for w in a.weekly],
                "dated": [{"start": iso(s), "end": iso(e)} for s, e in a.dated],
                "exceptions": [{"start": iso(s), "end": iso(e)} for s, e in a.exceptions]}
        limits = {k: getattr(v.limits, k) for k in Limits.__slots__ if getattr(v.limits, k) is not None}
        if limits:
            item["limits"] = limits
        if v.max_travel_km is not None:
            item["max_travel_km"] = v.max_travel_km
        if v.insurance_valid_until is not None:
            item["insurance_valid_until"] = v.insurance_valid_until.isoformat()
        if v.insurance_covers:
            item["insurance_covers"] = [{"activity": c.activity, "valid_from": c.valid_from.isoformat(),
                                         "valid_until": c.valid_until.isoformat()} for c in v.insurance_covers]
        if v.pinned:
            item["pinned"] = list(v.pinned)
        if v.forbidden:
            item["forbidden"] = list(v.forbidden)
        if v.attributes:
            item["attributes"] = dict(v.attributes)
        vols.append(item)
    reqs = []
    for r in problem.requests:
        t = r.time
        time = ({"start": iso(t.earliest_start), "duration": t.duration} if t.fixed else
                {"earliest_start": iso(t.earliest_start), "latest_end": iso(t.latest_end), "duration": t.duration})
        reqs.append({"id": r.id, "location": {"lat": r.lat, "lon": r.lon}, "time": time,
                     "skills": [{"skill": n.skill, "count": n.count, "min_level": n.min_level} for n in r.skills],
                     "eligible_teams": list(r.eligible_teams), "priority": r.priority,
                     "allow_partial": r.allow_partial, "requires_insurance": r.requires_insurance,
                     **({"activity": r.activity} if r.activity is not None else {}),
                     **({"attributes": dict(r.attributes)} if r.attributes else {})})
    s = problem.settings
    doc: dict[str, Any] = {
        "format": PROBLEM_FORMAT, "version": 1,
        "date_from": problem.date_from.isoformat(), "date_to": problem.date_to.isoformat(),
        **({"skills": list(problem.skills)} if problem.skills else {}),
        **({"teams": list(problem.teams)} if problem.teams else {}),
        "volunteers": vols, "requests": reqs,
        "settings": {"priority_weights": {str(k): v for k, v in sorted(s.priority_weights.items())},
                     "speed_kmh": s.speed_kmh, "detour_factor": s.detour_factor,
                     **({"staffing": s.staffing} if s.staffing != "people" else {}),
                     "overrides": [{"volunteer": o.volunteer, "request": o.request,
                                    **({"distance_km": o.distance_km} if o.distance_km is not None else {}),
                                    **({"travel_minutes": o.travel_minutes} if o.travel_minutes is not None else {})}
                                   for o in s.overrides]}}
    if path is not None:
        write_json(doc, path)
    return doc
