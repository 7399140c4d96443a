"""Star levels (星级志愿者) and hours totals through the API: thresholds, which hours count and the
approving level are configuration; proposing is idempotent; a star is decided at the configured
level of the tree, never by the volunteer himself, and a refused decision writes nothing."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from sqlalchemy import Engine, select

from db import models
from db.models import Role
from db.session import make_engine, session_factory
from resolvers.core.settings import StarSettings
from resolvers.recognition import stars
from tests.auth.conftest import ClientFor
from tests.auth.support import token_for
from tests.documents import TEAM_MEMBER_ADD
from tests.recognition import rows
from tests.recognition.support import ERRORS, Mall, errors, pk
from tests.schema.support import GraphQLClient, StatementCounter, create_team, register_volunteer
from wenming.settings import Settings, SettingsError, read_settings

AWARD = "id stars countedHours state submittedBy decidedBy decisionNote volunteer { id }"
PROPOSE = f"mutation M($input: StarsProposeInput!) {{ starsPropose(input: $input) {{ proposed {ERRORS} }} }}"
APPLY = f"mutation M($input: StarApplyInput!) {{ starApply(input: $input) {{ award {{ {AWARD} }} {ERRORS} }} }}"
APPROVE = f"mutation M($input: StarApproveInput!) {{ starApprove(input: $input) {{ award {{ {AWARD} }} {ERRORS} }} }}"
DECLINE = f"mutation M($input: StarDeclineInput!) {{ starDecline(input: $input) {{ award {{ {AWARD} }} {ERRORS} }} }}"
AWARDS = f"query A($s: RequestState) {{ starAwards(state: $s) {{ totalCount edges {{ node {{ {AWARD} }} }} }} }}"
HOURS = ("query H($g: HoursGroup!, $u: ID, $f: DateTime, $t: DateTime) { serviceHours(groupBy: $g, unit: $u, "
         "from: $f, to: $t) { totalCount edges { node { group id name creditHours honourHours } } } }")
#: 30 / 60 / 100 / 200 / 300 hours, credit and honour hours counting (a county's rules)
CONCURRENT = 20
COUNTY = {"WENMING_STAR_HOURS": "30,60,100,200,300", "WENMING_STAR_COUNTS": "credit+honour"}


def serve(engine: Engine, mall: Mall, who: str, credit_hours: float, honour_hours: float = 0,
          at: dt.datetime | None = None) -> None:
    """A completed task of volunteer `who` at the mall's station, with these credit and honour hours."""
    with session_factory(engine)() as session:
        station = session.get(models.Unit, pk(mall.ids["station"]))
        volunteer = session.get(models.Volunteer, pk(mall.ids[who]))
        assert station is not None and volunteer is not None
        record = rows.served(session, station, volunteer, rows.item(session), int(credit_hours * 60))
        record.honour_minutes = int(honour_hours * 60)
        if at is not None:
            record.checked_in_at = at
        session.commit()


def client(settings: Settings, engine: Engine, username: str, grants: list[tuple[Role, dict[str, int]]]
           ) -> GraphQLClient:
    """A client of the server configured by `settings`, as the account `username`."""
    return GraphQLClient(settings, engine, headers={
        "Authorization": f"Bearer {token_for(settings, engine, username, grants, password=None)}"})


def awards(api: GraphQLClient, state: str | None = None) -> dict[str, tuple[int, str]]:
    """volunteer id -> (stars, state) of the awards `api` reads."""
    edges = api.data(AWARDS, {"s": state})["starAwards"]["edges"]
    return {e["node"]["volunteer"]["id"]: (e["node"]["stars"], e["node"]["state"]) for e in edges}


def award_rows(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(models.StarAward.__table__).order_by(models.StarAward.id))]


def propose(api: GraphQLClient, scope: str) -> int:
    payload = api.data(PROPOSE, {"input": {"scope": scope}})["starsPropose"]
    assert payload["userErrors"] == [], payload["userErrors"]
    return int(payload["proposed"])


@pytest.fixture
def institute_admin(mall: Mall, client_for: ClientFor) -> GraphQLClient:
    return client_for("stars-institute", [(Role.UNIT_ADMIN, {"unit_id": pk(mall.ids["institute"])})])


