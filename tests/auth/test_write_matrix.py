"""The write matrix, generated from the policy: every mutation x every role its root gate admits x
a target in the foreign network B. Each such call must be refused with a user error and leave
every table exactly as it was; the same input sent by B's own unit admin (or the platform admin,
for what only it may do) must succeed, which proves the input would have written.

A mutation added to the schema fails `test_every_mutation_has_a_foreign_case` until it gets a
case here (or is listed in NOT_SCOPED with the reason it targets nothing in a network).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, select

from db import models
from db.localtime import LOCAL_TZ
from db.models import Role
from db.models.dispatch import AssignmentStatus
from db.session import session_factory
from resolvers.access.policy import ROOT_ACCESS
from resolvers.core.globalid import encode
from resolvers.dispatch import runs
from tests.auth import world as w
from tests.auth.conftest import ClientFor
from tests.auth.schema_walk import GRAPHQL, root_fields
from tests.auth.serving import wait_for
from tests.documents import ACCOUNTS, DISPATCH_RUN, DISPATCH_RUN_START, ORDER_REVIEW
from tests.schema.support import (
    GraphQLClient,
    create_item,
    create_team,
    create_unit,
    id_number,
    offer,
    register_volunteer,
    unique,
    volunteer_input,
)

DAY = "2026-12-07"  # a Monday
#: Tables a refused call may touch: the audit of full personal-data reads and the credentials.
NOT_COMPARED = {"personal_data_reads", "refresh_tokens", "accounts", "role_grants", "api_keys", "alembic_version"}
#: world role -> the role of its grant (tests/auth/world.py)
ROLE_OF = {"analyst": Role.ANALYST, "unit_admin": Role.UNIT_ADMIN, "dispatcher": Role.DISPATCHER,
           "team_leader": Role.TEAM_LEADER, "volunteer": Role.VOLUNTEER, "resident": Role.RESIDENT}
#: Mutations that target nothing inside a network (the root gate alone decides who calls them).
NOT_SCOPED = {
    "login": "anyone may sign in",
    "refresh": "the refresh token itself is the credential",
    "logout": "revokes the caller's own tokens",
    "skillCreate": "the skill catalogue is the platform admin's alone",
    "serviceItemCreate": "the service catalogue is the platform admin's alone",
    "apiKeyCreate": "platform admin only",
    "apiKeyRevoke": "platform admin only",
    "accountCreate": "platform admin only",
    "scenarioRunStart": "analysts' runs belong to no unit",
    "scenarioRunCancel": "analysts' runs belong to no unit",
    "taskRemindersSend": "reminds the volunteers of the tasks the caller can read",
    "publicationPreferenceSet": "a volunteer's own preference: any other volunteer named is refused "
                                "(tests/certificates/test_honour_roll.py)",
    "skillCertificationSet": "the skill catalogue is the platform admin's alone",
}


@dataclass
class Case:
    """A foreign call: the input (from the world's ids) and who owns the target (may do it)."""

    input: Callable[[dict[str, str]], dict[str, Any]]
    owner: str = "outsider"  # B's unit admin; "admin" where only the platform admin may
    phase: int = 0  # cases run in phase order: later phases need what earlier owners wrote
    #: roles for which the target is their own, not foreign (a resident orders at any station)
    own_for: frozenset[str] = frozenset()


def _unit_input(parent: str) -> dict[str, Any]:
    return {"code": unique("U"), "name": "外站", "level": "STATION", "parent": parent,
            "location": {"lat": 34.3, "lon": 117.9}}


def _order_input(ids: dict[str, str]) -> dict[str, Any]:
    return {"item": ids["item_b"], "unit": ids["station_b"], "residentName": "李大爷",
            "location": {"lat": 34.33, "lon": 117.96}, "windowStart": f"{DAY}T09:00:00",
            "windowEnd": f"{DAY}T11:00:00", "channel": "HOTLINE"}


CASES: dict[str, Case] = {
    # the practice network
    "unitCreate": Case(lambda i: _unit_input(i["institute_b"])),
    "unitUpdate": Case(lambda i: {"id": i["station_b"], "name": "改名"}),
    "unitMove": Case(lambda i: {"id": i["spare_station_b"], "parent": i["institute_b2"]}),
    "unitDelete": Case(lambda i: {"id": i["empty_station_b"]}),
    "departmentCreate": Case(lambda i: {"unit": i["center_b"], "name": "宣传科"}),
    "practiceBaseCreate": Case(lambda i: {"unit": i["station_b"], "code": unique("B"), "name": "基地",
                                          "category": "RED_HERITAGE", "location": {"lat": 34.3, "lon": 117.9}}),
    "practicePointCreate": Case(lambda i: {"unit": i["station_b"], "code": unique("P"), "name": "点",
                                           "category": "NATURAL_VILLAGE", "location": {"lat": 34.3, "lon": 117.9}}),
    # the forces
    "teamCreate": Case(lambda i: {"code": unique("T"), "name": "外队", "kind": "SPECIALIST", "unit": i["institute_b"],
                                  "domain": "HEALTH"}),
    "teamUpdate": Case(lambda i: {"id": i["team_b"], "name": "改名队"}),
    "teamMemberAdd": Case(lambda i: {"team": i["team_b"], "volunteer": i["loner_b"]}),
    "volunteerRegister": Case(lambda i: volunteer_input(i["station_b"], idNumber=id_number("19850101"))),
    "volunteerUpdate": Case(lambda i: {"id": i["vb"], "name": "改名"}),
    # the menu and orders
    "menuOffer": Case(lambda i: {"unit": i["station_b"], "item": i["item"]}),
    "menuWithdraw": Case(lambda i: {"unit": i["center_b"], "item": i["item"]}),
    "orderSubmit": Case(_order_input, own_for=frozenset({"resident"})),
    "orderReview": Case(lambda i: {"order": i["ob"]}),
    "orderReject": Case(lambda i: {"order": i["ob_reject"], "reason": "重复"}),
    "orderCancel": Case(lambda i: {"order": i["ob_cancel"], "reason": "不需要了"}),
    # dispatch: a SUCCEEDED run of B, then its commit, then the doctor's task
    "dispatchRunStart": Case(lambda i: {"scope": i["center_b"], "from": DAY, "to": DAY,
                                        "options": {"timeLimit": 5, "workers": 1, "seed": 1}}, phase=9),
    "dispatchRunCancel": Case(lambda i: {"run": i["run_queued_b"]}, phase=1),
    "dispatchProposalRemove": Case(lambda i: {"proposal": i["proposal_second_b"]}, phase=1),
    "dispatchProposalPin": Case(lambda i: {"run": i["run_b"], "order": i["ob_second"],
                                           "volunteer": i["other_doctor_b"]}, phase=2),
    "dispatchProposalReplace": Case(lambda i: {"proposal": i["proposal_b"], "volunteer": i["spare_doctor_b"]},
                                    phase=2),
    "dispatchRunCommit": Case(lambda i: {"run": i["run_b2"]}, phase=3),
    "assignmentAccept": Case(lambda i: {"assignment": i["task_b"], "volunteer": i["task_volunteer_b"]},
                             owner="admin", phase=4),
    "assignmentDecline": Case(lambda i: {"assignment": i["task_b2"], "volunteer": i["task_volunteer_b2"],
                                         "reason": "生病"}, owner="admin", phase=8),
    "assignmentCheckIn": Case(lambda i: {"assignment": i["task_b"], "volunteer": i["task_volunteer_b"]},
                              owner="admin", phase=5),
    "assignmentCheckOut": Case(lambda i: {"assignment": i["task_b"], "volunteer": i["task_volunteer_b"]},
                               owner="admin", phase=6),
    "serviceRecordCorrect": Case(lambda i: {"assignment": i["task_b"], "minutes": 30, "reason": "补录"},
                                 phase=7),
    "orderRate": Case(lambda i: {"order": i["ob_served"], "score": 5}, owner="admin", phase=7),
    # account administration: an account of B (a volunteer and dispatcher there)
    "accountDisable": Case(lambda i: {"accountId": i["account_b"], "reason": "离职"}),
    "accountEnable": Case(lambda i: {"accountId": i["account_b"]}, phase=1),
    "accountSessionsRevoke": Case(lambda i: {"accountId": i["account_b"]}),
    "roleGrant": Case(lambda i: {"accountId": i["account_b"], "role": "TEAM_LEADER", "teamId": i["team_b"]}),
    "roleRevoke": Case(lambda i: {"grantId": i["dispatcher_grant_b"]}),
    # volunteers' requests: filed (by the platform admin, for B's volunteers), then decided by B's unit admin
    "timeClaimSubmit": Case(lambda i: _claim_input(i), owner="admin", phase=7),
    "timeClaimApprove": Case(lambda i: {"claimId": i["claim_b"]}, phase=10),
    "timeClaimDecline": Case(lambda i: {"claimId": i["claim_b2"], "reason": "记录无误"}, phase=11),
    "timeClaimWithdraw": Case(lambda i: {"claimId": i["claim_b3"]}, owner="admin", phase=12),
    "volunteerChangeRequest": Case(lambda i: {"volunteer": i["vb"], "maxTravelKm": 12.0}, owner="admin"),
    "volunteerChangeRequestApprove": Case(lambda i: {"requestId": i["request_b"]}, phase=10),
    "volunteerChangeRequestDecline": Case(lambda i: {"requestId": i["request_b2"], "reason": "不符"}, phase=11),
    "volunteerChangeRequestWithdraw": Case(lambda i: {"requestId": i["request_b3"]}, owner="admin", phase=12),
    # recognition: B's mall, then points for B's volunteer, a redemption, its pickup and a cancellation
    "mallItemCreate": Case(lambda i: _mall_item_input(i)),
    "mallItemUpdate": Case(lambda i: {"item": i["mall_item_b"], "price": 6}),
    "mallItemWithdraw": Case(lambda i: {"item": i["mall_item_b2"]}),
    "pointsAdjust": Case(lambda i: {"volunteer": i["vb"], "points": 50, "reason": "补发"}, phase=13),
    "ledgerTransactionReverse": Case(lambda i: {"transaction": i["earned_b"], "reason": "误记"}, phase=13),
    "mallRedeem": Case(lambda i: {"item": i["mall_item_b"], "volunteer": i["vb"]}, owner="admin", phase=14),
    "redemptionPickup": Case(lambda i: {"redemption": i["redemption_b"]}, phase=15),
    "redemptionCancel": Case(lambda i: {"redemption": i["redemption_b2"], "reason": "不要了"}, phase=15),
    # stars: two of B's volunteers served 600 hours (3 stars: a center's admin decides)
    "starApply": Case(lambda i: {"volunteer": i["spare_doctor_b"]}, owner="admin", phase=16),
    "starsPropose": Case(lambda i: {"scope": i["center_b"]}, phase=17),
    "starApprove": Case(lambda i: {"awardId": i["award_b"]}, phase=18),
    "starDecline": Case(lambda i: {"awardId": i["award_b2"], "reason": "时长待核"}, phase=18),
    # insurance: B's policies
    "insurancePolicyCreate": Case(lambda i: _policy_input(i)),
    "insurancePolicyUpdate": Case(lambda i: {"policy": i["policy_b"], "validUntil": "2027-06-30"}),
    "insurancePolicyWithdraw": Case(lambda i: {"policy": i["policy_b2"]}),
    # record certificates: B's volunteer served 600 hours at B (phase 16); B's unit admin issues
    "certificateIssue": Case(lambda i: {"unit": i["center_b"], "volunteer": i["loner_b"], "from": "2026-12-01",
                                        "to": "2026-12-31"}, phase=17),
    # training: B's course and session, with doctors enrolled (the second attended)
    "trainingCourseCreate": Case(lambda i: _course_input(i)),
    "trainingSessionCreate": Case(lambda i: _session_input(i)),
    "trainingEnrol": Case(lambda i: {"session": i["session_b"], "volunteers": [i["loner_b"]]}),
    "trainingAttendanceRecord": Case(lambda i: {"session": i["session_b"], "volunteer": i["doctor_b"],
                                                "attended": True}),
    "trainingAssessmentRecord": Case(lambda i: {"session": i["session_b"], "volunteer": i["doctor_b2"],
                                                "score": 90, "passed": True}),
    # projects: B's station projects in each state (decided by B's center admin, the unit above) and a library entry
    "projectCreate": Case(lambda i: {"unit": i["center_b"], "name": "外项目", "domain": "HEALTH", "startsOn": DAY,
                                     "endsOn": DAY, "budgetFen": 100, "serviceItems": [i["item_b"]]}),
    "projectUpdate": Case(lambda i: {"project": i["project_draft_b"], "budgetFen": 200}),
    "projectSubmit": Case(lambda i: {"project": i["project_draft_b2"]}),
    "projectApprove": Case(lambda i: {"project": i["project_submitted_b"]}),
    "projectReturn": Case(lambda i: {"project": i["project_submitted_b2"], "reason": "补充材料"}),
    "projectStart": Case(lambda i: {"project": i["project_approved_b"]}),
    "projectClose": Case(lambda i: {"project": i["project_running_b"], "spentFen": 0}),
    "projectEvaluate": Case(lambda i: {"project": i["project_closed_b"], "reviewerScore": 80}),
    "projectCopy": Case(lambda i: {"entry": i["project_library_b"], "unit": i["center_b"], "startsOn": DAY,
                                   "endsOn": DAY}),
    # subsidies: B's rules, then B's month (the served hours of phase 16) computed, approved by another
    # account than its proposer (the platform admin computes it again first), corrected
    "subsidyRuleCreate": Case(lambda i: {"unit": i["center_b"], "kind": "MONTHLY_CAP", "validFrom": "2027-01-01",
                                         "validUntil": "2027-01-31", "amountFen": 50000}),
    "subsidyRuleWithdraw": Case(lambda i: {"rule": i["subsidy_rule_b2"]}),
    "subsidyBatchCompute": Case(lambda i: {"unit": i["center_b"], "month": "2026-12"}, phase=19),
    "subsidyBatchApprove": Case(lambda i: {"batch": i["subsidy_batch_b"]}, phase=20),
    "subsidyAdjustmentPropose": Case(lambda i: {"batch": i["subsidy_batch_b"], "volunteer": i["vb"],
                                                "amountFen": 500, "reason": "补发"}, phase=21),
    "subsidyAdjustmentApprove": Case(lambda i: {"line": i["subsidy_adjustment_b"]}, phase=22),
    # civility: a questionnaire of B's center, a household's response at B's station
    "civilityQuestionnaireCreate": Case(lambda i: _questionnaire_input(i)),
    "civilityResponseSubmit": Case(lambda i: {"questionnaire": i["questionnaire_b"], "station": i["station_b"],
                                              "household": "3栋101", "scores": [4, 5]}),
    # assessment: publishing the ranking of B's center for a quarter that is over (after unitDelete:
    # a published unit stays in use)
    "assessmentPublish": Case(lambda i: {"scope": i["center_b"], "quarter": "2026Q3"}, phase=1),
}


def _course_input(ids: dict[str, str]) -> dict[str, Any]:
    return {"unit": ids["center_b"], "code": unique("FA"), "name": "应急救护", "skill": ids["skill"], "level": 2,
            "hours": 4, "validityDays": 365}


def _session_input(ids: dict[str, str]) -> dict[str, Any]:
    return {"course": ids["course_b"], "base": ids["base_b"], "startsAt": "2026-11-20T09:00:00",
            "endsAt": "2026-11-20T12:00:00", "lecturers": [ids["lecturer_b"]]}


_TRAINING = {
    "course": ("mutation M($input: TrainingCourseCreateInput!) { trainingCourseCreate(input: $input) { course { id } "
               "userErrors { code } } }", "trainingCourseCreate", "course"),
    "session": ("mutation M($input: TrainingSessionCreateInput!) { trainingSessionCreate(input: $input) { "
                "session { id } userErrors { code } } }", "trainingSessionCreate", "session"),
    "base": ("mutation M($input: PracticeBaseCreateInput!) { practiceBaseCreate(input: $input) { practiceBase { id } "
             "userErrors { code } } }", "practiceBaseCreate", "practiceBase"),
}


def _training_b(admin: GraphQLClient, ids: dict[str, str]) -> None:
    """B's training base, an expert lecturer, a course and a session; doctors enrolled, the second attended."""
    def made(kind: str, data: dict[str, Any]) -> str:
        document, field, key = _TRAINING[kind]
        made_id: str = _ok(admin, document, {"input": data}, field)[key]["id"]
        return made_id

    ids["base_b"] = made("base", CASES["practiceBaseCreate"].input(ids))
    ids["lecturer_b"] = register_volunteer(admin, ids["station_b"], idNumber=id_number("19660606"), domains=["HEALTH"])
    ids["course_b"] = made("course", _course_input(ids))
    ids["session_b"] = made("session", _session_input(ids))
    _ok(admin, "mutation M($input: TrainingEnrolInput!) { trainingEnrol(input: $input) { userErrors { code } } }",
        {"input": {"session": ids["session_b"], "volunteers": [ids["doctor_b"], ids["doctor_b2"]]}}, "trainingEnrol")
    _ok(admin, "mutation M($input: TrainingAttendanceRecordInput!) { trainingAttendanceRecord(input: $input) { "
               "userErrors { code } } }",
        {"input": {"session": ids["session_b"], "volunteer": ids["doctor_b2"], "attended": True}},
        "trainingAttendanceRecord")


def _projects_b(engine: Engine, ids: dict[str, str]) -> None:
    """B's station projects in the states the project cases start from, written as stored rows."""
    states = {"draft_b": "DRAFT", "draft_b2": "DRAFT", "submitted_b": "SUBMITTED", "submitted_b2": "SUBMITTED",
              "approved_b": "APPROVED", "running_b": "RUNNING", "closed_b": "CLOSED", "library_b": "EVALUATED"}
    with session_factory(engine)() as session:
        for key, state in states.items():
            project = models.Project(unit_id=w.pk(ids["station_b"]), name=key, domain="HEALTH",
                                     starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2026, 12, 31), budget_fen=0,
                                     state=state)
            session.add(project)
            session.flush()
            session.add(models.ProjectItem(project_id=project.id, item_id=w.pk(ids["item_b"])))
            ids[f"project_{key}"] = encode("Project", project.id)
            if state == "EVALUATED":
                session.add(models.ProjectEvaluation(
                    project_id=project.id, orders_total=0, orders_served=0, approved_minutes=0, ratings=0,
                    rating_sum=0, budget_fen=0, spent_fen=0, reviewer_score=90, score=90, grade="A"))
        session.commit()


