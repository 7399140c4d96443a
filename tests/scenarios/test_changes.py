"""Each change type does what it says to the base, and only that; names are checked."""

from __future__ import annotations

from collections import Counter

import pytest

from db.enums import ServiceDomain
from matching.problem import Volunteer
from matching.scenarios import changes
from matching.scenarios.dataset import Dataset, build_base
from matching.scenarios.errors import ScenarioError
from matching.scenarios.runner import prepare
from matching.scenarios.spec import Scenario, parse_scenario
from tests.scenarios.conftest import TINY


def _with(changes: str) -> tuple[Dataset, Dataset, list[str]]:
    scenario = parse_scenario(TINY + changes)
    base = build_base(scenario.base)
    after, log = prepare(scenario)
    return base, after, log


def _towns(ds: Dataset) -> Counter[str]:
    return Counter(ds.volunteer_town[v.id] for v in ds.problem.volunteers)


def test_side_table_covers_every_id_and_uses_town_teams() -> None:
    base, _, _ = _with("")
    p = base.problem
    assert set(base.volunteer_town) == {v.id for v in p.volunteers}
    assert set(base.request_station) == {r.id for r in p.requests}
    for v in p.volunteers:
        town_teams = [t for t in v.teams if t.startswith("T-town-")]
        if town_teams:
            assert base.volunteer_town[v.id] == town_teams[0][len("T-town-"):]
    assert all(base.stations[base.request_station[r.id]].town == base.request_town[r.id] for r in p.requests)
    # the generated base brings Pizhou's geography: 25 institutes, 490 stations, the catalogue's domains
    assert (len(base.towns), len(base.stations), base.towns["yunhe"].name) == (25, 490, "运河街道")
    assert {"health", "theory"} <= base.domains() <= {d.value.lower() for d in ServiceDomain} | {"community"}
    assert base.team_names["T-health"] == "健康邳州"


def test_remove_a_third_of_a_town_touches_no_other_town() -> None:
    base, after, log = _with('[[changes]]\ntype = "remove_volunteers"\ntown = "yunhe"\nshare = 0.3333\n')
    before, now = _towns(base), _towns(after)
    assert now["yunhe"] == before["yunhe"] - round(before["yunhe"] * 0.3333)
    assert {k: v for k, v in now.items() if k != "yunhe"} == {k: v for k, v in before.items() if k != "yunhe"}
    assert "removed" in log[0]


def test_add_volunteers_copies_from_the_team_with_new_unique_ids() -> None:
    base, after, _ = _with('[[changes]]\ntype = "add_volunteers"\nteam = "T-health"\ncount = 25\n')
    new = [v for v in after.problem.volunteers if "+a0." in v.id]
    assert len(new) == 25 and all("T-health" in v.teams and not v.pinned for v in new)
    assert len({v.id for v in after.problem.volunteers}) == len(base.problem.volunteers) + 25


def test_scale_demand_by_domain_and_surge_day() -> None:
    base, after, _ = _with('[[changes]]\ntype = "scale_demand"\ndomain = "health"\nfactor = 2\n')

    def count(ds: Dataset, domain: str) -> int:
        return sum(1 for r in ds.problem.requests if ds.request_domain[r.id] == domain)

    assert count(after, "health") == 2 * count(base, "health")
    assert count(after, "theory") == count(base, "theory")
    _, surged, _ = _with('[[changes]]\ntype = "surge_day"\ndate = 2026-03-05\nfactor = 3\n')
    assert len(surged.problem.requests) == 3 * len(base.problem.requests)


def test_dropping_requests_drops_pins_and_forbids_naming_them() -> None:
    _, after, _ = _with('[[changes]]\ntype = "scale_demand"\nfactor = 0\n')
    assert after.problem.requests == ()
    assert all(not v.pinned and not v.forbidden for v in after.problem.volunteers)


