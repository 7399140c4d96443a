"""The civility self-assessment in the API: questionnaires, responses entered by stations, indexes."""
