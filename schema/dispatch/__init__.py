"""schema.dispatch.fields."""
