"""resolvers.network."""