def _questionnaire_input(ids: dict[str, str]) -> dict[str, Any]:
    today = dt.datetime.now(LOCAL_TZ).date()
    return {"unit": ids["center_b"], "title": "修身立德自评", "validFrom": str(today - dt.timedelta(days=1)),
            "validUntil": str(today + dt.timedelta(days=30)),
            "items": [{"text": "孝老爱亲", "weight": 60}, {"text": "邻里和睦", "weight": 40}]}


_QUESTIONNAIRE = ("mutation M($input: CivilityQuestionnaireCreateInput!) { civilityQuestionnaireCreate(input: $input) "
                  "{ questionnaire { id } userErrors { code } } }")


def _policy_input(ids: dict[str, str]) -> dict[str, Any]:
    return {"unit": ids["center_b"], "insurer": "人保财险", "policyNumber": unique("PICC"), "validFrom": "2026-12-01",
            "validUntil": "2027-11-30", "activityKinds": [ids["item_b_code"]], "team": ids["team_with_item_b"]}


_SUBSIDY_RULE = ("mutation M($input: SubsidyRuleCreateInput!) { subsidyRuleCreate(input: $input) { rule { id } "
                 "userErrors { code } } }")
_SUBSIDY_COMPUTE = ("mutation M($input: SubsidyBatchComputeInput!) { subsidyBatchCompute(input: $input) { "
                    "result { batch { id } } userErrors { code } } }")
