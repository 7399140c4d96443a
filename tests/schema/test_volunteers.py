"""Volunteers through the API: registration, masking of personal data, search filters, and the
refusals of volunteerRegister (duplicates, bad ID numbers), each writing nothing."""

from __future__ import annotations

import pytest

from tests.documents import TEAM_MEMBER_ADD, VOLUNTEER_REGISTER, VOLUNTEER_REGISTER_PROFILE, VOLUNTEER_UPDATE
from tests.schema.support import (
    GraphQLClient,
    create_skill,
    create_team,
    create_unit,
    id_number,
    register_volunteer,
    volunteer_input,
)

VOLUNTEERS = """
query Volunteers($skill: ID, $minLevel: Int, $team: ID, $domain: ServiceDomain, $unitSubtree: ID,
                 $availableOn: Date) {
  volunteers(skill: $skill, minLevel: $minLevel, team: $team, domain: $domain, unitSubtree: $unitSubtree,
             availableOn: $availableOn) {
    totalCount
    edges { node { name } }
  }
}
"""

VOLUNTEER_COUNT = "query { volunteers { totalCount } }"

VOLUNTEER_TEAMS = """
query VolunteerTeams($id: ID!) {
  node(id: $id) { ... on Volunteer { teams { name memberCount } memberships { role } } }
}
"""


@pytest.fixture
def station(api: GraphQLClient) -> str:
    center = create_unit(api, "CENTER")
    institute = create_unit(api, "INSTITUTE", center)
    return create_unit(api, "STATION", institute, name="新华站")


def test_register_stores_and_shows_masked_personal_data(api: GraphQLClient, station: str) -> None:
    # given
    doctor = create_skill(api, code="doctor")
    number = "32038219850317008X"
    # when
    payload = api.execute(VOLUNTEER_REGISTER_PROFILE, {"input": volunteer_input(
        station, volunteerNumber="PZ-0001", name="李娜", phone="13812345678", idNumber=number.lower(),
        skills=[{"skill": doctor, "level": 4, "certifiedUntil": "2027-06-30"}], domains=["HEALTH", "HEALTH"],
        weekly=[{"weekday": 5, "startMinute": 540, "endMinute": 720}],
    )})
    # then
    assert payload["data"]["volunteerRegister"] == {"userErrors": [], "volunteer": {
        "volunteerNumber": "PZ-0001", "name": "李娜", "phone": "138****5678", "idNumber": "**************008X",
        "skills": [{"skill": {"code": "doctor"}, "level": 4, "certifiedUntil": "2027-06-30"}],
        "domains": ["HEALTH"],
        "availability": {"weekly": [{"weekday": 5, "startMinute": 540, "endMinute": 720}]},
        "unit": {"name": "新华站"},
    }}
    assert number[:14] not in str(payload)


def test_duplicate_volunteer_number_and_id_number_are_refused(api: GraphQLClient, station: str) -> None:
    # given
    number = id_number()
    register_volunteer(api, station, volunteerNumber="PZ-0001", idNumber=number)
    spaced = f"{number[:6]} {number[6:14]} {number[14:]}"  # the same number, typed with spaces
    # when
    payload = api.data(VOLUNTEER_REGISTER, {"input": volunteer_input(
        station, volunteerNumber="PZ-0001", idNumber=spaced)})["volunteerRegister"]
    # then
    assert payload == {"volunteer": None, "userErrors": [
        {"field": ["input", "volunteerNumber"], "code": "DUPLICATE",
         "message": "volunteerNumber: a volunteer with this value already exists"},
        {"field": ["input", "idNumber"], "message": "idNumber: a volunteer with this value already exists",
         "code": "DUPLICATE"},
    ]}
    assert api.data(VOLUNTEER_COUNT)["volunteers"]["totalCount"] == 1


BAD_REGISTRATIONS = [
    ({"idNumber": "320382198503170021"}, ["input", "idNumber"], "ID_NUMBER_CHECKSUM"),
    ({"idNumber": "3203821985"}, ["input", "idNumber"], "ID_NUMBER_FORMAT"),
    ({"idNumber": "990382198503170025"}, ["input", "idNumber"], "ID_NUMBER_REGION"),
    ({"name": " "}, ["input", "name"], "REQUIRED"),
    ({"phone": "call me"}, ["input", "phone"], "INVALID"),
    ({"homeLocation": {"lat": 34.3, "lon": 190}}, ["input", "homeLocation", "lon"], "OUT_OF_RANGE"),
    ({"unit": "VW5pdA=="}, ["input", "unit"], "MALFORMED_ID"),
    ({"skills": [{"skill": "U2tpbGw6OTk5", "level": 3}]}, ["input", "skills", "0", "skill"], "NOT_FOUND"),
    ({"weekly": [{"weekday": 7, "startMinute": 600, "endMinute": 660}]}, ["input", "weekly", "0", "weekday"],
         "OUT_OF_RANGE"),
    ({"weekly": [{"weekday": 1, "startMinute": 600, "endMinute": 600}]}, ["input", "weekly", "0", "endMinute"],
         "OUT_OF_RANGE"),
]


