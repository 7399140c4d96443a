"""resolvers.scenarios."""