_SUBSIDY_ADJUST = ("mutation M($input: SubsidyAdjustmentProposeInput!) { subsidyAdjustmentPropose(input: $input) { "
                   "line { id } userErrors { code } } }")


def _subsidy_rule_input(ids: dict[str, str], kind: str, month: str) -> dict[str, Any]:
    return {"unit": ids["center_b"], "kind": kind, "validFrom": f"{month}-01", "validUntil": f"{month}-28",
            "amountFen": 800}


_POLICY = ("mutation M($input: InsurancePolicyCreateInput!) { insurancePolicyCreate(input: $input) { policy { id } "
           "userErrors { code } } }")


def _mall_item_input(ids: dict[str, str]) -> dict[str, Any]:
    return {"unit": ids["center_b"], "pickupStation": ids["station_b"], "name": "帆布袋", "price": 5, "stock": 10}


_MALL_ITEM = ("mutation M($input: MallItemCreateInput!) { mallItemCreate(input: $input) { item { id } "
              "userErrors { code } } }")
_REDEEM = "mutation M($input: MallRedeemInput!) { mallRedeem(input: $input) { userErrors { code } } }"
_LEDGER = ("query L($v: ID!) { myLedger(volunteer: $v) { edges { node { kind transactionId } } } }")
_RESERVED = "query { mallRedemptions(state: RESERVED) { edges { node { id } } } }"
_AWARDS = "query { starAwards(state: PENDING) { edges { node { id } } } }"


