"""Mutations of the practice network: units (create, update, move, delete), practice bases and
points, departments. Tree rules are db/tree.py's; this module validates the input around them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from db import models, tree
from db.errors import TreeError
from db.models.base import NAME_LENGTH
from resolvers.access.rules import Check
from resolvers.core.errors import ErrorCode
from resolvers.core.globalid import encode
from resolvers.core.mutation import Outcome, db_problem, run
from resolvers.core.validation import Checks

if TYPE_CHECKING:
    from resolvers.core.context import Info

FIVE_HAVES = {"site": "has_site", "staff": "has_staff", "rules": "has_rules", "platform": "has_platform",
              "feature": "has_feature"}


def _five_haves(value: Any, checks: Checks) -> dict[str, Any]:
    if value is None:
        return {}
    fields = {column: getattr(value, name) for name, column in FIVE_HAVES.items() if getattr(value, name) is not None}
    if value.feature_note is not None:
        fields["feature_note"] = checks.text(value.feature_note, ("input", "fiveHaves", "featureNote"))
    return fields


def _contact(data: Any, checks: Checks) -> dict[str, Any]:
    """The unit's address and contact as given (None: not given), each within its bound."""
    return {
        "address": checks.text(data.address, ("input", "address")) if data.address is not None else None,
        "contact_name": checks.text(data.contact_name, ("input", "contactName"), max_length=NAME_LENGTH)
        if data.contact_name is not None else None,
        "person_in_charge": checks.text(data.person_in_charge, ("input", "personInCharge"), max_length=NAME_LENGTH)
        if data.person_in_charge is not None else None,
        "contact_phone": checks.phone(data.contact_phone, ("input", "contactPhone")),
    }