def test_register_bad_input_gives_one_user_error_and_writes_nothing(api: GraphQLClient, station: str) -> None:
    for overrides, field, code in BAD_REGISTRATIONS:
        payload = api.data(VOLUNTEER_REGISTER, {"input": volunteer_input(station, **overrides)})["volunteerRegister"]
        assert payload["volunteer"] is None, overrides
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)], overrides
    assert api.data(VOLUNTEER_COUNT)["volunteers"]["totalCount"] == 0


def test_update_replaces_given_fields(api: GraphQLClient, station: str) -> None:
    volunteer = register_volunteer(api, station, name="张伟", domains=["LAW"])
    payload = api.data(VOLUNTEER_UPDATE, {"input": {
        "id": volunteer, "phone": "021-5555 1234", "status": "SUSPENDED", "domains": ["HEALTH", "EDUCATION"]}})
    assert payload["volunteerUpdate"] == {"userErrors": [], "volunteer": {
        "name": "张伟", "phone": "021******1234", "status": "SUSPENDED", "domains": ["HEALTH", "EDUCATION"]}}


def test_team_member_add_and_duplicate(api: GraphQLClient, station: str) -> None:
    team = create_team(api, station)
    volunteer = register_volunteer(api, station, name="赵敏")
    added = api.data(TEAM_MEMBER_ADD, {"input": {"team": team, "volunteer": volunteer, "role": "LEADER"}})
    assert added["teamMemberAdd"] == {"userErrors": [], "membership": {
        "role": "LEADER", "team": {"name": "健康邳州志愿服务队"}, "volunteer": {"name": "赵敏"}}}
    again = api.data(TEAM_MEMBER_ADD, {"input": {"team": team, "volunteer": volunteer}})
    assert again["teamMemberAdd"] == {"membership": None, "userErrors": [
        {"field": ["input", "volunteer"], "message": "the volunteer is already a member of this team",
         "code": "DUPLICATE"}]}
    seen = api.data(VOLUNTEER_TEAMS, {"id": volunteer})["node"]
    assert seen == {"teams": [{"name": "健康邳州志愿服务队", "memberCount": 1}], "memberships": [{"role": "LEADER"}]}


def test_volunteer_search_filters(api: GraphQLClient) -> None:
    # given two institutes, a doctor (level 4, Saturdays) under one, a nurse (level 2, team member,
    # Mondays, absent all of 2026-12-07) under the other
    center = create_unit(api, "CENTER")
    east = create_unit(api, "INSTITUTE", center)
    west = create_unit(api, "INSTITUTE", center)
    east_station = create_unit(api, "STATION", east)
    west_station = create_unit(api, "STATION", west)
    doctor = create_skill(api, code="doctor")
    nurse = create_skill(api, code="nurse")
    team = create_team(api, west)
    register_volunteer(api, east_station, name="医生甲", skills=[{"skill": doctor, "level": 4}], domains=["HEALTH"],
                       weekly=[{"weekday": 5, "startMinute": 480, "endMinute": 720}])
    nurse_id = register_volunteer(api, west_station, name="护士乙", skills=[{"skill": nurse, "level": 2}],
                                  weekly=[{"weekday": 0, "startMinute": 480, "endMinute": 720}])
    api.data(TEAM_MEMBER_ADD, {"input": {"team": team, "volunteer": nurse_id}})

    def names(**variables: object) -> list[str]:
        found = api.data(VOLUNTEERS, variables)["volunteers"]
        assert found["totalCount"] == len(found["edges"])
        return [e["node"]["name"] for e in found["edges"]]

    # then
    assert names(skill=doctor) == ["医生甲"]
    assert names(skill=nurse, minLevel=3) == []
    assert names(team=team) == ["护士乙"]
    assert names(domain="HEALTH") == ["医生甲"]
    assert names(unitSubtree=west) == ["护士乙"]
    assert names(unitSubtree=center) == ["医生甲", "护士乙"]
    assert names(availableOn="2026-12-05") == ["医生甲"]  # a Saturday
    assert names(availableOn="2026-11-30") == ["护士乙"]  # a Monday
