"""Synthetic Pizhou volunteers for generated problems (SYNTHETIC DATA, see `pizhou.py`).

Each volunteer lives near one of the 25 units and, as in the database example
(examples/people.py), holds one to three skills of the catalogue drawn by their frequency, with
the same level distribution (often plus `helper`); joins the city teams of those skills (a holder
of general skills only, helper or driver, joins any one of the seven) and usually the town team;
and follows one of five availability profiles: retired (weekday daytime), worker (evenings and
weekend), student (weekend and some late afternoons), staff on volunteer duty (office hours) or
anytime (no `availability` key).
Some certifications and insurances have expired, some days carry exceptions; a few single-slot
requests are pinned to a volunteer who satisfies every hard rule with a safety margin, and a few
volunteers forbid a request.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np

from examples.problems.pizhou import CERTIFIED, CITY_TEAMS, SKILL_SHARES, TOWNS, town_team

_KM_PER_DEG_LAT = 110.57
_BOX = ((34.05, 34.70), (117.50, 118.30))  # lat, lon bounds of the synthetic county
_PROFILES = ("retired", "worker", "student", "staff", "anytime")
_PROFILE_P = (0.38, 0.37, 0.12, 0.08, 0.05)
_LEVEL_P = (0.15, 0.30, 0.30, 0.17, 0.08)  # as in the database example (examples/people.py)
_SKILL_COUNT_P = (0.50, 0.35, 0.15)  # how many skills a volunteer holds, helper aside (the same)
_TRAVEL_KM = (10, 15, 20, 30, 0)  # 0 = no limit
_TRAVEL_P = (0.30, 0.30, 0.20, 0.10, 0.10)
_PIN_SPARE = 15  # minutes a pinned volunteer's window must hold beyond the service and the travel


def places(rng: np.random.Generator, n: int, sigma_km: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Town index and (lat, lon) of n points scattered around town centres by population weight."""
    weights = np.array([t[4] for t in TOWNS])
    town = rng.choice(len(TOWNS), size=n, p=weights / weights.sum())
    centre = np.array([(t[2], t[3]) for t in TOWNS])[town]
    offset = rng.normal(0.0, sigma_km, size=(n, 2))
    lat = centre[:, 0] + offset[:, 0] / _KM_PER_DEG_LAT
    lon = centre[:, 1] + offset[:, 1] / (111.32 * math.cos(math.radians(34.33)))
    return town, np.round(np.clip(lat, *_BOX[0]), 5), np.round(np.clip(lon, *_BOX[1]), 5)


