"""Rows of training -> GraphQL objects of schema/training/types.py (no database work)."""

from __future__ import annotations

from typing import Any

from db import models
from schema.training.types import certificate_object, course_object, enrolment_object, session_object


def training_course(row: models.TrainingCourse) -> Any:
    return course_object(row)


def training_session(row: models.TrainingSession) -> Any:
    return session_object(row)


def enrolment(row: models.Enrolment) -> Any:
    return enrolment_object(row)


def certificate(row: models.Certificate) -> Any:
    return certificate_object(row)