def unit_create(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.Unit:
        checks = Checks(session)
        code = checks.name(data.code, ("input", "code"), max_length=64)
        checks.unique(models.Unit.code, code, ("input", "code"), "unit")
        name = checks.name(data.name, ("input", "name"))
        checks.location(data.location, ("input", "location"))
        contact = _contact(data, checks)
        five_haves = _five_haves(data.five_haves, checks)
        parent = checks.ref(data.parent, "Unit", ("input", "parent"))
        if parent is not None or data.parent is None:
            try:
                tree.check_parent(data.level, parent)
            except TreeError as exc:
                checks.problems.append(db_problem(exc, ("input", "parent")))
        checks.raise_if_any()
        return tree.create_unit(
            session, level=data.level, parent_id=parent.id if parent is not None else None, code=code, name=name,
            lat=data.location.lat, lon=data.location.lon, address=contact["address"] or "",
            contact_name=contact["contact_name"] or "", contact_phone=contact["contact_phone"] or "",
            person_in_charge=contact["person_in_charge"] or "",
            synthetic=data.synthetic, **five_haves,
        )

    return run(info, work, info.context.present.unit)


def unit_update(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.Unit:
        checks = Checks(session)
        unit = checks.ref(data.id, "Unit", ("input", "id"))
        name = checks.name(data.name, ("input", "name")) if data.name is not None else None
        if data.location is not None:
            checks.location(data.location, ("input", "location"))
        contact = _contact(data, checks)
        five_haves = _five_haves(data.five_haves, checks)
        checks.raise_if_any()
        assert unit is not None
        if name is not None:
            unit.name = name
        if data.location is not None:
            unit.lat, unit.lon = data.location.lat, data.location.lon
        for column in ("address", "contact_name", "person_in_charge"):
            if contact[column] is not None:
                setattr(unit, column, contact[column])
        if data.contact_phone is not None:
            unit.contact_phone = contact["contact_phone"] or ""
        for column, value in five_haves.items():
            setattr(unit, column, value)
        session.flush()
        return unit

    return run(info, work, info.context.present.unit)


def unit_move(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.Unit:
        checks = Checks(session)
        unit = checks.ref(data.id, "Unit", ("input", "id"))
        parent = checks.ref(data.parent, "Unit", ("input", "parent"))
        checks.raise_if_any()
        assert unit is not None
        # A refused move raises TreeError (CYCLE, LEVEL_MISMATCH, ...), reported at input.parent by run().
        moved = tree.move_unit(session, unit.id, parent.id if parent is not None else None)
        session.refresh(moved)
        return moved

    return run(info, work, info.context.present.unit)


#: Rows that keep a unit in use; deleting it would orphan them.
DEPENDENTS = (
    (models.Team.unit_id, "teams"),
    (models.Volunteer.unit_id, "volunteers"),
    (models.PracticeBase.unit_id, "practice bases"),
    (models.PracticePoint.unit_id, "practice points"),
    (models.Department.unit_id, "departments"),
    (models.AssessmentScore.unit_id, "published assessments"),
    (models.AssessmentPublication.scope_unit_id, "published assessments"),
)


def unit_delete(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> str:
        checks = Checks(session)
        unit = checks.ref(data.id, "Unit", ("input", "id"))
        checks.raise_if_any()
        assert unit is not None
        if not Check(session, info.context.auth.caller).administers(unit.id):  # before any count tells
            checks.add(("input", "id"), "only an admin over this unit may delete it", ErrorCode.FORBIDDEN)
            checks.raise_if_any()
        if session.scalar(select(func.count()).where(models.Unit.parent_id == unit.id)):
            checks.add(("input", "id"), "the unit has children: move or delete them first", ErrorCode.HAS_CHILDREN)
            checks.raise_if_any()
        # Counted on the connection, past the read scope: rows the caller cannot see still hold the unit.
        conn = session.connection()
        in_use = [what for column, what in DEPENDENTS
                  if conn.execute(select(func.count()).where(column == unit.id)).scalar()]
        if conn.execute(select(func.count()).where(
                or_(models.Order.unit_id == unit.id, models.Order.orderer_unit_id == unit.id))).scalar():
            in_use.append("orders")
        if in_use:
            checks.add(("input", "id"), f"the unit still has {', '.join(in_use)}: move or delete them first",
                       ErrorCode.IN_USE)
            checks.raise_if_any()
        session.execute(delete(models.MenuOffer).where(models.MenuOffer.unit_id == unit.id))
        session.execute(delete(models.Unit).where(models.Unit.id == unit.id))
        return encode("Unit", unit.id)

    return run(info, work)


def _attached_create(info: Info, data: Any, model: Any, mapper: Any, what: str) -> Outcome[Any]:
    def work(session: Session) -> Any:
        checks = Checks(session)
        unit = checks.ref(data.unit, "Unit", ("input", "unit"))
        code = checks.name(data.code, ("input", "code"), max_length=64)
        checks.unique(model.code, code, ("input", "code"), what)
        name = checks.name(data.name, ("input", "name"))
        checks.location(data.location, ("input", "location"))
        address = checks.text(data.address, ("input", "address"))
        checks.raise_if_any()
        row = model(unit_id=unit.id, code=code, name=name, category=data.category, lat=data.location.lat,
                    lon=data.location.lon, address=address, synthetic=data.synthetic)
        session.add(row)
        session.flush()
        return row

    return run(info, work, mapper)


def practice_base_create(info: Info, data: Any) -> Outcome[Any]:
    return _attached_create(info, data, models.PracticeBase, info.context.present.practice_base, "practice base")


def practice_point_create(info: Info, data: Any) -> Outcome[Any]:
    return _attached_create(info, data, models.PracticePoint, info.context.present.practice_point, "practice point")


def department_create(info: Info, data: Any) -> Outcome[Any]:
    def work(session: Session) -> models.Department:
        checks = Checks(session)
        unit = checks.ref(data.unit, "Unit", ("input", "unit"))
        name = checks.name(data.name, ("input", "name"))
        if unit is not None:
            try:
                tree.check_department_unit(session, unit.id)
            except TreeError as exc:
                checks.problems.append(db_problem(exc, ("input", "unit")))
        checks.raise_if_any()
        row = models.Department(unit_id=unit.id, name=name, description=checks.text(data.description, ("input",)))
        session.add(row)
        session.flush()
        return row

    return run(info, work, info.context.present.department)
