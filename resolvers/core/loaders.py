"""DataLoaders, created per request (`Loaders`), named <Target>By<Key>Loader.

Each loader turns the keys collected during one tick of the event loop into one SQL statement,
so a list of N objects costs the same number of statements as a list of one (the N+1 test in
tests/resolvers/test_statement_count.py holds us to it). Values are GraphQL objects already
presented by the schema (Context.present), cached for the request only. The hot fields of the unit tree use
the synchronous peer-batched loaders of resolvers/network/tree.py instead (see there why).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models
from resolvers.core.loader_base import ByIdLoader, CountLoader, GroupLoader
from resolvers.core.nodes import NODE_MODELS
from resolvers.network.tree import (
    DescendantsByUnitLoader,
    MenuByUnitLoader,
    TeamCountByUnitLoader,
    UnitCountsByUnitLoader,
    UnitPeers,
    UnitsByParentLoader,
)


def _by_id(name: str) -> type[ByIdLoader]:
    return type(f"{name}ByIdLoader", (ByIdLoader,), {"type_name": name, "__doc__": f"{name} by primary key."})


#: UnitByIdLoader, TeamByIdLoader, ... one per Node type, for `node(id)` and references.
NODE_LOADERS = {name: _by_id(name) for name in NODE_MODELS}


class RowsByKeyLoader(GroupLoader):
    """Rows of `model`'s table whose `key` column is among the keys, in id order, mapped by `mapper`."""

    model: ClassVar[Any]
    key: ClassVar[str]
    mapper: ClassVar[str]  # the name of the schema's presenter for these rows

    def pairs(self, keys: Sequence[int]) -> Iterable[tuple[int, Any]]:
        table = self.model.__table__  # plain rows: mapped to GraphQL objects, ORM instances are not needed
        rows = self.session.execute(select(table).where(table.c[self.key].in_(keys)).order_by(table.c.id))
        present = getattr(self.present, self.mapper)
        return ((getattr(row, self.key), present(row)) for row in rows)


class ClaimsByAssignmentLoader(RowsByKeyLoader):
    """Time claims on tasks."""

    model, key, mapper = models.TimeClaim, "assignment_id", "time_claim"


class TeamsByUnitLoader(RowsByKeyLoader):
    """Teams belonging to units."""

    model, key, mapper = models.Team, "unit_id", "team"


class TeamsByParentLoader(RowsByKeyLoader):
    """Sub-teams of teams."""

    model, key, mapper = models.Team, "parent_id", "team"


class PracticeBasesByUnitLoader(RowsByKeyLoader):
    """Practice bases attached to units."""

    model, key, mapper = models.PracticeBase, "unit_id", "practice_base"


class PracticePointsByUnitLoader(RowsByKeyLoader):
    """Practice points attached to units."""

    model, key, mapper = models.PracticePoint, "unit_id", "practice_point"


class DepartmentsByUnitLoader(RowsByKeyLoader):
    """Departments of centers."""

    model, key, mapper = models.Department, "unit_id", "department"


class WindowsByVolunteerLoader(RowsByKeyLoader):
    """Weekly availability windows of volunteers."""

    model, key, mapper = models.AvailabilityWindow, "volunteer_id", "window"


class ExceptionsByVolunteerLoader(RowsByKeyLoader):
    """Dated availability exceptions of volunteers."""

    model, key, mapper = models.AvailabilityException, "volunteer_id", "exception"


class MembershipsByVolunteerLoader(RowsByKeyLoader):
    """Team memberships of volunteers."""

    model, key, mapper = models.TeamMembership, "volunteer_id", "membership"


class GrantsByAccountLoader(RowsByKeyLoader):
    """Role grants of accounts (the ones the caller may read)."""

    model, key, mapper = models.RoleGrant, "account_id", "role_grant"


class ApiKeysByAccountLoader(GroupLoader):
    """API keys of accounts: name, prefix and dates, never the digest (unrestricted readers only)."""

    def pairs(self, keys: Sequence[int]) -> Iterable[tuple[int, Any]]:
        k = models.ApiKey
        stmt = (select(k.id, k.account_id, k.name, k.prefix, k.created_at, k.revoked_at)
                .where(k.account_id.in_(keys)).order_by(k.id))
        return ((row.account_id, self.present.api_key(row)) for row in self.session.execute(stmt))


class MemberCountByTeamLoader(CountLoader):
    """How many volunteers each team has."""

    column = models.TeamMembership.team_id


class SkillsByVolunteerLoader(GroupLoader):
    """Skills of volunteers with level and certification expiry."""

    def pairs(self, keys: Sequence[int]) -> Iterable[tuple[int, Any]]:
        stmt = (
            select(models.VolunteerSkill, models.Skill)
            .join(models.Skill, models.Skill.id == models.VolunteerSkill.skill_id)
            .where(models.VolunteerSkill.volunteer_id.in_(keys))
            .order_by(models.VolunteerSkill.id)
        )
        rows = self.session.execute(stmt)
        return ((vs.volunteer_id, self.present.volunteer_skill(vs, skill)) for vs, skill in rows)


class DomainsByVolunteerLoader(GroupLoader):
    """Expert-pool domains of volunteers."""

    def pairs(self, keys: Sequence[int]) -> Iterable[tuple[int, Any]]:
        stmt = (
            select(models.VolunteerDomain.volunteer_id, models.VolunteerDomain.domain)
            .where(models.VolunteerDomain.volunteer_id.in_(keys))
            .order_by(models.VolunteerDomain.id)
        )
        return self.session.execute(stmt).all()