def test_the_star_rules_are_read_from_the_environment() -> None:
    assert read_settings({}).stars == StarSettings()
    assert StarSettings().approvers == ("INSTITUTE", "INSTITUTE", "CENTER", "CENTER", "CENTER")
    county = read_settings({**COUNTY, "WENMING_STAR_APPROVERS": "1:STATION,2-3:INSTITUTE,4-5:CENTER"}).stars
    assert county == StarSettings(hours=(30, 60, 100, 200, 300), count_honour=True,
                                  approvers=("STATION", "INSTITUTE", "INSTITUTE", "CENTER", "CENTER"))
    assert read_settings({"WENMING_STAR_HOURS": "50,150,400"}).stars.approvers == ("INSTITUTE", "INSTITUTE", "CENTER")
    for name, value in (("WENMING_STAR_HOURS", "300,100"), ("WENMING_STAR_HOURS", "100,100"),
                        ("WENMING_STAR_HOURS", "ten"), ("WENMING_STAR_HOURS", "0,5"),
                        ("WENMING_STAR_COUNTS", "honour"), ("WENMING_STAR_APPROVERS", "1-2:INSTITUTE"),
                        ("WENMING_STAR_APPROVERS", "1-5:TOWN"), ("WENMING_STAR_APPROVERS", "1-6:CENTER")):
        with pytest.raises(SettingsError, match=name):
            read_settings({name: value})


def test_a_star_threshold_change_in_configuration_changes_who_is_proposed(
        mall: Mall, engine: Engine, settings: Settings) -> None:
    serve(engine, mall, "v1", 120)  # 120 credit hours: 1 star nationally, 3 in the county
    serve(engine, mall, "v2", 50, honour_hours=60)  # 50 credit + 60 honour: none nationally, 3 in the county
    county = Settings(database_url=settings.database_url, stars=read_settings(COUNTY).stars)
    with session_factory(engine)() as session:  # the same data, two configurations
        where = models.Volunteer.unit_id == pk(mall.ids["station"])
        v1, v2 = pk(mall.ids["v1"]), pk(mall.ids["v2"])
        assert [(v, s) for v, s, _ in stars.due(session, settings.stars, where)] == [(v1, 1)]
        assert [(v, s) for v, s, _ in stars.due(session, county.stars, where)] == [(v1, 3), (v2, 3)]
    national_staff = mall.as_("staff")
    assert propose(national_staff, mall.ids["center"]) == 1
    assert awards(mall.admin) == {mall.ids["v1"]: (1, "PENDING")}
    county_staff = client(county, engine, "mall-staff", [(Role.UNIT_ADMIN, {"unit_id": pk(mall.ids["center"])})])
    try:
        assert propose(county_staff, mall.ids["center"]) == 1  # v1 has his pending award already
    finally:
        county_staff.close()
    assert awards(mall.admin) == {mall.ids["v1"]: (1, "PENDING"), mall.ids["v2"]: (3, "PENDING")}
    counted = {e["node"]["volunteer"]["id"]: e["node"]["countedHours"]
               for e in mall.admin.data(AWARDS)["starAwards"]["edges"]}
    assert counted == {mall.ids["v1"]: 120.0, mall.ids["v2"]: 110.0}


def test_proposing_twice_creates_nothing_new(mall: Mall, engine: Engine) -> None:
    serve(engine, mall, "v1", 320)
    assert propose(mall.as_("staff"), mall.ids["center"]) == 1
    before = award_rows(engine)
    assert propose(mall.as_("staff"), mall.ids["center"]) == 0
    assert award_rows(engine) == before
    (award,) = mall.admin.data(AWARDS)["starAwards"]["edges"]
    assert (award["node"]["stars"], award["node"]["submittedBy"]) == (2, None)  # the highest reached, automatic


