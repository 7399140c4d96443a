"""What the problem builder puts before the engine, seen through a run's outcome: weekly windows
(on the run's weekdays only; no window at all means any time), provider teams, insurance, and
current commitments kept as fixed."""

from __future__ import annotations

from typing import Any

from resolvers.dispatch import runs
from tests.dispatch.support import DispatchClient, register_doctor, start_run, submit_order
from tests.documents import DISPATCH_RUN_COMMIT, TEAM_MEMBER_ADD, VOLUNTEER_REGISTER
from tests.schema.support import volunteer_input


def _doctor(api: DispatchClient, world: dict[str, Any], **fields: Any) -> str:
    payload = api.ok(VOLUNTEER_REGISTER, {"input": volunteer_input(
        world["east"], homeLocation={"lat": 34.335, "lon": 117.955}, skills=[{"skill": world["doctor"], "level": 3}],
        **fields)}, "volunteerRegister")
    volunteer = payload["volunteer"]["id"]
    api.ok(TEAM_MEMBER_ADD, {"input": {"team": world["team"], "volunteer": volunteer}}, "teamMemberAdd")
    return volunteer


def _outcome(api: DispatchClient, world: dict[str, Any]) -> dict[str, Any]:
    return api.wait_run(start_run(api, world["center"]))


def test_weekly_windows_of_other_weekdays_do_not_make_a_volunteer_available(
        api: DispatchClient, world: dict[str, Any]) -> None:
    # The run's day is a Monday; this doctor serves on Tuesdays only.
    _doctor(api, world, insuranceValidUntil="2027-12-31",
            weekly=[{"weekday": 1, "startMinute": 480, "endMinute": 1080}])
    submit_order(api, world, world["east"], 34.331, 117.961)
    run = _outcome(api, world)
    assert run["proposals"] == []
    assert [o["reason"] for o in run["openOrders"]] == ["NONE_AVAILABLE"]


def test_a_monday_window_or_no_window_at_all_makes_a_volunteer_available(
        api: DispatchClient, world: dict[str, Any]) -> None:
    monday = _doctor(api, world, insuranceValidUntil="2027-12-31",
                     weekly=[{"weekday": 0, "startMinute": 480, "endMinute": 1080}])
    anytime = _doctor(api, world, insuranceValidUntil="2027-12-31")
    submit_order(api, world, world["east"], 34.331, 117.961)
    submit_order(api, world, world["east"], 34.332, 117.962)
    run = _outcome(api, world)
    assert sorted(p["volunteer"]["id"] for p in run["proposals"]) == sorted([monday, anytime])


def test_uninsured_volunteers_are_left_out_and_commitments_are_kept(api: DispatchClient, world: dict[str, Any]
                                                                    ) -> None:
    _doctor(api, world)  # no insurance
    booked = register_doctor(api, world["east"], world["team"], world["doctor"], 34.335, 117.955)
    submit_order(api, world, world["east"], 34.331, 117.961)
    first = _outcome(api, world)
    assert [p["volunteer"]["id"] for p in first["proposals"]] == [booked]
    api.ok(DISPATCH_RUN_COMMIT, {"input": {"run": first["id"]}}, "dispatchRunCommit")
    # A second order at the same hour: the only insured doctor is now booked, so it stays open.
    submit_order(api, world, world["east"], 34.332, 117.962)
    second = _outcome(api, world)
    assert second["proposals"] == []
    assert len(second["openOrders"]) == 1


def test_the_staffing_objective_of_a_run_reaches_the_engine(api: DispatchClient, world: dict[str, Any],
                                                            monkeypatch: Any) -> None:
    # the run input's `staffing` is stored with the run and the problem is built with it
    built: list[Any] = []
    real_build = runs.build

    def recording_build(*args: Any, **kwargs: Any) -> Any:
        built.append(real_build(*args, **kwargs))
        return built[-1]

    monkeypatch.setattr(runs, "build", recording_build)
    _doctor(api, world, insuranceValidUntil="2027-12-31")
    submit_order(api, world, world["east"], 34.331, 117.961)
    for staffing, expected in (("REQUESTS", "requests"), (None, "people")):
        options = {"staffing": staffing} if staffing else {}
        run = api.wait_run(start_run(api, world["center"], **options))
        assert run["state"] == "SUCCEEDED"
        assert built[-1].problem.settings.staffing == expected
        assert len(run["proposals"]) == 1
