"""resolvers.forces.teams."""