def test_approving_outside_scope_at_the_wrong_level_or_ones_own_is_refused_and_writes_nothing(
        mall: Mall, engine: Engine, client_for: ClientFor, institute_admin: GraphQLClient) -> None:
    serve(engine, mall, "v1", 150)
    propose(mall.as_("staff"), mall.ids["center"])
    (edge,) = mall.admin.data(AWARDS)["starAwards"]["edges"]
    award = edge["node"]["id"]
    himself = client_for("stars-himself", [(Role.UNIT_ADMIN, {"unit_id": pk(mall.ids["institute"])}),
                                           (Role.VOLUNTEER, {"volunteer_id": pk(mall.ids["v1"])})])
    before = award_rows(engine)
    refusals = {"outsider": mall.as_("outsider"), "center (1 star: the institute's)": mall.as_("staff"),
                "himself": himself}
    codes = {who: errors(api.data(APPROVE, {"input": {"awardId": award}})["starApprove"])
             for who, api in refusals.items()}
    codes["decline, himself"] = errors(himself.data(DECLINE, {"input": {"awardId": award, "reason": "不"}})[
        "starDecline"])
    assert codes == {"outsider": [(["input", "awardId"], "NOT_FOUND")],
                     "center (1 star: the institute's)": [(["input", "awardId"], "FORBIDDEN")],
                     "himself": [(["input", "awardId"], "OWN_REQUEST")],
                     "decline, himself": [(["input", "awardId"], "OWN_REQUEST")]}
    root = mall.as_("v1").execute(APPROVE, {"input": {"awardId": award}})
    assert root["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # a volunteer never reaches the field
    assert award_rows(engine) == before
    done = institute_admin.data(APPROVE, {"input": {"awardId": award, "note": "核实"}})["starApprove"]
    assert done["userErrors"] == []
    assert (done["award"]["state"], done["award"]["decidedBy"], done["award"]["decisionNote"]) == (
        "APPROVED", "stars-institute", "核实")
    again = institute_admin.data(APPROVE, {"input": {"awardId": award}})["starApprove"]
    assert errors(again) == [(["input", "awardId"], "REQUEST_STATE")]
    assert propose(mall.as_("staff"), mall.ids["center"]) == 0  # the star is held


def test_the_approving_level_is_configuration(mall: Mall, engine: Engine, settings: Settings) -> None:
    serve(engine, mall, "v1", 150)
    propose(mall.as_("staff"), mall.ids["center"])
    (edge,) = mall.admin.data(AWARDS)["starAwards"]["edges"]
    award = {"input": {"awardId": edge["node"]["id"]}}
    centers = Settings(database_url=settings.database_url,
                       stars=read_settings({"WENMING_STAR_APPROVERS": "1-5:CENTER"}).stars)
    institute = client(centers, engine, "stars-institute", [(Role.UNIT_ADMIN, {"unit_id": pk(mall.ids["institute"])})])
    center = client(centers, engine, "mall-staff", [(Role.UNIT_ADMIN, {"unit_id": pk(mall.ids["center"])})])
    try:
        assert errors(institute.data(APPROVE, award)["starApprove"]) == [(["input", "awardId"], "FORBIDDEN")]
        approved = center.data(APPROVE, award)["starApprove"]
        assert (approved["userErrors"], approved["award"]["state"]) == ([], "APPROVED")
    finally:
        institute.close()
        center.close()


def test_a_volunteer_applies_for_himself_once(mall: Mall, engine: Engine, institute_admin: GraphQLClient) -> None:
    serve(engine, mall, "v1", 100)
    v1 = mall.as_("v1")
    applied = v1.data(APPLY, {"input": {"volunteer": mall.ids["v1"], "note": "申请一星"}})["starApply"]
    assert applied["userErrors"] == []
    assert (applied["award"]["stars"], applied["award"]["state"], applied["award"]["submittedBy"]) == (
        1, "PENDING", "mall-v1")
    before = award_rows(engine)
    cases = {"again": (v1, "v1"), "for another": (v1, "v2"), "no hours": (mall.as_("v2"), "v2")}
    codes = {what: errors(api.data(APPLY, {"input": {"volunteer": mall.ids[who]}})["starApply"])
             for what, (api, who) in cases.items()}
    assert codes == {"again": [(["input", "volunteer"], "REQUEST_PENDING")],
                     "for another": [(["input", "volunteer"], "NOT_FOUND")],  # he does not see v2
                     "no hours": [(["input", "volunteer"], "OUT_OF_RANGE")]}
    assert award_rows(engine) == before
    assert propose(mall.as_("staff"), mall.ids["center"]) == 0  # his application is pending
    no_reason = institute_admin.data(DECLINE, {"input": {"awardId": applied["award"]["id"], "reason": " "}})
    assert errors(no_reason["starDecline"]) == [(["input", "reason"], "REQUIRED")]
    declined = institute_admin.data(DECLINE, {"input": {"awardId": applied["award"]["id"], "reason": "时长待核"}})
    assert declined["starDecline"]["award"]["state"] == "DECLINED"
    assert propose(mall.as_("staff"), mall.ids["center"]) == 0  # a declined star is not proposed again
    assert awards(v1) == {mall.ids["v1"]: (1, "DECLINED")}
    assert awards(mall.as_("v2")) == {}  # a volunteer reads his own awards only


def test_service_hours_per_volunteer_team_and_unit_in_a_period(mall: Mall, engine: Engine) -> None:
    inside = dt.datetime(2026, 10, 1, 1, 0, tzinfo=dt.UTC)
    serve(engine, mall, "v1", 2, honour_hours=0.5, at=inside)
    serve(engine, mall, "v1", 1, at=inside)
    serve(engine, mall, "v2", 4, at=inside)
    serve(engine, mall, "v2", 8, at=dt.datetime(2026, 12, 2, 1, 0, tzinfo=dt.UTC))  # after the period
    team = create_team(mall.admin, mall.ids["center"])
    mall.admin.data(TEAM_MEMBER_ADD, {"input": {"team": team, "volunteer": mall.ids["v1"]}})
    quarter = {"f": "2026-10-01T00:00:00+08:00", "t": "2027-01-01T00:00:00+08:00"}
    october = {"f": "2026-10-01T00:00:00+08:00", "t": "2026-11-01T00:00:00+08:00"}

    def totals(api: GraphQLClient, group: str, **variables: Any) -> list[tuple[str, float, float]]:
        edges = api.data(HOURS, {"g": group, **variables})["serviceHours"]["edges"]
        return [(e["node"]["id"], e["node"]["creditHours"], e["node"]["honourHours"]) for e in edges]

    staff = mall.as_("staff")
    assert totals(staff, "VOLUNTEER", **quarter) == [(mall.ids["v2"], 12.0, 0.0), (mall.ids["v1"], 3.0, 0.5)]
    assert totals(staff, "VOLUNTEER", **october) == [(mall.ids["v2"], 4.0, 0.0), (mall.ids["v1"], 3.0, 0.5)]
    assert totals(staff, "UNIT", **october) == [(mall.ids["station"], 7.0, 0.5)]
    assert totals(staff, "TEAM", **october) == [(team, 3.0, 0.5)]
    assert totals(staff, "UNIT", u=mall.ids["institute"]) == [(mall.ids["station"], 15.0, 0.5)]
    assert totals(mall.as_("v1"), "VOLUNTEER") == [(mall.ids["v1"], 3.0, 0.5)]  # his own only
    assert totals(mall.as_("outsider"), "UNIT") == []
    assert totals(mall.as_("analyst"), "UNIT", **october) == [(mall.ids["station"], 7.0, 0.5)]
    refused = mall.as_("analyst").execute(HOURS, {"g": "VOLUNTEER"})
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # analysts: no names
    backwards = staff.execute(HOURS, {"g": "UNIT", "f": october["t"], "t": october["f"]})
    assert backwards["errors"][0]["extensions"]["code"] == "OUT_OF_RANGE"


def test_service_hours_take_a_fixed_number_of_statements(mall: Mall, engine: Engine) -> None:
    counter = StatementCounter(engine)
    try:
        def cost() -> int:
            counter.reset()
            mall.as_("staff").data(HOURS, {"g": "VOLUNTEER"})
            return counter.count

        serve(engine, mall, "v1", 2)
        small = cost()
        for _ in range(6):
            name = register_volunteer(mall.admin, mall.ids["station"])
            mall.ids[name] = name
            serve(engine, mall, name, 3)
        assert cost() == small
    finally:
        counter.remove()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_concurrent_proposals_propose_each_star_once(mall: Mall, engine: Engine, settings: Settings,
                                                     db_url: str) -> None:
    serve(engine, mall, "v1", 150)
    token = token_for(settings, engine, "mall-staff", [(Role.UNIT_ADMIN, {"unit_id": pk(mall.ids["center"])})],
                      password=None)
    wide = make_engine(db_url, pool_size=CONCURRENT + 5)
    barrier = threading.Barrier(CONCURRENT, timeout=60)
    outcomes: list[Any] = []

    def go() -> None:
        api = GraphQLClient(settings, wide, headers={"Authorization": f"Bearer {token}"})
        try:
            barrier.wait()
            payload = api.data(PROPOSE, {"input": {"scope": mall.ids["center"]}})["starsPropose"]
            outcomes.append([e["code"] for e in payload["userErrors"]] or payload["proposed"])
        finally:
            api.close()

    threads = [threading.Thread(target=go) for _ in range(CONCURRENT)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
            assert not thread.is_alive(), "a proposal did not finish within 120 s"
    finally:
        wide.dispose()
    assert len(outcomes) == CONCURRENT
    assert outcomes.count(1) == 1, outcomes
    assert all(o in (0, 1, ["CONFLICT"]) for o in outcomes), outcomes
    assert awards(mall.admin) == {mall.ids["v1"]: (1, "PENDING")}
