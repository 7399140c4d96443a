"""schema.network."""
