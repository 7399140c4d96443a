"""schema.scenarios.fields."""