def _claim_input(ids: dict[str, str]) -> dict[str, Any]:
    return {"assignmentId": ids["task_b"], "startedAt": f"{DAY}T09:00:00", "endedAt": f"{DAY}T11:00:00"}


_PENDING = "query { c: timeClaims(state: PENDING) { edges { node { id } } } " \
           "r: volunteerChangeRequests(state: PENDING) { edges { node { id } } } }"
_FILE_CLAIM = "mutation M($input: TimeClaimSubmitInput!) { timeClaimSubmit(input: $input) { userErrors { code } } }"
_FILE_REQUEST = ("mutation M($input: VolunteerChangeRequestInput!) { volunteerChangeRequest(input: $input) "
                 "{ userErrors { code } } }")


def _file_requests(admin: GraphQLClient, ids: dict[str, str], suffix: str) -> None:
    """The platform admin files one more pending claim and change request for B (ids claim_b<suffix>, ...)."""
    if suffix:
        _ok(admin, _FILE_CLAIM, {"input": _claim_input(ids)}, "timeClaimSubmit")
        _ok(admin, _FILE_REQUEST, {"input": CASES["volunteerChangeRequest"].input(ids)}, "volunteerChangeRequest")
    pending = admin.data(_PENDING)
    (claim,), (request,) = pending["c"]["edges"], pending["r"]["edges"]
    ids[f"claim_b{suffix}"], ids[f"request_b{suffix}"] = claim["node"]["id"], request["node"]["id"]


