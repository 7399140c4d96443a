"""resolvers.core."""