def approx_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Straight-line km by the equirectangular formula (within 0.5 % at county scale)."""
    dy = (lat2 - lat1) * _KM_PER_DEG_LAT
    dx = (lon2 - lon1) * 111.32 * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(dx, dy)


def _weekly(profile: str, r: np.ndarray) -> list[dict[str, Any]]:
    """Weekly windows of one profile; r holds 12 uniform draws that vary the pattern."""
    def w(day: int, start: str, end: str) -> dict[str, Any]:
        return {"weekday": day, "start": start, "end": end}

    if profile == "retired":
        out = []
        morning_start = ("07:30", "08:00", "08:30")[int(r[8] * 3)]
        for day in range(6):
            if r[day] < 0.7:
                if r[6] < 0.85:
                    out.append(w(day, morning_start, "11:30"))
                if r[7] < 0.7:
                    out.append(w(day, "14:00", "17:30"))
        return out or [w(0, "08:00", "11:30")]
    if profile == "worker":
        out = [w(day, "18:00", "21:30") for day in range(5) if r[day] < 0.5]
        if r[5] < 0.8:
            out.append(w(5, "08:30", "17:30"))
        if r[6] < 0.6:
            out.append(w(6, "08:30", "17:30"))
        return out or [w(5, "08:30", "17:30")]
    if profile == "student":
        out = [w(5, "08:00", "18:00"), w(6, "08:00", "18:00")]
        out += [w(day, "16:00", "20:00") for day in (2, 4) if r[day] < 0.5]
        return out
    return [w(day, "08:30", "17:30") for day in range(5)]  # staff


def _availability(profile: str, r: np.ndarray, dates: list[dt.date]) -> dict[str, Any] | None:
    if profile == "anytime":
        return None
    avail: dict[str, Any] = {"weekly": _weekly(profile, r)}
    day = dates[int(r[9] * len(dates))].isoformat()
    if r[10] < 0.08:
        start, end = (("09:00", "12:00"), ("14:00", "18:00"), ("18:30", "21:00"))[int(r[11] * 3)]
        avail["dated"] = [{"start": f"{day}T{start}", "end": f"{day}T{end}"}]
    if r[11] < 0.10:
        start, end = (("08:00", "12:00"), ("13:00", "18:00"), ("00:00", "23:59"))[int(r[10] * 30) % 3]
        avail["exceptions"] = [{"start": f"{day}T{start}", "end": f"{day}T{end}"}]
    return avail


def _date_between(rng: np.random.Generator, first: dt.date, last: dt.date) -> str:
    return (first + dt.timedelta(days=int(rng.integers(0, (last - first).days + 1)))).isoformat()


def volunteers(rng: np.random.Generator, n: int, dates: list[dt.date]) -> list[dict[str, Any]]:
    """n synthetic volunteers (ids V000001..) for a period covering `dates`."""
    town, lat, lon = places(rng, n, sigma_km=3.0)
    names = list(SKILL_SHARES)
    shares = [SKILL_SHARES[s][0] for s in names]
    primary = rng.choice(len(names), size=n, p=shares)
    second = rng.random(n)
    others = rng.choice(len(names), size=(n, 2), p=shares)
    count = rng.choice(len(_SKILL_COUNT_P), size=n, p=_SKILL_COUNT_P) + 1
    levels = rng.choice(5, size=(n, 4), p=_LEVEL_P) + 1
    profile = rng.choice(len(_PROFILES), size=n, p=_PROFILE_P)
    draws = rng.random((n, 12))
    team_draw = rng.random((n, 3))
    city_teams = sorted(CITY_TEAMS)
    extra_team = rng.integers(0, len(city_teams), size=(n, 2))
    per_day = rng.choice([1, 2, 3], size=n, p=[0.4, 0.45, 0.15])
    minutes_day = rng.choice([240, 360, 480], size=n)
    travel = rng.choice(len(_TRAVEL_KM), size=n, p=_TRAVEL_P)
    insurance = rng.random(n)
    expiry_draw = rng.random(n)
    before, soon, later = dates[0] - dt.timedelta(days=400), dates[0] - dt.timedelta(days=1), dates[-1]
    out = []
    for i in range(n):
        skill = names[int(primary[i])]
        held = {skill: int(levels[i, 0])}
        for k in range(int(count[i]) - 1):
            held.setdefault(names[int(others[i, k])], int(levels[i, k + 1]))
        if "helper" not in held and second[i] < 0.35:
            held["helper"] = int(levels[i, 3])
        skills = []
        for name, level in held.items():
            entry: dict[str, Any] = {"skill": name, "level": level}
            if name in CERTIFIED:
                expired = expiry_draw[i] < 0.10
                entry["expires"] = (_date_between(rng, before, soon) if expired
                                    else _date_between(rng, later, later + dt.timedelta(days=900)))
            skills.append(entry)
        teams: list[str] = []
        if team_draw[i, 0] < 0.8:  # the city teams of the skills held (any one for general skills only)
            own = [t for t in (SKILL_SHARES[name][1] for name in held) if t is not None]
            teams.extend(dict.fromkeys(own or [city_teams[int(extra_team[i, 0])]]))
        if team_draw[i, 1] < 0.1 and city_teams[int(extra_team[i, 1])] not in teams:
            teams.append(city_teams[int(extra_team[i, 1])])
        if team_draw[i, 2] < 0.75:
            teams.append(town_team(TOWNS[int(town[i])][0]))
        vol: dict[str, Any] = {"id": f"V{i + 1:06d}", "home": {"lat": float(lat[i]), "lon": float(lon[i])},
                               "skills": skills, "teams": teams}
        avail = _availability(_PROFILES[int(profile[i])], draws[i], dates)
        if avail is not None:
            vol["availability"] = avail
        limits = {"tasks_per_day": int(per_day[i]), "minutes_per_day": int(minutes_day[i])}
        if len(dates) > 1:
            limits["tasks_per_period"] = int(per_day[i]) + 2
            limits["minutes_per_period"] = int(minutes_day[i]) * 3
        vol["limits"] = limits
        if _TRAVEL_KM[int(travel[i])]:
            vol["max_travel_km"] = _TRAVEL_KM[int(travel[i])]
        if insurance[i] < 0.80:
            vol["insurance_valid_until"] = _date_between(rng, later, later + dt.timedelta(days=600))
        elif insurance[i] < 0.92:
            vol["insurance_valid_until"] = _date_between(rng, before, soon)
        out.append(vol)
    return out


def _free_for(vol: dict[str, Any], req: dict[str, Any], travel: int) -> bool:
    """Whether vol is surely available for fixed-time req: anytime, or a weekly window of its day
    holds the service with `travel` minutes before it and a quarter of an hour to spare on each
    side, on a day without exceptions or dated windows."""
    avail = vol.get("availability")
    if avail is None:
        return True
    start = req["time"]["start"]
    day = start[:10]
    if any(w["start"][:10] <= day <= w["end"][:10] for w in avail.get("exceptions", []) + avail.get("dated", [])):
        return False
    first = _minutes(start[11:]) - travel - _PIN_SPARE
    last = _minutes(start[11:]) + req["time"]["duration"] + _PIN_SPARE
    weekday = dt.date.fromisoformat(day).weekday()
    return any(w["weekday"] == weekday and _minutes(w["start"]) <= first and last <= _minutes(w["end"])
               for w in avail["weekly"])


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:5])


def _pin_fits(vol: dict[str, Any], req: dict[str, Any]) -> bool:
    """Whether vol surely satisfies every hard rule for single-slot req (with a 10 % margin)."""
    if "start" not in req["time"]:
        return False
    day = req["time"]["start"][:10]
    slot = req["skills"][0]
    if not any(s["skill"] == slot["skill"] and s["level"] >= slot["min_level"]
               and s.get("expires", "9999") >= day for s in vol["skills"]):
        return False
    if req["eligible_teams"] and not set(req["eligible_teams"]) & set(vol["teams"]):
        return False
    if req["requires_insurance"] and vol.get("insurance_valid_until", "") < day:
        return False
    home, site = vol["home"], req["location"]
    km = 1.3 * approx_km(home["lat"], home["lon"], site["lat"], site["lon"])
    if km * 1.1 > vol.get("max_travel_km", 1e9):
        return False
    travel = math.ceil(km * 1.1 / 25 * 60) + 5
    return req["time"]["duration"] + travel <= vol["limits"]["minutes_per_day"] and _free_for(vol, req, travel)


def add_pins_and_forbids(rng: np.random.Generator, vols: list[dict[str, Any]],
                         reqs: list[dict[str, Any]]) -> None:
    """Pin about 1 in 200 single-slot fixed-time requests (to a volunteer surely free for it, see
    `_pin_fits`); let about 1 % of volunteers forbid one."""
    single = [r for r in reqs
              if len(r["skills"]) == 1 and r["skills"][0]["count"] == 1 and "start" in r["time"]]
    pinned: set[str] = set()
    wanted = max(1, len(reqs) // 200) if vols else 0
    for req in single:
        if len(pinned) >= wanted:
            break
        for k in rng.permutation(len(vols))[:2000]:
            vol = vols[int(k)]
            if vol["id"] not in pinned and _pin_fits(vol, req):
                vol["pinned"] = [req["id"]]
                pinned.add(vol["id"])
                break
    if not reqs:
        return
    for k in rng.choice(len(vols), size=len(vols) // 100, replace=False):
        vol = vols[int(k)]
        target = reqs[int(rng.integers(0, len(reqs)))]["id"]
        if target not in vol.get("pinned", []):
            vol["forbidden"] = [target]
