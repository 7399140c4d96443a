"""Insurance in the API: policies and the report of uninsured tasks."""
