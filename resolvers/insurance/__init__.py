"""Insurance: volunteers' policies, the cover they give, and the report of uninsured tasks."""