def test_engine_settings_cap_each_volunteer_and_replace_weights() -> None:
    base, after, _ = _with('[[changes]]\ntype = "engine_settings"\nmax_travel_km = 4\ntasks_per_day = 1\n'
                           'priority_weights = { "5" = 50 }\nstaffing = "requests"\n')
    pinned = 0
    for old, new in zip(base.problem.volunteers, after.problem.volunteers):
        if old.pinned:  # a commitment already made keeps its limits
            pinned += 1
            assert new == old
            continue
        assert new.max_travel_km == min(old.max_travel_km or 1e9, 4)
        assert new.limits.tasks_per_day == 1
    assert pinned >= 1
    assert after.problem.settings.weight(5) == 50 and after.problem.settings.weight(4) == 4
    assert (base.problem.settings.staffing, after.problem.settings.staffing) == ("people", "requests")


def test_change_skill_mix_and_remove_team() -> None:
    base, after, _ = _with('[[changes]]\ntype = "change_skill_mix"\nfrom_skill = "helper"\nto_skill = "nurse"\n'
                           'share = 1.0\n')

    def holds(v: Volunteer) -> bool:
        return any(s.skill == "helper" for s in v.skills)

    assert any(holds(v) for v in base.problem.volunteers)
    # only people with a pinned task keep it (so that no pin loses its skill)
    assert [v.id for v in after.problem.volunteers if holds(v)] == \
        [v.id for v in base.problem.volunteers if holds(v) and v.pinned]

    def nurses(ds: Dataset) -> int:
        return sum(any(s.skill == "nurse" for s in v.skills) for v in ds.problem.volunteers)

    assert nurses(after) > nurses(base)
    _, gone, log = _with('[[changes]]\ntype = "remove_team"\nteam = "T-theory"\n')
    assert not any("T-theory" in v.teams for v in gone.problem.volunteers) and "dissolved" in log[0]


def test_the_same_seed_gives_the_same_dataset_and_another_seed_does_not() -> None:
    text = '[[changes]]\ntype = "remove_volunteers"\nshare = 0.5\n'
    _, a, _ = _with(text)
    _, b, _ = _with(text)
    scenario = parse_scenario(TINY + text)
    other = parse_scenario(TINY.replace("seed = 2", "seed = 3") + text)
    assert a.problem == b.problem

    def kept(s: Scenario) -> set[str]:
        return {v.id for v in prepare(s)[0].problem.volunteers}

    assert kept(scenario) != kept(other)


@pytest.mark.parametrize("body, key, known", [
    ('type = "remove_volunteers"\ntown = "atlantis"\nshare = 0.5', "town", "yunhe"),
    ('type = "add_volunteers"\nteam = "T-nope"\ncount = 3', "team", "T-health"),
    ('type = "remove_team"\nteam = "T-nope"', "team", "T-health"),
    ('type = "scale_demand"\ndomain = "space"\nfactor = 2', "domain", "health"),
    ('type = "change_skill_mix"\nfrom_skill = "helper"\nto_skill = "pilot"\nshare = 0.1', "to_skill", "nurse"),
])
def test_a_change_naming_something_that_does_not_exist(body: str, key: str, known: str) -> None:
    text = TINY + "\n[[changes]]\n" + body + "\n"
    with pytest.raises(ScenarioError) as info:
        prepare(parse_scenario(text))
    line = next(i + 1 for i, row in enumerate(text.splitlines()) if row.startswith(f"{key} ="))
    assert info.value.where == f"line {line}: changes[0].{key}"
    assert known in str(info.value)


def test_surge_outside_the_period_and_removing_more_than_exist() -> None:
    with pytest.raises(ScenarioError, match="outside the base period"):
        prepare(parse_scenario(TINY + '[[changes]]\ntype = "surge_day"\ndate = 2026-03-09\nfactor = 3\n'))
    with pytest.raises(ScenarioError, match="only .* are in town=yunhe"):
        prepare(parse_scenario(TINY + '[[changes]]\ntype = "remove_volunteers"\ntown = "yunhe"\ncount = 100000\n'))


def test_h4_a_change_that_grows_the_problem_past_the_bounds_fails_before_solving(
        monkeypatch: pytest.MonkeyPatch) -> None:
    base, _, _ = _with("")
    monkeypatch.setattr(changes, "MAX_VOLUNTEERS", len(base.problem.volunteers) + 10)
    with pytest.raises(ScenarioError, match=r"changes\[0\].*a scenario solves at most"):
        _with('\n[[changes]]\ntype = "add_volunteers"\ncount = 50\n')
