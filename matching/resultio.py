"""The result JSON (format `wenming.matching/result`, version 1) both ways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matching.errors import ResultError
from matching.jsonbase import read_json, schema_error, write_json
from matching.result import (
    Assignment,
    Explanation,
    Missing,
    Moved,
    NearMiss,
    Objective,
    OpenRequest,
    Result,
    RunnerUp,
    SkillMatch,
    Status,
)

RESULT_FORMAT = "wenming.matching/result"


def result_to_json(result: Result, path: str | Path | None = None) -> dict[str, Any]:
    """The result as its JSON document (written atomically to `path` when given)."""
    def assignment(a: Assignment) -> dict[str, Any]:
        item: dict[str, Any] = {"request": a.request, "volunteer": a.volunteer, "skill": a.skill,
                                "start": a.start, "end": a.end, "distance_km": a.distance_km,
                                "travel_minutes": a.travel_minutes}
        e = a.explanation
        if e is not None:
            item["explanation"] = {
                "skills_matched": [{"skill": m.skill, "level": m.level, "min_level": m.min_level}
                                   for m in e.skills_matched],
                "window": dict(e.window) if e.window else None,
                "contributions": dict(e.contributions),
                "runner_up": ({"volunteer": e.runner_up.volunteer, "distance_km": e.runner_up.distance_km,
                               "reason": e.runner_up.reason} if e.runner_up else None)}
        return item

    doc: dict[str, Any] = {
        "format": RESULT_FORMAT, "version": 1, "status": result.status.value, "message": result.message,
        "objective": result.objective.as_dict(), "bound": dict(result.bound), "gap": result.gap,
        "timings": dict(result.timings), "parts": dict(result.parts),
        "assignments": [assignment(a) for a in result.assignments],
        "open": [{"request": o.request, "missing": [{"skill": m.skill, "count": m.count} for m in o.missing],
                  "reason": o.reason,
                  "near_miss": ({"volunteer": o.near_miss.volunteer, "reason": o.near_miss.reason,
                                 "detail": o.near_miss.detail} if o.near_miss else None)}
                 for o in result.open]}
    if result.moved is not None:
        doc["moved"] = {k: [{"request": r, "volunteer": v} for r, v in getattr(result.moved, k)]
                        for k in ("kept", "added", "removed")}
    if path is not None:
        write_json(doc, path)
    return doc


def load_result(source: str | Path | dict[str, Any]) -> Result:
    """Read a result JSON (path or dict) back into a `Result`; raise `ResultError` naming the path."""
    doc = read_json(source, ResultError)
    if not isinstance(doc, dict):
        raise ResultError("", "a result must be a JSON object")
    schema_error(doc, "result.schema.json", ResultError)

    def assignment(a: dict[str, Any]) -> Assignment:
        e = a.get("explanation")
        explanation = None
        if e is not None:
            ru = e.get("runner_up")
            explanation = Explanation(
                tuple(SkillMatch(m["skill"], m["level"], m["min_level"]) for m in e["skills_matched"]),
                e.get("window"), dict(e["contributions"]),
                RunnerUp(ru["volunteer"], ru["distance_km"], ru["reason"]) if ru else None)
        return Assignment(a["request"], a["volunteer"], a["skill"], a["start"], a["end"], a["distance_km"],
                          a["travel_minutes"], explanation)

    def open_request(o: dict[str, Any]) -> OpenRequest:
        nm = o.get("near_miss")
        return OpenRequest(o["request"], tuple(Missing(m["skill"], m["count"]) for m in o["missing"]), o["reason"],
                           NearMiss(nm["volunteer"], nm["reason"], nm["detail"]) if nm else None)

    moved = None
    if "moved" in doc:
        m = doc["moved"]
        moved = Moved(*(tuple((p["request"], p["volunteer"]) for p in m[k]) for k in ("kept", "added", "removed")))
    return Result(Status(doc["status"]), Objective(**doc["objective"]), doc.get("bound", {}), doc.get("gap"),
                  doc.get("timings", {}), doc.get("parts", {}), tuple(assignment(a) for a in doc["assignments"]),
                  tuple(open_request(o) for o in doc["open"]), moved, doc.get("message", ""))
