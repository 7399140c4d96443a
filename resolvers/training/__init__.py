"""Training: courses, sessions, enrolment, attendance and assessment; the certificates a pass
issues, what dispatch counts of them, and the expiry notices."""
