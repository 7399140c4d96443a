"""The schema's rules for one volunteer, checked directly.

The generic JSON Schema validator costs about half a millisecond a volunteer, which is over a
minute for a county of 150,000. `check_volunteer_shape` says the same as
`problem.schema.json` about a volunteer in plain Python; anything unusual is handed to the
schema validator, so the error message (and its path) is the schema's own.
"""

from __future__ import annotations

import re
from typing import Any

from matching.errors import ProblemError
from matching.jsonbase import schema_error

PROBLEM_FORMAT = "wenming.matching/problem"
_VOLUNTEER_KEYS = {"id", "home", "skills", "teams", "availability", "limits", "max_travel_km",
                   "insurance_valid_until", "pinned", "forbidden", "attributes", "insurance_covers"}
_LIMIT_KEYS = {"tasks_per_day", "minutes_per_day", "tasks_per_period", "minutes_per_period"}


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:00)?$")
_CLOCK = re.compile(r"^\d{2}:\d{2}$")


def _date_ok(x: Any) -> bool:
    return x is None or (isinstance(x, str) and _DATE.match(x) is not None)


def _availability_ok(a: Any) -> bool:
    return (isinstance(a, dict) and {"weekly", "dated", "exceptions"}.issuperset(a)
            and all(isinstance(a.get(k, []), list) for k in ("weekly", "dated", "exceptions"))
            and all(isinstance(w, dict) and set(w) == {"weekday", "start", "end"} and _is_int(w["weekday"])
                    and 0 <= w["weekday"] <= 6 and isinstance(w["start"], str) and _CLOCK.match(w["start"])
                    and isinstance(w["end"], str) and _CLOCK.match(w["end"]) for w in a.get("weekly", []))
            and all(isinstance(d, dict) and set(d) == {"start", "end"} and isinstance(d["start"], str)
                    and _DATETIME.match(d["start"]) and isinstance(d["end"], str) and _DATETIME.match(d["end"])
                    for k in ("dated", "exceptions") for d in a.get(k, [])))


def _attributes_ok(a: Any) -> bool:
    return isinstance(a, dict) and all(isinstance(k, str) and k and isinstance(x, (str, int, float, bool))
                                       for k, x in a.items())


def check_volunteer_shape(v: Any, path: str) -> None:
    """What `problem.schema.json` says of one volunteer, checked directly (same rules, same
    paths in the messages); a volunteer with an unusual part is handed to the schema validator
    for the exact message."""
    try:
        ok = (isinstance(v, dict) and _VOLUNTEER_KEYS.issuperset(v) and isinstance(v["id"], str) and v["id"]
              and isinstance(v["home"], dict) and set(v["home"]) == {"lat", "lon"}
              and _is_num(v["home"]["lat"]) and -90 <= v["home"]["lat"] <= 90
              and _is_num(v["home"]["lon"]) and -180 <= v["home"]["lon"] <= 180
              and all(isinstance(s, dict) and {"skill", "level"} <= set(s) <= {"skill", "level", "expires"}
                      and isinstance(s["skill"], str) and s["skill"] and _is_int(s["level"]) and s["level"] >= 0
                      and (s.get("expires") is None or isinstance(s["expires"], str))
                      for s in v.get("skills", []))
              and all(isinstance(x, str) and x for k in ("teams", "pinned", "forbidden") for x in v.get(k, []))
              and all(isinstance(v.get(k, []), list) for k in ("skills", "teams", "pinned", "forbidden"))
              and isinstance(v.get("limits", {}), dict) and _LIMIT_KEYS.issuperset(v.get("limits", {}))
              and all(x is None or (_is_int(x) and x >= 0) for x in v.get("limits", {}).values())
              and (v.get("max_travel_km") is None or (_is_num(v["max_travel_km"]) and v["max_travel_km"] >= 0))
              and (v.get("insurance_valid_until") is None or isinstance(v["insurance_valid_until"], str))
              and _date_ok(v.get("insurance_valid_until"))
              and all(_date_ok(s.get("expires")) for s in v.get("skills", []))
              and ("availability" not in v or _availability_ok(v["availability"]))
              and _attributes_ok(v.get("attributes", {}))
              and isinstance(v.get("insurance_covers", []), list)
              and all(isinstance(c, dict) and set(c) == {"activity", "valid_from", "valid_until"}
                      and isinstance(c["activity"], str) and c["activity"] and isinstance(c["valid_from"], str)
                      and isinstance(c["valid_until"], str) and _date_ok(c["valid_from"]) and _date_ok(c["valid_until"])
                      for c in v.get("insurance_covers", [])))
    except (KeyError, TypeError):
        ok = False
    if not ok:
        schema_error({"format": PROBLEM_FORMAT, "version": 1, "date_from": "2000-01-01", "date_to": "2000-01-01",
                       "volunteers": [v], "requests": []}, "problem.schema.json", ProblemError, path)
