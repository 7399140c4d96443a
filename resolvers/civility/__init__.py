"""The civility self-assessment (修身立德): questionnaires and responses (survey.py), and the index of
stations and units (index.py)."""
