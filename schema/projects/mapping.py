"""Rows of projects -> GraphQL objects of schema/projects/types.py (no database work)."""

from __future__ import annotations

from typing import Any

from db import models
from schema.projects.types import event_object, project_object


def project(row: models.Project) -> Any:
    return project_object(row)


def project_event(row: models.ProjectEvent) -> Any:
    return event_object(row)
