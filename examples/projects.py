"""Kunshan's volunteer service projects (志愿服务项目) and its excellent-project library (优秀项目库).

The bulletin names Kunshan's seven brand projects (七个品牌) and two town brands (陆家镇 "YOU爱之家",
锦溪镇 新乡贤宣讲团 "板凳课堂"); those names are real. Everything else is invented example data
(project rows have no `synthetic` column): the states, goals, target groups, periods, budgets, the
station projects, the audit trails (their actors are no accounts) and the evaluations' figures.
The projects stand in every state of their life, and the evaluated ones form a graded library.
The running project "三级心理健康体系建设工程" takes the day's Kunshan orders for its items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from db.enums import ServiceDomain as D
from db.models import ProjectState as S
from examples.menu import Catalogue
from examples.network import Network, Place
from examples.rows import Ids, Tables
from resolvers.core.settings import ProjectSettings
from resolvers.projects.evaluation import Figures, score

#: the steps from a draft to each state (a RETURNED one was returned once; EVALUATED ones too, then resubmitted)
PATHS: dict[S, tuple[S, ...]] = {
    S.DRAFT: (),
    S.SUBMITTED: (S.SUBMITTED,),
    S.RETURNED: (S.SUBMITTED, S.RETURNED),
    S.APPROVED: (S.SUBMITTED, S.APPROVED),
    S.RUNNING: (S.SUBMITTED, S.APPROVED, S.RUNNING),
    S.CLOSED: (S.SUBMITTED, S.APPROVED, S.RUNNING, S.CLOSED),
    S.EVALUATED: (S.SUBMITTED, S.RETURNED, S.SUBMITTED, S.APPROVED, S.RUNNING, S.CLOSED, S.EVALUATED),
}
DECIDING, OWN = "上级单位工作人员（示例）", "项目单位工作人员（示例）"
RETURN_REASON = "请细化目标人群和预算明细（示例）"
#: the orders of the day the running project takes at most
MAX_ORDERS = 30


@dataclass(frozen=True)
class ProjectSpec:
    name: str
    domain: D
    items: tuple[str, ...]
    state: S
    goals: str
    target_groups: str
    budget_yuan: int
    town: str | None = None  # the institute of this town (None: the center); `station`: its first station
    station: bool = False
    team: str | None = None  # (part of) the name of the local team running it
    #: EVALUATED: (orders placed, served, approved hours, ratings, mean rating x 10, reviewer's score)
    results: tuple[int, int, int, int, int, int] | None = None


PROJECTS: tuple[ProjectSpec, ...] = (
    # the seven brand projects of the center (七个品牌)
    ProjectSpec("“市民大讲堂”理论宣讲平台", D.THEORY, ("policy_lecture", "bench_class"), S.EVALUATED,
                "每月在各区镇开设市民大讲堂", "全体市民", 300_000, results=(96, 92, 410, 80, 48, 92)),
    ProjectSpec("“市民修身立德”工程", D.CIVILITY, ("traffic_civility",), S.EVALUATED,
                "以文明指数测评推动市民修身立德", "全体市民", 200_000, results=(120, 111, 380, 90, 46, 88)),
    ProjectSpec("“同城伙伴”新市民素质提升工程", D.EDUCATION, ("homework_help", "legal_advice"), S.EVALUATED,
                "帮助新市民融入城市生活", "新市民及其子女", 250_000, results=(64, 52, 260, 40, 43, 78)),
    ProjectSpec("三级心理健康体系建设工程", D.HEALTH, ("counselling", "health_lecture"), S.RUNNING,
                "建设市、区镇、村社区三级心理健康服务", "社区居民", 400_000),
    ProjectSpec("“文明12条”专项行动", D.CIVILITY, ("traffic_civility", "village_cleanup"), S.CLOSED,
                "围绕“文明12条”开展劝导和整治", "全体市民", 150_000),
    ProjectSpec("美丽昆山建设和创建文明城市网格化挂钩机制", D.CIVILITY, ("village_cleanup",), S.APPROVED,
                "网格化挂钩推进人居环境整治", "各网格居民", 180_000),
    ProjectSpec("“空中演播室”云上宣讲平台", D.THEORY, ("policy_lecture",), S.SUBMITTED,
                "线上直播理论宣讲", "全体市民", 120_000),
    # two town brands (named in the bulletin) and invented station projects
    ProjectSpec("“YOU爱之家”关爱空巢老人", D.WELFARE, ("elderly_visit", "free_haircut"), S.EVALUATED,
                "每周上门探访空巢老人", "空巢老人", 80_000, town="陆家镇", team="YOU爱之家",
                results=(48, 45, 150, 30, 47, 90)),
    ProjectSpec("新乡贤“板凳课堂”", D.THEORY, ("bench_class",), S.EVALUATED, "村头巷尾的小规模互动宣讲",
                "村民", 30_000, town="锦溪镇", team="新乡贤", results=(40, 24, 60, 12, 36, 62)),
    ProjectSpec("社区爱心义剪", D.WELFARE, ("free_haircut",), S.DRAFT, "每月一次社区义剪（示例）", "社区老人",
                5_000, town="陆家镇", station=True),
    ProjectSpec("周末科普小课堂", D.SCIENCE, ("science_show",), S.RETURNED, "周末为青少年开设科普课（示例）",
                "青少年", 12_000, town="锦溪镇", station=True),
)


def _unit(network: Network, spec: ProjectSpec) -> Place:
    if spec.town is None:
        return network.center
    institute = next(i for i in network.institutes if i.town is not None and i.town.name == spec.town)
    return institute.children[0] if spec.station and institute.children else institute


def _team(tables: Tables, name: str | None) -> int | None:
    """The team whose name holds `name` (a local team of examples/cities.py)."""
    if name is None:
        return None
    return next((int(str(row["id"])) for row in tables["teams"] if name in str(row["name"])), None)


def build_projects(city_key: str, ids: Ids, tables: Tables, network: Network, catalogue: Catalogue, day: date,
                   created_at: datetime) -> None:
    """Add Kunshan's projects, their items, stations, audit trails and evaluations to `tables`."""
    if city_key != "kunshan":
        return
    settings = ProjectSettings()
    for number, spec in enumerate(PROJECTS):
        unit = _unit(network, spec)
        evaluated = spec.state == S.EVALUATED
        starts = day - timedelta(days=330 if evaluated or spec.state == S.CLOSED else 60)
        ends = starts + timedelta(days=300 if evaluated or spec.state == S.CLOSED else 240)
        project_id = ids.take("projects")
        budget = spec.budget_yuan * 100
        spent = budget * 9 // 10 if spec.state in (S.CLOSED, S.EVALUATED) else None
        tables["projects"].append({
            "id": project_id, "unit_id": unit.id, "team_id": _team(tables, spec.team), "name": spec.name,
            "domain": spec.domain, "goals": spec.goals, "target_groups": spec.target_groups, "starts_on": starts,
            "ends_on": ends, "budget_fen": budget, "spent_fen": spent, "state": spec.state,
            "return_reason": RETURN_REASON if spec.state == S.RETURNED else "", "submitted_by_account_id": None,
            "copied_from_id": None, "created_at": created_at + timedelta(days=number), "version": 1,
        })
        for code in spec.items:
            tables["project_items"].append({"id": ids.take("project_items"), "project_id": project_id,
                                            "item_id": catalogue.item_ids[code]})
        if spec.station:
            tables["project_stations"].append({"id": ids.take("project_stations"), "project_id": project_id,
                                               "unit_id": unit.id})
        at = datetime.combine(starts - timedelta(days=20), datetime.min.time(), tzinfo=created_at.tzinfo)
        steps = (S.DRAFT, *PATHS[spec.state])
        for n, (before, after) in enumerate(zip((None, *steps[:-1]), steps, strict=True)):
            deciding = after in (S.APPROVED, S.RETURNED, S.EVALUATED)
            tables["project_events"].append({
                "id": ids.take("project_events"), "project_id": project_id, "from_state": before, "to_state": after,
                "actor": DECIDING if deciding else OWN, "actor_account_id": None,
                "note": RETURN_REASON if after == S.RETURNED else "", "at": at + timedelta(days=3 * n),
            })
        if evaluated and spec.results is not None:
            placed, served, hours, ratings, mean10, reviewer = spec.results
            found = Figures(placed, served, hours * 60, ratings, ratings * mean10 // 10)
            total = score(found, reviewer, settings)
            tables["project_evaluations"].append({
                "id": ids.take("project_evaluations"), "project_id": project_id, "orders_total": placed,
                "orders_served": served, "approved_minutes": hours * 60, "ratings": ratings,
                "rating_sum": found.rating_sum, "residents_reached": placed * 25, "budget_fen": budget,
                "spent_fen": spent or 0, "reviewer_score": reviewer, "score": total, "grade": settings.grade(total),
                "reviewer": DECIDING, "reviewer_account_id": None, "note": "",
                "at": datetime.combine(ends + timedelta(days=10), datetime.min.time(), tzinfo=created_at.tzinfo),
            })
        if spec.state == S.RUNNING:
            wanted = {catalogue.item_ids[code] for code in spec.items}
            mine = [o for o in tables["orders"] if o["item_id"] in wanted][:MAX_ORDERS]
            for order in mine:
                order["project_id"] = project_id
