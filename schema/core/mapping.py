"""Rows of db.models -> GraphQL objects of schema/types.

A row is an ORM object or a plain `Row` of the table (same attribute names). One function per type;
they copy plain attributes (so the fields resolve without any further work), compute the global ID
and mask personal data. Nothing here touches the database.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row
from strawberry.scalars import JSON

import schema.core.common as common_t
import schema.forces.change_requests as requests_t
import schema.forces.types as forces_t
import schema.forces.volunteer_types as volunteer_t
import schema.network.types as network_t
import schema.orders.types as menu_t
from db import models
from db.identity import mask_id_number
from resolvers.access.masking import mask_phone
from resolvers.core.globalid import encode
from schema.core.proposal import request_fields


def unit(row: models.Unit | Row[Any]) -> Any:
    return network_t.Unit(
        id=encode("Unit", row.id),
        pk=row.id,
        parent_pk=row.parent_id,
        path=row.path,
        code=row.code,
        name=row.name,
        level=row.level,
        depth=row.depth,
        location=common_t.Location(lat=row.lat, lon=row.lon),
        address=row.address,
        contact_name=row.contact_name,
        person_in_charge=row.person_in_charge,
        contact_phone=mask_phone(row.contact_phone) or "",
        five_haves=network_t.FiveHaves(
            site=row.has_site,
            staff=row.has_staff,
            rules=row.has_rules,
            platform=row.has_platform,
            feature=row.has_feature,
            feature_note=row.feature_note,
        ),
        synthetic=row.synthetic,
    )


def department(row: models.Department) -> Any:
    return network_t.Department(
        id=encode("Department", row.id), pk=row.id, unit_pk=row.unit_id, name=row.name,
        description=row.description,
    )


def practice_base(row: models.PracticeBase) -> Any:
    return network_t.PracticeBase(
        id=encode("PracticeBase", row.id), pk=row.id, unit_pk=row.unit_id, code=row.code, name=row.name,
        category=row.category, location=common_t.Location(lat=row.lat, lon=row.lon),
        address=row.address, synthetic=row.synthetic,
    )


def practice_point(row: models.PracticePoint) -> Any:
    return network_t.PracticePoint(
        id=encode("PracticePoint", row.id), pk=row.id, unit_pk=row.unit_id, code=row.code, name=row.name,
        category=row.category, location=common_t.Location(lat=row.lat, lon=row.lon),
        address=row.address, synthetic=row.synthetic,
    )


def team(row: models.Team) -> Any:
    return forces_t.Team(
        id=encode("Team", row.id), pk=row.id, parent_pk=row.parent_id, unit_pk=row.unit_id,
        code=row.code, name=row.name, kind=row.kind, domain=row.domain,
        description=row.description, synthetic=row.synthetic,
    )


def skill(row: models.Skill) -> Any:
    return forces_t.Skill(id=encode("Skill", row.id), pk=row.id, code=row.code, name=row.name, domain=row.domain,
                          requires_certificate=row.requires_certificate)


def membership(row: models.TeamMembership) -> Any:
    return forces_t.TeamMembership(volunteer_pk=row.volunteer_id, team_pk=row.team_id, role=row.role)


def volunteer(row: models.Volunteer) -> Any:
    return volunteer_t.Volunteer(
        id=encode("Volunteer", row.id),
        pk=row.id,
        unit_pk=row.unit_id,
        volunteer_number=row.volunteer_number,
        name=row.name,
        phone=mask_phone(row.phone) or "",
        id_number=mask_id_number(row.id_number_tail),
        home_location=common_t.Location(lat=row.home_lat, lon=row.home_lon),
        status=row.status,
        insurance_valid_until=row.insurance_valid_until,
        max_travel_km=row.max_travel_km,
        max_tasks_per_day=row.max_tasks_per_day,
        max_minutes_per_day=row.max_minutes_per_day,
        synthetic=row.synthetic,
    )


def volunteer_change_request(row: models.VolunteerChangeRequest) -> Any:
    return requests_t.VolunteerChangeRequest(
        **request_fields("VolunteerChangeRequest", row), proposed=JSON(row.proposed),
        previous=JSON(row.previous) if row.previous is not None else None)


def volunteer_skill(row: models.VolunteerSkill, skill_row: models.Skill) -> Any:
    return volunteer_t.VolunteerSkill(skill=skill(skill_row), level=row.level, certified_until=row.certified_until)


def window(row: models.AvailabilityWindow) -> Any:
    return volunteer_t.AvailabilityWindow(
        weekday=row.weekday, start_minute=row.start_minute, end_minute=row.end_minute
    )


def exception(row: models.AvailabilityException) -> Any:
    return volunteer_t.AvailabilityException(start=row.start, end=row.end, available=row.available, note=row.note)


def service_item(row: models.ServiceItem | Row[Any]) -> Any:
    return menu_t.ServiceItem(
        id=encode("ServiceItem", row.id), pk=row.id, code=row.code, name=row.name, domain=row.domain,
        description=row.description, duration_minutes=row.duration_minutes, synthetic=row.synthetic,
    )


def required_skill(row: models.ServiceItemSkill, skill_row: models.Skill) -> Any:
    return menu_t.RequiredSkill(skill=skill(skill_row), headcount=row.count, min_level=row.min_level)


def order(row: models.Order) -> Any:
    return menu_t.Order(
        id=encode("Order", row.id),
        pk=row.id,
        item_pk=row.item_id,
        unit_pk=row.unit_id,
        orderer_unit_pk=row.orderer_unit_id,
        code=row.code,
        resident_name=row.resident_name,
        resident_phone=mask_phone(row.resident_phone),
        location=common_t.Location(lat=row.lat, lon=row.lon),
        address=row.address,
        window_start=row.window_start,
        window_end=row.window_end,
        headcount=row.headcount,
        priority=row.priority,
        channel=row.channel,
        note=row.note,
        status=row.status,
        created_at=row.created_at,
        project_id=None if row.project_id is None else encode("Project", row.project_id),
    )


#: GraphQL type name -> presenter, for `node(id)` and the by-ID loaders (models: resolvers/core/nodes.py).
NODE_MAPPERS: dict[str, Any] = {
    "Unit": unit,
    "Department": department,
    "PracticeBase": practice_base,
    "PracticePoint": practice_point,
    "Team": team,
    "Skill": skill,
    "Volunteer": volunteer,
    "ServiceItem": service_item,
    "Order": order,
}
