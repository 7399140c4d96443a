"""schema.core."""
