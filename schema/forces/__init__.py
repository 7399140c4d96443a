"""schema.forces.teams."""