def _document(name: str) -> str:
    field = root_fields("Mutation")[name]
    input_type = field.args["input"].type
    return (f"mutation M($input: {input_type}) "
            f"{{ {name}(input: $input) {{ __typename userErrors {{ code field }} }} }}")


_TABLES: dict[str, MetaData] = {}


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every compared table, in a stable order."""
    meta = _TABLES.get(str(engine.url))
    if meta is None:
        meta = _TABLES[str(engine.url)] = MetaData()
        meta.reflect(engine)
    with engine.connect() as conn:
        return {name: sorted(map(tuple, conn.execute(select(table)).all()), key=repr)
                for name, table in meta.tables.items() if name not in NOT_COMPARED}


def _ok(client: GraphQLClient, document: str, variables: dict[str, Any], field: str) -> dict[str, Any]:
    payload = client.data(document, variables)[field]
    assert payload["userErrors"] == [], (field, payload["userErrors"])
    return payload


def _wait_run(client: GraphQLClient, run: str) -> dict[str, Any]:
    def settled() -> dict[str, Any] | None:
        state = client.data(DISPATCH_RUN, {"id": run})["dispatchRun"]
        return state if state["state"] in ("SUCCEEDED", "FAILED", "CANCELLED") else None

    return wait_for(settled, 60, f"run {run} did not finish")


def _extend_b(world: w.World, admin: GraphQLClient, client_for: ClientFor) -> None:
    """B gets what the foreign cases need: spare units, a team with doctors, a run, tasks."""
    ids = world.ids
    ids["institute_b2"] = create_unit(admin, "INSTITUTE", ids["center_b"])
    ids["spare_station_b"] = create_unit(admin, "STATION", ids["institute_b"])
    ids["empty_station_b"] = create_unit(admin, "STATION", ids["institute_b"])
    ids["loner_b"] = register_volunteer(admin, ids["station_b"], idNumber=id_number("19800101"))
    team = create_team(admin, ids["center_b"])
    ids["item_b"] = create_item(admin, ids["skill"], teams=[team])
    offer(admin, ids["center_b"], ids["item_b"])
    for key, birth, lon in (("doctor_b", "19700101", 117.95), ("doctor_b2", "19700202", 117.97),
                            ("doctor_b3", "19700303", 117.99)):
        ids[key] = register_volunteer(admin, ids["station_b"], idNumber=id_number(birth),
                                      homeLocation={"lat": 34.33, "lon": lon}, insuranceValidUntil="2027-12-31",
                                      skills=[{"skill": ids["skill"], "level": 3}])
        _ok(admin, "mutation M($input: TeamMemberAddInput!) { teamMemberAdd(input: $input) { userErrors { code } } }",
            {"input": {"team": team, "volunteer": ids[key]}}, "teamMemberAdd")
    submit = "mutation M($input: OrderSubmitInput!) { orderSubmit(input: $input) { order { id } userErrors { code } } }"
    for key in ("ob_served", "ob_reject", "ob_cancel", "ob_second"):
        ids[key] = _ok(admin, submit, {"input": _order_input(ids)}, "orderSubmit")["order"]["id"]
    for key in ("ob_served", "ob_second"):
        _ok(admin, ORDER_REVIEW, {"input": {"order": ids[key]}}, "orderReview")
    client_for("b-member", [(Role.VOLUNTEER, {"volunteer_id": w.pk(ids["vb"])}),
                            (Role.DISPATCHER, {"unit_id": w.pk(ids["station_b"])})])
    account = admin.data(ACCOUNTS, {"username": "b-member"})["accounts"]["edges"][0]["node"]
    ids["account_b"] = account["id"]
    ids["dispatcher_grant_b"] = next(g["id"] for g in account["grants"] if g["role"] == "DISPATCHER")
    for key in ("mall_item_b", "mall_item_b2"):
        ids[key] = _ok(admin, _MALL_ITEM, {"input": _mall_item_input(ids)}, "mallItemCreate")["item"]["id"]
    ids["team_with_item_b"] = team
    ids["item_b_code"] = admin.data("query I($id: ID!) { node(id: $id) { ... on ServiceItem { code } } }",
                                    {"id": ids["item_b"]})["node"]["code"]
    for key in ("policy_b", "policy_b2"):
        ids[key] = _ok(admin, _POLICY, {"input": _policy_input(ids)}, "insurancePolicyCreate")["policy"]["id"]
    _training_b(admin, ids)
    ids["questionnaire_b"] = _ok(admin, _QUESTIONNAIRE, {"input": _questionnaire_input(ids)},
                                 "civilityQuestionnaireCreate")["questionnaire"]["id"]
    for key, kind, month in (("subsidy_rule_b", "TRANSPORT_FLAT", "2026-12"), ("subsidy_rule_b2", "LIVING_HOUR",
                                                                               "2026-12")):
        ids[key] = _ok(admin, _SUBSIDY_RULE, {"input": _subsidy_rule_input(ids, kind, month)},
                       "subsidyRuleCreate")["rule"]["id"]


def _start_run(client: GraphQLClient, ids: dict[str, str]) -> str:
    return _ok(client, DISPATCH_RUN_START, {"input": CASES["dispatchRunStart"].input(ids)},
               "dispatchRunStart")["run"]["id"]


#: Released once the cancel cases ran: the queued run must not finish before its owner cancels it.
HELD = threading.Event()


def _served_hours(engine: Engine, ids: dict[str, str], volunteers: list[str], minutes: int) -> None:
    """Service records of `minutes` each for `volunteers` on B's served order (as check-outs write them)."""
    order = w.pk(ids["ob_served"])
    with session_factory(engine)() as session:
        for key in volunteers:
            start = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)
            task = models.Assignment(order_id=order, volunteer_id=w.pk(ids[key]), skill_code="doctor",
                                     start=start, end=start + dt.timedelta(minutes=minutes),
                                     status=AssignmentStatus.COMPLETED)
            session.add(task)
            session.flush()
            session.add(models.ServiceRecord(assignment_id=task.id, volunteer_id=task.volunteer_id, order_id=order,
                                             checked_in_at=start, checked_out_at=task.end, credit_minutes=minutes))
        session.commit()


