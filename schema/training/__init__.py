"""Training in the API: courses, sessions, enrolments and certificates."""
