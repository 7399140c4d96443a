"""Rows of the dispatch workflow -> GraphQL objects of schema/dispatch/types.py (no database work)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

import schema.dispatch.types as t
from db import models
from resolvers.core.globalid import encode
from resolvers.core.pagination import encode_cursor
from schema.core.proposal import request_fields


def volunteer_id(key: str | None) -> strawberry.ID | None:
    """The global ID of an engine volunteer key ("V12"), None for anything else."""
    return encode("Volunteer", int(key[1:])) if key and key.startswith("V") and key[1:].isdigit() else None


def objective(data: dict[str, Any] | None) -> Any:
    if not data:
        return None
    return t.Objective(staffing=data["staffing"], travel_m=data["travel_m"], workload=data["workload"],
                       cohesion=data["cohesion"])


def run(row: models.DispatchRun) -> Any:
    result = row.result or {}
    open_orders = [
        t.OpenOrder(order_pk=int(o["request"][1:]), reason=o["reason"],
                    missing=[t.MissingSkill(skill=x["skill"], count=x["count"]) for x in o["missing"]],
                    near_miss=(t.NearMiss(volunteer=volunteer_id(o["near_miss"]["volunteer"]),
                                          reason=o["near_miss"]["reason"], detail=o["near_miss"]["detail"])
                               if o.get("near_miss") else None))
        for o in result.get("open", [])]
    return t.DispatchRun(
        id=encode("DispatchRun", row.id), pk=row.id, scope_pk=row.scope_unit_id, kind=row.kind, state=row.state,
        reason=row.reason, date_from=row.date_from, date_to=row.date_to,
        progress=t.RunProgress(phase=row.phase, parts_done=row.parts_done, parts_total=row.parts_total,
                               best_objective=objective(row.best_objective)),
        result_status=result.get("status"), gap=result.get("gap"), created_at=row.created_at,
        started_at=row.started_at, finished_at=row.finished_at, committed_at=row.committed_at,
        open_order_list=open_orders, moved=_moved(result.get("moved")))


def _moved(data: dict[str, Any] | None) -> Any:
    if data is None:
        return None

    def pairs(key: str) -> list[Any]:
        return [t.Pairing(order=encode("Order", int(p["request"][1:])),
                          volunteer=volunteer_id(p["volunteer"]) or strawberry.ID(""))
                for p in data.get(key, []) if p["request"].startswith("O")]

    return t.Moved(kept=pairs("kept"), added=pairs("added"), removed=pairs("removed"))


def proposal(row: models.DispatchProposal) -> Any:
    e = row.explanation
    explanation = None
    if e:
        ru = e.get("runner_up")
        explanation = t.ProposalExplanation(
            skills_matched=[t.SkillMatch(skill=s["skill"], level=s["level"], min_level=s["min_level"])
                            for s in e["skills_matched"]],
            window=e.get("window"), contributions=JSON(e.get("contributions") or {}),
            runner_up=(t.RunnerUp(volunteer=volunteer_id(ru["volunteer"]), distance_km=ru["distance_km"],
                                  reason=ru["reason"]) if ru else None))
    return t.DispatchProposal(
        id=encode("DispatchProposal", row.id), order_pk=row.order_id, volunteer_pk=row.volunteer_id,
        skill=row.skill_code, start=row.start, end=row.end, distance_km=row.distance_km,
        travel_minutes=row.travel_minutes, pinned=row.pinned, explanation=explanation)


def service_record(row: models.ServiceRecord | None, corrections: list[models.ServiceCorrection]) -> Any:
    if row is None:
        return None
    return t.ServiceRecord(
        checked_in_at=row.checked_in_at, checked_out_at=row.checked_out_at, credit_minutes=row.credit_minutes,
        honour_minutes=row.honour_minutes,
        corrections=[t.ServiceCorrection(minutes=c.minutes, staff=c.staff, reason=c.reason, at=c.at)
                     for c in corrections])


def assignment(row: models.Assignment, record: Any = None) -> Any:
    return t.Assignment(
        id=encode("Assignment", row.id), pk=row.id, order_pk=row.order_id, volunteer_pk=row.volunteer_id,
        skill=row.skill_code, start=row.start, end=row.end, distance_km=row.distance_km,
        travel_minutes=row.travel_minutes, status=row.status, decline_reason=row.decline_reason,
        service_record=record)


def order_event(row: models.OrderEvent) -> Any:
    return t.OrderEvent(from_status=row.from_status, to_status=row.to_status, actor=row.actor, note=row.note,
                        at=row.at)


def outbox_event(row: models.OutboxEvent) -> Any:
    return t.OutboxEvent(
        cursor=encode_cursor(row.id), kind=row.kind,
        volunteer=encode("Volunteer", row.volunteer_id) if row.volunteer_id else None,
        order=encode("Order", row.order_id) if row.order_id else None,
        assignment=encode("Assignment", row.assignment_id) if row.assignment_id else None,
        payload=JSON(row.payload), created_at=row.created_at)


def rating(row: models.Rating | None) -> Any:
    return None if row is None else t.Rating(score=row.score, comment=row.comment, created_at=row.created_at)


def time_claim(row: models.TimeClaim) -> Any:
    return t.TimeClaim(**request_fields("TimeClaim", row), assignment_pk=row.assignment_id, started_at=row.started_at,
                       ended_at=row.ended_at, old_credit_minutes=row.old_credit_minutes,
                       new_credit_minutes=row.new_credit_minutes)
