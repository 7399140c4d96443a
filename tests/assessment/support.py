"""Support of the assessment tests: the documents, paging through every unit's score, and the
independent counts the tests check the indicators against (plain SQL written apart from
resolvers/assessment/, over the subtree of one unit at a time)."""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, text

from db.models.base import UTCDateTime
from examples.history import load_history_into
from examples.load import load_city_into
from tests.dispatch.support import DispatchClient
from wenming.settings import Settings

ASSESSMENT = """
query A($scope: ID!, $quarter: String!, $weights: [AssessmentWeightInput!], $after: String) {
  assessment(scope: $scope, quarter: $quarter, weights: $weights) {
    quarter normalisation scopeId weights { indicator weight } publishedAt
    units(first: 100, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { id code level score rank ranked
                     contributions { indicator value normalised weight contribution } } }
    }
  }
}"""

#: Q3 2026 in UTC: local (Asia/Shanghai) midnights of 1 July and 1 October.
Q3_START = dt.datetime(2026, 6, 30, 16, 0, tzinfo=dt.UTC)
Q3_END = dt.datetime(2026, 9, 30, 16, 0, tzinfo=dt.UTC)


def all_units(api: DispatchClient, scope: str, quarter: str, weights: list[dict[str, Any]] | None = None
              ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The assessment's header and every unit's node, page by page."""
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        found = api.data(ASSESSMENT, {"scope": scope, "quarter": quarter, "weights": weights,
                                      "after": after})["assessment"]
        nodes += [edge["node"] for edge in found["units"]["edges"]]
        if not found["units"]["pageInfo"]["hasNextPage"]:
            assert len(nodes) == found["units"]["totalCount"]
            return found, nodes
        after = found["units"]["pageInfo"]["endCursor"]


#: Q2 2026 in UTC: local midnights of 1 April and 1 July (Kunshan's example evaluations fall in it).
Q2_START = dt.datetime(2026, 3, 31, 16, 0, tzinfo=dt.UTC)

#: what an evaluated project counts by grade (docs/domain.md 7i), written apart from the resolver
GRADE = {"A": 1.0, "B": 0.7, "C": 0.4}


def expected_indicators(conn: Connection, path: str, lo: dt.datetime = Q3_START, hi: dt.datetime = Q3_END
                        ) -> dict[str, float | None]:
    """Every indicator of the unit at `path` in the quarter [lo, hi) (default Q3 2026), counted directly."""
    def bound(sql: str) -> Any:
        return text(sql).bindparams(bindparam("lo", type_=UTCDateTime()), bindparam("hi", type_=UTCDateTime()))

    def _scalar(conn: Connection, sql: str, path: str) -> Any:
        if ":lo" not in sql:
            return conn.execute(text(sql), {"p": path + "%"}).scalar()
        return conn.execute(bound(sql), {"p": path + "%", "lo": lo, "hi": hi}).scalar()

    in_orders = "FROM orders o JOIN units u ON u.id = o.unit_id WHERE u.path LIKE :p " \
                "AND o.created_at >= :lo AND o.created_at < :hi"
    received = _scalar(conn, f"SELECT COUNT(*) {in_orders}", path)
    served = _scalar(conn, f"SELECT COUNT(*) {in_orders} AND o.status IN ('COMPLETED', 'RATED')", path)
    rating = _scalar(conn, "SELECT AVG(r.score) FROM ratings r JOIN orders o ON o.id = r.order_id "
                           "JOIN units u ON u.id = o.unit_id WHERE u.path LIKE :p "
                           "AND o.created_at >= :lo AND o.created_at < :hi", path)
    due = _scalar(conn, "SELECT COUNT(*) FROM assignments a JOIN orders o ON o.id = a.order_id JOIN units u "
                        "ON u.id = o.unit_id WHERE u.path LIKE :p AND o.created_at >= :lo AND o.created_at < :hi "
                        "AND a.status IN ('COMPLETED', 'NO_SHOW')", path)
    no_shows = _scalar(conn, "SELECT COUNT(*) FROM assignments a JOIN orders o ON o.id = a.order_id JOIN units u "
                             "ON u.id = o.unit_id WHERE u.path LIKE :p AND o.created_at >= :lo "
                             "AND o.created_at < :hi AND a.status = 'NO_SHOW'", path)
    registered = _scalar(conn, "SELECT COUNT(*) FROM volunteers v JOIN units u ON u.id = v.unit_id "
                               "WHERE u.path LIKE :p AND v.status <> 'LEFT'", path)
    served_records = ("FROM service_records s JOIN volunteers v ON v.id = s.volunteer_id JOIN units u "
                      "ON u.id = v.unit_id WHERE u.path LIKE :p AND v.status <> 'LEFT' AND s.checked_in_at >= :lo "
                      "AND s.checked_in_at < :hi AND s.checked_out_at IS NOT NULL")
    active = _scalar(conn, f"SELECT COUNT(DISTINCT v.id) {served_records}", path)
    minutes = _scalar(conn, f"SELECT SUM(COALESCE(s.credit_minutes, 0) + s.honour_minutes) {served_records}", path)
    stations = _scalar(conn, "SELECT COUNT(*) FROM units u WHERE u.path LIKE :p AND u.level = 'STATION'", path)
    spans = conn.execute(
        text("SELECT o.created_at AS created, "
             "(SELECT MIN(e.at) FROM order_events e WHERE e.order_id = o.id AND e.to_status = 'DISPATCHED') "
             "AS dispatched, "
             "(SELECT MIN(e.at) FROM order_events e WHERE e.order_id = o.id AND e.to_status = 'COMPLETED') "
             "AS completed "
             f"{in_orders}").bindparams(bindparam("lo", type_=UTCDateTime()), bindparam("hi", type_=UTCDateTime()))
        .columns(created=UTCDateTime(), dispatched=UTCDateTime(), completed=UTCDateTime()),
        {"p": path + "%", "lo": lo, "hi": hi}).all()
    # projects: running at some time in the quarter (started before its end, not closed before its
    # start), and evaluated within it, by grade
    ran = _scalar(conn, "SELECT COUNT(*) FROM projects p JOIN units u ON u.id = p.unit_id WHERE u.path LIKE :p "
                        "AND EXISTS (SELECT 1 FROM project_events e WHERE e.project_id = p.id "
                        "AND e.to_state = 'RUNNING' AND e.at < :hi) "
                        "AND NOT EXISTS (SELECT 1 FROM project_events e WHERE e.project_id = p.id "
                        "AND e.to_state = 'CLOSED' AND e.at < :lo)", path)
    grades = conn.execute(bound("SELECT ev.grade FROM project_evaluations ev JOIN projects p ON p.id = ev.project_id "
                                "JOIN units u ON u.id = p.unit_id WHERE u.path LIKE :p AND ev.at >= :lo "
                                "AND ev.at < :hi"), {"p": path + "%", "lo": lo, "hi": hi}).scalars().all()
    to_dispatch = [(d - c).total_seconds() / 60 for c, d, _ in spans if d is not None]
    to_complete = [(f - c).total_seconds() / 60 for c, _, f in spans if f is not None]

    def ratio(top: float | None, bottom: float | None) -> float | None:
        return float(top or 0) / bottom if bottom else None

    return {
        "orders_received": float(received), "orders_served": float(served),
        "median_dispatch_minutes": statistics.median(to_dispatch) if to_dispatch else None,
        "median_completion_minutes": statistics.median(to_complete) if to_complete else None,
        "completion_rate": ratio(served, received), "no_show_rate": ratio(no_shows, due),
        "mean_rating": None if rating is None else float(rating),
        "hours_per_volunteer": ratio((minutes or 0) / 60, registered), "active_share": ratio(active, registered),
        "activities_per_station": ratio(served, stations),
        "projects": float(ran) + sum(GRADE.get(g or "", 0.0) for g in grades),
    }


def load_city_quarter(engine: Engine, settings: Settings, city: str, volunteers: int, per_day: int) -> int:
    """The example city with history from 20 June to 7 October 2026 (Q3 and a little either side)."""
    report = load_city_into(engine, city, volunteers=volunteers, seed=2, day=dt.date(2026, 6, 1),
                            secret_key=settings.secret_key)
    with engine.begin() as conn:
        load_history_into(conn, report.center_id, dt.date(2026, 6, 20), days=110, orders_per_day=per_day)
    return report.center_id