def _before_phase(phase: int, world: w.World, admin: GraphQLClient, engine: Engine) -> None:
    """What phase `phase` needs, written by the owners (never by a refused call)."""
    ids = world.ids
    if phase == 0:
        _projects_b(engine, ids)
    if phase == 1:
        ids["run_b"] = _start_run(admin, ids)
        run = _wait_run(admin, ids["run_b"])
        assert run["state"] == "SUCCEEDED", run
        proposals = admin.data(
            "query R($id: ID!) { dispatchRun(id: $id) { proposals { edges { node { id order { id } "
            "volunteer { id } } } } } }",
            {"id": ids["run_b"]})["dispatchRun"]["proposals"]["edges"]
        proposals = [edge["node"] for edge in proposals]
        served = next(p for p in proposals if p["order"]["id"] == ids["ob_served"])
        second = next(p for p in proposals if p["order"]["id"] == ids["ob_second"])
        ids["proposal_b"], ids["proposed_b"] = served["id"], served["volunteer"]["id"]
        ids["proposal_second_b"] = second["id"]
        ids["other_doctor_b"] = second["volunteer"]["id"]
        ids["spare_doctor_b"] = next(ids[k] for k in ("doctor_b", "doctor_b2", "doctor_b3")
                                     if ids[k] not in (ids["proposed_b"], ids["other_doctor_b"]))
        ids["run_queued_b"] = _start_run(admin, ids)  # held in its build step until its owner cancelled it
        wait_for(lambda: admin.data(DISPATCH_RUN, {"id": ids["run_queued_b"]})["dispatchRun"]["state"] == "RUNNING"
                 or None, 30, "the held run never reached its build step")
    if phase == 3:
        HELD.set()
        _wait_run(admin, ids["run_queued_b"])
        ids["run_b2"] = _start_run(admin, ids)
        assert _wait_run(admin, ids["run_b2"])["state"] == "SUCCEEDED"
    if phase == 4:
        tasks = admin.data("query T($o: ID!, $p: ID!) { a: orderTasks(order: $o) { id volunteer { id } } "
                           "b: orderTasks(order: $p) { id volunteer { id } } }",
                           {"o": ids["ob_served"], "p": ids["ob_second"]})
        assert tasks["a"] and tasks["b"], tasks
        ids["task_b"], ids["task_volunteer_b"] = tasks["a"][0]["id"], tasks["a"][0]["volunteer"]["id"]
        ids["task_b2"], ids["task_volunteer_b2"] = tasks["b"][0]["id"], tasks["b"][0]["volunteer"]["id"]
        assert ids["task_volunteer_b"] != ids["task_volunteer_b2"], "two orders at one time need two doctors"
    if phase == 9:
        runs.drain(60)  # the repair run the decline started has written all it will
    if phase == 10:
        runs.drain(60)  # the run its owner started in phase 9 has written all it will
    if phase in (10, 11, 12):
        _file_requests(admin, ids, {10: "", 11: "2", 12: "3"}[phase])
    if phase == 13:  # the approved claim of phase 10 earned the doctor points
        entries = admin.data(_LEDGER, {"v": ids["task_volunteer_b"]})["myLedger"]["edges"]
        ids["earned_b"] = next(e["node"]["transactionId"] for e in entries if e["node"]["kind"] == "EARN")
    if phase == 15:  # a second redemption, to cancel
        _ok(admin, _REDEEM, {"input": CASES["mallRedeem"].input(ids)}, "mallRedeem")
        ids["redemption_b"], ids["redemption_b2"] = (e["node"]["id"] for e in admin.data(_RESERVED)[
            "mallRedemptions"]["edges"])
    if phase == 16:
        _served_hours(engine, ids, ["loner_b", "spare_doctor_b"], 600 * 60)
    if phase == 18:  # the proposal of phase 17 and the application of phase 16
        ids["award_b"], ids["award_b2"] = (e["node"]["id"] for e in admin.data(_AWARDS)["starAwards"]["edges"])
    if phase == 20:  # the platform admin proposes B's month (again), so that B's unit admin may approve it
        ids["subsidy_batch_b"] = _ok(admin, _SUBSIDY_COMPUTE, {"input": CASES["subsidyBatchCompute"].input(ids)},
                                     "subsidyBatchCompute")["result"]["batch"]["id"]
    if phase == 22:  # an adjustment the platform admin proposed, for B's unit admin to approve
        ids["subsidy_adjustment_b"] = _ok(admin, _SUBSIDY_ADJUST, {"input": CASES["subsidyAdjustmentPropose"].input(
            ids)}, "subsidyAdjustmentPropose")["line"]["id"]


