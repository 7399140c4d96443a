"""resolvers.dispatch."""
