"""resolvers.access."""