def test_every_mutation_has_a_foreign_case() -> None:
    mutations = set(root_fields("Mutation"))
    assert sorted(mutations - CASES.keys() - NOT_SCOPED.keys()) == [], "add a foreign case for these mutations"
    assert sorted((CASES.keys() | NOT_SCOPED.keys()) - mutations) == [], "these cases name no mutation any more"
    for name in CASES:  # the generic document below selects userErrors: every cased payload has them
        payload = root_fields("Mutation")[name].type
        assert "userErrors" in GRAPHQL.get_type(str(payload).rstrip("!")).fields, name  # type: ignore[union-attr]


def test_no_role_writes_into_a_foreign_network(admin: GraphQLClient, client_for: ClientFor, engine: Engine,
                                               capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    real_build = runs.build
    runs_started: list[int] = []

    def held_build(*args: Any, **kwargs: Any) -> Any:
        runs_started.append(1)
        if len(runs_started) == 2:  # the second run (run_queued_b) waits in its build step
            assert HELD.wait(60), "the held run was never released"
        return real_build(*args, **kwargs)

    HELD.clear()
    monkeypatch.setattr(runs, "build", held_build)
    try:
        _check_every_case(admin, client_for, engine, capsys)
    finally:
        HELD.set()
        runs.drain(60)  # no background run outlives the test's database


def _check_every_case(admin: GraphQLClient, client_for: ClientFor, engine: Engine,
                      capsys: pytest.CaptureFixture[str]) -> None:
    world = w.build(admin, client_for)
    _extend_b(world, admin, client_for)
    owners = {"outsider": world.clients["outsider"], "admin": admin}
    table: list[tuple[str, str, str]] = []
    phases = sorted({case.phase for case in CASES.values()})
    for phase in phases:
        _before_phase(phase, world, admin, engine)
        for name, case in sorted(CASES.items(), key=lambda kv: kv[0]):
            if case.phase != phase:
                continue
            allowed = ROOT_ACCESS[f"Mutation.{name}"]
            assert allowed is not None, name
            document, variables = _document(name), {"input": case.input(world.ids)}
            for who, role in ROLE_OF.items():
                if role not in allowed:
                    table.append((name, who, "root"))  # refused before execution (test_matrix.py)
                    continue
                if who in case.own_for:
                    own = world.clients[who].data(document, variables)[name]
                    assert own["userErrors"] == [], f"{who} {name}: {own['userErrors']}"
                    table.append((name, who, "own"))
                    continue
                before = snapshot(engine)
                body = world.clients[who].execute(document, variables)
                payload = (body.get("data") or {}).get(name)
                codes = [e["code"] for e in payload["userErrors"]] if payload else ["error"]
                assert codes, f"{who} {name}: a foreign call succeeded"
                assert snapshot(engine) == before, f"{who} {name}: a refused call wrote ({codes})"
                table.append((name, who, ",".join(sorted(set(codes)))))
            owner = owners[case.owner]
            before = snapshot(engine)
            payload = owner.data(document, variables)[name]
            assert payload["userErrors"] == [], f"owner {case.owner} {name}: {payload['userErrors']}"
            assert snapshot(engine) != before, f"owner {case.owner} {name}: the input writes nothing"
    with capsys.disabled():
        who = list(ROLE_OF)
        print("\nforeign writes (mutation x role): refusal code, or 'root' when the root gate refuses")
        width = max(map(len, CASES)) + 2
        print(f"{'mutation':{width}}" + "".join(f"{r:>22}" for r in who))
        for name in sorted(CASES):
            cells = {r: c for m, r, c in table if m == name}
            print(f"{name:{width}}" + "".join(f"{cells[r]:>22}" for r in who))
    assert len([row for row in table if row[2] != "root"]) > 40  # the matrix is not empty by accident