class RequiredSkillsByItemLoader(GroupLoader):
    """Skills (headcount, minimum level) that service items need."""

    def pairs(self, keys: Sequence[int]) -> Iterable[tuple[int, Any]]:
        stmt = (
            select(models.ServiceItemSkill, models.Skill)
            .join(models.Skill, models.Skill.id == models.ServiceItemSkill.skill_id)
            .where(models.ServiceItemSkill.item_id.in_(keys))
            .order_by(models.ServiceItemSkill.id)
        )
        rows = self.session.execute(stmt)
        return ((req.item_id, self.present.required_skill(req, skill)) for req, skill in rows)


class ProviderTeamsByItemLoader(GroupLoader):
    """Teams providing service items."""

    def pairs(self, keys: Sequence[int]) -> Iterable[tuple[int, Any]]:
        stmt = (
            select(models.ServiceItemProvider.item_id, models.Team)
            .join(models.Team, models.Team.id == models.ServiceItemProvider.team_id)
            .where(models.ServiceItemProvider.item_id.in_(keys))
            .order_by(models.Team.id)
        )
        return ((item_id, self.present.team(team)) for item_id, team in self.session.execute(stmt))


class Loaders:
    """The DataLoaders of one request; each is created on first use."""

    def __init__(self, session: Session, present: Any) -> None:
        self.session = session
        self.present = present
        self._nodes: dict[str, ByIdLoader] = {}
        #: Lists of units handed out together; the unit-tree loaders batch over them.
        self.unit_peers = UnitPeers()
        self.units_by_parent = UnitsByParentLoader(session, present, self.unit_peers)
        self.menu_by_unit = MenuByUnitLoader(session, present, self.unit_peers)
        self.team_count_by_unit = TeamCountByUnitLoader(session, present, self.unit_peers)
        self.unit_counts_by_unit = UnitCountsByUnitLoader(session, present, self.unit_peers)
        self._descendants: dict[int | None, DescendantsByUnitLoader] = {}

    def node(self, type_name: str) -> ByIdLoader:
        """The by-ID loader of a Node type (shared with the named ones below)."""
        loader = self._nodes.get(type_name)
        if loader is None:
            loader = self._nodes[type_name] = NODE_LOADERS[type_name](self.session, self.present)
            if type_name == "Unit":
                loader.on_batch = self.unit_peers.add
        return loader

    def descendants_by_unit(self, max_depth: int | None) -> DescendantsByUnitLoader:
        """The descendants loader for one `maxDepth` argument."""
        loader = self._descendants.get(max_depth)
        if loader is None:
            loader = DescendantsByUnitLoader(self.session, self.present, self.unit_peers, max_depth)
            self._descendants[max_depth] = loader
        return loader

    @property
    def unit_by_id(self) -> ByIdLoader:
        return self.node("Unit")

    @property
    def team_by_id(self) -> ByIdLoader:
        return self.node("Team")

    @property
    def volunteer_by_id(self) -> ByIdLoader:
        return self.node("Volunteer")

    @property
    def service_item_by_id(self) -> ByIdLoader:
        return self.node("ServiceItem")

    @cached_property
    def teams_by_unit(self) -> TeamsByUnitLoader:
        return TeamsByUnitLoader(self.session, self.present)

    @cached_property
    def bases_by_unit(self) -> PracticeBasesByUnitLoader:
        return PracticeBasesByUnitLoader(self.session, self.present)

    @cached_property
    def points_by_unit(self) -> PracticePointsByUnitLoader:
        return PracticePointsByUnitLoader(self.session, self.present)

    @cached_property
    def departments_by_unit(self) -> DepartmentsByUnitLoader:
        return DepartmentsByUnitLoader(self.session, self.present)

    @cached_property
    def teams_by_parent(self) -> TeamsByParentLoader:
        return TeamsByParentLoader(self.session, self.present)

    @cached_property
    def member_count_by_team(self) -> MemberCountByTeamLoader:
        return MemberCountByTeamLoader(self.session, self.present)

    @cached_property
    def skills_by_volunteer(self) -> SkillsByVolunteerLoader:
        return SkillsByVolunteerLoader(self.session, self.present)

    @cached_property
    def domains_by_volunteer(self) -> DomainsByVolunteerLoader:
        return DomainsByVolunteerLoader(self.session, self.present)

    @cached_property
    def windows_by_volunteer(self) -> WindowsByVolunteerLoader:
        return WindowsByVolunteerLoader(self.session, self.present)

    @cached_property
    def exceptions_by_volunteer(self) -> ExceptionsByVolunteerLoader:
        return ExceptionsByVolunteerLoader(self.session, self.present)

    @cached_property
    def memberships_by_volunteer(self) -> MembershipsByVolunteerLoader:
        return MembershipsByVolunteerLoader(self.session, self.present)

    @cached_property
    def required_skills_by_item(self) -> RequiredSkillsByItemLoader:
        return RequiredSkillsByItemLoader(self.session, self.present)

    @cached_property
    def claims_by_assignment(self) -> ClaimsByAssignmentLoader:
        return ClaimsByAssignmentLoader(self.session, self.present)

    @cached_property
    def provider_teams_by_item(self) -> ProviderTeamsByItemLoader:
        return ProviderTeamsByItemLoader(self.session, self.present)

    @cached_property
    def grants_by_account(self) -> GrantsByAccountLoader:
        return GrantsByAccountLoader(self.session, self.present)

    @cached_property
    def api_keys_by_account(self) -> ApiKeysByAccountLoader:
        return ApiKeysByAccountLoader(self.session, self.present)
