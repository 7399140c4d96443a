"""Review before commit: pin, remove and replace proposals; every edit re-checked by the engine's
validator, a broken rule refused with RULE_BROKEN naming the rule, nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from tests.dispatch.support import DispatchClient, register_doctor, start_run, submit_order
from tests.documents import DISPATCH_RUN, DISPATCH_RUN_COMMIT, MY_TASKS, VOLUNTEER_REGISTER, run_lists
from tests.schema.support import create_skill, volunteer_input

PIN = """
mutation Pin($input: DispatchProposalPinInput!) {
  dispatchProposalPin(input: $input) {
    proposal { volunteer { id } pinned distanceKm } userErrors { field message code }
  }
}
"""

REPLACE = """
mutation Replace($input: DispatchProposalReplaceInput!) {
  dispatchProposalReplace(input: $input) {
    proposal { volunteer { id } pinned explanation { skillsMatched { skill } } } userErrors { field message code }
  }
}
"""

REMOVE = """
mutation Remove($input: DispatchProposalRemoveInput!) {
  dispatchProposalRemove(input: $input) { run { id } userErrors { field message code } }
}
"""

@pytest.fixture
def reviewed(api: DispatchClient, world: dict[str, Any]) -> dict[str, Any]:
    """A SUCCEEDED run proposing Wang for the east order; Zhao (also a doctor) and a lawyer exist."""
    wang = register_doctor(api, world["east"], world["team"], world["doctor"], 34.335, 117.955, name="王医生")
    zhao = register_doctor(api, world["east"], world["team"], world["doctor"], 34.36, 117.99, name="赵医生")
    lawyer_skill = create_skill(api, code="lawyer", domain="LAW")
    lawyer = api.data(VOLUNTEER_REGISTER, {"input": volunteer_input(
        world["east"], skills=[{"skill": lawyer_skill, "level": 3}], insuranceValidUntil="2027-12-31")})
    order = submit_order(api, world, world["east"], 34.331, 117.961)
    run = start_run(api, world["center"])
    (proposal,) = api.wait_run(run)["proposals"]
    assert proposal["volunteer"]["id"] == wang
    return {"run": run, "order": order, "proposal": proposal["id"], "wang": wang, "zhao": zhao,
            "lawyer": lawyer["volunteerRegister"]["volunteer"]["id"]}


def _proposed(api: DispatchClient, run: str) -> list[str]:
    return [p["volunteer"]["id"] for p in run_lists(api.data(DISPATCH_RUN, {"id": run})["dispatchRun"])["proposals"]]


def test_replacing_with_someone_who_breaks_a_rule_is_refused(api: DispatchClient, reviewed: dict[str, Any]) -> None:
    out = api.data(REPLACE, {"input": {"proposal": reviewed["proposal"], "volunteer": reviewed["lawyer"]}})
    errors = out["dispatchProposalReplace"]["userErrors"]
    assert out["dispatchProposalReplace"]["proposal"] is None
    assert {e["code"] for e in errors} == {"RULE_BROKEN"}
    assert any(e["message"].startswith("H1_SKILL:") for e in errors), errors
    assert any(e["message"].startswith("H2_TEAM:") for e in errors), errors  # not in the provider team
    assert _proposed(api, reviewed["run"]) == [reviewed["wang"]]


def test_replacing_with_a_qualified_volunteer_is_kept_and_committed(api: DispatchClient, reviewed: dict[str, Any]
                                                                    ) -> None:
    out = api.ok(REPLACE, {"input": {"proposal": reviewed["proposal"], "volunteer": reviewed["zhao"]}},
                 "dispatchProposalReplace")
    assert out["proposal"] == {"volunteer": {"id": reviewed["zhao"]}, "pinned": True, "explanation": None}
    api.ok(DISPATCH_RUN_COMMIT, {"input": {"run": reviewed["run"]}}, "dispatchRunCommit")
    zhao_tasks = api.data(MY_TASKS, {"volunteer": reviewed["zhao"]})["myTasks"]
    assert [(t["status"], t["order"]["id"]) for t in zhao_tasks] == [("OFFERED", reviewed["order"])]
    assert api.data(MY_TASKS, {"volunteer": reviewed["wang"]})["myTasks"] == []


def test_pinning_a_second_doctor_on_a_one_doctor_order_is_refused(api: DispatchClient, reviewed: dict[str, Any]
                                                                  ) -> None:
    out = api.data(PIN, {"input": {"run": reviewed["run"], "order": reviewed["order"], "volunteer": reviewed["zhao"]}})
    errors = out["dispatchProposalPin"]["userErrors"]
    assert [e["code"] for e in errors] == ["RULE_BROKEN"]
    assert errors[0]["message"].startswith("H10_STAFFING:") and "doctor filled 2 times" in errors[0]["message"]
    assert _proposed(api, reviewed["run"]) == [reviewed["wang"]]


def test_removing_then_pinning_puts_the_dispatchers_choice_in(api: DispatchClient, reviewed: dict[str, Any]) -> None:
    api.ok(REMOVE, {"input": {"proposal": reviewed["proposal"]}}, "dispatchProposalRemove")
    assert _proposed(api, reviewed["run"]) == []
    pinned = api.ok(PIN, {"input": {"run": reviewed["run"], "order": reviewed["order"], "volunteer": reviewed["zhao"]}},
                    "dispatchProposalPin")
    assert pinned["proposal"]["pinned"] is True
    assert 2.0 < pinned["proposal"]["distanceKm"] < 6.0  # exact geodesic x detour factor 1.3
    assert _proposed(api, reviewed["run"]) == [reviewed["zhao"]]
