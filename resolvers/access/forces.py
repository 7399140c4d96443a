"""Access to the volunteer forces: teams, memberships, volunteers and their details, skills.

Teams and skills are catalogue (every signed-in caller reads them); volunteers and everything
about them are personal data, read only in scope (rules.Scope.volunteers). Unit admins change
teams and volunteers of their subtree, team leaders their own team, a volunteer himself. What a
volunteer may not change himself (STAFF_ONLY_FIELDS) he may ask for: a change request, read like
his other details and decided by a unit admin over his unit (another account than his own).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from db import models
from db.models import Role
from resolvers.access.auth import Caller
from resolvers.access.rules import (
    ADMIN,
    SIGNED_IN,
    STAFF,
    AdminOnly,
    ByTeam,
    ByVolunteer,
    Check,
    Domain,
    Membership,
    Proposed,
    fields,
)

#: Volunteer fields that say what a volunteer is qualified, insured or bound to: staff over the
#: volunteer's unit change them, never the volunteer himself (input name -> GraphQL field).
STAFF_ONLY_FIELDS = {"skills": "skills", "domains": "domains", "insurance_valid_until": "insuranceValidUntil",
                     "max_travel_km": "maxTravelKm", "max_tasks_per_day": "maxTasksPerDay",
                     "max_minutes_per_day": "maxMinutesPerDay", "status": "status", "unit": "unit"}


def is_staff_over(session: Session, caller: Caller | None, volunteer: models.Volunteer) -> bool:
    """Whether `caller` administers `volunteer`'s unit (the platform admin always does)."""
    return caller is not None and Check(session, caller).administers(volunteer.unit_id)


DOMAIN = Domain(
    name="forces",
    roots={
        **fields("Query", ("teams", "skills", "volunteers", "volunteerChangeRequests"), SIGNED_IN),
        "Mutation.skillCreate": ADMIN,  # the catalogue of skills is the platform's
        **fields("Mutation", ("teamCreate", "volunteerRegister"), STAFF),
        **fields("Mutation", ("teamUpdate", "teamMemberAdd"), STAFF | {Role.TEAM_LEADER}),
        "Mutation.volunteerUpdate": STAFF | {Role.VOLUNTEER},
        **fields("Mutation", ("volunteerChangeRequest", "volunteerChangeRequestWithdraw"), ADMIN | {Role.VOLUNTEER}),
        **fields("Mutation", ("volunteerChangeRequestApprove", "volunteerChangeRequestDecline"), STAFF),
    },
    reads={
        models.Volunteer: lambda s, t: s.volunteers(t.c.id),
        models.VolunteerSkill: lambda s, t: s.volunteers(t.c.volunteer_id),
        models.VolunteerDomain: lambda s, t: s.volunteers(t.c.volunteer_id),
        models.AvailabilityWindow: lambda s, t: s.volunteers(t.c.volunteer_id),
        models.AvailabilityException: lambda s, t: s.volunteers(t.c.volunteer_id),
        models.TeamMembership: lambda s, t: s.volunteers(t.c.volunteer_id),
        models.VolunteerChangeRequest: lambda s, t: s.volunteers(t.c.volunteer_id),
    },
    catalogue=frozenset({"Query.teams", "Query.skills"}),
    writes={
        models.Skill: AdminOnly(),
        models.Team: ByTeam("id"),
        models.TeamMembership: Membership(),
        models.Volunteer: ByVolunteer("id"),
        models.VolunteerSkill: ByVolunteer(),
        models.VolunteerDomain: ByVolunteer(),
        models.AvailabilityWindow: ByVolunteer(),
        models.AvailabilityException: ByVolunteer(),
        models.VolunteerChangeRequest: Proposed("volunteer"),
    },
)
