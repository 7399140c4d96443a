"""Training example data (培训): first-aid courses at each city's center, past sessions at a
life-and-health practice base (one at the center where the example network lists none) taught by
experts of the pool, and the certificates they issued: some valid for long, some running out
within 7 or 30 days, some expired, so the demo shows expiry notices (`wenming certificates
notify`) and what dispatch counts.

The bulletin names training bases, lecturer teams and skill training but no course: the skill
`first-aid` (急救员, certified: dispatch counts it only from certificates), the courses, sessions,
enrolments and certificates are all invented and marked `synthetic` where the table has the
column. No service item of the menu asks for `first-aid`, so the example dispatch runs do not
change; a staff member can add one to see certificates decide who is chosen.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from db.enums import BaseCategory, ServiceDomain
from examples.cities import City
from examples.network import Network
from examples.rows import Ids, Tables

SKILL_CODE = "first-aid"
SKILL: dict[str, object] = {"code": SKILL_CODE, "name": "急救员", "domain": ServiceDomain.HEALTH,
                            "requires_certificate": True}
#: (code suffix, name, level, hours, validity days)
COURSES = (("FA", "应急救护培训", 2, 16, 365), ("FA-ADV", "高级急救员培训", 3, 24, 730))
#: (course index, days before the example day the session ran, people passed)
SESSIONS = ((0, 380, 3), (0, 360, 4), (0, 340, 4), (1, 30, 3))


def build_training(city: City, rng: random.Random, ids: Ids, tables: Tables, network: Network,
                   existing_skills: dict[str, int], day: date, created_at: datetime) -> None:
    """Add the city's training rows to `tables` (see the module docstring)."""
    skill_id = existing_skills.get(SKILL_CODE)
    if skill_id is None:
        skill_id = ids.take("skills")
        tables["skills"].append({"id": skill_id, **SKILL})
    courses = []
    for suffix, name, level, hours, validity in COURSES:
        course = {"id": ids.take("training_courses"), "unit_id": network.center.id, "code": f"{city.code}-TC-{suffix}",
                  "name": name, "skill_id": skill_id, "level": level, "hours": hours, "validity_days": validity,
                  "synthetic": True, "created_at": created_at}
        tables["training_courses"].append(course)
        courses.append(course)
    bases = [b for b in tables["practice_bases"] if b["category"] == BaseCategory.LIFE_HEALTH]
    if not bases:  # a city whose bases the example data does not list gets one training base at its center
        bases = [{"id": ids.take("practice_bases"), "unit_id": network.center.id, "code": f"{city.code}-B-TRAIN",
                  "name": f"{network.center.name}应急救护培训基地", "category": BaseCategory.LIFE_HEALTH,
                  "lat": network.center.lat, "lon": network.center.lon, "address": network.center.name,
                  "synthetic": True}]
        tables["practice_bases"].extend(bases)
    experts = sorted({int(str(d["volunteer_id"])) for d in tables["volunteer_domains"]
                      if d["domain"] == ServiceDomain.HEALTH})
    volunteers = [int(str(v["id"])) for v in tables["volunteers"]]
    if not bases or not experts:
        return
    learners = rng.sample([v for v in volunteers if v not in set(experts)],
                          k=min(sum(n for *_, n in SESSIONS), max(0, len(volunteers) - len(experts))))
    for index, (course_index, days_ago, passed) in enumerate(SESSIONS):
        course = courses[course_index]
        held = day - timedelta(days=days_ago)
        starts = datetime.combine(held, time(9, 0))
        session_id = ids.take("training_sessions")
        tables["training_sessions"].append({
            "id": session_id, "course_id": course["id"], "base_id": bases[index % len(bases)]["id"],
            "starts_at": starts, "ends_at": starts + timedelta(hours=8), "capacity": 30, "lecturer_team_id": None,
            "created_at": created_at})
        tables["training_lecturers"].append({"id": ids.take("training_lecturers"), "session_id": session_id,
                                             "volunteer_id": experts[index % len(experts)]})
        stamp = datetime.combine(held, time(10, 0), tzinfo=UTC)
        for volunteer in learners[:passed]:
            enrolment_id = ids.take("training_enrolments")
            tables["training_enrolments"].append({
                "id": enrolment_id, "session_id": session_id, "volunteer_id": volunteer,
                "enrolled_at": stamp - timedelta(days=14), "enrolled_by_account_id": None, "attended": True,
                "attendance_by_account_id": None, "attendance_at": stamp, "score": rng.randint(75, 98),
                "passed": True, "assessed_by_account_id": None, "assessed_at": stamp})
            until = held + timedelta(days=int(str(course["validity_days"])))
            tables["certificates"].append({
                "id": ids.take("certificates"), "number": f"{city.code}-TC{course['id']}-{held:%Y}-{enrolment_id:06d}",
                "volunteer_id": volunteer, "course_id": course["id"], "skill_id": skill_id, "level": course["level"],
                "issued_on": held, "valid_until": until, "enrolment_id": enrolment_id, "issued_by_account_id": None,
                "issued_at": stamp, "synthetic": True})
            tables["volunteer_skills"].append({
                "id": ids.take("volunteer_skills"), "volunteer_id": volunteer, "skill_id": skill_id,
                "level": course["level"], "certified_until": until})
        learners = learners[passed:]
