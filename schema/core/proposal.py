"""What every volunteer's request shows (time claims, change requests: db/models/requests.py):
its state, who filed it and who decided it, when (server time) and why."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from resolvers.core.context import Info
from resolvers.core.globalid import encode
from schema.core.enums import RequestState

if TYPE_CHECKING:
    from schema.forces.volunteer_types import Volunteer

VolunteerRef = Annotated["Volunteer", strawberry.lazy("schema.forces.volunteer_types")]


@strawberry.interface(description="A volunteer's proposal staff decide: PENDING until another account approves "
                                  "or declines it (with a reason), or the volunteer withdraws it; never deleted.")
class VolunteerRequest:
    id: strawberry.ID
    volunteer_pk: strawberry.Private[int]
    state: RequestState
    note: str = strawberry.field(description="The volunteer's note.")
    submitted_by: str = strawberry.field(description="The account that filed it.")
    submitted_at: datetime.datetime
    decided_by: str | None = strawberry.field(description="The account that approved, declined or withdrew it.")
    decided_at: datetime.datetime | None
    decision_note: str = strawberry.field(description="The approval's note, or the reason of the decline.")

    @strawberry.field(description="Null where the volunteer lies outside what the caller may see.")
    async def volunteer(self, info: Info) -> VolunteerRef | None:
        result: Any = await info.context.loaders.volunteer_by_id.load(self.volunteer_pk)
        return result


def request_fields(type_name: str, row: Any) -> dict[str, Any]:
    """The shared fields of a request row, as keyword arguments of its strawberry type."""
    return {"id": encode(type_name, row.id), "volunteer_pk": row.volunteer_id, "state": row.state, "note": row.note,
            "submitted_by": row.submitted_by, "submitted_at": row.submitted_at, "decided_by": row.decided_by,
            "decided_at": row.decided_at, "decision_note": row.decision_note}
