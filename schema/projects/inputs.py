"""Inputs of projects' mutations (schema/projects/fields.py): one `input` per mutation."""

from __future__ import annotations

import datetime

import strawberry

from schema.core.enums import ServiceDomain


@strawberry.input(description="A new DRAFT project of a unit you administer. Money in fen (分): 100 fen = 1 yuan.")
class ProjectCreateInput:
    unit: strawberry.ID
    name: str
    domain: ServiceDomain
    starts_on: datetime.date
    ends_on: datetime.date = strawberry.field(description="The last day; not before startsOn.")
    budget_fen: int = strawberry.field(description="0 .. 1,000,000,000 fen.")
    service_items: list[strawberry.ID] = strawberry.field(description="The service items it runs: 1 to 20.")
    goals: str | None = None
    target_groups: str | None = None
    team: strawberry.ID | None = None
    stations: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Stations of the unit's subtree where it runs (at most 50; none: anywhere in it).")


@strawberry.input(description="Change a DRAFT or RETURNED project: only the fields given; lists replace the old.")
class ProjectUpdateInput:
    project: strawberry.ID
    name: str | None = None
    domain: ServiceDomain | None = None
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    budget_fen: int | None = None
    service_items: list[strawberry.ID] | None = None
    goals: str | None = None
    target_groups: str | None = None
    team: strawberry.ID | None = None
    stations: list[strawberry.ID] | None = None


@strawberry.input(description="A step of a project (submit, approve, start), with an optional note.")
class ProjectStepInput:
    project: strawberry.ID
    note: str | None = None


@strawberry.input(description="Return a SUBMITTED project to its unit, saying what to change.")
class ProjectReturnInput:
    project: strawberry.ID
    reason: str


@strawberry.input(description="Close a RUNNING project, reporting what it spent (fen).")
class ProjectCloseInput:
    project: strawberry.ID
    spent_fen: int
    note: str | None = None


@strawberry.input(description="Evaluate a CLOSED project (staff of the unit above): your score 0..100; the figures "
                              "come from its orders.")
class ProjectEvaluateInput:
    project: strawberry.ID
    reviewer_score: int
    residents_reached: int | None = None
    note: str | None = None


@strawberry.input(description="A new DRAFT at `unit` from a library entry (its items, goals and budget; not its "
                              "stations), for the period given.")
class ProjectCopyInput:
    entry: strawberry.ID
    unit: strawberry.ID
    starts_on: datetime.date
    ends_on: datetime.date
