"""The public honour roll (嘉许礼遇) through the API, on SQLite and PostgreSQL: outstanding volunteers
and teams of a unit's subtree and a period by approved hours then rating; each volunteer named as
he chose (masked by default), a volunteer not listed never appears, and nothing else personal is
handed out; only the volunteer himself sets his preference."""

from __future__ import annotations

import json

from sqlalchemy import Engine

from db.models import Role
from tests.auth.conftest import ClientFor
from tests.certificates.support import DECEMBER, LISTING, PREFERENCE, ROLL, serve
from tests.documents import TEAM_MEMBER_ADD
from tests.recognition.support import Mall, errors, pk
from tests.schema.support import GraphQLClient, create_team, register_volunteer


def roll(client: GraphQLClient, mall: Mall, unit: str = "center", **period: str) -> dict[str, object]:
    result: dict[str, object] = client.data(ROLL, {"u": mall.ids[unit], "f": period.get("f", DECEMBER["from"]),
                                                   "t": period.get("t", DECEMBER["to"])})["honourRoll"]
    return result


def test_the_roll_names_volunteers_as_they_allow_and_never_lists_those_who_declined(
        mall: Mall, engine: Engine, client_for: ClientFor) -> None:
    people = {name: register_volunteer(mall.admin, mall.ids["station"], name=name, phone=phone)
              for name, phone in (("张三丰", "13900000001"), ("李四", "13900000002"), ("欧阳娜娜", "13900000003"),
                                  ("赵六", "13900000004"))}
    clients = {name: client_for(f"roll-{pk(v)}", [(Role.VOLUNTEER, {"volunteer_id": pk(v)})])
               for name, v in people.items()}
    serve(engine, mall, people["张三丰"], 600, score=5)
    serve(engine, mall, people["李四"], 900, score=5)  # the most hours, but not listed
    serve(engine, mall, people["欧阳娜娜"], 480, 60, score=4)  # 9 hours with the honour hour
    serve(engine, mall, people["赵六"], 540, score=5)  # 9 hours too, the better rating ranks first
    team = create_team(mall.admin, mall.ids["center"])
    for name in ("张三丰", "李四"):
        mall.admin.data(TEAM_MEMBER_ADD, {"input": {"team": team, "volunteer": people[name]}})

    assert clients["李四"].data(LISTING)["publicationListing"] == "MASKED_NAME"  # the default
    for name, listing in (("李四", "NOT_LISTED"), ("赵六", "FULL_NAME")):
        payload = clients[name].data(PREFERENCE, {"input": {"listing": listing}})["publicationPreferenceSet"]
        assert payload == {"listing": listing, "userErrors": []}
    assert clients["李四"].data(LISTING)["publicationListing"] == "NOT_LISTED"

    anonymous = client_for(None)
    result = roll(anonymous, mall)
    assert [(e["rank"], e["name"], e["hours"], e["averageRating"]) for e in result["volunteers"]] == [  # type: ignore[index]
        (1, "张**", 10.0, 5.0), (2, "赵六", 9.0, 5.0), (3, "欧***", 9.0, 4.0)]
    assert all(e["teamId"] is None for e in result["volunteers"])  # type: ignore[index]
    # the team counts its members' hours (李四's too: a team's total names nobody)
    assert [(e["name"], e["hours"], e["teamId"]) for e in result["teams"]] == [  # type: ignore[index]
        ("健康邳州志愿服务队", 25.0, team)]
    text = json.dumps(result, ensure_ascii=False)
    for secret in ("李", "张三丰", "欧阳娜娜", "1390000", people["李四"], people["张三丰"]):
        assert secret not in text, secret
    # the first two: the tie at 9 hours is read with its ratings before the cut
    two = anonymous.data(ROLL, {"u": mall.ids["center"], "f": DECEMBER["from"], "t": DECEMBER["to"], "n": 2})
    assert [e["name"] for e in two["honourRoll"]["volunteers"]] == ["张**", "赵六"]
    # a station of the subtree, another period
    assert len(roll(anonymous, mall, "station")["volunteers"]) == 3  # type: ignore[arg-type]
    assert roll(anonymous, mall, "other_center")["volunteers"] == []
    assert roll(anonymous, mall, f="2026-11-01", t="2026-11-30")["volunteers"] == []

    # who ever sets a preference is the volunteer himself
    other = clients["张三丰"].data(PREFERENCE, {"input": {"listing": "FULL_NAME", "volunteer": people["李四"]}})
    assert errors(other["publicationPreferenceSet"]) == [(["input", "volunteer"], "FORBIDDEN")]
    staff = mall.as_("staff").execute(PREFERENCE, {"input": {"listing": "FULL_NAME", "volunteer": people["李四"]}})
    assert staff["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert clients["李四"].data(LISTING)["publicationListing"] == "NOT_LISTED"
    assert "李四" not in json.dumps(roll(anonymous, mall), ensure_ascii=False)


def test_the_roll_refuses_unbounded_questions(mall: Mall, client_for: ClientFor) -> None:
    anonymous = client_for(None)
    for variables, field, code in (({"n": 101}, "first", "OUT_OF_RANGE"), ({"n": 0}, "first", "OUT_OF_RANGE"),
                                   ({"f": "2020-01-01", "t": "2026-12-31"}, "to", "OUT_OF_RANGE"),
                                   ({"f": "2026-12-31", "t": "2026-12-01"}, "to", "OUT_OF_RANGE")):
        body = anonymous.execute(ROLL, {"u": mall.ids["center"], "f": "2026-12-01", "t": "2026-12-31", **variables})
        assert body["errors"][0]["extensions"]["code"] == code, variables
        assert body["errors"][0]["path"] == ["honourRoll"], variables
        assert field in body["errors"][0]["message"]
